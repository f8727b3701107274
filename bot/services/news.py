"""Editors and their news items: composing, checking, publishing, scheduling, withdrawing.

Who may do what is checked here on every action: an editor acts within the regions of their
right; an item for all of Kazakhstan needs a national editor or a superadmin. Every action
writes its change and its audit row (and, when publishing, the broadcast and channel posts)
in one transaction.

What a reader will see is measured by `measure` (the views' renderer, injected by the
factory), so a text too long for Telegram after formatting, or for a photo's caption, is
refused at the step where it is typed, never at sending time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from bot.db.connection import Database
from bot.db.repositories.news import Editor, NewsItem, NewsRepository
from bot.domain import Priority
from bot.services.broadcasts import Broadcasts
from bot.services.dates import to_db, utc_now
from bot.services.news_text import (
    CAPTION_MAX,
    MESSAGE_MAX,
    NewsInputError,
    check_body,
    check_link,
    check_title,
)
from bot.services.outbox import Outbox
from bot.services.regions import get_region
from bot.services.risk_areas import get_area
from bot.services.users import UserService

log = logging.getLogger(__name__)

GENERAL_TOPIC = "general"
EDITABLE = ("draft", "scheduled")
LIST_PAGE = 6
CHANNEL_PREFIX = "@channel:"
Measure = Callable[[NewsItem], Mapping[str, int]]


class NotAnEditorError(PermissionError):
    """Not an editor, or the item is outside the editor's regions."""


@dataclass(frozen=True, slots=True)
class EditorRole:
    """Who acts: an editor with a scope, or a superadmin (national, `editor_id` None)."""

    pseudonym: str
    regions: frozenset[str] | None
    editor_id: int | None

    @property
    def national(self) -> bool:
        return self.regions is None

    def covers(self, regions: frozenset[str] | None) -> bool:
        if self.regions is None:
            return True
        return regions is not None and bool(regions) and regions <= self.regions


def valid_topic(topic: str) -> bool:
    return topic == GENERAL_TOPIC or get_area(topic) is not None


