"""Path converters for the tokens in public links.

A token in a URL is matched against the characters it can really contain, so that a
hostile path (a NUL byte, a kilobyte of junk) is an ordinary 404 before any view or
database query sees it.
"""

from django.urls import register_converter


class TokenConverter:
    """Random tokens: URL-safe base64 and the poster alphabet."""

    regex = r"[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SignedValueConverter(TokenConverter):
    """Values made by django.core.signing: URL-safe base64 joined by colons."""

    regex = r"[A-Za-z0-9_:.-]{1,400}"


class JoinCodeConverter(TokenConverter):
    """A live session's join code as people type it into an address: letters and
    digits, with the spaces and dashes that reading the code takes out."""

    regex = r"[A-Za-z0-9 -]{1,20}"


def register_token_converters() -> None:
    register_converter(TokenConverter, "token")
    register_converter(SignedValueConverter, "signed")
    register_converter(JoinCodeConverter, "joincode")
