"""Router gates (bot/handlers/gates.py): an update skips a router in one check only when none of
its handlers could take it.

A gate is the union of one condition per handler, each read from a filter of that handler. So
it is enough that every kind of filter a gate reads implies its condition: whatever passes the
filter passes the gate. Those are the properties here, each checked against aiogram's own
filter on free input; then the tree: which routers are gated, and what it saves.
"""

from __future__ import annotations

import collections
import re
from datetime import UTC, datetime
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Chat, Message, User
from hypothesis import example, given
from hypothesis import strategies as st

from bot.handlers import get_routers
from bot.handlers.gates import (
    CallbackGate,
    ClaimedBy,
    MessageGate,
    Word,
    callback_gate,
    gate_routers,
    message_gate,
)
from bot.i18n import create_i18n
from bot.views import callbacks
from bot.views.common import MENU_HELP, MENU_LABELS
from tests.fake_session import FakeBot
from tests.unit.test_interactions import count

I18N = create_i18n("kk")
ONBOARDING_UPDATES = 3  # /start, the language, the region (tests/unit/test_report_flow.py)


def _menu_texts() -> list[str]:
    found: set[str] = set()
    with I18N.context():
        for locale in ("kk", "ru"):
            with I18N.use_locale(locale):
                found |= {str(label) for label in MENU_LABELS}
    return sorted(found)


MENU_TEXTS = _menu_texts()
PERSON = User(id=7, is_bot=False, first_name="Айгүл")
CHAT = Chat(id=7, type="private")
NOW = datetime(2026, 12, 1, tzinfo=UTC)
FACTORIES = [
    value
    for value in vars(callbacks).values()
    if isinstance(value, type) and issubclass(value, CallbackData) and value is not CallbackData
]
# Blanks that str.split() drops before a command, as Command reads it, and some it keeps.
BLANKS = st.sampled_from([" ", "\n", "\t", "\u3000", "\xa0", "\u2003", "\u200b", "\ufeff", ""])
COMMAND_TEXT = st.builds(
    lambda lead, prefix, name, mention, rest: f"{lead}{prefix}{name}{mention}{rest}",
    st.lists(BLANKS, max_size=3).map("".join),
    st.sampled_from(["/", "/", "/", "!", "", "／", "\\"]),
    st.sampled_from(["start", "report", "help", "Start", "START", "case_12", "queue", "", "x"])
    | st.text(max_size=6),
    st.sampled_from(["", "@adal_test_bot", "@other_bot"]),
    st.sampled_from(["", " arg", " KZ27-000001", "\nmore"]) | st.text(max_size=8),
)


def message(text: str | None = None, caption: str | None = None) -> Message:
    return Message(message_id=1, date=NOW, chat=CHAT, from_user=PERSON, text=text, caption=caption)


def press(data: str | None) -> CallbackQuery:
    return CallbackQuery(id="1", from_user=PERSON, chat_instance="ci", data=data)


class Steps(StatesGroup):
    one = State()
    two = State()


class Other(StatesGroup):
    three = State()


RAW_STATES = st.sampled_from(
    [None, "Steps:one", "Steps:two", "Other:three", "Steps", "", "*", "ReportFlow:area"]
) | st.text(max_size=12)
STATE_FILTERS = [
    Steps.one,
    Other.three,
    State(),  # the default state: no conversation
    StateFilter(Steps.two, Other.three),
    StateFilter(None),
    StateFilter("Steps:one", Steps),
    StateFilter(Steps),
    Steps(),
]


@given(text=COMMAND_TEXT, as_caption=st.booleans())
@example(text="/case_12", as_caption=False)  # a pattern
@example(text="\u3000/START now", as_caption=True)  # any case, after a blank
@example(text="/start@adal_test_bot", as_caption=False)
async def test_whatever_a_command_filter_takes_passes_the_gate(
    text: str, as_caption: bool
) -> None:
    bot = FakeBot()
    event = message(caption=text) if as_caption else message(text=text)
    for command in (
        Command("start", "report"),
        Command("help", prefix="/!"),
        Command("start", ignore_case=True),
        Command("Start", "help"),
        Command(re.compile(r"case_\d+"), "queue"),
        CommandStart(),
    ):
        gate = message_gate([HandlerObject(callback=_noop, filters=_filters(command))], I18N)
        assert gate is not None
        if await command(event, bot):
            assert await gate(event, raw_state=None), (command, text)


