"""Commands that work at any moment, also in the middle of a conversation."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.keyboards.common import MENU_HELP, main_menu


def get_router() -> Router:
    router = Router(name="common")
    router.message.register(show_help, Command("help"))
    router.message.register(show_help, F.text == MENU_HELP)
    router.message.register(show_privacy, Command("privacy"))
    router.message.register(cancel, Command("cancel"))
    return router


async def show_help(message: Message) -> None:
    await message.answer(help_text())


def help_text() -> str:
    return _(
        "<b>How to use Adal</b>\n\n"
        "Use the menu buttons at the bottom of the screen, or these commands:\n"
        "/start: main menu\n"
        "/language: change the language\n"
        "/region: change your region\n"
        "/privacy: what the bot stores about you\n"
        "/cancel: stop what you are doing and go back to the menu\n"
        "/help: this message\n\n"
        "You can also report corruption to the Anti-Corruption Agency by phone: "
        "1424 (free of charge)."
    )


async def show_privacy(message: Message) -> None:
    await message.answer(
        _(
            "<b>Privacy</b>\n\n"
            "<b>What the bot stores.</b> Your chosen language and region, the date you first "
            "wrote, and your chat number in encrypted form, so that the bot can answer you. "
            "Your Telegram ID is kept only as a one-way code. Your name, username and phone "
            "number are not stored.\n\n"
            "<b>What Telegram sees.</b> Chats with bots are not end-to-end encrypted. Telegram "
            "itself can see this chat, and the bot always learns your Telegram ID, name and "
            "username while it answers you.\n\n"
            "<b>If you are at serious risk</b>, use official channels, for example the "
            "Anti-Corruption Agency's line 1424, and avoid keeping sensitive messages on your "
            "phone."
        )
    )


async def cancel(message: Message, state: FSMContext) -> None:
    had_flow = await state.get_state() is not None
    await state.clear()
    text = (
        _("Cancelled. You are back in the main menu.")
        if had_flow
        else _("There is nothing to cancel. You are in the main menu.")
    )
    await message.answer(text, reply_markup=main_menu())
