"""Numbered, checksummed migrations (bot/db/migrations.py), the connection's pragmas, and
`python -m bot migrate`."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from bot.db.connection import Database
from bot.db.migrations import MIGRATIONS_DIR, MigrationError, apply_migrations, discover
from tests.conftest import translate

REAL_FILES = sorted(MIGRATIONS_DIR.glob("*.sql"))
FOUNDATION_TABLES = {"users", "inbox", "fsm_state"}
CLI_TIMEOUT = 120  # importing aiogram alone takes seconds on a slow machine


@pytest.fixture
def scratch_dir(tmp_path: Path) -> Path:
    """A copy of the real migrations that a test may edit."""
    directory = tmp_path / "migrations"
    directory.mkdir()
    for path in REAL_FILES:
        shutil.copyfile(path, directory / path.name)
    return directory


@pytest.fixture
async def empty_db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "empty.sqlite3")
    yield database
    await database.close()


async def tables(db: Database) -> set[str]:
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row["name"] for row in rows}


async def schema(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.fetchall("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    return [tuple(row) for row in rows]


async def recorded(db: Database) -> list[tuple[int, str, str]]:
    rows = await db.fetchall(
        "SELECT version, filename, checksum FROM schema_migrations ORDER BY version"
    )
    return [(row["version"], row["filename"], row["checksum"]) for row in rows]


def expected_records(files: list[Path]) -> list[tuple[int, str, str]]:
    return [(int(p.name[:4]), p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files]


def test_real_migrations_are_discovered_in_order() -> None:
    assert REAL_FILES, "no migrations found"
    found = discover()
    assert [m.filename for m in found] == [p.name for p in REAL_FILES]
    assert [m.version for m in found] == sorted({m.version for m in found})


async def test_real_migrations_create_the_tables(empty_db: Database) -> None:
    assert not FOUNDATION_TABLES & await tables(empty_db)
    applied = await apply_migrations(empty_db)
    assert applied == [p.name for p in REAL_FILES]
    assert FOUNDATION_TABLES | {"schema_migrations"} <= await tables(empty_db)


async def test_each_file_is_recorded_with_its_checksum(db: Database) -> None:
    assert await recorded(db) == expected_records(REAL_FILES)
    rows = await db.fetchall("SELECT applied_at FROM schema_migrations")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["applied_at"]) for r in rows)


async def test_reapplying_is_a_noop(db: Database) -> None:
    before = (await schema(db), await recorded(db))
    assert await apply_migrations(db) == []
    assert await apply_migrations(db) == []
    assert (await schema(db), await recorded(db)) == before


async def test_copies_of_applied_files_are_recognised(db: Database, scratch_dir: Path) -> None:
    assert await apply_migrations(db, scratch_dir) == []


async def test_edited_file_is_refused(db: Database, scratch_dir: Path) -> None:
    edited = scratch_dir / REAL_FILES[0].name
    edited.write_text(edited.read_text("utf-8") + "\n-- a harmless comment\n", "utf-8")
    with pytest.raises(MigrationError) as info:
        await apply_migrations(db, scratch_dir)
    assert info.value.reason.startswith("edited")
    assert info.value.filename == edited.name
    assert await recorded(db) == expected_records(REAL_FILES)


async def test_new_migration_is_applied_and_recorded(db: Database, scratch_dir: Path) -> None:
    new = scratch_dir / "9001_extra.sql"
    new.write_text("CREATE TABLE extra (id INTEGER PRIMARY KEY);\n", "utf-8")
    assert await apply_migrations(db, scratch_dir) == ["9001_extra.sql"]
    assert "extra" in await tables(db)
    assert await recorded(db) == expected_records([*REAL_FILES, new])
    assert await apply_migrations(db, scratch_dir) == []


HALF_DONE = "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\nINSERT INTO half_done VALUES (1);\n"


@pytest.mark.parametrize(
    "failure",
    [
        "CREATE TABLEX oops (id INTEGER);",
        "INSERT INTO users (pseudonym) VALUES ('no-chat-id');",  # NOT NULL violated
        "SELECT * FROM no_such_table;",
        "INSERT INTO inbox (update_id) VALUES (1);\nINSERT INTO inbox (update_id) VALUES (1);",
    ],
    ids=["syntax", "constraint", "missing-table", "duplicate-key"],
)
async def test_failed_migration_leaves_the_database_as_before(
    db: Database, scratch_dir: Path, failure: str
) -> None:
    broken = scratch_dir / "9001_broken.sql"
    broken.write_text(HALF_DONE + failure + "\nCREATE TABLE after_failure (id INTEGER);\n")
    before = (await schema(db), await recorded(db))

    with pytest.raises(MigrationError) as info:
        await apply_migrations(db, scratch_dir)

    assert info.value.filename == "9001_broken.sql"
    assert info.value.reason.startswith("failed")
    assert not db.conn.in_transaction
    assert (await schema(db), await recorded(db)) == before
    assert not {"half_done", "after_failure"} & await tables(db)
    assert await db.fetchall("SELECT * FROM inbox") == []
    # The connection is still usable, and the fixed file applies.
    broken.write_text(HALF_DONE, "utf-8")
    assert await apply_migrations(db, scratch_dir) == ["9001_broken.sql"]
    assert await db.fetchall("SELECT id FROM half_done") != []


async def test_migration_ending_in_an_open_comment_is_not_half_applied(
    tmp_path: Path, scratch_dir: Path
) -> None:
    (scratch_dir / "9001_comment.sql").write_text(
        "CREATE TABLE extra (id INTEGER);\n/* forgot to close this comment\n", "utf-8"
    )
    path = tmp_path / "comment.sqlite3"
    database = await Database.open(path)
    try:
        try:
            applied = await apply_migrations(database, scratch_dir)
        except MigrationError:
            applied = []
        left_open = database.conn.in_transaction
    finally:
        await database.close()
    reopened = await Database.open(path)
    try:
        versions = [version for version, _, _ in await recorded(reopened)]
    finally:
        await reopened.close()
    assert not left_open
    assert ("9001_comment.sql" in applied) == (9001 in versions)


@pytest.mark.parametrize(
    "name",
    ["1_init.sql", "0002-init.sql", "0002_Init.sql", "00002_init.sql", "0002_.sql", "02_x.sql"],
)
async def test_bad_file_names_are_refused(empty_db: Database, tmp_path: Path, name: str) -> None:
    directory = tmp_path / "bad"
    directory.mkdir()
    shutil.copyfile(REAL_FILES[0], directory / REAL_FILES[0].name)
    (directory / name).write_text("CREATE TABLE never (id INTEGER);\n", "utf-8")

    with pytest.raises(MigrationError) as info:
        discover(directory)
    assert info.value.filename == name
    with pytest.raises(MigrationError):
        await apply_migrations(empty_db, directory)
    assert not (FOUNDATION_TABLES | {"never"}) & await tables(empty_db)  # nothing applied


async def test_two_files_with_one_number_are_refused(empty_db: Database, tmp_path: Path) -> None:
    directory = tmp_path / "dupes"
    directory.mkdir()
    (directory / "0001_a.sql").write_text("CREATE TABLE a (id INTEGER);\n", "utf-8")
    (directory / "0001_b.sql").write_text("CREATE TABLE b (id INTEGER);\n", "utf-8")
    with pytest.raises(MigrationError, match="share a number"):
        await apply_migrations(empty_db, directory)
    assert not {"a", "b"} & await tables(empty_db)


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("foreign_keys", 1),
        ("secure_delete", 1),
        ("synchronous", 1),  # NORMAL
    ],
)
async def test_connection_pragmas(db: Database, pragma: str, expected: object) -> None:
    row = await db.fetchone(f"PRAGMA {pragma}")
    assert row is not None
    assert row[0] == expected


async def test_busy_timeout_is_set(db: Database) -> None:
    row = await db.fetchone("PRAGMA busy_timeout")
    assert row is not None
    assert row[0] > 0


async def test_foreign_keys_are_enforced(db: Database) -> None:
    await db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await db.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))")
    with pytest.raises(Exception, match="FOREIGN KEY"):
        await db.execute("INSERT INTO child VALUES (1)")


def run_cli(*args: str, cwd: Path, database: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    }
    env["DATABASE_PATH"] = str(database)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=CLI_TIMEOUT,
        check=False,
    )


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_cli_migrate_applies_then_reports_up_to_date(tmp_path: Path, i18n: I18n) -> None:
    database = tmp_path / "x.sqlite3"
    files = ", ".join(p.name for p in REAL_FILES)
    applied = "".join(
        translate(i18n, "Migrations applied: {files}", locale).format(files=files) + "\n"
        for locale in ("kk", "ru")
    )
    up_to_date = "".join(
        translate(i18n, "The database is up to date.", locale) + "\n" for locale in ("kk", "ru")
    )
    assert applied.count("0001_") == 2 and up_to_date.splitlines()[0] != up_to_date.splitlines()[1]

    first = run_cli("migrate", cwd=tmp_path, database=database)
    assert (first.returncode, first.stdout) == (0, applied), first.stderr
    assert "Traceback" not in first.stderr
    with closing(sqlite3.connect(database)) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
    assert names >= FOUNDATION_TABLES
    assert versions == [int(p.name[:4]) for p in REAL_FILES]

    second = run_cli("migrate", cwd=tmp_path, database=database)
    assert (second.returncode, second.stdout) == (0, up_to_date), second.stderr
    assert "Traceback" not in second.stderr
