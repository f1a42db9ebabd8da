"""Password hashing and the password rule, shared by every form and command that sets one."""

from __future__ import annotations

import gzip
import re
import secrets
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.security import check_password_hash, generate_password_hash

from association.auth import throttle
from association.domain import DomainError, Invalid, NotAllowed, Refusal
from association.site import setting

if TYPE_CHECKING:
    from association.parks.models import User

MIN_PASSWORD_LENGTH = 12

# The 20,000 most common passwords (the list Django ships, from Royce Williams' compilation,
# BSD licence), lower-cased.
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def is_common(password: str) -> bool:
    """A listed password, or one padded out to length from a listed one ("qwerty123456",
    "passwordpassword", "Iloveyou2026!"), or only digits and symbols."""
    common = common_passwords()
    lowered = password.lower().strip()
    if lowered in common:
        return True
    # Digits and symbols around a listed word add little; nothing but digits and symbols is a PIN.
    core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered)
    if not core or core in common:
        return True
    return any(
        len(lowered) % size == 0
        and lowered == lowered[:size] * (len(lowered) // size)
        and lowered[:size] in common
        for size in range(1, len(lowered) // 2 + 1)
    )


def hash_password(password: str) -> str:
    # scrypt by default (werkzeug); tests configure a cheaper method to stay fast.
    return generate_password_hash(password, method=setting("PASSWORD_HASH_METHOD"))


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether the password is right. Without a hash (an unknown e-mail, an account that has no
    password yet) a dummy hash of the same method is checked, so the answer takes as long and
    its timing does not tell whether an account exists."""
    if password_hash is None:
        check_password_hash(_dummy_hash(setting("PASSWORD_HASH_METHOD")), password)
        return False
    return check_password_hash(password_hash, password)


def require_password(
    user: User | None, password: str, *, wrong: DomainError, account: str | None = None
) -> None:
    """The one check of a password someone types: at sign-in and wherever the current password
    is asked again (changing it, turning the second factor off, signing a memorandum).

    It shares one throttle per account and per address (association.auth.throttle): while
    either has used up its wrong guesses, TooManyAttempts, even for the right password.
    A wrong password counts against both and raises `wrong` (which carries the caller's audit
    event). `account` is the e-mail typed at sign-in, where the user may be unknown.
    """
    if account is None:
        account = user.email if user is not None else ""
    account = account[:320]
    throttle.refuse_if_throttled(throttle.PASSWORD, account, actor=user)
    if not password_matches(user.password_hash if user is not None else None, password):
        throttle.count_wrong_guess(throttle.PASSWORD, account)
        raise wrong


def wrong_current_password(user: User, purpose: str) -> NotAllowed:
    """The refusal of a wrong current password, audited with what it was asked for."""
    return NotAllowed(
        _("The current password is not right."),
        audit=Refusal(
            "password.check_failed",
            actor=user,
            subject=user,
            details={"email": user.email, "purpose": purpose},
        ),
    )


def check_new_password(password: str) -> None:
    """Raise Invalid unless the password may be used: long enough, not common. No composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            ngettext(
                "A password needs at least %(num)d character.",
                "A password needs at least %(num)d characters.",
                MIN_PASSWORD_LENGTH,
            )
        )
    if not password.strip():
        raise Invalid(_("A password cannot be only spaces."))
    if is_common(password):
        raise Invalid(
            _(
                "This password is among the most common ones and easy to guess. Please choose another."
            )
        )
