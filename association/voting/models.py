"""Initiatives, their ballots and their frozen results."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from fractions import Fraction

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from association.content_languages import InLanguage, in_language, languages_given, texts_of
from association.database import UTCDateTime, utcnow
from association.extensions import Model
from association.parks.models import Park, User


class InitiativeKind(enum.StrEnum):
    GENERAL = "general"
    ADMISSION = "admission"
    MEMORANDUM_APPROVAL = "memorandum_approval"
    MINUTES_APPROVAL = "minutes_approval"
    BUDGET = "budget"
    PROGRAMME = "programme"


class InitiativeStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # dates set, opens by itself at opens_at
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Outcome(enum.StrEnum):
    PASSED = "passed"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


class BallotKind(enum.StrEnum):
    YES_NO = "yes_no"  # For / Against / Abstain
    OPTIONS = "options"  # choose one of a list (or abstain)


class Majority(enum.StrEnum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two_thirds"
    THREE_QUARTERS = "three_quarters"
    CONSENSUS = "consensus"


class Initiative(Model):
    """A question put to the member parks. Its rules are frozen when voting opens."""

    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint(
            "quorum_denominator > 0 AND quorum_numerator >= 0 "
            "AND quorum_numerator <= quorum_denominator",
            name="quorum_fraction",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[InitiativeKind] = mapped_column(
        String(32), index=True, default=InitiativeKind.GENERAL
    )
    # None: proposed by the secretariat.
    proposer_park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"))
    status: Mapped[InitiativeStatus] = mapped_column(
        String(20), index=True, default=InitiativeStatus.DRAFT
    )
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Closed by hand before closes_at: who did it and why (shown with the result).
    closed_early_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_early_reason: Mapped[str | None] = mapped_column(Text)
    # The rules: chosen while drafting, frozen when voting opens.
    ballot_kind: Mapped[BallotKind] = mapped_column(String(20), default=BallotKind.YES_NO)
    quorum_numerator: Mapped[int] = mapped_column(Integer, default=1)
    quorum_denominator: Mapped[int] = mapped_column(Integer, default=2)
    majority: Mapped[Majority] = mapped_column(String(20), default=Majority.SIMPLE)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    changes_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    # What the vote decides about, in another area (an application, minutes, a memorandum).
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposer_park: Mapped[Park | None] = relationship()
    closed_early_by: Mapped[User | None] = relationship(foreign_keys=[closed_early_by_id])
    options: Mapped[list[InitiativeOption]] = relationship(
        back_populates="initiative",
        order_by="InitiativeOption.position",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="initiative", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    result: Mapped[VoteResult | None] = relationship(back_populates="initiative", uselist=False)
    # Loaded with the initiative: every list and page shows the title in its reader's language.
    translations: Mapped[list[InitiativeTranslation]] = relationship(
        back_populates="initiative",
        order_by="InitiativeTranslation.language",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def texts(self, field: str) -> dict[str, str]:
        """The title or the summary in each language it is given in, English first."""
        return texts_of(getattr(self, field), self.translations, field)

    def text_in(self, field: str, language: str | None) -> InLanguage:
        """The title or the summary as a reader of `language` is shown it: in their language
        when it is given, else in English."""
        return in_language(self.texts(field), language)

    def title_in(self, language: str | None) -> InLanguage:
        return self.text_in("title", language)

    @property
    def languages(self) -> list[str]:
        """The languages the initiative is given in: English, then its translations."""
        return languages_given(self.texts("title"))

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    @property
    def is_open(self) -> bool:
        return self.status == InitiativeStatus.OPEN

    @property
    def rules_frozen(self) -> bool:
        return self.status in (InitiativeStatus.OPEN, InitiativeStatus.CLOSED)

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.status} {self.title[:30]!r}>"


class InitiativeTranslation(Model):
    """The initiative's title and summary in one more language. The initiative's own columns
    hold the English, which is required; a translation is optional, one per language, and
    frozen with the rest of the text when voting opens."""

    __tablename__ = "initiative_translations"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")

    initiative: Mapped[Initiative] = relationship(back_populates="translations")


class InitiativeOption(Model):
    """One choice of an option ballot; the ballot stores its position."""

    __tablename__ = "initiative_options"
    __table_args__ = (UniqueConstraint("initiative_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))

    initiative: Mapped[Initiative] = relationship(back_populates="options")


class Attachment(Model):
    """A document of the initiative (PDF or office file), stored in the database like every file."""

    __tablename__ = "initiative_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    initiative: Mapped[Initiative] = relationship(back_populates="attachments")


class ElectorateMember(Model):
    """A park entitled to vote on an initiative: the member parks at the moment voting opened."""

    __tablename__ = "initiative_electorate"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), primary_key=True)

    park: Mapped[Park] = relationship()


class Ballot(Model):
    """A park's vote on an initiative: exactly one per park (the database guarantees it too).

    A park that changes its vote keeps this one row; the latest choice counts, and every
    change is in the audit log.
    """

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("initiative_id", "park_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    choice: Mapped[str] = mapped_column(String(20))
    cast_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    receipt_code: Mapped[str] = mapped_column(String(24), unique=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[int] = mapped_column(Integer, default=0)

    park: Mapped[Park] = relationship()


class VoteResult(Model):
    """The result, computed once when the vote closes and never changed afterwards."""

    __tablename__ = "vote_results"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    outcome: Mapped[Outcome] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))  # why: majority_met, tie, quorum_not_met...
    winner: Mapped[str | None] = mapped_column(String(20))  # the winning choice of an option ballot
    tallies_json: Mapped[str] = mapped_column(Text)  # {"for": 3, "against": 1, "abstain": 0}
    ballots_cast: Mapped[int] = mapped_column(Integer)
    electorate_size: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(
        String(64)
    )  # SHA-256 over the sorted ballots (rules.ballots_digest)
    # A secret vote's digest is keyed with this (HMAC), so that it cannot be reversed into the
    # choices; None for roll-call votes, whose digest anyone can recompute. Never shown.
    digest_key: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    initiative: Mapped[Initiative] = relationship(back_populates="result")

    @property
    def tallies(self) -> dict[str, int]:
        return json.loads(self.tallies_json)

    @property
    def digest_published(self) -> bool:
        """Whether the digest may be shown: a secret vote closed before digests were keyed has
        a plain one, which would give its choices away."""
        return not self.initiative.secret or self.digest_key is not None

    @property
    def turnout(self) -> Fraction:
        return (
            Fraction(self.ballots_cast, self.electorate_size)
            if self.electorate_size
            else Fraction(0)
        )


class ReminderSent(Model):
    """The 24-hour reminder went to this park for this initiative: it is sent once."""

    __tablename__ = "vote_reminders"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FrozenResultError(RuntimeError):
    """Raised by the ORM itself when code tries to change or delete a stored result."""


@event.listens_for(VoteResult, "before_update")
@event.listens_for(VoteResult, "before_delete")
def _results_are_final(mapper, connection, target) -> None:
    # The domain functions never do this; the guard catches any future code that would.
    raise FrozenResultError(f"the result of initiative {target.initiative_id} is final")
