"""aiogram FSM storage on the bot's own SQLite database, so drafts survive a restart.

Keys are keyed digests of aiogram's StorageKey (no Telegram ids in the clear) and data is
sealed JSON: JSON rather than pickle, so a stolen database cannot execute code on load.

Every update reads the state (aiogram's FSM middleware) and most report steps read and write
the data several times, so the storage keeps what it last read or wrote per key in a bounded
in-memory cache (bench/profile-before.txt: these reads were the most frequent statements). The
database stays the truth for a restart: every change is written through at once, and a write
that changes nothing is skipped. This process is the only writer (one bot per database); a
write inside a caller's transaction, which may still roll back, drops the key from the cache
instead of updating it, and nothing read inside a transaction is cached.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.crypto import Keyring
from bot.db.connection import Database

CACHE_SIZE = 10_000  # conversations kept in memory; the oldest is read back from disk


@dataclass(slots=True)
class _Entry:
    state: str | None
    sealed: bytes | None  # the data as stored
    text: str | None = None  # the data as JSON, once unsealed (or written)


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database, keyring: Keyring, cache_size: int = CACHE_SIZE) -> None:
        self._db = db
        self._keyring = keyring
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._cache_size = cache_size

    def _key(self, key: StorageKey) -> str:
        raw = ":".join(
            str(part)
            for part in (
                key.bot_id,
                key.chat_id,
                key.user_id,
                key.thread_id or "",
                key.business_connection_id or "",
                key.destiny,
            )
        )
        return self._keyring.opaque(raw)

    async def _entry(self, storage_key: str) -> _Entry:
        cached = self._cache.get(storage_key)
        if cached is not None:
            self._cache.move_to_end(storage_key)
            return cached
        row = await self._db.fetchone(
            "SELECT state, data FROM fsm_state WHERE storage_key = ?", (storage_key,)
        )
        entry = _Entry(row["state"], row["data"]) if row else _Entry(None, None)
        # The lock around every statement means no write of this key can land between the
        # read above and this line; a read inside a transaction may see uncommitted rows.
        if not self._db.in_transaction() and storage_key not in self._cache:
            self._remember(storage_key, entry)
        return entry

    def _remember(self, storage_key: str, entry: _Entry) -> None:
        self._cache[storage_key] = entry
        self._cache.move_to_end(storage_key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _write(self, storage_key: str, entry: _Entry) -> None:
        """Store `entry` in one statement (a row with neither state nor data is removed)."""
        if entry.state is None and entry.sealed is None:
            await self._db.execute("DELETE FROM fsm_state WHERE storage_key = ?", (storage_key,))
        else:
            await self._db.execute(
                "INSERT INTO fsm_state (storage_key, state, data) VALUES (?, ?, ?)"
                " ON CONFLICT (storage_key) DO UPDATE SET state = excluded.state,"
                " data = excluded.data",
                (storage_key, entry.state, entry.sealed),
            )
        if self._db.in_transaction():
            self._cache.pop(storage_key, None)  # the caller may still roll back
        else:
            self._remember(storage_key, entry)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        storage_key = self._key(key)
        current = await self._entry(storage_key)
        if current.state == value:
            return
        await self._write(storage_key, _Entry(value, current.sealed, current.text))

    async def set_state_and_data(
        self, key: StorageKey, state: StateType, data: Mapping[str, Any]
    ) -> None:
        """`set_state` and `set_data` in one statement (see `set_step`)."""
        storage_key = self._key(key)
        value = state.state if isinstance(state, State) else state
        await self._put(storage_key, await self._entry(storage_key), value, data)

    async def _put(
        self, storage_key: str, current: _Entry, state: str | None, data: Mapping[str, Any]
    ) -> None:
        """Write `state` and `data` over `current`, unless neither changed; the data is sealed
        again only when it did."""
        text = json.dumps(data, ensure_ascii=False) if data else None
        if text == self._text(storage_key, current):
            if current.state != state:
                await self._write(storage_key, _Entry(state, current.sealed, current.text))
            return
        sealed = (
            self._keyring.seal(text.encode(), storage_key.encode()) if text is not None else None
        )
        await self._write(storage_key, _Entry(state, sealed, text))

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._entry(self._key(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        storage_key = self._key(key)
        current = await self._entry(storage_key)
        await self._put(storage_key, current, current.state, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        storage_key = self._key(key)
        text = self._text(storage_key, await self._entry(storage_key))
        if text is None:
            return {}
        loaded: dict[str, Any] = json.loads(text)  # a fresh copy: callers may change it
        return loaded

    def _text(self, storage_key: str, entry: _Entry) -> str | None:
        if entry.text is None and entry.sealed is not None:
            entry.text = self._keyring.unseal(entry.sealed, storage_key.encode()).decode()
        return entry.text

    async def close(self) -> None:
        """The database is owned and closed by the application, not by the storage."""


async def set_step(context: FSMContext, state: StateType, **changes: Any) -> None:
    """Move a conversation to `state` and merge `changes` into its data: one write where the
    storage is this one (a report step did two, each a statement and a sealing), two elsewhere."""
    data = {**await context.get_data(), **changes}
    if isinstance(context.storage, SQLiteStorage):
        await context.storage.set_state_and_data(context.key, state, data)
    else:
        await context.set_state(state)
        await context.set_data(data)
