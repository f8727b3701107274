"""One shared aiosqlite connection, serialised by a lock, with task-owned transactions.

The connection runs in autocommit mode and transactions are opened explicitly. Because every
coroutine shares it, a statement issued while another task holds `BEGIN` would silently join
that transaction; the lock makes each call or transaction atomic with respect to the others.

`transaction()` belongs to the task that opened it: inside it, every `execute`/`fetch*` of that
task (whichever repository issues it) runs in the same transaction, and a nested
`transaction()` joins it. That is what lets a service write a state change, its history, its
audit row and its outbox rows through several repositories and commit them together.

Each statement is one trip to aiosqlite's thread: it runs, and its rows are read, in that
thread (`_run`). aiosqlite's own cursor would take three (execute, fetch, close), and every
trip is a hand-over between threads that, when the event loop is busy, waits for the GIL.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import aiosqlite

from bot.db.health import FileWatch

BUSY_TIMEOUT_MS = 5000
Params = Sequence[Any] | dict[str, Any]


class Fetch(Enum):
    """How many of a statement's rows `_run` reads."""

    NONE = 0
    ONE = 1
    ALL = 2


@dataclass(frozen=True, slots=True)
class Ran:
    """What a statement left: the rows read, the rows changed, the new row's id."""

    rows: list[sqlite3.Row]
    rowcount: int
    lastrowid: int | None


