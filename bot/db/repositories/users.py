"""The users table. Rows are keyed by pseudonym; the chat id is stored sealed.

Every update reads its sender's row (bot/middlewares/identity.py), so rows read are kept in a
bounded in-memory cache; every write here drops the row from it, and the next read goes back
to the file. Only this repository writes the table (one bot per database).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class UserRecord:
    pseudonym: str
    chat_id_enc: bytes
    locale: str | None
    region: str | None
    first_seen: str
    is_active: bool

    @property
    def onboarded(self) -> bool:
        return self.locale is not None and self.region is not None


def _record(row: sqlite3.Row) -> UserRecord:
    return UserRecord(
        pseudonym=row["pseudonym"],
        chat_id_enc=row["chat_id_enc"],
        locale=row["locale"],
        region=row["region"],
        first_seen=row["first_seen"],
        is_active=bool(row["is_active"]),
    )


CACHE_SIZE = 10_000


class UserRepository:
    def __init__(self, db: Database, cache_size: int = CACHE_SIZE) -> None:
        self._db = db
        self._cache = db.memo("users")
        self._cache_size = cache_size

    async def get(self, pseudonym: str) -> UserRecord | None:
        """The row, or None; a person not (yet) in the table is remembered as such too."""
        if pseudonym in self._cache:
            self._cache.move_to_end(pseudonym)
            return self._cache[pseudonym]  # None: known to have no row yet
        row = await self._db.fetchone("SELECT * FROM users WHERE pseudonym = ?", (pseudonym,))
        record = _record(row) if row else None
        # Statements run one at a time (the database's lock), so no write of this row landed
        # between the read and here; a row read inside a transaction may not be committed.
        if not self._db.in_transaction():
            self._cache[pseudonym] = record
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return record

    def _forget(self, pseudonym: str) -> None:
        self._cache.pop(pseudonym, None)

    async def create(
        self, pseudonym: str, chat_id_enc: bytes, today: date, locale: str | None = None
    ) -> UserRecord:
        """Insert once; a concurrent duplicate insert keeps the first row."""
        await self._db.execute(
            "INSERT OR IGNORE INTO users (pseudonym, chat_id_enc, locale, first_seen)"
            " VALUES (?, ?, ?, ?)",
            (pseudonym, chat_id_enc, locale, today.isoformat()),
        )
        self._forget(pseudonym)
        record = await self.get(pseudonym)
        assert record is not None
        return record

    async def set_locale(self, pseudonym: str, locale: str) -> None:
        await self._db.execute(
            "UPDATE users SET locale = ? WHERE pseudonym = ?", (locale, pseudonym)
        )
        self._forget(pseudonym)

    async def set_region(self, pseudonym: str, region: str) -> None:
        await self._db.execute(
            "UPDATE users SET region = ? WHERE pseudonym = ?", (region, pseudonym)
        )
        self._forget(pseudonym)

    async def set_active(self, pseudonym: str, active: bool) -> None:
        await self._db.execute(
            "UPDATE users SET is_active = ? WHERE pseudonym = ? AND is_active != ?",
            (int(active), pseudonym, int(active)),
        )
        self._forget(pseudonym)
