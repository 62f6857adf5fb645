"""Shared helpers for the load and memory benchmarks (loopback only, everything bounded).

- `Step`/`run_step`: an open-loop generator sending signed requests at a fixed rate,
  bounded in count and time, with per-request latency.
- `percentile`, `summary`: nearest-rank percentiles.
- `BotProcess`: start the bot (or any Python entry point) in a child process, wait for
  its port, read its resident memory from /proc, stop it with SIGTERM.
- `FakeSlackProcess`: the test fake Slack Web API in its own process (so its work does
  not slow the load generator), with `/bench/...` routes to seed messages and read counts.

Run `python -m benchmarks._loadlib fake-slack PORT` to start the fake by hand.
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
from aiohttp import web

from tests.fakes.slack_api import FakeSlackApi, command_body, event_body, sign

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


# ---- the fake Slack Web API in its own process ----------------------------------------------
class BenchSlackApi(FakeSlackApi):
    """`FakeSlackApi` on a fixed port, timing each response_url post, with `/bench/*` routes."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: dict[str, list[tuple[float, bool]]] = {}  # name → (monotonic, has blocks)

    async def serve(self, port: int) -> None:
        app = web.Application(client_max_size=8 * 1024**2)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._timed_response)
        app.router.add_get("/bench/stats", self._stats)
        app.router.add_post("/bench/seed", self._seed)
        app.router.add_post("/bench/reset", self._reset)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.port = port

    async def _timed_response(self, request: web.Request) -> web.Response:
        body = await request.json()
        name = request.match_info["name"]
        self.arrivals.setdefault(name, []).append((time.monotonic(), bool(body.get("blocks"))))
        return web.Response(text="ok")

    async def _seed(self, request: web.Request) -> web.Response:
        spec = await request.json()
        made = [
            self.add_message(spec["channel"], {"user": f"U0W{i}", "text": spec["text"]})["ts"]
            for i in range(int(spec["count"]))
        ]
        return web.json_response(made)

    async def _reset(self, _request: web.Request) -> web.Response:
        self.calls.clear()
        self.arrivals.clear()
        return web.json_response({"ok": True})

    async def _stats(self, _request: web.Request) -> web.Response:
        threads = Counter(
            str(c.params.get("thread_ts"))
            for c in self.calls
            if c.method == "chat.postMessage" and c.params.get("thread_ts")
        )
        return web.json_response(
            {
                "arrivals": self.arrivals,
                "methods": Counter(c.method for c in self.calls),
                "thread_posts": threads,
            }
        )


class FakeSlackProcess(BotProcess):
    def __init__(self, log_path: Path) -> None:
        port = free_port()
        args = [PYTHON, "-m", "benchmarks._loadlib", "fake-slack", str(port)]
        super().__init__(args, clean_env(), port, log_path)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    async def call(self, session: aiohttp.ClientSession, path: str, body: Any = None) -> Any:
        url = f"http://127.0.0.1:{self.port}/bench/{path}"
        if body is None and path == "stats":
            async with session.get(url) as response:
                return await response.json()
        async with session.post(url, json=body or {}) as response:
            return await response.json()


async def _serve_fake_slack(port: int) -> None:
    api = BenchSlackApi()
    await api.serve(port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=1800)  # never outlives a forgotten run
    except TimeoutError:
        pass
    await api.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["fake-slack"]:
        # The fake stands in for Slack, which runs on other machines: it takes this
        # machine's CPU only when the bot under test leaves some.
        os.nice(10)
        asyncio.run(_serve_fake_slack(int(sys.argv[2])))
    else:
        sys.exit("usage: python -m benchmarks._loadlib fake-slack PORT")
