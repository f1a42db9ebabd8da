"""The residency's two documents as files: its certificate and its letter of invitation, for the
startup's founders, its home and host parks' programme coordinators, and the secretariat."""

from __future__ import annotations

from flask import abort
from flask_login import current_user, login_required

from association.documents.views import send_stored
from association.errors import allow
from association.extensions import db
from association.residency import documents, policy
from association.residency.models import Residency
from association.residency.views import bp


def _residency(residency_id: int) -> Residency:
    residency = db.session.get(Residency, residency_id)
    if residency is None:
        abort(404)
    return residency


@bp.get("/residencies/<int:residency_id>/certificate.pdf")
@login_required
def residency_certificate(residency_id: int):
    residency = _residency(residency_id)
    allow(policy.can_see_residency(current_user, residency))
    document = documents.current_document(db.session(), residency, documents.CERTIFICATE)
    if document is None:
        abort(404)
    return send_stored(document, as_attachment=True)


@bp.get("/residencies/<int:residency_id>/letter.pdf")
@login_required
def residency_letter(residency_id: int):
    residency = _residency(residency_id)
    allow(policy.can_see_residency(current_user, residency))
    # The letter prints the founders' personal data: once retention has removed that, it is
    # gone; and a host that no longer sees the founders does not get it.
    if residency.choice.application.founders_removed is not None:
        abort(404)
    allow(policy.can_download_letter(current_user, residency))
    document = documents.current_document(db.session(), residency, documents.LETTER)
    if document is None:
        abort(404)
    return send_stored(document, as_attachment=True)
