"""What the programme's figures page and its CSV read: startups moving between countries in a
year, each park's inbound and outbound residencies, its hosts' acceptance rates and the median
time from an application's submission to a host's decision.

Everything is counted in the database with GROUP BY (and the medians with window functions), so
the page costs the same handful of queries however many applications the programme has had:
seven, whatever the data. Over years of data those seven take a tenth of a second, so the page
keeps the figures it counted beside figures_version(), one cheap statement that changes whenever
they could: with every audited change (every state change of the programme is one) and with every
new residency, application or host choice.

A residency counts in the year it starts; an application, and each host's decision on it, in the
year it was submitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, and_, case, cast, extract, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from association.audit.models import AuditChainHead
from association.parks.models import Park
from association.residency.models import (
    ChoiceStatus,
    HostChoice,
    HostOffer,
    Residency,
    ResidencyApplication,
)

# The host said yes: an offer, whatever the startup made of it since.
ACCEPTED = (ChoiceStatus.OFFERED, ChoiceStatus.TAKEN, ChoiceStatus.DECLINED)


@dataclass(frozen=True)
class Flow:
    home_country: str
    host_country: str
    startups: int


@dataclass
class ParkFigures:
    park_id: int
    name: str
    country: str
    inbound: int = 0  # residencies it hosted that started in the year
    outbound: int = 0  # residencies of its startups elsewhere that started in the year
    decisions: int = 0  # its decisions on applications submitted in the year
    accepted: int = 0  # of which an offer
    median_days: float | None = None  # submission to its decision, median

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.decisions if self.decisions else None


@dataclass
class ResidencyFigures:
    year: int
    years: list[int]  # every year with a residency or a submitted application, newest first
    flows: list[Flow] = field(default_factory=list)
    parks: list[ParkFigures] = field(default_factory=list)
    decisions: int = 0
    accepted: int = 0
    median_days: float | None = None

    @property
    def countries(self) -> list[str]:
        """Every country a startup left or went to in the year, in code order."""
        return sorted({f.home_country for f in self.flows} | {f.host_country for f in self.flows})

    @property
    def residencies(self) -> int:
        return sum(flow.startups for flow in self.flows)

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.decisions if self.decisions else None

    def matrix(self) -> dict[tuple[str, str], int]:
        return {(f.home_country, f.host_country): f.startups for f in self.flows}


def _year(column):
    return cast(extract("year", column), Integer)


def _days_between(session: Session, start, end):
    """end - start in days (fractional), in the database's own arithmetic."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return extract("epoch", end - start) / 86400.0


def figures_version(session: Session) -> tuple[int | None, ...]:
    """What the figures were counted from, in one statement: the audit chain's length and the
    newest residency, application and host choice. Equal versions, equal figures."""
    newest = [
        select(func.max(model.id)).scalar_subquery()
        for model in (Residency, ResidencyApplication, HostChoice)
    ]
    head = select(AuditChainHead.seq).where(AuditChainHead.id == 1).scalar_subquery()
    row = session.execute(select(head, *newest)).one()
    return tuple(row)


def figure_years(session: Session) -> list[int]:
    """Years with a residency starting or an application submitted, newest first (one query)."""
    started = select(_year(Residency.starts_on).label("year")).distinct()
    submitted = (
        select(_year(ResidencyApplication.submitted_at).label("year"))
        .where(ResidencyApplication.submitted_at.is_not(None))
        .distinct()
    )
    both = union_all(started, submitted).subquery()
    years = session.scalars(select(both.c.year).distinct().order_by(both.c.year.desc())).all()
    return [int(year) for year in years if year is not None]


