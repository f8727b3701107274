"""Report cards for moderators: text, buttons, and posting/editing them in place."""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.moderation import ModerationRepository
from bot.db.repositories.moderators import ModeratorRepository
from bot.db.repositories.reports import Report, ReportRepository
from bot.handlers.report.texts import (
    anonymity_label,
    area_name,
    files_label,
    region_name,
    status_label,
    when_label,
)
from bot.keyboards.callbacks import ModCallback
from bot.services.amounts import format_tenge
from bot.services.crypto import Keyring
from bot.services.dates import format_day, from_db
from bot.services.reports import CLOSED_STATUSES
from bot.services.users import UserService

log = logging.getLogger(__name__)
CARD_DESCRIPTION_CHARS = 2500  # the card must fit one message; /case shows the full text
GROUP = "group"


def card_text(report: Report, evidence: int, assignee: str | None, locale: str) -> str:
    description = report.description
    if len(description) > CARD_DESCRIPTION_CHARS:
        description = description[:CARD_DESCRIPTION_CHARS] + "…"
    amount = format_tenge(report.amount, locale) if report.amount else "—"
    lines = [
        f"<b>{report.case_number}</b> · {status_label(report.status)}",
        _("<b>Region:</b> {value}").format(value=escape(region_name(report.region, locale)))
        + f", {escape(report.settlement)}",
        _("<b>Area:</b> {value}").format(value=escape(area_name(report.area, locale))),
        _("<b>When:</b> {value}").format(value=escape(when_label(report.occurred, locale))),
        _("<b>Amount:</b> {value}").format(value=amount),
        _("<b>Who is involved:</b> {value}").format(value=escape(report.involved or "—")),
        _("<b>Files:</b> {value}").format(value=files_label(evidence)),
        _("<b>Reporting mode:</b> {value}").format(value=anonymity_label(report.anonymity)),
        _("<b>Filed:</b> {value}").format(
            value=format_day(from_db(report.created_at).date(), locale)
        ),
        _("<b>Assigned to:</b> {value}").format(value=escape(assignee or _("nobody"))),
        "",
        escape(description),
    ]
    if report.latitude is not None and report.longitude is not None:
        lines.insert(
            2,
            _("<b>Location:</b> {lat}, {lon}").format(
                lat=f"{report.latitude:.5f}", lon=f"{report.longitude:.5f}"
            ),
        )
    return "\n".join(lines)


def card_keyboard(report: Report, evidence: int) -> InlineKeyboardMarkup:
    def button(text: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=text, callback_data=ModCallback(action=action, id=report.id).pack()
        )

    rows = []
    if report.status not in CLOSED_STATUSES:
        rows += [
            [button(_("🙋 Take"), "take"), button(_("📋 Status ▸"), "status")],
            [button(_("❓ Ask the reporter"), "ask"), button(_("📝 Internal note"), "note")],
        ]
    extra = [button(_("📎 Show evidence ({count})").format(count=evidence), "files")]
    if report.status not in CLOSED_STATUSES:
        extra.append(button(_("🗂 Make a volunteer task"), "task"))
    rows.append(extra)
    if report.anonymity == "open":
        rows.append([button(_("📞 Show the phone number"), "phone")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def status_keyboard(report: Report) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for status in ("review", "forwarded", "resolved", "rejected", "duplicate"):
        if status != report.status:
            builder.button(
                text=status_label(status),
                callback_data=ModCallback(action="set", id=report.id, value=status),
            )
    builder.adjust(1)
    builder.row(
        InlineKeyboardButton(
            text=_("⬅️ Back"), callback_data=ModCallback(action="card", id=report.id).pack()
        )
    )
    return builder.as_markup()


class ModeratorNames:
    """Moderators' names are read from Telegram when shown, never stored."""

    def __init__(self, users: UserService, moderators: ModeratorRepository) -> None:
        self._users = users
        self._moderators = moderators
        self._cache: dict[int, str] = {}

    async def name(self, bot: Bot, moderator_id: int | None) -> str | None:
        if moderator_id is None:
            return None
        if moderator_id not in self._cache:
            self._cache[moderator_id] = await self._lookup(bot, moderator_id)
        return self._cache[moderator_id]

    async def _lookup(self, bot: Bot, moderator_id: int) -> str:
        fallback = f"#{moderator_id}"
        moderator = await self._moderators.get(moderator_id)
        user = await self._users.get(moderator.pseudonym) if moderator else None
        if user is None:
            return fallback
        try:
            chat = await bot.get_chat(await self._users.chat_id(user))
        except (TelegramBadRequest, TelegramForbiddenError):
            return fallback
        return f"{chat.full_name} ({fallback})"


class CardPublisher:
    """Posts a report's card to the moderators' chat and keeps every copy up to date."""

    def __init__(
        self,
        *,
        i18n: I18n,
        reports: ReportRepository,
        repo: ModerationRepository,
        users: UserService,
        keyring: Keyring,
        names: ModeratorNames,
        group_locale: str,
    ) -> None:
        self._i18n = i18n
        self._reports = reports
        self._repo = repo
        self._users = users
        self._keyring = keyring
        self._names = names
        self._group_locale = group_locale

    async def render(
        self, bot: Bot, report: Report, locale: str
    ) -> tuple[str, InlineKeyboardMarkup]:
        evidence = await self._reports.original_evidence_count(report.id)
        assignee = await self._names.name(bot, report.assignee)
        with self._i18n.context(), self._i18n.use_locale(locale):
            return card_text(report, evidence, assignee, locale), card_keyboard(report, evidence)

    async def post(
        self, bot: Bot, report_id: int, chat_id: int, chat_key: str, locale: str
    ) -> None:
        report = await self._reports.get(report_id)
        if report is None:
            return
        text, markup = await self.render(bot, report, locale)
        sent = await bot.send_message(chat_id, text, reply_markup=markup)
        sealed = self._keyring.seal(str(chat_id).encode(), chat_key.encode())
        await self._repo.save_card(report_id, chat_key, sealed, sent.message_id)

    async def refresh(self, bot: Bot, report_id: int) -> None:
        """Edit every posted copy so each chat shows the case as it is now."""
        report = await self._reports.get(report_id)
        if report is None:
            return
        for card in await self._repo.cards(report_id):
            chat_id = int(self._keyring.unseal(card.chat_id_enc, card.chat_key.encode()))
            locale = (
                self._group_locale
                if card.chat_key == GROUP
                else await self._locale_of(card.chat_key)
            )
            text, markup = await self.render(bot, report, locale)
            try:
                await bot.edit_message_text(
                    text, chat_id=chat_id, message_id=card.message_id, reply_markup=markup
                )
            except TelegramBadRequest as exc:
                if "not modified" not in exc.message:
                    log.info(
                        "card %s in %s not edited: %s",
                        report_id,
                        card.chat_key,
                        type(exc).__name__,
                    )
            except TelegramForbiddenError:
                log.info("card %s: chat %s is gone", report_id, card.chat_key)

    async def _locale_of(self, chat_key: str) -> str:
        user = await self._users.get(chat_key)
        return (user.locale if user else None) or self._group_locale
