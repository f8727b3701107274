"""The user's language comes from the database, so `/cancel` or FSMContext.clear() keep it."""

from __future__ import annotations

from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.db.repositories.users import UserRecord
from bot.services.locales import guess_locale


class StoredLocaleMiddleware(I18nMiddleware):
    def __init__(self, i18n: I18n) -> None:
        super().__init__(i18n=i18n)

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        record: UserRecord | None = data.get("user_record")
        if record is not None and record.locale:
            return record.locale
        tg_user: User | None = data.get("event_from_user")
        return guess_locale(tg_user.language_code if tg_user else None, self.i18n.default_locale)
