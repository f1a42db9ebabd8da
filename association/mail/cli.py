"""The outbox's command: `flask --app association send-mail` (for cron)."""

from __future__ import annotations

import sys

import click
from flask_babel import ngettext

from association.extensions import db
from association.mail.outbox import send_pending
from association.site import settings


@click.command("send-mail")
def send_mail_command():
    """Send the outbox's due messages by SMTP (MAIL_SERVER must be set).

    A message that fails waits and is tried again by a later run (MAIL_RETRY_MINUTES,
    doubling, at most MAIL_MAX_ATTEMPTS tries); the others are sent meanwhile.
    """
    try:
        sent, failed = send_pending(db.session(), settings())
    except (RuntimeError, OSError) as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(
        ngettext("Sent %(num)d message", "Sent %(num)d messages", sent)
        + "; "
        + ngettext(
            "%(num)d failed (the outbox says why; it is tried again later or, after "
            "MAIL_MAX_ATTEMPTS tries, given up).",
            "%(num)d failed (the outbox says why; they are tried again later or, after "
            "MAIL_MAX_ATTEMPTS tries, given up).",
            failed,
        )
    )
    if failed:
        sys.exit(1)
