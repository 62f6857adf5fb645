"""bolt's lazy listeners run in worker processes (`OUTREACH_WORKERS`), the way bolt runs them
on FaaS platforms: the serving process only acks.

bolt hands each lazy listener to `WorkerLazyRunner`, which sends a `LazyCall` (the request
as Slack sent it, and the listener's name) to a worker through a `JobQueue`; it reads the
request at once, so bolt's listener runner skips its copy (`HandOffListenerRunner`). There
`worker_app.SlackWorker` dispatches it again to its own copy of the app, marked with the
headers bolt's FaaS adapters use (lazy only, this listener): bolt authorizes it (so the
worker finds the workspace's token itself, from its settings or the OAuth installations),
skips the ack and runs that one listener.

A user's requests go to one worker, and a button to the worker that made its review (the
review id names it). A slash command whose worker is full is answered "busy" at once
(`refuse_when_busy`, a listener middleware) and never queued.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.lazy_listener.async_internals import to_runnable_function
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.listener.asyncio_runner import AsyncioListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_bolt.util.utils import get_name_for_callable

from adapters.slack.listeners import user_of
from bot.ports import JobQueue

log = logging.getLogger("outreach.slack")

Payload = dict[str, Any]
BUSY = "I have too many drafts to review right now. Please try again in a minute."
LAZY_ONLY = "x-slack-bolt-lazy-only"
LAZY_FUNCTION = "x-slack-bolt-lazy-function-name"


@dataclass(frozen=True)
class LazyCall:
    """One lazy listener to run in a worker (pickled into its jobs pipe)."""

    function: str
    body: str | Payload  # the raw body (HTTP mode) or the envelope's payload (Socket Mode)
    headers: dict[str, list[str]]
    mode: str

    @classmethod
    def of(cls, function: str, request: AsyncBoltRequest) -> LazyCall:
        body = request.raw_body if request.mode == "http" else request.body
        headers = {name: list(values) for name, values in request.headers.items()}
        return cls(function, body, headers, request.mode)

    def request(self) -> AsyncBoltRequest:
        headers: dict[str, str | Sequence[str]] = {
            **self.headers,
            LAZY_ONLY: "1",
            LAZY_FUNCTION: self.function,
        }
        return AsyncBoltRequest(body=self.body, headers=headers, mode=self.mode)


def routing_key(body: Payload) -> str:
    """A button goes where its review is remembered; everything else by user."""
    if body.get("type") == "block_actions":
        return str((body.get("actions") or [{}])[0].get("value") or "")
    return user_of(body) or ""


class WorkerLazyRunner(AsyncLazyListenerRunner):
    """bolt's lazy-listener runner on both sides: in the serving process (`jobs` given),
    `start` sends each call to a worker; in a worker, `run` runs the one a request names."""

    def __init__(self, jobs: JobQueue | None = None) -> None:
        self.jobs = jobs
        self.logger = log

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        if self.jobs is None:
            raise RuntimeError("a worker's app runs lazy listeners by name only")
        call = LazyCall.of(get_name_for_callable(function), request)
        self.jobs.submit(routing_key(request.body), call)

    async def run(
        self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest
    ) -> None:
        # Not bolt's own `run`: its async version calls the coroutine it has just awaited.
        await to_runnable_function(internal_func=function, logger=self.logger, request=request)

    async def refuse_when_busy(
        self, ack: AsyncAck, body: Payload, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Listener middleware for slash commands: "busy" instead of queueing more."""
        if self.jobs is None or self.jobs.admit(routing_key(body)):
            await next()
            return None
        return await ack(text=BUSY)


class HandOffListenerRunner(AsyncioListenerRunner):
    """bolt's listener runner, handing each lazy listener to `WorkerLazyRunner` with the
    request as it is. bolt's own copies the request first (its context and Web API client
    included: as much CPU as the rest of the ack) so that the listener can run beside it;
    `WorkerLazyRunner.start` only reads it, at once, and keeps nothing."""

    def _start_lazy_function(
        self, lazy_func: Callable[..., Awaitable[None]], request: AsyncBoltRequest
    ) -> None:
        self.lazy_listener_runner.start(function=lazy_func, request=request)


def run_lazy_listeners_in_workers(app: AsyncApp, jobs: JobQueue | None) -> WorkerLazyRunner:
    """The serving process's app (`jobs` given) hands its lazy listeners to workers; a
    worker's app (no `jobs`) runs the one each request names."""
    runner = WorkerLazyRunner(jobs)
    listener_runner = app.listener_runner
    listener_runner.lazy_listener_runner = runner  # as bolt's FaaS adapters install theirs
    if jobs is not None:
        # The app takes no listener runner of its own: the one it built, minus the copy.
        listener_runner.__class__ = HandOffListenerRunner
    return runner
