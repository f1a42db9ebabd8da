from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from association.database import utcnow
from association.voting.initiatives import create_initiative
from association.voting.models import Ballot, VoteResult
from association.voting.votes import open_vote


@pytest.fixture
def make_initiative(session, secretariat):
    """A draft, with any rules given as keyword arguments."""

    def make(title: str = "Joint accelerator programme 2027", **fields):
        return create_initiative(session, secretariat, title=title, **fields)

    return make


@pytest.fixture
def make_open_vote(session, secretariat, make_initiative, park):
    """An initiative opened now, closing in a week (the electorate is taken at that moment)."""

    def make(
        title: str = "Joint accelerator programme 2027", closes_in=timedelta(days=7), **fields
    ):
        initiative = make_initiative(title, **fields)
        return open_vote(session, secretariat, initiative, closes_at=utcnow() + closes_in)

    return make


@pytest.fixture
def open_initiative(make_open_vote, delegate):
    return make_open_vote()


def ballot_count(session, initiative=None) -> int:
    statement = select(func.count()).select_from(Ballot)
    if initiative is not None:
        statement = statement.where(Ballot.initiative_id == initiative.id)
    return session.scalar(statement)


def result_count(session) -> int:
    return session.scalar(select(func.count()).select_from(VoteResult))
