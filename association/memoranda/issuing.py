"""The issued memorandum as a PDF: built from templates/pdf/memorandum.html, rendered,
sealed and stored once by the document engine (association.documents)."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy.orm import Session

from association.memoranda.models import Circulation, Memorandum


def memorandum_html(session: Session, memorandum: Memorandum, circulation: Circulation, *, verify_url: str = "",
                    verification_code: str = "", qr_svg: str = "") -> str:
    from association.memoranda.service import audit_events, authentic_clause, concluded_at

    signatures = {s.party_id: s for s in circulation.signatures}
    return render_template(
        "pdf/memorandum.html", memorandum=memorandum, circulation=circulation, revision=circulation.revision,
        parties=[(party, signatures.get(party.id)) for party in memorandum.parties],
        events=audit_events(session, memorandum, since=circulation), clause=authentic_clause,
        concluded=concluded_at(circulation), verify_url=verify_url, verification_code=verification_code,
        qr_svg=qr_svg,
    )


def store_pdf(session: Session, memorandum: Memorandum, circulation: Circulation) -> None:
    """Render, seal and store the PDF (inside the issuing transaction)."""
    raise NotImplementedError("the document engine has not landed yet")
    current_app  # noqa: B018
