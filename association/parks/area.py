"""How the parks area plugs into the application: the secretariat's pages for parks and users, and their dashboard tasks."""

from __future__ import annotations

from flask import Flask

from association.dashboard import register_tasks
from association.parks.dashboard import park_tasks
from association.parks.policy import receives_events
from association.parks.views import bp
from association.webhooks.service import register_park_check


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_tasks(app, park_tasks)
    register_park_check(receives_events)
