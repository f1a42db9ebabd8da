"""The programme's commands, for cron: `residency-retention` and `residency-remind`."""

from __future__ import annotations

import click
from flask_babel import gettext as _

from association.audit.log import current_origin
from association.extensions import db
from association.residency.decisions import remind_expiring_offers
from association.residency.retention import KEPT_YEARS, remove_expired_founders


@click.command("residency-retention")
def residency_retention_command() -> None:
    """Delete the founders' personal data of applications whose residency ended (or whose
    call closed, without a residency) more than two years ago; keep their count."""
    current_origin.set("cli")
    removed = remove_expired_founders(db.session(), None)
    for item in removed:
        click.echo(
            _(
                "Application %(id)d: %(count)d founders' personal data deleted.",
                id=item.application_id,
                count=item.founders,
            )
        )
    click.echo(
        _(
            "%(applications)d applications older than %(years)d years had their founders' "
            "personal data deleted (%(founders)d founders).",
            applications=len(removed),
            years=KEPT_YEARS,
            founders=sum(item.founders for item in removed),
        )
    )


@click.command("residency-remind")
def residency_remind_command() -> None:
    """Remind startups of offers about to expire, and let expired offers lapse (daily)."""
    current_origin.set("cli")
    reminded, lapsed = remind_expiring_offers(db.session())
    click.echo(
        _(
            "%(reminded)d startups reminded of an offer; %(lapsed)d expired offers lapsed.",
            reminded=reminded,
            lapsed=lapsed,
        )
    )
