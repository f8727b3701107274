"""Subscribers and editors of regional news, driving the real bot through the emulator.

Shared by tests/e2e/test_news_e2e.py and bench/broadcast.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData

from bot.devtools.emulator import BotApiEmulator
from bot.views.callbacks import NewsAction, NewsCallback, SubAction, SubCallback
from tests.e2e.citizen import Citizen

ZONE = ZoneInfo("Asia/Almaty")


def local_clock(delta: timedelta = timedelta(0)) -> str:
    """A time of day in Almaty, HH:MM:SS, for NEWS_MORNING_AT / NEWS_EVENING_AT."""
    return (datetime.now(ZONE) + delta).strftime("%H:%M:%S")


def _find(
    emu: BotApiEmulator, chat_id: int, factory: type[CallbackData], match: Callable[[Any], bool]
) -> tuple[int, str] | None:
    prefix = factory.__prefix__ + ":"
    for message in reversed(emu.bot_messages(chat_id)):
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data") or ""
                if data.startswith(prefix) and match(factory.unpack(data)):
                    return int(message["message_id"]), data
    return None


async def press(
    person: Citizen,
    factory: type[CallbackData],
    action: str,
    v: str | None = None,
    *,
    expect: str | None = None,
) -> dict[str, Any]:
    """Tap the newest button of this action (and value); return the message it edited or the
    new message it caused, once it reads `expect` (if given)."""
    emu = person.emu
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while (found := _find(emu, person.id, factory, lambda d: _is(d, action, v))) is None:
        if loop.time() > deadline:
            raise AssertionError(f"no button {action} {v}")
        await asyncio.sleep(0.05)
    message_id, data = found
    after = emu.sent_count(person.id)
    edits = emu.world.state(person.id).messages[message_id].edit_count
    emu.press_button(person.id, message_id, data)
    while loop.time() < deadline:
        stored = emu.world.state(person.id).messages[message_id]
        candidates = [m for m in emu.bot_messages(person.id)[after:]]
        if stored.edit_count > edits:
            candidates.append(stored.public())
        for message in candidates:
            if expect is None or expect in (message.get("text") or message.get("caption") or ""):
                return message
        await asyncio.sleep(0.05)
    raise AssertionError(f"nothing read {expect!r} after {action} {v}")


def _is(data: Any, action: str, v: str | None) -> bool:
    return data.action == action and (v is None or data.v == v)


async def subscribe(person: Citizen, frequency: str, slot: str | None = None) -> dict[str, Any]:
    """/subscribe: the preselected region, every topic, `frequency` (and `slot`)."""
    await person.say("/subscribe")
    await press(person, SubCallback, SubAction.REGIONS_DONE)
    await press(person, SubCallback, SubAction.TOPICS_DONE)
    shown = await press(person, SubCallback, SubAction.FREQUENCY, frequency)
    if slot is not None:
        shown = await press(person, SubCallback, SubAction.SLOT, slot)
    return shown


async def change_to_digest(person: Citizen, frequency: str, slot: str) -> dict[str, Any]:
    await person.say("/subscriptions")
    await press(person, SubCallback, SubAction.CHANGE, "frequency")
    await press(person, SubCallback, SubAction.FREQUENCY, frequency)
    return await press(person, SubCallback, SubAction.SLOT, slot)


async def change_slot(person: Citizen, slot: str) -> dict[str, Any]:
    await person.say("/subscriptions")
    await press(person, SubCallback, SubAction.CHANGE, "slot")
    return await press(person, SubCallback, SubAction.SLOT, slot)


async def compose(
    editor: Citizen, title_kk: str, body_kk: str, title_ru: str, body_ru: str
) -> dict[str, Any]:
    """/news for the editor's region to the preview; returns the message with the buttons."""
    await editor.say("/news")
    await press(editor, NewsCallback, NewsAction.REGIONS_DONE)
    await press(editor, NewsCallback, NewsAction.TOPIC, "infrastructure")
    await editor.say(title_kk)
    await editor.say(body_kk)
    await editor.say(title_ru)
    await editor.say(body_ru)
    await press(editor, NewsCallback, NewsAction.SKIP, "photo")
    return await press(editor, NewsCallback, NewsAction.SKIP, "link", expect="👀")


async def publish(editor: Citizen) -> dict[str, Any]:
    return await press(editor, NewsCallback, NewsAction.PUBLISH)


async def received(
    emu: BotApiEmulator, chat_id: int, text: str, after: int = 0, timeout: float = 30
) -> dict[str, Any]:
    return await emu.wait_for_bot_message(
        chat_id, after=after, timeout=timeout, predicate=lambda m: text in (m.get("text") or "")
    )
