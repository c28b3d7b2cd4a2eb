"""A member of the public stays in touch, and leaves, entirely in the browser."""

import re
from urllib.parse import urlsplit

import pytest

from engagement.tests.smtp import text_of
from events.models import Attendee, ConsentPurpose
from events.services import event_invite
from events.tests.factories import EventFactory


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_member_of_the_public_opts_in_confirms_is_invited_unsubscribes_and_erases(
    live_server, page, axe_check, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto(f"{live_server.url}/keep-in-touch/")
    axe_check(page, "keep in touch")
    page.get_by_role("button", name="Send my details").click()
    assert page.get_by_text("There is a problem").is_visible()
    axe_check(page, "keep in touch with errors")

    page.get_by_label("Your name (optional)").fill("Ada Obi")
    page.get_by_label("Email address (optional)").fill("ada@example.org")
    page.get_by_label("Email me about future events").check()
    page.get_by_role("button", name="Send my details").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    axe_check(page, "check your email")

    (confirmation,) = smtp_server.wait_for(1)
    link = re.search(r"https?://\S+/keep-in-touch/confirm/\S+/", text_of(confirmation)).group(0)
    page.goto(link)
    assert page.get_by_role("heading", name="You will get our updates").is_visible()
    axe_check(page, "confirmed")
    attendee = Attendee.objects.get(email="ada@example.org")
    assert ConsentPurpose.EMAIL_UPDATES in attendee.live_consent_purposes()

    event = EventFactory(title="Moss Side listening event")
    assert event_invite(event=event, attendees=Attendee.objects.all(), by=None) == 1
    invitation = smtp_server.wait_for(2)[1]
    assert "Moss Side listening event" in invitation["Subject"]
    assert invitation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    attachments = [part.get_filename() for part in invitation.iter_attachments()]
    assert attachments == [f"{event.slug}.ics"]
    unsubscribe_url = str(invitation["List-Unsubscribe"]).strip().strip("<>")

    page.goto(unsubscribe_url)
    axe_check(page, "unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.get_by_role("heading", name="You are unsubscribed").is_visible()
    axe_check(page, "unsubscribed")
    assert ConsentPurpose.EMAIL_UPDATES not in attendee.live_consent_purposes()

    my_data_url = re.search(r"https?://\S+/my-data/\S+/", text_of(invitation)).group(0)
    page.goto(my_data_url)
    assert page.get_by_text("ada@example.org").is_visible()
    axe_check(page, "my data")
    page.get_by_role("button", name="Delete my details").click()
    assert page.get_by_text("Tick the box to confirm").first.is_visible()
    axe_check(page, "my data with error")
    page.get_by_label("I understand that this deletes my details").check()
    page.get_by_role("button", name="Delete my details").click()
    assert page.get_by_role("heading", name="Your details are deleted").is_visible()
    axe_check(page, "erased")

    attendee.refresh_from_db()
    assert attendee.is_erased
    assert attendee.email == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_mail_clients_unsubscribe_with_one_post_and_no_cookie(live_server, playwright, settings):
    from events.services import attendee_keep_in_touch

    attendee = attendee_keep_in_touch(
        name="",
        email="bo@example.org",
        phone="",
        purposes={ConsentPurpose.EMAIL_UPDATES},
        method="paper",
    )
    request = playwright.request.new_context(base_url=live_server.url)
    try:
        for _attempt in range(2):
            response = request.post(
                f"/unsubscribe/{attendee.token}/",
                data="List-Unsubscribe=One-Click",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                max_redirects=0,
            )
            assert response.status == 200
    finally:
        request.dispose()
    assert attendee.live_consent_purposes() == set()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_keep_in_touch_form_works_by_keyboard_alone_without_javascript(
    live_server, browser, settings
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/keep-in-touch/")
        page.get_by_label("Phone number (optional)").focus()
        page.keyboard.type("0161 496 0000")
        page.get_by_label("I might like to join the focus group").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Send my details").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_role("heading", name="Thank you").is_visible()
    finally:
        context.close()
    assert Attendee.objects.get().phone == "0161 496 0000"
