"""Settings: the only place that reads the environment (and `.env`)."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Locale = Literal["kk", "ru"]
# Telegram's own rule for setWebhook's secret_token.
WEBHOOK_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


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
    # Days a closed case keeps its text, files, contact data and thread (bot/services/
    # retention.py); erased nightly at 03:30 Asia/Almaty. The statistics are kept.
    retention_days: int = Field(default=365, ge=1, le=36500)
    # The volunteers' group (a supergroup id like -100...): training invitations and reminders
    # are also posted there. Without it they go to each volunteer only.
    volunteer_chat_id: int | None = None
    # FOR TESTS ONLY. Moves the volunteers' clock (training reminders, task deadlines, lessons)
    # this many seconds ahead, so an end-to-end test reaches "24 hours before" a session
    # without waiting a day. Leave it empty (0) everywhere else.
    test_clock_offset_seconds: float = Field(default=0.0, ge=-(10**8), le=10**8)

    # polling: the bot asks Telegram for updates. webhook: Telegram posts them to WEBHOOK_URL.
    mode: Literal["polling", "webhook"] = "polling"
    # The public https:// address Telegram posts to (a reverse proxy in front of the bot).
    # validate_default: a missing value must be refused in webhook mode, not ignored.
    webhook_url: str | None = Field(default=None, validate_default=True)
    # Checked against X-Telegram-Bot-Api-Secret-Token on every request.
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    # Where the bot's own HTTP server listens (the proxy forwards to it).
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # The path Telegram posts to, under WEBHOOK_URL and on the bot's server.
    webhook_path: str = "/telegram"
    # Prometheus /metrics (and /healthz) on their own port: off unless METRICS_PORT is set.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"

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

    @field_validator(
        "bot_token",
        "secret_key",
        "telegram_api_base",
        "webhook_url",
        "webhook_secret",
        mode="before",
    )
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

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("mode") == "webhook":
                raise ValueError("required when MODE=webhook")
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https://")
        return value.rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None:
            if info.data.get("mode") == "webhook":
                raise ValueError("required when MODE=webhook")
            return None
        if not WEBHOOK_SECRET_SHAPE.match(value.get_secret_value()):
            raise ValueError("1-256 characters A-Z, a-z, 0-9, _ or -")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str) -> str:
        if not re.match(r"^/[A-Za-z0-9_./-]*$", value) or value.startswith("/healthz"):
            raise ValueError("must start with / and hold only A-Z, a-z, 0-9, _ . / -")
        return value

    @property
    def webhook_endpoint(self) -> str:
        """The full address given to setWebhook."""
        return f"{self.webhook_url}{self.webhook_path}"

    @property
    def group_locale(self) -> str:
        return self.moderator_chat_locale or self.default_locale

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
