"""Backup and restore of the whole database, stored documents included (they live in it).

SQLite: the online backup API, consistent while the application keeps writing.
PostgreSQL: pg_dump / pg_restore in their custom format (a consistent snapshot too).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine, make_url

from association.private_files import create_private_file


class BackupError(Exception):
    """Said to the operator as it is."""


def _plain_postgres_url(engine: Engine) -> tuple[str, str | None, dict[str, str]]:
    """A libpq URL for pg_dump (no SQLAlchemy driver suffix, no password), the schema the app
    uses, and the environment to run the tool in.

    The password goes through PGPASSWORD, never the command line: any user of the machine
    can read a process's arguments (ps, /proc), but not its environment.
    """
    # URL.set() keeps a field given as None; the URL is a named tuple, so _replace drops it.
    url = engine.url.set(drivername="postgresql")._replace(password=None)
    options = engine.dialect.create_connect_args(engine.url)[1].get("options", "")
    schema = options.split("search_path=", 1)[1].split()[0] if "search_path=" in options else None
    environment = dict(os.environ)
    if engine.url.password is not None:
        environment["PGPASSWORD"] = str(engine.url.password)
    return url.render_as_string(hide_password=False), schema, environment


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
    """Write a consistent copy of the database to `path`, owner-only (refuses to overwrite a file)."""
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")
    pg_dump = _tool("pg_dump") if engine.dialect.name == "postgresql" else None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Owner-only from its first byte: a backup holds everything the database does.
        create_private_file(path)
    except FileExistsError:
        raise BackupError(f"{path} exists already; choose a new file name.") from None
    if pg_dump is None:
        target = sqlite3.connect(path)
        try:
            with engine.connect() as connection:
                _sqlite3_connection(connection).backup(target)
        except BaseException:
            target.close()
            path.unlink(missing_ok=True)
            raise
        target.close()
        return
    url, schema, environment = _plain_postgres_url(engine)
    # pg_dump writes into the owner-only file made above (it truncates, keeping the mode).
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={path}", f"--dbname={url}"]
    if schema:
        command.append(f"--schema={schema}")
    # pg_dump fails outright when the catalogue changes under it (DDL running beside the
    # backup: "does not exist", "cache lookup failed", a lock it could not take); a later
    # attempt sees the new catalogue. Its snapshot is consistent either way, so retrying is safe.
    attempts = 4
    for attempt in range(attempts):
        try:
            _run(command, environment, path)
            return
        except BackupError:
            if attempt == attempts - 1:
                raise
            create_private_file(path)  # _run removed the partial file
            time.sleep(0.5 * (attempt + 1))


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
        url, _schema, environment = _plain_postgres_url(engine)
        _run(
            [_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={url}", str(path)],
            environment,
            None,
        )
        return
    raise BackupError(f"Restoring {engine.dialect.name} databases is not supported.")


def _run(command: list[str], environment: dict[str, str], partial: Path | None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=environment)
    if result.returncode != 0:
        if partial is not None and partial.exists():
            partial.unlink()
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def database_name(engine: Engine) -> str:
    return make_url(engine.url).render_as_string(hide_password=True)
