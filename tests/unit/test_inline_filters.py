"""aiogram runs a synchronous filter in a worker thread; the dispatcher's are run in place."""

from __future__ import annotations

import asyncio

from aiogram import Dispatcher, F, Router
from aiogram.types import Message

from bot.handlers.inline_filters import inline_sync_filters
from tests import updates as u


def _sync_filters(router: Router) -> list[object]:
    found = []
    for observer in router.observers.values():
        for handler in [*observer.handlers, observer._handler]:
            found += [f.callback for f in handler.filters or [] if not f.awaitable]
    for child in router.sub_routers:
        found += _sync_filters(child)
    return found


def test_no_filter_of_the_bot_goes_to_a_thread(dp: Dispatcher) -> None:
    assert _sync_filters(dp) == []


async def test_inlined_filters_still_filter_and_never_leave_the_loop(bot, monkeypatch) -> None:
    router = Router()
    seen: list[str] = []

    @router.message(F.text == "yes")
    async def matched(message: Message) -> None:
        seen.append("yes")

    @router.message(F.text)
    async def other(message: Message) -> None:
        seen.append("other")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    assert inline_sync_filters(dispatcher) == 2

    async def no_threads(*args, **kwargs):
        raise AssertionError("a filter went to a thread")

    monkeypatch.setattr(asyncio, "to_thread", no_threads)
    await dispatcher.feed_raw_update(bot, u.text(u.user(5), "yes"))
    await dispatcher.feed_raw_update(bot, u.text(u.user(5), "no"))
    assert seen == ["yes", "other"]
