"""What the residency pages read, one function per page, each in a few queries: the public
programme page, the startup's page, the programme coordinator's page, the secretariat's calls
and one application."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from association.parks.models import Park, ParkStatus, Role, User
from association.residency.models import (
    HOLDS_A_PLACE,
    ApplicationStatus,
    CallStatus,
    ChoiceStatus,
    HostChoice,
    HostOffer,
    Residency,
    ResidencyApplication,
    ResidencyCall,
    ResidencyStatus,
    Startup,
    StartupStatus,
)
from association.residency.policy import is_coordinator_of

# A park a startup may name as its home, or a host may be: a park that takes part.
TAKING_PART = (ParkStatus.MEMBER, ParkStatus.OBSERVER)
IN_RESIDENCY = (ResidencyStatus.ACTIVE, ResidencyStatus.EXTENDED)


def places_taken(session: Session, offers: Sequence[HostOffer]) -> dict[int, int]:
    """Offer id -> places held (offered or taken), in one query."""
    if not offers:
        return {}
    rows = session.execute(
        select(HostChoice.offer_id, func.count())
        .where(
            HostChoice.offer_id.in_([o.id for o in offers]),
            HostChoice.status.in_(HOLDS_A_PLACE),
        )
        .group_by(HostChoice.offer_id)
    ).all()
    return {offer_id: count for offer_id, count in rows}


def home_park_choices(session: Session) -> list[tuple[int, str]]:
    """The parks a startup may name as its home park: those that take part."""
    parks = session.scalars(
        select(Park).where(Park.status.in_(TAKING_PART)).order_by(Park.name_latin)
    ).all()
    return [(p.id, p.name_latin) for p in parks]


# --- the public programme page ------------------------------------------------------------


@dataclass(frozen=True)
class OfferShown:
    offer: HostOffer
    places_left: int


@dataclass(frozen=True)
class ProgrammePage:
    call: ResidencyCall | None  # the open call, if any
    offers: list[OfferShown]
    last_call: ResidencyCall | None  # when none is open: the one that ran last
    in_residency: list[Residency]  # now, of startups that opted in


def programme_page(session: Session) -> ProgrammePage:
    call = session.scalar(
        select(ResidencyCall)
        .where(ResidencyCall.status == CallStatus.OPEN)
        .order_by(ResidencyCall.applications_close.desc())
        .limit(1)
    )
    offers: list[OfferShown] = []
    last_call = None
    if call is not None:
        loaded = session.scalars(
            select(HostOffer)
            .where(HostOffer.call_id == call.id)
            .options(selectinload(HostOffer.park), selectinload(HostOffer.translations))
            .order_by(HostOffer.id)
        ).all()
        taken = places_taken(session, loaded)
        offers = [OfferShown(o, max(o.places - taken.get(o.id, 0), 0)) for o in loaded]
    else:
        last_call = session.scalar(
            select(ResidencyCall)
            .where(ResidencyCall.status == CallStatus.CLOSED)
            .order_by(ResidencyCall.applications_close.desc())
            .limit(1)
        )
    in_residency = session.scalars(
        select(Residency)
        .join(Startup, Residency.startup_id == Startup.id)
        .where(Residency.status.in_(IN_RESIDENCY), Startup.listed_publicly.is_(True))
        .options(
            selectinload(Residency.startup),
            selectinload(Residency.home_park),
            selectinload(Residency.host_park),
        )
        .order_by(Startup.name)
    ).all()
    return ProgrammePage(call, offers, last_call, list(in_residency))


# --- the startup's page -------------------------------------------------------------------


@dataclass(frozen=True)
class StartupPage:
    startup: Startup
    open_calls: list[ResidencyCall]  # open calls it has not applied to yet
    applications: list[ResidencyApplication]
    residencies: list[Residency]


def _application_options():
    return (
        selectinload(ResidencyApplication.call),
        selectinload(ResidencyApplication.choices)
        .selectinload(HostChoice.offer)
        .selectinload(HostOffer.park),
        selectinload(ResidencyApplication.choices).selectinload(HostChoice.questions),
        selectinload(ResidencyApplication.founders),
        selectinload(ResidencyApplication.documents),
    )


def startup_page(session: Session, startup: Startup) -> StartupPage:
    applications = session.scalars(
        select(ResidencyApplication)
        .where(ResidencyApplication.startup_id == startup.id)
        .options(*_application_options())
        .order_by(ResidencyApplication.created_at.desc())
    ).all()
    applied = {a.call_id for a in applications}
    open_calls = session.scalars(
        select(ResidencyCall)
        .where(ResidencyCall.status == CallStatus.OPEN)
        .order_by(ResidencyCall.applications_close)
    ).all()
    residencies = session.scalars(
        select(Residency)
        .where(Residency.startup_id == startup.id)
        .options(selectinload(Residency.host_park))
        .order_by(Residency.starts_on.desc())
    ).all()
    return StartupPage(
        startup,
        [c for c in open_calls if c.id not in applied],
        list(applications),
        list(residencies),
    )


def offers_of_call(session: Session, call: ResidencyCall, home_park_id: int) -> list[HostOffer]:
    """The offers a startup of this home park may choose from (not its own park's)."""
    return list(
        session.scalars(
            select(HostOffer)
            .join(Park, HostOffer.park_id == Park.id)
            .where(HostOffer.call_id == call.id, HostOffer.park_id != home_park_id)
            .options(selectinload(HostOffer.park))
            .order_by(Park.name_latin)
        ).all()
    )


# --- the programme coordinator's page -----------------------------------------------------


@dataclass(frozen=True)
class CoordinatorPage:
    park: Park
    startups_to_confirm: list[Startup]
    to_endorse: list[ResidencyApplication]  # the park's startups' submitted applications
    incoming: list[HostChoice]  # endorsed applications that list the park, to decide
    waitlisted: list[HostChoice]
    offered: list[HostChoice]  # offers standing, waiting for the startup's answer
    offers: list[OfferShown]  # the park's offers in open or draft calls
    residencies: list[Residency]  # at the park, not yet over
    confirmed_startups: list[Startup] = field(default_factory=list)


def coordinator_page(session: Session, park: Park) -> CoordinatorPage:
    startups = session.scalars(
        select(Startup)
        .where(Startup.home_park_id == park.id)
        .options(selectinload(Startup.founders))
        .order_by(Startup.created_at)
    ).all()
    to_endorse = session.scalars(
        select(ResidencyApplication)
        .join(Startup, ResidencyApplication.startup_id == Startup.id)
        .where(
            Startup.home_park_id == park.id,
            ResidencyApplication.status == ApplicationStatus.AWAITING_ENDORSEMENT,
        )
        .options(*_application_options(), selectinload(ResidencyApplication.startup))
        .order_by(ResidencyApplication.submitted_at)
    ).all()
    choices = session.scalars(
        select(HostChoice)
        .join(HostOffer, HostChoice.offer_id == HostOffer.id)
        .where(
            HostOffer.park_id == park.id,
            HostChoice.status.in_(
                [ChoiceStatus.UNDER_REVIEW, ChoiceStatus.WAITLISTED, ChoiceStatus.OFFERED]
            ),
        )
        .options(
            selectinload(HostChoice.offer).selectinload(HostOffer.call),
            selectinload(HostChoice.questions),
            selectinload(HostChoice.application).selectinload(ResidencyApplication.founders),
            selectinload(HostChoice.application).selectinload(ResidencyApplication.documents),
            selectinload(HostChoice.application)
            .selectinload(ResidencyApplication.startup)
            .selectinload(Startup.home_park),
        )
        .order_by(HostChoice.decided_at, HostChoice.id)
    ).all()
    offers = session.scalars(
        select(HostOffer)
        .join(ResidencyCall, HostOffer.call_id == ResidencyCall.id)
        .where(
            HostOffer.park_id == park.id,
            ResidencyCall.status.in_([CallStatus.DRAFT, CallStatus.OPEN]),
        )
        .options(selectinload(HostOffer.call), selectinload(HostOffer.translations))
        .order_by(ResidencyCall.applications_close)
    ).all()
    taken = places_taken(session, offers)
    residencies = session.scalars(
        select(Residency)
        .where(
            Residency.host_park_id == park.id,
            Residency.status.in_(
                [ResidencyStatus.UPCOMING, ResidencyStatus.ACTIVE, ResidencyStatus.EXTENDED]
            ),
        )
        .options(selectinload(Residency.startup), selectinload(Residency.home_park))
        .order_by(Residency.starts_on)
    ).all()
    return CoordinatorPage(
        park=park,
        startups_to_confirm=[s for s in startups if s.status == StartupStatus.PENDING],
        to_endorse=list(to_endorse),
        incoming=[c for c in choices if c.status == ChoiceStatus.UNDER_REVIEW],
        waitlisted=[c for c in choices if c.status == ChoiceStatus.WAITLISTED],
        offered=[c for c in choices if c.status == ChoiceStatus.OFFERED],
        offers=[OfferShown(o, max(o.places - taken.get(o.id, 0), 0)) for o in offers],
        residencies=list(residencies),
        confirmed_startups=[s for s in startups if s.status == StartupStatus.CONFIRMED],
    )


# --- the secretariat's pages --------------------------------------------------------------


@dataclass(frozen=True)
class CallRow:
    call: ResidencyCall
    offers: int
    applications: int


def call_list(session: Session) -> list[CallRow]:
    calls = session.scalars(
        select(ResidencyCall).order_by(ResidencyCall.applications_open.desc())
    ).all()
    offers = dict(
        session.execute(select(HostOffer.call_id, func.count()).group_by(HostOffer.call_id)).all()
    )
    applications = dict(
        session.execute(
            select(ResidencyApplication.call_id, func.count())
            .where(ResidencyApplication.status != ApplicationStatus.DRAFT)
            .group_by(ResidencyApplication.call_id)
        ).all()
    )
    return [CallRow(c, offers.get(c.id, 0), applications.get(c.id, 0)) for c in calls]


@dataclass(frozen=True)
class CallPage:
    call: ResidencyCall
    offers: list[OfferShown]
    applications: list[ResidencyApplication]  # submitted ones (drafts are the startup's own)


def call_page(session: Session, call: ResidencyCall) -> CallPage:
    offers = session.scalars(
        select(HostOffer)
        .where(HostOffer.call_id == call.id)
        .options(selectinload(HostOffer.park), selectinload(HostOffer.translations))
        .order_by(HostOffer.id)
    ).all()
    taken = places_taken(session, offers)
    applications = session.scalars(
        select(ResidencyApplication)
        .where(
            ResidencyApplication.call_id == call.id,
            ResidencyApplication.status != ApplicationStatus.DRAFT,
        )
        .options(
            selectinload(ResidencyApplication.startup).selectinload(Startup.home_park),
            selectinload(ResidencyApplication.choices)
            .selectinload(HostChoice.offer)
            .selectinload(HostOffer.park),
        )
        .order_by(ResidencyApplication.submitted_at)
    ).all()
    return CallPage(
        call,
        [OfferShown(o, max(o.places - taken.get(o.id, 0), 0)) for o in offers],
        list(applications),
    )


def application_page(session: Session, application_id: int) -> ResidencyApplication | None:
    """One application with everything its page shows (choices, questions, founders,
    documents), or None."""
    return session.scalar(
        select(ResidencyApplication)
        .where(ResidencyApplication.id == application_id)
        .options(
            *_application_options(),
            selectinload(ResidencyApplication.startup).selectinload(Startup.home_park),
        )
    )


def startups_of(session: Session, park: Park) -> list[Startup]:
    return list(
        session.scalars(
            select(Startup).where(Startup.home_park_id == park.id).order_by(Startup.name)
        ).all()
    )


def coordinators_of(session: Session, park_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User).where(
                User.park_id == park_id,
                User.is_programme_coordinator.is_(True),
                User.active.is_(True),
            )
        ).all()
    )


