"""The audit log's commands: `flask --app association audit-verify` and `audit-checkpoint`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from association.audit.checkpoints import (
    checkpoint_now,
    stored_checkpoints_problem,
    verify_checkpoint,
)
from association.audit.log import verify_chain
from association.domain import Invalid
from association.extensions import db


@click.command("audit-verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A checkpoint's JSON file (as a park received it): check the chain still contains it.",
)
def audit_verify_command(checkpoint_file: Path | None):
    """Check the audit log's hash chain; exits 1 and names the first bad event if it was tampered with.

    With --checkpoint FILE, also check that the chain still holds that signed checkpoint's head.
    """
    session = db.session()
    if checkpoint_file is not None:
        try:
            raw = checkpoint_file.read_bytes()
        except OSError as error:
            click.echo(
                _("Cannot read %(file)s: %(why)s.", file=checkpoint_file, why=error.strerror),
                err=True,
            )
            sys.exit(2)
        try:
            verdict = verify_checkpoint(session, raw)
        except Invalid as error:
            click.echo(str(error), err=True)
            sys.exit(2)
        if not verdict.contained:
            click.echo(_("Checkpoint NOT contained: %(why)s", why=verdict.message), err=True)
            sys.exit(1)
        click.echo(verdict.message)
    report = verify_chain(session)
    if not report.intact:
        click.echo(
            _(
                "Audit chain BROKEN at event %(seq)s: %(why)s",
                seq=report.first_bad_seq,
                why=report.problem,
            ),
            err=True,
        )
        sys.exit(1)
    problem = stored_checkpoints_problem(session)
    if problem:
        click.echo(_("Audit chain cut short or rewritten: %(why)s.", why=problem), err=True)
        sys.exit(1)
    click.echo(
        ngettext(
            "Audit chain intact: %(num)d event.",
            "Audit chain intact: %(num)d events.",
            report.events_checked,
        )
    )


@click.command("audit-checkpoint")
def audit_checkpoint_command():
    """Sign a checkpoint of the audit log's head and send it to every member park (daily, from cron)."""
    checkpoint = checkpoint_now(db.session())
    click.echo(
        ngettext(
            "Checkpoint %(id)s: %(num)d event, head %(head)s, signed at %(time)s.",
            "Checkpoint %(id)s: %(num)d events, head %(head)s, signed at %(time)s.",
            checkpoint.seq,
            id=checkpoint.id,
            head=checkpoint.head_hash,
            time=checkpoint.taken_at.isoformat(),
        )
    )
