"""The languages public pages and emails to the public are offered in.

English is the default and is served without a prefix; every other language lives under
its own prefix (`/so/give-feedback/…`), so a poster can point to one language. Staff
pages are in English only. An Administrator turns languages on or off
(`engagement.PublicLanguage`); a language needs a compiled catalogue in `locale/` before
it can be turned on."""

import contextlib
import time

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