# --- what the API reads (association.api.resources.residency) -----------------------------


def calls_statement(*, staff: bool, status: CallStatus | None = None) -> Select:
    """The calls a reader lists: open and closed ones for everyone, drafts for the secretariat
    only (as its own pages show them)."""
    statement = select(ResidencyCall)
    if not staff:
        statement = statement.where(ResidencyCall.status != CallStatus.DRAFT)
    if status is not None:
        statement = statement.where(ResidencyCall.status == status)
    return statement


def call_with_offers(session: Session, call_id: int) -> CallPage | None:
    """One call with its host offers (their parks, translations and places left), or None."""
    call = session.get(ResidencyCall, call_id)
    if call is None:
        return None
    offers = session.scalars(
        select(HostOffer)
        .where(HostOffer.call_id == call.id)
        .options(selectinload(HostOffer.park), selectinload(HostOffer.translations))
        .order_by(HostOffer.id)
    ).all()
    taken = places_taken(session, offers)
    shown = [OfferShown(o, max(o.places - taken.get(o.id, 0), 0)) for o in offers]
    return CallPage(call, shown, [])


def _coordinated_park_id(reader: User | None) -> int | None:
    """The park whose programme the reader coordinates, if any (policy.is_coordinator_of)."""
    if reader is None or reader.park is None or not is_coordinator_of(reader, reader.park):
        return None
    return reader.park_id


