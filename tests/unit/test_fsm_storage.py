"""SQLiteStorage (bot/db/fsm_storage.py).

The contract checks follow aiogram's tests/test_fsm/storage/test_storages.py and run against
aiogram's own MemoryStorage too, so they test the contract rather than this implementation.
The rest is what only this storage promises: a restart keeps drafts, and the file on disk
holds neither Telegram ids nor what people typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from cryptography.exceptions import InvalidTag

from bot.crypto import Keyring
from bot.db.connection import Database, Fetch
from bot.db.fsm_storage import SQLiteStorage, set_step
from bot.db.migrations import apply_migrations
from tests.conftest import TEST_SECRET

KEY = StorageKey(bot_id=42, chat_id=-100500, user_id=2)
PRIVATE_ID = 987654321
PRIVATE_KEY = StorageKey(bot_id=42, chat_id=PRIVATE_ID, user_id=PRIVATE_ID)
SECRET_TEXT = "Akimat clerk asked for a bribe: SECRET-DRAFT-7f3a"
KAZAKH_DATA: dict[str, Any] = {
    "kk": "Әкімдікте пара сұрады: ғимарат, қағаз, өтініш, ұлттық, үй, һәм, іс",
    "ru": "Взятку требовали в акимате — ёлка, «кавычки»",
    "emoji": "📝🤝",
    "nested": {"list": [1, 2.5, None, True, "қ"], "empty": {}},
}


class Form(StatesGroup):
    name = State()
    region = State()


@pytest.fixture
def sqlite_storage(db: Database, keyring: Keyring) -> SQLiteStorage:
    return SQLiteStorage(db, keyring)


@pytest.fixture(params=["sqlite", "memory"])
def storage(request: pytest.FixtureRequest) -> BaseStorage:
    if request.param == "memory":
        return MemoryStorage()
    return request.getfixturevalue("sqlite_storage")


async def rows(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM fsm_state")
    assert row is not None
    return int(row[0])


# --- the aiogram storage contract -------------------------------------------------------------


async def test_set_state(storage: BaseStorage) -> None:
    assert await storage.get_state(key=KEY) is None

    await storage.set_state(key=KEY, state="state")
    assert await storage.get_state(key=KEY) == "state"
    await storage.set_state(key=KEY, state=None)
    assert await storage.get_state(key=KEY) is None


async def test_set_state_accepts_state_objects(storage: BaseStorage) -> None:
    await storage.set_state(key=KEY, state=Form.name)
    assert await storage.get_state(key=KEY) == Form.name.state == "Form:name"
    await storage.set_state(key=KEY, state=Form.region)
    assert await storage.get_state(key=KEY) == "Form:region"


async def test_set_data(storage: BaseStorage) -> None:
    assert await storage.get_data(key=KEY) == {}
    assert await storage.get_value(storage_key=KEY, dict_key="foo") is None

    await storage.set_data(key=KEY, data={"foo": "bar"})
    assert await storage.get_data(key=KEY) == {"foo": "bar"}
    assert await storage.get_value(storage_key=KEY, dict_key="foo") == "bar"
    assert await storage.get_value(storage_key=KEY, dict_key="foo", default="baz") == "bar"

    await storage.set_data(key=KEY, data={})
    assert await storage.get_data(key=KEY) == {}
    assert await storage.get_value(storage_key=KEY, dict_key="foo") is None
    assert await storage.get_value(storage_key=KEY, dict_key="foo", default="baz") == "baz"


async def test_set_data_replaces(storage: BaseStorage) -> None:
    await storage.set_data(key=KEY, data={"foo": "bar", "spam": 1})
    await storage.set_data(key=KEY, data={"baz": [1, 2]})
    assert await storage.get_data(key=KEY) == {"baz": [1, 2]}


async def test_update_data(storage: BaseStorage) -> None:
    assert await storage.get_data(key=KEY) == {}
    assert await storage.update_data(key=KEY, data={"foo": "bar"}) == {"foo": "bar"}
    assert await storage.update_data(key=KEY, data={}) == {"foo": "bar"}
    assert await storage.get_data(key=KEY) == {"foo": "bar"}
    assert await storage.update_data(key=KEY, data={"baz": "spam"}) == {
        "foo": "bar",
        "baz": "spam",
    }
    assert await storage.update_data(key=KEY, data={"baz": "test"}) == {
        "foo": "bar",
        "baz": "test",
    }
    assert await storage.get_data(key=KEY) == {"foo": "bar", "baz": "test"}


@pytest.mark.parametrize("default", [None, 0, "", "fallback", [1]])
async def test_get_value_with_default(storage: BaseStorage, default: Any) -> None:
    await storage.set_data(key=KEY, data={"present": False})
    assert await storage.get_value(KEY, "present", default="unused") is False
    assert await storage.get_value(KEY, "missing", default) == default


async def test_data_is_a_copy(storage: BaseStorage) -> None:
    data: dict[str, Any] = {"foo": "bar"}
    await storage.set_data(key=KEY, data=data)
    data["foo"] = "changed after set_data"
    data["extra"] = 1

    loaded = await storage.get_data(key=KEY)
    assert loaded == {"foo": "bar"}
    loaded["foo"] = "changed after get_data"
    assert await storage.get_data(key=KEY) == {"foo": "bar"}

    updated = await storage.update_data(key=KEY, data={"spam": "eggs"})
    updated["spam"] = "changed after update_data"
    assert await storage.get_data(key=KEY) == {"foo": "bar", "spam": "eggs"}


@pytest.mark.parametrize(
    "data",
    [[("foo", "bar")], "foo=bar", 42, None, MappingProxyType({"foo": "bar"})],
    ids=["list-of-pairs", "str", "int", "none", "mappingproxy"],
)
async def test_non_dict_data_is_refused(storage: BaseStorage, data: Any) -> None:
    await storage.set_data(key=KEY, data={"kept": True})
    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(key=KEY, data=data)
    assert await storage.get_data(key=KEY) == {"kept": True}


@pytest.mark.parametrize(
    "other",
    [
        replace(KEY, chat_id=KEY.chat_id - 1),
        replace(KEY, user_id=KEY.user_id + 1),
        replace(KEY, thread_id=7),
        replace(KEY, destiny="report"),
        replace(KEY, bot_id=43),
        replace(KEY, business_connection_id="biz"),
    ],
    ids=["chat", "user", "thread", "destiny", "bot", "business"],
)
async def test_storage_keys_are_isolated(storage: BaseStorage, other: StorageKey) -> None:
    await storage.set_state(key=KEY, state=Form.name)
    await storage.set_data(key=KEY, data={"owner": "first"})
    assert await storage.get_state(key=other) is None
    assert await storage.get_data(key=other) == {}

    await storage.set_state(key=other, state=Form.region)
    await storage.set_data(key=other, data={"owner": "second"})
    assert await storage.get_state(key=KEY) == "Form:name"
    assert await storage.get_data(key=KEY) == {"owner": "first"}
    assert await storage.get_state(key=other) == "Form:region"
    assert await storage.get_data(key=other) == {"owner": "second"}


async def test_state_and_data_are_independent(storage: BaseStorage) -> None:
    await storage.set_state(key=KEY, state=Form.name)
    await storage.set_data(key=KEY, data={"draft": "text"})

    await storage.set_state(key=KEY, state=None)
    assert await storage.get_data(key=KEY) == {"draft": "text"}
    await storage.set_state(key=KEY, state=Form.region)
    await storage.set_data(key=KEY, data={})
    assert await storage.get_state(key=KEY) == "Form:region"


# --- what only the SQLite storage promises ----------------------------------------------------


async def test_state_and_data_survive_a_restart(db_path: Path) -> None:
    first = await Database.open(db_path)
    await apply_migrations(first)
    before = SQLiteStorage(first, Keyring.from_setting(TEST_SECRET))
    await before.set_state(PRIVATE_KEY, Form.region)
    await before.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT, **KAZAKH_DATA})
    await first.close()

    second = await Database.open(db_path)
    try:
        assert await apply_migrations(second) == []
        after = SQLiteStorage(second, Keyring.from_setting(TEST_SECRET))
        assert await after.get_state(PRIVATE_KEY) == "Form:region"
        assert await after.get_data(PRIVATE_KEY) == {"draft": SECRET_TEXT, **KAZAKH_DATA}
        assert await after.get_value(PRIVATE_KEY, "draft") == SECRET_TEXT
    finally:
        await second.close()


async def test_another_secret_key_finds_nothing(
    db: Database, sqlite_storage: SQLiteStorage
) -> None:
    await sqlite_storage.set_state(PRIVATE_KEY, Form.name)
    await sqlite_storage.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT})
    stranger = SQLiteStorage(db, Keyring.from_setting("22" * 32))
    assert await stranger.get_state(PRIVATE_KEY) is None
    assert await stranger.get_data(PRIVATE_KEY) == {}


def files(db_path: Path) -> tuple[bytes, bytes]:
    """The database file and its write-ahead log, as someone copying them would get them."""
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def raw_bytes(db_path: Path) -> bytes:
    return b"".join(files(db_path))


def assert_nothing_private(raw: bytes, stage: str) -> None:
    assert b"Form:name" in raw, stage  # control: the reader does see what was stored
    assert str(PRIVATE_ID).encode() not in raw, stage
    assert SECRET_TEXT.encode() not in raw, stage
    assert b"SECRET-DRAFT" not in raw, stage
    assert KAZAKH_DATA["kk"].encode() not in raw, stage
    assert b'"draft"' not in raw, stage


async def test_file_holds_no_ids_and_no_typed_text(db_path: Path, keyring: Keyring) -> None:
    database = await Database.open(db_path)
    try:
        await apply_migrations(database)
        await database.checkpoint()  # from here on, new writes go to the WAL only
        storage = SQLiteStorage(database, keyring)
        await storage.set_state(PRIVATE_KEY, Form.name)
        await storage.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT, "kk": KAZAKH_DATA["kk"]})

        main, wal = files(db_path)
        assert b"Form:name" in wal and b"Form:name" not in main
        assert_nothing_private(raw_bytes(db_path), "in the WAL")
        await database.checkpoint()
        main, wal = files(db_path)
        assert b"Form:name" in main and wal == b""
        assert_nothing_private(raw_bytes(db_path), "after a checkpoint")
    finally:
        await database.close()
    assert_nothing_private(raw_bytes(db_path), "after close")


async def test_row_disappears_when_state_and_data_are_cleared(
    db: Database, sqlite_storage: SQLiteStorage
) -> None:
    await sqlite_storage.set_state(PRIVATE_KEY, Form.name)
    await sqlite_storage.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT})
    assert await rows(db) == 1

    await sqlite_storage.set_state(PRIVATE_KEY, None)
    assert await rows(db) == 1  # data is still there
    await sqlite_storage.set_data(PRIVATE_KEY, {})
    assert await rows(db) == 0

    await sqlite_storage.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT})
    await sqlite_storage.set_state(PRIVATE_KEY, Form.name)
    await sqlite_storage.set_data(PRIVATE_KEY, {})
    assert await rows(db) == 1  # state is still there
    await sqlite_storage.set_state(PRIVATE_KEY, None)
    assert await rows(db) == 0


async def test_clearing_an_unknown_key_writes_nothing(
    db: Database, sqlite_storage: SQLiteStorage
) -> None:
    await sqlite_storage.set_state(PRIVATE_KEY, None)
    await sqlite_storage.set_data(PRIVATE_KEY, {})
    assert await sqlite_storage.update_data(PRIVATE_KEY, {}) == {}
    assert await rows(db) == 0


async def test_row_key_is_opaque_and_data_sealed(
    db: Database, sqlite_storage: SQLiteStorage
) -> None:
    await sqlite_storage.set_state(PRIVATE_KEY, Form.name)
    await sqlite_storage.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT})
    row = await db.fetchone("SELECT storage_key, state, data FROM fsm_state")
    assert row is not None
    assert str(PRIVATE_ID) not in row["storage_key"]
    assert row["state"] == "Form:name"
    assert isinstance(row["data"], bytes)
    assert SECRET_TEXT.encode() not in row["data"]


async def test_sealed_data_cannot_be_moved_to_another_key(
    db: Database, sqlite_storage: SQLiteStorage
) -> None:
    victim = replace(PRIVATE_KEY, user_id=PRIVATE_ID + 1, chat_id=PRIVATE_ID + 1)
    await sqlite_storage.set_state(PRIVATE_KEY, Form.name)
    await sqlite_storage.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT})
    await sqlite_storage.set_state(victim, Form.region)
    await sqlite_storage.set_data(victim, {"draft": "theirs"})
    changed = await db.execute(
        "UPDATE fsm_state SET data = (SELECT data FROM fsm_state WHERE state = 'Form:name')"
        " WHERE state = 'Form:region'"
    )
    assert changed == 1
    # Read as the bot reads the file after a restart: this storage's cache knows the old rows.
    with pytest.raises(InvalidTag):
        await SQLiteStorage(db, Keyring.from_setting(TEST_SECRET)).get_data(victim)


@pytest.mark.parametrize(
    "data",
    [KAZAKH_DATA, {"Қала": "Түркістан", "город": "Туркестан"}, {"only": "ӘҒҚҢӨҰҮҺІ әғқңөұүһі"}],
    ids=["mixed", "cyrillic-keys", "kazakh-letters"],
)
async def test_unicode_data_round_trips(
    sqlite_storage: SQLiteStorage, data: Mapping[str, Any]
) -> None:
    await sqlite_storage.set_data(PRIVATE_KEY, dict(data))
    assert await sqlite_storage.get_data(PRIVATE_KEY) == data
    first_key = next(iter(data))
    assert await sqlite_storage.get_value(PRIVATE_KEY, first_key) == data[first_key]


class CountingDb:
    """Counts the statements that reach SQLite through `db`."""

    def __init__(self, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
        self.statements: list[str] = []
        real = db._run

        async def run(sql: str, params: Any, fetch: Fetch = Fetch.NONE) -> Any:
            self.statements.append(sql.split()[0])
            return await real(sql, params, fetch)

        monkeypatch.setattr(db, "_run", run)


async def test_reads_come_from_memory_and_unchanged_writes_are_skipped(
    db: Database, sqlite_storage: SQLiteStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = CountingDb(db, monkeypatch)
    await sqlite_storage.set_state(PRIVATE_KEY, Form.name)
    await sqlite_storage.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT})
    written = len(counting.statements)
    assert written == 3  # one read of the unknown key, then one statement per change

    assert await sqlite_storage.get_state(PRIVATE_KEY) == "Form:name"
    assert await sqlite_storage.get_data(PRIVATE_KEY) == {"draft": SECRET_TEXT}
    await sqlite_storage.set_state(PRIVATE_KEY, Form.name)
    await sqlite_storage.set_data(PRIVATE_KEY, {"draft": SECRET_TEXT})
    assert len(counting.statements) == written

    # What the cache holds is what a restarted bot reads from the file.
    fresh = SQLiteStorage(db, Keyring.from_setting(TEST_SECRET))
    assert await fresh.get_state(PRIVATE_KEY) == "Form:name"
    assert await fresh.get_data(PRIVATE_KEY) == {"draft": SECRET_TEXT}


async def test_a_rolled_back_write_is_not_remembered(
    db: Database, sqlite_storage: SQLiteStorage
) -> None:
    await sqlite_storage.set_state(PRIVATE_KEY, Form.name)
    await sqlite_storage.set_data(PRIVATE_KEY, {"step": 1})
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await sqlite_storage.set_state(PRIVATE_KEY, Form.region)
            await sqlite_storage.set_data(PRIVATE_KEY, {"step": 2})
            assert await sqlite_storage.get_data(PRIVATE_KEY) == {"step": 2}
            raise RuntimeError("the action failed")
    assert await sqlite_storage.get_state(PRIVATE_KEY) == "Form:name"
    assert await sqlite_storage.get_data(PRIVATE_KEY) == {"step": 1}


async def test_the_cache_is_bounded(db: Database, keyring: Keyring) -> None:
    storage = SQLiteStorage(db, keyring, cache_size=3)
    keys = [replace(PRIVATE_KEY, user_id=n, chat_id=n) for n in range(10)]
    for n, key in enumerate(keys):
        await storage.set_data(key, {"n": n})
    assert len(storage._cache) == 3
    for n, key in enumerate(keys):  # the forgotten ones come back from the file
        assert await storage.get_data(key) == {"n": n}


async def test_a_step_sets_state_and_merges_data_as_two_calls_would(storage: BaseStorage) -> None:
    """set_step against aiogram's MemoryStorage (two calls) and this one (one write)."""
    context = FSMContext(storage=storage, key=PRIVATE_KEY)
    await context.update_data(draft=SECRET_TEXT, question=1)
    await set_step(context, Form.name, question=2, reply_keyboard=False)
    assert await context.get_state() == "Form:name"
    assert await context.get_data() == {
        "draft": SECRET_TEXT,
        "question": 2,
        "reply_keyboard": False,
    }
    await set_step(context, Form.region)  # the state alone
    assert await context.get_state() == "Form:region"
    assert (await context.get_data())["question"] == 2
    await set_step(context, None, question=3)  # the data alone, out of any state
    assert await context.get_state() is None
    assert (await context.get_data())["question"] == 3


async def test_a_step_is_one_statement_and_what_it_wrote_survives_a_restart(
    db: Database, sqlite_storage: SQLiteStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = FSMContext(storage=sqlite_storage, key=PRIVATE_KEY)
    await context.get_state()  # the one read of an unknown key
    counting = CountingDb(db, monkeypatch)
    await set_step(context, Form.name, draft=SECRET_TEXT)
    assert len(counting.statements) == 1
    await set_step(context, Form.name, draft=SECRET_TEXT)  # nothing changed: no write
    assert len(counting.statements) == 1
    fresh = SQLiteStorage(db, Keyring.from_setting(TEST_SECRET))
    assert await fresh.get_state(PRIVATE_KEY) == "Form:name"
    assert await fresh.get_data(PRIVATE_KEY) == {"draft": SECRET_TEXT}
