"""The outbox's command: `flask --app association send-mail` (for cron)."""

from __future__ import annotations

import sys

import click

from association.extensions import db
from association.mail.outbox import send_pending
from association.site import settings


@click.command("send-mail")
def send_mail_command():
    """Send the outbox's unsent messages by SMTP (MAIL_SERVER must be set)."""
    try:
        sent, failed = send_pending(db.session(), settings())
    except (RuntimeError, OSError) as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Sent {sent} messages; {failed} failed and stay in the outbox.")
    if failed:
        sys.exit(1)
