"""Tampering with the audit log is caught against a checkpoint taken before it.

Someone who can write to the database tries what issue 14 names: cut the chain short,
rewrite an event and recompute every later hash (without the chain's key), delete the last
events and move the head back. Each is caught by a park holding an earlier checkpoint; a
checkpoint with a forged signature proves nothing and is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from sqlalchemy import delete, select, update

from association.audit.checkpoints import (
    CheckpointOutcome,
    checkpoint_document,
    checkpoint_now,
    verify_checkpoint,
)
from association.audit.log import GENESIS, hashed_payload, verify_chain
from association.audit.models import AuditChainHead, AuditEvent
from association.parks.models import ParkStatus
from association.parks.service import change_park_status


@pytest.fixture
def kept(session, park, secretariat):
    """Six status changes, then the checkpoint a park keeps (as JSON), then two more changes."""
    for n in range(3):
        for status in (ParkStatus.SUSPENDED, ParkStatus.MEMBER):
            change_park_status(session, secretariat, park, status, f"round {n}")
    document = json.dumps(checkpoint_document(checkpoint_now(session)))
    for status in (ParkStatus.SUSPENDED, ParkStatus.MEMBER):
        change_park_status(session, secretariat, park, status, "later")
    assert verify_checkpoint(session, document).contained
    return document


def _events(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def _move_head(session, seq: int, last_hash: str) -> None:
    session.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1).values(seq=seq, last_hash=last_hash)
    )


def _rechain(session, events, digest) -> None:
    """Recompute prev_hash and hash of every event in order with digest, as an attacker would."""
    previous = GENESIS
    for event in events:
        row = {column.name: getattr(event, column.name) for column in AuditEvent.__table__.columns}
        row["prev_hash"] = previous
        new_hash = digest(hashed_payload(row))
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == event.id)
            .values(prev_hash=previous, hash=new_hash)
        )
        previous = new_hash
    _move_head(session, events[-1].seq, previous)
    session.commit()


def _seq_of(document: str) -> int:
    return json.loads(document)["seq"]


def test_a_truncated_chain_fails_against_an_earlier_checkpoint(session, kept):
    cut = _seq_of(kept) - 2
    session.execute(delete(AuditEvent).where(AuditEvent.seq > cut))
    session.commit()
    verdict = verify_checkpoint(session, kept)
    assert verdict.outcome == CheckpointOutcome.TAMPERED
    assert f"no longer holds event {_seq_of(kept)}" in verdict.message


def test_deleting_the_last_events_and_moving_the_head_back_fails_against_a_checkpoint(
    session, kept
):
    cut = _seq_of(kept) - 1
    session.execute(delete(AuditEvent).where(AuditEvent.seq > cut))
    last = session.scalar(select(AuditEvent).where(AuditEvent.seq == cut))
    _move_head(session, cut, last.hash)
    session.commit()
    assert verify_chain(session).intact  # consistent in itself: only the checkpoint tells
    assert verify_checkpoint(session, kept).outcome == CheckpointOutcome.TAMPERED


def test_deleting_and_writing_new_events_over_the_checkpoint_fails(
    session, kept, park, secretariat
):
    cut = _seq_of(kept) - 1
    session.execute(delete(AuditEvent).where(AuditEvent.seq > cut))
    last = session.scalar(select(AuditEvent).where(AuditEvent.seq == cut))
    _move_head(session, cut, last.hash)
    session.commit()
    for status in (ParkStatus.SUSPENDED, ParkStatus.MEMBER):
        change_park_status(session, secretariat, park, status, "history written anew")
    assert verify_chain(session).intact
    verdict = verify_checkpoint(session, kept)
    assert verdict.outcome == CheckpointOutcome.TAMPERED
    assert "no longer has the hash" in verdict.message


def test_a_rewritten_and_rehashed_chain_is_caught_without_the_chains_key(session, kept):
    events = _events(session)
    target = events[2]
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.id == target.id)
        .values(details='{"reason":"never happened"}')
    )
    session.expire_all()
    _rechain(session, _events(session), lambda payload: hashlib.sha256(payload).hexdigest())
    report = verify_chain(session)
    assert not report.intact
    assert report.first_bad_seq == 1  # not one hash recomputes without the key
    assert verify_checkpoint(session, kept).outcome == CheckpointOutcome.TAMPERED


def test_a_chain_rehashed_even_with_the_key_fails_against_the_checkpoint(app, session, kept):
    key = str(app.config["AUDIT_CHAIN_KEY"]).encode()
    target = _events(session)[2]
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.id == target.id)
        .values(details='{"reason":"never happened"}')
    )
    session.expire_all()
    _rechain(
        session,
        _events(session),
        lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest(),
    )
    assert verify_chain(
        session
    ).intact  # whoever holds the key can make the chain agree with itself
    assert verify_checkpoint(session, kept).outcome == CheckpointOutcome.TAMPERED


def test_a_checkpoint_with_a_forged_signature_is_refused(session, kept):
    forged = json.loads(kept)
    forged["seq"] -= 1
    forged["head_hash"] = session.scalar(
        select(AuditEvent.hash).where(AuditEvent.seq == forged["seq"] - 1)
    )
    verdict = verify_checkpoint(session, json.dumps(forged))
    assert verdict.outcome == CheckpointOutcome.FORGED

    signed_by_someone_else = json.loads(kept)
    signed_by_someone_else["signature"] = base64.b64encode(b"\x01" * 256).decode()
    assert (
        verify_checkpoint(session, json.dumps(signed_by_someone_else)).outcome
        == CheckpointOutcome.FORGED
    )


def test_a_checkpoint_signed_with_another_key_is_refused(session, kept):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from association.audit.checkpoints import parse_checkpoint, signed_text

    fields = parse_checkpoint(kept)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signature = other.sign(
        signed_text(fields["seq"], fields["head_hash"], fields["taken_at"]),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    document = json.loads(kept) | {"signature": base64.b64encode(signature).decode()}
    assert verify_checkpoint(session, json.dumps(document)).outcome == CheckpointOutcome.FORGED


def test_audit_verify_with_a_kept_checkpoint_exits_1_after_truncation(
    runner, session, kept, tmp_path
):
    path = tmp_path / "checkpoint.json"
    path.write_text(kept)
    assert runner.invoke(args=["audit-verify", "--checkpoint", str(path)]).exit_code == 0

    cut = _seq_of(kept) - 1
    session.execute(delete(AuditEvent).where(AuditEvent.seq > cut))
    last = session.scalar(select(AuditEvent).where(AuditEvent.seq == cut))
    _move_head(session, cut, last.hash)
    session.commit()
    result = runner.invoke(args=["audit-verify", "--checkpoint", str(path)])
    assert result.exit_code == 1
    assert "NOT contained" in result.output
    # Even without the park's copy, the checkpoints the database kept give it away.
    plain = runner.invoke(args=["audit-verify"])
    assert plain.exit_code == 1
    assert "cut short or rewritten" in plain.output
