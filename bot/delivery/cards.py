"""Case cards in moderators' chats: posted, kept in step, and retired.

Every live copy of a card (one with buttons) is remembered: the group's, each moderator's
private one, the one /case shows. A refresh edits all of them; a newer copy in the same chat
retires the older one (its buttons are removed), so two copies with buttons never disagree.

Each copy is drawn for whoever looks at it: in its chat's language, with the buttons that
apply to the case's state and to that chat (the group, or one moderator: no "Take" on a case
they already hold; none at all for someone who may no longer act on it).

A card the outbox posts goes out without buttons; the buttons come with the first refresh,
which is queued in the same transaction that remembers the copy. A crash while the post is
on its way may leave a second message in the chat, but never a second live card: a copy
nobody remembered never gets buttons.
"""

from __future__ import annotations

import contextlib
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.delivery.names import ModeratorNames
from bot.services.moderation import (
    GROUP_CHAT_KEY,
    CardCopy,
    CardSnapshot,
    CardViewer,
    ModerationService,
)
from bot.services.outbox import Receipt
from bot.services.users import UserService
from bot.views.cards import card_keyboard, card_text

log = logging.getLogger(__name__)
_GONE = ("message to edit not found", "message can't be edited", "chat not found")


class CardDesk:
    def __init__(
        self,
        *,
        i18n: I18n,
        moderation: ModerationService,
        users: UserService,
        names: ModeratorNames,
        group_locale: str,
    ) -> None:
        self._i18n = i18n
        self._moderation = moderation
        self._users = users
        self._names = names
        self._group_locale = group_locale

    async def render(
        self, bot: Bot, snapshot: CardSnapshot, chat_key: str
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """The copy in `chat_key`'s chat: its language, and the buttons that apply there."""
        assignee = await self._names.name(bot, snapshot.assignee)
        report = snapshot.report
        locale = await self._locale_of(chat_key)
        viewer = await self._moderation.card_viewer(chat_key, report)
        with self._i18n.context(), self._i18n.use_locale(locale):
            text = card_text(report, snapshot.evidence, assignee, locale)
            return text, self._keyboard(snapshot, viewer)

    async def keyboard(self, report_id: int, chat_key: str) -> InlineKeyboardMarkup | None:
        """The card's own buttons for this chat (back from the status picker)."""
        snapshot = await self._moderation.card_snapshot(report_id)
        if snapshot is None:
            return None
        return self._keyboard(
            snapshot, await self._moderation.card_viewer(chat_key, snapshot.report)
        )

    @staticmethod
    def _keyboard(snapshot: CardSnapshot, viewer: CardViewer) -> InlineKeyboardMarkup | None:
        if not viewer.live:
            return None
        return card_keyboard(snapshot.report, snapshot.evidence, viewer.moderator_id)

    async def post(self, bot: Bot, report_id: int, chat_id: int, chat_key: str) -> Receipt | None:
        """Send a new copy, still without buttons; the receipt makes it live."""
        snapshot = await self._moderation.card_snapshot(report_id)
        if snapshot is None:
            return None
        text, _markup = await self.render(bot, snapshot, chat_key)
        sent = await bot.send_message(chat_id, text)
        copy = CardCopy(chat_key, chat_id, sent.message_id)
        return await self._adopt(bot, report_id, copy, refresh=True)

    async def show(self, bot: Bot, report_id: int, chat_id: int, chat_key: str) -> None:
        """A copy asked for by a moderator (/case, the queue): sent live and remembered at
        once, drawn in the chat's language, as refreshes will draw it."""
        snapshot = await self._moderation.card_snapshot(report_id)
        if snapshot is None:
            return
        text, markup = await self.render(bot, snapshot, chat_key)
        sent = await bot.send_message(chat_id, text, reply_markup=markup)
        copy = CardCopy(chat_key, chat_id, sent.message_id)
        await (await self._adopt(bot, report_id, copy, refresh=False))()

    async def _adopt(self, bot: Bot, report_id: int, new: CardCopy, *, refresh: bool) -> Receipt:
        older = await self._moderation.card_copies(report_id, new.chat_key)
        for copy in older:
            with contextlib.suppress(TelegramAPIError):
                await bot.edit_message_reply_markup(
                    chat_id=copy.chat_id, message_id=copy.message_id, reply_markup=None
                )

        async def record() -> None:
            for copy in older:
                await self._moderation.forget_card(report_id, copy)
            await self._moderation.remember_card(
                report_id, new.chat_key, new.chat_id, new.message_id, refresh=refresh
            )

        return record

    async def refresh(self, bot: Bot, report_id: int) -> Receipt | None:
        """Edit every live copy so each chat shows the case as it is now."""
        snapshot = await self._moderation.card_snapshot(report_id)
        if snapshot is None:
            return None
        gone: list[CardCopy] = []
        for copy in await self._moderation.card_copies(report_id):
            text, markup = await self.render(bot, snapshot, copy.chat_key)
            try:
                await bot.edit_message_text(
                    text, chat_id=copy.chat_id, message_id=copy.message_id, reply_markup=markup
                )
            except TelegramBadRequest as exc:
                if any(reason in exc.message for reason in _GONE):
                    gone.append(copy)
                elif "not modified" not in exc.message:
                    raise
            except TelegramForbiddenError:
                gone.append(copy)
        if not gone:
            return None

        async def forget() -> None:
            for copy in gone:
                await self._moderation.forget_card(report_id, copy)

        return forget

    async def _locale_of(self, chat_key: str) -> str:
        if chat_key == GROUP_CHAT_KEY:
            return self._group_locale
        user = await self._users.get(chat_key)
        return (user.locale if user else None) or self._group_locale
