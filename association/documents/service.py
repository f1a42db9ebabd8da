"""Issuing, finding and verifying the association's documents.

Every area that issues a PDF (membership certificates, minutes, memoranda) calls
issue_document() inside its own state change: the PDF is rendered and sealed once,
stored with its SHA-256 and a verification code, and never rendered again. What a
document stands for *now* (a certificate of a since-suspended park) is each area's
answer, given through register_describer(); this module knows no area's rules.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.checkpoints import latest_checkpoint
from association.audit.log import record
from association.database import utcnow
from association.documents.fonts import FONT_CSS
from association.documents.language import css_string, page_counter_css, written_in
from association.documents.models import StoredDocument
from association.documents.qr import qr_svg
from association.documents.render import render_pdf
from association.documents.seal import load_signer, seal_pdf
from association.documents.verify import PdfCheck, check_pdf
from association.domain import Conflict, Invalid
from association.languages import ENGLISH
from association.site import base_url, instance_path, settings

if TYPE_CHECKING:
    from asn1crypto import x509

# Crockford's base32: digits and capitals without I, L, O and U, so that nothing reads
# as something else when typed from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 random bits: not guessable, even by someone trying all day
CODE_GROUP = 4
_CODE_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHA256 = re.compile(r"[0-9a-f]{64}")


# --- verification codes ---------------------------------------------------------------


def new_verification_code() -> str:
    """A fresh random code like 7K3M-QX9D-2HBT-W4NC: 16 Crockford base32 characters in groups of four."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return _grouped(raw)


def normalise_code(text: str | None) -> str | None:
    """The code in its one written form (capitals, dashes every four), or None when text is not a code.

    Accepts what people type or paste: lower case, spaces or no dashes, O for 0 and
    I or L for 1, or the whole verification address from the QR code.
    """
    if not text or len(text) > 200:
        return None
    text = text.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    raw = re.sub(r"[\s\-]", "", text).upper().translate(_CODE_ALIASES)
    if len(raw) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in raw):
        return None
    return _grouped(raw)


