"""Who may reach the staff contact pages, that pages with personal data are never
cached, and the audit log that records who opened them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Attendance, Attendee
from contacts.tests.factories import AttendeeFactory, OutboxMessageFactory
from contacts.tests.helpers import is_not_cached
from engagement.models import AuditLogEntry
from engagement.roles import Role
from events.tests.factories import EventFactory

PERSONAL_DATA_PAGES = [
    ("contacts:list", False),
    ("contacts:export", False),
    ("contacts:new", False),
    ("contacts:detail", True),
    ("contacts:edit", True),
    ("contacts:outbox", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADER, Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER], ids=str)
@pytest.mark.parametrize(("url_name", "for_a_contact"), PERSONAL_DATA_PAGES)
def test_no_page_with_personal_data_answers_leaders_action_owners_or_the_focus_group(
    client_for_role, role, url_name, for_a_contact
):
    amina = AttendeeFactory(
        name="Amina Khan", email="amina@example.org", phone="07700 900123", subscribed=True
    )
    OutboxMessageFactory(to_address=amina.email, subject="Hello")
    url = reverse(url_name, kwargs={"pk": amina.pk} if for_a_contact else {})
    response = client_for_role(role).get(url)
    assert response.status_code == 403
    page = response.content.decode()
    for personal in ("Amina", "amina@", "07700", "a•••@example.org"):
        assert personal not in page
    assert AuditLogEntry.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "for_a_contact"), PERSONAL_DATA_PAGES)
def test_pages_with_personal_data_are_never_cached(
    coordinator_client, amina, url_name, for_a_contact
):
    url = reverse(url_name, kwargs={"pk": amina.pk} if for_a_contact else {})
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert is_not_cached(response)
    assert "private" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_for_contacts(client, amina):
    for url in (reverse("contacts:list"), reverse("contacts:detail", args=[amina.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_an_administrator_may_read_contacts_but_not_change_them_or_enter_forms_or_attendance(
    administrator_client, amina
):
    event = EventFactory(past=True)
    assert administrator_client.get(amina.get_staff_url()).status_code == 200
    assert administrator_client.get(reverse("contacts:edit", args=[amina.pk])).status_code == 403
    assert administrator_client.get(reverse("contacts:new")).status_code == 403
    attendance = administrator_client.post(
        reverse("contacts:record-attendance", args=[amina.pk]), {"event": event.pk}
    )
    withdrawal = administrator_client.post(
        reverse("contacts:withdraw", args=[amina.pk]), {"purpose": "email_updates"}
    )
    assert attendance.status_code == withdrawal.status_code == 403
    assert not Attendance.objects.exists()
    assert "email_updates" in Attendee.objects.get(pk=amina.pk).live_consent_purposes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.COORDINATOR, {"Contacts", "Contact numbers", "Outbox"}, {"Audit log"}),
        (Role.LEADER, {"Contact numbers"}, {"Contacts", "Outbox", "Audit log"}),
        (Role.ADMINISTRATOR, {"Contacts", "Contact numbers", "Outbox", "Audit log"}, set()),
        (Role.ACTION_OWNER, set(), {"Contacts", "Contact numbers", "Outbox", "Audit log"}),
    ],
    ids=lambda value: str(value) if isinstance(value, str) else "",
)
def test_the_navigation_leads_each_role_to_the_contact_pages_it_may_use(
    client_for_role, role, shown, hidden
):
    response = client_for_role(role).get(reverse("staff-home"))
    labels = {str(item["label"]) for item in response.context["staff_navigation"]}
    assert shown <= labels
    assert not hidden & labels


# The audit log -----------------------------------------------------------------------


@pytest.mark.django_db
def test_administrators_read_the_audit_log_newest_first(administrator_client, coordinator, amina):
    long_ago = AuditLogEntry.objects.create(
        user=coordinator,
        action=AuditLogEntry.Action.EXPORTED,
        subject="contacts CSV export",
        at=timezone.now() - timedelta(days=3),
    )
    AuditLogEntry.objects.create(
        user=coordinator, action=AuditLogEntry.Action.VIEWED_CONTACT, subject=f"contact {amina.pk}"
    )
    response = administrator_client.get(reverse("audit-log"))
    entries = list(response.context["page"].object_list)
    assert entries[-1] == long_ago
    assert entries[0].subject == f"contact {amina.pk}"
    page = response.content.decode()
    assert "Viewed a contact" in page and "Exported data" in page
    assert is_not_cached(response)


@pytest.mark.django_db
def test_the_audit_log_is_paginated(administrator_client, coordinator):
    for number in range(55):
        AuditLogEntry.objects.create(
            user=coordinator, action=AuditLogEntry.Action.VIEWED_LIST, subject=f"page {number}"
        )
    first = administrator_client.get(reverse("audit-log"))
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = administrator_client.get(reverse("audit-log"), {"page": 2})
    assert len(second.context["page"].object_list) == 5
