"""The paper keep-in-touch form: printing it blank, and officers typing in a filled-in
one, or details given to them in person."""

from pathlib import Path

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.html import escape

from contacts.forms import CONSENT_FIELDS, KeepInTouchForm
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
from events.tests.factories import EventFactory

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


# The keep-in-touch form to print ----------------------------------------------------


def printed_questions(response) -> list:
    return [question for section in response.context["sections"] for question in section.questions]


def printed_choices(question) -> list[str]:
    """The choices as the entry screen words them: "Asian: Bangladeshi"."""
    return [
        f"{group.heading}: {choice}" if group.heading else choice
        for group in question.groups
        for choice in group.choices
    ]


@pytest.mark.django_db
def test_the_printed_form_asks_what_the_entry_screen_types_in_in_the_same_order(
    coordinator_client,
):
    CommunityFactory(name="Somali community")
    CommunityFactory(name="Young people (16–24)")
    printed = coordinator_client.get(reverse("contacts:paper-form"))
    entry = coordinator_client.get(reverse("contacts:new"))
    entry_form, entry_page = entry.context["form"], entry.content.decode()

    # The officer's own question (how the details were given) is not for the person.
    asked = [name for name in entry_form.fields if name != "method"]
    on_screen = sorted(asked, key=lambda name: entry_page.index(f'name="{name}"'))
    questions = printed_questions(printed)
    assert [question.name for question in questions] == on_screen

    for question in questions:
        field = entry_form.fields[question.name]
        if isinstance(field, forms.BooleanField):
            assert question.kind == "tick"
        elif getattr(field, "write_in_on_paper", False):
            assert question.kind == "write"
        elif isinstance(field, forms.ChoiceField):
            labels = [str(label) for value, label in field.choices if value != ""]
            assert [choice.lower() for choice in printed_choices(question)] == [
                label.lower() for label in labels
            ], question.name
        else:
            assert question.kind == "write"


@pytest.mark.django_db
def test_the_printed_form_has_a_tick_box_for_every_consent_purpose_and_the_notice_version(
    coordinator_client,
):
    page = coordinator_client.get(reverse("contacts:paper-form")).content.decode()
    assert set(CONSENT_FIELDS.values()) == set(ConsentPurpose)
    for field in CONSENT_FIELDS:
        label = escape(KeepInTouchForm.base_fields[field].label)
        assert f'<span class="box" aria-hidden="true"></span><span>{label}</span>' in page
    # The version the entry screen records choices against, and the online form shows.
    assert f"Privacy notice version {PRIVACY_NOTICE_VERSION}." in page
    entry = coordinator_client.get(reverse("contacts:new")).content.decode()
    assert f"privacy notice version {PRIVACY_NOTICE_VERSION}" in entry
    assert "keeps the details you give here only to do what you asked" in page
    assert "We keep your details apart from all feedback." in page
    assert "By signing, you agree to what you ticked on this form." in page
    assert ">Signature<" in page and ">Date<" in page


@pytest.mark.django_db
def test_the_printed_form_lists_the_ons_ethnic_groups_ages_and_communities(coordinator_client):
    CommunityFactory(name="Somali community")
    page = coordinator_client.get(reverse("contacts:paper-form")).content.decode()
    for heading in ("Asian:", "Black:", "Mixed:", "White:", "Other ethnic group:"):
        assert f'<span class="group-heading">{heading}</span>' in page
    for choice in (
        "Bangladeshi",
        "Any other Black, Black British or Caribbean background",
        "White and Black Caribbean",
        "English, Welsh, Scottish, Northern Irish or British",
        "Gypsy or Irish Traveller",
        "Arab",
        "Prefer not to say",
        "18 to 24",
        "75 or over",
        "Somali community",
    ):
        assert f'<span class="box" aria-hidden="true"></span>{escape(choice)}</li>' in page, choice


@pytest.mark.django_db
def test_the_printed_form_holds_no_personal_data_and_is_not_audited(coordinator_client):
    AttendeeFactory(name="Amina Khan", email="amina@example.org", phone="07700 900123")
    response = coordinator_client.get(reverse("contacts:paper-form"))
    page = response.content.decode()
    for personal in ("Amina", "amina@", "07700 900123"):
        assert personal not in page
    assert not AuditLogEntry.objects.exists()
    assert "css/keep-in-touch-paper-form.css" in page
    assert "<script" not in page
    stylesheet = Path(finders.find("css/keep-in-touch-paper-form.css")).read_text()
    assert "@page { size: A4 portrait;" in stylesheet
    assert "@media print" in stylesheet


@pytest.mark.django_db
def test_the_printed_form_is_linked_from_the_contacts_list_and_the_event_hub(
    coordinator_client, client, leader
):
    paper_form = reverse("contacts:paper-form")
    event = EventFactory()
    assert paper_form in coordinator_client.get(reverse("contacts:list")).content.decode()
    assert paper_form in coordinator_client.get(event.get_staff_url()).content.decode()
    client.force_login(leader)
    assert paper_form not in client.get(event.get_staff_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["contacts:new", "keep-in-touch"])
def test_a_community_id_too_big_for_the_database_is_an_invalid_choice(
    client, coordinator, url_name
):
    client.force_login(coordinator)
    data = paper_form(share_demographics="on", communities=[str(2**70)])
    response = client.post(reverse(url_name), data)
    assert response.status_code == 200
    assert "communities" in response.context["form"].errors
    assert not Attendee.objects.exists()
