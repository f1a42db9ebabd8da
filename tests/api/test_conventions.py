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
from association.voting.ballots import cast_ballot
from association.voting.models import Ballot
from association.voting.votes import close_vote
from tests.factories import EARLY, login

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
            select(Ballot.initiative_id, Ballot.park_id, Ballot.choice, Ballot.changes).order_by(
                Ballot.id
            )
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


# --- cursor pages and their Link --------------------------------------------------------


def _ids(response, key: str) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [row["id"] for row in response.get_json()[key]]


def _next(response) -> str | None:
    """The next page's address, from a Link header of exactly the documented form."""
    link = response.headers.get("Link")
    if link is None:
        return None
    found = NEXT.match(link)
    assert found, link
    return found.group("address").removeprefix("http://localhost")


# Not base64; "id:"; "id:-1"; "x:5"; zero bytes; an id of 19 digits.
@pytest.mark.parametrize(
    "cursor", ["nonsense!", "aWQ6", "aWQ6LTE", "eDo1", "AAAA", "aWQ6OTk5OTk5OTk5OTk5OTk5OTk5OQ"]
)
def test_a_cursor_the_api_never_gave_is_a_problem(client, cursor):
    problem = _problem(client.get(f"/api/v1/initiatives?cursor={cursor}"), 400)
    assert problem["errors"] == [{"field": "cursor", "detail": problem["detail"]}]


def test_initiative_pages_neither_repeat_nor_skip_when_initiatives_are_added(
    client, make_open_vote, delegate
):
    older = [make_open_vote(f"Initiative {n}").id for n in range(5)]
    first = client.get("/api/v1/initiatives?limit=2")
    added = [make_open_vote(f"Added meanwhile {n}").id for n in range(3)]
    pages = [_ids(first, "initiatives")]
    address = _next(first)
    while address:
        response = client.get(address)
        pages.append(_ids(response, "initiatives"))
        address = _next(response)
    assert pages == [older[:-3:-1], older[2:0:-1], older[:1]]
    assert not set(added) & {n for page in pages for n in page}


def test_park_pages_go_oldest_first_and_reach_parks_added_meanwhile(client, make_park):
    parks = [make_park(f"Park {n}").id for n in range(3)]
    first = client.get("/api/v1/parks?limit=2")
    added = make_park("Added meanwhile").id
    second = client.get(_next(first))
    assert _ids(first, "parks") == parks[:2]
    assert _ids(second, "parks") == [parks[2], added]
    assert _next(second) is None


def test_the_next_page_keeps_the_query_and_the_last_page_has_no_link(
    client, make_open_vote, delegate
):
    for n in range(3):
        make_open_vote(f"Initiative {n}")
    first = client.get("/api/v1/initiatives?status=open&limit=2")
    address = _next(first)
    assert address.startswith("/api/v1/initiatives?")
    assert "status=open" in address
    assert "limit=2" in address
    last = client.get(address)
    assert len(_ids(last, "initiatives")) == 1
    assert "Link" not in last.headers


# --- ETag, Vary, cookies ----------------------------------------------------------------


