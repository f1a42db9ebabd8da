"""The database, its -wal and -shm, backups and everything under instance/ are the
application's alone (0600, folders 0700), and the PostgreSQL password never appears on a
command line (where every user of the machine can read it)."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest
from sqlalchemy import create_engine, text

from association import backup, create_app
from association.extensions import db


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def lax_umask():
    """The umask a shell usually gives (022: files readable by everyone), restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def fresh_app(tmp_path, app_config, lax_umask):
    instance = tmp_path / "fresh-instance"
    config = dict(app_config, INSTANCE_PATH=str(instance))
    config.pop("SECRET_KEY")  # generated into instance/secret_key, as on a first run
    # The files are SQLite's, whichever database the rest of the suite runs on.
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'association.db'}"
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        db.session.execute(text("SELECT 1"))
        yield app
        db.session.remove()
        db.engine.dispose()


def test_instance_database_wal_shm_and_secret_key_are_owner_only(fresh_app):
    instance = fresh_app.instance_path
    assert mode(instance) == 0o700
    files = sorted(os.listdir(instance))
    assert {"association.db", "association.db-wal", "association.db-shm", "secret_key"} <= set(
        files
    )
    for name in files:
        assert mode(os.path.join(instance, name)) == 0o600, name


def test_the_process_creates_owner_only_files_after_create_app(fresh_app, tmp_path):
    # Whatever a library writes later (the development seal, a log file) is owner-only too.
    written = tmp_path / "written-later"
    written.write_text("x")
    assert mode(written) == 0o600


def test_a_sqlite_backup_is_owner_only_even_under_a_lax_umask(fresh_app, tmp_path):
    os.umask(0o022)  # a host that set it back: the explicit mode still holds
    target = tmp_path / "backups" / "association.db"
    backup.backup_database(db.engine, target)
    assert mode(target) == 0o600


def test_an_existing_backup_file_is_never_overwritten(fresh_app, tmp_path):
    target = tmp_path / "taken.db"
    target.write_text("someone else's")
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.backup_database(db.engine, target)
    assert target.read_text() == "someone else's"


@pytest.fixture
def postgres_engine():
    # Never connected: pg_dump and pg_restore are replaced below, and only their arguments read.
    return create_engine("postgresql+psycopg://amt:s3cret-pass@db.example:5432/amt")


@pytest.fixture
def recorded_runs(monkeypatch):
    runs = []

    def run(command, **kwargs):
        runs.append((command, kwargs))
        if "--format=custom" in command:
            target = next(arg for arg in command if arg.startswith("--file="))[7:]
            with open(target, "wb") as handle:
                handle.write(b"PGDMP")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", run)
    return runs


def test_pg_dump_gets_the_password_from_its_environment_not_its_arguments(
    postgres_engine, recorded_runs, tmp_path, lax_umask
):
    target = tmp_path / "amt.dump"
    backup.backup_database(postgres_engine, target)
    [(command, kwargs)] = recorded_runs
    assert not any("s3cret-pass" in argument for argument in command), command
    assert any(argument.startswith("--dbname=postgresql://amt@db.example") for argument in command)
    assert kwargs["env"]["PGPASSWORD"] == "s3cret-pass"
    assert mode(target) == 0o600


def test_pg_restore_gets_the_password_from_its_environment_not_its_arguments(
    postgres_engine, recorded_runs, tmp_path, monkeypatch
):
    monkeypatch.setattr(
        backup, "inspect", lambda engine: type("Empty", (), {"get_table_names": lambda self: []})()
    )
    source = tmp_path / "amt.dump"
    source.write_bytes(b"PGDMP")
    backup.restore_database(postgres_engine, source)
    [(command, kwargs)] = recorded_runs
    assert not any("s3cret-pass" in argument for argument in command), command
    assert kwargs["env"]["PGPASSWORD"] == "s3cret-pass"
