"""The test fake Slack Web API in its own process (so its work does not slow the load
generator), with `/bench/...` routes to seed messages and read counts.

Run `python -m benchmarks._fake_slack fake-slack PORT` to start it by hand.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from benchmarks._loadlib import PYTHON, BotProcess, clean_env, free_port
from tests.fakes.slack_api import FakeSlackApi


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
        args = [PYTHON, "-m", "benchmarks._fake_slack", "fake-slack", str(port)]
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
        sys.exit("usage: python -m benchmarks._fake_slack fake-slack PORT")
