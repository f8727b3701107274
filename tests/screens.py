"""Every screen of the main flows, Kazakh and Russian side by side, for a native reader.

    python -m tests.screens [docs/screens.md]      (or scripts/screens)

Each scenario below is played twice, once with everybody speaking Kazakh and once Russian,
through the real dispatcher (``bot.factory.create_dispatcher``) on the fake Telegram session
from ``tests/``. The script only feeds raw updates, taps buttons it finds in what the bot
really sent, and delivers the outbox the way the running bot does; it reads back the Bot API
requests. So it shows exactly what people see, in order, and survives refactors of the
handlers: the only internals it names are the factory, the outbox sender and the settings.

Follow-up codes, today's date and clock times are replaced with fixed examples, so the file
changes only when a screen does (tests/unit/test_screens.py checks that it is current).
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMessages,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChat,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    AcceptedGiftTypes,
    ChatFullInfo,
    ForceReply,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from babel.dates import format_date

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.migrations import apply_migrations
from bot.factory import create_dispatcher, create_services
from bot.i18n import create_i18n
from bot.services import outbox as outbox_pacing
from bot.services.dates import format_day
from bot.services.refusals import TAG_LABEL, shown_tag
from bot.views.callbacks import SubAction, SubCallback
from bot.views.subscriptions import REGION_CODES
from tests import updates as u
from tests.fake_session import FakeBot, FakeSession
from tests.report_paths import BEFORE, PATHS, Walk, walk

LOCALES = ("kk", "ru")
HEADERS = {"kk": "Қазақша", "ru": "Русский"}
SECRET = "5c" * 32
ADMIN, MODERATOR, CITIZEN = 7000, 7001, 7002
NAMES = {ADMIN: "Ержан", MODERATOR: "Данияр", CITIZEN: "Айгүл"}
ROLES = {ADMIN: "Superadmin", MODERATOR: "Moderator", CITIZEN: "Citizen"}

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
EXAMPLE_CODE = "K7QD-3MXA-9TRF-2HWN"  # the one the /check prompt shows; left as it is
SHOWN_CODE = "7KQD-M3XA-T9RF-H2WN"
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
SHOWN_DAY = date(2026, 11, 23)


# --- what a scenario is made of -------------------------------------------------------------


Localized = str | dict[str, str]  # the same in both languages, or one value per language


def pick(value: Localized, locale: str) -> str:
    return value if isinstance(value, str) else value[locale]


@dataclass(frozen=True)
class Say:
    """The person types (or sends a /command)."""

    text: Localized


@dataclass(frozen=True)
class Tap:
    """The person taps the inline button with this callback data on the newest message
    that has it; ``{locale}`` is filled in. A missing button stops the script."""

    data: str


@dataclass(frozen=True)
class TapReply:
    """The person taps the reply-keyboard button whose label starts with ``prefix``."""

    prefix: str


@dataclass(frozen=True)
class Send:
    """A non-text message: photo, location, contact, sticker…"""

    what: str
    content: dict[str, Any]


Action = Say | Tap | TapReply | Send


@dataclass(frozen=True)
class Step:
    who: int
    action: Action
    note: str  # what the person does, for the reader
    show: bool = True  # repeated steps can run quietly


@dataclass(frozen=True)
class Section:
    title: str
    intro: str = ""


Scenario = list[Section | Step]


def reply_markup_note(markup: Any) -> str:
    if isinstance(markup, ReplyKeyboardRemove):
        return "⌨️ (keyboard removed)"
    if isinstance(markup, ForceReply):
        return "↩️ (asks for a reply)"
    return ""


# --- the scenario ---------------------------------------------------------------------------

DESCRIPTION = {
    "kk": (
        "Ауылдағы мектептің күрделі жөндеуіне бөлінген қаржы толық игерілді деп актіге қол "
        "қойылған, бірақ шатыры әлі ағып тұр, терезелері ауыстырылмаған."
    ),
    "ru": (
        "Акт о капитальном ремонте сельской школы подписан, деньги списаны полностью, "
        "но крыша по-прежнему течёт, а окна так и не заменили."
    ),
}
PHOTO = {
    "photo": [
        {"file_id": "photo-small", "file_unique_id": "p1", "width": 90, "height": 90},
        {"file_id": "photo-large", "file_unique_id": "p2", "width": 1280, "height": 960},
    ]
}
PHOTO_2 = {"photo": [{"file_id": "photo-2", "file_unique_id": "p3", "width": 90, "height": 90}]}
LOCATION = {"location": {"latitude": 51.2278, "longitude": 51.3865}}
CONTACT = {"contact": {"phone_number": "+77011234567", "first_name": "Айгүл", "user_id": CITIZEN}}
STICKER = {
    "sticker": {
        "file_id": "CAAC-sticker",
        "file_unique_id": "st1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
}


def _sub(action: SubAction, **fields: Any) -> str:
    """A subscription button as drawn for a person of West Kazakhstan, every topic."""
    mask = 1 << REGION_CODES.index("KZ-27")
    return SubCallback(action=action, r=mask, t=-1, **fields).pack()


def quick_report(anonymity: str) -> list[Step]:
    """A whole report typed quickly, not shown: its screens are the same as the first one's."""
    return [
        Step(CITIZEN, TapReply("📝"), "Report corruption", show=False),
        Step(CITIZEN, Tap("rp:area:land"), "Area", show=False),
        Step(CITIZEN, Tap("rp:region:KZ-27"), "Region", show=False),
        Step(CITIZEN, Say({"kk": "Ақсай қаласы", "ru": "г. Аксай"}), "Place", show=False),
        Step(CITIZEN, Say(DESCRIPTION), "What happened", show=False),
        Step(CITIZEN, Tap("rp:when:week"), "When", show=False),
        Step(CITIZEN, Tap("rp:skip:"), "Who: skipped", show=False),
        Step(CITIZEN, Tap("rp:skip:"), "Amount: skipped", show=False),
        Step(CITIZEN, TapReply("➡️"), "No location", show=False),
        Step(CITIZEN, Tap(f"rp:anon:{anonymity}"), f"Chooses {anonymity}"),
    ]


