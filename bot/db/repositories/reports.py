"""Reports, their evidence, status history and case thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    kind: str  # photo | document | video
    file_id: str
    mime_type: str | None = None
    cleaned: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFields:
    """What the reporter gave, and what filing adds before the case has a number."""

    region: str
    area: str
    settlement: str
    description: str
    occurred: str
    involved: str | None
    amount: int | None
    latitude: float | None
    longitude: float | None
    anonymity: str
    reporter: str | None
    phone_enc: bytes | None
    locale: str
    code_locator: str | None
    code_salt: bytes | None
    code_hash: bytes | None
    created_at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReport(ReportFields):
    evidence: Sequence[EvidenceFile] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Report(ReportFields):
    id: int
    case_number: str
    status: str
    assignee: int | None = None  # moderators.id
    first_response_at: str | None = None
    updated_at: str | None = None
    erased_on: str | None = None  # UTC date the retention job erased the case's text


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: str
    reason: str | None
    duplicate_of: str | None
    actor: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    id: int
    author: str  # moderator | reporter
    kind: str  # question | answer
    body: str | None
    created_at: str
    files: int = 0


_REPORT_COLUMNS = tuple(f.name for f in fields(Report))


def report_from_row(row: sqlite3.Row) -> Report:
    return Report(**{name: row[name] for name in _REPORT_COLUMNS})


def format_case_number(region: str, serial: int) -> str:
    return f"{region.replace('-', '')}-{serial:06d}"


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewReport) -> Report:
        """Number the case and store it with its evidence and first status, all or nothing."""
        async with self._db.transaction():
            counter = await self._db.fetchone(
                "INSERT INTO case_counters (region, last) VALUES (?, 1)"
                " ON CONFLICT (region) DO UPDATE SET last = last + 1 RETURNING last",
                (new.region,),
            )
            assert counter is not None
            report_id = await self._db.insert(
                "INSERT INTO reports (case_number, region, area, settlement, description,"
                " occurred, involved, amount, latitude, longitude, anonymity, reporter, phone_enc,"
                " locale, code_locator, code_salt, code_hash, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?)",
                (
                    format_case_number(new.region, counter[0]),
                    new.region,
                    new.area,
                    new.settlement,
                    new.description,
                    new.occurred,
                    new.involved,
                    new.amount,
                    new.latitude,
                    new.longitude,
                    new.anonymity,
                    new.reporter,
                    new.phone_enc,
                    new.locale,
                    new.code_locator,
                    new.code_salt,
                    new.code_hash,
                    new.created_at,
                ),
            )
            for e in new.evidence:
                await self._db.execute(
                    "INSERT INTO report_evidence (report_id, kind, file_id, mime_type, cleaned)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (report_id, e.kind, e.file_id, e.mime_type, int(e.cleaned)),
                )
            await self._db.execute(
                "INSERT INTO report_status_history (report_id, status, created_at)"
                " VALUES (?, 'received', ?)",
                (report_id, new.created_at),
            )
            report = await self.get(report_id)
        assert report is not None
        return report

    async def get(self, report_id: int) -> Report | None:
        row = await self._db.fetchone("SELECT * FROM reports WHERE id = ?", (report_id,))
        return report_from_row(row) if row else None

    async def get_by_case(self, case_number: str) -> Report | None:
        row = await self._db.fetchone(
            "SELECT * FROM reports WHERE case_number = ?", (case_number.upper(),)
        )
        return report_from_row(row) if row else None

    async def get_by_locator(self, locator: str) -> Report | None:
        row = await self._db.fetchone("SELECT * FROM reports WHERE code_locator = ?", (locator,))
        return report_from_row(row) if row else None

    async def reporter_banned(self, pseudonym: str) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM banned_reporters WHERE pseudonym = ?", (pseudonym,)
        )
        return row is not None

    async def locator_taken(self, locator: str) -> bool:
        row = await self._db.fetchone("SELECT 1 FROM reports WHERE code_locator = ?", (locator,))
        return row is not None

    async def by_reporter(self, pseudonym: str, limit: int = 50, offset: int = 0) -> list[Report]:
        rows = await self._db.fetchall(
            "SELECT * FROM reports WHERE reporter = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (pseudonym, limit, offset),
        )
        return [report_from_row(row) for row in rows]

    async def count_by_reporter(self, pseudonym: str) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM reports WHERE reporter = ?", (pseudonym,)
        )
        return int(row["n"]) if row else 0

    async def evidence(self, report_id: int) -> list[EvidenceFile]:
        rows = await self._db.fetchall(
            "SELECT kind, file_id, mime_type, cleaned FROM report_evidence"
            " WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [
            EvidenceFile(r["kind"], r["file_id"], r["mime_type"], bool(r["cleaned"])) for r in rows
        ]

    async def original_evidence_count(self, report_id: int) -> int:
        """Files filed with the report, not those added later in the thread."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM report_evidence WHERE report_id = ? AND message_id IS NULL",
            (report_id,),
        )
        return int(row["n"]) if row else 0

    async def history(self, report_id: int) -> list[StatusChange]:
        rows = await self._db.fetchall(
            "SELECT status, reason, duplicate_of, actor, created_at FROM report_status_history"
            " WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [
            StatusChange(r["status"], r["reason"], r["duplicate_of"], r["actor"], r["created_at"])
            for r in rows
        ]

    async def thread(self, report_id: int) -> list[ThreadMessage]:
        rows = await self._db.fetchall(
            "SELECT m.id, m.author, m.kind, m.body, m.created_at,"
            " (SELECT COUNT(*) FROM report_evidence e WHERE e.message_id = m.id) AS files"
            " FROM report_messages m WHERE m.report_id = ? ORDER BY m.id",
            (report_id,),
        )
        return [
            ThreadMessage(r["id"], r["author"], r["kind"], r["body"], r["created_at"], r["files"])
            for r in rows
        ]

    async def set_status(
        self,
        report_id: int,
        status: str,
        reason: str | None,
        duplicate_of: str | None,
        actor: str | None,
        at: str,
    ) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE reports SET status = ? WHERE id = ?", (status, report_id)
            )
            await self._db.execute(
                "INSERT INTO report_status_history"
                " (report_id, status, reason, duplicate_of, actor, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (report_id, status, reason, duplicate_of, actor, at),
            )

    async def add_message(
        self,
        report_id: int,
        author: str,
        kind: str,
        body: str | None,
        actor: str | None,
        at: str,
        files: Sequence[EvidenceFile] = (),
    ) -> int:
        async with self._db.transaction():
            message_id = await self._db.insert(
                "INSERT INTO report_messages (report_id, author, kind, body, actor, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (report_id, author, kind, body, actor, at),
            )
            for f in files:
                await self._db.execute(
                    "INSERT INTO report_evidence"
                    " (report_id, kind, file_id, mime_type, cleaned, message_id)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (report_id, f.kind, f.file_id, f.mime_type, int(f.cleaned), message_id),
                )
        return message_id
