"""Who may edit news: resolved per update, re-checked by the service on every action."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.i18n import I18n

from bot.db.repositories.news import NewsItem
from bot.handlers.news.common import Desk
from bot.replies import acknowledge
from bot.services.news import EditorRole, NewsService, NotAnEditorError
from bot.services.news_text import NewsInputError
from bot.views.news_editor import input_error_text, not_editor_text


class IsEditor(Filter):
    """Passes for active editors and superadmins and puts `role`, and the `desk` built around
    it, into handler data."""

    async def __call__(
        self,
        event: TelegramObject,
        news: NewsService,
        pseudonym: str | None,
        bot: Bot,
        i18n: I18n,
        event_from_user: User | None = None,
        state: FSMContext | None = None,
    ) -> bool | dict[str, Any]:
        role = await news.role(event_from_user.id if event_from_user else None, pseudonym)
        if not role:
            return False
        if state is None:  # a press without a chat has no conversation: no desk either
            return {"role": role}
        return {"role": role, "desk": Desk(role, news, state, bot, i18n)}


async def refuse(event: Message | CallbackQuery) -> None:
    if isinstance(event, CallbackQuery):
        await acknowledge(event, not_editor_text(), alert=True)
    else:
        await event.reply(not_editor_text())


async def authorised_item(
    event: Message | CallbackQuery, news: NewsService, role: EditorRole, item_id: int
) -> NewsItem | None:
    """The item if this editor may act on it; otherwise a polite no (the service audits it)."""
    try:
        return await news.item(role, item_id)
    except NotAnEditorError:
        await refuse(event)
        return None


async def editable_item(
    query: CallbackQuery, news: NewsService, role: EditorRole, item_id: int
) -> NewsItem | None:
    """The item if this editor may act on it and it has not gone out yet (a draft or scheduled:
    only those can still change); otherwise the editor is told why."""
    item = await authorised_item(query, news, role, item_id)
    if item is not None and item.status not in ("draft", "scheduled"):
        await tell(query, "gone_out")
        return None
    return item


# What the news service refuses an action with; `answer_refusal` tells the editor which.
REFUSALS = (NewsInputError, NotAnEditorError)


async def answer_refusal(
    event: Message | CallbackQuery, exc: NewsInputError | NotAnEditorError
) -> None:
    """Someone no longer an editor gets the polite no (the service has audited it); an editor,
    why the input or the press could not be used."""
    if isinstance(exc, NewsInputError):
        await tell(event, exc.reason, exc.detail)
    else:
        await refuse(event)


async def tell(event: Message | CallbackQuery, reason: str, detail: str | int = "") -> None:
    """Why an input or a press could not be used, where the editor is looking."""
    text = input_error_text(reason, detail)
    if isinstance(event, CallbackQuery):
        await acknowledge(event, _plain(text), alert=True)
    else:
        await event.reply(text)


def _plain(text: str) -> str:
    """An alert shows no HTML: the entities the texts use for < and > are turned back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")[:200]
