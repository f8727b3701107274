"""Filing reports and following them up: the product's core rules, without Telegram.

Filing is one transaction: the case, its evidence and first status, the audit row, the cards
for moderators, the end of the draft, the anonymous submission counter and the reporter's
confirmation (the case number and the code, sealed) all commit together. The confirmation
then leaves through the outbox, which edits the reporter's summary message into it: editing
the same message twice shows it once, so neither a crash nor a failing API call can lose the
code or show it twice. Once delivered, the sealed code is deleted.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.reports import (
    EvidenceFile,
    NewReport,
    Report,
    ReportRepository,
    StatusChange,
    ThreadMessage,
)
from bot.domain import DIRECT_PREFIX, Priority
from bot.services import codes
from bot.services.dates import coarse_hour, to_db, utc_now
from bot.services.drafts import DraftService, ReportDraft
from bot.services.limits import Limits
from bot.services.outbox import Outbox
from bot.services.text import fit, optional

# A wrong code and a right one take the same time, so timing tells nothing.
CHECK_SECONDS = 1.0
# One answer or addition of the reporter: fits a page of the case view with its frame, and is
# said in the prompt of the answer step.
MAX_ANSWER = 3000


class CaseAlerts(Protocol):
    """Tells moderators about a case; called inside the transaction that changes it."""

    async def report_filed(self, report: Report) -> None: ...

    async def reporter_added(self, report: Report) -> None: ...


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
    confirmation: int  # the outbox row that carries the confirmation to the reporter


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """A follow-up code checked: the report it opens (or None), and the moment (on the
    `time.monotonic` clock) before which the answer must not be shown, so that a right and a
    wrong code are answered after the same time."""

    report: Report | None
    answer_at: float


@dataclass(frozen=True, slots=True)
class CaseView:
    """What the reporter may see of their case: never any moderator's identity."""

    report: Report
    history: list[StatusChange]
    thread: list[ThreadMessage]
    evidence_count: int


