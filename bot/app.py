"""The running bot: dispatcher, durable intake, the outbox, reminders and an orderly shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3

from bot import console
from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.health import StorageProblem, storage_problem
from bot.db.repositories.inbox import InboxRepository
from bot.factory import Services, create_bot, create_dispatcher, create_services
from bot.i18n import create_i18n
from bot.intake.durable import DurableIntake
from bot.middlewares.budget import CountSends
from bot.news_jobs import add_news_jobs
from bot.news_jobs import catch_up as news_catch_up
from bot.scheduler import catch_up, create_scheduler
from bot.services.dates import utc_now

log = logging.getLogger(__name__)


async def housekeeping(services: Services) -> None:
    """Old drafts and old limit rows go; on a full disk this waits for another start."""
    try:
        await services.drafts.purge_stale()
        await services.limits.forget_old()
    except sqlite3.Error as exc:
        problem = storage_problem(exc)
        if problem is None:
            raise
        services.storage_alarm.failed(problem, "housekeeping")


STORAGE_LOOK_EVERY = 15.0  # seconds between looks at the database files (and checkpoints)


async def watch_storage(
    db: Database, stop: asyncio.Event, every: float = STORAGE_LOOK_EVERY
) -> StorageProblem | None:
    """Checkpoint the WAL now and then, and stop the bot if its files are removed or
    replaced under it: everything written after that would be lost at the next start."""
    while not stop.is_set():
        changed = db.watch.look() if db.watch is not None else None
        if changed is not None:
            log.error("the database's %s file was removed or replaced; stopping", changed)
            stop.set()
            return StorageProblem.REPLACED
        try:
            await db.checkpoint("PASSIVE")
        except sqlite3.Error as exc:
            log.warning("periodic checkpoint failed: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
    return None


async def run_bot(
    settings: Settings, db: Database, keyring: Keyring, stop: asyncio.Event
) -> StorageProblem | None:
    """Run until `stop`; the storage problem that stopped it, if one did."""
    i18n = create_i18n(settings.default_locale)
    bot = create_bot(settings)
    outbox_bot = create_bot(settings, retry=False)
    services = create_services(settings, db, keyring)
    # Replies to people count against the same per-second budget as the outbox's messages.
    bot.session.middleware(CountSends(services.outbox.budget))
    dispatcher = create_dispatcher(
        settings=settings,
        db=db,
        keyring=keyring,
        i18n=i18n,
        services=services,
        outbox_bot=outbox_bot,
    )
    intake = DurableIntake(
        bot=bot,
        dispatcher=dispatcher,
        inbox=InboxRepository(db),
        keyring=keyring,
        concurrency=settings.intake_concurrency,
        shutdown_grace=settings.shutdown_grace_seconds,
        alarm=services.storage_alarm,
    )
    # Same names start_polling would pass, so startup handlers can ask for them.
    context = {"dispatcher": dispatcher, "bots": [bot], "i18n": i18n, **dispatcher.workflow_data}
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        me = await bot.get_me()
        await dispatcher.emit_startup(bot=bot, **context)
        log.info("running as @%s", me.username)
        console.say(console.STARTED)
        await housekeeping(services)
        # Messages queued before a crash (a confirmation, a card) go out before new work.
        outbox = asyncio.create_task(services.outbox.run(stop))
        storage = asyncio.create_task(watch_storage(db, stop))
        await catch_up(services.reminders, settings.timezone, utc_now())
        await news_catch_up(services)
        scheduler = create_scheduler(services.reminders, settings.timezone)
        add_news_jobs(scheduler, services, settings.feed_check_minutes)
        services.volunteering.jobs.attach(scheduler)
        scheduler.start()
        await services.volunteering.jobs.start()
        try:
            await intake.run(stop)
        finally:
            stop.set()
            scheduler.shutdown(wait=False)
            await outbox
        return await storage
    finally:
        try:
            await dispatcher.emit_shutdown(bot=bot, **context)
        finally:
            await bot.session.close()
            await outbox_bot.session.close()
