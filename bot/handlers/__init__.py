"""Routers, one per feature, built fresh by functions so tests get clean dispatchers."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import common, errors, fallback, menu, moderation, onboarding, report


def get_routers() -> list[Router]:
    # Order matters: commands that work anywhere first, the catch-all fallback last.
    return [
        errors.get_router(),
        common.get_router(),
        # Before the citizen flows: a moderator typing a question must not be taken as an
        # answer to a report step, and moderation works in the moderators' group too.
        *moderation.get_routers(),
        onboarding.get_router(),
        menu.get_router(),
        *report.get_routers(),
        fallback.get_router(),
    ]
