"""Moderation data: assignment, notes, bans, posted card copies and the queue."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.connection import Database
from bot.db.repositories.reports import Report, report_from_row
from bot.domain import CLOSED_STATUSES


@dataclass(frozen=True, slots=True)
class Note:
    moderator_id: int
    body: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Card:
    chat_key: str
    chat_id_enc: bytes
    message_id: int


@dataclass(frozen=True, slots=True)
class QueueFilter:
    regions: frozenset[str] | None  # the moderator's scope; None = everywhere
    region: str | None = None
    area: str | None = None
    status: str | None = None  # None = all open statuses
    assignee: int | None = None  # "mine"
    unassigned: bool = False
    newest_first: bool = True


class ModerationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def assign(self, report_id: int, moderator_id: int | None, at: str) -> None:
        await self._db.execute(
            "UPDATE reports SET assignee = ?, updated_at = ? WHERE id = ?",
            (moderator_id, at, report_id),
        )

    async def touch(self, report_id: int, at: str) -> None:
        """Record activity; the first one is the case's first response."""
        await self._db.execute(
            "UPDATE reports SET updated_at = ?, first_response_at = COALESCE(first_response_at, ?)"
            " WHERE id = ?",
            (at, at, report_id),
        )

    async def add_note(self, report_id: int, moderator_id: int, body: str, at: str) -> None:
        await self._db.execute(
            "INSERT INTO report_notes (report_id, moderator_id, body, created_at)"
            " VALUES (?, ?, ?, ?)",
            (report_id, moderator_id, body, at),
        )

    async def notes(self, report_id: int) -> list[Note]:
        rows = await self._db.fetchall(
            "SELECT moderator_id, body, created_at FROM report_notes WHERE report_id = ?"
            " ORDER BY id",
            (report_id,),
        )
        return [Note(r["moderator_id"], r["body"], r["created_at"]) for r in rows]

    async def ban(self, pseudonym: str, report_id: int | None, at: str) -> bool:
        """`report_id`: the case that led to it, or None for a ban by refusal tag."""
        changed = await self._db.execute(
            "INSERT OR IGNORE INTO banned_reporters (pseudonym, case_id, banned_at)"
            " VALUES (?, ?, ?)",
            (pseudonym, report_id, at),
        )
        return bool(changed)

    async def unban(self, pseudonym: str) -> bool:
        return bool(
            await self._db.execute(
                "DELETE FROM banned_reporters WHERE pseudonym = ?", (pseudonym,)
            )
        )

    async def add_card_copy(
        self, report_id: int, chat_key: str, chat_id_enc: bytes, message_id: int
    ) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO card_copies (report_id, chat_key, chat_id_enc, message_id)"
            " VALUES (?, ?, ?, ?)",
            (report_id, chat_key, chat_id_enc, message_id),
        )

    async def card_copies(self, report_id: int, chat_key: str | None = None) -> list[Card]:
        sql = "SELECT chat_key, chat_id_enc, message_id FROM card_copies WHERE report_id = ?"
        params: list[object] = [report_id]
        if chat_key is not None:
            sql += " AND chat_key = ?"
            params.append(chat_key)
        rows = await self._db.fetchall(sql + " ORDER BY message_id", params)
        return [Card(r["chat_key"], r["chat_id_enc"], r["message_id"]) for r in rows]

    async def remove_card_copy(self, report_id: int, chat_key: str, message_id: int) -> None:
        await self._db.execute(
            "DELETE FROM card_copies WHERE report_id = ? AND chat_key = ? AND message_id = ?",
            (report_id, chat_key, message_id),
        )

    async def queue(self, flt: QueueFilter, offset: int, limit: int) -> tuple[list[Report], int]:
        where, params = _queue_where(flt, tallies=False)
        order = "DESC" if flt.newest_first else "ASC"
        # The count sums report_tallies (kept by triggers, see 0010_indexes.sql): counting
        # the open cases of a million reports row by row takes a second.
        tally_where, _ = _queue_where(flt, tallies=True)
        total = await self._db.fetchone(
            f"SELECT COALESCE(SUM(n), 0) AS n FROM report_tallies WHERE {tally_where}", params
        )
        # Newest (or oldest) first along the primary key: the page is found within the
        # first few thousand rows for every filter the queue offers.
        rows = await self._db.fetchall(
            f"SELECT * FROM reports WHERE {where} ORDER BY id {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [report_from_row(r) for r in rows], int(total["n"]) if total else 0


def _queue_where(flt: QueueFilter, *, tallies: bool) -> tuple[str, list[object]]:
    """Conditions on the columns reports and report_tallies share (region, area, status,
    assignee), with the same parameters for both (in report_tallies, nobody is assignee 0)."""
    where: list[str] = ["1 = 1"]
    params: list[object] = []
    if flt.regions is not None:
        where.append(f"region IN ({','.join('?' * len(flt.regions))})")
        params += sorted(flt.regions)
    if flt.region:
        where.append("region = ?")
        params.append(flt.region)
    if flt.area:
        where.append("area = ?")
        params.append(flt.area)
    if flt.status:
        where.append("status = ?")
        params.append(flt.status)
    else:
        where.append(f"status NOT IN ({', '.join(repr(s) for s in CLOSED_STATUSES)})")
    if flt.assignee is not None:
        where.append("assignee = ?")
        params.append(flt.assignee)
    if flt.unassigned:
        where.append("assignee = 0" if tallies else "assignee IS NULL")
    return " AND ".join(where), params
