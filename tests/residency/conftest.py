"""The residency programme's cast: a home park with its coordinator, three host parks with
theirs, a confirmed startup and its founder, and an open call of the three hosts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.mail.models import OutboxMessage
from tests.factories import make_call, make_coordinator, make_startup


@pytest.fixture
def home(make_park):
    return make_park("Astana Hub", country="KZ")


@pytest.fixture
def hosts(make_park):
    return [
        make_park("IT Park Uzbekistan", country="UZ"),
        make_park("Bilisim Vadisi", country="TR"),
        make_park("Sabah Lab", country="AZ"),
    ]


@pytest.fixture
def home_coordinator(session, secretariat, home):
    return make_coordinator(session, secretariat, home, email="coordinator@astanahub.example")


@pytest.fixture
def host_coordinators(session, secretariat, hosts):
    return [make_coordinator(session, secretariat, host) for host in hosts]


@pytest.fixture
def startup_and_founder(session, home, home_coordinator):
    return make_startup(session, home, name="Nomad Labs")


@pytest.fixture
def startup(startup_and_founder):
    return startup_and_founder[0]


@pytest.fixture
def founder(startup_and_founder):
    return startup_and_founder[1]


@pytest.fixture
def call(session, secretariat, hosts, host_coordinators):
    return make_call(session, secretariat, hosts, places=2)


class Snapshot:
    """What a refused action must leave as it was: the audit log, the outbox, and the rows
    and columns a test names."""

    def __init__(self, session, *models):
        self.session = session
        self.models = models
        self.before = self.take()

    def take(self):
        session = self.session
        session.expire_all()
        rows = {}
        for model in self.models:
            table = model.__table__
            rows[model.__name__] = sorted(
                json.dumps(dict(row._mapping), default=str, sort_keys=True)
                for row in session.execute(select(table))
            )
        return (
            session.scalar(select(func.count()).select_from(AuditEvent)),
            session.scalar(select(func.count()).select_from(OutboxMessage)),
            rows,
        )

    def unchanged(self) -> bool:
        return self.take() == self.before


@pytest.fixture
def snapshot(session):
    def take(*models):
        return Snapshot(session, *models)

    return take
