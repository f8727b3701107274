"""Prints how many updates a second the bot handles through the whole report flow, next to a
bare aiogram echo bot and a bare aiogram "floor" bot measured in the same run.

    .venv/bin/python bench/throughput.py [--users 20] [--rounds 2] [--profile OUT.txt]
        [--floor-session {aiogram,json}] [--floor-script OUT.json]

Two emulators run in this process (one Bot API emulator per token, same code, same event
loop): the real `python -m bot` polls one, bench/echo_bot.py (a bare aiogram 3 Dispatcher
answering each message with its text) polls the other. Each round runs the echo bot's phase,
then Adal's, never both at once, so neither competes with the other for the 2 cores.

In Adal's phase each of N new users goes through the citizen's report flow one step at a time,
waiting for each answer as a person would: /start, language, region, /report, area, region,
place, description, when, who (skip), amount (skip), location, anonymous, files (skip: the
summary), Submit, and waits for the confirmation with the case number and the code (sent by
the outbox). In the echo bot's phase the same number of users send the same number of plain
text messages, each waiting for its echo.

The floor (bench/floor_bot.py) is what the report flow costs in any aiogram bot: a bare
Dispatcher that answers each update with exactly the Bot API calls Adal made for that step
(the same methods, texts and keyboards, in the same order: the button's answer, the edit, the
next question), with no database, middleware or state. Its script is taken from Adal's own
warm-up user in the same run, so it follows the flow as it is today. Its users go through the
same report flow as Adal's. The echo bot makes one call per update; the flow needs about two
(a pressed button must be answered, and the next question shown), and each call costs a bot
more than a whole echo does, so floor/echo is where any bot built on aiogram would stand, and
adal/floor is what the bot's own guarantees (durable intake, sealed state, the database,
the audit, its routers) cost on top.

Printed per bot and round: updates/s (updates sent / wall time from the first update to the
last answer), p50 and p99 of the reply latency (from the emulator receiving an update to the
bot's first visible answer in that chat: a message sent or edited), peak RSS (VmHWM), the CPU
time the bot's process used per update (user + system, all threads: the steadiest figure on a
busy machine) and the cold start (process start to its first getUpdates); then Adal/echo,
floor/echo, Adal/floor, the floor's p99, and what the two goals (half the echo bot's rate, p99
under 50 ms) mean together at this load: with every user waiting for each answer, the mean
latency is users / updates per second.
Figures, not pass/fail.

The outbox (which sends the confirmation after Submit) keeps every message the process sends
under OUTBOX_RATE a second, 25 by default, because Telegram allows about 30. The emulator runs
without flood control and the echo bot has no such cap, so by default the bot runs with
OUTBOX_RATE=1000 (its maximum): the figures are then the bot's own cost per update, like the
echo bot's. `--outbox-rate 25` shows the production setting, where the confirmations wait for
the handlers' replies to leave room under the rate (seconds at this load).

With --profile, py-spy (if installed: `.venv/bin/pip install py-spy`, not a project
dependency) samples the bot during Adal's measured phases and the top of the profile is
written as text.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.devtools.emulator import BotApiEmulator
from tests.e2e.citizen import Citizen
from tests.e2e.conftest import TOKEN, BotProcess
from tests.e2e.test_reports_e2e import rp

REPO = Path(__file__).resolve().parents[1]
ECHO_TOKEN = "654321:ECHO-BENCH-TOKEN"
FLOOR_TOKEN = "654322:FLOOR-BENCH-TOKEN"
GROUP = -1_001_700_000_000
CASE = re.compile(r"KZ27-\d{6}")
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
# What a person sees as an answer; answerCallbackQuery and chat actions are not.
VISIBLE = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
    }
)
DESCRIPTION = "Мектеп құрылысы үш жылдан бері бітпей тұр, мердігерге ақша төленген."


class TimedEmulator(BotApiEmulator):
    """The emulator, remembering when each chat got each visible answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers: dict[int, list[float]] = {}
        self.first_poll: float | None = None

    async def _dispatch(self, method: str, params: Any) -> Any:
        if method == "getUpdates" and self.first_poll is None:
            self.first_poll = time.perf_counter()
        response = await super()._dispatch(method, params)
        if method in VISIBLE and response.status == 200:
            chat_id = params.integer("chat_id")
            if chat_id is not None:
                self.answers.setdefault(chat_id, []).append(time.perf_counter())
        return response


