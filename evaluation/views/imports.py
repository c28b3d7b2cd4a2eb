"""Being built."""

from django.http import HttpResponse


def import_upload(request, *args, **kwargs):
    return HttpResponse("")


def import_detail(request, *args, **kwargs):
    return HttpResponse("")


def import_progress(request, *args, **kwargs):
    return HttpResponse("")


def import_confirm(request, *args, **kwargs):
    return HttpResponse("")


def import_discard(request, *args, **kwargs):
    return HttpResponse("")
