"""Applications for membership, their documents and messages; parks' public profiles;
what each issued membership certificate states."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.extensions import Model
from association.parks.models import Park


class ApplicationStatus(enum.StrEnum):
    # Sent, but its contact e-mail is not confirmed yet: the secretariat does not see it, and
    # purge-unconfirmed-applications removes it after APPLICATION_CONFIRMATION_HOURS.
    UNCONFIRMED = "unconfirmed"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    INFORMATION_REQUESTED = "information_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# Still waiting for a decision: the applicant may withdraw, the secretariat may act.
OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
    ApplicationStatus.RESUBMITTED,
)


class Category(enum.StrEnum):
    MEMBER = "member"
    OBSERVER = "observer"


class Application(Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whoever holds the tracking code sees the application. Only its SHA-256 is kept
    # (association.tokens): the applicant alone has the code, from the first e-mail.
    tracking_code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        String(32), index=True, default=ApplicationStatus.SUBMITTED
    )
    # The digest of the code in the confirmation e-mail (association.tokens); None once confirmed.
    confirmation_hash: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    name_latin: Mapped[str] = mapped_column(String(200))
    name_native: Mapped[str] = mapped_column(String(200), default="")
    legal_entity: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    city: Mapped[str] = mapped_column(String(120))
    website: Mapped[str] = mapped_column(String(300), default="")
    year_founded: Mapped[int] = mapped_column(Integer)
    resident_companies: Mapped[int] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_title: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    motivation: Mapped[str] = mapped_column(Text)
    # The language the applicant applied in: their e-mails, and the park's default once admitted.
    language: Mapped[str] = mapped_column(String(8), default="en")
    category_requested: Mapped[Category] = mapped_column(String(20), default=Category.MEMBER)

    category_decided: Mapped[Category | None] = mapped_column(String(20))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    park: Mapped[Park | None] = relationship()
    documents: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", order_by="ApplicationDocument.id"
    )
    messages: Mapped[list[ApplicationMessage]] = relationship(
        back_populates="application", order_by="ApplicationMessage.id"
    )
    history: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.name_latin} {self.status}>"


class ApplicationDocument(Model):
    """A supporting PDF, checked by content on upload; the bytes are kept in the database."""

    __tablename__ = "application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("application_messages.id"))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")


class ProvisionalUpload(Model):
    """A document attached to an application form that was refused for another reason, kept so
    that the applicant need not attach it again. Found by the digest of the token the re-shown
    form carries; taken into the application when it is submitted, purged after a day."""

    __tablename__ = "provisional_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class MessageKind(enum.StrEnum):
    REQUEST = "request"  # the secretariat asks for information
    ANSWER = "answer"  # the applicant answers


class ApplicationMessage(Model):
    __tablename__ = "application_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[MessageKind] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the applicant
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="messages")
    documents: Mapped[list[ApplicationDocument]] = relationship(
        order_by="ApplicationDocument.id", viewonly=True
    )


class ApplicationEvent(Model):
    """One step of the application's public history (shown on the tracking page)."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="history")


class ParkProfile(Model):
    """What a park shows about itself in the directory, kept by its delegates."""

    __tablename__ = "park_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_type: Mapped[str] = mapped_column(
        String(20), default=""
    )  # image/png or image/jpeg; "" without a logo
    logo_sha256: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    park: Mapped[Park] = relationship()


class CertificateParticulars(Model):
    """What one issued certificate states, so that a change of the park shows it is out of date.

    Which certificate is current is not kept here: it is the newest StoredDocument of kind
    "certificate" for the park that nothing has superseded.
    """

    __tablename__ = "certificate_particulars"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    name_latin: Mapped[str] = mapped_column(String(200))
    name_native: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    category: Mapped[str] = mapped_column(String(20))
    membership_number: Mapped[str] = mapped_column(String(20))
    member_since: Mapped[date] = mapped_column(Date)