@dataclass
class Phase:
    name: str
    updates: int = 0
    latencies: list[float] = field(default_factory=list)
    by_step: dict[int, list[float]] = field(default_factory=dict)
    started: float = 0.0
    ended: float = 0.0
    failures: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)  # Bot API calls made meanwhile
    cpu: float = 0.0  # CPU seconds the bot's process used meanwhile
    citizens: list[TimedCitizen] = field(default_factory=list)
    calls_end: int = 0  # len(emulator.calls) once the phase was over

    @property
    def rate(self) -> float:
        return self.updates / (self.ended - self.started)


class Timed:
    """Wraps one user's steps: the moment each update is enqueued, and its first answer."""

    def __init__(self, emulator: TimedEmulator, chat_id: int, phase: Phase) -> None:
        self.emu = emulator
        self.chat_id = chat_id
        self.phase = phase
        self.sent_at: list[float] = []
        self.calls_at: list[int] = []  # len(emulator.calls) as each update went out
        self.pressed: dict[int, int] = {}  # step -> the id of the message whose button it was

    def mark(self, pressed: int | None = None) -> None:
        if pressed is not None:
            self.pressed[len(self.sent_at)] = pressed
        self.sent_at.append(time.perf_counter())
        self.calls_at.append(len(self.emu.calls))
        self.phase.updates += 1

    def settle(self) -> None:
        """Pair each update with the first answer after it (steps are strictly sequential)."""
        answers = self.emu.answers.get(self.chat_id, [])
        for step, sent in enumerate(self.sent_at):
            later = [a for a in answers if a >= sent]
            if later:
                self.phase.latencies.append(later[0] - sent)
                self.phase.by_step.setdefault(step + 1, []).append(later[0] - sent)
            else:
                self.phase.failures.append(f"chat {self.chat_id}: an update got no answer")


class TimedCitizen(Citizen):
    """tests/e2e/citizen.Citizen with every update it sends timed."""

    def __init__(self, emulator: TimedEmulator, user_id: int, phase: Phase) -> None:
        super().__init__(emulator, user_id, "kk")
        self.timed = Timed(emulator, user_id, phase)

    def _marked(self, name: str, pressed: int | None = None) -> Any:
        action = getattr(self.emu, name)

        def call(user_id: int, *args: Any, **kwargs: Any) -> Any:
            self.timed.mark(pressed)
            return action(user_id, *args, **kwargs)

        return call

    async def say(self, text: str, *, expect: str | None = None) -> dict[str, Any]:
        after = self._mark()
        self._marked("send_text")(self.id, text)
        return await self._next(after, expect)

    async def tap(self, callback_data: str, *, expect: str | None = None) -> dict[str, Any]:
        # A step may answer in two messages (a note, then the question with the buttons).
        message = await until(lambda: self._with_button(callback_data))
        after = self._mark()
        pressed = message["message_id"]
        self._marked("press_button", pressed)(self.id, pressed, callback_data)
        return await self._next(after, expect)

    async def send(
        self, action: str, *, expect: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        after = self._mark()
        self._marked(action)(self.id, **kwargs)
        return await self._next(after, expect)


async def until(check: Any, seconds: float = 60.0) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (found := check()) is None:
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.005)
    return found


def summary_message(emulator: BotApiEmulator, chat_id: int) -> dict[str, Any] | None:
    for message in reversed(emulator.bot_messages(chat_id)):
        if rp("submit") in str(message.get("reply_markup")):
            return message
    return None


def confirmation(emulator: BotApiEmulator, chat_id: int) -> dict[str, Any] | None:
    for message in emulator.bot_messages(chat_id):
        text = message.get("text") or ""
        if CASE.search(text) and CODE.search(text):
            return message
    return None


