"""Main menu entries whose features are still being built: answer honestly, never stay silent."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.keyboards.common import MENU_NEWS, MENU_VOLUNTEER, main_menu


def get_router() -> Router:
    router = Router(name="menu")
    router.message.filter(F.chat.type == "private")  # citizens talk to the bot alone
    router.message.register(news_soon, F.text == MENU_NEWS)
    router.message.register(volunteer_soon, F.text == MENU_VOLUNTEER)
    return router


async def news_soon(message: Message) -> None:
    await message.answer(
        _("Regional news subscriptions are being prepared and will open soon."),
        reply_markup=main_menu(),
    )


async def volunteer_soon(message: Message) -> None:
    await message.answer(
        _("Applications to become an anti-corruption volunteer will open soon."),
        reply_markup=main_menu(),
    )
