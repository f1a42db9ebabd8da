"""The command line: `flask --app association <command>`. Commands call the domain functions."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from association.audit.log import current_origin, verify_chain
from association.extensions import db
from association.worker import worker_command


def register_commands(app: Flask) -> None:
    """The commands about the whole application; each area registers its own in its init_app."""
    for command in (seed_demo_command, backup_command, restore_command, worker_command):
        app.cli.add_command(command)


def _as_operator() -> None:
    current_origin.set("cli")


@click.command("seed-demo")
def seed_demo_command():
    """Create the demo association (idempotent) and print the demo logins."""
    from association.demo import seed_demo
    from association.demo_parks import DEMO_PASSWORD, DEMO_TOTP_SECRET

    _as_operator()
    logins = seed_demo(db.session())
    click.echo("Demo association ready. Every demo account's password: " + DEMO_PASSWORD)
    click.echo(
        f"Staff accounts also ask for a second factor: add the key {DEMO_TOTP_SECRET} to an authenticator"
    )
    click.echo("app, or print the current code with: .venv/bin/python -m association.demo_code")
    for email, who in logins:
        click.echo(f"  {email:<62} {who}")
    _echo_integration(db.session())


def _echo_integration(session) -> None:
    # How to try the API and the webhooks with the demo; no secret is printed (a token is made
    # by its user, on the page, and shown there once).
    from association.site import site_url
    from association.webhooks.demo import ENDPOINT_URL, MANAGER_EMAIL, seed_integration

    click.echo("")
    click.echo(
        f"API: sign in (e.g. as {MANAGER_EMAIL}), make a token on {site_url('/account/tokens')},"
    )
    click.echo("then:")
    click.echo(f'  curl -H "Authorization: Bearer <your token>" {site_url("/api/v1/me")}')
    click.echo(f"The reference: {site_url('/api/docs')}")
    not_registered = seed_integration(session)  # idempotent: says why, if it could not be made
    if not_registered:
        click.echo(
            f"Webhooks: the demo endpoint to {ENDPOINT_URL} is not registered: {not_registered}"
        )
    else:
        click.echo(
            f"Webhooks: {site_url('/webhooks')} shows Astana Hub's demo endpoint to {ENDPOINT_URL},"
        )
        click.echo("disabled with a note: example.org is no park's platform.")


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
