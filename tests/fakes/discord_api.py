"""A fake Discord on 127.0.0.1:0: the REST routes the bot uses and a gateway WebSocket.

Everything it receives is recorded (`requests`, `gateway_frames`) so tests can assert what
discord.py really sent over HTTP. Failures (403, 404, 429...) can be injected per route.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.discord_http import json_response, read_body
from tests.fakes.discord_payloads import APP_ID, BOT_USER_ID, message_payload, next_id, user_payload

MESSAGE_CONTENT = 1 << 15  # the privileged gateway intent bit


@dataclass
class Recorded:
    method: str
    path: str  # below the API base, e.g. "/channels/1/messages"
    query: dict[str, str]
    body: Any  # the JSON body, or the `payload_json` part of a multipart body
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    times: int
    headers: dict[str, str]


class FakeDiscord:
    def __init__(
        self, *, guilds: tuple[int, ...] = (), message_content_enabled: bool = True
    ) -> None:
        self.requests: list[Recorded] = []
        self.gateway_frames: list[dict[str, Any]] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.guilds = guilds
        # False: like a portal where the privileged intent is off, IDENTIFY asking for it → 4014.
        self.message_content_enabled = message_content_enabled
        self._failures: list[Failure] = []
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 1
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
            ("GET", re.compile(r"/users/@me"), self._me),
            ("GET", re.compile(r"/oauth2/applications/@me"), self._application),
            ("PUT", re.compile(r"/applications/\d+(/guilds/\d+)?/commands"), self._sync),
            ("POST", re.compile(r"/interactions/\d+/[^/]+/callback"), self._callback),
            ("POST", re.compile(r"/webhooks/\d+/[^/]+"), self._new_message),
            ("PATCH", re.compile(r"/webhooks/\d+/[^/]+/messages/[^/]+"), self._new_message),
            ("GET", re.compile(r"/channels/\d+/messages/(?P<mid>\d+)"), self._get_message),
            ("POST", re.compile(r"/channels/\d+/messages"), self._new_message),
        ]

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = getattr(site._server, "sockets", None)
        assert sockets, "the fake Discord did not bind"
        self.port = sockets[0].getsockname()[1]

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- test controls ---------------------------------------------------------------------
    def fail(
        self,
        method: str,
        path_regex: str,
        *,
        status: int,
        code: int = 0,
        message: str = "error",
        times: int = 1,
        retry_after: float | None = None,
    ) -> None:
        """The next `times` matching requests get this error instead of the normal answer."""
        body: dict[str, Any] = {"code": code, "message": message}
        headers: dict[str, str] = {}
        if retry_after is not None:  # discord.py honours a 429 only when `Via` is present
            body |= {"retry_after": retry_after, "global": False}
            headers = {"Via": "1.1 google", "Retry-After": str(retry_after)}
        pattern = re.compile(path_regex)
        self._failures.append(Failure(method, pattern, status, body, times, headers))

    def add_message(self, content: str, **kw: Any) -> dict[str, Any]:
        message = message_payload(content, **kw)
        self.messages[message["id"]] = message
        return message

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send one gateway DISPATCH to every connected bot."""
        self._seq += 1
        frame = {"op": 0, "t": event, "s": self._seq, "d": data}
        for socket in list(self._sockets):
            await socket.send_str(json.dumps(frame))

    def find(self, method: str, path_regex: str) -> list[Recorded]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    async def wait_for(
        self, method: str, path_regex: str, *, count: int = 1, timeout: float = 5.0
    ) -> list[Recorded]:
        """Wait until at least `count` matching requests arrived; return them all."""

        async def reached() -> list[Recorded]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.find(method, path_regex)) >= count)
            return self.find(method, path_regex)

        return await asyncio.wait_for(reached(), timeout)

    async def wait_identified(self, timeout: float = 5.0) -> dict[str, Any]:
        async def identified() -> dict[str, Any]:
            async with self._changed:
                await self._changed.wait_for(lambda: self._identify() is not None)
            frame = self._identify()
            assert frame is not None
            return frame

        return await asyncio.wait_for(identified(), timeout)

    def _identify(self) -> dict[str, Any] | None:
        return next((f for f in self.gateway_frames if f.get("op") == 2), None)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- gateway ---------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45_000}}))
        try:
            async for frame in socket:
                if frame.type != web.WSMsgType.TEXT:
                    break
                payload = json.loads(frame.data)
                self.gateway_frames.append(payload)
                if payload["op"] == 1:
                    await socket.send_str(json.dumps({"op": 11}))
                elif payload["op"] == 2:
                    if (
                        payload["d"]["intents"] & MESSAGE_CONTENT
                        and not self.message_content_enabled
                    ):
                        await socket.close(code=4014, message=b"Disallowed intent(s).")
                        break
                    await socket.send_str(json.dumps(self._ready()))
                await self._notify()
        finally:
            self._sockets.remove(socket)
        return socket

    def _ready(self) -> dict[str, Any]:
        data = {
            "v": 10,
            "user": user_payload(BOT_USER_ID, name="outreach-review", bot=True),
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }
        return {"op": 0, "t": "READY", "s": 1, "d": data}

    # --- REST ------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await read_body(request)
        self.requests.append(Recorded(request.method, path, dict(request.query), body, files))
        await self._notify()
        for failure in self._failures:
            if failure.times > 0 and failure.method == request.method:
                if failure.pattern.fullmatch(path):
                    failure.times -= 1
                    return json_response(failure.body, failure.status, failure.headers)
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if method == request.method and match:
                result = handler(body, files, path, **match.groupdict())
                status = 200
                if isinstance(result, tuple):
                    status, result = result
                return json_response(result, status)
        return json_response({"code": 0, "message": "404: Not Found"}, 404)

    def _me(self, *_: Any) -> dict[str, Any]:
        return user_payload(BOT_USER_ID, name="outreach-review", bot=True)

    def _application(self, *_: Any) -> dict[str, Any]:
        return {
            "id": str(APP_ID),
            "name": "Outreach Review",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": user_payload(),
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _sync(self, body: list[dict[str, Any]], *_: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": str(next_id()),
                "application_id": str(APP_ID),
                "version": "1",
                "description": "",
                **command,
            }
            for command in body
        ]

    def _callback(self, body: dict[str, Any], files: list[Any], *_: Any) -> dict[str, Any]:
        kind = body["type"]
        flags = (body.get("data") or {}).get("flags", 0) or 0
        interaction = {
            "id": str(next_id()),
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64),
        }
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 7):
            message = self._store(body.get("data") or {}, files)
            interaction["response_message_id"] = message["id"]
            resource["message"] = message
        return {"interaction": interaction, "resource": resource}

    def _new_message(self, body: dict[str, Any], files: list[Any], *_: Any) -> dict[str, Any]:
        return self._store(body or {}, files)

    def _get_message(self, _body: Any, _files: Any, path: str, mid: str) -> Any:
        if mid in self.messages:
            return self.messages[mid]
        return 404, {"code": 10008, "message": "Unknown Message"}

    def _store(self, data: dict[str, Any], files: list[tuple[str, bytes]]) -> dict[str, Any]:
        attachments = [
            {
                "id": str(next_id()),
                "filename": name,
                "size": len(content),
                "url": "",
                "proxy_url": "",
            }
            for name, content in files
        ]
        message = message_payload(
            data.get("content") or "",
            author=user_payload(BOT_USER_ID, name="outreach-review", bot=True),
            embeds=data.get("embeds"),
            components=data.get("components"),
            flags=data.get("flags") or 0,
            attachments=attachments,
        )
        self.messages[message["id"]] = message
        return message
