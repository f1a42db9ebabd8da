"""Webhooks: the endpoints a park's platform (or the secretariat's) is told of events at, and
each delivery of an event to one of them.

The area sits below the areas whose events it carries, so it names their tables (parks,
users) only by string: the foreign keys and the relationships resolve when every model is known
(association.models), and no import runs back up."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.encryption import EncryptedSecret
from association.extensions import Model

# Every event a platform can ask for, in the order the form offers them.
EVENTS = (
    "initiative.opened",
    "initiative.closed",
    "ballot.reminder",
    "meeting.scheduled",
    "meeting.changed",
    "minutes.published",
    "memorandum.circulated",
    "memorandum.signed",
    "memorandum.issued",
    "member.admitted",
    "park.status_changed",
    "residency.application_endorsed",
    "residency.decided",
    "residency.started",
)
# Sent only when the owner asks for it ("send a test event"), whatever the endpoint chose.
TEST_EVENT = "webhook.test"


class WebhookEndpoint(Model):
    """An address a platform receives events at, signed with its own secret."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the secretariat's own endpoint, which receives what staff read.
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    url: Mapped[str] = mapped_column(String(2000))
    # `whsec_<base64>` (the Standard Webhooks form): encrypted like the second-factor secrets,
    # because every delivery is signed with it and so it must be read back.
    secret: Mapped[str | None] = mapped_column(EncryptedSecret)
    events_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str] = mapped_column(String(300), default="")
    # The first failure since the last success; cleared by a success. After
    # WEBHOOK_DISABLE_AFTER_DAYS of failures the endpoint is disabled.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    park: Mapped[Any] = relationship("Park")
    created_by: Mapped[Any] = relationship("User")

    @property
    def events(self) -> list[str]:
        return list(json.loads(self.events_json or "[]"))

    @events.setter
    def events(self, names: list[str]) -> None:
        self.events_json = json.dumps(list(names))

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url}>"


class WebhookDelivery(Model):
    """One event for one endpoint: written with the change it tells of, sent by the worker.

    The worker claims a due delivery by setting a lease (`claimed_until`, `claimed_by`); a
    worker that dies mid-send leaves the lease to expire, and another takes the delivery."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The worker's question: what is due, and not claimed by a live worker.
        Index("ix_webhook_deliveries_due", "delivered_at", "gave_up_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(64))
    # The `webhook-id` header: the same for every attempt, so a receiver can drop repeats.
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, exactly as it is signed and sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(80), default="")

    endpoint: Mapped[WebhookEndpoint] = relationship()

    @property
    def state(self) -> str:
        """delivered, given_up, retrying (it failed and waits) or queued."""
        if self.delivered_at is not None:
            return "delivered"
        if self.gave_up_at is not None:
            return "given_up"
        return "retrying" if self.attempts else "queued"
