"""python -m bot [run [--or-sandbox]|migrate|keygen|sandbox ...]"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from pydantic import ValidationError

from bot import console
from bot.config import Settings
from bot.db.connection import Database
from bot.db.migrations import MigrationError, apply_migrations
from bot.i18n import CataloguesNotCompiledError
from bot.logs import configure_logging
from bot.services.crypto import Keyring, generate_secret_key

EXIT_CONFIG = 2


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            console.say_bad_setting(field, str(error["msg"]).removeprefix("Value error, "))
        raise SystemExit(EXIT_CONFIG) from None


async def migrate(settings: Settings) -> tuple[Database, list[str]]:
    db = await Database.open(settings.database_path)
    try:
        applied = await apply_migrations(db)
    except MigrationError as exc:
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
    from bot.app import run_bot  # heavy imports only when actually running

    if settings.bot_token is None:
        console.say(console.NO_TOKEN, error=True)
        raise SystemExit(EXIT_CONFIG)
    if settings.secret_key is None:
        console.say(console.NO_SECRET_KEY, error=True)
        raise SystemExit(EXIT_CONFIG)
    keyring = Keyring.from_setting(settings.secret_key.get_secret_value())
    db, applied = await migrate(settings)
    if applied:
        logging.getLogger("bot.migrations").info("applied %s", ", ".join(applied))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await run_bot(settings, db, keyring, stop)
    except CataloguesNotCompiledError:
        console.say(console.CATALOGUES_MISSING, error=True)
        raise SystemExit(EXIT_CONFIG) from None
    finally:
        await db.close()


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
        "command", nargs="?", default="run", choices=["run", "migrate", "keygen", "sandbox"]
    )
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
    elif args.or_sandbox and settings.bot_token is None:
        sandbox(["--demo"])
    else:
        asyncio.run(cmd_run(settings))


if __name__ == "__main__":
    main()
