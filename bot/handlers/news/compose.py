"""/news: an item step by step. Regions and topic by buttons; titles, texts, a photo and a link
typed, each checked where it is typed; then the preview in both languages, exactly as readers
will see it. The item is a draft in the database from step 3 on, so nothing is lost."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.news import NewsItem
from bot.handlers.news.access import REFUSALS, IsEditor, answer_refusal, refuse, tell
from bot.handlers.news.common import Desk
from bot.replies import acknowledge
from bot.services.news import EditorRole
from bot.views.callbacks import NewsAction, NewsCallback
from bot.views.news import item_message
from bot.views.news_editor import (
    body_prompt,
    link_prompt,
    photo_prompt,
    preview_control_text,
    preview_keyboard,
    regions_keyboard,
    regions_text,
    skip_keyboard,
    title_prompt,
    topic_keyboard,
    topic_text,
)
from bot.views.subscriptions import ALL, REGION_CODES, from_mask, to_mask

STEPS = ("title_kk", "body_kk", "title_ru", "body_ru", "photo", "link")


class Compose(StatesGroup):
    title_kk = State()
    body_kk = State()
    title_ru = State()
    body_ru = State()
    photo = State()
    link = State()
    schedule = State()


def get_router() -> Router:
    router = Router(name="news-compose")
    editor = IsEditor()
    router.message.register(start, Command("news"), editor)
    on = router.callback_query.register
    on(toggle_region, NewsCallback.filter(F.action == NewsAction.REGION), editor)
    on(all_regions, NewsCallback.filter(F.action == NewsAction.ALL_REGIONS), editor)
    on(regions_done, NewsCallback.filter(F.action == NewsAction.REGIONS_DONE), editor)
    on(topic_chosen, NewsCallback.filter(F.action == NewsAction.TOPIC), editor)
    on(skip, NewsCallback.filter(F.action == NewsAction.SKIP), editor)
    for step in ("title_kk", "body_kk", "title_ru", "body_ru", "link"):
        router.message.register(typed, getattr(Compose, step), F.text, editor)
    router.message.register(photo_sent, Compose.photo, F.photo, editor)
    router.message.register(
        not_text, Compose.title_kk, Compose.body_kk, Compose.title_ru, Compose.body_ru
    )
    router.message.register(not_photo, Compose.photo)
    return router


async def start(message: Message, state: FSMContext, role: EditorRole, i18n: I18n) -> None:
    await state.clear()
    regions = role.regions
    mask = to_mask(regions, REGION_CODES) if regions and len(regions) == 1 else 0
    await message.answer(
        regions_text(), reply_markup=regions_keyboard(mask, regions, i18n.current_locale)
    )


async def _redraw(query: CallbackQuery, text: str | None, markup: object) -> None:
    await acknowledge(query)
    if query.message is None:
        return
    if text is None:
        await query.message.edit_reply_markup(reply_markup=markup)  # type: ignore[union-attr,arg-type]
    else:
        await query.message.edit_text(text, reply_markup=markup)  # type: ignore[union-attr,arg-type]


async def toggle_region(
    query: CallbackQuery, callback_data: NewsCallback, role: EditorRole, i18n: I18n
) -> None:
    data = callback_data
    if not data.v.isdigit() or int(data.v) >= len(REGION_CODES):
        await tell(query, "regions")
        return
    bit = 1 << int(data.v)
    mask = bit if data.r == ALL else data.r ^ bit
    markup = regions_keyboard(mask, role.regions, i18n.current_locale, data.id)
    await _redraw(query, None, markup)


async def all_regions(
    query: CallbackQuery, callback_data: NewsCallback, role: EditorRole, i18n: I18n
) -> None:
    if not role.national:
        await refuse(query)
        return
    mask = 0 if callback_data.r == ALL else ALL
    markup = regions_keyboard(mask, role.regions, i18n.current_locale, callback_data.id)
    await _redraw(query, None, markup)


async def regions_done(query: CallbackQuery, callback_data: NewsCallback, desk: Desk) -> None:
    regions = from_mask(callback_data.r, REGION_CODES)
    if regions is not None and not regions:
        await tell(query, "regions")
        return
    if not desk.role.covers(regions):
        await refuse(query)
        return
    if callback_data.id:  # changing the regions of an existing item
        value = "*" if regions is None else ",".join(sorted(regions))
        await _store(query, callback_data.id, "regions", value, desk)
        return
    markup = topic_keyboard(callback_data.r, desk.i18n.current_locale)
    await _redraw(query, topic_text(), markup)


async def topic_chosen(query: CallbackQuery, callback_data: NewsCallback, desk: Desk) -> None:
    if callback_data.id:
        await _store(query, callback_data.id, "topic", callback_data.v, desk)
        return
    try:
        item_id = await desk.news.create(
            desk.role, from_mask(callback_data.r, REGION_CODES), callback_data.v
        )
    except REFUSALS as exc:
        await answer_refusal(query, exc)
        return
    await acknowledge(query)
    await desk.state.update_data(item=item_id, steps=list(STEPS))
    if query.message is not None:
        await ask_next(query.message, desk)


async def ask_next(message: Message, desk: Desk) -> None:
    """Ask for the next field of the steps in the FSM data; after the last, the preview."""
    data = await desk.state.get_data()
    steps: list[str] = list(data.get("steps", []))
    item_id = int(data.get("item", 0))
    if not steps:
        await desk.state.set_state(None)
        await show_preview(desk, message.chat.id, item_id)
        return
    step = steps[0]
    await desk.state.set_state(getattr(Compose, step))
    prompts = {
        "title_kk": lambda: title_prompt("kk"),
        "title_ru": lambda: title_prompt("ru"),
        "body_kk": lambda: body_prompt("kk"),
        "body_ru": lambda: body_prompt("ru"),
        "photo": photo_prompt,
        "link": link_prompt,
    }
    await message.answer(prompts[step](), reply_markup=skip_keyboard(item_id, step))


async def typed(message: Message, desk: Desk) -> None:
    step = (await desk.state.get_state() or "").split(":")[-1]
    text = message.text or ""
    if step.startswith("body") and _formatted(message):
        text = message.html_text  # Telegram's own formatting, already valid HTML
    await _store(message, None, step, text, desk)


def _formatted(message: Message) -> bool:
    return any(entity.type not in ("url", "bot_command") for entity in message.entities or [])


async def photo_sent(message: Message, desk: Desk) -> None:
    assert message.photo
    await _store(message, None, "photo", message.photo[-1].file_id, desk)


async def not_text(message: Message) -> None:
    await tell(message, "not_text")


async def not_photo(message: Message) -> None:
    await tell(message, "not_photo")


async def skip(query: CallbackQuery, callback_data: NewsCallback, desk: Desk) -> None:
    data = await desk.state.get_data()
    field = callback_data.v
    current = (await desk.state.get_state() or "").split(":")[-1]
    if int(data.get("item", 0)) != callback_data.id or current != field:
        await acknowledge(query)  # an old prompt's button: the flow has moved on
        return
    await _store(query, callback_data.id, field, None, desk)


async def _store(
    event: Message | CallbackQuery,
    item_id: int | None,
    field: str,
    value: str | None,
    desk: Desk,
) -> None:
    """Check and save one field, then go on: the next step, or the preview."""
    data = await desk.state.get_data()
    item_id = item_id or int(data.get("item", 0))
    fields = [field]
    if field.startswith("title") and value is None:  # no version in this language at all
        fields.append(field.replace("title", "body"))
    try:
        for name in fields:
            item = await desk.news.set_field(desk.role, item_id, name, value)
    except REFUSALS as exc:
        await answer_refusal(event, exc)
        return
    steps = [s for s in data.get("steps", [field]) if s not in fields]
    if value is not None and field[:5] in ("title", "body_"):
        # A title needs its text and a text its title: ask for the other half if missing.
        language = field[-2:]
        for half in (f"title_{language}", f"body_{language}"):
            if not getattr(item, half) and half not in steps:
                steps.insert(0, half)
    await desk.state.update_data(item=item_id, steps=steps)
    message = event.message if isinstance(event, CallbackQuery) else event
    if isinstance(event, CallbackQuery):
        await acknowledge(event)
    if message is not None:
        await ask_next(message, desk)  # type: ignore[arg-type]


async def show_preview(desk: Desk, chat_id: int, item_id: int) -> None:
    """The item as a Kazakh and as a Russian reader gets it, then the buttons."""
    item = await desk.news.item(desk.role, item_id)
    for reader in ("kk", "ru"):
        await send_item(desk.bot, chat_id, item, reader, desk.i18n)
    markup = preview_keyboard(item.id)
    await desk.bot.send_message(chat_id, preview_control_text(), reply_markup=markup)


async def send_item(bot: Bot, chat_id: int, item: NewsItem, reader: str, i18n: I18n) -> None:
    with i18n.use_locale(reader):
        text, markup = item_message(item, reader)
    if item.photo:
        await bot.send_photo(chat_id, item.photo, caption=text, reply_markup=markup)
    else:
        await bot.send_message(chat_id, text, reply_markup=markup)
