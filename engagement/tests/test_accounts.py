"""Signing in and out: where each role lands, lockout, two-factor sign-in and
session timeouts."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagement.middleware import (
    LAST_SEEN_EVERY_SECONDS,
    SESSION_LAST_SEEN_KEY,
    SESSION_STARTED_KEY,
)
from engagement.roles import Role
from engagement.tests.factories import TEST_PASSWORD, AuthenticatorFactory, UserFactory

LOGIN_URL = "/accounts/login/"


def sign_in(client, username, password=TEST_PASSWORD, follow=False):
    return client.post(LOGIN_URL, {"username": username, "password": password}, follow=follow)


def current_code(device):
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.COORDINATOR, "/staff/"),
        (Role.LEADER, "/staff/"),
        (Role.ACTION_OWNER, "/staff/"),
        (Role.ADMINISTRATOR, "/staff/"),
        (Role.FOCUS_GROUP_MEMBER, "/panel/"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, user_for_role, role, landing):
    user = user_for_role(role)
    response = sign_in(client, user.username, follow=True)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


@pytest.mark.django_db
def test_an_account_without_a_role_is_told_so(client):
    UserFactory(username="nobody")
    response = sign_in(client, "nobody", follow=True)
    assert response.status_code == 403
    assert b"no role yet" in response.content


@pytest.mark.django_db
def test_sign_in_starts_a_new_session_id(client, coordinator):
    client.get(LOGIN_URL)
    session = client.session
    session["before"] = "sign-in"
    session.save()
    key_before = session.session_key
    sign_in(client, "coordinator")
    assert client.session.session_key != key_before
    assert client.session[SESSION_KEY] == str(coordinator.pk)


@pytest.mark.django_db
def test_wrong_details_do_not_say_which_part_was_wrong(client, coordinator):
    wrong_password = sign_in(client, "coordinator", password="not-the-password")
    unknown_user = sign_in(client, "no-such-person", password="not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    message = "The username or password is not right"
    assert message in wrong_password.content.decode()
    assert message in unknown_user.content.decode()
    assert b"There is a problem" in wrong_password.content
    # The username typed is kept so that only the password needs typing again.
    assert b'value="coordinator"' in wrong_password.content


@pytest.mark.django_db
def test_password_fields_allow_password_managers_and_paste(client):
    page = client.get(LOGIN_URL).content.decode()
    assert 'autocomplete="current-password"' in page
    assert 'autocomplete="username"' in page
    assert "onpaste" not in page


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account(client, coordinator):
    for _attempt in range(5):
        sign_in(client, "coordinator", password="not-the-password")
    response = sign_in(client, "coordinator")
    assert response.status_code in (403, 429)
    assert b"Account locked for now" in response.content
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_four_wrong_passwords_do_not_lock_the_account(client, coordinator):
    for _attempt in range(4):
        sign_in(client, "coordinator", password="not-the-password")
    response = sign_in(client, "coordinator")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(coordinator.pk)


@pytest.mark.django_db
def test_sign_out_needs_a_post_and_ends_the_session(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/staff/").status_code == 302


@pytest.mark.django_db
def test_a_deactivated_account_is_signed_out_at_once(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/staff/").status_code == 200
    coordinator.is_active = False
    coordinator.save()
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


@pytest.mark.django_db
def test_idle_sessions_end(client, coordinator, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(coordinator)
    assert client.get("/staff/").status_code == 200
    session = client.session
    session[SESSION_LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_busy_sessions_still_end_after_the_absolute_limit(client, coordinator, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client.force_login(coordinator)
    assert client.get("/staff/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 12 * 3600 - 60
    session[SESSION_LAST_SEEN_KEY] = time.time() - 60
    session.save()
    response = client.get("/staff/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_an_active_session_carries_on(client, coordinator):
    client.force_login(coordinator)
    session = client.session
    session[SESSION_LAST_SEEN_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get("/staff/").status_code == 200


@pytest.mark.django_db
def test_the_session_clocks_start_at_sign_in(client, coordinator):
    before = time.time()
    sign_in(client, coordinator.username)
    assert before <= client.session[SESSION_STARTED_KEY] <= time.time()
    assert client.session[SESSION_LAST_SEEN_KEY] == client.session[SESSION_STARTED_KEY]


@pytest.mark.django_db
def test_requests_write_the_session_at_most_once_a_minute(client, coordinator):
    client.force_login(coordinator)
    client.get("/staff/")
    first_seen = client.session[SESSION_LAST_SEEN_KEY]
    started = client.session[SESSION_STARTED_KEY]

    # Soon after: the session is read but not written again.
    with CaptureQueriesContext(connection) as soon_after:
        assert client.get("/staff/").status_code == 200
    statements = [query["sql"] for query in soon_after.captured_queries]
    assert not [sql for sql in statements if sql.startswith(("UPDATE", "INSERT", "DELETE"))]
    assert client.session[SESSION_LAST_SEEN_KEY] == first_seen

    # A minute on, the last-seen time moves on; the start of the session never does.
    session = client.session
    session[SESSION_LAST_SEEN_KEY] = first_seen - LAST_SEEN_EVERY_SECONDS
    session.save()
    assert client.get("/staff/").status_code == 200
    assert client.session[SESSION_LAST_SEEN_KEY] > first_seen - LAST_SEEN_EVERY_SECONDS
    assert client.session[SESSION_STARTED_KEY] == started


# Two-factor sign-in ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR])
def test_staff_roles_must_enrol_in_two_factor_when_required(client, user_for_role, settings, role):
    settings.TWO_FACTOR_REQUIRED = True
    user = user_for_role(role)
    response = sign_in(client, user.username, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-setup"))
    page = response.content.decode()
    assert "<svg" in page
    assert "QR code" in page
    # Nothing else can be reached until the second step is done.
    assert client.get("/staff/").url.startswith(reverse("two-factor-setup"))
    assert client.get("/admin/").url.startswith(reverse("two-factor-setup"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER])
def test_roles_without_personal_data_need_no_second_factor(client, user_for_role, settings, role):
    settings.TWO_FACTOR_REQUIRED = True
    user = user_for_role(role)
    response = sign_in(client, user.username, follow=True)
    assert response.redirect_chain[-1][0] in ("/staff/", "/panel/")


@pytest.mark.django_db
def test_two_factor_is_optional_in_development(client, coordinator, settings):
    settings.TWO_FACTOR_REQUIRED = False
    response = sign_in(client, "coordinator", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"


@pytest.mark.django_db
def test_enrolling_confirms_the_device_and_lets_the_person_in(client, coordinator, settings):
    settings.TWO_FACTOR_REQUIRED = True
    sign_in(client, "coordinator")
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed

    wrong = client.post(reverse("two-factor-setup"), {"code": "000000"})
    assert "did not match" in wrong.content.decode()

    # A wrong code slows down the next try; a person would wait a second or two.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(reverse("two-factor-setup"), {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/staff/").status_code == 200


@pytest.mark.django_db
def test_enrolment_page_reuses_the_same_unconfirmed_device(client, coordinator, settings):
    settings.TWO_FACTOR_REQUIRED = True
    sign_in(client, "coordinator")
    client.get(reverse("two-factor-setup"))
    client.get(reverse("two-factor-setup"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


@pytest.mark.django_db
def test_enrolled_people_give_a_code_at_every_sign_in(client, coordinator):
    device = AuthenticatorFactory(user=coordinator, name="phone")
    response = sign_in(client, "coordinator", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-verify"))
    assert client.get("/staff/").status_code == 302

    wrong = client.post(reverse("two-factor-verify"), {"code": "12345x"})
    assert "numbers only" in wrong.content.decode()

    response = client.post(
        reverse("two-factor-verify"), {"code": current_code(device), "next": "/staff/"}
    )
    assert response.status_code == 302
    assert response.url == "/staff/"
    assert client.get("/staff/").status_code == 200


@pytest.mark.django_db
def test_two_factor_next_never_leaves_the_site(client, coordinator):
    device = AuthenticatorFactory(user=coordinator, name="phone")
    sign_in(client, "coordinator")
    response = client.post(
        reverse("two-factor-verify"),
        {"code": current_code(device), "next": "https://evil.example/"},
    )
    assert response.url == reverse("home-for-user")


def test_passwords_are_stored_with_argon2():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from engagement.settings import PASSWORD_HASHERS

    # The suite swaps in a fast hasher, so the production list is read from the module.
    assert PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("a long pass phrase", hasher.salt())
    assert encoded.startswith("argon2$")
    assert hasher.verify("a long pass phrase", encoded)


@pytest.mark.django_db
def test_a_right_code_straight_after_a_wrong_one_is_asked_to_wait(client, coordinator):
    device = AuthenticatorFactory(user=coordinator, name="phone")
    sign_in(client, "coordinator")
    client.post(reverse("two-factor-verify"), {"code": "000000"})
    response = client.post(reverse("two-factor-verify"), {"code": current_code(device)})
    assert "too soon after a wrong code" in response.content.decode()
    assert response.status_code == 200
