"""No account enumeration by timing: a sign-in with an unknown e-mail does the same work as
one with a wrong password (a dummy hash of the same method)."""

from __future__ import annotations

import statistics
import time

import pytest

from association.auth import service
from association.domain import NotAllowed

TRIES = 20


@pytest.fixture
def app_config(app_config):
    # A hash slow enough to dominate the sign-in's own work, as scrypt does in production;
    # the throttle is widened so that forty wrong passwords in a row are all checked.
    return {
        **app_config,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:200000",
        "ACCOUNT_RATE_LIMIT": "1000 per minute",
    }


def _seconds(session, email: str) -> float:
    started = time.perf_counter()
    with pytest.raises(NotAllowed):
        service.sign_in(session, email, "not the password at all")
    return time.perf_counter() - started


def test_an_unknown_email_takes_as_long_as_a_wrong_password(session, make_user, park):
    user = make_user(park=park)
    known, unknown = [], []
    for n in range(TRIES):  # interleaved, so that a busy moment weighs on both alike
        known.append(_seconds(session, user.email))
        unknown.append(_seconds(session, f"nobody{n}@example.org"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2, ratio
