"""Monitoring tasks: made by moderators (also from a case), taken by volunteers, reviewed.

A task made from a case keeps the case's id for moderators and nothing else from it: the
title and instructions are the moderator's own words, and no report text, file or reporter
travels into the task, its messages or its findings.

Every change is one conditional UPDATE (`TaskRepository.move`) in the transaction that also
writes the task's history, the audit row and the messages it causes. Two volunteers pressing
"Claim" at the same moment: one UPDATE finds the task still in the pool, the other finds it
taken and is told so politely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.moderators import Moderator, ModeratorRepository
from bot.db.repositories.reports import EvidenceFile, ReportRepository
from bot.db.repositories.trainings import TrainingRepository
from bot.db.repositories.volunteer_tasks import Finding, NewTask, Task, TaskRepository
from bot.db.repositories.volunteers import Volunteer, VolunteerRepository
from bot.domain import Priority
from bot.services.dates import from_db, to_db, utc_now
from bot.services.moderation import ModerationService, NotAllowedError
from bot.services.outbox import Outbox
from bot.services.regions import get_region
from bot.services.volunteers.audit import record, refusal, subject
from bot.services.volunteers.errors import NextSession, TrainingNeededError, VolunteerActionError
from bot.services.volunteers.inputs import check_line, check_text
from bot.services.volunteers.rules import (
    MAX_AHEAD,
    MAX_FINDING_FILES,
    MAX_FINDINGS,
    MAX_INSTRUCTIONS,
    MAX_LOT,
    MAX_PROGRESS,
    MAX_REASON,
    MAX_TITLE,
    PAGE,
    POINTS_FINDINGS_ACCEPTED,
    SKILLS,
    gate_for,
)

TABS = ("mine", "available", "done")


@dataclass(frozen=True, slots=True)
class TaskDraft:
    title: str
    instructions: str
    region: str
    skill: str
    deadline: datetime
    lot: str | None = None
    source_case: int | None = None


@dataclass(frozen=True, slots=True)
class TaskPage:
    tab: str
    tasks: list[Task]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE))


class TaskService:
    def __init__(
        self,
        *,
        db: Database,
        repo: TaskRepository,
        volunteers: VolunteerRepository,
        trainings: TrainingRepository,
        moderators: ModeratorRepository,
        reports: ReportRepository,
        moderation: ModerationService,
        audit: AuditRepository,
        outbox: Outbox,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._repo = repo
        self._volunteers = volunteers
        self._trainings = trainings
        self._moderators = moderators
        self._reports = reports
        self._moderation = moderation
        self._audit = audit
        self._outbox = outbox
        self._now = now

    def now(self) -> datetime:
        """The volunteers' clock (shifted in end-to-end tests only)."""
        return self._now()

    # Moderators

    async def create(
        self,
        moderator: Moderator,
        draft: TaskDraft,
        *,
        assign_to: Volunteer | None = None,
        publish: bool = False,
    ) -> tuple[Task, int]:
        """Make a task, then offer it to one volunteer or publish it to the region's pool;
        all in one transaction. Returns the task and how many volunteers were told."""
        new = await self._checked(moderator, draft)
        async with self._db.transaction():
            at = self._stamp()
            task_id = await self._repo.create(new, "new", at)
            await self._repo.add_event(task_id, "created", at, moderator_id=moderator.id)
            await self._log(moderator, "task_new", task_id, draft.source_case, new.skill)
            task = await self._get(task_id)
            told = 0
            if assign_to is not None:
                await self.assign(moderator, task, assign_to)
                told = 1
            elif publish:
                told = await self.publish(moderator, task)
            return await self._get(task_id), told

    async def _checked(self, moderator: Moderator, draft: TaskDraft) -> NewTask:
        if get_region(draft.region) is None or not moderator.covers(draft.region):
            raise NotAllowedError("task_new")
        if draft.skill not in SKILLS:
            raise VolunteerActionError("skill")
        now = self._now()
        if not now < draft.deadline <= now + MAX_AHEAD:
            raise VolunteerActionError("deadline")
        if draft.source_case is not None:
            report = await self._reports.get(draft.source_case)
            if report is None or not moderator.covers(report.region):
                raise NotAllowedError("task_new")
        return NewTask(
            region=draft.region,
            skill=draft.skill,
            title=check_line(draft.title, MAX_TITLE),
            instructions=check_text(draft.instructions, MAX_INSTRUCTIONS),
            lot=check_line(draft.lot, MAX_LOT) if draft.lot else None,
            source_case=draft.source_case,
            creator=moderator.id,
            deadline=to_db(draft.deadline),
        )

    async def for_moderator(
        self, moderator: Moderator | None, task_id: int, *, action: str, actor_key: str | None
    ) -> Task:
        task = await self._repo.get(task_id)
        if moderator is None or task is None or not moderator.covers(task.region):
            await refusal(
                self._audit, self._stamp(), moderator, actor_key, action, f"task:{task_id}"
            )
            raise NotAllowedError(action)
        return task

    async def publish(self, moderator: Moderator, task: Task) -> int:
        """To the region's pool: active volunteers of the region with the task's skill are
        told (bulk messages, each once). Returns how many."""
        async with self._db.transaction():
            await self._move(task, "pool", ("new",), None)
            await self._repo.add_event(
                task.id, "published", self._stamp(), moderator_id=moderator.id
            )
            await self._log(moderator, "task_publish", task.id)
            told = 0
            for volunteer in await self._volunteers.active_in(task.region, task.skill):
                await self._outbox.enqueue(
                    volunteer.pseudonym,
                    self._card(task, "vol_task_pool"),
                    priority=Priority.BULK,
                    dedupe=f"vol_pool:{task.id}:{volunteer.id}",
                )
                told += 1
            return told

    async def assign(self, moderator: Moderator, task: Task, volunteer: Volunteer) -> None:
        if volunteer.status != "active" or volunteer.region != task.region:
            raise VolunteerActionError("volunteer")
        await self._gate(volunteer, task)
        async with self._db.transaction():
            await self._move(task, "offered", ("new", "pool"), volunteer.id)
            await self._repo.add_event(
                task.id,
                "offered",
                self._stamp(),
                moderator_id=moderator.id,
                volunteer_id=volunteer.id,
            )
            await self._log(moderator, "task_assign", task.id, value=subject(volunteer.id))
            await self._outbox.enqueue(volunteer.pseudonym, self._card(task, "vol_task_offer"))

    async def cancel(self, moderator: Moderator, task: Task) -> None:
        async with self._db.transaction():
            await self._move(
                task,
                "cancelled",
                ("new", "pool", "offered", "in_progress", "submitted"),
                task.assignee,
            )
            await self._repo.add_event(
                task.id, "cancelled", self._stamp(), moderator_id=moderator.id
            )
            await self._log(moderator, "task_cancel", task.id)
            holder = await self._volunteers.get(task.assignee) if task.assignee else None
            if holder is not None:
                await self._outbox.enqueue(
                    holder.pseudonym, self._card(task, "vol_task_cancelled")
                )

    async def findings(self, task: Task) -> tuple[Finding | None, list[EvidenceFile]]:
        finding = await self._repo.latest_finding(task.id)
        files = await self._repo.finding_files(finding.id) if finding else []
        return finding, files

    async def accept_findings(self, moderator: Moderator, task: Task) -> None:
        async with self._db.transaction():
            finding = await self._submitted(task)
            await self._move(task, "done", ("submitted",), task.assignee)
            await self._repo.decide_finding(
                finding.id, "accepted", moderator.id, self._stamp(), None
            )
            await self._repo.add_event(task.id, "done", self._stamp(), moderator_id=moderator.id)
            await self._log(moderator, "task_accept", task.id)
            await self._volunteers.count(task.region, "findings_accepted")
            holder = await self._volunteers.get(task.assignee) if task.assignee else None
            if holder is not None:
                payload = self._card(task, "vol_findings_accepted")
                payload["points"] = POINTS_FINDINGS_ACCEPTED
                await self._outbox.enqueue(holder.pseudonym, payload)

    async def return_findings(self, moderator: Moderator, task: Task, comment: str) -> None:
        comment = check_text(comment, MAX_REASON)
        async with self._db.transaction():
            finding = await self._submitted(task)
            await self._move(task, "in_progress", ("submitted",), task.assignee)
            await self._repo.decide_finding(
                finding.id, "returned", moderator.id, self._stamp(), comment
            )
            await self._repo.add_event(
                task.id, "returned", self._stamp(), moderator_id=moderator.id, body=comment
            )
            await self._log(moderator, "task_return", task.id)
            holder = await self._volunteers.get(task.assignee) if task.assignee else None
            if holder is not None:
                payload = self._card(task, "vol_findings_returned")
                payload["comment"] = comment
                await self._outbox.enqueue(holder.pseudonym, payload)

    async def attach_to_case(self, moderator: Moderator, task: Task) -> str:
        """Copy the accepted findings into the source case as an internal note (audited by
        the note itself and by a line of its own). Returns the case number."""
        if task.source_case is None or task.status != "done":
            raise VolunteerActionError("no_case")
        # Checked before the transaction, so that a refusal's audit row is kept.
        report = await self._moderation.case_for(
            moderator, task.source_case, action="task_attach", pseudonym=None
        )
        async with self._db.transaction():
            finding = await self._repo.latest_finding(task.id)
            if finding is None or finding.status != "accepted":
                raise VolunteerActionError("no_case")
            if not await self._repo.mark_attached(finding.id):
                raise VolunteerActionError("attached")
            note = f"🗂 #{task.id} «{task.title}»\n\n{finding.body}"
            await self._moderation.note(moderator, report, note)
            await self._log(moderator, "task_attach", task.id, report.id)
            return report.case_number

    # Volunteers

    async def page(self, volunteer: Volunteer, tab: str, page: int) -> TaskPage:
        tab = tab if tab in TABS else "mine"
        page = max(0, page)
        tasks, total = await self._repo.page_for_volunteer(
            tab, volunteer.id, volunteer.region, page * PAGE, PAGE
        )
        return TaskPage(tab, tasks, total, page)

    async def counts(self, volunteer: Volunteer) -> dict[str, int]:
        return await self._repo.counts_for(volunteer.id)

    async def case_number(self, task: Task) -> str | None:
        """For moderators only."""
        if task.source_case is None:
            return None
        report = await self._reports.get(task.source_case)
        return report.case_number if report else None

    async def events(self, task: Task) -> list:
        return await self._repo.events(task.id)

    async def for_volunteer(self, volunteer: Volunteer, task_id: int) -> Task:
        """A task the volunteer may see: theirs, or one in their region's pool."""
        task = await self._repo.get(task_id)
        if task is None or not (
            task.assignee == volunteer.id
            or (task.status == "pool" and task.region == volunteer.region)
        ):
            raise VolunteerActionError("gone")
        return task

    async def claim(self, volunteer: Volunteer, task_id: int) -> Task:
        task = await self._repo.get(task_id)
        if task is None or task.region != volunteer.region or task.status == "cancelled":
            raise VolunteerActionError("gone")
        if volunteer.status != "active":
            raise VolunteerActionError("not_active")
        if task.assignee == volunteer.id:
            return task  # pressed twice
        await self._gate(volunteer, task)
        async with self._db.transaction():
            if not await self._repo.move(
                task.id,
                "in_progress",
                expected=("pool",),
                at=self._stamp(),
                assignee=volunteer.id,
            ):
                raise VolunteerActionError("taken")
            await self._volunteer_did(task, volunteer, "claimed")
        return await self._get(task.id)

    async def accept(self, volunteer: Volunteer, task: Task) -> None:
        async with self._db.transaction():
            await self._move(task, "in_progress", ("offered",), volunteer.id, volunteer.id)
            await self._volunteer_did(task, volunteer, "accepted")

    async def decline(self, volunteer: Volunteer, task: Task, reason: str) -> None:
        reason = check_text(reason, MAX_REASON)
        async with self._db.transaction():
            await self._move(task, "new", ("offered", "in_progress"), None, volunteer.id)
            await self._volunteer_did(task, volunteer, "declined", reason)

    async def progress(self, volunteer: Volunteer, task: Task, text: str) -> None:
        text = check_text(text, MAX_PROGRESS)
        async with self._db.transaction():
            fresh = await self._get(task.id)
            if fresh.status != "in_progress" or fresh.assignee != volunteer.id:
                raise VolunteerActionError("state")
            await self._volunteer_did(task, volunteer, "progress", text)

    async def submit(
        self, volunteer: Volunteer, task: Task, body: str, files: list[EvidenceFile]
    ) -> None:
        body = check_text(body, MAX_FINDINGS)
        if len(files) > MAX_FINDING_FILES:
            raise VolunteerActionError("files")
        async with self._db.transaction():
            await self._move(task, "submitted", ("in_progress",), volunteer.id, volunteer.id)
            finding_id = await self._repo.add_finding(
                task.id, volunteer.id, body, files, self._stamp()
            )
            await self._repo.add_event(
                task.id, "submitted", self._stamp(), volunteer_id=volunteer.id
            )
            await self._log(None, "task_submit", task.id, value=subject(volunteer.id))
            creator = await self._moderators.get(task.creator)
            if creator is not None and creator.active:
                payload = self._card(task, "vol_findings")
                payload.update(
                    finding=finding_id, body=body, files=len(files), volunteer=volunteer.id
                )
                await self._outbox.enqueue(creator.pseudonym, payload)

    async def next_session(self, skill: str, region: str) -> NextSession | None:
        training = await self._trainings.next_unlocking(skill, region, self._stamp())
        if training is None:
            return None
        return NextSession(
            training.id, training.title_kk, training.title_ru, from_db(training.starts_at)
        )

    # Helpers

    async def _gate(self, volunteer: Volunteer, task: Task) -> None:
        needed = gate_for(task.skill)
        if needed is not None and needed not in await self._volunteers.unlocks(volunteer.id):
            raise TrainingNeededError(needed, await self.next_session(needed, volunteer.region))

    async def _submitted(self, task: Task) -> Finding:
        finding = await self._repo.latest_finding(task.id)
        if finding is None or finding.status != "submitted":
            raise VolunteerActionError("state")
        return finding

    async def _move(
        self,
        task: Task,
        to: str,
        expected: tuple[str, ...],
        assignee: int | None,
        only_assignee: int | None = None,
    ) -> None:
        if not await self._repo.move(
            task.id,
            to,
            expected=expected,
            at=self._stamp(),
            assignee=assignee,
            only_assignee=only_assignee,
        ):
            raise VolunteerActionError("state")

    async def _volunteer_did(
        self, task: Task, volunteer: Volunteer, kind: str, body: str | None = None
    ) -> None:
        """The task's history, the audit row and the creator's message for a volunteer's act."""
        await self._repo.add_event(
            task.id, kind, self._stamp(), volunteer_id=volunteer.id, body=body
        )
        await self._log(None, "task_" + kind, task.id, value=subject(volunteer.id))
        creator = await self._moderators.get(task.creator)
        if creator is not None and creator.active:
            payload = self._card(task, "vol_task_update")
            payload.update(event=kind, body=body, volunteer=volunteer.id)
            await self._outbox.enqueue(creator.pseudonym, payload)

    def _card(self, task: Task, kind: str) -> dict[str, Any]:
        """What a message about a task carries: never the source case."""
        return {
            "kind": kind,
            "task": task.id,
            "title": task.title,
            "skill": task.skill,
            "region": task.region,
            "deadline": task.deadline,
        }

    async def _get(self, task_id: int) -> Task:
        task = await self._repo.get(task_id)
        assert task is not None
        return task

    def _stamp(self) -> str:
        return to_db(self._now())

    async def _log(
        self,
        moderator: Moderator | None,
        action: str,
        task_id: int,
        report_id: int | None = None,
        value: str | None = None,
    ) -> None:
        await record(
            self._audit, self._stamp(), moderator, action, f"task:{task_id}", value, report_id
        )
