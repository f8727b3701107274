"""Commands that work at any moment, also in the middle of a conversation."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.config import Settings
from bot.handlers.gates import Word
from bot.views.common import MENU_HELP, cancelled_text, help_text, main_menu, privacy_text


def get_router() -> Router:
    router = Router(name="common")
    router.message.register(show_help, Command("help"))
    router.message.register(show_help, Word(MENU_HELP))
    router.message.register(show_privacy, Command("privacy"))
    router.message.register(cancel, Command("cancel"))
    return router


async def show_help(message: Message) -> None:
    await message.answer(help_text())


async def show_privacy(message: Message, settings: Settings) -> None:
    await message.answer(privacy_text(settings.retention_days))


async def cancel(message: Message, state: FSMContext) -> None:
    had_flow = await state.get_state() is not None
    await state.clear()
    await message.answer(cancelled_text(had_flow), reply_markup=main_menu())
