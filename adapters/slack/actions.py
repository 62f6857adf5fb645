"""Buttons on a review (share, rewrite, feedback) and the `/outreachtips` command."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import (
    ACTION_REWRITE,
    ACTION_SHARE,
    ACTION_VOTE_DOWN,
    ACTION_VOTE_UP,
    review_blocks,
    review_fallback,
    rewrite_blocks,
    section,
    tip_blocks,
)
from adapters.slack.deps import SlackDeps
from adapters.slack.mrkdwn import escape, slack_to_plain
from adapters.slack.replies import tell_error, tell_privately, via_response_url
from bot.policy import for_sharing
from bot.ports import ChannelContext

Payload = dict[str, Any]
VOTES = {ACTION_VOTE_UP: "up", ACTION_VOTE_DOWN: "down"}
FORGOTTEN = (
    "I no longer have that review (I keep recent ones only, and restarts clear them). "
    "Run it again to get fresh buttons."
)
NO_CHANNEL = "I can't tell which channel to share in. Run the review from inside a channel."
SHARED = "Shared in the channel: the review only, not your draft."
THANKS = "Thanks for the feedback: it helps tune the reviews."


def _channel_of(body: Payload) -> str:
    channel = (body.get("channel") or {}).get("id")
    return str(channel or (body.get("container") or {}).get("channel_id") or "")


async def run_button(deps: SlackDeps, body: Payload) -> None:
    action = (body.get("actions") or [{}])[0]
    action_id, review_id = action.get("action_id", ""), action.get("value", "")
    user, response_url = body["user"]["id"], body.get("response_url")
    if action_id in VOTES:
        await deps.service.recall.record_feedback(review_id, VOTES[action_id], "slack")
        await tell_privately(deps.client, user=user, text=THANKS, response_url=response_url)
        return
    review = deps.service.recall.get(review_id)
    if review is None:
        await tell_privately(deps.client, user=user, text=FORGOTTEN, response_url=response_url)
        return
    if action_id == ACTION_REWRITE:
        await tell_privately(
            deps.client,
            user=user,
            text="Suggested rewrite",
            blocks=rewrite_blocks(review),
            response_url=response_url,
        )
        return
    if action_id != ACTION_SHARE:
        return
    channel = _channel_of(body)
    if not channel:
        await tell_privately(deps.client, user=user, text=NO_CHANNEL, response_url=response_url)
        return
    shared = for_sharing(review)
    try:
        await deps.client.chat_postMessage(
            channel=channel,
            text=f"Shared by <@{escape(user)}>: {review_fallback(shared)}",
            blocks=review_blocks(shared, "shared", shared_by=user),
            unfurl_links=False,
        )
    except SlackApiError as exc:
        await tell_error(
            deps.client, exc, action="share_review", user=user, response_url=response_url
        )
        return
    await tell_privately(deps.client, user=user, text=SHARED, response_url=response_url)


async def run_tips(deps: SlackDeps, command: Payload) -> None:
    """`/outreachtips <args>` for the channel it was typed in."""
    user, response_url = command.get("user_id", ""), command.get("response_url")
    ctx = ChannelContext(
        platform="slack",
        workspace=command.get("team_id", ""),
        channel=command.get("channel_id", ""),
        user=user,
    )
    reply = await deps.tips.handle(ctx, slack_to_plain(command.get("text") or "").strip())
    text = escape(reply.text)
    blocks = [section(text), *tip_blocks(reply.tip)] if reply.tip else None
    if not reply.ephemeral and response_url:
        shared = await via_response_url(
            response_url,
            text,
            blocks,
            api_url=deps.client.base_url,
            public=True,
            session=deps.http,
        )
        if shared is None:
            return
    await tell_privately(
        deps.client, user=user, text=text, blocks=blocks, response_url=response_url
    )
