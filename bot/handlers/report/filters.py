"""Filters for the report flow."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message

from bot.views.common import MENU_LABELS


class MenuText(Filter):
    """A main-menu button, so that a step does not take "❓ Help" as its answer."""

    async def __call__(self, message: Message) -> bool:
        return message.text in {str(label) for label in MENU_LABELS}
