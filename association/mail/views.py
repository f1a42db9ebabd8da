"""The secretariat reads the outbox: what was sent, and what waits."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from association.extensions import db
from association.mail.models import OutboxMessage
from association.mail.policy import can_read_outbox

bp = Blueprint("mail", __name__, url_prefix="/secretariat/outbox")


@bp.get("/")
@login_required
def outbox():
    if not can_read_outbox(current_user):
        abort(403)
    page = db.paginate(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()), per_page=50, error_out=False
    )
    return render_template("mail/outbox.html", page=page)


@bp.get("/<int:message_id>")
@login_required
def message(message_id: int):
    found = db.get_or_404(OutboxMessage, message_id)
    if not can_read_outbox(current_user):
        abort(403)
    return render_template("mail/message.html", message=found)
