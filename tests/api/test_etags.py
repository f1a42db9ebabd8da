"""The API's ETags name the association's version: a 304 is given only while nothing changed,
and a vote that fell due is settled before any 304."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import event

from association.database import utcnow
from association.extensions import db
from association.voting.ballots import cast_ballot
from association.voting.initiatives import create_initiative
from association.voting.models import Initiative, InitiativeStatus
from association.voting.votes import open_vote
from tests.factories import make_api_token


def _open_initiative(session, secretariat, closes_in=timedelta(days=3)):
    initiative = create_initiative(session, secretariat, title="Joint accelerator programme")
    open_vote(session, secretariat, initiative, closes_at=utcnow() + closes_in)
    return initiative.id


def _headers(session, user) -> dict[str, str]:
    _token, secret = make_api_token(session, user, scopes=("read",))
    return {"Authorization": f"Bearer {secret}"}


def test_an_unchanged_initiative_is_answered_304_and_a_ballot_anywhere_changes_its_etag(
    client, session, secretariat, delegate, make_park, make_user
):
    other = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    initiative_id = _open_initiative(session, secretariat)
    headers = _headers(session, delegate)
    address = f"/api/v1/initiatives/{initiative_id}"

    # The ETag names the minute too: every request in the same one.
    with time_machine.travel(utcnow().replace(second=0) + timedelta(minutes=1), tick=False):
        first = client.get(address, headers=headers)
        etag = first.headers["ETag"]
        again = client.get(address, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.data == b""

        cast_ballot(session, other, initiative_id, "for")
        changed = client.get(address, headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert [p["voted"] for p in changed.json["participation"]].count(True) == 1


def test_the_etag_is_the_readers_own(client, session, secretariat, delegate, make_park, make_user):
    other = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    initiative_id = _open_initiative(session, secretariat)
    address = f"/api/v1/initiatives/{initiative_id}"
    mine = client.get(address, headers=_headers(session, delegate)).headers["ETag"]
    theirs = _headers(session, other)
    answer = client.get(address, headers={**theirs, "If-None-Match": mine})
    assert answer.status_code == 200
    assert answer.headers["ETag"] != mine


def test_a_vote_past_its_time_is_closed_before_any_304(client, session, secretariat, delegate):
    initiative_id = _open_initiative(session, secretariat, closes_in=timedelta(hours=1))
    headers = _headers(session, delegate)
    address = f"/api/v1/initiatives/{initiative_id}"
    etag = client.get(address, headers=headers).headers["ETag"]

    with time_machine.travel(utcnow() + timedelta(hours=2)):
        answer = client.get(address, headers={**headers, "If-None-Match": etag})
    assert answer.status_code == 200
    assert answer.json["status"] == "closed"
    session.expire_all()
    assert session.get(Initiative, initiative_id).status == InitiativeStatus.CLOSED


def test_a_304_costs_two_statements_the_token_and_the_version_with_whether_a_vote_is_due(
    client, session, secretariat, delegate
):
    """The 304 is the cheap answer a polling platform lives on: it reads the token (with its user
    and park) and, in one statement, the version and whether any vote fell due; nothing else."""
    initiative_id = _open_initiative(session, secretariat)
    headers = _headers(session, delegate)
    address = f"/api/v1/initiatives/{initiative_id}"
    with time_machine.travel(utcnow().replace(second=0) + timedelta(minutes=1), tick=False):
        client.get(address, headers=headers)  # the token's first use today is written
        etag = client.get(address, headers=headers).headers["ETag"]
        seen: list[str] = []

        def note(_connection, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", note)
        try:
            answer = client.get(address, headers={**headers, "If-None-Match": etag})
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    assert answer.status_code == 304
    assert len(seen) == 2, seen
    assert "audit_chain_head" in seen[1]
    assert "EXISTS" in seen[1]
