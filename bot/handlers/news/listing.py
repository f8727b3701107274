"""/news_list (drafts, scheduled, sent), opening and withdrawing an item, /broadcast_status;
and the refusal of whatever a non-editor tried."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.handlers.news.access import REFUSALS, IsEditor, answer_refusal, authorised_item, refuse
from bot.handlers.news.common import answer_below, edit_shown
from bot.services.broadcasts import Broadcasts
from bot.services.news import EditorRole, NewsService
from bot.views.callbacks import NewsAction, NewsCallback
from bot.views.news_editor import (
    LIST_TABS,
    item_card_keyboard,
    item_card_text,
    list_keyboard,
    list_text,
    no_broadcasts_text,
    progress_text,
    withdraw_keyboard,
    withdraw_question_text,
    withdrawn_text,
)

TAB_STATUSES = {"draft": ("draft",), "scheduled": ("scheduled",), "sent": ("published",)}


def get_router() -> Router:
    router = Router(name="news-listing")
    editor = IsEditor()
    router.message.register(news_list, Command("news_list"), editor)
    router.message.register(status, Command("broadcast_status"), editor)
    on = router.callback_query.register
    on(tab, NewsCallback.filter(F.action == NewsAction.LIST), editor)
    on(open_item, NewsCallback.filter(F.action == NewsAction.OPEN), editor)
    on(ask_withdraw, NewsCallback.filter(F.action == NewsAction.WITHDRAW), editor)
    on(withdraw, NewsCallback.filter(F.action == NewsAction.WITHDRAW_YES), editor)
    on(refuse, NewsCallback.filter())  # not (or no longer) an editor
    router.message.register(refuse, Command("news", "news_list", "broadcast_status"))
    return router


async def news_list(
    message: Message, role: EditorRole, news: NewsService, i18n: I18n, state: FSMContext
) -> None:
    await state.clear()
    text, markup = await _listing(role, news, "draft", 0, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


async def _listing(
    role: EditorRole, news: NewsService, name: str, page: int, locale: str
) -> tuple[str, object]:
    items, total = await news.listing(role, TAB_STATUSES[name], page)
    return list_text(items, name, total, page, locale), list_keyboard(items, name, total, page)


async def tab(
    query: CallbackQuery,
    callback_data: NewsCallback,
    role: EditorRole,
    news: NewsService,
    i18n: I18n,
) -> None:
    name = callback_data.v if callback_data.v in LIST_TABS else "draft"
    text, markup = await _listing(role, news, name, callback_data.page, i18n.current_locale)
    await edit_shown(query, text, markup)


async def open_item(
    query: CallbackQuery,
    callback_data: NewsCallback,
    role: EditorRole,
    news: NewsService,
    i18n: I18n,
) -> None:
    item = await authorised_item(query, news, role, callback_data.id)
    if item is None:
        return
    text = item_card_text(item, i18n.current_locale)
    await answer_below(query, text, item_card_keyboard(item))


async def ask_withdraw(query: CallbackQuery, callback_data: NewsCallback) -> None:
    await edit_shown(
        query, withdraw_question_text(callback_data.id), withdraw_keyboard(callback_data.id)
    )


async def withdraw(
    query: CallbackQuery, callback_data: NewsCallback, role: EditorRole, news: NewsService
) -> None:
    try:
        await news.withdraw(role, callback_data.id)
    except REFUSALS as exc:
        await answer_refusal(query, exc)
        return
    await edit_shown(query, withdrawn_text(callback_data.id))


async def status(
    message: Message, role: EditorRole, broadcasts: Broadcasts, news: NewsService, i18n: I18n
) -> None:
    shown = await broadcasts.recent(None if role.national else role.pseudonym)
    if not shown:
        await message.answer(no_broadcasts_text())
        return
    texts = []
    for progress in shown:
        item = await news.published(progress.job.news_id or 0)
        title = (item.title_kk or item.title_ru or "") if item else ""
        texts.append(progress_text(progress, title, i18n.current_locale))
    await message.answer("\n\n".join(texts))
