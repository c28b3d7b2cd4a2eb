"""Details /healthz reports beyond its own checks. An app registers a function that
returns a dict (for example the outbox backlog) from its AppConfig.ready(), so that the
health page never imports the apps above it."""

from collections.abc import Callable

_detail_providers: dict[str, Callable[[], dict]] = {}


def register_health_detail(name: str, provider: Callable[[], dict]) -> None:
    _detail_providers[name] = provider


def health_details() -> dict:
    details: dict = {}
    for provider in _detail_providers.values():
        details.update(provider())
    return details
