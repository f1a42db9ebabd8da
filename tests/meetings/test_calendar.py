"""The .ics files parse with icalendar and hold the right UTC times; the personal feed's secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from association.meetings.agenda import add_agenda_item
from association.meetings.calendar import issue_calendar_token, revoke_calendar_token
from association.meetings.models import MeetingKind
from association.meetings.scheduling import (
    cancel_meeting,
    create_meeting,
    in_zone,
    reschedule_meeting,
)
from tests.factories import login


def _events(body: bytes):
    calendar = Calendar.from_ical(body)
    return [component for component in calendar.walk("VEVENT")]


def _schedule(session, secretariat):
    start = in_zone(datetime(2031, 5, 20, 10, 0), "Asia/Baku")  # 06:00 UTC
    meeting = create_meeting(
        session,
        secretariat,
        kind=MeetingKind.BOARD,
        title="Board of the association",
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
        timezone="Asia/Baku",
        place="Sabah Lab, Baku",
        online_url="https://meet.example/board",
    )
    add_agenda_item(session, secretariat, meeting, title="Budget", presenter="Treasurer")
    return meeting


def test_the_meeting_ics_parses_and_holds_utc_times(client, session, secretariat, delegate):
    meeting = _schedule(session, secretariat)
    login(client, delegate)
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    (event,) = _events(response.data)
    assert event.decoded("dtstart") == datetime(2031, 5, 20, 6, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2031, 5, 20, 8, 30, tzinfo=UTC)
    assert b"DTSTART:20310520T060000Z" in response.data
    assert str(event["uid"]) == f"meeting-{meeting.id}@localhost"
    assert str(event["summary"]) == "Board of the association"
    assert str(event["location"]) == "Sabah Lab, Baku"
    assert str(event["url"]) == f"http://localhost/meetings/{meeting.id}"
    assert "1. Budget (Treasurer)" in str(event["description"])
    assert event.decoded("dtstamp").tzinfo is not None
    assert str(event["status"]) == "CONFIRMED"


def test_a_reschedule_raises_the_sequence_and_keeps_the_uid(client, session, secretariat, delegate):
    meeting = _schedule(session, secretariat)
    uid, sequence = f"meeting-{meeting.id}@localhost", meeting.sequence
    reschedule_meeting(
        session,
        secretariat,
        meeting,
        starts_at=meeting.starts_at + timedelta(days=1),
        ends_at=meeting.ends_at + timedelta(days=1),
    )
    login(client, delegate)
    (event,) = _events(client.get(f"/meetings/{meeting.id}.ics").data)
    assert str(event["uid"]) == uid
    assert int(event["sequence"]) == sequence + 1
    assert event.decoded("dtstart") == datetime(2031, 5, 21, 6, 0, tzinfo=UTC)


def test_a_cancelled_meeting_is_cancelled_in_the_calendar(client, session, secretariat, delegate):
    meeting = _schedule(session, secretariat)
    cancel_meeting(session, secretariat, meeting, "No quorum expected")
    login(client, delegate)
    (event,) = _events(client.get(f"/meetings/{meeting.id}.ics").data)
    assert str(event["status"]) == "CANCELLED"


def test_the_personal_feed_lists_the_meetings_without_signing_in(
    app, session, secretariat, delegate
):
    meeting = _schedule(session, secretariat)
    token = issue_calendar_token(session, delegate)
    response = app.test_client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert [str(e["uid"]) for e in _events(response.data)] == [f"meeting-{meeting.id}@localhost"]


def test_a_wrong_feed_token_is_not_found(client, session, secretariat):
    _schedule(session, secretariat)
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_revoked_feed_token_is_not_found(client, session, delegate):
    token = issue_calendar_token(session, delegate)
    revoke_calendar_token(session, delegate)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_new_feed_token_replaces_the_old_one(client, session, delegate):
    old = issue_calendar_token(session, delegate)
    new = issue_calendar_token(session, delegate)
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_a_deactivated_users_feed_stops(client, session, secretariat, delegate):
    from association.auth.service import set_active

    token = issue_calendar_token(session, delegate)
    set_active(session, secretariat, delegate, False)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_only_the_digest_of_the_feed_token_is_kept(session, delegate):
    from association.meetings.models import CalendarFeedToken

    token = issue_calendar_token(session, delegate)
    stored = session.query(CalendarFeedToken).one()
    assert stored.token_hash != token
    assert len(stored.token_hash) == 64


def test_the_feed_page_shows_the_address_once(client, session, delegate):
    login(client, delegate)
    page = client.post("/meetings/calendar/new").get_data(as_text=True)
    assert "http://localhost/calendar/" in page
    assert "http://localhost/calendar/" not in client.get("/meetings/calendar").get_data(
        as_text=True
    )
    client.post("/meetings/calendar/revoke")
    assert "You have no calendar feed." in client.get("/meetings/calendar").get_data(as_text=True)
