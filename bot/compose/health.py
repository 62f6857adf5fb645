"""`/healthz`, `/readyz` and `/metrics`, as aiohttp routes.

The routes join the Slack HTTP app when it runs (one port for everything); otherwise
`HealthServer` serves them alone on `HEALTH_PORT`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web

from bot.blocking import bounded
from bot.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger("outreach.health")

Check = Callable[[], Awaitable[bool]]
CHECK_TIMEOUT_S = 3.0


class Pingable(Protocol):
    def ping(self) -> bool: ...


class Health:
    """What the endpoints report: a named readiness check per dependency, plus the metrics."""

    def __init__(
        self,
        metrics: Metrics,
        store: Pingable | None = None,
        *,
        check_timeout: float = CHECK_TIMEOUT_S,
    ) -> None:
        self.metrics = metrics
        self.check_timeout = check_timeout
        self.checks: dict[str, Check] = {}
        self.draining = False
        if store is not None:
            self.add_check("store", lambda: bounded(store.ping, timeout=self.check_timeout))

    def add_check(self, name: str, check: Check) -> None:
        self.checks[name] = check

    async def readiness(self) -> dict[str, bool]:
        names = list(self.checks)
        results = await asyncio.gather(*(self._run(name) for name in names))
        return dict(zip(names, results, strict=True))

    async def _run(self, name: str) -> bool:
        try:
            return bool(await asyncio.wait_for(self.checks[name](), timeout=self.check_timeout))
        except Exception as exc:  # a check that raises or hangs means "not ready"
            log.debug("readiness check failed", extra={"check": name, "error": type(exc).__name__})
            return False

    # --- handlers ---

    async def healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(self, _request: web.Request) -> web.Response:
        checks = await self.readiness()
        not_ready = sorted(name for name, ok in checks.items() if not ok)
        if self.draining:
            not_ready.insert(0, "shutting_down")
        body = {"ready": not not_ready, "checks": checks, "not_ready": not_ready}
        return web.json_response(body, status=200 if not not_ready else 503)

    async def metrics_text(self, _request: web.Request) -> web.Response:
        body = self.metrics.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/healthz", self.healthz),
            web.get("/readyz", self.readyz),
            web.get("/metrics", self.metrics_text),
        ]


class HealthServer:
    """The health routes on their own port (when Slack HTTP mode is not running)."""

    def __init__(self, health: Health, host: str, port: int) -> None:
        self.health = health
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(self.health.routes())
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.requested_port).start()
        self.port = int(self._runner.addresses[0][1])
        log.info("health endpoints listening", extra={"port": self.port})

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
