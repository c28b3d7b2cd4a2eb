from django.urls import path

from engagement.urls import handler500  # noqa: F401


def crash(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("crash/", crash)]
