"""ReportService (bot/services/reports.py) as the app builds it: bot/factory.create_services."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import EvidenceFile, Report, ReportRepository
from bot.domain import SETTABLE_STATUSES
from bot.factory import Services, create_services
from bot.services.codes import parse_code
from bot.services.dates import from_db
from bot.services.drafts import STEPS, Evidence, ReportDraft
from bot.services.limits import (
    MAX_CHECK_FAILURES_PER_HOUR,
    MAX_REPORTS_PER_DAY,
    WINDOW,
    LimitReachedError,
)
from bot.services.moderation import ModerationService
from bot.services.reports import (
    DraftIncompleteError,
    ReportNotFoundError,
    ReportService,
)

ALICE = 987654321
BOB = 123456789
PHONE = "+77019876543"
DESCRIPTION = "The akimat clerk asked for 50 000 tenge to speed up a land plot decision."
ANONYMITY = ["anonymous", "confidential", "open"]
WITH_CODE = ["anonymous", "confidential"]


@pytest.fixture
def services(settings: Settings, db: Database, keyring: Keyring) -> Services:
    return create_services(settings, db, keyring)


@pytest.fixture
def reports(services: Services) -> ReportService:
    return services.reports


def pseudonym(keyring: Keyring, telegram_id: int) -> str:
    return keyring.pseudonym(telegram_id)


def make_draft(anonymity: str, region: str = "KZ-27") -> ReportDraft:
    draft = ReportDraft(
        area="land",
        region=region,
        settlement="Орал",
        description=DESCRIPTION,
        occurred="2026-11-05",
        involved="Head of the land department",
        amount=50_000,
        evidence=[
            Evidence("photo", "PHOTO-FILE-ID-1", "image/jpeg", cleaned=True),
            Evidence("document", "DOC-FILE-ID-2", "application/pdf"),
        ],
        latitude=51.2278,
        longitude=51.3865,
        anonymity=anonymity,
        phone=PHONE if anonymity == "open" else None,
    )
    for step in STEPS:
        draft.mark(step)
    assert draft.complete
    return draft


async def submit(
    reports: ReportService,
    keyring: Keyring,
    anonymity: str,
    telegram_id: int = ALICE,
    region: str = "KZ-27",
    locale: str = "ru",
) -> tuple[Report, str | None]:
    result = await file(reports, keyring, make_draft(anonymity, region), telegram_id, locale)
    return result.report, result.code


async def file(
    reports: ReportService,
    keyring: Keyring,
    draft: ReportDraft,
    telegram_id: int = ALICE,
    locale: str = "kk",
) -> Any:
    """Submit as the handler does: from the summary message the reporter pressed Submit under."""
    return await reports.submit(
        draft,
        telegram_id,
        pseudonym(keyring, telegram_id),
        locale,
        chat_id=telegram_id,
        message_id=77,
    )


async def count(db: Database, table: str) -> int:
    row = await db.fetchone(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def row_of(db: Database, report_id: int) -> dict[str, Any]:
    row = await db.fetchone("SELECT * FROM reports WHERE id = ?", (report_id,))
    assert row is not None
    return dict(row)


async def outbox_payloads(
    db: Database, keyring: Keyring, kinds: tuple[str, ...] = ("status", "question")
) -> list[tuple[str, dict[str, Any]]]:
    """Queued messages of these kinds (the reporter's news), oldest first."""
    rows = await db.fetchall("SELECT recipient, payload FROM outbox ORDER BY id")
    found = [(r["recipient"], json.loads(keyring.unseal(r["payload"], b"outbox"))) for r in rows]
    return [(who, payload) for who, payload in found if payload["kind"] in kinds]


def raw_bytes(db_path: Path) -> bytes:
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def whole_hour(text: str) -> bool:
    moment = from_db(text)
    return (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


# --- submit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("anonymity", ANONYMITY)
async def test_case_numbers_count_per_region(
    reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    first, _ = await submit(reports, keyring, anonymity)
    second, _ = await submit(reports, keyring, anonymity)
    other, _ = await submit(reports, keyring, anonymity, region="KZ-75")
    third, _ = await submit(reports, keyring, anonymity, telegram_id=BOB)
    assert [first.case_number, second.case_number, third.case_number] == [
        "KZ27-000001",
        "KZ27-000002",
        "KZ27-000003",
    ]
    assert other.case_number == "KZ75-000001"
    assert (first.region, other.region) == ("KZ-27", "KZ-75")


@pytest.mark.parametrize("anonymity", ANONYMITY)
async def test_submit_stores_every_field(
    db: Database, reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    report, _ = await submit(reports, keyring, anonymity, locale="kk")
    assert report == await reports.get(report.id)
    assert (report.area, report.region, report.settlement) == ("land", "KZ-27", "Орал")
    assert (report.description, report.occurred) == (DESCRIPTION, "2026-11-05")
    assert (report.involved, report.amount) == ("Head of the land department", 50_000)
    assert (report.latitude, report.longitude) == (51.2278, 51.3865)
    assert (report.anonymity, report.locale, report.status) == (anonymity, "kk", "received")
    assert await count(db, "reports") == 1


@pytest.mark.parametrize("anonymity", ANONYMITY)
async def test_created_at_is_a_whole_hour(
    reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    report, _ = await submit(reports, keyring, anonymity)
    assert whole_hour(report.created_at)
    (received,) = (await reports.view(report)).history
    assert received.created_at == report.created_at


async def test_anonymous_report_points_back_to_no_one(
    db: Database, db_path: Path, reports: ReportService, keyring: Keyring
) -> None:
    report, code = await submit(reports, keyring, "anonymous")
    assert report.reporter is None and report.phone_enc is None
    assert code is not None
    row = await row_of(db, report.id)
    assert row["reporter"] is None and row["phone_enc"] is None
    for value in row.values():
        assert pseudonym(keyring, ALICE) not in str(value)
        assert str(ALICE) not in str(value)
    assert await reports.mine(pseudonym(keyring, ALICE)) == []
    assert pseudonym(keyring, ALICE).encode() not in raw_bytes(db_path)


async def test_confidential_report_keeps_the_pseudonym(
    reports: ReportService, keyring: Keyring
) -> None:
    report, code = await submit(reports, keyring, "confidential")
    assert report.reporter == pseudonym(keyring, ALICE)
    assert report.phone_enc is None
    assert code is not None


@pytest.mark.parametrize("anonymity", WITH_CODE)
async def test_code_is_returned_once_and_stored_only_hashed(
    db: Database, db_path: Path, reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    report, code = await submit(reports, keyring, anonymity)
    assert code is not None
    parsed = parse_code(code)
    assert parsed is not None and parsed.display == code
    assert report.code_locator == parsed.locator
    assert report.code_salt and report.code_hash
    raw = raw_bytes(db_path)
    assert parsed.secret.encode() not in raw
    assert code.encode() not in raw


async def test_open_report_has_no_code_and_a_sealed_phone(
    db: Database, db_path: Path, reports: ReportService, keyring: Keyring
) -> None:
    report, code = await submit(reports, keyring, "open")
    assert code is None
    assert report.reporter == pseudonym(keyring, ALICE)
    assert report.code_locator is None and report.code_hash is None and report.code_salt is None
    assert report.phone_enc is not None
    assert PHONE.encode() not in report.phone_enc
    context = f"phone:{pseudonym(keyring, ALICE)}".encode()
    assert keyring.unseal(report.phone_enc, context).decode() == PHONE
    raw = raw_bytes(db_path)
    assert DESCRIPTION.encode() in raw  # control: the reader sees what is stored in the clear
    assert PHONE.encode() not in raw
    assert PHONE[1:].encode() not in raw


async def test_sealed_phone_is_bound_to_the_reporter(
    reports: ReportService, keyring: Keyring
) -> None:
    alice, _ = await submit(reports, keyring, "open")
    bob, _ = await submit(reports, keyring, "open", telegram_id=BOB)
    assert alice.phone_enc is not None and bob.phone_enc is not None
    own = {
        alice.phone_enc: pseudonym(keyring, ALICE),
        bob.phone_enc: pseudonym(keyring, BOB),
    }
    for blob, owner in own.items():
        assert keyring.unseal(blob, f"phone:{owner}".encode()).decode() == PHONE
        other = pseudonym(keyring, BOB if owner == pseudonym(keyring, ALICE) else ALICE)
        for context in (f"phone:{other}", "phone", "", owner, f"phone:{owner[:-1]}"):
            with pytest.raises(InvalidTag):
                keyring.unseal(blob, context.encode())
    with pytest.raises(InvalidTag):  # nor under another secret key
        Keyring.from_setting("22" * 32).unseal(
            alice.phone_enc, f"phone:{pseudonym(keyring, ALICE)}".encode()
        )


@pytest.mark.parametrize("anonymity", ANONYMITY)
async def test_evidence_and_first_status_are_stored(
    db: Database, reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    report, _ = await submit(reports, keyring, anonymity)
    rows = await db.fetchall(
        "SELECT kind, file_id, mime_type, cleaned, message_id FROM report_evidence"
        " WHERE report_id = ? ORDER BY id",
        (report.id,),
    )
    assert [tuple(r) for r in rows] == [
        ("photo", "PHOTO-FILE-ID-1", "image/jpeg", 1, None),
        ("document", "DOC-FILE-ID-2", "application/pdf", 0, None),
    ]
    view = await reports.view(report)
    assert [(h.status, h.reason, h.actor) for h in view.history] == [("received", None, None)]
    assert view.evidence_count == 2
    assert view.thread == []
    assert view.report == report


@pytest.mark.parametrize("anonymity", ANONYMITY)
async def test_draft_is_deleted_after_submit(
    db: Database, services: Services, keyring: Keyring, anonymity: str
) -> None:
    draft = make_draft(anonymity)
    await services.drafts.save(ALICE, draft)
    await services.drafts.save(BOB, make_draft("confidential"))
    assert await services.drafts.load(ALICE) == draft
    await file(services.reports, keyring, draft)
    assert await services.drafts.load(ALICE) is None
    assert await services.drafts.load(BOB) is not None  # someone else's draft stays
    assert await count(db, "report_drafts") == 1


def incomplete_drafts() -> list[Any]:
    unanswered = ReportDraft()
    half = make_draft("confidential")
    half.done.remove("evidence")
    open_without_phone = make_draft("open")
    open_without_phone.phone = None
    no_level = make_draft("confidential")
    no_level.anonymity = None
    return [
        pytest.param(unanswered, id="empty"),
        pytest.param(half, id="step-missing"),
        pytest.param(open_without_phone, id="open-without-phone"),
        pytest.param(no_level, id="no-anonymity"),
    ]


@pytest.mark.parametrize("draft", incomplete_drafts())
async def test_incomplete_draft_is_refused(
    db: Database, services: Services, keyring: Keyring, draft: ReportDraft
) -> None:
    await services.drafts.save(ALICE, draft)
    with pytest.raises(DraftIncompleteError):
        await file(services.reports, keyring, draft)
    assert await count(db, "reports") == 0
    assert await count(db, "submission_log") == 0
    assert await services.drafts.load(ALICE) == draft


async def test_sixth_report_a_day_is_refused_and_nothing_stored(
    db: Database, services: Services, keyring: Keyring
) -> None:
    for anonymity in ["anonymous", "confidential", "open", "anonymous", "confidential"]:
        await submit(services.reports, keyring, anonymity)
    assert MAX_REPORTS_PER_DAY == 5
    draft = make_draft("confidential")
    await services.drafts.save(ALICE, draft)
    with pytest.raises(LimitReachedError) as caught:
        await file(services.reports, keyring, draft)
    first = await db.fetchone("SELECT MIN(created_at) AS at FROM reports")
    assert first is not None
    assert caught.value.retry_at == from_db(first["at"]) + WINDOW
    assert caught.value.retry_at > datetime.now(caught.value.retry_at.tzinfo)
    assert await count(db, "reports") == 5
    assert await count(db, "report_status_history") == 5
    assert await count(db, "submission_log") == 2  # only the anonymous ones
    row = await db.fetchone("SELECT last FROM case_counters WHERE region = 'KZ-27'")
    assert row is not None and row["last"] == 5
    assert await services.drafts.load(ALICE) == draft  # kept for tomorrow
    report, _ = await submit(services.reports, keyring, "anonymous", telegram_id=BOB)
    assert report.case_number == "KZ27-000006"


@pytest.mark.parametrize("sixth", ANONYMITY)
async def test_three_confidential_and_two_anonymous_refuse_the_sixth(
    db: Database, reports: ReportService, keyring: Keyring, sixth: str
) -> None:
    for anonymity in ["confidential", "anonymous", "confidential", "anonymous", "confidential"]:
        await submit(reports, keyring, anonymity)
    with pytest.raises(LimitReachedError):
        await submit(reports, keyring, sixth)
    assert await count(db, "reports") == 5
    assert await count(db, "submission_log") == 2


@pytest.mark.parametrize("anonymity", ANONYMITY)
async def test_four_reports_of_any_kind_leave_one(
    reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    for earlier in ["anonymous", "confidential", "open", "anonymous"]:
        await submit(reports, keyring, earlier)
    await submit(reports, keyring, anonymity)
    with pytest.raises(LimitReachedError):
        await submit(reports, keyring, anonymity)


@pytest.mark.parametrize(
    ("anonymity", "logged"), [("anonymous", 1), ("confidential", 0), ("open", 0)]
)
async def test_only_anonymous_reports_are_written_to_the_submission_log(
    db: Database, reports: ReportService, keyring: Keyring, anonymity: str, logged: int
) -> None:
    await submit(reports, keyring, anonymity)
    assert await count(db, "submission_log") == logged


async def test_the_submission_log_cannot_be_joined_to_linked_reports(
    db: Database, reports: ReportService, keyring: Keyring
) -> None:
    await submit(reports, keyring, "confidential")
    await submit(reports, keyring, "open")
    assert await count(db, "submission_log") == 0
    await submit(reports, keyring, "anonymous")
    await submit(reports, keyring, "confidential")
    rows = await db.fetchall("SELECT actor FROM submission_log")
    assert len(rows) == 1
    reporters = await db.fetchall("SELECT DISTINCT reporter FROM reports")
    assert rows[0]["actor"] not in {r["reporter"] for r in reporters}
    assert rows[0]["actor"] != pseudonym(keyring, ALICE)


async def test_two_users_are_limited_apart(
    db: Database, reports: ReportService, keyring: Keyring
) -> None:
    for anonymity in ["confidential", "anonymous", "open", "anonymous", "confidential"]:
        await submit(reports, keyring, anonymity)
        await submit(reports, keyring, anonymity, telegram_id=BOB)
    for telegram_id in (ALICE, BOB):
        with pytest.raises(LimitReachedError):
            await submit(reports, keyring, "anonymous", telegram_id=telegram_id)
    await submit(reports, keyring, "confidential", telegram_id=555)
    assert await count(db, "reports") == 11
    assert await count(db, "submission_log") == 4


# --- find_by_code -----------------------------------------------------------------------------


def variants(code: str) -> list[str]:
    bare = code.replace("-", "")
    return [code, code.lower(), bare.lower(), " ".join(code.split("-")), f"  {bare}  "]


@pytest.mark.parametrize("anonymity", WITH_CODE)
async def test_find_by_code(reports: ReportService, keyring: Keyring, anonymity: str) -> None:
    report, code = await submit(reports, keyring, anonymity)
    await submit(reports, keyring, anonymity)  # another case in the table
    assert code is not None
    for typed in variants(code):
        assert (await reports.find_by_code(typed, BOB)).report == report, typed


async def test_successful_checks_leave_no_trace(
    db: Database, reports: ReportService, keyring: Keyring
) -> None:
    _, code = await submit(reports, keyring, "anonymous")
    assert code is not None
    for _ in range(MAX_CHECK_FAILURES_PER_HOUR + 2):
        assert (await reports.find_by_code(code, BOB)).report is not None
    assert await count(db, "check_failures") == 0


def wrong_codes(code: str) -> list[str]:
    locator, secret = code[:4], code[5:]
    other = "Z" if secret[-1] != "Z" else "Y"
    unknown_locator = ("0000" if locator != "0000" else "1111") + code[4:]
    return [
        f"{locator}-{secret[:-1]}{other}",  # wrong secret
        unknown_locator,
        "not a code at all",
        "",
        code[:-1],
        code[:-1] + "U",  # U is never in a code
    ]


@pytest.mark.parametrize("anonymity", WITH_CODE)
async def test_wrong_codes_find_nothing_and_are_counted(
    db: Database, reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    _, code = await submit(reports, keyring, anonymity)
    assert code is not None
    for n, typed in enumerate(wrong_codes(code), start=1):
        assert (await reports.find_by_code(typed, BOB)).report is None, typed
        assert await count(db, "check_failures") == n


async def test_open_reports_cannot_be_found_by_any_code(
    db: Database, reports: ReportService, keyring: Keyring
) -> None:
    await submit(reports, keyring, "open")
    assert (await reports.find_by_code("0000-0000-0000-0000", BOB)).report is None
    assert await count(db, "check_failures") == 1


async def test_too_many_wrong_codes_are_refused(
    db: Database, reports: ReportService, keyring: Keyring
) -> None:
    report, code = await submit(reports, keyring, "confidential")
    assert code is not None
    for _ in range(MAX_CHECK_FAILURES_PER_HOUR):
        assert (await reports.find_by_code("garbage", BOB)).report is None
    with pytest.raises(LimitReachedError):
        await reports.find_by_code(code, BOB)  # even the right code, until the hour is over
    assert await count(db, "check_failures") == MAX_CHECK_FAILURES_PER_HOUR
    assert (await reports.find_by_code(code, ALICE)).report == report  # only BOB is held


@pytest.fixture
def slow_reports(services: Services, db: Database, keyring: Keyring) -> ReportService:
    return ReportService(
        db=db,
        reports=ReportRepository(db),
        audit=AuditRepository(db),
        drafts=services.drafts,
        limits=services.limits,
        outbox=services.outbox,
        keyring=keyring,
        check_seconds=0.2,
    )


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
async def test_every_check_is_answered_after_the_same_time(
    slow_reports: ReportService, keyring: Keyring, right: bool
) -> None:
    """The service does not wait (no worker is held); it says when the answer may be shown:
    the check's fixed time after it began, right or wrong. The handler holds the answer until
    then (tests/unit/test_check_timing.py drives that through the dispatcher)."""
    report, code = await submit(slow_reports, keyring, "anonymous")
    assert code is not None
    typed = code if right else wrong_codes(code)[0]
    started = time.monotonic()
    check = await slow_reports.find_by_code(typed, BOB)
    finished = time.monotonic()
    assert check.report == (report if right else None)
    assert started + 0.2 <= check.answer_at <= finished + 0.2


# --- the reporter's cases ---------------------------------------------------------------------


async def test_mine_lists_own_linked_reports_newest_first(
    reports: ReportService, keyring: Keyring
) -> None:
    confidential, _ = await submit(reports, keyring, "confidential")
    await submit(reports, keyring, "anonymous")
    opened, _ = await submit(reports, keyring, "open", region="KZ-75")
    await submit(reports, keyring, "confidential", telegram_id=BOB)
    assert await reports.mine(pseudonym(keyring, ALICE)) == [opened, confidential]
    assert [r.anonymity for r in await reports.mine(pseudonym(keyring, BOB))] == ["confidential"]
    assert await reports.mine(pseudonym(keyring, 555)) == []


@pytest.mark.parametrize("anonymity", ["confidential", "open"])
async def test_owned_returns_own_report(
    reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    report, _ = await submit(reports, keyring, anonymity)
    assert await reports.owned(report.id, pseudonym(keyring, ALICE)) == report


@pytest.mark.parametrize("anonymity", ["confidential", "open"])
async def test_owned_refuses_another_users_report(
    reports: ReportService, keyring: Keyring, anonymity: str
) -> None:
    report, _ = await submit(reports, keyring, anonymity)
    with pytest.raises(ReportNotFoundError):
        await reports.owned(report.id, pseudonym(keyring, BOB))


async def test_owned_refuses_anonymous_and_unknown_reports(
    reports: ReportService, keyring: Keyring
) -> None:
    report, _ = await submit(reports, keyring, "anonymous")
    with pytest.raises(ReportNotFoundError):
        await reports.owned(report.id, pseudonym(keyring, ALICE))
    with pytest.raises(ReportNotFoundError):
        await reports.owned(report.id + 100, pseudonym(keyring, ALICE))


# --- what moderators' acts do to the case (the moderation service) ----------------------------


@pytest.fixture
async def moderator(services: Services) -> Moderator:
    return await services.moderation.add_moderator(4242, None, by="admin")


@pytest.fixture
def moderation(services: Services) -> ModerationService:
    return services.moderation


@pytest.mark.parametrize("anonymity", ["confidential", "open"])
async def test_change_status_notifies_a_known_reporter(
    db: Database,
    reports: ReportService,
    moderation: ModerationService,
    moderator: Moderator,
    keyring: Keyring,
    anonymity: str,
) -> None:
    report, _ = await submit(reports, keyring, anonymity)
    await moderation.set_status(moderator, report, "rejected", reason="No <b>facts</b>")
    assert (await reports.get(report.id)).status == "rejected"  # type: ignore[union-attr]
    history = (await reports.view(report)).history
    assert [(h.status, h.reason, h.actor) for h in history] == [
        ("received", None, None),
        ("rejected", "No <b>facts</b>", moderator.pseudonym),
    ]
    assert await outbox_payloads(db, keyring) == [
        (
            pseudonym(keyring, ALICE),
            {
                "kind": "status",
                "case": "KZ27-000001",
                "status": "rejected",
                "reason": "No <b>facts</b>",
                "duplicate_of": None,
            },
        )
    ]


async def test_change_status_on_anonymous_report_notifies_no_one(
    db: Database,
    reports: ReportService,
    moderation: ModerationService,
    moderator: Moderator,
    keyring: Keyring,
) -> None:
    report, _ = await submit(reports, keyring, "anonymous")
    other, _ = await submit(reports, keyring, "anonymous")
    await moderation.set_status(moderator, report, "duplicate", duplicate_of=other.case_number)
    history = (await reports.view(report)).history
    assert [(h.status, h.duplicate_of) for h in history] == [
        ("received", None),
        ("duplicate", other.case_number),
    ]
    assert (await reports.get(report.id)).status == "duplicate"  # type: ignore[union-attr]
    assert await outbox_payloads(db, keyring) == []


@pytest.mark.parametrize("status", ["", "closed", "RECEIVED", "need info", "received"])
async def test_change_status_refuses_unknown_status(
    db: Database,
    reports: ReportService,
    moderation: ModerationService,
    moderator: Moderator,
    keyring: Keyring,
    status: str,
) -> None:
    report, _ = await submit(reports, keyring, "confidential")
    with pytest.raises(ValueError):
        await moderation.set_status(moderator, report, status)
    assert len((await reports.view(report)).history) == 1
    assert (await reports.get(report.id)).status == "received"  # type: ignore[union-attr]
    assert await outbox_payloads(db, keyring) == []


@pytest.mark.parametrize("status", [s for s in SETTABLE_STATUSES if s != "duplicate"])
async def test_every_settable_status_is_accepted(
    reports: ReportService,
    moderation: ModerationService,
    moderator: Moderator,
    keyring: Keyring,
    status: str,
) -> None:
    report, _ = await submit(reports, keyring, "anonymous")
    await moderation.set_status(moderator, report, status, reason="why")
    assert (await reports.get(report.id)).status == status  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("anonymity", "notified"), [("anonymous", 0), *[(a, 1) for a in ANONYMITY[1:]]]
)
async def test_ask_stores_the_question_and_needs_info(
    db: Database,
    reports: ReportService,
    moderation: ModerationService,
    moderator: Moderator,
    keyring: Keyring,
    anonymity: str,
    notified: int,
) -> None:
    report, _ = await submit(reports, keyring, anonymity)
    question = "Which office, and on what <b>date</b>?"
    await moderation.ask(moderator, report, question)
    view = await reports.view(report)
    assert view.report.status == "received"  # the object passed in is not refreshed
    assert (await reports.get(report.id)).status == "need_info"  # type: ignore[union-attr]
    assert [(h.status, h.actor) for h in view.history] == [
        ("received", None),
        ("need_info", moderator.pseudonym),
    ]
    (asked,) = view.thread
    assert (asked.author, asked.kind, asked.body, asked.files) == (
        "moderator",
        "question",
        question,
        0,
    )
    stored = await db.fetchone("SELECT actor FROM report_messages")
    assert stored is not None and stored["actor"] == moderator.pseudonym
    # The question itself, never a second "status changed" message on top of it.
    payloads = await outbox_payloads(db, keyring)
    assert len(payloads) == notified
    if notified:
        assert payloads == [
            (
                pseudonym(keyring, ALICE),
                {"kind": "question", "case": report.case_number, "question": question},
            )
        ]


async def test_ask_again_keeps_one_need_info_entry(
    reports: ReportService,
    moderation: ModerationService,
    moderator: Moderator,
    keyring: Keyring,
) -> None:
    report, _ = await submit(reports, keyring, "confidential")
    report = await moderation.ask(moderator, report, "First question?")
    await moderation.ask(moderator, report, "Second question?")
    view = await reports.view(report)
    assert [h.status for h in view.history] == ["received", "need_info"]
    assert [m.body for m in view.thread] == ["First question?", "Second question?"]


@pytest.mark.parametrize("anonymity", ANONYMITY)
async def test_add_from_reporter_threads_the_answer_with_files(
    db: Database,
    reports: ReportService,
    moderation: ModerationService,
    moderator: Moderator,
    keyring: Keyring,
    anonymity: str,
) -> None:
    report, _ = await submit(reports, keyring, anonymity)
    await moderation.ask(moderator, report, "Do you have the receipt?")
    files = [
        EvidenceFile("photo", "ANSWER-PHOTO-1", "image/jpeg", True),
        EvidenceFile("document", "ANSWER-DOC-2", "application/pdf"),
        EvidenceFile("video", "ANSWER-VIDEO-3", "video/mp4"),
    ]
    await reports.add_from_reporter(report, "Here it is.", files)
    await reports.add_from_reporter(report, None, files[:1])
    await reports.add_from_reporter(report, "Also: the clerk's name is Ivanov.", [])
    view = await reports.view(report)
    assert [(m.author, m.kind, m.body, m.files) for m in view.thread] == [
        ("moderator", "question", "Do you have the receipt?", 0),
        ("reporter", "answer", "Here it is.", 3),
        ("reporter", "answer", None, 1),
        ("reporter", "answer", "Also: the clerk's name is Ivanov.", 0),
    ]
    assert all(whole_hour(m.created_at) for m in view.thread[1:])
    answers = await db.fetchall("SELECT actor FROM report_messages WHERE author = 'reporter'")
    assert [a["actor"] for a in answers] == [None, None, None]
    assert [h.status for h in view.history] == ["received", "need_info"]
    # Only the two files sent with the report; those added later are counted in the thread.
    assert view.evidence_count == 2
    assert sum(m.files for m in view.thread) == 4
    rows = await db.fetchall(
        "SELECT file_id FROM report_evidence WHERE message_id IS NOT NULL ORDER BY id"
    )
    assert [r["file_id"] for r in rows] == [
        "ANSWER-PHOTO-1",
        "ANSWER-DOC-2",
        "ANSWER-VIDEO-3",
        "ANSWER-PHOTO-1",
    ]


async def test_view_keeps_cases_apart(
    reports: ReportService, moderation: ModerationService, moderator: Moderator, keyring: Keyring
) -> None:
    first, _ = await submit(reports, keyring, "confidential")
    second, _ = await submit(reports, keyring, "confidential")
    await moderation.ask(moderator, first, "Question about the first?")
    await reports.add_from_reporter(first, "Answer.", [EvidenceFile("photo", "X")])
    await moderation.set_status(moderator, second, "review")
    one, two = await reports.view(first), await reports.view(second)
    assert [m.body for m in one.thread] == ["Question about the first?", "Answer."]
    assert two.thread == []
    assert [h.status for h in one.history] == ["received", "need_info"]
    assert [h.status for h in two.history] == ["received", "review"]
    assert one.evidence_count == two.evidence_count == 2
    assert [m.files for m in one.thread] == [0, 1]
