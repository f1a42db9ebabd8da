"""iCalendar (RFC 5545) for one meeting and for a user's feed, through the icalendar package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlparse

from flask import current_app
from icalendar import Calendar, Event

from association.database import utcnow
from association.meetings.models import Meeting, MeetingKind, MeetingStatus
from association.site import site_url

KIND_NAMES = {
    MeetingKind.GENERAL_ASSEMBLY: "General Assembly",
    MeetingKind.BOARD: "Board",
    MeetingKind.WORKING_GROUP: "Working group",
}


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's life, so a calendar updates the event instead of adding one."""
    host = urlparse(current_app.config["BASE_URL"]).hostname or "localhost"
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
