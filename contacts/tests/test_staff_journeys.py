"""The staff contact pages in a real browser: every one passes axe and fits a small
screen, and a Coordinator invites contacts to an event by pressing the button."""

import re

import pytest
from django.urls import reverse

from contacts.models import ConsentPurpose, Ethnicity, Invitation, OutboxMessage
from contacts.services.records import attendee_erase
from contacts.tests.factories import AttendanceFactory, AttendeeFactory, OutboxMessageFactory
from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 320])
def test_the_contact_pages_are_accessible(
    live_server, page, sign_in, axe_check, coordinator, width
):
    somali = CommunityFactory(name="Somali community")
    event = EventFactory(focus_community=somali)
    amina = AttendeeFactory(
        name="Amina Khan",
        email="amina@example.org",
        phone="07700 900123",
        consents=[
            ConsentPurpose.EMAIL_UPDATES,
            ConsentPurpose.FOCUS_GROUP,
            ConsentPurpose.DEMOGRAPHIC_DATA,
        ],
        communities=[somali],
        ethnicity=Ethnicity.AFRICAN,
    )
    AttendanceFactory(attendee=amina, event__title="Moss Side listening event")
    OutboxMessageFactory(
        status=OutboxMessage.Status.FAILED, attempts=5, last_error="SMTPRecipientsRefused"
    )
    attendee_erase(attendee=AttendeeFactory(name="Dan Gone", subscribed=True))
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, coordinator.username)
    page.wait_for_url(f"{live_server.url}{reverse('staff-home')}")

    def fits(label):
        axe_check(page, f"{label} at {width}px")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, label

    for path in (
        reverse("contacts:list"),
        reverse("contacts:detail", args=[amina.pk]),
        reverse("contacts:edit", args=[amina.pk]),
        reverse("contacts:new"),
        reverse("contacts:paper-form"),
        reverse("contacts:counts"),
        reverse("contacts:invite", args=[event.pk]),
        reverse("contacts:outbox"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.get_by_role("heading", level=1).count() == 1
        fits(path)

    # A form with mistakes: the summary links to each field.
    page.goto(f"{live_server.url}{reverse('contacts:new')}")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_role(
        "link", name=re.compile("How they gave these details.*Choose how they gave")
    ).click()
    assert page.evaluate("document.activeElement.id") == "id_method_0"
    fits("the paper form with mistakes")

    page.goto(f"{live_server.url}{reverse('contacts:edit', args=[amina.pk])}")
    page.get_by_label("Email address").fill("amina@")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Name").input_value() == "Amina Khan"
    fits("the edit form with mistakes")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_counts_then_invites_the_contacts_of_a_community(
    live_server, page, sign_in, axe_check, coordinator
):
    somali = CommunityFactory(name="Somali community")
    event = EventFactory(focus_community=somali, title="Moss Side listening event")
    AttendeeFactory.create_batch(2, subscribed=True, shares_demographics=True, communities=[somali])
    AttendeeFactory(subscribed=True)
    sign_in(page, coordinator.username)
    page.wait_for_url(f"{live_server.url}{reverse('staff-home')}")

    page.goto(f"{live_server.url}{reverse('contacts:invite', args=[event.pk])}")
    page.get_by_role("button", name="Invite 2 people").click()
    page.wait_for_url(f"{live_server.url}{event.get_staff_url()}")
    assert page.get_by_text("Invitations are on their way to 2 people").is_visible()
    axe_check(page, "the event after inviting")
    assert Invitation.objects.filter(event=event).count() == 2

    page.goto(f"{live_server.url}{reverse('contacts:invite', args=[event.pk])}")
    page.get_by_label("Community").select_option(label="All communities")
    page.get_by_role("button", name="Count who would be invited").click()
    page.get_by_role("button", name="Invite 1 person").click()
    page.wait_for_url(f"{live_server.url}{event.get_staff_url()}")
    assert Invitation.objects.filter(event=event).count() == 3
