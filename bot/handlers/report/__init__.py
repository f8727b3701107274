"""Citizens' reports: filing (entry, answers, evidence, submit), following up and answering."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.report import answering, answers, entry, evidence_step, followup, submit


def get_routers() -> list[Router]:
    return [
        entry.get_router(),
        answers.get_router(),
        evidence_step.get_router(),
        submit.get_router(),
        followup.get_router(),
        answering.get_router(),
    ]
