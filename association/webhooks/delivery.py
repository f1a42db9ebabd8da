"""Sending webhooks: each due delivery claimed by one worker, signed per Standard Webhooks,
posted to the address checked again now, and on failure tried again later, waiting longer each
time, for about a day. An endpoint that has failed for WEBHOOK_DISABLE_AFTER_DAYS is disabled
and its owners are told by e-mail.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from association.audit.log import record
from association.database import utcnow
from association.domain import state_change
from association.leases import claim_next, still_ours, worker_name
from association.mail.outbox import queue_mail
from association.site import setting, site_url
from association.webhooks.addresses import Refused, Target, target
from association.webhooks.models import WebhookDelivery, WebhookEndpoint
from association.webhooks.service import receives

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# The wait after the 1st, 2nd, … failure; after the last, one more try, then the delivery is
# given up (about 22 hours after it was first sent).
RETRY_WAITS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_WAITS) + 1
# Longer than a send can take (a connection and a response, TIMEOUT_SECONDS each), so a
# live worker never loses its job to another.
LEASE = timedelta(minutes=2)
USER_AGENT = "AMT-Webhooks/1 (Association of Modern Technoparks)"


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: a status code (None when no answer came) and why it failed."""

    status: int | None
    error: str = ""
    final: bool = False  # trying again would not help: give up now

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int = 0
    failed: int = 0


