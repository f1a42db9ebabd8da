"""The voting area's command: `flask --app association close-due-votes` (for cron)."""

from __future__ import annotations

import click
from flask_babel import gettext as _

from association.audit.log import current_origin
from association.extensions import db
from association.voting.votes import close_due_votes


@click.command("close-due-votes")
def close_due_votes_command():
    """Open scheduled votes whose time has come, close votes past closes_at, send 24-hour reminders."""
    current_origin.set("cli")
    report = close_due_votes(db.session())
    click.echo(
        _(
            "Opened: %(opened)d. Closed: %(closed)d. Parks reminded to vote: %(reminded)d.",
            opened=report.opened,
            closed=report.closed,
            reminded=report.reminded,
        )
    )
