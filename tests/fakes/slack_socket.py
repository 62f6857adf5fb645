"""A fake Socket Mode endpoint: a WebSocket on 127.0.0.1:0 that speaks Slack's envelopes.

Point the fake Web API's `apps.connections.open` at `url`; once the app connects,
`send_envelope` pushes a payload (a slash command, an event...) and `wait_ack`
returns what the app acknowledged for that envelope. `socket_settings` are the app's settings
for Socket Mode against the fake Web API.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from bot.settings import Settings

Payload = dict[str, Any]


class FakeSocketMode:
    def __init__(self) -> None:
        self.acks: dict[str, Payload] = {}
        self.received: list[Payload] = []
        self.connections = 0
        self._socket: web.WebSocketResponse | None = None
        self._connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> FakeSocketMode:
        app = web.Application()
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        self.connections += 1
        await socket.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        self._connected.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                data = json.loads(message.data)
                self.received.append(data)
                if "envelope_id" in data:
                    self.acks[data["envelope_id"]] = data
        return socket

    async def wait_connected(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def send_envelope(self, kind: str, payload: Payload) -> str:
        """Push one envelope (`slash_commands`, `events_api`, `interactive`); return its id."""
        assert self._socket is not None, "no app connected"
        envelope_id = uuid.uuid4().hex
        await self._socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
            }
        )
        return envelope_id

    async def wait_ack(self, envelope_id: str, timeout: float = 3.0) -> Payload:
        deadline = time.monotonic() + timeout
        while envelope_id not in self.acks and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert envelope_id in self.acks, "the app did not acknowledge the envelope"
        return self.acks[envelope_id]


def socket_settings(api_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    """Socket Mode against the fake Web API at `api_url`, rules only, SQLite."""
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test",
        "slack_app_token": "xapp-test",
        "slack_signing_secret": None,
        "slack_api_url": api_url,
        "outreach_llm": "off",
        "database_url": f"sqlite:///{tmp_path}/socket.db",
        **overrides,
    }
    return Settings(**values)