VOLUNTEER_NAME = {"kk": "Айгүл Серікқызы", "ru": "Айгуль Серикова"}
VOLUNTEER_SCENARIO: list[Section | Step] = [
    Section("Becoming a volunteer", "The citizen applies; the region's moderator approves."),
    Step(CITIZEN, Say("/volunteer"), "Sends /volunteer"),
    Step(CITIZEN, Say("A"), "Types too short a name"),
    Step(CITIZEN, Say(VOLUNTEER_NAME), "Types their name"),
    Step(CITIZEN, Tap("v:reg:KZ-27"), "Taps their region"),
    Step(CITIZEN, Say("8 901 123 45 67"), "Types a Russian number"),
    Step(CITIZEN, Send("contact", CONTACT), "Shares their phone number"),
    Step(CITIZEN, Tap("v:skill:procurement"), "Taps Procurement monitoring"),
    Step(CITIZEN, Tap("v:skill:construction"), "Taps Construction sites and schools"),
    Step(CITIZEN, Tap("v:sdone:"), "Taps Done"),
    Step(CITIZEN, Tap("v:av:evenings"), "Taps Weekday evenings"),
    Step(CITIZEN, Tap("v:adone:"), "Taps Done"),
    Step(CITIZEN, Tap("v:ok:"), "Agrees and sends"),
    Step(MODERATOR, Tap("vm:who:1::::0"), "Taps Name and phone on the application card"),
    Step(MODERATOR, Tap("vm:ok:1::::0"), "Taps Approve"),
    Step(CITIZEN, Say("/me"), "Sends /me"),
    Step(CITIZEN, Say("/tasks"), "Sends /tasks"),
    Step(CITIZEN, Say("/trainings"), "Sends /trainings"),
    Step(CITIZEN, Say("/top"), "Sends /top"),
    Section("Moderators start a task and a training session", "Both stopped before the date."),
    Step(MODERATOR, Say("/volunteers active"), "Sends /volunteers active"),
    Step(MODERATOR, Say("/task_new"), "Sends /task_new"),
    Step(MODERATOR, Say({"kk": "Мектеп құрылысы", "ru": "Стройка школы"}), "Types the title"),
    Step(
        MODERATOR,
        Say({"kk": "Сырттан суретке түсіріңіз.", "ru": "Сфотографируйте с улицы."}),
        "Types the instructions",
    ),
    Step(MODERATOR, Tap("tm:skill:0:construction"), "Taps Construction sites and schools"),
    Step(MODERATOR, Say("/cancel"), "Stops"),
    Step(MODERATOR, Say("/training_new"), "Sends /training_new"),
    Step(MODERATOR, Say("Сатып алу порталы"), "Types the Kazakh title"),
    Step(MODERATOR, Say("Портал госзакупок"), "Types the Russian title"),
    Step(MODERATOR, Say("Шартты қалай табу керек."), "Types the Kazakh description"),
    Step(MODERATOR, Say("Как найти договор."), "Types the Russian description"),
    Step(MODERATOR, Say("/cancel"), "Stops"),
]

