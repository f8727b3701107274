"""Citizens' reports: filing (flow, evidence, submit) and following up."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.report import evidence_step, flow, followup, submit


def get_routers() -> list[Router]:
    return [
        flow.get_router(),
        evidence_step.get_router(),
        submit.get_router(),
        followup.get_router(),
    ]
