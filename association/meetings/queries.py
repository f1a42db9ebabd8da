"""What the meetings pages read: one function per page, loading in few queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, and_, not_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from association.database import utcnow
from association.documents.models import StoredDocument
from association.meetings.attendance import quorum
from association.meetings.calendar import active_calendar_token
from association.meetings.links import agenda_links
from association.meetings.minutes import current_published, in_progress
from association.meetings.models import (
    Attendance,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)
from association.meetings.policy import TAKING_PART, can_read_minutes
from association.memoranda.models import Memorandum
from association.parks.models import Park, User
from association.voting.models import Initiative, InitiativeKind, InitiativeStatus


def meeting_list(session: Session, user: User) -> dict[str, Any]:
    """The meetings page: those to come (not yet over and not held), then the past, newest first."""
    now = utcnow()
    meetings = session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    upcoming = [m for m in meetings if m.ends_at >= now and m.status != MeetingStatus.HELD]
    past = [m for m in reversed(meetings) if m not in upcoming]
    return {
        "upcoming": upcoming,
        "past": past,
        "has_feed": active_calendar_token(session, user) is not None,
    }


def meetings_statement(*, when: str | None = None, now: datetime | None = None) -> Select:
    """The meetings of the list, unordered (the API's cursor pages order them): with `when`
    "upcoming" those to come (not yet over and not held), with "past" the others, as
    meeting_list divides them."""
    now = now or utcnow()
    to_come = and_(Meeting.ends_at >= now, Meeting.status != MeetingStatus.HELD)
    statement = select(Meeting)
    if when == "upcoming":
        return statement.where(to_come)
    if when == "past":
        return statement.where(not_(to_come))
    return statement


def minutes_votes(session: Session, meeting: Meeting) -> dict[int, Initiative]:
    """Minutes id -> the latest minutes-approval vote about that version (open or closed): one query."""
    ids = [minutes.id for minutes in meeting.minutes_versions]
    if not ids:
        return {}
    latest: dict[int, Initiative] = {}
    for initiative in session.scalars(
        select(Initiative)
        .where(
            Initiative.kind == InitiativeKind.MINUTES_APPROVAL,
            Initiative.subject_type == "Minutes",
            Initiative.subject_id.in_(ids),
        )
        .options(joinedload(Initiative.result))
        .order_by(Initiative.id)
    ).unique():
        if initiative.subject_id is not None:
            latest[initiative.subject_id] = initiative
    return latest


def readable_minutes(user: User, meeting: Meeting) -> list[Minutes]:
    """The meeting's minutes versions this user may read, oldest first."""
    return [m for m in meeting.minutes_versions if can_read_minutes(user, m)]


def attendances(meeting: Meeting) -> list[Attendance]:
    """Member parks first, then observers, each by name."""
    return sorted(meeting.attendances, key=lambda a: (a.park_status != "member", a.park.name_latin))


def meeting_page(session: Session, user: User, meeting: Meeting) -> dict[str, Any]:
    """One meeting's page: its attendance and quorum, the minutes the user may read, and what
    its agenda and minutes votes link to."""
    return {
        "attendances": attendances(meeting),
        "quorum": quorum(meeting),
        "versions": readable_minutes(user, meeting),
        "current": current_published(meeting),
        "linked": agenda_links(session, meeting.agenda),
        "minutes_votes": minutes_votes(session, meeting),
    }


def minutes_page(session: Session, user: User, minutes: Minutes) -> dict[str, Any]:
    """One minutes version's page: the newer versions the user may read, and its vote."""
    return {
        "newer": [
            m for m in readable_minutes(user, minutes.meeting) if m.version > minutes.version
        ],
        "vote": minutes_votes(session, minutes.meeting).get(minutes.id),
    }


def feed_meetings(session: Session) -> Sequence[Meeting]:
    """Every meeting, with its agenda, for a calendar feed."""
    return session.scalars(
        select(Meeting).options(selectinload(Meeting.agenda)).order_by(Meeting.starts_at)
    ).all()


# --- the secretariat's pages ------------------------------------------------------------------


def manage_list(session: Session) -> Sequence[Meeting]:
    """Every meeting, the latest first."""
    return session.scalars(select(Meeting).order_by(Meeting.starts_at.desc())).all()


def manage_page(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The secretariat's page of one meeting: quorum, minutes in progress and published, links
    and minutes votes."""
    return {
        "quorum": quorum(meeting),
        "in_progress": in_progress(meeting),
        "current": current_published(meeting),
        "linked": agenda_links(session, meeting.agenda),
        "minutes_votes": minutes_votes(session, meeting),
    }


@dataclass(frozen=True)
class LinkTargets:
    initiatives: Sequence[Row[int, str, InitiativeStatus]]  # not cancelled, newest first
    memoranda: Sequence[Row[int, str, str | None]]  # id, title, registry number; newest first


def link_targets(session: Session) -> LinkTargets:
    """What an agenda item may link to: initiatives not cancelled, and memoranda."""
    initiatives = session.execute(
        select(Initiative.id, Initiative.title, Initiative.status)
        .where(Initiative.status != InitiativeStatus.CANCELLED)
        .order_by(Initiative.created_at.desc(), Initiative.id.desc())
    ).all()
    memoranda = session.execute(
        select(Memorandum.id, Memorandum.title, Memorandum.registry_number).order_by(
            Memorandum.id.desc()
        )
    ).all()
    return LinkTargets(initiatives, memoranda)


def attendance_parks(session: Session) -> list[Park]:
    """The member and observer parks, with their users, in the attendance form's order."""
    return list(
        session.scalars(
            select(Park)
            .where(Park.status.in_(TAKING_PART))
            .options(selectinload(Park.users))
            .order_by(Park.status, Park.name_latin)
        )
    )


def parks_by_id(session: Session, ids: Iterable[int]) -> dict[int, Park]:
    """The parks with these ids (the rows of a submitted attendance form)."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {park.id: park for park in session.scalars(select(Park).where(Park.id.in_(wanted)))}


def minutes_document(session: Session, minutes: Minutes) -> StoredDocument | None:
    """The stored PDF of a published version, if it has one."""
    if minutes.status != MinutesStatus.PUBLISHED or minutes.document_id is None:
        return None
    return session.get(StoredDocument, minutes.document_id)
