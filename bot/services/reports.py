"""Filing reports and following them up: the product's core rules, without Telegram."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.db.connection import Database
from bot.db.repositories.reports import (
    EvidenceFile,
    NewReport,
    Report,
    ReportRepository,
    StatusChange,
    ThreadMessage,
)
from bot.services import codes
from bot.services.crypto import Keyring
from bot.services.dates import coarse_hour, to_db
from bot.services.drafts import DraftService, ReportDraft
from bot.services.limits import Limits
from bot.services.outbox import Outbox

log = logging.getLogger(__name__)

STATUSES = (
    "received",
    "review",
    "need_info",
    "forwarded",
    "resolved",
    "rejected",
    "duplicate",
)
CLOSED_STATUSES = ("resolved", "rejected", "duplicate")
# A wrong code and a right one take the same time, so timing tells nothing.
CHECK_SECONDS = 1.0


class DraftIncompleteError(ValueError):
    """Submit was pressed on a draft that still misses an answer."""


class ReportNotFoundError(LookupError):
    pass


class ReporterBannedError(PermissionError):
    """A moderator blocked this user from filing reports (/ban on one of their cases)."""


@dataclass(frozen=True, slots=True)
class Submitted:
    report: Report
    code: str | None  # shown once; never stored in the clear


@dataclass(frozen=True, slots=True)
class CaseView:
    """What the reporter may see of their case: never any moderator's identity."""

    report: Report
    history: list[StatusChange]
    thread: list[ThreadMessage]
    evidence_count: int


def _now() -> datetime:
    return datetime.now(UTC)


