"""Messages for the operator's terminal, in Kazakh and Russian like everything else."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import GNUTranslations

from babel.support import LazyProxy

from bot.i18n import DOMAIN, LOCALES_DIR
from bot.services.locales import SUPPORTED_LOCALES

# The terminal's texts are read from the bot's catalogues with the standard library's gettext,
# not aiogram's I18n: importing aiogram takes about 4 s on a small machine, and `migrate`,
# `keygen`, `backup` and `restore` need nothing else from it.
_locale: ContextVar[str | None] = ContextVar("console_locale", default=None)


def __(msgid: str) -> LazyProxy:
    """A lazy text: the msgid (English) until `say` or `both` renders it in a language."""
    return LazyProxy(_gettext, msgid, enable_cache=False)


def _gettext(msgid: str) -> str:
    code = _locale.get()
    return msgid if code is None else _catalogue(code).gettext(msgid)


@cache
def _catalogue(code: str) -> GNUTranslations:
    path = LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as compiled:
            return GNUTranslations(compiled)
    except FileNotFoundError:
        raise RuntimeError(f"{path} is missing: setup has not compiled the catalogues") from None


@contextmanager
def _speaking(code: str) -> Iterator[None]:
    token = _locale.set(code)
    try:
        yield
    finally:
        _locale.reset(token)


def in_languages(text: LazyProxy, **values: object) -> list[str]:
    """The text in every language the bot speaks, Kazakh first."""
    parts = []
    for code in SUPPORTED_LOCALES:
        with _speaking(code):
            parts.append(str(text).format(**values))
    return parts


NO_TOKEN = __(
    "BOT_TOKEN is not set. Get a token from @BotFather in Telegram (send him /newbot), "
    "then put it in the .env file next to README.md as BOT_TOKEN=123456:ABC..."
)
NO_SECRET_KEY = __(
    "SECRET_KEY is not set. Create one with: python -m bot keygen. Put it in .env as "
    "SECRET_KEY=... and keep a backup of it apart from the database: without the key the bot "
    "can no longer write to its users."
)
BAD_SETTING = __("Setting {name} has an invalid value: {detail}")
# What each setting expects, in words an operator can act on (pydantic's own are English).
SETTING_HINTS = {
    "bot_token": __("it must look like 123456789:ABC-DEF as @BotFather gives it"),
    "secret_key": __(
        "it must be at least 32 random bytes, hex or base64; create one with: python -m bot keygen"
    ),
    "admin_ids": __("it must be Telegram ids (numbers) separated by commas"),
    "telegram_api_base": __("it must start with http:// or https://"),
    "default_locale": __("it must be kk or ru"),
    "moderator_chat_locale": __("it must be kk or ru"),
    "timezone": __("it must be a time zone name such as Asia/Almaty"),
    "log_level": __("it must be DEBUG, INFO, WARNING or ERROR"),
    "intake_concurrency": __("it must be a whole number from 1 to 256"),
    "shutdown_grace_seconds": __("it must be a number of seconds, 0 or more"),
    "moderator_chat_id": __("it must be a chat id, a whole number such as -1001234567890"),
    "code_check_seconds": __("it must be a number of seconds from 0 to 10"),
    "outbox_rate": __("it must be a number of messages per second, above 0 and at most 1000"),
    "news_channels": __(
        "it must be pairs REGION=channel id separated by commas, such as "
        "KZ-27=-1001234567890,*=-1009876543210 (* for news of all of Kazakhstan)"
    ),
    "news_morning_at": __("it must be a time of day such as 08:00"),
    "news_evening_at": __("it must be a time of day such as 19:00"),
    "feed_check_minutes": __("it must be a whole number of minutes from 1 to 1440"),
    "volunteer_chat_id": __("it must be a chat id, a whole number such as -1001234567890"),
    "test_clock_offset_seconds": __(
        "it is for tests only: a number of seconds; leave it empty when running the bot"
    ),
    "mode": __("it must be polling or webhook"),
    "webhook_url": __(
        "with MODE=webhook it is required: the public https:// address Telegram sends updates to"
    ),
    "webhook_secret": __(
        "with MODE=webhook it is required: 1 to 256 characters, only A-Z, a-z, 0-9, _ and -"
    ),
    "webhook_host": __("it must be an address to listen on, such as 127.0.0.1"),
    "webhook_port": __("it must be a port number from 1 to 65535"),
    "webhook_path": __("it must start with / and hold only A-Z, a-z, 0-9, _ . / and -"),
    "metrics_port": __("it must be a port number from 1 to 65535, or empty to turn metrics off"),
    "metrics_host": __("it must be an address to listen on, such as 127.0.0.1"),
}
MIGRATION_EDITED = __(
    "Migration {file} was changed after it had been applied. Restore the original file; "
    "put changes in a new numbered migration."
)
MIGRATION_FAILED = __("Migration {file} failed; the database was left as it was. {detail}")
MIGRATIONS_APPLIED = __("Migrations applied: {files}")
MIGRATIONS_UP_TO_DATE = __("The database is up to date.")
CATALOGUES_MISSING = __(
    "Translations are not compiled. Run the setup script from README.md first."
)
STARTED = __("Adal is running. Press Ctrl+C to stop.")
INSTANCE_BUSY = __(
    "Another copy of the bot is already running on the database {path}. Stop it first: two "
    "bots on one database would answer every message twice."
)
KEY_MISMATCH = __(
    "SECRET_KEY does not match the database {path}: it was created with another key. Put "
    "back the key that belongs to this database (from your key backup)."
)
PORT_BUSY = __(
    "The bot cannot listen on {host}:{port}: the port is in use or the address is not this "
    "computer's. Stop what uses it, or set another WEBHOOK_PORT (or METRICS_PORT)."
)
WEBHOOK_REFUSED = __(
    "Telegram refused the webhook address {url}: {reason}. It must be a public https:// "
    "address that forwards to WEBHOOK_HOST:WEBHOOK_PORT."
)
BACKUP_DONE = __("Backup written: {path}")
BACKUP_DAMAGED = __("The copy {path} is damaged or is not a database; nothing was changed.")
RESTORE_KEY_MISMATCH = __(
    "The copy {path} was made under another SECRET_KEY, so the bot could not read it; "
    "nothing was changed."
)
RESTORE_DONE = __("Database restored from {path}. Start the bot again.")
# python -m bot doctor: one line per finding (bot/ops/doctor.py).
DOCTOR = {
    "key_missing": __("SECRET_KEY is not set. Create one with: python -m bot keygen"),
    "key_new_database": __("SECRET_KEY is set; the database does not exist yet."),
    "key_not_recorded": __("SECRET_KEY is set; the database will remember it at the next start."),
    "key_mismatch": __("SECRET_KEY does not match the database: it was created with another key."),
    "key_matches": __("SECRET_KEY matches the database."),
    "migrations_new_database": __(
        "The database does not exist yet; {count} migrations will create it at the first start."
    ),
    "migrations_edited": __(
        "Migrations changed after they were applied: {files}. Restore the original files."
    ),
    "migrations_pending": __("Migrations to apply at the next start: {files}"),
    "migrations_applied": __("All {count} migrations are applied."),
    "disk": __("Free space where the database lives ({path}): {free} MB."),
    "outbox_empty": __("No messages are waiting to be sent."),
    "outbox": __("Messages waiting to be sent: {count}; the oldest has waited {minutes} min."),
    "running": __("A bot is running on this database now."),
    "not_running": __("No bot is running on this database now."),
    "token_missing": __("BOT_TOKEN is not set, so Telegram was not asked."),
    "token_rejected": __(
        "Telegram does not accept BOT_TOKEN. Get the token again from @BotFather."
    ),
    "telegram_unreachable": __("Telegram could not be reached ({error}). Check the network."),
    "token": __("The token works: the bot is @{username}."),
    "group_unset": __("MODERATOR_CHAT_ID is not set: cards go to each moderator in private chat."),
    "group_unknown": __(
        "The moderators' group MODERATOR_CHAT_ID cannot be read ({error}): check the id and that "
        "the bot was added to the group."
    ),
    "group_not_member": __("The bot is not a member of the moderators' group. Add it again."),
    "group_cannot_post": __(
        "The bot may not post in the moderators' group. Give it the right to send messages."
    ),
    "group": __("The bot is in the moderators' group ({status}) and may post and edit there."),
    "webhook_set_while_polling": __(
        "A webhook is set in Telegram ({url}) while MODE=polling: the bot removes it when it "
        "starts."
    ),
    "webhook_unset": __(
        "No webhook is set in Telegram yet; the bot sets {expected} when it starts."
    ),
    "webhook_other_url": __(
        "Telegram sends updates to {url}, not to {expected}. Check WEBHOOK_URL and "
        "WEBHOOK_PATH, then restart the bot: it sets the webhook itself."
    ),
    "webhook_error": __(
        "Telegram's last delivery to the webhook failed {minutes} min ago: {error}"
    ),
    "webhook": __("Telegram sends updates to the webhook; {count} are waiting to be delivered."),
}
# Storage problems, by bot.db.health.StorageProblem: one line each, with what to do.
STORAGE = {
    "full": __(
        "The disk with the database {path} is full. Free some space; the bot stops meanwhile "
        "so that nothing it receives is lost."
    ),
    "readonly": __(
        "The database {path} cannot be written: check that the file and its folder belong to "
        "the user that runs the bot and are not read-only."
    ),
    "io": __("The disk with the database {path} reports read or write errors. Check the disk."),
    "cannot_open": __(
        "The database {path} cannot be opened: check that its folder exists and that the path "
        "is a file, not a folder."
    ),
    "corrupt": __(
        "The database {path} is damaged or is not a database. Restore it from a backup."
    ),
    "replaced": __(
        "The database {path} or its write-ahead log (-wal) was removed or replaced while the "
        "bot was running. The bot stopped so as not to write into a file nobody reads. "
        "Restore the files, then start the bot again."
    ),
    "busy": __(
        "The database {path} is locked by another program (a second copy of the bot, a backup "
        "tool or an open sqlite3 shell?) and stayed locked for more than 5 seconds. Close that "
        "program, then start the bot again."
    ),
}
SANDBOX_STARTED = __(
    "Adal is running as a sandbox: open {url} in a browser. There you can use the bot as two "
    "citizens, a moderator and a superadmin, and see the moderators' group. Nothing is sent to "
    "Telegram and nobody else can see it. To go live: in Telegram, send /newbot to @BotFather "
    "and put the token he gives in .env as BOT_TOKEN=...; add SECRET_KEY (python -m bot "
    "keygen), your Telegram id in ADMIN_IDS and the moderators' group in MODERATOR_CHAT_ID; "
    "then run scripts/run again."
)
SANDBOX_DEMO_SEEDED = __("Demo data added: {count} made-up reports.")
SANDBOX_PORT_BUSY = __(
    "Port {port} is already in use. Stop what uses it, or choose another port: "
    "python -m bot sandbox --port 8090"
)
SANDBOX_REMOTE_REFUSED = __(
    "The sandbox has no login, so it listens only on this computer (127.0.0.1). To open it "
    "on {host} anyway, add --allow-remote."
)
SANDBOX_NO_LOGIN = __(
    "Warning: the sandbox has no login. Anyone who can reach {host} can act as every person "
    "in it and read every chat."
)
SANDBOX_HELP = __("Try the bot in a browser, on an emulated Telegram, without a token.")
SANDBOX_HELP_PORT = __("the port of the page (default 8080)")
SANDBOX_HELP_HOST = __("the address to listen on (default 127.0.0.1)")
SANDBOX_HELP_REMOTE = __("allow an address other than this computer's own (there is no login)")
SANDBOX_HELP_DEMO = __("fill the sandbox with made-up reports once")
SANDBOX_HELP_RESET = __("forget everything the sandbox kept and start over")
SANDBOX_HELP_DATA = __("where the sandbox keeps its database and chats (default data/sandbox)")


def say_bad_setting(field: str, fallback: str) -> None:
    """One line per bad setting, in both languages, naming it and what it expects."""
    hint = SETTING_HINTS.get(field)
    detail = hint if hint is not None else fallback  # a lazy hint is read in each language
    try:
        message = " / ".join(in_languages(BAD_SETTING, name=field.upper(), detail=detail))
    except RuntimeError:  # catalogues not compiled yet
        message = f"{field.upper()}: {fallback}"
    print(message, file=sys.stderr, flush=True)


def say(
    text: LazyProxy,
    *,
    error: bool = False,
    one_line: bool = False,
    prefix: str = "",
    **values: object,
) -> None:
    """Print both translations; without compiled catalogues gettext falls back to the msgid."""
    try:
        separator = " / " if one_line else "\n"
        message = separator.join(in_languages(text, **values))
    except RuntimeError:  # a .po without its .mo: setup has not run
        message = text._args[0].format(**values)
    print(prefix + message, file=sys.stderr if error else sys.stdout, flush=True)


def both(text: LazyProxy, **values: object) -> str:
    """Both translations on one line (for --help); the English original before setup."""
    try:
        return " / ".join(in_languages(text, **values))
    except RuntimeError:
        return text._args[0].format(**values)
