"""Moderation: superadmin commands, moderators' commands, card buttons, stats and export."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.moderation import (
    admin,
    audit,
    buttons,
    casefile,
    commands,
    queue,
    refusals,
    reporting,
    typed,
)


def get_routers() -> list[Router]:
    return [
        admin.get_router(),
        reporting.get_router(),
        queue.get_router(),
        casefile.get_router(),
        audit.get_router(),
        commands.get_router(),
        buttons.get_router(),
        typed.get_router(),
        refusals.get_router(),  # last: what nobody above took
    ]
