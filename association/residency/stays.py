"""A residency at its host: check-in, extension, check-out (or cut short before it began),
and the startup's final report. The host's coordinators (or the secretariat) act for the host."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, state_change
from association.history import stating_time
from association.parks.models import User
from association.residency import policy
from association.residency.announcements import announce_started
from association.residency.applications import add_months
from association.residency.documents import issue_residency_documents
from association.residency.models import Residency, ResidencyStatus
from association.residency.notifications import residency_link, tell

IN_RESIDENCY = (ResidencyStatus.ACTIVE, ResidencyStatus.EXTENDED)
ENDED = (ResidencyStatus.COMPLETED, ResidencyStatus.CUT_SHORT)


def _everyone(session: Session, residency: Residency) -> list[User]:
    """The founders and both parks' coordinators."""
    return [
        *policy.founders(residency.startup),
        *policy.coordinators(session, residency.host_park),
        *policy.coordinators(session, residency.home_park),
    ]


def _status_conflict(residency: Residency) -> Conflict:
    return Conflict(
        _(
            "The residency %(number)s is %(status)s: this cannot be done now.",
            number=residency.number,
            status=_(str(residency.status)),
        )
    )


@state_change
def check_in(
    session: Session, coordinator: User | None, residency: Residency, now: datetime | None = None
) -> Residency:
    """The host records the startup's arrival: the residency is active (everyone is told).
    `now` is when, when that was before it is recorded (association.history)."""
    policy.require_coordinator(coordinator, residency.host_park)
    if residency.status != ResidencyStatus.UPCOMING:
        raise _status_conflict(residency)
    residency.status = ResidencyStatus.ACTIVE
    residency.checked_in_at = now or utcnow()
    tell(
        session,
        _everyone(session, residency),
        _l("Residency %(number)s has begun", number=residency.number),
        "residency_started.txt",
        residency=residency,
        link=residency_link(residency),
    )
    announce_started(session, residency)
    record(
        session,
        "residency.checked_in",
        actor=coordinator,
        subject=residency,
        details=stating_time({}, now),
    )
    return residency


@state_change
def extend_residency(
    session: Session,
    coordinator: User | None,
    residency: Residency,
    ends_on: date,
    reason: str = "",
) -> Residency:
    """The host extends a residency under way to a later end, within the call's longest
    length; the residency is extended, and its certificate and letter of invitation are issued
    anew with the new end, superseding the previous two."""
    policy.require_coordinator(coordinator, residency.host_park)
    if residency.status not in IN_RESIDENCY:
        raise _status_conflict(residency)
    if ends_on <= residency.ends_on:
        raise Invalid(
            _(
                "An extension ends later than %(day)s, the residency's current end.",
                day=residency.ends_on.isoformat(),
            ),
            field="ends_on",
        )
    call = residency.choice.application.call
    longest = add_months(residency.starts_on, call.max_months)
    if ends_on > longest:
        raise Invalid(
            _(
                "A residency in this call lasts at most %(max)d months: it can end on "
                "%(day)s at the latest.",
                max=call.max_months,
                day=longest.isoformat(),
            ),
            field="ends_on",
        )
    before = residency.ends_on
    residency.ends_on = ends_on
    residency.status = ResidencyStatus.EXTENDED
    # The certificate and the letter state the dates: both are issued anew, the old superseded.
    issue_residency_documents(session, residency, actor=coordinator)
    tell(
        session,
        _everyone(session, residency),
        _l("Residency %(number)s is extended", number=residency.number),
        "residency_extended.txt",
        residency=residency,
        reason=(reason or "").strip(),
        link=residency_link(residency),
    )
    record(
        session,
        "residency.extended",
        actor=coordinator,
        subject=residency,
        details={
            "before": before.isoformat(),
            "after": ends_on.isoformat(),
            "reason": (reason or "").strip(),
        },
    )
    return residency


@state_change
def check_out(
    session: Session, coordinator: User | None, residency: Residency, on: date
) -> Residency:
    """The host records the startup's departure on `on` (not in the future, not before it
    began): completed, or cut short when before its planned end. Everyone is told."""
    policy.require_coordinator(coordinator, residency.host_park)
    if residency.status not in IN_RESIDENCY:
        raise _status_conflict(residency)
    today = utcnow().date()
    if on > today:
        raise Invalid(_("A check-out is recorded on the day or after it."), field="on")
    if on < residency.starts_on:
        raise Invalid(_("A check-out cannot be before the residency began."), field="on")
    residency.status = (
        ResidencyStatus.CUT_SHORT if on < residency.ends_on else ResidencyStatus.COMPLETED
    )
    residency.checked_out_at = utcnow() if on == today else datetime.combine(on, time(12), UTC)
    tell(
        session,
        _everyone(session, residency),
        _l("Residency %(number)s has ended", number=residency.number),
        "residency_ended.txt",
        residency=residency,
        on=on,
        link=residency_link(residency),
    )
    record(
        session,
        "residency.checked_out",
        actor=coordinator,
        subject=residency,
        # A departure recorded on a later day happened at noon that day (association.history).
        details=stating_time(
            {"on": on.isoformat(), "status": str(residency.status)},
            residency.checked_out_at if on != today else None,
        ),
    )
    return residency


@state_change
def cut_short(
    session: Session, coordinator: User | None, residency: Residency, reason: str
) -> Residency:
    """A residency that never starts (the startup did not come): cut short, with a reason."""
    policy.require_coordinator(coordinator, residency.host_park)
    if residency.status != ResidencyStatus.UPCOMING:
        raise _status_conflict(residency)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please give the reason."), field="reason")
    residency.status = ResidencyStatus.CUT_SHORT
    tell(
        session,
        _everyone(session, residency),
        _l("Residency %(number)s will not take place", number=residency.number),
        "residency_cut_short.txt",
        residency=residency,
        reason=reason,
        link=residency_link(residency),
    )
    record(
        session,
        "residency.cut_short",
        actor=coordinator,
        subject=residency,
        details={"reason": reason},
    )
    return residency


@state_change
def submit_final_report(
    session: Session, founder: User, residency: Residency, text: str, now: datetime | None = None
) -> Residency:
    """The startup's short report on its residency, once, after its check-out.
    `now` is when, when that was before it is recorded (association.history)."""
    policy.require_founder(founder, residency.startup)
    if residency.status not in ENDED or residency.checked_out_at is None:
        raise Conflict(_("The final report is written after the check-out."))
    if residency.reported_at is not None:
        raise Conflict(_("The final report has already been submitted."))
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Please write the report."), field="text")
    residency.final_report = text
    residency.reported_at = now or utcnow()
    record(
        session,
        "residency.final_report_submitted",
        actor=founder,
        subject=residency,
        details=stating_time({}, now),
    )
    return residency