SCENARIO: Scenario = [
    Section("Onboarding", "A person opens the bot for the first time."),
    Step(CITIZEN, Say("/start"), "Sends /start"),
    Step(CITIZEN, Tap("lang:{locale}"), "Taps their language"),
    Step(CITIZEN, Tap("reg:KZ-27"), "Taps West Kazakhstan region"),
    Section("Moderators are appointed", "A superadmin adds a moderator for the region."),
    Step(ADMIN, Say("/start"), "The superadmin starts the bot", show=False),
    Step(ADMIN, Tap("lang:{locale}"), "Language", show=False),
    Step(ADMIN, Tap("reg:KZ-27"), "Region", show=False),
    Step(MODERATOR, Say("/start"), "The moderator starts the bot", show=False),
    Step(MODERATOR, Tap("lang:{locale}"), "Language", show=False),
    Step(MODERATOR, Tap("reg:KZ-27"), "Region", show=False),
    Step(ADMIN, Say(f"/mod_add {MODERATOR} KZ-27"), "Adds the moderator"),
    Step(ADMIN, Say("/mods"), "Lists moderators"),
    Section("Menu, help and unexpected input"),
    Step(CITIZEN, TapReply("❓"), "Taps Help"),
    Step(CITIZEN, Say("/privacy"), "Sends /privacy"),
    Step(CITIZEN, TapReply("📰"), "Taps News subscriptions: their region is preselected"),
    Step(CITIZEN, Tap(_sub(SubAction.REGIONS_DONE)), "Keeps their region: Next"),
    Step(CITIZEN, Tap(_sub(SubAction.TOPICS_DONE)), "Keeps all topics: Next"),
    Step(CITIZEN, Tap(_sub(SubAction.FREQUENCY, v="daily")), "Chooses a daily digest"),
    Step(CITIZEN, Tap(_sub(SubAction.SLOT, v="evening", f="daily")), "Chooses the evening"),
    Step(CITIZEN, Say("/unsubscribe"), "Sends /unsubscribe"),
    Step(CITIZEN, Tap(SubCallback(action=SubAction.STOP_YES).pack()), "Confirms"),
    Step(CITIZEN, TapReply("🤝"), "Taps Become a volunteer"),
    Step(CITIZEN, Say("/cancel"), "Stops the application (it comes back at the end)"),
    Step(CITIZEN, Say({"kk": "Сәлеметсіз бе", "ru": "Здравствуйте"}), "Types a greeting"),
    Step(CITIZEN, Send("sticker", STICKER), "Sends a sticker"),
    Step(CITIZEN, Say("/foo"), "Sends an unknown command"),
    Step(CITIZEN, Say("/language"), "Sends /language"),
    Step(CITIZEN, Tap("lang:{locale}"), "Keeps the same language"),
    Step(CITIZEN, Say("/region"), "Sends /region"),
    Step(CITIZEN, Tap("reg:KZ-27"), "Keeps the same region"),
    Section("Filing a report, step by step", "An anonymous report with a photo and a location."),
    Step(CITIZEN, TapReply("📝"), "Taps Report corruption"),
    Step(CITIZEN, Tap("rp:area:education"), "Chooses Education"),
    Step(CITIZEN, Tap("rp:region:KZ-27"), "Keeps their region"),
    Step(CITIZEN, Say({"kk": "Теректі ауданы", "ru": "Теректинский район"}), "Types the place"),
    Step(CITIZEN, Say({"kk": "Ақша жымқырылды", "ru": "Украли деньги"}), "Writes too little"),
    Step(CITIZEN, Say(DESCRIPTION), "Describes what happened"),
    Step(CITIZEN, Tap("rp:when:exact"), "Chooses an exact date"),
    Step(CITIZEN, Say("5.11"), "Types a date badly"),
    Step(CITIZEN, Say("01.01.1999"), "Types a date too long ago"),
    Step(CITIZEN, Say("01.01.2099"), "Types a date in the future"),
    Step(CITIZEN, Say("05.11.2025"), "Types the date"),
    Step(
        CITIZEN,
        Say({"kk": "Аудандық білім бөлімі", "ru": "Районный отдел образования"}),
        "Says who is involved",
    ),
    Step(CITIZEN, Say({"kk": "көп ақша", "ru": "много денег"}), "Types an amount badly"),
    Step(CITIZEN, Say("12,5 млн"), "Types the amount"),
    Step(CITIZEN, Send("location", LOCATION), "Shares a location"),
    Step(CITIZEN, Tap("rp:anon:anonymous"), "Chooses Anonymous"),
    Step(CITIZEN, Send("photo", PHOTO), "Sends a photo: the summary comes at once"),
    Step(CITIZEN, Send("photo", PHOTO_2), "Sends another photo"),
    Step(CITIZEN, Tap("rp:edit:settlement"), "Wants to change the place"),
    Step(CITIZEN, Say({"kk": "Теректі ауданы, Федоровка", "ru": "Теректинский район"}), "Types"),
    Step(CITIZEN, Tap("rp:submit:"), "Submits"),
    Step(CITIZEN, Tap("rp:erase:"), "Deletes the conversation from the chat"),
    Section("Checking an anonymous report with its code"),
    Step(CITIZEN, Say("/check"), "Sends /check"),
    Step(CITIZEN, Say("AAAA-BBBB-CCCC-DDDD"), "Types a wrong code"),
    Step(CITIZEN, Say("/check {code}"), "Sends /check with the right code"),
    Section("The moderator works on the case", "Cards come to the moderator's private chat."),
    Step(MODERATOR, Tap("md:take:1:"), "Taps Take"),
    Step(MODERATOR, Tap("md:status:1:"), "Taps Status"),
    Step(MODERATOR, Tap("md:card:1:"), "Taps Back"),
    Step(MODERATOR, Tap("md:files:1:"), "Taps Show evidence"),
    Step(MODERATOR, Tap("md:task:1:"), "Taps Make a volunteer task"),
    Step(MODERATOR, Tap("md:ask:1:"), "Taps Ask the reporter"),
    Step(
        MODERATOR,
        Say({"kk": "Актінің күні мен нөмірі есіңізде ме?", "ru": "Помните дату и номер акта?"}),
        "Types the question",
    ),
    Step(MODERATOR, Tap("md:note:1:"), "Taps Internal note"),
    Step(MODERATOR, Say({"kk": "Білім бөліміне сұрау салу", "ru": "Запросить акт"}), "Types"),
    Section("The anonymous reporter answers through /check"),
    Step(CITIZEN, Say("/check {code}"), "Sends /check with the code"),
    Step(CITIZEN, Tap("cs:add:1"), "Taps Answer or add information"),
    Step(CITIZEN, Say({"kk": "Акт 12 қазанда жасалған.", "ru": "Акт от 12 октября."}), "Types"),
    Step(CITIZEN, Tap("cs:more:1"), "Taps Add more"),
    Step(CITIZEN, Tap("rp:thread_done:"), "Taps That's all"),
    Section("An open report", "The same flow up to the choice, then the phone number."),
    *quick_report("open"),
    Step(CITIZEN, Send("contact", CONTACT), "Shares their phone number"),
    Step(CITIZEN, Tap("rp:skip:"), "No files: the summary"),
    Step(CITIZEN, Tap("rp:submit:"), "Submits"),
    Section("Status changes and questions reach the reporter; /mytips"),
    Step(MODERATOR, Tap("md:phone:2:"), "Taps Show the phone number"),
    Step(MODERATOR, Tap("md:status:2:"), "Taps Status"),
    Step(MODERATOR, Tap("md:set:2:forwarded"), "Sets Forwarded to the authorities"),
    Step(MODERATOR, Say("/ask KZ27-000002 {question}"), "Asks by command"),
    Step(CITIZEN, Tap("an:KZ27-000002"), "Taps Answer under the question"),
    Step(CITIZEN, Say({"kk": "Кешкі 6-дан кейін.", "ru": "После 18:00."}), "Types the answer"),
    Step(CITIZEN, TapReply("📂"), "Taps My reports"),
    Step(CITIZEN, Tap("cs:open:2"), "Opens the case"),
    Step(MODERATOR, Tap("md:status:1:"), "Taps Status on the first card"),
    Step(MODERATOR, Tap("md:set:1:rejected"), "Sets Rejected"),
    Step(MODERATOR, Say({"kk": "Дерек жеткіліксіз.", "ru": "Недостаточно данных."}), "Reason"),
    Step(MODERATOR, Say("/status KZ27-000002 duplicate KZ27-000001"), "Marks a duplicate"),
    Step(MODERATOR, Say("/status KZ27-000002 duplicate KZ27-000001"), "Same again"),
    Section("Moderators' commands"),
    Step(MODERATOR, Say("/queue"), "Sends /queue"),
    Step(MODERATOR, Say("/case KZ27-000001"), "Sends /case"),
    Step(MODERATOR, Say("/audit KZ27-000001"), "Sends /audit"),
    Step(MODERATOR, Say("/status"), "Sends /status without a case"),
    Step(MODERATOR, Say("/case KZ11-000009"), "Asks for a case from another region"),
    Section("Blocking a reporter"),
    Step(MODERATOR, Say("/ban KZ27-000001"), "Tries to block an anonymous reporter"),
    Step(MODERATOR, Say("/ban KZ27-000002"), "Blocks the open report's reporter"),
    Step(CITIZEN, TapReply("📝"), "Tries to file a report"),
    Step(MODERATOR, Say("/unban KZ27-000002"), "Lifts the block"),
    Section(
        "Refused attempts",
        "A citizen tries a moderators' command; /audit shows it by a tag, never by name, and "
        "the superadmin can restrict filing by that tag.",
    ),
    Step(CITIZEN, Say("/queue"), "Tries /queue"),
    Step(MODERATOR, Say("/audit"), "Sends /audit without a case"),
    Step(ADMIN, Say("/ban_tag {tag}"), "Restricts filing by the tag"),
    Step(ADMIN, Say("/unban_tag {tag}"), "Lifts the restriction"),
    Step(MODERATOR, Say("/mod_remove 1"), "A moderator tries a superadmins' command"),
    Section("Numbers and export"),
    Step(MODERATOR, Say("/assign KZ27-000002 ²"), "Types a number with a superscript"),
    Step(MODERATOR, Say("/ask KZ27-000002"), "Sends /ask without a question"),
    Step(MODERATOR, Say("/export"), "Sends /export: a spreadsheet"),
    Step(MODERATOR, Say("/export month csv"), "Asks for CSV instead"),
    Section("A draft survives an interruption"),
    Step(CITIZEN, TapReply("📝"), "Starts a report"),
    Step(CITIZEN, Tap("rp:area:ecology"), "Chooses Ecology"),
    Step(CITIZEN, Tap("rp:cancel:"), "Taps Cancel"),
    Step(CITIZEN, Say("/report"), "Sends /report again"),
    Step(CITIZEN, Tap("rp:resume:"), "Continues the draft"),
    # One sticker per chat in the whole scenario: hints to a burst of them are throttled by
    # time, and the file must not depend on how fast the machine is.
    Step(CITIZEN, Say({"kk": "Орал", "ru": "Уральск"}), "Types instead of tapping a region"),
    Step(CITIZEN, Say("/foo"), "Sends an unknown command"),
    Step(CITIZEN, Say("/mytips"), "Sends a command in the middle"),
    Step(CITIZEN, Say("/cancel"), "Sends /cancel"),
    Step(CITIZEN, Say("/cancel"), "Sends /cancel again"),
    *VOLUNTEER_SCENARIO,
]
QUESTION = {"kk": "Қоңырау шалуға ыңғайлы уақытыңызды жазыңызшы.", "ru": "Когда вам удобно?"}


