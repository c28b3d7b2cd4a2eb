"""Brings every language's catalogue up to date with the public pages, then compiles it.

This does what `makemessages` and `compilemessages` do, restricted to what the public
sees (engagement/public_strings.py), and without needing GNU gettext installed:

    python manage.py update_translations          # extract, merge, compile
    python manage.py update_translations --check  # list what is untranslated; exit 1 if any
    python manage.py update_translations --compile-only

A new string appears in each catalogue with an empty translation; a changed one keeps
its old translation marked fuzzy, which is not used until a translator checks it.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from engagement.language_table import LANGUAGE_TABLE
from engagement.public_strings import public_messages

MACHINE_ASSISTED_NOTICE = (
    "MACHINE-ASSISTED TRANSLATION. This catalogue was translated with machine\n"
    "assistance and reviewed for plain language, but not yet by a native speaker.\n"
    "A native speaker should check every entry; when they have, replace this\n"
    "paragraph with their name or role and the date."
)


def catalogue_path(code: str, suffix: str = "po") -> Path:
    locale = code.replace("-", "_")
    return Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / f"django.{suffix}"


def translated_languages() -> list:
    return [language for language in LANGUAGE_TABLE if language.code != settings.LANGUAGE_CODE]


def build_template():
    from babel.messages.catalog import Catalog

    template = Catalog(project="Community Voice", fuzzy=False)
    for message in public_messages():
        path, _sep, line = message.location.rpartition(":")
        template.add(
            message.msgid,
            locations=[(path, int(line))],
            context=message.context,
        )
    return template


def read_catalogue(code: str):
    from babel.messages.pofile import read_po

    with catalogue_path(code).open("rb") as handle:
        return read_po(handle, locale=_babel_locale(code))


def _babel_locale(code: str) -> str:
    return code.replace("-", "_")


def missing_translations(catalogue) -> list[str]:
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


class Command(BaseCommand):
    help = "Update, check or compile the public pages' translation catalogues."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report gaps; change nothing.")
        parser.add_argument("--compile-only", action="store_true")
        parser.add_argument("--language", action="append", help="Only this language code.")

    def handle(self, *args, check=False, compile_only=False, language=None, **options):
        languages = [
            entry for entry in translated_languages() if not language or entry.code in language
        ]
        if check:
            self._check(languages)
            return
        template = None if compile_only else build_template()
        for entry in languages:
            if template is not None:
                self._update(entry, template)
            self._compile(entry)

    def _update(self, entry, template):
        from babel.messages.catalog import Catalog
        from babel.messages.pofile import write_po

        path = catalogue_path(entry.code)
        if path.exists():
            catalogue = read_catalogue(entry.code)
        else:
            catalogue = Catalog(
                locale=_babel_locale(entry.code),
                project="Community Voice",
                header_comment=(
                    f"# Community Voice: public pages and emails in {entry.name}.\n#\n"
                    + "\n".join(f"# {line}" for line in MACHINE_ASSISTED_NOTICE.splitlines())
                ),
                fuzzy=False,
            )
        catalogue.update(template, update_header_comment=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=100, ignore_obsolete=True, sort_output=False)
        gaps = len(missing_translations(catalogue))
        self.stdout.write(f"{entry.code}: {len(catalogue)} strings, {gaps} to translate")

    def _compile(self, entry):
        from babel.messages.mofile import write_mo

        if not catalogue_path(entry.code).exists():
            return
        catalogue = read_catalogue(entry.code)
        with catalogue_path(entry.code, "mo").open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)

    def _check(self, languages):
        gaps = 0
        for entry in languages:
            if not catalogue_path(entry.code).exists():
                self.stdout.write(f"{entry.code}: no catalogue")
                gaps += 1
                continue
            missing = missing_translations(read_catalogue(entry.code))
            gaps += len(missing)
            self.stdout.write(f"{entry.code}: {len(missing)} to translate")
            for msgid in missing[:20]:
                self.stdout.write(f"    {msgid[:90]}")
        if gaps:
            raise CommandError(f"{gaps} public string(s) lack a translation.")
