"""Words the whole product shares: statuses, anonymity levels, outbox recipients and kinds.

This module sits below both `bot.db` and `bot.services` (it imports nothing from the bot), so
repositories, services, views and handlers name things the same way.
"""

from __future__ import annotations

from enum import IntEnum

# A case's life. "received" is set by filing; moderators move it on from there.
STATUSES = (
    "received",
    "review",
    "need_info",
    "forwarded",
    "resolved",
    "rejected",
    "duplicate",
)
CLOSED_STATUSES = ("resolved", "rejected", "duplicate")
# What a moderator may set by hand (everything but the initial status).
SETTABLE_STATUSES = ("review", "need_info", "forwarded", "resolved", "rejected", "duplicate")

ANONYMITY_LEVELS = ("anonymous", "confidential", "open")


class Priority(IntEnum):
    """Outbox order: a person waiting for an answer goes before notifications, and both go
    before bulk messages, so a broadcast never makes a citizen in the middle of a report wait."""

    URGENT = 0  # a confirmation somebody is waiting for (a case number and a code)
    NORMAL = 1  # notifications, cards, card refreshes, reminders
    BULK = 2  # digests and broadcasts


# Outbox recipients that are not a user pseudonym.
GROUP_RECIPIENT = "@group"  # the moderators' group
CARDS_RECIPIENT = "@cards"  # every posted copy of a case card (a refresh edits them all)
DIRECT_PREFIX = "@direct:"  # the chat is sealed in the payload (a confirmation to a reporter)
VOLUNTEERS_RECIPIENT = "@volunteers"  # the volunteers' group (VOLUNTEER_CHAT_ID)
