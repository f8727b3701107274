"""Superadmins (ADMIN_IDS) add and remove moderators and scope them to regions."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message, MessageOriginUser
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.moderation.access import IsSuperadmin, refuse
from bot.handlers.moderation.cards import ModeratorNames
from bot.services.moderation import ModerationService
from bot.services.regions import region_from_text


def get_router() -> Router:
    router = Router(name="moderation-admin")
    admin = IsSuperadmin()
    router.message.register(mod_add, Command("mod_add"), admin)
    router.message.register(mod_remove, Command("mod_remove"), admin)
    router.message.register(mods, Command("mods"), admin)
    for name in ("mod_add", "mod_remove", "mods"):
        router.message.register(not_an_admin, Command(name))
    return router


async def not_an_admin(
    message: Message, moderation: ModerationService, pseudonym: str | None, command: CommandObject
) -> None:
    await refuse(message, moderation, pseudonym, command.command)


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
                await message.reply(
                    _(
                        "I have not seen {user} yet. Ask them to send /start to "
                        "the bot first, or use their numeric id."
                    ).format(user=first)
                )
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
    scope = _("all of Kazakhstan") if regions is None else ", ".join(sorted(regions))
    await message.reply(
        _("Moderator #{id} added for: {scope}.").format(id=moderator.id, scope=scope)
    )


def mod_add_usage() -> str:
    return _(
        "Usage: /mod_add [id or @username] [regions], for example /mod_add 123456789 KZ-27 "
        "KZ-23, or /mod_add @name all. You can also reply with /mod_add [regions] to a "
        "message forwarded from that person."
    )


def _forwarded_user(message: Message) -> int | None:
    replied = message.reply_to_message
    origin = replied.forward_origin if replied else None
    return origin.sender_user.id if isinstance(origin, MessageOriginUser) else None


async def mod_remove(
    message: Message, command: CommandObject, moderation: ModerationService, pseudonym: str
) -> None:
    arg = (command.args or "").strip().lstrip("#")
    if not arg.isdigit() or not await moderation.remove_moderator(int(arg), by=pseudonym):
        await message.reply(_("Usage: /mod_remove [moderator number from /mods]."))
        return
    await message.reply(_("Moderator #{id} removed.").format(id=arg))


async def mods(
    message: Message, moderation: ModerationService, names: ModeratorNames, i18n: I18n
) -> None:
    found = await moderation.moderators()
    if not found:
        await message.reply(_("There are no moderators yet. Add one with /mod_add."))
        return
    lines = [_("<b>Moderators</b>")]
    for moderator in found:
        scope = (
            _("all of Kazakhstan")
            if moderator.regions is None
            else ", ".join(sorted(moderator.regions))
        )
        lines.append(f"#{moderator.id} · {await names.name(message.bot, moderator.id)} · {scope}")
    await message.reply("\n".join(lines))
