"""What moderators may do, and the record of what they did.

Every action re-checks, server-side, that the actor is an active moderator whose scope covers
the case's region; refusals are audited too. Nothing here ever reveals a reporter's identity,
except an open report's phone number, and that reveal is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from bot.db.repositories.moderation import AuditEntry, ModerationRepository, Note, QueueFilter
from bot.db.repositories.moderators import Moderator, ModeratorRepository
from bot.db.repositories.reports import Report, ReportRepository
from bot.services.crypto import Keyring
from bot.services.dates import to_db, utc_now
from bot.services.outbox import Outbox
from bot.services.reports import CLOSED_STATUSES, STATUSES, ReportService
from bot.services.users import UserService

MAX_TEXT = 3500  # questions and notes must fit into a Telegram message with their frame
QUEUE_PAGE = 8


class NotAllowedError(PermissionError):
    """Not a moderator, or the case is outside the moderator's regions."""


class InvalidActionError(ValueError):
    """The action does not fit the case (closed case, anonymous ban, unknown status...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class QueuePage:
    reports: list[Report]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // QUEUE_PAGE))


class ModerationService:
    def __init__(
        self,
        *,
        moderators: ModeratorRepository,
        repo: ModerationRepository,
        reports: ReportRepository,
        report_service: ReportService,
        users: UserService,
        outbox: Outbox,
        keyring: Keyring,
        admin_ids: tuple[int, ...],
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._moderators = moderators
        self._repo = repo
        self._reports = reports
        self._report_service = report_service
        self._users = users
        self._outbox = outbox
        self._keyring = keyring
        self._admin_ids = frozenset(admin_ids)
        self._now = now

    # Who is who

    def is_superadmin(self, telegram_id: int) -> bool:
        return telegram_id in self._admin_ids

    async def moderator(self, pseudonym: str) -> Moderator | None:
        found = await self._moderators.by_pseudonym(pseudonym)
        return found if found is not None and found.active else None

    async def add_moderator(
        self, telegram_id: int, regions: frozenset[str] | None, by: str
    ) -> Moderator:
        user = await self._users.ensure(telegram_id, telegram_id, None)
        moderator = await self._moderators.upsert(user.pseudonym, regions, by, self._stamp())
        await self._repo.audit(
            self._stamp(),
            None,
            by,
            "mod_add",
            None,
            None,
            f"{moderator.id}:{','.join(sorted(regions or ['*']))}",
        )
        return moderator

    async def add_moderator_by_pseudonym(
        self, pseudonym: str, regions: frozenset[str] | None, by: str
    ) -> Moderator | None:
        if await self._users.get(pseudonym) is None:
            return None
        moderator = await self._moderators.upsert(pseudonym, regions, by, self._stamp())
        await self._repo.audit(
            self._stamp(),
            None,
            by,
            "mod_add",
            None,
            None,
            f"{moderator.id}:{','.join(sorted(regions or ['*']))}",
        )
        return moderator

    async def remove_moderator(self, moderator_id: int, by: str) -> bool:
        found = await self._moderators.get(moderator_id)
        if found is None or not found.active:
            return False
        await self._moderators.deactivate(moderator_id)
        await self._repo.audit(self._stamp(), None, by, "mod_remove", None, str(moderator_id))
        return True

    async def moderators(self) -> list[Moderator]:
        return await self._moderators.active()

    async def pseudonym_for_username(self, username: str) -> str | None:
        return await self._moderators.pseudonym_for_username(self.username_digest(username))

    def username_digest(self, username: str) -> str:
        return self._keyring.opaque("username:" + username.lstrip("@").lower())

    async def remember_username(self, pseudonym: str, username: str) -> None:
        await self._moderators.remember_username(self.username_digest(username), pseudonym)

    async def moderator_by_id(self, moderator_id: int) -> Moderator | None:
        return await self._moderators.get(moderator_id)

    # Access

    async def case_for(
        self, moderator: Moderator | None, report_id: int, *, action: str, actor_key: str | None
    ) -> Report:
        """The case, if this moderator may act on it; otherwise audit the refusal and raise."""
        report = await self._reports.get(report_id)
        if moderator is None or report is None or not moderator.covers(report.region):
            await self._repo.audit(
                self._stamp(),
                moderator.id if moderator else None,
                actor_key,
                "refused:" + action,
                report.id if report else None,
            )
            raise NotAllowedError(action)
        return report

    async def case_by_number(
        self, moderator: Moderator | None, case_number: str, *, action: str, actor_key: str | None
    ) -> Report:
        report = await self._reports.get_by_case(case_number.strip().upper())
        return await self.case_for(
            moderator, report.id if report else -1, action=action, actor_key=actor_key
        )

    async def refuse(
        self,
        actor: Moderator | None,
        actor_key: str | None,
        action: str,
        report_id: int | None = None,
    ) -> None:
        await self._repo.audit(
            self._stamp(), actor.id if actor else None, actor_key, "refused:" + action, report_id
        )

    # Actions

    async def take(self, moderator: Moderator, report: Report) -> Report:
        self._open(report)
        await self._repo.assign(report.id, moderator.id, self._stamp())
        await self._touch(moderator, report, "assign", report.assignee, moderator.id)
        if report.status == "received":
            await self._report_service.change_status(report, "review", actor=moderator.pseudonym)
            await self._audit(moderator, report, "status", report.status, "review")
        return await self._reload(report)

    async def assign(self, moderator: Moderator, report: Report, target: Moderator) -> Report:
        self._open(report)
        if not target.active or not target.covers(report.region):
            raise InvalidActionError("target_scope")
        await self._repo.assign(report.id, target.id, self._stamp())
        await self._touch(moderator, report, "assign", report.assignee, target.id)
        return await self._reload(report)

    async def set_status(
        self,
        moderator: Moderator,
        report: Report,
        status: str,
        *,
        reason: str | None = None,
        duplicate_of: str | None = None,
    ) -> Report:
        if status not in STATUSES or status == "received":
            raise InvalidActionError("status")
        if status == "rejected" and not reason:
            raise InvalidActionError("reason_needed")
        if status == "duplicate":
            other = await self._reports.get_by_case((duplicate_of or "").strip().upper())
            if other is None or other.id == report.id:
                raise InvalidActionError("duplicate_unknown")
            duplicate_of = other.case_number
        if status == report.status:
            raise InvalidActionError("same_status")
        await self._report_service.change_status(
            report, status, actor=moderator.pseudonym, reason=reason, duplicate_of=duplicate_of
        )
        await self._touch(
            moderator,
            report,
            "status",
            report.status,
            status + (f": {reason or duplicate_of}" if reason or duplicate_of else ""),
        )
        return await self._reload(report)

    async def ask(self, moderator: Moderator, report: Report, question: str) -> Report:
        self._open(report)
        question = self._text(question)
        await self._report_service.ask(report, question, actor=moderator.pseudonym)
        await self._touch(moderator, report, "ask", None, question)
        if report.status != "need_info":  # asking moves the case to "needs more information"
            await self._audit(moderator, report, "status", report.status, "need_info")
        return await self._reload(report)

    async def note(self, moderator: Moderator, report: Report, text: str) -> None:
        text = self._text(text)
        await self._repo.add_note(report.id, moderator.id, text, self._stamp())
        await self._touch(moderator, report, "note", None, text)

    async def notes(self, report: Report) -> list[Note]:
        return await self._repo.notes(report.id)

    async def reveal_phone(self, moderator: Moderator, report: Report) -> str:
        if report.anonymity != "open" or not report.phone_enc or not report.reporter:
            raise InvalidActionError("no_phone")
        phone = self._keyring.unseal(report.phone_enc, f"phone:{report.reporter}".encode())
        await self._audit(moderator, report, "reveal_phone", None, None)
        return phone.decode()

    async def ban(self, moderator: Moderator, report: Report) -> None:
        if report.reporter is None:
            raise InvalidActionError("anonymous")
        if not await self._repo.ban(report.reporter, report.id, self._stamp()):
            raise InvalidActionError("already_banned")
        await self._outbox.enqueue(report.reporter, {"kind": "banned"})
        await self._audit(moderator, report, "ban", None, None)

    async def unban(self, moderator: Moderator, report: Report) -> None:
        if report.reporter is None:
            raise InvalidActionError("anonymous")
        if not await self._repo.unban(report.reporter):
            raise InvalidActionError("not_banned")
        await self._outbox.enqueue(report.reporter, {"kind": "unbanned"})
        await self._audit(moderator, report, "unban", None, None)

    async def audit_trail(self, report: Report) -> list[AuditEntry]:
        return await self._repo.audit_trail(report.id)

    async def queue(
        self,
        moderator: Moderator,
        page: int,
        *,
        status: str | None = None,
        mine: bool = False,
        unassigned: bool = False,
        region: str | None = None,
        area: str | None = None,
        newest_first: bool = True,
    ) -> QueuePage:
        flt = QueueFilter(
            regions=moderator.regions,
            region=region,
            area=area,
            status=status,
            assignee=moderator.id if mine else None,
            unassigned=unassigned,
            newest_first=newest_first,
        )
        page = max(0, page)
        reports, total = await self._repo.queue(flt, page * QUEUE_PAGE, QUEUE_PAGE)
        return QueuePage(reports, total, page)

    # Helpers

    def _open(self, report: Report) -> None:
        if report.status in CLOSED_STATUSES:
            raise InvalidActionError("closed")

    def _text(self, text: str) -> str:
        text = text.strip()
        if not text:
            raise InvalidActionError("empty")
        if len(text) > MAX_TEXT:
            raise InvalidActionError("too_long")
        return text

    def _stamp(self) -> str:
        return to_db(self._now())

    async def _touch(
        self, moderator: Moderator, report: Report, action: str, old: object, new: object
    ) -> None:
        await self._repo.touch(report.id, self._stamp())
        await self._audit(moderator, report, action, old, new)

    async def _audit(
        self, moderator: Moderator, report: Report, action: str, old: object, new: object
    ) -> None:
        await self._repo.audit(
            self._stamp(),
            moderator.id,
            None,
            action,
            report.id,
            None if old is None else str(old),
            None if new is None else str(new),
        )

    async def _reload(self, report: Report) -> Report:
        fresh = await self._reports.get(report.id)
        assert fresh is not None
        return fresh


GROUP_RECIPIENT = "@group"  # the outbox's name for the moderators' chat


class ModeratorAlerts:
    """A new report becomes a card: in the moderators' group, or privately to each moderator
    of its region. Through the outbox, so a 429 or a crash loses no card."""

    def __init__(
        self, settings: Settings, moderators: ModeratorRepository, outbox: Outbox
    ) -> None:
        self._group = settings.moderator_chat_id
        self._moderators = moderators
        self._outbox = outbox

    async def report_filed(self, report: Report) -> None:
        payload = {"kind": "card", "report_id": report.id}
        if self._group is not None:
            await self._outbox.enqueue(GROUP_RECIPIENT, payload)
            return
        for moderator in await self._moderators.for_region(report.region):
            await self._outbox.enqueue(moderator.pseudonym, payload)
