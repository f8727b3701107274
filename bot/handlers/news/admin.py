"""Superadmins give and take the editor right and register feeds."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.delivery.names import ModeratorNames
from bot.handlers.moderation.access import IsSuperadmin
from bot.handlers.moderation.admin import parse_regions
from bot.services.feeds import FeedError, Feeds
from bot.services.moderation import ModerationService
from bot.services.news import NewsService
from bot.services.regions import region_from_text
from bot.views.news_editor import (
    editor_add_usage,
    editor_added_text,
    editor_remove_usage,
    editor_removed_text,
    editors_text,
    feed_add_usage,
    feed_added_text,
    feed_error_text,
    feed_remove_usage,
    feed_removed_text,
    feeds_text,
)


def get_router() -> Router:
    router = Router(name="news-admin")
    admin = IsSuperadmin()
    router.message.register(editor_add, Command("editor_add"), admin)
    router.message.register(editor_remove, Command("editor_remove"), admin)
    router.message.register(editors, Command("editors"), admin)
    router.message.register(feed_add, Command("feed_add"), admin)
    router.message.register(feed_remove, Command("feed_remove"), admin)
    router.message.register(feeds, Command("feeds"), admin)
    return router


async def editor_add(
    message: Message,
    command: CommandObject,
    news: NewsService,
    moderation: ModerationService,
    pseudonym: str,
    i18n: I18n,
) -> None:
    words = (command.args or "").split()
    if not words:
        await message.reply(editor_add_usage())
        return
    first, rest = words[0], words[1:]
    regions = parse_regions(rest)
    if regions is False:
        await message.reply(editor_add_usage())
        return
    if first.isdigit():
        editor = await news.add_editor(regions, pseudonym, telegram_id=int(first))
    elif first.startswith("@"):
        found = await moderation.pseudonym_for_username(first)
        editor = await news.add_editor(regions, pseudonym, pseudonym=found) if found else None
    else:
        editor = None
    if editor is None:
        await message.reply(editor_add_usage())
        return
    await message.reply(editor_added_text(editor, i18n.current_locale))


async def editor_remove(
    message: Message, command: CommandObject, news: NewsService, pseudonym: str
) -> None:
    arg = (command.args or "").strip().lstrip("#")
    if not arg.isdigit() or not await news.remove_editor(int(arg), pseudonym):
        await message.reply(editor_remove_usage())
        return
    await message.reply(editor_removed_text(int(arg)))


async def editors(
    message: Message,
    news: NewsService,
    names: ModeratorNames,
    moderation: ModerationService,
    i18n: I18n,
) -> None:
    rows = []
    for editor in await news.editors():
        moderator = await moderation.moderator(editor.pseudonym)
        name = await names.name(message.bot, moderator.id) if moderator else None
        rows.append((editor, name or ""))
    await message.reply(editors_text(rows, i18n.current_locale))


async def feed_add(
    message: Message, command: CommandObject, feeds_service: Feeds, pseudonym: str
) -> None:
    words = (command.args or "").split()
    if not words:
        await message.reply(feed_add_usage())
        return
    region, locale = "*", "kk"
    for word in words[1:]:
        if word.lower() in ("kk", "ru"):
            locale = word.lower()
        elif word.lower() not in ("all", "*", "барлығы", "все"):
            found = region_from_text(word)
            if found is None:
                await message.reply(feed_add_usage())
                return
            region = found.code
    try:
        feed_id, count = await feeds_service.add(words[0], region, locale, pseudonym)
    except FeedError as exc:
        await message.reply(feed_error_text(exc.reason))
        return
    await message.reply(feed_added_text(feed_id, count))


async def feed_remove(
    message: Message, command: CommandObject, feeds_service: Feeds, pseudonym: str
) -> None:
    arg = (command.args or "").strip().lstrip("#")
    if not arg.isdigit() or not await feeds_service.remove(int(arg), pseudonym):
        await message.reply(feed_remove_usage())
        return
    await message.reply(feed_removed_text(int(arg)))


async def feeds(message: Message, feeds_service: Feeds, i18n: I18n) -> None:
    await message.reply(feeds_text(await feeds_service.feeds(), i18n.current_locale))
