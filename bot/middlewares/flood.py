"""A per-chat flood throttle for private chats: one polite notice, then silence for a while.

Each private chat has a token bucket: `burst` updates may come at once, then `per_second`
more each second. A person never reaches it by typing steps and pressing buttons: a step
takes a few seconds to read and answer, and the biggest honest burst is files (Telegram sends
an album of up to 10 files as 10 updates in the same instant), so a burst of 30 lets three
albums in a row through. The refill of 1 a second is Telegram's own pace for a bot writing to
one chat: a chat that writes faster could not get its answers faster anyway.

When the bucket is empty the chat is paused for `pause` seconds: one notice in the person's
language says so (and asks them to send their last message again afterwards), and every
update until then is dropped before it reaches the database, the FSM or a handler. The FSM
state is untouched, so a report in progress continues at the same step after the pause. A
pressed button gets an empty answer (best-effort) so its spinner stops, but nothing happens.
The pause is not extended by further flooding: the notice names a time, and that time holds.

Updates are counted by when they arrived (the durable intake stamps each batch), not when
their turn comes: a chat's updates are handled one after another, at the pace of its replies
(Telegram takes about one a second per chat), so by the time a flood's 100th message is
handled the bucket would have refilled. After a restart, leftovers count as arriving then.

Only what the bot would handle counts: messages and button presses in private chats from a
sender. Groups are not throttled here (other groups are ignored anyway; the moderators' group
is a trusted workplace and is never throttled as a whole), nor channel posts, edits or
membership changes. Memory is bounded: a chat idle for `burst / per_second` seconds has a full
bucket again, which is the same as no entry, so the least recently seen entries are evicted
first once there are `max_chats`.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update, User
from aiogram.utils.i18n import I18n

from bot.replies import acknowledge
from bot.services.locales import guess_locale
from bot.services.users import UserService
from bot.views.common import flood_notice_text

log = logging.getLogger(__name__)

PASS = -1.0  # `FloodGuard.take` lets the update through
DROP = 0.0  # the chat is paused and has had its notice: drop silently


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    paused_until: float = 0.0


class FloodGuard:
    """The buckets, in memory; `take(chat)` decides one update. Cheap: no I/O, O(1)."""

    def __init__(
        self,
        *,
        burst: int = 30,
        per_second: float = 1.0,
        pause: float = 10.0,
        max_chats: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.pause = pause
        self.max_chats = max_chats
        self.clock = clock
        self._chats: OrderedDict[int, _Bucket] = OrderedDict()
        self.notices = 0
        self.dropped = 0

    @property
    def enabled(self) -> bool:
        return self.burst > 0

    def __len__(self) -> int:
        return len(self._chats)

    def take(self, chat_id: int, at: float | None = None) -> float:
        """PASS; or, for a paused chat, the seconds of its pause when this update starts it
        (the caller sends the notice) and DROP for every update after that. `at`: when the
        update arrived, on `clock` (default: now)."""
        now = self.clock() if at is None else at
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = _Bucket(float(self.burst), now)
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
            if now < bucket.paused_until:
                self.dropped += 1
                return DROP
            # A restart's leftovers are stamped "now", fresh arrivals a moment earlier: time
            # never runs backwards for a bucket.
            elapsed = max(0.0, now - bucket.at)
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.per_second)
            bucket.at = max(bucket.at, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return PASS
        bucket.paused_until = now + self.pause
        self.notices += 1
        self.dropped += 1
        return self.pause


class FloodMiddleware(BaseMiddleware):
    """An outer middleware on updates, first after aiogram's own: a dropped update costs no
    database read (the notice's language is looked up only for the one notice)."""

    def __init__(self, guard: FloodGuard, users: UserService, i18n: I18n) -> None:
        self._guard = guard
        self._users = users
        self._i18n = i18n

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat: Chat | None = data.get("event_chat")
        sender: User | None = data.get("event_from_user")
        if (
            not self._guard.enabled
            or chat is None
            or sender is None
            or chat.type != ChatType.PRIVATE
            or not isinstance(event, Update)
            or (event.message is None and event.callback_query is None)
        ):
            return await handler(event, data)
        # Counted by arrival (the intake's stamp): a chat's queue is handled one update after
        # another, and at the pace of its replies a flood would look like a trickle.
        verdict = self._guard.take(chat.id, data.get("received_at"))
        if verdict == PASS:
            return await handler(event, data)
        if event.callback_query is not None:
            await acknowledge(event.callback_query)
        if verdict > 0:
            log.info("a private chat is paused for %.0f s: too many updates", verdict)
            await self._notify(data["bot"], chat.id, sender, verdict)
        return None

    async def _notify(self, bot: Bot, chat_id: int, sender: User, seconds: float) -> None:
        record = await self._users.get(self._users.pseudonym(sender.id))
        locale = (record.locale if record is not None else None) or guess_locale(
            sender.language_code, self._i18n.default_locale
        )
        with self._i18n.context(), self._i18n.use_locale(locale):
            text = flood_notice_text(math.ceil(seconds))
        try:
            await bot.send_message(chat_id, text)
        except TelegramAPIError as exc:  # best-effort: the pause holds either way
            log.info("flood notice not delivered: %s", type(exc).__name__)
