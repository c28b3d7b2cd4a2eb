"""Being built."""

from django.http import HttpResponse


def wave_list(request, *args, **kwargs):
    return HttpResponse("")


def wave_new(request, *args, **kwargs):
    return HttpResponse("")


def wave_detail(request, *args, **kwargs):
    return HttpResponse("")


def wave_edit(request, *args, **kwargs):
    return HttpResponse("")


def question_new(request, *args, **kwargs):
    return HttpResponse("")


def wave_open_view(request, *args, **kwargs):
    return HttpResponse("")


def wave_close_view(request, *args, **kwargs):
    return HttpResponse("")


def wave_poster(request, *args, **kwargs):
    return HttpResponse("")


def paper_form(request, *args, **kwargs):
    return HttpResponse("")


def paper_entry(request, *args, **kwargs):
    return HttpResponse("")


def census(request, *args, **kwargs):
    return HttpResponse("")


def about_you_entry(request, *args, **kwargs):
    return HttpResponse("")


def about_you_card(request, *args, **kwargs):
    return HttpResponse("")
