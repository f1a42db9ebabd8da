"""Fixtures: a fresh application and database per test, on SQLite or on PostgreSQL.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run on
PostgreSQL: the suite then works in a schema of its own, created at the start and dropped
at the end, so it never touches anything else in that database.
"""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from pathlib import Path

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text, update

from association import create_app
from association.audit.log import GENESIS
from association.audit.models import AuditChainHead
from association.auth.models import Role, User
from association.auth.second_factor import begin_enrolment, confirm_enrolment
from association.auth.service import create_user
from association.extensions import db, limiter
from association.parks.models import ParkStatus
from association.parks.service import create_park

PASSWORD = "correct horse battery staple"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


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


# --- factories ----------------------------------------------------------------------

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


@pytest.fixture
def make_park(session):
    def make(
        name_latin: str | None = None,
        *,
        country: str = "KZ",
        status: ParkStatus = ParkStatus.MEMBER,
        **kwargs,
    ):
        return create_park(
            session,
            None,
            name_latin=name_latin or f"Test Park {_next()}",
            country=country,
            status=status,
            **kwargs,
        )

    return make


@pytest.fixture
def make_user(session):
    def make(
        *,
        role: Role = Role.MEMBER,
        park=None,
        email: str | None = None,
        full_name: str | None = None,
        password: str | None = PASSWORD,
        **kwargs,
    ):
        n = _next()
        user, _token = create_user(
            session,
            None,
            email=email or f"user{n}@example.org",
            full_name=full_name or f"Test User {n}",
            role=role,
            park=park,
            password=password,
            **kwargs,
        )
        return user

    return make


def enrol_second_factor(session, user) -> None:
    """Set up the user's TOTP second factor, as the enrolment page does."""
    begin_enrolment(session, user)
    confirm_enrolment(session, user, pyotp.TOTP(user.totp_secret).now())


def current_code(session, user) -> str:
    """A code the user's authenticator would show now; tests may reuse a time step."""
    session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    session.commit()
    return pyotp.TOTP(session.get(User, user.id).totp_secret).now()


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


def login(client, user, password: str = PASSWORD):
    """Sign in through the form as a person would, with the second factor when the user has
    one; returns the last response."""
    response = client.post("/login", data={"email": user.email, "password": password})
    if response.status_code == 302 and "/login/second-factor" in response.headers["Location"]:
        response = client.post(
            response.headers["Location"], data={"code": current_code(db.session, user)}
        )
    return response


def csrf_token_from(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert found, "no CSRF token in the page"
    return found.group(1)
