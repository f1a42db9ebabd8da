"""The issued memorandum as a PDF, and what its verification page says.

Built from templates/pdf/memorandum.html, then rendered, sealed and stored once by the
document engine (association.documents), inside the issuing transaction.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from association.documents.models import StoredDocument
from association.memoranda.models import Circulation, Memorandum, MemorandumStatus

KIND = "memorandum"


def memorandum_html(
    session: Session,
    memorandum: Memorandum,
    circulation: Circulation,
    *,
    verify_url: str | None = None,
) -> str:
    from association.documents.service import render_template_pdf
    from association.memoranda.service import audit_events, authentic_clause, concluded_at

    signatures = {s.party_id: s for s in circulation.signatures}
    return render_template_pdf(
        "pdf/memorandum.html",
        verify_url=verify_url,
        memorandum=memorandum,
        circulation=circulation,
        revision=circulation.revision,
        parties=[(party, signatures[party.id]) for party in memorandum.parties],
        events=audit_events(session, memorandum, since=circulation),
        clause=authentic_clause,
        concluded=concluded_at(circulation),
    )


def store_pdf(session: Session, memorandum: Memorandum, circulation: Circulation) -> StoredDocument:
    """Render, seal and store the PDF; called once, by issue_memorandum."""
    from association.documents import service as documents

    config = current_app.config
    code = documents.new_verification_code()
    html = memorandum_html(
        session, memorandum, circulation, verify_url=documents.verification_url(config, code)
    )
    number = memorandum.registry_number
    document = documents.issue_document(
        session,
        kind=KIND,
        title=f"{number} {memorandum.title}"[:300],
        filename=f"memorandum-{number.replace('/', '-')}.pdf",
        subject=memorandum,
        html=html,
        config=config,
        instance_path=current_app.instance_path,
        verification_code=code,
    )
    memorandum.document_id = document.id
    return document


def describe_memorandum(session: Session, document: StoredDocument):
    """In force, terminated (when and why) or amended by a later memorandum: what /verify says."""
    from association.documents.service import DocumentState
    from association.memoranda.service import amended_by

    memorandum = session.get(Memorandum, document.subject_id)
    if memorandum is None:
        return DocumentState(document.title, _("Unknown memorandum"), False)
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
        return DocumentState(
            headline,
            _("Terminated on %(date)s", date=memorandum.terminated_on.isoformat()),
            False,
            details,
        )
    if amendments:
        return DocumentState(
            headline,
            _(
                "In force, amended by %(numbers)s",
                numbers=", ".join(a.registry_number for a in amendments),
            ),
            True,
            details,
        )
    return DocumentState(headline, _("In force"), True, details)
