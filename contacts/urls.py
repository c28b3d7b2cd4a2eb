from django.urls import path

from contacts.views import counts, invitations, outbox, staff

app_name = "contacts"

urlpatterns = [
    path("staff/contacts/", staff.contact_list, name="list"),
    path("staff/contacts/new/", staff.contact_create, name="new"),
    path("staff/contacts/paper-form/", staff.paper_form, name="paper-form"),
    path("staff/contacts/export/", staff.contact_export, name="export"),
    path("staff/contacts/counts/", counts.contact_counts, name="counts"),
    path("staff/contacts/<int:pk>/", staff.contact_detail, name="detail"),
    path("staff/contacts/<int:pk>/edit/", staff.contact_edit, name="edit"),
    path(
        "staff/contacts/<int:pk>/attendance/",
        staff.contact_record_attendance,
        name="record-attendance",
    ),
    path("staff/contacts/<int:pk>/withdraw/", staff.contact_withdraw_consent, name="withdraw"),
    path("staff/events/<int:pk>/invite/", invitations.event_invite_page, name="invite"),
    path("staff/events/<int:pk>/invite/send/", invitations.event_invite_send, name="invite-send"),
    path("staff/outbox/", outbox.outbox, name="outbox"),
]
