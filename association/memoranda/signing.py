"""Signing: each party's signature or decline of the circulating text, by a member park's
signatory (confirmed with the password), by an outside signatory (through the link and
the e-mailed code), or recorded from paper (command line only).

Every function that changes something is a state change (association.domain).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.audit.models import AuditEvent
from association.auth.passwords import require_password
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, NotFound, state_change
from association.history import stating_time
from association.mail.outbox import queue_mail
from association.memoranda import policy
from association.memoranda.announcements import announce_signed
from association.memoranda.circulation import (
    end_circulation,
    first_opened,
    open_circulation_for,
    refuse,
)
from association.memoranda.models import (
    Circulation,
    CirculationEnd,
    Decline,
    Memorandum,
    MemorandumStatus,
    Party,
    Signature,
)
from association.memoranda.outside import check_code, usable_link
from association.memoranda.policy import party_recipients, staff
from association.parks.models import User
from association.site import site_url

MAX_WRONG_PASSWORDS = 5
WRONG_PASSWORD_WINDOW = timedelta(minutes=15)


def _party_in(memorandum: Memorandum, party_id: int | None) -> Party:
    party = next((p for p in memorandum.parties if p.id == party_id), None)
    if party is None:
        raise NotFound(_("This party is not a party to the memorandum."))
    return party


def check_signer_fields(full_name: str, title: str, consent: bool) -> tuple[str, str]:
    """The signer's full name and title as they appear on the memorandum, and the consent ticked."""
    full_name, title = (full_name or "").strip(), (title or "").strip()
    # Each refusal names its field, so the page shows it there.
    if not full_name or not title:
        raise Invalid(
            _(
                "Please type your full name and your title, as they should appear on the memorandum."
            ),
            field="full_name" if not full_name else "title",
        )
    if len(full_name) > 200 or len(title) > 200:
        raise Invalid(
            _("The name and the title may have at most 200 characters each."),
            field="full_name" if len(full_name) > 200 else "title",
        )
    if not consent:
        raise Invalid(
            _("Please tick the box to confirm that you sign with this electronic signature."),
            field="consent",
        )
    return full_name, title


def wrong_passwords_recently(session: Session, user: User, memorandum: Memorandum) -> int:
    """Wrong passwords this user typed signing this memorandum within the window."""
    since = utcnow() - WRONG_PASSWORD_WINDOW
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "memorandum.sign_wrong_password",
                AuditEvent.actor_id == user.id,
                AuditEvent.subject_type == "Memorandum",
                AuditEvent.subject_id == str(memorandum.id),
                AuditEvent.occurred_at >= since,
            )
        )
        or 0
    )


def after_signature(
    session: Session,
    actor,
    memorandum: Memorandum,
    circulation: Circulation,
    signature: Signature,
    now: datetime | None = None,
) -> None:
    """Audit the signature; when every party has signed, end the circulation and tell the secretariat.

    `now` is when it was signed, when that was before it is recorded (a paper signature)."""
    record(
        session,
        "memorandum.signed",
        actor=actor,
        subject=memorandum,
        details=stating_time(
            {
                "circulation": circulation.id,
                "party": signature.party.name,
                "signer": signature.full_name,
                "title": signature.title,
                "method": signature.method,
                "sha256": signature.revision_sha256,
                "ip": signature.ip,
                "user_agent": signature.user_agent,
            },
            now,
        ),
    )
    signed = {s.party_id for s in circulation.signatures}
    complete = all(party.id in signed for party in memorandum.parties)
    if complete:
        end_circulation(session, circulation, CirculationEnd.COMPLETED, now)
        memorandum.status = MemorandumStatus.SIGNED
    announce_signed(session, memorandum, signature)  # the status says whether all have signed
    if complete:
        for user in staff(session):
            queue_mail(
                session,
                user.email,
                _l("All parties have signed: %(title)s", title=memorandum.title),
                "memorandum_signed_all.txt",
                language=user.language,
                name=user.full_name,
                memorandum=memorandum,
                link=site_url(f"/memoranda/{memorandum.id}"),
            )
        record(
            session,
            "memorandum.fully_signed",
            actor=actor,
            subject=memorandum,
            details=stating_time(
                {"circulation": circulation.id, "sha256": circulation.sha256}, now
            ),
        )


