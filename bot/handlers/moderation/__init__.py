"""Moderation: superadmin commands, moderators' commands, card buttons, stats and export."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.moderation import actions, admin, commands, reports_out


def get_routers() -> list[Router]:
    return [
        admin.get_router(),
        reports_out.get_router(),
        commands.get_router(),
        actions.get_router(),
    ]
