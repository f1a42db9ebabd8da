from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.extensions import Model

if TYPE_CHECKING:
    from association.auth.models import User


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="park", order_by="User.full_name")  # noqa: F821
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
    changed_by: Mapped[User | None] = relationship()  # noqa: F821
