"""How the documents area plugs into the application: the verification pages."""

from __future__ import annotations

from flask import Flask

from association.documents.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
