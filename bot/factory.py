"""Wiring only: build the Bots, the services and the Dispatcher from settings and open resources.

Two Bot objects talk to Telegram. Handlers' immediate replies go through one that retries
briefly; the outbox sends through one that does not retry at all, so it sees every 429 itself
and reschedules the message instead of stalling whoever shares the session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.fsm_storage import SQLiteStorage
from bot.db.health import StorageAlarm
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.broadcasts import BroadcastRepository
from bot.db.repositories.drafts import DraftRepository
from bot.db.repositories.limits import LimitRepository
from bot.db.repositories.moderation import ModerationRepository
from bot.db.repositories.moderators import ModeratorRepository
from bot.db.repositories.news import NewsRepository
from bot.db.repositories.outbox import OutboxRepository
from bot.db.repositories.reporting import ReportingRepository
from bot.db.repositories.reports import ReportRepository
from bot.db.repositories.retention import RetentionRepository
from bot.db.repositories.users import UserRepository
from bot.delivery.cards import CardDesk
from bot.delivery.names import ModeratorNames
from bot.delivery.news import NewsDelivery
from bot.delivery.sender import TelegramSender
from bot.handlers import get_routers
from bot.handlers.fallback import HintThrottle
from bot.handlers.gates import gate_routers
from bot.handlers.inline_filters import inline_sync_filters
from bot.middlewares.flood import FloodGuard, FloodMiddleware
from bot.middlewares.held import HeldReplies, HeldRepliesMiddleware
from bot.middlewares.identity import IdentityMiddleware, UsernameIndex
from bot.middlewares.locale import StoredLocaleMiddleware
from bot.middlewares.response_types import KeepResponseTypes
from bot.middlewares.retry import RetryMiddleware
from bot.services.broadcasts import Broadcasts
from bot.services.dates import utc_now
from bot.services.digests import Digests
from bot.services.drafts import DraftService
from bot.services.feeds import Feeds
from bot.services.limits import Limits
from bot.services.locales import SUPPORTED_LOCALES
from bot.services.moderation import ModerationService, ModeratorAlerts
from bot.services.news import NewsService
from bot.services.outbox import Outbox
from bot.services.reminders import Reminders
from bot.services.reporting import ReportingService
from bot.services.reports import ReportService
from bot.services.retention import Retention
from bot.services.subscriptions import Subscriptions
from bot.services.users import UserService
from bot.telegram_session import JsonBodySession
from bot.views.news import rendered_lengths
from bot.volunteering import Volunteering, create_volunteering

COMMANDS = (
    ("start", __("Main menu")),
    ("report", __("Report corruption")),
    ("mytips", __("My reports")),
    ("check", __("Check a report by its secret code")),
    ("help", __("How to use the bot")),
    ("subscribe", __("Subscribe to regional news")),
    ("subscriptions", __("My news subscription")),
    ("language", __("Change the language")),
    ("region", __("Change your region")),
    ("privacy", __("What the bot stores about you")),
    ("volunteer", __("Become a volunteer")),
    ("me", __("Volunteers: my profile and points")),
    ("tasks", __("Volunteers: tasks")),
    ("trainings", __("Volunteers: training sessions")),
    ("top", __("Volunteers: the most active")),
    ("cancel", __("Stop the current action")),
)
# Shown only in the moderators' group: citizens need not see what they cannot use.
MODERATOR_COMMANDS = (
    ("queue", __("Moderators: open cases")),
    ("case", __("Moderators: one case in full")),
    ("stats", __("Moderators: statistics")),
    ("export", __("Moderators: export to Excel or CSV")),
    ("volunteers", __("Moderators: volunteers")),
    ("task_new", __("Moderators: a new volunteer task")),
    ("training_new", __("Moderators: a new training session")),
    ("help", __("How to use the bot")),
    ("cancel", __("Stop the current action")),
)


def create_bot(settings: Settings, *, retry: bool = True) -> Bot:
    """The handlers' Bot (brief retries) or, with `retry=False`, the outbox's own."""
    assert settings.bot_token is not None
    api = (
        TelegramAPIServer.from_base(settings.telegram_api_base)
        if settings.telegram_api_base
        else PRODUCTION
    )
    bot = Bot(
        token=settings.bot_token.get_secret_value(),
        session=JsonBodySession(api=api),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    bot.session.middleware(KeepResponseTypes())
    if retry:
        bot.session.middleware(RetryMiddleware())
    return bot


@dataclass(frozen=True, slots=True)
class Services:
    """Everything handlers and background jobs use, built once per process."""

    users: UserService
    drafts: DraftService
    limits: Limits
    outbox: Outbox
    reports: ReportService
    moderation: ModerationService
    reporting: ReportingService
    reminders: Reminders
    broadcasts: Broadcasts
    news: NewsService
    subscriptions: Subscriptions
    digests: Digests
    feeds: Feeds
    storage_alarm: StorageAlarm
    volunteering: Volunteering
    retention: Retention


def create_services(
    settings: Settings, db: Database, keyring: Keyring, *, now: Callable[[], datetime] = utc_now
) -> Services:
    """`now` is the clock of the outbox, the limits and the reports and moderation services:
    the sandbox's demo (bot/devtools/sandbox/demo.py) files and moderates its cases in the past
    with it."""
    drafts = DraftService(DraftRepository(db), keyring)
    storage_alarm = StorageAlarm()
    outbox = Outbox(
        db,
        OutboxRepository(db),
        keyring,
        rate=settings.outbox_rate,
        alarm=storage_alarm,
        now=now,
    )
    users = UserService(UserRepository(db), keyring)
    moderators = ModeratorRepository(db)
    alerts = ModeratorAlerts(settings.moderator_chat_id, moderators, outbox)
    limits = Limits(LimitRepository(db), keyring, alarm=alerts.codes_guessed, now=now)
    audit = AuditRepository(db)
    report_repo = ReportRepository(db)
    reports = ReportService(
        db=db,
        reports=report_repo,
        audit=audit,
        drafts=drafts,
        limits=limits,
        outbox=outbox,
        keyring=keyring,
        check_seconds=settings.code_check_seconds,
        alerts=alerts,
        now=now,
    )
    moderation = ModerationService(
        db=db,
        moderators=moderators,
        repo=ModerationRepository(db),
        audit=audit,
        reports=report_repo,
        users=users,
        outbox=outbox,
        keyring=keyring,
        admin_ids=settings.admin_ids,
        now=now,
    )
    news_repo = NewsRepository(db)
    broadcast_repo = BroadcastRepository(db)
    broadcasts = Broadcasts(db, broadcast_repo, outbox)
    news = NewsService(
        db=db,
        repo=news_repo,
        users=users,
        outbox=outbox,
        broadcasts=broadcasts,
        measure=rendered_lengths,
        admin_ids=settings.admin_ids,
        channels=settings.news_channels,
    )
    digests = Digests(
        db,
        news_repo,
        broadcast_repo,
        broadcasts,
        tz=settings.timezone,
        slots={"morning": settings.news_morning_at, "evening": settings.news_evening_at},
    )
    feeds = Feeds(
        db=db, repo=news_repo, outbox=outbox, keyring=keyring, editors_for=news.editors_for
    )
    return Services(
        users=users,
        drafts=drafts,
        limits=limits,
        outbox=outbox,
        reports=reports,
        moderation=moderation,
        reporting=ReportingService(ReportingRepository(db)),
        reminders=Reminders(db, moderators, outbox),
        broadcasts=broadcasts,
        news=news,
        subscriptions=Subscriptions(db, news_repo, broadcast_repo),
        digests=digests,
        feeds=feeds,
        storage_alarm=storage_alarm,
        volunteering=create_volunteering(
            settings, db, keyring, outbox=outbox, moderation=moderation
        ),
        retention=Retention(
            db, RetentionRepository(db), audit, outbox, days=settings.retention_days
        ),
    )


def create_dispatcher(
    *,
    settings: Settings,
    db: Database,
    keyring: Keyring,
    i18n: I18n,
    services: Services | None = None,
    outbox_bot: Bot | None = None,
    routers: Sequence[Router] | None = None,
) -> Dispatcher:
    """The dispatcher with its services; with `outbox_bot`, the outbox can send too.
    `routers`: a tree from `get_routers()` to use instead of a new one (tests reuse one)."""
    services = services or create_services(settings, db, keyring)
    names = ModeratorNames(services.moderation)
    cards = CardDesk(
        i18n=i18n,
        moderation=services.moderation,
        users=services.users,
        names=names,
        group_locale=settings.group_locale,
    )
    if outbox_bot is not None:
        services.outbox.attach(
            TelegramSender(
                outbox_bot,
                users=services.users,
                i18n=i18n,
                cards=cards,
                group_chat_id=settings.moderator_chat_id,
                group_locale=settings.group_locale,
                default_locale=settings.default_locale,
                news=NewsDelivery(
                    repo=NewsRepository(db),
                    subscriptions=services.subscriptions,
                    broadcasts=services.broadcasts,
                    outbox=services.outbox,
                    i18n=i18n,
                ),
                volunteers=services.volunteering.delivery(i18n, settings),
            )
        )
    dispatcher = Dispatcher(
        storage=SQLiteStorage(db, keyring),
        settings=settings,
        users=services.users,
        drafts=services.drafts,
        limits=services.limits,
        outbox=services.outbox,
        reports=services.reports,
        moderation=services.moderation,
        reporting=services.reporting,
        cards=cards,
        names=names,
        hint_throttle=HintThrottle(),
        news=services.news,
        subscriptions=services.subscriptions,
        digests=services.digests,
        broadcasts=services.broadcasts,
        feeds_service=services.feeds,
        storage_alarm=services.storage_alarm,
        held_replies=HeldReplies(),
        flood_guard=FloodGuard(
            burst=settings.flood_burst,
            per_second=settings.flood_per_second,
            pause=settings.flood_pause_seconds,
        ),
        **services.volunteering.handler_data(),
    )
    # Before the FSM's (which reads the stored state of every update) and ours: a dropped
    # flood update costs no database read at all.
    dispatcher.update.outer_middleware.unregister(dispatcher.fsm)
    dispatcher.update.outer_middleware(
        FloodMiddleware(dispatcher["flood_guard"], services.users, i18n)
    )
    dispatcher.update.outer_middleware(dispatcher.fsm)
    dispatcher.update.outer_middleware(
        IdentityMiddleware(services.users, UsernameIndex(services.moderation))
    )
    dispatcher.update.outer_middleware(HeldRepliesMiddleware(dispatcher["held_replies"]))
    StoredLocaleMiddleware(i18n).setup(dispatcher)
    dispatcher.include_routers(*(get_routers() if routers is None else routers))
    gate_routers(dispatcher, i18n)  # reads the filters, so before they are wrapped
    inline_sync_filters(dispatcher)
    dispatcher.startup.register(set_commands)
    dispatcher.shutdown.register(release_held_replies)
    return dispatcher


async def release_held_replies(held_replies: HeldReplies) -> None:
    """On an orderly stop, replies still held back (see bot/middlewares/held.py) go now."""
    await held_replies.release_all()


async def set_commands(bot: Bot, i18n: I18n, settings: Settings) -> None:
    """Command descriptions in each language; Telegram picks by the user's app language."""
    scopes: list[tuple[BotCommandScopeDefault | BotCommandScopeChat, tuple]] = [
        (BotCommandScopeDefault(), COMMANDS)
    ]
    if settings.moderator_chat_id is not None:
        scopes.append(
            (BotCommandScopeChat(chat_id=settings.moderator_chat_id), MODERATOR_COMMANDS)
        )
    with i18n.context():
        for scope, table in scopes:
            for code in (None, *SUPPORTED_LOCALES):
                with i18n.use_locale(code or settings.default_locale):
                    commands = [BotCommand(command=c, description=str(d)) for c, d in table]
                await bot.set_my_commands(commands, scope=scope, language_code=code)
