"""One shared aiosqlite connection, serialised by a lock.

The connection runs in autocommit mode and transactions are opened explicitly. Because every
coroutine shares it, a statement issued while another task holds `BEGIN` would silently join
that transaction; the lock makes each call or transaction atomic with respect to the others.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5000
Params = Sequence[Any] | dict[str, Any]


class Database:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._lock = asyncio.Lock()

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
        ):
            await conn.execute(pragma)
        return cls(conn)

    async def close(self) -> None:
        async with self._lock:
            await self.conn.close()

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of changed rows."""
        async with self._lock:
            cursor = await self.conn.execute(sql, params)
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._lock, self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._lock, self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

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

    async def checkpoint(self) -> None:
        async with self._lock:
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


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
