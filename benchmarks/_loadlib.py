"""Shared helpers for the load and memory benchmarks (loopback only, everything bounded).

- `Step`/`run_step`: an open-loop generator sending signed requests at a fixed rate,
  bounded in count and time, with per-request latency.
- `percentile`, `summary`: nearest-rank percentiles.
- `BotProcess`: start the bot (or any Python entry point) in a child process, wait for
  its port, read its resident memory from /proc, stop it with SIGTERM.

The fake Slack Web API in its own process is `benchmarks._fake_slack.FakeSlackProcess`.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.fakes.slack_payloads import command_body, event_body, sign

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECRET = "bench-signing-secret"
COMMAND_TYPE = "application/x-www-form-urlencoded"
DRAFT = (
    "Hi Marta, your post about retiring the Friday release freeze at Ostrava Logistics made me "
    "rethink ours. I'm the platform lead at Brno Parcel and we argue about this every quarter. "
    "How did you convince support that more releases would not mean more weekend pages?"
)

__all__ = ["command_body", "event_body", "sign"]


# ---- numbers --------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class StepResult:
    target: str
    rate: float
    sent: int
    ok: int
    errors: Counter[str]
    latencies_ms: list[float]
    seconds: float
    sent_at: dict[int, float]  # request index → time.monotonic() when it was sent
    delivered: int | None = None  # reviews that reached response_url (bot only)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def achieved(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)

    def sustained(self, p99_limit_ms: float = 500.0) -> bool:
        """Every request answered 2xx, the rate kept (≥ 95 %), p99 under the limit."""
        return (
            self.sent > 0
            and self.ok == self.sent
            and self.achieved >= 0.95 * self.rate
            and self.p99 < p99_limit_ms
            and (self.delivered is None or self.delivered == self.sent)
        )


# ---- load -----------------------------------------------------------------------------------
Request = tuple[str, bytes, dict[str, str]]  # url, body, headers


async def timed_post(
    session: aiohttp.ClientSession, request: Request, timeout: float
) -> tuple[float, str | None]:
    """(latency in ms, error or None) of one POST."""
    url, body, headers = request
    started = time.monotonic()
    try:
        async with session.post(
            url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            await response.read()
            error = None if response.status < 300 else f"http_{response.status}"
    except TimeoutError:
        error = "timeout"
    except aiohttp.ClientError as exc:
        error = type(exc).__name__
    return (time.monotonic() - started) * 1000, error


async def run_step(
    session: aiohttp.ClientSession,
    target: str,
    make_request: Callable[[int], Request],
    *,
    rate: float,
    seconds: float,
    max_count: int = 4000,
    timeout: float = 5.0,
) -> StepResult:
    """Send `rate` requests a second (open loop) for `seconds` (at most `max_count`)."""
    count = min(max_count, int(rate * seconds))
    requests = [make_request(i) for i in range(count)]  # signed before the clock starts
    results: list[tuple[float, str | None]] = []
    sent_at: dict[int, float] = {}

    async def one(index: int, request: Request) -> None:
        sent_at[index] = time.monotonic()
        results.append(await timed_post(session, request, timeout))

    tasks: list[asyncio.Task[None]] = []
    started = time.monotonic()
    for i, request in enumerate(requests):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, request)))
    sending = time.monotonic() - started
    if tasks:
        await asyncio.wait(tasks, timeout=timeout + 2)
    errors: Counter[str] = Counter(e for _, e in results if e)
    errors["unanswered"] += count - len(results)
    errors = +errors
    return StepResult(
        target,
        rate,
        count,
        sum(1 for _, e in results if e is None),
        errors,
        [ms for ms, e in results if e is None],
        # a step that could not send in time counts against the rate it claims
        max(sending, (count - 1) / rate) if count > 1 else sending,
        sent_at,
    )


def signed(
    url: str, body: str, content_type: str, headers: dict[str, str] | None = None
) -> Request:
    return (
        url,
        body.encode(),
        {"Content-Type": content_type, **sign(SECRET, body), **(headers or {})},
    )


def new_session(limit: int = 1000) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit, force_close=False))


async def poll(check: Callable[[], Awaitable[bool]], timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(every)
    return await check()


# ---- processes ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` in MB (VmRSS from /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by `pid`."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (e.g. `serve`'s worker processes)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of `pid` and its live children (spawned workers, not yet reaped)."""
    total = cpu_seconds(pid)
    for child in children(pid):
        try:
            total += cpu_seconds(child)
        except FileNotFoundError:  # exited in between
            pass
    return total


def clean_env(**values: str) -> dict[str, str]:
    """The parent's environment without any platform or model credential, plus `values`."""
    dropped = ("SLACK_", "DISCORD_", "OPENAI_", "OUTREACH_", "DATABASE_URL", "PORT", "HEALTH_PORT")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(values)
    return env


class BotProcess:
    """A child process that serves HTTP on `port` (127.0.0.1), logs to `log_path`."""

    def __init__(self, args: Sequence[str], env: dict[str, str], port: int, log_path: Path):
        self.args, self.env, self.port, self.log_path = list(args), env, port, log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self, timeout: float = 30.0) -> bool:
        """Start and wait for the port; False when the process exited first."""
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.args, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return True
            except OSError:
                await asyncio.sleep(0.1)
        raise TimeoutError(f"{self.args} did not listen on {self.port} in {timeout}s")

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, wait, then SIGKILL; the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(5)


def slack_bot_env(api_url: str, port: int, database_url: str, **extra: str) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        PORT=str(port),
        DATABASE_URL=database_url,
        OUTREACH_LLM="off",
        **extra,
    )


SERVE_SLACK = [str(Path(PYTHON).with_name("outreach-review")), "serve", "--slack"]
MODULE_SLACK = [PYTHON, "-m", "adapters.slack"]


async def start_slack_bot(env: dict[str, str], port: int, log_path: Path) -> BotProcess:
    """`outreach-review serve --slack` when it serves Slack, else `python -m adapters.slack`."""
    for args in (SERVE_SLACK, MODULE_SLACK):
        bot = BotProcess(args, env, port, log_path)
        if await bot.start():
            return bot
    raise RuntimeError(f"the Slack bot did not start: see {log_path}")


def entry_name(bot: BotProcess) -> str:
    return " ".join(Path(a).name if i == 0 else a for i, a in enumerate(bot.args))
