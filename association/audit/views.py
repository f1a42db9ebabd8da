"""The secretariat reads the audit log; everyone can read and verify its signed checkpoints."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.audit.checkpoints import checkpoint_document, verify_checkpoint
from association.audit.forms import AuditFilterForm, CheckpointForm
from association.audit.models import AuditCheckpoint
from association.audit.policy import can_read_audit_log
from association.audit.queries import (
    PER_PAGE,
    AuditFilters,
    action_choices,
    checkpoints_page,
    event_lines,
    filtered_events,
    park_choices,
)
from association.domain import Invalid
from association.extensions import db, limiter

bp = Blueprint("audit", __name__, url_prefix="/secretariat/audit")
public_bp = Blueprint("checkpoints", __name__, url_prefix="/audit")


@bp.get("/")
@login_required
def event_list():
    if not can_read_audit_log(current_user):
        abort(403)
    session = db.session()
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "—")] + [(a, a) for a in action_choices(session)]
    form.park.choices = [("", "—")] + [(str(i), name) for i, name in park_choices(session)]
    form.validate()
    park = request.args.get("park", "")
    filters = AuditFilters(
        action=(form.action.data or "").strip()[:64],
        actor=(form.actor.data or "").strip() if not form.actor.errors else "",
        park_id=int(park) if park.isdigit() and len(park) < 10 else None,
        subject=(form.subject.data or "").strip() if not form.subject.errors else "",
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )
    page = db.paginate(filtered_events(filters), per_page=PER_PAGE, error_out=False)
    arguments = {
        name: value
        for name, value in request.args.items()
        if name in ("action", "actor", "park", "subject", "since", "until") and value
    }
    return render_template(
        "audit/list.html",
        page=page,
        lines=event_lines(session, list(page.items)),
        form=form,
        arguments=arguments,
    )


@public_bp.get("/checkpoints")
def checkpoint_list():
    page = db.paginate(checkpoints_page(db.session()), per_page=PER_PAGE, error_out=False)
    return render_template("audit/checkpoints.html", page=page, form=CheckpointForm(), verdict=None)


@public_bp.post("/checkpoints")
@limiter.limit("20 per minute")  # each check recomputes the chain up to the checkpoint
def verify():
    form = CheckpointForm()
    verdict = None
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read() if upload else (form.text.data or "").strip()
        if not raw:
            form.text.errors = [*form.text.errors, _("Paste a checkpoint or choose its JSON file.")]
        else:
            try:
                verdict = verify_checkpoint(db.session(), raw)
            except Invalid as error:
                form.text.errors = [*form.text.errors, str(error)]
    page = db.paginate(checkpoints_page(db.session()), per_page=PER_PAGE, error_out=False)
    status = 200 if verdict is not None else 422
    return render_template("audit/checkpoints.html", page=page, form=form, verdict=verdict), status


@public_bp.get("/checkpoints/<int:checkpoint_id>.json")
def checkpoint_json(checkpoint_id: int):
    checkpoint = db.session.get(AuditCheckpoint, checkpoint_id)
    if checkpoint is None:
        abort(404)
    body = json.dumps(checkpoint_document(checkpoint), indent=2, sort_keys=True) + "\n"
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="audit-checkpoint-{checkpoint.seq}.json"'
        },
    )
