"""The accounts' command: `flask --app association create-user` (the first administrator)."""

from __future__ import annotations

import sys

import click
from flask_babel import gettext as _
from sqlalchemy import select

from association.audit.log import current_origin
from association.auth.service import create_user
from association.domain import DomainError
from association.extensions import db
from association.parks.models import Park, Role
from association.parks.presenters import role_word


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
    current_origin.set("cli")
    park = None
    if park_slug:
        park = db.session().scalar(select(Park).where(Park.slug == park_slug))
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
    click.echo(_("Created %(email)s (%(role)s).", email=user.email, role=role_word(user.role)))
