"""Webhooks: registering an endpoint (its secret shown once), removing, re-enabling and testing
it, and `announce`, through which the areas above queue an event with the change it tells of.

Every function that changes something is a state change (association.domain): checked, audited
and committed at once, or refused with a clear message and nothing changed.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, state_change
from association.site import setting
from association.webhooks.addresses import check_url
from association.webhooks.models import EVENTS, TEST_EVENT, WebhookDelivery, WebhookEndpoint
from association.webhooks.policy import can_manage_endpoint, can_manage_webhooks

# --- who receives ------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """The parks whose endpoints may receive an event; the secretariat's endpoints receive
    every event (staff read everything). `parks` None: every park taking part."""

    parks: frozenset[int] | None = None


EVERYONE = Audience()


def only_parks(park_ids: Iterable[int | None]) -> Audience:
    """The audience of an event about some parks alone (a memorandum's parties, the parks a
    reminder is for): their endpoints and the secretariat's."""
    return Audience(frozenset(park_id for park_id in park_ids if park_id is not None))


# Whether a park's endpoints receive events now. The parks area says (its init_app registers the
# check), so that this area needs nothing from it: a withdrawn or suspended park's are not sent,
# as its members' API tokens stop working.
ParkCheck = Callable[[Any], bool]
_park_check: list[ParkCheck] = []


def register_park_check(check: ParkCheck) -> None:
    _park_check[:] = [check]


def receives(endpoint: WebhookEndpoint) -> bool:
    """Whether the endpoint's events are sent now: enabled, and of a park that receives."""
    if endpoint.disabled_at is not None:
        return False
    if endpoint.park_id is None:
        return True
    return all(check(endpoint.park) for check in _park_check)


# --- events ---------------------------------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    """A time as payloads give it: ISO 8601 in UTC, to the second, with Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def message_id() -> str:
    return "msg_" + secrets.token_hex(16)


def payload_text(event: str, data: dict[str, Any], now: datetime) -> str:
    """The body every endpoint is sent: the Standard Webhooks shape {type, timestamp, data}."""
    body = {"type": event, "timestamp": iso(now), "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def announce(
    session: Session,
    event: str,
    data: dict[str, Any],
    *,
    audience: Audience = EVERYONE,
    now: datetime | None = None,
) -> int:
    """Queue `event` for every enabled endpoint that asked for it and may read it; returns how
    many deliveries were queued.

    Called inside the state change the event tells of, so a delivery exists exactly when the
    change does. `data` is what the least of the audience may read on the pages: the caller
    builds it with its own area's policy, and `audience` narrows who receives it.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    now = now or utcnow()
    endpoints = session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.disabled_at.is_(None))
        .order_by(WebhookEndpoint.id)
    ).all()
    body = payload_text(event, data, now)
    queued = 0
    for endpoint in endpoints:
        if event not in endpoint.events or not receives(endpoint):
            continue
        if endpoint.park_id is not None and audience.parks is not None:
            if endpoint.park_id not in audience.parks:
                continue
        _queue(session, endpoint, event, body, now)
        queued += 1
    if queued:
        session.flush()
    return queued


def _queue(
    session: Session, endpoint: WebhookEndpoint, event: str, body: str, now: datetime
) -> WebhookDelivery:
    delivery = WebhookDelivery(
        endpoint=endpoint,
        event=event,
        message_id=message_id(),
        payload=body,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(delivery)
    return delivery


# --- endpoints ------------------------------------------------------------------------------


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def check_events(names: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(names))
    if not chosen:
        raise Invalid(_("Please choose at least one event."), field="events")
    unknown = [name for name in chosen if name not in EVENTS]
    if unknown:
        raise Invalid(
            _("These events do not exist: %(events)s", events=", ".join(unknown)), field="events"
        )
    return [name for name in EVENTS if name in chosen]


def _require_manager(actor: Any, endpoint: WebhookEndpoint | None = None) -> None:
    allowed = (
        can_manage_webhooks(actor) if endpoint is None else can_manage_endpoint(actor, endpoint)
    )
    if not allowed:
        raise NotAllowed(
            _("Only the secretariat and a park's integration managers manage webhooks.")
        )


@state_change
def register_endpoint(
    session: Session,
    actor: Any,
    *,
    url: str,
    events: Iterable[str],
    park_id: int | None = None,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret, which is returned here once and never shown again.

    An integration manager registers for their own park whatever `park_id` says; the
    secretariat for any park, or (None) for the association itself. The address must be a
    public https one (association.webhooks.addresses)."""
    _require_manager(actor)
    if not actor.is_staff:
        park_id = actor.park_id
    chosen = check_events(events)
    checked = check_url(url, allow_loopback=bool(setting("WEBHOOK_ALLOW_LOOPBACK")))
    secret = new_secret()
    endpoint = WebhookEndpoint(park_id=park_id, created_by_id=actor.id, url=checked, secret=secret)
    endpoint.events = chosen
    session.add(endpoint)
    session.flush()
    record(
        session,
        "webhook.endpoint_created",
        actor=actor,
        subject=endpoint,
        details={"url": checked, "events": chosen, "park_id": park_id},
    )
    return endpoint, secret


@state_change
def remove_endpoint(session: Session, actor: Any, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint and its deliveries: nothing more is sent there."""
    _require_manager(actor, endpoint)
    details = {"url": endpoint.url, "park_id": endpoint.park_id}
    record(session, "webhook.endpoint_removed", actor=actor, subject=endpoint, details=details)
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.delete(endpoint)


@state_change
def reenable_endpoint(session: Session, actor: Any, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send to a disabled endpoint again (its owner has mended it); deliveries still waiting go
    on from where they stood."""
    _require_manager(actor, endpoint)
    if endpoint.disabled_at is None:
        raise Conflict(_("This endpoint is not disabled."))
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.failing_since = None
    # The address in every event of an endpoint: the log names it after the endpoint is removed.
    record(
        session,
        "webhook.endpoint_reenabled",
        actor=actor,
        subject=endpoint,
        details={"url": endpoint.url},
    )
    return endpoint


@state_change
def pause_endpoint(
    session: Session, actor: Any, endpoint: WebhookEndpoint, note: str
) -> WebhookEndpoint:
    """Stop sending to the endpoint, with the owner's note saying why, until it is re-enabled;
    events meanwhile are not queued for it (as for an endpoint the worker disabled)."""
    _require_manager(actor, endpoint)
    if endpoint.disabled_at is not None:
        raise Conflict(_("This endpoint is already disabled."))
    endpoint.disabled_at = utcnow()
    endpoint.disabled_reason = note.strip()
    endpoint.failing_since = None
    record(
        session,
        "webhook.endpoint_paused",
        actor=actor,
        subject=endpoint,
        details={"url": endpoint.url, "note": endpoint.disabled_reason},
    )
    return endpoint


@state_change
def send_test_event(session: Session, actor: Any, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a `webhook.test` event for this endpoint alone, whatever events it chose."""
    _require_manager(actor, endpoint)
    if endpoint.disabled_at is not None:
        raise Conflict(_("This endpoint is disabled: re-enable it first."))
    now = utcnow()
    data = {"endpoint": endpoint.id, "requested_by": actor.full_name}
    delivery = _queue(session, endpoint, TEST_EVENT, payload_text(TEST_EVENT, data, now), now)
    session.flush()
    record(
        session, "webhook.test_sent", actor=actor, subject=endpoint, details={"url": endpoint.url}
    )
    return delivery
