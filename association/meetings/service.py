"""Meetings and minutes: scheduling, the agenda, attendance and quorum, and the minutes' life.

Every function that changes something is a state change (association.domain): it checks
who acts and the current state first, then changes the models and writes the audit event
and the e-mails in the same transaction, or refuses with a DomainError and changes nothing.

Minutes move draft -> circulated -> approved -> published. A circulated version may go
back to draft (to take comments in). Published minutes are never edited: a correction is
a new version that goes through circulation and approval again; when it is published the
old version is marked superseded and stays readable.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from association.audit.log import record
from association.auth.models import User
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, state_change
from association.mail.outbox import queue_mail
from association.markdown import clean_markdown_source
from association.meetings.models import (
    AgendaItem,
    ApprovalRoute,
    Attendance,
    AttendanceStatus,
    CalendarFeedToken,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesComment,
    MinutesRead,
    MinutesStatus,
)
from association.meetings.policy import TAKING_PART, can_comment_on_minutes, can_manage_meetings
from association.memoranda.models import Memorandum
from association.parks.models import Park
from association.site import setting, site_url
from association.voting.models import Initiative, InitiativeKind, InitiativeStatus

LINK_TYPES = ("initiative", "memorandum")
# How each link type finds what it links to (None: there is no such thing). The memoranda area
# adds its own line when it lands; until then a memorandum cannot be linked.
LINK_TARGETS = {
    "initiative": lambda session, target_id: session.get(Initiative, target_id),
    "memorandum": lambda session, target_id: session.get(Memorandum, target_id),
}


@dataclass(frozen=True)
class LinkedMemorandum:
    """What an agenda item shows of the memorandum it is about."""

    memorandum_id: int
    title: str
    status: str
    registry_number: str | None
    public: bool

    kind = "memorandum"


def linked_memoranda(session: Session, items) -> dict[int, LinkedMemorandum]:
    """Agenda item id -> the memorandum it links to (one query for the whole agenda)."""
    wanted = {
        item.id: item.linked_id
        for item in items
        if item.linked_type == "memorandum" and item.linked_id
    }
    if not wanted:
        return {}
    found = {
        m.id: m
        for m in session.scalars(select(Memorandum).where(Memorandum.id.in_(set(wanted.values()))))
    }
    return {
        item_id: LinkedMemorandum(m.id, m.title, str(m.status), m.registry_number, bool(m.public))
        for item_id, memorandum_id in wanted.items()
        if (m := found.get(memorandum_id)) is not None
    }


# --- checks ---------------------------------------------------------------------------


def _require_staff(actor: User | None) -> None:
    # actor None: the command line, run by the machine's operator.
    if actor is not None and not can_manage_meetings(actor):
        raise NotAllowed(_("Only the secretariat manages meetings."))


def check_zone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(_("%(zone)s is not a time zone.", zone=zone or "—")) from None
    return zone


def in_zone(naive: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` (as typed into a form) as an aware UTC datetime."""
    from datetime import UTC

    return naive.replace(tzinfo=ZoneInfo(check_zone(zone))).astimezone(UTC)


def check_online_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(_("An online meeting's link starts with http:// or https://."))
    return url


def _check_times(starts_at: datetime, ends_at: datetime, *, future: bool) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise Invalid(_("Please give the start and the end with their time zone."))
    if ends_at <= starts_at:
        raise Invalid(_("The meeting must end after it starts."))
    if future and starts_at <= utcnow():
        raise Invalid(_("A new meeting cannot start in the past. Please choose a later start."))


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Please give the meeting a title."))
    return title


def _require_scheduled(meeting: Meeting, message: str) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(message)


def _touch(meeting: Meeting) -> None:
    """A change every calendar must pick up: SEQUENCE goes up (RFC 5545 3.8.7.4)."""
    meeting.sequence += 1
    meeting.updated_at = utcnow()


# --- e-mail ---------------------------------------------------------------------------


def participants(session: Session) -> list[User]:
    """Every active user of a member or observer park: who hears of meetings and minutes."""
    return list(
        session.scalars(
            select(User)
            .join(Park, User.park_id == Park.id)
            .where(User.active.is_(True), Park.status.in_(TAKING_PART))
            .order_by(User.id)
        )
    )


