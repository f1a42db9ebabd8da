"""Meetings themselves: scheduling, editing, rescheduling, cancelling and marking one as held,
recording one afterwards that took place, and the e-mails that tell the participants.

Every function that changes something is a state change (association.domain): it checks who
acts and the current state first, then changes the models and writes the audit event and the
e-mails in the same transaction, or refuses with a DomainError and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.content_languages import TranslatedField, check_translations, set_translations
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, state_change
from association.mail.outbox import queue_mail
from association.mail.outbox import when_for as mail_when_for
from association.meetings.announcements import announce_changed, announce_scheduled
from association.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MeetingTranslation,
)
from association.meetings.policy import TAKING_PART, require_staff
from association.parks.models import Park, User
from association.site import setting, site_url

# --- checks ---------------------------------------------------------------------------

# What a translation gives, under the rules of the English title.
TRANSLATED_FIELDS = (TranslatedField("title", _l("Title"), max_length=300, required=True),)
Translations = Mapping[str, Mapping[str, str | None]]


def check_zone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(_("%(zone)s is not a time zone.", zone=zone or "—")) from None
    return zone


def in_zone(naive: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` (as typed into a form) as an aware UTC datetime."""
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


def touch(session: Session, meeting: Meeting) -> None:
    """A change every calendar must pick up: SEQUENCE goes up (RFC 5545 3.8.7.4), and the
    parks' platforms are told (webhooks)."""
    meeting.sequence += 1
    meeting.updated_at = utcnow()
    announce_changed(session, meeting)


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
    """A meeting's time as the user reads it: the day in full, their zone and language."""
    return mail_when_for(user, moment, "d MMMM y, HH:mm")