def _statement(conn: sqlite3.Connection, sql: str, params: Params, fetch: Fetch) -> Ran:
    """Runs in aiosqlite's thread: the statement, its rows, and the cursor closed."""
    cursor = conn.execute(sql, params)
    try:
        if fetch is Fetch.ONE:
            row = cursor.fetchone()
            rows = [] if row is None else [row]
        elif fetch is Fetch.ALL:
            rows = cursor.fetchall()
        else:
            rows = []
        return Ran(rows, cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path
        # Notices when the file or its WAL is removed or replaced under the process.
        self.watch = FileWatch(path) if path is not None else None
        self._lock = asyncio.Lock()
        # The task that holds the open transaction, seen from the current context.
        self._owner: contextvars.ContextVar[asyncio.Task[Any] | None] = contextvars.ContextVar(
            f"adal_tx_{id(self)}", default=None
        )
        self._memos: dict[str, OrderedDict[Any, Any]] = {}

    def memo(self, name: str) -> OrderedDict[Any, Any]:
        """An in-memory cache shared by every repository of this database under `name`, so
        a write through one repository object is seen by reads through another."""
        return self._memos.setdefault(name, OrderedDict())

    def in_transaction(self) -> bool:
        """True inside a `transaction()` opened by the current task."""
        owner = self._owner.get()
        return owner is not None and owner is asyncio.current_task()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
            # WAL + NORMAL survives a killed process; only an OS crash may lose the last commit.
            "PRAGMA synchronous=NORMAL",
            # Freed pages are zeroed, so deleted drafts and queued updates leave no residue.
            "PRAGMA secure_delete=ON",
            # Fold the WAL back into the file at about 1 MB (SQLite's default is ~4 MB): a
            # smaller WAL is less to lose if someone deletes it; the app also checkpoints
            # passively on a timer.
            "PRAGMA wal_autocheckpoint=256",
        ):
            await conn.execute(pragma)
        return cls(conn, None if str(path) == ":memory:" else Path(path))

    async def close(self) -> None:
        # A full disk or a connection already gone must not stop a clean close.
        with contextlib.suppress(sqlite3.Error, ValueError):
            await self.optimize()
        async with self._lock:
            await self.conn.close()

    async def optimize(self) -> None:
        """Let SQLite refresh its planner statistics for the tables this connection's queries
        showed would gain (SQLite advises it before closing a long-lived connection, and now
        and then); analysis_limit keeps it to milliseconds on a million-row table."""
        async with self._lock:
            await self.conn.execute("PRAGMA analysis_limit = 400")
            await self.conn.execute("PRAGMA optimize")

    async def _run(self, sql: str, params: Params, fetch: Fetch = Fetch.NONE) -> Ran:
        """The one place a statement reaches SQLite (tests wrap it to inject faults).

        aiosqlite has no public call that runs a statement and reads one row, its change
        count or its row id in one trip (`execute_fetchall` gives only rows); `_execute`, the
        call its own helpers use, runs a function in its thread with the connection.
        """
        conn = self.conn
        return await conn._execute(_statement, conn._conn, sql, params, fetch)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of changed rows."""
        if self.in_transaction():
            return (await self._run(sql, params)).rowcount
        async with self._lock:
            return (await self._run(sql, params)).rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT; return the new row's id."""
        if self.in_transaction():
            return int((await self._run(sql, params)).lastrowid or 0)
        async with self._lock:
            return int((await self._run(sql, params)).lastrowid or 0)

    async def _run_many(self, sql: str, rows: list[Params]) -> None:
        """Many rows in one call to SQLite (tests wrap it to inject faults, like `_run`)."""
        await self.conn.executemany(sql, rows)

    async def insert_many(self, sql: str, rows: list[Params]) -> None:
        """One statement for many rows, in the caller's transaction (or its own)."""
        async with self.transaction():
            await self._run_many(sql, rows)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction():
            for params in rows:
                await self._run(sql, params)

    async def ping(self) -> None:
        """One trivial read: raises if the database cannot be reached (closed, locked, lost)."""
        await self.fetchone("SELECT 1")

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        if self.in_transaction():
            return await self._fetchone(sql, params)
        async with self._lock:
            return await self._fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        if self.in_transaction():
            return await self._fetchall(sql, params)
        async with self._lock:
            return await self._fetchall(sql, params)

    async def _fetchone(self, sql: str, params: Params) -> sqlite3.Row | None:
        rows = (await self._run(sql, params, Fetch.ONE)).rows
        return rows[0] if rows else None

    async def _fetchall(self, sql: str, params: Params) -> list[sqlite3.Row]:
        return (await self._run(sql, params, Fetch.ALL)).rows

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """All or nothing for the current task; a nested call joins the open transaction."""
        if self.in_transaction():
            yield self
            return
        async with self._lock:
            token = self._owner.set(asyncio.current_task())
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                else:
                    await self.conn.execute("COMMIT")
            finally:
                self._owner.reset(token)

    async def run_migration(self, script: str, record_sql: str, record: Params) -> None:
        """Run a migration script and record it in one transaction, or leave no trace.

        The record is a separate statement, not appended to the script: a script ending inside
        an unclosed comment would otherwise swallow it and the COMMIT without an error.
        """
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                # Statement by statement: executescript() would COMMIT first on Python 3.11.
                for statement in split_statements(script):
                    await self.conn.execute(statement)
                if not self.conn.in_transaction:
                    raise sqlite3.OperationalError("a migration must not end the transaction")
                await self.conn.execute(record_sql, record)
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def checkpoint(self, mode: str = "TRUNCATE") -> None:
        """TRUNCATE empties the WAL (after an anonymous filing); PASSIVE only copies what no
        reader needs back into the file, without waiting (the periodic one)."""
        if mode not in ("TRUNCATE", "PASSIVE"):
            raise ValueError(mode)
        async with self._lock:
            await self.conn.execute(f"PRAGMA wal_checkpoint({mode})")


def split_statements(script: str) -> list[str]:
    """Split SQL into complete statements (semicolons inside triggers and strings kept)."""
    statements: list[str] = []
    buffer = ""
    for chunk in script.split(";"):
        buffer += chunk + ";"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer)
            buffer = ""
    tail = buffer[:-1]  # drop the ";" added after the last chunk
    if tail.strip():
        statements.append(tail)  # e.g. a trailing comment; SQLite treats it as a no-op
    return [s for s in statements if s.strip(" \t\r\n;")]
