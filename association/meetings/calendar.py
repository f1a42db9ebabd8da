"""Meetings in people's calendars: iCalendar (RFC 5545) files for one meeting and for a user's
feed, through the icalendar package, and the secret address of that feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlparse

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.auth.service import may_sign_in
from association.database import utcnow
from association.domain import state_change
from association.meetings.models import CalendarFeedToken, Meeting, MeetingKind, MeetingStatus
from association.parks.models import User
from association.site import setting, site_url
from association.tokens import new_token, token_digest

KIND_NAMES = {
    MeetingKind.GENERAL_ASSEMBLY: "General Assembly",
    MeetingKind.BOARD: "Board",
    MeetingKind.WORKING_GROUP: "Working group",
}


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's life, so a calendar updates the event instead of adding one."""
    # The configured address, never a request's: the same meeting keeps the same UID.
    host = urlparse(str(setting("BASE_URL") or setting("SERVED_ADDRESS"))).hostname or "localhost"
    return f"meeting-{meeting.id}@{host}"


def _description(meeting: Meeting) -> str:
    lines = [f"{KIND_NAMES.get(meeting.kind, meeting.kind)}: {meeting.title}"]
    if meeting.online_url:
        lines.append(f"Online: {meeting.online_url}")
    if meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_reason:
        lines.append(f"Cancelled: {meeting.cancelled_reason}")
    if meeting.agenda:
        lines.append("")
        lines.append("Agenda:")
        for item in meeting.agenda:
            presenter = f" ({item.presenter})" if item.presenter else ""
            lines.append(f"{item.position}. {item.title}{presenter}")
    lines.append("")
    lines.append(site_url(f"/meetings/{meeting.id}"))
    return "\n".join(lines)


def meeting_event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", utcnow().astimezone(UTC).replace(microsecond=0))
    event.add("last-modified", meeting.updated_at.astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", meeting.title)
    location = meeting.place or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", site_url(f"/meetings/{meeting.id}"))
    event.add("description", _description(meeting))
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("categories", [KIND_NAMES.get(meeting.kind, str(meeting.kind))])
    return event


def calendar_for(meetings: Iterable[Meeting], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Association of Modern Technoparks//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    return calendar.to_ical()


# --- calendar feed --------------------------------------------------------------------


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
    token = new_token()
    session.add(CalendarFeedToken(user=user, token_hash=token_digest(token)))
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
    """The user's feed secret that still works (its digest and dates), if any."""
    return session.scalar(
        select(CalendarFeedToken).where(
            CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None)
        )
    )


def feed_owner(session: Session, token: str) -> User | None:
    """The user whose unrevoked feed this secret opens, if they may still sign in."""
    found = session.scalar(
        select(CalendarFeedToken).where(
            CalendarFeedToken.token_hash == token_digest(token or ""),
            CalendarFeedToken.revoked_at.is_(None),
        )
    )
    if found is None or not may_sign_in(found.user):
        return None
    return found.user
