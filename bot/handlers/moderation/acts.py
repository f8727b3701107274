"""One function per moderator act, shared by the typed command and the card button.

Each returns the reply for the moderator; the service re-checks and records everything in one
transaction (the card refresh and the reporter's notification are queued inside it).
"""

from __future__ import annotations

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.services.moderation import ModerationService
from bot.views.moderation import (
    assigned_text,
    banned_reply,
    note_saved_text,
    question_sent_text,
    status_set_text,
    taken_text,
    unbanned_reply,
)


async def take(moderation: ModerationService, moderator: Moderator, report: Report) -> str:
    await moderation.take(moderator, report)
    return taken_text()


async def assign(
    moderation: ModerationService, moderator: Moderator, report: Report, target: Moderator
) -> str:
    await moderation.assign(moderator, report, target)
    return assigned_text(report.case_number)


async def set_status(
    moderation: ModerationService,
    moderator: Moderator,
    report: Report,
    status: str,
    comment: str = "",
) -> str:
    """`comment` is the reason, or for a duplicate the other case's number."""
    if status == "duplicate":
        await moderation.set_status(moderator, report, status, duplicate_of=comment)
    else:
        await moderation.set_status(moderator, report, status, reason=comment or None)
    return status_set_text(report.case_number, status)


async def ask(
    moderation: ModerationService, moderator: Moderator, report: Report, question: str
) -> str:
    await moderation.ask(moderator, report, question)
    return question_sent_text(anonymous=report.reporter is None)


async def note(
    moderation: ModerationService, moderator: Moderator, report: Report, text: str
) -> str:
    await moderation.note(moderator, report, text)
    return note_saved_text()


async def ban(
    moderation: ModerationService, moderator: Moderator, report: Report, _rest: str
) -> str:
    await moderation.ban(moderator, report)
    return banned_reply(report.case_number)


async def unban(
    moderation: ModerationService, moderator: Moderator, report: Report, _rest: str
) -> str:
    await moderation.unban(moderator, report)
    return unbanned_reply(report.case_number)
