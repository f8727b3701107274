"""What each subscriber follows: regions, topics, how often and when. Keyed by pseudonym."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.db.connection import Database
from bot.db.repositories.broadcasts import BroadcastRepository
from bot.db.repositories.news import NewsRepository, Subscription
from bot.services.news import GENERAL_TOPIC
from bot.services.regions import get_region
from bot.services.risk_areas import get_area
from bot.services.users import _utc_today

FREQUENCIES = ("instant", "daily", "weekly")
SLOTS = ("morning", "evening")


class SubscriptionError(ValueError):
    """A choice that is not offered (a forged or stale button)."""


def _valid_topic(key: str) -> bool:
    return key == GENERAL_TOPIC or get_area(key) is not None


class Subscriptions:
    def __init__(
        self,
        db: Database,
        repo: NewsRepository,
        broadcasts: BroadcastRepository,
        today: Callable[[], date] = _utc_today,
    ) -> None:
        self._db = db
        self._repo = repo
        self._broadcasts = broadcasts
        self._today = today

    async def get(self, subscriber: str) -> Subscription | None:
        return await self._repo.subscription(subscriber)

    async def save(
        self,
        subscriber: str,
        regions: frozenset[str] | None,
        topics: frozenset[str] | None,
        frequency: str,
        slot: str,
    ) -> Subscription:
        """Subscribe, or change what is followed: one statement, so all of it or nothing."""
        if regions is not None and (not regions or any(get_region(c) is None for c in regions)):
            raise SubscriptionError("regions")
        if topics is not None and (not topics or not all(_valid_topic(t) for t in topics)):
            raise SubscriptionError("topics")
        if frequency not in FREQUENCIES or slot not in SLOTS:
            raise SubscriptionError("when")
        subscription = Subscription(subscriber, regions, topics, frequency, slot)
        await self._repo.save_subscription(subscription, self._today().isoformat())
        return subscription

    async def unsubscribe(self, subscriber: str) -> bool:
        """Stop everything: the subscription and whatever is still waiting to be sent."""
        async with self._db.transaction():
            if not await self._repo.delete_subscription(subscriber):
                return False
            await self._broadcasts.cancel_for(subscriber)
        return True
