"""How the webhooks area plugs into the application: its pages, and whether a user may see them
(the dashboard's and the navigation's link)."""

from __future__ import annotations

from flask import Flask

from association.webhooks.policy import can_manage_webhooks
from association.webhooks.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["may_manage_webhooks"] = can_manage_webhooks
