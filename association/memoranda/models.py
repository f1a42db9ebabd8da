"""Memoranda: drafts kept as revisions, circulations of one frozen revision, each party's
signature or decline, and the issued, sealed document."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.extensions import Model
from association.languages import ENGLISH

if TYPE_CHECKING:
    from association.documents.models import StoredDocument
    from association.parks.models import Park, User

# The languages a text may be written in, in the fixed order of every listing, hash and PDF.
TEXT_LANGUAGES = {
    "en": "English",
    "kk": "Қазақша",
    "tr": "Türkçe",
    "az": "Azərbaycanca",
    "uz": "Oʻzbekcha",
    "ky": "Кыргызча",
    "ru": "Русский",
}
LANGUAGE_ORDER = list(TEXT_LANGUAGES)


class MemorandumStatus(enum.StrEnum):
    DRAFT = "draft"  # being written; nothing circulates
    CIRCULATING = "circulating"  # one revision is out for signature
    DECLINED = "declined"  # a party declined; waits for the secretariat
    SIGNED = "signed"  # every party signed the circulated revision; waits to be issued
    IN_FORCE = "in_force"  # issued: registry number and sealed PDF
    TERMINATED = "terminated"


class CirculationEnd(enum.StrEnum):
    NEW_REVISION = "new_revision"  # withdrawn: the text changed, signatures lapse
    WITHDRAWN = "withdrawn"  # withdrawn by the secretariat without a new text
    DECLINED = "declined"
    COMPLETED = "completed"  # every party signed


class Memorandum(Model):
    __tablename__ = "memoranda"
    __table_args__ = (UniqueConstraint("registry_year", "registry_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Title and place of the latest revision (the revisions keep each version).
    title: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[MemorandumStatus] = mapped_column(
        String(20), index=True, default=MemorandumStatus.DRAFT
    )
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # AMT/MOU/<year>/<nnnn>: given at issue, sequential per year, never reused.
    registry_year: Mapped[int | None] = mapped_column(Integer)
    registry_seq: Mapped[int | None] = mapped_column(Integer)
    registry_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    terminated_on: Mapped[date | None] = mapped_column(Date)
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    termination_reason: Mapped[str] = mapped_column(Text, default="")
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("memoranda.id"), index=True)
    # The language of the issued PDF's fixed text (cover, headings, the signature and
    # audit-trail pages), chosen by the secretariat; the texts stay as drafted, each in its
    # own language. Read once, when the memorandum is issued.
    document_language: Mapped[str] = mapped_column(String(8), default=ENGLISH)

    parties: Mapped[list[Party]] = relationship(
        back_populates="memorandum", order_by="Party.position"
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="memorandum", order_by="Revision.number"
    )
    circulations: Mapped[list[Circulation]] = relationship(
        back_populates="memorandum", order_by="Circulation.id"
    )
    document: Mapped[StoredDocument | None] = relationship()  # noqa: F821
    amends: Mapped[Memorandum | None] = relationship(
        remote_side=[id], foreign_keys=[amends_id], back_populates="amendments"
    )
    amendments: Mapped[list[Memorandum]] = relationship(
        back_populates="amends", order_by="Memorandum.id"
    )
    created_by: Mapped[User | None] = relationship()  # noqa: F821

    @property
    def latest_revision(self) -> Revision | None:
        return self.revisions[-1] if self.revisions else None

    @property
    def current_circulation(self) -> Circulation | None:
        """The circulation still open, if any."""
        last = self.circulations[-1] if self.circulations else None
        return last if last is not None and last.ended_at is None else None

    @property
    def last_circulation(self) -> Circulation | None:
        return self.circulations[-1] if self.circulations else None

    @property
    def issued(self) -> bool:
        return self.registry_number is not None

    def __repr__(self) -> str:
        return f"<Memorandum {self.id} {self.status}>"


class Party(Model):
    """A member park, or an outside organisation with its own signatory (who has no account)."""

    __tablename__ = "memorandum_parties"
    __table_args__ = (UniqueConstraint("memorandum_id", "park_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(ForeignKey("memoranda.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    organisation_name: Mapped[str] = mapped_column(String(300), default="")
    organisation_country: Mapped[str] = mapped_column(String(2), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    signatory_email: Mapped[str] = mapped_column(String(320), default="")

    memorandum: Mapped[Memorandum] = relationship(back_populates="parties")
    park: Mapped[Park | None] = relationship()  # noqa: F821

    @property
    def is_outside(self) -> bool:
        return self.park_id is None

    @property
    def name(self) -> str:
        return self.park.name_latin if self.park is not None else self.organisation_name

    @property
    def country(self) -> str:
        return self.park.country if self.park is not None else self.organisation_country


class Revision(Model):
    """One saved version of the text; never changed once saved."""

    __tablename__ = "memorandum_revisions"
    __table_args__ = (UniqueConstraint("memorandum_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(ForeignKey("memoranda.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(500), default="")  # what changed, in a line
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memorandum: Mapped[Memorandum] = relationship(back_populates="revisions")
    texts: Mapped[list[RevisionText]] = relationship(
        back_populates="revision", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship()  # noqa: F821

    @property
    def ordered_texts(self) -> list[RevisionText]:
        return sorted(self.texts, key=lambda text: LANGUAGE_ORDER.index(text.language))

    def text_in(self, language: str) -> str:
        return next((text.body for text in self.texts if text.language == language), "")

    def title_in(self, language: str) -> str:
        """The title heading the text in `language` ("" when there is no such text)."""
        return next((text.heading for text in self.texts if text.language == language), "")


class RevisionText(Model):
    """The revision's text in one language; every language is equally authentic."""

    __tablename__ = "memorandum_revision_texts"
    __table_args__ = (UniqueConstraint("revision_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("memorandum_revisions.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    # The title in this language, heading its text on the page and in the PDF.
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)  # Markdown

    revision: Mapped[Revision] = relationship(back_populates="texts")

    @property
    def heading(self) -> str:
        return self.title or self.revision.title

    @property
    def language_name(self) -> str:
        return TEXT_LANGUAGES.get(self.language, self.language)


class Circulation(Model):
    """One revision sent for signature; its canonical text's SHA-256 is what every party signs."""

    __tablename__ = "memorandum_circulations"

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(ForeignKey("memoranda.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("memorandum_revisions.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[CirculationEnd | None] = mapped_column(String(20))

    memorandum: Mapped[Memorandum] = relationship(back_populates="circulations")
    revision: Mapped[Revision] = relationship()
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="circulation", order_by="Signature.signed_at"
    )
    declines: Mapped[list[Decline]] = relationship(
        back_populates="circulation", order_by="Decline.declined_at"
    )
    views: Mapped[list[SigningView]] = relationship(back_populates="circulation")

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def signature_of(self, party: Party) -> Signature | None:
        return next((s for s in self.signatures if s.party_id == party.id), None)

    def first_opened(self, party: Party) -> datetime | None:
        return next((v.first_opened_at for v in self.views if v.party_id == party.id), None)


class Signature(Model):
    """A party's signature of one circulation: one per party, whoever of its signatories signs."""

    __tablename__ = "memorandum_signatures"
    __table_args__ = (UniqueConstraint("circulation_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circulation_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum_circulations.id"), index=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("memorandum_parties.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id")
    )  # None: an outside signatory
    full_name: Mapped[str] = mapped_column(String(200))  # as typed by the signatory
    title: Mapped[str] = mapped_column(String(200))
    consent: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(20))  # password, email_code, paper
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="", info={"as_received": True})
    revision_sha256: Mapped[str] = mapped_column(String(64))

    circulation: Mapped[Circulation] = relationship(back_populates="signatures")
    party: Mapped[Party] = relationship()
    user: Mapped[User | None] = relationship()  # noqa: F821


