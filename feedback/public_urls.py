from django.urls import path

from feedback.views import capture as views
from feedback.views import live

urlpatterns = [
    path("give-feedback/", views.give_feedback, name="give-feedback"),
    path("give-feedback/thank-you/", views.give_feedback_thanks, name="feedback-thanks"),
    path("give-feedback/<token:token>/", views.give_feedback, name="give-feedback-event"),
    path(
        "give-feedback/lay-observation/<token:lay_observation_token>/",
        views.give_feedback,
        name="give-feedback-lay-observation",
    ),
    path("live/", live.live_join, name="live-join"),
    path("live/<joincode:code>/", live.live_phone, name="live-phone"),
    path("live/<joincode:code>/send/", live.live_send, name="live-send"),
    path("live/<joincode:code>/state/", live.live_phone_state, name="live-phone-state"),
    path("live/<joincode:code>/support/<int:point_pk>/", live.live_support, name="live-support"),
    path("live/<joincode:code>/answer/<int:poll_pk>/", live.live_answer, name="live-answer"),
]