def _home_of(park_id: int) -> ColumnElement[bool]:
    return and_(
        ResidencyApplication.startup_id.in_(
            select(Startup.id).where(Startup.home_park_id == park_id)
        ),
        ResidencyApplication.status != ApplicationStatus.DRAFT,
    )


def _host_of(park_id: int) -> ColumnElement[bool]:
    return and_(
        ResidencyApplication.endorsed_at.is_not(None),
        ResidencyApplication.id.in_(
            select(HostChoice.application_id)
            .join(HostOffer, HostChoice.offer_id == HostOffer.id)
            .where(HostOffer.park_id == park_id)
        ),
    )


def readable_applications_statement(
    reader: User | None,
    *,
    call_id: int | None = None,
    status: ApplicationStatus | None = None,
    role: str | None = None,
) -> Select:
    """The applications `reader` may read, as policy.can_see_application decides one by one:
    a founder its startup's own; the secretariat every submitted one; a programme coordinator
    its park's startups' submitted ones (`role` home) and, once endorsed, those that list its
    park as a host (`role` host). `role` narrows a coordinator's to one side; a reader that
    coordinates no park has no side, so it reads none by role."""
    statement = select(ResidencyApplication).options(
        selectinload(ResidencyApplication.call),
        selectinload(ResidencyApplication.startup).selectinload(Startup.home_park),
    )
    park_id = _coordinated_park_id(reader)
    if role is not None:
        if park_id is None:
            return statement.where(false())
        seen = _home_of(park_id) if role == "home" else _host_of(park_id)
    elif reader is not None and reader.active and reader.role == Role.STARTUP:
        seen = ResidencyApplication.startup_id == reader.startup_id
    elif reader is not None and reader.is_staff:
        seen = ResidencyApplication.status != ApplicationStatus.DRAFT
    elif park_id is not None:
        seen = or_(_home_of(park_id), _host_of(park_id))
    else:
        return statement.where(false())
    statement = statement.where(seen)
    if call_id is not None:
        statement = statement.where(ResidencyApplication.call_id == call_id)
    if status is not None:
        statement = statement.where(ResidencyApplication.status == status)
    return statement


def residencies_statement(reader: User | None) -> Select:
    """The residencies a reader lists: those of its startup, of the park it coordinates (home
    or host) and, for the secretariat, all; and for everyone those now in residency whose
    startup opted in to be named publicly (policy.can_see_residency says which fields)."""
    public = and_(
        Residency.status.in_(IN_RESIDENCY),
        Residency.startup_id.in_(select(Startup.id).where(Startup.listed_publicly.is_(True))),
    )
    seen: ColumnElement[bool] = public
    if reader is not None:
        park_id = _coordinated_park_id(reader)
        if reader.is_staff:
            seen = true()
        elif reader.active and reader.role == Role.STARTUP and reader.startup_id is not None:
            seen = or_(public, Residency.startup_id == reader.startup_id)
        elif park_id is not None:
            seen = or_(public, Residency.home_park_id == park_id, Residency.host_park_id == park_id)
    return (
        select(Residency)
        .where(seen)
        .options(
            selectinload(Residency.startup),
            selectinload(Residency.home_park),
            selectinload(Residency.host_park),
        )
    )
