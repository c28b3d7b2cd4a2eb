"""Officers typing in a paper keep-in-touch form, or details given to them in person."""

import pytest
from django.urls import reverse

from contacts.forms import KeepInTouchForm
from contacts.models import (
    PRIVACY_NOTICE_VERSION,
    Attendee,
    ConsentMethod,
    ConsentPurpose,
    Ethnicity,
    OutboxMessage,
)
from contacts.tests.factories import AttendeeFactory
from contacts.tests.helpers import audit_entries
from engagement.models import AuditLogEntry
from engagement.tests.factories import CommunityFactory

EMAIL_UPDATES = ConsentPurpose.EMAIL_UPDATES


def paper_form(**changes):
    data = {
        "method": ConsentMethod.PAPER,
        "name": "Grace Okafor",
        "email": "grace@example.org",
        "phone": "",
        "wants_updates": "on",
        "wants_focus_group": "",
        "wants_lay_observation": "",
        "share_demographics": "",
        "ethnicity": "",
        "age_band": "",
        "postcode_district": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.django_db
def test_a_paper_form_is_recorded_with_how_and_by_whom_and_is_live_at_once(
    coordinator_client, coordinator
):
    somali = CommunityFactory(name="Somali community")
    response = coordinator_client.post(
        reverse("contacts:new"),
        paper_form(
            wants_focus_group="on",
            share_demographics="on",
            communities=[somali.pk],
            ethnicity=Ethnicity.AFRICAN,
        ),
    )
    grace = Attendee.objects.get()
    assert response.status_code == 302
    assert response.url == grace.get_staff_url()
    # How we got the details and how consent was given are one choice list.
    assert grace.source == ConsentMethod.PAPER
    assert grace.get_source_display() == "Paper form, entered by an officer"
    assert grace.entered_by == coordinator
    assert grace.live_consent_purposes() == {
        EMAIL_UPDATES,
        ConsentPurpose.FOCUS_GROUP,
        ConsentPurpose.DEMOGRAPHIC_DATA,
    }
    for consent in grace.consents.all():
        assert consent.method == ConsentMethod.PAPER
        assert consent.recorded_by == coordinator
        assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert list(grace.communities.all()) == [somali]
    # The officer saw them sign, so no confirmation email goes out.
    assert not OutboxMessage.objects.exists()
    [entry] = audit_entries(AuditLogEntry.Action.ADDED_CONTACT)
    assert entry.subject == f"contact {grace.pk}"


@pytest.mark.django_db
def test_details_given_in_person_are_recorded_as_such(coordinator_client):
    coordinator_client.post(
        reverse("contacts:new"),
        paper_form(
            method=ConsentMethod.IN_PERSON,
            email="",
            phone="07700 900123",
            wants_updates="",
            wants_lay_observation="on",
        ),
    )
    person = Attendee.objects.get()
    assert person.source == ConsentMethod.IN_PERSON
    assert person.consents.get().method == ConsentMethod.IN_PERSON


@pytest.mark.django_db
def test_the_paper_form_asks_the_same_questions_as_the_public_form(coordinator_client):
    response = coordinator_client.get(reverse("contacts:new"))
    form = response.context["form"]
    assert set(form.fields) == set(KeepInTouchForm().fields) | {"method"}
    assert form.fields["ethnicity"].choices == KeepInTouchForm().fields["ethnicity"].choices
    page = response.content.decode()
    for heading in ("How to reach them", "What they chose", "About them (optional)"):
        assert f'<legend class="h4">{heading}</legend>' in page
    assert page.index('name="method"') < page.index('name="name"')


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"method": ""}, "method", "Choose how they gave these details."),
        ({"email": "grace@"}, "email", "Enter an email address in the right format"),
        ({"wants_updates": ""}, "wants_updates", "Choose at least one way to stay in touch."),
        ({"ethnicity": Ethnicity.ROMA}, "share_demographics", "Tick this box"),
        ({"postcode_district": "M14 4SL"}, "postcode_district", "Enter only the first part"),
    ],
)
def test_a_bad_paper_form_keeps_what_was_typed_with_a_message_beside_the_field(
    coordinator_client, changes, field, message
):
    response = coordinator_client.post(reverse("contacts:new"), paper_form(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="Grace Okafor"' in page
    assert not Attendee.objects.exists()
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.ADDED_CONTACT).exists()


@pytest.mark.django_db
def test_a_paper_form_from_someone_already_known_updates_their_record(coordinator_client):
    known = AttendeeFactory(name="Grace", email="grace@example.org")
    response = coordinator_client.post(reverse("contacts:new"), paper_form(), follow=True)
    assert Attendee.objects.count() == 1
    assert EMAIL_UPDATES in known.live_consent_purposes()
    assert "already a contact" in response.content.decode()
