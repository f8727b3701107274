"""The per-chat flood throttle (bot/middlewares/flood.py) through the real dispatcher.

The guard's clock is moved by hand: 200 messages in 10 seconds are sent 0.05 s apart.
"""

from __future__ import annotations

import pytest
from aiogram import Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.utils.i18n import I18n

from bot.handlers.report.states import ReportFlow
from bot.middlewares.flood import DROP, PASS, FloodGuard
from bot.views.common import flood_notice_text, help_text
from tests import updates as u
from tests.conftest import Chat, render
from tests.fake_session import FakeBot
from tests.unit.test_report_flow import DESCRIPTION, onboard, rp, to_step


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks(dp: Dispatcher) -> Ticks:
    """The throttle on, with the defaults a running bot has, on a clock moved by hand."""
    clock = Ticks()
    guard: FloodGuard = dp["flood_guard"]
    guard.burst, guard.clock = FloodGuard().burst, clock
    return clock


def state_of(dp: Dispatcher, bot: FakeBot, person: dict) -> FSMContext:
    return dp.fsm.resolve_context(bot, chat_id=person["id"], user_id=person["id"])


def notice(i18n: I18n, locale: str, seconds: int = 10) -> str:
    return render(i18n, lambda: flood_notice_text(seconds), locale)


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_a_flood_gets_one_notice_and_the_report_continues_at_its_step(
    chat: Chat, dp: Dispatcher, bot: FakeBot, i18n: I18n, ticks: Ticks, locale: str
) -> None:
    flooder, other = u.user(701, locale), u.user(702, "ru")
    for person in (flooder, other):
        await onboard(chat, person, locale)
        ticks.now += 60
    await to_step(chat, flooder, "description")
    ticks.now += 60  # a full bucket, as after any real pause
    assert await state_of(dp, bot, flooder).get_state() == ReportFlow.description.state
    help_shown = render(i18n, help_text, locale)

    flooder_saw: list[str] = []
    other_answers = 0
    for n in range(200):
        flooder_saw += await chat.texts(u.text(flooder, "/help"))
        if n % 20 == 0:  # another person, writing now and then all along
            other_answers += len(await chat.texts(u.text(other, "/help")))
        ticks.now += 0.05

    assert flooder_saw.count(notice(i18n, locale)) == 1
    passed = len(flooder_saw) - 1
    # The burst, plus what refilled in the 1.5 s it took to use it; then silence.
    assert 30 <= passed <= 32, passed
    assert flooder_saw[-1] == notice(i18n, locale)
    assert flooder_saw[:-1] == [help_shown] * passed
    assert other_answers == 10
    assert dp["flood_guard"].notices == 1

    # The pause ends: the report goes on from the step it was at.
    assert await state_of(dp, bot, flooder).get_state() == ReportFlow.description.state
    ticks.now += 10
    replies = await chat.send(u.text(flooder, DESCRIPTION))
    assert [r for r in replies if isinstance(r, SendMessage)]
    assert await state_of(dp, bot, flooder).get_state() == ReportFlow.when.state


async def test_buttons_pressed_during_the_pause_are_answered_but_not_handled(
    chat: Chat, dp: Dispatcher, bot: FakeBot, ticks: Ticks
) -> None:
    person = u.user(703, "kk")
    await onboard(chat, person, "kk")
    ticks.now += 60
    await chat.send(u.text(person, "/report"))  # the area step
    for _ in range(40):
        await chat.send(u.sticker(person))
    assert dp["flood_guard"].notices == 1
    replies = await chat.send(u.callback(person, rp("area", "ecology")))
    assert len(replies) == 1 and isinstance(replies[0], AnswerCallbackQuery)
    assert replies[0].text is None
    assert await state_of(dp, bot, person).get_state() == ReportFlow.area.state
    ticks.now += 10
    await chat.send(u.callback(person, rp("area", "ecology")))
    assert await state_of(dp, bot, person).get_state() == ReportFlow.region.state


async def test_updates_the_bot_ignores_are_not_counted(
    chat: Chat, dp: Dispatcher, ticks: Ticks
) -> None:
    person = u.user(704, "kk")
    guard: FloodGuard = dp["flood_guard"]
    group = {"id": -100500, "type": "supergroup", "title": "Some group"}
    for n in range(300):
        message = u.text(person, "hello")
        message["message"]["chat"] = group
        await chat.send(message)
        nobody = u.text(person, "hello")
        del nobody["message"]["from"]
        await chat.send(nobody)
        edited = u.text(person, f"edit {n}")
        edited["edited_message"] = edited.pop("message")
        await chat.send(edited)
    assert len(guard) == 0 and guard.notices == 0


def test_a_steady_person_is_never_paused() -> None:
    clock = Ticks()
    guard = FloodGuard(clock=clock)
    # Three albums of 10 files at once, then a message or a button every second for an hour.
    assert all(guard.take(1) == PASS for _ in range(30))
    for _ in range(3600):
        clock.now += 1.0
        assert guard.take(1) == PASS


def test_the_pause_is_not_extended_by_more_flooding() -> None:
    clock = Ticks()
    guard = FloodGuard(burst=5, per_second=1.0, pause=10.0, clock=clock)
    verdicts = [guard.take(1) for _ in range(6)]
    assert verdicts == [PASS] * 5 + [10.0]
    for _ in range(99):
        clock.now += 0.1
        assert guard.take(1) == DROP
    clock.now += 0.2
    assert guard.take(1) == PASS  # refilled during the pause


def test_memory_is_bounded_and_the_oldest_chats_go_first() -> None:
    clock = Ticks()
    guard = FloodGuard(burst=2, max_chats=100, clock=clock)
    for chat_id in range(1000):
        guard.take(chat_id)
        clock.now += 0.01
    assert len(guard) == 100
    assert guard.take(999) == PASS  # its second token: the newest chat's bucket was kept
    assert guard.take(999) == 10.0


async def test_a_flood_is_counted_by_arrival_not_by_when_its_turn_comes(
    dp: Dispatcher, bot: FakeBot, i18n: I18n, ticks: Ticks
) -> None:
    """The intake stamps each update when it arrives; the chat's queue may reach it much
    later (its replies go at about one a second). 200 arrivals in 10 s are a flood even if
    they are handled over minutes."""
    person = u.user(705, "ru")
    arrived = ticks.now
    for _ in range(200):
        await dp.feed_raw_update(bot, u.text(person, "/help"), received_at=arrived)
        arrived += 0.05
        ticks.now += 1.0  # handled at a trickle's pace
    notices = [r for r in bot.session_.requests if isinstance(r, SendMessage)]
    assert [r.text for r in notices].count(notice(i18n, "ru")) == 1
    assert dp["flood_guard"].notices == 1


def test_time_never_runs_backwards_for_a_bucket() -> None:
    clock = Ticks()
    guard = FloodGuard(burst=2, per_second=1.0, clock=clock)
    assert guard.take(1, at=1000.0) == PASS
    assert guard.take(1, at=990.0) == PASS  # stamped earlier than the last: no negative refill
    assert guard.take(1, at=990.5) == 10.0