class Decline(Model):
    __tablename__ = "memorandum_declines"

    id: Mapped[int] = mapped_column(primary_key=True)
    circulation_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum_circulations.id"), index=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("memorandum_parties.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text)
    declined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    circulation: Mapped[Circulation] = relationship(back_populates="declines")
    party: Mapped[Party] = relationship()
    user: Mapped[User | None] = relationship()  # noqa: F821


class SigningView(Model):
    """When a party's signatory first opened the sign page of a circulation (evidence)."""

    __tablename__ = "memorandum_signing_views"
    __table_args__ = (UniqueConstraint("circulation_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circulation_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum_circulations.id"), index=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("memorandum_parties.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    circulation: Mapped[Circulation] = relationship(back_populates="views")


class OutsideSigningLink(Model):
    """A single-use, expiring link for an outside party's signatory; only hashes are kept.

    Signing through it needs a 6-digit code e-mailed to the signatory. Wrong codes are
    counted from the audit log (a refused change keeps nothing else).
    """

    __tablename__ = "memorandum_outside_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("memorandum_parties.id"), index=True)
    circulation_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum_circulations.id"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_hash: Mapped[str | None] = mapped_column(String(255))
    code_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    codes_sent: Mapped[int] = mapped_column(Integer, default=0)

    party: Mapped[Party] = relationship()
    circulation: Mapped[Circulation] = relationship()
