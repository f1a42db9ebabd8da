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
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.bench_memoranda import IssueTiming, make_signatories, time_issue
from bench.comparison_apps import create_minimal_table
from bench.databases import engine_options
from bench.http_client import PASSWORD

PARKS = 200
USERS = 2_000
INITIATIVES = 5_000
MEETINGS = 500
MEMORANDA = 1_000
OPEN_VOTES = 10  # open initiatives with their electorate, besides the two of the race checks
CERTIFIED_PARKS = 4  # parks whose certificate is issued through the real issuing function
COUNTRIES = ["KZ", "TR", "AZ", "UZ", "KG", "HU", "TM"]
CHEAP_HASH = "pbkdf2:sha256:1000"  # as tests/conftest.py: scrypt would dominate the set-up


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
    phases: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(seconds for _name, seconds in self.phases)


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


def _bulk(session, model, rows: list[dict]) -> list[int]:
    """Inserts rows through the model in one statement per batch; returns their ids in order."""
    from sqlalchemy import insert

    ids: list[int] = []
    for start in range(0, len(rows), 2000):
        batch = rows[start : start + 2000]
        if hasattr(model, "id"):
            ids += session.scalars(
                insert(model).returning(model.id, sort_by_parameter_order=True), batch
            ).all()
        else:
            session.execute(insert(model), batch)
    return ids


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

        parks, delegates = _parks_and_delegates(session)
        secretariat, signatories = make_signatories(session, PASSWORD, parks[:6])
        stopwatch.lap(f"{PARKS} parks, {PARKS + 7} users through the application")

        _bulk_members(session, parks, now)
        stopwatch.lap(f"{USERS - PARKS - 7} users in bulk")

        certified = _issue_certificates(session, parks)
        stopwatch.lap(f"{CERTIFIED_PARKS} certificates issued")

        opened = _open_votes(session, now)
        stopwatch.lap(f"{OPEN_VOTES + 2} votes opened ({PARKS} electors each)")

        initiatives, ballots = _bulk_past_initiatives(session, parks, now, chance, len(opened))
        stopwatch.lap(f"{initiatives} initiatives, {ballots} ballots in bulk")

        _bulk_meetings(session, parks, now)
        stopwatch.lap(f"{MEETINGS} meetings in bulk")

        # Memoranda: the issued ones through the application (timed against WeasyPrint alone).
        issue = time_issue(session, secretariat, signatories, PASSWORD, runs=issue_runs, words=3300)
        issued = issue.runs + (1 if issue_runs else 0)
        stopwatch.lap(f"{issued} ten-page memoranda issued")
        drafts = _bulk_draft_memoranda(session, parks, now, MEMORANDA - issued)
        stopwatch.lap(f"{drafts} memoranda in bulk")

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


def _parks_and_delegates(session) -> tuple[list, list[str]]:
    """Parks and their delegates, through the application (audited, passwords set)."""
    from association.auth.service import create_user
    from association.parks.service import create_park

    parks = []
    for n in range(PARKS):
        parks.append(
            create_park(
                session,
                None,
                name_latin=f"Technopark {n + 1:03d}",
                country=COUNTRIES[n % 7],
                city=f"City {n % 40}",
                website=f"https://park{n + 1}.example",
            )
        )
    delegates = []
    for n, park in enumerate(parks):
        user, _ = create_user(
            session,
            None,
            email=f"delegate{n}@bench.example",
            full_name=f"Delegate {n + 1}",
            title="Director",
            park=park,
            delegate=True,
            password=PASSWORD,
        )
        delegates.append(user.email)
    return parks, delegates


def _bulk_members(session, parks: list, now) -> None:
    """The other members: staff of the parks without a role in the benchmark."""
    from werkzeug.security import generate_password_hash

    from association.parks.models import Role, User

    password_hash = generate_password_hash(PASSWORD, method=CHEAP_HASH)
    _bulk(
        session,
        User,
        [
            {
                "email": f"member{n}@bench.example",
                "full_name": f"Member {n + 1}",
                "title": "Manager",
                "password_hash": password_hash,
                "role": Role.MEMBER,
                "park_id": parks[n % PARKS].id,
                "session_token": secrets.token_hex(16),
                "created_at": now,
            }
            for n in range(USERS - PARKS - 7)
        ],
    )
    session.commit()


