"""A refused form shows its error beside the field, marks it, and moves the focus there."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.memoranda import conftest as memoranda

# The memoranda tests' fixtures: two parks with a signatory each, a memorandum out for signature.
astana, sabah, draft, circulating = (
    memoranda.astana,
    memoranda.sabah,
    memoranda.draft,
    memoranda.circulating,
)
astana_signatory, sabah_signatory = memoranda.astana_signatory, memoranda.sabah_signatory
make_memorandum = memoranda.make_memorandum

pytestmark = pytest.mark.browser


def test_signing_without_consent_focuses_the_consent_box(
    live_server, page, circulating, astana_signatory
):
    sign_in(page, live_server, astana_signatory)
    page.goto(f"{live_server}/memoranda/{circulating.id}/sign")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_load_state()
    consent = page.locator("#sign-consent")
    assert consent.get_attribute("aria-invalid") == "true"
    assert "is-invalid" in (consent.get_attribute("class") or "")
    message = page.locator(f"#{consent.get_attribute('aria-describedby')}")
    assert "Please tick the box" in message.inner_text()
    assert page.evaluate("document.activeElement.id") == "sign-consent"
    # The error is beside the box, not in an alert at the top of the page.
    assert page.locator(".alert-danger").count() == 0
