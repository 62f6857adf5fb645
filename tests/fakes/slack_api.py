"""A fake Slack Web API on 127.0.0.1:0, in the spirit of bolt-python's mock_web_api_server.

Accepts GET and POST with query, form or JSON bodies at `/api/<method>`, records every
call, answers with plausible payloads, and can be scripted to fail (`not_in_channel`,
`ratelimited` with `Retry-After`...). It also records what is posted to `response_url`s
(`/response/<name>`) and can make one of them expire. Also `oauth.v2.access`
for the install flow: `grant(code, team)` scripts what Slack's consent page would hand
back, and `auth.test` then answers with the team that token was issued for.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Payload = dict[str, Any]
JSON_FIELDS = ("blocks", "view", "attachments", "metadata")
_INVALID_CODE = {"ok": False, "error": "invalid_code"}


@dataclass
class ApiCall:
    method: str
    params: Payload
    token: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    error: str
    status: int = 200
    retry_after: int | None = None
    times: int = 1
    extra: Payload = field(default_factory=dict)


class FakeSlackApi:
    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.response_posts: list[tuple[str, Payload]] = []
        self.messages: dict[str, list[Payload]] = {}
        self.socket_url: str | None = None
        self.team_id = "T0TEAM"
        self.bot_user_id = "U0BOT"
        self.teams_by_token: dict[str, str] = {}
        self._grants: dict[str, Payload] = {}
        self._failures: dict[str, list[Failure]] = {}
        self._expired: set[str] = set()
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------
    async def start(self) -> FakeSlackApi:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # ---- scripting -------------------------------------------------------------------
    def fail(
        self,
        method: str,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        **extra: Any,
    ) -> None:
        """The next `times` calls to `method` answer `{"ok": false, "error": error}`."""
        self._failures.setdefault(method, []).append(
            Failure(error, status, retry_after, times, dict(extra))
        )

    def grant(self, code: str, team_id: str, team_name: str = "Acme") -> str:
        """A user approved the install in `team_id`: `code` exchanges once for this token."""
        token = f"xoxb-{team_id}-{next(self._ts)}"
        self.teams_by_token[token] = team_id
        self._grants[code] = {
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write,reactions:read,channels:history,groups:history",
            "bot_user_id": f"U0BOT{team_id}",
            "app_id": "A0APP",
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U0INSTALLER"},
        }
        return token

    def expire(self, response_url_name: str) -> None:
        self._expired.add(response_url_name)

    def add_message(self, channel: str, message: Payload) -> Payload:
        message.setdefault("ts", self.next_ts())
        self.messages.setdefault(channel, []).append(message)
        return message

    def next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    # ---- inspection ------------------------------------------------------------------
    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def posts_to(self, name: str) -> list[Payload]:
        return [body for n, body in self.response_posts if n == name]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Poll until `method` was called `count` times (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(self.calls_to(method)) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        calls = self.calls_to(method)
        assert len(calls) >= count, f"{method}: {len(calls)} calls, wanted {count}"
        return calls

    async def wait_for_post(self, name: str, count: int = 1, timeout: float = 5.0) -> list[Payload]:
        deadline = time.monotonic() + timeout
        while len(self.posts_to(name)) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        posts = self.posts_to(name)
        assert len(posts) >= count, f"response_url {name}: {len(posts)} posts, wanted {count}"
        return posts

    # ---- HTTP ------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> Payload:
        params: Payload = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(dict(urllib.parse.parse_qsl(raw.decode())))
        for name in JSON_FIELDS:
            if isinstance(params.get(name), str):
                params[name] = json.loads(params[name])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else params.get("token")
        self.calls.append(ApiCall(method, params, token))
        failures = self._failures.get(method) or []
        if failures:
            failure = failures[0]
            failure.times -= 1
            if failure.times <= 0:
                failures.pop(0)
            headers = (
                {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            )
            body = {"ok": False, "error": failure.error, **failure.extra}
            return web.json_response(body, status=failure.status, headers=headers)
        if method == "oauth.v2.access":
            grant = self._grants.pop(str(params.get("code", "")), None)
            return web.json_response({"ok": True, **grant} if grant else _INVALID_CODE)
        answer = {"ok": True, **self._answer(method, params)}
        if method == "auth.test" and token in self.teams_by_token:
            answer["team_id"] = self.teams_by_token[token]
        return web.json_response(answer)

    def _answer(self, method: str, params: Payload) -> Payload:
        channel = str(params.get("channel", ""))
        if method == "auth.test":
            return {
                "user_id": self.bot_user_id,
                "bot_id": "B0BOT",
                "team_id": self.team_id,
                "user": "outreach-review",
                "team": "Test",
                "url": "https://test.slack.com/",
            }
        if method == "chat.postMessage":
            return {
                "channel": channel,
                "ts": self.next_ts(),
                "message": {"text": params.get("text")},
            }
        if method == "chat.postEphemeral":
            return {"message_ts": self.next_ts()}
        if method in ("views.open", "views.update"):
            return {"view": {"id": "V0VIEW", **(params.get("view") or {})}}
        if method == "apps.connections.open":
            return {"url": self.socket_url}
        if method == "conversations.history":
            found = [
                m
                for m in self.messages.get(channel, [])
                if not m.get("thread_ts") or m.get("thread_ts") == m.get("ts")
            ]
            return {"messages": self._window(found, params)}
        if method == "conversations.replies":
            ts = params.get("ts")
            thread = [
                m
                for m in self.messages.get(channel, [])
                if m.get("ts") == ts or m.get("thread_ts") == ts
            ]
            parent = next((m.get("thread_ts") for m in thread if m.get("ts") == ts), None)
            thread += [
                m
                for m in self.messages.get(channel, [])
                if parent and m.get("ts") == parent and m not in thread
            ]
            return {"messages": self._window(thread, params)}
        return {}

    @staticmethod
    def _window(messages: list[Payload], params: Payload) -> list[Payload]:
        latest, oldest = params.get("latest"), params.get("oldest")
        kept = [
            m
            for m in messages
            if (latest is None or float(m["ts"]) <= float(latest))
            and (oldest is None or float(m["ts"]) >= float(oldest))
        ]
        limit = int(params.get("limit") or 100)
        return sorted(kept, key=lambda m: float(m["ts"]), reverse=True)[:limit]

    async def _response_url(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name in self._expired:
            return web.Response(status=404, text="expired_url")
        self.response_posts.append((name, await request.json()))
        return web.Response(text="ok")
