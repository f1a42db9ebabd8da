"""The second factor: TOTP (RFC 6238, through pyotp) with one-time recovery codes.

Required for the secretariat and administrators, optional for members. A code's time step
is accepted once only, so a code seen over someone's shoulder cannot be replayed.
"""

from __future__ import annotations

import base64
import secrets
import time

import pyotp
import segno
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.auth import throttle
from association.auth.models import RecoveryCode
from association.auth.passwords import require_password, wrong_current_password
from association.auth.policy import can_change_roles
from association.auth.sessions import (
    end_other_sessions_of,
    is_pending,
    pass_second_factor,
    pending_has_expired,
)
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, Refusal, state_change
from association.parks.models import User
from association.tokens import token_digest

ISSUER = "Association of Modern Technoparks"
RECOVERY_CODES = 10
STEP_SECONDS = 30


def provisioning_qr(user: User) -> str:
    """The enrolment QR code as a data: URI (an <img>, allowed by the CSP)."""
    if not user.totp_secret:
        raise Conflict(_("Please start the set-up again."))
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@state_change
def begin_enrolment(session: Session, user: User, secret: str | None = None) -> str:
    """A new, unconfirmed secret for the user's authenticator app; returns it.

    `secret` gives a known one (the demo accounts, whose secret the README publishes).
    """
    if user.has_second_factor:
        raise Conflict(_("Your second factor is already set up."))
    user.totp_secret = secret or pyotp.random_base32()
    record(session, "second_factor.enrolment_started", actor=user, subject=user)
    return user.totp_secret


def _matching_step(user: User, code: str) -> int | None:
    code = _normalise(code)
    if not (code.isdigit() and len(code) == 6) or not user.totp_secret:
        return None
    totp = pyotp.TOTP(user.totp_secret)
    now_step = int(time.time()) // STEP_SECONDS
    # One step of drift either way, for phones whose clocks are a little off.
    for step in (now_step - 1, now_step, now_step + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


@state_change
def confirm_enrolment(session: Session, user: User, code: str) -> list[str]:
    """Confirm the secret with a first code; returns the recovery codes (shown once)."""
    if user.has_second_factor:
        raise Conflict(_("Your second factor is already set up."))
    if not user.totp_secret:
        raise Conflict(_("Please start the set-up again."))
    step = _matching_step(user, code)
    if step is None:
        raise Invalid(
            _("This code is not right. Check the time on your phone and type the current code.")
        )
    user.totp_confirmed_at = utcnow()
    user.totp_last_step = step
    # This session has just shown the second factor; the user's other sessions have not.
    pass_second_factor(user)
    end_other_sessions_of(session, user)
    codes = _new_recovery_codes(session, user)
    record(session, "second_factor.enabled", actor=user, subject=user)
    return codes


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=token_digest(_normalise(code))) for code in codes
    )
    return codes


@state_change
def verify_second_factor(session: Session, user: User, code: str) -> None:
    """Accept a current TOTP code (each time step once) or an unused recovery code, and note
    that the user's session (user.signed_in) has passed the second factor.

    Wrong codes are throttled per account and per address and audited; a sign-in waiting
    for its code longer than SECOND_FACTOR_PENDING_MINUTES is refused and ends.
    """
    row = user.signed_in
    if row is not None and is_pending(row) and pending_has_expired(row):
        raise Conflict(_("The time to type the code has run out. Please sign in again."))
    throttle.refuse_if_throttled(throttle.SECOND_FACTOR, user.email, actor=user)
    step = _matching_step(user, code)
    if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
        user.totp_last_step = step
        pass_second_factor(user)
        record(session, "second_factor.verified", actor=user, subject=user)
        return
    recovery = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.used_at.is_(None),
            RecoveryCode.code_hash == token_digest(_normalise(code)),
        )
    )
    if recovery is not None:
        recovery.used_at = utcnow()
        pass_second_factor(user)
        record(session, "second_factor.recovery_code_used", actor=user, subject=user)
        return
    throttle.count_wrong_guess(throttle.SECOND_FACTOR, user.email)
    raise NotAllowed(
        _("This code is not right, or it was already used."),
        audit=Refusal("second_factor.failed", actor=user, subject=user),
    )


@state_change
def reset_second_factor(
    session: Session, actor: User, user: User, *, current_password: str | None = None
) -> None:
    """Remove a user's second factor (a lost phone): the user enrols again at next sign-in.

    Administrators may reset anyone's; a member may switch off their own (optional for members)
    with their current password, checked, throttled and audited as at sign-in.
    """
    own = actor.id == user.id
    if own and user.must_use_second_factor:
        raise NotAllowed(_("Secretariat and administrator accounts must keep a second factor."))
    if not own and not can_change_roles(actor):
        raise NotAllowed(_("Only an administrator can reset another user's second factor."))
    if not user.totp_secret:
        raise Conflict(_("No second factor is set up."))
    if own:
        require_password(
            user,
            current_password or "",
            wrong=wrong_current_password(user, "second_factor_off"),
        )
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(session, "second_factor.reset", actor=actor, subject=user)
