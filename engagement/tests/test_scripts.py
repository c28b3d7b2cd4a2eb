"""The words of the scripts in static/js come from Django's JavaScript catalogue,
which staff pages load before their own scripts: from our own origin, so the
Content-Security-Policy allows it, small, and cached for a day."""

import gzip
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def script_sources(page: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', page)


def test_the_catalogue_gives_gettext_to_scripts_and_may_be_cached_for_a_day(client):
    response = client.get(reverse("javascript-catalogue"))

    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    catalogue = response.content.decode()
    assert "django.gettext = function" in catalogue
    assert "django.ngettext = function" in catalogue
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=86400" in cache_control


def test_the_catalogue_is_light(client):
    response = client.get(reverse("javascript-catalogue"))

    # Only the project's words: the Django admin's catalogue would more than double it.
    assert len(gzip.compress(response.content)) < 1500


def test_the_catalogue_answers_before_the_second_step_of_sign_in(
    client, coordinator, authenticator_factory
):
    authenticator_factory(user=coordinator)
    client.force_login(coordinator)

    assert client.get(reverse("staff-home")).status_code == 302
    assert client.get(reverse("javascript-catalogue")).status_code == 200


@pytest.mark.parametrize("url_name", ["feedback:live-notes", "feedback:inbox"])
def test_pages_with_scripts_load_the_catalogue_first(coordinator_client, event_factory, url_name):
    event = event_factory(past=True)
    arguments = {"pk": event.pk} if url_name == "feedback:live-notes" else {}

    page = coordinator_client.get(reverse(url_name, kwargs=arguments)).content.decode()

    sources = script_sources(page)
    assert sources[0] == "/jsi18n/", sources
    assert any(source.startswith("/static/js/") for source in sources[1:]), sources


def test_public_pages_load_no_script(client):
    for url in ["/", "/events/", "/give-feedback/", "/keep-in-touch/", "/accounts/login/"]:
        assert script_sources(client.get(url).content.decode()) == [], url
