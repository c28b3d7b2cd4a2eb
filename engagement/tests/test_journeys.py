"""Journeys through the site in a real Chromium browser: signing in as each role,
using only the keyboard, mistakes at sign-in, small screens, no JavaScript, page
weight, the error pages and two-step sign-in. Every page visited is checked with
axe-core against WCAG 2.2 AA."""

import gzip
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db.models import F
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from engagement.tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
SMALL_PHONE = {"width": 320, "height": 640}

# Everything a cold visit to the home page downloads, gzip-compressed, must fit in
# this many bytes: people scan the event QR code on slow, metered phone connections.
HOME_PAGE_BUDGET_BYTES = 60 * 1024


def staff_navigation_links(page) -> list[str]:
    navigation = page.get_by_role("navigation", name="Staff")
    return [name.strip() for name in navigation.get_by_role("link").all_inner_texts()]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def current_code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code an authenticator app shows now, or `offset` steps from now."""
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + offset,
    )
    return str(code).zfill(device.digits)


def assert_page_structure(page):
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)


# Signing in as each role ----------------------------------------------------------

# The sections whose links depend on the role; other sections come and go as the site
# grows, and every link shown is checked to open for the person who sees it.
ROLE_SECTIONS = {"Overview", "Findings to check", "Administration"}

ROLE_JOURNEYS = [
    # fixture, landing path, h1 (None: "Welcome, <first name>"), role sections shown
    ("coordinator", "/staff/", None, {"Overview"}),
    ("leader", "/staff/", None, {"Overview"}),
    ("action_owner", "/staff/", None, {"Overview"}),
    ("focus_group_member", "/panel/", "Your focus group page", {"Findings to check"}),
    ("administrator", "/staff/", None, {"Overview", "Administration"}),
]


@pytest.mark.parametrize(
    ("user_fixture", "landing_path", "heading", "sections"),
    ROLE_JOURNEYS,
    ids=[journey[0] for journey in ROLE_JOURNEYS],
)
def test_each_role_signs_in_lands_on_its_home_and_signs_out(
    request, live_server, page, sign_in, axe_check, user_fixture, landing_path, heading, sections
):
    user = request.getfixturevalue(user_fixture)

    sign_in(page, user.username)

    expect(page).to_have_url(f"{live_server.url}{landing_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        heading or f"Welcome, {user.first_name}"
    )
    links = staff_navigation_links(page)
    assert set(links) & ROLE_SECTIONS == sections
    for link in page.get_by_role("navigation", name="Staff").get_by_role("link").all():
        href = link.get_attribute("href")
        answer = page.request.get(f"{live_server.url}{href}", max_redirects=0)
        assert answer.status == 200, f"{user_fixture} is shown {href} but gets {answer.status}"
    expect(page.get_by_text(f"Signed in as {user.get_full_name()}")).to_be_visible()
    admin_button = page.get_by_role("link", name="Manage users, roles and taxonomies")
    expect(admin_button).to_have_count(1 if user_fixture == "administrator" else 0)
    axe_check(page, f"{landing_path} as {user_fixture}")

    sign_out(page)

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # The session really has ended: the landing page now asks for a sign-in.
    page.goto(f"{live_server.url}{landing_path}")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


# Keyboard only --------------------------------------------------------------------


def test_sign_in_with_the_keyboard_alone_on_a_small_phone(live_server, page, coordinator):
    page.set_viewport_size(SMALL_PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    skip_link = page.get_by_role("link", name="Skip to main content")
    box = skip_link.bounding_box()
    # Hidden above the page, not off to a side, which would widen a right-to-left page.
    assert box is None or box["y"] + box["height"] <= 0, "the skip link shows before focus"

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= SMALL_PHONE["width"]
    assert box["height"] >= 24, "the focused skip link is too small to see or press"

    # Following the skip link jumps over the header, straight to the form.
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    username = page.get_by_label("Username")
    expect(username).to_be_focused()
    page.keyboard.type(coordinator.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {coordinator.first_name}")


def test_tabbing_through_the_login_page_reaches_every_control_in_order(live_server, page):
    page.set_viewport_size(SMALL_PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    reached = []
    for _ in range(15):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return (e.labels && e.labels[0] ? e.labels[0].innerText"
                " : e.innerText || e.name || e.tagName).replace(/\\s+/g, ' ').trim(); }"
            )
        )
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", f"no visible focus on {reached[-1]!r}"
        if reached[-1] == "Sign in":
            break
    assert reached[0] == "Skip to main content"
    assert [name.rstrip("*") for name in reached[-3:]] == ["Username", "Password", "Sign in"]


# Mistakes at sign-in --------------------------------------------------------------


def test_wrong_password_shows_an_error_summary_and_keeps_the_username(
    live_server, page, sign_in, axe_check, leader
):
    sign_in(page, leader.username, password="not-the-password")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    link = summary.get_by_role("link", name=re.compile("username or password is not right"))
    expect(link).to_have_attribute("href", "#id_username")
    expect(page.get_by_label("Username")).to_have_value(leader.username)
    expect(page.get_by_label("Password")).to_have_value("")
    # The message is given once, in the summary, not repeated inside the form.
    expect(page.get_by_text("username or password is not right")).to_have_count(1)
    assert page.title().startswith("Error: Sign in")
    expect(summary).to_be_focused()
    axe_check(page, "login with a wrong password")

    link.click()
    expect(page.get_by_label("Username")).to_be_focused()


# Home and login pages, large and small --------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/"], ids=["home", "login"])
@pytest.mark.parametrize("viewport", [DESKTOP, SMALL_PHONE], ids=["1280", "320"])
def test_public_pages_are_accessible_at_desktop_and_phone_widths(
    live_server, page, axe_check, path, viewport
):
    page.set_viewport_size(viewport)
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200

    assert_page_structure(page)
    assert page.title().endswith("– Community Voice")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= viewport["width"], f"{path} scrolls sideways at {viewport['width']}px"
    axe_check(page, f"{path} at {viewport['width']}px")


# No JavaScript, light pages -------------------------------------------------------


def test_home_page_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        response = page.goto(f"{live_server.url}/")
        assert response.status == 200
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Have your say on policing in your community"
        )
        expect(page.get_by_role("heading", name="How to tell us what you think")).to_be_visible()
        expect(page.get_by_role("link", name="Skip to main content")).to_have_count(1)
        # Staff find their way in from the public page, with plain links.
        page.get_by_role("link", name=re.compile("^Sign in for officers")).click()
        expect(page).to_have_url(f"{live_server.url}/accounts/login/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    finally:
        context.close()


def test_home_page_loads_no_javascript(live_server, page):
    scripts = []
    page.on(
        "request",
        lambda request: scripts.append(request.url) if request.resource_type == "script" else None,
    )
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")

    assert scripts == []
    assert page.locator("script").count() == 0


def test_staff_scripts_take_their_words_from_the_catalogue_within_the_policy(
    live_server, page, sign_in, coordinator, event_factory
):
    event = event_factory(past=True)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, coordinator.username)

    page.goto(f"{live_server.url}/staff/events/{event.pk}/notes/")

    # The live notes script runs only once the catalogue has given it gettext().
    expect(page.locator("[data-connection-status]")).to_have_text("All points are saved.")
    assert page.evaluate("() => interpolate(ngettext('%s point', '%s points', 3), [3])") == (
        "3 points"
    )
    assert refused == []


def test_home_page_weight_is_within_budget_and_all_from_our_origin(live_server, browser):
    context = browser.new_context()  # a new context starts with an empty cache
    responses = []
    requested = []
    try:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("response", lambda response: responses.append(response))
        page.goto(f"{live_server.url}/")
        page.wait_for_load_state("networkidle")

        total = 0
        sizes = {}
        for response in responses:
            body = response.body() if 200 <= response.status < 300 else b""
            sizes[response.url] = len(gzip.compress(body, compresslevel=6))
            total += sizes[response.url]
    finally:
        context.close()

    print(f"\nHome page, cold load: {total} bytes gzipped ({total / 1024:.1f} KiB)")
    for url, size in sizes.items():
        print(f"  {size:>7} {url}")
    assert len(responses) >= 3, "expected the page and its stylesheets"
    assert total <= HOME_PAGE_BUDGET_BYTES
    ours = urlsplit(live_server.url)
    elsewhere = [url for url in requested if urlsplit(url)[:2] != ours[:2]]
    assert elsewhere == [], f"requests to another origin: {elsewhere}"


# Error pages ----------------------------------------------------------------------


def test_not_found_page_is_accessible(live_server, page, axe_check):
    response = page.goto(f"{live_server.url}/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_page_structure(page)
    axe_check(page, "404 page")


def test_forbidden_page_is_accessible(live_server, page, sign_in, axe_check, focus_group_member):
    sign_in(page, focus_group_member.username)
    expect(page).to_have_url(f"{live_server.url}/panel/")

    response = page.goto(f"{live_server.url}/staff/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    assert_page_structure(page)
    # Still signed in: the page keeps the signed-in header, with its way out.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("link", name="Go to your home page").click()
    expect(page).to_have_url(f"{live_server.url}/panel/")
    page.go_back()
    axe_check(page, "403 page")


def failure_page(status: int) -> str:
    """The page the app answers with when it cannot read a request (400), fails (500)
    or cannot reach its database (503), as its handlers render it."""
    from django.db import OperationalError

    from engagement import errors

    if status == 400:
        return errors.bad_request(None).content.decode()
    if status == 503:
        return errors.database_unavailable(OperationalError("closed")).content.decode()
    try:
        raise RuntimeError("a fault")
    except RuntimeError:
        return errors.server_error(None).content.decode()


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (400, "We could not read that"),
        (500, "Sorry, something went wrong"),
        (503, "Please try again"),
    ],
)
def test_failure_pages_are_accessible_and_fit_a_small_phone(
    live_server, page, axe_check, status, heading
):
    page.set_viewport_size(SMALL_PHONE)
    # Opened on the site, so that the page's own styles load from it as they would.
    page.goto(f"{live_server.url}/accounts/login/")
    page.set_content(failure_page(status), wait_until="load")

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("banner")).to_have_count(1)
    styled = "[...document.styleSheets].filter(sheet => sheet.cssRules.length).length"
    assert page.evaluate(styled) >= 2, "Bootstrap and the site's styles load"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    axe_check(page, f"{status} page")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()


def test_a_form_sent_without_its_cookie_gets_an_accessible_page_to_try_again(
    live_server, page, axe_check, coordinator
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Please try again")
    assert_page_structure(page)
    axe_check(page, "CSRF failure page")


# Two-step sign-in -----------------------------------------------------------------


def test_two_step_sign_in_set_up_then_used(
    live_server, page, sign_in, axe_check, settings, coordinator
):
    settings.TWO_FACTOR_REQUIRED = True

    sign_in(page, coordinator.username)

    expect(page).to_have_url(
        re.compile(r"/accounts/two-factor/setup/\?next=%2Faccounts%2Fhome%2F$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    qr_code = page.locator(".qr-code svg")
    expect(qr_code).to_be_visible()
    expect(qr_code.locator("title")).to_have_text(re.compile("QR code"))
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    typed_key = page.locator(".setup-key").inner_text().replace(" ", "")
    assert typed_key and typed_key in device.config_url
    # Someone who cannot set it up now can still leave.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe_check(page, "two-step set-up")

    page.get_by_label("6-digit code").fill(current_code(device))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page).to_have_url(f"{live_server.url}/staff/")
    expect(page.get_by_role("status")).to_contain_text("Two-step sign-in is set up")
    device.refresh_from_db()
    assert device.confirmed

    sign_out(page)
    sign_in(page, coordinator.username)

    expect(page).to_have_url(
        re.compile(r"/accounts/two-factor/verify/\?next=%2Faccounts%2Fhome%2F$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    axe_check(page, "two-step code")

    right_codes = {current_code(device, offset=offset) for offset in (-1, 0, 1)}
    wrong_code = next(code for code in ("000000", "111111", "222222") if code not in right_codes)
    code_field = page.get_by_label("6-digit code")
    code_field.fill(wrong_code)
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    error = page.locator("#id_code_error")
    expect(error).to_contain_text("That code did not match")
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(code_field).to_have_attribute("aria-describedby", re.compile("id_code_error"))
    axe_check(page, "two-step code with a wrong code")

    # A code works once: the one used at set-up was spent in this 30-second step, so
    # let the device accept this step's code again rather than wait for the next one.
    # After a wrong code the device waits a second before checking another; a person
    # takes longer than that to read the error, so move the failure into the past.
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=F("last_t") - 1,
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=2),
    )
    device.refresh_from_db()
    code_field.fill(current_code(device))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{live_server.url}/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {coordinator.first_name}")
