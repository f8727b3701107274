"""Moderators at work over real HTTP: a card in the group, take, ask, answer, resolve."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from bot.devtools.emulator import BotApiEmulator
from bot.views.callbacks import ModCallback
from tests.conftest import translate
from tests.e2e.citizen import Citizen
from tests.e2e.conftest import BotProcess
from tests.e2e.test_reports_e2e import fill_report, onboard, rp
from tests.e2e.waits import WAIT

GROUP = -1_001_500_000_000
ADMIN, MODERATOR = 7_300_000_001, 7_300_000_002
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def md(action: str, report_id: int = 1, value: str = "") -> str:
    return ModCallback(action=action, id=report_id, value=value).pack()


@pytest.fixture
async def staffed_bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(
        emulator,
        tmp_path,
        ADMIN_IDS=str(ADMIN),
        MODERATOR_CHAT_ID=str(GROUP),
        MODERATOR_CHAT_LOCALE="ru",
    )
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.kill()


async def card_in_group(emulator: BotApiEmulator, case: str, after: int) -> dict:
    """The card, once it is live: posted, remembered, and given its buttons."""
    card = await emulator.wait_for_bot_message(
        GROUP, after=after, predicate=lambda m: case in (m.get("text") or "")
    )
    if not (card.get("reply_markup") or {}).get("inline_keyboard"):
        card = await emulator.wait_for_edit(GROUP, card["message_id"])
    return card


async def test_case_from_group_card_to_resolution(
    emulator: BotApiEmulator, staffed_bot: BotProcess, i18n: I18n
) -> None:
    emulator.add_group(GROUP, "Модераторы ЗКО", member_ids=[MODERATOR])
    await staffed_bot.start()
    moderator = Citizen(emulator, MODERATOR, "kk", first_name="Данияр")
    await onboard(moderator, "kk")
    admin = Citizen(emulator, ADMIN, "ru")
    await onboard(admin, "ru")
    await admin.say(f"/mod_add {MODERATOR} KZ-27", expect="#1")

    # An anonymous report becomes a card in the moderators' group.
    citizen = Citizen(emulator, 7_300_000_010, "kk")
    await onboard(citizen, "kk")
    await fill_report(citizen, i18n, "kk", anonymity="anonymous", files=[("send_photo", {})])
    confirmation = await citizen.tap_and_read(rp("submit"), expect="KZ27-000001")
    code = CODE.search(confirmation["text"]).group(0)
    card = await card_in_group(emulator, "KZ27-000001", 0)
    assert translate(i18n, "Received", "ru") in card["text"]
    assert str(citizen.id) not in str(card) and "Айгүл" not in str(card)

    # Take: the card is edited in place.
    emulator.press_button(MODERATOR, card["message_id"], md("take"), chat_id=GROUP)
    edited = await emulator.wait_for_edit(GROUP, card["message_id"])
    assert translate(i18n, "Under review", "ru") in edited["text"]
    assert "Данияр" in edited["text"]

    # Ask the reporter, in the group: a prompt, then the moderator's reply.
    after = emulator.sent_count(GROUP)
    emulator.press_button(MODERATOR, card["message_id"], md("ask"), chat_id=GROUP)
    await emulator.wait_for_bot_message(GROUP, after=after)
    after = emulator.sent_count(GROUP)
    emulator.send_text(MODERATOR, "Мектептің нөмірін жазыңызшы.", chat_id=GROUP)
    await emulator.wait_for_bot_message(GROUP, after=after)

    # The anonymous reporter sees it only with the code, and answers.
    shown = await citizen.say(f"/check {code}", expect="KZ27-000001")
    assert "Мектептің нөмірін" in shown["text"]
    await citizen.tap("cs:add:1")
    await citizen.say(
        "№ 14 мектеп, Зачаганск кенті.",
        expect=translate(i18n, "Added to case {case}.", "kk").format(case="KZ27-000001"),
    )

    # The moderator reads the thread with /case and resolves the case from the card.
    after = emulator.sent_count(GROUP)
    emulator.send_text(MODERATOR, "/case KZ27-000001", chat_id=GROUP)
    history = await emulator.wait_for_bot_message(
        GROUP, after=after, predicate=lambda m: "№ 14 мектеп" in (m.get("text") or "")
    )
    assert history is not None
    # /case posted a fresh copy of the card; the older one lost its buttons, so that two
    # copies with buttons never disagree. The moderator goes on from the fresh one.
    assert not emulator.bot_messages(GROUP)[0].get("reply_markup", {}).get("inline_keyboard")
    card = next(
        m
        for m in reversed(emulator.bot_messages(GROUP))
        if md("status") in str(m.get("reply_markup"))
    )
    emulator.press_button(MODERATOR, card["message_id"], md("status"), chat_id=GROUP)
    await emulator.wait_for_edit(GROUP, card["message_id"])
    emulator.press_button(
        MODERATOR, card["message_id"], md("set", value="resolved"), chat_id=GROUP
    )
    resolved = await emulator.wait_for_edit(GROUP, card["message_id"])
    assert translate(i18n, "Resolved", "ru") in resolved["text"]
    shown = await citizen.say(f"/check {code}", expect="KZ27-000001")
    assert translate(i18n, "Resolved", "kk") in shown["text"]

    # A stranger pressing a card button is refused politely, in their own language.
    emulator.add_user(7_300_000_099, language_code="ru")
    emulator.send_callback(7_300_000_099, card["message_id"], md("take"), chat_id=GROUP)
    refusal = translate(
        i18n, "«{button}» is a button for moderators. To report corruption, send /report.", "ru"
    ).format(button=translate(i18n, "🙋 Take", "ru"))
    deadline = asyncio.get_running_loop().time() + WAIT
    while not any(a.get("text") == refusal for a in emulator.callback_answers):
        assert asyncio.get_running_loop().time() < deadline, emulator.callback_answers[-5:]
        await asyncio.sleep(0.05)
    assert await staffed_bot.terminate() == 0


async def test_confidential_reporter_is_notified_in_their_language(
    emulator: BotApiEmulator, staffed_bot: BotProcess, i18n: I18n
) -> None:
    emulator.add_group(GROUP, "Модераторы", member_ids=[MODERATOR])
    await staffed_bot.start()
    moderator = Citizen(emulator, MODERATOR, "ru")
    await onboard(moderator, "ru")
    admin = Citizen(emulator, ADMIN, "ru")
    await onboard(admin, "ru")
    await admin.say(f"/mod_add {MODERATOR} all", expect="#1")

    citizen = Citizen(emulator, 7_300_000_020, "kk")
    await onboard(citizen, "kk")
    await fill_report(citizen, i18n, "kk", anonymity="confidential", files=[])
    await citizen.tap_and_read(rp("submit"), expect="KZ27-000001")
    await card_in_group(emulator, "KZ27-000001", 0)

    after = emulator.sent_count(citizen.id)
    emulator.send_text(MODERATOR, "/status KZ27-000001 forwarded", chat_id=GROUP)
    status = translate(i18n, "Forwarded to the authorities", "kk")
    note = await emulator.wait_for_bot_message(
        citizen.id, after=after, predicate=lambda m: status in (m.get("text") or "")
    )
    assert "KZ27-000001" in note["text"]
    assert await staffed_bot.terminate() == 0
