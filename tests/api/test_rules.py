"""Every rule the vote page enforces holds for `POST /api/v1/initiatives/{id}/ballot` too, in
the same words: the API calls the same domain functions (cast_ballot for the ballot,
authenticate and require_scope for the token), and its refusal's `detail` is the sentence
they raise. A refused ballot changes nothing: no ballot, no ballot event in the audit log (a
late ballot or one on a closed vote is kept as a refusal, as it is for the page)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from association.api.personal_tokens import authenticate, require_scope, revoke_token
from association.audit.models import AuditEvent
from association.auth.service import set_active, set_park_duties
from association.domain import DomainError
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from association.voting.ballots import cast_ballot
from association.voting.initiatives import create_initiative, schedule_initiative
from association.voting.models import Ballot
from association.voting.votes import close_vote
from tests.factories import EARLY, login, make_api_token, make_park, make_user

NEEDS_A_TOKEN = "This needs a personal API token: Authorization: Bearer <token>."


@dataclass
class World:
    """Astana Hub (a member park), its delegate with a token that may vote, the secretariat,
    and an open yes/no vote that allows changes."""

    session: object
    client: object
    secretariat: object
    park: object
    delegate: object
    initiative: object
    make_open_vote: Callable

    def token(self, user=None, scopes=("read", "vote"), days: int = 90):
        return make_api_token(self.session, user or self.delegate, scopes=scopes, days=days)


@dataclass
class Attempt:
    """One ballot POST: who sends it (their token's secret, or nothing) and what it says."""

    initiative_id: int
    secret: str | None = None
    body: dict = field(default_factory=lambda: {"choice": "for"})
    at: datetime | None = None  # when it is sent; now when None
    voter: object = None  # whose ballot cast_ballot would refuse, for its sentence


def _headers(attempt: Attempt) -> dict[str, str]:
    return {"Authorization": f"Bearer {attempt.secret}"} if attempt.secret else {}


# --- arranging each case: the world changed by the domain functions, then the attempt -------


def _delegate_attempt(world: World, **given) -> Attempt:
    _token, secret = world.token()
    return Attempt(world.initiative.id, secret, voter=world.delegate, **given)


def late(world):
    return _delegate_attempt(world, at=world.initiative.closes_at + timedelta(seconds=1))


def closed(world):
    attempt = _delegate_attempt(world)
    close_vote(world.session, world.secretariat, world.initiative, reason=EARLY)
    return attempt


def draft(world):
    initiative = create_initiative(world.session, world.secretariat, title="Not yet scheduled")
    return Attempt(initiative.id, world.token()[1], voter=world.delegate)


def not_open_yet(world):
    initiative = create_initiative(world.session, world.secretariat, title="Shared data centre")
    now = world.initiative.opens_at
    schedule_initiative(
        world.session,
        world.secretariat,
        initiative,
        now + timedelta(days=2),
        now + timedelta(days=9),
    )
    return Attempt(initiative.id, world.token()[1], voter=world.delegate)


def no_such_initiative(world):
    return Attempt(world.initiative.id + 1000, world.token()[1], voter=world.delegate)


def observer(world):
    attempt = _delegate_attempt(world)  # the token was made while the park was a member
    change_park_status(
        world.session, world.secretariat, world.park, ParkStatus.OBSERVER, "Asked to observe"
    )
    return attempt


def not_in_the_electorate(world):
    # Admitted after voting opened, so not among the parks that vote on it.
    late_member = make_park(world.session, "Technopark of Turkmenistan", country="TM")
    its_delegate = make_user(world.session, park=late_member, delegate=True)
    return Attempt(world.initiative.id, world.token(its_delegate)[1], voter=its_delegate)


def another_park(world):
    other = make_park(world.session, "Sabah Lab", country="AZ")
    return _delegate_attempt(world, body={"choice": "for", "park": other.id})


def wrong_choice(world):
    return _delegate_attempt(world, body={"choice": "maybe"})


def change_not_allowed(world):
    initiative = world.make_open_vote("One ballot only", changes_allowed=False)
    cast_ballot(world.session, world.delegate, initiative, "for")
    return Attempt(initiative.id, world.token()[1], {"choice": "against"}, voter=world.delegate)


def revoked_token(world):
    token, secret = world.token()
    revoke_token(world.session, world.delegate, token.id)
    return Attempt(world.initiative.id, secret)


def expired_token(world):
    _token, secret = world.token(days=1)
    return Attempt(world.initiative.id, secret, at=world.initiative.opens_at + timedelta(days=2))


def suspended_park(world):
    attempt = _delegate_attempt(world)
    change_park_status(
        world.session, world.secretariat, world.park, ParkStatus.SUSPENDED, "Fees unpaid"
    )
    return attempt


def withdrawn_park(world):
    attempt = _delegate_attempt(world)
    change_park_status(
        world.session, world.secretariat, world.park, ParkStatus.WITHDRAWN, "Left the association"
    )
    return attempt


def deactivated_user(world):
    attempt = _delegate_attempt(world)
    set_active(world.session, world.secretariat, world.delegate, False)
    return attempt


def without_the_vote_scope(world):
    return Attempt(world.initiative.id, world.token(scopes=("read",))[1])


def no_token(world):
    return Attempt(world.initiative.id)


def cookie_only(world):
    # Signed in through the form: the cookie opens the pages, and nothing under /api.
    login(world.client, world.delegate)
    assert world.client.get("/account").status_code == 200
    return Attempt(world.initiative.id)


def no_longer_delegate(world):
    attempt = _delegate_attempt(world)  # the token was made while they were the delegate
    set_park_duties(
        world.session, world.secretariat, world.delegate, delegate=False, signatory=False
    )
    return attempt


# --- the sentence each refusal must carry: what the domain function itself raises ----------


def refusal_of(call: Callable[[], object]) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.message


def the_ballot_rule(world: World, attempt: Attempt) -> str:
    return refusal_of(
        lambda: cast_ballot(
            world.session, attempt.voter, attempt.initiative_id, attempt.body["choice"]
        )
    )


def the_token_rule(world: World, attempt: Attempt) -> str:
    return refusal_of(lambda: authenticate(world.session, attempt.secret))


def the_scope_rule(world: World, attempt: Attempt) -> str:
    return refusal_of(lambda: require_scope(authenticate(world.session, attempt.secret), "vote"))


def the_api_asks_for_a_token(world: World, attempt: Attempt) -> str:
    return NEEDS_A_TOKEN


def an_unknown_field(world: World, attempt: Attempt) -> str:
    return "The request is not valid: park: This field is not accepted here."


@dataclass(frozen=True)
class Case:
    arrange: Callable[[World], Attempt]
    status: int
    sentence: Callable[[World, Attempt], str]
    refusal_audited: bool = False  # cast_ballot keeps "ballot.refused", for the page as here


CASES = {
    "late ballot, after closes_at": Case(late, 409, the_ballot_rule, refusal_audited=True),
    "ballot on a closed vote": Case(closed, 409, the_ballot_rule, refusal_audited=True),
    "ballot on a draft": Case(draft, 409, the_ballot_rule),
    "ballot before voting opens": Case(not_open_yet, 409, the_ballot_rule),
    "ballot on no initiative": Case(no_such_initiative, 404, the_ballot_rule),
    "observer's ballot": Case(observer, 403, the_ballot_rule),
    "park not in the electorate": Case(not_in_the_electorate, 403, the_ballot_rule),
    "ballot for another park": Case(another_park, 422, an_unknown_field),
    "wrong choice": Case(wrong_choice, 400, the_ballot_rule),
    "change where changes are not allowed": Case(change_not_allowed, 409, the_ballot_rule),
    "revoked token": Case(revoked_token, 401, the_token_rule),
    "expired token": Case(expired_token, 401, the_token_rule),
    "token of a suspended park": Case(suspended_park, 401, the_token_rule),
    "token of a withdrawn park": Case(withdrawn_park, 401, the_token_rule),
    "token of a deactivated user": Case(deactivated_user, 401, the_token_rule),
    "token without the vote scope": Case(without_the_vote_scope, 403, the_scope_rule),
    "no token": Case(no_token, 401, the_api_asks_for_a_token),
    "signed-in cookie, no token": Case(cookie_only, 401, the_api_asks_for_a_token),
    "user no longer the delegate": Case(no_longer_delegate, 403, the_ballot_rule),
}


def _what_the_database_holds(session) -> dict:
    session.expire_all()
    return {
        "ballots": session.execute(
            select(Ballot.initiative_id, Ballot.park_id, Ballot.choice, Ballot.changes).order_by(
                Ballot.id
            )
        ).all(),
        "ballot events": session.execute(
            select(AuditEvent.action, AuditEvent.details)
            .where(AuditEvent.action.in_(("ballot.cast", "ballot.changed")))
            .order_by(AuditEvent.seq)
        ).all(),
        "refusals": session.scalar(
            select(func.count()).where(AuditEvent.action == "ballot.refused")
        ),
    }


@pytest.fixture
def world(session, client, secretariat, park, delegate, make_open_vote) -> World:
    return World(
        session=session,
        client=client,
        secretariat=secretariat,
        park=park,
        delegate=delegate,
        initiative=make_open_vote(),
        make_open_vote=make_open_vote,
    )


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_api_refuses_a_ballot_as_the_page_does_and_changes_nothing(world, case):
    attempt = case.arrange(world)
    before = _what_the_database_holds(world.session)

    with time_machine.travel(attempt.at, tick=False) if attempt.at else nullcontext():
        response = world.client.post(
            f"/api/v1/initiatives/{attempt.initiative_id}/ballot",
            json=attempt.body,
            headers=_headers(attempt),
        )
        after = _what_the_database_holds(world.session)
        sentence = case.sentence(world, attempt)

    assert response.status_code == case.status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == case.status
    assert problem["detail"] == sentence
    if case.status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert after["ballots"] == before["ballots"]
    assert after["ballot events"] == before["ballot events"]
    assert after["refusals"] == before["refusals"] + (1 if case.refusal_audited else 0)
