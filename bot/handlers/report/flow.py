"""What every step of the report flow shares: the draft, showing a question, and the order of
the questions. The draft lives in report_drafts (sealed), so a restart or /cancel loses nothing.

Each step shows only its own keyboard (issue 9). Telegram keeps a reply keyboard (the main
menu, the location or phone buttons) under the input field until a message replaces or removes
it, and a message can carry either a reply keyboard or inline buttons, not both. So the flow
remembers whether a reply keyboard may be up (`reply_keyboard` in the FSM data; unknown counts
as up, e.g. the main menu when the flow starts) and, before a step with inline buttons, sends
a short line with `ReplyKeyboardRemove`.
"""

from __future__ import annotations

from aiogram import Bot, F
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    User,
)
from aiogram.utils.i18n import I18n

from bot.db.fsm_storage import set_step
from bot.handlers.report.filters import MenuText
from bot.handlers.report.states import ReportFlow
from bot.services.drafts import STEPS, DraftService, ReportDraft
from bot.views.report_flow import continuing_text, prompt

# Typed answers: not a command and not a main-menu button (those work at any step).
TYPED = (F.text & ~F.text.startswith("/"), ~MenuText())

STATE_OF = {
    **{step: getattr(ReportFlow, step) for step in STEPS},
    "when_date": ReportFlow.when_date,
    "phone": ReportFlow.phone,
    "summary": ReportFlow.summary,
}


class Flow:
    """What every step handler needs, gathered once per update."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        user: User,
        state: FSMContext,
        drafts: DraftService,
        locale: str,
    ) -> None:
        self.bot, self.chat_id, self.user = bot, chat_id, user
        self.state, self.drafts, self.locale = state, drafts, locale

    async def draft(self) -> ReportDraft:
        return await self.drafts.load(self.user.id) or ReportDraft()

    async def show(self, step: str, draft: ReportDraft, *, lead: str | None = None) -> None:
        """Ask the question of `step`, remember the message for erasing, save the draft.

        `lead` is a line sent first (and always), e.g. the introduction of a new report; one
        is also sent when a reply keyboard may still be up and this step has inline buttons.
        """
        text, markup = prompt(step, draft, self.locale)
        own_reply_keyboard = isinstance(markup, ReplyKeyboardMarkup)
        if lead is None and not own_reply_keyboard and await self._reply_keyboard_up():
            lead = continuing_text()
        if lead is not None:
            # The step's own reply keyboard replaces whatever was up; otherwise remove it.
            remove = None if own_reply_keyboard else ReplyKeyboardRemove()
            sent = await self.bot.send_message(self.chat_id, lead, reply_markup=remove)
            draft.remember(sent.message_id)
        sent = await self.bot.send_message(self.chat_id, text, reply_markup=markup)
        draft.remember(sent.message_id)
        data: dict[str, object] = {
            "reply_keyboard": own_reply_keyboard,
            "question": sent.message_id,
        }
        if step == "summary":
            data["summary"] = sent.message_id  # edited or replaced as files arrive
        await set_step(self.state, STATE_OF[step], **data)
        await self.drafts.save(self.user.id, draft)

    async def answered(self, step: str, draft: ReportDraft) -> None:
        draft.mark("when" if step == "when_date" else step)
        await self.show(following(step, draft), draft)

    async def say(self, draft: ReportDraft, text: str, **kwargs: object) -> None:
        sent = await self.bot.send_message(self.chat_id, text, **kwargs)  # type: ignore[arg-type]
        draft.remember(sent.message_id)
        markup = kwargs.get("reply_markup")
        if isinstance(markup, ReplyKeyboardMarkup | ReplyKeyboardRemove):
            await self.state.update_data(reply_keyboard=isinstance(markup, ReplyKeyboardMarkup))
        await self.drafts.save(self.user.id, draft)

    async def _reply_keyboard_up(self) -> bool:
        current = await self.state.get_state()
        if current is None or not current.startswith(f"{ReportFlow.__name__}:"):
            return True  # coming from outside the flow: the main menu is likely up
        return bool((await self.state.get_data()).get("reply_keyboard", True))

    async def step(self) -> str:
        raw = await self.state.get_state() or ""
        return raw.split(":", 1)[-1]


def flow_of(
    event: Message | CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> Flow:
    message = event if isinstance(event, Message) else event.message
    chat_id = message.chat.id if message else event.from_user.id
    return Flow(event.bot, chat_id, event.from_user, state, drafts, i18n.current_locale)


def following(step: str, draft: ReportDraft) -> str:
    """The next question after `step`, or "summary"."""
    if draft.editing:
        return draft.next_step() or "summary"
    if step == "when_date":
        step = "when"
    if step == "anonymity" and draft.anonymity == "open":
        return "phone"
    index = STEPS.index(step) + 1 if step in STEPS else len(STEPS)
    if step in ("anonymity", "phone") or index == len(STEPS):
        return draft.next_step() or "summary"
    return STEPS[index]


def preceding(step: str) -> str | None:
    """Where Back goes; None means leaving the flow."""
    if step == "when_date":
        return "when"
    if step == "phone":
        return "anonymity"
    if step == "summary":
        return STEPS[-1]
    index = STEPS.index(step)
    return STEPS[index - 1] if index else None
