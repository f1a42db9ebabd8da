import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_see_the_dashboard_and_sign_out(live_server, page, delegate, tmp_path):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(delegate.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/dashboard")
    expect(page.get_by_role("heading", name="Welcome, Aigerim Sadykova")).to_be_visible()
    expect(page.get_by_text("You represent Astana Hub")).to_be_visible()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server}/")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(f"{live_server}/dashboard")
    assert "/login" in page.url


def test_wrong_password_shows_the_message(live_server, page, delegate):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(delegate.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Wrong e-mail or password."


def test_navigation_collapses_on_a_phone(live_server, browser, delegate):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(f"{live_server}/login")
    expect(phone.get_by_role("button", name="Menu")).to_be_visible()
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("link", name="Sign in").first).to_be_visible()
    context.close()


def test_secretariat_signs_in_with_the_second_factor(live_server, page, secretariat, park):
    sign_in(page, live_server, secretariat)
    assert page.url == f"{live_server}/dashboard"
    page.get_by_role("link", name="Secretariat", exact=True).click()
    page.get_by_role("link", name="Parks", exact=True).click()
    expect(page.get_by_role("link", name="Astana Hub")).to_be_visible()
