"""Superadmins (ADMIN_IDS) add and remove moderators, scope them to regions, and restrict
filing by the tag of a refused attempt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message, MessageOriginUser

from bot.delivery.names import ModeratorNames
from bot.handlers.moderation.access import IsSuperadmin
from bot.services.moderation import ModerationService
from bot.services.numbers import parse_row_id, parse_user_id
from bot.services.refusals import TagError
from bot.services.regions import region_from_text
from bot.views.history import mods_pages
from bot.views.moderation import (
    ban_tag_usage,
    mod_add_usage,
    mod_added_text,
    mod_remove_usage,
    mod_removed_text,
    no_moderators_text,
    tag_banned_text,
    tag_error_text,
    tag_unbanned_text,
    unknown_username_text,
)


def get_router() -> Router:
    router = Router(name="moderation-admin")
    admin = IsSuperadmin()
    router.message.register(mod_add, Command("mod_add"), admin)
    router.message.register(mod_remove, Command("mod_remove"), admin)
    router.message.register(mods, Command("mods"), admin)
    router.message.register(ban_tag, Command("ban_tag"), admin)
    router.message.register(unban_tag, Command("unban_tag"), admin)
    return router


def parse_regions(words: list[str]) -> frozenset[str] | bool | None:
    """Region codes (KZ-27, kz27, 27) or "all"; False when something is not a region."""
    if not words or any(w.lower() in ("all", "*", "барлығы", "все") for w in words):
        return None
    codes = set()
    for word in words:
        for part in word.split(","):
            if not part:
                continue
            region = region_from_text(part)
            if region is None:
                return False
            codes.add(region.code)
    return frozenset(codes)


async def mod_add(
    message: Message, command: CommandObject, moderation: ModerationService, pseudonym: str
) -> None:
    words = (command.args or "").split()
    target_id = _forwarded_user(message)
    target_pseudonym = None
    if target_id is None and words:
        first = words[0]
        if first.startswith("@"):
            target_pseudonym = await moderation.pseudonym_for_username(first)
            words = words[1:]
            if target_pseudonym is None:
                await message.reply(unknown_username_text(first))
                return
        else:
            # Digits only and a possible Telegram id; anything else is not a person.
            target_id = parse_user_id(first)
            words = words[1:]
    if target_id is None and target_pseudonym is None:
        await message.reply(mod_add_usage())
        return
    regions = parse_regions(words)
    if regions is False:
        await message.reply(mod_add_usage())
        return
    if target_id is not None:
        moderator = await moderation.add_moderator(target_id, regions, by=pseudonym)
    else:
        moderator = await moderation.add_moderator_by_pseudonym(
            target_pseudonym, regions, by=pseudonym
        )
        if moderator is None:
            await message.reply(mod_add_usage())
            return
    await message.reply(mod_added_text(moderator.id, regions))


def _forwarded_user(message: Message) -> int | None:
    replied = message.reply_to_message
    origin = replied.forward_origin if replied else None
    return origin.sender_user.id if isinstance(origin, MessageOriginUser) else None


async def mod_remove(
    message: Message, command: CommandObject, moderation: ModerationService, pseudonym: str
) -> None:
    number = parse_row_id(command.args or "")
    if number is None or not await moderation.remove_moderator(number, by=pseudonym):
        await message.reply(mod_remove_usage())
        return
    await message.reply(mod_removed_text(number))


async def mods(message: Message, moderation: ModerationService, names: ModeratorNames) -> None:
    found = await moderation.moderators()
    if not found:
        await message.reply(no_moderators_text())
        return
    rows = [
        (moderator.id, await names.name(message.bot, moderator.id) or "", moderator.regions)
        for moderator in found
    ]
    for page in mods_pages(rows):  # in order, as many messages as the list takes
        await message.answer(page)


async def ban_tag(
    message: Message, command: CommandObject, moderation: ModerationService, pseudonym: str
) -> None:
    await _by_tag(message, command, moderation.refusals.ban, tag_banned_text, pseudonym)


async def unban_tag(
    message: Message, command: CommandObject, moderation: ModerationService, pseudonym: str
) -> None:
    await _by_tag(message, command, moderation.refusals.unban, tag_unbanned_text, pseudonym)


async def _by_tag(
    message: Message,
    command: CommandObject,
    act: Callable[..., Awaitable[str]],
    done: Callable[[str], str],
    pseudonym: str,
) -> None:
    typed = (command.args or "").strip()
    if not typed:
        await message.reply(ban_tag_usage())
        return
    try:
        tag = await act(typed, by=pseudonym)
    except TagError as exc:
        await message.reply(tag_error_text(exc.reason, typed))
        return
    await message.reply(done(tag))
