"""``python -m bot sandbox [--port 8080] [--demo] [--reset] [--host H --allow-remote]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path

from bot import console

from .server import EXIT_CONFIG, Options, is_loopback, serve


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bot sandbox", description=console.both(console.SANDBOX_HELP)
    )
    parser.add_argument(
        "--port", type=int, default=8080, help=console.both(console.SANDBOX_HELP_PORT)
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help=console.both(console.SANDBOX_HELP_HOST)
    )
    parser.add_argument(
        "--allow-remote", action="store_true", help=console.both(console.SANDBOX_HELP_REMOTE)
    )
    parser.add_argument(
        "--demo", action="store_true", help=console.both(console.SANDBOX_HELP_DEMO)
    )
    parser.add_argument(
        "--reset", action="store_true", help=console.both(console.SANDBOX_HELP_RESET)
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("data/sandbox"),
        help=console.both(console.SANDBOX_HELP_DATA),
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port: 0-65535")
    return Options(
        host=args.host,
        port=args.port,
        allow_remote=args.allow_remote,
        demo=args.demo,
        reset=args.reset,
        data_dir=args.data_dir,
    )


def check_address(options: Options) -> None:
    """Loopback only, unless the operator asked for more and has been warned."""
    if is_loopback(options.host):
        return
    if not options.allow_remote:
        console.say(console.SANDBOX_REMOTE_REFUSED, error=True, host=options.host)
        raise SystemExit(EXIT_CONFIG)
    console.say(console.SANDBOX_NO_LOGIN, error=True, host=options.host)


def main(argv: list[str] | None = None) -> None:
    from bot.__main__ import load_settings
    from bot.logs import configure_logging

    options = parse_args(argv)
    check_address(options)
    settings = load_settings()
    configure_logging(settings.log_level)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(options, settings))
