"""The running bot: dispatcher, durable intake, the outbox, reminders and an orderly shutdown."""

from __future__ import annotations

import asyncio
import logging

from bot import console
from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.inbox import InboxRepository
from bot.factory import create_bot, create_dispatcher, create_services
from bot.i18n import create_i18n
from bot.intake.durable import DurableIntake
from bot.middlewares.budget import CountSends
from bot.news_jobs import add_news_jobs
from bot.news_jobs import catch_up as news_catch_up
from bot.scheduler import catch_up, create_scheduler
from bot.services.dates import utc_now

log = logging.getLogger(__name__)


async def run_bot(settings: Settings, db: Database, keyring: Keyring, stop: asyncio.Event) -> None:
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
    )
    # Same names start_polling would pass, so startup handlers can ask for them.
    context = {"dispatcher": dispatcher, "bots": [bot], "i18n": i18n, **dispatcher.workflow_data}
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        me = await bot.get_me()
        await dispatcher.emit_startup(bot=bot, **context)
        log.info("running as @%s", me.username)
        console.say(console.STARTED)
        await services.drafts.purge_stale()
        await services.limits.forget_old()
        # Messages queued before a crash (a confirmation, a card) go out before new work.
        outbox = asyncio.create_task(services.outbox.run(stop))
        await catch_up(services.reminders, settings.timezone, utc_now())
        await news_catch_up(services)
        scheduler = create_scheduler(services.reminders, settings.timezone)
        add_news_jobs(scheduler, services, settings.feed_check_minutes)
        scheduler.start()
        try:
            await intake.run(stop)
        finally:
            stop.set()
            scheduler.shutdown(wait=False)
            await outbox
    finally:
        try:
            await dispatcher.emit_shutdown(bot=bot, **context)
        finally:
            await bot.session.close()
            await outbox_bot.session.close()
