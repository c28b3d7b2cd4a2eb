"""Attacks on signing in: a stolen password, a createsuperuser account, lockout as a
weapon, and the Administrator's tools to undo locks and lost phones."""

import ipaddress
import logging

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagement.admin_site import CommunityVoiceAdminSite
from engagement.clients import client_address
from engagement.models import AuditLogEntry
from engagement.settings import envnetworks
from engagement.tests.factories import TEST_PASSWORD, AuthenticatorFactory, UserFactory
from engagement.tests.test_accounts import current_code

LOGIN_URL = "/accounts/login/"


def sign_in(client, username, password=TEST_PASSWORD, address="10.0.0.1", **extra):
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


# Two-step sign-in ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_password_alone_cannot_enrol_a_second_authenticator(client, coordinator, settings):
    settings.TWO_FACTOR_REQUIRED = True
    AuthenticatorFactory(user=coordinator, name="the owner's phone")
    sign_in(client, "coordinator")

    setup = client.get(reverse("two-factor-setup"))
    assert setup.status_code == 302
    assert setup.url.startswith(reverse("two-factor-verify"))
    # The attacker cannot get a secret to scan, so cannot make a code for a new device.
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1

    attacker_device = AuthenticatorFactory(user=coordinator, name="attacker", confirmed=False)
    response = client.post(reverse("two-factor-setup"), {"code": current_code(attacker_device)})
    assert response.status_code == 302
    attacker_device.refresh_from_db()
    assert not attacker_device.confirmed
    assert client.get("/staff/contacts/").url.startswith(reverse("two-factor-verify"))


