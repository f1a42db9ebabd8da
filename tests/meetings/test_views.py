"""The meetings' pages: what members and the secretariat see, and the bad inputs through the forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from association.database import utcnow
from association.meetings.agenda import add_agenda_item
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    publish_minutes,
    start_minutes,
)
from association.meetings.models import Meeting, Minutes, MinutesRead
from association.meetings.scheduling import cancel_meeting, create_meeting, in_zone, mark_held
from tests.factories import login
from tests.meetings.conftest import attend


def _local_form_time(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _new_meeting_form(start, end, **extra) -> dict:
    data = {
        "kind": "general_assembly",
        "title": "General Assembly",
        "timezone": "Asia/Tashkent",
        "starts_at": _local_form_time(start),
        "ends_at": _local_form_time(end),
        "place": "Tashkent",
        "online_url": "",
    }
    data.update(extra)
    return data


def test_the_secretariat_schedules_a_meeting_through_the_form(client, session, secretariat):
    login(client, secretariat)
    start = (utcnow() + timedelta(days=10)).replace(tzinfo=None)
    response = client.post(
        "/secretariat/meetings/new", data=_new_meeting_form(start, start + timedelta(hours=3))
    )
    assert response.status_code == 302
    meeting = session.scalar(select(Meeting))
    assert meeting.timezone == "Asia/Tashkent"
    assert meeting.starts_at == in_zone(start.replace(second=0, microsecond=0), "Asia/Tashkent")


def test_an_end_before_the_start_shows_the_message_and_creates_nothing(
    client, session, secretariat
):
    login(client, secretariat)
    start = (utcnow() + timedelta(days=10)).replace(tzinfo=None)
    page = client.post(
        "/secretariat/meetings/new", data=_new_meeting_form(start, start - timedelta(hours=1))
    )
    assert page.status_code == 200
    assert "The meeting must end after it starts." in page.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_new_meeting_in_the_past_shows_the_message_and_creates_nothing(
    client, session, secretariat
):
    login(client, secretariat)
    start = (utcnow() - timedelta(days=2)).replace(tzinfo=None)
    page = client.post(
        "/secretariat/meetings/new", data=_new_meeting_form(start, start + timedelta(hours=1))
    )
    assert "A new meeting cannot start in the past." in page.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_member_sees_the_meeting_in_their_zone_with_the_zone_named(
    client, session, make_meeting, delegate
):
    meeting = make_meeting("Board", timezone="Asia/Tashkent")
    delegate.timezone = "Europe/Istanbul"
    session.commit()
    login(client, delegate)
    listing = client.get("/meetings").get_data(as_text=True)
    assert "Board" in listing
    assert "(Europe/Istanbul)" in listing
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "(Europe/Istanbul)" in page
    assert "(Asia/Tashkent)" in page


def test_cancelled_meetings_are_marked_in_the_list(
    client, session, secretariat, make_meeting, delegate
):
    meeting = make_meeting("Board")
    cancel_meeting(session, secretariat, meeting, "No venue")
    login(client, delegate)
    assert "cancelled" in client.get("/meetings").get_data(as_text=True)
    assert "No venue" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_meetings_need_signing_in(client, make_meeting):
    meeting = make_meeting()
    assert "/login" in client.get("/meetings").headers["Location"]
    assert "/login" in client.get(f"/meetings/{meeting.id}.ics").headers["Location"]


def test_members_cannot_reach_the_secretariats_pages(client, make_meeting, delegate):
    meeting = make_meeting()
    login(client, delegate)
    assert client.get(f"/secretariat/meetings/{meeting.id}").status_code == 403
    assert (
        client.post(f"/secretariat/meetings/{meeting.id}/cancel", data={"reason": "x"}).status_code
        == 403
    )


def test_nav_and_secretariat_links_name_meetings(client, secretariat, delegate):
    login(client, delegate)
    assert 'href="/meetings"' in client.get("/dashboard").get_data(as_text=True)


def test_moving_an_agenda_item_after_the_meeting_is_held_is_refused_with_a_message(
    client, session, secretariat, make_meeting
):
    meeting = make_meeting(past=True)
    first = add_agenda_item(session, None, meeting, title="Opening")
    add_agenda_item(session, None, meeting, title="Budget")
    mark_held(session, secretariat, meeting)
    login(client, secretariat)
    page = client.get(f"/secretariat/meetings/{meeting.id}").get_data(as_text=True)
    assert "/down" not in page  # no button that would only be refused
    response = client.post(f"/secretariat/meetings/{meeting.id}/agenda/{first.id}/down")
    assert response.status_code == 409
    assert "its agenda can no longer change" in response.get_data(as_text=True)
    session.expire_all()
    assert [i.title for i in session.get(Meeting, meeting.id).agenda] == ["Opening", "Budget"]


def test_the_attendance_form_lists_every_member_and_observer_and_shows_the_quorum(
    client, session, secretariat, make_meeting, founders, make_park
):
    from association.parks.models import ParkStatus

    make_park("Suspended Park", status=ParkStatus.SUSPENDED)
    meeting = make_meeting(held=True)
    login(client, secretariat)
    page = client.get(f"/secretariat/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "Technopark of Turkmenistan" in page
    assert "Suspended Park" not in page
    data = {}
    for i, park in enumerate(founders):
        data[f"rows-{i}-park_id"] = str(park.id)
        data[f"rows-{i}-status"] = "present" if i < 3 else "absent"
        data[f"rows-{i}-represented_by"] = f"Head of {park.name_latin}" if i < 3 else ""
    assert (
        client.post(f"/secretariat/meetings/{meeting.id}/attendance", data=data).status_code == 302
    )
    session.expire_all()
    attendance = session.get(Meeting, meeting.id).attendances
    linked = [a for a in attendance if a.represented_by_user is not None]
    assert len(linked) == 3  # the typed names are the parks' users
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "quorate" in detail
    assert "3 of 4 member parks present" in detail


def test_attendance_for_a_park_that_is_not_a_member_is_refused_through_the_form(
    client, session, secretariat, make_meeting, make_park, founders
):
    from association.parks.models import ParkStatus

    suspended = make_park("Suspended Park", status=ParkStatus.SUSPENDED)
    meeting = make_meeting(held=True)
    login(client, secretariat)
    data = {
        "rows-0-park_id": str(founders[0].id),
        "rows-0-status": "present",
        "rows-1-park_id": str(suspended.id),
        "rows-1-status": "present",
    }
    page = client.post(f"/secretariat/meetings/{meeting.id}/attendance", data=data).get_data(
        as_text=True
    )
    assert (
        "Suspended Park is suspended: attendance is recorded for member and observer parks only."
        in page
    )
    session.expire_all()
    assert session.get(Meeting, meeting.id).attendances == []


@pytest.fixture
def minutes_circulated(session, secretariat, make_meeting, founders):
    meeting = make_meeting(held=True)
    attend(session, secretariat, meeting, founders, present=3)
    minutes = start_minutes(
        session, secretariat, meeting, body="# Minutes\n\nDiscussed.", decisions="1. Adopted."
    )
    return circulate_minutes(session, secretariat, minutes)


def test_members_do_not_see_drafts(client, session, secretariat, make_meeting, delegate):
    meeting = make_meeting(held=True)
    start_minutes(session, secretariat, meeting, body="Secret draft")
    login(client, delegate)
    assert client.get(f"/meetings/{meeting.id}/minutes/1").status_code == 403
    assert "Secret draft" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_a_member_reads_circulated_minutes_comments_and_the_dashboard_stops_asking(
    client, session, delegate, minutes_circulated
):
    meeting_id = minutes_circulated.meeting_id
    login(client, delegate)
    assert "Minutes for your reading" in client.get("/dashboard").get_data(as_text=True)
    page = client.get(f"/meetings/{meeting_id}/minutes/1").get_data(as_text=True)
    assert "Discussed." in page
    assert "Your comment" in page
    assert session.scalar(select(func.count()).select_from(MinutesRead)) == 1
    assert "Minutes for your reading" not in client.get("/dashboard").get_data(as_text=True)
    client.post(f"/meetings/{meeting_id}/minutes/1/comments", data={"text": "<b>Item 2</b>: fine"})
    page = client.get(f"/meetings/{meeting_id}/minutes/1").get_data(as_text=True)
    assert "&lt;b&gt;Item 2&lt;/b&gt;: fine" in page


def test_editing_published_minutes_is_refused_through_the_form(
    client, session, secretariat, minutes_circulated
):
    approve_minutes(session, secretariat, minutes_circulated)
    publish_minutes(session, secretariat, minutes_circulated)
    login(client, secretariat)
    response = client.post(
        f"/secretariat/minutes/{minutes_circulated.id}/edit",
        data={"body": "Rewritten", "decisions": ""},
    )
    assert "Published minutes are read-only" in client.get(
        response.headers.get("Location", "/")
    ).get_data(as_text=True) or "Published minutes are read-only" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Minutes, minutes_circulated.id).body_markdown == "# Minutes\n\nDiscussed."


def test_unsafe_markdown_is_removed_and_the_secretariat_is_told(
    client, session, secretariat, make_meeting
):
    meeting = make_meeting(held=True)
    minutes = start_minutes(session, secretariat, meeting)
    login(client, secretariat)
    body = "Text <script>alert(1)</script><iframe src=x></iframe><img src=x onerror=alert(1)> [x](javascript:alert(1))"
    client.post(f"/secretariat/minutes/{minutes.id}/edit", data={"body": body, "decisions": ""})
    page = client.get(f"/secretariat/meetings/{meeting.id}").get_data(as_text=True)
    assert "Unsafe markup" in page
    session.expire_all()
    stored = session.get(Minutes, minutes.id).body_markdown.lower()
    assert all(bad not in stored for bad in ("<script", "<iframe", "onerror", "javascript:"))
    shown = client.get(f"/meetings/{meeting.id}/minutes/1").get_data(as_text=True).lower()
    assert all(bad not in shown for bad in ("<script>alert", "<iframe", "onerror", "javascript:"))


def test_the_secretariat_pages_render_through_the_whole_life(
    client, session, secretariat, minutes_circulated
):
    login(client, secretariat)
    meeting_id = minutes_circulated.meeting_id
    for path in (
        "/secretariat/meetings",
        f"/secretariat/meetings/{meeting_id}",
        f"/meetings/{meeting_id}",
        f"/secretariat/meetings/{meeting_id}/attendance",
        "/meetings",
        "/dashboard",
    ):
        assert client.get(path).status_code == 200, path
    assert client.post(f"/secretariat/minutes/{minutes_circulated.id}/approve").status_code == 302
    assert client.post(f"/secretariat/minutes/{minutes_circulated.id}/publish").status_code == 302
    session.expire_all()
    assert session.get(Minutes, minutes_circulated.id).status == "published"
    correct = client.post(f"/secretariat/minutes/{minutes_circulated.id}/correct")
    assert correct.status_code == 302
    assert "/edit" in correct.headers["Location"]
    assert client.get(correct.headers["Location"]).status_code == 200


def test_the_meetings_own_local_time_is_shown_beside_the_viewers(
    client, session, secretariat, delegate
):
    from datetime import datetime

    from association.meetings.models import MeetingKind

    start = in_zone(datetime(2031, 5, 20, 10, 0), "Asia/Baku")
    meeting = create_meeting(
        session,
        secretariat,
        kind=MeetingKind.BOARD,
        title="Board",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Asia/Baku",
        place="Baku",
    )
    delegate.timezone = "Europe/Istanbul"
    session.commit()
    login(client, delegate)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "09:00 (Europe/Istanbul)" in page
    assert "10:00 (Asia/Baku)" in page


def test_the_dashboard_shows_upcoming_meetings_within_thirty_days(
    client, session, make_meeting, delegate
):
    make_meeting("Board next week")
    make_meeting(
        "Assembly in two months",
        starts_at=utcnow() + timedelta(days=60),
        ends_at=utcnow() + timedelta(days=60, hours=2),
    )
    login(client, delegate)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Meeting: Board next week" in page
    assert "Assembly in two months" not in page


def test_the_secretariats_dashboard_asks_for_the_next_step_of_the_minutes(
    client, session, secretariat, make_meeting
):
    meeting = make_meeting("Board", held=True)
    login(client, secretariat)
    assert "Minutes to write: Board" in client.get("/dashboard").get_data(as_text=True)
    minutes = start_minutes(session, secretariat, meeting, body="Text")
    circulate_minutes(session, secretariat, minutes)
    assert "Minutes to approve: Board" in client.get("/dashboard").get_data(as_text=True)


def test_there_is_no_pdf_before_publication(client, session, delegate, minutes_circulated):
    login(client, delegate)
    assert client.get(f"/meetings/{minutes_circulated.meeting_id}/minutes.pdf").status_code == 404
    assert "Download the minutes" not in client.get(
        f"/meetings/{minutes_circulated.meeting_id}"
    ).get_data(as_text=True)


def test_the_secretariat_records_a_past_meeting_and_members_see_it_was_recorded_afterwards(
    client, session, secretariat, delegate
):
    login(client, secretariat)
    assert "Record a past meeting" in client.get("/secretariat/meetings").get_data(as_text=True)
    start = (utcnow() - timedelta(days=20)).replace(tzinfo=None)
    response = client.post(
        "/secretariat/meetings/record",
        data=_new_meeting_form(start, start + timedelta(hours=2), agenda="Opening\nBudget"),
    )
    assert response.status_code == 302
    meeting = session.scalar(select(Meeting))
    assert meeting.status == "held"
    manage = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Record the attendance and write the minutes" in manage
    assert f"Recorded afterwards by {secretariat.full_name}" in manage
    client.post(f"/secretariat/meetings/{meeting.id}/minutes")
    session.expire_all()
    assert session.scalar(select(Minutes)).body_markdown == "## 1. Opening\n\n## 2. Budget"
    login(client, delegate)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"Recorded afterwards by {secretariat.full_name}" in page


def test_recording_a_future_meeting_as_past_shows_the_message_and_creates_nothing(
    client, session, secretariat
):
    login(client, secretariat)
    start = (utcnow() + timedelta(days=2)).replace(tzinfo=None)
    page = client.post(
        "/secretariat/meetings/record", data=_new_meeting_form(start, start + timedelta(hours=1))
    ).get_data(as_text=True)
    assert "has not started yet: schedule it instead" in page
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_the_schedule_form_offers_recording_a_past_meeting(client, secretariat):
    login(client, secretariat)
    page = client.get("/secretariat/meetings/new").get_data(as_text=True)
    assert 'href="/secretariat/meetings/record"' in page


def test_add_an_item_stays_open_after_adding_one(client, session, secretariat, make_meeting):
    meeting = make_meeting()
    add_agenda_item(session, secretariat, meeting, title="Opening")
    login(client, secretariat)
    closed = client.get(f"/secretariat/meetings/{meeting.id}").get_data(as_text=True)
    assert '<details class="card card-body mb-3" id="add-item">' in closed
    response = client.post(
        f"/secretariat/meetings/{meeting.id}/agenda", data={"title": "Budget", "link": ""}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?adding=1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<details class="card card-body mb-3" id="add-item" open>' in page
    assert "autofocus" in page


def test_a_refused_agenda_item_keeps_the_form_open_with_the_message_beside_the_field(
    client, session, secretariat, make_meeting
):
    meeting = make_meeting()
    add_agenda_item(session, secretariat, meeting, title="Opening")
    login(client, secretariat)
    response = client.post(
        f"/secretariat/meetings/{meeting.id}/agenda", data={"title": "", "link": ""}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="add-item" open' in page
    assert "is-invalid" in page
    assert [item.title for item in session.get(Meeting, meeting.id).agenda] == ["Opening"]


def test_every_agenda_row_has_four_button_slots(client, session, secretariat, make_meeting):
    meeting = make_meeting()
    for title in ("Opening", "Budget", "Any other business"):
        add_agenda_item(session, secretariat, meeting, title=title)
    login(client, secretariat)
    page = client.get(f"/secretariat/meetings/{meeting.id}").get_data(as_text=True)
    rows = page.split('<div class="agenda-actions"')[1:]
    assert len(rows) == 3
    for row in rows:
        actions = row[: row.index("</li>")]
        assert (
            actions.count("<button")
            + actions.count('class="agenda-slot"')
            + actions.count('class="btn btn-outline-secondary btn-sm" href')
            == 4
        )
