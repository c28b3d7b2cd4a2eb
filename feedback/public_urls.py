from django.urls import path

from feedback.views import capture as views

urlpatterns = [
    path("give-feedback/", views.give_feedback, name="give-feedback"),
    path("give-feedback/thank-you/", views.give_feedback_thanks, name="feedback-thanks"),
    path("give-feedback/<token:token>/", views.give_feedback, name="give-feedback-event"),
    path(
        "give-feedback/lay-observation/<token:lay_observation_token>/",
        views.give_feedback,
        name="give-feedback-lay-observation",
    ),
]
