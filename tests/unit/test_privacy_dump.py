"""A seized copy of the database (WAL included) must not reveal who used the bot."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiogram import Dispatcher

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.inbox import InboxRepository
from bot.intake.durable import DurableIntake
from tests import updates as u
from tests.fake_session import FakeBot
from tests.unit.test_intake import PollingSession, all_ids

PEOPLE = [
    (5_123_456_789, "Гүлнар", "gulnar_oral", "kk"),
    (734_562_118, "Сергей", "sergey_ural", "ru"),
    (1_987_654_321, "Бауыржан", "baur_kz", "en"),
]


def forms_of(number: int) -> list[bytes]:
    """The ways an integer can sit in a SQLite file: as text, or big-/little-endian binary."""
    forms = [str(number).encode()]
    for width in (4, 6, 8):
        if number < 1 << (8 * width - 1):
            forms.append(number.to_bytes(width, "big"))
            forms.append(number.to_bytes(width, "little"))
    return forms


def dump(db_path: Path) -> bytes:
    parts = [db_path.read_bytes()]
    for suffix in ("-wal", "-shm"):
        extra = Path(str(db_path) + suffix)
        if extra.exists():
            parts.append(extra.read_bytes())
    return b"".join(parts)


async def test_onboarding_leaves_no_ids_names_or_usernames(
    dp: Dispatcher, db: Database, db_path: Path, keyring: Keyring
) -> None:
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    for user_id, name, username, lang in PEOPLE:
        person = u.user(user_id, lang, first_name=name, username=username)
        session.batches += [
            [u.text(person, "/start")],
            [u.callback(person, "lang:kk" if lang != "ru" else "lang:ru")],
            [u.callback(person, "reg:KZ-27"), u.text(person, "/privacy")],
        ]
    intake = DurableIntake(
        bot=bot, dispatcher=dp, inbox=InboxRepository(db), keyring=keyring, poll_timeout=0
    )
    stop = asyncio.Event()
    task = asyncio.create_task(intake.run(stop))
    polls_needed = len(session.batches) + 2  # every batch served, then stored and handled
    async with asyncio.timeout(10):
        while len(session.offsets) < polls_needed or await InboxRepository(db).pending():
            await asyncio.sleep(0.02)
    stop.set()
    await task

    users = await db.fetchall("SELECT locale, region FROM users")
    assert len(users) == 3 and {r["region"] for r in users} == {"KZ-27"}
    raw = dump(db_path)
    assert len(raw) > 10_000  # the dump really holds the data pages
    for user_id, name, username, _ in PEOPLE:
        for form in forms_of(user_id):
            assert form not in raw, (user_id, form)
        assert name.encode() not in raw
        assert username.encode() not in raw


def test_forms_of_finds_a_plainly_stored_id(tmp_path: Path) -> None:
    """The detector itself works: an id stored in the clear is found."""
    import sqlite3

    path = tmp_path / "plain.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER, name TEXT)")
        conn.execute("INSERT INTO t VALUES (?, ?)", (5_123_456_789, "Гүлнар"))
    raw = dump(path)
    assert any(form in raw for form in forms_of(5_123_456_789))
    assert "Гүлнар".encode() in raw
