"""How the API plugs into the application: the account's API tokens page."""

from __future__ import annotations

from flask import Flask

from association.api.token_pages import bp as token_pages


def init_app(app: Flask) -> None:
    app.register_blueprint(token_pages)
