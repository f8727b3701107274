"""Citizens' reports: filing (entry, answers, evidence, submit) and following up."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.report import answers, entry, evidence_step, followup, submit


def get_routers() -> list[Router]:
    return [
        entry.get_router(),
        answers.get_router(),
        evidence_step.get_router(),
        submit.get_router(),
        followup.get_router(),
    ]
