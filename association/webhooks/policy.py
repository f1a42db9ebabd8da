"""Who may manage webhook endpoints. Views, the command line and tests all ask here.

The acting user is read by its duties alone (staff, park, integration manager), so that this
area needs nothing from the parks area above it."""

from __future__ import annotations

from typing import Any

from association.webhooks.models import WebhookEndpoint


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.active


def can_manage_webhooks(user: Any) -> bool:
    """The secretariat (its own endpoints and any park's), and each park's integration managers."""
    if not _signed_in(user):
        return False
    return bool(user.is_staff or (user.park_id is not None and user.is_integration_manager))


def can_manage_endpoint(user: Any, endpoint: WebhookEndpoint) -> bool:
    if not can_manage_webhooks(user):
        return False
    return bool(user.is_staff or endpoint.park_id == user.park_id)
