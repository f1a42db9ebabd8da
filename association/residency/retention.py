"""The founders' personal data is kept two years after the residency ends (or, for an
application that led to none, after its call closed), then deleted, its count kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import state_change
from association.parks.models import User
from association.residency.documents import remove_letters
from association.residency.models import (
    CallStatus,
    Founder,
    HostChoice,
    Residency,
    ResidencyApplication,
)
from association.residency.policy import require_staff

KEPT_YEARS = 2


@dataclass(frozen=True)
class Removed:
    application_id: int
    founders: int


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _ended_on(residency: Residency) -> date:
    if residency.checked_out_at is not None:
        return residency.checked_out_at.date()
    return residency.ends_on


@state_change
def remove_expired_founders(
    session: Session, actor: User | None = None, today: date | None = None
) -> list[Removed]:
    """Delete the Founder rows of every application whose residency ended (its check-out, or
    else its planned end) more than two years before `today`, or which has no residency and
    whose call closed more than two years before; `founders_removed` keeps how many there
    were, and the residency's letters of invitation, which print them, are deleted too. Each
    application is audited. Run again, it finds nothing more: idempotent."""
    require_staff(actor)
    cutoff = years_before(today or utcnow().date(), KEPT_YEARS)
    with_founders = select(Founder.application_id).distinct()
    applications = session.scalars(
        select(ResidencyApplication)
        .where(ResidencyApplication.id.in_(with_founders))
        .order_by(ResidencyApplication.id)
    ).all()
    residencies = {
        application_id: residency
        for application_id, residency in session.execute(
            select(HostChoice.application_id, Residency).join(
                HostChoice, Residency.choice_id == HostChoice.id
            )
        )
    }
    removed = []
    for application in applications:
        residency = residencies.get(application.id)
        if residency is not None:
            expired = _ended_on(residency) < cutoff
        else:
            call = application.call
            expired = (
                call.status == CallStatus.CLOSED
                and call.closed_at is not None
                and call.closed_at.date() < cutoff
            )
        if not expired:
            continue
        count = len(application.founders)
        for founder in list(application.founders):
            session.delete(founder)
        application.founders_removed = (application.founders_removed or 0) + count
        if residency is not None:
            # Its letters of invitation print the same personal data: they go with it.
            remove_letters(session, residency, actor=actor)
        record(
            session,
            "residency.founders_removed",
            actor=actor,
            subject=application,
            details={"founders": count, "kept_until": cutoff.isoformat()},
        )
        removed.append(Removed(application.id, count))
    return removed