async def report_flow(citizen: TimedCitizen) -> None:
    """Every step of an anonymous report, as tests/e2e/submit_trials.py drives it."""
    await citizen.say("/start")
    await citizen.tap("lang:kk")
    await citizen.tap("reg:KZ-27", expect="/privacy")
    await citizen.say("/report", expect="1/10")  # an introduction comes before the question
    await citizen.tap(rp("area", "education"))
    await citizen.tap(rp("region", "KZ-27"))
    await citizen.say("Орал")
    await citizen.say(DESCRIPTION)
    await citizen.tap(rp("when", "earlier"))
    await citizen.tap(rp("skip"))  # who is involved
    await citizen.tap(rp("skip"))  # the amount
    await citizen.send("send_location", latitude=51.2333, longitude=51.3667)
    await citizen.tap(rp("anon", "anonymous"))
    await citizen.tap(rp("skip"))  # no files: the summary
    summary = await until(lambda: summary_message(citizen.emu, citizen.id))
    citizen.timed.mark(summary["message_id"])
    citizen.emu.press_button(citizen.id, summary["message_id"], rp("submit"))
    await until(lambda: confirmation(citizen.emu, citizen.id))


STEPS = 15  # updates in report_flow: the echo users send as many
EDITS = {"editMessageText", "editMessageReplyMarkup", "editMessageCaption", "deleteMessage"}


def floor_script(emulator: BotApiEmulator, phase: Phase) -> list[list[tuple[str, Any]]]:
    """What bench/floor_bot.py replays: the calls Adal made for each step of the one user of
    `phase` (the warm-up, so every call but getUpdates was that user's), with the user's chat,
    the pressed message and the query's id as placeholders."""
    (citizen,) = phase.citizens
    timed = citizen.timed
    bounds = [*timed.calls_at, phase.calls_end]
    steps: list[list[tuple[str, Any]]] = []
    for step in range(len(timed.calls_at)):
        calls: list[tuple[str, Any]] = []
        for method, params in emulator.calls[bounds[step] : bounds[step + 1]]:
            if method == "getUpdates":
                continue
            params = {k: v for k, v in params.items() if not k.startswith("_")}
            if params.get("chat_id") == citizen.id:
                params["chat_id"] = "$chat"
            if "callback_query_id" in params:
                params["callback_query_id"] = "$query"
            if method in EDITS and params.get("message_id") == timed.pressed.get(step):
                params["message_id"] = "$pressed"
            calls.append((method, params))
        steps.append(calls)
    return steps


