"""A round-robin reverse proxy on 127.0.0.1, in front of replicas of the bot."""

from __future__ import annotations

import itertools

import aiohttp
from aiohttp import web

from benchmarks._loadlib import free_port, new_session


class RoundRobinProxy:
    """POST /slack/events → the next upstream, headers and body as received."""

    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self._next = itertools.cycle(range(len(upstreams)))
        self.forwarded = [0] * len(upstreams)
        self.port = free_port()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    async def start(self) -> None:
        self._session = new_session()
        app = web.Application()
        app.router.add_post("/slack/events", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        index = next(self._next)
        self.forwarded[index] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-slack")}
        headers["Content-Type"] = request.headers.get("Content-Type", "")
        try:
            async with self._session.post(
                self.upstreams[index], data=await request.read(), headers=headers
            ) as upstream:
                body = await upstream.read()
                content_type = upstream.headers.get("Content-Type", "text/plain")
                return web.Response(
                    status=upstream.status, body=body, headers={"Content-Type": content_type}
                )
        except aiohttp.ClientError:
            return web.Response(status=502, text="upstream unreachable")