@state_change
def sign(
    session: Session,
    user: User,
    memorandum: Memorandum,
    *,
    party_id: int | None,
    circulation_id: int | None,
    full_name: str,
    title: str,
    consent: bool,
    password: str,
    ip: str = "",
    user_agent: str = "",
) -> Signature:
    """The party's signature of the circulating text, confirmed with the signatory's password.

    Exactly one signature per party and circulation, even when two of its signatories sign
    at the same moment (the change lock serialises them; a unique constraint guards).
    Repeated wrong passwords (5 in 15 minutes) stop signing for this user for a while.
    """
    party = _party_in(memorandum, party_id)
    if not policy.can_sign_for(user, party):
        reason = "not_signatory" if user.park_id == party.park_id else "other_party"
        message = (
            _(
                "You are not a signatory of %(party)s: ask the secretariat to give you that duty.",
                party=party.name,
            )
            if reason == "not_signatory"
            else _("You cannot sign for %(party)s: you do not represent it.", party=party.name)
        )
        raise refuse(
            NotAllowed,
            message,
            "memorandum.sign_refused",
            user,
            memorandum,
            reason=reason,
            party=party.name,
        )
    if wrong_passwords_recently(session, user, memorandum) >= MAX_WRONG_PASSWORDS:
        raise refuse(
            NotAllowed,
            _(
                "Too many wrong passwords. Signing is paused for 15 minutes; please try again "
                "later."
            ),
            "memorandum.sign_throttled",
            user,
            memorandum,
            party=party.name,
        )
    circulation = open_circulation_for(memorandum, circulation_id, user, user.email)
    existing = circulation.signature_of(party)
    if existing is not None:
        raise Conflict(
            _(
                "%(party)s has already signed (by %(name)s at %(time)s UTC).",
                party=party.name,
                name=existing.full_name,
                time=existing.signed_at.strftime("%Y-%m-%d %H:%M"),
            )
        )
    full_name, title = check_signer_fields(full_name, title, consent)
    # The account's password, checked and throttled as at sign-in (per account and address).
    require_password(
        user,
        password or "",
        wrong=refuse(
            NotAllowed,
            _("The password is not right. Your signature was not recorded."),
            "memorandum.sign_wrong_password",
            user,
            memorandum,
            party=party.name,
            circulation=circulation.id,
        ),
    )
    signature = Signature(
        circulation=circulation,
        party=party,
        user=user,
        full_name=full_name,
        title=title,
        consent=True,
        method="password",
        first_opened_at=first_opened(session, circulation, party),
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:300],
        revision_sha256=circulation.sha256,
    )
    session.add(signature)
    session.flush()
    after_signature(session, user, memorandum, circulation, signature)
    return signature


