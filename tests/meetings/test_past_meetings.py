"""A meeting that already took place, recorded afterwards by the secretariat; and minutes that
start from the agenda's headings."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.database import utcnow
from association.domain import Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.meetings.agenda import add_agenda_item
from association.meetings.minutes import (
    agenda_outline,
    circulate_minutes,
    edit_minutes,
    has_text,
    start_minutes,
)
from association.meetings.models import Meeting, MeetingKind, MeetingStatus
from association.meetings.scheduling import create_meeting, mark_held, record_past_meeting
from tests.meetings.conftest import attend


def _past(**fields):
    start = utcnow().replace(microsecond=0) - timedelta(days=30)
    values = {
        "kind": MeetingKind.BOARD,
        "title": "Board meeting in Baku",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "timezone": "Asia/Baku",
        "place": "Sabah Lab, Baku",
        "agenda": ["Opening", "", "  Budget 2027  "],
    }
    values.update(fields)
    return values


def test_a_past_meeting_is_recorded_as_held_and_marked_recorded_afterwards_by_whom(
    session, secretariat
):
    meeting = record_past_meeting(session, secretariat, **_past())
    assert meeting.status == MeetingStatus.HELD
    assert meeting.recorded_afterwards_at is not None
    assert meeting.created_by == secretariat
    assert [item.title for item in meeting.agenda] == ["Opening", "Budget 2027"]
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "meeting.recorded_afterwards")
    )
    assert event.actor_id == secretariat.id
    assert json.loads(event.details)["agenda"] == ["Opening", "Budget 2027"]


def test_recording_a_past_meeting_emails_nobody(session, secretariat, delegate):
    record_past_meeting(session, secretariat, **_past())
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_recording_a_meeting_that_has_not_started_is_refused(session, secretariat):
    start = utcnow() + timedelta(hours=1)
    with pytest.raises(Invalid, match="has not started yet: schedule it"):
        record_past_meeting(
            session, secretariat, **_past(starts_at=start, ends_at=start + timedelta(hours=1))
        )
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_past_meeting_that_ends_before_it_starts_is_refused(session, secretariat):
    values = _past()
    values["ends_at"] = values["starts_at"] - timedelta(minutes=1)
    with pytest.raises(Invalid, match="must end after it starts"):
        record_past_meeting(session, secretariat, **values)


def test_an_agenda_of_more_than_50_items_is_refused(session, secretariat):
    with pytest.raises(Invalid, match="at most 50 items"):
        record_past_meeting(session, secretariat, **_past(agenda=[f"Item {n}" for n in range(51)]))
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


@pytest.mark.parametrize("who", ["delegate", "nobody"])
def test_only_the_secretariat_records_a_past_meeting(session, delegate, who):
    with pytest.raises(NotAllowed):
        record_past_meeting(session, delegate if who == "delegate" else None, **_past())
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_recorded_past_meeting_takes_attendance_and_minutes(session, secretariat, founders):
    meeting = record_past_meeting(session, secretariat, **_past())
    attend(session, secretariat, meeting, founders, present=3)
    minutes = start_minutes(session, secretariat, meeting)
    assert minutes.body_markdown.startswith("## 1. Opening")
    edit_minutes(
        session,
        secretariat,
        minutes,
        body=minutes.body_markdown + "\n\nThe chair opened the meeting.",
        decisions="",
    )
    circulate_minutes(session, secretariat, minutes)
    assert meeting.attendance_recorded_at is not None


def test_scheduling_a_meeting_in_the_past_points_to_recording_it(session, secretariat):
    start = utcnow() - timedelta(days=1)
    with pytest.raises(Invalid, match="record a past meeting"):
        create_meeting(
            session,
            secretariat,
            kind=MeetingKind.BOARD,
            title="Board",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="Baku",
        )


# --- minutes from the agenda -------------------------------------------------------------


def test_new_minutes_start_from_the_agendas_headings(session, secretariat, make_meeting):
    meeting = make_meeting(past=True)
    add_agenda_item(session, secretariat, meeting, title="Opening")
    add_agenda_item(session, secretariat, meeting, title="Budget 2027", presenter="Treasurer")
    mark_held(session, secretariat, meeting)
    minutes = start_minutes(session, secretariat, meeting)
    assert minutes.body_markdown == "## 1. Opening\n\n## 2. Budget 2027\n\n_Treasurer_"
    assert agenda_outline(meeting) == minutes.body_markdown


def test_minutes_given_a_text_keep_it_instead_of_the_headings(session, secretariat, make_meeting):
    meeting = make_meeting(past=True)
    add_agenda_item(session, secretariat, meeting, title="Opening")
    mark_held(session, secretariat, meeting)
    assert start_minutes(session, secretariat, meeting, body="Text").body_markdown == "Text"


def test_minutes_that_are_only_the_agendas_headings_are_not_circulated(
    session, secretariat, make_meeting
):
    meeting = make_meeting(past=True)
    add_agenda_item(session, secretariat, meeting, title="Opening")
    mark_held(session, secretariat, meeting)
    minutes = start_minutes(session, secretariat, meeting)
    assert not has_text(minutes)
    with pytest.raises(Invalid, match="only the agenda's headings"):
        circulate_minutes(session, secretariat, minutes)
    assert minutes.status == "draft"
