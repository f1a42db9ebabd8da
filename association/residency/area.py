"""How the residency programme plugs into the application: its pages and its commands."""

from __future__ import annotations

from flask import Flask

from association.residency.cli import residency_remind_command, residency_retention_command
from association.residency.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(residency_retention_command)
    app.cli.add_command(residency_remind_command)
