"""Every string the public can see has a translation in every language offered, the
compiled catalogues say what the editable ones say, and no translation loses or
invents a placeholder (which would show "%(name)s" or fail when the page renders)."""

import re

import pytest
from django.utils import translation

from engagement.language_table import LANGUAGE_TABLE
from engagement.management.commands.update_translations import (
    MACHINE_ASSISTED_NOTICE,
    catalogue_path,
    missing_translations,
    read_catalogue,
)
from engagement.public_strings import public_messages, public_templates

TRANSLATED_LANGUAGES = [language.code for language in LANGUAGE_TABLE if language.code != "en-gb"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def messages():
    return public_messages()


@pytest.fixture(scope="module", params=TRANSLATED_LANGUAGES)
def catalogue(request):
    return request.param, read_catalogue(request.param)


def _key(msgid, context):
    return (context, msgid if isinstance(msgid, str) else msgid[0])


def test_the_public_strings_come_from_the_public_pages_and_emails(messages):
    templates = public_templates()
    assert "feedback/give_feedback.html" in templates
    assert "email/confirm_sign_up.html" in templates
    # Included and extended templates are public too.
    assert "base.html" in templates and "includes/language_switcher.html" in templates
    assert not any(name.startswith(("engagement/staff_", "feedback/inbox")) for name in templates)
    ids = {_key(message.msgid, message.context) for message in messages}
    assert (None, "Tell us what you think") in ids
    assert (None, "This field is required.") in ids


def test_every_public_string_has_a_translation_in_every_language(catalogue, messages):
    code, po = catalogue
    in_catalogue = {_key(message.id, message.context): message for message in po if message.id}
    absent = sorted({_key(m.msgid, m.context) for m in messages} - set(in_catalogue), key=str)
    assert absent == [], (
        f"{code}: {len(absent)} public string(s) are not in the catalogue; run "
        f"`manage.py update_translations` and translate them: {absent[:5]}"
    )
    untranslated = missing_translations(po)
    assert untranslated == [], (
        f"{code}: {len(untranslated)} string(s) have no translation or a fuzzy one: "
        f"{untranslated[:5]}"
    )


def test_the_compiled_catalogue_matches_the_editable_one(catalogue):
    code, po = catalogue
    with translation.override(code):
        for message in po:
            if not message.id or isinstance(message.id, tuple):
                continue
            if message.context:
                shown = translation.pgettext(message.context, message.id)
            else:
                shown = translation.gettext(message.id)
            assert shown == message.string, (
                f"{code}: {message.id!r} is not compiled as in the .po; run "
                "`manage.py update_translations --compile-only`"
            )


def test_plural_strings_are_translated_for_every_count(catalogue):
    code, po = catalogue
    with translation.override(code):
        for message in po:
            if not isinstance(message.id, tuple):
                continue
            singular, plural = message.id
            for count in (0, 1, 2, 5, 11, 100):
                shown = translation.ngettext(singular, plural, count)
                assert shown and shown not in (singular, plural), (code, singular, count)


def test_no_translation_loses_or_invents_a_placeholder(catalogue):
    code, po = catalogue
    problems = []
    for message in po:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            allowed = set(PLACEHOLDER.findall(message.id[0])) | set(
                PLACEHOLDER.findall(message.id[1])
            )
            for form in message.string:
                if not set(PLACEHOLDER.findall(form)) <= allowed:
                    problems.append(message.id[0])
        elif set(PLACEHOLDER.findall(message.string)) != set(PLACEHOLDER.findall(message.id)):
            problems.append(message.id)
    assert problems == [], f"{code}: placeholders differ in {problems[:5]}"


def test_html_tags_in_a_string_survive_its_translation(catalogue):
    code, po = catalogue
    tags = re.compile(r"</?(strong|a|em|code)\b")
    problems = [
        message.id
        for message in po
        if isinstance(message.id, str)
        and message.string
        and sorted(tags.findall(message.id)) != sorted(tags.findall(message.string))
    ]
    assert problems == [], f"{code}: HTML tags differ in {problems[:5]}"


@pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)
def test_a_machine_assisted_catalogue_says_so_for_its_reviewer(code):
    header = catalogue_path(code).read_text(encoding="utf-8")[:2000]
    reviewed = "Reviewed by" in header
    assert reviewed or MACHINE_ASSISTED_NOTICE.splitlines()[0] in header
