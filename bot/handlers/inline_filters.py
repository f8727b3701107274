"""Runs the routers' synchronous filters on the event loop instead of in a thread.

aiogram calls every filter that is not a coroutine through `asyncio.to_thread`, so each
`F.text`, `F.action == ...` or `F.chat.type == ...` checked while an update looks for its
handler costed a hop to a worker thread and back: about a tenth of the bot's time per update
in bench/profile-before.txt. The synchronous ones here are magic filters and FSM states used as
filters: attribute lookups and comparisons, far cheaper than the hop, so they are wrapped in a
coroutine that calls them in place. Any other synchronous filter is left to aiogram.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.fsm.state import State


def _cheap(filter_object: FilterObject) -> bool:
    return not filter_object.awaitable and (
        filter_object.magic is not None or isinstance(filter_object.callback, State)
    )


def _inline(filter_object: FilterObject) -> None:
    resolve: Callable[..., Any] = filter_object.callback

    async def resolve_inline(*args: Any, **kwargs: Any) -> Any:
        return resolve(*args, **kwargs)

    filter_object.callback = resolve_inline
    filter_object.awaitable = True


def inline_sync_filters(router: Router) -> int:
    """Wrap the cheap synchronous filters of `router` and the routers under it (the routers'
    own filters too); return how many."""
    count = 0
    for observer in router.observers.values():
        for handler in [*observer.handlers, observer._handler]:
            for filter_object in handler.filters or []:
                if _cheap(filter_object):
                    _inline(filter_object)
                    count += 1
    for child in router.sub_routers:
        count += inline_sync_filters(child)
    return count
