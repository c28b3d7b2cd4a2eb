from django.urls import path

from feedback.views import capture as views

app_name = "feedback"

urlpatterns = [
    path("staff/feedback/", views.inbox, name="inbox"),
    path("staff/feedback/tag/", views.bulk_tag, name="bulk-tag"),
    path("staff/feedback/analysis/", views.analysis_view, name="analysis"),
    path("staff/feedback/<int:pk>/", views.item_detail, name="item"),
    path("staff/feedback/<int:pk>/tags/", views.item_tags, name="item-tags"),
    path("staff/feedback/<int:pk>/redact/", views.item_redact, name="item-redact"),
    path("staff/feedback/<int:pk>/set-aside/", views.item_set_aside, name="item-set-aside"),
    path("staff/feedback/<int:pk>/restore/", views.item_restore, name="item-restore"),
    path(
        "staff/feedback/<int:pk>/redaction-checked/",
        views.item_redaction_checked,
        name="item-redaction-checked",
    ),
    path(
        "staff/feedback/<int:pk>/flag-reviewed/",
        views.item_flag_reviewed,
        name="item-flag-reviewed",
    ),
    path("staff/feedback/<int:pk>/flag/", views.item_flag, name="item-flag"),
    path("staff/feedback/<int:pk>/unflag/", views.item_unflag, name="item-unflag"),
    path("staff/events/<int:pk>/notes/", views.live_notes, name="live-notes"),
    path("staff/events/<int:pk>/paper-form/", views.paper_form, name="paper-form"),
    path("staff/events/<int:pk>/transcribe/", views.transcribe, name="transcribe"),
]
