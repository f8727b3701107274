"""Regional news: editors, items, subscriptions and feeds. All SQL of the feature but the
broadcaster's (bot/db/repositories/broadcasts.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.db.connection import Database
from bot.db.repositories.moderators import format_scope, parse_scope

ITEM_FIELDS = (
    "regions",
    "topic",
    "title_kk",
    "body_kk",
    "title_ru",
    "body_ru",
    "photo",
    "link",
)


@dataclass(frozen=True, slots=True)
class Editor:
    id: int
    pseudonym: str
    regions: frozenset[str] | None  # None: all of Kazakhstan
    active: bool

    def covers(self, regions: frozenset[str] | None) -> bool:
        """May this editor publish to these regions (None: the whole country)?"""
        if self.regions is None:
            return True
        return regions is not None and regions <= self.regions


@dataclass(frozen=True, slots=True)
class NewsItem:
    id: int
    status: str
    regions: frozenset[str] | None  # None: all of Kazakhstan; empty: not chosen yet
    topic: str | None
    title_kk: str | None
    body_kk: str | None
    title_ru: str | None
    body_ru: str | None
    photo: str | None
    link: str | None
    author: str | None
    feed_id: int | None
    created_at: str
    updated_at: str
    scheduled_at: str | None
    published_at: str | None

    def title(self, locale: str) -> str | None:
        return self.title_ru if locale == "ru" else self.title_kk

    def body(self, locale: str) -> str | None:
        return self.body_ru if locale == "ru" else self.body_kk

    def has(self, locale: str) -> bool:
        return bool(self.title(locale))

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(code for code in ("kk", "ru") if self.has(code))

    @property
    def national(self) -> bool:
        return self.regions is None

    def reaches(self, regions: frozenset[str] | None) -> bool:
        """Is an item for these regions of interest to a reader of `regions`?"""
        if self.regions is None or regions is None:
            return True
        return bool(self.regions & regions)


@dataclass(frozen=True, slots=True)
class Subscription:
    subscriber: str
    regions: frozenset[str] | None
    topics: frozenset[str] | None  # None: every topic
    frequency: str
    slot: str

    def wants(self, item: NewsItem) -> bool:
        topic_ok = self.topics is None or (item.topic or "general") in self.topics
        return topic_ok and item.reaches(self.regions)


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    region: str
    locale: str
    title: str | None
    active: bool


def _scope(text: str) -> frozenset[str] | None:
    return parse_scope(text)


def _editor(row: sqlite3.Row) -> Editor:
    return Editor(row["id"], row["pseudonym"], _scope(row["regions"]), bool(row["active"]))


def _item(row: sqlite3.Row) -> NewsItem:
    return NewsItem(
        id=row["id"],
        status=row["status"],
        regions=_scope(row["regions"]),
        topic=row["topic"],
        title_kk=row["title_kk"],
        body_kk=row["body_kk"],
        title_ru=row["title_ru"],
        body_ru=row["body_ru"],
        photo=row["photo"],
        link=row["link"],
        author=row["author"],
        feed_id=row["feed_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        scheduled_at=row["scheduled_at"],
        published_at=row["published_at"],
    )


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        row["subscriber"],
        _scope(row["regions"]),
        _scope(row["topics"]),
        row["frequency"],
        row["slot"],
    )


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        row["id"], row["url"], row["region"], row["locale"], row["title"], bool(row["active"])
    )


class NewsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Editors

    async def upsert_editor(
        self, pseudonym: str, regions: frozenset[str] | None, by: str, at: str
    ) -> Editor:
        await self._db.execute(
            "INSERT INTO news_editors (pseudonym, regions, added_by, added_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (pseudonym) DO UPDATE SET"
            " regions = excluded.regions, active = 1",
            (pseudonym, format_scope(regions), by, at),
        )
        found = await self.editor(pseudonym)
        assert found is not None
        return found

    async def editor(self, pseudonym: str) -> Editor | None:
        row = await self._db.fetchone(
            "SELECT * FROM news_editors WHERE pseudonym = ?", (pseudonym,)
        )
        return _editor(row) if row else None

    async def editor_by_id(self, editor_id: int) -> Editor | None:
        row = await self._db.fetchone("SELECT * FROM news_editors WHERE id = ?", (editor_id,))
        return _editor(row) if row else None

    async def editors(self) -> list[Editor]:
        rows = await self._db.fetchall("SELECT * FROM news_editors WHERE active = 1 ORDER BY id")
        return [_editor(r) for r in rows]

    async def deactivate_editor(self, editor_id: int) -> None:
        await self._db.execute("UPDATE news_editors SET active = 0 WHERE id = ?", (editor_id,))

    # Items

    async def create_item(
        self,
        regions: frozenset[str] | None,
        topic: str,
        author: str | None,
        at: str,
        *,
        feed_id: int | None = None,
        fields: dict[str, str | None] | None = None,
    ) -> int:
        values = {"regions": format_scope(regions), "topic": topic, **(fields or {})}
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        return await self._db.insert(
            f"INSERT INTO news_items ({names}, author, feed_id, created_at, updated_at)"
            f" VALUES ({marks}, ?, ?, ?, ?)",
            (*values.values(), author, feed_id, at, at),
        )

    async def item(self, item_id: int) -> NewsItem | None:
        row = await self._db.fetchone("SELECT * FROM news_items WHERE id = ?", (item_id,))
        return _item(row) if row else None

    async def set_field(self, item_id: int, field: str, value: str | None, at: str) -> bool:
        """Change one field of an item that has not gone out; False when it has."""
        if field not in ITEM_FIELDS:
            raise ValueError(field)
        changed = await self._db.execute(
            f"UPDATE news_items SET {field} = ?, updated_at = ?"
            " WHERE id = ? AND status IN ('draft', 'scheduled')",
            (value, at, item_id),
        )
        return changed == 1

    async def set_status(
        self, item_id: int, status: str, at: str, *, expect: tuple[str, ...], **times: str | None
    ) -> bool:
        """Move an item on, only from one of the `expect`ed statuses (a guard against doing
        the same thing twice: two presses, two scheduler runs, a replay after a crash)."""
        sets = ", ".join(f"{name} = ?" for name in times)
        extra = f", {sets}" if sets else ""
        marks = ", ".join("?" for _ in expect)
        changed = await self._db.execute(
            f"UPDATE news_items SET status = ?, updated_at = ?{extra}"
            f" WHERE id = ? AND status IN ({marks})",
            (status, at, *times.values(), item_id, *expect),
        )
        return changed == 1

    async def items_for(
        self, authors: str | None, statuses: tuple[str, ...], limit: int, offset: int
    ) -> tuple[list[NewsItem], int]:
        """Items in these statuses, newest first; by one author, or all when None."""
        marks = ", ".join("?" for _ in statuses)
        where = f"status IN ({marks})"
        params: list[object] = list(statuses)
        if authors is not None:
            where += " AND (author = ? OR author IS NULL)"
            params.append(authors)
        rows = await self._db.fetchall(
            f"SELECT * FROM news_items WHERE {where}"
            " ORDER BY COALESCE(published_at, scheduled_at, updated_at) DESC, id DESC"
            " LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        total = await self._db.fetchone(
            f"SELECT COUNT(*) AS n FROM news_items WHERE {where}", params
        )
        return [_item(r) for r in rows], int(total["n"]) if total else 0

    async def due(self, now: str) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM news_items WHERE status = 'scheduled' AND scheduled_at <= ?"
            " ORDER BY scheduled_at, id",
            (now,),
        )
        return [int(r["id"]) for r in rows]

    async def published_between(self, since: str, until: str) -> list[NewsItem]:
        rows = await self._db.fetchall(
            "SELECT * FROM news_items WHERE status = 'published'"
            " AND published_at >= ? AND published_at < ? ORDER BY published_at DESC, id DESC",
            (since, until),
        )
        return [_item(r) for r in rows]

    # Subscriptions

    async def subscription(self, subscriber: str) -> Subscription | None:
        row = await self._db.fetchone(
            "SELECT * FROM news_subscriptions WHERE subscriber = ?", (subscriber,)
        )
        return _subscription(row) if row else None

    async def save_subscription(self, sub: Subscription, today: str) -> None:
        await self._db.execute(
            "INSERT INTO news_subscriptions (subscriber, regions, topics, frequency, slot, since)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subscriber) DO UPDATE SET"
            " regions = excluded.regions, topics = excluded.topics,"
            " frequency = excluded.frequency, slot = excluded.slot",
            (
                sub.subscriber,
                format_scope(sub.regions),
                format_scope(sub.topics),
                sub.frequency,
                sub.slot,
                today,
            ),
        )

    async def delete_subscription(self, subscriber: str) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM news_subscriptions WHERE subscriber = ?", (subscriber,)
            )
            == 1
        )

    async def subscribers(self, frequency: str, slot: str | None = None) -> list[Subscription]:
        """Subscriptions of active users with this frequency (and slot)."""
        sql = (
            "SELECT s.* FROM news_subscriptions s JOIN users u ON u.pseudonym = s.subscriber"
            " WHERE u.is_active = 1 AND s.frequency = ?"
        )
        params: tuple[str, ...] = (frequency,)
        if slot is not None:
            sql += " AND s.slot = ?"
            params = (frequency, slot)
        rows = await self._db.fetchall(sql + " ORDER BY s.subscriber", params)
        return [_subscription(r) for r in rows]

    # Feeds

    async def add_feed(
        self, url: str, region: str, locale: str, title: str | None, by: str, at: str
    ) -> int:
        await self._db.execute(
            "INSERT INTO news_feeds (url, region, locale, title, added_by, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET region = excluded.region,"
            " locale = excluded.locale, title = excluded.title, active = 1",
            (url, region, locale, title, by, at),
        )
        row = await self._db.fetchone("SELECT id FROM news_feeds WHERE url = ?", (url,))
        assert row is not None
        return int(row["id"])

    async def feeds(self) -> list[Feed]:
        rows = await self._db.fetchall("SELECT * FROM news_feeds WHERE active = 1 ORDER BY id")
        return [_feed(r) for r in rows]

    async def feed(self, feed_id: int) -> Feed | None:
        row = await self._db.fetchone("SELECT * FROM news_feeds WHERE id = ?", (feed_id,))
        return _feed(row) if row else None

    async def deactivate_feed(self, feed_id: int) -> bool:
        return (
            await self._db.execute(
                "UPDATE news_feeds SET active = 0 WHERE id = ? AND active = 1", (feed_id,)
            )
            == 1
        )

    async def mark_entry(self, feed_id: int, entry_key: str, at: str) -> bool:
        """Remember an entry; False when it was seen before."""
        return (
            await self._db.execute(
                "INSERT OR IGNORE INTO news_feed_entries (feed_id, entry_key, seen_at)"
                " VALUES (?, ?, ?)",
                (feed_id, entry_key, at),
            )
            == 1
        )

    # Audit

    async def audit(
        self, at: str, actor_key: str | None, action: str, news_id: int | None, new: str | None
    ) -> None:
        await self._db.execute(
            "INSERT INTO audit_log (at, actor, actor_key, action, report_id, new_value, news_id)"
            " VALUES (?, NULL, ?, ?, NULL, ?, ?)",
            (at, actor_key, action, new, news_id),
        )

    async def audit_trail(self, news_id: int) -> list[sqlite3.Row]:
        return await self._db.fetchall(
            "SELECT at, actor_key, action, new_value FROM audit_log WHERE news_id = ? ORDER BY id",
            (news_id,),
        )
