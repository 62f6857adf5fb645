"""`build_app`: the slack-bolt `AsyncApp`, its listeners and its one error handler.

Listeners stay a few lines: ack at once, then hand the payload to a plain function
in `reviews` or `actions`, run lazily and tracked so shutdown can wait for it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import actions, reviews
from adapters.slack.blocks import MODAL_CALLBACK
from adapters.slack.deps import SlackDeps
from adapters.slack.edge import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem
from adapters.slack.oauth import (
    SlackInstallations,
    build_oauth_settings,
    oauth_enabled,
    open_installations,
)
from adapters.slack.replies import tell_error
from bot.service import ReviewService
from bot.settings import Settings
from bot.workers import Job, WorkerPool

log = logging.getLogger("outreach.slack")

Payload = dict[str, Any]
Work = Callable[[SlackDeps, Payload], Awaitable[None]]

REVIEW_COMMAND = "/reviewoutreach"
TIPS_COMMAND = "/outreachtips"
SHORTCUT_CALLBACK = "review_outreach_draft"
BUTTONS = re.compile(r"^review_(share|rewrite|vote_up|vote_down)$")
DEFAULT_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 2


def build_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: `SLACK_API_URL` for a proxy or a fake; retries `ratelimited`
    (honouring Retry-After) and Slack's 5xx answers (a few, with backoff) before giving up."""
    base_url = settings.slack_api_url or DEFAULT_API_URL
    client = AsyncWebClient(
        # With OAuth each workspace has its own token, found per request by bolt.
        token=None if oauth_enabled(settings) else settings.slack_bot_token,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        timeout=10,
    )
    client.retry_handlers.append(
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
    )
    client.retry_handlers.append(AsyncServerErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def user_of(body: Payload) -> str | None:
    user = body.get("user_id") or body.get("user") or (body.get("event") or {}).get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return str(user) if user else None


async def report(deps: SlackDeps, error: BaseException, action: str, body: Payload) -> None:
    """Every unexpected failure ends here: one log line and a friendly note to the user."""
    response_url = body.get("response_url")  # events have none: the user gets a DM instead
    await tell_error(
        deps.client, error, action=action, user=user_of(body), response_url=response_url
    )


def verified(request: AsyncBoltRequest, signing_secret: str | None) -> bool:
    """Whether `request` came from Slack: over the (authenticated) Socket Mode connection, or
    signed with the signing secret. Only then may an error be answered in its `response_url`
    or to its user."""
    if request.mode == "socket_mode":
        return True

    def header(name: str) -> str | None:
        values = request.headers.get(name.lower())
        return values[0] if values else None

    body = request.raw_body.encode("utf-8", "surrogateescape")
    problem = signature_problem(
        signing_secret or "", header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER), body, time.time()
    )
    return problem is None


def for_request(deps: SlackDeps, client: AsyncWebClient) -> SlackDeps:
    """`deps` with bolt's per-request client when it holds another workspace's token (OAuth)."""
    return deps if client.token == deps.client.token else replace(deps, client=client)


async def perform(deps: SlackDeps, action: str, body: Payload) -> None:
    """Slow work after the ack: tracked for shutdown, failures reported, never raised."""
    async with deps.inflight.track():
        try:
            await WORK[action](deps, body)
        except Exception as error:
            await report(deps, error, action, body)


def lazy(deps: SlackDeps, action: str) -> Callable[..., Awaitable[None]]:
    """A bolt lazy listener running `action` in this process."""

    async def run(body: Payload, client: AsyncWebClient) -> None:
        await perform(for_request(deps, client), action, body)

    run.__name__ = f"run_{action}"
    return run


async def _run_reaction(deps: SlackDeps, body: Payload) -> None:
    await reviews.run_reaction(deps, body.get("event") or {}, str(body.get("team_id") or ""))


