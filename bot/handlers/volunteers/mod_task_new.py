"""Making a volunteer task: /task_new, or «🗂 Make a volunteer task» on a case card.

Title, instructions (the moderator's own words), region (asked only when the moderator covers
several and no case decides it), kind of work, deadline, an optional lot number; then publish
to the region's volunteers or give to one. A task from a case keeps only the case's id: the
report's text, files and reporter never reach the task. Prompts use ForceReply, so replies
reach the bot in the moderators' group even with Telegram's privacy mode on.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.handlers.moderation.access import IsModerator
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import moderator_or_refuse, polite_no
from bot.handlers.volunteers.states import TaskWizard
from bot.handlers.volunteers.wizard import (
    ASK,
    choosable_regions,
    moderator_or_stop,
    next_step,
    publish_draft,
    start_wizard,
    stop_wizard,
    take_chosen,
    take_typed,
    typed_volunteer,
)
from bot.replies import acknowledge
from bot.services.dates import from_db, to_db
from bot.services.moderation import ModerationService, NotAllowedError
from bot.services.regions import get_region
from bot.services.volunteers.errors import TrainingNeededError, VolunteerActionError
from bot.services.volunteers.inputs import (
    InputError,
    check_line,
    check_text,
    parse_moment,
)
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.rules import AREA_SKILLS, MAX_INSTRUCTIONS, MAX_LOT, MAX_TITLE, SKILLS
from bot.services.volunteers.tasks import TaskDraft, TaskService
from bot.views.callbacks import TaskModAction, TaskModCallback
from bot.views.volunteers.errors import action_error_text
from bot.views.volunteers.task_admin import (
    assignee_prompt,
    deadline_prompt,
    decide_keyboard,
    instructions_prompt,
    lot_keyboard,
    lot_prompt,
    offered_reply,
    published_reply,
    region_keyboard,
    region_prompt,
    skill_keyboard,
    skill_prompt,
    stopped_reply,
    summary_text,
    title_prompt,
    untrained_text,
)


def get_router() -> Router:
    router = Router(name="volunteer-task-new")
    on = TaskModCallback.filter
    wizard = on(F.id == 0)
    router.message.register(start_command, Command("task_new"), IsModerator())
    router.message.register(type_title, TaskWizard.title, *TYPED)
    router.message.register(type_instructions, TaskWizard.instructions, *TYPED)
    router.callback_query.register(
        choose_region, TaskWizard.region, wizard, on(F.action == TaskModAction.REGION)
    )
    router.callback_query.register(
        choose_skill, TaskWizard.skill, wizard, on(F.action == TaskModAction.SKILL)
    )
    router.message.register(type_deadline, TaskWizard.deadline, *TYPED)
    router.message.register(type_lot, TaskWizard.lot, *TYPED)
    router.callback_query.register(
        skip_lot, TaskWizard.lot, wizard, on(F.action == TaskModAction.NO_LOT)
    )
    router.callback_query.register(
        publish, TaskWizard.decide, wizard, on(F.action == TaskModAction.PUBLISH)
    )
    router.callback_query.register(
        ask_assignee, TaskWizard.decide, wizard, on(F.action == TaskModAction.ASSIGN)
    )
    router.callback_query.register(stop, wizard, on(F.action == TaskModAction.STOP))
    router.message.register(type_assignee, TaskWizard.assignee, *TYPED)
    return router


async def start_command(message: Message, state: FSMContext) -> None:
    await start_wizard(message, state, TaskWizard.title, title_prompt(None))


async def start_from_case(
    query: CallbackQuery, state: FSMContext, moderator: Moderator, report: Report
) -> None:
    """The case card's «🗂 Make a volunteer task» (authorised by the card's middleware).
    Only the case's id, region and area travel; the area suggests the kind of work."""
    await acknowledge(query)
    data = {
        "tw_case": report.id,
        "tw_region": report.region,
        "tw_suggest": AREA_SKILLS.get(report.area),
        "tw_case_number": report.case_number,
    }
    prompt = title_prompt(report.case_number)
    await start_wizard(query.message, state, TaskWizard.title, prompt, data)


async def type_title(message: Message, state: FSMContext) -> None:
    if await take_typed(message, state, "tw_title", lambda text: check_line(text, MAX_TITLE)):
        await next_step(message, state, TaskWizard.instructions, instructions_prompt())


