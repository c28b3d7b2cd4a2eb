from django.urls import path

from contacts.views import public as views

urlpatterns = [
    path("keep-in-touch/", views.keep_in_touch, name="keep-in-touch"),
    path("keep-in-touch/thanks/", views.keep_in_touch_thanks, name="keep-in-touch-thanks"),
    path(
        "keep-in-touch/check-your-email/",
        views.keep_in_touch_check_email,
        name="keep-in-touch-check-email",
    ),
    path(
        "keep-in-touch/confirm/<signed:signed>/",
        views.keep_in_touch_confirm,
        name="keep-in-touch-confirm",
    ),
    path(
        "keep-in-touch/keep/<signed:signed>/", views.keep_in_touch_keep, name="keep-in-touch-keep"
    ),
    path("unsubscribe/<token:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "unsubscribe/<token:token>/confirm/",
        views.unsubscribe_confirm,
        name="unsubscribe-confirm",
    ),
    path(
        "unsubscribe/<token:token>/email-me-a-link/",
        views.unsubscribe_send_link,
        name="unsubscribe-send-link",
    ),
    path("my-data/", views.my_data_request, name="my-data-request"),
    path("my-data/<signed:signed>/", views.my_data, name="my-data"),
    path(
        "my-data/<signed:signed>/preferences/",
        views.my_data_preferences,
        name="my-data-preferences",
    ),
    path("my-data/<signed:signed>/keep/", views.my_data_keep, name="my-data-keep"),
    path("my-data/<signed:signed>/erase/", views.my_data_erase, name="my-data-erase"),
    path("my-data/<signed:signed>/download/", views.my_data_download, name="my-data-download"),
    path(
        "lay-observation/<signed:signed>/",
        views.lay_observation_place,
        name="lay-observation-place",
    ),
    path(
        "lay-observation/<signed:signed>/take/",
        views.lay_observation_take,
        name="lay-observation-place-take",
    ),
    path(
        "lay-observation/<signed:signed>/not-for-me/",
        views.lay_observation_decline,
        name="lay-observation-place-decline",
    ),
    path(
        "lay-observation/<signed:signed>/cancel/",
        views.lay_observation_cancel,
        name="lay-observation-place-cancel",
    ),
]
