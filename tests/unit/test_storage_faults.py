"""Storage faults: a full disk, a read-only database, files removed under the running bot.

Each gets one clear line (bilingual on the console at start-up, one log line per incident
while running), the person whose action failed is told to try later, nothing they entered is
lost, and the bot keeps answering what it can.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery
from aiogram.utils.i18n import I18n

from bot import __main__ as entry
from bot.app import watch_storage
from bot.db.connection import Database, Fetch
from bot.db.health import FileWatch, StorageAlarm, StorageProblem, storage_problem
from bot.db.migrations import apply_migrations
from tests import updates as u
from tests.conftest import TEST_SECRET, Chat, translate
from tests.fake_session import FakeBot
from tests.unit.test_intake import (
    PollingSession,
    make_intake,
    numbered,
    recording_dispatcher,
    run_until,
)
from tests.unit.test_report_flow import file_report, onboard, rp

NOT_SAVED = (
    "We could not save this just now because of a problem on our side. Please try again "
    "in a few minutes; what you entered before is kept."
)


def error_named(name: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("boom")
    exc.sqlite_errorname = name  # what SQLite sets on a real one
    return exc


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("SQLITE_FULL", StorageProblem.FULL),
        ("SQLITE_READONLY", StorageProblem.READONLY),
        ("SQLITE_READONLY_DBMOVED", StorageProblem.READONLY),
        ("SQLITE_IOERR_WRITE", StorageProblem.IO),
        ("SQLITE_CANTOPEN", StorageProblem.CANNOT_OPEN),
        ("SQLITE_NOTADB", StorageProblem.CORRUPT),
        ("SQLITE_BUSY", StorageProblem.BUSY),
        ("SQLITE_CONSTRAINT_UNIQUE", None),
    ],
)
def test_storage_problems_are_named(name: str, problem: StorageProblem | None) -> None:
    assert storage_problem(error_named(name)) == problem
    wrapped = RuntimeError("while filing")
    wrapped.__cause__ = error_named(name)
    assert storage_problem(wrapped) == problem
    assert storage_problem(ValueError("not storage")) is None


async def test_a_real_full_disk_and_a_real_read_only_file_are_recognised(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    await db.execute("CREATE TABLE t (x BLOB)")
    await db.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.OperationalError) as full:
        for _ in range(50):
            await db.execute("INSERT INTO t VALUES (randomblob(4000))")
    assert storage_problem(full.value) is StorageProblem.FULL
    await db.execute("PRAGMA query_only = 1")
    with pytest.raises(sqlite3.OperationalError) as readonly:
        await db.execute("DELETE FROM t")
    assert storage_problem(readonly.value) is StorageProblem.READONLY
    await db.close()


async def test_a_removed_wal_or_a_replaced_file_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "adal.sqlite3"
    db = await Database.open(path)
    await apply_migrations(db)
    watch = db.watch
    assert watch is not None and watch.look() is None
    wal = path.with_name(path.name + "-wal")
    assert wal.exists()
    await db.checkpoint()  # TRUNCATE empties the WAL but keeps the file: still fine
    assert watch.look() is None
    wal.unlink()
    assert watch.look() == "wal"
    await db.close()

    other = tmp_path / "b.sqlite3"
    db = await Database.open(other)
    await db.execute("CREATE TABLE t (x)")
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(other.read_bytes())
    os.replace(copy, other)  # a restore over the running file
    assert db.watch is not None and db.watch.look() == "database"
    await db.close()


async def test_the_bot_stops_when_its_wal_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "adal.sqlite3"
    db = await Database.open(path)
    await apply_migrations(db)
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_storage(db, stop, every=0.05))
    await asyncio.sleep(0.1)
    assert not watcher.done()
    path.with_name(path.name + "-wal").unlink()
    assert await asyncio.wait_for(watcher, timeout=5) is StorageProblem.REPLACED
    assert stop.is_set()
    await db.close()


def test_file_watch_needs_the_database_file(tmp_path: Path) -> None:
    assert FileWatch(tmp_path / "missing.sqlite3").look() == "database"


def run_entry(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_PATH"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, "SECRET_KEY": TEST_SECRET, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_a_database_that_cannot_be_opened_is_explained_not_traced(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.sqlite3"
    folder.mkdir()
    result = run_entry("migrate", DATABASE_PATH=str(folder))
    assert result.returncode == entry.EXIT_STORAGE
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert str(folder) in line and " / " in line  # one line, Kazakh / Russian


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_a_read_only_database_at_start_up_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_open = Database.open

    async def read_only(path: Any) -> Database:
        db = await real_open(path)
        await db.execute("PRAGMA query_only = 1")  # what a read-only file does to writes
        return db

    monkeypatch.setattr(Database, "open", read_only)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "adal.sqlite3"))
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    with pytest.raises(SystemExit) as stopped:
        entry.main(["migrate"])
    assert stopped.value.code == entry.EXIT_STORAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err and "adal.sqlite3" in err


class FullDisk:
    """Every write fails as SQLite fails it on a full disk (SQLITE_FULL); reads still work."""

    def __init__(self, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        real = db._run

        async def run(sql: str, params: Any, fetch: Fetch = Fetch.NONE) -> Any:
            if self.full and sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                raise error_named("SQLITE_FULL")
            return await real(sql, params, fetch)

        monkeypatch.setattr(db, "_run", run)


async def test_a_full_disk_at_submit_loses_nothing_and_says_so(
    chat: Chat,
    db: Database,
    i18n: I18n,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = u.user(811, "ru")
    await onboard(chat, person, "ru")
    await file_report(chat, i18n, person, "confidential", "ru")
    disk = FullDisk(db, monkeypatch)
    disk.full = True
    with caplog.at_level(logging.ERROR):
        first = await chat.send(u.callback(person, rp("submit")))
        again = await chat.send(u.callback(person, rp("submit")))
    for replies in (first, again):
        alerts = [r.text for r in replies if isinstance(r, AnswerCallbackQuery)]
        assert alerts == [translate(i18n, NOT_SAVED, "ru")]
    assert await db.fetchone("SELECT id FROM reports") is None
    storage_lines = [r for r in caplog.records if "storage full" in r.getMessage()]
    assert len(storage_lines) == 1  # one line for the incident, however many updates failed
    assert "Traceback" not in caplog.text
    disk.full = False  # space was freed
    shown = await chat.texts(u.callback(person, rp("submit")))
    assert any("KZ27-000001" in t for t in shown)  # the draft was there all along


async def test_the_intake_keeps_answering_when_the_inbox_cannot_be_written(
    db: Database, keyring: Any, caplog: pytest.LogCaptureFixture
) -> None:
    handled: list[int] = []
    session = PollingSession(_no_ids)
    bot = FakeBot()
    bot.session = session
    dispatcher = recording_dispatcher(handled)
    intake = make_intake(bot, dispatcher, db, keyring, alarm=StorageAlarm())
    await db.execute("PRAGMA query_only = 1")
    session.batches = [[numbered(7, 0), numbered(7, 1)], [numbered(7, 2)]]
    with caplog.at_level(logging.ERROR):
        await run_until(intake, lambda: len(handled) == 3)
    assert handled == [0, 1, 2]
    assert session.offsets[-1] is not None  # Telegram was told to move on
    assert sum("storage readonly" in r.getMessage() for r in caplog.records) == 1


async def _no_ids() -> set[int]:
    return set()
