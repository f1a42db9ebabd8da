from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from association.database import UTCDateTime, utcnow
from association.extensions import Model


class StoredDocument(Model):
    """An issued PDF, rendered and sealed once, kept with its SHA-256 and served from here.

    The bytes live in the database so that every worker on every machine serves the same
    file; they are loaded only when asked for (deferred).
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # certificate, minutes, memorandum
    verification_code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(200))
    # What the document is about (a Park, a Meeting, a Memorandum): its area answers for its state.
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    superseded_by: Mapped[StoredDocument | None] = relationship(remote_side=[id])
