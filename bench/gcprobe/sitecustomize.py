"""Records the garbage collector's longer pauses in every Python process started with this
folder on PYTHONPATH, and writes them when the process exits:

    PYTHONPATH=$PWD/bench/gcprobe .venv/bin/python bench/throughput.py --users 20 --rounds 2
    cat /tmp/gcprobe.*  # one file per process (GCPROBE_DIR to write elsewhere); the
    # path must be absolute: the bot runs in a folder of its own

Each line: the generation, seconds since the process started, and how long the pause took;
full (generation 2) collections always, younger ones from 4 ms. A full collection stops the
event loop, and so every chat, for as long as it walks the heap: this is how the 100-200 ms
pauses during bench/throughput.py's measured rounds were found, and shown gone after the bot
started calling gc.freeze() (bot/app.py).
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import time
from pathlib import Path

_T0 = time.perf_counter()
_pauses: list[tuple[int, float, float]] = []
_started: list[float] = []


def _watch(phase: str, info: dict[str, int]) -> None:
    now = time.perf_counter()
    if phase == "start":
        _started[:] = [now]
    elif _started and info["generation"] >= 1:
        _pauses.append((info["generation"], now - _T0, now - _started[0]))


def _write() -> None:
    folder = Path(os.environ.get("GCPROBE_DIR", "/tmp"))
    lines = [" ".join(sys.argv)]
    lines += [
        f"gen{generation} at {at:7.2f} s took {took * 1000:6.1f} ms"
        for generation, at, took in _pauses
        if generation == 2 or took > 0.004
    ]
    (folder / f"gcprobe.{os.getpid()}").write_text("\n".join(lines) + "\n")


gc.callbacks.append(_watch)
atexit.register(_write)
