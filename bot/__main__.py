"""python -m bot [run|migrate|keygen]"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from pydantic import ValidationError

from bot import console
from bot.config import Settings
from bot.crypto import Keyring, generate_secret_key
from bot.db.connection import Database
from bot.db.migrations import MigrationError, apply_migrations
from bot.i18n import CataloguesNotCompiledError
from bot.logs import configure_logging

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot")
    parser.add_argument("command", nargs="?", default="run", choices=["run", "migrate", "keygen"])
    args = parser.parse_args(argv)
    if args.command == "keygen":
        print(generate_secret_key())
        return
    settings = load_settings()
    configure_logging(settings.log_level)
    if args.command == "migrate":
        asyncio.run(cmd_migrate(settings))
    else:
        asyncio.run(cmd_run(settings))


if __name__ == "__main__":
    main()
