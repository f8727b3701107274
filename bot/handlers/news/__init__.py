"""Regional news: subscribers' screens, readers' buttons, editors' composing and actions, and
the superadmins' editor and feed commands."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.news import actions, admin, compose, listing, reading, subscribe


def get_routers() -> list[Router]:
    return [
        admin.get_router(),
        subscribe.get_router(),
        reading.get_router(),
        compose.get_router(),
        actions.get_router(),
        listing.get_router(),  # last: it refuses what non-editors tried
    ]
