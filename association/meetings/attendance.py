"""Attendance at a meeting (each park present, absent or excused, and who represented it) and
the meeting's quorum."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, state_change
from association.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from association.meetings.policy import TAKING_PART, require_staff
from association.parks.models import Park, User
from association.site import setting


@dataclass(frozen=True)
class AttendanceEntry:
    """One row of the attendance form, as written: the park, its presence, and the name of
    whoever represented it."""

    park_id: int
    status: AttendanceStatus
    represented_by: str = ""


def representative_account(park: Park, name: str) -> User | None:
    """The park's user whose full name is `name` (letter case aside), if there is one: a
    written name that is one of the park's users links to the account; any other is kept as
    written."""
    name = name.strip()
    if not name:
        return None
    return next((u for u in park.users if u.full_name.casefold() == name.casefold()), None)


@state_change
def record_attendance(
    session: Session, actor: User | None, meeting: Meeting, entries: Sequence[AttendanceEntry]
) -> list[Attendance]:
    """Each park's presence at a meeting that was not cancelled; only member and observer parks.

    Recording again replaces a park's earlier entry (one per park and meeting). The park's
    status is kept with the entry, so the quorum does not move when a park's status changes.
    A representative's name that is one of the park's users links the entry to that account
    (representative_account).
    """
    require_staff(actor)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("The meeting is cancelled: there is no attendance to record."))
    if not entries:
        raise Invalid(_("Please record the attendance of at least one park."))
    existing = {attendance.park_id: attendance for attendance in meeting.attendances}
    parks = {
        park.id: park
        for park in session.scalars(
            select(Park)
            .where(Park.id.in_({entry.park_id for entry in entries}))
            .options(selectinload(Park.users))
        )
    }
    seen: set[int] = set()
    changed = []
    for entry in entries:
        park = parks.get(entry.park_id)
        if park is None:
            raise Invalid(_("There is no park number %(id)d.", id=entry.park_id))
        if park.status not in TAKING_PART:
            raise Invalid(
                _(
                    "%(park)s is %(status)s: attendance is recorded for member and observer parks only.",
                    park=park.name_latin,
                    status=park.status,
                )
            )
        if park.id in seen:
            raise Invalid(_("%(park)s is listed twice.", park=park.name_latin))
        seen.add(park.id)
        user = representative_account(park, entry.represented_by or "")
        status = AttendanceStatus(entry.status)
        attendance = existing.get(park.id)
        if attendance is None:
            attendance = Attendance(meeting=meeting, park=park)
            session.add(attendance)
        attendance.status = status
        attendance.park_status = str(park.status)
        attendance.represented_by = (entry.represented_by or "").strip()[:300]
        attendance.represented_by_user = user
        changed.append(
            {"park": park.id, "status": status.value, "represented_by": attendance.representative}
        )
    meeting.attendance_recorded_at = utcnow()
    session.flush()
    result = quorum(meeting)
    record(
        session,
        "meeting.attendance_recorded",
        actor=actor,
        subject=meeting,
        details={
            "entries": changed,
            "quorate": result.quorate,
            "members_present": result.members_present,
            "members": result.members,
        },
    )
    return list(meeting.attendances)


@dataclass(frozen=True)
class Quorum:
    recorded: bool
    members: int  # member parks whose attendance is recorded (the form lists every one)
    members_present: int
    observers_present: int
    fraction: float
    quorate: bool

    @property
    def needed(self) -> int:
        """How many member parks must be present: the smallest number over the fraction."""
        return int(self.members * self.fraction) + 1


def quorum(meeting: Meeting, fraction: float | None = None) -> Quorum:
    """Quorate when more than `fraction` of the member parks are present (observers do not count)."""
    if fraction is None:
        fraction = float(setting("MEETING_QUORUM_FRACTION", 0.5))
    records = list(meeting.attendances)
    members = [a for a in records if a.park_status == "member"]
    present = sum(1 for a in members if a.status == AttendanceStatus.PRESENT)
    observers = sum(
        1 for a in records if a.park_status == "observer" and a.status == AttendanceStatus.PRESENT
    )
    return Quorum(
        recorded=bool(records),
        members=len(members),
        members_present=present,
        observers_present=observers,
        fraction=fraction,
        quorate=bool(members) and present > fraction * len(members),
    )
