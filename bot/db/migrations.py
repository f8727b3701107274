"""Numbered `.sql` migrations, applied in order, each in its own transaction, and checksummed.

An applied file must never change: editing history would leave databases in the field with a
schema nobody can reproduce, so a changed checksum stops the bot instead of guessing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.db.connection import Database

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    def __init__(self, reason: str, filename: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.reason = reason
        self.filename = filename


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    filename: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError("bad file name, expected NNNN_name.sql", path.name)
        found.append(Migration(int(match.group(1)), path.name, path.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migrations share a number", directory.name)
    return found


async def apply_migrations(db: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply what is new; return the file names applied now."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, filename TEXT NOT NULL,"
        " checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    applied = {row["version"]: row for row in await db.fetchall("SELECT * FROM schema_migrations")}
    done: list[str] = []
    for migration in discover(directory):
        row = applied.get(migration.version)
        if row is not None:
            if row["checksum"] != migration.checksum:
                raise MigrationError("edited after it was applied", migration.filename)
            continue
        await _apply_one(db, migration)
        done.append(migration.filename)
    return done


async def _apply_one(db: Database, migration: Migration) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        await db.run_migration(
            migration.sql,
            "INSERT INTO schema_migrations (version, filename, checksum, applied_at)"
            " VALUES (?, ?, ?, ?)",
            (migration.version, migration.filename, migration.checksum, stamp),
        )
    except Exception as exc:
        raise MigrationError(f"failed: {exc}", migration.filename) from exc
