"""Another copy of the bot polling with the same token.

Telegram hands a token's updates to one poller at a time: each getUpdates of one copy ends
the other's with 409 Conflict, and the updates end up split between two databases. The bot
cannot stop the other copy; it tells the operator, once per incident rather than once per
poll: when it starts, every ten minutes while it goes on, and when it has been quiet for two
minutes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

QUIET = 120.0  # seconds without a conflict before the incident is over
REMIND = 600.0  # seconds between reminders while it goes on


class ConflictWatch:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._since: float | None = None  # the incident's start, None: no incident
        self._last = 0.0  # the latest conflict
        self._told = 0.0  # the latest line about it
        self._count = 0

    @property
    def active(self) -> bool:
        return self._since is not None

    def conflict(self, *, webhook: bool) -> None:
        now = self._clock()
        self._last = now
        self._count += 1  # back to 0 when an incident ends
        if self._since is None:
            self._since, self._told = now, now
            log.error(
                "another copy of the bot %s with this token and takes its updates: stop it;"
                " this copy keeps polling",
                "set a webhook" if webhook else "polls getUpdates",
            )
        elif now - self._told >= REMIND:
            self._told = now
            log.error(
                "another copy of the bot still takes this token's updates (%d conflicts in %d"
                " min): stop it",
                self._count,
                (now - self._since) // 60,
            )

    def polled(self) -> None:
        """A getUpdates that ended without a conflict."""
        if self._since is not None and self._clock() - self._last >= QUIET:
            log.warning(
                "no conflict for %d min: the other copy of the bot has stopped (%d conflicts)",
                QUIET // 60,
                self._count,
            )
            self._since, self._count = None, 0
