"""Socket Mode that can always be stopped, and that says when a token is wrong.

slack_sdk's client retries a failed connection inside `connect()` forever, logging a
traceback every 10 s, and nothing can stop it while it does. Here `connect()` makes one
attempt; `SocketConnection.connect` retries with backoff (one log line per attempt), runs
as a task the server cancels at shutdown, and gives up at once when Slack refuses a token:
`failed` then holds an error naming the variable to fix.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import error_code, retry_after
from bot.ports import AdapterFailed

log = logging.getLogger("outreach.slack")

PING_INTERVAL_S = 10.0  # bolt's default
ATTEMPT_TIMEOUT_S = 30.0  # one attempt: auth.test, apps.connections.open, the WebSocket
BACKOFF_CAP_S = 30.0
# Answers that no retry can change: the token is wrong, revoked, or lacks the scope.
REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "not_allowed_token_type",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
    }
)
FIX = {
    "SLACK_APP_TOKEN": (
        "set the app-level token (xapp-…) with the connections:write scope, from Basic "
        "Information → App-Level Tokens, or unset SLACK_APP_TOKEN to serve over HTTP"
    ),
    "SLACK_BOT_TOKEN": (
        "set the Bot User OAuth Token (xoxb-…) from OAuth & Permissions; reinstall the app "
        "if it was removed from the workspace"
    ),
}


class SlackRefused(AdapterFailed):
    """Slack refused one of the app's tokens."""


def refusal(error: BaseException, variable: str) -> SlackRefused | None:
    """A `SlackRefused` naming `variable` when `error` is Slack refusing that token."""
    code = error_code(error)
    if isinstance(error, SlackApiError) and code in REFUSED:
        return SlackRefused(f"{variable} was refused by Slack ({code}): {FIX[variable]}.")
    return None


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt`: 1, 2, 4… up to 30."""
    return float(min(BACKOFF_CAP_S, 2 ** min(attempt - 1, 10)))


class SocketClient(SocketModeClient):
    """slack_sdk's aiohttp Socket Mode client, with one attempt per `connect()`.

    Its session monitor still reconnects a dropped connection (every `ping_interval`, one
    log line per failure); a refused app token is reported through `on_refused`."""

    def __init__(
        self,
        app_token: str,
        *,
        web_client: AsyncWebClient,
        on_refused: Callable[[SlackRefused], None],
    ) -> None:
        # slack_sdk's own logger: a library's, so its DEBUG lines (each envelope, drafts
        # included) never reach the log.
        super().__init__(app_token=app_token, web_client=web_client, ping_interval=PING_INTERVAL_S)
        self._on_refused = on_refused

    async def issue_new_wss_url(self) -> str:
        """A WebSocket URL from `apps.connections.open`; no log line, no retry here."""
        try:
            response = await self.web_client.apps_connections_open(app_token=self.app_token)
        except SlackApiError as error:
            refused = refusal(error, "SLACK_APP_TOKEN")
            if refused is None:
                raise
            self._on_refused(refused)
            raise refused from None
        return str(response["url"])

    async def connect(self) -> None:
        """One attempt: a URL (each is good for one connection), the WebSocket, then the ping,
        monitor and receiver that slack_sdk's own `connect()` starts. Raises on failure."""
        self.auto_reconnect_enabled = False
        try:
            if self.current_session is not None:
                await self.current_session.close()
            if self.aiohttp_client_session.closed:
                self.aiohttp_client_session = aiohttp.ClientSession()
            url, self.wss_uri = self.wss_uri or await self.issue_new_wss_url(), None
            session = await self.aiohttp_client_session.ws_connect(
                url,
                autoping=False,
                heartbeat=self.ping_interval,
                proxy=self.proxy,
                ssl=self.web_client.ssl if self.web_client.ssl is not None else True,
            )
            self.current_session, self.stale = session, False
            await session.ping(f"sdk-ping-pong:{time.time()}".encode())
            for task in (self.current_session_monitor, self.message_receiver):
                if task is not None:
                    task.cancel()
            self.current_session_monitor = asyncio.ensure_future(self.monitor_current_session())
            self.message_receiver = asyncio.ensure_future(self.receive_messages())
        finally:
            self.auto_reconnect_enabled = self.default_auto_reconnect_enabled


class SocketConnection(AsyncSocketModeHandler):
    """bolt's Socket Mode handler over `SocketClient`. Build it in a running event loop."""

    def __init__(self, app: AsyncApp, app_token: str, web_client: AsyncWebClient) -> None:
        # Not super().__init__: that builds a second client (and its session) for nothing.
        self.app, self.app_token = app, app_token
        self.failed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Without slack_sdk's retry handlers: `connect` retries, one log line per attempt.
        once = AsyncWebClient(
            token=web_client.token,
            base_url=web_client.base_url,
            timeout=web_client.timeout,
            ssl=web_client.ssl,
            proxy=web_client.proxy,
            retry_handlers=[],
        )
        self.client = SocketClient(app_token, web_client=once, on_refused=self._refuse)
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    def _refuse(self, error: SlackRefused) -> None:
        if not self.failed.done():
            self.failed.set_exception(error)

    async def connect(self) -> None:
        """Connect, retrying with backoff until connected or refused; cancel it to stop."""
        web_client, bot_token_checked = self.client.web_client, False
        attempt = 0
        while True:
            attempt += 1
            try:
                async with asyncio.timeout(ATTEMPT_TIMEOUT_S):
                    if not bot_token_checked:
                        await self._check_bot_token(web_client)
                        bot_token_checked = True
                    await self.client.connect()
            except SlackRefused as refused:
                self._refuse(refused)
                return
            except Exception as error:  # the network, Slack's 5xx, a bad answer: retried
                delay = max(backoff(attempt), retry_after(error) or 0.0)
                log.warning(
                    "slack socket mode cannot connect; retrying",
                    extra={"attempt": attempt, "error": error_code(error), "retry_in_s": delay},
                )
                await asyncio.sleep(delay)
                continue
            log.info("slack socket mode connected", extra={"attempt": attempt})
            return

    @staticmethod
    async def _check_bot_token(web_client: AsyncWebClient) -> None:
        try:
            await web_client.auth_test()
        except SlackApiError as error:
            refused = refusal(error, "SLACK_BOT_TOKEN")
            if refused is None:
                raise
            raise refused from None

    async def stop_taking_work(self) -> None:
        """Disconnect for good (no reconnecting while in-flight work finishes)."""
        if self.failed.done() and not self.failed.cancelled():
            self.failed.exception()  # seen: it was reported, or shutdown made it moot
        self.client.default_auto_reconnect_enabled = False
        self.client.auto_reconnect_enabled = False
        if await self.client.is_connected():
            await self.client.disconnect()
