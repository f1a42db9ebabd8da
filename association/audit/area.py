"""How the audit area plugs into the application: the audit log's pages, its signed checkpoints
(taken after every issued document and every closed vote) and the audit commands."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from association.audit import checkpoints
from association.audit.cli import audit_checkpoint_command, audit_verify_command
from association.audit.log import checkpoint_after
from association.audit.views import bp, public_bp

# The moments the issue of a document or a vote's result becomes part of the record: each
# ends with a signed checkpoint that every member park receives.
CHECKPOINT_ACTIONS = ("document.issued", "vote.closed")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.cli.add_command(audit_verify_command)
    app.cli.add_command(audit_checkpoint_command)
    for action in CHECKPOINT_ACTIONS:
        checkpoint_after(action)
    # Session-wide, so registered once however many applications a process makes (tests).
    if not event.contains(Session, "before_commit", checkpoints.before_commit):
        event.listen(Session, "before_commit", checkpoints.before_commit)
