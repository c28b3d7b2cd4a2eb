"""Which strings the public sees, so the translation catalogues hold those and only
those. The catalogues are built from the public templates (each page and every template
it extends or includes), the emails sent to the public, and the Python modules whose
labels, messages and choices reach a public page. Staff pages stay in English.

Used by `manage.py update_translations` (which writes the catalogues) and by the test
that fails when a public string has no translation in an enabled language."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"

# Pages the public reaches, printouts handed to the public, and error pages. Every
# template they extend or include is public too.
PUBLIC_PAGE_TEMPLATES = (
    "400.html",
    "403.html",
    "404.html",
    "500.html",
    "503.html",
    "csrf_failure.html",
    "engagement/home.html",
    "events/home.html",
    "events/public_list.html",
    "events/public_detail.html",
    "events/event_poster.html",
    "feedback/give_feedback.html",
    "feedback/thanks.html",
    "feedback/form_closed.html",
    "feedback/form_not_found.html",
    "feedback/too_long.html",
    "feedback/too_many.html",
    "feedback/paper_form.html",
    "feedback/live/join.html",
    "feedback/live/phone.html",
    "feedback/live/closed.html",
    "contacts/keep_in_touch.html",
    "contacts/keep_in_touch_thanks.html",
    "contacts/paper_form.html",
    "contacts/confirm.html",
    "contacts/confirm_problem.html",
    "contacts/confirmed.html",
    "contacts/erased.html",
    "contacts/keep.html",
    "contacts/link_not_valid.html",
    "contacts/link_problem.html",
    "contacts/my_data.html",
    "contacts/my_data_link_sent.html",
    "contacts/my_data_request.html",
    "contacts/too_many.html",
    "contacts/unsubscribe.html",
    "contacts/unsubscribed.html",
    "contacts/lay_observation/place.html",
    "contacts/lay_observation/closed.html",
    "contacts/lay_observation/link_problem.html",
    "actions/public_list.html",
    "actions/public_detail.html",
    "evaluation/survey.html",
    "evaluation/survey_closed.html",
    "evaluation/survey_thanks.html",
    "evaluation/about_you.html",
    "evaluation/about_you_closed.html",
    "evaluation/about_you_thanks.html",
)

# Emails whose recipient is a member of the public (a contact, an attendee, a
# lay observer). Each is a subject, a plain-text and an HTML template.
PUBLIC_EMAILS = (
    "confirm_sign_up",
    "confirm_updates",
    "invitation",
    "findings_shared",
    "focus_group_invitation",
    "actions_digest",
    "my_data_link",
    "purge_notice",
    "lay_observation_cancelled",
    "lay_observation_changed",
    "lay_observation_feedback",
    "lay_observation_not_cleared",
    "lay_observation_offer",
    "lay_observation_place_free",
    "lay_observation_reminder",
    "lay_observation_taken",
)

# Python modules whose strings reach a public page: its forms, its views' messages,
# the survey's questions, the choices shown in public lists.
PUBLIC_PYTHON_MODULES = (
    "engagement/context_processors.py",
    "engagement/language_table.py",
    "engagement/translatable.py",
    "engagement/public_django_strings.py",
    "events/views.py",
    "events/public.py",
    "feedback/forms/capture.py",
    "feedback/views/capture.py",
    "feedback/forms/live.py",
    "feedback/views/live.py",
    "feedback/live_state.py",
    "contacts/forms/__init__.py",
    "contacts/models/choices.py",
    "contacts/forms/lay_observation.py",
    "contacts/views/public.py",
    "contacts/views/lay_observation.py",
    "actions/views.py",
    "actions/filters.py",
    "actions/models.py",
    "evaluation/questions.py",
    "evaluation/answers.py",
    "evaluation/forms/survey.py",
    "evaluation/views/public.py",
)

_TEMPLATE_REFERENCE = re.compile(r"{%\s*(?:extends|include)\s+[\"']([^\"']+)[\"']")
_TAG_USE = re.compile(r"{%\s*(\w+)")
_INCLUSION_TAG = re.compile(
    r"@register\.inclusion_tag\(\s*[\"']([^\"']+)[\"'][^)]*\)\s*\ndef (\w+)"
)


def _inclusion_tags() -> dict[str, str]:
    """Each inclusion tag's name and the template it renders, from every app's
    templatetags: a public page that uses the tag shows that template's words."""
    tags = {}
    for module in Path(settings.BASE_DIR).glob("*/templatetags/*.py"):
        for template, name in _INCLUSION_TAG.findall(module.read_text(encoding="utf-8")):
            tags[name] = template
    return tags


def public_email_templates() -> tuple[str, ...]:
    names = ["email/base.html", "email/base.txt"]
    for email in PUBLIC_EMAILS:
        names += [f"email/{email}_subject.txt", f"email/{email}.txt", f"email/{email}.html"]
    return tuple(names)


def public_templates() -> list[str]:
    """The public pages and emails and every template they extend or include, or
    render through an inclusion tag, in a stable order."""
    inclusion_tags = _inclusion_tags()
    seen: set[str] = set()
    pending = [*PUBLIC_PAGE_TEMPLATES, *public_email_templates()]
    while pending:
        name = pending.pop()
        if name in seen or not (TEMPLATES_DIR / name).exists():
            continue
        seen.add(name)
        text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        pending.extend(_TEMPLATE_REFERENCE.findall(text))
        pending.extend(
            inclusion_tags[tag] for tag in _TAG_USE.findall(text) if tag in inclusion_tags
        )
    return sorted(seen)


@dataclass(frozen=True)
class PublicMessage:
    msgid: str | tuple[str, str]
    context: str | None
    location: str


_KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def _extract(source: str, location: str) -> Iterator[PublicMessage]:
    import io

    from babel.messages.extract import extract

    for lineno, message, _comments, context in extract(
        "python", io.BytesIO(source.encode("utf-8")), keywords=_KEYWORDS
    ):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        yield PublicMessage(message, context, f"{location}:{lineno}")


def public_messages() -> list[PublicMessage]:
    """Every translatable string the public can see, found the way `makemessages`
    finds them: templates through Django's templatize, Python modules directly."""
    from django.utils.translation.template import templatize

    base = Path(settings.BASE_DIR)
    messages: list[PublicMessage] = []
    for name in public_templates():
        text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        messages.extend(_extract(templatize(text, origin=name), f"templates/{name}"))
    for module in PUBLIC_PYTHON_MODULES:
        path = base / module
        if path.exists():
            messages.extend(_extract(path.read_text(encoding="utf-8"), module))
    return messages
