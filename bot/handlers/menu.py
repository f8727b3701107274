"""Main menu entries whose features are still being built: answer honestly, never stay silent."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.keyboards.common import MENU_MY_REPORTS, MENU_NEWS, MENU_REPORT, MENU_VOLUNTEER, main_menu


def get_router() -> Router:
    router = Router(name="menu")
    router.message.register(report_soon, F.text == MENU_REPORT)
    router.message.register(my_reports_soon, F.text == MENU_MY_REPORTS)
    router.message.register(news_soon, F.text == MENU_NEWS)
    router.message.register(volunteer_soon, F.text == MENU_VOLUNTEER)
    return router


async def report_soon(message: Message) -> None:
    await message.answer(
        _(
            "Filing reports in the bot is being prepared and will open soon.\n\n"
            "Until then you can report corruption to the Anti-Corruption Agency by phone: "
            "1424 (free of charge)."
        ),
        reply_markup=main_menu(),
    )


async def my_reports_soon(message: Message) -> None:
    await message.answer(
        _("You have no reports yet. Following reports will open together with filing them."),
        reply_markup=main_menu(),
    )


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