@given(raw_state=RAW_STATES, index=st.integers(0, len(STATE_FILTERS) - 1))
async def test_whatever_a_state_filter_takes_passes_the_gate(raw_state: str | None, index: int):
    state_filter = STATE_FILTERS[index]
    gate = message_gate([HandlerObject(callback=_noop, filters=_filters(state_filter))], I18N)
    assert gate is not None
    event = message(text="any")
    passes = state_filter(event, raw_state=raw_state)
    if not isinstance(passes, bool):
        passes = await passes
    if passes:
        assert await gate(event, raw_state=raw_state), (state_filter, raw_state)


def test_a_filter_that_takes_any_state_leaves_the_router_ungated() -> None:
    for each in (State("*"), StateFilter("*"), StateFilter(Steps.one, "*")):
        assert message_gate([HandlerObject(callback=_noop, filters=_filters(each))], I18N) is None


@given(
    label=st.sampled_from(MENU_LABELS),
    locale=st.sampled_from(["kk", "ru", "en", "-"]),
    text=st.sampled_from(MENU_TEXTS) | st.text(max_size=12),
    exact=st.booleans(),
)
async def test_whatever_a_menu_word_takes_passes_the_gate(
    label: object, locale: str, text: str, exact: bool
) -> None:
    word = Word(label)  # type: ignore[arg-type]
    gate = message_gate([HandlerObject(callback=_noop, filters=_filters(word))], I18N)
    assert gate is not None
    with I18N.context(), I18N.use_locale(locale):
        event = message(text=str(label) if exact else text)
        if await word(event):
            assert await gate(event, raw_state=None), (label, locale)


PRESS_DATA = st.one_of(
    st.sampled_from(FACTORIES).flatmap(
        lambda factory: st.sampled_from(
            [
                f"{factory.__prefix__}{factory.__separator__}",
                f"{factory.__prefix__}{factory.__separator__}{factory.__separator__}x",
                f"{factory.__prefix__}",
                f"{factory.__prefix__}x:1",
                f" {factory.__prefix__}:1",
            ]
        )
    ),
    st.builds(
        lambda prefix, parts: ":".join([prefix, *parts]),
        st.sampled_from([f.__prefix__ for f in FACTORIES] + ["zz", ""]),
        st.lists(st.text(max_size=5), max_size=6),
    ),
    st.text(max_size=20),
)


@given(data=PRESS_DATA)
async def test_whatever_a_button_factory_takes_passes_the_gate(data: str) -> None:
    query = press(data)
    for factory in FACTORIES:
        for button_filter in (factory.filter(), ClaimedBy(factory)):
            gate = callback_gate([HandlerObject(callback=_noop, filters=_filters(button_filter))])
            assert gate is not None
            if await button_filter(query):
                assert await gate(query), (factory, data)


async def test_real_buttons_pass_their_gate_and_no_other_factorys() -> None:
    """Control for the property above: it would hold for a gate that passes everything."""
    rp = callbacks.ReportCallback.filter()
    gate = callback_gate([HandlerObject(callback=_noop, filters=_filters(rp))])
    assert gate is not None
    data = callbacks.ReportCallback(action="area", value="education").pack()
    assert await gate(press(data))
    assert not await gate(press(callbacks.ModCallback.__prefix__ + ":take:1"))
    assert not await gate(press("rpx:area:education"))
    assert not await gate(press(None))


async def test_a_gate_is_the_union_of_its_handlers() -> None:
    gate = message_gate(
        [
            HandlerObject(callback=_noop, filters=_filters(Command("report"))),
            HandlerObject(callback=_noop, filters=_filters(Steps.one)),
            HandlerObject(callback=_noop, filters=_filters(Word(MENU_HELP))),
        ],
        I18N,
    )
    assert isinstance(gate, MessageGate)
    assert await gate(message(text=" /report@adal_test_bot x"), raw_state=None)
    assert not await gate(message(text="/anything"), raw_state=None)  # no handler has it
    assert await gate(message(text="typed"), raw_state="Steps:one")
    assert not await gate(message(text="typed"), raw_state="Steps:two")
    assert not await gate(message(text="typed /report"), raw_state=None)
    for locale in ("kk", "ru"):
        with I18N.context(), I18N.use_locale(locale):
            assert await gate(message(text=str(MENU_HELP)), raw_state=None)
    assert not await gate(message(text="❓"), raw_state=None)
    presses = callback_gate(
        [
            HandlerObject(callback=_noop, filters=_filters(callbacks.ModCallback.filter())),
            HandlerObject(callback=_noop, filters=_filters(ClaimedBy(callbacks.PageCallback))),
        ]
    )
    assert isinstance(presses, CallbackGate)
    assert await presses(press("pg:anything"))
    assert not await presses(press("rp:area:x"))


