"""In a real browser: a Coordinator finds a contact by part of their phone number,
written differently from how it was saved, and an Administrator sees the search in the
audit log; and the keep-in-touch form prints on one A4 sheet. Every page passes axe
and fits a 320 px screen."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from contacts.tests.factories import AttendeeFactory
from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 320, "height": 640}


def fits(page, axe_check, label: str):
    axe_check(page, label)
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, label


def test_a_coordinator_finds_a_contact_by_part_of_a_phone_number_and_the_search_is_audited(
    live_server, browser, page, sign_in, axe_check, coordinator, administrator
):
    amina = AttendeeFactory(
        name="Amina Khan", email="amina@example.org", phone="07700 900 123", subscribed=True
    )
    AttendeeFactory(name="Ben Jones", email="ben@example.org", phone="07700 900 456")
    AttendeeFactory(name="Chloe Smith", email="chloe@example.org")
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, coordinator.username)
    page.wait_for_url("**/staff/**")

    page.goto(f"{live_server.url}{reverse('contacts:list')}")
    search = page.get_by_label("Search by name, email or phone")
    search.fill("7700900123")
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"\?search=7700900123&"))
    expect(page.get_by_text("1 contact", exact=True)).to_be_visible()
    expect(search).to_have_value("7700900123")
    expect(page.get_by_role("link", name="Amina Khan")).to_be_visible()
    expect(page.get_by_role("link", name="Ben Jones")).to_have_count(0)
    fits(page, axe_check, "contacts found by a phone number")

    page.get_by_role("link", name="Amina Khan").click()
    expect(page).to_have_url(f"{live_server.url}{amina.get_staff_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amina Khan")
    expect(page.get_by_text("07700 900 123")).to_be_visible()
    fits(page, axe_check, "the contact found")

    admin_context = browser.new_context(viewport=SMALL_PHONE)
    try:
        admin_page = admin_context.new_page()
        sign_in(admin_page, administrator.username)
        admin_page.wait_for_url("**/staff/**")
        admin_page.goto(f"{live_server.url}{reverse('audit-log')}")
        search_entry = admin_page.get_by_role("row").filter(has_text='search="7700900123"')
        expect(search_entry).to_have_count(1)
        expect(search_entry).to_contain_text("Viewed a list of contacts")
        expect(search_entry).to_contain_text(coordinator.username)
        opened = admin_page.get_by_role("row").filter(has_text=f"contact {amina.pk}")
        expect(opened).to_contain_text("Viewed a contact")
        fits(admin_page, axe_check, "the audit log with the search")
    finally:
        admin_context.close()


def test_the_search_works_without_javascript(live_server, browser, sign_in, coordinator):
    AttendeeFactory(name="Amina Khan", phone="07700900123")
    AttendeeFactory(name="Ben Jones", phone="07700 900 456")
    context = browser.new_context(java_script_enabled=False, viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        sign_in(page, coordinator.username)
        page.wait_for_url("**/staff/**")
        page.goto(f"{live_server.url}{reverse('contacts:list')}")
        page.get_by_label("Search by name, email or phone").fill("07700 900 123")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.get_by_role("link", name="Amina Khan")).to_be_visible()
        expect(page.get_by_role("link", name="Ben Jones")).to_have_count(0)

        # The box takes no more than 80 characters; a longer address is answered too.
        page.goto(f"{live_server.url}{reverse('contacts:list')}?search={'x' * 81}")
        expect(page.get_by_text("Type 80 characters or fewer.")).to_be_visible()
        expect(page.get_by_label("Search by name, email or phone")).to_have_value("x" * 81)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_keep_in_touch_form_prints_on_one_a4_sheet_from_the_event_hub(
    live_server, page, sign_in, axe_check, coordinator, width
):
    for name in (
        "Black African communities",
        "Black Caribbean communities",
        "Young people (16–24)",
        "South Asian Muslim communities",
        "Gypsy, Roma and Traveller communities",
        "Mixed heritage communities",
    ):
        CommunityFactory(name=name)
    event = EventFactory(title="Moss Side listening event")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, coordinator.username)
    page.wait_for_url("**/staff/**")

    page.goto(f"{live_server.url}{event.get_staff_url()}")
    page.get_by_role("link", name="Print keep-in-touch forms").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('contacts:paper-form')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep in touch")
    expect(page.get_by_text("Privacy notice version")).to_be_visible()
    fits(page, axe_check, f"the keep-in-touch form to print at {width}px")

    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to contacts")).to_be_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert len(pages) == 1, f"the form prints on {len(pages)} sheets"
