"""What the parks' platforms are told of meetings (webhooks): a meeting scheduled, changed (its
times, place, agenda, or cancelled) and its minutes published; what every participant reads on
the meeting's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from association.meetings.models import Meeting, Minutes
from association.site import site_url
from association.webhooks.service import announce, iso


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "kind": str(meeting.kind),
        "title": meeting.title,
        "titles": meeting.texts("title"),
        "status": str(meeting.status),
        "starts_at": iso(meeting.starts_at),
        "ends_at": iso(meeting.ends_at),
        "timezone": meeting.timezone,
        "place": meeting.place,
        "sequence": meeting.sequence,
        "url": site_url(f"/meetings/{meeting.id}"),
        "calendar_url": site_url(f"/meetings/{meeting.id}.ics"),
    }


def announce_scheduled(session: Session, meeting: Meeting) -> None:
    announce(session, "meeting.scheduled", meeting_data(meeting))


def announce_changed(session: Session, meeting: Meeting) -> None:
    data = meeting_data(meeting)
    if meeting.cancelled_reason:
        data["cancelled_reason"] = meeting.cancelled_reason
    announce(session, "meeting.changed", data)


def announce_minutes_published(session: Session, minutes: Minutes) -> None:
    meeting = minutes.meeting
    data = meeting_data(meeting)
    data["minutes"] = {
        "version": minutes.version,
        "published_at": iso(minutes.published_at),
        "url": site_url(f"/meetings/{meeting.id}/minutes/{minutes.version}"),
        "pdf_url": site_url(f"/meetings/{meeting.id}/minutes.pdf") if minutes.document_id else None,
    }
    announce(session, "minutes.published", data)
