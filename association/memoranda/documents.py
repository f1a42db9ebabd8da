"""The issued memorandum as a PDF, and what its verification page says.

Built from templates/pdf/memorandum.html with the memorandum's own context (its parties and
their signatures, the circulated revision, the audit trail of that circulation), then
rendered, sealed and stored once by the document engine (association.documents), inside
the issuing transaction. Its fixed text is in the memorandum's document language; the texts
are as drafted, each language from a page of its own.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.documents import service as documents
from association.documents.language import document_date, written_in
from association.documents.models import StoredDocument
from association.history import happened_at, recorded_later
from association.memoranda.circulation import concluded_at
from association.memoranda.models import Circulation, Memorandum, MemorandumStatus, Signature
from association.memoranda.policy import can_read
from association.memoranda.presenters import trail_event
from association.memoranda.queries import amended_by, audit_events
from association.memoranda.texts import authentic_clause
from association.parks.models import User

KIND = "memorandum"
TEMPLATE = "pdf/memorandum.html"


def memorandum_context(
    session: Session, memorandum: Memorandum, circulation: Circulation
) -> dict[str, Any]:
    """What templates/pdf/memorandum.html prints besides the verification address and QR,
    its dates and words in the memorandum's document language (call it inside
    written_in(memorandum.document_language))."""
    language = memorandum.document_language
    signatures = {s.party_id: s for s in circulation.signatures}
    events = audit_events(session, memorandum, since=circulation)
    issued_at = memorandum.issued_at
    return {
        "memorandum": memorandum,
        "circulation": circulation,
        "revision": circulation.revision,
        "parties": [(party, signatures[party.id]) for party in memorandum.parties],
        "events": events,
        "happened_at": happened_at,
        "recorded_later": recorded_later,
        "any_recorded_later": any(recorded_later(event) for event in events),
        "shared_evidence": shared_paper_evidence(list(signatures.values())),
        "clause": authentic_clause,
        "concluded_on": document_date(concluded_at(circulation), language),
        "issued_on": f"{document_date(issued_at, language, zone=UTC)}, {issued_at:%H:%M} UTC"
        if issued_at
        else "—",
        "trail_event": trail_event,
    }


def shared_paper_evidence(signatures: list[Signature]) -> str:
    """The evidence every signature shares when all were made on paper alike, said once
    above the table rather than in every row ("" otherwise)."""
    evidence = {s.user_agent for s in signatures if s.method == "paper"}
    if len(evidence) == 1 and all(s.method == "paper" for s in signatures):
        return evidence.pop()
    return ""


def store_pdf(
    session: Session, memorandum: Memorandum, circulation: Circulation, *, actor: User | None = None
) -> StoredDocument:
    """Render, seal and store the PDF, its fixed text in the memorandum's document language;
    called once, by issue_memorandum (actor: who issued it)."""
    number = memorandum.registry_number or ""
    with written_in(memorandum.document_language):
        context = memorandum_context(session, memorandum, circulation)
    document = documents.issue_from_template(
        session,
        kind=KIND,
        template=TEMPLATE,
        title=f"{number} {memorandum.title}",
        filename=f"memorandum-{number.replace('/', '-')}.pdf",
        subject=memorandum,
        language=memorandum.document_language,
        actor=actor,
        **context,
    )
    memorandum.document_id = document.id
    return document


def find_by_registry_number(
    session: Session, number: str, viewer: Any = None
) -> StoredDocument | None:
    """The issued PDF of the memorandum with this registry number, when the viewer may read it
    (a memorandum nobody may know of is as unknown as a number never given)."""
    memorandum = session.scalar(select(Memorandum).where(Memorandum.registry_number == number))
    if memorandum is None or memorandum.document is None or not can_read(viewer, memorandum):
        return None
    return memorandum.document


def describe_memorandum(session: Session, document: StoredDocument) -> documents.DocumentState:
    """In force, terminated (when and why) or amended by a later memorandum: what /verify says."""
    memorandum = session.get(Memorandum, document.subject_id)
    if memorandum is None:
        return documents.DocumentState(document.title, _("Unknown memorandum"), False)
    headline = f"{memorandum.registry_number} {memorandum.title}"
    details = [
        (_("Registry number"), memorandum.registry_number or "—"),
        (_("Parties"), ", ".join(party.name for party in memorandum.parties)),
    ]
    if memorandum.amends is not None:
        details.append(
            (_("Amends"), f"{memorandum.amends.registry_number} {memorandum.amends.title}")
        )
    amendments = amended_by(memorandum)
    for amendment in amendments:
        details.append((_("Amended by"), f"{amendment.registry_number} {amendment.title}"))
    if memorandum.status == MemorandumStatus.TERMINATED:
        details.append((_("Reason for termination"), memorandum.termination_reason))
        terminated_on = memorandum.terminated_on.isoformat() if memorandum.terminated_on else "—"
        return documents.DocumentState(
            headline, _("Terminated on %(date)s", date=terminated_on), False, details
        )
    if amendments:
        return documents.DocumentState(
            headline,
            _(
                "In force, amended by %(numbers)s",
                numbers=", ".join(a.registry_number or "" for a in amendments),
            ),
            True,
            details,
        )
    return documents.DocumentState(headline, _("In force"), True, details)
