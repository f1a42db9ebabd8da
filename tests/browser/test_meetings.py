"""The whole path in a browser: schedule, agenda, attendance, minutes written, circulated,
approved and published; a member reads the meeting and downloads the PDF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from association.parks.models import ParkStatus
from tests.browser.conftest import sign_in
from tests.documents.pdf_helpers import plain_text

pytestmark = pytest.mark.browser

# The page's own content never runs wider than the screen (the navigation bar is the shell's).
MAIN_FITS = (
    "document.getElementById('main').scrollWidth <= document.getElementById('main').clientWidth"
)

BEFORE = datetime(2031, 3, 2, 9, 0, tzinfo=UTC)
DURING = datetime(
    2031, 3, 10, 6, 0, tzinfo=UTC
)  # the meeting starts at 10:00 in Tashkent, 05:00 UTC


def test_the_secretariat_runs_a_meeting_and_a_member_downloads_the_minutes(
    live_server, page, session, secretariat, delegate, make_park, make_user, tmp_path
):
    parks = [delegate.park]
    for name, country in [("Sabah Lab", "AZ"), ("IT Park Uzbekistan", "UZ")]:
        park = make_park(name, country=country)
        make_user(park=park, delegate=True, full_name=f"Head of {name}")
        parks.append(park)
    make_park("Technopark of Turkmenistan", country="TM", status=ParkStatus.OBSERVER)

    with time_machine.travel(BEFORE, tick=True) as traveller:
        sign_in(page, live_server, secretariat)
        page.goto(f"{live_server}/secretariat/meetings")
        page.get_by_role("link", name="Schedule a meeting").click()
        page.get_by_label("Kind").select_option("general_assembly")
        page.locator("#title").fill("General Assembly 2031")
        page.get_by_label("Time zone of the meeting").select_option("Asia/Tashkent")
        page.get_by_label("Starts").fill("2031-03-10T10:00")
        page.get_by_label("Ends").fill("2031-03-10T16:00")
        page.get_by_label("Place").fill("IT Park, Tashkent")
        page.get_by_role("button", name="Schedule the meeting").click()
        expect(
            page.get_by_text("The meeting is scheduled and the members are told.")
        ).to_be_visible()
        page.screenshot(path=str(tmp_path / "1-scheduled.png"), full_page=True)

        for title, presenter in [("Budget 2031", "Treasurer"), ("Opening", "Secretary General")]:
            page.locator("#title").fill(title)
            page.get_by_label("Presenter").fill(presenter)
            page.get_by_role("button", name="Save the item").click()
            expect(page.get_by_text("The item is added to the agenda.")).to_be_visible()
            # The form stays open for the next item, its title field ready to type in.
            assert page.locator("details#add-item").get_attribute("open") is not None
            assert page.locator("#title").evaluate("el => el === document.activeElement")
        page.get_by_role("button", name="↑ Up").click()
        items = page.locator("#agenda ol li .fw-semibold").all_inner_texts()
        assert items == ["Opening", "Budget 2031"]
        assert page.get_by_role("button", name="Mark as held").count() == 0  # not before it starts

        meeting_page = page.url
        traveller.move_to(DURING)
        # Days later the staff session has long ended (STAFF_IDLE_TIMEOUT): sign in again.
        sign_in(page, live_server, secretariat)
        page.goto(meeting_page)
        page.get_by_role("button", name="Mark as held").click()
        expect(page.get_by_text("The meeting is marked as held")).to_be_visible()
        assert page.get_by_role("button", name="↑ Up").count() == 0  # the agenda is fixed

        page.locator("#attendance").get_by_role("link", name="Record").click()
        rows = page.locator("table.attendance-form tbody tr")
        assert rows.count() == 4  # three members and the observer
        for i in range(2):  # two of three members present: quorate
            rows.nth(i).get_by_text("present", exact=True).click()
        rows.nth(2).get_by_text("excused", exact=True).click()
        rows.nth(0).locator("input[type=text]").fill("Aigerim Sadykova")
        page.screenshot(path=str(tmp_path / "2-attendance.png"), full_page=True)
        page.get_by_role("button", name="Save the attendance").click()
        expect(page.get_by_text("quorate", exact=True)).to_be_visible()

        page.get_by_role("button", name="Write the minutes").click()
        page.get_by_label("Minutes").fill(
            "# General Assembly 2031\n\nThe Assembly discussed the budget."
        )
        page.get_by_label("Decisions").fill("1. The budget for 2031 is adopted.")
        page.get_by_role("button", name="Save the draft").click()
        page.get_by_role("button", name="Circulate to the members").click()
        page.get_by_role("button", name="Approve (secretariat)").click()
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_text("The minutes are published.")).to_be_visible()
        page.screenshot(path=str(tmp_path / "3-manage.png"), full_page=True)
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, live_server, delegate)
        page.get_by_role("link", name="Meetings").first.click()
        page.get_by_role("link", name="General Assembly 2031").click()
        expect(page.locator("#attendance").get_by_text("Aigerim Sadykova")).to_be_visible()
        page.screenshot(path=str(tmp_path / "4-member-view.png"), full_page=True)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the minutes (PDF)").click()
        pdf = download_info.value.path().read_bytes()
        assert pdf.startswith(b"%PDF")
        (tmp_path / "minutes.pdf").write_bytes(pdf)
        text = plain_text(pdf, tmp_path)
        assert "Astana Hub" in text
        assert "Aigerim Sadykova" in text
        assert "excused" in text
        assert "The budget for 2031 is adopted." in text


@pytest.mark.parametrize("width", [1280, 390])
def test_the_secretariat_records_a_past_meeting_with_attendance_and_minutes(
    live_server, browser, session, secretariat, delegate, width
):
    """Recorded afterwards, then attendance and minutes from its agenda; looked at on a desktop
    and a phone (screenshots in /tmp)."""
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, secretariat)
    page.goto(f"{live_server}/secretariat/meetings")
    page.get_by_role("link", name="Record a past meeting").click()
    page.get_by_label("Kind").select_option("board")
    page.locator("#title").fill("Board meeting in Baku")
    page.get_by_label("Time zone of the meeting").select_option("Asia/Baku")
    page.get_by_label("Starts").fill("2026-09-29T10:00")
    page.get_by_label("Ends").fill("2026-09-29T12:00")
    page.get_by_label("Place").fill("Sabah Lab, Baku")
    page.get_by_label("Agenda").fill("Opening\nBudget 2027\nAny other business")
    page.screenshot(path=f"/tmp/nu-voting-record-past-form-{width}.png", full_page=True)
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("Recorded afterwards by Saule Omarova")).to_be_visible()
    page.screenshot(path=f"/tmp/nu-voting-recorded-{width}.png", full_page=True)

    page.locator("#attendance").get_by_role("link", name="Record").click()
    page.locator("table.attendance-form tbody tr").nth(0).get_by_text("present", exact=True).click()
    page.get_by_role("button", name="Save the attendance").click()
    page.get_by_role("button", name="Write the minutes").click()
    minutes = page.get_by_label("Minutes")
    assert minutes.input_value().startswith("## 1. Opening\n\n## 2. Budget 2027")
    page.screenshot(path=f"/tmp/nu-voting-minutes-editor-{width}.png", full_page=True)
    assert page.evaluate(MAIN_FITS)
    page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_agenda_buttons_line_up_row_under_row(
    live_server, browser, session, secretariat, width
):
    from association.database import utcnow
    from association.meetings.agenda import add_agenda_item
    from association.meetings.scheduling import create_meeting

    start = utcnow() + timedelta(days=20)
    meeting = create_meeting(
        session,
        secretariat,
        kind="general_assembly",
        title="General Assembly 2027",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="IT Park, Tashkent",
    )
    for title, presenter in [
        ("Opening", "Secretary General"),
        ("Budget 2027 and the contributions of the member parks", "Treasurer"),
        ("Any other business", ""),
    ]:
        add_agenda_item(session, secretariat, meeting, title=title, presenter=presenter)
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, secretariat)
    page.goto(f"{live_server}/secretariat/meetings/{meeting.id}")
    rows = page.locator(".agenda-actions")
    edits = [row.get_by_role("link", name="Edit").bounding_box() for row in rows.all()]
    removes = [row.get_by_role("button", name="Remove").bounding_box() for row in rows.all()]
    assert len(edits) == 3

    # Every row's Edit and Remove sit in the same column, at the same width, on one line
    # (within two pixels: boxes fall on fractions of a pixel as the fonts' widths add up).
    def lined_up(values):
        return max(values) - min(values) <= 2

    assert lined_up([box["x"] for box in edits])
    assert lined_up([box["width"] for box in edits])
    assert lined_up([box["x"] for box in removes])
    for edit, remove in zip(edits, removes, strict=True):
        assert lined_up([edit["y"], remove["y"]])
    assert page.evaluate(MAIN_FITS)
    page.locator("#agenda").screenshot(path=f"/tmp/nu-voting-agenda-{width}.png")
    page.context.close()
