"""The benchmark's data set: an association of realistic size in a fresh database.

200 parks, 2,000 users, 5,000 initiatives, 500 meetings, 1,000 memoranda. What the measured
requests touch is made through the application's own functions (create_park, create_user,
create_initiative + open_vote, the membership area's issue_certificate, the memoranda's issue);
the bulk around it (closed votes with their results and ballots, past meetings, draft memoranda,
members without a role in the benchmark) is inserted through the models in batches: it is a data
set, not a test of the rules.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_memoranda import IssueTiming, make_signatories, time_issue
from bench.comparison_apps import create_minimal_table
from bench.databases import engine_options
from bench.dataset_meetings import bulk_meetings
from bench.dataset_memoranda import bulk_draft_memoranda
from bench.dataset_parks import CHEAP_HASH, bulk_members, issue_certificates, parks_and_delegates
from bench.dataset_residency import bulk_residency, count_figures_queries
from bench.dataset_sizes import (
    CERTIFIED_PARKS,
    INITIATIVES,
    MEETINGS,
    MEMORANDA,
    OPEN_VOTES,
    PARKS,
    RESIDENCIES,
    RESIDENCY_APPLICATIONS,
    RESIDENCY_YEARS,
    USERS,
)
from bench.dataset_votes import bulk_past_initiatives, open_votes
from bench.http_client import PASSWORD


@dataclass
class DataSet:
    delegates: list[str]  # the delegate's e-mail of each park, in park order
    park_slugs: list[str]
    vote_initiative: int  # open, changes allowed: the ballot POSTs of the load
    race_one_initiative: int  # open, no changes: 200 ballots of one park at once
    race_all_initiative: int  # open, no changes: one ballot from every park at once
    race_park: int  # index of the park of the first race
    certified: list[int]  # indexes of the parks holding an issued certificate
    memorandum_id: int
    issue: IssueTiming | None
    # Personal API tokens (read) of delegates whose parks the ballot load leaves alone, so that
    # what each token reads, and so its ETag, stays the same while the API is loaded.
    api_tokens: list[str] = field(default_factory=list)
    # The residency figures page: the year it shows first, and the SQL statements its figures cost.
    residency_year: int = 0
    residency_queries: int = 0
    phases: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(seconds for _name, seconds in self.phases)


# Parks 100 to 159: past the parks whose delegates the ballot load signs in (the first 48).
API_TOKEN_PARKS = slice(100, 160)


def _api_tokens(session, parks) -> list[str]:
    from sqlalchemy import select

    from association.api.personal_tokens import create_token
    from association.parks.models import User

    secrets = []
    for park in parks:
        delegate = session.scalars(
            select(User).where(User.park_id == park.id, User.is_delegate.is_(True))
        ).first()
        _token, secret = create_token(
            session,
            delegate,
            name="Benchmark",
            scopes=["read"],
            days=30,
            second_factor_passed=False,
        )
        secrets.append(secret)
    return secrets


def app_config(database_url: str, instance: Path, secret_key: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret_key,
        "LOG_LEVEL": "WARNING",
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
        "MAIL_SERVER": None,
        "BASE_URL": "http://127.0.0.1",
    }


class _Stopwatch:
    """The time of each phase of the set-up, in order."""

    def __init__(self) -> None:
        self.phases: list[tuple[str, float]] = []
        self._since = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases.append((name, now - self._since))
        self._since = now


def generate(database_url: str, instance: Path, secret_key: str, *, issue_runs: int) -> DataSet:
    """Creates the tables and the data set; `issue_runs` memoranda are issued and timed (plus a warm-up)."""
    from association import create_app
    from association.database import utcnow
    from association.extensions import db

    chance = random.Random(2026)
    stopwatch = _Stopwatch()
    app = create_app(app_config(database_url, instance, secret_key))
    with app.app_context():
        session = db.session
        _create_tables(session)
        now = utcnow()
        stopwatch.lap("tables")

        parks, delegates = parks_and_delegates(session)
        secretariat, signatories = make_signatories(session, PASSWORD, parks[:6])
        stopwatch.lap(f"{PARKS} parks, {PARKS + 7} users through the application")

        bulk_members(session, parks, now)
        stopwatch.lap(f"{USERS - PARKS - 7} users in bulk")

        certified = issue_certificates(session, parks)
        stopwatch.lap(f"{CERTIFIED_PARKS} certificates issued")

        opened = open_votes(session, now)
        stopwatch.lap(f"{OPEN_VOTES + 2} votes opened ({PARKS} electors each)")

        initiatives, ballots = bulk_past_initiatives(session, parks, now, chance, len(opened))
        stopwatch.lap(f"{initiatives} initiatives, {ballots} ballots in bulk")

        bulk_meetings(session, parks, now)
        stopwatch.lap(f"{MEETINGS} meetings in bulk")

        residency_year = bulk_residency(session, parks, now, chance)
        residency_queries = count_figures_queries(session, residency_year)
        stopwatch.lap(
            f"{RESIDENCY_APPLICATIONS} residency applications, {RESIDENCIES} residencies "
            f"({RESIDENCY_YEARS} years) in bulk"
        )

        # Memoranda: the issued ones through the application (timed against WeasyPrint alone).
        issue = time_issue(session, secretariat, signatories, PASSWORD, runs=issue_runs, words=3300)
        issued = issue.runs + (1 if issue_runs else 0)
        stopwatch.lap(f"{issued} ten-page memoranda issued")
        drafts = bulk_draft_memoranda(session, parks, now, MEMORANDA - issued)
        stopwatch.lap(f"{drafts} memoranda in bulk")

        api_tokens = _api_tokens(session, parks[API_TOKEN_PARKS])
        stopwatch.lap(f"{len(api_tokens)} API tokens")

        slugs = [park.slug for park in parks]
        _check_counts(session)
        session.remove()
        db.engine.dispose()

    return DataSet(
        delegates=delegates,
        park_slugs=slugs,
        vote_initiative=opened[0],
        race_one_initiative=opened[OPEN_VOTES],
        race_all_initiative=opened[OPEN_VOTES + 1],
        race_park=PARKS - 1,
        certified=certified,
        memorandum_id=issue.memorandum_id,
        api_tokens=api_tokens,
        residency_year=residency_year,
        residency_queries=residency_queries,
        issue=issue if issue_runs else None,
        phases=stopwatch.phases,
    )


def _create_tables(session) -> None:
    from association.audit.log import GENESIS
    from association.audit.models import AuditChainHead
    from association.extensions import db

    db.create_all()
    session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
    session.commit()
    create_minimal_table(db.engine, rows=1000)


def _check_counts(session) -> None:
    from sqlalchemy import select

    from association.extensions import db
    from association.meetings.models import Meeting
    from association.memoranda.models import Memorandum
    from association.parks.models import User
    from association.residency.models import Residency, ResidencyApplication
    from association.voting.models import Initiative

    counts = {
        model.__tablename__: session.scalar(select(db.func.count()).select_from(model))
        for model in (User, Initiative, Meeting, Memorandum, ResidencyApplication, Residency)
    }
    assert counts == {
        "users": USERS,
        "initiatives": INITIATIVES,
        "meetings": MEETINGS,
        "memoranda": MEMORANDA,
        "residency_applications": RESIDENCY_APPLICATIONS,
        "residencies": RESIDENCIES,
    }, counts
