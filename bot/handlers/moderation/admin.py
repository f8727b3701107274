"""Superadmins (ADMIN_IDS) add and remove moderators and scope them to regions."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message, MessageOriginUser

from bot.delivery.names import ModeratorNames
from bot.handlers.moderation.access import IsSuperadmin
from bot.services.moderation import ModerationService
from bot.services.regions import region_from_text
from bot.views.moderation import (
    mod_add_usage,
    mod_added_text,
    mod_remove_usage,
    mod_removed_text,
    mods_text,
    no_moderators_text,
    unknown_username_text,
)


def get_router() -> Router:
    router = Router(name="moderation-admin")
    admin = IsSuperadmin()
    router.message.register(mod_add, Command("mod_add"), admin)
    router.message.register(mod_remove, Command("mod_remove"), admin)
    router.message.register(mods, Command("mods"), admin)
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
        if first.isdigit():
            target_id = int(first)
            words = words[1:]
        elif first.startswith("@"):
            target_pseudonym = await moderation.pseudonym_for_username(first)
            words = words[1:]
            if target_pseudonym is None:
                await message.reply(unknown_username_text(first))
                return
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
    arg = (command.args or "").strip().lstrip("#")
    if not arg.isdigit() or not await moderation.remove_moderator(int(arg), by=pseudonym):
        await message.reply(mod_remove_usage())
        return
    await message.reply(mod_removed_text(int(arg)))


async def mods(message: Message, moderation: ModerationService, names: ModeratorNames) -> None:
    found = await moderation.moderators()
    if not found:
        await message.reply(no_moderators_text())
        return
    rows = [
        (moderator.id, await names.name(message.bot, moderator.id) or "", moderator.regions)
        for moderator in found
    ]
    await message.reply(mods_text(rows))
