"""The users table. Rows are keyed by pseudonym; the chat id is stored sealed."""

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


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, pseudonym: str) -> UserRecord | None:
        row = await self._db.fetchone("SELECT * FROM users WHERE pseudonym = ?", (pseudonym,))
        return _record(row) if row else None

    async def create(
        self, pseudonym: str, chat_id_enc: bytes, today: date, locale: str | None = None
    ) -> UserRecord:
        """Insert once; a concurrent duplicate insert keeps the first row."""
        await self._db.execute(
            "INSERT OR IGNORE INTO users (pseudonym, chat_id_enc, locale, first_seen)"
            " VALUES (?, ?, ?, ?)",
            (pseudonym, chat_id_enc, locale, today.isoformat()),
        )
        record = await self.get(pseudonym)
        assert record is not None
        return record

    async def set_locale(self, pseudonym: str, locale: str) -> None:
        await self._db.execute(
            "UPDATE users SET locale = ? WHERE pseudonym = ?", (locale, pseudonym)
        )

    async def set_region(self, pseudonym: str, region: str) -> None:
        await self._db.execute(
            "UPDATE users SET region = ? WHERE pseudonym = ?", (region, pseudonym)
        )

    async def set_active(self, pseudonym: str, active: bool) -> None:
        await self._db.execute(
            "UPDATE users SET is_active = ? WHERE pseudonym = ? AND is_active != ?",
            (int(active), pseudonym, int(active)),
        )
