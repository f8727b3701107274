"""``python -m bot.devtools.emulator``: run the emulator standalone for manual sandboxing."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .core import BotApiEmulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.devtools.emulator", description="Telegram Bot API emulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--bot-username", default="adal_test_bot")
    parser.add_argument("--flood-control", action="store_true")
    parser.add_argument(
        "--user", type=int, action="append", default=[], help="pre-register a user id"
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Start, announce the base URL, and serve until cancelled."""
    emulator = BotApiEmulator(
        token=args.token, bot_username=args.bot_username, flood_control=args.flood_control
    )
    for user_id in args.user:
        emulator.add_user(user_id)
    await emulator.start(host=args.host, port=args.port)
    print(emulator.base_url, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
