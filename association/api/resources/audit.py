"""The audit log, for the secretariat, with the audit page's filters; and its signed
checkpoints, public as /audit/checkpoints is. Through the audit area's own queries."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import Day, problem_responses
from association.api.pagination import PageQuery, keyset_page, link_header
from association.audit.models import AuditCheckpoint, AuditEvent
from association.audit.policy import can_read_audit_log
from association.audit.queries import AuditFilters, checkpoints_page, event_lines, filtered_events
from association.domain import NotAllowed
from association.extensions import db

TAGS = ["Audit"]


LARGEST_ID = 2**31 - 1  # an id column's largest value: a larger one is no park's


class AuditEventQuery(PageQuery):
    action: str | None = Field(
        None,
        max_length=64,
        description="An action (ballot.cast), or its area (ballot)",
    )
    actor: str | None = Field(
        None,
        max_length=200,
        description="Part of the actor's name or e-mail address",
    )
    park: int | None = Field(
        None, ge=1, le=LARGEST_ID, description="Only what this park's users did (its id)"
    )
    subject: str | None = Field(
        None,
        max_length=200,
        description="What it was about: Initiative, or Initiative 12",
    )
    since: Day | None = Field(None, description="From this day (UTC)")
    # The last day the log can be asked to the end of.
    until: Day | None = Field(None, lt=date.max, description="To this day (UTC), inclusive")


class AuditEventEntry(BaseModel):
    seq: int = Field(description="The event's place in the chain")
    occurred_at: datetime
    action: str
    sentence: str = Field(description="The event in words, as the audit page says it")
    actor: str = Field(description="Who acted, by name and park")
    actor_id: int | None = Field(description="The acting user's id, if a user acted")
    subject_type: str | None
    subject_id: str | None
    details: dict[str, Any]
    origin: str | None = Field(description="IP address and user agent, or cli")
    hash: str
    prev_hash: str


class AuditEventList(BaseModel):
    events: list[AuditEventEntry]


class AuditCheckpointEntry(BaseModel):
    id: int
    seq: int = Field(description="How many events the chain held")
    head_hash: str = Field(description="The hash of its last event")
    taken_at: datetime
    algorithm: str
    key_sha256: str = Field(description="SHA-256 of the association's signing certificate")
    signature: str = Field(description="base64")
    document_url: str = Field(description="The checkpoint as a park keeps it (JSON)")


class AuditCheckpointList(BaseModel):
    checkpoints: list[AuditCheckpointEntry]


def _details(event: AuditEvent) -> dict[str, Any]:
    try:
        parsed = json.loads(event.details or "{}")
    except ValueError:
        return {"details": event.details}
    return parsed if isinstance(parsed, dict) else {"details": parsed}


@bp.get("/audit/events")
@operation(signed_in=True)
@spec.validate(
    query=AuditEventQuery,
    resp=Response(HTTP_200=AuditEventList, **problem_responses()),
    tags=TAGS,
    security=[BEARER],
)
def audit_event_list(query: AuditEventQuery):
    """The audit log, newest first, filtered as the audit page filters it."""
    if not can_read_audit_log(current_user):
        raise NotAllowed(_("Only the secretariat reads the audit log."))
    filters = AuditFilters(
        action=(query.action or "").strip(),
        actor=(query.actor or "").strip(),
        park_id=query.park,
        subject=(query.subject or "").strip(),
        since=query.since,
        until=query.until,
    )
    session = db.session()
    page = keyset_page(session, filtered_events(filters), AuditEvent.seq, query)
    body = AuditEventList(
        events=[
            AuditEventEntry(
                seq=line.event.seq,
                occurred_at=line.event.occurred_at,
                action=line.event.action,
                sentence=line.sentence,
                actor=line.actor,
                actor_id=line.event.actor_id,
                subject_type=line.event.subject_type,
                subject_id=line.event.subject_id,
                details=_details(line.event),
                origin=line.event.origin or None,
                hash=line.event.hash,
                prev_hash=line.event.prev_hash,
            )
            for line in event_lines(session, list(page.rows))
        ]
    )
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))


@bp.get("/audit/checkpoints")
@operation()
@spec.validate(
    query=PageQuery,
    resp=Response(HTTP_200=AuditCheckpointList, **problem_responses()),
    tags=TAGS,
    security=[{}, BEARER],
)
def audit_checkpoint_list(query: PageQuery):
    """The signed checkpoints of the audit chain, newest first: public, as /audit/checkpoints
    is, so that anyone holding one can compare."""
    page = keyset_page(db.session(), checkpoints_page(db.session()), AuditCheckpoint.id, query)
    body = AuditCheckpointList(
        checkpoints=[
            AuditCheckpointEntry(
                id=c.id,
                seq=c.seq,
                head_hash=c.head_hash,
                taken_at=c.taken_at,
                algorithm=c.algorithm,
                key_sha256=c.key_sha256,
                signature=c.signature,
                document_url=url_for(
                    "checkpoints.checkpoint_json", checkpoint_id=c.id, _external=True
                ),
            )
            for c in page.rows
        ]
    )
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))
