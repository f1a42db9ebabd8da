"""What the audit pages read: the filtered, paginated log with names, and the checkpoints."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from association.audit.models import AuditCheckpoint, AuditEvent
from association.audit.presenters import EventLine, actor_name, details_of, sentence
from association.extensions import Model
from association.parks.models import Park, User

PER_PAGE = 50
# What names a subject, by the first of these its model has (a Minutes names its meeting).
_NAME_ATTRIBUTES = ("title", "name_latin", "full_name", "name", "number")


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    park_id: int | None = None
    subject: str = ""
    since: date | None = None
    until: date | None = None


def filtered_events(filters: AuditFilters) -> Select:
    """The events matching the filters, newest first."""
    statement = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if filters.action:
        statement = statement.where(
            or_(
                AuditEvent.action == filters.action,
                AuditEvent.action.startswith(filters.action.rstrip(".") + ".", autoescape=True),
            )
        )
    if filters.actor:
        pattern = f"%{filters.actor.lower()}%"
        users = select(User.id).where(
            or_(func.lower(User.full_name).like(pattern), func.lower(User.email).like(pattern))
        )
        statement = statement.where(
            or_(AuditEvent.actor_id.in_(users), func.lower(AuditEvent.actor_label).like(pattern))
        )
    if filters.park_id is not None:
        statement = statement.where(
            AuditEvent.actor_id.in_(select(User.id).where(User.park_id == filters.park_id))
        )
    if filters.subject:
        kind, _, number = filters.subject.strip().partition(" ")
        statement = statement.where(func.lower(AuditEvent.subject_type) == kind.lower())
        if number.strip():
            statement = statement.where(AuditEvent.subject_id == number.strip())
    if filters.since is not None:
        statement = statement.where(
            AuditEvent.occurred_at >= datetime.combine(filters.since, time.min, UTC)
        )
    if filters.until is not None:
        statement = statement.where(
            AuditEvent.occurred_at
            < datetime.combine(filters.until + timedelta(days=1), time.min, UTC)
        )
    return statement


def event_lines(session: Session, events: list[AuditEvent]) -> list[EventLine]:
    """The page's events in words, loading actors, their parks and subjects in a few queries."""
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    users = {user.id: user for user in session.scalars(select(User).where(User.id.in_(actor_ids)))}
    park_ids = {user.park_id for user in users.values() if user.park_id is not None}
    parks = {
        park_id: name
        for park_id, name in session.execute(
            select(Park.id, Park.name_latin).where(Park.id.in_(park_ids))
        )
    }
    subjects = _subject_names(session, events)
    lines = []
    for event in events:
        user = users.get(event.actor_id) if event.actor_id is not None else None
        park_name = parks.get(user.park_id) if user is not None and user.park_id else None
        actor = actor_name(event, user, park_name)
        subject = subjects.get((event.subject_type or "", event.subject_id or ""))
        if subject is None and event.subject_type:
            subject = f"{event.subject_type} {event.subject_id}"
        lines.append(EventLine(event, sentence(event, actor, subject), actor, details_of(event)))
    return lines


def _models_by_name() -> dict[str, type]:
    return {mapper.class_.__name__: mapper.class_ for mapper in Model.registry.mappers}


def _subject_names(session: Session, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.subject_type and event.subject_id and event.subject_id.isdigit():
            wanted[event.subject_type].add(int(event.subject_id))
    models = _models_by_name()
    names: dict[tuple[str, str], str] = {}
    for type_name, ids in wanted.items():
        model: Any = models.get(type_name)
        if model is None:
            continue
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            name = _name_of(row)
            if name:
                names[(type_name, str(row.id))] = name
    return names


def _name_of(row: Any) -> str | None:
    for attribute in _NAME_ATTRIBUTES:
        value = getattr(row, attribute, None)
        if isinstance(value, str) and value:
            return value
    meeting = getattr(row, "meeting", None)  # minutes: named after their meeting
    if meeting is not None and getattr(meeting, "title", None):
        version = getattr(row, "version", None)
        if version and version > 1:
            return str(
                _l("the minutes of %(meeting)s, version %(n)s", meeting=meeting.title, n=version)
            )
        return str(_l("the minutes of %(meeting)s", meeting=meeting.title))
    return None


def action_choices(session: Session) -> list[str]:
    """Every action the log holds, for the filter's menu."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def park_choices(session: Session) -> list[tuple[int, str]]:
    return [
        (park_id, name)
        for park_id, name in session.execute(
            select(Park.id, Park.name_latin).order_by(Park.name_latin)
        )
    ]


def checkpoints_page(session: Session) -> Select:
    return select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc())
