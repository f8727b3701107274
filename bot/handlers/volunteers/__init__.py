"""Volunteering: applications, /me and /top, tasks and findings, training sessions (the
volunteers' side, private chat only), and the moderators' side (also in their group)."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.volunteers import (
    application,
    findings,
    mod_people,
    mod_task_input,
    mod_task_new,
    mod_task_review,
    mod_training_manage,
    mod_training_new,
    profile,
    refusals,
    tasks,
    trainings,
)


def get_routers() -> list[Router]:
    """The volunteers' own routers, for the private-chat parent."""
    return [
        application.get_router(),
        profile.get_router(),
        tasks.get_router(),
        findings.get_router(),
        trainings.get_router(),
    ]


def get_staff_routers() -> list[Router]:
    """The moderators' routers, for the private-or-moderators'-group parent."""
    return [
        mod_people.get_router(),
        mod_task_new.get_router(),
        mod_task_review.get_router(),
        mod_task_input.get_router(),
        mod_training_new.get_router(),
        mod_training_manage.get_router(),
        refusals.get_router(),  # last: what nobody above took
    ]
