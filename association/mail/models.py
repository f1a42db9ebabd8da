from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from association.database import UTCDateTime, utcnow
from association.extensions import Model

# What the outbox page and the log show instead of a secret (a link's token, a code).
MASK = "••••"


class OutboxMessage(Model):
    """An e-mail as written; it is stored first and sent later by `send-mail`."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # Where the body holds secrets only its recipient may read: JSON [[start, end], ...],
    # recorded when the message is written (association.mail.outbox.Secret), so that the
    # outbox page hides exactly those characters and nothing is guessed afterwards.
    secret_spans: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # After a failure, when send-mail tries again (the wait doubles with every failure).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when send-mail stops trying: the message cannot be built, or failed MAIL_MAX_ATTEMPTS times.
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A sender's lease on the message while it sends it: several workers never send one
    # message twice, and one killed mid-send leaves the lease to expire for another.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(80), default="")

    @property
    def shown_body(self) -> str:
        """The body as staff may read it: every secret replaced by ••••."""
        shown, last = [], 0
        for start, end in sorted(json.loads(self.secret_spans or "[]")):
            shown += [self.body[last:start], MASK]
            last = end
        shown.append(self.body[last:])
        return "".join(shown)

    @property
    def failed(self) -> bool:
        return self.sent_at is None and self.attempts > 0
