"""The audit log through the API, the secretariat's alone with the audit page's filters; and
its signed checkpoints, public as /audit/checkpoints is."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from association.audit.checkpoints import checkpoint_document, checkpoint_now
from association.audit.models import AuditEvent
from association.database import utcnow
from association.parks.service import update_park
from tests.factories import bearer


def _actions(answer) -> list[str]:
    return [e["action"] for e in answer.get_json()["events"]]


def _newest(session) -> AuditEvent:
    return session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))


def test_a_visitor_is_asked_for_a_token(client):
    assert client.get("/api/v1/audit/events").status_code == 401


def test_a_member_is_refused(client, session, delegate):
    answer = client.get("/api/v1/audit/events", headers=bearer(session, delegate))
    assert answer.status_code == 403
    assert answer.get_json()["detail"] == "Only the secretariat reads the audit log."


def test_the_secretariat_reads_the_log_newest_first_as_the_page_words_it(
    client, session, secretariat, delegate
):
    headers = bearer(session, secretariat)  # its making is audited too
    newest = _newest(session)
    events = client.get("/api/v1/audit/events", headers=headers).get_json()["events"]
    assert [e["seq"] for e in events] == sorted((e["seq"] for e in events), reverse=True)
    # The token's first use of the day is audited before the answer is made.
    first = events[0]
    assert first["action"] == "api_token.used"
    (made,) = (e for e in events if e["seq"] == newest.seq)
    assert made["hash"] == newest.hash
    assert made["prev_hash"] == newest.prev_hash
    assert made["details"] == json.loads(newest.details)
    assert made["actor"] == "Saule Omarova (secretariat)"
    assert made["sentence"]


def test_the_filters_of_the_page(client, session, secretariat, delegate, park):
    update_park(session, secretariat, park, city="Nur-Sultan")
    headers = bearer(session, secretariat)
    by_action = client.get("/api/v1/audit/events?action=user", headers=headers)
    assert set(_actions(by_action)) == {"user.created"}
    client.get("/api/v1/me", headers=bearer(session, delegate))  # the delegate acts
    by_park = client.get(f"/api/v1/audit/events?park={park.id}", headers=headers)
    assert _actions(by_park) == ["api_token.used", "api_token.created"]
    assert all(e["actor_id"] == delegate.id for e in by_park.get_json()["events"])
    by_actor = client.get("/api/v1/audit/events?actor=omarova", headers=headers)
    assert by_actor.get_json()["events"]
    assert all(e["actor_id"] == secretariat.id for e in by_actor.get_json()["events"])
    by_subject = client.get(f"/api/v1/audit/events?subject=Park {park.id}", headers=headers)
    assert {e["subject_id"] for e in by_subject.get_json()["events"]} == {str(park.id)}
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    later = client.get(f"/api/v1/audit/events?since={tomorrow}", headers=headers)
    assert later.get_json()["events"] == []


@pytest.mark.parametrize(
    "query",
    [
        "since=soon",
        "until=9999-12-31",
        "park=0",
        "park=99999999999999999999",
        # A number is no day, though pydantic would read it as a Unix time (found by Schemathesis).
        "until=0",
        "since=86400",
        "since=2026-1-5",
    ],
)
def test_a_filter_out_of_range_is_refused_not_failed(client, session, secretariat, query):
    answer = client.get(f"/api/v1/audit/events?{query}", headers=bearer(session, secretariat))
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"


def test_cursor_pages_neither_repeat_nor_skip_when_events_are_added(
    client, session, secretariat, park
):
    headers = bearer(session, secretariat)
    page = client.get("/api/v1/audit/events?limit=2", headers=headers)
    seen = [e["seq"] for e in page.get_json()["events"]]
    update_park(session, secretariat, park, city="Astana")  # a new event between pages
    following = page.headers["Link"].split(";")[0].strip("<>")
    while following:
        answer = client.get(following, headers=headers)
        seen += [e["seq"] for e in answer.get_json()["events"]]
        link = answer.headers.get("Link")
        following = link.split(";")[0].strip("<>") if link else ""
    assert seen == list(range(seen[0], 0, -1))  # each event once, the new one not among them


@pytest.fixture
def checkpoints(session, secretariat):
    return [checkpoint_now(session), checkpoint_now(session)]


def test_the_checkpoints_are_public_as_their_page(client, checkpoints):
    answer = client.get("/api/v1/audit/checkpoints")
    assert answer.status_code == 200
    listed = answer.get_json()["checkpoints"]
    assert [c["id"] for c in listed] == [c.id for c in reversed(checkpoints)]
    newest = checkpoint_document(checkpoints[-1])
    assert listed[0]["seq"] == newest["seq"]
    assert listed[0]["head_hash"] == newest["head_hash"]
    assert listed[0]["signature"] == newest["signature"]
    assert listed[0]["key_sha256"] == newest["key_sha256"]
    document = client.get(listed[0]["document_url"])
    assert json.loads(document.data) == newest


def test_the_checkpoints_in_pages_with_304(client, checkpoints):
    page = client.get("/api/v1/audit/checkpoints?limit=1")
    rest = client.get(page.headers["Link"].split(";")[0].strip("<>"))
    assert [c["id"] for c in rest.get_json()["checkpoints"]] == [checkpoints[0].id]
    again = client.get(
        "/api/v1/audit/checkpoints?limit=1", headers={"If-None-Match": page.headers["ETag"]}
    )
    assert again.status_code == 304
