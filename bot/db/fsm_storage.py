"""aiogram FSM storage on the bot's own SQLite database, so drafts survive a restart.

Keys are keyed digests of aiogram's StorageKey (no Telegram ids in the clear) and data is
sealed JSON: JSON rather than pickle, so a stolen database cannot execute code on load.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.crypto import Keyring
from bot.db.connection import Database


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database, keyring: Keyring) -> None:
        self._db = db
        self._keyring = keyring

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

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._db.execute(
            "INSERT INTO fsm_state (storage_key, state) VALUES (?, ?)"
            " ON CONFLICT (storage_key) DO UPDATE SET state = excluded.state",
            (self._key(key), value),
        )
        await self._forget_if_empty(key)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._db.fetchone(
            "SELECT state FROM fsm_state WHERE storage_key = ?", (self._key(key),)
        )
        return row["state"] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        storage_key = self._key(key)
        sealed = (
            self._keyring.seal(json.dumps(data, ensure_ascii=False).encode(), storage_key.encode())
            if data
            else None
        )
        await self._db.execute(
            "INSERT INTO fsm_state (storage_key, data) VALUES (?, ?)"
            " ON CONFLICT (storage_key) DO UPDATE SET data = excluded.data",
            (storage_key, sealed),
        )
        await self._forget_if_empty(key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        storage_key = self._key(key)
        row = await self._db.fetchone(
            "SELECT data FROM fsm_state WHERE storage_key = ?", (storage_key,)
        )
        if row is None or row["data"] is None:
            return {}
        loaded: dict[str, Any] = json.loads(
            self._keyring.unseal(row["data"], storage_key.encode())
        )
        return loaded

    async def close(self) -> None:
        """The database is owned and closed by the application, not by the storage."""

    async def _forget_if_empty(self, key: StorageKey) -> None:
        await self._db.execute(
            "DELETE FROM fsm_state WHERE storage_key = ? AND state IS NULL AND data IS NULL",
            (self._key(key),),
        )
