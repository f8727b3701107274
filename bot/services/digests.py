"""Digests: one message per subscriber per period with the items they follow, in the morning
(08:00) or the evening (19:00) Asia/Almaty; weekly ones on Monday in the chosen slot.

A run is recorded (news_digest_runs) in the transaction that queues its messages, so two runs,
a crash or a restart never send a digest twice, and a slot missed while the bot was down is
sent once, late, within `GRACE`. A digest covers the period that ends at its slot, whenever it
is actually sent, so a late digest says the same as a punctual one. Nobody gets an empty one.

Payload: ``{"kind": "digest", "items": [3, 2], "frequency": "daily", "slot": "morning",
"day": "2026-11-23", "regions": "KZ-27", "received": 12, "resolved": 3}``; the sender renders
it in the subscriber's language at send time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db.connection import Database
from bot.db.repositories.broadcasts import BroadcastRepository
from bot.db.repositories.moderators import format_scope
from bot.db.repositories.news import NewsItem, NewsRepository, Subscription
from bot.services.broadcasts import Broadcasts
from bot.services.dates import DISPLAY_TZ, to_db, utc_now

log = logging.getLogger(__name__)

DEFAULT_SLOTS = {"morning": time(8, 0), "evening": time(19, 0)}
GRACE = timedelta(hours=3)
STATS_WINDOW = timedelta(days=7)
PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
WEEKLY_ON = 0  # Monday


class Digests:
    def __init__(
        self,
        db: Database,
        news: NewsRepository,
        repo: BroadcastRepository,
        broadcasts: Broadcasts,
        *,
        tz: str = DISPLAY_TZ,
        slots: dict[str, time] | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._news = news
        self._repo = repo
        self._broadcasts = broadcasts
        self._zone = ZoneInfo(tz)
        self.slots = dict(slots or DEFAULT_SLOTS)
        self._now = now

    def slot_moment(self, slot: str, day: date) -> datetime:
        return datetime.combine(day, self.slots[slot], self._zone)

    def period(self, frequency: str, slot: str, day: date) -> tuple[datetime, datetime]:
        until = self.slot_moment(slot, day)
        return until - PERIODS[frequency], until

    async def run(self, slot: str, day: date) -> int:
        """Queue the digests of this slot on this local date; returns messages queued."""
        queued = 0
        frequencies = ["daily"] + (["weekly"] if day.weekday() == WEEKLY_ON else [])
        for frequency in frequencies:
            queued += await self._run_one(frequency, slot, day)
        return queued

    async def catch_up(self) -> int:
        """At start-up: a slot that passed within GRACE and was not sent goes out now."""
        now = self._now()
        local = now.astimezone(self._zone)
        queued = 0
        for slot in self.slots:
            for day in (local.date(), local.date() - timedelta(days=1)):
                moment = self.slot_moment(slot, day)
                if moment <= now <= moment + GRACE:
                    queued += await self.run(slot, day)
        return queued

    async def _run_one(self, frequency: str, slot: str, day: date) -> int:
        label = f"{day.isoformat()}:{slot}:{frequency}"
        since, until = self.period(frequency, slot, day)
        async with self._db.transaction():
            if await self._repo.digest_claimed(label):
                return 0
            items = await self._news.published_between(to_db(since), to_db(until))
            subscribers = await self._news.subscribers(frequency, slot)
            payloads: dict[str, dict] = {}
            stats: dict[str, tuple[int, int]] = {}
            for sub in subscribers:
                mine = [item.id for item in items if sub.wants(item)]
                if not mine:
                    continue  # an empty digest is not sent
                scope = format_scope(sub.regions)
                if scope not in stats:
                    stats[scope] = await self._repo.report_counts(
                        sub.regions, to_db(until - STATS_WINDOW)
                    )
                received, resolved = stats[scope]
                payloads[sub.subscriber] = {
                    "kind": "digest",
                    "items": mine,
                    "frequency": frequency,
                    "slot": slot,
                    "day": day.isoformat(),
                    "regions": scope,
                    "received": received,
                    "resolved": resolved,
                }
            job = None
            if payloads:
                job = await self._broadcasts.start(
                    "digest", list(payloads), payloads.__getitem__, label=label
                )
            await self._repo.claim_digest(label, job, to_db(self._now()))
        if payloads:
            log.info("digest %s queued: %d", label, len(payloads))
        return len(payloads)

    async def items_for(
        self, sub: Subscription, frequency: str, slot: str, day: date
    ) -> list[NewsItem]:
        """The items of one digest, as its subscriber follows things now (the "more" list)."""
        since, until = self.period(frequency, slot, day)
        items = await self._news.published_between(to_db(since), to_db(until))
        return [item for item in items if sub.wants(item)]
