"""Routers, one per feature, built fresh by functions so tests get clean dispatchers.

Where each feature may answer is decided once, on two parent routers: citizens' features in
private chats only; moderation and the common commands also in the moderators' group. In any
other group the bot says nothing.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    common,
    errors,
    fallback,
    menu,
    moderation,
    news,
    onboarding,
    report,
    volunteers,
)
from bot.handlers.places import PrivateChat, PrivateOrModeratorsChat


def get_routers() -> list[Router]:
    staff = Router(name="private-or-moderators-chat")
    staff.message.filter(PrivateOrModeratorsChat())
    staff.callback_query.filter(PrivateOrModeratorsChat())
    # Before the citizen flows: a moderator typing a question must not be taken as an
    # answer to a report step.
    staff.include_routers(
        common.get_router(),
        _feature("moderation", moderation.get_routers()),
        _feature("volunteers-staff", volunteers.get_staff_routers()),
    )

    citizens = Router(name="private-chat")
    citizens.message.filter(PrivateChat())
    citizens.callback_query.filter(PrivateChat())
    citizens.include_routers(
        onboarding.get_router(),
        menu.get_router(),
        _feature("volunteers", volunteers.get_routers()),
        _feature("report", report.get_routers()),
        _feature("news", news.get_routers()),
        fallback.get_router(),  # last: whatever nobody else handled still gets an answer
    )
    # The errors router takes no message or press, so it goes last: an update answered
    # above never walks through it, and an error reaches it wherever it sits.
    return [staff, citizens, errors.get_router()]


def _feature(name: str, routers: list[Router]) -> Router:
    """A feature's routers under one parent, in their order: its gate (bot/handlers/gates.py)
    joins theirs, so an update for another feature passes them by in one check."""
    parent = Router(name=name)
    parent.include_routers(*routers)
    return parent
