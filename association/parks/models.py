"""Parks and their people: a park, its status history, and the users who act for it (or
for the secretariat). They refer to each other, so they live in one module."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.encryption import EncryptedSecret
from association.extensions import Model
from association.languages import ENGLISH


class ParkStatus(enum.StrEnum):
    MEMBER = "member"  # votes
    OBSERVER = "observer"  # takes part, does not vote
    SUSPENDED = "suspended"  # does not vote
    WITHDRAWN = "withdrawn"  # no access


class Park(Model):
    __tablename__ = "parks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_latin: Mapped[str] = mapped_column(String(200))
    name_native: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    city: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[ParkStatus] = mapped_column(String(20), index=True)
    membership_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    member_since: Mapped[date | None] = mapped_column(Date)
    # Its users' e-mails and its certificate are in this language until a user chooses one.
    language: Mapped[str] = mapped_column(String(8), default=ENGLISH)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="park", order_by="User.full_name")
    status_history: Mapped[list[ParkStatusChange]] = relationship(
        back_populates="park",
        order_by="ParkStatusChange.changed_at.desc(), ParkStatusChange.id.desc()",
    )

    @property
    def votes(self) -> bool:
        return self.status == ParkStatus.MEMBER

    def __repr__(self) -> str:
        return f"<Park {self.slug} {self.status}>"


class ParkStatusChange(Model):
    """One change of a park's status, kept for good (the park's history)."""

    __tablename__ = "park_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    park: Mapped[Park] = relationship(back_populates="status_history")
    changed_by: Mapped[User | None] = relationship()


class Role(enum.StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    MEMBER = "member"
    # The founder of a startup in the residency programme (association.residency): acts for
    # the startup only, never for a park.
    STARTUP = "startup"


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see normalise_email), so the unique constraint ignores case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(
        String(255)
    )  # None until an invitation is accepted
    role: Mapped[Role] = mapped_column(String(20), default=Role.MEMBER)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    is_delegate: Mapped[bool] = mapped_column(Boolean, default=False)
    is_signatory: Mapped[bool] = mapped_column(Boolean, default=False)
    # Registers the park's webhook endpoints (its platform is told of events there).
    is_integration_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    # Confirms the park's startups and reviews incoming residency applications.
    is_programme_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    # The startup a user of role startup acts for (association.residency.models.Startup).
    startup_id: Mapped[int | None] = mapped_column(ForeignKey("startups.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # None until the user chooses: until then they read their park's language.
    chosen_language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Almaty")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (TOTP): the secret is set at enrolment and confirmed by a first code; it is
    # stored encrypted with a key kept outside the database (association.encryption).
    totp_secret: Mapped[str | None] = mapped_column(EncryptedSecret)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column()  # a code's time step is used once only

    park: Mapped[Park | None] = relationship(back_populates="users")

    # Flask-Login: the cookie names the signed-in session (SignedInSession, below),
    # not the user, so ending that session refuses the cookie. Both are set, on this object only,
    # when a sign-in starts a session or the session loader finds one.
    signed_in_key = ""
    if TYPE_CHECKING:
        signed_in: SignedInSession | None
    else:
        signed_in = None

    def get_id(self) -> str:
        return self.signed_in_key

    @property
    def second_factor_passed(self) -> bool:
        """Whether this session (not merely the account) has passed the second factor."""
        return (
            self.has_second_factor
            and self.signed_in is not None
            and self.signed_in.second_factor_at is not None
        )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def language(self) -> str:
        """The language this person reads the interface, e-mails and documents in."""
        if self.chosen_language:
            return self.chosen_language
        return self.park.language if self.park is not None else ENGLISH

    @property
    def is_staff(self) -> bool:
        """Secretariat or administrator."""
        return self.role in (Role.SECRETARIAT, Role.ADMIN)

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def must_use_second_factor(self) -> bool:
        """Secretariat and administrators act only with a second factor."""
        return self.is_staff

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def normalise_email(address: str) -> str:
    return address.strip().lower()


class SignedInSession(Model):
    """One browser's sign-in: the cookie carries a random key, of which only the SHA-256 is kept.

    Signing out deletes the row, so the old session cookie and any remember-me cookie (both
    carry the key) open nothing afterwards. A row whose user has a second factor counts only
    once `second_factor_at` is set: until then it is the pending code step of a sign-in.
    """

    __tablename__ = "signed_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    browser: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the user chose "keep me signed in": the session lasts until then at most.
    remember_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