def when_for(user: User, moment: datetime) -> str:
    """A time as the user reads it: in their own zone, with the zone named."""
    try:
        zone = ZoneInfo(user.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return f"{format_datetime(moment, 'd MMMM y, HH:mm', tzinfo=zone, locale='en')} ({zone.key})"


def _mail_participants(
    session: Session, meeting: Meeting, subject: str, template: str, **context
) -> int:
    recipients = participants(session)
    for user in recipients:
        queue_mail(
            session,
            user.email,
            subject,
            template,
            user=user,
            meeting=meeting,
            starts=when_for(user, meeting.starts_at),
            ends=when_for(user, meeting.ends_at),
            url=site_url(f"/meetings/{meeting.id}"),
            ics_url=site_url(f"/meetings/{meeting.id}.ics"),
            **context,
        )
    return len(recipients)


# --- meetings -------------------------------------------------------------------------


@state_change
def create_meeting(
    session: Session,
    actor: User | None,
    *,
    kind: MeetingKind,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    timezone: str | None = None,
    place: str = "",
    online_url: str = "",
    historical: bool = False,
) -> Meeting:
    """A scheduled meeting that starts in the future; the participants are told by e-mail.

    `historical` records a meeting that took place before the platform (the command line
    only): it may lie in the past, and nobody is e-mailed.
    """
    _require_staff(actor)
    if historical and actor is not None:
        raise NotAllowed(_("Past meetings are recorded from the command line only."))
    kind = MeetingKind(kind)
    title = _check_title(title)
    _check_times(starts_at, ends_at, future=not historical)
    zone = check_zone(timezone or getattr(actor, "timezone", None) or setting("DEFAULT_TIMEZONE"))
    place, online_url = (place or "").strip(), check_online_url(online_url)
    if not place and not online_url:
        raise Invalid(_("Please give the place or the online link (or both)."))
    meeting = Meeting(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone,
        place=place,
        online_url=online_url,
        status=MeetingStatus.SCHEDULED,
        sequence=0,
        created_by=actor,
    )
    session.add(meeting)
    session.flush()
    record(
        session,
        "meeting.scheduled",
        actor=actor,
        subject=meeting,
        details={
            "kind": kind.value,
            "title": title,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "historical": historical,
        },
    )
    if not historical:
        _mail_participants(
            session,
            meeting,
            _("Meeting scheduled: %(title)s", title=title),
            "meeting_scheduled.txt",
        )
    return meeting


@state_change
def update_meeting(
    session: Session,
    actor: User | None,
    meeting: Meeting,
    *,
    kind: MeetingKind,
    title: str,
    timezone: str,
    place: str,
    online_url: str,
) -> Meeting:
    """Change a scheduled meeting's kind, title, zone, place or link (the times: reschedule_meeting)."""
    _require_staff(actor)
    _require_scheduled(meeting, _("Only a scheduled meeting can be edited."))
    changes = {
        "kind": MeetingKind(kind),
        "title": _check_title(title),
        "timezone": check_zone(timezone),
        "place": (place or "").strip(),
        "online_url": check_online_url(online_url),
    }
    if not changes["place"] and not changes["online_url"]:
        raise Invalid(_("Please give the place or the online link (or both)."))
    before, after = {}, {}
    for field, value in changes.items():
        if getattr(meeting, field) != value:
            before[field], after[field] = str(getattr(meeting, field)), str(value)
            setattr(meeting, field, value)
    if after:
        _touch(meeting)
        record(
            session,
            "meeting.updated",
            actor=actor,
            subject=meeting,
            details={"before": before, "after": after},
        )
    return meeting


@state_change
def reschedule_meeting(
    session: Session,
    actor: User | None,
    meeting: Meeting,
    *,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
) -> Meeting:
    """New times for a scheduled meeting, in the future; every participant is e-mailed."""
    _require_staff(actor)
    _require_scheduled(meeting, _("Only a scheduled meeting can be rescheduled."))
    _check_times(starts_at, ends_at, future=True)
    if starts_at == meeting.starts_at and ends_at == meeting.ends_at:
        raise Invalid(_("These are the meeting's times already."))
    before = {"starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat()}
    previous_start = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    _touch(meeting)
    record(
        session,
        "meeting.rescheduled",
        actor=actor,
        subject=meeting,
        details={
            "before": before,
            "after": {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
            "reason": reason.strip(),
            "sequence": meeting.sequence,
        },
    )
    _mail_participants(
        session,
        meeting,
        _("Meeting rescheduled: %(title)s", title=meeting.title),
        "meeting_rescheduled.txt",
        previous_start=previous_start,
        reason=reason.strip(),
        when_for=when_for,
    )
    return meeting


@state_change
def cancel_meeting(session: Session, actor: User | None, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a scheduled meeting, with the reason; every participant is e-mailed."""
    _require_staff(actor)
    _require_scheduled(meeting, _("Only a scheduled meeting can be cancelled."))
    if not (reason or "").strip():
        raise Invalid(_("Please give the reason for cancelling."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_reason = reason.strip()
    _touch(meeting)
    record(
        session,
        "meeting.cancelled",
        actor=actor,
        subject=meeting,
        details={"reason": reason.strip()},
    )
    _mail_participants(
        session,
        meeting,
        _("Meeting cancelled: %(title)s", title=meeting.title),
        "meeting_cancelled.txt",
        reason=reason.strip(),
    )
    return meeting


@state_change
def mark_held(session: Session, actor: User | None, meeting: Meeting) -> Meeting:
    """The meeting took place: its agenda is frozen, and minutes can be written."""
    _require_staff(actor)
    _require_scheduled(meeting, _("Only a scheduled meeting can be marked as held."))
    if meeting.starts_at > utcnow():
        raise Conflict(_("The meeting has not started yet; it can be marked as held once it has."))
    meeting.status = MeetingStatus.HELD
    meeting.held_at = utcnow()
    meeting.updated_at = utcnow()
    record(session, "meeting.held", actor=actor, subject=meeting)
    return meeting


# --- agenda ---------------------------------------------------------------------------


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
    find = LINK_TARGETS.get(linked_type)
    if find is None:
        raise Invalid(
            _(
                "A %(type)s cannot be linked yet: that part of the platform is not in place.",
                type=linked_type,
            )
        )
    target = find(session, linked_id)
    if target is None:
        raise Invalid(
            _("There is no %(type)s number %(id)d to link to.", type=linked_type, id=linked_id)
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
    _require_staff(actor)
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
    _touch(meeting)
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
    _require_staff(actor)
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
    _touch(item.meeting)
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
    _require_staff(actor)
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
    _touch(meeting)
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
    _require_staff(actor)
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
    _touch(meeting)


# --- attendance and quorum ------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    park: Park
    status: AttendanceStatus
    represented_by: str = ""
    represented_by_user: User | None = None


@state_change
def record_attendance(
    session: Session, actor: User | None, meeting: Meeting, entries: list[AttendanceEntry]
) -> list[Attendance]:
    """Each park's presence at a meeting that was not cancelled; only member and observer parks.

    Recording again replaces a park's earlier entry (one per park and meeting). The park's
    status is kept with the entry, so the quorum does not move when a park's status changes.
    """
    _require_staff(actor)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("The meeting is cancelled: there is no attendance to record."))
    if not entries:
        raise Invalid(_("Please record the attendance of at least one park."))
    existing = {attendance.park_id: attendance for attendance in meeting.attendances}
    seen: set[int] = set()
    changed = []
    for entry in entries:
        park = entry.park
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
        user = entry.represented_by_user
        if user is not None and user.park_id != park.id:
            raise Invalid(
                _(
                    "%(name)s does not represent %(park)s.",
                    name=user.full_name,
                    park=park.name_latin,
                )
            )
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


# --- minutes --------------------------------------------------------------------------


def latest_minutes(meeting: Meeting) -> Minutes | None:
    return meeting.minutes_versions[-1] if meeting.minutes_versions else None


def current_published(meeting: Meeting) -> Minutes | None:
    for minutes in reversed(meeting.minutes_versions):
        if minutes.is_current:
            return minutes
    return None


def _in_progress(meeting: Meeting) -> Minutes | None:
    for minutes in meeting.minutes_versions:
        if minutes.status != MinutesStatus.PUBLISHED:
            return minutes
    return None


def _minutes_conflict(minutes: Minutes, action: str) -> Conflict:
    if minutes.status == MinutesStatus.PUBLISHED:
        return Conflict(
            _(
                "Published minutes are read-only. To change them, start a correction: "
                "a new version that is circulated and approved again."
            )
        )
    return Conflict(
        _(
            "Minutes that are %(status)s cannot be %(action)s.",
            status=_(str(minutes.status)),
            action=action,
        )
    )


VOTING_STATUSES = (InitiativeStatus.DRAFT, InitiativeStatus.SCHEDULED, InitiativeStatus.OPEN)


def minutes_vote(session: Session, minutes: Minutes) -> Initiative | None:
    """The minutes-approval vote about this version that is not over yet, if any."""
    return session.scalar(
        select(Initiative)
        .where(
            Initiative.kind == InitiativeKind.MINUTES_APPROVAL,
            Initiative.subject_type == "Minutes",
            Initiative.subject_id == minutes.id,
            Initiative.status.in_(VOTING_STATUSES),
        )
        .limit(1)
    )


def _refuse_while_voting(session: Session, minutes: Minutes) -> None:
    # While the members vote, the vote decides: nothing by hand (the closing vote itself is closed by then).
    if minutes_vote(session, minutes) is not None:
        raise Conflict(
            _(
                "The member parks are voting on these minutes: the vote decides. Wait for it to close."
            )
        )


@state_change
def start_minutes(
    session: Session, actor: User | None, meeting: Meeting, *, body: str = "", decisions: str = ""
) -> Minutes:
    """The first draft of a held meeting's minutes (version 1)."""
    _require_staff(actor)
    if meeting.status != MeetingStatus.HELD:
        raise Conflict(_("Minutes are written once the meeting has been held."))
    if meeting.minutes_versions:
        raise Conflict(
            _("This meeting has minutes already; edit them, or correct the published version.")
        )
    minutes = Minutes(
        meeting=meeting,
        version=1,
        body_markdown=clean_markdown_source(body),
        decisions_markdown=clean_markdown_source(decisions),
        status=MinutesStatus.DRAFT,
        author=actor,
    )
    session.add(minutes)
    session.flush()
    record(
        session,
        "minutes.drafted",
        actor=actor,
        subject=minutes,
        details={"meeting": meeting.id, "version": 1},
    )
    return minutes


@state_change
def edit_minutes(
    session: Session, actor: User | None, minutes: Minutes, *, body: str, decisions: str
) -> Minutes:
    """Change a draft's text; the text is stored cleaned of scripts, frames, handlers and script links."""
    _require_staff(actor)
    if minutes.status != MinutesStatus.DRAFT:
        raise _minutes_conflict(minutes, _("edited"))
    cleaned_body, cleaned_decisions = clean_markdown_source(body), clean_markdown_source(decisions)
    removed = (
        cleaned_body != (body or "").replace("\r\n", "\n").strip()
        or cleaned_decisions != (decisions or "").replace("\r\n", "\n").strip()
    )
    minutes.body_markdown, minutes.decisions_markdown = cleaned_body, cleaned_decisions
    minutes.updated_at = utcnow()
    record(
        session,
        "minutes.edited",
        actor=actor,
        subject=minutes,
        details={
            "version": minutes.version,
            "unsafe_markup_removed": removed,
            "sha256": hashlib.sha256(
                (cleaned_body + "\n" + cleaned_decisions).encode()
            ).hexdigest(),
        },
    )
    return minutes


@state_change
def circulate_minutes(session: Session, actor: User | None, minutes: Minutes) -> Minutes:
    """Send a draft to the members to read and comment on; they are e-mailed."""
    _require_staff(actor)
    if minutes.status != MinutesStatus.DRAFT:
        raise _minutes_conflict(minutes, _("circulated"))
    if not minutes.body_markdown.strip():
        raise Invalid(_("The minutes are empty: please write them before circulating."))
    minutes.status = MinutesStatus.CIRCULATED
    minutes.circulated_at = utcnow()
    record(
        session,
        "minutes.circulated",
        actor=actor,
        subject=minutes,
        details={"version": minutes.version},
    )
    meeting = minutes.meeting
    _mail_participants(
        session,
        meeting,
        _("Minutes for your reading: %(title)s", title=meeting.title),
        "minutes_circulated.txt",
        minutes=minutes,
        minutes_url=site_url(f"/meetings/{meeting.id}/minutes/{minutes.version}"),
    )
    return minutes


@state_change
def return_minutes_to_draft(
    session: Session,
    actor: User | None,
    minutes: Minutes,
    *,
    reason: str = "",
    initiative: Initiative | None = None,
) -> Minutes:
    """Take circulated minutes back to draft, to work the comments in; they are circulated again after.

    `initiative` (actor None) is a minutes-approval vote that failed: the audit event names it
    and keeps the reason.
    """
    _require_staff(actor)
    if minutes.status != MinutesStatus.CIRCULATED:
        raise _minutes_conflict(minutes, _("returned to draft"))
    _refuse_while_voting(session, minutes)
    minutes.status = MinutesStatus.DRAFT
    minutes.updated_at = utcnow()
    details = {"version": minutes.version, "by": "secretariat" if initiative is None else "vote"}
    if initiative is not None:
        details["initiative_id"] = initiative.id
    if reason.strip():
        details["reason"] = reason.strip()
    record(session, "minutes.returned_to_draft", actor=actor, subject=minutes, details=details)
    return minutes


@state_change
def approve_minutes(
    session: Session,
    actor: User | None,
    minutes: Minutes,
    *,
    route: ApprovalRoute = ApprovalRoute.SECRETARIAT,
    reference: str = "",
) -> Minutes:
    """Approve circulated minutes: by the secretariat, or by a minutes-approval vote that passed.

    The voting area calls this with route=VOTE and reference="initiative:<id>" when such a
    vote passes (actor None: the closing of the vote, not a person).
    """
    route = ApprovalRoute(route)
    if route == ApprovalRoute.SECRETARIAT:
        if actor is None or not can_manage_meetings(actor):
            raise NotAllowed(_("Only the secretariat approves minutes."))
        reference = actor.email
    else:
        _require_staff(actor)
        if not reference.strip():
            raise Invalid(_("An approval by vote names the vote that approved the minutes."))
    if minutes.status != MinutesStatus.CIRCULATED:
        if minutes.status == MinutesStatus.DRAFT:
            raise Conflict(
                _("Minutes are approved after they have been circulated to the members.")
            )
        raise _minutes_conflict(minutes, _("approved"))
    _refuse_while_voting(session, minutes)
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = utcnow()
    minutes.approved_by = route
    minutes.approval_reference = reference.strip()[:200]
    record(
        session,
        "minutes.approved",
        actor=actor,
        subject=minutes,
        details={
            "version": minutes.version,
            "by": route.value,
            "reference": minutes.approval_reference,
        },
    )
    return minutes


@state_change
def publish_minutes(session: Session, actor: User | None, minutes: Minutes) -> Minutes:
    """Publish approved minutes: the PDF is rendered, sealed and stored once; the version
    it corrects (if any) is marked superseded and stays readable."""
    from association.meetings.minutes_pdf import issue_minutes_document, supersede_minutes_document

    _require_staff(actor)
    if minutes.status != MinutesStatus.APPROVED:
        if minutes.status in (MinutesStatus.DRAFT, MinutesStatus.CIRCULATED):
            raise Conflict(_("Minutes are published once they have been approved."))
        raise _minutes_conflict(minutes, _("published"))
    now = utcnow()
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = now
    previous = minutes.supersedes
    if previous is not None and previous.superseded_at is None:
        previous.superseded_at = now
    session.flush()
    document = issue_minutes_document(session, minutes)
    if document is not None:
        minutes.document_id = document.id
        if previous is not None:
            supersede_minutes_document(session, previous, document)
    record(
        session,
        "minutes.published",
        actor=actor,
        subject=minutes,
        details={
            "version": minutes.version,
            "supersedes": previous.version if previous else None,
            "document": minutes.document_id,
        },
    )
    meeting = minutes.meeting
    _mail_participants(
        session,
        meeting,
        _("Minutes published: %(title)s", title=meeting.title),
        "minutes_published.txt",
        minutes=minutes,
        minutes_url=site_url(f"/meetings/{meeting.id}/minutes/{minutes.version}"),
    )
    return minutes


@state_change
def correct_minutes(session: Session, actor: User | None, minutes: Minutes) -> Minutes:
    """Start a correction of the current published minutes: a new draft version holding its text."""
    _require_staff(actor)
    if not minutes.is_current:
        raise Conflict(_("Only the current published minutes can be corrected."))
    meeting = minutes.meeting
    if _in_progress(meeting) is not None:
        raise Conflict(_("A new version of these minutes is already in progress."))
    correction = Minutes(
        meeting=meeting,
        version=minutes.version + 1,
        body_markdown=minutes.body_markdown,
        decisions_markdown=minutes.decisions_markdown,
        status=MinutesStatus.DRAFT,
        supersedes=minutes,
        author=actor,
    )
    session.add(correction)
    session.flush()
    record(
        session,
        "minutes.correction_started",
        actor=actor,
        subject=correction,
        details={"meeting": meeting.id, "version": correction.version, "corrects": minutes.version},
    )
    return correction


@state_change
def comment_on_minutes(
    session: Session, actor: User, minutes: Minutes, text: str
) -> MinutesComment:
    """A member's (or the secretariat's) comment on circulated minutes."""
    if not can_comment_on_minutes(actor, minutes):
        if minutes.status != MinutesStatus.CIRCULATED:
            raise Conflict(_("Comments are taken while the minutes are circulated."))
        raise NotAllowed(
            _("Only the representatives of member and observer parks comment on minutes.")
        )
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Please write your comment."))
    if len(text) > 4000:
        raise Invalid(_("A comment is at most 4,000 characters."))
    comment = MinutesComment(minutes=minutes, user=actor, park_id=actor.park_id, text=text)
    session.add(comment)
    session.flush()
    record(
        session, "minutes.commented", actor=actor, subject=minutes, details={"comment": comment.id}
    )
    return comment


def mark_minutes_read(session: Session, user: User, minutes: Minutes) -> None:
    """Remember that the user opened circulated minutes (once; a repeat or a race is harmless)."""
    if minutes.status != MinutesStatus.CIRCULATED or user.park_id is None:
        return
    exists = session.scalar(
        select(MinutesRead.id).where(
            MinutesRead.user_id == user.id, MinutesRead.minutes_id == minutes.id
        )
    )
    if exists is not None:
        return
    session.add(MinutesRead(user_id=user.id, minutes_id=minutes.id))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


# --- calendar feed --------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@state_change
def issue_calendar_token(session: Session, user: User) -> str:
    """A new secret for the user's calendar feed; any earlier one stops working. Returns the
    secret itself, which is shown once: only its SHA-256 is kept."""
    now = utcnow()
    for old in session.scalars(
        select(CalendarFeedToken).where(
            CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None)
        )
    ):
        old.revoked_at = now
    token = secrets.token_urlsafe(32)
    session.add(CalendarFeedToken(user=user, token_hash=_digest(token)))
    record(session, "calendar_feed.issued", actor=user, subject=user)
    return token


@state_change
def revoke_calendar_token(session: Session, user: User) -> int:
    """Stop the user's calendar feed; returns how many secrets were revoked."""
    revoked = 0
    for old in session.scalars(
        select(CalendarFeedToken).where(
            CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None)
        )
    ):
        old.revoked_at = utcnow()
        revoked += 1
    if revoked:
        record(session, "calendar_feed.revoked", actor=user, subject=user)
    return revoked


def active_calendar_token(session: Session, user: User) -> CalendarFeedToken | None:
    return session.scalar(
        select(CalendarFeedToken).where(
            CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None)
        )
    )


def feed_owner(session: Session, token: str) -> User | None:
    """The user whose unrevoked feed this secret opens, if they may still sign in."""
    from association.auth.service import may_sign_in

    found = session.scalar(
        select(CalendarFeedToken).where(
            CalendarFeedToken.token_hash == _digest(token or ""),
            CalendarFeedToken.revoked_at.is_(None),
        )
    )
    if found is None or not may_sign_in(found.user):
        return None
    return found.user
