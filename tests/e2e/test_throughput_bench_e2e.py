"""bench/throughput.py keeps working: two users through the whole report flow, next to the
echo bot, every update answered. The figures themselves are the bench's to print, not a test's
to judge (a busy machine changes them several-fold)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.e2e.conftest import REPO
from tests.e2e.waits import START_TIMEOUT


def test_the_throughput_bench_runs_the_whole_flow() -> None:
    result = subprocess.run(
        [sys.executable, "bench/throughput.py", "--users", "2", "--rounds", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT * 2 + 300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "adal/echo over the rounds" in out, out
    assert "failures" not in out, out  # every update of both bots got its answer
    assert re.search(r"adal +30 updates", out) and re.search(r"echo +30 updates", out), out
