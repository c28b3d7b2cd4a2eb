"""Being built."""

from django.http import HttpResponse


def report(request, *args, **kwargs):
    return HttpResponse("")


def report_print(request, *args, **kwargs):
    return HttpResponse("")


def reach(request, *args, **kwargs):
    return HttpResponse("")


def who_attends(request, *args, **kwargs):
    return HttpResponse("")


def tables_download(request, *args, **kwargs):
    return HttpResponse("")
