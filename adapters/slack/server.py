"""Serving the app: Socket Mode when `SLACK_APP_TOKEN` is set, else HTTP on `PORT`.

`run_slack(service, settings, stop)` is what `outreach-review serve` composes;
`SlackServer` is the same thing with explicit start/stop for tests and health checks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app, build_client
from adapters.slack.deps import SlackDeps
from adapters.slack.edge import Refusal, RefusalLog, unverified
from adapters.slack.oauth import SlackInstallations, oauth_enabled, oauth_routes, open_installations
from adapters.slack.poster import SlackTipPoster
from adapters.slack.shapes import read_body
from adapters.slack.socket_mode import SocketConnection
from bot.ports import JobQueue, TipsFor
from bot.service import ReviewService
from bot.settings import Settings, SettingsError

log = logging.getLogger("outreach.slack")

EVENTS_PATH = "/slack/events"
SHUTDOWN_GRACE = 10.0
# Pending connections the kernel queues for us (aiohttp's default is 128). Past it, new
# connections are dropped and the client retries a second later: a 1 s ack under bursts.
LISTEN_BACKLOG = 1024


def check_settings(settings: Settings) -> None:
    """Refuse to start with a message naming what to set."""
    if bool(settings.slack_client_id) != bool(settings.slack_client_secret):
        missing = "SLACK_CLIENT_SECRET" if settings.slack_client_id else "SLACK_CLIENT_ID"
        raise SettingsError(f"{missing} is not set: OAuth for many workspaces needs both.")
    if oauth_enabled(settings):
        if settings.slack_app_token or not settings.slack_signing_secret:
            raise SettingsError(
                "SLACK_CLIENT_ID is set, so Slack runs in HTTP mode for many workspaces: "
                "set SLACK_SIGNING_SECRET and unset SLACK_APP_TOKEN."
            )
        return
    if not settings.slack_bot_token:
        raise SettingsError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…).")
    if not settings.slack_app_token and not settings.slack_signing_secret:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs it (Basic Information → Signing "
            "Secret), or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode instead."
        )


class SlackServer:
    def __init__(
        self,
        service: ReviewService,
        settings: Settings,
        *,
        client: AsyncWebClient | None = None,
        host: str = "0.0.0.0",
        routes: Iterable[web.RouteDef] = (),
        installations: SlackInstallations | None = None,
        tips_for: TipsFor | None = None,
        jobs: JobQueue | None = None,
    ) -> None:
        """`tips_for` gives the tips commands posting through `poster`; with `jobs` (worker
        processes) the lazy listeners run there."""
        check_settings(settings)
        self.settings = settings
        self._own_installations = installations is None
        self.installations = installations or open_installations(settings)
        client = client or build_client(settings)
        self.poster = SlackTipPoster(client, self.installations)
        tips = tips_for(self.poster) if tips_for else None
        self.deps = SlackDeps.build(service, settings, client, tips)
        self.app = build_app(self.deps, self.installations, jobs=jobs)
        self.mode = "socket" if settings.slack_app_token else "http"
        self.host = host
        self.port: int | None = None
        self._routes = list(routes)
        self._runner: web.AppRunner | None = None
        self._socket: SocketConnection | None = None
        self._connecting: asyncio.Task[None] | None = None
        self.refusals = RefusalLog()

    async def start(self) -> None:
        if self.deps.http is None:
            # One connection pool for response_url posts instead of a new session (and TCP
            # connection) per review: the biggest CPU cost per review under load. (Not on the
            # Web API client: bolt deep-copies that for each lazy listener.)
            self.deps.http = aiohttp.ClientSession()
        if self.mode == "socket":
            # Connecting runs on its own: `stop()` can end it at any moment, and `failure()`
            # reports a token Slack refuses.
            self._socket = SocketConnection(
                self.app, self.settings.slack_app_token or "", self.deps.client
            )
            self._connecting = asyncio.create_task(
                self._socket.connect(), name="slack-socket-connect"
            )
        else:
            web_app = web.Application()
            web_app.add_routes(
                [web.post(EVENTS_PATH, self._dispatch), *oauth_routes(self.app), *self._routes]
            )
            self._runner = web.AppRunner(web_app, access_log=None)
            await self._runner.setup()
            await web.TCPSite(
                self._runner, self.host, self.settings.port, backlog=LISTEN_BACKLOG
            ).start()
            self.port = int(self._runner.addresses[0][1])
        log.info("slack adapter started", extra={"mode": self.mode, "port": self.port})

    async def _dispatch(self, request: web.Request) -> web.Response:
        """Verify, then shape-check, then hand to bolt (which verifies again)."""
        raw = await request.read()
        refusal = unverified(self.settings.slack_signing_secret or "", request.headers, raw)
        if refusal is not None:
            return self._refuse(refusal)
        text = read_body(raw, request.headers.get("Content-Type"))
        if isinstance(text, tuple):
            return self._refuse(Refusal(400, text[0]))
        try:
            bolt_request = AsyncBoltRequest(
                body=text, query=request.query_string, headers=dict(request.headers)
            )
        except Exception as error:  # a shape bolt cannot build a context from
            return self._refuse(Refusal(400, f"bolt_{type(error).__name__}"))
        response = await self.app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    def _refuse(self, refusal: Refusal) -> web.Response:
        self.refusals.record(refusal)
        error = "invalid request" if refusal.status == 401 else "malformed request"
        return web.json_response({"error": error}, status=refusal.status)

    @property
    def events_url(self) -> str:
        return f"http://{self.host}:{self.port}{EVENTS_PATH}"

    async def connected(self) -> bool:
        if self._socket is not None:
            return bool(await self._socket.client.is_connected())
        return self._runner is not None and self.port is not None

    async def failure(self) -> None:
        """Raises `AdapterFailed` (naming the variable) once Slack refuses a token; until
        then it waits, forever in HTTP mode: cancel it."""
        if self._socket is None:
            await asyncio.get_running_loop().create_future()
        else:
            await asyncio.shield(self._socket.failed)

    async def stop(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Stop taking work, let in-flight reviews finish for up to `grace` seconds, close."""
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.wait({self._connecting})
            self._connecting = None
        if self._socket is not None:
            await self._socket.stop_taking_work()
        if self._runner is not None:
            await self._runner.shutdown()
        unfinished = await self.deps.inflight.drain(grace)
        if unfinished:
            log.warning("slack work cut short at shutdown", extra={"unfinished": unfinished})
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.installations is not None and self._own_installations:
            self.installations.close()
        if self.deps.http is not None:
            await self.deps.http.close()
            self.deps.http = None
        self.refusals.flush()


async def run_slack(
    service: ReviewService,
    settings: Settings,
    stop: asyncio.Event,
    *,
    client: AsyncWebClient | None = None,
    routes: Iterable[web.RouteDef] = (),
    installations: SlackInstallations | None = None,
    tips_for: TipsFor | None = None,
) -> None:
    """Serve Slack until `stop` is set, then shut down gracefully; raises `AdapterFailed`
    when Slack refuses a token."""
    server = SlackServer(
        service,
        settings,
        client=client,
        routes=routes,
        installations=installations,
        tips_for=tips_for,
    )
    await server.start()
    stopped = asyncio.create_task(stop.wait())
    failed = asyncio.create_task(server.failure())
    try:
        await asyncio.wait({stopped, failed}, return_when=asyncio.FIRST_COMPLETED)
        if failed.done():
            failed.result()
    finally:
        stopped.cancel()
        failed.cancel()
        await server.stop()
