"""Throttles for guessable secrets: passwords and second-factor codes.

Each kind of guess is counted twice, per account (whatever the address, so guessing from
many machines does not help) and per address (so one machine cannot try many accounts).
The counters live in Flask-Limiter's storage (memory, or Redis when several workers serve).
Only wrong guesses count. A throttled account or address is audited once per window, so a
flood of refused requests cannot flood the audit log.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import ngettext
from limits import RateLimitItem, parse

from association.audit.log import current_origin
from association.domain import DomainError, Refusal
from association.extensions import limiter
from association.site import setting

PASSWORD = "password"
SECOND_FACTOR = "second_factor"


class TooManyAttempts(DomainError):
    """Too many wrong guesses: refused until the window has passed, even with the right one."""

    status = 429


def request_address() -> str:
    """The address of the request being served, as the audit log notes it ('' off the web)."""
    origin = current_origin.get()
    return "" if origin == "cli" else origin.partition(" ")[0]


def _counters(kind: str, account: str, address: str) -> Iterator[tuple[RateLimitItem, str, str]]:
    yield parse(setting("ACCOUNT_RATE_LIMIT")), "account", account
    if address:
        yield parse(setting("LOGIN_RATE_LIMIT")), "address", address


def refuse_if_throttled(kind: str, account: str, actor=None) -> None:
    """Raise TooManyAttempts while the account or this address has used up its wrong guesses."""
    strategy = limiter.limiter
    address = request_address()
    for limit, scope, key in _counters(kind, account, address):
        if strategy.test(limit, kind, scope, key):
            continue
        # One audit event per throttled account or address and window, however many requests.
        first = strategy.hit(type(limit)(1, limit.multiples), "audited", kind, scope, key)
        minutes = max(1, limit.get_expiry() // 60)
        raise TooManyAttempts(
            ngettext(
                "Please wait %(num)d minute before trying again.",
                "Please wait %(num)d minutes before trying again.",
                minutes,
            ),
            audit=Refusal(
                "login.throttled",
                actor=actor,
                details={"email": account, "check": kind, "by": scope, "address": address},
            )
            if first
            else None,
        )


def count_wrong_guess(kind: str, account: str) -> None:
    strategy = limiter.limiter
    for limit, scope, key in _counters(kind, account, request_address()):
        strategy.hit(limit, kind, scope, key)
