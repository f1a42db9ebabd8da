"""Password hashing and the password rule, shared by every form and command that sets one."""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from association.domain import Invalid
from association.site import setting

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


def password_matches(password_hash: str | None, password: str) -> bool:
    return password_hash is not None and check_password_hash(password_hash, password)


def check_new_password(password: str) -> None:
    """Raise Invalid unless the password may be used: long enough, not common. No composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _("A password needs at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        )
    if not password.strip():
        raise Invalid(_("A password cannot be only spaces."))
    if is_common(password):
        raise Invalid(
            _(
                "This password is among the most common ones and easy to guess. Please choose another."
            )
        )
