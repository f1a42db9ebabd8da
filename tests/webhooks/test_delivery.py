"""Delivering webhooks: signed per Standard Webhooks, tried again with back-off, given up after
about a day, never redirected; an endpoint failing for days is disabled and its owners told."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.extensions import db
from association.mail.models import OutboxMessage
from association.webhooks import service
from association.webhooks.delivery import MAX_ATTEMPTS, RETRY_WAITS, deliver_due
from association.webhooks.models import TEST_EVENT, WebhookDelivery, WebhookEndpoint
from tests.factories import POSTGRES_URL
from tests.webhooks.receiver import deliver

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def register(session, user, receiver, events=("initiative.opened",), **kwargs):
    """An endpoint at the receiver, which then checks each request's signature with its secret."""
    endpoint, secret = service.register_endpoint(
        session, user, url=receiver.url, events=list(events), **kwargs
    )
    receiver.secret = secret
    return endpoint, secret


def test_each_delivery_is_signed_per_standard_webhooks(session, manager, receiver):
    endpoint, secret = register(session, manager, receiver)
    assert secret.startswith("whsec_")
    service.send_test_event(session, manager, endpoint)

    assert deliver(session).delivered == 1
    (request,) = receiver.received
    assert request.signature_held
    payload = request.verified(secret)  # raises unless the signature holds
    assert payload["type"] == TEST_EVENT
    assert payload["data"]["endpoint"] == endpoint.id
    assert payload["timestamp"].endswith("Z")
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.path == "/hooks/amt"
    delivery = session.scalar(select(WebhookDelivery))
    assert delivery.message_id == request.headers["webhook-id"]
    assert (delivery.attempts, delivery.last_status_code) == (1, 204)
    assert delivery.delivered_at is not None
    assert delivery.claimed_until is None


def test_a_signature_made_with_another_secret_does_not_verify(session, manager, receiver):
    from standardwebhooks.webhooks import WebhookVerificationError

    endpoint, _secret = register(session, manager, receiver)
    service.send_test_event(session, manager, endpoint)
    deliver(session)
    with pytest.raises(WebhookVerificationError):
        receiver.received[0].verified(service.new_secret())


def test_a_receiver_that_fails_twice_then_succeeds_gets_the_event_exactly_once_more(
    session, manager, receiver
):
    endpoint, secret = register(session, manager, receiver)
    receiver.answers = [500, 503]
    with time_machine.travel(T0, tick=False) as clock:
        service.send_test_event(session, manager, endpoint)
        assert deliver(session).failed == 1
        assert deliver(session).failed == 0  # waiting: nothing is due yet
        clock.move_to(T0 + RETRY_WAITS[0])
        assert deliver(session).failed == 1
        clock.move_to(T0 + RETRY_WAITS[0] + RETRY_WAITS[1])
        assert deliver(session).delivered == 1
        clock.move_to(T0 + timedelta(days=2))
        assert deliver(session).delivered == 0

        assert len(receiver.received) == 3
        assert len(set(receiver.message_ids())) == 1  # the same message each time
        assert receiver.all_signed()
    delivery = session.scalar(select(WebhookDelivery))
    assert delivery.attempts == 3
    assert delivery.last_status_code == 204
    assert delivery.delivered_at is not None
    assert session.get(WebhookEndpoint, endpoint.id).failing_since is None


def test_each_failure_is_visible_with_its_status_and_next_attempt(
    client, session, manager, receiver
):
    from tests.factories import login

    endpoint, _secret = register(session, manager, receiver)
    receiver.answers = [502]
    service.send_test_event(session, manager, endpoint)
    deliver(session)
    delivery = session.scalar(select(WebhookDelivery))
    assert delivery.last_status_code == 502
    assert delivery.next_attempt_at is not None
    assert "502" in delivery.last_error

    login(client, manager)
    page = client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    assert TEST_EVENT in page
    assert "502" in page
    assert "failed, will try again" in page


def test_a_redirect_is_a_failed_delivery_and_is_not_followed(session, manager, receiver):
    endpoint, _secret = register(session, manager, receiver)
    receiver.answers = [301]
    receiver.redirect_to = receiver.url + "/moved"
    service.send_test_event(session, manager, endpoint)
    assert deliver(session).failed == 1
    assert [r.path for r in receiver.received] == ["/hooks/amt"]
    delivery = session.scalar(select(WebhookDelivery))
    assert delivery.last_status_code == 301
    assert "redirect" in delivery.last_error


