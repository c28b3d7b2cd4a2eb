"""The languages public pages and emails to the public are offered in.

English is the default and is served without a prefix; every other language lives under
its own prefix (`/so/give-feedback/…`), so a poster can point to one language. Staff
pages are in English only. An Administrator turns languages on or off
(`engagement.PublicLanguage`); a language needs a compiled catalogue in `locale/` before
it can be turned on."""

import contextlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from engagement.language_table import LANGUAGE_TABLE, Language

LANGUAGES_BY_CODE = {language.code: language for language in LANGUAGE_TABLE}
DEFAULT_LANGUAGE = "en-gb"

# Django's own table lacks some of these; `get_language_info` and the `bidi` check
# read from it.
EXTRA_LANG_INFO = {
    language.code: {
        "bidi": language.bidi,
        "code": language.code,
        "name": str(language.name),
        "name_local": language.name_local,
    }
    for language in LANGUAGE_TABLE
}

_ENABLED_CACHE_KEY = "public-languages:enabled"
# Every request asks which languages are on; each process keeps the answer this long
# before asking the shared cache again, so a change reaches every worker within it.
_PROCESS_MEMO_SECONDS = 5.0
_process_memo: tuple[float, tuple[str, ...]] | None = None


def enabled_language_codes() -> tuple[str, ...]:
    """The languages offered to the public now, English first. Read from the database
    once and then from the cache until an Administrator changes them."""
    global _process_memo
    now = time.monotonic()
    if _process_memo is not None and now - _process_memo[0] < _PROCESS_MEMO_SECONDS:
        return _process_memo[1]
    try:
        codes = cache.get(_ENABLED_CACHE_KEY)
    except Exception:
        # The cache is away (Redis down): public pages must still answer.
        codes = None
    if codes is None:
        codes = _enabled_from_database()
        with contextlib.suppress(Exception):
            cache.set(_ENABLED_CACHE_KEY, codes, timeout=None)
    _process_memo = (now, tuple(codes))
    return _process_memo[1]


def _enabled_from_database() -> tuple[str, ...]:
    from django.db import DatabaseError

    from engagement.models import PublicLanguage

    try:
        disabled = set(
            PublicLanguage.objects.filter(is_enabled=False).values_list("code", flat=True)
        )
    except DatabaseError:
        # Before the first migration, or with the database away: offer every language.
        disabled = set()
    return tuple(
        code
        for code, _name in settings.LANGUAGES
        if code == DEFAULT_LANGUAGE or code not in disabled
    )


def forget_enabled_languages() -> None:
    global _process_memo
    _process_memo = None
    with contextlib.suppress(Exception):
        cache.delete(_ENABLED_CACHE_KEY)


def enabled_languages() -> list[Language]:
    return [LANGUAGES_BY_CODE[code] for code in enabled_language_codes()]


def language_name_local(code: str) -> str:
    language = LANGUAGES_BY_CODE.get(code)
    return language.name_local if language else code


def is_enabled(code: str) -> bool:
    return code in enabled_language_codes()


def usable_language(code: str | None) -> str:
    """The language to use for someone who asked for `code`: itself if it is on now,
    otherwise English."""
    return code if code and is_enabled(code) else DEFAULT_LANGUAGE


# Paths that are never translated: staff and focus-group pages, sign-in, the admin,
# and the machine endpoints. Everything else is a public page.
NOT_PUBLIC_PREFIXES = ("/staff/", "/accounts/", "/admin/", "/panel/", "/healthz", "/jsi18n/")
NOT_PUBLIC_PREFIXES += ("/static/", "/favicon.ico", "/robots.txt")


def is_public_path(path: str) -> bool:
    return not path.startswith(NOT_PUBLIC_PREFIXES)


def split_language_prefix(path: str) -> tuple[str | None, str]:
    """("so", "/give-feedback/") for "/so/give-feedback/"; (None, path) when the path
    has no language prefix."""
    first, slash, rest = path[1:].partition("/")
    if first in LANGUAGES_BY_CODE and first != DEFAULT_LANGUAGE:
        return first, "/" + rest if slash else "/"
    return None, path


def language_path(path_without_prefix: str, code: str) -> str:
    """The address of the same page in another language."""
    if code == DEFAULT_LANGUAGE:
        return path_without_prefix
    return f"/{code}{path_without_prefix}"


def preferred_language(accept_language: str) -> str:
    """The enabled language a browser asks for first (its Accept-Language header),
    matching on the main part of the tag: "so-SO" is Somali, "pa-Guru-IN" Punjabi.
    English when the browser prefers English or nothing offered here."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    enabled = enabled_language_codes()
    for tag, _quality in parse_accept_lang_header(accept_language[:500]):
        primary = tag.lower().split("-")[0]
        if primary == "en":
            return DEFAULT_LANGUAGE
        if primary in enabled:
            return primary
    return DEFAULT_LANGUAGE


def has_catalogue(code: str) -> bool:
    """Whether the language's compiled catalogue is in place, without which its pages
    would be in English under its name."""
    from pathlib import Path

    locale = code.replace("-", "_")
    return any(
        (Path(path) / locale / "LC_MESSAGES" / "django.mo").exists()
        for path in settings.LOCALE_PATHS
    )


@dataclass(frozen=True)
class CatalogueStatus:
    language: Language
    enabled: bool
    translated: int
    total: int
    machine_assisted: bool


def language_catalogue_status() -> list[CatalogueStatus]:
    """For the Administrators' languages page: each language, whether it is on, how
    many strings its compiled catalogue holds, and whether a native speaker has yet to
    check it (its catalogue's header says so until they have)."""
    import gettext
    from pathlib import Path

    enabled = enabled_language_codes()
    statuses = []
    for language in LANGUAGE_TABLE:
        if language.code == DEFAULT_LANGUAGE:
            continue
        folder = Path(settings.LOCALE_PATHS[0]) / language.code.replace("-", "_") / "LC_MESSAGES"
        translated, total, machine_assisted = 0, 0, False
        if (folder / "django.mo").exists():
            with (folder / "django.mo").open("rb") as handle:
                catalog = gettext.GNUTranslations(handle)._catalog
            # A plural string has one entry per form; the header is the empty one.
            translated = len({key if isinstance(key, str) else key[0] for key in catalog} - {""})
        if (folder / "django.po").exists():
            text = (folder / "django.po").read_text(encoding="utf-8")
            machine_assisted = "MACHINE-ASSISTED" in text[:2000]
            total = text.count("\nmsgid ") - 1
        statuses.append(
            CatalogueStatus(language, language.code in enabled, translated, total, machine_assisted)
        )
    return statuses


def print_language(asked: str | None, languages: list[Language] | None = None) -> str:
    """The language to print a poster or paper form in: the one asked for if it is
    among `languages` (by default every language on now), otherwise English."""
    codes = [language.code for language in (languages or enabled_languages())]
    return asked if asked in codes else DEFAULT_LANGUAGE
