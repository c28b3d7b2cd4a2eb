from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("staff/feedback/", views.inbox, name="inbox"),
    path("staff/feedback/tag/", views.bulk_tag, name="bulk-tag"),
    path("staff/feedback/analysis/", views.analysis_view, name="analysis"),
    path("staff/feedback/<int:pk>/", views.item_detail, name="item"),
    path("staff/events/<int:pk>/notes/", views.live_notes, name="live-notes"),
    path("staff/events/<int:pk>/paper-form/", views.paper_form, name="paper-form"),
    path("staff/events/<int:pk>/transcribe/", views.transcribe, name="transcribe"),
]