class ReportService:
    def __init__(
        self,
        *,
        db: Database,
        reports: ReportRepository,
        audit: AuditRepository,
        drafts: DraftService,
        limits: Limits,
        outbox: Outbox,
        keyring: Keyring,
        now: Callable[[], datetime] = utc_now,
        check_seconds: float = CHECK_SECONDS,
        alerts: CaseAlerts | None = None,
    ) -> None:
        self._db = db
        self._reports = reports
        self._audit = audit
        self._drafts = drafts
        self._limits = limits
        self._outbox = outbox
        self._keyring = keyring
        self._now = now
        self._check_seconds = check_seconds
        # Queues the moderators' cards and news; set by the app once moderation is wired.
        self.alerts = alerts

    async def submit(
        self,
        draft: ReportDraft,
        telegram_id: int,
        pseudonym: str,
        locale: str,
        *,
        chat_id: int,
        message_id: int | None,
    ) -> Submitted:
        """File a finished draft. `message_id` is the summary the confirmation replaces.

        Raises LimitReachedError, ReporterBannedError or DraftIncompleteError.
        """
        if not draft.complete or draft.anonymity is None:
            raise DraftIncompleteError(draft.next_step())
        await self.ensure_allowed(pseudonym)
        code = await self._new_code() if draft.anonymity != "open" else None
        salt = codes.new_salt() if code else None
        code_hash = (
            codes.digest_secret(self._keyring, code.secret, salt) if code and salt else None
        )
        reporter = None if draft.anonymity == "anonymous" else pseudonym
        phone = (
            # Bound to the reporter: the blob cannot be moved onto another reporter's report.
            self._keyring.seal(draft.phone.encode(), f"phone:{pseudonym}".encode())
            if draft.anonymity == "open" and draft.phone
            else None
        )
        filed_at = to_db(coarse_hour(self._now()))
        key = self.confirmation_key(telegram_id, chat_id, message_id)
        async with self._db.transaction():
            # Inside the transaction, so two taps of Submit cannot both pass the limit.
            await self._limits.check_submission(telegram_id, pseudonym)
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
                    created_at=filed_at,
                    evidence=[
                        EvidenceFile(e.kind, e.file_id, e.mime_type, e.cleaned)
                        for e in draft.evidence
                    ],
                )
            )
            # To the hour, like the case itself: a precise time would undo the rounding.
            await self._audit.add(filed_at, None, None, "filed", report.id)
            if self.alerts is not None:
                await self.alerts.report_filed(report)
            await self._drafts.discard(telegram_id)
            if draft.anonymity == "anonymous":
                await self._limits.record_anonymous_submission(telegram_id)
            confirmation = await self._outbox.enqueue(
                DIRECT_PREFIX + key,
                {
                    "kind": "submitted",
                    "chat_id": chat_id,
                    "message_id": message_id,
                    "case": report.case_number,
                    "code": code.display if code else None,
                    "locale": locale,
                },
                priority=Priority.URGENT,
                dedupe=key,
            )
        if draft.anonymity == "anonymous":
            # Flush the WAL so earlier versions of the draft pages do not linger in it.
            await self._db.checkpoint()
        # No log line: its timestamp, next to sequential case numbers, would date the anonymous
        # cases filed between two logged ones to the second (the database keeps only the hour).
        return Submitted(report, code.display if code else None, confirmation)

    def confirmation_key(self, telegram_id: int, chat_id: int, message_id: int | None) -> str:
        """The name of a filing's confirmation: the same Submit press always finds it."""
        return self._keyring.opaque(f"confirm:{telegram_id}:{chat_id}:{message_id}")

    async def pending_confirmation(
        self, telegram_id: int, chat_id: int, message_id: int | None
    ) -> int | None:
        """After a crash: the confirmation of this Submit press, if it has not gone out yet."""
        return await self._outbox.waiting(self.confirmation_key(telegram_id, chat_id, message_id))

    async def ensure_allowed(self, pseudonym: str) -> None:
        if await self._reports.reporter_banned(pseudonym):
            raise ReporterBannedError

    async def _new_code(self) -> codes.FollowUpCode:
        while True:
            code = codes.new_code()
            if not await self._reports.locator_taken(code.locator):
                return code

    async def find_by_code(self, text: str, telegram_id: int) -> CodeCheck:
        """Same answer, same time, whether the code is malformed, unknown or wrong: the caller
        shows the answer at `answer_at` (it does not wait here, so no worker is held).

        Raises LimitReachedError after too many failures from this user.
        """
        answer_at = time.monotonic() + self._check_seconds
        await self._limits.check_lookup(telegram_id)
        report = await self._verify(text)
        if report is None:
            await self._limits.record_lookup_failure(telegram_id)
        return CodeCheck(report, answer_at)

    async def _verify(self, text: str) -> Report | None:
        code = codes.parse_code(text)
        report = await self._reports.get_by_locator(code.locator) if code else None
        secret = code.secret if code else "0" * 12
        salt = report.code_salt if report and report.code_salt else secrets.token_bytes(16)
        expected = report.code_hash if report and report.code_hash else codes.unknown_digest()
        ok = await codes.verify_secret(self._keyring, secret, salt, expected)
        return report if ok and report is not None else None

    async def get(self, report_id: int) -> Report | None:
        return await self._reports.get(report_id)

    async def evidence(self, report_id: int) -> list[EvidenceFile]:
        return await self._reports.evidence(report_id)

    async def mine(self, pseudonym: str) -> list[Report]:
        """Confidential and open reports of this user (anonymous ones are not linked)."""
        return await self._reports.by_reporter(pseudonym)

    async def mine_page(self, pseudonym: str, page: int, size: int) -> tuple[list[Report], int]:
        """One page of `mine` (0 is the newest) and how many pages there are; a page past
        the end gives the last one."""
        total = await self._reports.count_by_reporter(pseudonym)
        pages = max(1, -(-total // size))
        page = min(max(page, 0), pages - 1)
        return await self._reports.by_reporter(pseudonym, size, page * size), pages

    async def owned(self, report_id: int, pseudonym: str) -> Report:
        report = await self._reports.get(report_id)
        if report is None or report.reporter is None or report.reporter != pseudonym:
            raise ReportNotFoundError(report_id)
        return report

    async def owned_by_number(self, case_number: str, pseudonym: str) -> Report:
        report = await self._reports.get_by_case(case_number)
        if report is None:
            raise ReportNotFoundError(case_number)
        return await self.owned(report.id, pseudonym)

    @staticmethod
    def answer_text(text: str | None, *, with_files: bool) -> str | None:
        """What of a typed answer is stored: tidied, at most MAX_ANSWER characters, something
        visible unless files come with it (then a blank caption is no text). Raises
        TextError."""
        if with_files:
            return optional(text, maximum=MAX_ANSWER)
        return fit(text or "", maximum=MAX_ANSWER)

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
        """An answer to a question, or more information, attached to the case thread; the
        moderators are told (see `CaseAlerts`) in the same transaction. Raises TextError for
        text that does not fit (see `answer_text`)."""
        text = self.answer_text(text, with_files=bool(files))
        at = to_db(coarse_hour(self._now()))
        async with self._db.transaction():
            await self._reports.add_message(report.id, "reporter", "answer", text, None, at, files)
            await self._audit.add(at, None, None, "reporter_added", report.id)
            if self.alerts is not None:
                await self.alerts.reporter_added(report)
        if report.anonymity == "anonymous":
            await self._db.checkpoint()
