"""The demo's integration: Astana Hub's integration manager, who makes API tokens and registers
the park's webhook endpoint, and that endpoint to https://example.org/hooks, left disabled
with a note (example.org is no park's platform: re-enabled, it would send there)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.auth.service import create_user, find_user_by_email, set_park_duties
from association.demo_parks import DEMO_PASSWORD, FOUNDERS, SECRETARIAT_EMAIL, demo_email
from association.parks.models import Park, User
from association.webhooks.addresses import Refused
from association.webhooks.models import WebhookEndpoint
from association.webhooks.service import pause_endpoint, register_endpoint

PARK = FOUNDERS[0]  # Astana Hub
MANAGER_EMAIL = demo_email("integration", PARK)
ENDPOINT_URL = "https://example.org/hooks"
ENDPOINT_EVENTS = [
    "initiative.opened",
    "initiative.closed",
    "meeting.scheduled",
    "minutes.published",
    "memorandum.issued",
    "member.admitted",
]
ENDPOINT_NOTE = (
    "Demo endpoint: example.org is not a park's platform. Point a copy of it at your own "
    "receiver, or re-enable this one to watch its deliveries fail."
)


def _manager(session: Session, park: Park) -> User:
    user = find_user_by_email(session, MANAGER_EMAIL)
    if user is None:
        user, _token = create_user(
            session,
            None,
            email=MANAGER_EMAIL,
            full_name="Daniyar Zhaksylykov",
            title="Head of Digital Platforms",
            park=park,
            password=DEMO_PASSWORD,
        )
    if not user.is_integration_manager:
        secretariat = find_user_by_email(session, SECRETARIAT_EMAIL)
        assert secretariat is not None  # seed_parks_and_users made it first
        set_park_duties(
            session,
            secretariat,
            user,
            delegate=user.is_delegate,
            signatory=user.is_signatory,
            integration_manager=True,
        )
    return user


def seed_integration(session: Session) -> str | None:
    """Make what of the demo integration is missing; returns why the endpoint could not be
    registered (its name must resolve to a public address), or None."""
    park = session.scalars(select(Park).where(Park.name_latin == PARK.name_latin)).one()
    manager = _manager(session, park)
    found = session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.park_id == park.id, WebhookEndpoint.url == ENDPOINT_URL
        )
    )
    if found is not None:
        return None
    try:
        endpoint, _secret = register_endpoint(
            session, manager, url=ENDPOINT_URL, events=ENDPOINT_EVENTS
        )
    except Refused as refused:
        return refused.message
    pause_endpoint(session, manager, endpoint, ENDPOINT_NOTE)
    return None
