"""What the API's pages read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.api.models import ApiToken
from association.parks.models import User


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """Every API token of the user, the newest first: revoked and expired ones too (the page
    shows them as such), so that a token's end is seen where it was made."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