# The slow half of every listener, by name: run lazily here, or by a worker process.
WORK: dict[str, Work] = {
    "review_command": reviews.run_command,
    "review_modal": reviews.run_modal,
    "review_shortcut": reviews.run_shortcut,
    "review_button": actions.run_button,
    "tips_command": actions.run_tips,
    "review_reaction": _run_reaction,
}
Acker = Callable[[AsyncAck, Payload], Awaitable[None]]
SLASH_COMMANDS = frozenset({"review_command", "tips_command"})
BUSY = "I have too many drafts to review right now. Please try again in a minute."


def routing_key(action: str, body: Payload) -> str:
    """A button goes where its review is remembered; everything else by user."""
    if action == "review_button":
        return str((body.get("actions") or [{}])[0].get("value") or "")
    return user_of(body) or ""


def handoff(deps: SlackDeps, pool: WorkerPool | None, acker: Acker | None, action: str) -> Payload:
    """Listener arguments: ack now, then `action` as a lazy listener, or (with worker
    processes) handed to a worker right after the ack, which keeps the ack path as cheap
    as bolt's own (no per-request copy for a lazy listener)."""
    if pool is None:
        run_here = [lazy(deps, action)]
        return {"ack": acker, "lazy": run_here} if acker else {"lazy": run_here}

    async def ack_then_hand_off(ack: AsyncAck, body: Payload, client: AsyncWebClient) -> None:
        key = routing_key(action, body)
        if action in SLASH_COMMANDS and not pool.admit(key):
            await ack(text=BUSY)
            return
        if acker is not None:
            await acker(ack, body)
        token = None if client.token == deps.client.token else client.token
        pool.submit(Job(action, body, key=key, token=token))

    ack_then_hand_off.__name__ = f"hand_off_{action}"
    return {"ack": ack_then_hand_off, "lazy": []}


def build_app_with_deps(
    service: ReviewService,
    settings: Settings,
    client: AsyncWebClient | None = None,
    installations: SlackInstallations | None = None,
    pool: WorkerPool | None = None,
) -> tuple[AsyncApp, SlackDeps]:
    client = client or build_client(settings)
    deps = SlackDeps.build(service, settings, client)
    installations = installations or open_installations(settings)
    app = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        name="outreach-review",
        process_before_response=pool is not None,
        oauth_settings=build_oauth_settings(settings, installations) if installations else None,
    )

    async def ack_review(ack: AsyncAck, body: Payload) -> None:
        await ack(**reviews.command_ack(deps, body))

    async def ack_modal(ack: AsyncAck, body: Payload) -> None:
        await ack(**reviews.modal_ack(body.get("view") or {}))

    async def ack_only(ack: AsyncAck, body: Payload) -> None:
        await ack()

    def listener(ack: Acker | None, action: str) -> Payload:
        return handoff(deps, pool, ack, action)

    app.command(REVIEW_COMMAND)(**listener(ack_review, "review_command"))
    app.view(MODAL_CALLBACK)(**listener(ack_modal, "review_modal"))
    app.shortcut(SHORTCUT_CALLBACK)(**listener(ack_only, "review_shortcut"))
    app.action(BUTTONS)(**listener(ack_only, "review_button"))
    app.command(TIPS_COMMAND)(**listener(ack_only, "tips_command"))
    reaction = listener(None, "review_reaction")  # events are acked by bolt itself
    app.event("reaction_added")(reaction.get("ack") or reaction["lazy"][0])

    @app.error
    async def on_error(
        error: Exception, body: Payload, client: AsyncWebClient, request: AsyncBoltRequest
    ) -> None:
        if not verified(request, settings.slack_signing_secret):
            # Its body names any response_url and any user: answering would act for a stranger.
            log.warning(
                "slack error on an unverified request: not answered",
                extra={"error": type(error).__name__},
            )
            return
        await report(for_request(deps, client), error, "listener", body)

    return app, deps


def build_app(
    service: ReviewService, settings: Settings, client: AsyncWebClient | None = None
) -> AsyncApp:
    """The Slack app for `service`; pass `client` to point it at a fake or a proxy."""
    return build_app_with_deps(service, settings, client)[0]
