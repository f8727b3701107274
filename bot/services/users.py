"""Users by pseudonym: the only place that turns Telegram ids into stored identities."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from bot.crypto import Keyring
from bot.db.repositories.users import UserRecord, UserRepository
from bot.services.locales import SUPPORTED_LOCALES
from bot.services.regions import get_region


class UnknownChoiceError(ValueError):
    """A locale or region that is not offered (a forged or stale button)."""


def _utc_today() -> date:
    return datetime.now(UTC).date()


class UserService:
    def __init__(
        self, repo: UserRepository, keyring: Keyring, today: Callable[[], date] = _utc_today
    ) -> None:
        self._repo = repo
        self._keyring = keyring
        self._today = today

    def pseudonym(self, telegram_id: int) -> str:
        return self._keyring.pseudonym(telegram_id)

    async def get(self, pseudonym: str) -> UserRecord | None:
        return await self._repo.get(pseudonym)

    async def ensure(self, telegram_id: int, chat_id: int, locale: str | None) -> UserRecord:
        pseudonym = self.pseudonym(telegram_id)
        existing = await self._repo.get(pseudonym)
        if existing is not None:
            return existing
        sealed = self._keyring.seal_chat_id(chat_id, pseudonym)
        return await self._repo.create(pseudonym, sealed, self._today(), locale)

    async def choose_locale(self, telegram_id: int, chat_id: int, locale: str) -> UserRecord:
        if locale not in SUPPORTED_LOCALES:
            raise UnknownChoiceError(locale)
        record = await self.ensure(telegram_id, chat_id, locale)
        if record.locale != locale:
            await self._repo.set_locale(record.pseudonym, locale)
        return await self._reload(record.pseudonym)

    async def choose_region(
        self, telegram_id: int, chat_id: int, region_code: str, locale: str
    ) -> UserRecord:
        if get_region(region_code) is None:
            raise UnknownChoiceError(region_code)
        record = await self.ensure(telegram_id, chat_id, locale)
        if record.region != region_code:
            await self._repo.set_region(record.pseudonym, region_code)
        return await self._reload(record.pseudonym)

    async def set_active(self, pseudonym: str, *, active: bool) -> None:
        """Inactive users (who blocked the bot) are skipped by mass messages until they return."""
        await self._repo.set_active(pseudonym, active)

    async def chat_id(self, record: UserRecord) -> int:
        return self._keyring.unseal_chat_id(record.chat_id_enc, record.pseudonym)

    async def _reload(self, pseudonym: str) -> UserRecord:
        record = await self._repo.get(pseudonym)
        assert record is not None
        return record
