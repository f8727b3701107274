"""Main menu entries: news (still being built: answered honestly) and becoming a volunteer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot.handlers.volunteers.application import start_application
from bot.views.common import MENU_NEWS, MENU_VOLUNTEER, main_menu, news_soon_text


def get_router() -> Router:
    router = Router(name="menu")
    router.message.register(news_soon, F.text == MENU_NEWS)
    router.message.register(start_application, F.text == MENU_VOLUNTEER)
    return router


async def news_soon(message: Message) -> None:
    await message.answer(news_soon_text(), reply_markup=main_menu())
