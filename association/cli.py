"""The command line: `flask --app association <command>`. Commands call the domain functions."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from association.audit.log import current_origin, verify_chain
from association.auth.models import Role
from association.auth.service import create_user
from association.domain import DomainError
from association.extensions import db
from association.parks.models import Park
from association.voting.cli import close_due_votes_command


def register_commands(app: Flask) -> None:
    for command in (
        seed_demo_command,
        create_user_command,
        audit_verify_command,
        send_mail_command,
        backup_command,
        restore_command,
        close_due_votes_command,
    ):
        app.cli.add_command(command)


def _as_operator() -> None:
    current_origin.set("cli")


@click.command("seed-demo")
def seed_demo_command():
    """Create the demo association (idempotent) and print the demo logins."""
    from association.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo

    _as_operator()
    logins = seed_demo(db.session())
    click.echo("Demo association ready. Every demo account's password: " + DEMO_PASSWORD)
    click.echo(
        f"Staff accounts also ask for a second factor: add the key {DEMO_TOTP_SECRET} to an authenticator"
    )
    click.echo("app, or print the current code with: .venv/bin/python -m association.demo_code")
    for email, who in logins:
        click.echo(f"  {email:<62} {who}")


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MEMBER.value,
    show_default=True,
)
@click.option("--park", "park_slug", help="The park's slug (for a member representative).")
@click.option("--title", default="", help="Title, e.g. Director.")
@click.option("--delegate", is_flag=True, help="Casts the park's vote.")
@click.option("--signatory", is_flag=True, help="Signs memoranda for the park.")
def create_user_command(email, name, role, park_slug, title, delegate, signatory):
    """Create a user; the password is read from standard input (asked twice on a terminal)."""
    _as_operator()
    park = None
    if park_slug:
        park = db.session.scalar(select(Park).where(Park.slug == park_slug))
        if park is None:
            raise click.ClickException(f"No park has the slug {park_slug!r}.")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user, _token = create_user(
            db.session(),
            None,
            email=email,
            full_name=name,
            role=Role(role),
            park=park,
            title=title,
            delegate=delegate,
            signatory=signatory,
            password=password,
        )
    except DomainError as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"Created {user.email} ({user.role}).")


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


@click.command("send-mail")
def send_mail_command():
    """Send the outbox's unsent messages by SMTP (MAIL_SERVER must be set)."""
    from association.mail.outbox import send_pending

    try:
        sent, failed = send_pending(db.session(), current_app.config)
    except (RuntimeError, OSError) as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Sent {sent} messages; {failed} failed and stay in the outbox.")
    if failed:
        sys.exit(1)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Write a consistent backup of the database (documents included) to PATH, while the app runs."""
    from association.backup import BackupError, backup_database, database_name

    try:
        backup_database(db.engine, path)
    except BackupError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Backed up {database_name(db.engine)} to {path} ({path.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(path: Path):
    """Load a backup made by `backup` into an empty database, then check the audit chain."""
    from association.backup import BackupError, database_name, restore_database

    try:
        restore_database(db.engine, path)
    except BackupError as problem:
        raise click.ClickException(str(problem)) from None
    db.session.remove()
    report = verify_chain(db.session())
    click.echo(
        f"Restored {path} into {database_name(db.engine)}; audit chain "
        + (
            "intact."
            if report.intact
            else f"BROKEN at event {report.first_bad_seq}: {report.problem}"
        )
    )
    if not report.intact:
        sys.exit(1)
