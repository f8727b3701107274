"""Reads for the operator's commands (doctor, backup, restore, the start-up key check).

They run on a plain sqlite3 connection, with no bot running or on a copy of the database, so
they cannot use `Database`; their SQL still lives here, with the rest of the SQL. A table that
does not exist yet (a database from before its migration) reads as empty.
"""

from __future__ import annotations

import sqlite3

KEY_CHECK = "key_check"  # the `instance` row that remembers which SECRET_KEY wrote the database


def integrity_ok(conn: sqlite3.Connection) -> bool:
    row = conn.execute("PRAGMA integrity_check").fetchone()
    return row is not None and row[0] == "ok"


def make_self_contained(conn: sqlite3.Connection) -> None:
    """No -wal or -shm beside the file: a copy that travels as one file."""
    conn.execute("PRAGMA journal_mode=DELETE")


def applied_migrations(conn: sqlite3.Connection) -> dict[int, str]:
    """Applied migration versions and their checksums."""
    try:
        return dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())
    except sqlite3.OperationalError:
        return {}


def outbox_backlog(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """How many messages wait, and the stored time the oldest may go at."""
    try:
        depth, oldest = conn.execute("SELECT COUNT(*), MIN(not_before) FROM outbox").fetchone()
    except sqlite3.OperationalError:
        return 0, None
    return int(depth), oldest


def stored_key_check(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT value FROM instance WHERE name = ?", (KEY_CHECK,)).fetchone()
    except sqlite3.OperationalError:  # a database from before the instance table
        return None
    return row[0] if row else None
