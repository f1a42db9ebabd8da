"""How the audit area plugs into the application: the audit log's page and the audit-verify command."""

from __future__ import annotations

from flask import Flask

from association.audit.cli import audit_verify_command
from association.audit.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(audit_verify_command)
