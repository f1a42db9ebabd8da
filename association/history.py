"""Events recorded after they happened: the 2022 founding the demo records, a signature made
on paper. The audit log keeps its own time (when the event was recorded); the time the event
happened goes into the event's details as `occurred_at`, and pages and PDFs show that one,
saying when it was recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Protocol

OCCURRED_AT = "occurred_at"


class Event(Protocol):
    occurred_at: datetime
    details: str


def stating_time(details: dict[str, Any], when: datetime | None) -> dict[str, Any]:
    """`details` with the time the event happened, when it is not now (None: it is now)."""
    if when is not None:
        details[OCCURRED_AT] = when.astimezone(UTC).replace(microsecond=0).isoformat()
    return details


def happened_at(event: Event) -> datetime:
    """When the event happened: its stated time, or else when the log recorded it."""
    try:
        stated = json.loads(event.details or "{}").get(OCCURRED_AT)
        return datetime.fromisoformat(stated) if stated else event.occurred_at
    except (ValueError, TypeError, AttributeError):
        return event.occurred_at


def recorded_later(event: Event) -> bool:
    """Whether the log recorded the event after it happened (it states its own time)."""
    return happened_at(event) != event.occurred_at
