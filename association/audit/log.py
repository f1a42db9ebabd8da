"""The hash-chained audit log: writing events, and verifying the chain.

Each event's hash is an HMAC-SHA-256 keyed with AUDIT_CHAIN_KEY, a key that is not in the
database: someone who can write to the database but does not hold the key cannot rewrite an
event and recompute the hashes after it. Truncating the chain (removing the last events and
moving the head back) leaves a chain that is consistent in itself; the signed checkpoints
(association/audit/checkpoints.py) catch that.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
from dataclasses import dataclass

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy import event as sqlalchemy_events
from sqlalchemy.orm import Session

from association.audit.models import AuditChainHead, AuditEvent
from association.database import table_of, utcnow
from association.site import setting

GENESIS = "0" * 64
_HEAD = "audit_chain_head"  # session.info key: (seq, last_hash) read when the lock was taken
_CHECKPOINT_WANTED = "audit_checkpoint_wanted"  # session.info key: the action that asks for one
# Actions after which the transaction ends with a signed checkpoint (the audit area fills it).
_checkpoint_actions: set[str] = set()
_HASHED_COLUMNS = (
    "seq",
    "occurred_at",
    "action",
    "actor_id",
    "actor_label",
    "subject_type",
    "subject_id",
    "details",
    "origin",
    "prev_hash",
)

# Built once: every state change runs these, and building a statement costs more than running it.
_head = table_of(AuditChainHead)
_TAKE_LOCK = (
    update(_head)
    .where(_head.c.id == 1)
    .values(changes=_head.c.changes + 1)
    .returning(_head.c.seq, _head.c.last_hash)
)
_READ_VERSION = select(_head.c.changes).where(_head.c.id == 1)
_APPEND_EVENT = insert(table_of(AuditEvent))

# Where the current action comes from: set by the web layer per request, by the CLI per
# command; the domain functions never look at the request themselves.
current_origin: contextvars.ContextVar[str] = contextvars.ContextVar("audit_origin", default="")


def lock_chain(session: Session) -> None:
    """Take the change lock (the head row) and forget what the session had loaded.

    On PostgreSQL the UPDATE holds a row lock until commit; on SQLite it takes the
    database's write lock. Either way the next change waits, and the reads that follow
    see everything committed before. The head's values come back with the lock, so
    recording events needs no further read of it.
    """
    head = session.execute(_TAKE_LOCK).first()
    if head is None:
        session.execute(insert(_head).values(id=1, seq=0, last_hash=GENESIS, changes=1))
        session.info[_HEAD] = (0, GENESIS)
    else:
        session.info[_HEAD] = tuple(head)
    session.expire_all()


@sqlalchemy_events.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction) -> None:
    # The head read under the lock is only good until the transaction ends (and the lock with it).
    if transaction.parent is None:
        session.info.pop(_HEAD, None)
        session.info.pop(_CHECKPOINT_WANTED, None)


def checkpoint_after(action: str) -> None:
    """Have every transaction that records this action end with a signed checkpoint."""
    _checkpoint_actions.add(action)


def checkpoint_wanted(session: Session) -> str | None:
    """The action that asked for a checkpoint in this transaction, once; None when none did."""
    return session.info.pop(_CHECKPOINT_WANTED, None)


def association_version(session: Session) -> int:
    """A number that grows with every state change (each takes the change lock, which counts
    itself): equal numbers mean nothing has changed in between. Read without the lock."""
    return session.execute(_READ_VERSION).scalar() or 0


def association_version_with(session: Session, *also: ColumnElement) -> tuple:
    """The association's version and, in the same statement, whatever else the caller reads beside
    it (the API's ETag check asks whether a vote is due): one round trip instead of two."""
    # A select of subqueries has its one row even before the chain's head exists (a new
    # database): the version is 0 then, as association_version says.
    version, *rest = session.execute(select(_READ_VERSION.scalar_subquery(), *also)).one()
    return (version or 0, *rest)


def current_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the chain's last event in this transaction, taking the change lock first."""
    if _HEAD not in session.info:
        lock_chain(session)
    seq, last_hash = session.info[_HEAD]
    return int(seq), str(last_hash)


def _canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(event: AuditEvent) -> str:
    return _hash_of({column: getattr(event, column) for column in _HASHED_COLUMNS})


def chain_key() -> bytes:
    """The chain's HMAC key: AUDIT_CHAIN_KEY (config.py derives it from SECRET_KEY when unset)."""
    key = setting("AUDIT_CHAIN_KEY")
    if not key:
        raise RuntimeError(
            "AUDIT_CHAIN_KEY is not set: the audit chain cannot be written or checked."
        )
    return str(key).encode()


def hashed_payload(row: dict) -> bytes:
    """What an event's hash covers: its columns (all but the hash itself) and the previous hash."""
    payload = {column: row[column] for column in _HASHED_COLUMNS}
    payload["occurred_at"] = row["occurred_at"].isoformat()
    return _canonical(payload).encode()


def _hash_of(row: dict) -> str:
    return hmac.new(chain_key(), hashed_payload(row), hashlib.sha256).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    actor=None,
    subject=None,
    details: dict | None = None,
) -> None:
    """Append one event to the chain, in the caller's transaction (inside a state change)."""
    if _HEAD not in session.info:
        lock_chain(session)
    seq, prev_hash = session.info[_HEAD]
    row = {
        "seq": seq + 1,
        # Microseconds dropped: every database gives back the same value that was hashed.
        "occurred_at": utcnow().replace(microsecond=0),
        "action": action,
        "actor_id": getattr(actor, "id", None),
        "actor_label": getattr(actor, "email", "") or "",
        "subject_type": type(subject).__name__ if subject is not None else None,
        "subject_id": str(subject.id) if subject is not None else None,
        "details": _canonical(details or {}),
        "origin": current_origin.get()[:300],
        "prev_hash": prev_hash,
    }
    row["hash"] = _hash_of(row)
    # One plain statement rather than the unit of work: every state change pays for it, and
    # an event is never changed after. The database's trigger moves the head to it.
    session.execute(_APPEND_EVENT, row)
    session.info[_HEAD] = (row["seq"], row["hash"])
    if action in _checkpoint_actions:
        session.info[_CHECKPOINT_WANTED] = action


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
            return ChainReport(
                checked, event.seq, f"event {event.seq} does not follow event {event.seq - 1}"
            )
        if event_hash(event) != event.hash:
            return ChainReport(
                checked, event.seq, f"event {event.seq} ({event.action}) was altered"
            )
        previous = event.hash
        expected_seq += 1
        checked += 1
    head = session.get(AuditChainHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != previous):
        return ChainReport(
            checked,
            checked + 1,
            f"events after {checked} were removed (the chain's head names event {head.seq})",
        )
    return ChainReport(checked)
