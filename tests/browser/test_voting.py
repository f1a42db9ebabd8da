"""A delegate votes, sees the receipt, changes the vote; the secretariat closes; the page shows the outcome."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from association.database import utcnow
from association.voting.initiatives import create_initiative
from association.voting.models import Ballot
from association.voting.votes import open_vote
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# The page's own content never runs wider than the screen (the navigation bar is the shell's).
MAIN_FITS = (
    "document.getElementById('main').scrollWidth <= document.getElementById('main').clientWidth"
)


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
    expect(page.get_by_text(f"Receipt code: {receipt}", exact=True)).to_be_visible()
    assert page.locator(".my-ballot strong").inner_text() == "For"
    page.screenshot(path="/tmp/voting-voted.png", full_page=True)

    page.get_by_label("Against").check()
    page.get_by_role("button", name="Change the vote").click()
    assert page.locator(".my-ballot strong").inner_text() == "Against"
    assert page.locator(".my-ballot .receipt").inner_text() == receipt

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(staff, live_server, secretariat)
    staff.goto(f"{live_server}/initiatives/{initiative_id}")
    staff.get_by_role("link", name="Close voting now and publish the result").click()
    # A page says what closing does, and asks why before it closes anything.
    expect(staff.get_by_text("Turnout so far: 1 of 1 park has voted.")).to_be_visible()
    staff.get_by_role("button", name="Close voting and publish the final result").click()
    expect(staff.get_by_text("please give the reason")).to_be_visible()
    staff.get_by_label("Reason for closing now").fill("Every park has voted.")
    staff.get_by_role("button", name="Close voting and publish the final result").click()
    expect(staff.get_by_text("Voting is closed and the result is published.")).to_be_visible()

    page.reload()
    assert page.locator("#result").inner_text().strip().endswith("Rejected")
    expect(page.get_by_text("Reason: Every park has voted.")).to_be_visible()
    expect(page.get_by_role("cell", name=receipt)).to_be_visible()
    page.screenshot(path="/tmp/voting-result.png", full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_secretariat_closes_early_only_after_confirming_with_a_reason(
    live_server, browser, session, secretariat, delegate, make_park, make_user, width
):
    """The pages of closing early, looked at on a desktop and a phone (screenshots in /tmp)."""
    other = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    draft = create_initiative(session, secretariat, title="Venue of the General Assembly 2027")
    initiative = create_initiative(
        session,
        secretariat,
        title="Joint accelerator programme 2027",
        ballot_kind="options",
        options=["Astana", "Baku", "Tashkent"],
    )
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=3))
    from association.voting.ballots import cast_ballot

    cast_ballot(session, other, initiative, "1")
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    _sign_in(page, live_server, secretariat)

    page.goto(f"{live_server}/initiatives/{draft.id}")
    schedule = page.locator("#schedule-voting")
    opening = page.locator("#open-voting")
    expect(schedule.get_by_label("Voting opens")).to_be_visible()
    expect(schedule.get_by_label("Voting closes")).to_be_visible()
    expect(opening.get_by_label("Voting closes")).to_be_visible()
    expect(opening.get_by_role("button", name="Open voting now")).to_be_visible()
    assert schedule.get_by_role("button", name="Open voting now").count() == 0
    page.screenshot(path=f"/tmp/nu-voting-draft-panel-{width}.png", full_page=True)

    page.goto(f"{live_server}/initiatives/{initiative.id}")
    page.get_by_role("link", name="Close voting now and publish the result").click()
    expect(page.get_by_text("Turnout so far: 1 of 2 parks have voted.")).to_be_visible()
    expect(page.get_by_text("It is final")).to_be_visible()
    page.screenshot(path=f"/tmp/nu-voting-close-confirm-{width}.png", full_page=True)
    page.get_by_label("Reason for closing now").fill("The Board meets tomorrow and needs it.")
    page.get_by_role("button", name="Close voting and publish the final result").click()
    expect(page.get_by_text("Reason: The Board meets tomorrow and needs it.")).to_be_visible()
    assert page.evaluate(MAIN_FITS)
    page.screenshot(path=f"/tmp/nu-voting-closed-early-{width}.png", full_page=True)
    page.context.close()
