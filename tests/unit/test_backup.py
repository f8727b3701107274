"""Backups while the bot writes, restores that refuse a foreign key or a running bot, and
one bot per database (bot/ops)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.crypto import Keyring
from bot.ops.backup import BackupError, backup, check, restore
from bot.ops.instance import (
    InstanceBusyError,
    KeyMismatchError,
    instance_lock,
    key_check,
)
from tests.conftest import TEST_SECRET

OTHER_SECRET = "22" * 32


def make_database(path: Path, secret: str = TEST_SECRET, rows: int = 100) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE instance (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute(
            "INSERT INTO instance VALUES ('key_check', ?)",
            (key_check(Keyring.from_setting(secret)),),
        )
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, body BLOB)")
        conn.executemany(
            "INSERT INTO events (body) VALUES (?)", [(os.urandom(200),) for _ in range(rows)]
        )


def count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def test_a_backup_taken_while_writing_is_whole_and_consistent(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    make_database(live, rows=2000)
    stop = threading.Event()
    written = 0

    def writer() -> None:
        nonlocal written
        conn = sqlite3.connect(live, timeout=30, isolation_level=None)
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO events (body) VALUES (?)", (os.urandom(200),))
            conn.execute("INSERT INTO events (body) VALUES (?)", (os.urandom(200),))
            conn.execute("COMMIT")  # rows arrive in pairs: a torn copy would hold an odd count
            written += 2
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.05)
        copies = []
        for n in range(3):
            target = tmp_path / f"copy-{n}.sqlite3"
            backup(live, target)
            copies.append(target)
    finally:
        stop.set()
        thread.join()
    assert written > 0
    for target in copies:
        check(target)
        rows = count(target)
        assert rows >= 2000 and rows % 2 == 0
        assert not target.with_name(target.name + ".part").exists()


def test_a_restore_puts_the_copy_in_place(tmp_path: Path) -> None:
    live, copy = tmp_path / "live.sqlite3", tmp_path / "copy.sqlite3"
    make_database(live, rows=10)
    backup(live, copy)
    with sqlite3.connect(live) as conn:
        conn.execute("DELETE FROM events")
    assert count(live) == 0
    restore(copy, live, Keyring.from_setting(TEST_SECRET))
    assert count(live) == 10


def test_a_restore_refuses_a_copy_made_under_another_key(tmp_path: Path) -> None:
    live, copy = tmp_path / "live.sqlite3", tmp_path / "foreign.sqlite3"
    make_database(live, rows=10)
    make_database(copy, secret=OTHER_SECRET, rows=3)
    with pytest.raises(KeyMismatchError):
        restore(copy, live, Keyring.from_setting(TEST_SECRET))
    assert count(live) == 10  # untouched


def test_a_restore_refuses_a_damaged_copy(tmp_path: Path) -> None:
    live, copy = tmp_path / "live.sqlite3", tmp_path / "damaged.sqlite3"
    make_database(live, rows=10)
    copy.write_bytes(b"not a database" * 100)
    with pytest.raises(BackupError):
        restore(copy, live, Keyring.from_setting(TEST_SECRET))
    assert count(live) == 10


def test_a_restore_refuses_while_a_bot_runs(tmp_path: Path) -> None:
    live, copy = tmp_path / "live.sqlite3", tmp_path / "copy.sqlite3"
    make_database(live, rows=10)
    backup(live, copy)
    with instance_lock(live), pytest.raises(InstanceBusyError):
        restore(copy, live, Keyring.from_setting(TEST_SECRET))
    restore(copy, live, Keyring.from_setting(TEST_SECRET))  # once the bot is gone


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    live, copy = tmp_path / "data" / "adal.sqlite3", tmp_path / "backups" / "adal.sqlite3"
    live.parent.mkdir()
    env = {"DATABASE_PATH": str(live), "SECRET_KEY": TEST_SECRET}
    assert run_cli("migrate", **env).returncode == 0
    made = run_cli("backup", str(copy), **env)
    assert made.returncode == 0, made.stderr
    assert str(copy) in made.stdout and copy.exists()
    foreign = run_cli("restore", str(copy), **{**env, "SECRET_KEY": OTHER_SECRET})
    assert foreign.returncode == 0  # a fresh migrate stores no key check: nothing to refuse
    with sqlite3.connect(copy) as conn:
        conn.execute(
            "INSERT INTO instance VALUES ('key_check', ?)",
            (key_check(Keyring.from_setting(TEST_SECRET)),),
        )
    refused = run_cli("restore", str(copy), **{**env, "SECRET_KEY": OTHER_SECRET})
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert str(copy) in refused.stderr
    assert run_cli("restore", str(copy), **env).returncode == 0


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_a_second_bot_on_the_same_database_is_refused(tmp_path: Path) -> None:
    live = tmp_path / "adal.sqlite3"
    env = {
        "DATABASE_PATH": str(live),
        "SECRET_KEY": TEST_SECRET,
        "BOT_TOKEN": "123:FAKE",
        "TELEGRAM_API_BASE": "http://127.0.0.1:9",
    }
    with instance_lock(live):
        result = run_cli("run", **env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and str(live) in result.stderr


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_a_bot_started_with_another_key_is_refused(tmp_path: Path) -> None:
    live = tmp_path / "adal.sqlite3"
    assert run_cli("migrate", DATABASE_PATH=str(live), SECRET_KEY=OTHER_SECRET).returncode == 0
    with sqlite3.connect(live) as conn:  # what the first run under the other key stored
        conn.execute(
            "INSERT INTO instance VALUES ('key_check', ?)",
            (key_check(Keyring.from_setting(OTHER_SECRET)),),
        )
    env = {
        "DATABASE_PATH": str(live),
        "SECRET_KEY": TEST_SECRET,
        "BOT_TOKEN": "123:FAKE",
        "TELEGRAM_API_BASE": "http://127.0.0.1:9",
    }
    result = run_cli("run", **env)
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr
