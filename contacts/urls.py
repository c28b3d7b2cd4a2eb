from django.urls import path

from contacts.views import counts, invitations, lay_observation, outbox, staff

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
    path(
        "staff/lay-observation/",
        lay_observation.opportunity_list,
        name="lay-observation-list",
    ),
    path(
        "staff/lay-observation/new/",
        lay_observation.opportunity_new,
        name="lay-observation-new",
    ),
    path(
        "staff/lay-observation/<int:pk>/",
        lay_observation.opportunity_detail,
        name="lay-observation-detail",
    ),
    path(
        "staff/lay-observation/<int:pk>/edit/",
        lay_observation.opportunity_edit_view,
        name="lay-observation-edit",
    ),
    path(
        "staff/lay-observation/<int:pk>/cancel/",
        lay_observation.opportunity_cancel_view,
        name="lay-observation-cancel",
    ),
    path(
        "staff/lay-observation/<int:pk>/offer/",
        lay_observation.opportunity_offer_page,
        name="lay-observation-offer",
    ),
    path(
        "staff/lay-observation/<int:pk>/offer/send/",
        lay_observation.opportunity_offer_send,
        name="lay-observation-offer-send",
    ),
    path(
        "staff/lay-observation/<int:pk>/vetting/",
        lay_observation.place_vetting,
        name="lay-observation-vetting",
    ),
    path(
        "staff/lay-observation/<int:pk>/attendance/",
        lay_observation.opportunity_attendance,
        name="lay-observation-attendance",
    ),
]
