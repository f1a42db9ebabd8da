# ruff: noqa: F811 -- the fixture is imported from tests/test_migrations.py
"""Migration 0014 re-hashes an existing chain with the chain's key, and refuses to launder a
chain that was already broken."""

from __future__ import annotations

import hashlib

import pytest
from flask_migrate import upgrade
from sqlalchemy import insert, select, update

from association.audit.log import GENESIS, hashed_payload, verify_chain
from association.audit.models import AuditChainHead, AuditEvent
from association.database import utcnow
from association.extensions import db
from tests.test_migrations import bare_app  # noqa: F401 (a fixture)


def _plain_chain(count: int) -> None:
    """Events as revision 0009 wrote them: plain SHA-256, no key."""
    previous = GENESIS
    for seq in range(1, count + 1):
        row = {
            "seq": seq,
            "occurred_at": utcnow().replace(microsecond=0),
            "action": "park.created",
            "actor_id": None,
            "actor_label": "",
            "subject_type": "Park",
            "subject_id": str(seq),
            "details": "{}",
            "origin": "cli",
            "prev_hash": previous,
        }
        row["hash"] = hashlib.sha256(hashed_payload(row)).hexdigest()
        db.session.execute(insert(AuditEvent.__table__).values(**row))
        previous = row["hash"]
    db.session.commit()


def test_the_upgrade_rehashes_the_chain_with_its_key(bare_app):
    upgrade(revision="0009")
    _plain_chain(3)
    plain = db.session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq)).all()
    db.session.close()

    upgrade()
    keyed = db.session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq)).all()
    assert len(keyed) == 3
    assert not set(plain) & set(keyed)
    assert verify_chain(db.session).intact
    head = db.session.get(AuditChainHead, 1)
    assert (head.seq, head.last_hash) == (3, keyed[-1])


def test_the_upgrade_refuses_to_rehash_a_broken_chain(bare_app):
    upgrade(revision="0009")
    _plain_chain(3)
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(details='{"x":1}'))
    db.session.commit()
    before = db.session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq)).all()
    db.session.close()
    with pytest.raises(SystemExit):  # Flask-Migrate logs the RuntimeError and exits
        upgrade()
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq)).all() == before
