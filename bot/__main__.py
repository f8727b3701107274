"""python -m bot [run [--or-sandbox]|migrate|keygen|doctor|backup PATH|restore PATH|sandbox]"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sqlite3
import sys
from pathlib import Path

from pydantic import ValidationError

from bot import console
from bot.config import Settings
from bot.crypto import Keyring, generate_secret_key
from bot.db.connection import Database
from bot.db.health import storage_problem
from bot.db.migrations import MigrationError, apply_migrations
from bot.db.offline import KEY_CHECK
from bot.db.repositories.instance import InstanceRepository
from bot.i18n import CataloguesNotCompiledError
from bot.logs import configure_logging
from bot.ops.backup import BackupError, backup, restore
from bot.ops.instance import (
    InstanceBusyError,
    KeyMismatchError,
    instance_lock,
    key_check,
)

EXIT_CONFIG = 2
EXIT_STORAGE = 3
EXIT_DOCTOR = 1


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            console.say_bad_setting(field, str(error["msg"]).removeprefix("Value error, "))
        raise SystemExit(EXIT_CONFIG) from None


def storage_failed(exc: BaseException, settings: Settings) -> SystemExit:
    """A storage problem explained in one bilingual line, or the error itself if it is not."""
    problem = storage_problem(exc)
    if problem is None:
        raise exc
    console.say(console.STORAGE[problem], error=True, one_line=True, path=settings.database_path)
    return SystemExit(EXIT_STORAGE)


async def migrate(settings: Settings) -> tuple[Database, list[str]]:
    try:
        db = await Database.open(settings.database_path)
    except sqlite3.Error as exc:
        raise storage_failed(exc, settings) from None
    try:
        applied = await apply_migrations(db)
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            await db.close()
        raise storage_failed(exc, settings) from None
    except MigrationError as exc:
        if storage_problem(exc):
            with contextlib.suppress(sqlite3.Error):
                await db.close()
            raise storage_failed(exc, settings) from None
        await db.close()
        if exc.reason.startswith("edited"):
            console.say(console.MIGRATION_EDITED, error=True, file=exc.filename)
        else:
            console.say(console.MIGRATION_FAILED, error=True, file=exc.filename, detail=exc.reason)
        raise SystemExit(EXIT_CONFIG) from None
    return db, applied


async def cmd_migrate(settings: Settings) -> None:
    db, applied = await migrate(settings)
    await db.close()
    if applied:
        console.say(console.MIGRATIONS_APPLIED, files=", ".join(applied))
    else:
        console.say(console.MIGRATIONS_UP_TO_DATE)


async def cmd_run(settings: Settings) -> None:
    if settings.bot_token is None:
        console.say(console.NO_TOKEN, error=True)
        raise SystemExit(EXIT_CONFIG)
    keyring = require_key(settings)
    try:
        with instance_lock(settings.database_path):
            await _run_locked(settings, keyring)
    except InstanceBusyError:
        console.say(console.INSTANCE_BUSY, error=True, one_line=True, path=settings.database_path)
        raise SystemExit(EXIT_CONFIG) from None


async def _run_locked(settings: Settings, keyring: Keyring) -> None:
    from bot.app import run_bot  # heavy imports only when actually running
    from bot.intake.webhook import PortBusyError, WebhookRefusedError

    db, applied = await migrate(settings)
    stored = await InstanceRepository(db).remember(KEY_CHECK, key_check(keyring))
    if stored != key_check(keyring):
        await db.close()
        console.say(console.KEY_MISMATCH, error=True, one_line=True, path=settings.database_path)
        raise SystemExit(EXIT_CONFIG)
    if applied:
        logging.getLogger("bot.migrations").info("applied %s", ", ".join(applied))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    lost = None
    try:
        lost = await run_bot(settings, db, keyring, stop)
    except PortBusyError as exc:
        console.say(console.PORT_BUSY, error=True, one_line=True, host=exc.host, port=exc.port)
        raise SystemExit(EXIT_CONFIG) from None
    except WebhookRefusedError as exc:
        url = settings.webhook_endpoint
        console.say(console.WEBHOOK_REFUSED, error=True, one_line=True, url=url, reason=exc)
        raise SystemExit(EXIT_CONFIG) from None
    except CataloguesNotCompiledError:
        console.say(console.CATALOGUES_MISSING, error=True)
        raise SystemExit(EXIT_CONFIG) from None
    except sqlite3.Error as exc:
        raise storage_failed(exc, settings) from None
    finally:
        with contextlib.suppress(sqlite3.Error):
            await db.close()
    if lost is not None:
        console.say(console.STORAGE[lost], error=True, one_line=True, path=settings.database_path)
        raise SystemExit(EXIT_STORAGE)


def sandbox(argv: list[str]) -> None:
    """The browser sandbox (bot/devtools/sandbox): the bot on an emulated Telegram."""
    from bot.devtools.sandbox.cli import main as sandbox_main

    sandbox_main(argv)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sandbox"]:
        sandbox(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="python -m bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "migrate", "keygen", "backup", "restore", "doctor", "sandbox"],
    )
    parser.add_argument("path", nargs="?", type=Path, help="backup/restore: the copy's file")
    # scripts/run: with a token run the bot, without one open the sandbox to try it.
    parser.add_argument("--or-sandbox", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "keygen":
        print(generate_secret_key())
        return
    settings = load_settings()
    configure_logging(settings.log_level)
    if args.command == "migrate":
        asyncio.run(cmd_migrate(settings))
    elif args.command == "doctor":
        asyncio.run(cmd_doctor(settings))
    elif args.command in ("backup", "restore"):
        if args.path is None:
            parser.error(f"{args.command} needs a PATH")
        (cmd_backup if args.command == "backup" else cmd_restore)(settings, args.path)
    elif args.or_sandbox and settings.bot_token is None:
        sandbox(["--demo"])
    else:
        asyncio.run(cmd_run(settings))


async def cmd_doctor(settings: Settings) -> None:
    """One line per finding, in both languages; exit 1 when something is wrong."""
    from bot.factory import create_bot
    from bot.ops.doctor import Level, examine

    bot = create_bot(settings) if settings.bot_token is not None else None
    try:
        findings = await examine(settings, bot)
    finally:
        if bot is not None:
            await bot.session.close()
    for finding in findings:
        text = console.DOCTOR[finding.text]
        console.say(text, one_line=True, prefix=finding.level.value + " ", **finding.values)
    if any(f.level is Level.FAIL for f in findings):
        raise SystemExit(EXIT_DOCTOR)


def cmd_backup(settings: Settings, target: Path) -> None:
    try:
        backup(settings.database_path, target)
    except BackupError:
        console.say(console.BACKUP_DAMAGED, error=True, one_line=True, path=target)
        raise SystemExit(EXIT_STORAGE) from None
    except sqlite3.Error as exc:
        raise storage_failed(exc, settings) from None
    console.say(console.BACKUP_DONE, one_line=True, path=target)


def cmd_restore(settings: Settings, copy: Path) -> None:
    keyring = require_key(settings)
    try:
        restore(copy, settings.database_path, keyring)
    except BackupError:
        console.say(console.BACKUP_DAMAGED, error=True, one_line=True, path=copy)
        raise SystemExit(EXIT_STORAGE) from None
    except KeyMismatchError:
        console.say(console.RESTORE_KEY_MISMATCH, error=True, one_line=True, path=copy)
        raise SystemExit(EXIT_CONFIG) from None
    except InstanceBusyError:
        console.say(console.INSTANCE_BUSY, error=True, one_line=True, path=settings.database_path)
        raise SystemExit(EXIT_CONFIG) from None
    console.say(console.RESTORE_DONE, one_line=True, path=copy)


def require_key(settings: Settings) -> Keyring:
    if settings.secret_key is None:
        console.say(console.NO_SECRET_KEY, error=True)
        raise SystemExit(EXIT_CONFIG)
    return Keyring.from_setting(settings.secret_key.get_secret_value())


if __name__ == "__main__":
    main()
