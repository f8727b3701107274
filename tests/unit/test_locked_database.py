"""Another process locks the database (issue 14 §4): a backup tool, an sqlite3 shell, a second
copy of the bot started by mistake.

A lock shorter than the bot's wait (busy_timeout, 5 s) costs only time: the action goes through
once. A longer one fails the action like any storage problem: the person is told their action
was not saved and to try again, one log line names the incident, nothing is half-written, and
the same press works once the lock is gone. At start-up it is one bilingual line, no traceback.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery
from aiogram.utils.i18n import I18n

from bot import __main__ as entry
from bot.db import connection
from bot.db.connection import Database
from tests import updates as u
from tests.conftest import TEST_SECRET, Chat, translate
from tests.unit.test_report_flow import file_report, onboard, rp
from tests.unit.test_storage_faults import NOT_SAVED

# Holds a write lock from another process until told to let go (a line on stdin), or for the
# given number of seconds.
LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
if float(sys.argv[2]) > 0:
    time.sleep(float(sys.argv[2]))
else:
    sys.stdin.readline()
conn.execute("COMMIT")
conn.close()
"""


@asynccontextmanager
async def locked(path: Path, seconds: float = 0) -> AsyncIterator[asyncio.subprocess.Process]:
    """The database locked by another process; with `seconds` 0, until the block ends."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LOCKER,
        str(path),
        str(seconds),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdin is not None
    assert (await process.stdout.readline()).strip() == b"locked"
    try:
        yield process
    finally:
        if seconds == 0:
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        assert await process.wait() == 0


async def reports(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) AS n FROM reports")
    assert row is not None
    return int(row["n"])


async def test_a_short_lock_only_delays_the_submit(
    chat: Chat, db: Database, db_path: Path, i18n: I18n, caplog: pytest.LogCaptureFixture
) -> None:
    person = u.user(901, "ru")
    await onboard(chat, person, "ru")
    await file_report(chat, i18n, person, "confidential", "ru")
    with caplog.at_level(logging.WARNING):
        async with locked(db_path, seconds=1.5):
            started = time.monotonic()
            shown = await chat.texts(u.callback(person, rp("submit")))
            waited = time.monotonic() - started
    assert waited > 0.5  # it really waited for the other process (the lock began first)
    assert any("KZ27-000001" in text for text in shown)
    assert await reports(db) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_long_lock_fails_the_press_calmly_and_the_next_press_files_once(
    chat: Chat, db: Database, db_path: Path, i18n: I18n, caplog: pytest.LogCaptureFixture
) -> None:
    person = u.user(902, "kk")
    await onboard(chat, person, "kk")
    await file_report(chat, i18n, person, "anonymous", "kk")
    await db.execute("PRAGMA busy_timeout = 200")  # the bot's 5 s, shortened for the test
    with caplog.at_level(logging.INFO):
        async with locked(db_path):
            first = await chat.send(u.callback(person, rp("submit")))
            again = await chat.send(u.callback(person, rp("submit")))
    for replies in (first, again):
        alerts = [r.text for r in replies if isinstance(r, AnswerCallbackQuery)]
        assert alerts == [translate(i18n, NOT_SAVED, "kk")]
    assert await reports(db) == 0  # nothing half-written
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert lines == [lines[0]] and "storage busy" in lines[0]  # one line for the incident
    assert "Traceback" not in caplog.text
    # The lock is gone: the same button files the report, once, with its code.
    shown = await chat.texts(u.callback(person, rp("submit")))
    assert any("KZ27-000001" in text for text in shown)
    assert await reports(db) == 1


async def test_a_lock_at_start_up_is_one_line_in_both_languages(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    i18n: I18n,
) -> None:
    path = tmp_path / "adal.sqlite3"
    first = await Database.open(path)  # the file exists, in WAL mode, as a running bot left it
    await first.close()
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    settings = entry.Settings(_env_file=None, bot_token="42:TEST-TOKEN")
    async with locked(path):
        with pytest.raises(SystemExit) as stopped:
            await entry.migrate(settings)
    assert stopped.value.code == entry.EXIT_STORAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and str(path) in err
    for locale in ("kk", "ru"):
        msgid = entry.console.STORAGE["busy"]._args[0]  # a lazy string: its msgid
        said = translate(i18n, msgid, locale).format(path=path)
        assert said in err
