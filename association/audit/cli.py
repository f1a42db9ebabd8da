"""The audit log's command: `flask --app association audit-verify`."""

from __future__ import annotations

import sys

import click

from association.audit.log import verify_chain
from association.extensions import db


@click.command("audit-verify")
def audit_verify_command():
    """Check the audit log's hash chain; exits 1 and names the first bad event if it was tampered with."""
    report = verify_chain(db.session())
    if not report.intact:
        click.echo(
            f"Audit chain BROKEN at event {report.first_bad_seq}: {report.problem}", err=True
        )
        sys.exit(1)
    click.echo(f"Audit chain intact: {report.events_checked} events.")
