"""Startups: a founder registers the company with its home park, whose programme coordinator
confirms (or declines) that it is a resident. Until confirmed, the founder's account signs in
and reads its status, and can do nothing else in the programme."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.auth.passwords import check_new_password, hash_password
from association.auth.service import find_user_by_email
from association.database import utcnow
from association.domain import Conflict, Invalid, state_change
from association.parks.models import Park, Role, User, normalise_email
from association.parks.service import check_language, check_website
from association.residency import policy
from association.residency.models import Startup, StartupStatus
from association.residency.notifications import startup_link, tell
from association.site import setting


def _required(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(message, field=field)
    return value


@state_change
def register_startup(
    session: Session,
    *,
    name: str,
    home_park: Park,
    registration_number: str,
    website: str,
    sector: str,
    description: str,
    founder_name: str,
    founder_email: str,
    password: str,
    language: str,
) -> tuple[Startup, User]:
    """A startup pending its home park's confirmation, and its founder's account (role
    startup), which signs in at once. The home park's programme coordinators are e-mailed.

    Refused: a home park that is not a member or observer, a registration number the home
    park already has a startup under, an e-mail address already in use, a weak password."""
    name = _required(name, _("Please give the startup's name."), "name")
    registration_number = _required(
        registration_number,
        _("Please give the startup's resident registration number at its home park."),
        "registration_number",
    )
    founder_name = _required(founder_name, _("Please give your full name."), "founder_name")
    email = normalise_email(founder_email or "")
    if "@" not in email:
        raise Invalid(_("Please give a valid e-mail address."), field="founder_email")
    if home_park.status not in policy.TAKING_PART:
        raise Invalid(
            _(
                "%(park)s does not take part in the programme now: only a member or observer "
                "park can be a startup's home park.",
                park=home_park.name_latin,
            ),
            field="home_park",
        )
    taken = session.scalar(
        select(Startup.id).where(
            Startup.home_park_id == home_park.id,
            Startup.registration_number == registration_number,
        )
    )
    if taken is not None:
        raise Conflict(
            _(
                "A startup with the registration number %(number)s at %(park)s is already "
                "registered.",
                number=registration_number,
                park=home_park.name_latin,
            ),
            field="registration_number",
        )
    if find_user_by_email(session, email) is not None:
        raise Conflict(
            _("An account with the e-mail %(email)s already exists.", email=email),
            field="founder_email",
        )
    check_new_password(password)
    startup = Startup(
        name=name,
        home_park=home_park,
        registration_number=registration_number,
        website=check_website(website),
        sector=(sector or "").strip(),
        description=(description or "").strip(),
        status=StartupStatus.PENDING,
    )
    session.add(startup)
    session.flush()
    founder = User(
        email=email,
        full_name=founder_name,
        role=Role.STARTUP,
        startup_id=startup.id,
        password_hash=hash_password(password),
        chosen_language=check_language(language),
        timezone=setting("DEFAULT_TIMEZONE"),
    )
    session.add(founder)
    session.flush()
    tell(
        session,
        policy.coordinators(session, home_park),
        _l("A startup asks to be confirmed: %(startup)s", startup=startup.name),
        "residency_registered.txt",
        startup=startup,
        founder=founder,
        park=home_park,
        link=startup_link(startup),
    )
    record(
        session,
        "residency.startup_registered",
        actor=founder,
        subject=startup,
        details={
            "name": startup.name,
            "home_park": home_park.slug,
            "registration_number": registration_number,
            "founder": email,
        },
    )
    return startup, founder


def _require_pending(startup: Startup) -> None:
    if startup.status != StartupStatus.PENDING:
        raise Conflict(
            _(
                "%(startup)s has already been decided on: it is %(status)s.",
                startup=startup.name,
                status=_(str(startup.status)),
            )
        )


@state_change
def confirm_startup(session: Session, coordinator: User | None, startup: Startup) -> Startup:
    """The home park confirms the startup is its resident: its founders may now apply."""
    policy.require_coordinator(coordinator, startup.home_park)
    _require_pending(startup)
    startup.status = StartupStatus.CONFIRMED
    startup.decided_at = utcnow()
    startup.decided_by_id = coordinator.id if coordinator is not None else None
    tell(
        session,
        policy.founders(startup),
        _l(
            "%(park)s confirmed %(startup)s",
            park=startup.home_park.name_latin,
            startup=startup.name,
        ),
        "residency_startup_confirmed.txt",
        startup=startup,
        link=startup_link(startup),
    )
    record(session, "residency.startup_confirmed", actor=coordinator, subject=startup)
    return startup


@state_change
def decline_startup(
    session: Session, coordinator: User | None, startup: Startup, reason: str
) -> Startup:
    """The home park says the company is not its resident (a reason is required)."""
    policy.require_coordinator(coordinator, startup.home_park)
    reason = _required(reason, _("Please give the reason."), "reason")
    _require_pending(startup)
    startup.status = StartupStatus.DECLINED
    startup.decline_reason = reason
    startup.decided_at = utcnow()
    startup.decided_by_id = coordinator.id if coordinator is not None else None
    tell(
        session,
        policy.founders(startup),
        _l(
            "%(park)s did not confirm %(startup)s",
            park=startup.home_park.name_latin,
            startup=startup.name,
        ),
        "residency_startup_declined.txt",
        startup=startup,
        reason=reason,
    )
    record(
        session,
        "residency.startup_declined",
        actor=coordinator,
        subject=startup,
        details={"reason": reason},
    )
    return startup


def require_confirmed(startup: Startup) -> None:
    """A startup acts in the programme only once its home park has confirmed it."""
    if startup.status != StartupStatus.CONFIRMED:
        raise Conflict(
            _(
                "%(startup)s is not confirmed by its home park yet: until it is, it can only "
                "read its status.",
                startup=startup.name,
            )
            if startup.status == StartupStatus.PENDING
            else _(
                "%(park)s declined to confirm %(startup)s.",
                park=startup.home_park.name_latin,
                startup=startup.name,
            )
        )


@state_change
def set_listed_publicly(session: Session, founder: User, startup: Startup, listed: bool) -> Startup:
    """Whether the public programme page may name the startup while it is in residency."""
    policy.require_founder(founder, startup)
    require_confirmed(startup)
    if startup.listed_publicly != listed:
        startup.listed_publicly = listed
        record(
            session,
            "residency.startup_listing_changed",
            actor=founder,
            subject=startup,
            details={"listed_publicly": listed},
        )
    return startup