async def echo_flow(citizen: TimedCitizen) -> None:
    for n in range(STEPS):
        text = DESCRIPTION if n == 7 else f"{n + 1}/{STEPS} Орал"
        await citizen.say(text, expect=text)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process (all its threads) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_phase(
    name: str, emulator: TimedEmulator, users: int, first_id: int, flow: Any, pid: int
) -> Phase:
    phase = Phase(name)
    cpu_before = cpu_seconds(pid)
    citizens = [TimedCitizen(emulator, first_id + n, phase) for n in range(users)]
    calls_before = len(emulator.calls)
    # This process (the emulators and the simulated users) must not pause to collect
    # garbage inside a measured phase: a full collection here took 100-odd ms (bench/gcprobe),
    # a third of the echo bot's whole phase, and landed on either bot's figures at random.
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        phase.started = time.perf_counter()
        results = await asyncio.gather(*(flow(c) for c in citizens), return_exceptions=True)
        phase.ended = time.perf_counter()
    finally:
        gc.enable()
        gc.unfreeze()
    phase.calls_end = len(emulator.calls)
    phase.citizens = citizens
    phase.calls = Counter(method for method, _ in emulator.calls[calls_before:])
    phase.cpu = cpu_seconds(pid) - cpu_before
    for result in results:
        if isinstance(result, BaseException):
            phase.failures.append(f"{type(result).__name__}: {result}")
    for citizen in citizens:
        citizen.timed.settle()
    return phase


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class BareBot:
    """bench/echo_bot.py or bench/floor_bot.py in a process of its own."""

    def __init__(self, emulator: TimedEmulator, script: str, **env: str) -> None:
        self.emulator = emulator
        self.script = script
        self.extra_env = env
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> float:
        started = time.perf_counter()
        self.proc = self._spawn()
        await until(lambda: self.emulator.first_poll, seconds=180)
        assert self.emulator.first_poll is not None
        return self.emulator.first_poll - started

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = dict(
            os.environ,
            BOT_TOKEN=self.emulator.token,
            TELEGRAM_API_BASE=self.emulator.base_url,
            **self.extra_env,
        )
        return subprocess.Popen(
            [sys.executable, str(REPO / "bench" / self.script)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Profiler:
    """py-spy attached to the bot only while Adal's phase is measured."""

    def __init__(self, pid: int, out: Path) -> None:
        self.pid = pid
        self.out = out
        self.raw: list[Path] = []
        self.proc: subprocess.Popen[bytes] | None = None
        self.exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")

    def start(self) -> None:
        raw = self.out.with_suffix(f".raw{len(self.raw)}")
        self.raw.append(raw)
        self.proc = subprocess.Popen(
            [self.exe, "record", "-p", str(self.pid), "-f", "raw", "-r", "250", "-o", str(raw)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)  # attached before the first update goes out

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=60)

    def write(self, header: str) -> None:
        self.out.write_text(header + "\n" + top_of_profile(self.raw))
        keep = os.environ.get("THROUGHPUT_KEEP_STACKS")  # collapsed stacks, for a closer look
        for raw in self.raw:
            if keep:
                shutil.copy(raw, Path(keep) / raw.name)
            raw.unlink(missing_ok=True)


def top_of_profile(raw_files: list[Path], limit: int = 45) -> str:
    """Self and total samples per function from py-spy's collapsed stacks (idle excluded)."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    samples = 0
    for raw in raw_files:
        if not raw.exists():
            continue
        for line in raw.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            frames = [_short(f) for f in stack.split(";")[1:]]  # the first is the thread
            count = int(count_text)
            if not frames or _idle(frames[-1]):
                continue
            samples += count
            parts[_part(stack)] += count
            own[frames[-1]] += count
            for frame in set(frames):
                total[frame] += count
    lines = [f"busy samples: {samples}", "", "% of busy samples  part of the work"]
    lines += [f"{100 * n / samples:5.1f}  {part}" for part, n in parts.most_common()]
    lines += ["", "self %  function (file:line)"]
    lines += [f"{100 * n / samples:5.1f}  {name}" for name, n in own.most_common(limit)]
    lines += ["", "total %  function (file:line), inclusive"]
    lines += [f"{100 * n / samples:5.1f}  {name}" for name, n in total.most_common(limit)]
    ours = Counter(
        {name: n for name, n in total.items() if name.split("(")[-1].startswith("bot/")}
    )
    lines += ["", "total %  the bot's own functions, inclusive"]
    lines += [f"{100 * n / samples:5.1f}  {name}" for name, n in ours.most_common(limit)]
    return "\n".join(lines) + "\n"


def _part(stack: str) -> str:
    """Which part of the work a sample belongs to, by the frames on its stack."""
    if "_connection_worker_thread" in stack:
        return "SQLite, in aiosqlite's thread"
    if "Bot.__call__" in stack:
        if "Outbox" in stack:
            return "Bot API calls: the outbox's sends"
        if "_fetch_forever" in stack:
            return "Bot API calls: getUpdates (and parsing the updates)"
        return "Bot API calls: the handlers' replies, edits and callback answers"
    if "_fetch_forever" in stack:
        return "the intake: sealing and storing fetched updates"
    if "Outbox" in stack:
        return "the outbox, apart from sending"
    if "feed_update" in stack:
        frames = stack.split(";")
        ours = ("bot/handlers/", "bot/services/", "bot/views/", "bot/db/")
        if any(any(part in frame for part in ours) for frame in frames):
            return "handlers, services, views and the database layer (apart from Bot API calls)"
        if any("propagate_event" in frame or ".trigger" in frame for frame in frames):
            return "aiogram: dispatching to the handler (routers, filters, gates, wrappers)"
        return "outer middlewares"
    if "_run_chat" in stack or "DurableIntake" in stack:
        return "the intake: ordering and marking updates done"
    return "the event loop, sockets and the rest"


def _short(frame: str) -> str:
    return frame.replace(str(REPO) + "/", "").replace(sys.prefix + "/", "")


IDLE = (
    "EpollSelector.select (selectors.py",  # the event loop waiting
    "_worker (concurrent/futures/thread.py:81)",  # an executor thread waiting for work
    "_connection_worker_thread (aiosqlite/core.py:59)",  # aiosqlite's thread waiting
)


def _idle(frame: str) -> bool:
    return frame.startswith(IDLE)


def describe(phase: Phase, rss: float) -> str:
    ms = [x * 1000 for x in phase.latencies]
    text = (
        f"  {phase.name:5} {phase.updates:4d} updates in {phase.ended - phase.started:6.2f} s:"
        f" {phase.rate:6.1f} updates/s, p50 {percentile(ms, 0.5):6.1f} ms,"
        f" p99 {percentile(ms, 0.99):6.1f} ms, peak RSS {rss:5.0f} MB,"
        f" CPU {1000 * phase.cpu / phase.updates:.1f} ms/update"
    )
    slowest = sorted(phase.by_step.items(), key=lambda item: -percentile(item[1], 0.5))[:3]
    text += "\n    slowest steps by p50: " + ", ".join(
        f"#{step} {percentile(values, 0.5) * 1000:.0f} ms" for step, values in slowest
    )
    per_update = ", ".join(
        f"{method} {count / phase.updates:.2f}" for method, count in phase.calls.most_common(5)
    )
    text += f"\n    Bot API calls per update: {per_update}"
    if phase.failures:
        text += f"\n    {len(phase.failures)} failures, first: {phase.failures[0]}"
    return text


async def main(
    users: int,
    rounds: int,
    profile: Path | None,
    outbox_rate: float,
    keep_script: Path | None = None,
    floor_session: str = "aiogram",
) -> None:
    print(
        f"{users} users; {STEPS} updates each; {rounds} rounds; cpus={os.cpu_count()};"
        f" OUTBOX_RATE={outbox_rate:g}; the floor's session: {floor_session}"
    )
    print(f"load average at start: {os.getloadavg()[0]:.2f} (the machine is shared)")
    async with (
        TimedEmulator(token=TOKEN) as adal_emu,
        TimedEmulator(token=ECHO_TOKEN, bot_username="echo_bench_bot") as echo_emu,
        TimedEmulator(token=FLOOR_TOKEN, bot_username="floor_bench_bot") as floor_emu,
    ):
        adal_emu.add_group(GROUP, "Модераторлар")
        floor_emu.add_group(GROUP, "Модераторлар")
        with tempfile.TemporaryDirectory() as workdir:
            adal = BotProcess(
                adal_emu, Path(workdir), MODERATOR_CHAT_ID=str(GROUP), OUTBOX_RATE=str(outbox_rate)
            )
            echo = BareBot(echo_emu, "echo_bot.py")
            started = time.perf_counter()
            await adal.start(timeout=180)
            assert adal_emu.first_poll is not None and adal.proc is not None
            adal_cold = adal_emu.first_poll - started
            echo_cold = await echo.start()
            print(
                f"cold start (process start to first getUpdates): adal {adal_cold:.2f} s,"
                f" echo {echo_cold:.2f} s"
            )
            # One user each first, not counted: the first update of each kind warms caches.
            await run_phase("warm", echo_emu, 1, 7_000_000_000, echo_flow, echo.pid)
            warm = await run_phase("warm", adal_emu, 1, 7_000_000_000, report_flow, adal.proc.pid)
            script = Path(workdir) / "floor.json"
            script.write_text(json.dumps(floor_script(adal_emu, warm), ensure_ascii=False))
            if keep_script is not None:
                shutil.copy(script, keep_script)
            floor = BareBot(
                floor_emu, "floor_bot.py", FLOOR_SCRIPT=str(script), FLOOR_SESSION=floor_session
            )
            await floor.start()
            await run_phase("warm", floor_emu, 1, 7_000_000_000, report_flow, floor.pid)
            profiler = Profiler(adal.proc.pid, profile) if profile is not None else None
            ratios: list[float] = []
            floors: list[float] = []
            for n in range(rounds):
                base = 7_100_000_000 + n * 10_000
                echo_phase = await run_phase("echo", echo_emu, users, base, echo_flow, echo.pid)
                floor_phase = await run_phase(
                    "floor", floor_emu, users, base, report_flow, floor.pid
                )
                if profiler is not None:
                    profiler.start()
                adal_phase = await run_phase(
                    "adal", adal_emu, users, base, report_flow, adal.proc.pid
                )
                if profiler is not None:
                    profiler.stop()
                print(f"round {n + 1} (load average {os.getloadavg()[0]:.2f}):")
                print(describe(echo_phase, peak_rss_mb(echo.pid)))
                print(describe(floor_phase, peak_rss_mb(floor.pid)))
                print(describe(adal_phase, peak_rss_mb(adal.proc.pid)))
                ratio = adal_phase.rate / echo_phase.rate
                ratios.append(ratio)
                floors.append(floor_phase.rate / echo_phase.rate)
                of_floor = adal_phase.rate / floor_phase.rate
                floor_p99 = percentile(floor_phase.latencies, 0.99) * 1000
                print(
                    f"  floor/echo {floors[-1]:.2f}; adal/floor {of_floor:.2f};"
                    f" floor p99 {floor_p99:.1f} ms"
                )
                cpu_ratio = adal_phase.cpu / echo_phase.cpu
                p99 = percentile(adal_phase.latencies, 0.99) * 1000
                print(
                    f"  adal/echo {ratio:.2f} (goal >= 0.50); adal p99 {p99:.1f} ms (goal < 50);"
                    f" adal's CPU per update {cpu_ratio:.1f}x the echo bot's"
                )
                # Each user waits for the answer before the next step, so the mean latency is
                # users / rate (Little's law): the two goals meet only on a fast enough host.
                half = 0.5 * echo_phase.rate
                print(
                    f"  at half the echo bot's rate ({half:.0f} updates/s) {users} waiting users"
                    f" would wait {users / half * 1000:.0f} ms on average; a p99 under 50 ms"
                    f" needs more than {users / 0.05:.0f} updates/s"
                )
            echo.stop()
            floor.stop()
            await adal.terminate()
            if profiler is not None:
                profiler.write(
                    f"py-spy, 250 Hz, Adal during {rounds} measured phases of {users} users"
                    f" through the report flow (bench/throughput.py); ratios {ratios}"
                )
                print(f"profile: {profile}")
    print(f"adal/echo over the rounds: {min(ratios):.2f}-{max(ratios):.2f}")
    print(f"floor/echo over the rounds: {min(floors):.2f}-{max(floors):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument(
        "--outbox-rate",
        type=float,
        default=1000,
        help="the bot's OUTBOX_RATE (default 1000, its maximum: see the module's docstring)",
    )
    parser.add_argument(
        "--floor-script",
        type=Path,
        default=None,
        help="keep the calls bench/floor_bot.py replays (JSON) at this path",
    )
    parser.add_argument(
        "--floor-session",
        choices=["aiogram", "json"],
        default="aiogram",
        help="the floor bot's session: aiogram's own (default) or Adal's JSON bodies",
    )
    args = parser.parse_args()
    asyncio.run(
        main(
            args.users,
            args.rounds,
            args.profile,
            args.outbox_rate,
            args.floor_script,
            args.floor_session,
        )
    )
