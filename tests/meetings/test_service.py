"""The meetings' rules: scheduling, agenda, attendance and quorum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.meetings.agenda import (
    add_agenda_item,
    move_agenda_item,
    remove_agenda_item,
    update_agenda_item,
)
from association.meetings.attendance import AttendanceEntry, quorum, record_attendance
from association.meetings.models import AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from association.meetings.scheduling import (
    cancel_meeting,
    create_meeting,
    in_zone,
    mark_held,
    reschedule_meeting,
)
from association.parks.models import ParkStatus
from tests.meetings.conftest import attend


def _outbox(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_scheduling_a_meeting_stores_utc_and_tells_the_members_in_their_zone(
    session, secretariat, delegate, member
):
    delegate.timezone = "Europe/Istanbul"
    session.commit()
    start = datetime(2031, 3, 10, 10, 0)  # wall clock in Tashkent (UTC+5)
    meeting = create_meeting(
        session,
        secretariat,
        kind=MeetingKind.BOARD,
        title="Board",
        timezone="Asia/Tashkent",
        starts_at=in_zone(start, "Asia/Tashkent"),
        ends_at=in_zone(start + timedelta(hours=2), "Asia/Tashkent"),
        place="Tashkent",
    )
    assert meeting.starts_at == datetime(2031, 3, 10, 5, 0, tzinfo=UTC)
    assert meeting.status == MeetingStatus.SCHEDULED
    assert meeting.sequence == 0
    mails = {m.recipient: m.body for m in _outbox(session)}
    assert set(mails) == {delegate.email, member.email}
    assert "Starts: 10 March 2031, 08:00 (Europe/Istanbul)" in mails[delegate.email]


def test_the_meeting_zone_defaults_to_the_organisers(session, secretariat):
    start = utcnow() + timedelta(days=3)
    meeting = create_meeting(
        session,
        secretariat,
        kind=MeetingKind.BOARD,
        title="Board",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Baku",
    )
    assert meeting.timezone == secretariat.timezone


def test_an_end_before_the_start_is_refused(session, secretariat):
    start = utcnow() + timedelta(days=3)
    with pytest.raises(Invalid, match="must end after it starts"):
        create_meeting(
            session,
            secretariat,
            kind=MeetingKind.BOARD,
            title="Board",
            starts_at=start,
            ends_at=start - timedelta(hours=1),
            place="Baku",
        )
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_new_meeting_in_the_past_is_refused(session, secretariat):
    start = utcnow() - timedelta(hours=1)
    with pytest.raises(Invalid, match="cannot start in the past"):
        create_meeting(
            session,
            secretariat,
            kind=MeetingKind.BOARD,
            title="Board",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Baku",
        )
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_past_meeting_is_recorded_from_the_command_line_only(session, secretariat):
    start = utcnow() - timedelta(days=400)
    with pytest.raises(NotAllowed):
        create_meeting(
            session,
            secretariat,
            kind=MeetingKind.BOARD,
            title="Board",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Baku",
            historical=True,
        )
    meeting = create_meeting(
        session,
        None,
        kind=MeetingKind.BOARD,
        title="Board",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Baku",
        historical=True,
        timezone="Asia/Baku",
    )
    assert meeting.id is not None
    assert _outbox(session) == []


def test_an_online_link_must_be_http(session, secretariat):
    start = utcnow() + timedelta(days=3)
    with pytest.raises(Invalid, match="http"):
        create_meeting(
            session,
            secretariat,
            kind=MeetingKind.BOARD,
            title="Board",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            online_url="javascript:alert(1)",
        )


def test_a_member_cannot_schedule(session, delegate):
    start = utcnow() + timedelta(days=3)
    with pytest.raises(NotAllowed):
        create_meeting(
            session,
            delegate,
            kind=MeetingKind.BOARD,
            title="Board",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Baku",
        )


def test_rescheduling_raises_the_sequence_and_emails_every_participant(
    session, secretariat, make_meeting, founders
):
    meeting = make_meeting()
    before = len(_outbox(session))
    new_start = meeting.starts_at + timedelta(days=1)
    reschedule_meeting(
        session,
        secretariat,
        meeting,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
        reason="The venue is not free",
    )
    assert meeting.sequence == 1
    sent = _outbox(session)[before:]
    assert len(sent) == 5  # one active user in each of the four members and the observer
    assert all("rescheduled" in m.subject for m in sent)
    assert "The venue is not free" in sent[0].body


def test_rescheduling_into_the_past_is_refused(session, secretariat, make_meeting):
    meeting = make_meeting()
    past = utcnow() - timedelta(days=1)
    with pytest.raises(Invalid, match="past"):
        reschedule_meeting(
            session, secretariat, meeting, starts_at=past, ends_at=past + timedelta(hours=1)
        )
    assert meeting.sequence == 0


def test_cancelling_needs_a_reason_and_emails_the_members(
    session, secretariat, make_meeting, delegate
):
    meeting = make_meeting()
    with pytest.raises(Invalid):
        cancel_meeting(session, secretariat, meeting, "  ")
    cancel_meeting(session, secretariat, meeting, "The host cannot receive us")
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.sequence == 1
    assert _outbox(session)[-1].subject.startswith("Meeting cancelled")
    with pytest.raises(Conflict):
        cancel_meeting(session, secretariat, meeting, "again")


def test_a_meeting_cannot_be_held_before_it_starts(session, secretariat, make_meeting):
    meeting = make_meeting()
    with pytest.raises(Conflict, match="not started"):
        mark_held(session, secretariat, meeting)
    with time_machine.travel(meeting.starts_at + timedelta(minutes=5)):
        mark_held(session, secretariat, meeting)
    assert meeting.status == MeetingStatus.HELD


# --- agenda -----------------------------------------------------------------------------


def test_agenda_items_are_added_moved_and_removed_in_order(session, secretariat, make_meeting):
    meeting = make_meeting()
    first, second, third = (
        add_agenda_item(session, secretariat, meeting, title=t) for t in ("A", "B", "C")
    )
    move_agenda_item(session, secretariat, third, -1)
    assert [i.title for i in meeting.agenda] == ["A", "C", "B"]
    remove_agenda_item(session, secretariat, first)
    session.expire_all()
    assert [(i.position, i.title) for i in meeting.agenda] == [(1, "C"), (2, "B")]


def test_moving_the_first_item_up_is_refused(session, secretariat, make_meeting):
    meeting = make_meeting()
    item = add_agenda_item(session, secretariat, meeting, title="A")
    with pytest.raises(Conflict, match="top"):
        move_agenda_item(session, secretariat, item, -1)


def test_an_agenda_item_moved_after_the_meeting_is_held_is_refused(
    session, secretariat, make_meeting
):
    meeting = make_meeting(past=True)
    first = add_agenda_item(session, None, meeting, title="A")
    add_agenda_item(session, None, meeting, title="B")
    mark_held(session, secretariat, meeting)
    for change in (
        lambda: move_agenda_item(session, secretariat, first, 1),
        lambda: remove_agenda_item(session, secretariat, first),
        lambda: add_agenda_item(session, secretariat, meeting, title="C"),
        lambda: update_agenda_item(session, secretariat, first, title="A2"),
    ):
        with pytest.raises(Conflict, match="held"):
            change()
    session.expire_all()
    assert [(i.position, i.title) for i in meeting.agenda] == [(1, "A"), (2, "B")]


def test_an_agenda_link_names_an_initiative_or_a_memorandum(
    session, secretariat, make_meeting, founders, make_vote
):
    meeting = make_meeting()
    budget = make_vote("Budget")
    item = add_agenda_item(
        session, secretariat, meeting, title="Budget", linked_type="initiative", linked_id=budget.id
    )
    assert (item.linked_type, item.linked_id) == ("initiative", budget.id)
    with pytest.raises(Invalid):
        add_agenda_item(session, secretariat, meeting, title="X", linked_type="park", linked_id=1)


# --- attendance and quorum ---------------------------------------------------------------


def test_quorum_needs_more_than_half_of_the_members(session, secretariat, make_meeting, founders):
    meeting = make_meeting(held=True)
    attend(session, secretariat, meeting, founders, present=2)
    result = quorum(meeting)
    assert (result.members, result.members_present, result.observers_present) == (4, 2, 1)
    assert not result.quorate
    assert result.needed == 3
    attend(session, secretariat, meeting, founders, present=3)
    assert quorum(meeting).quorate


def test_observers_do_not_count_for_the_quorum(session, secretariat, make_meeting, founders):
    meeting = make_meeting(held=True)
    attend(session, secretariat, meeting, founders, present=2, observer_present=True)
    assert not quorum(meeting).quorate


def test_the_quorum_rule_comes_from_the_configuration(
    app, session, secretariat, make_meeting, founders
):
    meeting = make_meeting(held=True)
    attend(session, secretariat, meeting, founders, present=3)
    app.config["MEETING_QUORUM_FRACTION"] = 0.75
    assert not quorum(meeting).quorate  # 3 of 4 is not more than three quarters


def test_attendance_for_a_park_that_is_not_a_member_is_refused(
    session, secretariat, make_meeting, make_park, founders
):
    meeting = make_meeting(held=True)
    suspended = make_park("Suspended Park", status=ParkStatus.SUSPENDED)
    entries = [
        AttendanceEntry(park_id=founders[0].id, status=AttendanceStatus.PRESENT),
        AttendanceEntry(park_id=suspended.id, status=AttendanceStatus.PRESENT),
    ]
    with pytest.raises(Invalid, match="Suspended Park is suspended"):
        record_attendance(session, secretariat, meeting, entries)
    session.expire_all()
    assert meeting.attendances == []


def test_recording_attendance_again_replaces_each_parks_entry(
    session, secretariat, make_meeting, founders
):
    meeting = make_meeting(held=True)
    attend(session, secretariat, meeting, founders, present=1)
    attend(session, secretariat, meeting, founders, present=4)
    assert len(meeting.attendances) == 5
    assert quorum(meeting).members_present == 4


def test_a_later_status_change_leaves_the_quorum_as_recorded(
    session, secretariat, make_meeting, founders
):
    from association.parks.service import change_park_status

    meeting = make_meeting(held=True)
    attend(session, secretariat, meeting, founders, present=3)
    change_park_status(session, secretariat, founders[0], ParkStatus.SUSPENDED, "fees unpaid")
    assert quorum(meeting).quorate


def test_every_change_is_audited(session, secretariat, make_meeting):
    meeting = make_meeting()
    add_agenda_item(session, secretariat, meeting, title="A")
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert "meeting.scheduled" in actions
    assert "meeting.agenda_item_added" in actions


def test_a_written_representative_who_is_one_of_the_parks_users_is_linked_to_the_account(
    session, secretariat, make_meeting, founders
):
    meeting = make_meeting(held=True)
    astana, sabah = founders[0], founders[1]
    record_attendance(
        session,
        secretariat,
        meeting,
        [
            # Letter case aside, the name of Astana Hub's delegate.
            AttendanceEntry(astana.id, AttendanceStatus.PRESENT, "  head of ASTANA HUB "),
            # Sabah Lab's delegate, but written for another park: kept as written.
            AttendanceEntry(founders[2].id, AttendanceStatus.PRESENT, "Head of Sabah Lab"),
            AttendanceEntry(sabah.id, AttendanceStatus.PRESENT, "A guest"),
        ],
    )
    by_park = {a.park_id: a for a in meeting.attendances}
    assert by_park[astana.id].represented_by_user.full_name == "Head of Astana Hub"
    assert by_park[founders[2].id].represented_by_user is None
    assert by_park[founders[2].id].represented_by == "Head of Sabah Lab"
    assert by_park[sabah.id].represented_by_user is None


def test_attendance_for_an_unknown_park_is_refused(session, secretariat, make_meeting, founders):
    meeting = make_meeting(held=True)
    with pytest.raises(Invalid, match="There is no park number 9999"):
        record_attendance(
            session, secretariat, meeting, [AttendanceEntry(9999, AttendanceStatus.PRESENT)]
        )
    session.expire_all()
    assert meeting.attendances == []
