"""What can go wrong with the database file itself, in words an operator can act on.

SQLite reports a full disk, a read-only file, an I/O error or a file it cannot open as
`sqlite3.OperationalError` with an error name. `storage_problem` turns one into a short code
the app explains (in Kazakh and Russian) and the handlers answer calmly; anything else is a
bug and stays an ordinary error.

`FileWatch` notices when the database or its write-ahead log is removed or replaced under
the running process (someone deleted the `-wal`, a backup restored over the file): writing
on into a file nobody will ever read again loses data silently, so the app stops instead.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

log = logging.getLogger(__name__)


class StorageProblem(StrEnum):
    FULL = "full"  # the disk (or the database's size limit) is full
    READONLY = "readonly"  # the file or its folder cannot be written
    IO = "io"  # the disk failed a read or a write
    CANNOT_OPEN = "cannot_open"  # no such folder, or not a file
    CORRUPT = "corrupt"  # not a database, or a damaged one
    REPLACED = "replaced"  # the file or its WAL was removed or replaced under the process
    # Another process (a second copy of the bot, a backup tool, an sqlite3 shell) kept the
    # database locked for longer than BUSY_TIMEOUT_MS: nothing is wrong with the disk.
    BUSY = "busy"


_BY_NAME = {
    "SQLITE_FULL": StorageProblem.FULL,
    "SQLITE_READONLY": StorageProblem.READONLY,
    "SQLITE_IOERR": StorageProblem.IO,
    "SQLITE_CANTOPEN": StorageProblem.CANNOT_OPEN,
    "SQLITE_CORRUPT": StorageProblem.CORRUPT,
    "SQLITE_NOTADB": StorageProblem.CORRUPT,
    "SQLITE_BUSY": StorageProblem.BUSY,
}


def storage_problem(exc: BaseException) -> StorageProblem | None:
    """The storage problem behind an exception (or its cause), if it is one."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, sqlite3.Error):
            name = getattr(current, "sqlite_errorname", "") or ""
            # Extended names (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED) share the prefix.
            for prefix, problem in _BY_NAME.items():
                if name.startswith(prefix):
                    return problem
        current = current.__cause__ or current.__context__
        seen += 1
    return None


@dataclass(frozen=True, slots=True)
class _Identity:
    device: int
    inode: int


def _identity(path: Path) -> _Identity | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return _Identity(stat.st_dev, stat.st_ino)


class FileWatch:
    """Remembers which files the connection writes to, and says when they stop being so."""

    def __init__(self, path: Path) -> None:
        self._paths = {"database": path, "wal": path.with_name(path.name + "-wal")}
        self._known: dict[str, _Identity] = {}
        self.look()

    def look(self) -> str | None:
        """None while all is well; otherwise which file went missing or was replaced.

        The WAL appears with the first write, so it is remembered when first seen; from then
        on it stays while the connection is open (a checkpoint empties it, never removes it).
        """
        for name, path in self._paths.items():
            now = _identity(path)
            known = self._known.get(name)
            if known is None:
                if now is not None:
                    self._known[name] = now
                elif name == "database":
                    return name
                continue
            if now != known:
                return name
        return None


class StorageAlarm:
    """One log line per incident, not one per failed update: the first failure is logged at
    once, then at most one summary a minute while failures go on."""

    def __init__(self, every: float = 60.0) -> None:
        self._every = every
        self._last = float("-inf")
        self._quiet = 0

    def failed(self, problem: StorageProblem, where: str) -> None:
        now = time.monotonic()
        if now - self._last < self._every:
            self._quiet += 1
            return
        if self._quiet:
            log.error(
                "storage %s (%s); %d more failures since the last report",
                problem,
                where,
                self._quiet,
            )
        else:
            log.error(
                "storage %s (%s): writes fail; the bot goes on with what it can", problem, where
            )
        self._last, self._quiet = now, 0
