"""Showing each question of the report flow and moving between them."""

from __future__ import annotations

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.handlers.report.states import ReportFlow
from bot.handlers.report.texts import evidence_status, summary_text
from bot.keyboards.report import (
    anonymity_keyboard,
    area_keyboard,
    evidence_keyboard,
    location_keyboard,
    nav_keyboard,
    phone_keyboard,
    region_keyboard,
    summary_keyboard,
    when_keyboard,
)
from bot.services.drafts import MIN_DESCRIPTION, STEPS, DraftService, ReportDraft

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


def _numbered(step: str, text: str) -> str:
    number = _("Step {number} of {total}").format(number=STEPS.index(step) + 1, total=len(STEPS))
    return f"<b>{number}.</b> {text}"


def prompt(step: str, draft: ReportDraft, locale: str) -> tuple[str, Markup]:
    if step == "area":
        return _numbered(step, _("What is the report about? Choose the area.")), area_keyboard(
            locale, draft.area
        )
    if step == "region":
        return _numbered(
            step, _("In which region did it happen? Your region is ticked; tap another to change.")
        ), region_keyboard(locale, draft.region)
    if step == "settlement":
        return _numbered(
            step, _("Which town, village or district? Write its name.")
        ), nav_keyboard()
    if step == "description":
        text = _(
            "Describe what happened: who did what, where and how. Write at least {minimum} "
            "characters. If you want to stay anonymous, do not write your own name."
        ).format(minimum=MIN_DESCRIPTION)
        return _numbered(step, text), nav_keyboard()
    if step == "when":
        return _numbered(step, _("When did it happen?")), when_keyboard()
    if step == "when_date":
        return _("Write the date as DD.MM.YYYY, for example 05.11.2026."), nav_keyboard()
    if step == "involved":
        return _numbered(
            step, _("Who is involved? An organisation, a position or a name. You may skip this.")
        ), nav_keyboard(skip=True)
    if step == "amount":
        return _numbered(
            step,
            _(
                "How much money is involved, in tenge? For example: 150 000 or 1,5 млн. "
                "You may skip this."
            ),
        ), nav_keyboard(skip=True)
    if step == "evidence":
        text = _(
            "Send photos, documents or videos as evidence, up to 10 files. You may skip this.\n"
            "Pictures sent as files are cleaned of hidden data (location, camera) before we "
            "keep them."
        )
        return _numbered(step, text), evidence_keyboard(bool(draft.evidence))
    if step == "location":
        return _numbered(
            step,
            _("You can show the place on the map: tap the button below. You may skip this."),
        ), location_keyboard()
    if step == "anonymity":
        return _numbered(step, anonymity_text()), anonymity_keyboard(draft.anonymity)
    if step == "phone":
        return _(
            "Share your phone number with the button below, so that the agency can call you "
            "back. Only moderators of your region can see it."
        ), phone_keyboard()
    return summary_text(draft, locale), summary_keyboard()


def anonymity_text() -> str:
    return _(
        "How do you want to report?\n\n"
        "🕶 <b>Anonymous.</b> The bot keeps nothing that links the report to your Telegram "
        "account. You follow it only with a secret code, which we show once.\n\n"
        "🔒 <b>Confidential.</b> The bot can tell you about progress here. Moderators never "
        "see who you are.\n\n"
        "👤 <b>Open.</b> You share your phone number so that the agency can call you back."
    )


STATE_OF = {
    **{step: getattr(ReportFlow, step) for step in STEPS},
    "when_date": ReportFlow.when_date,
    "phone": ReportFlow.phone,
    "summary": ReportFlow.summary,
}


async def show(
    bot: Bot,
    chat_id: int,
    step: str,
    draft: ReportDraft,
    *,
    state: FSMContext,
    drafts: DraftService,
    user_id: int,
    locale: str,
) -> None:
    """Ask the question of `step`, remember the message for erasing, save the draft."""
    text, markup = prompt(step, draft, locale)
    sent = await bot.send_message(chat_id, text, reply_markup=markup)
    draft.remember(sent.message_id)
    await state.set_state(STATE_OF[step])
    if step == "evidence":
        await state.update_data(evidence_status=None)  # the counter starts on the next file
    await drafts.save(user_id, draft)


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


def evidence_text(draft: ReportDraft) -> str:
    documents = any(e.kind == "document" and not e.cleaned for e in draft.evidence)
    videos = any(e.kind == "video" for e in draft.evidence)
    return evidence_status(len(draft.evidence), documents, videos)
