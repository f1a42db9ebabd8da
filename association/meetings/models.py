from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from association.content_languages import InLanguage, in_language, languages_given, texts_of
from association.database import UTCDateTime, utcnow
from association.extensions import Model
from association.languages import ENGLISH
from association.parks.models import Park, User


class MeetingKind(enum.StrEnum):
    GENERAL_ASSEMBLY = "general_assembly"
    BOARD = "board"
    WORKING_GROUP = "working_group"


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class Meeting(Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The zone the meeting takes place in (shown beside the viewer's own); the organiser's by default.
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        String(20), default=MeetingStatus.SCHEDULED, index=True
    )
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    # iCalendar SEQUENCE: raised on every change a calendar must pick up (reschedule, cancel, edit).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the secretariat recorded the meeting after it took place (created_by is who):
    # it was never announced, and its page says so.
    recorded_afterwards_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    minutes_versions: Mapped[list[Minutes]] = relationship(
        back_populates="meeting", order_by="Minutes.version"
    )
    # Loaded with the meeting: every list and page shows the title in its reader's language.
    translations: Mapped[list[MeetingTranslation]] = relationship(
        back_populates="meeting",
        order_by="MeetingTranslation.language",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def texts(self, field: str) -> dict[str, str]:
        """The title in each language it is given in, English first."""
        return texts_of(getattr(self, field), self.translations, field)

    def text_in(self, field: str, language: str | None) -> InLanguage:
        """The title as a reader of `language` is shown it: in their language when it is
        given, else in English."""
        return in_language(self.texts(field), language)

    def title_in(self, language: str | None) -> InLanguage:
        return self.text_in("title", language)

    @property
    def languages(self) -> list[str]:
        """The languages the meeting's title is given in: English, then its translations."""
        return languages_given(self.texts("title"))

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.kind} {self.status}>"


class MeetingTranslation(Model):
    """The meeting's title in one more language; the meeting's own title is the English, which
    is required. Optional, one per language."""

    __tablename__ = "meeting_translations"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))

    meeting: Mapped[Meeting] = relationship(back_populates="translations")


class AgendaItem(Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # A generic link to what the item is about ("initiative", "memorandum") and its id: the
    # areas that own those are wired in when they land; nothing here assumes their tables.
    linked_type: Mapped[str | None] = mapped_column(String(32))
    linked_id: Mapped[int | None] = mapped_column(Integer)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Attendance(Model):
    """One park's attendance at one meeting; its status at the time is kept for the quorum."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "park_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(String(20))
    # member or observer when recorded: a later change of the park's status leaves the quorum as it was.
    park_status: Mapped[str] = mapped_column(String(20))
    represented_by: Mapped[str] = mapped_column(String(300), default="")
    represented_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    park: Mapped[Park] = relationship()
    represented_by_user: Mapped[User | None] = relationship()

    @property
    def representative(self) -> str:
        if self.represented_by_user is not None:
            return self.represented_by_user.full_name
        return self.represented_by


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    CIRCULATED = "circulated"
    APPROVED = "approved"
    PUBLISHED = "published"


class ApprovalRoute(enum.StrEnum):
    SECRETARIAT = "secretariat"  # after circulation
    VOTE = "vote"  # a minutes-approval initiative that passed


class Minutes(Model):
    """One version of a meeting's minutes. A correction is a new version; none is overwritten."""

    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    decisions_markdown: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MinutesStatus] = mapped_column(
        String(20), default=MinutesStatus.DRAFT, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[ApprovalRoute | None] = mapped_column(String(20))
    # Who or what approved: the secretariat user's e-mail, or "initiative:<id>" for a vote.
    approval_reference: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set on a published version when a correction to it is published.
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    # The language of the PDF's fixed text (headings, labels, the verification box), chosen
    # by the secretariat while drafting; the minutes' own text stays as written. Read once,
    # when the version is published and its PDF rendered.
    document_language: Mapped[str] = mapped_column(String(8), default=ENGLISH)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="minutes_versions")
    supersedes: Mapped[Minutes | None] = relationship(remote_side=[id])
    author: Mapped[User | None] = relationship()
    comments: Mapped[list[MinutesComment]] = relationship(
        back_populates="minutes", order_by="MinutesComment.created_at, MinutesComment.id"
    )

    @property
    def is_current(self) -> bool:
        return self.status == MinutesStatus.PUBLISHED and self.superseded_at is None

    @property
    def open_for_comments(self) -> bool:
        return self.status == MinutesStatus.CIRCULATED


class MinutesComment(Model):
    __tablename__ = "minutes_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="comments")
    user: Mapped[User] = relationship()
    park: Mapped[Park | None] = relationship()


class MinutesRead(Model):
    """A member opened circulated minutes: their dashboard stops asking them to read it."""

    __tablename__ = "minutes_reads"
    __table_args__ = (UniqueConstraint("user_id", "minutes_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeedToken(Model):
    """A personal calendar feed's secret: only its SHA-256 is kept; revoked rather than deleted."""

    __tablename__ = "calendar_feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