# --- running it -----------------------------------------------------------------------------


@dataclass
class Shown:
    """One thing a person sees after an action."""

    chat: int
    kind: str  # message | edit | markup | deleted | toast | alert | photo | document | album
    text: str = ""
    buttons: list[list[str]] = field(default_factory=list)
    keyboard: list[list[str]] = field(default_factory=list)  # a reply keyboard
    note: str = ""


@dataclass
class Played:
    step: Step
    typed: str
    shown: list[Shown]


class RecordingSession(FakeSession):
    """The fake session, also remembering what it answered and giving people their names."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[tuple[TelegramMethod[Any], Any]] = []

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        result = await super().make_request(bot, method, timeout)
        self.answers.append((method, result))
        return result

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetChat):
            chat_id = int(method.chat_id)
            return ChatFullInfo(
                id=chat_id,
                type="private",
                first_name=NAMES.get(chat_id, str(chat_id)),
                accent_color_id=0,
                max_reaction_count=0,
                accepted_gift_types=AcceptedGiftTypes(
                    unlimited_gifts=False,
                    limited_gifts=False,
                    unique_gifts=False,
                    premium_subscription=False,
                    gifts_from_channels=False,
                ),
            )
        return super()._result(method)


class World:
    """One language: a fresh database, the real dispatcher, and three people."""

    def __init__(self, locale: str, workdir: Path) -> None:
        self.locale = locale
        self.workdir = workdir
        self.bot = FakeBot()
        self.session = RecordingSession()
        self.bot.session = self.session
        # message_id -> (chat, {callback data: button text}, reply keyboard labels)
        self.messages: dict[int, tuple[int, dict[str, str], list[str]]] = {}
        self.code = ""

    async def __aenter__(self) -> World:
        self.settings = Settings(
            _env_file=None,
            bot_token="42:SCREENS",
            secret_key=SECRET,
            database_path=self.workdir / f"{self.locale}.sqlite3",
            admin_ids=(ADMIN,),
            code_check_seconds=0.01,
            outbox_rate=1000,
            flood_burst=0,  # the scenarios are played far faster than anyone types
        )
        self.db = await Database.open(self.settings.database_path)
        await apply_migrations(self.db)
        keyring = Keyring.from_setting(SECRET)
        self.tag = shown_tag(keyring.opaque(TAG_LABEL + keyring.pseudonym(CITIZEN)))
        i18n = create_i18n(self.settings.default_locale)
        self.services = create_services(self.settings, self.db, keyring)
        self.dp = create_dispatcher(
            settings=self.settings,
            db=self.db,
            keyring=keyring,
            i18n=i18n,
            services=self.services,
            outbox_bot=self.bot,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.db.close()

    def person(self, user_id: int) -> dict[str, Any]:
        return u.user(user_id, self.locale, first_name=NAMES[user_id])

    async def play(self, step: Step) -> Played:
        before = len(self.session.answers)
        update, typed = self._update(step)
        await self.dp.feed_raw_update(self.bot, update)
        await self.dp["held_replies"].settle()  # a /check answer comes a moment later
        while await self.services.outbox.send_due():  # what the running bot does next
            pass
        shown = [self._see(method, result) for method, result in self.session.answers[before:]]
        return Played(step, typed, [s for s in shown if s is not None])

    def _fill(self, text: str) -> str:
        return text.format(
            code=self.code,
            question=QUESTION[self.locale],
            locale=self.locale,
            tag=self.tag,
        )

    def _update(self, step: Step) -> tuple[dict[str, Any], str]:
        person, action = self.person(step.who), step.action
        if isinstance(action, Say):
            text = self._fill(pick(action.text, self.locale))
            return u.text(person, text), f"«{text}»"
        if isinstance(action, Tap):
            data = self._fill(action.data)
            message_id = self._message_with(step.who, data)
            label = self.messages[message_id][1][data]
            return u.callback(person, data, message_id), f"<kbd>{label}</kbd>"
        if isinstance(action, TapReply):
            label = self._reply_label(step.who, action.prefix)
            return u.text(person, label), f"⌨️ <kbd>{label}</kbd>"
        return u.message(person, **action.content), f"<i>({action.what})</i>"

    def _message_with(self, chat: int, data: str) -> int:
        for message_id in reversed(self.messages):
            owner, datas, _ = self.messages[message_id]
            if owner == chat and data in datas:
                return message_id
        raise LookupError(f"{self.locale}: no button {data!r} in chat {ROLES[chat]}")

    def _reply_label(self, chat: int, prefix: str) -> str:
        for owner, _, labels in reversed(list(self.messages.values())):
            if owner == chat and labels:
                for label in labels:
                    if label.startswith(prefix) or label.endswith(prefix):
                        return label
                break
        raise LookupError(f"{self.locale}: no reply button {prefix!r} for {ROLES[chat]}")

    def _remember(self, chat: int, message_id: int, markup: Any) -> None:
        datas = {
            b.callback_data or "": b.text
            for row in (markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else [])
            for b in row
        }
        labels = [
            b.text
            for row in (markup.keyboard if isinstance(markup, ReplyKeyboardMarkup) else [])
            for b in row
        ]
        self.messages[message_id] = (chat, datas, labels)

    def _see(self, method: TelegramMethod[Any], result: Any) -> Shown | None:
        if isinstance(method, SendMessage):
            chat = int(method.chat_id)
            self._remember(chat, result.message_id, method.reply_markup)
            self.code = next(
                (c for c in CODE.findall(method.text) if c != EXAMPLE_CODE), self.code
            )
            return Shown(
                chat,
                "message",
                method.text,
                inline(method.reply_markup),
                reply_keyboard(method.reply_markup),
                reply_markup_note(method.reply_markup),
            )
        if isinstance(method, EditMessageText):
            chat = int(method.chat_id or 0)
            self._remember(chat, int(method.message_id or 0), method.reply_markup)
            # The filing's confirmation (with the code) replaces the summary in place.
            self.code = next(
                (c for c in CODE.findall(method.text) if c != EXAMPLE_CODE), self.code
            )
            return Shown(chat, "edit", method.text, inline(method.reply_markup))
        if isinstance(method, EditMessageReplyMarkup):
            chat = int(method.chat_id or 0)
            old = self.messages.get(int(method.message_id or 0))
            self._remember(chat, int(method.message_id or 0), method.reply_markup)
            if old is None:
                return None
            return Shown(chat, "markup", buttons=inline(method.reply_markup))
        if isinstance(method, DeleteMessages | DeleteMessage):
            ids = getattr(method, "message_ids", None) or [method.message_id]
            for message_id in ids:
                self.messages.pop(message_id, None)
            return Shown(int(method.chat_id), "deleted", note=str(len(ids)))
        if isinstance(method, AnswerCallbackQuery):
            if not method.text:
                return None
            return Shown(0, "alert" if method.show_alert else "toast", method.text)
        if isinstance(method, SendPhoto | SendDocument):
            kind = "photo" if isinstance(method, SendPhoto) else "document"
            return Shown(int(method.chat_id), kind, method.caption or "")
        if isinstance(method, SendMediaGroup):
            captions = [m.caption for m in method.media if m.caption]
            return Shown(
                int(method.chat_id), "album", "\n".join(captions), note=str(len(method.media))
            )
        return None


def inline(markup: Any) -> list[list[str]]:
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [[b.text for b in row] for row in markup.inline_keyboard]


def reply_keyboard(markup: Any) -> list[list[str]]:
    if not isinstance(markup, ReplyKeyboardMarkup):
        return []
    return [[b.text for b in row] for row in markup.keyboard]


async def play_all(locale: str, workdir: Path, scenario: Scenario) -> list[Played]:
    async with World(locale, workdir) as world:
        played = []
        for item in scenario:
            if isinstance(item, Step):
                played.append(await world.play(item))
        return played


# --- writing it down ------------------------------------------------------------------------


def steady(text: str, locale: str) -> str:
    """Fixed examples for what changes from run to run: codes, today's date, clock times."""
    text = CODE.sub(lambda m: m.group(0) if m.group(0) == EXAMPLE_CODE else SHOWN_CODE, text)
    today = date.today()
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
        text = text.replace(format_day(day, locale), format_day(SHOWN_DAY, locale))
        for form in ("long", "short"):
            text = text.replace(
                format_date(day, form, locale=locale), format_date(SHOWN_DAY, form, locale=locale)
            )
    # A time kept to the hour is shown as the hour it fell in: 10:00–11:00.
    return CLOCK.sub("10:00", text).replace("10:00–10:00", "10:00–11:00")


