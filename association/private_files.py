"""Files only the application may read: the database, its -wal and -shm, backups, instance/.

They hold every member's data, password hashes and the keys of the association's seal, so
they are made owner-only (0600, folders 0700) twice over: the process's umask (every file a
library creates) and explicit modes on the files we create ourselves (should a host or a
test runner change the umask back).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def restrict_umask() -> None:
    """Owner-only for every file and folder this process creates from now on."""
    os.umask(PRIVATE_UMASK)


def private_folder(path: Path) -> None:
    """Create the folder owner-only; an existing one is left as it is, but a readable one is
    named in the log (its owner may share it on purpose, e.g. with a backup user)."""
    if not path.exists():
        path.mkdir(parents=True, mode=FOLDER_MODE)
        os.chmod(path, FOLDER_MODE)  # mkdir's mode passes through the umask
        return
    _warn_if_readable_by_others(path)


def create_private_file(path: Path) -> None:
    """Create an empty owner-only file; refuses (FileExistsError) when one is already there.

    Atomic: of two processes creating the same backup, one gets FileExistsError.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def prepare_sqlite_database(database_uri: str) -> None:
    """Create a SQLite database file owner-only before SQLite does (an empty file is an empty
    database); SQLite gives its -wal, -shm and -journal files the database file's mode."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    if url.database.startswith("file:"):
        return  # a URI filename with its own options: SQLite opens it as given
    path = Path(url.database)
    if path.exists():
        _warn_if_readable_by_others(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        create_private_file(path)
    except FileExistsError:
        pass  # another worker created it a moment ago, the same way


def _warn_if_readable_by_others(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning(
            "%s can be read by other users of this machine (mode %o): chmod %s %s",
            path,
            mode,
            "700" if path.is_dir() else "600",
            path,
        )
