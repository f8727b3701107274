"""``python -m bot sandbox``: its arguments, the address it refuses, and ``run --or-sandbox``."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

import bot.__main__ as entry
from bot import console
from bot.config import Settings
from bot.devtools.sandbox import cli
from bot.devtools.sandbox.server import Options, is_loopback, serve
from tests.conftest import TEST_SECRET, translate


def test_defaults() -> None:
    assert cli.parse_args([]) == Options(
        host="127.0.0.1",
        port=8080,
        allow_remote=False,
        demo=False,
        reset=False,
        data_dir=Path("data/sandbox"),
    )
    options = cli.parse_args(["--port", "9000", "--demo", "--reset", "--data-dir", "x"])
    assert (options.port, options.demo, options.reset, options.data_dir) == (
        9000,
        True,
        True,
        Path("x"),
    )
    with pytest.raises(SystemExit):
        cli.parse_args(["--port", "70000"])


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.5.5.5", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_only_this_computers_own_addresses_count_as_local(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_another_address_is_refused_without_the_flag(
    capsys: pytest.CaptureFixture[str], i18n: I18n
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.check_address(cli.parse_args(["--host", "0.0.0.0"]))
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    for locale in ("kk", "ru"):
        msgid = str(console.SANDBOX_REMOTE_REFUSED._args[0])
        assert translate(i18n, msgid, locale).format(host="0.0.0.0") in error


def test_with_the_flag_it_is_allowed_with_a_warning(
    capsys: pytest.CaptureFixture[str], i18n: I18n
) -> None:
    cli.check_address(cli.parse_args(["--host", "0.0.0.0", "--allow-remote"]))
    error = capsys.readouterr().err
    msgid = str(console.SANDBOX_NO_LOGIN._args[0])
    assert translate(i18n, msgid, "ru").format(host="0.0.0.0") in error
    cli.check_address(cli.parse_args(["--host", "127.0.0.1"]))
    assert capsys.readouterr().err == ""


def test_the_command_refuses_it_before_making_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        entry.main(["sandbox", "--host", "0.0.0.0", "--demo"])
    assert stopped.value.code == 2
    assert "--allow-remote" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


async def test_a_busy_port_is_explained(
    tmp_path: Path, i18n: I18n, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        options = Options(port=port, data_dir=tmp_path / "sandbox")
        with pytest.raises(SystemExit) as stopped:
            await serve(options, settings)
    assert stopped.value.code == 2
    msgid = str(console.SANDBOX_PORT_BUSY._args[0])
    assert translate(i18n, msgid, "kk").format(port=port) in capsys.readouterr().err
    assert not (tmp_path / "sandbox" / "adal.sqlite3").exists()


def test_run_or_sandbox_opens_the_sandbox_only_without_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("BOT_TOKEN", "SECRET_KEY", "DATABASE_PATH"):
        monkeypatch.delenv(name, raising=False)
    opened: list[list[str]] = []
    ran: list[object] = []

    async def fake_run(settings: object) -> None:
        ran.append(settings)

    monkeypatch.setattr(entry, "sandbox", opened.append)
    monkeypatch.setattr(entry, "cmd_run", fake_run)
    entry.main(["run", "--or-sandbox"])
    assert (opened, ran) == ([["--demo"]], [])
    monkeypatch.setenv("BOT_TOKEN", "123:ABC")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    entry.main(["run", "--or-sandbox"])
    assert len(opened) == 1 and len(ran) == 1
    monkeypatch.delenv("BOT_TOKEN")
    entry.main(["run"])  # without the flag a missing token is still the operator's to fix
    assert len(opened) == 1 and len(ran) == 2


def test_sandbox_arguments_go_to_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(entry, "sandbox", seen.append)
    entry.main(["sandbox", "--port", "9001", "--demo"])
    assert seen == [["--port", "9001", "--demo"]]
