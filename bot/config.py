"""Settings: the only place that reads the environment (and `.env`)."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Locale = Literal["kk", "ru"]


class Settings(BaseSettings):
    # An empty line in .env (SETTING=) means "use the default", as .env.example shows them.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    # Optional here so that a missing token gets our own bilingual explanation, not a traceback.
    bot_token: SecretStr | None = None
    secret_key: SecretStr | None = None
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    database_path: Path = Path("data/adal.sqlite3")
    telegram_api_base: str | None = None
    default_locale: Locale = "kk"
    timezone: str = "Asia/Almaty"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Updates handled at once; updates of one chat are always handled in order.
    intake_concurrency: int = Field(default=16, ge=1, le=256)
    # How long a SIGTERM waits for handlers in flight before closing the session.
    shutdown_grace_seconds: float = Field(default=20.0, ge=0)

    # The moderators' group (a supergroup id like -100...): new reports are posted there as
    # cards. Without it, cards go to each moderator of the region in private chat.
    moderator_chat_id: int | None = None
    # The language of cards in that group (each moderator's own answers follow their locale).
    moderator_chat_locale: Locale | None = None
    # A follow-up code check always takes this long, right or wrong, so timing reveals nothing.
    code_check_seconds: float = Field(default=1.0, ge=0, le=10)
    # Messages per second the outbox sends at most, across all chats (Telegram allows ~30).
    outbox_rate: float = Field(default=25.0, gt=0, le=1000)
    # Flood throttle per private chat (bot/middlewares/flood.py): this many updates at once,
    # then FLOOD_PER_SECOND more a second; past that, one notice and FLOOD_PAUSE_SECONDS of
    # silence. FLOOD_BURST=0 turns it off.
    flood_burst: int = Field(default=30, ge=0, le=10_000)
    flood_per_second: float = Field(default=1.0, gt=0, le=1000)
    flood_pause_seconds: float = Field(default=10.0, ge=1, le=3600)
    # Optional Telegram channels for news, by region: KZ-27=-1001234567890,*=-1009876543210
    # ('*': the channel for news of all of Kazakhstan). The bot must be an admin there.
    news_channels: Annotated[dict[str, int], NoDecode] = Field(default_factory=dict)
    # When digests go out, Asia/Almaty (or TIMEZONE) time.
    news_morning_at: time = time(8, 0)
    news_evening_at: time = time(19, 0)
    # How often registered RSS/Atom feeds are read.
    feed_check_minutes: int = Field(default=15, ge=1, le=1440)
    # The volunteers' group (a supergroup id like -100...): training invitations and reminders
    # are also posted there. Without it they go to each volunteer only.
    volunteer_chat_id: int | None = None
    # FOR TESTS ONLY. Moves the volunteers' clock (training reminders, task deadlines, lessons)
    # this many seconds ahead, so an end-to-end test reaches "24 hours before" a session
    # without waiting a day. Leave it empty (0) everywhere else.
    test_clock_offset_seconds: float = Field(default=0.0, ge=-(10**8), le=10**8)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("news_channels", mode="before")
    @classmethod
    def _channels(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        from bot.services.regions import get_region

        found: dict[str, int] = {}
        for part in value.replace(";", ",").split(","):
            if not part.strip():
                continue
            region, sep, chat = part.partition("=")
            region = region.strip().upper() if region.strip() != "*" else "*"
            if not sep or (region != "*" and get_region(region) is None):
                raise ValueError("expected REGION=channel id pairs")
            found[region] = int(chat.strip())
        return found

    @field_validator("bot_token", "secret_key", "telegram_api_base", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, sep, rest = value.get_secret_value().partition(":")
            if not (sep and bot_id.isdigit() and rest):
                raise ValueError("expected <digits>:<secret> as issued by @BotFather")
        return value

    @field_validator("secret_key")
    @classmethod
    def _key_strength(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from bot.crypto import parse_secret_key

            parse_secret_key(value.get_secret_value())
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown IANA time zone") from exc
        return value

    @field_validator("telegram_api_base")
    @classmethod
    def _http_base(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @property
    def group_locale(self) -> str:
        return self.moderator_chat_locale or self.default_locale

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
