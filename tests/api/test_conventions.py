"""What every answer of /api/v1 shares, seen from a client: bad input refused as a problem
with nothing changed, Idempotency-Key, cursor pages and their Link, ETag and 304, CORS, no
cookies, rate limits per token, and secret ballots that stay secret."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from association.api.idempotency import MAX_KEY_LENGTH
from association.api.models import IdempotentRequest
from association.audit.models import AuditEvent
from association.voting.models import Ballot

NEXT = re.compile(r'^<(?P<address>http://localhost/api/v1/[^>]+)>; rel="next"$')


def _ballot(client, initiative, secret=None, body=None, headers=None):
    credentials = {"Authorization": f"Bearer {secret}"} if secret else {}
    return client.post(
        f"/api/v1/initiatives/{initiative.id}/ballot",
        json=body or {"choice": "for"},
        headers={**credentials, **(headers or {})},
    )


def _held(session) -> dict:
    """What a ballot changes: the ballots, the ballot events, the remembered answers."""
    session.expire_all()
    return {
        "ballots": session.execute(
            select(Ballot.initiative_id, Ballot.park_id, Ballot.choice, Ballot.changes)
        ).all(),
        "events": session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.in_(("ballot.cast", "ballot.changed")))
            .order_by(AuditEvent.seq)
        ).all(),
        "answers": session.scalars(select(IdempotentRequest.key)).all(),
    }


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    return problem


@pytest.fixture
def open_initiative(make_open_vote, delegate):
    return make_open_vote()


# --- bad input: a clear problem, and nothing changed -------------------------------------

JSON = "application/json"


@pytest.mark.parametrize(
    ("send", "status", "fields"),
    [
        pytest.param({"data": '{"choice": "for"', "content_type": JSON}, 400, None, id="malformed JSON"),
        pytest.param({"data": "", "content_type": JSON}, 400, None, id="an empty JSON body"),
        pytest.param({"json": ["for"]}, 422, None, id="JSON that is not an object"),
        pytest.param({"data": {"choice": "for"}}, 415, None, id="a form"),
        pytest.param({"data": '{"choice": "for"}', "content_type": "text/plain"}, 415, None, id="JSON sent as text"),
        pytest.param({}, 415, None, id="no body"),
        pytest.param({"json": {"choice": 1}}, 422, ["choice"], id="a number for the choice"),
        pytest.param({"json": {"choice": None}}, 422, ["choice"], id="a null choice"),
        pytest.param({"json": {}}, 422, ["choice"], id="no choice"),
        pytest.param({"json": {"choice": "x" * 21}}, 422, ["choice"], id="a choice too long"),
        pytest.param({"json": {"choice": "for", "comment": "yes"}}, 422, ["comment"], id="an unknown field"),
    ],
)  # fmt: skip
def test_bad_input_is_a_problem_and_casts_nothing(
    client, session, delegate_secret, open_initiative, send, status, fields
):
    before = _held(session)
    response = client.post(
        f"/api/v1/initiatives/{open_initiative.id}/ballot",
        headers={"Authorization": f"Bearer {delegate_secret}"},
        **send,
    )
    problem = _problem(response, status)
    if fields is not None:
        assert [error["field"] for error in problem["errors"]] == fields
        assert all(f"{field}:" in problem["detail"] for field in fields)
    assert _held(session) == before


def test_an_oversized_body_is_a_problem_the_document_declares(
    app, client, session, delegate_secret, open_initiative
):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    before = _held(session)
    response = _ballot(client, open_initiative, delegate_secret, {"choice": "x" * 1024 * 1024})
    problem = _problem(response, 413)
    assert problem["detail"] == "Uploads may be at most 1 MB in all."
    assert _held(session) == before
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                assert "413" in operation["responses"], f"{method.upper()} {path}"


# --- Idempotency-Key --------------------------------------------------------------------


def test_the_same_key_and_body_again_get_the_first_answer_and_cast_once(
    client, session, delegate_secret, open_initiative
):
    key = {"Idempotency-Key": "portal-7f3a"}
    first = _ballot(client, open_initiative, delegate_secret, headers=key)
    again = _ballot(client, open_initiative, delegate_secret, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    held = _held(session)
    assert len(held["ballots"]) == 1
    assert held["events"] == ["ballot.cast"]


@pytest.mark.parametrize(
    "other",
    [
        pytest.param({"body": {"choice": "against"}}, id="another choice"),
        pytest.param({"initiative": True}, id="another initiative"),
    ],
)
def test_the_same_key_with_another_request_is_refused_and_changes_nothing(
    client, session, delegate_secret, open_initiative, make_open_vote, other
):
    key = {"Idempotency-Key": "portal-7f3a"}
    _ballot(client, open_initiative, delegate_secret, headers=key)
    before = _held(session)
    initiative = make_open_vote("Second vote") if other.get("initiative") else open_initiative
    response = _ballot(client, initiative, delegate_secret, other.get("body"), headers=key)
    problem = _problem(response, 422)
    assert "Idempotency-Key" in problem["detail"]
    assert _held(session) == before


def test_a_key_is_fresh_again_after_the_hours_it_is_honoured(
    app, client, session, delegate_secret, open_initiative
):
    key = {"Idempotency-Key": "portal-7f3a"}
    start = datetime.now(UTC)
    hours = app.config["API_IDEMPOTENCY_HOURS"]
    with time_machine.travel(start, tick=False):
        _ballot(client, open_initiative, delegate_secret, headers=key)
    with time_machine.travel(start + timedelta(hours=hours) - timedelta(seconds=1), tick=False):
        still = _ballot(client, open_initiative, delegate_secret, {"choice": "against"}, key)
    with time_machine.travel(start + timedelta(hours=hours, seconds=1), tick=False):
        fresh = _ballot(client, open_initiative, delegate_secret, {"choice": "against"}, key)
    assert still.status_code == 422
    assert fresh.status_code == 200
    assert "Idempotent-Replayed" not in fresh.headers
    assert fresh.get_json()["choice"] == "against"
    held = _held(session)
    assert [ballot.choice for ballot in held["ballots"]] == ["against"]
    assert held["events"] == ["ballot.cast", "ballot.changed"]
    assert held["answers"] == ["portal-7f3a"]


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("k" * (MAX_KEY_LENGTH + 1), id="too long"),
        pytest.param("clé-1", id="not ASCII"),
        pytest.param("   ", id="blank"),
        pytest.param("a\tb", id="a control character"),
    ],
)
def test_a_key_that_cannot_be_one_is_refused_and_casts_nothing(
    client, session, delegate_secret, open_initiative, key
):
    before = _held(session)
    response = _ballot(client, open_initiative, delegate_secret, headers={"Idempotency-Key": key})
    problem = _problem(response, 400)
    assert problem["errors"] == [{"field": "Idempotency-Key", "detail": problem["detail"]}]
    assert _held(session) == before


def test_a_key_of_the_longest_length_is_honoured(client, delegate_secret, open_initiative):
    key = {"Idempotency-Key": "k" * MAX_KEY_LENGTH}
    _ballot(client, open_initiative, delegate_secret, headers=key)
    assert (
        _ballot(client, open_initiative, delegate_secret, headers=key).headers[
            "Idempotent-Replayed"
        ]
        == "true"
    )


def test_two_requests_at_once_with_one_key_cast_one_ballot(
    app, session, delegate_secret, open_initiative
):
    # Each request on its own client, app context and database session, released together.
    start = threading.Barrier(2)
    address = f"/api/v1/initiatives/{open_initiative.id}/ballot"
    headers = {"Authorization": f"Bearer {delegate_secret}", "Idempotency-Key": "once"}

    def send(_n):
        with app.app_context():
            client = app.test_client()
            start.wait()
            response = client.post(address, json={"choice": "for"}, headers=headers)
            replayed = response.headers.get("Idempotent-Replayed")
            return response.status_code, response.get_json(), replayed

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(send, range(2)))
    assert [status for status, _body, _replayed in answers] == [200, 200]
    assert answers[0][1] == answers[1][1]
    assert sorted(str(replayed) for _status, _body, replayed in answers) == ["None", "true"]
    held = _held(session)
    assert len(held["ballots"]) == 1
    assert held["events"] == ["ballot.cast"]
    assert held["answers"] == ["once"]