def _issue_certificates(session, parks: list) -> list[int]:
    from association.membership.documents import issue_certificate

    certified = list(range(CERTIFIED_PARKS))
    for n in certified:
        issue_certificate(session, None, parks[n])
    return certified


def _open_votes(session, now) -> list[int]:
    """Open votes through the application: their electorate is every member park."""
    from association.voting.initiatives import create_initiative
    from association.voting.votes import open_vote

    closes = now + timedelta(days=7)
    opened = []
    for n in range(OPEN_VOTES + 2):
        initiative = create_initiative(
            session,
            None,
            title=f"Open question {n + 1}",
            summary="Whether the association should do this.",
            body_markdown="## Proposal\n\nThe secretariat proposes **this**.\n" * 5,
            changes_allowed=n < OPEN_VOTES,
        )
        open_vote(session, None, initiative, closes_at=closes + timedelta(hours=n))
        opened.append(initiative.id)
    return opened


def _past_initiative(n: int, now) -> dict:
    """The nth initiative of the past: closed, cancelled, a draft or scheduled."""
    from association.voting.models import InitiativeKind, InitiativeStatus

    kind = (InitiativeKind.GENERAL, InitiativeKind.BUDGET, InitiativeKind.PROGRAMME)[n % 3]
    row = {
        "title": f"Past question {n + 1}",
        "summary": "A question of the association's past.",
        "body_markdown": "The secretariat proposed this.\n" * 10,
        "kind": kind,
        "created_at": now - timedelta(days=3000 - n // 2),
        "updated_at": now - timedelta(days=3000 - n // 2),
        "quorum_numerator": 1,
        "quorum_denominator": 2,
    }
    if n < 4_500:
        closed_at = now - timedelta(days=3000 - n // 2 - 7)
        row.update(
            status=InitiativeStatus.CLOSED,
            opens_at=closed_at - timedelta(days=7),
            opened_at=closed_at - timedelta(days=7),
            closes_at=closed_at,
            closed_at=closed_at,
        )
    elif n < 4_800:
        row.update(status=InitiativeStatus.CANCELLED)
    elif n < 4_900:
        row.update(status=InitiativeStatus.DRAFT)
    else:
        row.update(
            status=InitiativeStatus.SCHEDULED,
            opens_at=now + timedelta(days=30 + n % 30),
            closes_at=now + timedelta(days=40 + n % 30),
        )
    return row


def _bulk_past_initiatives(
    session, parks: list, now, chance: random.Random, opened: int
) -> tuple[int, int]:
    """The past: closed votes with their result, some with their ballots; drafts, cancelled,
    scheduled. Returns how many initiatives and ballots were inserted."""
    from association.voting.models import (
        Ballot,
        ElectorateMember,
        Initiative,
        Outcome,
        VoteResult,
    )

    rows = [_past_initiative(n, now) for n in range(INITIATIVES - opened)]
    ids = _bulk(session, Initiative, rows)
    closed = ids[:4_500]
    results, electorate, ballots = [], [], []
    for index, initiative_id in enumerate(closed):
        cast = chance.randint(PARKS // 2, PARKS)
        yes = chance.randint(0, cast)
        results.append(
            {
                "initiative_id": initiative_id,
                "outcome": Outcome.PASSED if yes * 2 > cast else Outcome.REJECTED,
                "reason": "majority_met" if yes * 2 > cast else "majority_not_met",
                "tallies_json": f'{{"for": {yes}, "against": {cast - yes}, "abstain": 0}}',
                "ballots_cast": cast,
                "electorate_size": PARKS,
                "digest": "0" * 64,
                "closed_at": rows[index]["closed_at"],
            }
        )
        if index >= len(closed) - 100:  # the latest hundred keep their electorate and ballots
            for p, park in enumerate(parks):
                electorate.append({"initiative_id": initiative_id, "park_id": park.id})
                if p < cast:
                    ballots.append(
                        {
                            "initiative_id": initiative_id,
                            "park_id": park.id,
                            "choice": "for" if p < yes else "against",
                            "cast_by_user_id": None,
                            "receipt_code": f"R{initiative_id}-{park.id}",
                            "cast_at": rows[index]["closed_at"],
                            "updated_at": rows[index]["closed_at"],
                            "changes": 0,
                        }
                    )
    _bulk(session, VoteResult, results)
    _bulk(session, ElectorateMember, electorate)
    _bulk(session, Ballot, ballots)
    session.commit()
    return len(rows), len(ballots)


def _bulk_meetings(session, parks: list, now) -> None:
    """Meetings: past ones held (the latest hundred with attendance), some cancelled, some to come."""
    from association.meetings.models import (
        AgendaItem,
        Attendance,
        Meeting,
        MeetingKind,
        MeetingStatus,
    )

    rows = []
    for n in range(MEETINGS):
        starts = now + timedelta(days=(n - 420) * 7)
        status = (
            MeetingStatus.HELD
            if n < 400
            else MeetingStatus.CANCELLED
            if n < 420
            else MeetingStatus.SCHEDULED
        )
        rows.append(
            {
                "kind": (
                    MeetingKind.GENERAL_ASSEMBLY,
                    MeetingKind.BOARD,
                    MeetingKind.WORKING_GROUP,
                )[n % 3],
                "title": f"Meeting {n + 1}",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=3),
                "timezone": "Asia/Almaty",
                "place": "Astana",
                "status": status,
                "held_at": starts if status == MeetingStatus.HELD else None,
                "created_at": starts - timedelta(days=30),
                "updated_at": starts - timedelta(days=30),
            }
        )
    ids = _bulk(session, Meeting, rows)
    _bulk(
        session,
        AgendaItem,
        [
            {"meeting_id": meeting_id, "position": p, "title": f"Item {p}"}
            for meeting_id in ids
            for p in range(1, 5)
        ],
    )
    _bulk(
        session,
        Attendance,
        [
            {
                "meeting_id": meeting_id,
                "park_id": park.id,
                "status": "present",
                "park_status": "member",
            }
            for meeting_id in ids[300:400]
            for park in parks
        ],
    )
    session.commit()


def _bulk_draft_memoranda(session, parks: list, now, count: int) -> int:
    """The other memoranda, drafts of one revision in English; returns how many."""
    from association.memoranda.models import (
        Memorandum,
        MemorandumStatus,
        Party,
        Revision,
        RevisionText,
    )

    rows = [
        {
            "title": f"Memorandum of cooperation {n + 1}",
            "place": "Baku",
            "status": MemorandumStatus.DRAFT,
            "created_at": now - timedelta(days=n),
        }
        for n in range(count)
    ]
    ids = _bulk(session, Memorandum, rows)
    revisions = _bulk(
        session,
        Revision,
        [
            {
                "memorandum_id": memorandum_id,
                "number": 1,
                "title": row["title"],
                "place": "Baku",
                "created_at": row["created_at"],
            }
            for memorandum_id, row in zip(ids, rows, strict=True)
        ],
    )
    _bulk(
        session,
        RevisionText,
        [
            {
                "revision_id": revision_id,
                "language": "en",
                "body": "## Article 1\n\nThe Parties shall cooperate.\n" * 20,
            }
            for revision_id in revisions
        ],
    )
    _bulk(
        session,
        Party,
        [
            {
                "memorandum_id": memorandum_id,
                "position": p,
                "park_id": parks[(n + p) % PARKS].id,
            }
            for n, memorandum_id in enumerate(ids)
            for p in range(2 + n % 5)
        ],
    )
    session.commit()
    return len(rows)


def _check_counts(session) -> None:
    from sqlalchemy import select

    from association.extensions import db
    from association.meetings.models import Meeting
    from association.memoranda.models import Memorandum
    from association.parks.models import User
    from association.voting.models import Initiative

    counts = {
        model.__tablename__: session.scalar(select(db.func.count()).select_from(model))
        for model in (User, Initiative, Meeting, Memorandum)
    }
    assert counts == {
        "users": USERS,
        "initiatives": INITIATIVES,
        "meetings": MEETINGS,
        "memoranda": MEMORANDA,
    }, counts
