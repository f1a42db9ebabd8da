"""Signed checkpoints of the audit chain, as Certificate Transparency signs its tree heads.

A checkpoint is the chain's head at one moment (how many events, the last one's hash, the
time), signed with the association's document key. Every member park's delegates receive
each one and it is published at /audit/checkpoints. Someone who can write to the database
can cut the chain short and move its head back, or, holding the chain's key, rewrite an
event and every hash after it; either way the chain no longer holds a head that a park kept,
and verify_checkpoint() says so.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import checkpoint_wanted, current_head, verify_chain
from association.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from association.database import utcnow
from association.documents.seal import certificate_fingerprint, load_signer
from association.domain import Invalid, state_change
from association.mail.outbox import queue_mail
from association.parks.models import Park, ParkStatus, User
from association.site import instance_path, settings, site_url

CHAIN = "audit log of the Association of Modern Technoparks of the Organization of Turkic States"
MAX_CHECKPOINT_BYTES = 10_000  # a checkpoint is a few hundred bytes; refuse anything far larger
_HEX = set("0123456789abcdef")

_private_keys: dict[str, Any] = {}  # by certificate fingerprint: parsing an RSA key costs ~40 ms
_keys_lock = threading.Lock()


# --- signing ----------------------------------------------------------------------------------


def signed_text(seq: int, head_hash: str, taken_at: datetime) -> bytes:
    """The exact bytes a checkpoint's signature covers: canonical JSON of what it states."""
    statement = {"chain": CHAIN, "seq": seq, "head_hash": head_hash, "taken_at": _iso(taken_at)}
    return json.dumps(statement, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _association_keys():
    """(private key, public key, certificate fingerprint) of the association's document seal."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    signer = load_signer(settings(), instance_path())
    fingerprint = certificate_fingerprint(signer.signing_cert)
    with _keys_lock:
        private = _private_keys.get(fingerprint)
        if private is None:
            private = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
            _private_keys[fingerprint] = private
    public = x509.load_der_x509_certificate(signer.signing_cert.dump()).public_key()
    return private, public, fingerprint


def _sign(private, text: bytes) -> tuple[str, bytes]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    if isinstance(private, rsa.RSAPrivateKey):
        return "RSA-PKCS1v15-SHA256", private.sign(text, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(private, ec.EllipticCurvePrivateKey):
        return "ECDSA-SHA256", private.sign(text, ec.ECDSA(hashes.SHA256()))
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return "Ed25519", private.sign(text)
    raise RuntimeError("The association's signing key is of a kind checkpoints cannot use.")


def _signature_holds(public, algorithm: str, signature: bytes, text: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    try:
        if algorithm == "RSA-PKCS1v15-SHA256" and isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, text, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == "ECDSA-SHA256" and isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, text, ec.ECDSA(hashes.SHA256()))
        elif algorithm == "Ed25519" and isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, text)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def take_checkpoint(session: Session, reason: str) -> AuditCheckpoint:
    """Sign the chain's head as this transaction leaves it, store it and mail it to every member
    park's delegates; flushed, not committed. Takes the change lock if the caller has not."""
    seq, head_hash = current_head(session)
    taken_at = utcnow().replace(microsecond=0)
    private, _public, fingerprint = _association_keys()
    algorithm, signature = _sign(private, signed_text(seq, head_hash, taken_at))
    checkpoint = AuditCheckpoint(
        seq=seq,
        head_hash=head_hash,
        taken_at=taken_at,
        reason=reason[:32],
        algorithm=algorithm,
        key_sha256=fingerprint,
        signature=base64.b64encode(signature).decode(),
    )
    session.add(checkpoint)
    session.flush()
    _mail_to_member_parks(session, checkpoint)
    return checkpoint


@state_change
def checkpoint_now(session: Session, reason: str = "daily") -> AuditCheckpoint:
    """Take a checkpoint on its own (the daily command): one serialised transaction."""
    return take_checkpoint(session, reason)


# The spec's cadence: the chain's head is signed at least daily (and whenever a document is
# issued or a vote closes, by before_commit below).
DAILY = timedelta(hours=24)


def checkpoint_due(session: Session, now: datetime | None = None) -> bool:
    """Whether the daily checkpoint is due: the chain has moved since the last checkpoint, and
    that one is a day old (or there is none). A cheap read, without the change lock."""
    head = session.scalar(select(AuditChainHead.seq).where(AuditChainHead.id == 1))
    return _due(session, head or 0, now or utcnow())


def _due(session: Session, head_seq: int, now: datetime) -> bool:
    if head_seq == 0:
        return False
    latest = latest_checkpoint(session)
    return latest is None or (latest.seq != head_seq and latest.taken_at <= now - DAILY)


@state_change
def checkpoint_if_due(session: Session, now: datetime | None = None) -> AuditCheckpoint | None:
    """The daily checkpoint, if due (checkpoint_due), asked again under the change lock: taken
    once, however many workers ask at the same moment."""
    seq, _hash = current_head(session)  # the lock first, then the question
    if not _due(session, seq, now or utcnow()):
        return None
    return take_checkpoint(session, "daily")


def _mail_to_member_parks(session: Session, checkpoint: AuditCheckpoint) -> None:
    delegates = session.scalars(
        select(User)
        .join(Park, User.park_id == Park.id)
        .where(Park.status == ParkStatus.MEMBER, User.is_delegate.is_(True), User.active.is_(True))
        .order_by(User.id)
    ).all()
    if not delegates:
        return
    document = json.dumps(checkpoint_document(checkpoint), indent=2, sort_keys=True)
    link = site_url(f"/audit/checkpoints/{checkpoint.id}.json")
    verify = site_url("/audit/checkpoints")
    for user in delegates:
        queue_mail(
            session,
            user.email,
            _l("Audit log checkpoint %(seq)s", seq=checkpoint.seq),
            "audit_checkpoint.txt",
            language=user.language,
            user=user,
            checkpoint=checkpoint,
            document=document,
            link=link,
            verify_link=verify,
        )


def before_commit(session: Session) -> None:
    """Session hook: a transaction that recorded an action asking for one ends with a checkpoint."""
    reason = checkpoint_wanted(session)
    if reason is not None:
        take_checkpoint(session, reason)


# --- reading --------------------------------------------------------------------------------


def checkpoint_document(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """The checkpoint as a park keeps it (the downloadable JSON): what is signed and the signature."""
    return {
        "chain": CHAIN,
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "taken_at": _iso(checkpoint.taken_at),
        "algorithm": checkpoint.algorithm,
        "key_sha256": checkpoint.key_sha256,
        "signature": checkpoint.signature,
    }


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))


