"""Messages for the operator's terminal, in Kazakh and Russian like everything else."""

from __future__ import annotations

import sys

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from bot.i18n import DOMAIN, LOCALES_DIR, in_both_languages

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
    "volunteer_chat_id": __("it must be a chat id, a whole number such as -1001234567890"),
    "test_clock_offset_seconds": __(
        "it is for tests only: a number of seconds; leave it empty when running the bot"
    ),
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
}


def _console_i18n() -> I18n:
    return I18n(path=LOCALES_DIR, default_locale="kk", domain=DOMAIN)


def say_bad_setting(field: str, fallback: str) -> None:
    """One line per bad setting, in both languages, naming it and what it expects."""
    hint = SETTING_HINTS.get(field)
    try:
        i18n = _console_i18n()
        parts = []
        with i18n.context():
            for code in ("kk", "ru"):
                with i18n.use_locale(code):
                    detail = str(hint) if hint is not None else fallback
                    parts.append(str(BAD_SETTING).format(name=field.upper(), detail=detail))
        message = " / ".join(parts)
    except RuntimeError:  # catalogues not compiled yet
        message = f"{field.upper()}: {fallback}"
    print(message, file=sys.stderr, flush=True)


def say(text: LazyProxy, *, error: bool = False, one_line: bool = False, **values: object) -> None:
    """Print both translations; without compiled catalogues gettext falls back to the msgid."""
    try:
        separator = " / " if one_line else "\n"
        message = in_both_languages(_console_i18n(), text, separator, **values)
    except RuntimeError:  # a .po without its .mo: setup has not run
        message = text._args[0].format(**values)
    print(message, file=sys.stderr if error else sys.stdout, flush=True)
