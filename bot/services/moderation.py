"""What moderators may do, and the record of what they did.

Every action re-checks, server-side, that the actor is an active moderator whose scope covers
the case's region; refusals are audited too. Each action writes its state change, its history,
its audit rows and the messages it causes (the reporter's notification, a refresh of every
copy of the case card) in one transaction: a crash leaves all of it or none of it.

Nothing here ever reveals a reporter's identity, except an open report's phone number, and
that reveal is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.audit import AuditEntry, AuditRepository
from bot.db.repositories.moderation import Card, ModerationRepository, Note, QueueFilter
from bot.db.repositories.moderators import Moderator, ModeratorRepository
from bot.db.repositories.reports import Report, ReportRepository
from bot.domain import (
    CARDS_RECIPIENT,
    CLOSED_STATUSES,
    GROUP_RECIPIENT,
    SETTABLE_STATUSES,
)
from bot.services.dates import to_db, utc_now
from bot.services.numbers import is_row_id
from bot.services.outbox import Outbox
from bot.services.refusals import Refusals
from bot.services.text import TextError, fit
from bot.services.users import UserService

# Limits of what moderators type, said in each prompt. Each is chosen so that every view that
# shows the text still fits one Telegram message (4096 characters) with its frame: a question
# appears in the reporter's notification and in their view of the case, beside their earlier
# answers; a rejection reason sits in the header of the reporter's view of the case and in
# its notification; a note is only ever shown to moderators, one to a line of /case's pages.
MAX_QUESTION = 1000
MAX_REASON = 500
MAX_NOTE = 2000
QUEUE_PAGE = 8
MAX_PAGE = 10**6  # a page number from a button is clamped here, never handed to SQLite as is
GROUP_CHAT_KEY = "group"  # card copies in the moderators' group


class NotAllowedError(PermissionError):
    """Refused: `why` is "moderator" (not one), "scope" (the case is in another region) or
    "case" (no such case: a forged or stale number)."""

    def __init__(self, action: str, why: str = "moderator", case: str | None = None) -> None:
        super().__init__(action)
        self.action = action
        self.why = why
        self.case = case  # the case's number, when it exists


class InvalidActionError(ValueError):
    """The action does not fit the case (closed case, anonymous ban, unknown status...).
    For "too_long", `maximum` and `length` say by how much."""

    def __init__(self, reason: str, *, maximum: int = 0, length: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.maximum = maximum
        self.length = length


@dataclass(frozen=True, slots=True)
class QueuePage:
    reports: list[Report]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // QUEUE_PAGE))


@dataclass(frozen=True, slots=True)
class CardSnapshot:
    """What a card shows, read at the moment it is drawn."""

    report: Report
    evidence: int
    assignee: int | None


@dataclass(frozen=True, slots=True)
class CardViewer:
    """Who looks at a copy of a card: the moderators' group (`moderator_id` None) or one
    moderator in private. A copy held by someone who may no longer act on the case is not
    `live`: it shows no buttons."""

    live: bool
    moderator_id: int | None


@dataclass(frozen=True, slots=True)
class CardCopy:
    chat_key: str
    chat_id: int
    message_id: int


class ModerationService:
    def __init__(
        self,
        *,
        db: Database,
        moderators: ModeratorRepository,
        repo: ModerationRepository,
        audit: AuditRepository,
        reports: ReportRepository,
        users: UserService,
        outbox: Outbox,
        keyring: Keyring,
        admin_ids: tuple[int, ...],
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._moderators = moderators
        self._repo = repo
        self._audit_log = audit
        self._reports = reports
        self._users = users
        self._outbox = outbox
        self._keyring = keyring
        self._admin_ids = frozenset(admin_ids)
        self._now = now
        self.refusals = Refusals(
            db=db,
            audit=audit,
            moderators=moderators,
            repo=repo,
            outbox=outbox,
            keyring=keyring,
            now=lambda: self._now(),
        )

    # Who is who

    def is_superadmin(self, telegram_id: int) -> bool:
        return telegram_id in self._admin_ids

    async def moderator(self, pseudonym: str) -> Moderator | None:
        found = await self._moderators.by_pseudonym(pseudonym)
        return found if found is not None and found.active else None

    async def add_moderator(
        self, telegram_id: int, regions: frozenset[str] | None, by: str
    ) -> Moderator:
        async with self._db.transaction():
            user = await self._users.ensure(telegram_id, telegram_id, None)
            return await self._add(user.pseudonym, regions, by)

    async def add_moderator_by_pseudonym(
        self, pseudonym: str, regions: frozenset[str] | None, by: str
    ) -> Moderator | None:
        async with self._db.transaction():
            if await self._users.get(pseudonym) is None:
                return None
            return await self._add(pseudonym, regions, by)

    async def _add(self, pseudonym: str, regions: frozenset[str] | None, by: str) -> Moderator:
        moderator = await self._moderators.upsert(pseudonym, regions, by, self._stamp())
        scope = ",".join(sorted(regions or ["*"]))
        await self._audit_log.add(
            self._stamp(), None, by, "mod_add", None, None, f"{moderator.id}:{scope}"
        )
        return moderator

    async def remove_moderator(self, moderator_id: int, by: str) -> bool:
        async with self._db.transaction():
            found = await self._moderators.get(moderator_id)
            if found is None or not found.active:
                return False
            await self._moderators.deactivate(moderator_id)
            await self._audit_log.add(
                self._stamp(), None, by, "mod_remove", None, str(moderator_id)
            )
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

    async def moderator_chat(self, moderator_id: int) -> int | None:
        """The private chat of a moderator (to read their name from Telegram), if known."""
        moderator = await self._moderators.get(moderator_id)
        user = await self._users.get(moderator.pseudonym) if moderator else None
        return await self._users.chat_id(user) if user else None

    # Access

    async def case_for(
        self, moderator: Moderator | None, report_id: int, *, action: str, pseudonym: str | None
    ) -> Report:
        """The case, if this moderator may act on it; otherwise audit the refusal (of the
        person behind `pseudonym`) and raise."""
        report = await self._reports.get(report_id) if is_row_id(report_id) else None
        if moderator is None or report is None or not moderator.covers(report.region):
            await self.refuse(moderator, pseudonym, action, report.id if report else None)
            why = "moderator" if moderator is None else "case" if report is None else "scope"
            raise NotAllowedError(action, why, report.case_number if report else None)
        return report

    async def case_by_number(
        self, moderator: Moderator | None, case_number: str, *, action: str, pseudonym: str | None
    ) -> Report:
        report = await self._reports.get_by_case(case_number.strip().upper())
        return await self.case_for(
            moderator, report.id if report else -1, action=action, pseudonym=pseudonym
        )

    async def refuse(
        self,
        actor: Moderator | None,
        pseudonym: str | None,
        action: str,
        report_id: int | None = None,
    ) -> None:
        """Audit a refused attempt: a moderator by number, anybody else by tag, to the hour
        (see services/refusals.py)."""
        await self.refusals.record(actor, pseudonym, action, report_id)

    # Actions: each one transaction

    async def take(self, moderator: Moderator, report: Report) -> Report:
        self._open(report)
        if report.assignee == moderator.id and report.status != "received":
            return report  # pressed twice (or replayed after a crash): nothing new to record
        async with self._db.transaction():
            await self._repo.assign(report.id, moderator.id, self._stamp())
            await self._touch(moderator, report, "assign", report.assignee, moderator.id)
            if report.status == "received":
                await self._change_status(moderator, report, "review")
            await self._refresh_cards(report)
        return await self._reload(report)

    async def assign(self, moderator: Moderator, report: Report, target: Moderator) -> Report:
        self._open(report)
        if not target.active or not target.covers(report.region):
            raise InvalidActionError("target_scope")
        async with self._db.transaction():
            await self._repo.assign(report.id, target.id, self._stamp())
            await self._touch(moderator, report, "assign", report.assignee, target.id)
            await self._refresh_cards(report)
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
        if status not in SETTABLE_STATUSES:
            raise InvalidActionError("status")
        if status == "rejected":
            if not (reason or "").strip():
                raise InvalidActionError("reason_needed")
            reason = self._text(reason or "", MAX_REASON)
        else:
            reason = self._text(reason, MAX_REASON) if reason and reason.strip() else None
        if status == "duplicate":
            other = await self._reports.get_by_case((duplicate_of or "").strip().upper())
            if other is None or other.id == report.id:
                raise InvalidActionError("duplicate_unknown")
            duplicate_of = other.case_number
        else:
            duplicate_of = None
        if status == report.status:
            raise InvalidActionError("same_status")
        async with self._db.transaction():
            await self._repo.touch(report.id, self._stamp())
            await self._change_status(
                moderator, report, status, reason=reason, duplicate_of=duplicate_of
            )
            await self._refresh_cards(report)
        return await self._reload(report)

    async def ask(self, moderator: Moderator, report: Report, question: str) -> Report:
        self._open(report)
        question = self._text(question, MAX_QUESTION)
        async with self._db.transaction():
            await self._reports.add_message(
                report.id, "moderator", "question", question, moderator.pseudonym, self._stamp()
            )
            await self._touch(moderator, report, "ask", None, question)
            if report.status != "need_info":  # asking moves the case to "needs more information"
                await self._change_status(moderator, report, "need_info", notify=False)
            await self._notify(
                report, {"kind": "question", "case": report.case_number, "question": question}
            )
            await self._refresh_cards(report)
        return await self._reload(report)

    async def note(self, moderator: Moderator, report: Report, text: str) -> None:
        text = self._text(text, MAX_NOTE)
        async with self._db.transaction():
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
        async with self._db.transaction():
            if not await self._repo.ban(report.reporter, report.id, self._stamp()):
                raise InvalidActionError("already_banned")
            await self._outbox.enqueue(report.reporter, {"kind": "banned"})
            await self._audit(moderator, report, "ban", None, None)

    async def unban(self, moderator: Moderator, report: Report) -> None:
        if report.reporter is None:
            raise InvalidActionError("anonymous")
        async with self._db.transaction():
            if not await self._repo.unban(report.reporter):
                raise InvalidActionError("not_banned")
            await self._outbox.enqueue(report.reporter, {"kind": "unbanned"})
            await self._audit(moderator, report, "unban", None, None)

    async def audit_trail(self, report: Report) -> list[AuditEntry]:
        return await self._audit_log.for_report(report.id)

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
        page = max(0, min(page, MAX_PAGE))
        reports, total = await self._repo.queue(flt, page * QUEUE_PAGE, QUEUE_PAGE)
        return QueuePage(reports, total, page)

    # Cards: what they show and where their copies are

    async def card_snapshot(self, report_id: int) -> CardSnapshot | None:
        report = await self._reports.get(report_id)
        if report is None:
            return None
        # Every file, also those the reporter added later: "Show evidence" sends them all.
        evidence = len(await self._reports.evidence(report.id))
        return CardSnapshot(report, evidence, report.assignee)

    async def card_viewer(self, chat_key: str, report: Report) -> CardViewer:
        """Whose buttons a copy of the card shows (see CardViewer)."""
        if chat_key == GROUP_CHAT_KEY:
            return CardViewer(live=True, moderator_id=None)
        moderator = await self.moderator(chat_key)
        if moderator is None or not moderator.covers(report.region):
            return CardViewer(live=False, moderator_id=None)
        return CardViewer(live=True, moderator_id=moderator.id)

    async def card_copies(self, report_id: int, chat_key: str | None = None) -> list[CardCopy]:
        return [
            self._open_copy(card) for card in await self._repo.card_copies(report_id, chat_key)
        ]

    async def remember_card(
        self,
        report_id: int,
        chat_key: str,
        chat_id: int,
        message_id: int,
        *,
        refresh: bool = False,
    ) -> None:
        """A new live copy (older copies in the same chat are retired by the caller); with
        `refresh`, its buttons and current text are queued in the same transaction."""
        sealed = self._keyring.seal(str(chat_id).encode(), chat_key.encode())
        async with self._db.transaction():
            await self._repo.add_card_copy(report_id, chat_key, sealed, message_id)
            if refresh:
                await refresh_cards(self._outbox, report_id)

    async def forget_card(self, report_id: int, copy: CardCopy) -> None:
        await self._repo.remove_card_copy(report_id, copy.chat_key, copy.message_id)

    def _open_copy(self, card: Card) -> CardCopy:
        chat_id = int(self._keyring.unseal(card.chat_id_enc, card.chat_key.encode()))
        return CardCopy(card.chat_key, chat_id, card.message_id)

    # Helpers

    def _open(self, report: Report) -> None:
        if report.status in CLOSED_STATUSES:
            raise InvalidActionError("closed")

    def _text(self, text: str, maximum: int) -> str:
        """Tidied as a citizen's text is (invisible-only text counts as empty)."""
        try:
            return fit(text, maximum=maximum)
        except TextError as exc:
            if exc.reason == "too_long":
                raise InvalidActionError("too_long", **exc.details) from None
            raise InvalidActionError("empty") from None

    def _stamp(self) -> str:
        return to_db(self._now())

    async def _change_status(
        self,
        moderator: Moderator,
        report: Report,
        status: str,
        *,
        reason: str | None = None,
        duplicate_of: str | None = None,
        notify: bool = True,
    ) -> None:
        """The status, its history row, its audit row and (when asked) the reporter's news."""
        await self._reports.set_status(
            report.id, status, reason, duplicate_of, moderator.pseudonym, self._stamp()
        )
        detail = f": {reason or duplicate_of}" if reason or duplicate_of else ""
        await self._audit(moderator, report, "status", report.status, status + detail)
        if notify:
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

    async def _notify(self, report: Report, payload: dict[str, Any]) -> None:
        # Anonymous reporters are never pushed anything: nobody knows who they are.
        if report.reporter is not None:
            await self._outbox.enqueue(report.reporter, payload)

    async def _refresh_cards(self, report: Report) -> None:
        await refresh_cards(self._outbox, report.id)

    async def _touch(
        self, moderator: Moderator, report: Report, action: str, old: object, new: object
    ) -> None:
        await self._repo.touch(report.id, self._stamp())
        await self._audit(moderator, report, action, old, new)

    async def _audit(
        self, moderator: Moderator, report: Report, action: str, old: object, new: object
    ) -> None:
        await self._audit_log.add(
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


async def refresh_cards(outbox: Outbox, report_id: int) -> None:
    """Queue a redraw of every copy of a case's card. One waits per case at a time; it draws
    the case as it is when sent, so several changes in a row cost one edit per copy."""
    await outbox.enqueue(
        CARDS_RECIPIENT,
        {"kind": "card_refresh", "report_id": report_id},
        dedupe=f"card_refresh:{report_id}",
    )


class ModeratorAlerts:
    """A new report becomes a card: in the moderators' group, or privately to each moderator
    of its region. Queued in the filing's transaction, so a 429 or a crash loses no card.
    An answer from the reporter is told to the moderator who holds the case."""

    def __init__(
        self, group_chat_id: int | None, moderators: ModeratorRepository, outbox: Outbox
    ) -> None:
        self._group = group_chat_id
        self._moderators = moderators
        self._outbox = outbox

    async def report_filed(self, report: Report) -> None:
        payload = {"kind": "card", "report_id": report.id}
        if self._group is not None:
            await self._outbox.enqueue(GROUP_RECIPIENT, payload)
            return
        for moderator in await self._moderators.for_region(report.region):
            await self._outbox.enqueue(moderator.pseudonym, payload)

    async def codes_guessed(self, misses: int, window_minutes: int, pause_minutes: int) -> None:
        """Wrong follow-up codes come at an abnormal rate (bot/services/limits.py): to the
        group, or to every active moderator. Counts only: nothing about who typed them."""
        payload = {
            "kind": "mod_guessing",
            "misses": misses,
            "minutes": window_minutes,
            "pause": pause_minutes,
        }
        if self._group is not None:
            await self._outbox.enqueue(GROUP_RECIPIENT, payload)
            return
        for moderator in await self._moderators.active():
            await self._outbox.enqueue(moderator.pseudonym, payload)

    async def reporter_added(self, report: Report) -> None:
        """The reporter answered or added files: the cards are redrawn, and whoever holds the
        case hears of it."""
        await refresh_cards(self._outbox, report.id)
        holder = await self._moderators.get(report.assignee) if report.assignee else None
        if holder is not None and holder.active:
            # One notice per case waits at a time: an album of five files is one notice.
            await self._outbox.enqueue(
                holder.pseudonym,
                {"kind": "mod_answered", "case": report.case_number},
                dedupe=f"answered:{report.id}:{holder.id}",
            )