def retry_wait(attempts: int) -> timedelta | None:
    """The wait after the `attempts`-th failure, or None: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_WAITS[attempts - 1]


def _due(now: datetime) -> Any:
    enabled = select(WebhookEndpoint.id).where(WebhookEndpoint.disabled_at.is_(None))
    return (
        WebhookDelivery.delivered_at.is_(None)
        & WebhookDelivery.gave_up_at.is_(None)
        & (WebhookDelivery.next_attempt_at <= now)
        & WebhookDelivery.endpoint_id.in_(enabled)
    )


def deliver_due(
    session: Session, *, worker: str | None = None, limit: int = 200, should_stop=None
) -> DeliveryReport:
    """Send due deliveries, one claimed at a time, until none is due (or `limit` were tried, or
    `should_stop()` says so); returns how many were delivered and how many failed.

    Safe with several workers at once (association.leases): each delivery is sent by one.
    """
    worker = worker or worker_name()
    delivered = failed = 0
    for _tried in range(limit):
        if should_stop is not None and should_stop():
            break
        now = utcnow()
        delivery = claim_next(
            session,
            WebhookDelivery,
            _due(now),
            WebhookDelivery.next_attempt_at,
            worker=worker,
            lease=LEASE,
            now=now,
        )
        if delivery is None:
            break
        job = Job.of(delivery)
        session.rollback()  # no transaction stays open while the endpoint answers (or not)
        outcome = attempt(job)
        if _record(session, job, outcome, worker):
            delivered += outcome.delivered
            failed += not outcome.delivered
    return DeliveryReport(delivered, failed)


@dataclass(frozen=True)
class Job:
    """What sending one delivery needs, read before the request so that no database
    transaction waits on the endpoint."""

    delivery_id: int
    endpoint_id: int
    attempts: int
    message_id: str
    payload: str
    url: str
    secret: str | None
    receives: bool

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> Job:
        endpoint = delivery.endpoint
        return cls(
            delivery.id,
            endpoint.id,
            delivery.attempts,
            delivery.message_id,
            delivery.payload,
            endpoint.url,
            endpoint.secret,
            receives(endpoint),
        )


def attempt(job: Job) -> Outcome:
    """Post the delivery once; nothing is written here."""
    if not job.receives:
        return Outcome(None, _("The park no longer receives events."), final=True)
    if not job.secret:
        return Outcome(None, _("The endpoint's secret cannot be read: register it again."))
    try:
        checked = target(job.url, allow_loopback=bool(setting("WEBHOOK_ALLOW_LOOPBACK")))
    except Refused as refused:
        return Outcome(None, refused.message)
    sent_at = utcnow()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": job.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(job.secret).sign(
            job.message_id, sent_at.astimezone(UTC), job.payload
        ),
    }
    return post(checked, job.payload.encode(), headers)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the address that was checked, whatever the name resolves to meanwhile."""

    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address; the certificate must still be the name's."""

    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(checked: Target, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` once, never following a redirect (a redirect is a failed delivery)."""
    kind = _PinnedHTTPSConnection if checked.scheme == "https" else _PinnedHTTPConnection
    connection = kind(checked.addresses[0], checked.host, checked.port, TIMEOUT_SECONDS)
    try:
        connection.request("POST", checked.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # what a receiver says is not kept; only its status
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
    if 300 <= response.status < 400:
        return Outcome(
            response.status, _("The endpoint answered with a redirect, which is not followed.")
        )
    if not 200 <= response.status < 300:
        return Outcome(
            response.status,
            _(
                "The endpoint answered %(status)d %(reason)s.",
                status=response.status,
                reason=response.reason,
            ),
        )
    return Outcome(response.status)


def _record(session: Session, job: Job, outcome: Outcome, worker: str) -> bool:
    """Write the attempt's outcome, if this worker still holds the delivery; then disable the
    endpoint if it has failed long enough. Returns whether the outcome was written."""
    now = utcnow()
    attempts = job.attempts + 1
    endpoint_id = job.endpoint_id
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": outcome.status,
        "last_error": outcome.error,
        "claimed_until": None,
        "claimed_by": "",
    }
    if outcome.delivered:
        values.update(delivered_at=now, next_attempt_at=None)
    else:
        wait = None if outcome.final else retry_wait(attempts)
        if wait is None:
            values.update(gave_up_at=now, next_attempt_at=None)
        else:
            values["next_attempt_at"] = now + wait
    written = session.execute(
        update(WebhookDelivery)
        .where(still_ours(WebhookDelivery, job.delivery_id, worker))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(written, "rowcount", 0) != 1:
        session.rollback()
        return False
    if outcome.delivered:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_not(None))
            .values(failing_since=None)
        )
    elif not outcome.final:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_(None))
            .values(failing_since=now)
        )
    if not outcome.delivered:
        # The id and the reason only: the payload is the parks' business.
        log.warning("Webhook delivery %d failed: %s", job.delivery_id, outcome.error)
    session.commit()
    if not outcome.delivered and not outcome.final:
        # A cheap read first: the change lock is taken only when the endpoint may be disabled.
        since = session.scalar(
            select(WebhookEndpoint.failing_since).where(WebhookEndpoint.id == endpoint_id)
        )
        if since is not None and now - since >= _disable_after():
            disable_if_failing(session, endpoint_id, now=now)
        else:
            session.rollback()
    return True


def _disable_after() -> timedelta:
    return timedelta(days=int(setting("WEBHOOK_DISABLE_AFTER_DAYS", 3)))


@state_change
def disable_if_failing(session: Session, endpoint_id: int, *, now: datetime | None = None) -> bool:
    """Disable the endpoint if every delivery has failed for WEBHOOK_DISABLE_AFTER_DAYS, and tell
    its owners (who registered it, and its park's integration managers) by e-mail, each in their
    language: once, even when several workers see it fail at once."""
    now = now or utcnow()
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if (
        endpoint is None
        or endpoint.disabled_at is not None
        or endpoint.failing_since is None
        or now - endpoint.failing_since < _disable_after()
    ):
        return False
    endpoint.disabled_at = now
    endpoint.disabled_reason = f"failing since {endpoint.failing_since.isoformat()}"
    record(
        session,
        "webhook.endpoint_disabled",
        subject=endpoint,
        details={"url": endpoint.url, "failing_since": endpoint.failing_since.isoformat()},
    )
    for owner in owners(endpoint):
        queue_mail(
            session,
            owner.email,
            _l("Webhooks stopped: %(url)s", url=endpoint.url),
            "webhook_disabled.txt",
            language=owner.language,
            user=owner,
            endpoint=endpoint,
            days=_disable_after().days,
            link=site_url(f"/webhooks/{endpoint.id}"),
        )
    return True


def owners(endpoint: WebhookEndpoint) -> list[Any]:
    """Who is told about the endpoint: who registered it, and its park's integration managers
    (the active ones)."""
    people = [endpoint.created_by]
    if endpoint.park is not None:
        people += [user for user in endpoint.park.users if user.is_integration_manager]
    found: dict[int, Any] = {}
    for person in people:
        if person is not None and person.active and person.id not in found:
            found[person.id] = person
    return list(found.values())
