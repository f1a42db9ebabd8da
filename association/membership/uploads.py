"""Supporting documents of an application: PDFs checked by their content, kept in the database.

A document attached to a form that is refused for another reason (a missing field) is kept
provisionally, so that the applicant need not attach it again: the re-shown form carries a
token for it, and the submission takes it in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from association.database import utcnow
from association.documents.verify import readable_pdf
from association.domain import Invalid, state_change
from association.membership.models import (
    Application,
    ApplicationDocument,
    ApplicationMessage,
    ProvisionalUpload,
)
from association.site import setting
from association.tokens import looks_like_token, new_token, token_digest

MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MEGABYTE = 1024 * 1024
# A kept document waits this long for the form to come back; then the purge removes it.
PROVISIONAL_HOURS = 24


class DocumentRefused(Invalid):
    """A document refused (not a readable PDF, too large, too many, twice): the form shows it
    beside the documents field."""


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Kept:
    """A document kept from a refused form: the token the form carries back, and its name."""

    token: str
    filename: str
    size: int


def max_application_bytes() -> int:
    """The most all documents of one application may weigh together (APPLICATION_DOCUMENTS_MAX_MB)."""
    return int(setting("APPLICATION_DOCUMENTS_MAX_MB")) * MEGABYTE


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f}"


def check_pdf(upload: Upload) -> None:
    """A real PDF (by content: the %PDF- header and pypdf can read it), at most 10 MB."""
    name = upload.filename or _("the file")
    if len(upload.content) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(_("%(name)s is larger than 10 MB.", name=name))
    if not upload.content.startswith(b"%PDF-"):
        raise DocumentRefused(_("%(name)s is not a PDF document.", name=name))
    if not readable_pdf(upload.content):
        raise DocumentRefused(_("%(name)s is not a PDF document that can be opened.", name=name))


def clean_filename(name: str) -> str:
    """The name a document is kept and downloaded under: no path, no quotes or characters a
    file system or a Content-Disposition header would stumble on, at most 150 characters."""
    name = (name or "document.pdf").replace("\\", "/").rsplit("/", 1)[-1]
    name = (
        "".join(c for c in name if c.isprintable() and c not in '"<>|:*?;').strip()
        or "document.pdf"
    )
    return name[-150:]


def check_uploads(application: Application | None, uploads: list[Upload]) -> None:
    """Refuse the whole set, changing nothing, when one upload is not a readable PDF of at
    most 10 MB, when the application would hold more than MAX_DOCUMENTS or more than
    APPLICATION_DOCUMENTS_MAX_MB in all, or when the same file (by SHA-256) is attached twice."""
    have = list(application.documents) if application is not None else []
    if len(have) + len(uploads) > MAX_DOCUMENTS:
        raise DocumentRefused(
            _(
                "An application may have at most %(max)d documents; it has %(have)d.",
                max=MAX_DOCUMENTS,
                have=len(have),
            )
        )
    for upload in uploads:
        check_pdf(upload)
    total = sum(d.size for d in have) + sum(len(u.content) for u in uploads)
    if total > max_application_bytes():
        raise DocumentRefused(
            _(
                "The documents of one application may come to at most %(max)s MB in all; "
                "these come to %(total)s MB. Please send smaller files (e.g. scanned at a "
                "lower resolution) or fewer of them.",
                max=setting("APPLICATION_DOCUMENTS_MAX_MB"),
                total=megabytes(total),
            )
        )
    seen = {d.sha256: d.filename for d in have}
    for upload in uploads:
        digest = upload.sha256
        if digest in seen:
            raise DocumentRefused(
                _(
                    "%(name)s is the same file as %(other)s, already attached: each document "
                    "is needed only once.",
                    name=clean_filename(upload.filename),
                    other=seen[digest],
                )
            )
        seen[digest] = clean_filename(upload.filename)


def attach_documents(
    session: Session,
    application: Application,
    uploads: list[Upload],
    message: ApplicationMessage | None = None,
) -> list[ApplicationDocument]:
    """Add the uploads to the application (with the answer `message` they came with).

    Every upload is checked before any is added (check_uploads); called inside the state
    change that receives them, so a refused document refuses the whole step.
    """
    check_uploads(application, uploads)
    documents = []
    for upload in uploads:
        document = ApplicationDocument(
            application=application,
            filename=clean_filename(upload.filename),
            size=len(upload.content),
            sha256=upload.sha256,
            content=upload.content,
            message_id=message.id if message is not None else None,
        )
        session.add(document)
        documents.append(document)
    return documents


# --- documents kept across a refused form ----------------------------------------------------


def _provisional(session: Session, tokens: list[str]) -> list[tuple[str, ProvisionalUpload]]:
    """Each token's kept document, in the order the form lists them; unknown or purged tokens
    are simply not there."""
    tokens = [t for t in dict.fromkeys(tokens) if looks_like_token(t, max_length=64)]
    if not tokens:
        return []
    found = {
        p.token_hash: p
        for p in session.scalars(
            select(ProvisionalUpload).where(
                ProvisionalUpload.token_hash.in_([token_digest(t) for t in tokens])
            )
        )
    }
    return [(t, found[token_digest(t)]) for t in tokens if token_digest(t) in found]


def kept_uploads(session: Session, tokens: list[str]) -> list[Upload]:
    """The documents the tokens stand for, as uploads again."""
    return [Upload(p.filename, p.content) for _token, p in _provisional(session, tokens)]


def kept_documents(session: Session, tokens: list[str]) -> list[Kept]:
    """What the re-shown form lists as still attached: each token's name and size."""
    return [Kept(token, p.filename, p.size) for token, p in _provisional(session, tokens)]