def _grouped(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def verification_url(config: Mapping, code: str) -> str:
    """The public address of a code's page, for QR codes and e-mails (BASE_URL + /verify/<code>)."""
    return f"{base_url(config)}/verify/{code}"


# --- PDF templates --------------------------------------------------------------------


def pdf_context(*, verify_url: str | None = None, **context: Any) -> dict[str, Any]:
    """What every template under templates/pdf/ expects besides its own context.

    font_css (the font stacks, first in pdf/base.html's <style>); document_language (the
    lang attribute; English unless given); the running head and the page numbers as CSS
    strings (page_head_css, page_number_css) in the language _() speaks now; and, when
    verify_url is given, verify_url itself, verification_code (read from its end) and
    qr_svg, the QR code of that address as inline SVG.
    """
    context["font_css"] = Markup(FONT_CSS)
    context.setdefault("document_language", ENGLISH)
    context["page_head_css"] = Markup(
        css_string(_("Association of Modern Technoparks of the Organization of Turkic States"))
    )
    context["page_number_css"] = Markup(page_counter_css(_("Page %(n)d of %(total)d")))
    context["verify_url"] = verify_url
    context["verification_code"] = (
        normalise_code(verify_url.rstrip("/").rsplit("/", 1)[-1]) if verify_url else None
    )
    context["qr_svg"] = qr_svg(verify_url) if verify_url else None
    return context


def render_template_pdf(template_name: str, **context: Any) -> str:
    """The HTML of a PDF template, rendered with Flask's templates and pdf_context()."""
    from flask import render_template

    return render_template(template_name, **pdf_context(**context))


# --- issuing ------------------------------------------------------------------------------


def issue_document(
    session: Session,
    *,
    kind: str,
    title: str,
    filename: str,
    subject: Any,
    html: str,
    config: Mapping,
    instance_path: Path | str,
    verification_code: str | None = None,
    actor: Any = None,
    language: str | None = None,
) -> StoredDocument:
    """Render html, seal it with the association's seal, and store it; flushed, not committed.

    Call it inside the area's state change, so that the document exists exactly when
    the change that issues it does. Pass verification_code when the HTML already prints
    it (its QR code): make it with new_verification_code(), and build the HTML with
    verification_url(config, code). The stored bytes are the only copy ever served;
    their SHA-256 and size are stored with them, and the audit log records the issue
    with the same SHA-256 (and `language`, the language of its fixed text, when given), so
    the register itself is tamper-evident.
    """
    if not kind or len(kind) > 32:
        raise Invalid("A document kind is a short word such as certificate, minutes or memorandum.")
    code = normalise_code(verification_code) if verification_code else new_verification_code()
    if code is None:
        raise Invalid("The verification code is not one made by new_verification_code().")
    if getattr(subject, "id", None) is None:
        session.flush()  # the subject is new in this transaction: give it its id
    signer = load_signer(config, Path(instance_path))
    pdf = seal_pdf(render_pdf(html), signer)
    document = StoredDocument(
        kind=kind,
        verification_code=code,
        title=title[:300],
        filename=_safe_filename(filename),
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        content=pdf,
        issued_at=utcnow(),
    )
    session.add(document)
    session.flush()
    details = {
        "kind": kind,
        "code": code,
        "sha256": document.sha256,
        "size": document.size,
        "title": document.title,
        "about": f"{document.subject_type} {document.subject_id}",
    }
    if language is not None:
        details["language"] = language
    record(session, "document.issued", actor=actor, subject=document, details=details)
    return document


def issue_from_template(
    session: Session,
    *,
    kind: str,
    template: str,
    title: str,
    filename: str,
    subject: Any,
    language: str,
    actor: Any = None,
    **context: Any,
) -> StoredDocument:
    """Issue an area's document from its PDF template: the one shape of certificates, minutes
    and memoranda. A fresh verification code is made and its address printed (with its QR
    code), the template rendered with `context` and its fixed text in `language` (whoever
    clicked: see association.documents.language), then sealed and stored by issue_document()
    under the running site's settings. Flushed, not committed: call it inside the area's
    state change. The audit log's latest signed checkpoint is printed too (audit_checkpoint), so
    that every document carries a head of the chain that later tampering cannot match."""
    config = settings()
    code = new_verification_code()
    context.setdefault("audit_checkpoint", latest_checkpoint(session))
    with written_in(language):
        html = render_template_pdf(
            template,
            verify_url=verification_url(config, code),
            document_language=language,
            **context,
        )
    return issue_document(
        session,
        kind=kind,
        title=title,
        filename=filename,
        subject=subject,
        html=html,
        config=config,
        instance_path=instance_path(),
        verification_code=code,
        actor=actor,
        language=language,
    )


def supersede(
    session: Session, old: StoredDocument, new: StoredDocument, *, actor: Any = None
) -> None:
    """Mark old as replaced by new (a re-issued certificate); flushed, not committed.

    A document is superseded once: its code page then names the one that replaced it.
    Both must be of the same kind and about the same subject.
    """
    if old.id == new.id:
        raise Invalid("A document cannot supersede itself.")
    if (old.kind, old.subject_type, old.subject_id) != (new.kind, new.subject_type, new.subject_id):
        raise Invalid(
            "A document can only be superseded by one of the same kind about the same subject."
        )
    if old.superseded_by_id is not None:
        raise Conflict("This document has already been superseded.")
    old.superseded_by = new
    old.superseded_at = utcnow()
    session.flush()
    record(
        session,
        "document.superseded",
        actor=actor,
        subject=old,
        details={"code": old.verification_code, "superseded_by": new.verification_code},
    )


def _safe_filename(filename: str) -> str:
    # Only the last part, no control characters: it goes into a Content-Disposition header.
    name = (
        re.sub(r"[\x00-\x1f\x7f]", "", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
        or "document.pdf"
    )
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[-200:]


# --- finding ------------------------------------------------------------------------------


def find_by_code(session: Session, code: str | None) -> StoredDocument | None:
    """The document with this verification code, in any written form; None when unknown or malformed."""
    normal = normalise_code(code)
    if normal is None:
        return None
    return session.scalar(select(StoredDocument).where(StoredDocument.verification_code == normal))


def find_by_sha256(session: Session, sha256: str | None) -> StoredDocument | None:
    """The issued document whose bytes have this SHA-256 (hex, any case); None when there is none."""
    digest = (sha256 or "").strip().lower()
    if not _SHA256.fullmatch(digest):
        return None
    return session.scalar(
        select(StoredDocument)
        .where(StoredDocument.sha256 == digest)
        .order_by(StoredDocument.id.desc())
        .limit(1)
    )


# A registry or membership number as typed: letters, then dashes or slashes between parts,
# ending in digits (AMT/MOU/2022/0001, AMT-KZ-0001); a plain word is not one.
_NUMBER = re.compile(r"[A-Z]+(?:[/\-][A-Z0-9]+)+")
NumberFinder = Callable[[Session, str, Any], StoredDocument | None]
_number_finders: list[NumberFinder] = []


def register_number_finder(finder: NumberFinder) -> None:
    """Let an area resolve its own numbers (AMT/MOU/2022/0001, AMT-KZ-0001) to a document.

    finder(session, number, viewer) gets the number in capitals without spaces and the person
    asking (None for a visitor); it returns the document that number stands for now, or None,
    also when the viewer may not know of it. Registering the same finder again changes nothing.
    """
    if finder not in _number_finders:
        _number_finders.append(finder)


def normalise_number(text: str | None) -> str | None:
    """A typed registry or membership number in capitals without spaces; None when it cannot be one."""
    if not text or len(text) > 200:
        return None
    number = re.sub(r"\s", "", text).upper()
    return (
        number if _NUMBER.fullmatch(number) and number[-1].isdigit() and len(number) <= 40 else None
    )


def find_by_number(session: Session, text: str | None, viewer: Any = None) -> StoredDocument | None:
    """The document a registry or membership number stands for, by the area that gave the number;
    None when no area knows it (or the viewer may not)."""
    number = normalise_number(text)
    if number is None:
        return None
    for finder in _number_finders:
        document = finder(session, number, viewer)
        if document is not None:
            return document
    return None


# --- what a document stands for now --------------------------------------------------------


@dataclass(frozen=True)
class DocumentState:
    """What a document stands for today, as its area sees it, for the public code page."""

    headline: str  # e.g. "Membership certificate of Astana Hub"
    state: str  # a short label: "Valid", "Park suspended", "Superseded"
    in_force: bool
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value) rows


Describer = Callable[[Session, StoredDocument], DocumentState]
_describers: dict[str, Describer] = {}
_kind_labels: dict[str, Any] = {}


def register_describer(kind: str, describer: Describer, *, label: Any = None) -> None:
    """Let the area that issues documents of this kind say what one stands for now.

    label names the kind on the public page (a lazy_gettext string, e.g. "Membership
    certificate"). Called once at import of the area; registering again replaces it.
    """
    _describers[kind] = describer
    if label is not None:
        _kind_labels[kind] = label


def kind_label(kind: str) -> str:
    """The kind's name for people: the label its area registered, or the kind itself."""
    return str(_kind_labels.get(kind, kind.replace("_", " ").capitalize()))


def describe(session: Session, document: StoredDocument) -> DocumentState:
    """The document's current state: its area's answer, and never "in force" once superseded."""
    describer = _describers.get(document.kind)
    if describer is None:
        state = DocumentState(headline=document.title, state=str(_l("Issued")), in_force=True)
    else:
        state = describer(session, document)
    if document.superseded_by_id is not None and state.in_force:
        state = DocumentState(
            headline=state.headline,
            state=str(_l("Superseded")),
            in_force=False,
            details=list(state.details),
        )
    return state


# --- an uploaded file ---------------------------------------------------------------------------


class UploadOutcome(enum.StrEnum):
    ISSUED = "issued"  # exactly the bytes the association issued, and in force today
    SUPERSEDED = "superseded"  # issued, unchanged, but replaced by a later document
    NOT_IN_FORCE = "not_in_force"  # issued, unchanged, but no longer in force (revoked, terminated)
    ALTERED = "altered"  # carries the association's seal, but is not the file it issued
    NOT_ISSUED = "not_issued"  # no seal of ours at all (or unreadable)


@dataclass(frozen=True)
class UploadVerdict:
    outcome: UploadOutcome
    check: PdfCheck
    document: StoredDocument | None = None
    state: DocumentState | None = None  # what the issued document stands for today
    current: StoredDocument | None = None  # the one in force in its place, when superseded


def current_version(document: StoredDocument) -> StoredDocument:
    """The last document of the chain that superseded this one (itself when never superseded)."""
    seen = {document.id}
    while document.superseded_by is not None and document.superseded_by.id not in seen:
        document = document.superseded_by
        seen.add(document.id)
    return document


def verify_upload(session: Session, pdf: bytes, trusted_cert: x509.Certificate) -> UploadVerdict:
    """What an uploaded file is: one the association issued, unchanged (and whether it is still
    in force, or superseded by which); a sealed one altered; or not ours.

    The register decides "issued": a file whose SHA-256 is that of an issued document is
    that document, byte for byte (even after the seal's key has been replaced). An issued
    file is "issued and unchanged" alone only while it is in force: a superseded or revoked
    one says so, with the current document. A file with the association's seal that is not
    in the register was changed after issuing. Never raises, whatever the bytes.
    """
    check = check_pdf(pdf, trusted_cert)
    document = find_by_sha256(session, check.sha256)
    if document is not None:
        state = describe(session, document)
        if document.superseded_by_id is not None:
            current = current_version(document)
            return UploadVerdict(UploadOutcome.SUPERSEDED, check, document, state, current)
        if not state.in_force:
            return UploadVerdict(UploadOutcome.NOT_IN_FORCE, check, document, state)
        return UploadVerdict(UploadOutcome.ISSUED, check, document, state)
    if check.signed_by_association:
        return UploadVerdict(UploadOutcome.ALTERED, check)
    return UploadVerdict(UploadOutcome.NOT_ISSUED, check)
