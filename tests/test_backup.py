"""Backup and restore: everything comes back equal, also when taken while changes are made."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from association import create_app
from association.audit.log import verify_chain
from association.audit.models import AuditEvent
from association.documents.models import StoredDocument
from association.extensions import db
from association.parks.models import Park
from association.parks.service import change_park_status, create_park
from tests.factories import POSTGRES_URL


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in key order."""
    rows = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [
            tuple(row) for row in db.session.execute(select(table).order_by(*order))
        ]
    return rows


@pytest.fixture
def restore_target(tmp_path, app_config, postgres_schema):
    """Config for a second, empty database to restore into (a new database on PostgreSQL)."""
    config = dict(app_config, INSTANCE_PATH=str(tmp_path / "restored-instance"))
    if not POSTGRES_URL:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'restored.db'}"
        yield config
        return
    name = f"amt_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    config["SQLALCHEMY_DATABASE_URI"] = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    yield config
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _restore(restore_target, path):
    restored = create_app(restore_target)
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        assert "audit chain intact" in result.output
        return restored


def test_backup_restores_everything_equal(
    app, runner, session, tmp_path, park, delegate, secretariat, restore_target
):
    change_park_status(session, secretariat, park, "suspended", "Fees unpaid")
    session.add(
        StoredDocument(
            kind="certificate",
            verification_code="TEST-CODE-0001",
            title="Certificate",
            filename="certificate.pdf",
            subject_type="Park",
            subject_id=park.id,
            sha256="0" * 64,
            size=7,
            content=b"%PDF-1.7",
        )
    )
    session.commit()
    original = _snapshot()
    path = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    restored = _restore(restore_target, path)
    with restored.app_context():
        assert _snapshot() == original
        assert db.session.scalar(select(StoredDocument.content)) == b"%PDF-1.7"
        db.session.remove()
        db.engine.dispose()


def test_backup_while_changes_are_made_is_consistent(
    app, runner, session, tmp_path, restore_target
):
    stop = threading.Event()

    def keep_admitting():
        with app.app_context():
            n = 0
            while not stop.is_set() and n < 200:
                create_park(db.session, None, name_latin=f"Busy Park {n}", country="TR")
                n += 1
            db.session.remove()

    writer = threading.Thread(target=keep_admitting)
    writer.start()
    try:
        while session.scalar(select(func.count()).select_from(Park)) < 5:
            session.expire_all()
        path = tmp_path / "live.dump"
        result = runner.invoke(args=["backup", str(path)])
        assert result.exit_code == 0, result.output
    finally:
        stop.set()
        writer.join()
    restored = _restore(restore_target, path)
    with restored.app_context():
        parks = db.session.scalar(select(func.count()).select_from(Park))
        created = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "park.created")
        )
        assert parks == created >= 5
        assert verify_chain(db.session).intact
        db.session.remove()
        db.engine.dispose()


def test_backup_refuses_to_overwrite_and_restore_refuses_a_full_database(runner, tmp_path, park):
    path = tmp_path / "backup.dump"
    first = runner.invoke(args=["backup", str(path)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["backup", str(path)])
    assert again.exit_code != 0
    assert "exists already" in again.output
    into_full = runner.invoke(args=["restore", str(path)])
    assert into_full.exit_code != 0
    assert "not empty" in into_full.output


def test_restore_of_a_file_that_is_not_a_backup_says_so(tmp_path, restore_target):
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"this is not a backup")
    restored = create_app(restore_target)
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(junk)])
        assert result.exit_code != 0
        db.engine.dispose()