class NewsService:
    def __init__(
        self,
        *,
        db: Database,
        repo: NewsRepository,
        users: UserService,
        outbox: Outbox,
        broadcasts: Broadcasts,
        measure: Measure,
        admin_ids: tuple[int, ...],
        channels: Mapping[str, int] | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._repo = repo
        self._users = users
        self._outbox = outbox
        self._broadcasts = broadcasts
        self._measure = measure
        self._admins = frozenset(admin_ids)
        self._channels = dict(channels or {})
        self._now = now

    # Who is an editor

    async def role(self, telegram_id: int | None, pseudonym: str | None) -> EditorRole | None:
        if telegram_id is not None and telegram_id in self._admins and pseudonym:
            return EditorRole(pseudonym, None, None)
        editor = await self._repo.editor(pseudonym) if pseudonym else None
        if editor is None or not editor.active:
            return None
        return EditorRole(editor.pseudonym, editor.regions, editor.id)

    def is_superadmin(self, telegram_id: int) -> bool:
        return telegram_id in self._admins

    async def add_editor(
        self,
        regions: frozenset[str] | None,
        by: str,
        *,
        telegram_id: int | None = None,
        pseudonym: str | None = None,
    ) -> Editor | None:
        """Give the right (by Telegram id, or to a user the bot knows by pseudonym)."""
        async with self._db.transaction():
            if telegram_id is not None:
                pseudonym = (await self._users.ensure(telegram_id, telegram_id, None)).pseudonym
            elif pseudonym is None or await self._users.get(pseudonym) is None:
                return None
            editor = await self._repo.upsert_editor(pseudonym, regions, by, self._stamp())
            scope = ",".join(sorted(regions or ["*"]))
            await self._repo.audit(self._stamp(), by, "editor_add", None, f"{editor.id}:{scope}")
        return editor

    async def remove_editor(self, editor_id: int, by: str) -> bool:
        async with self._db.transaction():
            found = await self._repo.editor_by_id(editor_id)
            if found is None or not found.active:
                return False
            await self._repo.deactivate_editor(editor_id)
            await self._repo.audit(self._stamp(), by, "editor_remove", None, str(editor_id))
        return True

    async def editors(self) -> list[Editor]:
        return await self._repo.editors()

    async def editors_for(self, region: str) -> list[str]:
        """Pseudonyms of whoever may publish for a region ('*': the whole country)."""
        scope = None if region == "*" else frozenset({region})
        found = [e.pseudonym for e in await self._repo.editors() if e.covers(scope)]
        for admin in sorted(self._admins):
            pseudonym = self._users.pseudonym(admin)
            if pseudonym not in found and await self._users.get(pseudonym) is not None:
                found.append(pseudonym)
        return found

    # Items

    async def item(self, role: EditorRole, item_id: int) -> NewsItem:
        """The item, if this editor may act on it."""
        item = await self._repo.item(item_id)
        if item is None or not self._may(role, item):
            await self._repo.audit(self._stamp(), role.pseudonym, "refused:news", None, None)
            raise NotAnEditorError(item_id)
        return item

    async def published(self, item_id: int) -> NewsItem | None:
        """An item readers may open in full."""
        item = await self._repo.item(item_id)
        return item if item is not None and item.status == "published" else None

    def _may(self, role: EditorRole, item: NewsItem) -> bool:
        if not item.regions and item.regions is not None:  # regions not chosen yet
            return item.author == role.pseudonym or role.national
        return role.covers(item.regions)

    async def create(
        self,
        role: EditorRole,
        regions: frozenset[str] | None,
        topic: str,
        *,
        fields: dict[str, str | None] | None = None,
    ) -> int:
        self._check_scope(role, regions)
        if not valid_topic(topic):
            raise NewsInputError("topic")
        async with self._db.transaction():
            item_id = await self._repo.create_item(
                regions, topic, role.pseudonym, self._stamp(), fields=fields
            )
            await self._repo.audit(self._stamp(), role.pseudonym, "news_create", item_id, None)
        return item_id

    def _check_scope(self, role: EditorRole, regions: frozenset[str] | None) -> None:
        if regions is not None and (not regions or any(get_region(c) is None for c in regions)):
            raise NewsInputError("regions")
        if not role.covers(regions):
            raise NotAnEditorError("scope")

    async def set_field(
        self, role: EditorRole, item_id: int, field: str, value: str | None
    ) -> NewsItem:
        """Check and store one field; the whole message must still fit Telegram."""
        item = await self.item(role, item_id)
        if item.status not in EDITABLE:
            raise NewsInputError("gone_out")
        stored = self._checked(role, field, value)
        candidate = _with(item, field, stored)
        self._check_fits(candidate)
        async with self._db.transaction():
            if not await self._repo.set_field(item_id, field, stored, self._stamp()):
                raise NewsInputError("gone_out")
            await self._repo.audit(self._stamp(), role.pseudonym, "news_edit", item_id, field)
        return candidate

    def _checked(self, role: EditorRole, field: str, value: str | None) -> str | None:
        if value is None or field == "photo":
            return value
        if field in ("title_kk", "title_ru"):
            return check_title(value)
        if field in ("body_kk", "body_ru"):
            return check_body(value)
        if field == "link":
            return check_link(value)
        if field == "topic":
            if not valid_topic(value):
                raise NewsInputError("topic")
            return value
        if field == "regions":
            regions = None if value == "*" else frozenset(filter(None, value.split(",")))
            self._check_scope(role, regions)
            return "*" if regions is None else ",".join(sorted(regions))
        raise NewsInputError("field")

    def _check_fits(self, item: NewsItem) -> None:
        limit = CAPTION_MAX if item.photo else MESSAGE_MAX
        longest = max(self._measure(item).values(), default=0)
        if longest > limit:
            raise NewsInputError("caption_long" if item.photo else "too_long", longest)

    def ready(self, item: NewsItem) -> str | None:
        """Why the item cannot go out yet (a reason code), or None."""
        if not item.regions and item.regions is not None:
            return "regions"
        if not item.locales:
            return "no_language"
        for code in ("kk", "ru"):
            if bool(item.title(code)) != bool(item.body(code)):
                return "half_language"
        return None

    async def publish(
        self, role: EditorRole, item_id: int, progress_message_id: int | None
    ) -> int:
        """Instant subscribers now, digest subscribers in their next digest. Returns the job."""
        item = await self.item(role, item_id)
        reason = self.ready(item)
        if reason is not None:
            raise NewsInputError(reason)
        async with self._db.transaction():
            job = await self._go_out(item, role.pseudonym, progress_message_id, ("draft",))
            if job is None:
                raise NewsInputError("gone_out")
            await self._repo.audit(self._stamp(), role.pseudonym, "news_publish", item_id, None)
        return job

    async def _go_out(
        self,
        item: NewsItem,
        owner: str | None,
        progress_message_id: int | None,
        expect: tuple[str, ...],
    ) -> int | None:
        now = self._stamp()
        if not await self._repo.set_status(
            item.id, "published", now, expect=expect, published_at=now
        ):
            return None
        readers = [s.subscriber for s in await self._repo.subscribers("instant") if s.wants(item)]
        job = await self._broadcasts.start(
            "news",
            readers,
            {"kind": "news", "item": item.id},
            news_id=item.id,
            owner=owner,
            progress_message_id=progress_message_id,
        )
        for channel in self._channels_for(item):
            for locale in item.locales:
                await self._outbox.enqueue(
                    f"{CHANNEL_PREFIX}{channel}",
                    {"kind": "news_channel", "item": item.id, "locale": locale, "owner": owner},
                    priority=Priority.BULK,
                )
        return job

    def _channels_for(self, item: NewsItem) -> list[int]:
        if item.regions is None:
            chosen = set(self._channels.values())
        else:
            chosen = {self._channels[c] for c in item.regions if c in self._channels}
            if "*" in self._channels:
                chosen.add(self._channels["*"])
        return sorted(chosen)

    async def schedule(self, role: EditorRole, item_id: int, at: datetime) -> NewsItem:
        item = await self.item(role, item_id)
        reason = self.ready(item)
        if reason is not None:
            raise NewsInputError(reason)
        if at <= self._now():
            raise NewsInputError("past")
        async with self._db.transaction():
            if not await self._repo.set_status(
                item_id, "scheduled", self._stamp(), expect=EDITABLE, scheduled_at=to_db(at)
            ):
                raise NewsInputError("gone_out")
            await self._repo.audit(
                self._stamp(), role.pseudonym, "news_schedule", item_id, to_db(at)
            )
        return await self.item(role, item_id)

    async def withdraw(self, role: EditorRole, item_id: int) -> None:
        await self.item(role, item_id)
        async with self._db.transaction():
            if not await self._repo.set_status(
                item_id, "withdrawn", self._stamp(), expect=EDITABLE
            ):
                raise NewsInputError("gone_out")
            await self._repo.audit(self._stamp(), role.pseudonym, "news_withdraw", item_id, None)

    async def publish_due(self) -> int:
        """Send every scheduled item whose time has come (also those missed while the bot was
        down); the status guard makes a second run, or a replay, send nothing."""
        sent = 0
        for item_id in await self._repo.due(self._stamp()):
            item = await self._repo.item(item_id)
            if item is None:
                continue
            async with self._db.transaction():
                job = await self._go_out(item, item.author, None, ("scheduled",))
                if job is not None:
                    await self._repo.audit(
                        self._stamp(), None, "news_publish_scheduled", item_id, None
                    )
                    sent += 1
        return sent

    async def listing(
        self, role: EditorRole, statuses: tuple[str, ...], page: int
    ) -> tuple[list[NewsItem], int]:
        """Items in these statuses this editor may act on, newest first, a page at a time."""
        found, _ = await self._repo.items_for(None, statuses, 10_000, 0)
        mine = [item for item in found if self._may(role, item)]
        start = max(0, page) * LIST_PAGE
        return mine[start : start + LIST_PAGE], len(mine)

    async def audit_trail(self, role: EditorRole, item_id: int) -> list[tuple[str, str]]:
        await self.item(role, item_id)
        return [(r["at"], r["action"]) for r in await self._repo.audit_trail(item_id)]

    def _stamp(self) -> str:
        return to_db(self._now())


def _with(item: NewsItem, field: str, value: str | None) -> NewsItem:
    if field == "regions":
        scope = None if value == "*" else frozenset(filter(None, (value or "").split(",")))
        return replace(item, regions=scope)
    return replace(item, **{field: value})
