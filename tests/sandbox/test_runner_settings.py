"""The sandbox runs the bot in polling mode whatever the operator's .env says, with its own
groups."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.devtools.sandbox.runner import sandbox_settings


def test_sandbox_ignores_webhook_and_metrics_settings(tmp_path: Path) -> None:
    production = Settings(
        _env_file=None,
        mode="webhook",
        webhook_url="https://bot.example.kz",
        webhook_secret="s3cret",
        metrics_port=9100,
        default_locale="ru",
        volunteer_chat_id=-100500,
        news_channels={"KZ-27": -100600},
    )
    settings = sandbox_settings(
        production,
        api_base="http://127.0.0.1:1",
        data_dir=tmp_path,
        admin_id=1,
        group_id=-2,
        volunteers_id=-3,
        channel_id=-4,
    )
    assert (settings.mode, settings.metrics_port) == ("polling", None)
    assert (settings.moderator_chat_id, settings.volunteer_chat_id) == (-2, -3)
    assert settings.news_channels == {"*": -4}
    assert settings.default_locale == "ru"  # the rest of the operator's settings stay
