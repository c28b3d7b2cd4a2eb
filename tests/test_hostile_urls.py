"""Hostile requests to every public URL never get a server error (DESIGN.md §6, rule 9).

Generated paths, query strings, headers and methods go to every public URL, found in
the URL conf (tests/public_site.py), so a new public page is covered as soon as it
exists. The test client re-raises any exception a view lets escape, so a crash fails
the test with its traceback, and Hypothesis shrinks the input to the smallest that
still fails.

Every example runs in a savepoint that is rolled back, with the cache emptied and a
new client, so that one example's sign-ups, erasures, lockouts and rate limits never
change what the next one sees. That is why the function-scoped fixture health check
is switched off: the fixtures only hold objects the examples cannot change for good.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from tests.public_site import PUBLIC_ROUTES, send_in_savepoint
from tests.strategies import PROPERTY_SETTINGS, hostile_headers, hostile_query_string, path_text

# Every example runs in a savepoint of its own; the site is made once per module.
pytestmark = pytest.mark.django_db


def test_the_public_urls_are_found_in_the_url_conf():
    names = {route.name for route in PUBLIC_ROUTES}
    assert {
        "events:home",
        "events:public-list",
        "events:public-detail",
        "events:public-calendar",
        "events:public-event-calendar",
        "give-feedback",
        "give-feedback-event",
        "feedback-thanks",
        "keep-in-touch",
        "unsubscribe",
        "my-data",
        "login",
        "two-factor-setup",
        "two-factor-verify",
        "healthz",
        "admin:login",
    } <= names
    assert not [route for route in PUBLIC_ROUTES if route.route.startswith("staff/")]
    assert [route.route for route in PUBLIC_ROUTES if route.route.startswith("panel/")] == [
        "panel/join/<signed:signed>/"
    ]
    assert [route.route for route in PUBLIC_ROUTES if route.route.startswith("admin/")] == [
        "admin/login/"
    ]


def test_every_public_url_with_parameters_is_tried_with_real_values(public_site):
    # A new public URL with parameters needs a real link here (in public_site), or
    # the property tests would only ever reach its 404.
    missing = [
        route.route
        for route in PUBLIC_ROUTES
        if route.parameters and route.name not in public_site.arguments
    ]
    assert not missing
    identities_with_forms = {form.identity for form in public_site.forms}
    assert identities_with_forms == set(public_site.identities)
    actions = {form.action for form in public_site.forms}
    for expected in ("/give-feedback/", "/keep-in-touch/", "/accounts/login/", "/my-data/"):
        assert expected in actions
    for url_name in (
        "keep-in-touch-confirm",
        "keep-in-touch-keep",
        "my-data-erase",
        "unsubscribe",
        "panel:join",
    ):
        assert reverse(url_name, kwargs=public_site.arguments[url_name]) in actions


@PROPERTY_SETTINGS
@given(data=st.data())
def test_public_urls_never_answer_a_server_error(public_site, data):
    route = data.draw(st.sampled_from(PUBLIC_ROUTES), label="route")
    values = {}
    for name, real in public_site.arguments.get(route.name, {}).items():
        values[name] = data.draw(
            st.one_of(
                st.just(quote(real, safe="")),
                path_text,
                path_text.map(lambda junk, real=real: quote(real, safe="") + junk),
                st.integers(0, len(real)).map(lambda cut, real=real: real[:cut]),
            ),
            label=name,
        )
    for name in route.parameters:
        values.setdefault(name, data.draw(path_text, label=name))
    path = route.path(values)
    identity = data.draw(st.sampled_from(sorted(public_site.identities)), label="identity")
    method = data.draw(
        st.sampled_from(["GET", "GET", "GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE"]),
        label="method",
    )
    request = {"QUERY_STRING": data.draw(hostile_query_string, label="query string")}
    request.update(data.draw(hostile_headers, label="headers"))
    response = send_in_savepoint(public_site.client(identity), method, path, **request)
    event(f"{route.name}: {response.status_code}")
    if route.name == "healthz" and response.status_code == 503:
        # Its way of saying that a service is down, which is its job: not a crash.
        assert response.json()["status"] == "failing"
    else:
        assert response.status_code < 500
