from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from association.database import UTCDateTime, utcnow
from association.extensions import Model


class AuditEvent(Model):
    """One state change, append-only; `hash` covers the event and the previous event's hash."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(320), default="")
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON, hashed as stored
    # IP and user agent, or "cli"; kept as the browser sent it (see domain._text_columns)
    origin: Mapped[str] = mapped_column(String(300), default="", info={"as_received": True})
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(Model):
    """The single row that names the chain's last event.

    Every state change locks this row first (see association.domain.state_change),
    which serialises changes; it also lets audit-verify notice a removed last event. A
    trigger on audit_events moves it to each new event (MOVE_HEAD_* below).
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    # One more with every change lock taken: the association's version, which the API's
    # ETags are made from (association.audit.log.association_version).
    changes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AuditCheckpoint(Model):
    """The chain's head at one moment (event count and hash), signed with the association's key.

    Sent to every member park and published, so that a park holding one can later prove that
    the chain still contains that head at that position (see association.audit.checkpoints).
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(32))  # daily, document.issued, vote.closed
    algorithm: Mapped[str] = mapped_column(String(32))
    key_sha256: Mapped[str] = mapped_column(String(64))  # the signing certificate's fingerprint
    signature: Mapped[str] = mapped_column(Text)  # base64


# Each new event moves the chain's head itself, in the database: one statement fewer for
# every state change (record() writes only the event). migrations/versions/0007 adds the
# same trigger to an existing database; these make it where create_all() makes the tables.
MOVE_HEAD_SQLITE = """
CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events
BEGIN
    UPDATE audit_chain_head SET seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
END
"""
MOVE_HEAD_POSTGRESQL = [
    """
CREATE OR REPLACE FUNCTION audit_events_move_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_chain_head SET seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_move_head()
""",
]

event.listen(
    AuditEvent.__table__, "after_create", DDL(MOVE_HEAD_SQLITE).execute_if(dialect="sqlite")
)
for _statement in MOVE_HEAD_POSTGRESQL:
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
