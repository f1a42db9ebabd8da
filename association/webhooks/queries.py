"""What the webhook pages read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from association.webhooks.models import WebhookDelivery, WebhookEndpoint

RECENT_DELIVERIES = 50


def _park_model() -> Any:
    # The area sits below parks: it reaches the Park model through its own relationship to
    # it rather than by importing the parks area.
    return inspect(WebhookEndpoint).relationships["park"].mapper.class_


def endpoints_for(session: Session, user: Any) -> list[WebhookEndpoint]:
    """The endpoints `user` may manage: the secretariat all of them, an integration manager
    their park's; the association's own first, then by park and age."""
    query = select(WebhookEndpoint).options(selectinload(WebhookEndpoint.park))
    if not user.is_staff:
        query = query.where(WebhookEndpoint.park_id == user.park_id)
    endpoints = session.scalars(query.order_by(WebhookEndpoint.id)).all()
    return sorted(endpoints, key=lambda e: (e.park_id is not None, e.park_id or 0, e.id))


def park_choices(session: Session) -> list[tuple[int, str]]:
    """Every park by name, for the secretariat's choice of whose endpoint it registers."""
    park = _park_model()
    return [
        (park_id, name)
        for park_id, name in session.execute(
            select(park.id, park.name_latin).order_by(park.name_latin)
        )
    ]


def recent_deliveries(session: Session, endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(RECENT_DELIVERIES)
        )
    )