def mail_participants(
    session: Session, meeting: Meeting, subject: str | LazyString, template: str, **context: Any
) -> int:
    """Queue one e-mail about the meeting to every participant, in their language, with the
    times in their zone (give the subject with `_l`: it translates for each of them)."""
    recipients = participants(session)
    for user in recipients:
        queue_mail(
            session,
            user.email,
            subject,
            template,
            language=user.language,
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
    translations: Translations | None = None,
) -> Meeting:
    """A scheduled meeting that starts in the future, with its title's translations (language
    -> {"title"}); the participants are told by e-mail.

    `historical` records a meeting that took place before the platform (the command line
    only): it may lie in the past, and nobody is e-mailed.
    """
    require_staff(actor)
    if historical and actor is not None:
        raise NotAllowed(_("Past meetings are recorded from the command line only."))
    kind = MeetingKind(kind)
    title = _check_title(title)
    checked = check_translations(translations or {}, TRANSLATED_FIELDS)
    _check_times(starts_at, ends_at, future=False)
    if not historical and starts_at <= utcnow():
        raise Invalid(
            _(
                "A new meeting cannot start in the past. Please choose a later start, or, for "
                "a meeting that already took place, record a past meeting."
            )
        )
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
    added = set_translations(meeting.translations, checked, MeetingTranslation)
    session.add(meeting)
    session.flush()
    details: dict[str, Any] = {
        "kind": kind.value,
        "title": title,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "historical": historical,
    }
    if added:
        details["translations"] = sorted(added)
    record(session, "meeting.scheduled", actor=actor, subject=meeting, details=details)
    if not historical:
        announce_scheduled(session, meeting)
        mail_participants(
            session,
            meeting,
            _l("Meeting scheduled: %(title)s", title=title),
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
    translations: Translations | None = None,
) -> Meeting:
    """Change a scheduled meeting's kind, title, its title's translations, zone, place or link
    (the times: reschedule_meeting). A language given in `translations` is added or changed,
    one given empty is removed, one not given stays as it is."""
    require_staff(actor)
    _require_scheduled(meeting, _("Only a scheduled meeting can be edited."))
    checked = check_translations(translations or {}, TRANSLATED_FIELDS)
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
    translated = set_translations(meeting.translations, checked, MeetingTranslation)
    if after or translated:
        touch(session, meeting)
        details: dict[str, Any] = {"before": before, "after": after}
        if translated:
            details["translations"] = translated
        record(session, "meeting.updated", actor=actor, subject=meeting, details=details)
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
    require_staff(actor)
    _require_scheduled(meeting, _("Only a scheduled meeting can be rescheduled."))
    _check_times(starts_at, ends_at, future=True)
    if starts_at == meeting.starts_at and ends_at == meeting.ends_at:
        raise Invalid(_("These are the meeting's times already."))
    before = {"starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat()}
    previous_start = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    touch(session, meeting)
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
    mail_participants(
        session,
        meeting,
        _l("Meeting rescheduled: %(title)s", title=meeting.title),
        "meeting_rescheduled.txt",
        previous_start=previous_start,
        reason=reason.strip(),
        when_for=when_for,
    )
    return meeting


@state_change
def cancel_meeting(session: Session, actor: User | None, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a scheduled meeting, with the reason; every participant is e-mailed."""
    require_staff(actor)
    _require_scheduled(meeting, _("Only a scheduled meeting can be cancelled."))
    if not (reason or "").strip():
        raise Invalid(_("Please give the reason for cancelling."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_reason = reason.strip()
    touch(session, meeting)
    record(
        session,
        "meeting.cancelled",
        actor=actor,
        subject=meeting,
        details={"reason": reason.strip()},
    )
    mail_participants(
        session,
        meeting,
        _l("Meeting cancelled: %(title)s", title=meeting.title),
        "meeting_cancelled.txt",
        reason=reason.strip(),
    )
    return meeting


@state_change
def mark_held(session: Session, actor: User | None, meeting: Meeting) -> Meeting:
    """The meeting took place: its agenda is frozen, and minutes can be written."""
    require_staff(actor)
    _require_scheduled(meeting, _("Only a scheduled meeting can be marked as held."))
    if meeting.starts_at > utcnow():
        raise Conflict(_("The meeting has not started yet; it can be marked as held once it has."))
    meeting.status = MeetingStatus.HELD
    meeting.held_at = utcnow()
    meeting.updated_at = utcnow()
    record(session, "meeting.held", actor=actor, subject=meeting)
    return meeting


AGENDA_LINES_MAX = 50


@state_change
def record_past_meeting(
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
    agenda: Sequence[str] = (),
    translations: Translations | None = None,
) -> Meeting:
    """A meeting that already took place, recorded afterwards by the secretariat: held at once
    (so attendance and minutes can follow), marked as recorded afterwards by `actor` now, with
    the agenda it had (one title per item) and its title's translations. It was never
    announced, so nobody is e-mailed."""
    require_staff(actor)
    if actor is None:
        raise NotAllowed(_("A past meeting is recorded by a member of the secretariat."))
    kind = MeetingKind(kind)
    title = _check_title(title)
    checked = check_translations(translations or {}, TRANSLATED_FIELDS)
    _check_times(starts_at, ends_at, future=False)
    now = utcnow()
    if starts_at > now:
        raise Invalid(_("This meeting has not started yet: schedule it instead of recording it."))
    zone = check_zone(timezone or actor.timezone or setting("DEFAULT_TIMEZONE"))
    place, online_url = (place or "").strip(), check_online_url(online_url)
    if not place and not online_url:
        raise Invalid(_("Please give the place or the online link (or both)."))
    items = [line.strip() for line in agenda if line.strip()]
    if len(items) > AGENDA_LINES_MAX:
        raise Invalid(
            ngettext(
                "An agenda has at most %(num)d item.",
                "An agenda has at most %(num)d items.",
                AGENDA_LINES_MAX,
            )
        )
    if any(len(item) > 300 for item in items):
        raise Invalid(_("An agenda item's title has at most 300 characters."))
    meeting = Meeting(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone,
        place=place,
        online_url=online_url,
        status=MeetingStatus.HELD,
        held_at=now,
        recorded_afterwards_at=now,
        sequence=0,
        created_by=actor,
        agenda=[
            AgendaItem(position=position, title=item)
            for position, item in enumerate(items, start=1)
        ],
    )
    added = set_translations(meeting.translations, checked, MeetingTranslation)
    session.add(meeting)
    session.flush()
    details: dict[str, Any] = {
        "kind": kind.value,
        "title": title,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "agenda": items,
    }
    if added:
        details["translations"] = sorted(added)
    record(session, "meeting.recorded_afterwards", actor=actor, subject=meeting, details=details)
    return meeting
