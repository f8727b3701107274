"""A person walks /start → language → region → menu over real HTTP, in both languages."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n

from bot.devtools.emulator import BotApiEmulator
from bot.handlers.common import help_text
from tests.conftest import render, translate
from tests.e2e.conftest import BotProcess

HELLO = "Hello! Please choose your language."
REGION_PROMPT = "Now choose your region. Reports and news will be for this region by default."


def button_data(message: dict, text_part: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            if text_part in button["text"]:
                return button["callback_data"]
    raise AssertionError(f"no button with {text_part!r}")


def reply_labels(emulator: BotApiEmulator, chat_id: int) -> list[str]:
    keyboard = emulator.reply_keyboard(chat_id)
    assert keyboard is not None
    return [button["text"] for row in keyboard["keyboard"] for button in row]


@pytest.mark.parametrize(("locale", "telegram_language"), [("kk", "kk"), ("ru", "en")])
async def test_onboarding_over_http(
    emulator: BotApiEmulator,
    bot_process: BotProcess,
    i18n: I18n,
    locale: str,
    telegram_language: str,
) -> None:
    user_id = 7_100_200_300
    emulator.add_user(user_id, first_name="Айгерим", language_code=telegram_language)
    await bot_process.start()

    emulator.send_text(user_id, "/start")
    hello = await emulator.wait_for_bot_message(user_id, after=0)
    assert translate(i18n, HELLO, "kk") in hello["text"]
    assert translate(i18n, HELLO, "ru") in hello["text"]

    emulator.press_button(user_id, hello["message_id"], f"lang:{locale}")
    prompt = await emulator.wait_for_bot_message(user_id, after=1)
    assert prompt["text"] == translate(i18n, REGION_PROMPT, locale)
    oral_region = "Батыс Қазақстан облысы" if locale == "kk" else "Западно-Казахстанская область"
    edited = emulator.bot_messages(user_id)[0]
    assert edited["text"] == translate(i18n, "Language: {language}", locale).format(
        language={"kk": "Қазақша", "ru": "Русский"}[locale]
    )

    emulator.press_button(user_id, prompt["message_id"], button_data(prompt, oral_region))
    welcome = await emulator.wait_for_bot_message(user_id, after=2)
    assert "/privacy" in welcome["text"]
    labels = reply_labels(emulator, user_id)
    assert translate(i18n, "📝 Report corruption", locale) in labels

    emulator.press_reply_button(user_id, translate(i18n, "❓ Help", locale))
    help_message = await emulator.wait_for_bot_message(user_id, after=3)
    assert help_message["text"] == _plain(render(i18n, help_text, locale))

    assert await bot_process.terminate() == 0
    # Commands are registered per language for Telegram's menu.
    assert {key[1] for key in emulator.commands} >= {"kk", "ru"}


def _plain(html: str) -> str:
    """Telegram returns text without the HTML tags it parsed into entities."""
    import re

    return re.sub(r"</?b>", "", html)


async def test_conversation_resumes_after_sigkill_in_region_step(
    emulator: BotApiEmulator, bot_process: BotProcess, i18n: I18n
) -> None:
    user_id = 7_100_200_301
    emulator.add_user(user_id, language_code="ru")
    await bot_process.start()
    emulator.send_text(user_id, "/start")
    hello = await emulator.wait_for_bot_message(user_id, after=0)
    emulator.press_button(user_id, hello["message_id"], "lang:ru")
    prompt = await emulator.wait_for_bot_message(user_id, after=1)

    bot_process.kill()
    await bot_process.start()

    # The region step survived: typing instead of tapping repeats the region question.
    emulator.send_text(user_id, "Уральск")
    repeat = await emulator.wait_for_bot_message(user_id, after=2)
    assert repeat["text"] == translate(i18n, "Please tap your region on the buttons below.", "ru")
    emulator.press_button(user_id, prompt["message_id"], "reg:KZ-27")
    welcome = await emulator.wait_for_bot_message(user_id, after=3)
    assert "/privacy" in welcome["text"]
    assert translate(i18n, "📝 Report corruption", "ru") in reply_labels(emulator, user_id)
    assert await bot_process.terminate() == 0
