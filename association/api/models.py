"""What the API keeps: personal API tokens (only their SHA-256) and the answers to POSTs sent
with an `Idempotency-Key`, so that a retried request is answered without being done twice."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.extensions import Model
from association.parks.models import User


class Scope(enum.StrEnum):
    """What a token may be used for besides acting as its user. Signing is no scope: it stays a
    person's act in the browser."""

    READ = "read"
    VOTE = "vote"


class TokenStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class ApiToken(Model):
    """A user's personal API token: `Authorization: Bearer <secret>` acts as that user, within
    its scopes, until it expires or is revoked. Only the secret's SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(40))  # space-separated Scope values
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most every few minutes (association.api.personal_tokens.authenticate).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def scope_set(self) -> frozenset[Scope]:
        return frozenset(Scope(scope) for scope in self.scopes.split())

    def status(self, now: datetime) -> TokenStatus:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        if self.expires_at <= now:
            return TokenStatus.EXPIRED
        return TokenStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} of user {self.user_id} {self.scopes!r}>"


class IdempotentRequest(Model):
    """The answer given to a user's POST with an `Idempotency-Key`: the same key with the same
    request gets the same answer again; with another request (another digest), a refusal."""

    __tablename__ = "api_idempotent_requests"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_api_idempotent_requests_user_id_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status_code: Mapped[int] = mapped_column()
    response_body: Mapped[str] = mapped_column(Text)
    # Indexed: keys older than the time they are honoured for are deleted by it.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User] = relationship()
