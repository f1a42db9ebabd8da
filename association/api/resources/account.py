"""`me`: whom the token acts for, with which duties and scopes."""

from __future__ import annotations

from datetime import datetime

from flask import g
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import ParkRef, park_ref, problem_responses


class Me(BaseModel):
    id: int
    full_name: str
    email: str
    role: str = Field(description="member, secretariat or admin")
    park: ParkRef | None
    delegate: bool = Field(description="Casts the park's vote")
    signatory: bool = Field(description="Signs memoranda for the park")
    language: str
    timezone: str
    token_scopes: list[str]
    token_expires_at: datetime


@bp.get("/me")
@operation(signed_in=True)
@spec.validate(
    resp=Response(HTTP_200=Me, **problem_responses()), tags=["Account"], security=[BEARER]
)
def me():
    """The token's user, as the account page shows them."""
    user, token = current_user, g.api_token
    body = Me(
        id=user.id,
        full_name=user.full_name,
        email=user.email,
        role=user.role,
        park=park_ref(user.park),
        delegate=user.is_delegate,
        signatory=user.is_signatory,
        language=user.language,
        timezone=user.timezone,
        token_scopes=sorted(token.scope_set),
        token_expires_at=token.expires_at,
    )
    return json_answer(body.model_dump(mode="json"))
