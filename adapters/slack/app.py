"""`build_app`: the slack-bolt `AsyncApp`, its listeners in bolt's idiom, its one error handler.

Each listener is an ack (inside Slack's 3 seconds) and a lazy half (`listeners`). bolt runs
the lazy half in this process; handed `jobs` (worker processes), through `WorkerLazyRunner`,
in a worker.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import MODAL_CALLBACK
from adapters.slack.deps import SlackDeps
from adapters.slack.edge import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem
from adapters.slack.lazy_workers import run_lazy_listeners_in_workers
from adapters.slack.listeners import Listeners, report
from adapters.slack.oauth import SlackInstallations, build_oauth_settings, oauth_enabled
from bot.ports import JobQueue
from bot.settings import Settings

log = logging.getLogger("outreach.slack")

Payload = dict[str, Any]

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


def build_app(
    deps: SlackDeps,
    installations: SlackInstallations | None = None,
    *,
    jobs: JobQueue | None = None,
    in_worker: bool = False,
) -> AsyncApp:
    """The app for `deps`. With `jobs`, its lazy listeners run in worker processes, each in
    its own copy of the app (`in_worker`: the serving process checked the signature)."""
    settings = deps.settings
    app = AsyncApp(
        client=deps.client,
        signing_secret=settings.slack_signing_secret or "",
        name="outreach-review",
        # With workers there is nothing left to do after the ack: answer at once.
        process_before_response=jobs is not None,
        request_verification_enabled=not in_worker,
        oauth_settings=build_oauth_settings(settings, installations) if installations else None,
    )
    slash_middleware = []
    if jobs is not None or in_worker:
        runner = run_lazy_listeners_in_workers(app, jobs)
        slash_middleware.append(runner.refuse_when_busy)

    on = Listeners(deps)
    app.command(REVIEW_COMMAND, middleware=slash_middleware)(
        ack=on.ack_review_command, lazy=[on.review_command]
    )
    app.view(MODAL_CALLBACK)(ack=on.ack_modal, lazy=[on.review_modal])
    app.shortcut(SHORTCUT_CALLBACK)(ack=on.ack, lazy=[on.review_shortcut])
    app.action(BUTTONS)(ack=on.ack, lazy=[on.review_button])
    app.command(TIPS_COMMAND, middleware=slash_middleware)(ack=on.ack, lazy=[on.tips_command])
    app.event("reaction_added")(ack=on.ack, lazy=[on.review_reaction])

    @app.error
    async def on_error(
        error: Exception, body: Payload, client: AsyncWebClient, request: AsyncBoltRequest
    ) -> None:
        if not in_worker and not verified(request, settings.slack_signing_secret):
            # Its body names any response_url and any user: answering would act for a stranger.
            log.warning(
                "slack error on an unverified request: not answered",
                extra={"error": type(error).__name__},
            )
            return
        await report(deps.for_client(client), error, "listener", body)

    return app
