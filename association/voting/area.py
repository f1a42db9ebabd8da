"""How the voting area plugs into the application: initiatives and ballots, their dashboard tasks and the close-due-votes command."""

from __future__ import annotations

from flask import Flask

from association.dashboard import register_tasks
from association.voting.cli import close_due_votes_command
from association.voting.dashboard import voting_tasks
from association.voting.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_tasks(app, voting_tasks)
    app.cli.add_command(close_due_votes_command)
