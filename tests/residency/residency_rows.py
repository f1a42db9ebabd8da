"""Residency programme rows inserted through the models, for the documents' and the figures'
tests: a state the domain functions would reach (a taken offer and its residency), built
directly so that these tests do not depend on every rule on the way."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from association.parks.models import Park, Role, User
from association.residency.models import (
    ApplicationStatus,
    CallStatus,
    ChoiceStatus,
    Founder,
    HostChoice,
    HostOffer,
    Residency,
    ResidencyApplication,
    ResidencyCall,
    ResidencyStatus,
    Startup,
    StartupStatus,
)
from tests.factories import make_user

_serial = itertools.count(1)


def add_call(session: Session, title: str = "Digital Nomad 2027, spring", year: int = 2027):
    call = ResidencyCall(
        title=title,
        status=CallStatus.OPEN,
        applications_open=date(year - 1, 11, 1),
        applications_close=date(year - 1, 12, 31),
        earliest_start=date(year, 3, 1),
        latest_start=date(year, 6, 1),
    )
    session.add(call)
    session.flush()
    return call


def add_offer(session: Session, call: ResidencyCall, park: Park, places: int = 5) -> HostOffer:
    offer = HostOffer(
        call=call,
        park=park,
        places=places,
        visa_support_letter=True,
        contact_name="Dilnoza Karimova",
        contact_email="residency@itpark.example",
        contact_phone="+998 71 200 00 00",
    )
    session.add(offer)
    session.flush()
    return offer


def add_startup(session: Session, home: Park, name: str | None = None) -> Startup:
    startup = Startup(
        name=name or f"Startup {next(_serial)}",
        home_park_id=home.id,
        registration_number=f"R-{next(_serial)}",
        status=StartupStatus.CONFIRMED,
    )
    session.add(startup)
    session.flush()
    return startup


def add_founder_user(session: Session, startup: Startup, email: str | None = None) -> User:
    user = make_user(
        session,
        role=Role.STARTUP,
        email=email or f"founder{next(_serial)}@startup.example",
        full_name="Founder of the startup",
    )
    user.startup_id = startup.id
    session.commit()
    return user


def add_application(
    session: Session,
    call: ResidencyCall,
    startup: Startup,
    offers: list[tuple[HostOffer, ChoiceStatus]],
    *,
    status: ApplicationStatus = ApplicationStatus.ENDORSED,
    submitted_at: datetime | None = None,
    decided_after: timedelta | None = None,
    founders: list[dict] | None = None,
) -> ResidencyApplication:
    submitted_at = submitted_at or datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    application = ResidencyApplication(
        call=call,
        startup=startup,
        status=status,
        product="A product",
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 5, 31),
        submitted_at=submitted_at,
        endorsed_at=submitted_at + timedelta(days=1)
        if status
        in (ApplicationStatus.ENDORSED, ApplicationStatus.PLACED, ApplicationStatus.UNPLACED)
        else None,
    )
    session.add(application)
    session.flush()
    for preference, (offer, choice_status) in enumerate(offers, start=1):
        decided = choice_status not in (ChoiceStatus.PENDING, ChoiceStatus.UNDER_REVIEW)
        session.add(
            HostChoice(
                application=application,
                offer=offer,
                preference=preference,
                status=choice_status,
                decided_at=submitted_at + (decided_after or timedelta(days=10))
                if decided
                else None,
            )
        )
    for founder in founders or []:
        session.add(Founder(application=application, **founder))
    session.flush()
    return application


def add_residency(
    session: Session,
    application: ResidencyApplication,
    *,
    starts_on: date = date(2027, 3, 1),
    ends_on: date = date(2027, 5, 31),
    status: ResidencyStatus = ResidencyStatus.UPCOMING,
) -> Residency:
    choice = next(c for c in application.choices if c.status == ChoiceStatus.TAKEN)
    count = session.query(Residency).count()
    residency = Residency(
        choice=choice,
        startup_id=application.startup_id,
        home_park_id=application.startup.home_park_id,
        host_park_id=choice.offer.park_id,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        number=f"AMT-DN-{starts_on.year}-{count + 1:04d}",
    )
    session.add(residency)
    session.flush()
    return residency


def add_coordinator(session: Session, park: Park) -> User:
    user = make_user(session, park=park)
    user.is_programme_coordinator = True
    session.commit()
    return user
