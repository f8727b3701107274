"""What editors do with an item once it exists: publish now, schedule, change a field, keep as
a draft. The item is re-authorised each time."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.handlers.news.access import (
    REFUSALS,
    IsEditor,
    answer_refusal,
    authorised_item,
    editable_item,
    tell,
)
from bot.handlers.news.common import Desk, answer_below, edit_shown
from bot.handlers.news.compose import Compose, ask_next
from bot.replies import acknowledge
from bot.services.news import EditorRole, NewsService
from bot.views.callbacks import NewsAction, NewsCallback
from bot.views.news_editor import (
    FIELDS,
    fields_keyboard,
    fields_text,
    kept_text,
    publishing_text,
    regions_keyboard,
    schedule_keyboard,
    schedule_prompt,
    scheduled_text,
    topic_keyboard,
    topic_text,
)
from bot.views.subscriptions import REGION_CODES, to_mask


def get_router() -> Router:
    router = Router(name="news-actions")
    editor = IsEditor()
    router.message.register(schedule_typed, Compose.schedule, F.text, editor)
    on = router.callback_query.register
    on(publish, NewsCallback.filter(F.action == NewsAction.PUBLISH), editor)
    on(ask_when, NewsCallback.filter(F.action == NewsAction.SCHEDULE), editor)
    on(schedule_chosen, NewsCallback.filter(F.action == NewsAction.AT), editor)
    on(change, NewsCallback.filter(F.action == NewsAction.CHANGE), editor)
    on(field, NewsCallback.filter(F.action == NewsAction.FIELD), editor)
    on(keep, NewsCallback.filter(F.action == NewsAction.KEEP), editor)
    on(preview, NewsCallback.filter(F.action == NewsAction.TRANSLATE), editor)
    return router


async def publish(query: CallbackQuery, callback_data: NewsCallback, desk: Desk) -> None:
    message_id = query.message.message_id if query.message else None
    try:
        await desk.news.publish(desk.role, callback_data.id, message_id)
    except REFUSALS as exc:
        await answer_refusal(query, exc)
        return
    await desk.state.clear()
    await edit_shown(query, publishing_text())  # the outbox edits it into the progress


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
    query: CallbackQuery, callback_data: NewsCallback, desk: Desk, settings: Settings
) -> None:
    item = await authorised_item(query, desk.news, desk.role, callback_data.id)
    if item is None:
        return
    await desk.state.set_state(Compose.schedule)
    await desk.state.update_data(item=callback_data.id)
    choices = _choices(datetime.now(ZoneInfo(settings.timezone)), settings)
    markup = schedule_keyboard(callback_data.id, choices, desk.i18n.current_locale)
    await answer_below(query, schedule_prompt(), markup)


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
    event: Message | CallbackQuery, item_id: int, when: datetime | None, desk: Desk
) -> None:
    if when is None:
        await tell(event, "when")
        return
    try:
        await desk.news.schedule(desk.role, item_id, when)
    except REFUSALS as exc:
        await answer_refusal(event, exc)
        return
    await desk.state.clear()
    text = scheduled_text(when, desk.i18n.current_locale)
    if isinstance(event, CallbackQuery):
        await edit_shown(event, text)
    else:
        await event.answer(text)


async def schedule_chosen(
    query: CallbackQuery, callback_data: NewsCallback, desk: Desk, settings: Settings
) -> None:
    try:
        when = datetime.strptime(callback_data.v, "%Y%m%d%H%M").replace(
            tzinfo=ZoneInfo(settings.timezone)
        )
    except ValueError:
        when = None
    await _schedule(query, callback_data.id, when, desk)


async def schedule_typed(message: Message, desk: Desk, settings: Settings) -> None:
    item_id = int((await desk.state.get_data()).get("item", 0))
    when = parse_when(message.text or "", settings.timezone)
    await _schedule(message, item_id, when, desk)


async def change(
    query: CallbackQuery, callback_data: NewsCallback, role: EditorRole, news: NewsService
) -> None:
    item = await editable_item(query, news, role, callback_data.id)
    if item is not None:
        await answer_below(query, fields_text(), fields_keyboard(item.id))


async def field(query: CallbackQuery, callback_data: NewsCallback, desk: Desk) -> None:
    name = callback_data.v
    item = await authorised_item(query, desk.news, desk.role, callback_data.id)
    if item is None:
        return
    if name not in dict(FIELDS) or item.status not in ("draft", "scheduled"):
        await tell(query, "gone_out" if name in dict(FIELDS) else "field")
        return
    await acknowledge(query)
    if query.message is None:
        return
    await desk.state.update_data(item=item.id, steps=[name])
    locale = desk.i18n.current_locale
    if name == "regions":
        mask = to_mask(item.regions, REGION_CODES)
        markup = regions_keyboard(mask, desk.role.regions, locale, item.id)
        await query.message.answer(fields_text(), reply_markup=markup)  # type: ignore[arg-type]
    elif name == "topic":
        markup = topic_keyboard(0, locale, item.id)
        await query.message.answer(topic_text(), reply_markup=markup)  # type: ignore[arg-type]
    else:
        await ask_next(query.message, desk)  # type: ignore[arg-type]


async def keep(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await edit_shown(query, kept_text())


async def preview(query: CallbackQuery, callback_data: NewsCallback, desk: Desk) -> None:
    """Open an item: a feed's draft asks for the missing language first ("Translate and
    publish"), a complete one shows the preview and its buttons."""
    item = await editable_item(query, desk.news, desk.role, callback_data.id)
    if item is None:
        return
    await acknowledge(query)
    steps = [
        name
        for language in ("kk", "ru")
        if not item.title(language) or not item.body(language)
        for name in (f"title_{language}", f"body_{language}")
        if not getattr(item, name)
    ]
    await desk.state.update_data(item=item.id, steps=steps)
    if query.message is not None:
        await ask_next(query.message, desk)  # type: ignore[arg-type]
