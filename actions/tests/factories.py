"""One factory per actions model. ActionFactory makes a proposed action due in a month;
pass status= and the matching dates for others, or use the services to move it on."""

from datetime import timedelta

import factory
from django.utils import timezone

from actions.models import Action, ActionUpdate, DigestRun
from engagement.tests.factories import DepartmentFactory


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Action {n}")
    you_said = "People said they rarely see officers on foot in the evenings."
    we_did = "Neighbourhood teams will walk the high street every Friday evening."
    department = factory.SubFactory(DepartmentFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = Action.Status.PROPOSED
    cannot_act_reason = factory.LazyAttribute(
        lambda action: (
            "The building belongs to the council, not the police."
            if action.status == Action.Status.CANNOT_ACT
            else ""
        )
    )
    decline_reason = factory.LazyAttribute(
        lambda action: (
            "Already covered by another action." if action.status == Action.Status.DECLINED else ""
        )
    )
    agreed_at = factory.LazyAttribute(
        lambda action: None if action.status == Action.Status.PROPOSED else timezone.now()
    )

    @factory.post_generation
    def workstreams(self, create, extracted, **kwargs):
        if create and extracted:
            self.workstreams.set(extracted)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.set(extracted)

    @factory.post_generation
    def events(self, create, extracted, **kwargs):
        if create and extracted:
            self.events.set(extracted)

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            self.items.set(extracted)


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionUpdate

    action = factory.SubFactory(ActionFactory)
    kind = ActionUpdate.Kind.UPDATE
    text = "Training dates are booked for March."
    is_public = True


class DigestRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigestRun

    week = factory.Sequence(lambda n: f"2020-W{n % 52 + 1:02d}")
    covered_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    covered_until = factory.LazyFunction(timezone.now)
