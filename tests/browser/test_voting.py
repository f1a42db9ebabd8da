"""A delegate votes, sees the receipt, changes the vote; the secretariat closes; the page shows the outcome."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from association.database import utcnow
from association.voting.initiatives import create_initiative
from association.voting.models import Ballot
from association.voting.votes import open_vote
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user):
    sign_in(page, live_server, user)
    page.wait_for_url(f"{live_server}/dashboard")


def test_a_delegate_votes_changes_the_vote_and_sees_the_result(
    live_server, browser, page, session, secretariat, delegate, tmp_path
):
    initiative = create_initiative(
        session,
        secretariat,
        title="Joint accelerator programme 2027",
        summary="Three cohorts in 2027.",
        body_markdown="## Cohorts\n\n- Spring\n- Autumn",
    )
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=3))
    initiative_id = initiative.id

    _sign_in(page, live_server, delegate)
    page.get_by_role("link", name="Vote").first.click()
    page.get_by_label("For").check()
    page.get_by_role("button", name="Vote").click()
    receipt = session.scalar(select(Ballot.receipt_code))
    assert page.get_by_text(f"Receipt code: {receipt}", exact=True).is_visible()
    assert page.locator(".my-ballot strong").inner_text() == "For"
    page.screenshot(path="/tmp/voting-voted.png", full_page=True)

    page.get_by_label("Against").check()
    page.get_by_role("button", name="Change the vote").click()
    assert page.locator(".my-ballot strong").inner_text() == "Against"
    assert page.locator(".my-ballot .receipt").inner_text() == receipt

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(staff, live_server, secretariat)
    staff.goto(f"{live_server}/initiatives/{initiative_id}")
    staff.get_by_role("button", name="Close voting now and publish the result").click()
    assert staff.get_by_text("Voting is closed and the result is published.").is_visible()

    page.reload()
    assert page.locator("#result").inner_text().strip().endswith("Rejected")
    assert page.get_by_role("cell", name=receipt).is_visible()
    page.screenshot(path="/tmp/voting-result.png", full_page=True)
