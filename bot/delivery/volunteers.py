"""The outbox's delivery of volunteering messages: texts and buttons in the reader's language,
the .ics file of a session and the PDF of a thank-you letter (both drawn when sent, so they
show the latest time and are never stored), and posts in the volunteers' group in both
languages. The sender (bot/delivery/sender.py) hands these over and maps Telegram's errors.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n

from bot.domain import VOLUNTEERS_RECIPIENT
from bot.services.locales import SUPPORTED_LOCALES
from bot.services.outbox import RecipientGoneError
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.recognition import RecognitionService
from bot.services.volunteers.trainings import TrainingService
from bot.views.volunteers.certificate import certificate_pdf
from bot.views.volunteers.ics import training_calendar
from bot.views.volunteers.moderation import (
    application_card,
    application_keyboard,
    letter_caption,
)
from bot.views.volunteers.notices import render, render_for_group
from bot.views.volunteers.trainings import calendar_caption

log = logging.getLogger(__name__)

ChatOf = Callable[[str], Awaitable[tuple[int, str]]]


class VolunteerDelivery:
    def __init__(
        self,
        *,
        i18n: I18n,
        people: VolunteerService,
        trainings: TrainingService,
        recognition: RecognitionService,
        volunteer_chat_id: int | None,
        now: Callable[[], datetime],
    ) -> None:
        self._i18n = i18n
        self._people = people
        self._trainings = trainings
        self._recognition = recognition
        self._group = volunteer_chat_id
        self._now = now

    def handles(self, recipient: str, payload: dict[str, Any]) -> bool:
        return recipient == VOLUNTEERS_RECIPIENT or str(payload.get("kind", "")).startswith("vol_")

    async def send(
        self, bot: Bot, recipient: str, payload: dict[str, Any], chat_of: ChatOf
    ) -> None:
        if recipient == VOLUNTEERS_RECIPIENT:
            await self._to_group(bot, payload)
            return
        chat_id, locale = await chat_of(recipient)
        kind = payload.get("kind")
        with self._i18n.context(), self._i18n.use_locale(locale):
            if kind == "vol_ics":
                await self._calendar(bot, chat_id, int(payload["training"]), locale)
            elif kind == "vol_letter":
                await self._letter(bot, chat_id, int(payload["letter"]), locale)
            elif kind == "vol_application":
                await self._application(bot, chat_id, int(payload["volunteer"]), locale)
            else:
                try:
                    text, markup = render(payload, locale)
                except LookupError:
                    log.warning("volunteers' message %s cannot be drawn, dropped", kind)
                    return
                await bot.send_message(chat_id, text, reply_markup=markup)

    async def _to_group(self, bot: Bot, payload: dict[str, Any]) -> None:
        if self._group is None:
            raise RecipientGoneError
        parts = []
        with self._i18n.context():
            for locale in SUPPORTED_LOCALES:
                with self._i18n.use_locale(locale):
                    parts.append(render_for_group(payload, locale))
        await bot.send_message(self._group, "\n\n".join(parts))

    async def _calendar(self, bot: Bot, chat_id: int, training_id: int, locale: str) -> None:
        training = await self._trainings.get(training_id)
        if training is None or training.status != "scheduled":
            return  # cancelled meanwhile: the cancellation notice says so
        data = training_calendar(training, locale, self._now(), training.description(locale))
        await bot.send_document(
            chat_id,
            BufferedInputFile(data, f"adal-training-{training.id}.ics"),
            caption=calendar_caption(training.title(locale)),
        )

    async def _letter(self, bot: Bot, chat_id: int, letter_id: int, locale: str) -> None:
        letter = await self._recognition.letter(letter_id)
        if letter is None:
            return  # the volunteer deleted their data meanwhile
        pdf = await asyncio.to_thread(certificate_pdf, letter, locale)
        await bot.send_document(
            chat_id,
            BufferedInputFile(pdf, f"adal-thank-you-letter-{letter_id}.pdf"),
            caption=letter_caption(),
        )

    async def _application(self, bot: Bot, chat_id: int, volunteer_id: int, locale: str) -> None:
        volunteer = await self._people.by_id(volunteer_id)
        if volunteer is None or volunteer.status != "pending":
            return  # decided or withdrawn before the card went out
        await bot.send_message(
            chat_id,
            application_card(volunteer, locale),
            reply_markup=application_keyboard(volunteer.id),
        )
