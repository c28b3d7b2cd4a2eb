"""The app's URLs plus a bare view, the ceiling benchmarks compare against. Used only
by the benchmarks' own server (ROOT_URLCONF=bench.urls)."""

from django.http import HttpResponse
from django.urls import path

from engagement.urls import handler400, handler403, handler404, handler500  # noqa: F401
from engagement.urls import urlpatterns as app_urlpatterns


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *app_urlpatterns]
