"""Translations of what the force writes: event titles and descriptions, You Said We
Did entries, key questions. Each translatable model keeps them in a `translations`
JSON field, {"so": {"title": "…"}, …}, beside its English fields, which stay the
source of truth for staff pages, exports and analysis. A reader is shown the text in
their language where a translation exists and the English otherwise, marked as
English.

Apps register their translatable models here when they start, so the staff page for
adding translations (in this app, the lowest layer) never imports them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from engagement.languages import DEFAULT_LANGUAGE


def translations_field() -> models.JSONField:
    return models.JSONField(_("translations"), default=dict, blank=True, editable=False)


@dataclass(frozen=True)
class ShownText:
    """A piece of the force's text as one reader sees it."""

    text: str
    language: str
    fallback: bool

    def __str__(self):
        return self.text

    def __html__(self):
        """Inline, with the English marked: for titles and short text."""
        if not self.fallback:
            return format_html("{}", self.text)
        return format_html(
            '<span lang="{}" dir="ltr">{}</span> <span class="fallback-note">{}</span>',
            DEFAULT_LANGUAGE,
            self.text,
            _("(in English)"),
        )

    @property
    def html(self):
        """The inline form for templates that cannot call __html__, such as a
        blocktranslate's `with`, which would otherwise show the bare text."""
        return self.__html__()

    @property
    def lang_attributes(self) -> str:
        """For a block of text the template lays out itself (a description)."""
        if not self.fallback:
            return ""
        return format_html(' lang="{}" dir="ltr"', DEFAULT_LANGUAGE)


def shown_text(obj, field_name: str, language: str | None = None) -> ShownText:
    english = getattr(obj, field_name) or ""
    language = language or get_language() or DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE:
        return ShownText(english, DEFAULT_LANGUAGE, False)
    translated = ((getattr(obj, "translations", None) or {}).get(language) or {}).get(field_name)
    if translated:
        return ShownText(translated, language, False)
    # Nothing to fall back from: an empty field is empty in every language.
    return ShownText(english, DEFAULT_LANGUAGE, bool(english))


@dataclass(frozen=True)
class TranslatableKind:
    """One kind of thing staff can translate, as its app registers it."""

    slug: str
    label: str
    model: type[models.Model]
    # (field name, whether it is long text) in the order the form shows them.
    fields: tuple[tuple[str, bool], ...]
    can_translate: Callable
    back_url: Callable


TRANSLATABLE_KINDS: dict[str, TranslatableKind] = {}


def register_translatable(kind: TranslatableKind) -> None:
    TRANSLATABLE_KINDS[kind.slug] = kind
