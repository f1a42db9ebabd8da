"""The demo's integration: Astana Hub's integration manager and its endpoint to example.org,
disabled with a note; made once however often the demo is seeded, and seed-demo says how to
try the API without printing any secret."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import func, select

from association.demo import seed_demo
from association.parks.models import User
from association.webhooks import service
from association.webhooks.demo import ENDPOINT_NOTE, ENDPOINT_URL, MANAGER_EMAIL
from association.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import login


@pytest.fixture
def example_org_resolves(monkeypatch):
    def resolves(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves)


@pytest.fixture
def nothing_resolves(monkeypatch):
    def fails(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fails)


def test_the_demo_has_one_integration_manager_and_one_disabled_endpoint(
    session, example_org_resolves
):
    seed_demo(session)
    seed_demo(session)  # idempotent
    manager = session.scalars(select(User).where(User.email == MANAGER_EMAIL)).one()
    assert manager.is_integration_manager
    assert manager.park.name_latin == "Astana Hub"
    assert not manager.is_delegate
    assert not manager.is_signatory
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    assert (endpoint.url, endpoint.park_id) == (ENDPOINT_URL, manager.park_id)
    assert endpoint.disabled_at is not None
    assert endpoint.disabled_reason == ENDPOINT_NOTE


def test_the_demo_without_a_name_resolver_has_the_manager_and_no_endpoint(
    session, nothing_resolves
):
    seed_demo(session)
    assert session.scalars(select(User).where(User.email == MANAGER_EMAIL)).one()
    assert session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_seed_demo_prints_how_to_try_the_api_and_no_secret(runner, nothing_resolves):
    output = runner.invoke(args=["seed-demo"]).output
    assert MANAGER_EMAIL in output
    assert "/account/tokens" in output
    assert 'curl -H "Authorization: Bearer <your token>" http' in output
    assert "/api/v1/me" in output
    assert "is not registered: The name example.org does not resolve" in output
    assert "amt_" not in output


def test_a_paused_endpoint_is_sent_nothing_and_its_page_shows_the_note(
    client, session, secretariat, park
):
    from tests.factories import make_integration_manager

    manager = make_integration_manager(session, secretariat, park)
    endpoint, _secret = service.register_endpoint(
        session, manager, url="http://127.0.0.1:9/hooks", events=["member.admitted"]
    )
    service.pause_endpoint(session, manager, endpoint, "Our portal moves this week.")
    service.announce(session, "member.admitted", {"slug": "technopark-of-tajikistan"})
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    login(client, manager)
    page = client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "by its owner: Our portal moves this week." in page
    assert "every delivery had failed" not in page
    assert "Re-enable" in page
