"""Fixtures of the API tests: personal tokens made as the account's page makes them, and
initiatives made and opened through the voting area's domain functions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from association.database import utcnow
from association.voting.initiatives import create_initiative
from association.voting.votes import open_vote
from tests.factories import make_api_token


@pytest.fixture
def make_token(session):
    """The secret of a new personal token of `user`. Staff pass the second factor first, as
    the page requires of them."""

    def make(user, scopes=("read",), days: int = 90) -> str:
        return make_api_token(session, user, scopes=tuple(scopes), days=days)[1]

    return make


@pytest.fixture
def bearer():
    def headers(secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret}"}

    return headers


@pytest.fixture
def make_open_vote(session, secretariat):
    """An initiative opened now, closing in a week (its electorate: the member parks now)."""

    def make(title: str = "Joint accelerator programme 2027", closes_in=timedelta(days=7), **rules):
        initiative = create_initiative(session, secretariat, title=title, **rules)
        return open_vote(session, secretariat, initiative, closes_at=utcnow() + closes_in)

    return make


@pytest.fixture
def delegate_secret(make_token, delegate):
    """A token of the delegate of Astana Hub (a member park) that may vote."""
    return make_token(delegate, scopes=("read", "vote"))
