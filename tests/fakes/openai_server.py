"""A scriptable OpenAI-compatible server on 127.0.0.1 for tests.

Drives the real `openai` SDK over real HTTP. Each test scripts the answers
(`script(...)` in order, then `always(...)` or `answer_with(...)`: a function of the
request, e.g. recorded answers matched by draft, see `tests/fakes/recorded_answers.py`),
and reads back what the SDK sent (`requests`), like bolt-python's mock_web_api_server.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Step:
    """One scripted answer: status, body (dict → JSON, str → raw), headers, delay or hang."""

    status: int = 200
    body: dict[str, Any] | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False  # never answer (until the server closes)


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    json: dict[str, Any]
    at: float  # time.monotonic() on arrival

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.json.get("messages", []))

    def message_text(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)


def chat_completion(
    content: str,
    *,
    prompt_tokens: int = 120,
    completion_tokens: int = 80,
    finish_reason: str = "stop",
    model: str = "fake-model",
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def error_body(message: str, *, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def ok(content: str | dict[str, Any], **usage: Any) -> Step:
    text = content if isinstance(content, str) else json.dumps(content)
    return Step(200, chat_completion(text, **usage))


def fail(status: int, message: str = "error", headers: dict[str, str] | None = None) -> Step:
    return Step(status, error_body(message), headers or {})


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._script: list[Step] = []
        self._default: Step = fail(500, "nothing scripted for this request")
        self._responder: Callable[[RecordedRequest], Step] | None = None
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *steps: Step) -> FakeOpenAI:
        self._script.extend(steps)
        return self

    def always(self, step: Step) -> FakeOpenAI:
        self._default = step
        return self

    def answer_with(self, responder: Callable[[RecordedRequest], Step]) -> FakeOpenAI:
        """Answer each unscripted request with `responder(request)`."""
        self._responder = responder
        return self

    async def start(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat_completions)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def aclose(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _chat_completions(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = {"_unparsed": raw.decode("utf-8", "replace")}
        recorded = RecordedRequest(
            request.path, {k.lower(): v for k, v in request.headers.items()}, payload,
            time.monotonic(),
        )  # fmt: skip
        self.requests.append(recorded)
        if self._script:
            step = self._script.pop(0)
        else:
            step = self._responder(recorded) if self._responder else self._default
        if step.hang:
            await self._closing.wait()
            return web.Response(status=503)
        if step.delay:
            await asyncio.sleep(step.delay)
        if isinstance(step.body, str):
            return web.Response(
                status=step.status, text=step.body, headers=step.headers,
                content_type="application/json",
            )  # fmt: skip
        return web.json_response(step.body or {}, status=step.status, headers=step.headers)
