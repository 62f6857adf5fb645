"""The review flows: slash command, draft modal, message shortcut and reaction.

Plain functions over Slack's payload dicts; `app.py` wires them to bolt listeners.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import (
    MODAL_BLOCK,
    MODAL_INPUT,
    draft_modal,
    help_blocks,
    review_blocks,
    review_fallback,
)
from adapters.slack.deps import SlackDeps
from adapters.slack.mrkdwn import escape, slack_to_plain
from adapters.slack.replies import tell_error, tell_in_channel, tell_privately
from bot.policy import (
    Answer,
    AskForDraft,
    Emoji,
    Ignore,
    Message,
    Place,
    ReviewIt,
    ShowHelp,
    for_command,
    for_message,
)
from bot.ports import Rejected

log = logging.getLogger("outreach.slack")

Payload = dict[str, Any]
REVIEWING = "Reviewing your draft… (only you will see the review)"


async def review_to_user(
    deps: SlackDeps, text: str, *, team: str, user: str, response_url: str | None
) -> None:
    """Review `text` and show the result to `user` only."""
    result = await deps.service.review(text, platform="slack", workspace=team, user=user)
    if isinstance(result, Rejected):
        await tell_privately(
            deps.client,
            user=user,
            text=escape(result.message),
            response_url=response_url,
            session=deps.http,
        )
        return
    await tell_privately(
        deps.client,
        user=user,
        text=review_fallback(result),
        blocks=review_blocks(result, "private"),
        response_url=response_url,
        session=deps.http,
    )


def command_ack(deps: SlackDeps, command: Payload) -> Payload:
    """What `/reviewoutreach` answers inside Slack's 3 seconds."""
    asked = for_command(command.get("text") or "")
    if isinstance(asked, ShowHelp):
        blocks, fallback = help_blocks(deps.reactions.trigger)
        return {"text": fallback, "blocks": blocks}
    if isinstance(asked, AskForDraft):
        return {}
    return {"text": REVIEWING}


async def run_command(deps: SlackDeps, command: Payload) -> None:
    asked = for_command(command.get("text") or "")
    user, response_url = command.get("user_id", ""), command.get("response_url")
    if isinstance(asked, ShowHelp):
        return  # the ack showed it
    if isinstance(asked, ReviewIt):
        await review_to_user(
            deps,
            slack_to_plain(asked.text),
            team=command.get("team_id", ""),
            user=user,
            response_url=response_url,
        )
        return
    modal = draft_modal(command.get("channel_id", ""), response_url or "")
    try:
        await deps.client.views_open(trigger_id=command.get("trigger_id", ""), view=modal)
    except SlackApiError as exc:
        await tell_error(
            deps.client, exc, action="views_open", user=user, response_url=response_url
        )


def draft_from_view(view: Payload) -> str:
    values = (view.get("state") or {}).get("values") or {}
    return str((values.get(MODAL_BLOCK) or {}).get(MODAL_INPUT, {}).get("value") or "")


def modal_ack(view: Payload) -> Payload:
    """Close the modal, or keep it open with an error when there is nothing to review."""
    if not draft_from_view(view).strip():
        return {"response_action": "errors", "errors": {MODAL_BLOCK: "Paste a draft to review."}}
    return {}


async def run_modal(deps: SlackDeps, body: Payload) -> None:
    view = body.get("view") or {}
    text = draft_from_view(view)
    if not text.strip():
        return
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    await review_to_user(
        deps,
        text,
        team=(body.get("team") or {}).get("id", ""),
        user=body["user"]["id"],
        response_url=metadata.get("response_url") or None,
    )


def as_message(message: Payload) -> Message:
    return Message(
        slack_to_plain(message.get("text") or ""),
        by_bot=bool(message.get("bot_id")) or message.get("subtype") == "bot_message",
        has_files=bool(message.get("files")),
    )


async def run_shortcut(deps: SlackDeps, body: Payload) -> None:
    """The "Review outreach draft" message shortcut: the message is in the payload."""
    asked = for_message(as_message(body.get("message") or {}), via="menu")
    user, response_url = body["user"]["id"], body.get("response_url")
    if isinstance(asked, Answer):
        await tell_privately(
            deps.client, user=user, text=escape(asked.text), response_url=response_url
        )
    if not isinstance(asked, ReviewIt):
        return
    await review_to_user(
        deps,
        asked.text,
        team=(body.get("team") or {}).get("id", ""),
        user=user,
        response_url=response_url,
    )


async def fetch_message(deps: SlackDeps, channel: str, ts: str) -> Payload | None:
    """The message at `ts`: from the channel's history, else from a thread."""
    history = await deps.client.conversations_history(
        channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
    )
    for message in history.get("messages") or []:
        if message.get("ts") == ts:
            return dict(message)
    replies = await deps.client.conversations_replies(
        channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=10
    )
    for message in replies.get("messages") or []:
        if message.get("ts") == ts:
            return dict(message)
    return None


async def run_reaction(deps: SlackDeps, event: Payload, team: str) -> None:
    """A review as a threaded reply, once per message whatever the duplicates."""
    item = event.get("item") or {}
    channel, ts, user = item.get("channel", ""), item.get("ts", ""), event.get("user", "")
    emoji = Emoji(name=str(event.get("reaction") or ""))
    if item.get("type") != "message" or deps.reactions.ignore(emoji, Place(channel)):
        return
    try:
        message = await fetch_message(deps, channel, ts)
    except SlackApiError as exc:
        await tell_error(deps.client, exc, action="fetch_message", user=user)
        return
    if message is None:
        log.info("reaction ignored", extra={"reason": "gone", "channel": channel})
        return
    asked = for_message(as_message(message), via="reaction")
    if isinstance(asked, Ignore):
        log.info("reaction ignored", extra={"reason": asked.reason, "channel": channel})
        return
    if not await deps.service.admission.claim_event("slack", f"reaction:{channel}:{ts}"):
        log.info("reaction deduplicated", extra={"channel": channel})
        return
    if isinstance(asked, Answer):
        await tell_in_channel(deps.client, channel, user, escape(asked.text))
        return
    result = await deps.service.review(asked.text, platform="slack", workspace=team, user=user)
    if isinstance(result, Rejected):
        await tell_in_channel(deps.client, channel, user, escape(result.message))
        return
    try:
        await deps.client.chat_postMessage(
            channel=channel,
            thread_ts=message.get("thread_ts") or ts,
            text=review_fallback(result),
            blocks=review_blocks(result, "thread"),
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        await tell_error(deps.client, exc, action="post_thread_review", user=user)