def test_a_get_has_an_etag_and_answers_if_none_match_with_an_empty_304(
    client, bearer, delegate_secret, open_initiative
):
    address = f"/api/v1/initiatives/{open_initiative.id}"
    # The ETag names the minute too: both requests in the same one.
    with time_machine.travel(
        datetime.now(UTC).replace(second=0) + timedelta(minutes=1), tick=False
    ):
        first = client.get(address, headers=bearer(delegate_secret))
        etag = first.headers["ETag"]
        again = client.get(address, headers={**bearer(delegate_secret), "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert first.headers["Cache-Control"] == "private, no-cache"


def test_answers_vary_with_the_token(client, bearer, delegate_secret, open_initiative):
    for response in (
        client.get("/api/v1/initiatives"),
        client.get(f"/api/v1/initiatives/{open_initiative.id}", headers=bearer(delegate_secret)),
        client.get("/api/v1/me"),
    ):
        assert "Authorization" in response.headers["Vary"]


def test_no_api_answer_sets_a_cookie_even_to_a_signed_in_browser(
    client, delegate, delegate_secret, open_initiative
):
    login(client, delegate)
    answers = [
        client.get("/api/v1/initiatives"),
        client.get("/api/v1/me"),
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {delegate_secret}"}),
        client.get("/api/v1/me", headers={"Authorization": "Bearer amt_unknown"}),
        _ballot(client, open_initiative, delegate_secret),
        _ballot(client, open_initiative, delegate_secret, {"choice": "maybe"}),
        client.get("/api/v1/openapi.json"),
        client.get("/api/v1/nothing-here"),
    ]
    assert [response.status_code for response in answers] == [
        200,
        401,
        200,
        401,
        200,
        400,
        200,
        404,
    ]
    assert [response.headers.get("Set-Cookie") for response in answers] == [None] * len(answers)


# --- CORS -------------------------------------------------------------------------------

PORTAL = "https://portal.astanahub.example"


def test_cors_is_off_by_default(client):
    response = client.get("/api/v1/initiatives", headers={"Origin": PORTAL})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_answers_only_an_origin_the_setting_lists(app, client, bearer, delegate_secret):
    app.config["API_CORS_ORIGINS"] = f"{PORTAL} https://crm.sabahlab.example"
    listed = client.get("/api/v1/me", headers={"Origin": PORTAL, **bearer(delegate_secret)})
    other = client.get(
        "/api/v1/me", headers={"Origin": "https://elsewhere.example", **bearer(delegate_secret)}
    )
    preflight = client.options(
        "/api/v1/me",
        headers={
            "Origin": PORTAL,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert listed.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "Origin" in listed.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in listed.headers
    assert "Access-Control-Allow-Origin" not in other.headers
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


# --- credentials and limits -------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no token"),
        pytest.param("Bearer amt_not-a-token-we-made", id="an unknown token"),
        pytest.param("Basic ZGVsZWdhdGU6cGFzcw==", id="a password"),
        pytest.param("Bearer ", id="an empty token"),
    ],
)
def test_a_request_without_valid_credentials_is_told_to_bring_a_bearer_token(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/me", headers=headers)
    _problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_requests_over_the_limit_wait_and_the_limit_is_each_tokens_own(
    app, client, bearer, make_token, delegate, secretariat
):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    busy, other = make_token(delegate), make_token(secretariat)
    answers = [client.get("/api/v1/me", headers=bearer(busy)) for _ in range(3)]
    assert [response.status_code for response in answers] == [200, 200, 429]
    _problem(answers[2], 429)
    assert 1 <= int(answers[2].headers["Retry-After"]) <= 60
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200


def test_the_limit_is_one_over_the_whole_api_not_one_per_address(
    app, client, bearer, make_token, delegate
):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    headers = bearer(make_token(delegate))
    answers = [
        client.get(address, headers=headers)
        for address in ("/api/v1/me", "/api/v1/parks", "/api/v1/initiatives")
    ]
    assert [response.status_code for response in answers] == [200, 200, 429]


def test_a_tokens_304s_count_against_its_limit(app, client, bearer, make_token, delegate):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    headers = bearer(make_token(delegate))
    with time_machine.travel(
        datetime.now(UTC).replace(second=0) + timedelta(minutes=1), tick=False
    ):
        etag = client.get("/api/v1/parks", headers=headers).headers["ETag"]
        conditional = {**headers, "If-None-Match": etag}
        answers = [client.get("/api/v1/parks", headers=conditional) for _ in range(3)]
    assert [response.status_code for response in answers] == [304, 304, 429]
    _problem(answers[2], 429)


def test_a_304_is_not_given_to_a_visitor_for_what_needs_a_token(
    client, bearer, make_token, delegate
):
    headers = bearer(make_token(delegate))
    with time_machine.travel(
        datetime.now(UTC).replace(second=0) + timedelta(minutes=1), tick=False
    ):
        etag = client.get("/api/v1/me", headers=headers).headers["ETag"]
        answer = client.get("/api/v1/me", headers={"If-None-Match": etag})
    _problem(answer, 401)


# --- method not allowed -----------------------------------------------------------------


def test_a_method_an_address_does_not_take_is_named_with_those_it_takes(
    client, bearer, delegate_secret
):
    response = client.delete("/api/v1/me", headers=bearer(delegate_secret))
    problem = _problem(response, 405)
    assert "GET" in response.headers["Allow"]
    assert "button" not in problem["detail"]
    assert problem["detail"].startswith(
        "This API address does not accept the DELETE method; it accepts "
    )
    assert "GET" in problem["detail"]


# --- secret ballots stay secret ---------------------------------------------------------


def _choices_by_park(body) -> list:
    """Every place in an answer that puts a park beside a choice."""
    found = []
    if isinstance(body, dict):
        if "park" in body and body.get("choice") is not None:
            found.append(body)
        for value in body.values():
            found += _choices_by_park(value)
    elif isinstance(body, list):
        for value in body:
            found += _choices_by_park(value)
    return found


@pytest.fixture
def two_parks_voted(session, make_park, make_user, make_token, delegate):
    """Sabah Lab and Astana Hub are to vote; a third park's delegate reads."""
    sabah = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    reader = make_user(park=make_park("Tech Garden", country="KG"), delegate=True)
    return [delegate, sabah], make_token(reader)


@pytest.mark.parametrize("reader", ["a third park", "the secretariat", "a visitor"])
def test_a_secret_vote_shows_no_parks_choice_while_open_or_after_close(
    client, session, bearer, make_token, secretariat, make_open_vote, two_parks_voted, reader
):
    voters, third = two_parks_voted
    secrets = {"a third park": third, "the secretariat": make_token(secretariat)}
    headers = bearer(secrets[reader]) if reader in secrets else {}
    initiative = make_open_vote("Election of the auditor", secret=True)
    receipts = [
        cast_ballot(session, user, initiative, choice).receipt_code
        for user, choice in zip(voters, ["for", "against"], strict=True)
    ]
    address = f"/api/v1/initiatives/{initiative.id}"

    while_open = client.get(address, headers=headers).get_json()
    close_vote(session, secretariat, initiative, reason=EARLY)
    after_close = client.get(address, headers=headers).get_json()
    listed = client.get("/api/v1/initiatives", headers=headers).get_json()

    for body in (while_open, after_close, listed):
        assert _choices_by_park(body) == []
    for body in (while_open, after_close):
        assert body["roll_call"] is None
        assert body["my_ballot"] is None
        assert all(set(row) == {"park", "voted"} for row in body["participation"] or [])
    assert after_close["result"]["tallies"] == {"for": 1, "against": 1, "abstain": 0}
    if reader != "a visitor":
        assert after_close["receipts"] == sorted(receipts)


def test_a_voter_sees_only_its_own_parks_choice_in_a_secret_vote(
    client, session, bearer, make_token, make_open_vote, two_parks_voted
):
    (astana, sabah), _third = two_parks_voted
    initiative = make_open_vote("Election of the auditor", secret=True)
    cast_ballot(session, astana, initiative, "for")
    cast_ballot(session, sabah, initiative, "against")
    body = client.get(
        f"/api/v1/initiatives/{initiative.id}", headers=bearer(make_token(sabah))
    ).get_json()
    assert body["my_ballot"]["choice"] == "against"
    assert _choices_by_park(body) == []


def test_a_closed_public_vote_has_its_roll_call(
    client, session, bearer, make_token, secretariat, make_open_vote, two_parks_voted
):
    (astana, sabah), third = two_parks_voted
    initiative = make_open_vote("Common startup passport")
    cast_ballot(session, astana, initiative, "for")
    cast_ballot(session, sabah, initiative, "against")
    close_vote(session, secretariat, initiative, reason=EARLY)
    body = client.get(f"/api/v1/initiatives/{initiative.id}", headers=bearer(third)).get_json()
    assert {(row["park"]["name"], row["choice"]) for row in body["roll_call"]} == {
        ("Astana Hub", "for"),
        ("Sabah Lab", "against"),
        ("Tech Garden", None),
    }
