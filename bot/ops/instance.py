"""One bot per database, and the key that belongs to it.

The running bot holds an exclusive lock on `<database>.lock`, so a second bot (or a restore)
on the same file is refused instead of corrupting what the first one writes. The database
remembers a keyed digest of a constant under SECRET_KEY: a bot started with another key, or a
backup made under another key, is recognised before it reads sealed data it cannot open.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.crypto import Keyring
from bot.db.offline import stored_key_check


class InstanceBusyError(RuntimeError):
    """Another process holds the database (a running bot)."""


class KeyMismatchError(RuntimeError):
    """The database was written under another SECRET_KEY."""


def key_check(keyring: Keyring) -> str:
    return keyring.opaque("key-check:v1")


def verify_key(conn: sqlite3.Connection, keyring: Keyring) -> None:
    """Raise KeyMismatchError if this database remembers another key."""
    stored = stored_key_check(conn)
    if stored is not None and stored != key_check(keyring):
        raise KeyMismatchError


@contextmanager
def instance_lock(database: Path) -> Iterator[None]:
    """Hold `<database>.lock` for as long as the block runs; InstanceBusyError if taken."""
    path = database.with_name(database.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InstanceBusyError(str(database)) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
