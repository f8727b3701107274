"""Lets an update skip, in one check, the routers none of whose handlers could take it.

aiogram looks for a handler by walking the routers in order and checking each handler's filters
until one passes. With every feature's router in the tree, a report step's button press was
checked against about 125 handlers (moderation, volunteers, news…) before it reached the
report's, and a typed answer against about 100: most of the dispatcher's time per update in
bench/profile-after.txt.

Most handlers carry a filter that already says what they can take: a button factory's
`CallbackData.filter()` takes only data with its prefix, a `Command` only text that starts with
a command prefix, an FSM state only a conversation in that state. When *every* handler of a
router's observer has such a filter, a gate is put in front of the router: a root filter that
passes an update only if at least one of those conditions holds. It is a necessary condition of
each handler's own filters, so the handler chosen for any update is the same as without gates;
an observer with one handler the gate cannot read (a magic text filter, a catch-all) gets no
gate. Only routers without sub-routers are gated, because a root filter hides them too.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command, Filter, StateFilter
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

ANY_STATE = "*"


class MessageGate(Filter):
    """Passes a message in one of `states`, or one whose text or caption starts with one of
    `command_prefixes` after blanks (as `Command` splits it)."""

    __slots__ = ("command_prefixes", "states")

    def __init__(self, states: Iterable[str | None], command_prefixes: Iterable[str]) -> None:
        self.states = frozenset(states)
        self.command_prefixes = frozenset(command_prefixes)

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        if raw_state in self.states:
            return True
        if self.command_prefixes:
            text = (message.text or message.caption or "").lstrip()
            return text[:1] in self.command_prefixes
        return False


class CallbackGate(Filter):
    """Passes a button press whose data starts with one of the factories' prefixes."""

    __slots__ = ("prefixes",)

    def __init__(self, prefixes: Iterable[tuple[str, str]]) -> None:
        self.prefixes = frozenset(prefixes)  # (separator, prefix)

    async def __call__(self, query: CallbackQuery) -> bool:
        data = query.data
        if not data:
            return False
        return any(data.partition(separator)[0] == prefix for separator, prefix in self.prefixes)


class ClaimedBy(Filter):
    """A press whose data claims to come from `factory`'s buttons (starts with its prefix and
    separator) whether or not it parses: for the handlers that refuse forged ones."""

    __slots__ = ("factory",)

    def __init__(self, factory: type[CallbackData]) -> None:
        self.factory = factory

    async def __call__(self, query: CallbackQuery) -> bool:
        return (query.data or "").startswith(self.factory.__prefix__ + self.factory.__separator__)


def _states(callback: object) -> set[str | None] | None:
    """The raw states a state filter passes; None if it passes any (or is not one)."""
    if isinstance(callback, State):
        return None if callback.state == ANY_STATE else {callback.state}
    if isinstance(callback, StatesGroup) or (
        isinstance(callback, type) and issubclass(callback, StatesGroup)
    ):
        return set(callback.__all_states_names__)
    if isinstance(callback, StateFilter):
        found: set[str | None] = set()
        for each in callback.states:
            if each == ANY_STATE:
                return None
            if each is None or isinstance(each, str):
                found.add(each)
                continue
            inner = _states(each)
            if inner is None:
                return None
            found |= inner
        return found
    return None


def _message_condition(filters: Iterable[FilterObject]) -> MessageGate | None:
    for each in filters:
        states = _states(each.callback)
        if states is not None:
            return MessageGate(states, ())
        if isinstance(each.callback, Command):
            return MessageGate((), each.callback.prefix)
    return None


def _callback_condition(filters: Iterable[FilterObject]) -> CallbackGate | None:
    for each in filters:
        if isinstance(each.callback, CallbackQueryFilter | ClaimedBy):
            factory = (
                each.callback.callback_data
                if isinstance(each.callback, CallbackQueryFilter)
                else each.callback.factory
            )
            return CallbackGate({(factory.__separator__, factory.__prefix__)})
    return None


def message_gate(handlers: Iterable[HandlerObject]) -> MessageGate | None:
    states: set[str | None] = set()
    prefixes: set[str] = set()
    for handler in handlers:
        condition = _message_condition(handler.filters or [])
        if condition is None:
            return None
        states |= condition.states
        prefixes |= condition.command_prefixes
    return MessageGate(states, prefixes)


def callback_gate(handlers: Iterable[HandlerObject]) -> CallbackGate | None:
    prefixes: set[tuple[str, str]] = set()
    for handler in handlers:
        condition = _callback_condition(handler.filters or [])
        if condition is None:
            return None
        prefixes |= condition.prefixes
    return CallbackGate(prefixes)


def _gated(observer: TelegramEventObserver) -> bool:
    return any(
        isinstance(each.callback, MessageGate | CallbackGate)
        for each in observer._handler.filters or []
    )


def gate_routers(router: Router) -> int:
    """Put a gate in front of every router under `router` (itself included) that can have one;
    return how many observers are gated. Run it before the synchronous filters are wrapped
    (bot/handlers/inline_filters.py): it reads them. A router already gated keeps its gate, so
    a tree reused by another dispatcher is not gated twice."""
    if router.sub_routers:
        return sum(gate_routers(child) for child in router.sub_routers)
    count = 0
    for observer, build in (
        (router.message, message_gate),
        (router.callback_query, callback_gate),
    ):
        if not observer.handlers:
            continue
        if _gated(observer):
            count += 1
            continue
        gate = build(observer.handlers)
        if gate is not None:
            observer.filter(gate)
            count += 1
    return count
