"""Shared fixtures: a migrated database, keys, translations and a dispatcher on a fake bot."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hypothesis
import pytest

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.migrations import apply_migrations
from bot.i18n import create_i18n
from tests.properties import EVERYDAY_EXAMPLES, PROFILE, THOROUGH_FACTOR

# aiogram is imported where a fixture needs it, not here: with pytest-xdist the controlling
# process loads this file too, but runs no test, and importing aiogram costs it 4 s before
# the workers can start.
if TYPE_CHECKING:
    from aiogram import Dispatcher, Router
    from aiogram.utils.i18n import I18n

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
def no_flood_throttle(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests feed updates far faster than anyone types, so the flood throttle is off for every
    Settings a test builds (FLOOD_BURST=0 from the environment). tests/unit/test_flood.py turns
    it on with its own clock; the e2e tests run the bot as configured, throttle on."""
    if not request.node.path.is_relative_to(TESTS / "e2e"):
        monkeypatch.setenv("FLOOD_BURST", "0")


@pytest.fixture(autouse=True)
def no_per_chat_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outbox keeps one message a second per chat; tests that are not about pacing
    should not wait for it (tests/unit/test_outbox.py sets its own spacing)."""
    import bot.services.outbox

    monkeypatch.setattr(bot.services.outbox, "PER_CHAT_INTERVAL", 0.0)


TESTS = Path(__file__).resolve().parent
# Tests are marked by the folder they live in, so `-m "not e2e"` needs no discipline per file
# (a `pytestmark` in a conftest marks nothing).
FOLDER_MARKS = {TESTS / "e2e": pytest.mark.e2e, TESTS / "browser": pytest.mark.browser}

# Property tests: modest so the fast loop stays under a minute; `HYPOTHESIS_PROFILE=thorough`
# for a long hunt. No deadline: a loaded machine makes any example slow now and then.
# HYPOTHESIS_DERANDOMIZE=1 draws the same examples on every run (to compare two runs).
_derandomize = os.environ.get("HYPOTHESIS_DERANDOMIZE", "") not in ("", "0")
# A test with a budget of its own scales it through tests/properties.py::budget.
hypothesis.settings.register_profile(
    "fast", deadline=None, max_examples=EVERYDAY_EXAMPLES, derandomize=_derandomize
)
hypothesis.settings.register_profile(
    "thorough",
    deadline=None,
    max_examples=EVERYDAY_EXAMPLES * THOROUGH_FACTOR,
    derandomize=_derandomize,
)
hypothesis.settings.load_profile(PROFILE)


@pytest.hookimpl(tryfirst=True)  # before pytest's own `-m` deselection reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for folder, mark in FOLDER_MARKS.items():
            if item.path.is_relative_to(folder):
                item.add_marker(mark)


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.from_setting(TEST_SECRET)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "adal.sqlite3"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated by the real runner, for every test to start from a copy of.

    Migrating a fresh file costs tens of milliseconds of disk syncs and thread hops, which is
    most of a minute over the suite; copying the result costs a few.
    """
    path = tmp_path_factory.mktemp("template") / "adal.sqlite3"

    async def build() -> None:
        database = await Database.open(path)
        await apply_migrations(database)
        await database.close()

    loop = asyncio.new_event_loop()  # not asyncio.run: it would unset pytest-asyncio's loop
    try:
        loop.run_until_complete(build())
    finally:
        loop.close()
    assert not path.with_name(path.name + "-wal").exists()  # all of it is in the main file
    return path


@pytest.fixture
def migrated_copy(db_path: Path, migrated_template: Path) -> Path:
    shutil.copyfile(migrated_template, db_path)
    return db_path


@pytest.fixture
async def db(migrated_copy: Path) -> AsyncIterator[Database]:
    database = await Database.open(migrated_copy)
    await apply_migrations(database)  # checks every applied file's checksum; applies none
    yield database
    await database.close()


@pytest.fixture(scope="session")
def i18n() -> I18n:
    return create_i18n("kk")


@pytest.fixture(scope="session")
def everyday_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Validated once: pydantic-settings reads the environment and checks every field, 2 ms
    each time, which a thousand dispatcher tests would pay again and again."""
    return Settings(
        _env_file=None,
        bot_token="42:TEST-TOKEN",
        secret_key=TEST_SECRET,
        database_path=tmp_path_factory.getbasetemp() / "each-test-has-its-own.sqlite3",
        code_check_seconds=0.01,
        outbox_rate=1000,
        # Tests feed updates far faster than a person types; tests/unit/test_flood.py turns
        # the flood throttle on with its own clock.
        flood_burst=0,
    )


@pytest.fixture
def settings(db_path: Path, everyday_settings: Settings) -> Settings:
    return everyday_settings.model_copy(update={"database_path": db_path})


@pytest.fixture
def bot() -> FakeBot:
    from tests.fake_session import FakeBot

    return FakeBot()


@pytest.fixture
def session(bot: FakeBot) -> FakeSession:
    return bot.session_


@pytest.fixture(scope="session")
def router_tree() -> list[Router]:
    """The app's routers, built once: building them costs tens of milliseconds (aiogram inspects
    the signature of every handler and filter), which over a thousand tests is most of the
    suite's time. Routers hold no state of their own; services come with each dispatcher."""
    from bot.handlers import get_routers

    return get_routers()


@pytest.fixture
def delivered() -> list[tuple[str, dict[str, Any]]]:
    """(recipient, payload) of every outbox message the `dp` fixture's outbox delivered."""
    return []


@pytest.fixture
def dp(
    settings: Settings,
    db: Database,
    keyring: Keyring,
    i18n: I18n,
    bot: FakeBot,
    router_tree: list[Router],
    delivered: list[tuple[str, dict[str, Any]]],
) -> Dispatcher:
    """The app's dispatcher; its outbox sends through the same fake bot (see `flush`)."""
    from bot.factory import create_dispatcher

    for router in router_tree:
        # aiogram gives a router one parent for life; the previous test's dispatcher is done.
        router._parent_router = None
    dispatcher = create_dispatcher(
        settings=settings,
        db=db,
        keyring=keyring,
        i18n=i18n,
        outbox_bot=bot,
        routers=router_tree,
    )
    outbox = dispatcher["outbox"]
    send = outbox.sender
    assert send is not None

    async def recording(recipient: str, payload: dict[str, Any]) -> Any:
        receipt = await send(recipient, payload)  # raises if it was not delivered
        delivered.append((recipient, payload))
        return receipt

    outbox.attach(recording)
    return dispatcher


@pytest.fixture
async def case_invariants(
    db: Database, keyring: Keyring, delivered: list[tuple[str, dict[str, Any]]]
) -> AsyncIterator[None]:
    """After the test: no dangling keys, every status change audited and told (queued or
    delivered). Modules that touch moderation use it with `pytest.mark.usefixtures`."""
    yield
    from tests.invariants import check_case_invariants

    await check_case_invariants(db, keyring, delivered)


def shown(requests: list[Any]) -> list[str]:
    """The texts a person reads among these requests: new messages and in-place edits."""
    from aiogram.methods import EditMessageText, SendMessage

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
        return shown(await self.send(update))

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