def cell(shown: Shown, locale: str) -> str:
    parts = []
    label = {
        "edit": "✏️ <i>edits the message</i>",
        "markup": "✏️ <i>changes the buttons</i>",
        "toast": "💬 <i>pop-up</i>",
        "alert": "⚠️ <i>alert window</i>",
        "photo": "🖼 <i>photo</i>",
        "document": "📄 <i>file</i>",
        "album": f"🖼 <i>album of {shown.note}</i>",
        "deleted": f"🗑 <i>deletes {shown.note} message(s)</i>",
    }.get(shown.kind)
    if label:
        parts.append(label)
    if shown.text:
        parts.append(steady(shown.text, locale))
    for row in shown.buttons:
        parts.append(" ".join(f"<kbd>{steady(b, locale)}</kbd>" for b in row))
    if shown.keyboard:
        parts.append(
            "⌨️ " + " · ".join(" ".join(f"<kbd>{b}</kbd>" for b in row) for row in shown.keyboard)
        )
    if shown.note and shown.kind == "message":
        parts.append(f"<i>{shown.note}</i>")
    body = "\n".join(parts)
    return body.replace("|", "&#124;").replace("\n", "<br>")


def render(scenario: Scenario, runs: dict[str, list[Played]]) -> str:
    out = [
        "# Adal: every screen, Kazakh and Russian side by side",
        "",
        "Generated by `scripts/screens` from the real handlers (the dispatcher and a fake "
        "Telegram session); do not edit by hand. Each step says who does what, then shows "
        "every message, edit, pop-up and button that results, in the order Telegram gets them. "
        "Inline buttons are <kbd>framed</kbd>; ⌨️ marks the keyboard under the input field. "
        "Codes, today's date and clock times are fixed examples.",
        "",
    ]
    plays = {locale: iter(runs[locale]) for locale in LOCALES}
    section = 0
    number = 0
    for item in scenario:
        if isinstance(item, Section):
            section += 1
            number = 0
            out += [f"## {section}. {item.title}", ""]
            if item.intro:
                out += [item.intro, ""]
            continue
        played = {locale: next(plays[locale]) for locale in LOCALES}
        if not item.show:
            continue
        number += 1
        typed = [steady(played[locale].typed, locale) for locale in LOCALES]
        what = f"**{ROLES[item.who]}:** {item.note}"
        what += ": " + (typed[0] if typed[0] == typed[1] else " / ".join(typed))
        out += [f"### {section}.{number}. {item.note}", "", what, ""]
        out += table(played)
    return "\n".join(out).rstrip() + "\n"


