"""Password hashing and the password rule, shared by every form and command that sets one."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from association.domain import Invalid

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    # scrypt by default (werkzeug); tests configure a cheaper method to stay fast.
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_matches(password_hash: str | None, password: str) -> bool:
    return password_hash is not None and check_password_hash(password_hash, password)


def check_new_password(password: str) -> None:
    """Raise Invalid unless the password may be used: long enough, not only spaces."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_("A password needs at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    if not password.strip():
        raise Invalid(_("A password cannot be only spaces."))
