"""The Slack app served for real in HTTP mode against the fake Web API, plus test doubles.

`SlackHarness` starts the fake API, a `ReviewService` and a `SlackServer` on 127.0.0.1:0,
and sends Slack-signed requests to it. Stubs for the grader, the tips commands and the
store stand in for work other issues own.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from adapters.slack import SlackServer, SlackTipPoster, build_client
from bot.models import Finding, PrincipleResult, Review
from bot.ports import ChannelContext, TipsReply
from bot.principles import load_principles
from bot.service import ReviewService
from bot.settings import Settings
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_payloads import command_body, event_body, interaction_body, sign

SECRET = "test-signing-secret"
Payload = dict[str, Any]


def quoting_review(text: str, *, per_principle: int = 2, rewrite: str | None = None) -> Review:
    """A review like a model's: findings quote the draft; messages and questions are long."""
    advice = "Say less about yourself & more about them <really>. " * 20
    principles = []
    for principle in load_principles():
        findings = tuple(
            Finding(
                principle.id,
                f"{principle.id}.{i}",
                "warn",
                f"Problem {i}. {advice}",
                f"Suggestion {i}. {advice}",
                text[: 300 + i],
                0,
                300,
            )
            for i in range(per_principle)
        )
        principles.append(PrincipleResult(principle.id, principle.title, "warn", findings))
    return Review(
        score=35,
        verdict="revise",
        kind="cold",
        source="llm",
        principles=tuple(principles),
        questions=tuple(f"Question {i}? {advice}" for i in range(8)),
        rewrite=rewrite,
        notes=(f"Note. {advice}",),
    )


class StubGrader:
    """The `Grader` protocol: waits on `gate` when given (a hanging model), then answers."""

    def __init__(
        self,
        *,
        gate: asyncio.Event | None = None,
        rich: bool = False,
        rewrite: str | None = None,
        fail: bool = False,
    ) -> None:
        self.gate, self.rich, self.rewrite, self.fail = gate, rich, rewrite, fail
        self.calls = 0

    async def grade(self, text: str, rules_review: Review) -> Review:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("grader exploded")
        if self.rich:
            return quoting_review(text, rewrite=self.rewrite)
        return rules_review

    async def aclose(self) -> None:
        return None


class StubTips:
    """Stands in for `bot.tips.TipsCommands`: records calls, answers a scripted reply."""

    def __init__(self, reply: TipsReply | None = None) -> None:
        self.reply = reply or TipsReply("Subscribed: a tip every Monday at 09:00 UTC.")
        self.calls: list[tuple[ChannelContext, str]] = []

    async def handle(self, ctx: ChannelContext, args: str) -> TipsReply:
        self.calls.append((ctx, args))
        return self.reply


@dataclass
class Reply:
    status: int
    text: str
    seconds: float

    def json(self) -> Payload:
        return dict(json.loads(self.text)) if self.text else {}


def harness_settings(api: FakeSlackApi, **overrides: Any) -> Settings:
    """HTTP mode against `api`, signed with `SECRET`, rules only."""
    values: Payload = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SECRET,
        "slack_app_token": None,
        "slack_api_url": api.url,
        "port": 0,
        "outreach_llm": "off",
        **overrides,
    }
    return Settings(**values)


class SlackHarness:
    def __init__(
        self,
        *,
        api: FakeSlackApi | None = None,
        grader: Any = None,
        tips: Any = None,
        store: Any = None,
        tips_factory: Callable[[SlackTipPoster], Any] | None = None,
        **settings: Any,
    ) -> None:
        self.api = api or FakeSlackApi()
        self._own_api = api is None
        self._grader, self._tips, self._store, self._overrides = grader, tips, store, settings
        self._tips_factory = tips_factory

    async def __aenter__(self) -> SlackHarness:
        if self._own_api:
            await self.api.start()
        self.settings = harness_settings(self.api, **self._overrides)
        client = build_client(self.settings)
        stub = self._tips
        tips_for = self._tips_factory or ((lambda poster: stub) if stub is not None else None)
        self.service = ReviewService(self.settings, grader=self._grader, store=self._store)
        self.server = SlackServer(
            self.service, self.settings, client=client, host="127.0.0.1", tips_for=tips_for
        )
        await self.server.start()
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()
        await self.server.stop(grace=2)
        if self._own_api:
            await self.api.close()

    async def post(
        self,
        body: str | bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> Reply:
        """POST `body` to the app, signed as Slack would unless `signed` is False;
        `headers` are added last (to replace the signature's)."""
        all_headers = {
            "Content-Type": content_type,
            **(sign(secret, body, timestamp) if signed else {}),
            **(headers or {}),
        }
        data = body.encode() if isinstance(body, str) else body
        started = time.monotonic()
        async with self.session.post(
            self.server.events_url, data=data, headers=all_headers
        ) as response:
            text = await response.text()
        return Reply(response.status, text, time.monotonic() - started)

    async def command(
        self, text: str, *, command: str = "/reviewoutreach", response: str = "r1", **fields: str
    ) -> Reply:
        body = command_body(command, text, response_url=self.api.response_url(response), **fields)
        return await self.post(body, "application/x-www-form-urlencoded")

    async def private_review(self, text: str, *, response: str = "r1") -> Payload:
        """/reviewoutreach `text`, and the review only the requester sees (at `response`)."""
        await self.command(text, response=response)
        [posted] = await self.api.wait_for_post(response)
        return posted

    async def interact(self, payload: Payload) -> Reply:
        return await self.post(interaction_body(payload), "application/x-www-form-urlencoded")

    async def event(self, event: Payload, *, event_id: str, retry_num: int | None = None) -> Reply:
        headers = (
            {}
            if retry_num is None
            else {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        )
        return await self.post(
            event_body(event, event_id=event_id), "application/json", headers=headers
        )


def click(api: FakeSlackApi, action_id: str, value: str, response: str) -> Payload:
    """A click by U0ALICE on a button of a review she was shown (in #general)."""
    return {
        "type": "block_actions",
        "team": {"id": "T0TEAM"},
        "user": {"id": "U0ALICE"},
        "api_app_id": "A0APP",
        "token": "legacy",
        "trigger_id": "1.2.trig",
        "channel": {"id": "C0GENERAL", "name": "general"},
        "container": {"type": "message", "channel_id": "C0GENERAL", "is_ephemeral": True},
        "response_url": api.response_url(response),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "value": value,
                "block_id": "review_actions",
                "action_ts": "1.1",
            }
        ],
    }


def review_id_of(posted: Payload) -> str:
    return str(posted["blocks"][-1]["elements"][0]["value"])
