"""APScheduler jobs of the news feature. The scheduler decides only *when*; what is due and
what was sent live in the database, so jobs hold no state and are rebuilt at every start-up:

- scheduled items whose time has come go out (every 20 s; the first check runs at start-up,
  so an item due while the bot was down goes out once, late);
- each running broadcast's progress message is refreshed (every 3 s, one edit per job);
- digests at the morning and evening slots (a slot missed while the bot was down is sent by
  `catch_up` within the grace period, never twice);
- registered feeds are read every FEED_CHECK_MINUTES.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.services.digests import GRACE, Digests

log = logging.getLogger(__name__)

DUE_EVERY = timedelta(seconds=20)
PROGRESS_EVERY = timedelta(seconds=3)


async def _guarded(name: str, work: Callable[[], Awaitable[Any]]) -> None:
    try:
        await work()
    except Exception as exc:
        # The type only: a message could quote an item. The next run tries again.
        log.error("%s failed: %s", name, type(exc).__name__)


def add_news_jobs(scheduler: AsyncIOScheduler, services: Any, feed_minutes: int) -> None:
    zone = scheduler.timezone
    every = [
        ("news_due", DUE_EVERY, services.news.publish_due),
        ("broadcast_progress", PROGRESS_EVERY, services.broadcasts.tick),
        ("news_feeds", timedelta(minutes=feed_minutes), services.feeds.poll),
    ]
    for name, interval, work in every:
        scheduler.add_job(
            _guarded,
            IntervalTrigger(seconds=interval.total_seconds(), timezone=zone),
            args=(name, work),
            id=name,
            name=name,
            replace_existing=True,
            misfire_grace_time=max(1, int(interval.total_seconds())),
        )
    digests: Digests = services.digests
    for slot, at in digests.slots.items():
        scheduler.add_job(
            _run_digest,
            CronTrigger(hour=at.hour, minute=at.minute, second=at.second, timezone=zone),
            args=(digests, slot, zone),
            id=f"digest_{slot}",
            name=f"digest_{slot}",
            replace_existing=True,
            misfire_grace_time=int(GRACE.total_seconds()),
        )


async def _run_digest(digests: Digests, slot: str, zone: ZoneInfo) -> None:
    day = datetime.now(zone).date()
    await _guarded(f"digest {slot}", lambda: digests.run(slot, day))


async def catch_up(services: Any) -> None:
    """At start-up: items that fell due and digest slots missed while the bot was down."""
    await _guarded("news_due", services.news.publish_due)
    await _guarded("digest catch-up", services.digests.catch_up)
