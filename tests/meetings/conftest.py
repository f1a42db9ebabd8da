from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from association.database import utcnow
from association.meetings.attendance import AttendanceEntry, record_attendance
from association.meetings.models import AttendanceStatus, MeetingKind
from association.meetings.scheduling import create_meeting, mark_held
from association.parks.models import Park, ParkStatus
from tests.factories import EARLY


@pytest.fixture
def make_meeting(session, secretariat):
    """A scheduled meeting in a week, or (past=True) one recorded from the command line a week ago."""

    def make(title: str = "General Assembly", *, past: bool = False, held: bool = False, **kwargs):
        start = utcnow().replace(microsecond=0) + (
            timedelta(days=-7) if past or held else timedelta(days=7)
        )
        values = {
            "kind": MeetingKind.GENERAL_ASSEMBLY,
            "title": title,
            "starts_at": start,
            "ends_at": start + timedelta(hours=3),
            "timezone": "Asia/Tashkent",
            "place": "IT Park, Tashkent",
        }
        values.update(kwargs)
        meeting = create_meeting(
            session, None if (past or held) else secretariat, historical=past or held, **values
        )
        if held:
            mark_held(session, secretariat, meeting)
        return meeting

    return make


@pytest.fixture
def founders(make_park, make_user):
    """Four member parks, each with a delegate, and an observer park."""
    parks = [
        make_park(name, country=country)
        for name, country in [
            ("Astana Hub", "KZ"),
            ("Sabah Lab", "AZ"),
            ("High Technology Park", "KG"),
            ("IT Park Uzbekistan", "UZ"),
        ]
    ]
    for park in parks:
        make_user(park=park, delegate=True, full_name=f"Head of {park.name_latin}")
    observer = make_park("Technopark of Turkmenistan", country="TM", status=ParkStatus.OBSERVER)
    make_user(park=observer, full_name="Observer of Turkmenistan")
    return parks + [observer]


def attend(session, secretariat, meeting, parks, present: int, observer_present: bool = True):
    """Record attendance: the first `present` member parks present, the others absent."""
    members = [p for p in parks if p.status == ParkStatus.MEMBER]
    entries = [
        AttendanceEntry(
            park_id=p.id,
            status=AttendanceStatus.PRESENT if i < present else AttendanceStatus.ABSENT,
            represented_by=f"Head of {p.name_latin}",
        )
        for i, p in enumerate(members)
    ]
    entries += [
        AttendanceEntry(
            park_id=p.id,
            status=AttendanceStatus.PRESENT if observer_present else AttendanceStatus.ABSENT,
        )
        for p in parks
        if p.status == ParkStatus.OBSERVER
    ]
    return record_attendance(session, secretariat, meeting, entries)


@pytest.fixture
def make_vote(session, secretariat):
    """An initiative put to the member parks' vote; with `choices` (one per park, in order of
    the member parks' delegates) it is cast and closed, so its result is frozen."""
    from association.parks.models import User
    from association.voting.ballots import cast_ballot
    from association.voting.initiatives import create_initiative
    from association.voting.votes import close_vote, open_vote

    def make(title: str = "Budget for the coming year", choices: list[str] | None = None, **fields):
        initiative = create_initiative(session, secretariat, title=title, **fields)
        open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=7))
        if choices is not None:
            delegates = session.scalars(
                select(User)
                .join(Park, User.park_id == Park.id)
                .where(User.is_delegate.is_(True), Park.status == ParkStatus.MEMBER)
                .order_by(User.id)
            ).all()
            for delegate, choice in zip(delegates, choices, strict=False):
                cast_ballot(session, delegate, initiative, choice)
            close_vote(session, secretariat, initiative, reason=EARLY)
        return initiative

    return make
