"""Logging set-up: ours at the chosen level, third-party loggers that echo data kept quiet."""

from __future__ import annotations

import logging
import sys

# These log SQL parameters or request bodies at DEBUG: report texts, phone numbers, codes.
_QUIET = ("aiosqlite", "aiohttp", "asyncio")


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
