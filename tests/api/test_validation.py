"""A 422 names each refused field with our own sentence (translatable), not pydantic's
English; a reason we have no sentence for keeps pydantic's text."""

from __future__ import annotations

import pytest

from association.api.validation import reason


def _reasons(response) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)
    return {error["field"]: error["detail"] for error in response.get_json()["errors"]}


@pytest.mark.parametrize(
    ("address", "field", "sentence"),
    [
        ("/api/v1/parks?limit=many", "limit", "This must be a whole number."),
        ("/api/v1/parks?limit=0", "limit", "This must be at least 1."),
        ("/api/v1/parks?limit=1000", "limit", "This must be at most 200."),
        ("/api/v1/parks?colour=blue", "colour", "This field is not accepted here."),
        (
            "/api/v1/parks?country=kazakhstan",
            "country",
            "This is not in the expected form (^[A-Z]{2}$).",
        ),
    ],
)
def test_a_refused_query_says_why_in_our_words(client, address, field, sentence):
    assert _reasons(client.get(address)) == {field: sentence}


@pytest.mark.parametrize(
    ("body", "field", "sentence"),
    [
        ({}, "choice", "This field is required."),
        ({"choice": "x" * 21}, "choice", "This may be at most 20 characters long."),
        ({"choice": 1}, "choice", "This must be text."),
    ],
)
def test_a_refused_body_says_why_in_our_words(
    client, make_open_vote, delegate_secret, body, field, sentence
):
    initiative = make_open_vote()
    response = client.post(
        f"/api/v1/initiatives/{initiative.id}/ballot",
        json=body,
        headers={"Authorization": f"Bearer {delegate_secret}"},
    )
    assert _reasons(response) == {field: sentence}
    assert response.get_json()["detail"] == f"The request is not valid: {field}: {sentence[:-1]}."


def test_a_day_not_written_as_one_is_refused_in_our_words(client, make_token, secretariat):
    response = client.get(
        "/api/v1/audit/events?since=0",
        headers={"Authorization": f"Bearer {make_token(secretariat)}"},
    )
    assert _reasons(response) == {"since": "This must be a day written YYYY-MM-DD."}


def test_a_reason_without_a_sentence_of_ours_keeps_pydantics_text(app):
    with app.test_request_context():
        assert reason({"type": "uuid_parsing", "msg": "Input should be a valid UUID"}) == (
            "Input should be a valid UUID"
        )
        # Our sentence needs the limit; without it, pydantic's text rather than a crash.
        assert reason({"type": "string_too_long", "msg": "String too long", "ctx": {}}) == (
            "String too long"
        )
