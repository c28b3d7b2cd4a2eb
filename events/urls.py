from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/events/", views.event_list, name="list"),
    path("staff/events/new/", views.event_create_view, name="create"),
    path("staff/events/<int:pk>/", views.event_detail, name="detail"),
    path("staff/events/<int:pk>/edit/", views.event_edit, name="edit"),
    path("staff/events/<int:pk>/cancel/", views.event_cancel_view, name="cancel"),
    path("staff/events/<int:pk>/held/", views.event_mark_held_view, name="mark-held"),
    path("staff/events/<int:pk>/debrief/", views.event_debrief, name="debrief"),
    path("staff/events/<int:pk>/poster/", views.event_poster, name="poster"),
    path("staff/events/venues/", views.venue_list, name="venue-list"),
    path("staff/events/venues/new/", views.venue_create, name="venue-create"),
    path("staff/events/venues/<int:pk>/edit/", views.venue_edit, name="venue-edit"),
    path("staff/events/venues/<int:pk>/archive/", views.venue_archive_view, name="venue-archive"),
    path(
        "staff/events/venues/<int:pk>/unarchive/",
        views.venue_unarchive_view,
        name="venue-unarchive",
    ),
    path("staff/events/venues/<int:pk>/delete/", views.venue_delete_view, name="venue-delete"),
    path("events/", views.public_event_list, name="public-list"),
    path("events/calendar.ics", views.public_calendar, name="public-calendar"),
    path("events/<slug:slug>/", views.public_event_detail, name="public-detail"),
    path(
        "events/<slug:slug>/calendar.ics", views.public_event_calendar, name="public-event-calendar"
    ),
]
