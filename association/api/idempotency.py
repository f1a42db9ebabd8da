"""The ballot POST with an `Idempotency-Key`: the ballot and the remembered answer are one
transaction, so a client that retries after a lost answer casts nothing twice."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from association.api.common import ParkRef
from association.api.models import IdempotentRequest
from association.database import utcnow
from association.domain import DomainError, Invalid, primary_key, state_change
from association.parks.models import Park, User
from association.site import setting
from association.voting.ballots import cast_ballot

MAX_KEY_LENGTH = 200


class KeyReused(DomainError):
    """An Idempotency-Key sent again with another request."""

    status = 422


def key_of(header: str | None) -> str | None:
    """The header's key, or Invalid when it cannot be one (empty, too long, not printable)."""
    if header is None:
        return None
    key = header.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise Invalid(
            _(
                "The Idempotency-Key must be 1 to %(length)d printable ASCII characters.",
                length=MAX_KEY_LENGTH,
            ),
            field="Idempotency-Key",
        )
    return key


@state_change
def cast_ballot_once(
    session: Session,
    user: User,
    initiative_id: int,
    choice: str,
    *,
    key: str | None,
    now: datetime | None = None,
) -> tuple[int, dict, bool]:
    """(status, body, replayed): the ballot's receipt, cast by `cast_ballot`'s rules; with a
    key seen in the last API_IDEMPOTENCY_HOURS, the first answer again and nothing cast.
    Serialised by the change lock, so two requests with one key never both cast."""
    now = now or utcnow()
    digest = hashlib.sha256(
        json.dumps({"initiative": initiative_id, "choice": choice}, sort_keys=True).encode()
    ).hexdigest()
    user_id = primary_key(user)
    if key is not None:
        # The user's keys past their time go first (so the table holds a day of keys at most),
        # and with them this key, should it be one of those.
        honoured_since = now - timedelta(hours=float(setting("API_IDEMPOTENCY_HOURS")))
        session.execute(
            delete(IdempotentRequest).where(
                IdempotentRequest.user_id == user_id, IdempotentRequest.created_at < honoured_since
            )
        )
        kept = session.scalar(
            select(IdempotentRequest).where(
                IdempotentRequest.user_id == user_id, IdempotentRequest.key == key
            )
        )
        if kept is not None:
            if kept.request_digest != digest:
                raise KeyReused(
                    _(
                        "This Idempotency-Key was used with another request; use a new key "
                        "for a new ballot."
                    )
                )
            return kept.status_code, json.loads(kept.response_body), True
    receipt = cast_ballot(session, user, initiative_id, choice, now=now)
    park = session.get(Park, receipt.park_id)
    assert park is not None
    body = {
        "initiative_id": initiative_id,
        "park": ParkRef(
            id=park.id, name=park.name_latin, membership_number=park.membership_number
        ).model_dump(),
        "choice": receipt.choice,
        "receipt_code": receipt.receipt_code,
        "changes": receipt.changes,
    }
    if key is not None:
        session.add(
            IdempotentRequest(
                user_id=user_id,
                key=key,
                request_digest=digest,
                status_code=200,
                response_body=json.dumps(body),
                created_at=now,
            )
        )
    return 200, body, False
