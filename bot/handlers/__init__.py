"""Routers, one per feature, built fresh by functions so tests get clean dispatchers."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import common, errors, fallback, menu, onboarding, report


def get_routers() -> list[Router]:
    # Order matters: commands that work anywhere first, the catch-all fallback last.
    return [
        errors.get_router(),
        common.get_router(),
        onboarding.get_router(),
        menu.get_router(),
        *report.get_routers(),
        fallback.get_router(),
    ]