def table(played: dict[str, Played]) -> list[str]:
    """One table per chat that saw something; pop-ups go with the person who tapped."""
    by_chat: dict[int, dict[str, list[Shown]]] = {}
    for locale in LOCALES:
        person = played[locale].step.who
        for shown in played[locale].shown:
            by_chat.setdefault(shown.chat or person, {loc: [] for loc in LOCALES})
            by_chat[shown.chat or person][locale].append(shown)
    if not by_chat:
        return ["*(no answer)*", ""]
    lines: list[str] = []
    for chat, seen in by_chat.items():
        lines += [
            f"| {ROLES.get(chat, chat)} sees · {HEADERS['kk']} | {HEADERS['ru']} |",
            "| --- | --- |",
        ]
        rows = max(len(seen[loc]) for loc in LOCALES)
        for index in range(rows):
            cells = [
                cell(seen[loc][index], loc) if index < len(seen[loc]) else "—" for loc in LOCALES
            ]
            lines.append(f"| {cells[0]} | {cells[1]} |")
        lines.append("")
    return lines


async def generate(scenario: Scenario = SCENARIO) -> str:
    # Telegram's pacing means nothing to a fake session; without it a run takes seconds more.
    # (Should these names change, the run is only slower.) Restored afterwards, because the
    # test suite runs this in the same process as the outbox's own tests.
    saved = {
        name: getattr(outbox_pacing, name)
        for name in ("PER_CHAT_INTERVAL",)
        if hasattr(outbox_pacing, name)
    }
    try:
        for name in saved:
            setattr(outbox_pacing, name, 0)
        with tempfile.TemporaryDirectory() as workdir:
            # The two languages are independent worlds; they run side by side.
            played = await asyncio.gather(
                *(play_all(locale, Path(workdir), scenario) for locale in LOCALES)
            )
            walks = {path: await count_actions(Path(workdir), path) for path in PATHS}
    finally:
        for name, value in saved.items():
            setattr(outbox_pacing, name, value)
    text = render(scenario, dict(zip(LOCALES, played, strict=True)))
    return text + render_counts(walks, 1 + sum(isinstance(i, Section) for i in scenario))


