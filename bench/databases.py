"""The benchmarks' databases: a throw-away PostgreSQL schema, the engine options of SQLite and
PostgreSQL connections, and counting what a run stored.
"""

from __future__ import annotations

import contextlib
import os
import uuid

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_unavailable(base_url: str = POSTGRES_URL) -> str | None:
    """Why PostgreSQL cannot be used (None when it can)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(base_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as problem:  # noqa: BLE001 - any reason is printed, and the run goes on without it
        return f"{problem.__class__.__name__}: {str(problem).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


@contextlib.contextmanager
def postgres_schema(base_url: str = POSTGRES_URL):
    """A private schema, dropped at the end (also on Ctrl-C or an error); yields the URL whose
    connections use it."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            separator = "&" if "?" in base_url else "?"
            yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def engine_options(database_url: str) -> dict:
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def count(database_url: str, sql: str, **params) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


def count_ballots(database_url: str, initiative_id: int) -> int:
    return count(
        database_url, "SELECT count(*) FROM ballots WHERE initiative_id = :id", id=initiative_id
    )


def count_ballot_events(database_url: str, initiative_id: int) -> int:
    """Ballots cast or changed on the initiative, as the audit log records them."""
    return count(
        database_url,
        "SELECT count(*) FROM audit_events WHERE action IN ('ballot.cast', 'ballot.changed') "
        "AND subject_id = :id",
        id=str(initiative_id),
    )
