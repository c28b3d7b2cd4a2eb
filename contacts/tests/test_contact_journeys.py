"""A member of the public stays in touch, and leaves, entirely in the browser."""

import re

import pytest
from django.urls import reverse

from contacts.models import Attendee, ConsentMethod, ConsentPurpose
from contacts.services.invitations import event_invite
from contacts.services.links import attendee_keep_url
from contacts.tests.factories import AttendeeFactory
from engagement.tests.smtp import text_of
from events.tests.factories import EventFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_member_of_the_public_opts_in_confirms_is_invited_unsubscribes_and_erases(
    live_server, page, axe_check, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    page.set_viewport_size({"width": 320, "height": 640})

    def fits(label):
        axe_check(page, label)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, label

    page.goto(f"{live_server.url}{reverse('keep-in-touch')}")
    fits("keep in touch")
    page.get_by_role("button", name="Send my details").click()
    assert page.get_by_text("There is a problem").is_visible()
    fits("keep in touch with errors")

    page.get_by_label("Your name (optional)").fill("Ada Obi")
    page.get_by_label("Email address (optional)").fill("ada@example.org")
    page.get_by_label("Email me about future events").check()
    page.get_by_role("button", name="Send my details").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    fits("check your email")
    assert not Attendee.objects.exists()

    (confirmation,) = smtp_server.wait_for(1)
    link = re.search(r"https?://\S+/keep-in-touch/confirm/\S+/", text_of(confirmation)).group(0)
    page.goto(link)
    assert page.get_by_role("heading", name="Check and confirm your details").is_visible()
    assert page.get_by_text("Ada Obi").is_visible()
    fits("confirm your details")
    assert not Attendee.objects.exists()
    page.get_by_role("button", name="Confirm my details").click()
    assert page.get_by_role("heading", name="You will get our updates").is_visible()
    fits("confirmed")
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
    assert not page.get_by_text("ada@example.org").count()
    assert not page.get_by_text("Ada Obi").count()
    fits("unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.get_by_role("heading", name="You are unsubscribed").is_visible()
    fits("unsubscribed")
    assert ConsentPurpose.EMAIL_UPDATES not in attendee.live_consent_purposes()
    page.get_by_role("button", name="Email me a link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    fits("link sent from the unsubscribe page")
    from_unsubscribe = smtp_server.wait_for(3)[2]
    assert re.search(r"https?://\S+/my-data/\S+/", text_of(from_unsubscribe))

    # The footer of every email leads to the page that asks for a fresh link.
    footer_link = re.search(r"https?://\S+/my-data/(?=\s)", text_of(invitation)).group(0)
    page.goto(footer_link)
    fits("ask for a link")
    page.get_by_role("button", name="Email me a link").click()
    assert page.get_by_text("Enter your email address.").first.is_visible()
    fits("ask for a link with errors")
    page.get_by_label("Your email address").fill("ADA@example.org")
    page.get_by_role("button", name="Email me a link").click()
    assert page.get_by_text(
        "If we hold details for that address, we have emailed a link."
    ).is_visible()
    fits("link sent")

    my_data_email = smtp_server.wait_for(4)[3]
    my_data_url = re.search(r"https?://\S+/my-data/\S+/", text_of(my_data_email)).group(0)
    page.goto(my_data_url)
    assert page.get_by_text("ada@example.org").is_visible()
    fits("my data")
    page.get_by_label("I might like to join the focus group").check()
    page.get_by_role("button", name="Save my choices").click()
    assert page.get_by_text("Your choices are saved.").is_visible()
    fits("my data with choices saved")
    assert ConsentPurpose.FOCUS_GROUP in attendee.live_consent_purposes()

    page.get_by_role("button", name="Delete my details").click()
    assert page.get_by_text("Tick the box to confirm").first.is_visible()
    fits("my data with error")
    page.get_by_label("I understand that this deletes my details").check()
    page.get_by_role("button", name="Delete my details").click()
    assert page.get_by_role("heading", name="Your details are deleted").is_visible()
    fits("erased")

    attendee.refresh_from_db()
    assert attendee.is_erased
    assert attendee.email == ""


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_pages_behind_emailed_links_are_accessible_and_fit_a_small_phone(
    live_server, page, axe_check, settings
):
    """The purge notice's keep page, and the kind pages for links that have run out,
    been used or been copied wrongly."""
    settings.SITE_URL = live_server.url
    page.set_viewport_size({"width": 320, "height": 640})
    attendee = AttendeeFactory(
        name="Bo",
        email="bo@example.org",
        source=ConsentMethod.PAPER,
        consents=[ConsentPurpose.FOCUS_GROUP],
    )

    def fits(label):
        axe_check(page, label)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, label

    page.goto(attendee_keep_url(attendee))
    fits("keep my details")
    page.get_by_role("button", name="Keep my details").click()
    assert page.get_by_role("heading", name="We will keep your details").is_visible()
    fits("details kept")

    for path, heading in (
        (reverse("my-data", args=["not:a:link"]), "This link does not work"),
        (reverse("keep-in-touch-confirm", args=["not:a:link"]), "This link does not work"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.get_by_role("heading", name=heading).is_visible()
        fits(heading)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_mail_clients_unsubscribe_with_one_post_and_no_cookie(live_server, playwright, settings):
    attendee = AttendeeFactory(email="bo@example.org", subscribed=True)
    request = playwright.request.new_context(base_url=live_server.url)
    try:
        for _attempt in range(2):
            response = request.post(
                reverse("unsubscribe", args=[attendee.token]),
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
        page.goto(f"{live_server.url}{reverse('keep-in-touch')}")
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
