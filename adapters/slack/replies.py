"""Talking back to one user: ephemeral through `response_url`, in-channel ephemeral, or a DM.

Each function returns whether the user got the message; failures are logged once,
never raised, because a reply is always the last thing a handler does.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.errors import FRIENDLY, friendly_message, log_error

log = logging.getLogger("outreach.slack")

Blocks = list[dict[str, Any]]
RESPONSE_URL_TIMEOUT = 10
SLACK_HOOK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})


def is_slack_url(url: str, api_url: str) -> bool:
    """Whether `url` may be posted to: Slack's own (https on hooks.slack.com), or on the host
    of the Web API the bot talks to (`SLACK_API_URL`: a proxy or a local fake). A payload
    must never make the bot post wherever it names."""
    try:
        target, api = urlsplit(url), urlsplit(api_url)
        port, api_port = target.port, api.port
    except ValueError:
        return False
    if target.scheme == "https" and target.hostname in SLACK_HOOK_HOSTS:
        return port in (None, 443)
    return bool(target.hostname) and (target.scheme, target.hostname, port) == (
        api.scheme,
        api.hostname,
        api_port,
    )


async def via_response_url(
    response_url: str,
    text: str,
    blocks: Blocks | None = None,
    *,
    api_url: str,
    public: bool = False,
    session: aiohttp.ClientSession | None = None,
) -> str | None:
    """Post to a `response_url`; None when delivered, else the reason ("expired_url").
    `api_url` is the Web API's base URL: a response_url elsewhere but Slack is refused."""
    if not is_slack_url(response_url, api_url):
        log.warning("response_url refused", extra={"error": "not_a_slack_url"})
        return "not_a_slack_url"
    webhook = AsyncWebhookClient(response_url, timeout=RESPONSE_URL_TIMEOUT, session=session)
    try:
        response = await webhook.send(
            text=text,
            blocks=blocks,
            response_type="in_channel" if public else "ephemeral",
            replace_original=False,
        )
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("response_url failed", extra={"error": type(exc).__name__})
        return "unreachable"
    if response.status_code == 200:
        return None
    reason = (response.body or f"http_{response.status_code}").strip()[:40]
    log.warning("response_url refused", extra={"error": reason, "status": response.status_code})
    return reason


async def direct_message(
    client: AsyncWebClient, user: str, text: str, blocks: Blocks | None = None
) -> bool:
    """A message in the app's DM with the user (the App Home "Messages" tab)."""
    try:
        await client.chat_postMessage(channel=user, text=text, blocks=blocks, unfurl_links=False)
        return True
    except SlackApiError as exc:
        log_error("direct_message", exc)
        return False


async def tell_privately(
    client: AsyncWebClient,
    *,
    user: str,
    text: str,
    blocks: Blocks | None = None,
    response_url: str | None = None,
    session: aiohttp.ClientSession | None = None,
) -> bool:
    """Ephemeral via `response_url` when there is one; if it expired, a DM that says so."""
    if response_url:
        refused = await via_response_url(
            response_url, text, blocks, api_url=client.base_url, session=session
        )
        if refused is None:
            return True
        if blocks is not None:
            notice = {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": FRIENDLY["expired_url"]}],
            }
            blocks = [notice, *blocks]
        else:
            text = f"{FRIENDLY['expired_url']}\n{text}"
    return await direct_message(client, user, text, blocks)


async def tell_in_channel(client: AsyncWebClient, channel: str, user: str, text: str) -> bool:
    """An ephemeral note in a channel (only `user` sees it); a DM when that is not possible."""
    try:
        await client.chat_postEphemeral(channel=channel, user=user, text=text)
        return True
    except SlackApiError as exc:
        log_error("post_ephemeral", exc)
        return await direct_message(client, user, text)


async def tell_error(
    client: AsyncWebClient,
    error: BaseException,
    *,
    action: str,
    user: str | None,
    response_url: str | None = None,
) -> None:
    """The one way a failure reaches a user: a log line, then a friendly sentence if possible."""
    log_error(action, error)
    if user:
        await tell_privately(
            client, user=user, text=friendly_message(error), response_url=response_url
        )
