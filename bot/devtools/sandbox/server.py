"""One process, one event loop: the emulator with the page on it, and the real bot polling it."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import secrets
import signal
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import I18n

from bot import console
from bot.config import Settings
from bot.devtools.emulator import BotApiEmulator, snapshot
from bot.devtools.emulator.state import StoredMessage

from . import runner, views
from .people import (
    CHANNEL_ID,
    GROUP_ID,
    VOLUNTEERS_ID,
    Person,
    Roster,
    by_role,
    in_volunteers_group,
)
from .texts import CHANNEL_TITLE, GROUP_TITLE, VOLUNTEERS_TITLE
from .web import Refused, SandboxWeb

log = logging.getLogger(__name__)
GROUPS = (GROUP_ID, VOLUNTEERS_ID)  # the moderators' and the volunteers'
SHARED = (*GROUPS, CHANNEL_ID)  # the chats shown besides people's own
EXIT_CONFIG = 2
SAVE_EVERY_SECONDS = 2.0
WORLD_DIR = "world"
DEMO_MARK = "demo-seeded"
# What `--reset` deletes: only files the sandbox itself makes, never a whole folder it is given.
OWN_FILES = (
    runner.DATABASE_NAME,
    runner.DATABASE_NAME + "-wal",
    runner.DATABASE_NAME + "-shm",
    runner.SECRET_FILE,
    "people.json",
    DEMO_MARK,
)
# "Send a location" offers these: (Kazakh name, Russian name, latitude, longitude).
PLACES = (
    ("Орал", "Уральск", 51.2333, 51.3667),
    ("Астана", "Астана", 51.1694, 71.4491),
    ("Алматы", "Алматы", 43.2389, 76.8897),
    ("Шымкент", "Шымкент", 42.3417, 69.5901),
    ("Атырау", "Атырау", 47.1167, 51.8833),
    ("Ақтөбе", "Актобе", 50.2839, 57.1670),
)


@dataclass(frozen=True, slots=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 8080
    allow_remote: bool = False
    demo: bool = False
    reset: bool = False
    data_dir: Path = Path("data/sandbox")


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def reset(data_dir: Path) -> None:
    import shutil

    for name in OWN_FILES:
        (data_dir / name).unlink(missing_ok=True)
    shutil.rmtree(data_dir / WORLD_DIR, ignore_errors=True)


class Sandbox:
    """The emulated Telegram, its people and what the page reads of it."""

    def __init__(self, options: Options, i18n: I18n) -> None:
        self.options = options
        self.i18n = i18n
        self.data_dir = options.data_dir
        self.roster = Roster(self.data_dir / "people.json")
        self.emulator = BotApiEmulator(
            token=runner.TOKEN, bot_username=runner.BOT_USERNAME, journal=True
        )
        self.boot = secrets.token_hex(4)  # names this run in event ids
        self.allowed_hosts: set[str] | None = None
        self._saved_seq = -1

    @property
    def demo(self) -> bool:
        return (self.data_dir / DEMO_MARK).exists()

    def person(self, role: str) -> Person:
        return by_role(self.roster.people, role)

    # --- the world -----------------------------------------------------------------------

    def restore(self) -> bool:
        return snapshot.load(self.emulator, self.data_dir / WORLD_DIR)

    def save(self) -> None:
        journal = self.emulator.world.journal
        seq = journal.last_seq if journal else 0
        snapshot.save(self.emulator, self.data_dir / WORLD_DIR)
        self._saved_seq = seq

    async def keep_saving(self, stop: asyncio.Event) -> None:
        """Save the world every few seconds when it changed, so a crash loses little."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SAVE_EVERY_SECONDS)
            if self.last_seq() != self._saved_seq:
                try:
                    self.save()
                except OSError as exc:  # e.g. a full disk: keep running, say it once a round
                    log.warning("could not save the sandbox: %s", type(exc).__name__)

    def populate(self, group_locale: str) -> None:
        """Make every person, both groups and the channel known (kept ones stay as they were)."""
        world = self.emulator.world
        for person in self.roster.people:
            if person.id not in world.users:
                self.emulator.add_user(person.id, person.name, language_code=person.language_code)
        people = self.roster.people
        groups = (
            (GROUP_ID, GROUP_TITLE, [p.id for p in people if p.in_group]),
            (VOLUNTEERS_ID, VOLUNTEERS_TITLE, [p.id for p in people if in_volunteers_group(p)]),
        )
        with self.i18n.context(), self.i18n.use_locale(group_locale):  # the titles' language
            for chat_id, title, members in groups:
                if chat_id not in world.chats:
                    self.emulator.add_group(chat_id, str(title), members)
                else:
                    world.chats[chat_id].members.update(members)
            if CHANNEL_ID not in world.chats:
                self.emulator.add_channel(CHANNEL_ID, str(CHANNEL_TITLE), bot_is_admin=True)

    def add_hidden_users(self, user_ids: list[int], locale_of: dict[int, str]) -> None:
        """People of the demo data: they exist (the bot can write to them) but are not shown."""
        for user_id in user_ids:
            if user_id not in self.emulator.world.users:
                self.emulator.add_user(user_id, "Demo", language_code=locale_of.get(user_id, "kk"))

    def add_person(self, name: str, language_code: str, *, in_group: bool) -> Person:
        person = self.roster.add(name, language_code, in_group=in_group)
        self.emulator.add_user(person.id, person.name, language_code=person.language_code)
        if in_group:
            for chat_id in GROUPS:
                self.emulator.world.chats[chat_id].members.add(person.id)
                self.emulator.world.log("chat", chat_id)
        return person

    def check_member(self, chat_id: int, user_id: int) -> None:
        """Only the page's people act, and only in their own chat or a group they are in."""
        if self.roster.get(user_id) is None:
            raise Refused("person")
        state = self.emulator.world.chats.get(chat_id)
        if state is None or (chat_id != user_id and user_id not in state.members):
            raise Refused("chat")

    def is_live(self, chat_id: int, message_id: int) -> bool:
        state = self.emulator.world.chats.get(chat_id)
        return state is not None and state.live(message_id) is not None

    def last_seq(self) -> int:
        journal = self.emulator.world.journal
        return journal.last_seq if journal else 0

    # --- what the page reads --------------------------------------------------------------

    def visible(self, chat_id: int) -> bool:
        return chat_id in SHARED or self.roster.get(chat_id) is not None

    def chat_view(self, chat_id: int) -> dict[str, Any] | None:
        state = self.emulator.world.chats.get(chat_id)
        if state is None or not self.visible(chat_id):
            return None
        if state.is_private:
            person = self.roster.get(chat_id)
            assert person is not None
            return {
                "id": chat_id,
                "type": "private",
                "title": person.name,
                "person": asdict(person),
            }
        if chat_id == CHANNEL_ID:  # nobody writes there but the bot
            return {
                "id": chat_id,
                "type": "channel",
                "role": "channel",
                "title": state.chat.get("title"),
            }
        members = [p.id for p in self.roster.people if p.id in state.members]
        return {
            "id": chat_id,
            "type": "group",
            "role": "volunteers_group" if chat_id == VOLUNTEERS_ID else "group",
            "title": state.chat.get("title"),
            "members": members,
        }

    @staticmethod
    def message_view(stored: StoredMessage) -> dict[str, Any]:
        extra = stored.reply_keyboard if stored.reply_keyboard else None
        view = views.message_view(stored.message, from_bot=stored.from_bot, extra=extra)
        view["version"] = stored.edit_count
        return view

    def state(self) -> dict[str, Any]:
        seq = self.last_seq()  # first: whatever happens while we read comes as events
        world = self.emulator.world
        chats = [
            view
            for cid in [*(p.id for p in self.roster.people), *SHARED]
            if (view := self.chat_view(cid)) is not None
        ]
        messages = {}
        keyboards = {}
        for chat in chats:
            state = world.chats[chat["id"]]
            live = [s for _, s in sorted(state.messages.items()) if not s.deleted]
            messages[str(chat["id"])] = [self.message_view(s) for s in live]
            keyboards[str(chat["id"])] = views.reply_keyboard(state.reply_keyboard)
        bot = world.bot_user
        return {
            "boot": self.boot,
            "seq": seq,
            "demo": self.demo,
            "bot": {"id": bot["id"], "name": bot["first_name"], "username": bot["username"]},
            "chats": chats,
            "messages": messages,
            "keyboards": keyboards,
            "places": [
                {"kk": kk, "ru": ru, "latitude": lat, "longitude": lon}
                for kk, ru, lat, lon in PLACES
            ],
        }

    def event_view(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """What the page needs to apply one journal event, or None if it is not shown."""
        kind, chat_id = event["kind"], event["chat_id"]
        if not self.visible(chat_id):
            return None
        state = self.emulator.world.chats.get(chat_id)
        if state is None:
            return None
        if kind in ("message", "edit"):
            stored = state.messages.get(event["message_id"])
            if stored is None or stored.deleted:
                return {"kind": "delete", "chat_id": chat_id, "message_ids": [event["message_id"]]}
            return {"kind": "message", "chat_id": chat_id, "message": self.message_view(stored)}
        if kind == "keyboard":
            keyboard = views.reply_keyboard(state.reply_keyboard)
            return {"kind": "keyboard", "chat_id": chat_id, "keyboard": keyboard}
        if kind == "chat":
            return {"kind": "chat", "chat_id": chat_id, "chat": self.chat_view(chat_id)}
        # delete, action, toast: ids and words only (the sequence number is the SSE id)
        return {key: value for key, value in event.items() if key != "seq"}


async def serve(options: Options, base: Settings) -> None:
    """Run the sandbox until SIGINT/SIGTERM."""
    from bot.i18n import CataloguesNotCompiledError, create_i18n

    try:
        i18n = create_i18n(base.default_locale)
    except CataloguesNotCompiledError:
        console.say(console.CATALOGUES_MISSING, error=True)
        raise SystemExit(EXIT_CONFIG) from None
    if options.reset:
        reset(options.data_dir)
    sandbox = Sandbox(options, i18n)
    sandbox.restore()
    if not options.allow_remote:
        sandbox.allowed_hosts = {
            f"{name}:{options.port}" for name in ("127.0.0.1", "localhost", "[::1]")
        }
    try:
        await sandbox.emulator.start(
            options.host, options.port, extend=SandboxWeb(sandbox).install
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            console.say(console.SANDBOX_PORT_BUSY, error=True, port=options.port)
            raise SystemExit(EXIT_CONFIG) from None
        raise
    port = int(sandbox.emulator.base_url.rsplit(":", 1)[1])
    if sandbox.allowed_hosts is not None and options.port == 0:
        sandbox.allowed_hosts = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}
    local = f"http://127.0.0.1:{port}" if options.host in ("0.0.0.0", "::") else None
    api_base = local or sandbox.emulator.base_url
    superadmin, moderator = sandbox.person("superadmin"), sandbox.person("moderator")
    settings = runner.sandbox_settings(
        base,
        api_base=api_base,
        data_dir=options.data_dir,
        admin_id=superadmin.id,
        group_id=GROUP_ID,
        volunteers_id=VOLUNTEERS_ID,
        channel_id=CHANNEL_ID,
    )
    sandbox.populate(settings.group_locale)
    stop = asyncio.Event()
    db = await runner.open_database(settings)
    saver: asyncio.Task[None] | None = None
    try:
        await runner.make_moderator(settings, db, moderator.id, superadmin.id)
        await runner.make_editor(settings, db, sandbox.person("editor").id, superadmin.id)
        if options.demo and not sandbox.demo:
            await _seed_demo(sandbox, settings, db)
        sandbox.emulator.updates.start_at(await runner.next_update_id(db))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        saver = asyncio.create_task(sandbox.keep_saving(stop))
        console.say(console.SANDBOX_STARTED, url=f"{api_base}/")
        await runner.run(settings, db, stop)
    except CataloguesNotCompiledError:
        console.say(console.CATALOGUES_MISSING, error=True)
        raise SystemExit(EXIT_CONFIG) from None
    finally:
        stop.set()
        if saver is not None:
            await saver
        try:
            sandbox.save()
        finally:
            await sandbox.emulator.stop()
            await db.close()


async def _seed_demo(sandbox: Sandbox, settings: Settings, db: Any) -> None:
    from . import demo

    def photo(content: bytes) -> str:
        return sandbox.emulator.files.add_photo(content)[-1]["file_id"]

    moderator = sandbox.person("moderator")
    seeded = await demo.seed(
        settings, db, photo, moderator_id=moderator.id, editor_id=sandbox.person("editor").id
    )
    sandbox.add_hidden_users(seeded.reporter_ids, seeded.reporter_locales)
    (sandbox.data_dir / DEMO_MARK).write_text(f"{seeded.reports}\n", encoding="ascii")
    console.say(console.SANDBOX_DEMO_SEEDED, count=seeded.reports)
