"""Filters for the report flow."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message

from bot.keyboards.common import MENU_HELP, MENU_MY_REPORTS, MENU_NEWS, MENU_REPORT, MENU_VOLUNTEER


class MenuText(Filter):
    """A main-menu button, so that a step does not take "❓ Help" as its answer."""

    async def __call__(self, message: Message) -> bool:
        labels = (MENU_REPORT, MENU_MY_REPORTS, MENU_NEWS, MENU_VOLUNTEER, MENU_HELP)
        return message.text in {str(label) for label in labels}