class ReportService:
    def __init__(
        self,
        *,
        db: Database,
        reports: ReportRepository,
        drafts: DraftService,
        limits: Limits,
        outbox: Outbox,
        keyring: Keyring,
        now: Callable[[], datetime] = _now,
        check_seconds: float = CHECK_SECONDS,
        on_filed: Callable[[Report], Awaitable[None]] | None = None,
    ) -> None:
        self._db = db
        self._reports = reports
        self._drafts = drafts
        self._limits = limits
        self._outbox = outbox
        self._keyring = keyring
        self._now = now
        self._check_seconds = check_seconds
        self.on_filed = on_filed  # tells moderators; set by the app once moderation is wired

    async def submit(
        self, draft: ReportDraft, telegram_id: int, pseudonym: str, locale: str
    ) -> Submitted:
        """Store a finished draft as a case. Raises LimitReachedError or DraftIncompleteError."""
        if not draft.complete or draft.anonymity is None:
            raise DraftIncompleteError(draft.next_step())
        await self.ensure_allowed(pseudonym)
        await self._limits.check_submission(telegram_id, pseudonym)
        code = await self._new_code() if draft.anonymity != "open" else None
        salt = codes.new_salt() if code else None
        code_hash = (
            await asyncio.to_thread(codes.hash_secret, code.secret, salt)
            if code and salt
            else None
        )
        reporter = None if draft.anonymity == "anonymous" else pseudonym
        phone = (
            # Bound to the reporter: the blob cannot be moved onto another reporter's report.
            self._keyring.seal(draft.phone.encode(), f"phone:{pseudonym}".encode())
            if draft.anonymity == "open" and draft.phone
            else None
        )
        report = await self._reports.create(
            NewReport(
                region=draft.region or "",
                area=draft.area or "",
                settlement=draft.settlement or "",
                description=draft.description or "",
                occurred=draft.occurred or "",
                involved=draft.involved,
                amount=draft.amount,
                latitude=draft.latitude,
                longitude=draft.longitude,
                anonymity=draft.anonymity,
                reporter=reporter,
                phone_enc=phone,
                locale=locale,
                code_locator=code.locator if code else None,
                code_salt=salt,
                code_hash=code_hash,
                created_at=to_db(coarse_hour(self._now())),
                evidence=[
                    EvidenceFile(e.kind, e.file_id, e.mime_type, e.cleaned) for e in draft.evidence
                ],
            )
        )
        await self._drafts.discard(telegram_id)
        if draft.anonymity == "anonymous":
            await self._limits.record_anonymous_submission(telegram_id)
            # Flush the WAL so earlier versions of the draft pages do not linger in it.
            await self._db.checkpoint()
        log.info("report %s filed (%s)", report.id, report.anonymity)
        if self.on_filed is not None:
            await self.on_filed(report)
        return Submitted(report, code.display if code else None)

    async def ensure_allowed(self, pseudonym: str) -> None:
        if await self._reports.reporter_banned(pseudonym):
            raise ReporterBannedError

    async def _new_code(self) -> codes.FollowUpCode:
        while True:
            code = codes.new_code()
            if not await self._reports.locator_taken(code.locator):
                return code

    async def find_by_code(self, text: str, telegram_id: int) -> Report | None:
        """Same answer, same time, whether the code is malformed, unknown or wrong.

        Raises LimitReachedError after too many failures from this user.
        """
        started = time.monotonic()
        await self._limits.check_lookup(telegram_id)
        report = await self._verify(text)
        if report is None:
            await self._limits.record_lookup_failure(telegram_id)
        remaining = self._check_seconds - (time.monotonic() - started)
        if remaining > 0:
            await asyncio.sleep(remaining)
        return report

    async def _verify(self, text: str) -> Report | None:
        code = codes.parse_code(text)
        report = await self._reports.get_by_locator(code.locator) if code else None
        secret = code.secret if code else "0" * 12
        salt = report.code_salt if report and report.code_salt else secrets.token_bytes(16)
        expected = report.code_hash if report and report.code_hash else b"\0" * 32
        ok = await asyncio.to_thread(codes.verify_secret, secret, salt, expected)
        return report if ok and report is not None else None

    async def get(self, report_id: int) -> Report | None:
        return await self._reports.get(report_id)

    async def mine(self, pseudonym: str) -> list[Report]:
        """Confidential and open reports of this user (anonymous ones are not linked)."""
        return await self._reports.by_reporter(pseudonym)

    async def owned(self, report_id: int, pseudonym: str) -> Report:
        report = await self._reports.get(report_id)
        if report is None or report.reporter is None or report.reporter != pseudonym:
            raise ReportNotFoundError(report_id)
        return report

    async def view(self, report: Report) -> CaseView:
        return CaseView(
            report=report,
            history=await self._reports.history(report.id),
            thread=await self._reports.thread(report.id),
            evidence_count=await self._reports.original_evidence_count(report.id),
        )

    async def add_from_reporter(
        self, report: Report, text: str | None, files: list[EvidenceFile]
    ) -> None:
        """An answer to a question, or more information, attached to the case thread."""
        at = to_db(coarse_hour(self._now()))
        await self._reports.add_message(report.id, "reporter", "answer", text, None, at, files)
        if report.anonymity == "anonymous":
            await self._db.checkpoint()

    # What moderators will do (the moderation feature calls these).

    async def change_status(
        self,
        report: Report,
        status: str,
        *,
        actor: str | None,
        reason: str | None = None,
        duplicate_of: str | None = None,
    ) -> None:
        if status not in STATUSES:
            raise ValueError(status)
        await self._reports.set_status(
            report.id, status, reason, duplicate_of, actor, to_db(self._now())
        )
        await self._notify(
            report,
            {
                "kind": "status",
                "case": report.case_number,
                "status": status,
                "reason": reason,
                "duplicate_of": duplicate_of,
            },
        )

    async def ask(self, report: Report, question: str, *, actor: str | None) -> None:
        await self._reports.add_message(
            report.id, "moderator", "question", question, actor, to_db(self._now())
        )
        if report.status != "need_info":
            await self._reports.set_status(
                report.id, "need_info", None, None, actor, to_db(self._now())
            )
        await self._notify(
            report, {"kind": "question", "case": report.case_number, "question": question}
        )

    async def _notify(self, report: Report, payload: dict[str, str | None]) -> None:
        # Anonymous reporters are never pushed anything: nobody knows who they are.
        if report.reporter is not None:
            await self._outbox.enqueue(report.reporter, payload)
