"""Main menu entries whose features are still being built: answer honestly, never stay silent.
(📰 News subscriptions is bot/handlers/news/subscribe.py.)"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardMarkup

from bot.views.common import MENU_VOLUNTEER, main_menu, volunteer_soon_text


def get_router() -> Router:
    router = Router(name="menu")
    router.message.register(volunteer_soon, F.text == MENU_VOLUNTEER)
    return router


async def menu_unless_busy(state: FSMContext) -> ReplyKeyboardMarkup | None:
    """The main menu, except in the middle of a conversation: a step shows only its own
    keyboard, and the menu would tempt the person out of it (issue 9)."""
    return main_menu() if await state.get_state() is None else None


async def volunteer_soon(message: Message, state: FSMContext) -> None:
    await message.answer(volunteer_soon_text(), reply_markup=await menu_unless_busy(state))