async def count_actions(workdir: Path, path: str) -> Walk:
    """A fresh person in a fresh world, walked through `path` (tests/report_paths.py)."""
    folder = workdir / f"count-{path}"
    folder.mkdir()
    async with World("kk", folder) as world:
        for action in (Say("/start"), Tap("lang:{locale}"), Tap("reg:KZ-27")):
            await world.play(Step(CITIZEN, action, "", show=False))
        session = world.session
        return await walk(
            world.dp,
            world.bot,
            lambda: session.requests,
            lambda index: session.results[index],
            world.person(CITIZEN),
            path,
            settle=world.dp["held_replies"].settle,
        )


COUNTED = {
    "full": "A confidential report with every field, one photo and a location",
    "shortest": "The shortest valid report: every optional question skipped",
}


def render_counts(walks: dict[str, Walk], section: int) -> str:
    out = [
        "",
        f"## {section}. How many actions a report takes",
        "",
        "Every message sent and every button pressed, from /report until the case number "
        "shows, counted by `tests/report_paths.py` on the real dispatcher (it answers whatever "
        "the bot asks and presses only buttons the bot has shown); "
        "`tests/unit/test_interactions.py` pins these numbers. «Before» is the same count on "
        "the code before issue 9, where a photo also needed «Done, next step».",
        "",
        "| Report | Before | Now | The actions now |",
        "| --- | --- | --- | --- |",
    ]
    for path, walked in walks.items():
        out.append(
            f"| {COUNTED[path]} | {BEFORE[path]} | {len(walked.actions)} | {walked.described()} |"
        )
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path("docs/screens.md")
    text = asyncio.run(generate())
    target.write_text(text, "utf-8")
    print(f"{target}: {text.count('### ')} screens")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
