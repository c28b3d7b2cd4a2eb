"""Filters for how words sit on a line."""

from django import template

register = template.Library()

NO_BREAK_SPACE = "\u00a0"


@register.filter
def unbroken(value) -> str:
    """The text with no-break spaces, so that it is never split across lines: a time
    such as "3:19 po południu" stays whole, while a longer phrase around it may wrap."""
    return str(value).replace(" ", NO_BREAK_SPACE)
