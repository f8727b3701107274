"""Logs never carry report text, names, phone numbers or codes, even at DEBUG level."""

from __future__ import annotations

import logging
import re

from aiogram.utils.i18n import I18n

from bot.logs import configure_logging
from tests import updates as u
from tests.conftest import Chat, shown
from tests.unit.test_report_flow import DESCRIPTION, file_report, onboard, rp

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


async def test_no_content_in_logs(chat: Chat, i18n: I18n, caplog) -> None:
    configure_logging("DEBUG")  # what the bot does at start-up with LOG_LEVEL=DEBUG
    caplog.set_level(logging.DEBUG)
    person = u.user(5_550_001_234, "kk", first_name="Сәуле", username="saule_oral")
    await onboard(chat, person, "kk")
    await file_report(chat, i18n, person, "open", "kk")
    replies = await chat.send(u.callback(person, rp("submit")))
    await file_report(chat, i18n, person, "anonymous", "kk")
    replies = await chat.send(u.callback(person, rp("submit")))
    code = CODE.search("\n".join(shown(replies)))
    assert code is not None
    await chat.send(u.text(person, f"/check {code.group(0)}"))
    await chat.send(u.text(person, "10 МБ" * 2_000_000))  # 10 MB of text outside a flow

    assert caplog.records, "logging was captured"
    logged = caplog.text
    for secret in (
        DESCRIPTION[:40],
        "+77011234567",
        "Сәуле",
        "saule_oral",
        "5550001234",
        code.group(0),
        "10 МБ10 МБ",
    ):
        assert secret not in logged, secret


async def test_filing_an_anonymous_report_logs_nothing_that_dates_it(
    chat: Chat, i18n: I18n, caplog
) -> None:
    """Case numbers are sequential: a logged filing of the next case would date an anonymous
    one filed in between to the second, undoing the database's rounding to the hour."""
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    person = u.user(5_550_001_235, "ru")
    await onboard(chat, person, "ru")
    await file_report(chat, i18n, person, "anonymous", "ru")
    caplog.clear()
    replies = await chat.send(u.callback(person, rp("submit")))
    await chat.flush()
    case = re.search(r"KZ\d\d-\d{6}", "\n".join(shown(replies)))
    assert case is not None
    said = [r.getMessage() for r in caplog.records]
    assert not [m for m in said if case.group(0) in m or re.search(r"(?i)\bfiled\b", m)], said
    assert not [m for m in said if re.search(r"(?i)report\W+#?1\b", m)], said
