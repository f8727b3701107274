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
from aiogram.utils.i18n import I18n
from babel.support import LazyProxy

ANY_STATE = "*"
UNTRANSLATED = "-"  # a locale no catalogue has: gettext gives the message id back


class MessageGate(Filter):
    """Passes a message in one of `states`, one whose text is one of `words`, or a command:
    text or caption that starts with one of `command_prefixes` after blanks, then one of
    `command_names` (`folded_names` in any case; None: any name), as `Command` reads it."""

    __slots__ = ("command_names", "command_prefixes", "folded_names", "states", "words")

    def __init__(
        self,
        states: Iterable[str | None] = (),
        command_prefixes: Iterable[str] = (),
        words: Iterable[str] = (),
        command_names: Iterable[str] | None = (),
        folded_names: Iterable[str] = (),
    ) -> None:
        self.states = frozenset(states)
        self.command_prefixes = frozenset(command_prefixes)
        self.words = frozenset(words)
        self.command_names = None if command_names is None else frozenset(command_names)
        self.folded_names = frozenset(folded_names)

    @classmethod
    def join(cls, gates: Iterable[MessageGate]) -> MessageGate:
        """What any of `gates` passes."""
        gates = list(gates)
        named = [gate.command_names for gate in gates]
        names = None if None in named else set().union(*named)  # None: any command name
        return cls(
            set().union(*(gate.states for gate in gates)),
            set().union(*(gate.command_prefixes for gate in gates)),
            set().union(*(gate.words for gate in gates)),
            names,
            set().union(*(gate.folded_names for gate in gates)),
        )

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        if raw_state in self.states or message.text in self.words:
            return True
        if not self.command_prefixes:
            return False
        text = (message.text or message.caption or "").lstrip()
        if text[:1] not in self.command_prefixes:
            return False
        if self.command_names is None:
            return True
        name = text.split(maxsplit=1)[0][1:].partition("@")[0]
        return name in self.command_names or name.casefold() in self.folded_names


class CallbackGate(Filter):
    """Passes a button press whose data starts with one of the factories' prefixes."""

    __slots__ = ("prefixes",)

    def __init__(self, prefixes: Iterable[tuple[str, str]]) -> None:
        self.prefixes = frozenset(prefixes)  # (separator, prefix)

    @classmethod
    def join(cls, gates: Iterable[CallbackGate]) -> CallbackGate:
        """What any of `gates` passes."""
        return cls(set().union(*(gate.prefixes for gate in gates)))

    async def __call__(self, query: CallbackQuery) -> bool:
        data = query.data
        if not data:
            return False
        return any(data.partition(separator)[0] == prefix for separator, prefix in self.prefixes)


class ClaimedBy(Filter):
    """A press whose data claims to come from `factory`'s buttons (starts with its prefix and
    separator) whether or not it parses: for the handlers that refuse forged ones."""

    __slots__ = ("callback_data",)

    def __init__(self, factory: type[CallbackData]) -> None:
        self.callback_data = factory  # named as in aiogram's CallbackQueryFilter

    async def __call__(self, query: CallbackQuery) -> bool:
        factory = self.callback_data
        return (query.data or "").startswith(factory.__prefix__ + factory.__separator__)


class Word(Filter):
    """A message whose text is `label` in the person's language: a reply-keyboard button."""

    __slots__ = ("label",)

    def __init__(self, label: LazyProxy) -> None:
        self.label = label

    async def __call__(self, message: Message) -> bool:
        return message.text == str(self.label)

    def in_any_language(self, i18n: I18n) -> set[str]:
        """Every text the filter passes: the label in each language, and untranslated (what
        a language without a catalogue gets)."""
        found = set()
        with i18n.context():
            for locale in (*i18n.available_locales, UNTRANSLATED):
                with i18n.use_locale(locale):
                    found.add(str(self.label))
        return found


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


def _command(command: Command) -> MessageGate:
    names: set[str] | None = set()
    folded: set[str] = set()
    for each in command.commands:
        if not isinstance(each, str) or names is None:
            names = None  # a pattern: any name may match
        elif command.ignore_case:
            folded.add(each.casefold())
        else:
            names.add(each)
    return MessageGate(command_prefixes=command.prefix, command_names=names, folded_names=folded)


def _message_condition(filters: Iterable[FilterObject], i18n: I18n) -> MessageGate | None:
    for each in filters:
        states = _states(each.callback)
        if states is not None:
            return MessageGate(states=states)
        if isinstance(each.callback, Command):
            return _command(each.callback)
        if isinstance(each.callback, Word):
            return MessageGate(words=each.callback.in_any_language(i18n))
    return None


def _callback_condition(filters: Iterable[FilterObject]) -> CallbackGate | None:
    for each in filters:
        if isinstance(each.callback, CallbackQueryFilter | ClaimedBy):
            factory = each.callback.callback_data
            return CallbackGate({(factory.__separator__, factory.__prefix__)})
    return None


Gate = MessageGate | CallbackGate
NOTHING = "nothing"  # a router that, with the routers under it, has no handler of that kind


def message_gate(handlers: Iterable[HandlerObject], i18n: I18n) -> MessageGate | None:
    conditions = [_message_condition(handler.filters or [], i18n) for handler in handlers]
    if not conditions or None in conditions:
        return None
    return MessageGate.join(c for c in conditions if c is not None)


def callback_gate(handlers: Iterable[HandlerObject]) -> CallbackGate | None:
    conditions = [_callback_condition(handler.filters or []) for handler in handlers]
    if not conditions or None in conditions:
        return None
    return CallbackGate.join(c for c in conditions if c is not None)


def _gate_of(observer: TelegramEventObserver) -> Gate | None:
    for each in observer._handler.filters or []:
        if isinstance(each.callback, MessageGate | CallbackGate):
            return each.callback
    return None


def _gate(router: Router, kind: str, i18n: I18n) -> Gate | str | None:
    """Gate `router` and the routers under it for updates of `kind`; return what they can
    take: a gate, NOTHING, or None (anything)."""
    under = [_gate(child, kind, i18n) for child in router.sub_routers]
    observer = router.observers[kind]
    found = _gate_of(observer)  # gated for an earlier dispatcher
    if found is not None:
        return found
    parts = [_own(observer, kind, i18n), *under]
    if None in parts:
        return None
    gates = [part for part in parts if isinstance(part, MessageGate | CallbackGate)]
    if not gates:
        return NOTHING
    joined = type(gates[0]).join(gates)  # type: ignore[arg-type]  # all of the one kind
    observer.filter(joined)
    return joined


def _own(observer: TelegramEventObserver, kind: str, i18n: I18n) -> Gate | str | None:
    if not observer.handlers:
        return NOTHING
    if kind == "message":
        return message_gate(observer.handlers, i18n)
    return callback_gate(observer.handlers)


KINDS = ("message", "callback_query")


def gate_routers(router: Router, i18n: I18n) -> int:
    """Put a gate in front of every router under `router` (itself included) that can have one:
    a parent's gate joins its children's, so a press for the report skips the whole of the
    moderators' tree in one check. Return how many observers are gated.

    Run it before the synchronous filters are wrapped (bot/handlers/inline_filters.py): it
    reads them. A router already gated keeps its gate, so a tree reused by another dispatcher
    is not gated twice."""
    for kind in KINDS:
        _gate(router, kind, i18n)
    return sum(
        _gate_of(each.observers[kind]) is not None for each in _routers(router) for kind in KINDS
    )


def _routers(router: Router) -> Iterable[Router]:
    yield router
    for child in router.sub_routers:
        yield from _routers(child)
