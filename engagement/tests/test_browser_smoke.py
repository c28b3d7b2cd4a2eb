import pytest


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_home_page_in_chromium(live_server, page, axe_check):
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).count() == 1
    axe_check(page, "home")
