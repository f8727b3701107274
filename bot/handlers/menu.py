"""Main menu entries whose features are still being built: answer honestly, never stay silent.
(📰 News subscriptions is bot/handlers/news/subscribe.py.)"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot.views.common import MENU_VOLUNTEER, main_menu, volunteer_soon_text


def get_router() -> Router:
    router = Router(name="menu")
    router.message.register(volunteer_soon, F.text == MENU_VOLUNTEER)
    return router


async def volunteer_soon(message: Message) -> None:
    await message.answer(volunteer_soon_text(), reply_markup=main_menu())
