"""The agenda of a meeting not yet held: items added, edited, moved and removed, each one
optionally linked to the initiative or memorandum it is about.

Every change is a state change (association.domain) that bumps the meeting's SEQUENCE, so
calendars pick it up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.domain import Conflict, Invalid, state_change
from association.markdown import clean_markdown_source
from association.meetings.models import AgendaItem, Meeting, MeetingStatus
from association.meetings.policy import require_staff
from association.meetings.scheduling import touch
from association.memoranda.models import Memorandum
from association.parks.models import User
from association.voting.models import Initiative, InitiativeStatus

# How each link type finds what it links to.
LINK_TARGETS: dict[str, Callable[[Session, int], Any]] = {
    "initiative": lambda session, target_id: session.get(Initiative, target_id),
    "memorandum": lambda session, target_id: session.get(Memorandum, target_id),
}
LINK_TYPES = tuple(LINK_TARGETS)


def _require_agenda_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.HELD:
        raise Conflict(_("The meeting has been held: its agenda can no longer change."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("The meeting is cancelled: its agenda can no longer change."))


def _check_link(
    session: Session,
    linked_type: str | None,
    linked_id: int | None,
    current: tuple[str | None, int | None] = (None, None),
) -> tuple[str | None, int | None]:
    """The link as stored, after checking that what it names exists (and, for a new link to an
    initiative, was not cancelled). An item's unchanged link is kept as it is."""
    if not linked_type and linked_id is None:
        return None, None
    if linked_type not in LINK_TYPES or not isinstance(linked_id, int) or linked_id < 1:
        raise Invalid(_("An agenda item links to an initiative or a memorandum by its number."))
    if (linked_type, linked_id) == current:
        return linked_type, linked_id
    target = LINK_TARGETS[linked_type](session, linked_id)
    if target is None:
        raise Invalid(
            _("There is no initiative number %(id)d to link to.", id=linked_id)
            if linked_type == "initiative"
            else _("There is no memorandum number %(id)d to link to.", id=linked_id)
        )
    if isinstance(target, Initiative) and target.status == InitiativeStatus.CANCELLED:
        raise Invalid(
            _("Initiative %(id)d was cancelled: an agenda item cannot link to it.", id=linked_id)
        )
    return linked_type, linked_id


@state_change
def add_agenda_item(
    session: Session,
    actor: User | None,
    meeting: Meeting,
    *,
    title: str,
    presenter: str = "",
    notes: str = "",
    linked_type: str | None = None,
    linked_id: int | None = None,
) -> AgendaItem:
    """A new item at the end of the agenda of a meeting not yet held."""
    require_staff(actor)
    _require_agenda_open(meeting)
    if not (title or "").strip():
        raise Invalid(_("Please give the agenda item a title."))
    linked_type, linked_id = _check_link(session, linked_type, linked_id)
    position = (
        session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
        )
        or 0
    ) + 1
    item = AgendaItem(
        meeting=meeting,
        position=position,
        title=title.strip(),
        presenter=(presenter or "").strip(),
        notes=clean_markdown_source(notes),
        linked_type=linked_type,
        linked_id=linked_id,
    )
    session.add(item)
    touch(session, meeting)
    session.flush()
    record(
        session,
        "meeting.agenda_item_added",
        actor=actor,
        subject=meeting,
        details={"item": item.id, "position": position, "title": item.title},
    )
    return item


@state_change
def update_agenda_item(
    session: Session,
    actor: User | None,
    item: AgendaItem,
    *,
    title: str,
    presenter: str = "",
    notes: str = "",
    linked_type: str | None = None,
    linked_id: int | None = None,
) -> AgendaItem:
    """Change an item of the agenda of a meeting not yet held; its place stays."""
    require_staff(actor)
    _require_agenda_open(item.meeting)
    if not (title or "").strip():
        raise Invalid(_("Please give the agenda item a title."))
    item.linked_type, item.linked_id = _check_link(
        session, linked_type, linked_id, current=(item.linked_type, item.linked_id)
    )
    item.title, item.presenter, item.notes = (
        title.strip(),
        (presenter or "").strip(),
        clean_markdown_source(notes),
    )
    touch(session, item.meeting)
    record(
        session,
        "meeting.agenda_item_updated",
        actor=actor,
        subject=item.meeting,
        details={"item": item.id, "title": item.title},
    )
    return item


def _renumber(meeting: Meeting, items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


@state_change
def move_agenda_item(
    session: Session, actor: User | None, item: AgendaItem, offset: int
) -> AgendaItem:
    """Move an item one place up (-1) or down (+1); the positions stay 1..n."""
    require_staff(actor)
    meeting = item.meeting
    _require_agenda_open(meeting)
    if offset not in (-1, 1):
        raise Invalid(_("An item moves one place at a time."))
    items = list(meeting.agenda)
    index = items.index(item)
    target = index + offset
    if not 0 <= target < len(items):
        raise Conflict(
            _(
                "The item is already at the %(end)s of the agenda.",
                end=_("top") if offset < 0 else _("bottom"),
            )
        )
    items[index], items[target] = items[target], items[index]
    _renumber(meeting, items)
    touch(session, meeting)
    record(
        session,
        "meeting.agenda_item_moved",
        actor=actor,
        subject=meeting,
        details={"item": item.id, "position": item.position},
    )
    return item


@state_change
def remove_agenda_item(session: Session, actor: User | None, item: AgendaItem) -> None:
    """Take an item off the agenda of a meeting not yet held; the items after it move up."""
    require_staff(actor)
    meeting = item.meeting
    _require_agenda_open(meeting)
    items = [other for other in meeting.agenda if other.id != item.id]
    record(
        session,
        "meeting.agenda_item_removed",
        actor=actor,
        subject=meeting,
        details={"item": item.id, "title": item.title},
    )
    meeting.agenda.remove(item)
    session.flush()
    _renumber(meeting, items)
    touch(session, meeting)
