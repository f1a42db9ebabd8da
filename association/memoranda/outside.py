"""Outside signatories: the single-use, expiring link an organisation outside the
association signs through, and the one-time codes e-mailed to confirm its signature.

Only the SHA-256 of a link's token and a slow hash of each code are stored
(association.tokens), so that a copy of the database signs nothing.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.audit.models import AuditEvent
from association.auth.passwords import hash_password, password_matches
from association.database import utcnow
from association.domain import Conflict, Invalid, Refusal, state_change
from association.languages import ENGLISH
from association.mail.outbox import Secret, queue_mail
from association.memoranda.models import (
    Circulation,
    OutsideSigningLink,
    Party,
)
from association.memoranda.policy import require_secretariat
from association.parks.models import User
from association.tokens import new_token, token_digest

OUTSIDE_LINK_DAYS = 14
CODE_MINUTES = 30
MAX_WRONG_CODES = 5
MAX_CODES_SENT = 5


def _new_outside_link(session: Session, party: Party, circulation: Circulation) -> str:
    token = new_token()
    session.add(
        OutsideSigningLink(
            party=party,
            circulation=circulation,
            token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(days=OUTSIDE_LINK_DAYS),
        )
    )
    return token


def send_outside_link(session: Session, party: Party, circulation: Circulation) -> str:
    """Make a new link for the outside party and e-mail it; returns the token (shown nowhere else)."""
    token = _new_outside_link(session, party, circulation)
    queue_mail(
        session,
        party.signatory_email,
        _l("Please sign: %(title)s", title=circulation.memorandum.title),
        "memorandum_outside_link.txt",
        # An outside signatory has no account to say which language they read.
        language=ENGLISH,
        party=party,
        memorandum=circulation.memorandum,
        circulation=circulation,
        link=Secret.link("/memoranda/sign/", token),
        days=OUTSIDE_LINK_DAYS,
    )
    return token


def find_outside_link(session: Session, token: str) -> OutsideSigningLink:
    """The link, if it can still be used; Invalid saying plainly what is wrong otherwise."""
    link = session.scalar(
        select(OutsideSigningLink).where(OutsideSigningLink.token_hash == token_digest(token or ""))
    )
    if link is None:
        raise Invalid(_("This signing link is not valid. Please check that you copied all of it."))
    if link.used_at is not None:
        raise Invalid(_("This signing link has already been used. Each link works once."))
    if link.expires_at <= utcnow():
        raise Invalid(_("This signing link has expired. Please ask the secretariat for a new one."))
    if not link.circulation.is_open:
        raise Invalid(
            _(
                "The text this link was sent for is no longer out for signature (it was changed, declined or "
                "signed by all). If a new text is circulated you will receive a new link."
            )
        )
    return link


def usable_link(session: Session, token: str) -> OutsideSigningLink:
    """find_outside_link(), with the refusal written to the audit log."""
    try:
        return find_outside_link(session, token)
    except Invalid as refused:
        link = session.scalar(
            select(OutsideSigningLink).where(
                OutsideSigningLink.token_hash == token_digest(token or "")
            )
        )
        refused.audit = Refusal(
            "memorandum.outside_link_refused",
            subject=link.circulation.memorandum if link else None,
            details={"reason": refused.message[:200], "link": link.id if link else None},
        )
        raise


def wrong_codes(session: Session, link: OutsideSigningLink) -> int:
    """How many wrong confirmation codes were tried on this link."""
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "memorandum.outside_code_wrong",
                AuditEvent.subject_type == "OutsideSigningLink",
                AuditEvent.subject_id == str(link.id),
            )
        )
        or 0
    )


@state_change
def send_outside_code(session: Session, token: str) -> OutsideSigningLink:
    """E-mail a fresh 6-digit confirmation code to the outside signatory (valid 30 minutes)."""
    link = usable_link(session, token)
    if link.codes_sent >= MAX_CODES_SENT:
        raise Conflict(
            _(
                "Several codes have been sent already. Please use the latest one, or ask the secretariat "
                "for a new link."
            )
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    link.code_hash = hash_password(code)
    link.code_sent_at = utcnow()
    link.code_expires_at = utcnow() + timedelta(minutes=CODE_MINUTES)
    link.codes_sent += 1
    party = link.party
    queue_mail(
        session,
        party.signatory_email,
        _l("Your confirmation code: %(title)s", title=party.memorandum.title),
        "memorandum_code.txt",
        language=ENGLISH,
        party=party,
        memorandum=party.memorandum,
        code=Secret(code),
        minutes=CODE_MINUTES,
    )
    record(
        session,
        "memorandum.outside_code_sent",
        subject=party.memorandum,
        details={
            "circulation": link.circulation_id,
            "party": party.name,
            "to": party.signatory_email,
        },
    )
    return link


def check_code(session: Session, link: OutsideSigningLink, code: str) -> None:
    """Invalid (audited) unless the code is the link's latest, unexpired and not locked by wrong tries."""
    memorandum = link.party.memorandum
    if wrong_codes(session, link) >= MAX_WRONG_CODES:
        raise Invalid(
            _(
                "Too many wrong codes: this link is locked. Please ask the secretariat for a new one."
            ),
            audit=Refusal(
                "memorandum.outside_link_locked", subject=memorandum, details={"link": link.id}
            ),
        )
    if link.code_hash is None:
        raise Invalid(
            _(
                "Please ask for a confirmation code first: it is sent to %(email)s.",
                email=link.party.signatory_email,
            )
        )
    if link.code_expires_at is None or link.code_expires_at <= utcnow():
        raise Invalid(_("The confirmation code has expired. Please ask for a new one."))
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code) or not password_matches(link.code_hash, code):
        raise Invalid(
            _("The confirmation code is not right. Your signature was not recorded."),
            audit=Refusal(
                "memorandum.outside_code_wrong",
                subject=link,
                details={"memorandum": memorandum.id, "party": link.party.name},
            ),
        )


@state_change
def resend_outside_link(session: Session, actor: User | None, party: Party) -> str:
    """A new link for an outside signatory (lost, expired or locked); the earlier ones stop working."""
    require_secretariat(actor)
    memorandum = party.memorandum
    circulation = memorandum.current_circulation
    if not party.is_outside or circulation is None:
        raise Conflict(_("Only an outside party of a circulating memorandum gets a signing link."))
    if circulation.signature_of(party) is not None:
        raise Conflict(_("%(party)s has already signed.", party=party.name))
    now = utcnow()
    for link in session.scalars(
        select(OutsideSigningLink).where(
            OutsideSigningLink.party_id == party.id, OutsideSigningLink.used_at.is_(None)
        )
    ):
        link.used_at = now
    token = send_outside_link(session, party, circulation)
    record(
        session,
        "memorandum.outside_link_resent",
        actor=actor,
        subject=memorandum,
        details={"circulation": circulation.id, "party": party.name},
    )
    return token