def test_a_delivery_is_given_up_after_about_a_day(session, manager, receiver):
    endpoint, _secret = register(session, manager, receiver)
    receiver.answers = [500] * 20
    with time_machine.travel(T0, tick=False) as clock:
        service.send_test_event(session, manager, endpoint)
        for wait in RETRY_WAITS:
            deliver(session)
            clock.shift(wait)
        deliver(session)  # the last try, about 22 hours after the first
        clock.shift(timedelta(hours=12))
        assert deliver(session).failed == 0
    delivery = session.scalar(select(WebhookDelivery))
    assert delivery.attempts == MAX_ATTEMPTS
    assert delivery.gave_up_at is not None
    assert delivery.next_attempt_at is None
    assert len(receiver.received) == MAX_ATTEMPTS
    assert timedelta(hours=20) < sum(RETRY_WAITS, timedelta()) < timedelta(hours=25)


def test_the_address_is_checked_again_when_sending(session, manager, receiver, monkeypatch):
    """A name that resolved to a public address when registered and resolves inside the
    network now (DNS rebinding) is not sent to."""
    endpoint, _secret = register(session, manager, receiver)
    service.send_test_event(session, manager, endpoint)
    real = socket.getaddrinfo

    def rebound(host, port, *args, **kwargs):
        if host == "127.0.0.1":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    assert deliver(session).failed == 1
    assert receiver.received == []
    assert "private network" in session.scalar(select(WebhookDelivery)).last_error


def test_an_endpoint_failing_for_days_is_disabled_and_its_owners_are_emailed(
    session, secretariat, manager, receiver, park
):
    from association.auth.service import choose_language
    from tests.factories import make_integration_manager

    colleague = make_integration_manager(session, secretariat, park, email="cto@astanahub.example")
    choose_language(session, colleague, "ru")
    session.commit()
    endpoint, _secret = register(session, manager, receiver, events=["meeting.scheduled"])
    receiver.answers = [500] * 50
    with time_machine.travel(T0, tick=False) as clock:
        for day in range(4):
            clock.move_to(T0 + timedelta(days=day))
            service.send_test_event(session, manager, endpoint)
            deliver(session)
    endpoint = session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.disabled_at == T0 + timedelta(days=3)
    assert endpoint.failing_since == T0

    mails = session.scalars(
        select(OutboxMessage).where(OutboxMessage.body.contains(receiver.url))
    ).all()
    assert sorted(m.recipient for m in mails) == [colleague.email, manager.email]
    to_colleague = next(m for m in mails if m.recipient == colleague.email)
    assert not to_colleague.body.startswith("Dear")  # in the colleague's language (Russian)
    assert f"/webhooks/{endpoint.id}" in to_colleague.body

    # Disabled: nothing more is sent, and no test event can be queued until it is re-enabled.
    from association.domain import Conflict

    with pytest.raises(Conflict):
        service.send_test_event(session, manager, endpoint)
    service.reenable_endpoint(session, manager, endpoint)
    receiver.answers = []
    service.send_test_event(session, manager, endpoint)
    assert deliver(session).delivered >= 1


@pytest.mark.skipif(not POSTGRES_URL, reason="several workers at once is PostgreSQL's case")
def test_two_workers_at_once_deliver_each_event_exactly_once(app, session, manager, receiver):
    endpoint, secret = register(session, manager, receiver)
    for _n in range(30):
        service.send_test_event(session, manager, endpoint)
    endpoint_id = endpoint.id
    session.commit()
    reports = []
    start = threading.Barrier(2)

    def work(name):
        with app.app_context():
            own = Session(db.engine)
            try:
                start.wait()
                reports.append(deliver_due(own, worker=name))
            finally:
                own.close()

    workers = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in (1, 2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)

    ids = receiver.message_ids()
    assert len(ids) == 30
    assert len(set(ids)) == 30
    assert sum(report.delivered for report in reports) == 30
    assert all(report.delivered for report in reports), "both workers took a share"
    delivered = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    ).all()
    assert all(d.attempts == 1 and d.delivered_at is not None for d in delivered)
    assert receiver.all_signed()