# --- verifying --------------------------------------------------------------------------------


class CheckpointOutcome(enum.StrEnum):
    CONTAINED = "contained"  # the chain still holds this head at this position, intact up to it
    TAMPERED = "tampered"  # the signature is ours, but the chain no longer holds that head
    FORGED = "forged"  # not signed by the association's key


@dataclass(frozen=True)
class CheckpointVerdict:
    outcome: CheckpointOutcome
    message: str
    seq: int | None = None

    @property
    def contained(self) -> bool:
        return self.outcome == CheckpointOutcome.CONTAINED


def parse_checkpoint(raw: str | bytes | Mapping) -> dict[str, Any]:
    """A checkpoint's fields from its JSON (text, bytes or already parsed); Invalid when it is not one."""
    if isinstance(raw, bytes | str):
        if len(raw) > MAX_CHECKPOINT_BYTES:
            raise Invalid(_("This is far larger than a checkpoint: paste or upload its JSON file."))
        try:
            raw = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise Invalid(_("This is not a checkpoint: it is not JSON.")) from None
    if not isinstance(raw, Mapping):
        raise Invalid(_("This is not a checkpoint: a checkpoint is a JSON object."))
    seq, head_hash = raw.get("seq"), raw.get("head_hash")
    taken_at, signature = raw.get("taken_at"), raw.get("signature")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**62:
        raise Invalid(_("This is not a checkpoint: its seq is not an event count."))
    if not isinstance(head_hash, str) or len(head_hash) != 64 or not set(head_hash) <= _HEX:
        raise Invalid(_("This is not a checkpoint: its head_hash is not a hash."))
    try:
        moment = datetime.fromisoformat(str(taken_at))
    except ValueError:
        raise Invalid(_("This is not a checkpoint: its taken_at is not a time.")) from None
    if moment.tzinfo is None:
        raise Invalid(_("This is not a checkpoint: its taken_at has no time zone."))
    try:
        signature_bytes = base64.b64decode(str(signature or ""), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("This is not a checkpoint: its signature is not base64.")) from None
    if not signature_bytes:
        raise Invalid(_("This is not a checkpoint: it has no signature."))
    return {
        "seq": seq,
        "head_hash": head_hash,
        "taken_at": moment,
        "algorithm": str(raw.get("algorithm") or ""),
        "signature": signature_bytes,
    }


