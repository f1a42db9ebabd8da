"""Who may see and do what in the residency programme. Staff (secretariat, administrators)
may do what any coordinator may; a startup's founders act only for their own startup."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.domain import NotAllowed
from association.parks.models import Park, ParkStatus, Role, User
from association.residency.models import (
    ApplicationStatus,
    ChoiceStatus,
    Residency,
    ResidencyApplication,
    Startup,
)

# A park in good standing takes part in the programme (as home or host); a suspended or
# withdrawn park does not.
TAKING_PART = (ParkStatus.MEMBER, ParkStatus.OBSERVER)
# The choices whose host still reads the founders' data: it is deciding, or it has them coming.
_HOST_SEES_FOUNDERS = (
    ChoiceStatus.UNDER_REVIEW,
    ChoiceStatus.WAITLISTED,
    ChoiceStatus.OFFERED,
    ChoiceStatus.TAKEN,
)


def is_staff(user: User | None) -> bool:
    return user is not None and user.is_staff


def is_coordinator_of(user: User | None, park: Park) -> bool:
    """An active representative of `park` with the programme coordinator's duty."""
    return bool(
        user is not None
        and user.active
        and user.role == Role.MEMBER
        and user.park_id == park.id
        and user.is_programme_coordinator
        and park.status != ParkStatus.WITHDRAWN
    )


def is_founder_of(user: User | None, startup: Startup) -> bool:
    return bool(
        user is not None
        and user.active
        and user.role == Role.STARTUP
        and user.startup_id == startup.id
    )


def coordinators(session: Session, park: Park) -> list[User]:
    """The park's active programme coordinators: who is told of the programme's news."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.park_id == park.id,
                User.role == Role.MEMBER,
                User.is_programme_coordinator.is_(True),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def founders(startup: Startup) -> list[User]:
    """The startup's active founder accounts."""
    return [user for user in startup.founders if user.active]


def _hosts_seeing(user: User | None, application: ResidencyApplication, statuses) -> bool:
    if application.endorsed_at is None:
        return False
    return any(
        choice.status in statuses and is_coordinator_of(user, choice.offer.park)
        for choice in application.choices
    )


def can_see_application(user: User | None, application: ResidencyApplication) -> bool:
    """Its founders always; once submitted, the secretariat and the home park's coordinators;
    once endorsed, the coordinators of the parks it applied to. Nobody else (not the home
    park's other users)."""
    if user is None:
        return False
    if is_founder_of(user, application.startup):
        return True
    if application.status == ApplicationStatus.DRAFT:
        return False
    if user.is_staff or is_coordinator_of(user, application.startup.home_park):
        return True
    return _hosts_seeing(user, application, tuple(ChoiceStatus))


def can_see_founders(user: User | None, application: ResidencyApplication) -> bool:
    """The founders' personal data (names, nationalities, dates of birth): as the application,
    except that a host that rejected it, or that it was withdrawn from, no longer does."""
    if user is None:
        return False
    if is_founder_of(user, application.startup):
        return True
    if application.status == ApplicationStatus.DRAFT:
        return False
    if user.is_staff or is_coordinator_of(user, application.startup.home_park):
        return True
    return _hosts_seeing(user, application, _HOST_SEES_FOUNDERS)


def require_staff(actor: User | None) -> None:
    """The secretariat (or the command line, actor None)."""
    if actor is not None and not actor.is_staff:
        raise NotAllowed(_("Only the secretariat can do this."))


def require_coordinator(actor: User | None, park: Park) -> None:
    """A programme coordinator of `park`, the secretariat, or the command line (None)."""
    if actor is not None and not actor.is_staff and not is_coordinator_of(actor, park):
        raise NotAllowed(
            _("Only a programme coordinator of %(park)s can do this.", park=park.name_latin)
        )


def require_founder(actor: User | None, startup: Startup) -> None:
    if not is_founder_of(actor, startup):
        raise NotAllowed(_("Only the founders of %(startup)s can do this.", startup=startup.name))


def can_see_residency(user: User | None, residency: Residency) -> bool:
    """A residency in full (its number, dates and stay) and its certificate: its startup's
    founders, the coordinators of its home and host parks, and the secretariat. Anyone else
    reads at most what the public programme page names of a startup that opted in."""
    if user is None or not user.is_authenticated:
        return False
    return (
        user.is_staff
        or is_founder_of(user, residency.startup)
        or is_coordinator_of(user, residency.home_park)
        or is_coordinator_of(user, residency.host_park)
    )


def can_download_letter(user: User | None, residency: Residency) -> bool:
    """The letter of invitation prints the founders' personal data: for those who may see the
    residency's documents and its founders, while that data is kept (not after retention)."""
    application = residency.choice.application
    return (
        can_see_residency(user, residency)
        and can_see_founders(user, application)
        and application.founders_removed is None
    )


def can_see_figures(user: User | None) -> bool:
    """The programme's figures: the users of the association's parks (not of a withdrawn one),
    and the secretariat; not startups."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        user.role == Role.MEMBER
        and user.park is not None
        and user.park.status != ParkStatus.WITHDRAWN
    )
