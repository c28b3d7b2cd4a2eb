"""The app's URLs plus the bare views benchmarks compare against. Used only by the
benchmarks' own server (ROOT_URLCONF=bench.urls)."""

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from engagement.urls import handler400, handler403, handler404, handler500  # noqa: F401
from engagement.urls import urlpatterns as app_urlpatterns
from feedback.models import PendingSubmission
from feedback.services.capture import current_hour


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


@csrf_exempt
def minimal_feedback(request):
    """The anonymous feedback form's insert with nothing around it: no CSRF check, no
    form, no validation, no rate limit, no duplicate check."""
    PendingSubmission.objects.create(
        answers=[[None, request.POST["anything_else"]]],
        form_nonce=request.POST["form_nonce"],
        received_hour=current_hour(),
    )
    return HttpResponseRedirect("/give-feedback/thank-you/")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/minimal-feedback/", minimal_feedback),
    *app_urlpatterns,
]
