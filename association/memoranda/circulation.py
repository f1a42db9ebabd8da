"""Circulation: the latest revision sent for signature, its text and SHA-256 frozen; its end
(withdrawn, a new revision, declined, or signed by all); and when each party's signatory
first opened the text.

Every function that changes something is a state change (association.domain).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, Refusal, state_change
from association.history import stating_time
from association.mail.outbox import queue_mail
from association.memoranda import policy
from association.memoranda.announcements import announce_circulated
from association.memoranda.models import (
    Circulation,
    CirculationEnd,
    Memorandum,
    MemorandumStatus,
    Party,
    SigningView,
)
from association.memoranda.outside import send_outside_link
from association.memoranda.policy import party_recipients, require_secretariat, signatories
from association.memoranda.texts import text_sha256
from association.parks.models import User
from association.site import site_url


def end_circulation(
    session: Session,
    circulation: Circulation,
    reason: CirculationEnd,
    now: datetime | None = None,
) -> None:
    """Close the circulation, keeping when and why; its signatures count only if it completed."""
    circulation.ended_at = now or utcnow()
    circulation.end_reason = reason


@state_change
def circulate(
    session: Session, actor: User | None, memorandum: Memorandum, *, now: datetime | None = None
) -> Circulation:
    """Send the latest revision for signature: its text and SHA-256 are frozen, each party's
    signatories are e-mailed (outside signatories get a single-use, expiring link).

    `now` is when it was circulated, when that was before it is recorded (association.history)."""
    require_secretariat(actor)
    if memorandum.status not in (MemorandumStatus.DRAFT, MemorandumStatus.DECLINED):
        raise Conflict(
            _(
                "Only a draft (or a declined memorandum) can be circulated; this one is %(status)s.",
                status=_(str(memorandum.status)),
            ),
            audit=Refusal(
                "memorandum.circulate_refused",
                actor=actor,
                subject=memorandum,
                details={"status": str(memorandum.status)},
            ),
        )
    if len(memorandum.parties) < 2:
        raise Invalid(_("A memorandum needs at least two parties before it can be circulated."))
    for party in memorandum.parties:
        if not party_recipients(party):
            raise Invalid(
                _("%(party)s has no active signatory: nobody could sign for it.", party=party.name)
            )
    revision = memorandum.latest_revision
    assert revision is not None, "a memorandum is created with its first revision"
    circulation = Circulation(
        memorandum=memorandum, revision=revision, sha256=text_sha256(revision, memorandum.parties)
    )
    circulation.started_by_id = actor.id if actor is not None else None
    if now is not None:
        circulation.started_at = now
    session.add(circulation)
    memorandum.status = MemorandumStatus.CIRCULATING
    session.flush()
    for party in memorandum.parties:
        if party.is_outside:
            send_outside_link(session, party, circulation)
            continue
        for user in signatories(party):
            queue_mail(
                session,
                user.email,
                _l("Please sign: %(title)s", title=memorandum.title),
                "memorandum_circulated.txt",
                language=user.language,
                name=user.full_name,
                party=party,
                memorandum=memorandum,
                circulation=circulation,
                link=site_url(f"/memoranda/{memorandum.id}/sign"),
            )
    announce_circulated(session, memorandum, circulation)
    record(
        session,
        "memorandum.circulated",
        actor=actor,
        subject=memorandum,
        details=stating_time(
            {
                "circulation": circulation.id,
                "revision": revision.number,
                "sha256": circulation.sha256,
                "parties": [party.name for party in memorandum.parties],
            },
            now,
        ),
    )
    return circulation


@state_change
def withdraw_circulation(
    session: Session, actor: User | None, memorandum: Memorandum, reason: str = ""
) -> None:
    """Stop the circulation without a new text: signatures lapse, the parties are told."""
    require_secretariat(actor)
    circulation = memorandum.current_circulation
    if memorandum.status != MemorandumStatus.CIRCULATING or circulation is None:
        raise Conflict(_("Nothing circulates for signature now."))
    end_circulation(session, circulation, CirculationEnd.WITHDRAWN)
    memorandum.status = MemorandumStatus.DRAFT
    for party in memorandum.parties:
        for email, name, language in party_recipients(party):
            queue_mail(
                session,
                email,
                _l("Signatures lapsed: %(title)s", title=memorandum.title),
                "memorandum_withdrawn.txt",
                language=language,
                name=name,
                memorandum=memorandum,
                party=party,
                revision=None,
                link=site_url(f"/memoranda/{memorandum.id}"),
            )
    record(
        session,
        "memorandum.circulation_withdrawn",
        actor=actor,
        subject=memorandum,
        details={
            "circulation": circulation.id,
            "reason": (reason or "").strip()[:500],
            "lapsed_signatures": len(circulation.signatures),
        },
    )


def refuse(error_class, message: str, action: str, actor, memorandum, **details):
    """A domain error that also records its refusal in the audit log."""
    return error_class(
        message, audit=Refusal(action, actor=actor, subject=memorandum, details=details)
    )


def open_circulation_for(
    memorandum: Memorandum, circulation_id: int | None, actor, who: str
) -> Circulation:
    """The circulation being signed, or a clear, audited refusal."""
    status = memorandum.status
    action = "memorandum.sign_refused"
    if status == MemorandumStatus.DRAFT and not memorandum.circulations:
        raise refuse(
            Conflict,
            _("This memorandum is a draft: it has not been circulated for signature."),
            action,
            actor,
            memorandum,
            reason="draft",
            who=who,
        )
    if status in policy.ISSUED_STATES:
        raise refuse(
            Conflict,
            _(
                "This memorandum is already issued (%(number)s): it cannot be signed any more.",
                number=memorandum.registry_number,
            ),
            action,
            actor,
            memorandum,
            reason="issued",
            who=who,
        )
    current = memorandum.current_circulation
    if current is None or (circulation_id is not None and current.id != circulation_id):
        if status == MemorandumStatus.DECLINED:
            message = _(
                "A party declined this memorandum: signing is stopped until the secretariat acts."
            )
        elif status == MemorandumStatus.SIGNED:
            message = _("Every party has signed already; nothing more is needed.")
        else:
            message = _(
                "The text you read was withdrawn from signature (the secretariat changed it or stopped the "
                "circulation). Your signature was not recorded; please read the current text."
            )
        raise refuse(
            Conflict,
            message,
            action,
            actor,
            memorandum,
            reason="withdrawn",
            who=who,
            circulation=circulation_id,
        )
    return current


def first_opened(session: Session, circulation: Circulation, party: Party) -> datetime | None:
    """When the party's signatory first opened this circulation's text, if they did."""
    return session.scalar(
        select(SigningView.first_opened_at).where(
            SigningView.circulation_id == circulation.id, SigningView.party_id == party.id
        )
    )


@state_change
def note_sign_page_opened(
    session: Session, user: User | None, circulation: Circulation, party: Party
) -> None:
    """Keep when the party's signatory first opened the text of this circulation (once)."""
    if first_opened(session, circulation, party) is not None:
        return
    session.add(
        SigningView(circulation=circulation, party_id=party.id, user_id=getattr(user, "id", None))
    )
    record(
        session,
        "memorandum.sign_page_opened",
        actor=user,
        subject=circulation.memorandum,
        details={"circulation": circulation.id, "party": party.name},
    )


def concluded_at(circulation: Circulation) -> datetime:
    """When the last party signed: the memorandum's date of signature."""
    return max(signature.signed_at for signature in circulation.signatures)
