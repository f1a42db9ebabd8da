"""An integration manager's pages in the browser: the webhooks list (adding an endpoint shows
its secret once), an endpoint's page with its deliveries, the API tokens page (a new token
shown once) and the API reference. Screenshots go to $SCREENSHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from association.webhooks import service
from tests.browser.conftest import sign_in
from tests.factories import make_integration_manager


@pytest.fixture
def manager(session, secretariat, park):
    return make_integration_manager(
        session, secretariat, park, full_name="Daniyar Zhaksylykov", email="it@astanahub.example"
    )


def _shoot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_an_integration_manager_adds_an_endpoint_and_reads_its_deliveries(
    page, live_server, session, manager
):
    endpoint, _secret = service.register_endpoint(
        session, manager, url="http://127.0.0.1:9/portal", events=["initiative.opened"]
    )
    service.send_test_event(session, manager, endpoint)
    sign_in(page, live_server, manager)

    page.goto(f"{live_server}/webhooks")
    page.get_by_label("Web address").fill("http://127.0.0.1:9/crm")
    page.get_by_label("Voting opens on an initiative.").check()
    page.get_by_role("button", name="Add endpoint").click()
    page.wait_for_load_state()
    assert page.locator("#new-secret").is_visible()
    assert page.locator("#new-secret .mono").inner_text().startswith("whsec_")
    _shoot(page, "webhooks")

    page.goto(f"{live_server}/webhooks/{endpoint.id}")
    assert page.locator("#deliveries").get_by_text("webhook.test").is_visible()
    _shoot(page, "endpoint")


def test_an_integration_manager_makes_a_token_and_reads_the_reference(page, live_server, manager):
    sign_in(page, live_server, manager)
    page.goto(f"{live_server}/account/tokens")
    page.get_by_label("Name").fill("Park portal")
    page.get_by_role("button", name="Create the token").click()
    page.wait_for_load_state()
    assert page.locator("#new-token").input_value().startswith("amt_")
    _shoot(page, "tokens")

    page.goto(f"{live_server}/api/docs")
    assert (
        page.get_by_role("heading", name="/api/v1/me").first.is_visible()
        or page.get_by_text("/api/v1/me").first.is_visible()
    )
    _shoot(page, "docs")
