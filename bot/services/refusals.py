"""Refused attempts: repeated probing stays visible, the people behind it stay unnamed.

A moderator refused (a case outside their regions) is audited like any act of theirs: by
moderator number, to the second. Anybody else is a citizen or a stranger, and the audit log
must not tie a precise moment to a citizen. Their refusal is written with a **tag** and the
**hour**. The tag is a keyed digest of their pseudonym under its own label: neither the
Telegram id nor the pseudonym, and not joinable to `users` or `reports` without the key. The
same person always gets the same tag, so /audit shows one prober trying ten times as one tag.

Only the key turns a tag back into a person: /ban_tag computes the tag of every known user's
pseudonym until one matches (a scan, which is fine for a rare superadmin command and keeps
no reverse index in the database). Only tags that were refused can be banned, and never a
moderator's.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository, RefusalRow
from bot.db.repositories.moderation import ModerationRepository
from bot.db.repositories.moderators import Moderator, ModeratorRepository
from bot.services.dates import coarse_hour, to_db
from bot.services.outbox import Outbox

TAG_LABEL = "refusal-tag:"
SHOWN_TAG = 8  # hex characters of a tag shown in /audit and typed after /ban_tag
REFUSALS_PAGE = 15  # lines of a page of refused attempts (a name may take 150 characters)
_SCAN_BATCH = 2000
_TYPED_TAG = re.compile(rf"#?([0-9a-f]{{{SHOWN_TAG},40}})")


class TagError(ValueError):
    """A tag that cannot be banned; `reason` says why (a key of views.moderation texts)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RefusalPage:
    rows: list[RefusalRow]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // REFUSALS_PAGE))


def shown_tag(tag: str) -> str:
    return tag[:SHOWN_TAG]


class Refusals:
    def __init__(
        self,
        *,
        db: Database,
        audit: AuditRepository,
        moderators: ModeratorRepository,
        repo: ModerationRepository,
        outbox: Outbox,
        keyring: Keyring,
        now: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._audit = audit
        self._moderators = moderators
        self._repo = repo
        self._outbox = outbox
        self._keyring = keyring
        self._now = now

    def tag(self, pseudonym: str) -> str:
        return self._keyring.opaque(TAG_LABEL + pseudonym)

    async def record(
        self,
        moderator: Moderator | None,
        pseudonym: str | None,
        action: str,
        report_id: int | None = None,
    ) -> None:
        if moderator is not None:
            at, actor, key = to_db(self._now()), moderator.id, None
        else:
            at, actor = to_db(coarse_hour(self._now())), None
            key = self.tag(pseudonym) if pseudonym else None
        await self._audit.add(at, actor, key, "refused:" + action, report_id)

    async def page(self, regions: frozenset[str] | None, page: int) -> RefusalPage:
        """Newest first; a moderator sees those about no case and about their regions."""
        page = max(0, min(page, 10**6))
        rows, total = await self._audit.refusals(regions, page * REFUSALS_PAGE, REFUSALS_PAGE)
        return RefusalPage(rows, total, page)

    async def ban(self, typed: str, by: str) -> str:
        """Restrict filing by the person behind a refusal tag; the shown tag is returned.

        Raises TagError: format, unknown, moderator, already_banned."""
        tag, pseudonym = await self._person(typed)
        async with self._db.transaction():
            if not await self._repo.ban(pseudonym, None, to_db(self._now())):
                raise TagError("already_banned")
            await self._outbox.enqueue(pseudonym, {"kind": "banned"})
            await self._audit.add(to_db(self._now()), None, by, "ban_tag", None, None, tag)
        return tag

    async def unban(self, typed: str, by: str) -> str:
        """Raises TagError: format, unknown, moderator, not_banned."""
        tag, pseudonym = await self._person(typed)
        async with self._db.transaction():
            if not await self._repo.unban(pseudonym):
                raise TagError("not_banned")
            await self._outbox.enqueue(pseudonym, {"kind": "unbanned"})
            await self._audit.add(to_db(self._now()), None, by, "unban_tag", None, None, tag)
        return tag

    async def _person(self, typed: str) -> tuple[str, str]:
        match = _TYPED_TAG.fullmatch(typed.strip().lower())
        if match is None:
            raise TagError("format")
        tags = await self._audit.refusal_tags(match.group(1))
        if len(tags) != 1:  # none, or a prefix two refused people share: ask for more
            raise TagError("unknown")
        pseudonym = await self._find(tags[0])
        if pseudonym is None:
            raise TagError("unknown")
        moderator = await self._moderators.by_pseudonym(pseudonym)
        if moderator is not None and moderator.active:
            raise TagError("moderator")
        return shown_tag(tags[0]), pseudonym

    async def _find(self, tag: str) -> str | None:
        after = ""
        while batch := await self._moderators.user_pseudonyms(after, _SCAN_BATCH):
            found = await asyncio.to_thread(self._match, tag, batch)
            if found is not None:
                return found
            after = batch[-1]
        return None

    def _match(self, tag: str, pseudonyms: list[str]) -> str | None:
        return next((p for p in pseudonyms if self.tag(p) == tag), None)
