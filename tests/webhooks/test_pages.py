"""The webhook pages: who may use them, adding an endpoint (its secret shown once), bad input
refused with a clear message and nothing saved, and each endpoint's buttons."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from association.webhooks import service
from association.webhooks.models import TEST_EVENT, WebhookDelivery, WebhookEndpoint
from tests.factories import login, make_integration_manager


def endpoint_count(session) -> int:
    return session.scalar(select(func.count()).select_from(WebhookEndpoint))


def add(client, url, events=("initiative.opened", "initiative.closed"), **fields):
    return client.post("/webhooks", data={"url": url, "events": list(events), **fields})


def test_an_integration_manager_adds_an_endpoint_and_sees_its_secret_once(
    client, session, manager, receiver
):
    login(client, manager)
    assert 'href="/webhooks"' in client.get("/dashboard").get_data(as_text=True)
    response = add(client, receiver.url)
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    endpoint = session.scalar(select(WebhookEndpoint))
    assert endpoint.secret in page
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.park_id == manager.park_id
    assert endpoint.events == ["initiative.opened", "initiative.closed"]
    # The form below is empty again: the new endpoint is in the list, not waiting to be added.
    assert f'value="{receiver.url}"' not in page
    assert " checked" not in page

    assert endpoint.secret not in client.get("/webhooks").get_data(as_text=True)
    detail = client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    assert endpoint.secret not in detail
    assert receiver.url in detail


@pytest.mark.parametrize(
    ("url", "events", "says"),
    [
        ("http://93.184.216.34/hooks", ["initiative.opened"], "only to https://"),
        ("https://10.0.0.5/hooks", ["initiative.opened"], "private network"),
        ("https://169.254.169.254/latest", ["initiative.opened"], "private network"),
        ("not an address", ["initiative.opened"], "not a web address"),
        ("https://93.184.216.34/hooks", [], "at least one event"),
        ("https://93.184.216.34/hooks", ["initiative.opened", "vote.leaked"], "vote.leaked"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(
    client, session, manager, url, events, says
):
    login(client, manager)
    response = add(client, url, events)
    assert response.status_code == 400
    assert says in response.get_data(as_text=True)
    assert endpoint_count(session) == 0


def test_localhost_needs_the_setting(app, client, session, manager):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = False
    login(client, manager)
    response = add(client, "http://127.0.0.1:8080/hooks")
    assert response.status_code == 400
    assert endpoint_count(session) == 0


def test_a_reader_of_the_park_may_not_manage_webhooks(client, member):
    login(client, member)
    assert client.get("/webhooks").status_code == 403
    assert add(client, "https://93.184.216.34/hooks").status_code == 403


def test_another_parks_integration_manager_cannot_open_the_endpoint(
    client, session, secretariat, manager, make_park, receiver
):
    endpoint, _secret = service.register_endpoint(
        session, manager, url=receiver.url, events=["initiative.opened"]
    )
    stranger = make_integration_manager(session, secretariat, make_park("Sabah Lab"))
    login(client, stranger)
    assert client.get(f"/webhooks/{endpoint.id}").status_code == 403
    assert client.post(f"/webhooks/{endpoint.id}/test").status_code == 403
    assert receiver.url not in client.get("/webhooks").get_data(as_text=True)


def test_the_secretariat_registers_the_associations_own_endpoint(client, session, secretariat):
    login(client, secretariat)
    response = add(client, "https://93.184.216.34/amt", park="0")
    assert response.status_code == 201
    assert session.scalar(select(WebhookEndpoint)).park_id is None


def test_the_buttons_send_a_test_event_and_remove_the_endpoint_after_confirmation(
    client, session, manager, receiver
):
    endpoint, _secret = service.register_endpoint(
        session, manager, url=receiver.url, events=["initiative.opened"]
    )
    login(client, manager)
    assert client.post(f"/webhooks/{endpoint.id}/test").status_code == 302
    assert session.scalar(select(WebhookDelivery.event)) == TEST_EVENT
    page = client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    assert TEST_EVENT in page
    assert "waiting to be sent" in page

    client.post(f"/webhooks/{endpoint.id}/remove")  # not confirmed
    assert endpoint_count(session) == 1
    response = client.post(f"/webhooks/{endpoint.id}/remove", data={"confirm": "y"})
    assert response.status_code == 302
    assert endpoint_count(session) == 0
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_the_duty_is_given_where_the_secretariat_gives_duties(client, session, admin, member):
    login(client, admin)
    response = client.post(
        f"/secretariat/users/{member.id}/duties", data={"integration_manager": "y"}
    )
    assert response.status_code == 302
    session.refresh(member)
    assert member.is_integration_manager
    assert "integration manager" in client.get(f"/secretariat/parks/{member.park_id}").get_data(
        as_text=True
    )
