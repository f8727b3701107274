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
    "news_channels": __(
        "it must be pairs REGION=channel id separated by commas, such as "
        "KZ-27=-1001234567890,*=-1009876543210 (* for news of all of Kazakhstan)"
    ),
    "news_morning_at": __("it must be a time of day such as 08:00"),
    "news_evening_at": __("it must be a time of day such as 19:00"),
    "feed_check_minutes": __("it must be a whole number of minutes from 1 to 1440"),
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
