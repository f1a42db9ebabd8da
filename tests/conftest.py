"""Fixtures: a fresh application and database per test, on SQLite or on PostgreSQL.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run on
PostgreSQL: the suite then works in a schema of its own, created at the start and dropped
at the end, so it never touches anything else in that database.
"""

from __future__ import annotations

import contextvars
import functools
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from association import catalogs, create_app
from association.audit.log import GENESIS, current_origin
from association.audit.models import AuditChainHead
from association.extensions import db, limiter
from association.parks.models import Role
from tests import factories
from tests.factories import POSTGRES_URL, enrol_second_factor


def pytest_sessionstart(session):
    # Pages render from the compiled catalogs: a .po edited since `make install` is compiled
    # again, so that a run never reads stale translations.
    stale = [
        language
        for language in catalogs.TRANSLATED
        if not catalogs.po_path(language).with_suffix(".mo").exists()
        or catalogs.po_path(language).with_suffix(".mo").stat().st_mtime
        < catalogs.po_path(language).stat().st_mtime
    ]
    if stale:
        catalogs.compile_all(stale)


@pytest.fixture(scope="session")
def postgres_schema():
    """A private schema on the test PostgreSQL server, dropped when the run ends."""
    if not POSTGRES_URL:
        yield None
        return
    schema = f"amt_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def _database_config(tmp_path: Path, schema: str | None) -> dict:
    if schema is None:
        return {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "connect_args": {"timeout": 30, "check_same_thread": False}
            },
        }
    return {
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "connect_args": {"options": f"-csearch_path={schema}"},
            "pool_size": 20,
            "max_overflow": 60,
        },
    }


@pytest.fixture
def app_config(tmp_path, postgres_schema, request) -> dict:
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
        # A cheap hash: scrypt's deliberate slowness would dominate the suite's time.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_ENABLED": request.node.get_closest_marker("csrf") is not None,
        "BASE_URL": "http://localhost",
        "MAIL_SERVER": None,
        # Webhook receivers run in the test process, on 127.0.0.1.
        "WEBHOOK_ALLOW_LOOPBACK": True,
    }
    config.update(_database_config(tmp_path, postgres_schema))
    return config


class RequestClient(FlaskClient):
    """Each request runs as in production: its own app context, `g` and database session.

    The test itself keeps an app context open for its factories; without this, requests
    would share that context's `g` (and so the signed-in user) and its session.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_origin_left_over():
    """Each test starts off the web. A request served outside RequestClient (an app a test
    builds itself, a plain test client) sets the audit origin in the test's own context; left
    there, later tests would count their calls off the web against that request's address."""
    token = current_origin.set("")
    yield
    current_origin.reset(token)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        db.session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
        db.session.commit()
        limiter.reset()
        yield app
        db.session.remove()
        # Users and startups refer to each other (a founder's startup, the user who confirmed
        # it): SQLite, which cannot drop a foreign key, needs the cycle broken before dropping.
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE startups SET decided_by_id = NULL"))
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories as fixtures (tests/factories.py holds the functions) ----------------------


@pytest.fixture
def make_park(session):
    return functools.partial(factories.make_park, session)


@pytest.fixture
def make_user(session):
    return functools.partial(factories.make_user, session)


@pytest.fixture
def secretariat(make_user, session):
    user = make_user(
        role=Role.SECRETARIAT, email="secretariat@example.org", full_name="Saule Omarova"
    )
    enrol_second_factor(session, user)
    return user


@pytest.fixture
def admin(make_user, session):
    user = make_user(role=Role.ADMIN, email="admin@example.org", full_name="Kanat Bekov")
    enrol_second_factor(session, user)
    return user


@pytest.fixture
def park(make_park):
    return make_park("Astana Hub", name_native="Астана Хаб", country="KZ", city="Astana")


@pytest.fixture
def delegate(make_user, park):
    return make_user(
        park=park, delegate=True, email="delegate@astanahub.example", full_name="Aigerim Sadykova"
    )


@pytest.fixture
def member(make_user, park):
    return make_user(park=park, email="reader@astanahub.example", full_name="Reader of Astana Hub")
