"""What editors do with an item once it exists: publish now, schedule, change a field, keep as
a draft, withdraw; /news_list and /broadcast_status. The item is re-authorised each time."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.handlers.news.access import IsEditor, refuse, tell
from bot.handlers.news.compose import Compose, ask_next
from bot.handlers.replies import acknowledge
from bot.services.broadcasts import Broadcasts
from bot.services.news import EditorRole, NewsService, NotAnEditorError
from bot.services.news_text import NewsInputError
from bot.views.callbacks import NewsAction, NewsCallback
from bot.views.news_editor import (
    FIELDS,
    LIST_TABS,
    fields_keyboard,
    fields_text,
    item_card_keyboard,
    item_card_text,
    kept_text,
    list_keyboard,
    list_text,
    no_broadcasts_text,
    progress_text,
    publishing_text,
    regions_keyboard,
    schedule_keyboard,
    schedule_prompt,
    scheduled_text,
    topic_keyboard,
    topic_text,
    withdraw_keyboard,
    withdraw_question_text,
    withdrawn_text,
)
from bot.views.subscriptions import REGION_CODES, to_mask

TAB_STATUSES = {"draft": ("draft",), "scheduled": ("scheduled",), "sent": ("published",)}


def get_router() -> Router:
    router = Router(name="news-actions")
    editor = IsEditor()
    router.message.register(news_list, Command("news_list"), editor)
    router.message.register(status, Command("broadcast_status"), editor)
    router.message.register(schedule_typed, Compose.schedule, F.text, editor)
    on = router.callback_query.register
    on(publish, NewsCallback.filter(F.action == NewsAction.PUBLISH), editor)
    on(ask_when, NewsCallback.filter(F.action == NewsAction.SCHEDULE), editor)
    on(schedule_chosen, NewsCallback.filter(F.action == NewsAction.AT), editor)
    on(change, NewsCallback.filter(F.action == NewsAction.CHANGE), editor)
    on(field, NewsCallback.filter(F.action == NewsAction.FIELD), editor)
    on(keep, NewsCallback.filter(F.action == NewsAction.KEEP), editor)
    on(preview, NewsCallback.filter(F.action == NewsAction.TRANSLATE), editor)
    on(tab, NewsCallback.filter(F.action == NewsAction.LIST), editor)
    on(open_item, NewsCallback.filter(F.action == NewsAction.OPEN), editor)
    on(ask_withdraw, NewsCallback.filter(F.action == NewsAction.WITHDRAW), editor)
    on(withdraw, NewsCallback.filter(F.action == NewsAction.WITHDRAW_YES), editor)
    on(refuse, NewsCallback.filter())  # not (or no longer) an editor
    router.message.register(refuse, Command("news", "news_list", "broadcast_status"))
    return router


async def _edit(query: CallbackQuery, text: str, markup: object = None) -> None:
    await acknowledge(query)
    if query.message is not None:
        await query.message.edit_text(text, reply_markup=markup)  # type: ignore[union-attr,arg-type]


async def publish(
    query: CallbackQuery,
    callback_data: NewsCallback,
    role: EditorRole,
    news: NewsService,
    state: FSMContext,
) -> None:
    message_id = query.message.message_id if query.message else None
    try:
        await news.publish(role, callback_data.id, message_id)
    except NewsInputError as exc:
        await tell(query, exc.reason)
        return
    except NotAnEditorError:
        await refuse(query)
        return
    await state.clear()
    await _edit(query, publishing_text())  # the outbox edits it into the progress


def _choices(now: datetime, settings: Settings) -> list[tuple[str, datetime]]:
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    found = []
    for days, at in ((0, time(19, 0)), (1, time(8, 0)), (1, time(19, 0))):
        moment = datetime.combine(local.date() + timedelta(days=days), at, zone)
        if moment > local:
            found.append((moment.strftime("%Y%m%d%H%M"), moment))
    return found


async def ask_when(
    query: CallbackQuery,
    callback_data: NewsCallback,
    role: EditorRole,
    news: NewsService,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
) -> None:
    try:
        await news.item(role, callback_data.id)
    except NotAnEditorError:
        await refuse(query)
        return
    await state.set_state(Compose.schedule)
    await state.update_data(item=callback_data.id)
    choices = _choices(datetime.now(ZoneInfo(settings.timezone)), settings)
    markup = schedule_keyboard(callback_data.id, choices, i18n.current_locale)
    await acknowledge(query)
    if query.message is not None:
        await query.message.answer(schedule_prompt(), reply_markup=markup)  # type: ignore[arg-type]


def parse_when(text: str, tz: str) -> datetime | None:
    """DD.MM.YYYY HH:MM (also with / or - and H.MM), local time; None if unreadable."""
    cleaned = " ".join(text.replace(",", " ").split())
    for fmt in ("%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M", "%d.%m.%Y %H.%M"):
        try:
            moment = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        return moment.replace(tzinfo=ZoneInfo(tz))
    return None


async def _schedule(
    event: Message | CallbackQuery,
    item_id: int,
    when: datetime | None,
    role: EditorRole,
    news: NewsService,
    state: FSMContext,
    i18n: I18n,
) -> None:
    if when is None:
        await tell(event, "when")
        return
    try:
        await news.schedule(role, item_id, when)
    except NewsInputError as exc:
        await tell(event, exc.reason)
        return
    except NotAnEditorError:
        await refuse(event)
        return
    await state.clear()
    text = scheduled_text(when, i18n.current_locale)
    if isinstance(event, CallbackQuery):
        await _edit(event, text)
    else:
        await event.answer(text)


async def schedule_chosen(
    query: CallbackQuery,
    callback_data: NewsCallback,
    role: EditorRole,
    news: NewsService,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
) -> None:
    try:
        when = datetime.strptime(callback_data.v, "%Y%m%d%H%M").replace(
            tzinfo=ZoneInfo(settings.timezone)
        )
    except ValueError:
        when = None
    await _schedule(query, callback_data.id, when, role, news, state, i18n)


async def schedule_typed(
    message: Message,
    role: EditorRole,
    news: NewsService,
    state: FSMContext,
    settings: Settings,
    i18n: I18n,
) -> None:
    item_id = int((await state.get_data()).get("item", 0))
    when = parse_when(message.text or "", settings.timezone)
    await _schedule(message, item_id, when, role, news, state, i18n)


async def change(
    query: CallbackQuery, callback_data: NewsCallback, role: EditorRole, news: NewsService
) -> None:
    try:
        item = await news.item(role, callback_data.id)
    except NotAnEditorError:
        await refuse(query)
        return
    if item.status not in ("draft", "scheduled"):
        await tell(query, "gone_out")
        return
    await acknowledge(query)
    if query.message is not None:
        await query.message.answer(fields_text(), reply_markup=fields_keyboard(item.id))  # type: ignore[arg-type]


async def field(
    query: CallbackQuery,
    callback_data: NewsCallback,
    role: EditorRole,
    news: NewsService,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    name = callback_data.v
    try:
        item = await news.item(role, callback_data.id)
    except NotAnEditorError:
        await refuse(query)
        return
    if name not in dict(FIELDS) or item.status not in ("draft", "scheduled"):
        await tell(query, "gone_out" if name in dict(FIELDS) else "field")
        return
    await acknowledge(query)
    if query.message is None:
        return
    await state.update_data(item=item.id, steps=[name])
    locale = i18n.current_locale
    if name == "regions":
        mask = to_mask(item.regions, REGION_CODES)
        markup = regions_keyboard(mask, role.regions, locale, item.id)
        await query.message.answer(fields_text(), reply_markup=markup)  # type: ignore[arg-type]
    elif name == "topic":
        markup = topic_keyboard(0, locale, item.id)
        await query.message.answer(topic_text(), reply_markup=markup)  # type: ignore[arg-type]
    else:
        await ask_next(query.message, state, news, role, bot, i18n)  # type: ignore[arg-type]


async def keep(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await _edit(query, kept_text())


async def preview(
    query: CallbackQuery,
    callback_data: NewsCallback,
    role: EditorRole,
    news: NewsService,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Open an item: a feed's draft asks for the missing language first ("Translate and
    publish"), a complete one shows the preview and its buttons."""
    try:
        item = await news.item(role, callback_data.id)
    except NotAnEditorError:
        await refuse(query)
        return
    if item.status not in ("draft", "scheduled"):
        await tell(query, "gone_out")
        return
    await acknowledge(query)
    steps = [
        name
        for language in ("kk", "ru")
        if not item.title(language) or not item.body(language)
        for name in (f"title_{language}", f"body_{language}")
        if not getattr(item, name)
    ]
    await state.update_data(item=item.id, steps=steps)
    if query.message is not None:
        await ask_next(query.message, state, news, role, bot, i18n)  # type: ignore[arg-type]


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
    await _edit(query, text, markup)


async def open_item(
    query: CallbackQuery,
    callback_data: NewsCallback,
    role: EditorRole,
    news: NewsService,
    i18n: I18n,
) -> None:
    try:
        item = await news.item(role, callback_data.id)
    except NotAnEditorError:
        await refuse(query)
        return
    await acknowledge(query)
    if query.message is not None:
        text = item_card_text(item, i18n.current_locale)
        await query.message.answer(text, reply_markup=item_card_keyboard(item))  # type: ignore[arg-type]


async def ask_withdraw(query: CallbackQuery, callback_data: NewsCallback) -> None:
    await _edit(
        query, withdraw_question_text(callback_data.id), withdraw_keyboard(callback_data.id)
    )


async def withdraw(
    query: CallbackQuery, callback_data: NewsCallback, role: EditorRole, news: NewsService
) -> None:
    try:
        await news.withdraw(role, callback_data.id)
    except NewsInputError as exc:
        await tell(query, exc.reason)
        return
    except NotAnEditorError:
        await refuse(query)
        return
    await _edit(query, withdrawn_text(callback_data.id))


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