def record_decline(
    session: Session,
    actor,
    memorandum: Memorandum,
    circulation: Circulation,
    party: Party,
    full_name: str,
    reason: str,
) -> Decline:
    """Record the party's decline with its reason, stop the circulation and tell everyone else."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _(
                "Please give the reason for declining: the secretariat and the other parties will read it."
            )
        )
    decline = Decline(
        circulation=circulation,
        party=party,
        user_id=getattr(actor, "id", None),
        full_name=full_name[:200],
        reason=reason[:5000],
    )
    session.add(decline)
    end_circulation(session, circulation, CirculationEnd.DECLINED)
    memorandum.status = MemorandumStatus.DECLINED
    recipients = [(u.email, u.full_name, u.language) for u in staff(session)]
    for other in memorandum.parties:
        if other.id != party.id:
            recipients += party_recipients(other)
    for email, name, language in recipients:
        queue_mail(
            session,
            email,
            _l("Declined by %(party)s: %(title)s", party=party.name, title=memorandum.title),
            "memorandum_declined.txt",
            language=language,
            name=name,
            memorandum=memorandum,
            party=party,
            reason=reason,
            link=site_url(f"/memoranda/{memorandum.id}"),
        )
    session.flush()
    record(
        session,
        "memorandum.declined",
        actor=actor,
        subject=memorandum,
        details={
            "circulation": circulation.id,
            "party": party.name,
            "by": full_name,
            "reason": reason[:500],
        },
    )
    return decline


@state_change
def decline(
    session: Session,
    user: User,
    memorandum: Memorandum,
    *,
    party_id: int | None,
    circulation_id: int | None,
    reason: str,
) -> Decline:
    """The party declines the circulating text: the circulation stops until the secretariat acts."""
    party = _party_in(memorandum, party_id)
    if not policy.can_sign_for(user, party):
        raise refuse(
            NotAllowed,
            _("Only a signatory of %(party)s can decline for it.", party=party.name),
            "memorandum.decline_refused",
            user,
            memorandum,
            party=party.name,
        )
    circulation = open_circulation_for(memorandum, circulation_id, user, user.email)
    if circulation.signature_of(party) is not None:
        raise Conflict(_("%(party)s has already signed this text.", party=party.name))
    return record_decline(session, user, memorandum, circulation, party, user.full_name, reason)


@state_change
def sign_outside(
    session: Session,
    token: str,
    *,
    code: str,
    full_name: str,
    title: str,
    consent: bool,
    ip: str = "",
    user_agent: str = "",
) -> Signature:
    """An outside party's signature through its single-use link, confirmed with the e-mailed code."""
    link = usable_link(session, token)
    party, circulation = link.party, link.circulation
    memorandum = party.memorandum
    if circulation.signature_of(party) is not None:
        raise Conflict(_("%(party)s has already signed.", party=party.name))
    full_name, title = check_signer_fields(full_name, title, consent)
    check_code(session, link, code)
    link.used_at = utcnow()
    signature = Signature(
        circulation=circulation,
        party=party,
        user=None,
        full_name=full_name,
        title=title,
        consent=True,
        method="email_code",
        first_opened_at=first_opened(session, circulation, party),
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:300],
        revision_sha256=circulation.sha256,
    )
    session.add(signature)
    session.flush()
    after_signature(session, None, memorandum, circulation, signature)
    return signature


@state_change
def decline_outside(session: Session, token: str, *, code: str, reason: str) -> Decline:
    """An outside party declines through its link, confirmed with the e-mailed code."""
    link = usable_link(session, token)
    party = link.party
    check_code(session, link, code)
    link.used_at = utcnow()
    return record_decline(
        session, None, party.memorandum, link.circulation, party, party.signatory_name, reason
    )


@state_change
def record_paper_signature(
    session: Session,
    actor: None,
    memorandum: Memorandum,
    party: Party,
    *,
    signatory: User | None,
    full_name: str,
    title: str,
    signed_at: datetime,
    evidence: str,
) -> Signature:
    """Record a signature made on paper before this platform existed (command line only).

    The 2022 memorandum was signed in ink in Astana; its record here says so in the evidence.
    """
    if actor is not None:
        raise NotAllowed(_("Signatures made on paper are recorded from the command line only."))
    circulation = open_circulation_for(memorandum, None, None, "paper")
    if circulation.signature_of(party) is not None:
        raise Conflict(_("%(party)s has already signed.", party=party.name))
    signature = Signature(
        circulation=circulation,
        party=party,
        user=signatory,
        full_name=full_name,
        title=title,
        consent=True,
        method="paper",
        signed_at=signed_at,
        ip="",
        user_agent=evidence[:300],
        revision_sha256=circulation.sha256,
    )
    session.add(signature)
    session.flush()
    after_signature(session, None, memorandum, circulation, signature, now=signed_at)
    return signature
