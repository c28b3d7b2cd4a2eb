"""The focus group's pages, at /panel/, named "panel:…"."""

from django.urls import path

from feedback.views import panel as views
from feedback.views import sense_check

app_name = "panel"

urlpatterns = [
    path("panel/", views.panel_home, name="home"),
    path("panel/join/<signed:signed>/", views.join, name="join"),
    path("panel/step-down/", views.step_down, name="step-down"),
    path(
        "panel/meetings/<int:pk>/can-come/",
        views.meeting_can_come,
        name="meeting-can-come",
    ),
    path(
        "panel/meetings/<int:pk>/cannot-come/",
        views.meeting_cannot_come,
        name="meeting-cannot-come",
    ),
    # The sense-check of findings.
    path("panel/findings/<int:pk>/", sense_check.sense_check, name="sense-check"),
    path(
        "panel/findings/<int:pk>/sections/<int:section_pk>/",
        sense_check.sense_check_section,
        name="sense-check-answer",
    ),
]
