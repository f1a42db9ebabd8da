"""One way to make a secret: single-use links and codes are made here, and only their
SHA-256 is stored, so that a copy of the database opens no account, no signing link, no
calendar feed and no application.

`new_token()` makes the secret to send or show once; `token_digest()` is what is stored and
looked up. A secret of 192 bits or more needs no salt or slow hash: it cannot be guessed,
so its plain SHA-256 reveals nothing.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters
URL_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def new_token(nbytes: int = TOKEN_BYTES) -> str:
    """A fresh URL-safe secret for a link or a feed address."""
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What is stored for a secret, and what a lookup compares: its SHA-256 in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(text: str | None, *, max_length: int = 128) -> bool:
    """Whether text could be one of our URL-safe secrets: a lookup of anything else is skipped."""
    return text is not None and 0 < len(text) <= max_length and set(text) <= URL_SAFE
