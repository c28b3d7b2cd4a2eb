"""Text the force writes (event titles, You Said We Did entries, key questions) may have
a translation for the reader's language or fall back to English. These tags mark the
English fallback, so a screen reader reads it as English and the reader sees why."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engagement.languages import DEFAULT_LANGUAGE

register = template.Library()


def shown_language(obj, field_name: str) -> str:
    """The language the reader is shown `obj.field_name` in."""
    language = get_language() or DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE or obj is None:
        return DEFAULT_LANGUAGE
    localised = f"{field_name}_{language.replace('-', '_')}"
    if getattr(obj, localised, None):
        return language
    return DEFAULT_LANGUAGE


@register.simple_tag
def content_lang(obj, field_name):
    """` lang="en-gb" dir="ltr"` on an element whose text fell back to English on a page
    in another language; nothing otherwise."""
    if shown_language(obj, field_name) == (get_language() or DEFAULT_LANGUAGE):
        return ""
    return format_html(' lang="{}" dir="ltr"', DEFAULT_LANGUAGE)


@register.simple_tag
def fallback_note(obj, field_name):
    """A short "(in English)" after text that has no translation yet."""
    if shown_language(obj, field_name) == (get_language() or DEFAULT_LANGUAGE):
        return ""
    return format_html(' <span class="fallback-note">{}</span>', _("(in English)"))
