"""What every step of the report flow shares: the draft, showing a question, and the order of
the questions. The draft lives in report_drafts (sealed), so a restart or /cancel loses nothing.
"""

from __future__ import annotations

from aiogram import Bot, F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import I18n

from bot.handlers.report.filters import MenuText
from bot.handlers.report.states import ReportFlow
from bot.services.drafts import STEPS, DraftService, ReportDraft
from bot.views.report_flow import prompt

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

    async def show(self, step: str, draft: ReportDraft) -> None:
        """Ask the question of `step`, remember the message for erasing, save the draft."""
        text, markup = prompt(step, draft, self.locale)
        sent = await self.bot.send_message(self.chat_id, text, reply_markup=markup)
        draft.remember(sent.message_id)
        await self.state.set_state(STATE_OF[step])
        if step == "evidence":
            await self.state.update_data(evidence_status=None)  # a new counter on the next file
        await self.drafts.save(self.user.id, draft)

    async def answered(self, step: str, draft: ReportDraft) -> None:
        draft.mark("when" if step == "when_date" else step)
        await self.show(following(step, draft), draft)

    async def say(self, draft: ReportDraft, text: str, **kwargs: object) -> None:
        sent = await self.bot.send_message(self.chat_id, text, **kwargs)  # type: ignore[arg-type]
        draft.remember(sent.message_id)
        await self.drafts.save(self.user.id, draft)

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
    if step in ("anonymity", "phone", "summary"):
        return draft.next_step() or "summary"
    return STEPS[STEPS.index(step) + 1]


def preceding(step: str) -> str | None:
    """Where Back goes; None means leaving the flow."""
    if step == "when_date":
        return "when"
    if step in ("phone", "summary"):
        return "anonymity"
    index = STEPS.index(step)
    return STEPS[index - 1] if index else None
