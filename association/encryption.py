"""Secrets the application must read back (a second factor's TOTP seed), kept encrypted.

A copy of the database (a backup, a dump, a stolen disk) must not give away what lets
someone pass the second factor. The key is not in the database: it is derived with HKDF
from SECOND_FACTOR_KEY, or from SECRET_KEY when that is not set, so whoever holds only the
database holds ciphertext. Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) both
hides and authenticates: a value changed in the database is refused, not misread.
"""

from __future__ import annotations

import base64
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from association.site import setting

log = logging.getLogger(__name__)

# Changing it makes every stored secret unreadable: it names this use of the key, version 1.
_PURPOSE = b"association: second-factor secrets, v1"


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def key_material(config) -> str:
    """What the key is derived from: SECOND_FACTOR_KEY, else SECRET_KEY (of a Flask config)."""
    return str(config.get("SECOND_FACTOR_KEY") or config["SECRET_KEY"])


def encrypt(plain: str, material: str) -> str:
    return _fernet(material).encrypt(plain.encode()).decode()


def decrypt(token: str, material: str) -> str:
    """The plain text; raises cryptography's InvalidToken for another key or a changed value."""
    return _fernet(material).decrypt(token.encode()).decode()


class EncryptedSecret(TypeDecorator):
    """A short secret, encrypted on its way into the database and decrypted on its way out.

    A value that cannot be decrypted (the key was changed, the row was tampered with) reads
    as no secret, with a warning in the log: the person's second factor then fails and they
    use a recovery code or an administrator resets it, rather than every page failing.
    """

    impl = String(255)  # a 32-character seed encrypts to about 140
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return encrypt(value, _material())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return decrypt(value, _material())
        except InvalidToken:
            log.warning(
                "A stored second-factor secret cannot be decrypted (was SECRET_KEY or "
                "SECOND_FACTOR_KEY changed?): that user must use a recovery code or be reset."
            )
            return None


def _material() -> str:
    return str(setting("SECOND_FACTOR_KEY") or setting("SECRET_KEY"))
