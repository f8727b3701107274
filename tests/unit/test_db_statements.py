"""Each statement is one trip to aiosqlite's thread, and reads what aiosqlite's cursor read."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import aiosqlite
import pytest
from aiogram import Dispatcher

from bot.db.connection import Database
from tests.conftest import Chat
from tests.fake_session import FakeBot
from tests.unit.test_interactions import count


@pytest.fixture
async def scratch(db: Database) -> AsyncIterator[Database]:
    await db.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, word TEXT NOT NULL)")
    yield db


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The functions sent to aiosqlite's thread, in order."""
    sent: list[Any] = []
    real = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(fn)
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return sent


async def test_every_kind_of_statement_is_one_trip(scratch: Database, trips: list[Any]) -> None:
    new_id = await scratch.insert("INSERT INTO scratch (word) VALUES (?)", ("бір",))
    await scratch.insert("INSERT INTO scratch (word) VALUES (?)", ("екі",))
    changed = await scratch.execute("UPDATE scratch SET word = word || '!'")
    one = await scratch.fetchone("SELECT word FROM scratch WHERE id = ?", (new_id,))
    every = await scratch.fetchall("SELECT word FROM scratch ORDER BY id")
    none = await scratch.fetchone("SELECT word FROM scratch WHERE id = -1")

    assert len(trips) == 6
    assert new_id == 1 and changed == 2
    assert one is not None and one["word"] == "бір!"
    assert [row["word"] for row in every] == ["бір!", "екі!"]
    assert none is None


async def test_fetchone_reads_the_first_row_only_like_a_cursor(scratch: Database) -> None:
    for word in ("a", "b", "c"):
        await scratch.insert("INSERT INTO scratch (word) VALUES (?)", (word,))
    row = await scratch.fetchone("SELECT word FROM scratch ORDER BY id DESC")
    cursor = await scratch.conn.execute("SELECT word FROM scratch ORDER BY id DESC")
    expected = await cursor.fetchone()
    await cursor.close()
    assert row is not None and expected is not None
    assert tuple(row) == tuple(expected) == ("c",)


async def test_errors_reach_the_caller_and_the_connection_goes_on(scratch: Database) -> None:
    await scratch.insert("INSERT INTO scratch (id, word) VALUES (1, 'a')")
    with pytest.raises(sqlite3.IntegrityError):
        await scratch.insert("INSERT INTO scratch (id, word) VALUES (1, 'b')")
    with pytest.raises(sqlite3.OperationalError):
        await scratch.fetchall("SELECT nothing FROM scratch")
    async with scratch.transaction():
        await scratch.execute("UPDATE scratch SET word = 'c'")
    row = await scratch.fetchone("SELECT word FROM scratch")
    assert row is not None and row["word"] == "c"


async def test_a_whole_report_stays_within_its_trips_to_sqlite(
    chat: Chat, dp: Dispatcher, bot: FakeBot, trips: list[Any]
) -> None:
    """Onboarding and the shortest anonymous report, through the dispatcher: each trip is a
    hand-over between threads that waits for the GIL when the bot is busy, and the Submit
    press is the step every person waits on. Three trips per read made it 102; now 59."""
    await count(chat, dp, bot, 903, "shortest")
    assert len(trips) <= 64, len(trips)
