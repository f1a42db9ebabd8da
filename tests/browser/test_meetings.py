"""The whole path in a browser: schedule, agenda, attendance, minutes written, circulated,
approved and published; a member reads the meeting and downloads the PDF."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from association.parks.models import ParkStatus
from tests.browser.conftest import sign_in
from tests.documents.pdf_helpers import plain_text

pytestmark = pytest.mark.browser

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
        page.get_by_label("Title").fill("General Assembly 2031")
        page.get_by_label("Time zone of the meeting").select_option("Asia/Tashkent")
        page.get_by_label("Starts").fill("2031-03-10T10:00")
        page.get_by_label("Ends").fill("2031-03-10T16:00")
        page.get_by_label("Place").fill("IT Park, Tashkent")
        page.get_by_role("button", name="Schedule the meeting").click()
        assert page.get_by_text("The meeting is scheduled and the members are told.").is_visible()
        page.screenshot(path=str(tmp_path / "1-scheduled.png"), full_page=True)

        for title, presenter in [("Budget 2031", "Treasurer"), ("Opening", "Secretary General")]:
            page.get_by_label("Title").fill(title)
            page.get_by_label("Presenter").fill(presenter)
            page.get_by_role("button", name="Save the item").click()
            assert page.get_by_text("The item is added to the agenda.").is_visible()
            page.locator("details summary").click() if title == "Budget 2031" else None
        page.get_by_role("button", name="↑ Up").click()
        items = page.locator("#agenda ol li .fw-semibold").all_inner_texts()
        assert items == ["Opening", "Budget 2031"]
        assert page.get_by_role("button", name="Mark as held").count() == 0  # not before it starts

        traveller.move_to(DURING)
        page.reload()
        page.get_by_role("button", name="Mark as held").click()
        assert page.get_by_text("The meeting is marked as held").is_visible()
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
        assert page.get_by_text("quorate", exact=True).is_visible()

        page.get_by_role("button", name="Write the minutes").click()
        page.get_by_label("Minutes").fill(
            "# General Assembly 2031\n\nThe Assembly discussed the budget."
        )
        page.get_by_label("Decisions").fill("1. The budget for 2031 is adopted.")
        page.get_by_role("button", name="Save the draft").click()
        page.get_by_role("button", name="Circulate to the members").click()
        page.get_by_role("button", name="Approve (secretariat)").click()
        page.get_by_role("button", name="Publish").click()
        assert page.get_by_text("The minutes are published.").is_visible()
        page.screenshot(path=str(tmp_path / "3-manage.png"), full_page=True)
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, live_server, delegate)
        page.get_by_role("link", name="Meetings").first.click()
        page.get_by_role("link", name="General Assembly 2031").click()
        assert page.locator("#attendance").get_by_text("Aigerim Sadykova").is_visible()
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
