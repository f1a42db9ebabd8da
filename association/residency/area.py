"""How the residency programme plugs into the application: its pages and its commands."""

from __future__ import annotations

from flask import Flask

from association.residency.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
