"""The running bot: dispatcher, durable intake, the outbox, reminders and an orderly shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sqlite3

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot import console
from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.health import StorageProblem, storage_problem
from bot.db.repositories.inbox import InboxRepository
from bot.factory import Services, create_bot, create_dispatcher, create_services
from bot.i18n import create_i18n
from bot.intake.durable import DurableIntake
from bot.intake.webhook import HttpServer, Route, WebhookReceiver, WebhookRefusedError
from bot.metrics import CountFloodWaits, Metrics
from bot.middlewares.budget import CountSends
from bot.news_jobs import add_news_jobs
from bot.news_jobs import catch_up as news_catch_up
from bot.ops.health import Health
from bot.retention_jobs import add_retention_job
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
    metrics = None
    if settings.metrics_port is not None:
        metrics = Metrics(
            outbox_depth=services.outbox.depth,
            reports_by_status=services.reporting.count_by_status,
        )
        services.outbox.on_sent = metrics.message_sent
        for each in (bot, outbox_bot):  # innermost: every 429, retried or not, is counted
            each.session.middleware(CountFloodWaits(metrics))
    # The update types the routers handle: asked for in both modes, so switching keeps them.
    allowed_updates = dispatcher.resolve_used_update_types()
    intake = DurableIntake(
        bot=bot,
        dispatcher=dispatcher,
        inbox=InboxRepository(db),
        keyring=keyring,
        concurrency=settings.intake_concurrency,
        shutdown_grace=settings.shutdown_grace_seconds,
        alarm=services.storage_alarm,
        allowed_updates=allowed_updates,
        observer=metrics.handled if metrics is not None else None,
    )
    health = Health(
        db,
        mode=settings.mode,
        outbox_depth=services.outbox.depth,
        last_update_age=lambda: intake.last_handled_age,
        another_copy=lambda: intake.another_copy_polling,
    )
    # Same names start_polling would pass, so startup handlers can ask for them.
    context = {"dispatcher": dispatcher, "bots": [bot], "i18n": i18n, **dispatcher.workflow_data}
    servers: list[HttpServer] = []
    after_webhook = False
    try:
        if settings.mode == "polling":
            # A webhook left from webhook mode would make every getUpdates fail (409).
            after_webhook = bool((await bot.get_webhook_info()).url)
            await bot.delete_webhook(drop_pending_updates=False)
            if after_webhook:
                # Right after a switch from MODE=webhook; otherwise a copy on another machine
                # has just lost its updates to this one, and nothing else would say so.
                log.warning(
                    "a webhook was set for this token: removed, to poll; a copy of the bot in"
                    " webhook mode, if one runs, gets no more updates"
                )
        me = await bot.get_me()
        # Ports first: one that is taken stops the bot before anything else has started.
        receiver = None
        if settings.mode == "webhook":
            receiver = await listen_for_webhook(settings, bot, intake, health, servers)
        if metrics is not None:
            ops: list[Route] = [
                ("GET", "/metrics", metrics.handle),
                ("GET", "/healthz", health.handle),
            ]
            ops_server = HttpServer(settings.metrics_host, settings.metrics_port, ops)
            await ops_server.start()
            servers.append(ops_server)
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
        add_retention_job(scheduler, services.retention)
        services.volunteering.jobs.attach(scheduler)
        scheduler.start()
        await services.volunteering.jobs.start()
        # Everything built so far (aiogram's and pydantic's types, the routers, the
        # catalogues) lives as long as the process: set it aside so that the collector's
        # full passes no longer walk it. Those passes stalled every chat for 100-odd ms.
        gc.freeze()
        try:
            if receiver is not None:
                await serve_webhook(settings, bot, intake, receiver, allowed_updates, stop)
            else:
                await intake.run(stop, after_webhook=after_webhook)
        finally:
            stop.set()
            scheduler.shutdown(wait=False)
            await outbox
        return await storage
    finally:
        for server in servers:
            await server.close()
        try:
            await dispatcher.emit_shutdown(bot=bot, **context)
        finally:
            await bot.session.close()
            await outbox_bot.session.close()


async def listen_for_webhook(
    settings: Settings, bot: Bot, intake: DurableIntake, health: Health, servers: list[HttpServer]
) -> WebhookReceiver:
    """Bind the webhook's port; it answers 503 until `serve_webhook` opens it."""
    assert settings.webhook_secret is not None
    receiver = WebhookReceiver(
        intake=intake, bot=bot, secret=settings.webhook_secret.get_secret_value()
    )
    receiver.accepting = False
    server = HttpServer(
        settings.webhook_host,
        settings.webhook_port,
        [("POST", settings.webhook_path, receiver.handle), ("GET", "/healthz", health.handle)],
    )
    await server.start()
    servers.append(server)
    return receiver


async def serve_webhook(
    settings: Settings,
    bot: Bot,
    intake: DurableIntake,
    receiver: WebhookReceiver,
    allowed_updates: list[str],
    stop: asyncio.Event,
) -> None:
    """Take updates, then tell Telegram where to post; on `stop` answer 503, drain."""
    assert settings.webhook_secret is not None
    await intake.resume()
    receiver.accepting = True
    await set_webhook(
        settings, bot, settings.webhook_secret.get_secret_value(), allowed_updates, stop
    )
    await stop.wait()
    # Telegram re-sends what gets a 503; what was already stored waits in the inbox.
    receiver.accepting = False
    await intake.drain()


async def set_webhook(
    settings: Settings, bot: Bot, secret: str, allowed_updates: list[str], stop: asyncio.Event
) -> None:
    """setWebhook, again and again while Telegram cannot be reached; a refusal is final."""
    failures = 0
    while not stop.is_set():
        try:
            await bot.set_webhook(
                settings.webhook_endpoint,
                secret_token=secret,
                allowed_updates=allowed_updates,
                drop_pending_updates=False,
            )
        except TelegramBadRequest as exc:
            raise WebhookRefusedError(exc.message) from None
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
            # Unreachable for now; a webhook set by an earlier run may still deliver meanwhile.
            failures += 1
            delay = min(30.0, 0.5 * 2 ** min(failures, 6))
            log.warning("setWebhook failed (%s); retrying in %.1fs", type(exc).__name__, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            continue
        log.info("webhook set; listening on %s:%s", settings.webhook_host, settings.webhook_port)
        return