def residency_figures(session: Session, year: int | None = None) -> ResidencyFigures:
    """The figures of `year` (the newest year with figures when None, this year when none has).

    Seven queries, whatever the data: the years, the flows, inbound and outbound per park, the
    decisions per host, the medians per host and overall, and the parks' names."""
    years = figure_years(session)
    if year is None:
        year = years[0] if years else date.today().year
    figures = ResidencyFigures(year=year, years=years)
    parks: dict[int, ParkFigures] = {}

    home, host = aliased(Park), aliased(Park)
    in_year = _year(Residency.starts_on) == year
    for home_country, host_country, startups in session.execute(
        select(home.country, host.country, func.count(Residency.id))
        .join(home, home.id == Residency.home_park_id)
        .join(host, host.id == Residency.host_park_id)
        .where(in_year)
        .group_by(home.country, host.country)
        .order_by(home.country, host.country)
    ):
        figures.flows.append(Flow(home_country, host_country, int(startups)))

    # Inbound and outbound per park in one statement: each residency counted once on each side.
    sides = union_all(
        select(
            Residency.host_park_id.label("park_id"),
            literal("in").label("side"),
        ).where(in_year),
        select(
            Residency.home_park_id.label("park_id"),
            literal("out").label("side"),
        ).where(in_year),
    ).subquery()
    for park_id, side, count in session.execute(
        select(sides.c.park_id, sides.c.side, func.count()).group_by(sides.c.park_id, sides.c.side)
    ):
        entry = parks.setdefault(park_id, ParkFigures(park_id, "", ""))
        if side == "in":
            entry.inbound = int(count)
        else:
            entry.outbound = int(count)

    submitted_in_year = and_(
        ResidencyApplication.submitted_at.is_not(None),
        _year(ResidencyApplication.submitted_at) == year,
    )
    decided = (
        select(
            HostOffer.park_id.label("park_id"),
            HostChoice.status.label("status"),
            _days_between(session, ResidencyApplication.submitted_at, HostChoice.decided_at).label(
                "days"
            ),
        )
        .join(HostOffer, HostOffer.id == HostChoice.offer_id)
        .join(ResidencyApplication, ResidencyApplication.id == HostChoice.application_id)
        .where(submitted_in_year, HostChoice.decided_at.is_not(None))
        .subquery()
    )
    for park_id, decisions, accepted in session.execute(
        select(
            decided.c.park_id,
            func.count(),
            func.sum(case((decided.c.status.in_([str(s) for s in ACCEPTED]), 1), else_=0)),
        ).group_by(decided.c.park_id)
    ):
        entry = parks.setdefault(park_id, ParkFigures(park_id, "", ""))
        entry.decisions, entry.accepted = int(decisions), int(accepted or 0)
        figures.decisions += entry.decisions
        figures.accepted += entry.accepted

    for park_id, median in _medians(session, decided, by_park=True):
        parks.setdefault(park_id, ParkFigures(park_id, "", "")).median_days = median
    overall = _medians(session, decided, by_park=False)
    figures.median_days = overall[0][1] if overall else None

    if parks:
        for park_id, name, country in session.execute(
            select(Park.id, Park.name_latin, Park.country).where(Park.id.in_(list(parks)))
        ):
            parks[park_id].name, parks[park_id].country = name, country
    figures.parks = sorted(parks.values(), key=lambda p: (p.country, p.name, p.park_id))
    return figures


def _medians(session: Session, decided, *, by_park: bool) -> list[tuple[int, float]]:
    """The median of `days` per park (or over all, park 0), with window functions: the middle
    row, or the mean of the two middle rows, of each partition ordered by days."""
    partition = [decided.c.park_id] if by_park else []
    ranked = select(
        (decided.c.park_id if by_park else literal(0)).label("park_id"),
        decided.c.days.label("days"),
        func.row_number().over(partition_by=partition, order_by=decided.c.days).label("n"),
        func.count().over(partition_by=partition).label("total"),
    ).subquery()
    middle = and_(
        ranked.c.n >= (ranked.c.total + 1) // 2,
        ranked.c.n <= (ranked.c.total + 2) // 2,
    )
    rows = session.execute(
        select(ranked.c.park_id, func.avg(ranked.c.days)).where(middle).group_by(ranked.c.park_id)
    ).all()
    return [(int(park_id), float(median)) for park_id, median in rows if median is not None]
