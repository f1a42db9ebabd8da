"""The hash-chained audit log: writing events, and verifying the chain."""

from __future__ import annotations

import contextvars
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from association.audit.models import AuditChainHead, AuditEvent
from association.database import utcnow

GENESIS = "0" * 64

# Where the current action comes from: set by the web layer per request, by the CLI per
# command; the domain functions never look at the request themselves.
current_origin: contextvars.ContextVar[str] = contextvars.ContextVar("audit_origin", default="")


def lock_chain(session: Session) -> None:
    """Take the change lock (the head row) and forget what the session had loaded.

    On PostgreSQL the UPDATE holds a row lock until commit; on SQLite it takes the
    database's write lock. Either way the next change waits, and the reads that follow
    see everything committed before.
    """
    locked = session.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1).values(seq=AuditChainHead.seq)
    )
    if locked.rowcount == 0:
        session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
        session.flush()
    session.expire_all()


def _canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "details": event.details,
        "origin": event.origin,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    actor=None,
    subject=None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (inside a state change)."""
    head = session.get(AuditChainHead, 1)
    if head is None:
        lock_chain(session)
        head = session.get(AuditChainHead, 1)
    event = AuditEvent(
        seq=head.seq + 1,
        # Microseconds dropped: every database gives back the same value that was hashed.
        occurred_at=utcnow().replace(microsecond=0),
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", "") or "",
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=str(subject.id) if subject is not None else None,
        details=_canonical(details or {}),
        origin=current_origin.get()[:300],
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    head.seq = event.seq
    head.last_hash = event.hash
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None and not self.problem


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; name the first event that was altered, removed or added."""
    previous = GENESIS
    expected_seq = 1
    checked = 0
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != previous:
            return ChainReport(checked, event.seq, f"event {event.seq} does not follow event {event.seq - 1}")
        if event_hash(event) != event.hash:
            return ChainReport(checked, event.seq, f"event {event.seq} ({event.action}) was altered")
        previous = event.hash
        expected_seq += 1
        checked += 1
    head = session.get(AuditChainHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != previous):
        return ChainReport(checked, checked + 1, f"events after {checked} were removed (the chain's head names event {head.seq})")
    return ChainReport(checked)
