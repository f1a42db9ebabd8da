from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.extensions import Model
from association.parks.models import Park

# The interface's languages, in their own names.
LANGUAGES = [
    ("en", "English"),
    ("kk", "Қазақша"),
    ("tr", "Türkçe"),
    ("az", "Azərbaycanca"),
    ("uz", "Oʻzbekcha"),
    ("ky", "Кыргызча"),
    ("ru", "Русский"),
]


class Role(enum.StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    MEMBER = "member"


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
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Almaty")
    # Changes whenever the password or the account's access changes; sessions carry it, so
    # changing it ends every other session (deactivation, password change).
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (TOTP): the secret is set at enrolment and confirmed by a first code.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column()  # a code's time step is used once only

    park: Mapped[Park | None] = relationship(back_populates="users")

    # Flask-Login: the cookie names the session token, not the id, so a changed token logs out.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

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


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class AccountToken(Model):
    """An invitation or password-reset link: only its SHA-256 is kept; single use, expiring."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


def normalise_email(address: str) -> str:
    return address.strip().lower()


class RecoveryCode(Model):
    """A one-time code for when the authenticator is lost; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
