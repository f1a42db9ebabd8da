"""The Digital Nomad IT residency programme: startups resident at a member park (their home
park) spend a period at another member park (the host) under its residency benefits.

A call of the programme (opened by the secretariat) lists host parks, each with an offer and
a number of places. A confirmed startup applies once per call to up to three hosts in order of
preference; its home park endorses the application; each host then decides on its own choice;
the startup accepts one offer, which becomes a residency with its sealed certificate and letter
of invitation."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.extensions import Model
from association.parks.models import Park, User


class StartupStatus(enum.StrEnum):
    PENDING = "pending"  # registered; its home park has not confirmed it yet
    CONFIRMED = "confirmed"  # the home park says it is a resident: the account works
    DECLINED = "declined"  # the home park says it is not (with a reason)


class Startup(Model):
    """A company resident at a member park. Its founder signs in as a user of role startup."""

    __tablename__ = "startups"
    __table_args__ = (UniqueConstraint("home_park_id", "registration_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    home_park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    # The company's resident registration number at its home park (the park's own register).
    registration_number: Mapped[str] = mapped_column(String(60))
    website: Mapped[str] = mapped_column(String(300), default="")
    sector: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[StartupStatus] = mapped_column(
        String(20), index=True, default=StartupStatus.PENDING
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # use_alter: users and startups refer to each other (a founder's startup, the user who
    # decided on a startup), so neither table can be created or dropped wholly before the other.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # Whether the public programme page may name it while it is in residency (its own choice).
    listed_publicly: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    home_park: Mapped[Park] = relationship(foreign_keys=[home_park_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    founders: Mapped[list[User]] = relationship(
        primaryjoin="Startup.id == User.startup_id", viewonly=True, order_by="User.id"
    )

    def __repr__(self) -> str:
        return f"<Startup {self.name} {self.status}>"


class CallStatus(enum.StrEnum):
    DRAFT = "draft"  # the secretariat is preparing it: not public
    OPEN = "open"  # public; startups apply while its window is open
    CLOSED = "closed"  # no new applications; decisions and residencies go on


class ResidencyCall(Model):
    """One call of the programme ("Digital Nomad 2027, spring") and its rules."""

    __tablename__ = "residency_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[CallStatus] = mapped_column(String(20), index=True, default=CallStatus.DRAFT)
    # Applications are submitted from `applications_open` to `applications_close`, both included.
    applications_open: Mapped[date] = mapped_column(Date)
    applications_close: Mapped[date] = mapped_column(Date)
    # A residency starts between these two dates and lasts between these many months.
    earliest_start: Mapped[date] = mapped_column(Date)
    latest_start: Mapped[date] = mapped_column(Date)
    min_months: Mapped[int] = mapped_column(Integer, default=1)
    max_months: Mapped[int] = mapped_column(Integer, default=6)
    rules: Mapped[str] = mapped_column(Text, default="")  # the programme's rules, Markdown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    offers: Mapped[list[HostOffer]] = relationship(back_populates="call", order_by="HostOffer.id")

    def __repr__(self) -> str:
        return f"<ResidencyCall {self.title} {self.status}>"


class HostOffer(Model):
    """What one host park offers in one call, and how many startups it takes."""

    __tablename__ = "residency_host_offers"
    __table_args__ = (UniqueConstraint("call_id", "park_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("residency_calls.id"), index=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    places: Mapped[int] = mapped_column(Integer)
    workspace: Mapped[bool] = mapped_column(Boolean, default=False)
    visa_support_letter: Mapped[bool] = mapped_column(Boolean, default=False)
    mentoring: Mapped[bool] = mapped_column(Boolean, default=False)
    accommodation_help: Mapped[bool] = mapped_column(Boolean, default=False)
    # The host's residency tax regime in a sentence.
    tax_regime: Mapped[str] = mapped_column(String(300), default="")
    # Sectors it wants, one per line ("" for any).
    sectors: Mapped[str] = mapped_column(Text, default="")
    # The offer and the host's own conditions in English; other languages in
    # HostOfferTranslation (association.content_languages).
    description: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    # Who to contact at the host (printed on the letter of invitation).
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[ResidencyCall] = relationship(back_populates="offers")
    park: Mapped[Park] = relationship()
    translations: Mapped[list[HostOfferTranslation]] = relationship(
        back_populates="offer", order_by="HostOfferTranslation.language"
    )

    def __repr__(self) -> str:
        return f"<HostOffer call {self.call_id} park {self.park_id} places {self.places}>"


class HostOfferTranslation(Model):
    """An offer's description and conditions in a language other than English."""

    __tablename__ = "residency_host_offer_translations"
    __table_args__ = (UniqueConstraint("offer_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("residency_host_offers.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")

    offer: Mapped[HostOffer] = relationship(back_populates="translations")


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"  # the startup is writing it: nobody else sees it
    AWAITING_ENDORSEMENT = "awaiting_endorsement"  # submitted to the home park
    ENDORSED = "endorsed"  # the home park vouches for it: its hosts see it and decide
    NOT_ENDORSED = "not_endorsed"  # the home park declined, with a reason: it ends here
    PLACED = "placed"  # the startup accepted a host's offer: a residency follows
    UNPLACED = "unplaced"  # every host decided and no offer was accepted
    WITHDRAWN = "withdrawn"  # the startup withdrew it


class ResidencyApplication(Model):
    """A startup's one application in one call, to up to three hosts (its HostChoice rows)."""

    __tablename__ = "residency_applications"
    __table_args__ = (UniqueConstraint("call_id", "startup_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("residency_calls.id"), index=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("startups.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        String(32), index=True, default=ApplicationStatus.DRAFT
    )
    product: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(40), default="")  # idea, prototype, revenue, growth
    sector: Mapped[str] = mapped_column(String(120), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # After residency-retention has removed the founders' personal data: how many there were.
    founders_removed: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    endorsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    endorsed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    endorsement_note: Mapped[str] = mapped_column(Text, default="")  # the reason when declined
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[ResidencyCall] = relationship()
    startup: Mapped[Startup] = relationship()
    endorsed_by: Mapped[User | None] = relationship()
    choices: Mapped[list[HostChoice]] = relationship(
        back_populates="application", order_by="HostChoice.preference"
    )
    founders: Mapped[list[Founder]] = relationship(
        back_populates="application", order_by="Founder.id"
    )
    documents: Mapped[list[ResidencyDocument]] = relationship(
        back_populates="application", order_by="ResidencyDocument.id"
    )

    def __repr__(self) -> str:
        return f"<ResidencyApplication {self.id} {self.status}>"


class Founder(Model):
    """One founder on an application: what a letter of invitation for a visa needs. Personal
    data: shown to the home park, the hosts applied to and the secretariat only, and deleted
    two years after the residency ends (residency-retention)."""

    __tablename__ = "residency_founders"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("residency_applications.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    nationality: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(120), default="")  # CEO, CTO

    application: Mapped[ResidencyApplication] = relationship(back_populates="founders")


class DocumentPurpose(enum.StrEnum):
    PITCH_DECK = "pitch_deck"
    COMPANY_REGISTRATION = "company_registration"


class ResidencyDocument(Model):
    """A PDF attached to an application, checked by content on upload (as in membership)."""

    __tablename__ = "residency_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("residency_applications.id"), index=True)
    purpose: Mapped[DocumentPurpose] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[ResidencyApplication] = relationship(back_populates="documents")


class ChoiceStatus(enum.StrEnum):
    PENDING = "pending"  # the application is not endorsed yet: the host does not see it
    UNDER_REVIEW = "under_review"  # endorsed: the host sees it and decides
    OFFERED = "offered"  # the host accepted: a place is held until the startup answers
    WAITLISTED = "waitlisted"  # the host would take it if a place frees
    REJECTED = "rejected"  # the host declined, with a reason
    WITHDRAWN = "withdrawn"  # the startup withdrew, or took a higher preference's offer
    DECLINED = "declined"  # the startup declined the host's offer: the place is free again
    TAKEN = "taken"  # the startup accepted the offer: a residency


# A host's places are held by these choices: a hard limit under concurrency.
HOLDS_A_PLACE = (ChoiceStatus.OFFERED, ChoiceStatus.TAKEN)


class HostChoice(Model):
    """One host park on an application, in the startup's order of preference (1 first), and
    that host's decision."""

    __tablename__ = "residency_host_choices"
    __table_args__ = (
        UniqueConstraint("application_id", "offer_id"),
        UniqueConstraint("application_id", "preference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("residency_applications.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("residency_host_offers.id"), index=True)
    preference: Mapped[int] = mapped_column(Integer)
    wishes: Mapped[str] = mapped_column(Text, default="")  # what the startup wants from this host
    status: Mapped[ChoiceStatus] = mapped_column(
        String(20), index=True, default=ChoiceStatus.PENDING
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When an offer stands until (the startup is reminded before, and may still answer until then).
    offer_expires_on: Mapped[date | None] = mapped_column(Date)

    application: Mapped[ResidencyApplication] = relationship(back_populates="choices")
    offer: Mapped[HostOffer] = relationship()
    decided_by: Mapped[User | None] = relationship()
    questions: Mapped[list[ResidencyQuestion]] = relationship(
        back_populates="choice", order_by="ResidencyQuestion.id"
    )


class ResidencyQuestion(Model):
    """A host park's question to an applicant, and the startup's answer."""

    __tablename__ = "residency_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("residency_host_choices.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    choice: Mapped[HostChoice] = relationship(back_populates="questions")
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class ResidencyStatus(enum.StrEnum):
    UPCOMING = "upcoming"  # accepted; the host has not checked it in yet
    ACTIVE = "active"  # checked in
    EXTENDED = "extended"  # checked in, and the host extended its end date
    COMPLETED = "completed"  # checked out at (or after) its planned end
    CUT_SHORT = "cut_short"  # checked out before its planned end, or ended before it began


class Residency(Model):
    """A startup's stay at its host: the accepted offer, its dates, check-in and check-out,
    and the startup's final report. Its certificate is numbered AMT-DN-<year>-<nnnn>."""

    __tablename__ = "residencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("residency_host_choices.id"), unique=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("startups.id"), index=True)
    home_park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    host_park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    status: Mapped[ResidencyStatus] = mapped_column(
        String(20), index=True, default=ResidencyStatus.UPCOMING
    )
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    # AMT-DN-<year of start>-<nnnn>, numbered within the year; given when the residency is made.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final_report: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    choice: Mapped[HostChoice] = relationship()
    startup: Mapped[Startup] = relationship()
    home_park: Mapped[Park] = relationship(foreign_keys=[home_park_id])
    host_park: Mapped[Park] = relationship(foreign_keys=[host_park_id])

    def __repr__(self) -> str:
        return f"<Residency {self.number} {self.status}>"
