"""`python -m bot doctor`: what an operator should know before (or while) the bot runs.

Each check gives one finding: fine, worth a look, or wrong. Nothing is changed: the database is
opened read-only and no migration is applied. The command exits non-zero when something is
wrong, so it can guard a deployment script.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.migrations import discover
from bot.db.offline import applied_migrations, outbox_backlog, stored_key_check
from bot.ops.instance import InstanceBusyError, instance_lock, key_check

DISK_LOW_MB, DISK_CRITICAL_MB = 500, 50
OUTBOX_DEEP, OUTBOX_LATE_MINUTES = 1000, 10


class Level(Enum):
    OK = "✅"
    WARN = "⚠️"
    FAIL = "❌"


@dataclass(frozen=True, slots=True)
class Finding:
    level: Level
    text: str  # a msgid of bot.console.DOCTOR
    values: dict[str, Any] = field(default_factory=dict)


def _open(path: Path) -> sqlite3.Connection | None:
    if not path.exists():
        return None
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)


def check_key(settings: Settings) -> Finding:
    if settings.secret_key is None:
        return Finding(Level.FAIL, "key_missing")
    keyring = Keyring.from_setting(settings.secret_key.get_secret_value())
    conn = _open(settings.database_path)
    if conn is None:
        return Finding(Level.OK, "key_new_database")
    try:
        stored = stored_key_check(conn)
    finally:
        conn.close()
    if stored is None:
        return Finding(Level.OK, "key_not_recorded")
    if stored != key_check(keyring):
        return Finding(Level.FAIL, "key_mismatch")
    return Finding(Level.OK, "key_matches")


def check_migrations(settings: Settings) -> Finding:
    known = {m.version: m for m in discover()}
    conn = _open(settings.database_path)
    if conn is None:
        return Finding(Level.WARN, "migrations_new_database", {"count": len(known)})
    try:
        applied = applied_migrations(conn)
    finally:
        conn.close()
    edited = [m.filename for v, m in known.items() if v in applied and applied[v] != m.checksum]
    if edited:
        return Finding(Level.FAIL, "migrations_edited", {"files": ", ".join(edited)})
    pending = [m.filename for v, m in sorted(known.items()) if v not in applied]
    if pending:
        return Finding(Level.WARN, "migrations_pending", {"files": ", ".join(pending)})
    return Finding(Level.OK, "migrations_applied", {"count": len(known)})


def check_disk(settings: Settings) -> Finding:
    folder = settings.database_path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    level = (
        Level.FAIL
        if free_mb < DISK_CRITICAL_MB
        else Level.WARN
        if free_mb < DISK_LOW_MB
        else Level.OK
    )
    return Finding(level, "disk", {"free": free_mb, "path": folder})


def check_outbox(settings: Settings, now: datetime) -> Finding:
    conn = _open(settings.database_path)
    if conn is None:
        return Finding(Level.OK, "outbox_empty")
    try:
        depth, oldest = outbox_backlog(conn)
    finally:
        conn.close()
    if not depth:
        return Finding(Level.OK, "outbox_empty")
    late = (now - datetime.fromisoformat(oldest)).total_seconds() / 60
    level = Level.WARN if depth > OUTBOX_DEEP or late > OUTBOX_LATE_MINUTES else Level.OK
    return Finding(level, "outbox", {"count": depth, "minutes": max(0, round(late))})


def check_running(settings: Settings) -> Finding:
    try:
        with instance_lock(settings.database_path):
            return Finding(Level.OK, "not_running")
    except InstanceBusyError:
        return Finding(Level.OK, "running")


async def check_telegram(settings: Settings, bot: Bot) -> list[Finding]:
    """The token, then the moderators' group: the bot is in it and may post there."""
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        return [Finding(Level.FAIL, "token_rejected")]
    except TelegramAPIError as exc:
        return [Finding(Level.FAIL, "telegram_unreachable", {"error": type(exc).__name__})]
    found = [Finding(Level.OK, "token", {"username": me.username})]
    group = settings.moderator_chat_id
    if group is None:
        found.append(Finding(Level.WARN, "group_unset"))
        return found
    try:
        await bot.get_chat(group)
        member = await bot.get_chat_member(group, me.id)
    except TelegramAPIError as exc:
        found.append(Finding(Level.FAIL, "group_unknown", {"error": type(exc).__name__}))
        return found
    if member.status in ("left", "kicked"):
        found.append(Finding(Level.FAIL, "group_not_member"))
    elif member.status == "restricted" and not getattr(member, "can_send_messages", False):
        found.append(Finding(Level.FAIL, "group_cannot_post"))
    else:
        found.append(Finding(Level.OK, "group", {"status": member.status}))
    return found


WEBHOOK_PENDING_MANY = 100


async def check_webhook(settings: Settings, bot: Bot, now: datetime) -> list[Finding]:
    """Where Telegram sends updates, the last delivery error and how many wait."""
    try:
        info = await bot.get_webhook_info()
    except TelegramAPIError as exc:
        return [Finding(Level.FAIL, "telegram_unreachable", {"error": type(exc).__name__})]
    if settings.mode == "polling":
        if info.url:
            return [Finding(Level.WARN, "webhook_set_while_polling", {"url": info.url})]
        return []
    expected = settings.webhook_endpoint
    if not info.url:
        return [Finding(Level.WARN, "webhook_unset", {"expected": expected})]
    if info.url != expected:
        return [Finding(Level.FAIL, "webhook_other_url", {"url": info.url, "expected": expected})]
    found = []
    if info.last_error_date is not None:
        error_at = info.last_error_date
        if isinstance(error_at, int):
            error_at = datetime.fromtimestamp(error_at, UTC)
        minutes = max(0, round((now - error_at).total_seconds() / 60))
        found.append(
            Finding(
                Level.WARN,
                "webhook_error",
                {"minutes": minutes, "error": info.last_error_message or "?"},
            )
        )
    pending = info.pending_update_count
    level = Level.WARN if pending > WEBHOOK_PENDING_MANY else Level.OK
    found.append(Finding(level, "webhook", {"count": pending}))
    return found


async def examine(settings: Settings, bot: Bot | None) -> list[Finding]:
    """Every finding, local ones first; Telegram only when there is a token."""
    found = [
        check_key(settings),
        check_migrations(settings),
        check_disk(settings),
        check_outbox(settings, datetime.now(UTC)),
        check_running(settings),
    ]
    if bot is None:
        found.append(Finding(Level.FAIL, "token_missing"))
    else:
        found += await check_telegram(settings, bot)
        if any(f.text == "token" for f in found):  # Telegram answered: ask about the webhook
            found += await check_webhook(settings, bot, datetime.now(UTC))
    return found
