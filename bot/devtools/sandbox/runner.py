"""The sandbox's one contact with the running bot (the demo data has its own, in demo.py).

Everything the sandbox needs from the bot's internals is here, so that a refactoring of the
production code has one small file to adapt. It uses:

- ``bot.__main__.migrate`` (open the database, apply migrations, explain failures),
- ``bot.app.run_bot(settings, db, keyring, stop)`` (the bot exactly as ``python -m bot run``
  runs it, only with the settings below),
- ``bot.factory.create_services(...).moderation.add_moderator / .moderator`` and
  ``.users.pseudonym`` (the sandbox's moderator is a moderator from the start, added "by" the
  superadmin, as ``/mod_add`` would),
- ``.news.add_editor / .editors`` (the sandbox's editor may publish everywhere from the start),
- ``InboxRepository.next_offset`` (see :func:`next_update_id`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import SecretStr

from bot.config import Settings
from bot.crypto import Keyring, generate_secret_key
from bot.db.connection import Database

# A token of the right shape that Telegram never issued: the bot talks only to the emulator.
TOKEN = "7000000000:SANDBOX-not-a-real-token"
BOT_USERNAME = "adal_sandbox_bot"
DATABASE_NAME = "adal.sqlite3"
SECRET_FILE = "secret_key"


def secret_key(data_dir: Path) -> str:
    """The sandbox's own SECRET_KEY: made on first start, kept beside its database.

    That is exactly what the README tells operators never to do, and it is fine here: the
    sandbox holds made-up people only."""
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = generate_secret_key()
    path.write_text(key + "\n", encoding="ascii")
    path.chmod(0o600)
    return key


def sandbox_settings(
    base: Settings,
    *,
    api_base: str,
    data_dir: Path,
    admin_id: int,
    group_id: int,
    volunteers_id: int,
    channel_id: int,
) -> Settings:
    """The operator's settings (language, time zone, log level...) with the bot pointed at
    the emulator, the sandbox's superadmin, groups and news channel, and a database of its
    own."""
    return base.model_copy(
        update={
            "bot_token": SecretStr(TOKEN),
            "secret_key": SecretStr(secret_key(data_dir)),
            "telegram_api_base": api_base,
            "admin_ids": (admin_id,),
            "moderator_chat_id": group_id,
            "volunteer_chat_id": volunteers_id,
            "news_channels": {"*": channel_id},
            "database_path": data_dir / DATABASE_NAME,
            # The emulator's page is the only client: no webhook, no metrics port of its own
            # (a production .env with MODE=webhook would otherwise bind the page's port).
            "mode": "polling",
            "metrics_port": None,
        }
    )


def keyring_for(settings: Settings) -> Keyring:
    assert settings.secret_key is not None
    return Keyring.from_setting(settings.secret_key.get_secret_value())


async def open_database(settings: Settings) -> Database:
    """Open and migrate; a failed migration is explained and exits, as for ``run``."""
    from bot.__main__ import migrate

    db, _applied = await migrate(settings)
    return db


async def make_moderator(
    settings: Settings, db: Database, moderator_id: int, superadmin_id: int
) -> None:
    """Make ``moderator_id`` a moderator of every region unless they already are one."""
    from bot.factory import create_services

    services = create_services(settings, db, keyring_for(settings))
    if await services.moderation.moderator(services.users.pseudonym(moderator_id)) is None:
        by = services.users.pseudonym(superadmin_id)
        await services.moderation.add_moderator(moderator_id, None, by=by)


async def make_editor(
    settings: Settings, db: Database, editor_id: int, superadmin_id: int
) -> None:
    """Make ``editor_id`` a news editor of every region unless they already are one."""
    from bot.factory import create_services

    services = create_services(settings, db, keyring_for(settings))
    pseudonym = services.users.pseudonym(editor_id)
    if not any(e.pseudonym == pseudonym and e.active for e in await services.news.editors()):
        by = services.users.pseudonym(superadmin_id)
        await services.news.add_editor(None, by, telegram_id=editor_id)


async def next_update_id(db: Database) -> int:
    """The first update id the emulator may hand out.

    The bot remembers handled update ids and confirms everything below the highest one at
    start-up; an emulator that started again from 1 would see its updates dropped."""
    from bot.db.repositories.inbox import InboxRepository

    return await InboxRepository(db).next_offset() or 1


async def run(settings: Settings, db: Database, stop: asyncio.Event) -> None:
    """Run the bot until ``stop`` is set (``run_bot`` closes its own HTTP session)."""
    from bot.app import run_bot

    await run_bot(settings, db, keyring_for(settings), stop)
