from django.urls import path

from events import public_contact_views as views

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
    path("unsubscribe/<token:token>/", views.unsubscribe, name="unsubscribe"),
    path("my-data/<token:token>/", views.my_data, name="my-data"),
    path("my-data/<token:token>/download/", views.my_data_download, name="my-data-download"),
]
