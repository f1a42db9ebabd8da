"""How the auth area plugs into the application: sign-in, accounts and the create-user command."""

from __future__ import annotations

from flask import Flask

from association.auth.cli import create_user_command
from association.auth.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(create_user_command)
