"""How long the end-to-end tests wait for the bot: long enough for a loaded 2-core machine.

Every wait ends as soon as the bot does what is expected, so a generous limit costs nothing
when the machine is idle; it only decides how long a real failure takes to be reported. The
limits stay finite, so a hung bot still fails the test. Raise them on a very slow machine with
the environment variables below.
"""

from __future__ import annotations

import os


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not 0 < value < float("inf"):
        raise ValueError(f"{name} must be a positive, finite number of seconds, not {raw!r}")
    return value


# From `python -m bot run` to its first getUpdates: a cold start imports aiogram, reads the
# catalogues and migrates, which took over 30 s on a loaded machine.
START_TIMEOUT = _seconds("ADAL_E2E_START_TIMEOUT", 180.0)
# For one expected answer (a message, an edit, a button) after the bot has started.
WAIT = _seconds("ADAL_E2E_WAIT", 60.0)
