"""How the mail area plugs into the application: the outbox's page, its dashboard task and the send-mail command."""

from __future__ import annotations

from flask import Flask

from association.dashboard import register_tasks
from association.mail.cli import send_mail_command
from association.mail.dashboard import outbox_tasks
from association.mail.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_tasks(app, outbox_tasks)
    app.cli.add_command(send_mail_command)
