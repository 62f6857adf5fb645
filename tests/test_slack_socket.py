"""Socket Mode: the same app over a local fake Socket Mode WebSocket."""

from __future__ import annotations

import asyncio

from adapters.slack import SlackServer
from bot.service import ReviewService
from bot.settings import Settings
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_socket import FakeSocketMode


async def test_socket_mode_acks_a_slash_command_and_reviews() -> None:
    api, socket = await FakeSlackApi().start(), await FakeSocketMode().start()
    api.socket_url = socket.url
    settings = Settings(
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_signing_secret=None,
        slack_api_url=api.url,
        outreach_llm="off",
    )
    server = SlackServer(ReviewService(settings), settings)
    try:
        await server.start()
        await socket.wait_connected()
        [opened] = api.calls_to("apps.connections.open")
        assert opened.token == "xapp-test" and server.mode == "socket"
        assert await server.connected()
        command = {
            "command": "/reviewoutreach",
            "text": "Hi Sam, how did the offsite go?",
            "user_id": "U0ALICE",
            "channel_id": "C0GENERAL",
            "team_id": "T0TEAM",
            "response_url": api.response_url("sock"),
            "trigger_id": "1.2.trig",
            "api_app_id": "A0APP",
            "token": "legacy",
        }
        started = asyncio.get_running_loop().time()
        envelope = await socket.send_envelope("slash_commands", command)
        ack = await socket.wait_ack(envelope)
        assert asyncio.get_running_loop().time() - started < 3
        assert "Reviewing" in ack["payload"]["text"]
        [posted] = await api.wait_for_post("sock")
        assert posted["blocks"][0]["type"] == "header"
    finally:
        await server.stop(grace=1)
        await socket.close()
        await api.close()
