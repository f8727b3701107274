"""How the editors' screens answer a press: edit the pressed message, or send one under it; and
the editor's desk, what every step of composing and acting on an item needs."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n

from bot.replies import acknowledge
from bot.services.news import EditorRole, NewsService


async def edit_shown(query: CallbackQuery, text: str, markup: object = None) -> None:
    await acknowledge(query)
    if query.message is not None:
        await query.message.edit_text(text, reply_markup=markup)  # type: ignore[union-attr,arg-type]


async def answer_below(query: CallbackQuery, text: str, markup: object = None) -> None:
    """A new message under the pressed one (the pressed one stays as it was)."""
    await acknowledge(query)
    if query.message is not None:
        await query.message.answer(text, reply_markup=markup)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Desk:
    """Who edits (the `role` IsEditor found), the news service, the editor's conversation, the
    bot and the translations: IsEditor hands it to the editors' handlers as `desk`."""

    role: EditorRole
    news: NewsService
    state: FSMContext
    bot: Bot
    i18n: I18n
