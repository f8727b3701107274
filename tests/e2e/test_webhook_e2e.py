"""Webhook mode over real HTTP, next to polling: the same report flow with a SIGKILL after
Submit in both modes, /healthz and /metrics, a wrong secret refused and never stored, and a
backlog pushed by the emulator that survives a SIGTERM and a SIGKILL without loss or
duplicates, and a switch back to polling after that SIGKILL."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from random import Random
from typing import Any

import aiohttp
import pytest

from bot.devtools.emulator import BotApiEmulator
from bot.domain import STATUSES
from bot.intake.webhook import SECRET_HEADER
from tests.e2e.conftest import WEBHOOK_SECRET, BotProcess, free_port
from tests.e2e.intake_probe import make_backlog, tally
from tests.e2e.submit_trials import GROUP, PROCESS_ENV, report_count, run_trial, table
from tests.e2e.test_no_loss_e2e import CONCURRENCY, wait_answered


@pytest.fixture
async def grouped_bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """Polling runs the same trial in test_submit_kill_e2e.py, with the same checks."""
    emulator.add_group(GROUP, "Модераторлар")
    process = BotProcess(
        emulator, tmp_path, mode="webhook", METRICS_PORT=str(free_port()), **PROCESS_ENV
    )
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.kill()


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def _metric(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    assert match is not None, f"{name}{labels} not in /metrics"
    return float(match.group(1))


async def check_health_and_metrics(process: BotProcess) -> None:
    """After a trial: /healthz says the database is reachable, /metrics counts what ran."""
    metrics = f"http://127.0.0.1:{process.env['METRICS_PORT']}"
    # /healthz: next to /metrics, and in webhook mode also on the webhook's own port.
    bases = [metrics] + ([f"http://127.0.0.1:{process.port}"] if process.mode == "webhook" else [])
    for base in bases:
        status, body = await _get(f"{base}/healthz")
        assert status == 200, body
    health = json.loads(body)
    assert health["database"] == "reachable"
    assert health["mode"] == process.mode
    assert isinstance(health["outbox_depth"], int)
    assert health["last_update_age_seconds"] is not None  # /check was handled in this run

    status, text = await _get(f"{metrics}/metrics")
    assert status == 200
    assert _metric(text, "adal_updates_handled_total", '{type="message"}') >= 1
    assert _metric(text, "adal_update_handling_seconds_count") >= 1
    reports = [_metric(text, "adal_reports", f'{{status="{s}"}}') for s in STATUSES]
    assert sum(reports) == report_count(process)
    # Present from the first scrape (their counting is tested in tests/unit/test_metrics.py).
    _metric(text, "adal_outbox_depth")
    for priority in ("urgent", "normal", "bulk"):
        _metric(text, "adal_outbox_sent_total", f'{{priority="{priority}"}}')
    assert _metric(text, "adal_telegram_flood_waits_total") == 0


async def test_report_with_sigkill_after_submit_health_and_metrics(
    emulator: BotApiEmulator, grouped_bot: BotProcess
) -> None:
    # Telegram answers setWebhook with a 502: the bot retries instead of dying.
    emulator.fail_next(1, 502, methods=["setWebhook"])
    await grouped_bot.start()
    trial = await run_trial(emulator, grouped_bot, 1, "plain", Random(14), 7_600_000_001)
    assert trial.ok, "\n" + table([trial])

    await check_health_and_metrics(grouped_bot)
    assert await grouped_bot.terminate() == 0


def _update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 1_000_000,
            "date": 1_767_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "X"},
            "from": {"id": user_id, "is_bot": False, "first_name": "X", "language_code": "ru"},
            "text": text,
        },
    }


async def _post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status


def _inbox_has(process: BotProcess, update_id: int) -> bool:
    with sqlite3.connect(process.db_path, timeout=30) as conn:
        row = conn.execute("SELECT 1 FROM inbox WHERE update_id = ?", (update_id,)).fetchone()
    return row is not None


async def test_webhook_refuses_forged_updates_survives_stops_and_switches_back(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    process = BotProcess(emulator, tmp_path, mode="webhook")
    try:
        messages = make_backlog(emulator, chats=14, per_chat=6, first_id=8_200_000_000)
        total = sum(len(ids) for ids in messages.values())
        outsider = 8_299_000_000
        emulator.add_user(outsider, language_code="ru")
        await process.start()

        forged = _update(900_000_001, outsider, "/start")
        assert await _post(process.webhook_url, forged, None) == 401
        assert await _post(process.webhook_url, forged, "wrong-secret") == 401

        await wait_answered(emulator, messages, total // 3)
        process.kill()  # mid-backlog: some stored and unhandled, one maybe unanswered
        await process.start()

        # A repeated update_id (handled before the restart) is answered 200 and ignored,
        handled = emulator.api.webhooks.delivered[0]
        assert _inbox_has(process, handled)
        repeated = _update(handled, outsider, "/start")
        assert await _post(process.webhook_url, repeated, WEBHOOK_SECRET) == 200
        # ... while a new one from that person is handled: exactly one answer in all.
        fresh = _update(900_000_002, outsider, "/start")
        assert await _post(process.webhook_url, fresh, WEBHOOK_SECRET) == 200

        # SIGTERM with handlers in flight: 503 to what comes next, the rest drained, exit 0.
        emulator.set_latency(0.02, methods={"sendMessage"})
        await wait_answered(emulator, messages, 2 * total // 3)
        duplicates = tally(emulator, messages).duplicates  # those of the SIGKILL
        assert await process.terminate() == 0
        assert tally(emulator, messages).answered < total  # the stop came mid-backlog
        emulator.clear_faults()
        # Back to polling: the bot deletes the webhook itself, the rest comes by getUpdates.
        process.use_mode("polling")
        await process.start()
        assert emulator.api.webhooks.webhook is None
        assert process.log().count("a webhook was set for this token: removed, to poll") == 1
        await wait_answered(emulator, messages, total)
        await emulator.wait_for_bot_message(outsider, after=0)
        assert await process.terminate() == 0
        assert tally(emulator, messages).duplicates == duplicates  # none from the SIGTERM

        result = tally(emulator, messages)
        assert result.lost == 0, result
        assert result.duplicates <= CONCURRENCY, result  # only updates in flight at the kill
        assert result.out_of_order_chats == 0, result
        assert emulator.pending_update_count == 0
        assert len(emulator.all_bot_messages(outsider)) == 1
        # The forged update was never processed, never stored.
        assert not _inbox_has(process, forged["update_id"])
    finally:
        if process.proc is not None and process.proc.poll() is None:
            process.kill()
