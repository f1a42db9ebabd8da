"""Claiming one job among several workers: a row written by a change (an e-mail in the outbox,
a webhook delivery) is taken by exactly one worker at a time, under a lease.

On PostgreSQL the candidate is selected `FOR UPDATE SKIP LOCKED`, so workers on several
machines pass each other's rows by instead of queueing behind them; SQLite has no such clause
(SQLAlchemy leaves it out) and one worker is the rule there. On both, the claim itself is a
compare-and-set (`UPDATE … WHERE the lease is free`), so two workers that chose the same row
cannot both take it. A worker killed mid-send leaves its lease to expire, and the next worker
takes the job again: a job is done at least once, and twice only if its worker died after
doing it and before saying so.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

M = TypeVar("M")


def worker_name() -> str:
    """This worker's name in a lease: the machine, the process and a random part."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def claim_next(
    session: Session,
    model: type[M],
    due: ColumnElement[bool],
    order_by: Any,
    *,
    worker: str,
    lease: timedelta,
    now: datetime,
) -> M | None:
    """Take the first due row of `model` whose lease is free, for `lease`; None when none is.

    The model has `id`, `claimed_until` and `claimed_by`. The claim is committed at once (the
    caller's pending work with it), so that other workers see it before the job starts."""
    table: Any = model
    free = or_(table.claimed_until.is_(None), table.claimed_until < now)
    for _lost in range(10):  # a race lost to another worker: try the next row
        candidate = session.scalar(
            select(table.id)
            .where(due, free)
            .order_by(order_by)
            .limit(1)
            .with_for_update(skip_locked=True, of=table)
        )
        if candidate is None:
            session.rollback()
            return None
        taken = session.execute(
            update(table)
            .where(table.id == candidate, free)
            .values(claimed_until=now + lease, claimed_by=worker)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if getattr(taken, "rowcount", 0) == 1:
            return session.get(model, candidate)
    return None


def still_ours(model: type[Any], row_id: int, worker: str) -> ColumnElement[bool]:
    """The condition under which a worker may record its job's outcome: it still holds the lease
    (had it expired and another worker taken the job, that worker's outcome counts)."""
    return (model.id == row_id) & (model.claimed_by == worker)
