"""Main menu entries that live in no feature's flow, and the rule for the menu keyboard.
(📰 News subscriptions is bot/handlers/news/subscribe.py.)"""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import ReplyKeyboardMarkup

from bot.handlers.gates import Word
from bot.handlers.volunteers.application import start_application
from bot.views.common import MENU_VOLUNTEER, main_menu


def get_router() -> Router:
    router = Router(name="menu")
    router.message.register(start_application, Word(MENU_VOLUNTEER))
    return router


async def menu_unless_busy(state: FSMContext) -> ReplyKeyboardMarkup | None:
    """The main menu, except in the middle of a conversation: a step shows only its own
    keyboard, and the menu would tempt the person out of it (issue 9)."""
    return main_menu() if await state.get_state() is None else None
