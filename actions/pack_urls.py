from django.urls import path

from actions import pack_views

app_name = "packs"

urlpatterns = [
    path("staff/events/<int:pk>/pack/", pack_views.pack_page, name="pack"),
    path("staff/events/<int:pk>/pack.pptx", pack_views.pack_pptx, name="pptx"),
    path("staff/events/<int:pk>/handout/", pack_views.handout, name="handout"),
]
