"""RSS/Atom feeds of official sources. A superadmin registers a feed; each new entry becomes a
draft for the editors of its region, who are told with a "Translate and publish" button.
Nothing from a feed is ever published without an editor.

Feeds are fetched by `fetch` (aiohttp in production, a local server in tests) and parsed with
feedparser, which copes with the many dialects of RSS and Atom that official sites serve.
What an entry says reaches a draft as plain text: the source's HTML is stripped and escaped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.news import Feed, NewsRepository
from bot.services.dates import to_db, utc_now
from bot.services.news import GENERAL_TOPIC
from bot.services.news_text import TITLE_MAX, NewsInputError, check_link, plain_from_html
from bot.services.outbox import Outbox
from bot.services.regions import get_region

log = logging.getLogger(__name__)
Fetch = Callable[[str], Awaitable[bytes]]
MAX_FEED_BYTES = 2 * 1024 * 1024


class FeedError(ValueError):
    """A feed that cannot be used: `reason` is "url", "unreachable" or "not_a_feed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    title: str
    summary: str
    link: str | None


async def http_fetch(url: str) -> bytes:
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=20)
    async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
        response.raise_for_status()
        body = await response.content.read(MAX_FEED_BYTES + 1)
        if len(body) > MAX_FEED_BYTES:
            raise ValueError("feed too large")
        return body


def parse_feed(raw: bytes) -> tuple[str | None, list[Entry]]:
    parsed: Any = feedparser.parse(raw)
    if parsed.bozo and not parsed.entries:
        raise FeedError("not_a_feed")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not_a_feed")
    entries = []
    for entry in parsed.entries:
        title = " ".join(str(entry.get("title", "")).split())
        key = str(entry.get("id") or entry.get("link") or title)
        if not title or not key:
            continue
        link = entry.get("link")
        try:
            link = check_link(str(link)) if link else None
        except NewsInputError:
            link = None
        summary = entry.get("summary") or entry.get("description") or ""
        entries.append(Entry(key, title, str(summary), link))
    title = parsed.feed.get("title") if parsed.get("feed") else None
    return (str(title)[:200] if title else None), entries


class Feeds:
    def __init__(
        self,
        *,
        db: Database,
        repo: NewsRepository,
        outbox: Outbox,
        keyring: Keyring,
        editors_for: Callable[[str], Awaitable[list[str]]],
        fetch: Fetch = http_fetch,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._repo = repo
        self._outbox = outbox
        self._keyring = keyring
        self._editors_for = editors_for
        self._fetch = fetch
        self._now = now

    async def _read(self, url: str) -> tuple[str | None, list[Entry]]:
        try:
            raw = await self._fetch(url)
        except Exception as exc:
            log.info("feed fetch failed: %s", type(exc).__name__)
            raise FeedError("unreachable") from exc
        return await asyncio.to_thread(parse_feed, raw)

    async def add(self, url: str, region: str, locale: str, by: str) -> tuple[int, int]:
        """Register a feed; what it holds now is only remembered, later entries become drafts.
        Returns the feed's number and how many entries it holds."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in url.strip():
            raise FeedError("url")
        url = url.strip()
        if region != "*" and get_region(region) is None:
            raise FeedError("url")
        title, entries = await self._read(url)
        async with self._db.transaction():
            feed_id = await self._repo.add_feed(url, region, locale, title, by, self._stamp())
            for entry in entries:
                await self._repo.mark_entry(feed_id, self._key(entry), self._stamp())
            await self._repo.audit(self._stamp(), by, "feed_add", None, str(feed_id))
        return feed_id, len(entries)

    async def remove(self, feed_id: int, by: str) -> bool:
        async with self._db.transaction():
            if not await self._repo.deactivate_feed(feed_id):
                return False
            await self._repo.audit(self._stamp(), by, "feed_remove", None, str(feed_id))
        return True

    async def feeds(self) -> list[Feed]:
        return await self._repo.feeds()

    async def poll(self) -> int:
        """Fetch every feed; each new entry becomes a draft and its editors are told.
        Returns the number of new drafts."""
        made = 0
        for feed in await self._repo.feeds():
            try:
                _title, entries = await self._read(feed.url)
            except FeedError as exc:
                log.info("feed %s skipped: %s", feed.id, exc.reason)
                continue
            for entry in reversed(entries):  # oldest first, so drafts keep the feed's order
                made += await self._draft(feed, entry)
        return made

    async def _draft(self, feed: Feed, entry: Entry) -> int:
        editors = await self._editors_for(feed.region)
        async with self._db.transaction():
            if not await self._repo.mark_entry(feed.id, self._key(entry), self._stamp()):
                return 0
            title = " ".join(plain_from_html(entry.title, TITLE_MAX, escape=False).split())
            fields = {
                f"title_{feed.locale}": title or None,
                f"body_{feed.locale}": plain_from_html(entry.summary) or None,
                "link": entry.link,
            }
            regions = None if feed.region == "*" else frozenset({feed.region})
            item_id = await self._repo.create_item(
                regions, GENERAL_TOPIC, None, self._stamp(), feed_id=feed.id, fields=fields
            )
            await self._repo.audit(self._stamp(), None, "news_from_feed", item_id, str(feed.id))
            for editor in editors:
                await self._outbox.enqueue(editor, {"kind": "news_feed_draft", "item": item_id})
        return 1

    def _key(self, entry: Entry) -> str:
        return self._keyring.opaque("feed-entry:" + entry.key)

    def _stamp(self) -> str:
        return to_db(self._now())
