"""What tests build their world with: factory functions that go through the domain functions
(so no test holds an impossible state), and the steps a person takes in the browser.

Fixtures live in conftest.py and call these; tests import from here, never from a conftest.
"""

from __future__ import annotations

import itertools
import os
import re

import pyotp
from sqlalchemy import update
from sqlalchemy.orm import Session

from association.api.models import ApiToken
from association.api.personal_tokens import create_token
from association.auth.second_factor import begin_enrolment, confirm_enrolment
from association.auth.service import create_user
from association.extensions import db
from association.parks.models import Park, ParkStatus, Role, User
from association.parks.service import create_park

PASSWORD = "correct horse battery staple"
# The reason a test gives when it closes a vote by hand before its deadline (close_vote asks).
EARLY = "Every park has voted: the secretariat closes voting early."
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

# Unique names and e-mail addresses across the run.
_serial = itertools.count(1)


def make_park(
    session: Session,
    name_latin: str | None = None,
    *,
    country: str = "KZ",
    status: ParkStatus = ParkStatus.MEMBER,
    language: str = "en",
    **kwargs,
) -> Park:
    # English unless a test asks otherwise, whatever the country: tests read English pages.
    return create_park(
        session,
        None,
        name_latin=name_latin or f"Test Park {next(_serial)}",
        country=country,
        status=status,
        language=language,
        **kwargs,
    )


def make_user(
    session: Session,
    *,
    role: Role = Role.MEMBER,
    park: Park | None = None,
    email: str | None = None,
    full_name: str | None = None,
    password: str | None = PASSWORD,
    **kwargs,
) -> User:
    n = next(_serial)
    user, _token = create_user(
        session,
        None,
        email=email or f"user{n}@example.org",
        full_name=full_name or f"Test User {n}",
        role=role,
        park=park,
        password=password,
        **kwargs,
    )
    return user


def enrol_second_factor(session, user) -> None:
    """Set up the user's TOTP second factor, as the enrolment page does."""
    begin_enrolment(session, user)
    confirm_enrolment(session, user, pyotp.TOTP(user.totp_secret).now())


def make_api_token(
    session: Session,
    user: User,
    *,
    name: str = "Park portal",
    scopes: tuple[str, ...] = ("read",),
    days: int = 90,
) -> tuple[ApiToken, str]:
    """A personal API token of the user and its secret, made as the account's page makes it
    (staff as if their session had passed the second factor)."""
    return create_token(
        session, user, name=name, scopes=scopes, days=days, second_factor_passed=True
    )


def current_code(session, user) -> str:
    """A code the user's authenticator would show now; tests may reuse a time step."""
    session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    session.commit()
    return pyotp.TOTP(session.get(User, user.id).totp_secret).now()


def login(client, user, password: str = PASSWORD):
    """Sign in through the form as a person would, with the second factor when the user has
    one; returns the last response."""
    response = client.post("/login", data={"email": user.email, "password": password})
    if response.status_code == 302 and "/login/second-factor" in response.headers["Location"]:
        response = client.post(
            response.headers["Location"], data={"code": current_code(db.session, user)}
        )
    return response


def without_return_address(page: bytes) -> bytes:
    """The page without the language switcher's way back (which names the page's own path)."""
    return re.sub(rb'name="next" value="[^"]*"', b'name="next"', page)


def csrf_token_from(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert found, "no CSRF token in the page"
    return found.group(1)
