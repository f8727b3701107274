"""Monitoring tasks, what happened to them, and the findings volunteers submit."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.db.connection import Database
from bot.db.repositories.reports import EvidenceFile


@dataclass(frozen=True, slots=True)
class NewTask:
    region: str
    skill: str
    title: str
    instructions: str
    lot: str | None
    source_case: int | None
    creator: int
    deadline: str


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    region: str
    skill: str
    title: str
    instructions: str
    lot: str | None
    source_case: int | None  # for moderators only: never shown to volunteers
    creator: int
    deadline: str
    status: str
    assignee: int | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Finding:
    id: int
    task_id: int
    volunteer_id: int | None
    body: str
    status: str
    comment: str | None
    submitted_at: str
    attached: bool
    files: int


@dataclass(frozen=True, slots=True)
class TaskEvent:
    kind: str
    body: str | None
    created_at: str


def _task(row: sqlite3.Row) -> Task:
    return Task(**{name: row[name] for name in Task.__dataclass_fields__})


def _finding(row: sqlite3.Row) -> Finding:
    return Finding(
        row["id"],
        row["task_id"],
        row["volunteer_id"],
        row["body"],
        row["status"],
        row["comment"],
        row["submitted_at"],
        bool(row["attached"]),
        row["files"],
    )


_FINDING = (
    "SELECT f.*, (SELECT COUNT(*) FROM finding_files x WHERE x.finding_id = f.id) AS files"
    " FROM task_findings f"
)
OPEN_FOR_VOLUNTEER = ("offered", "in_progress", "submitted")


class TaskRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewTask, status: str, at: str) -> int:
        return await self._db.insert(
            "INSERT INTO volunteer_tasks (region, skill, title, instructions, lot, source_case,"
            " creator, deadline, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.region,
                new.skill,
                new.title,
                new.instructions,
                new.lot,
                new.source_case,
                new.creator,
                new.deadline,
                status,
                at,
                at,
            ),
        )

    async def get(self, task_id: int) -> Task | None:
        row = await self._db.fetchone("SELECT * FROM volunteer_tasks WHERE id = ?", (task_id,))
        return _task(row) if row else None

    async def move(
        self,
        task_id: int,
        to: str,
        *,
        expected: Sequence[str],
        at: str,
        assignee: int | None,
        only_assignee: int | None = None,
    ) -> bool:
        """The conditional UPDATE every change goes through: it happens only if the task is
        still in one of `expected` (and, with `only_assignee`, still theirs). Of two
        volunteers claiming at the same moment, one sees True and the other False."""
        marks = ", ".join("?" for _ in expected)
        sql = (
            "UPDATE volunteer_tasks SET status = ?, assignee = ?, updated_at = ?"
            f" WHERE id = ? AND status IN ({marks})"
        )
        params: list = [to, assignee, at, task_id, *expected]
        if only_assignee is not None:
            sql += " AND assignee = ?"
            params.append(only_assignee)
        return await self._db.execute(sql, params) == 1

    async def add_event(
        self,
        task_id: int,
        kind: str,
        at: str,
        *,
        volunteer_id: int | None = None,
        moderator_id: int | None = None,
        body: str | None = None,
    ) -> None:
        await self._db.execute(
            "INSERT INTO task_events (task_id, kind, volunteer_id, moderator_id, body,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (task_id, kind, volunteer_id, moderator_id, body, at),
        )

    async def events(self, task_id: int, limit: int = 20) -> list[TaskEvent]:
        rows = await self._db.fetchall(
            "SELECT kind, body, created_at FROM task_events WHERE task_id = ?"
            " ORDER BY id DESC LIMIT ?",
            (task_id, limit),
        )
        return [TaskEvent(r["kind"], r["body"], r["created_at"]) for r in reversed(rows)]

    async def page_for_volunteer(
        self, tab: str, volunteer_id: int, region: str, offset: int, limit: int
    ) -> tuple[list[Task], int]:
        """mine: offered, in progress, submitted; available: the region's pool; done."""
        if tab == "available":
            where, params = "status = 'pool' AND region = ?", (region,)
        elif tab == "done":
            where, params = "status = 'done' AND assignee = ?", (volunteer_id,)
        else:
            marks = ", ".join("?" for _ in OPEN_FOR_VOLUNTEER)
            where = f"status IN ({marks}) AND assignee = ?"
            params = (*OPEN_FOR_VOLUNTEER, volunteer_id)
        total = await self._db.fetchone(
            f"SELECT COUNT(*) AS n FROM volunteer_tasks WHERE {where}", params
        )
        rows = await self._db.fetchall(
            f"SELECT * FROM volunteer_tasks WHERE {where} ORDER BY deadline, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_task(r) for r in rows], int(total["n"]) if total else 0

    async def held_by(self, volunteer_id: int) -> list[Task]:
        marks = ", ".join("?" for _ in OPEN_FOR_VOLUNTEER)
        rows = await self._db.fetchall(
            f"SELECT * FROM volunteer_tasks WHERE assignee = ? AND status IN ({marks})",
            (volunteer_id, *OPEN_FOR_VOLUNTEER),
        )
        return [_task(r) for r in rows]

    async def counts_for(self, volunteer_id: int) -> dict[str, int]:
        rows = await self._db.fetchall(
            "SELECT status, COUNT(*) AS n FROM volunteer_tasks WHERE assignee = ? GROUP BY status",
            (volunteer_id,),
        )
        return {r["status"]: r["n"] for r in rows}

    async def due_for_reminders(self, until: str) -> list[Task]:
        """Held tasks whose deadline falls before `until` (reminders and overdue flags)."""
        rows = await self._db.fetchall(
            "SELECT * FROM volunteer_tasks WHERE status IN ('offered', 'in_progress', 'pool')"
            " AND deadline <= ? ORDER BY id",
            (until,),
        )
        return [_task(r) for r in rows]

    # Findings

    async def add_finding(
        self, task_id: int, volunteer_id: int, body: str, files: Sequence[EvidenceFile], at: str
    ) -> int:
        finding_id = await self._db.insert(
            "INSERT INTO task_findings (task_id, volunteer_id, body, status, submitted_at)"
            " VALUES (?, ?, ?, 'submitted', ?)",
            (task_id, volunteer_id, body, at),
        )
        for item in files:
            await self._db.execute(
                "INSERT INTO finding_files (finding_id, kind, file_id, mime_type, cleaned)"
                " VALUES (?, ?, ?, ?, ?)",
                (finding_id, item.kind, item.file_id, item.mime_type, int(item.cleaned)),
            )
        return finding_id

    async def latest_finding(self, task_id: int) -> Finding | None:
        row = await self._db.fetchone(
            f"{_FINDING} WHERE f.task_id = ? ORDER BY f.id DESC LIMIT 1", (task_id,)
        )
        return _finding(row) if row else None

    async def decide_finding(
        self, finding_id: int, status: str, moderator_id: int, at: str, comment: str | None
    ) -> bool:
        return (
            await self._db.execute(
                "UPDATE task_findings SET status = ?, decided_by = ?, decided_at = ?,"
                " comment = ? WHERE id = ? AND status = 'submitted'",
                (status, moderator_id, at, comment, finding_id),
            )
            == 1
        )

    async def mark_attached(self, finding_id: int) -> bool:
        return (
            await self._db.execute(
                "UPDATE task_findings SET attached = 1 WHERE id = ? AND attached = 0",
                (finding_id,),
            )
            == 1
        )

    async def finding_files(self, finding_id: int) -> list[EvidenceFile]:
        rows = await self._db.fetchall(
            "SELECT kind, file_id, mime_type, cleaned FROM finding_files WHERE finding_id = ?"
            " ORDER BY id",
            (finding_id,),
        )
        return [
            EvidenceFile(r["kind"], r["file_id"], r["mime_type"], bool(r["cleaned"])) for r in rows
        ]

    async def forget_volunteer(self, volunteer_id: int) -> None:
        """Before a volunteer's data is deleted: what is theirs and not accepted goes, and
        progress notes lose their text (the accepted findings stay with their tasks)."""
        await self._db.execute(
            "DELETE FROM task_findings WHERE volunteer_id = ? AND status != 'accepted'",
            (volunteer_id,),
        )
        await self._db.execute(
            "DELETE FROM task_events WHERE volunteer_id = ? AND body IS NOT NULL",
            (volunteer_id,),
        )
