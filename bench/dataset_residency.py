"""The data set's residency programme, in bulk: five years of calls (spring and autumn), 4,000
startups, 20,000 applications with one to three host choices each and their hosts' decisions,
and 5,000 residencies, so that the figures page counts over a programme of realistic size."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bench.bulk_insert import bulk_insert
from bench.dataset_sizes import (
    RESIDENCIES,
    RESIDENCY_APPLICATIONS,
    RESIDENCY_HOSTS_PER_CALL,
    RESIDENCY_STARTUPS,
    RESIDENCY_YEARS,
)

CALLS = RESIDENCY_YEARS * 2


def bulk_residency(session, parks: list, now, chance) -> int:
    """Calls, offers, startups, applications, host choices and residencies; returns the newest
    year with residencies (the year the figures page shows first)."""
    from association.residency.models import (
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

    first_year = now.year - RESIDENCY_YEARS + 1
    calls = []
    for n in range(CALLS):
        year, autumn = first_year + n // 2, n % 2
        start = date(year, 9 if autumn else 3, 1)
        calls.append(
            {
                "title": f"Digital Nomad {year}, {'autumn' if autumn else 'spring'}",
                "status": CallStatus.CLOSED,
                "applications_open": start - timedelta(days=120),
                "applications_close": start - timedelta(days=60),
                "earliest_start": start,
                "latest_start": start + timedelta(days=60),
                "created_at": _at(start - timedelta(days=150)),
            }
        )
    call_ids = bulk_insert(session, ResidencyCall, calls)

    offers, offer_parks = [], []  # per call: the offers' ids and their parks' indexes
    for call_id in call_ids:
        hosts = chance.sample(range(len(parks)), RESIDENCY_HOSTS_PER_CALL)
        rows = [
            {
                "call_id": call_id,
                "park_id": parks[h].id,
                "places": 40,
                "visa_support_letter": True,
                "contact_name": "Residency desk",
                "contact_email": f"residency{h}@bench.example",
            }
            for h in hosts
        ]
        offers.append(bulk_insert(session, HostOffer, rows))
        offer_parks.append(hosts)

    homes = [chance.randrange(len(parks)) for _ in range(RESIDENCY_STARTUPS)]
    startup_ids = bulk_insert(
        session,
        Startup,
        [
            {
                "name": f"Startup {n + 1:04d}",
                "home_park_id": parks[home].id,
                "registration_number": f"R-{n + 1:05d}",
                "status": StartupStatus.CONFIRMED,
                "created_at": _at(date(first_year - 1, 6, 1)),
            }
            for n, home in enumerate(homes)
        ],
    )

    per_call = RESIDENCY_APPLICATIONS // CALLS
    placed_per_call = RESIDENCIES // CALLS
    applications, choice_plans = [], []
    for n in range(CALLS):
        year, autumn = first_year + n // 2, n % 2
        start = date(year, 9 if autumn else 3, 1)
        for rank, startup in enumerate(chance.sample(range(RESIDENCY_STARTUPS), per_call)):
            placed = rank < placed_per_call
            submitted = _at(start - timedelta(days=chance.randint(60, 120)))
            applications.append(
                {
                    "call_id": call_ids[n],
                    "startup_id": startup_ids[startup],
                    "status": ApplicationStatus.PLACED if placed else ApplicationStatus.UNPLACED,
                    "product": "A product",
                    "starts_on": start,
                    "ends_on": start + timedelta(days=90),
                    "created_at": submitted - timedelta(days=5),
                    "submitted_at": submitted,
                    "endorsed_at": submitted + timedelta(days=2),
                    "updated_at": submitted,
                }
            )
            hosts = [
                h for h in range(RESIDENCY_HOSTS_PER_CALL) if offer_parks[n][h] != homes[startup]
            ]
            picked = chance.sample(hosts, chance.randint(1, 3))
            choice_plans.append((n, placed, submitted, picked, start))
    application_ids = bulk_insert(session, ResidencyApplication, applications)

    choices, taken = [], []
    for number, (application_id, (n, placed, submitted, picked, start)) in enumerate(
        zip(application_ids, choice_plans, strict=True)
    ):
        for preference, host in enumerate(picked, start=1):
            if placed and preference == 1:
                status = ChoiceStatus.TAKEN
            elif placed:
                status = ChoiceStatus.WITHDRAWN
            else:
                status = chance.choice(
                    (ChoiceStatus.REJECTED, ChoiceStatus.WAITLISTED, ChoiceStatus.DECLINED)
                )
            decided = status != ChoiceStatus.WITHDRAWN
            choices.append(
                {
                    "application_id": application_id,
                    "offer_id": offers[n][host],
                    "preference": preference,
                    "status": status,
                    "decided_at": submitted + timedelta(days=chance.randint(1, 45))
                    if decided
                    else None,
                }
            )
            if status == ChoiceStatus.TAKEN:
                taken.append((len(choices) - 1, number, n, host, start))
    choice_ids = bulk_insert(session, HostChoice, choices)

    home_of = {startup_ids[n]: parks[home].id for n, home in enumerate(homes)}
    numbers: dict[int, int] = {}
    residencies = []
    for index, number, n, host, start in taken:
        application = applications[number]
        numbers[start.year] = numbers.get(start.year, 0) + 1
        ends_on = start + timedelta(days=90)
        residencies.append(
            {
                "choice_id": choice_ids[index],
                "startup_id": application["startup_id"],
                "home_park_id": home_of[application["startup_id"]],
                "host_park_id": parks[offer_parks[n][host]].id,
                "status": ResidencyStatus.COMPLETED
                if ends_on < now.date()
                else ResidencyStatus.UPCOMING,
                "starts_on": start,
                "ends_on": ends_on,
                "number": f"AMT-DN-{start.year}-{numbers[start.year]:04d}",
                "created_at": _at(start - timedelta(days=30)),
            }
        )
    bulk_insert(session, Residency, residencies)
    session.commit()
    return first_year + RESIDENCY_YEARS - 1


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def count_figures_queries(session, year: int) -> int:
    """The SQL statements the figures page's figures cost over the whole data set."""
    from sqlalchemy import event

    from association.residency.figures_queries import residency_figures

    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        figures = residency_figures(session, year)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert figures.residencies, "the figures page's year has no residencies"
    return len(statements)