def verify_checkpoint(session: Session, raw: str | bytes | Mapping) -> CheckpointVerdict:
    """Whether the current chain still contains the checkpoint's head at its position.

    The signature must be the association's (a forged checkpoint proves nothing); then the
    event at that position must carry that hash, and every event up to it must still
    recompute to its hash with the chain's key. Raises Invalid for input that is not a
    checkpoint at all; never changes anything.
    """
    fields = parse_checkpoint(raw)
    seq, head_hash = fields["seq"], fields["head_hash"]
    _private, public, _fingerprint = _association_keys()
    text = signed_text(seq, head_hash, fields["taken_at"])
    if not _signature_holds(public, fields["algorithm"], fields["signature"], text):
        return CheckpointVerdict(
            CheckpointOutcome.FORGED,
            _(
                "The signature is not the association's: this checkpoint was not signed with its "
                "key, so it proves nothing about the audit log."
            ),
            seq,
        )
    if seq == 0:
        return CheckpointVerdict(
            CheckpointOutcome.CONTAINED, _("This checkpoint names the empty chain."), seq
        )
    event = session.scalar(select(AuditEvent).where(AuditEvent.seq == seq))
    if event is None:
        count = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
        return CheckpointVerdict(
            CheckpointOutcome.TAMPERED,
            _(
                "The audit log no longer holds event %(seq)s (it now ends at event %(count)s): "
                "events were removed after this checkpoint was signed.",
                seq=seq,
                count=count or 0,
            ),
            seq,
        )
    if event.hash != head_hash:
        return CheckpointVerdict(
            CheckpointOutcome.TAMPERED,
            _(
                "Event %(seq)s no longer has the hash this checkpoint signed: the audit log was "
                "rewritten at or before that event.",
                seq=seq,
            ),
            seq,
        )
    report = verify_chain(session)
    if not report.intact and report.first_bad_seq is not None and report.first_bad_seq <= seq:
        return CheckpointVerdict(
            CheckpointOutcome.TAMPERED,
            _(
                "The audit log was altered before this checkpoint's head: %(problem)s.",
                problem=report.problem,
            ),
            seq,
        )
    return CheckpointVerdict(
        CheckpointOutcome.CONTAINED,
        _(
            "The audit log still contains this checkpoint: event %(seq)s has the signed hash and "
            "every event up to it is unchanged.",
            seq=seq,
        ),
        seq,
    )


def stored_checkpoints_problem(session: Session) -> str | None:
    """The latest stored checkpoint the chain no longer contains, worded; None when all hold.

    One query however many checkpoints there are: those whose head is not, hash for hash, an
    event of the chain at that position.
    """
    held = (
        select(AuditEvent.id)
        .where(AuditEvent.seq == AuditCheckpoint.seq, AuditEvent.hash == AuditCheckpoint.head_hash)
        .exists()
    )
    checkpoint = session.scalar(
        select(AuditCheckpoint)
        .where(AuditCheckpoint.seq > 0, ~held)
        .order_by(AuditCheckpoint.seq.desc())
        .limit(1)
    )
    if checkpoint is None:
        return None
    return _(
        "the checkpoint of %(when)s names event %(seq)s with a hash the chain no longer holds",
        when=_iso(checkpoint.taken_at),
        seq=checkpoint.seq,
    )
