"""Settings (bot/config.py) and what `python -m bot` tells an operator who got them wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n
from babel.support import LazyProxy
from pydantic import ValidationError

from bot import console
from bot.config import Settings
from bot.crypto import parse_secret_key
from tests.conftest import TEST_SECRET, translate

SETTING_NAMES = [name.upper() for name in Settings.model_fields]
CLI_TIMEOUT = 120  # importing aiogram alone takes seconds on a slow machine; no test waits this


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No setting inherited from the shell running the tests."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def settings_from_env(env: pytest.MonkeyPatch, **values: str) -> Settings:
    for name, value in values.items():
        env.setenv(name, value)
    return Settings(_env_file=None)


def test_defaults(env: pytest.MonkeyPatch) -> None:
    settings = settings_from_env(env)
    assert settings.bot_token is None and settings.secret_key is None
    assert settings.admin_ids == ()
    assert settings.database_path == Path("data/adal.sqlite3")
    assert (settings.default_locale, settings.timezone, settings.log_level) == (
        "kk",
        "Asia/Almaty",
        "INFO",
    )
    assert settings.tz.key == "Asia/Almaty"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1, 2;3", (1, 2, 3)), ("42", (42,)), ("", ()), (" 7 ;; 8, ", (7, 8)), ("-5", (-5,))],
)
def test_admin_ids_from_env(env: pytest.MonkeyPatch, text: str, expected: tuple[int, ...]) -> None:
    assert settings_from_env(env, ADMIN_IDS=text).admin_ids == expected


def test_admin_ids_from_arguments(env: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None, admin_ids="1, 2;3").admin_ids == (1, 2, 3)
    assert Settings(_env_file=None, admin_ids=5).admin_ids == (5,)
    assert Settings(_env_file=None, admin_ids=[4, 6]).admin_ids == (4, 6)


def test_admin_ids_must_be_numbers(env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError):
        settings_from_env(env, ADMIN_IDS="1, two")


@pytest.mark.parametrize("name", ["BOT_TOKEN", "SECRET_KEY", "TELEGRAM_API_BASE"])
@pytest.mark.parametrize("blank", ["", "   "])
def test_empty_string_means_unset(env: pytest.MonkeyPatch, name: str, blank: str) -> None:
    assert getattr(settings_from_env(env, **{name: blank}), name.lower()) is None


def test_empty_database_path_is_not_the_working_directory(env: pytest.MonkeyPatch) -> None:
    try:
        settings = settings_from_env(env, DATABASE_PATH="")
    except ValidationError:
        return  # refusing it with a message is fine too
    assert settings.database_path == Path("data/adal.sqlite3")


def test_valid_values_are_kept(env: pytest.MonkeyPatch) -> None:
    settings = settings_from_env(
        env,
        BOT_TOKEN="123456:ABC-def_ghi",
        SECRET_KEY=TEST_SECRET,
        TELEGRAM_API_BASE="http://localhost:8081/",
        DEFAULT_LOCALE="ru",
        TIMEZONE="Asia/Aqtobe",
        LOG_LEVEL="DEBUG",
    )
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "123456:ABC-def_ghi"
    assert "ABC-def" not in repr(settings)  # secrets stay masked in reprs and logs
    assert settings.secret_key is not None
    assert parse_secret_key(settings.secret_key.get_secret_value()) == bytes.fromhex(TEST_SECRET)
    assert settings.telegram_api_base == "http://localhost:8081"
    assert (settings.default_locale, settings.tz.key, settings.log_level) == (
        "ru",
        "Asia/Aqtobe",
        "DEBUG",
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Base"),
        ("TIMEZONE", "../../etc/passwd"),
        ("DEFAULT_LOCALE", "en"),
        ("DEFAULT_LOCALE", "kz"),
        ("LOG_LEVEL", "TRACE"),
        ("BOT_TOKEN", "abc"),
        ("BOT_TOKEN", "123456"),
        ("BOT_TOKEN", "123456:"),
        ("BOT_TOKEN", ":secret"),
        ("BOT_TOKEN", "bot123:secret"),
        ("SECRET_KEY", "abcd"),
        ("SECRET_KEY", "00" * 31),
        ("SECRET_KEY", "not a key, just words"),
        ("TELEGRAM_API_BASE", "localhost:8081"),
        ("INTAKE_CONCURRENCY", "0"),
    ],
)
def test_invalid_value_is_refused_naming_the_setting(
    env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(ValidationError) as info:
        settings_from_env(env, **{name: value})
    assert [error["loc"][0] for error in info.value.errors()] == [name.lower()]


@pytest.mark.parametrize(
    ("values", "refused"),
    [
        ({"MODE": "webhook"}, ["webhook_url", "webhook_secret"]),
        ({"MODE": "webhook", "WEBHOOK_URL": "https://bot.example.kz"}, ["webhook_secret"]),
        ({"MODE": "webhook", "WEBHOOK_SECRET": "abc"}, ["webhook_url"]),
        ({"MODE": "webhook", "WEBHOOK_URL": "bot.kz", "WEBHOOK_SECRET": "a"}, ["webhook_url"]),
        ({"WEBHOOK_SECRET": "with space"}, ["webhook_secret"]),
        ({"WEBHOOK_SECRET": "a" * 257}, ["webhook_secret"]),
        ({"WEBHOOK_SECRET": "ключ"}, ["webhook_secret"]),
        ({"WEBHOOK_PATH": "telegram"}, ["webhook_path"]),
        ({"WEBHOOK_PORT": "70000"}, ["webhook_port"]),
        ({"METRICS_PORT": "0"}, ["metrics_port"]),
        ({"MODE": "hook"}, ["mode"]),
    ],
)
def test_webhook_settings_are_checked_together(
    env: pytest.MonkeyPatch, values: dict[str, str], refused: list[str]
) -> None:
    with pytest.raises(ValidationError) as info:
        settings_from_env(env, **values)
    assert [error["loc"][0] for error in info.value.errors()] == refused


def test_webhook_settings_accepted(env: pytest.MonkeyPatch) -> None:
    settings = settings_from_env(
        env,
        MODE="webhook",
        WEBHOOK_URL="https://bot.example.kz/",
        WEBHOOK_SECRET="A-z_09" * 40,
        WEBHOOK_PORT="8443",
        METRICS_PORT="9100",
    )
    assert settings.webhook_endpoint == "https://bot.example.kz/telegram"
    assert (settings.webhook_host, settings.webhook_port) == ("127.0.0.1", 8443)
    assert (settings.metrics_host, settings.metrics_port) == ("127.0.0.1", 9100)
    env.delenv("METRICS_PORT")
    assert settings_from_env(env, MODE="polling").metrics_port is None  # off by default


def test_bad_token_message_points_to_botfather(env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as info:
        settings_from_env(env, BOT_TOKEN="abc")
    assert "@BotFather" in info.value.errors()[0]["msg"]


# --- python -m bot, as an operator runs it ------------------------------------------------------


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


SCENARIOS: dict[str, tuple[list[str], dict[str, str]]] = {
    "no-token": ([], {}),
    "no-secret": ([], {"BOT_TOKEN": "123456:TEST-TOKEN"}),
    # One process for every invalid-setting check: each start costs seconds of imports.
    "bad-settings": (
        [],
        {
            "TIMEZONE": "Mars/Base",
            "LOG_LEVEL": "TRACE",
            "BOT_TOKEN": "no-colon-SEKRET1",
            "SECRET_KEY": "SEKRET2",
        },
    ),
    "keygen": (["keygen"], {}),
    "webhook-bad": ([], {"MODE": "webhook", "WEBHOOK_SECRET": "has space SEKRET3"}),
}


def cli_env(workdir: Path, extra: dict[str, str]) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep and k not in SETTING_NAMES}
    env["DATABASE_PATH"] = str(workdir / "x.sqlite3")
    return {**env, **extra}


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Start every scenario at once (each process spends seconds importing aiogram)."""
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, (args, extra) in SCENARIOS.items():
            workdir = tmp_path_factory.mktemp(name)  # no .env there
            procs[name] = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                cwd=workdir,
                env=cli_env(workdir, extra),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        results = {}
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=CLI_TIMEOUT)
            results[name] = Run(proc.returncode, out.decode(), err.decode())
        yield results
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


