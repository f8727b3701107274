"""`python -m bot backup PATH` and `python -m bot restore PATH`.

A backup is an online copy through SQLite's backup API: consistent even while the bot writes
(the copy is a snapshot of one moment), checked with `PRAGMA integrity_check`, and written to
a temporary file first, so a half-made backup never carries the final name.

A restore refuses a copy that is damaged or that was made under another SECRET_KEY (the
bot could not read its sealed data), and refuses while a bot runs on the database.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bot.crypto import Keyring
from bot.db.offline import integrity_ok, make_self_contained
from bot.ops.instance import instance_lock, verify_key

PAGES_PER_STEP = 256  # copy in steps, so the running bot's writes are not held up for long


class BackupError(RuntimeError):
    """The copy is damaged or not a database."""


def _copy(source: Path, target: Path) -> None:
    temp = target.with_name(target.name + ".part")
    temp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(temp)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            make_self_contained(dst)
        finally:
            dst.close()
    finally:
        src.close()
    check(temp)
    os.replace(temp, target)


def check(path: Path) -> None:
    """Raise BackupError unless `path` is a whole SQLite database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            whole = integrity_ok(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(type(exc).__name__) from exc
    if not whole:
        raise BackupError("integrity_check")


def backup(database: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(database, target)


def restore(copy: Path, database: Path, keyring: Keyring) -> None:
    """Put `copy` in place of `database`. Raises BackupError, KeyMismatchError or
    InstanceBusyError (the bot must be stopped first)."""
    check(copy)
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        verify_key(conn, keyring)
    finally:
        conn.close()
    with instance_lock(database):
        for stale in ("-wal", "-shm"):
            database.with_name(database.name + stale).unlink(missing_ok=True)
        _copy(copy, database)
