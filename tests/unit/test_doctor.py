"""python -m bot doctor (bot/ops/doctor.py): every finding, against the emulator."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot

from bot.config import Settings
from bot.crypto import Keyring
from bot.devtools.emulator import BotApiEmulator
from bot.factory import create_bot
from bot.ops.doctor import Level, examine
from bot.ops.instance import instance_lock, key_check
from tests.conftest import TEST_SECRET

TOKEN = "123456:DOCTOR-TOKEN"
GROUP = -1_009_000_000_000


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emu:
        emu.add_group(GROUP, "Модераторлар")
        yield emu


def settings_for(emulator: BotApiEmulator, path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "_env_file": None,
        "bot_token": TOKEN,
        "secret_key": TEST_SECRET,
        "database_path": path,
        "telegram_api_base": emulator.base_url,
        "moderator_chat_id": GROUP,
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


async def findings(settings: Settings) -> dict[str, Level]:
    bot: Bot | None = create_bot(settings) if settings.bot_token is not None else None
    try:
        return {f.text: f.level for f in await examine(settings, bot)}
    finally:
        if bot is not None:
            await bot.session.close()


def remember_key(path: Path, secret: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO instance VALUES ('key_check', ?)",
            (key_check(Keyring.from_setting(secret)),),
        )


async def test_a_healthy_installation(emulator: BotApiEmulator, migrated_copy: Path) -> None:
    remember_key(migrated_copy, TEST_SECRET)
    found = await findings(settings_for(emulator, migrated_copy))
    assert found == {
        "key_matches": Level.OK,
        "migrations_applied": Level.OK,
        "disk": found["disk"],  # depends on the machine
        "outbox_empty": Level.OK,
        "not_running": Level.OK,
        "token": Level.OK,
        "group": Level.OK,
    }
    assert found["disk"] is not Level.FAIL


async def test_what_is_wrong_is_found(emulator: BotApiEmulator, migrated_copy: Path) -> None:
    remember_key(migrated_copy, "22" * 32)
    emulator.set_bot_status(GROUP, "left")
    with sqlite3.connect(migrated_copy) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = 4")
        conn.execute(
            "INSERT INTO outbox (recipient, payload, not_before) VALUES ('x', x'00', ?)",
            ("2026-01-01T00:00:00Z",),
        )
    with instance_lock(migrated_copy):
        found = await findings(settings_for(emulator, migrated_copy))
    assert found["key_mismatch"] is Level.FAIL
    assert found["migrations_pending"] is Level.WARN
    assert found["outbox"] is Level.WARN  # waiting for months
    assert found["running"] is Level.OK
    assert found["group_not_member"] is Level.FAIL


async def test_a_restricted_bot_and_a_rejected_token(
    emulator: BotApiEmulator, migrated_copy: Path
) -> None:
    emulator.set_bot_status(GROUP, "restricted")
    found = await findings(settings_for(emulator, migrated_copy))
    assert found["group_cannot_post"] is Level.FAIL
    found = await findings(settings_for(emulator, migrated_copy, bot_token="123456:WRONG"))
    assert found["token_rejected"] is Level.FAIL


async def test_without_a_group_the_cards_go_to_moderators(
    emulator: BotApiEmulator, migrated_copy: Path
) -> None:
    found = await findings(settings_for(emulator, migrated_copy, moderator_chat_id=None))
    assert found["group_unset"] is Level.WARN
    assert found["key_not_recorded"] is Level.OK


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_the_command_explains_and_fails_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "SECRET_KEY"}}
    env |= {"DATABASE_PATH": str(tmp_path / "adal.sqlite3"), "SECRET_KEY": TEST_SECRET}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and all(" / " in line for line in lines)
    assert lines[-1].startswith("❌") and "BOT_TOKEN" in lines[-1]
    assert "Traceback" not in result.stderr