def both(i18n: I18n, text: LazyProxy) -> list[str]:
    """The console text as the bot's own translations give it (read apart from the console)."""
    return [translate(i18n, text._args[0], locale) for locale in ("kk", "ru")]


def bad_setting_line(i18n: I18n, name: str, hint_msgid: str) -> str:
    msgid = "Setting {name} has an invalid value: {detail}"
    return " / ".join(
        translate(i18n, msgid, locale).format(
            name=name, detail=translate(i18n, hint_msgid, locale)
        )
        for locale in ("kk", "ru")
    )


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_cli_without_token_explains_botfather(cli: dict[str, Run], i18n: I18n) -> None:
    run = cli["no-token"]
    assert run.returncode == 2
    assert "@BotFather" in run.stderr
    kk, ru = both(i18n, console.NO_TOKEN)
    assert kk != ru
    assert kk in run.stderr and ru in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_cli_without_secret_key_points_to_keygen(cli: dict[str, Run], i18n: I18n) -> None:
    run = cli["no-secret"]
    assert run.returncode == 2
    for text in both(i18n, console.NO_SECRET_KEY):
        assert "keygen" in text
        assert text in run.stderr
    assert run.stderr.count("keygen") >= 2
    assert "Traceback" not in run.stderr


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_cli_prints_one_line_per_invalid_setting(cli: dict[str, Run], i18n: I18n) -> None:
    run = cli["bad-settings"]
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 4
    for name in ("TIMEZONE", "LOG_LEVEL", "BOT_TOKEN", "SECRET_KEY"):
        assert sum(name in line for line in lines) == 1, name
    hint = "it must be a time zone name such as Asia/Almaty"
    assert bad_setting_line(i18n, "TIMEZONE", hint) in lines
    assert "IANA" not in run.stderr  # pydantic's English detail is replaced by a translated hint
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_cli_explains_webhook_settings_in_both_languages(cli: dict[str, Run], i18n: I18n) -> None:
    run = cli["webhook-bad"]
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    url_hint = (
        "with MODE=webhook it is required: the public https:// address Telegram sends updates to"
    )
    secret_hint = (
        "with MODE=webhook it is required: 1 to 256 characters, only A-Z, a-z, 0-9, _ and -"
    )
    assert lines == [
        bad_setting_line(i18n, "WEBHOOK_URL", url_hint),
        bad_setting_line(i18n, "WEBHOOK_SECRET", secret_hint),
    ]
    assert "SEKRET" not in run.stderr + run.stdout


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_cli_does_not_echo_invalid_secrets(cli: dict[str, Run]) -> None:
    run = cli["bad-settings"]
    assert "BOT_TOKEN" in run.stderr and "SECRET_KEY" in run.stderr
    assert "SEKRET" not in run.stderr + run.stdout


@pytest.mark.e2e  # starts `python -m bot` as a process
def test_cli_keygen_prints_a_usable_key(cli: dict[str, Run], env: pytest.MonkeyPatch) -> None:
    run = cli["keygen"]
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert len(lines) == 1
    assert len(parse_secret_key(lines[0])) >= 32
    assert settings_from_env(env, SECRET_KEY=lines[0]).secret_key is not None