def forget_kept(session: Session, tokens: list[str]) -> None:
    """The kept documents are taken into an application (or given up): remove them."""
    digests = [token_digest(t) for t in tokens if looks_like_token(t, max_length=64)]
    if digests:
        session.execute(delete(ProvisionalUpload).where(ProvisionalUpload.token_hash.in_(digests)))


@state_change
def keep_uploads(session: Session, tokens: list[str], uploads: list[Upload]) -> list[Kept]:
    """Keep the readable PDFs of a refused form for its next submission, with those already
    kept; returns every kept document, each with the token the re-shown form carries.

    Only what a submission could take is kept: at most MAX_DOCUMENTS readable PDFs of at most
    10 MB within APPLICATION_DOCUMENTS_MAX_MB, none twice; the rest is dropped (the form says
    why). Nothing but the token's digest is stored, so a copy of the database opens none.
    """
    provisional = _provisional(session, tokens)
    kept = [Kept(token, p.filename, p.size) for token, p in provisional]
    digests = {p.sha256 for _token, p in provisional}
    total = sum(k.size for k in kept)
    for upload in uploads:
        try:
            check_pdf(upload)
        except Invalid:
            continue
        if (
            len(kept) >= MAX_DOCUMENTS
            or upload.sha256 in digests
            or total + len(upload.content) > max_application_bytes()
        ):
            continue
        token = new_token()
        session.add(
            ProvisionalUpload(
                token_hash=token_digest(token),
                filename=clean_filename(upload.filename),
                size=len(upload.content),
                sha256=upload.sha256,
                content=upload.content,
            )
        )
        kept.append(Kept(token, clean_filename(upload.filename), len(upload.content)))
        digests.add(upload.sha256)
        total += len(upload.content)
    return kept


def purge_provisional(session: Session) -> int:
    """Remove kept documents older than PROVISIONAL_HOURS; returns how many (inside a state change)."""
    cutoff = utcnow() - timedelta(hours=PROVISIONAL_HOURS)
    result = session.execute(delete(ProvisionalUpload).where(ProvisionalUpload.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
