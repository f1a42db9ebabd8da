"""Backup and restore of the whole database, stored documents included (they live in it).

SQLite: the online backup API, consistent while the application keeps writing.
PostgreSQL: pg_dump / pg_restore in their custom format (a consistent snapshot too).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine, make_url


class BackupError(Exception):
    """Said to the operator as it is."""


def _plain_postgres_url(engine: Engine) -> tuple[str, str | None]:
    """A libpq URL for pg_dump (no SQLAlchemy driver suffix), and the schema the app uses."""
    url = engine.url.set(drivername="postgresql")
    options = engine.dialect.create_connect_args(engine.url)[1].get("options", "")
    schema = options.split("search_path=", 1)[1].split()[0] if "search_path=" in options else None
    return url.render_as_string(hide_password=False), schema


def _sqlite3_connection(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under SQLAlchemy's, whose backup API copies the database."""
    driver_connection = connection.connection.driver_connection
    if not isinstance(driver_connection, sqlite3.Connection):
        raise BackupError("SQLite backups need the standard sqlite3 driver.")
    return driver_connection


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client (Debian: postgresql-client)."
        )
    return found


def backup_database(engine: Engine, path: Path) -> None:
    """Write a consistent copy of the database to `path` (refuses to overwrite a file)."""
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        target = sqlite3.connect(path)
        try:
            with engine.connect() as connection:
                _sqlite3_connection(connection).backup(target)
        finally:
            target.close()
        return
    if engine.dialect.name == "postgresql":
        url, schema = _plain_postgres_url(engine)
        command = [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={path}",
            f"--dbname={url}",
        ]
        if schema:
            command.append(f"--schema={schema}")
        # pg_dump fails outright when a table it listed is dropped or renamed before it locks
        # it (DDL running beside the backup); a second attempt sees the new catalogue.
        for attempt in range(3):
            try:
                _run(command, path)
                return
            except BackupError as problem:
                if attempt == 2 or "does not exist" not in str(problem):
                    raise
        return
    raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def restore_database(engine: Engine, path: Path) -> None:
    """Load a backup into an empty database; refuses a database that already has tables."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if inspect(engine).get_table_names():
        raise BackupError("The target database is not empty: restore into a new, empty database.")
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is not an intact SQLite backup.")
            with engine.connect() as connection:
                source.backup(_sqlite3_connection(connection))
        except sqlite3.DatabaseError as problem:
            raise BackupError(f"{path} is not a SQLite backup: {problem}") from None
        finally:
            source.close()
        return
    if engine.dialect.name == "postgresql":
        url, _schema = _plain_postgres_url(engine)
        _run(
            [_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={url}", str(path)],
            None,
        )
        return
    raise BackupError(f"Restoring {engine.dialect.name} databases is not supported.")


def _run(command: list[str], partial: Path | None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        if partial is not None and partial.exists():
            partial.unlink()
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def database_name(engine: Engine) -> str:
    return make_url(engine.url).render_as_string(hide_password=True)
