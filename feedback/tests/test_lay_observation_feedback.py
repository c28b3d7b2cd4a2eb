"""The anonymous form a lay observation's visitors are emailed: it asks what they
thought of the visit, keeps the feedback form's privacy rules, and its answers reach
the inbox tagged to the visit, never to the visitor."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import ObservationPlace, Opportunity
from contacts.services.lay_observation import place_take
from contacts.tests.factories import OpportunityFactory
from contacts.tests.lay_observation_helpers import interested, offer
from engagement.roles import Role
from feedback.models import FeedbackItem, PendingSubmission, Submission
from feedback.tests.helpers import release_forms_sent_so_far

pytestmark = pytest.mark.django_db


@pytest.fixture
def visited(db):
    opportunity = OpportunityFactory(title="Custody suite visit, Longsight")
    (place,) = offer(opportunity, interested())
    place_take(place=place)
    Opportunity.objects.filter(pk=opportunity.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    opportunity.refresh_from_db()
    return opportunity


def test_a_visitor_tells_us_what_they_thought_anonymously_and_it_reaches_the_inbox(
    client, client_for_role, visited
):
    url = reverse(
        "give-feedback-lay-observation", kwargs={"lay_observation_token": visited.feedback_token}
    )
    page = client.get(url)
    form = page.context["form"]
    assert [name for name in form.fields if name.startswith("answer_")] == []
    assert form.fields["anything_else"].label == "What did you think of the visit?"
    assert "About your visit" in page.content.decode()

    response = client.post(
        url,
        {
            "form_nonce": form.initial["form_nonce"],
            "anything_else": "The sergeant explained everything. My name is Ada Obi.",
        },
    )
    assert response.status_code == 302 and response.url == reverse("feedback-thanks")
    pending = PendingSubmission.objects.get()
    assert pending.lay_observation == visited and pending.event is None
    assert release_forms_sent_so_far() == 1

    submission = Submission.objects.get()
    assert submission.lay_observation == visited
    (item,) = FeedbackItem.objects.all()
    assert item.text.startswith("The sergeant explained everything.")
    inbox = client_for_role(Role.COORDINATOR).get(reverse("feedback:inbox")).content.decode()
    assert "Custody suite visit, Longsight" in inbox and "Lay observation" in inbox
    detail = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert visited.get_staff_url() in detail
    # Nothing ties the form to the person who went: not the place, not the contact.
    assert not [f for f in Submission._meta.get_fields() if f.related_model is ObservationPlace]


@pytest.mark.parametrize(
    ("change", "status"),
    [("not yet", 410), ("long ago", 410), ("cancelled", 404), ("unknown", 404)],
)
def test_the_visitors_form_is_open_only_from_the_visit_for_a_while(client, visited, change, status):
    token = visited.feedback_token
    if change == "not yet":
        Opportunity.objects.filter(pk=visited.pk).update(
            starts_at=timezone.now() + timedelta(days=1), ends_at=timezone.now() + timedelta(days=2)
        )
    elif change == "long ago":
        Opportunity.objects.filter(pk=visited.pk).update(
            starts_at=timezone.now() - timedelta(days=400),
            ends_at=timezone.now() - timedelta(days=399),
        )
    elif change == "cancelled":
        Opportunity.objects.filter(pk=visited.pk).update(status=Opportunity.Status.CANCELLED)
    else:
        token = "not-a-real-token"
    url = reverse("give-feedback-lay-observation", kwargs={"lay_observation_token": token})
    assert client.get(url).status_code == status
    assert client.post(url, {"anything_else": "Hello"}).status_code == status
    assert not PendingSubmission.objects.exists()


def form_url(opportunity) -> str:
    return reverse(
        "give-feedback-lay-observation",
        kwargs={"lay_observation_token": opportunity.feedback_token},
    )


def test_hostile_input_on_the_visitors_form_gets_a_message_and_stores_nothing(client, visited):
    url = form_url(visited)
    nonce = client.get(url).context["form"].initial["form_nonce"]

    with_nul = client.post(url, {"form_nonce": nonce, "anything_else": "Good\x00visit"})
    too_long = client.post(url, {"form_nonce": nonce, "anything_else": "x" * 100_000})
    robot = client.post(url, {"form_nonce": nonce, "anything_else": "Buy", "website": "spam"})

    assert with_nul.status_code == 200 and with_nul.context["form"].errors
    assert too_long.status_code in (200, 413)
    assert robot.status_code == 302
    assert not PendingSubmission.objects.exists()


def test_a_visitor_s_words_of_risk_reach_coordinators_before_the_hour_tagged_to_the_visit(
    client, client_for_role, visited, settings
):
    settings.SAFEGUARDING_EMAIL = "duty@example.police.uk"
    url = form_url(visited)
    nonce = client.get(url).context["form"].initial["form_nonce"]
    client.post(url, {"form_nonce": nonce, "anything_else": "I was threatened on the way home."})

    inbox = client_for_role(Role.COORDINATOR).get(reverse("feedback:inbox")).content.decode()

    assert "Lay observation: Custody suite visit, Longsight" in inbox
    assert PendingSubmission.objects.get().is_safeguarding_flagged
