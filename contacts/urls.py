from django.urls import path

from contacts.views import outbox
from contacts.views import staff as views

app_name = "contacts"

urlpatterns = [
    path("staff/contacts/", views.contact_list, name="list"),
    path("staff/contacts/new/", views.contact_create, name="new"),
    path("staff/contacts/export/", views.contact_export, name="export"),
    path("staff/contacts/counts/", views.contact_counts, name="counts"),
    path("staff/contacts/<int:pk>/", views.contact_detail, name="detail"),
    path("staff/contacts/<int:pk>/edit/", views.contact_edit, name="edit"),
    path(
        "staff/contacts/<int:pk>/attendance/",
        views.contact_record_attendance,
        name="record-attendance",
    ),
    path("staff/contacts/<int:pk>/withdraw/", views.contact_withdraw_consent, name="withdraw"),
    path("staff/events/<int:pk>/invite/", views.event_invite_view, name="invite"),
    path("staff/outbox/", outbox.outbox, name="outbox"),
]