def test_one_handler_the_gate_cannot_read_leaves_the_router_ungated() -> None:
    from aiogram import F

    handlers = [
        HandlerObject(callback=_noop, filters=_filters(Command("report"))),
        HandlerObject(callback=_noop, filters=_filters(F.text == "📝")),
    ]
    assert message_gate(handlers, I18N) is None
    assert callback_gate([HandlerObject(callback=_noop, filters=_filters(F.data))]) is None


def _takes(router: Router, kind: str) -> bool:
    """The router or one under it has a handler of this kind."""
    return bool(router.observers[kind].handlers) or any(
        _takes(child, kind) for child in router.sub_routers
    )


def _gates(router: Router) -> dict[tuple[str, str], int]:
    """(router, observer) → gates in front of it, for every router that has handlers (or
    routers under it that have)."""
    found: dict[tuple[str, str], int] = {}
    for name, observer in router.observers.items():
        if name in ("message", "callback_query") and _takes(router, name):
            found[(router.name, name)] = sum(
                isinstance(f.callback, MessageGate | CallbackGate)
                for f in observer._handler.filters or []
            )
    for child in router.sub_routers:
        found |= _gates(child)
    return found


def test_every_router_but_the_fallback_and_those_above_it_is_gated_once() -> None:
    dispatcher = Dispatcher()
    dispatcher.include_routers(*get_routers())
    gate_routers(dispatcher, I18N)
    gate_routers(dispatcher, I18N)  # a tree reused by another dispatcher keeps its one gate
    found = _gates(dispatcher)
    ungated = sorted(key for key, gates in found.items() if gates == 0)
    # The fallback takes whatever nobody else did, so it and the routers above it (the
    # citizens' parent and the dispatcher) see everything.
    assert ungated == sorted(
        [
            ("fallback", "message"),
            ("fallback", "callback_query"),
            ("private-chat", "message"),
            ("private-chat", "callback_query"),
            (dispatcher.name, "message"),
            (dispatcher.name, "callback_query"),
        ]
    ), (
        "a router lost its gate: give each of its handlers a filter the gate can read"
        " (Command, an FSM state, CallbackData.filter(), ClaimedBy, Word)"
    )
    assert set(found.values()) == {0, 1}
    assert found[("private-or-moderators-chat", "message")] == 1  # the whole staff tree
    assert found[("private-or-moderators-chat", "callback_query")] == 1
    assert len(found) > 50


async def test_a_report_step_is_checked_against_its_own_handlers_only(
    chat, dp: Dispatcher, bot: FakeBot, monkeypatch
) -> None:
    """Handler filters checked per update on the way through onboarding and a whole report:
    each step used to be checked against about 125 handlers (a button) or 100 (a typed
    answer)."""
    checked: collections.Counter[str] = collections.Counter()
    original = HandlerObject.check

    async def counting(self: HandlerObject, *args: Any, **kwargs: Any) -> Any:
        checked["filters"] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(HandlerObject, "check", counting)
    actions = await count(chat, dp, bot, 4242, "full")  # files a report: KZ27-000001
    per_update = checked["filters"] / (len(actions) + ONBOARDING_UPDATES)
    # Root filters included: one per router on the way, then the handlers of the routers
    # whose gate passed.
    assert per_update < 40, per_update  # 112 before the gates


async def _noop(*args: Any, **kwargs: Any) -> None:
    return None


def _filters(*callbacks_: Any) -> list[Any]:
    from aiogram.dispatcher.event.handler import FilterObject

    return [FilterObject(callback=each) for each in callbacks_]
