"""The nightly retention run (bot/services/retention.py) on APScheduler: 03:30 Asia/Almaty
(or TIMEZONE), when hardly anyone files a report. The job holds no state: it is added again at
every start-up, and a night missed while the bot was down is made up by the next one (the run
erases everything due by then)."""

from __future__ import annotations

import logging
from datetime import time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.services.retention import Retention

log = logging.getLogger(__name__)

RETENTION_JOB_ID = "retention"
RETENTION_AT = time(3, 30)
RETENTION_GRACE_SECONDS = 3 * 3600  # held up (a suspended machine): still worth it till dawn


def add_retention_job(scheduler: AsyncIOScheduler, retention: Retention) -> None:
    scheduler.add_job(
        run_retention,
        CronTrigger(
            hour=RETENTION_AT.hour, minute=RETENTION_AT.minute, timezone=scheduler.timezone
        ),
        args=(retention,),
        id=RETENTION_JOB_ID,
        name=RETENTION_JOB_ID,
        replace_existing=True,
        misfire_grace_time=RETENTION_GRACE_SECONDS,
    )


async def run_retention(retention: Retention) -> None:
    try:
        await retention.run()
    except Exception as exc:
        # The type only: a message could quote a case. The next night tries again.
        log.error("retention failed: %s", type(exc).__name__)
