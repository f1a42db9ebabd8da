"""Supporting documents of an application: PDFs checked by their content, kept in the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from association.documents.verify import readable_pdf
from association.domain import Invalid
from association.membership.models import Application, ApplicationDocument, ApplicationMessage

MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def check_pdf(upload: Upload) -> None:
    """A real PDF (by content: the %PDF- header and pypdf can read it), at most 10 MB."""
    name = upload.filename or _("the file")
    if len(upload.content) > MAX_DOCUMENT_BYTES:
        raise Invalid(_("%(name)s is larger than 10 MB.", name=name))
    if not upload.content.startswith(b"%PDF-"):
        raise Invalid(_("%(name)s is not a PDF document.", name=name))
    if not readable_pdf(upload.content):
        raise Invalid(_("%(name)s is not a PDF document that can be opened.", name=name))


def _clean_filename(name: str) -> str:
    name = (name or "document.pdf").replace("\\", "/").rsplit("/", 1)[-1]
    name = (
        "".join(c for c in name if c.isprintable() and c not in '"<>|:*?').strip() or "document.pdf"
    )
    return name[-150:]


def attach_documents(
    session: Session,
    application: Application,
    uploads: list[Upload],
    message: ApplicationMessage | None = None,
) -> list[ApplicationDocument]:
    """Add the uploads to the application (with the answer `message` they came with).

    Every upload is checked before any is added, and the application never holds more than
    MAX_DOCUMENTS; called inside the state change that receives them, so a refused document
    refuses the whole step.
    """
    if len(application.documents) + len(uploads) > MAX_DOCUMENTS:
        raise Invalid(
            _(
                "An application may have at most %(max)d documents; it has %(have)d.",
                max=MAX_DOCUMENTS,
                have=len(application.documents),
            )
        )
    for upload in uploads:
        check_pdf(upload)
    documents = []
    for upload in uploads:
        document = ApplicationDocument(
            application=application,
            filename=_clean_filename(upload.filename),
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            content=upload.content,
            message_id=message.id if message is not None else None,
        )
        session.add(document)
        documents.append(document)
    return documents
