"""The flood throttle in the real process: updates are counted as the intake receives them.

200 messages arrive at once from one chat in the middle of a report: one notice, at most the
burst answered, nothing more until the pause ends; then the report goes on from its step.
"""

from __future__ import annotations

import asyncio

from aiogram.utils.i18n import I18n

from bot.devtools.emulator import BotApiEmulator
from bot.middlewares.flood import FloodGuard
from bot.views.common import flood_notice_text
from tests.conftest import render
from tests.e2e.citizen import Citizen
from tests.e2e.conftest import BotProcess
from tests.e2e.test_reports_e2e import onboard, rp, start_report
from tests.e2e.waits import WAIT


async def quiet(emulator: BotApiEmulator, chat_id: int, seconds: float) -> None:
    """Until the bot has sent nothing to this chat for `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    last, since = emulator.sent_count(chat_id), loop.time()
    while loop.time() - since < seconds:
        assert loop.time() < deadline, "the bot kept answering the flood"
        await asyncio.sleep(0.2)
        if (count := emulator.sent_count(chat_id)) != last:
            last, since = count, loop.time()


async def test_a_flood_gets_one_notice_and_the_report_goes_on(
    emulator: BotApiEmulator, bot_process: BotProcess, i18n: I18n
) -> None:
    await bot_process.start()
    person = Citizen(emulator, 7_700_000_001, "ru")
    await onboard(person, "ru")
    await start_report(person, i18n, "ru")  # the area step: it wants a button
    other = Citizen(emulator, 7_700_000_002, "kk")

    before = emulator.sent_count(person.id)
    for n in range(200):
        emulator.send_text(person.id, f"flood {n}")
    notice = render(i18n, lambda: flood_notice_text(10), "ru")
    await emulator.wait_for_bot_message(
        person.id, after=before, predicate=lambda m: m.get("text") == notice, timeout=WAIT
    )
    await onboard(other, "kk")  # somebody else is answered meanwhile
    await quiet(emulator, person.id, 3.0)

    answers = [m.get("text") for m in emulator.bot_messages(person.id)[before:]]
    assert answers.count(notice) == 1
    assert len(answers) <= FloodGuard().burst + 1, len(answers)

    await asyncio.sleep(10)  # the pause, counted from the notice
    moved_on = await person.tap(rp("area", "ecology"))
    buttons = [
        b["callback_data"]
        for row in (moved_on.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
    ]
    assert any(data.startswith("rp:region:") for data in buttons), moved_on.get("text")
