"""The membership area's command: `flask --app association purge-unconfirmed-applications` (for cron)."""

from __future__ import annotations

import click
from flask_babel import ngettext

from association.audit.log import current_origin
from association.extensions import db
from association.membership.applications import confirmation_hours, purge_unconfirmed_applications


@click.command("purge-unconfirmed-applications")
def purge_unconfirmed_applications_command() -> None:
    """Delete applications whose contact e-mail was not confirmed in time, and documents kept
    from refused application forms for over a day."""
    current_origin.set("cli")
    purged = purge_unconfirmed_applications(db.session())
    click.echo(
        ngettext(
            "%(num)d unconfirmed application older than %(hours)d hours deleted.",
            "%(num)d unconfirmed applications older than %(hours)d hours deleted.",
            purged,
            hours=confirmation_hours(),
        )
    )