async def type_instructions(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    if not await take_typed(
        message, state, "tw_instructions", lambda text: check_text(text, MAX_INSTRUCTIONS)
    ):
        return
    moderator = await moderator_or_stop(message, state, moderation, pseudonym, "task_new")
    if moderator is None:
        return
    data = await state.get_data()
    regions = choosable_regions(moderator)
    if not data.get("tw_region") and len(regions) == 1:
        await state.update_data(tw_region=regions[0])
        data["tw_region"] = regions[0]
    if data.get("tw_region"):
        await _ask_skill(message, state, data.get("tw_suggest"))
        return
    await next_step(
        message,
        state,
        TaskWizard.region,
        region_prompt(),
        region_keyboard(regions, i18n.current_locale),
    )


async def _ask_skill(message: Message, state: FSMContext, suggested: str | None) -> None:
    await next_step(message, state, TaskWizard.skill, skill_prompt(), skill_keyboard(suggested))


async def choose_region(
    query: CallbackQuery,
    callback_data: TaskModCallback,
    state: FSMContext,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    moderator = await moderator_or_refuse(query, moderation, pseudonym, "task_new")
    if moderator is None:
        return
    if get_region(callback_data.value) is None or not moderator.covers(callback_data.value):
        await polite_no(query)
        return
    await take_chosen(query, state, "tw_region", callback_data.value)
    await _ask_skill(query.message, state, (await state.get_data()).get("tw_suggest"))


async def choose_skill(
    query: CallbackQuery, callback_data: TaskModCallback, state: FSMContext
) -> None:
    if callback_data.value not in SKILLS:
        await acknowledge(query, action_error_text("skill"), alert=True)
        return
    await take_chosen(query, state, "tw_skill", callback_data.value)
    await next_step(query.message, state, TaskWizard.deadline, deadline_prompt())


async def type_deadline(
    message: Message, state: FSMContext, vol_tasks: TaskService, settings: Settings
) -> None:
    def check(text: str) -> str:
        return to_db(parse_moment(text, vol_tasks.now(), settings.timezone))

    if await take_typed(message, state, "tw_deadline", check):
        await next_step(message, state, TaskWizard.lot, lot_prompt(), lot_keyboard())


async def type_lot(message: Message, state: FSMContext, i18n: I18n) -> None:
    if await take_typed(
        message, state, "tw_lot", lambda text: check_line(text, MAX_LOT), lot_keyboard()
    ):
        await _summary(message, state, i18n)


async def skip_lot(query: CallbackQuery, state: FSMContext, i18n: I18n) -> None:
    await take_chosen(query, state, "tw_lot", None)
    await _summary(query.message, state, i18n)


async def _summary(message: Message, state: FSMContext, i18n: I18n) -> None:
    data = await state.get_data()
    draft = {
        "title": data["tw_title"],
        "instructions": data["tw_instructions"],
        "region": data["tw_region"],
        "skill": data["tw_skill"],
        "deadline": data["tw_deadline"],
        "lot": data.get("tw_lot"),
    }
    await next_step(
        message,
        state,
        TaskWizard.decide,
        summary_text(draft, i18n.current_locale),
        decide_keyboard(),
    )


def _draft(data: dict) -> TaskDraft:
    return TaskDraft(
        title=data["tw_title"],
        instructions=data["tw_instructions"],
        region=data["tw_region"],
        skill=data["tw_skill"],
        deadline=from_db(data["tw_deadline"]),
        lot=data.get("tw_lot"),
        source_case=data.get("tw_case"),
    )


async def publish(
    query: CallbackQuery,
    state: FSMContext,
    moderation: ModerationService,
    vol_tasks: TaskService,
    pseudonym: str | None,
) -> None:
    async def create(moderator: Moderator) -> str:
        task, told = await vol_tasks.create(
            moderator, _draft(await state.get_data()), publish=True
        )
        return published_reply(task.id, told)

    await publish_draft(query, state, moderation, pseudonym, "task_new", create)


async def ask_assignee(query: CallbackQuery, state: FSMContext) -> None:
    await acknowledge(query)
    await query.message.edit_reply_markup(reply_markup=None)
    await next_step(query.message, state, TaskWizard.assignee, assignee_prompt())


async def type_assignee(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    volunteers: VolunteerService,
    vol_tasks: TaskService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    moderator = await moderator_or_stop(message, state, moderation, pseudonym, "task_new")
    if moderator is None:
        return
    volunteer = await typed_volunteer(message, volunteers)
    if volunteer is None:
        return
    try:
        task, _told = await vol_tasks.create(
            moderator, _draft(await state.get_data()), assign_to=volunteer
        )
    except TrainingNeededError:
        await message.reply(untrained_text(volunteer.id), reply_markup=ASK)
        return
    except NotAllowedError:
        await state.clear()
        await polite_no(message)
        return
    except (VolunteerActionError, InputError, KeyError) as exc:
        await message.reply(action_error_text(getattr(exc, "reason", "incomplete")))
        return
    await state.clear()
    await message.reply(offered_reply(task.id, volunteer.id))


async def stop(query: CallbackQuery, state: FSMContext) -> None:
    await stop_wizard(query, state, TaskWizard, stopped_reply())
