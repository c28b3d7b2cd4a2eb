"""The languages the product can offer the public, read by the settings. Which of them
are on is decided at run time (engagement.languages)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Language:
    code: str
    # The language's name in itself, as the switcher shows it to someone who reads it.
    name_local: str
    # The language's name in English, for staff pages.
    name: str
    bidi: bool = False


LANGUAGE_TABLE = (
    Language("en-gb", "English", _("English")),
    Language("cy", "Cymraeg", _("Welsh")),
    Language("pl", "Polski", _("Polish")),
    Language("ur", "اردو", _("Urdu"), bidi=True),
    Language("pa", "ਪੰਜਾਬੀ", _("Punjabi (Gurmukhi)")),
    Language("gu", "ગુજરાતી", _("Gujarati")),
    Language("bn", "বাংলা", _("Bengali")),
    Language("ar", "العربية", _("Arabic"), bidi=True),
    Language("so", "Soomaali", _("Somali")),
    Language("ro", "Română", _("Romanian")),
    Language("ti", "ትግርኛ", _("Tigrinya")),
)
