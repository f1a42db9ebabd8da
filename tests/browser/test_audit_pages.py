"""The audit log and its checkpoints as people read them, on the demo association, at the
desktop's and a phone's width: no sideways scrolling, a checkpoint verified by pasting it."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import select

from association.audit.checkpoints import checkpoint_document, latest_checkpoint
from association.demo import seed_demo
from association.demo_parks import SECRETARIAT_EMAIL
from association.extensions import db
from association.parks.models import User
from tests.browser.conftest import sign_in

# Set SCREENSHOTS=/some/folder to keep full-page screenshots of each page and width.
SHOTS = os.environ.get("SCREENSHOTS")


@pytest.fixture
def demo(app, session):
    seed_demo(session)
    return session.scalar(select(User).where(User.email == SECRETARIAT_EMAIL))


# What of the page's own content reaches past the window's right edge (the site's navigation
# bar is the shell's, checked with every page by the shell's own test).
_WIDER_THAN_WINDOW = """
[...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName + '.' + e.className)
"""


def _no_sideways_scroll(page) -> None:
    assert page.evaluate(_WIDER_THAN_WINDOW) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_audit_log_reads_at_every_width(page, live_server, demo, width):
    from association.demo_parks import DEMO_PASSWORD

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, demo, DEMO_PASSWORD)
    page.goto(f"{live_server}/secretariat/audit/")
    assert page.locator(".audit-sentence").count() == 50
    page.locator(".audit-events details summary").first.click()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/audit-{width}.png", full_page=True)
        print(
            page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
        )
    _no_sideways_scroll(page)
    page.goto(f"{live_server}/secretariat/audit/?action=ballot.cast")
    assert "cast a ballot on" in page.locator(".audit-sentence").first.inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_kept_checkpoint_is_verified_on_the_public_page(page, live_server, demo, width):
    document = json.dumps(checkpoint_document(latest_checkpoint(db.session)), indent=2)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/audit/checkpoints")
    _no_sideways_scroll(page)
    page.get_by_label("Paste the checkpoint").fill(document)
    page.get_by_role("button", name="Verify this checkpoint").click()
    page.wait_for_load_state()
    assert "The audit log still contains this checkpoint" in page.content()
    _no_sideways_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/checkpoints-{width}.png", full_page=True)
