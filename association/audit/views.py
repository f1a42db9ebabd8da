"""The secretariat reads the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from association.audit.models import AuditEvent
from association.audit.policy import can_read_audit_log
from association.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/secretariat/audit")


@bp.get("/")
@login_required
def event_list():
    if not can_read_audit_log(current_user):
        abort(403)
    action = request.args.get("action", "").strip()
    statement = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if action:
        statement = statement.where(AuditEvent.action.startswith(action, autoescape=True))
    page = db.paginate(statement, per_page=50, error_out=False)
    return render_template("audit/list.html", page=page, action=action)
