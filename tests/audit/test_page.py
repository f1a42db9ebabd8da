"""The audit log page: each event a sentence with names, details folded, filters, paginated."""

from __future__ import annotations

import re

from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from tests.factories import login


def _ballot(session, delegate, secretariat, title="Joint accelerator programme 2027"):
    from datetime import timedelta

    from association.database import utcnow
    from association.voting.ballots import cast_ballot
    from association.voting.initiatives import create_initiative
    from association.voting.votes import open_vote

    initiative = create_initiative(session, secretariat, title=title)
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=7))
    cast_ballot(session, delegate, initiative, "for")
    return initiative


def test_each_event_reads_as_a_sentence_naming_the_actor_and_park(
    client, session, secretariat, delegate
):
    _ballot(session, delegate, secretariat)
    login(client, secretariat)
    html = client.get("/secretariat/audit/").get_data(as_text=True)
    assert "Aigerim Sadykova (Astana Hub) cast a ballot on Joint accelerator programme 2027" in html
    assert "Saule Omarova (secretariat) opened the vote on Joint accelerator programme 2027" in html
    sentences = re.findall(r'<div class="audit-sentence">(.*?)</div>', html)
    assert sentences
    assert not [s for s in sentences if re.search(r"\bUser \d", s)]
    assert "<details" in html


def test_the_filters_narrow_the_log(client, session, secretariat, delegate, park, make_park):
    initiative = _ballot(session, delegate, secretariat)
    other = make_park("Bilişim Vadisi", country="TR")
    change_park_status(session, secretariat, other, ParkStatus.SUSPENDED, "unpaid fees")
    login(client, secretariat)

    def sentences(**query) -> str:
        return client.get("/secretariat/audit/", query_string=query).get_data(as_text=True)

    by_action = sentences(action="ballot.cast")
    assert "cast a ballot" in by_action
    assert "changed the status of" not in by_action
    assert "changed the status of Bilişim Vadisi" in sentences(action="park")
    by_park = sentences(park=str(park.id))
    assert "cast a ballot" in by_park
    assert "opened the vote" not in by_park
    by_actor = sentences(actor="aigerim")
    assert "cast a ballot" in by_actor
    assert "opened the vote" not in by_actor
    by_subject = sentences(subject=f"Initiative {initiative.id}")
    assert "opened the vote" in by_subject
    assert "Bilišim" not in by_subject
    assert "changed the status of" not in by_subject
    assert "No events match." in sentences(since="2999-01-01")
    assert "cast a ballot" in sentences(until="2999-01-01")


def test_bad_filters_answer_a_page_not_an_error(client, secretariat):
    login(client, secretariat)
    for query in (
        {"since": "not a date"},
        {"park": "99999999999999999999"},
        {"page": "99999999999999999999"},
        {"action": "x" * 500},
    ):
        assert client.get("/secretariat/audit/", query_string=query).status_code in (200, 400)


def test_api_token_and_webhook_events_read_as_sentences(client, session, secretariat, park):
    from datetime import timedelta

    from association.api.personal_tokens import authenticate, revoke_token
    from association.database import utcnow
    from association.webhooks.delivery import disable_if_failing
    from association.webhooks.service import (
        reenable_endpoint,
        register_endpoint,
        remove_endpoint,
        send_test_event,
    )
    from tests.factories import make_api_token, make_integration_manager

    manager = make_integration_manager(session, secretariat, park, full_name="Nurlan Abenov")
    token, secret = make_api_token(session, manager, name="Park portal")
    authenticate(session, secret)
    revoke_token(session, manager, token.id)
    url = "http://127.0.0.1:9/hooks"
    endpoint, _secret = register_endpoint(
        session, manager, url=url, events=["initiative.opened"], park_id=park.id
    )
    send_test_event(session, manager, endpoint)
    endpoint.failing_since = utcnow() - timedelta(days=30)
    session.commit()
    disable_if_failing(session, endpoint.id)
    reenable_endpoint(session, manager, endpoint)
    remove_endpoint(session, manager, endpoint)

    login(client, secretariat)
    html = client.get("/secretariat/audit/").get_data(as_text=True)
    who = "Nurlan Abenov (Astana Hub)"
    for expected in (
        f"{who} made the API token Park portal",
        f"{who} used the API token Park portal for the first time that day",
        f"{who} revoked the API token Park portal",
        f"{who} registered the webhook endpoint {url}",
        f"{who} sent a test event to the webhook endpoint {url}",
        f"disabled the webhook endpoint {url} after days of failed deliveries",
        f"{who} re-enabled the webhook endpoint {url}",
        f"{who} removed the webhook endpoint {url}",
    ):
        assert expected in html
    sentences = re.findall(r'<div class="audit-sentence">(.*?)</div>', html)
    assert not [
        s for s in sentences if re.search(r"webhook\.|api_token\.|WebhookEndpoint|ApiToken", s)
    ]
