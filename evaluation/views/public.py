"""Being built."""

from django.http import HttpResponse


def survey(request, *args, **kwargs):
    return HttpResponse("")


def survey_thanks(request, *args, **kwargs):
    return HttpResponse("")


def about_you(request, *args, **kwargs):
    return HttpResponse("")


def about_you_thanks(request, *args, **kwargs):
    return HttpResponse("")
