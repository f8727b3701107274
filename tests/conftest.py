"""Shared fixtures: a migrated database, keys, translations and a dispatcher on a fake bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import EditMessageText, SendMessage
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.migrations import apply_migrations
from bot.factory import create_dispatcher
from bot.i18n import create_i18n
from tests.fake_session import FakeBot, FakeSession

TEST_SECRET = "11" * 32
CLOCK_START = datetime(2026, 11, 23, 14, 37, 12, tzinfo=UTC)


class Clock:
    """A `now()` that tests move by hand; services take it instead of the real time."""

    def __init__(self, start: datetime) -> None:
        self.start = self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, **delta: float) -> None:
        """Put the clock at its start plus `delta`."""
        self.now = self.start + timedelta(**delta)


@pytest.fixture
def clock_start() -> datetime:
    """Override in a module to start its clock elsewhere."""
    return CLOCK_START


@pytest.fixture
def clock(clock_start: datetime) -> Clock:
    return Clock(clock_start)


@pytest.fixture(autouse=True)
def no_per_chat_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outbox keeps one message a second per chat; tests that are not about pacing
    should not wait for it (tests/unit/test_outbox.py sets its own spacing)."""
    import bot.services.outbox

    monkeypatch.setattr(bot.services.outbox, "PER_CHAT_INTERVAL", 0.0)


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.from_setting(TEST_SECRET)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "adal.sqlite3"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    await apply_migrations(database)
    yield database
    await database.close()


@pytest.fixture(scope="session")
def i18n() -> I18n:
    return create_i18n("kk")


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        bot_token="42:TEST-TOKEN",
        secret_key=TEST_SECRET,
        database_path=db_path,
        code_check_seconds=0.01,
        outbox_rate=1000,
    )


@pytest.fixture
def bot() -> FakeBot:
    return FakeBot()


@pytest.fixture
def session(bot: FakeBot) -> FakeSession:
    return bot.session_


@pytest.fixture
def dp(settings: Settings, db: Database, keyring: Keyring, i18n: I18n, bot: FakeBot) -> Dispatcher:
    """The app's dispatcher; its outbox sends through the same fake bot (see `flush`)."""
    return create_dispatcher(settings=settings, db=db, keyring=keyring, i18n=i18n, outbox_bot=bot)


def shown(requests: list[Any]) -> list[str]:
    """The texts a person reads among these requests: new messages and in-place edits."""
    return [r.text for r in requests if isinstance(r, SendMessage | EditMessageText)]


class Chat:
    """Feeds raw updates through the real dispatcher and returns what the bot sent."""

    def __init__(self, dp: Dispatcher, bot: FakeBot) -> None:
        self.dp = dp
        self.bot = bot

    async def send(self, update: dict[str, Any]) -> list[Any]:
        before = len(self.bot.session_.requests)
        await self.dp.feed_raw_update(self.bot, update)
        # A /check answer is held back for CODE_CHECK_SECONDS (bot/middlewares/held.py).
        await self.dp["held_replies"].settle()
        return self.bot.session_.requests[before:]

    async def texts(self, update: dict[str, Any]) -> list[str]:
        """What the person reads: new messages, and messages edited in place."""
        return [
            r.text for r in await self.send(update) if isinstance(r, SendMessage | EditMessageText)
        ]

    async def flush(self) -> list[Any]:
        """Let the outbox send what actions queued (the app's worker does this on its own)."""
        before = len(self.bot.session_.requests)
        while await self.dp["outbox"].send_due():  # a sent card queues its first refresh
            pass
        return self.bot.session_.requests[before:]


@pytest.fixture
def chat(dp: Dispatcher, bot: FakeBot) -> Chat:
    return Chat(dp, bot)


def translate(i18n: I18n, msgid: str, locale: str) -> str:
    return i18n.gettext(msgid, locale=locale)


def render(i18n: I18n, make_text: Callable[[], str], locale: str) -> str:
    """What a text-building function returns for a user of that locale."""
    with i18n.context(), i18n.use_locale(locale):
        return make_text()
