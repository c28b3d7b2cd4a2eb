from django.urls import path

from actions import export_views

app_name = "exports"

urlpatterns = [
    path("staff/exports/", export_views.export_index, name="index"),
    path("staff/exports/download/", export_views.export_download, name="download"),
]
