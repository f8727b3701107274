"""The volunteering services' lines in the append-only audit log.

Rows name what they are about in `new_value` ("volunteer:12", "task:3", "training:1"): a
volunteer only by number, which points at nobody once they delete their data."""

from __future__ import annotations

from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.moderators import Moderator


def subject(volunteer_id: int) -> str:
    """How audit rows name a volunteer: a number that means nothing once they are gone."""
    return f"volunteer:{volunteer_id}"


async def record(
    audit: AuditRepository,
    at: str,
    moderator: Moderator | None,
    action: str,
    subject: str,
    value: str | None = None,
    report_id: int | None = None,
) -> None:
    """An action: by a moderator, or by the volunteer themself (no actor then)."""
    await audit.add(
        at, moderator.id if moderator else None, None, action, report_id, value, subject
    )


async def refusal(
    audit: AuditRepository,
    at: str,
    moderator: Moderator | None,
    actor_key: str | None,
    action: str,
    subject: str,
) -> None:
    """A refused attempt: who tried (a moderator, or a pseudonym) and on what."""
    await audit.add(
        at,
        moderator.id if moderator else None,
        actor_key,
        "refused:" + action,
        None,
        None,
        subject,
    )