@pytest.mark.django_db
def test_someone_with_no_authenticator_still_enrols(client, coordinator, settings):
    settings.TWO_FACTOR_REQUIRED = True
    sign_in(client, "coordinator")
    assert client.get(reverse("two-factor-setup")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/home/", "/accounts/no-role/", "/staff/contacts/"])
def test_only_the_second_step_itself_is_open_before_it_is_done(client, coordinator, settings, path):
    settings.TWO_FACTOR_REQUIRED = True
    AuthenticatorFactory(user=coordinator, name="phone")
    sign_in(client, "coordinator")
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-verify"))


@pytest.mark.django_db
def test_an_account_made_with_createsuperuser_needs_two_step_sign_in(client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    call_command(
        "createsuperuser",
        interactive=False,
        username="first-admin",
        email="first-admin@example.police.uk",
        verbosity=0,
    )
    superuser = UserFactory(username="first-admin")
    superuser.set_password(TEST_PASSWORD)
    superuser.save()
    assert superuser.is_superuser and not superuser.groups.exists()

    sign_in(client, "first-admin")
    for path in ("/admin/", "/admin/auth/user/", "/staff/contacts/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("two-factor-setup")), path


@pytest.mark.django_db
def test_the_admin_refuses_an_unverified_session_even_past_the_middleware(administrator, settings):
    settings.TWO_FACTOR_REQUIRED = True
    request = RequestFactory().get("/admin/")
    request.user = administrator
    request.user.is_verified = lambda: False
    assert not CommunityVoiceAdminSite().has_permission(request)
    request.user.is_verified = lambda: True
    assert CommunityVoiceAdminSite().has_permission(request)


@pytest.mark.django_db
def test_the_admin_login_page_sends_people_to_the_one_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/auth/user/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert "next=/admin/auth/user/" in response.url


@pytest.mark.django_db
def test_administrators_cannot_read_authenticator_secrets_in_the_admin(
    client, administrator, coordinator
):
    device = AuthenticatorFactory(user=coordinator, name="phone")
    client.force_login(administrator)
    for path in (
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
        "/admin/otp_totp/totpdevice/999999/config/",
    ):
        assert client.get(path).status_code == 404, path


# Lockout ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_typos_on_made_up_usernames_do_not_lock_out_everyone_behind_one_address(coordinator):
    stranger = Client()
    for number in range(10):
        sign_in(stranger, f"made-up-{number}", password="wrong", address="10.0.0.1")
    colleague = Client()
    sign_in(colleague, "coordinator", address="10.0.0.1")
    assert is_signed_in(colleague)


@pytest.mark.django_db
def test_wrong_passwords_lock_the_account_from_every_address(coordinator):
    for number in range(5):
        sign_in(Client(), "coordinator", password="wrong", address=f"10.0.1.{number}")
    owner = Client()
    response = sign_in(owner, "coordinator", address="10.9.9.9")
    assert response.status_code in (403, 429)
    assert not is_signed_in(owner)


@pytest.mark.django_db
def test_guesses_from_elsewhere_never_lock_staff_out_of_the_address_they_use(coordinator):
    # The owner has signed in from their desk before.
    sign_in(Client(), "coordinator", address="10.0.5.5")
    for number in range(10):
        sign_in(Client(), "coordinator", password="wrong", address=f"10.0.6.{number}")
    # The guesser is locked out, even with the right password, from anywhere else…
    guesser = Client()
    assert sign_in(guesser, "coordinator", address="10.0.6.99").status_code == 429
    assert not is_signed_in(guesser)
    # …while the owner signs in at their desk as usual.
    owner = Client()
    sign_in(owner, "coordinator", address="10.0.5.5")
    assert is_signed_in(owner)


@pytest.mark.django_db
def test_signing_in_at_ones_desk_does_not_wipe_the_guesses_made_elsewhere(coordinator):
    sign_in(Client(), "coordinator", address="10.0.5.5")
    for number in range(4):
        sign_in(Client(), "coordinator", password="wrong", address=f"10.0.6.{number}")
    sign_in(Client(), "coordinator", address="10.0.5.5")
    # One more guess from elsewhere is the fifth: the account is locked there.
    sign_in(Client(), "coordinator", password="wrong", address="10.0.6.50")
    guesser = Client()
    assert sign_in(guesser, "coordinator", address="10.0.6.51").status_code == 429


@pytest.mark.django_db
def test_wrong_passwords_at_the_owners_own_address_still_lock_it_there(coordinator):
    sign_in(Client(), "coordinator", address="10.0.5.5")
    for _attempt in range(5):
        sign_in(Client(), "coordinator", password="wrong", address="10.0.5.5")
    owner = Client()
    assert sign_in(owner, "coordinator", address="10.0.5.5").status_code == 429
    assert not is_signed_in(owner)


@pytest.mark.django_db
def test_a_lockout_is_logged_with_the_username_and_never_the_password(coordinator, caplog):
    with caplog.at_level(logging.WARNING):
        for _attempt in range(6):
            sign_in(Client(), "coordinator", password="Sup3r-secret-guess")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "'coordinator' is locked" in logged
    assert "Sup3r-secret-guess" not in logged
    assert "10.0.0.1" not in logged


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_throttled_without_touching_others(
    coordinator, settings
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    attacker = Client()
    for number in range(8):
        sign_in(attacker, f"guess-{number}", password="wrong", address="10.0.0.66")
    # Even the right password is refused from that address for now…
    response = sign_in(attacker, "coordinator", address="10.0.0.66")
    assert response.status_code == 429
    assert "from your network" in response.content.decode()
    assert not is_signed_in(attacker)
    # …while the account itself is not locked, and other addresses carry on.
    colleague = Client()
    sign_in(colleague, "coordinator", address="10.0.0.67")
    assert is_signed_in(colleague)


@pytest.mark.django_db
def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(coordinator, settings):
    settings.BEHIND_HTTPS_PROXY = True
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    attacker = Client()
    for number in range(4):
        # The attacker writes its own X-Forwarded-For; the proxy appends what it saw.
        sign_in(
            attacker,
            f"guess-{number}",
            password="wrong",
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.7",
        )
    response = sign_in(
        attacker,
        "coordinator",
        address="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7",
    )
    assert response.status_code == 429
    colleague = Client()
    sign_in(colleague, "coordinator", address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert is_signed_in(colleague)


def test_the_client_address_trusts_only_the_last_forwarded_entry(settings):
    factory = RequestFactory()
    settings.BEHIND_HTTPS_PROXY = True
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert client_address(request) == "5.6.7.8"
    junk = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not an address")
    assert client_address(junk) == "127.0.0.1"
    settings.BEHIND_HTTPS_PROXY = False
    assert client_address(request) == "127.0.0.1"


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(settings):
    factory = RequestFactory()
    settings.BEHIND_HTTPS_PROXY = True
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]

    def address(remote_addr: str) -> str:
        return client_address(
            factory.get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR="203.0.113.9")
        )

    assert address("10.0.0.7") == "203.0.113.9"
    # A client that reaches the app without the proxy cannot pose as someone else.
    assert address("198.51.100.4") == "198.51.100.4"
    assert address("127.0.0.1") == "127.0.0.1"
    assert address("not an address") == ""
    # gunicorn on a Unix socket, which only the machine's own proxy can reach.
    assert address("") == "203.0.113.9"


@pytest.fixture
def https_behind_proxy(settings):
    settings.BEHIND_HTTPS_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]
    return settings


@pytest.mark.django_db
def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(https_behind_proxy):
    def get(remote_addr: str):
        return Client().get(
            "/accounts/login/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_PROTO="https"
        )

    # nginx terminated TLS and says so: the page is served, with its sign-in form.
    through_the_proxy = get("10.0.0.7")
    assert through_the_proxy.status_code == 200
    assert "csrftoken" in through_the_proxy.cookies
    # gunicorn on a Unix socket, which only the machine's own proxy can reach.
    assert get("").status_code == 200
    # A client that reached gunicorn over plain HTTP and says "https" is sent to HTTPS
    # before it gets a cookie it could then send in the clear.
    for address in ("198.51.100.4", "127.0.0.1", "not an address"):
        direct = get(address)
        assert direct.status_code == 301, address
        assert direct["Location"] == "https://testserver/accounts/login/"
        assert "csrftoken" not in direct.cookies


def test_forwarded_proto_is_forgotten_before_anything_asks_whether_a_request_is_secure(
    settings,
):
    middleware = settings.MIDDLEWARE
    assert middleware[0] == "engagement.middleware.UntrustedProxyHeadersMiddleware"


@pytest.mark.parametrize("value", ["10.0.0.300", "nginx", "10.0.0.0/33"])
def test_a_trusted_proxy_that_is_not_an_address_stops_the_app_starting(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_PROXIES", f"127.0.0.1, {value}")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES must list IP addresses"):
        envnetworks("TRUSTED_PROXIES", "")


@pytest.mark.django_db
@pytest.mark.parametrize("length", [151, 256, 1000])
def test_a_very_long_username_is_refused_kindly(client, length):
    response = sign_in(client, "x" * length, password="wrong")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


# Unlocking and resetting -----------------------------------------------------------


def lock_out(username):
    for _attempt in range(5):
        sign_in(Client(), username, password="wrong")


@pytest.mark.django_db
def test_an_administrator_sees_and_unlocks_a_locked_account(client, administrator, coordinator):
    lock_out("coordinator")
    lock_out("nobody-by-this-name")
    client.force_login(administrator)
    page = client.get(reverse("staff-users")).content.decode()
    assert "Locked until" in page
    assert "nobody-by-this-name" in page

    response = client.post(reverse("staff-user-unlock"), {"username": "coordinator"})
    assert response.status_code == 302
    owner = Client()
    sign_in(owner, "coordinator")
    assert is_signed_in(owner)
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.UNLOCKED_SIGN_IN)
    assert entry.user == administrator
    assert "coordinator" in entry.subject


@pytest.mark.django_db
def test_the_staff_accounts_page_shows_no_secrets(client, administrator, coordinator):
    device = AuthenticatorFactory(user=coordinator, name="phone")
    client.force_login(administrator)
    page = client.get(reverse("staff-users")).content.decode()
    assert device.key not in page
    assert "otpauth" not in page
    assert "Set up" in page


@pytest.mark.django_db
def test_resetting_two_step_sign_in_removes_devices_ends_sessions_and_is_audited(
    client, administrator, coordinator, settings
):
    AuthenticatorFactory(user=coordinator, name="lost phone")
    owner_session = Client()
    owner_session.force_login(coordinator)

    client.force_login(administrator)
    url = reverse("staff-user-reset-two-factor", kwargs={"pk": coordinator.pk})
    confirmation = client.get(url)
    assert "Reset two-step sign-in" in confirmation.content.decode()
    # Looking at the confirmation page changes nothing.
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    assert client.post(url).status_code == 302

    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert owner_session.get("/staff/").status_code == 302
    assert not is_signed_in(owner_session)
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.RESET_TWO_FACTOR)
    assert entry.user == administrator
    # The next sign-in asks for the new phone.
    settings.TWO_FACTOR_REQUIRED = True
    fresh = Client()
    sign_in(fresh, "coordinator")
    assert fresh.get("/staff/").url.startswith(reverse("two-factor-setup"))


@pytest.mark.django_db
def test_the_last_administrator_can_be_reset_and_unlocked_from_the_command_line(administrator):
    AuthenticatorFactory(user=administrator, name="lost phone")
    lock_out("admin")
    call_command("reset_two_factor", "admin", verbosity=0)
    call_command("unlock_sign_in", "admin", verbosity=0)
    assert not TOTPDevice.objects.filter(user=administrator).exists()
    owner = Client()
    sign_in(owner, "admin")
    assert is_signed_in(owner)
    actions = set(AuditLogEntry.objects.filter(user__isnull=True).values_list("action", flat=True))
    assert actions == {AuditLogEntry.Action.RESET_TWO_FACTOR, AuditLogEntry.Action.UNLOCKED_SIGN_IN}
