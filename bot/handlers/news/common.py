"""How the editors' screens answer a press: edit the pressed message, or send one under it."""

from __future__ import annotations

from aiogram.types import CallbackQuery

from bot.replies import acknowledge


async def edit_shown(query: CallbackQuery, text: str, markup: object = None) -> None:
    await acknowledge(query)
    if query.message is not None:
        await query.message.edit_text(text, reply_markup=markup)  # type: ignore[union-attr,arg-type]


async def answer_below(query: CallbackQuery, text: str, markup: object = None) -> None:
    """A new message under the pressed one (the pressed one stays as it was)."""
    await acknowledge(query)
    if query.message is not None:
        await query.message.answer(text, reply_markup=markup)  # type: ignore[arg-type]
