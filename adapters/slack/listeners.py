"""Every bolt listener of the Slack app: the acks, and the slow halves bolt runs lazily.

`app.py` registers them in bolt's idiom, `app.command(…)(ack=…, lazy=[…])`. bolt runs a lazy
listener in this process, or with `OUTREACH_WORKERS` in a worker process, where a copy of the
app runs the same method by name (`lazy_workers`). A lazy listener is tracked (shutdown waits
for it) and never raises: a failure is logged once and the user gets a friendly note.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import actions, reviews
from adapters.slack.deps import SlackDeps
from adapters.slack.replies import tell_error

Payload = dict[str, Any]
Work = Callable[[SlackDeps], Awaitable[None]]


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


class Listeners:
    def __init__(self, deps: SlackDeps) -> None:
        self.deps = deps

    # --- acks, inside Slack's 3 seconds ---

    async def ack_review_command(self, ack: AsyncAck, body: Payload) -> None:
        await ack(**reviews.command_ack(self.deps, body))

    async def ack_modal(self, ack: AsyncAck, body: Payload) -> None:
        await ack(**reviews.modal_ack(body.get("view") or {}))

    async def ack(self, ack: AsyncAck) -> None:
        await ack()

    # --- lazy: after the ack (bolt passes `client`, with the workspace's token) ---

    async def review_command(self, body: Payload, client: AsyncWebClient) -> None:
        await self._run("review_command", body, client, lambda d: reviews.run_command(d, body))

    async def review_modal(self, body: Payload, client: AsyncWebClient) -> None:
        await self._run("review_modal", body, client, lambda d: reviews.run_modal(d, body))

    async def review_shortcut(self, body: Payload, client: AsyncWebClient) -> None:
        await self._run("review_shortcut", body, client, lambda d: reviews.run_shortcut(d, body))

    async def review_reaction(self, body: Payload, client: AsyncWebClient) -> None:
        event, team = body.get("event") or {}, str(body.get("team_id") or "")
        await self._run(
            "review_reaction", body, client, lambda d: reviews.run_reaction(d, event, team)
        )

    async def review_button(self, body: Payload, client: AsyncWebClient) -> None:
        await self._run("review_button", body, client, lambda d: actions.run_button(d, body))

    async def tips_command(self, body: Payload, client: AsyncWebClient) -> None:
        await self._run("tips_command", body, client, lambda d: actions.run_tips(d, body))

    async def _run(self, action: str, body: Payload, client: AsyncWebClient, work: Work) -> None:
        deps = self.deps.for_client(client)
        async with deps.inflight.track():
            try:
                await work(deps)
            except Exception as error:
                await report(deps, error, action, body)
