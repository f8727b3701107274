"""/training_new: title and description in Kazakh and Russian, the start (Almaty time), how
long, where, for which region (or the whole country), seats, the kind of work it unlocks;
then publish, which invites the region's volunteers and plans the reminders."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.repositories.moderators import Moderator
from bot.handlers.moderation.access import IsModerator
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import moderator_or_refuse, polite_no
from bot.handlers.volunteers.states import TrainingWizard
from bot.handlers.volunteers.wizard import (
    choosable_regions,
    moderator_or_stop,
    next_step,
    publish_draft,
    start_wizard,
    stop_wizard,
    take_chosen,
    take_typed,
)
from bot.replies import acknowledge
from bot.services.dates import from_db, to_db
from bot.services.moderation import ModerationService
from bot.services.regions import get_region
from bot.services.volunteers.inputs import (
    check_line,
    check_text,
    parse_capacity,
    parse_moment,
)
from bot.services.volunteers.rules import (
    DURATIONS,
    MAX_PLACE,
    MAX_TITLE,
    MAX_TRAINING_DESCRIPTION,
    SKILLS,
)
from bot.services.volunteers.trainings import TrainingDraft, TrainingService
from bot.views.callbacks import TrainingModAction, TrainingModCallback
from bot.views.volunteers.errors import action_error_text
from bot.views.volunteers.training_admin import (
    ALL,
    capacity_prompt,
    confirm_keyboard,
    created_reply,
    description_kk_prompt,
    description_ru_prompt,
    minutes_keyboard,
    minutes_prompt,
    place_prompt,
    region_keyboard,
    region_prompt,
    starts_prompt,
    stopped_reply,
    summary_text,
    title_kk_prompt,
    title_ru_prompt,
    unlocks_keyboard,
    unlocks_prompt,
)


def get_router() -> Router:
    router = Router(name="volunteer-training-new")
    on = TrainingModCallback.filter
    router.message.register(start, Command("training_new"), IsModerator())
    for step, key, limit, line, after, prompt in TEXT_STEPS:
        router.message.register(_typed_step(key, limit, line, after, prompt), step, *TYPED)
    router.message.register(type_starts, TrainingWizard.starts, *TYPED)
    router.callback_query.register(
        choose_minutes, TrainingWizard.minutes, on(F.action == TrainingModAction.MINUTES)
    )
    router.message.register(type_place, TrainingWizard.place, *TYPED)
    router.callback_query.register(
        choose_region, TrainingWizard.region, on(F.action == TrainingModAction.REGION)
    )
    router.message.register(type_capacity, TrainingWizard.capacity, *TYPED)
    router.callback_query.register(
        choose_unlocks, TrainingWizard.unlocks, on(F.action == TrainingModAction.UNLOCKS)
    )
    router.callback_query.register(
        publish, TrainingWizard.confirm, on(F.action == TrainingModAction.PUBLISH)
    )
    router.callback_query.register(stop, on(F.action == TrainingModAction.STOP))
    return router


async def start(message: Message, state: FSMContext) -> None:
    await start_wizard(message, state, TrainingWizard.title_kk, title_kk_prompt())


# The four texts: (state, data key, limit, one line?, next state, next prompt)
TEXT_STEPS = (
    (
        TrainingWizard.title_kk,
        "tr_title_kk",
        MAX_TITLE,
        True,
        TrainingWizard.title_ru,
        title_ru_prompt,
    ),
    (
        TrainingWizard.title_ru,
        "tr_title_ru",
        MAX_TITLE,
        True,
        TrainingWizard.description_kk,
        description_kk_prompt,
    ),
    (
        TrainingWizard.description_kk,
        "tr_desc_kk",
        MAX_TRAINING_DESCRIPTION,
        False,
        TrainingWizard.description_ru,
        description_ru_prompt,
    ),
    (
        TrainingWizard.description_ru,
        "tr_desc_ru",
        MAX_TRAINING_DESCRIPTION,
        False,
        TrainingWizard.starts,
        starts_prompt,
    ),
)


def _typed_step(key: str, limit: int, line: bool, after: State, prompt):
    async def handler(message: Message, state: FSMContext) -> None:
        check = check_line if line else check_text
        if await take_typed(message, state, key, lambda text: check(text, limit)):
            await next_step(message, state, after, prompt())

    handler.__name__ = f"type_{key}"
    return handler


async def type_starts(
    message: Message, state: FSMContext, trainings: TrainingService, settings: Settings
) -> None:
    def check(text: str) -> str:
        return to_db(parse_moment(text, trainings.now(), settings.timezone, date_only_hour=None))

    if await take_typed(message, state, "tr_starts", check):
        await next_step(
            message, state, TrainingWizard.minutes, minutes_prompt(), minutes_keyboard()
        )


async def choose_minutes(
    query: CallbackQuery, callback_data: TrainingModCallback, state: FSMContext
) -> None:
    if not callback_data.value.isdigit() or int(callback_data.value) not in DURATIONS:
        await acknowledge(query, action_error_text("incomplete"), alert=True)
        return
    await take_chosen(query, state, "tr_minutes", int(callback_data.value))
    await next_step(query.message, state, TrainingWizard.place, place_prompt())


async def type_place(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    if not await take_typed(message, state, "tr_place", lambda text: check_line(text, MAX_PLACE)):
        return
    moderator = await moderator_or_stop(message, state, moderation, pseudonym, "training_new")
    if moderator is None:
        return
    if moderator.regions is not None and len(moderator.regions) == 1:
        (only,) = moderator.regions
        await state.update_data(tr_region=only)
        await next_step(message, state, TrainingWizard.capacity, capacity_prompt())
        return
    regions = choosable_regions(moderator)
    markup = region_keyboard(regions, moderator.regions is None, i18n.current_locale)
    await next_step(message, state, TrainingWizard.region, region_prompt(), markup)


async def choose_region(
    query: CallbackQuery,
    callback_data: TrainingModCallback,
    state: FSMContext,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    moderator = await moderator_or_refuse(query, moderation, pseudonym, "training_new")
    if moderator is None:
        return
    value = callback_data.value
    allowed = (
        moderator.regions is None
        if value == ALL
        else get_region(value) is not None and moderator.covers(value)
    )
    if not allowed:
        await polite_no(query)
        return
    await take_chosen(query, state, "tr_region", value)
    await next_step(query.message, state, TrainingWizard.capacity, capacity_prompt())


async def type_capacity(message: Message, state: FSMContext) -> None:
    if await take_typed(message, state, "tr_capacity", parse_capacity):
        await next_step(
            message, state, TrainingWizard.unlocks, unlocks_prompt(), unlocks_keyboard()
        )


def _draft(data: dict) -> dict:
    return {
        "title_kk": data["tr_title_kk"],
        "title_ru": data["tr_title_ru"],
        "description_kk": data["tr_desc_kk"],
        "description_ru": data["tr_desc_ru"],
        "starts": data["tr_starts"],
        "minutes": data["tr_minutes"],
        "place": data["tr_place"],
        "region": None if data["tr_region"] == ALL else data["tr_region"],
        "capacity": data["tr_capacity"],
        "unlocks": data.get("tr_unlocks"),
    }


async def choose_unlocks(
    query: CallbackQuery, callback_data: TrainingModCallback, state: FSMContext, i18n: I18n
) -> None:
    value = callback_data.value
    if value != "-" and value not in SKILLS:
        await acknowledge(query, action_error_text("skill"), alert=True)
        return
    await take_chosen(query, state, "tr_unlocks", None if value == "-" else value)
    try:
        draft = _draft(await state.get_data())
    except KeyError:
        await state.clear()
        await query.message.answer(action_error_text("incomplete"))
        return
    await next_step(
        query.message,
        state,
        TrainingWizard.confirm,
        summary_text(draft, i18n.current_locale),
        confirm_keyboard(),
    )


async def publish(
    query: CallbackQuery,
    state: FSMContext,
    moderation: ModerationService,
    trainings: TrainingService,
    pseudonym: str | None,
) -> None:
    async def create(moderator: Moderator) -> str:
        data = _draft(await state.get_data())
        training, told = await trainings.create(
            moderator,
            TrainingDraft(
                title_kk=data["title_kk"],
                title_ru=data["title_ru"],
                description_kk=data["description_kk"],
                description_ru=data["description_ru"],
                starts_at=from_db(data["starts"]),
                minutes=data["minutes"],
                place=data["place"],
                region=data["region"],
                capacity=data["capacity"],
                unlocks=data["unlocks"],
            ),
        )
        return created_reply(training.id, told)

    await publish_draft(query, state, moderation, pseudonym, "training_new", create)


async def stop(query: CallbackQuery, state: FSMContext) -> None:
    await stop_wizard(query, state, TrainingWizard, stopped_reply())
