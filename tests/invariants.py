"""What must hold in the database after any test that touches moderation.

- No foreign key points nowhere.
- Every status change after filing has its audit row (same case, same change).
- Every status change of a reporter the bot can reach has its message in the outbox, or
  delivered from it: a "status" message, or for "needs more information" set by a question,
  the question itself.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from bot.crypto import Keyring
from bot.db.connection import Database


async def check_case_invariants(
    db: Database, keyring: Keyring, delivered: Iterable[tuple[str, dict[str, Any]]] = ()
) -> None:
    """`delivered`: (recipient, payload) of messages the outbox already sent (and deleted)."""
    broken = await db.fetchall("PRAGMA foreign_key_check")
    assert not broken, [tuple(r) for r in broken]
    history = await db.fetchall(
        "SELECT h.id, h.report_id, h.status, r.reporter, r.case_number"
        " FROM report_status_history h JOIN reports r ON r.id = h.report_id ORDER BY h.id"
    )
    audited = Counter(
        (r["report_id"], (r["new_value"] or "").split(":")[0])
        for r in await db.fetchall(
            "SELECT report_id, new_value FROM audit_log WHERE action = 'status'"
        )
    )
    first_seen: set[int] = set()
    changes: Counter[tuple[int, str]] = Counter()
    owed: list[tuple[str, str, str]] = []  # (reporter, case, status)
    active = {
        r["pseudonym"]
        for r in await db.fetchall("SELECT pseudonym FROM users WHERE is_active = 1")
    }
    for row in history:
        if row["report_id"] not in first_seen:
            first_seen.add(row["report_id"])  # "received", set by filing
            continue
        changes[(row["report_id"], row["status"])] += 1
        if row["reporter"] is not None and row["reporter"] in active:
            owed.append((row["reporter"], row["case_number"], row["status"]))
    for change, count in changes.items():
        assert audited[change] >= count, f"status change without its audit row: {change}"
    queued = Counter()
    questions = Counter()
    waiting = [
        (row["recipient"], json.loads(keyring.unseal(row["payload"], b"outbox")))
        for row in await db.fetchall("SELECT recipient, payload FROM outbox")
    ]
    for recipient, payload in [*waiting, *delivered]:
        if payload.get("kind") == "status":
            queued[(recipient, payload["case"], payload["status"])] += 1
        elif payload.get("kind") == "question":
            questions[(recipient, payload["case"])] += 1
    for reporter, case, status in owed:
        if queued[(reporter, case, status)]:
            queued[(reporter, case, status)] -= 1
        elif status == "need_info" and questions[(reporter, case)]:
            questions[(reporter, case)] -= 1
        else:
            raise AssertionError(f"status change {case} → {status} with no message for it")
