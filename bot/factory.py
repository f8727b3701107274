"""Wiring only: build the Bot and the Dispatcher from settings and open resources."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __

from bot.config import Settings
from bot.db.connection import Database
from bot.db.fsm_storage import SQLiteStorage
from bot.db.repositories.drafts import DraftRepository
from bot.db.repositories.limits import LimitRepository
from bot.db.repositories.moderation import ModerationRepository
from bot.db.repositories.moderators import ModeratorRepository
from bot.db.repositories.outbox import OutboxRepository
from bot.db.repositories.reports import ReportRepository
from bot.db.repositories.users import UserRepository
from bot.handlers import get_routers
from bot.handlers.fallback import HintThrottle
from bot.handlers.moderation.cards import CardPublisher, ModeratorNames
from bot.middlewares.identity import IdentityMiddleware, UsernameIndex
from bot.middlewares.locale import StoredLocaleMiddleware
from bot.middlewares.retry import RetryMiddleware
from bot.services.crypto import Keyring
from bot.services.drafts import DraftService
from bot.services.limits import Limits
from bot.services.locales import SUPPORTED_LOCALES
from bot.services.moderation import ModerationService, ModeratorAlerts
from bot.services.outbox import Outbox
from bot.services.reports import ReportService
from bot.services.users import UserService

COMMANDS = (
    ("start", __("Main menu")),
    ("report", __("Report corruption")),
    ("mytips", __("My reports")),
    ("check", __("Check a report by its secret code")),
    ("help", __("How to use the bot")),
    ("language", __("Change the language")),
    ("region", __("Change your region")),
    ("privacy", __("What the bot stores about you")),
    ("cancel", __("Stop the current action")),
)
# Shown only in the moderators' group: citizens need not see what they cannot use.
MODERATOR_COMMANDS = (
    ("queue", __("Moderators: open cases")),
    ("case", __("Moderators: one case in full")),
    ("stats", __("Moderators: statistics")),
    ("export", __("Moderators: export to CSV")),
    ("help", __("How to use the bot")),
    ("cancel", __("Stop the current action")),
)


def create_bot(settings: Settings) -> Bot:
    assert settings.bot_token is not None
    api = (
        TelegramAPIServer.from_base(settings.telegram_api_base)
        if settings.telegram_api_base
        else PRODUCTION
    )
    bot = Bot(
        token=settings.bot_token.get_secret_value(),
        session=AiohttpSession(api=api),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
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
    report_repo: ReportRepository
    moderators: ModeratorRepository
    moderation_repo: ModerationRepository
    moderation: ModerationService


def create_services(settings: Settings, db: Database, keyring: Keyring) -> Services:
    drafts = DraftService(DraftRepository(db), keyring)
    limits = Limits(LimitRepository(db), keyring)
    outbox = Outbox(OutboxRepository(db), keyring)
    report_repo = ReportRepository(db)
    reports = ReportService(
        db=db,
        reports=report_repo,
        drafts=drafts,
        limits=limits,
        outbox=outbox,
        keyring=keyring,
        check_seconds=settings.code_check_seconds,
    )
    users = UserService(UserRepository(db), keyring)
    moderators = ModeratorRepository(db)
    moderation_repo = ModerationRepository(db)
    moderation = ModerationService(
        moderators=moderators,
        repo=moderation_repo,
        reports=report_repo,
        report_service=reports,
        users=users,
        outbox=outbox,
        keyring=keyring,
        admin_ids=settings.admin_ids,
    )
    reports.on_filed = ModeratorAlerts(settings, moderators, outbox).report_filed
    return Services(
        users,
        drafts,
        limits,
        outbox,
        reports,
        report_repo,
        moderators,
        moderation_repo,
        moderation,
    )


def create_dispatcher(
    *,
    settings: Settings,
    db: Database,
    keyring: Keyring,
    i18n: I18n,
    services: Services | None = None,
) -> Dispatcher:
    services = services or create_services(settings, db, keyring)
    users = services.users
    names = ModeratorNames(users, services.moderators)
    cards = CardPublisher(
        i18n=i18n,
        reports=services.report_repo,
        repo=services.moderation_repo,
        users=users,
        keyring=keyring,
        names=names,
        group_locale=settings.group_locale,
    )
    dispatcher = Dispatcher(
        storage=SQLiteStorage(db, keyring),
        settings=settings,
        db=db,
        users=users,
        drafts=services.drafts,
        limits=services.limits,
        outbox=services.outbox,
        reports=services.reports,
        reports_repo=services.report_repo,
        moderation=services.moderation,
        cards=cards,
        names=names,
        hint_throttle=HintThrottle(),
    )
    dispatcher.update.outer_middleware(
        IdentityMiddleware(users, UsernameIndex(services.moderation))
    )
    StoredLocaleMiddleware(i18n).setup(dispatcher)
    dispatcher.include_routers(*get_routers())
    dispatcher.startup.register(set_commands)
    return dispatcher


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
