"""Personal API tokens without HTTP: who may make one and with what, revoking, and what a
Bearer secret opens (and at what cost)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import String, Text, event, func, select

from association.api.models import ApiToken, Scope, TokenStatus
from association.api.personal_tokens import (
    PREFIX,
    authenticate,
    create_token,
    require_scope,
    revoke_token,
    why_no_new_token,
)
from association.api.queries import tokens_of
from association.audit.models import AuditEvent
from association.auth.service import set_active
from association.domain import Conflict, Invalid, NotAllowed, NotAuthenticated, NotFound
from association.extensions import db
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from association.tokens import token_digest
from tests.factories import make_api_token

MONDAY = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)


def _create(session, user, **given):
    arguments = {
        "name": "Park portal",
        "scopes": ["read"],
        "days": 90,
        "second_factor_passed": False,
        **given,
    }
    return create_token(session, user, **arguments)


def _events(session, action: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
    )


@contextmanager
def _statements():
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def note(_connection, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


# --- creating ---------------------------------------------------------------------------


def test_a_token_carries_its_name_scopes_and_expiry_and_its_secret_is_given_once(session, delegate):
    with time_machine.travel(MONDAY, tick=False):
        token, secret = _create(session, delegate, name="  CRM sync ", scopes=["vote", "read"])
    assert secret.startswith(PREFIX)
    assert token.user_id == delegate.id
    assert token.name == "CRM sync"
    assert token.scopes == "read vote"
    assert token.scope_set == {Scope.READ, Scope.VOTE}
    assert token.created_at == MONDAY
    assert token.expires_at == MONDAY + timedelta(days=90)
    assert token.last_used_at is None
    assert token.revoked_at is None
    (created,) = _events(session, "api_token.created")
    assert created.actor_id == delegate.id
    assert json.loads(created.details) == {
        "token_id": token.id,
        "name": "CRM sync",
        "scopes": ["read", "vote"],
        "expires_at": (MONDAY + timedelta(days=90)).isoformat(),
    }


def test_the_database_holds_only_the_secrets_hash(session, delegate):
    token, secret = _create(session, delegate)
    assert token.token_hash == token_digest(secret)
    body = secret[len(PREFIX) :]
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for row in session.execute(select(*columns)) if columns else ():
            for value in row:
                assert body not in str(value or ""), table.name


def test_two_tokens_get_two_secrets(session, delegate):
    _first, one = _create(session, delegate)
    _second, other = _create(session, delegate)
    assert one != other


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Please give the token a name."),
        ("   ", "Please give the token a name."),
        ("CRM\nsync", "single line"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_a_token_needs_a_name_of_one_short_line(session, delegate, name, message):
    with pytest.raises(Invalid, match=message) as refused:
        _create(session, delegate, name=name)
    assert refused.value.field == "name"
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_name_of_exactly_100_characters_is_kept(session, delegate):
    token, _secret = _create(session, delegate, name="x" * 100)
    assert len(token.name) == 100


@pytest.mark.parametrize(
    ("scopes", "message"),
    [
        ([], "at least one scope"),
        (["sign"], "signing stays a person's act"),
        (["read", "admin"], "only the read and vote scopes"),
    ],
)
def test_a_token_carries_some_of_read_and_vote_and_nothing_else(session, delegate, scopes, message):
    with pytest.raises(Invalid, match=message) as refused:
        _create(session, delegate, scopes=scopes)
    assert refused.value.field == "scopes"


def test_scopes_may_be_given_as_the_column_keeps_them(session, delegate):
    token, _secret = _create(session, delegate, scopes="vote read")
    assert token.scopes == "read vote"


def test_the_vote_scope_is_refused_to_a_member_who_is_no_delegate(session, member):
    with pytest.raises(Invalid, match="only a delegate's token can carry the vote scope"):
        _create(session, member, scopes=["read", "vote"])
    token, _secret = _create(session, member, scopes=["read"])
    assert token.scope_set == {Scope.READ}


def test_the_vote_scope_is_refused_to_a_delegate_of_an_observer_park(session, make_park, make_user):
    observer = make_park("Observer Park", status=ParkStatus.OBSERVER)
    delegate = make_user(park=observer, delegate=True)
    with pytest.raises(Invalid, match="vote scope"):
        _create(session, delegate, scopes=["vote"])
    token, _secret = _create(session, delegate, scopes=["read"])
    assert token.scope_set == {Scope.READ}


def test_the_secretariat_cannot_carry_the_vote_scope(session, secretariat):
    with pytest.raises(Invalid, match="vote scope"):
        _create(session, secretariat, scopes=["vote"], second_factor_passed=True)


@pytest.mark.parametrize("days", [0, -1, 366, 10_000])
def test_a_token_lasts_from_one_day_to_a_year(session, delegate, days):
    with pytest.raises(Invalid, match="at least one day and at most 365 days") as refused:
        _create(session, delegate, days=days)
    assert refused.value.field == "days"


@pytest.mark.parametrize("days", [1, 365])
def test_one_day_and_a_year_are_both_allowed(session, delegate, days):
    with time_machine.travel(MONDAY, tick=False):
        token, _secret = _create(session, delegate, days=days)
    assert token.expires_at == MONDAY + timedelta(days=days)


def test_the_longest_expiry_is_a_setting(app, session, delegate):
    app.config["API_TOKEN_MAX_DAYS"] = 30
    with pytest.raises(Invalid, match="at most 30 days"):
        _create(session, delegate, days=31)


@pytest.mark.parametrize("staff", ["secretariat", "admin"])
def test_staff_without_the_second_factor_passed_are_refused(request, session, staff):
    user = request.getfixturevalue(staff)
    with pytest.raises(NotAllowed, match="pass the second factor first"):
        _create(session, user)
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0
    token, _secret = _create(session, user, second_factor_passed=True)
    assert token.user_id == user.id


def test_the_page_can_say_why_staff_must_pass_the_second_factor_first(secretariat, delegate):
    reason = why_no_new_token(secretariat, second_factor_passed=False)
    assert reason is not None
    assert "must pass the second factor first" in reason
    assert why_no_new_token(secretariat, second_factor_passed=True) is None
    assert why_no_new_token(delegate, second_factor_passed=False) is None


def test_an_inactive_account_cannot_make_a_token(session, secretariat, member):
    set_active(session, secretariat, member, False)
    with pytest.raises(NotAllowed, match="not active"):
        _create(session, member)


@pytest.mark.parametrize("status", [ParkStatus.SUSPENDED, ParkStatus.WITHDRAWN])
def test_the_people_of_a_suspended_or_withdrawn_park_cannot_make_a_token(
    session, secretariat, park, member, status
):
    change_park_status(session, secretariat, park, status, "Dues unpaid for two years.")
    with pytest.raises(NotAllowed, match="cannot create API tokens"):
        _create(session, member)


# --- revoking ---------------------------------------------------------------------------


def test_the_owner_revokes_their_token(session, delegate):
    token, _secret = make_api_token(session, delegate)
    with time_machine.travel(MONDAY, tick=False):
        revoke_token(session, delegate, token.id)
    assert token.revoked_at == MONDAY
    assert token.revoked_by_id == delegate.id
    (revoked,) = _events(session, "api_token.revoked")
    assert revoked.actor_id == delegate.id
    assert json.loads(revoked.details)["token_id"] == token.id


def test_another_users_token_is_not_found(session, delegate, member):
    token, _secret = make_api_token(session, delegate)
    with pytest.raises(NotFound):
        revoke_token(session, member, token.id)
    with pytest.raises(NotFound):
        revoke_token(session, member, token.id + 1000)
    assert session.get(ApiToken, token.id).revoked_at is None


def test_the_secretariat_does_not_see_a_members_token_but_an_administrator_revokes_it(
    session, secretariat, admin, delegate
):
    token, _secret = make_api_token(session, delegate)
    with pytest.raises(NotFound):
        revoke_token(session, secretariat, token.id)
    revoke_token(session, admin, token.id)
    assert token.revoked_by_id == admin.id


def test_revoking_twice_is_a_conflict(session, delegate):
    token, _secret = make_api_token(session, delegate)
    revoke_token(session, delegate, token.id)
    with pytest.raises(Conflict, match="already revoked"):
        revoke_token(session, delegate, token.id)
    assert len(_events(session, "api_token.revoked")) == 1


# --- authenticating ---------------------------------------------------------------------


def test_a_working_secret_opens_its_token_with_its_user_and_park(session, delegate):
    token, secret = make_api_token(session, delegate)
    token_id, email = token.id, delegate.email
    assert authenticate(session, secret).id == token_id
    session.expunge_all()
    with _statements() as seen:
        found = authenticate(session, secret)
    assert len(seen) == 1
    assert found.id == token_id
    with _statements() as seen:
        assert found.user.email == email
        assert found.user.park.name_latin == "Astana Hub"
    assert seen == []


# Each makes the token stop working, and says when to try it (None: now).


def _revoke(session, user, token, secretariat):
    revoke_token(session, user, token.id)


def _expire(session, user, token, secretariat):
    return token.expires_at


def _deactivate(session, user, token, secretariat):
    set_active(session, secretariat, user, False)


def _suspend(session, user, token, secretariat):
    change_park_status(session, secretariat, user.park, ParkStatus.SUSPENDED, "Dues unpaid.")


def _withdraw(session, user, token, secretariat):
    change_park_status(session, secretariat, user.park, ParkStatus.WITHDRAWN, "It left.")


REFUSALS = [
    ("revoked", _revoke, "has been revoked"),
    ("expired", _expire, "expired on"),
    ("deactivated user", _deactivate, "is deactivated"),
    ("suspended park", _suspend, "Astana Hub is suspended"),
    ("withdrawn park", _withdraw, "Astana Hub has withdrawn from the association"),
]


@pytest.mark.parametrize(("case", "change", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_token_stops_working_at_once(session, secretariat, delegate, case, change, message):
    token, secret = make_api_token(session, delegate)
    authenticate(session, secret)
    when = change(session, delegate, token, secretariat)
    with pytest.raises(NotAuthenticated, match=message) as refused:
        authenticate(session, secret, now=when)
    assert refused.value.status == 401


@pytest.mark.parametrize(
    "secret",
    ["", "not a token", "Bearer amt_x", "amt_", "amt_" + "A" * 43, "x" * 5000, "amt_é"],
)
def test_an_unknown_or_malformed_secret_opens_nothing(session, delegate, secret):
    make_api_token(session, delegate)
    with pytest.raises(NotAuthenticated, match="not known"):
        authenticate(session, secret)


def test_the_secret_without_its_prefix_opens_nothing(session, delegate):
    _token, secret = make_api_token(session, delegate)
    with pytest.raises(NotAuthenticated, match="not known"):
        authenticate(session, secret[len(PREFIX) :])


def test_each_refusal_says_its_own_reason(session, secretariat, make_park, make_user):
    messages = set()
    for _case, change, _message in REFUSALS:
        user = make_user(park=make_park(), delegate=True)
        token, secret = make_api_token(session, user)
        when = change(session, user, token, secretariat)
        with pytest.raises(NotAuthenticated) as refused:
            authenticate(session, secret, now=when)
        messages.add(refused.value.message)
    with pytest.raises(NotAuthenticated) as unknown:
        authenticate(session, PREFIX + "unknown")
    messages.add(unknown.value.message)
    assert len(messages) == len(REFUSALS) + 1


def test_a_used_token_costs_one_query_and_no_write(session, delegate):
    with time_machine.travel(MONDAY, tick=False):
        _token, secret = make_api_token(session, delegate)
        authenticate(session, secret)
    session.expunge_all()
    with time_machine.travel(MONDAY + timedelta(minutes=4), tick=False), _statements() as seen:
        authenticate(session, secret)
    assert len(seen) == 1
    assert seen[0].lstrip().upper().startswith("SELECT")


def test_last_use_is_noted_every_five_minutes_and_audited_once_a_day(session, delegate):
    with time_machine.travel(MONDAY, tick=False):
        token, secret = make_api_token(session, delegate)
    uses = [
        MONDAY,
        MONDAY + timedelta(minutes=1),
        MONDAY + timedelta(minutes=6),
        MONDAY + timedelta(hours=14, minutes=59),  # 23:59 UTC
        MONDAY + timedelta(hours=15, minutes=1),  # 00:01 UTC, Tuesday
        MONDAY + timedelta(hours=15, minutes=2),
    ]
    noted = []
    for moment in uses:
        with time_machine.travel(moment, tick=False):
            authenticate(session, secret)
        session.expire_all()
        noted.append(session.get(ApiToken, token.id).last_used_at)
    assert noted == [uses[0], uses[0], uses[2], uses[3], uses[4], uses[4]]
    used = _events(session, "api_token.used")
    assert [e.occurred_at for e in used] == [uses[0], uses[4]]
    assert {e.actor_id for e in used} == {delegate.id}
    assert {json.loads(e.details)["token_id"] for e in used} == {token.id}


def test_a_refused_secret_writes_nothing(session, delegate):
    token, secret = make_api_token(session, delegate)
    revoke_token(session, delegate, token.id)
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    with _statements() as seen, pytest.raises(NotAuthenticated):
        authenticate(session, secret)
    assert len(seen) == 1
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert session.get(ApiToken, token.id).last_used_at is None


def test_a_token_without_a_scope_is_refused_it(session, delegate):
    token, _secret = make_api_token(session, delegate, scopes=("read",))
    require_scope(token, "read")
    with pytest.raises(NotAllowed, match="does not carry the vote scope"):
        require_scope(token, "vote")


# --- the page's list ----------------------------------------------------------------------


def test_the_list_is_the_users_own_newest_first_with_revoked_and_expired_ones(
    session, delegate, member
):
    with time_machine.travel(MONDAY, tick=False):
        oldest, _s = make_api_token(session, delegate, name="Oldest", days=1)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        revoked, _s = make_api_token(session, delegate, name="Revoked")
        revoke_token(session, delegate, revoked.id)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        newest, _s = make_api_token(session, delegate, name="Newest")
    make_api_token(session, member, name="Someone else's")
    later = MONDAY + timedelta(days=2)
    listed = tokens_of(session, delegate)
    assert [t.name for t in listed] == ["Newest", "Revoked", "Oldest"]
    assert [t.status(later) for t in listed] == [
        TokenStatus.ACTIVE,
        TokenStatus.REVOKED,
        TokenStatus.EXPIRED,
    ]
