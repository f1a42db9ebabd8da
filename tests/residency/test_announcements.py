"""The parks' platforms are told of the programme: only the parks concerned, no personal data."""

from __future__ import annotations

from sqlalchemy import select

from association.residency.decisions import Decision, accept_offer, decide
from association.residency.stays import check_in
from association.webhooks import service
from association.webhooks.models import EVENTS, WebhookDelivery
from tests.factories import make_integration_manager, make_residency_application


def endpoint_of(session, secretariat, park, n):
    manager = make_integration_manager(session, secretariat, park)
    endpoint, _secret = service.register_endpoint(
        session, manager, url=f"http://127.0.0.1:9/hooks{n}", events=list(EVENTS)
    )
    return endpoint


def events_of(session, endpoint) -> list[str]:
    return list(
        session.scalars(
            select(WebhookDelivery.event)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id)
        )
    )


def test_endorsement_decision_and_start_reach_the_home_and_the_host_concerned_only(
    session, secretariat, call, hosts, home, founder, home_coordinator, host_coordinators
):
    home_end, first_end, second_end, other_end = (
        endpoint_of(session, secretariat, park, n)
        for n, park in enumerate([home, hosts[0], hosts[1], hosts[2]])
    )
    application = make_residency_application(
        session, founder, call, hosts[:2], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    residency = accept_offer(session, founder, application.choices[0])
    check_in(session, host_coordinators[0], residency)
    assert events_of(session, home_end) == [
        "residency.application_endorsed",
        "residency.decided",
        "residency.started",
    ]
    assert events_of(session, first_end) == events_of(session, home_end)
    assert events_of(session, second_end) == ["residency.application_endorsed"]
    assert events_of(session, other_end) == []
    payloads = session.scalars(select(WebhookDelivery.payload)).all()
    assert not any("Aruzhan" in payload for payload in payloads)
