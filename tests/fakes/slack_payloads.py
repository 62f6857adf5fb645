"""Slack's side of HTTP mode: the bodies Slack sends (slash commands, interactions, events)
and the headers that sign them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
from typing import Any

from slack_sdk.signature import SignatureVerifier

Payload = dict[str, Any]


def sign(secret: str, body: str | bytes, timestamp: int | None = None) -> dict[str, str]:
    """The `X-Slack-Signature` / `X-Slack-Request-Timestamp` headers Slack would send."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    if isinstance(body, bytes):  # any bytes, UTF-8 or not: Slack signs what it sends
        digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256)
        return {"X-Slack-Signature": f"v0={digest.hexdigest()}", "X-Slack-Request-Timestamp": ts}
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"X-Slack-Signature": signature, "X-Slack-Request-Timestamp": ts}


def command_body(
    command: str,
    text: str,
    *,
    response_url: str,
    user: str = "U0ALICE",
    channel: str = "C0GENERAL",
    team: str = "T0TEAM",
) -> str:
    return urllib.parse.urlencode(
        {
            "command": command,
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.trig",
            "user_id": user,
            "user_name": "alice",
            "channel_id": channel,
            "channel_name": "general",
            "team_id": team,
            "team_domain": "test",
            "api_app_id": "A0APP",
            "token": "legacy",
        }
    )


def interaction_body(payload: Payload) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def event_body(event: Payload, *, event_id: str, team: str = "T0TEAM") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A0APP",
            "type": "event_callback",
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "U0BOT", "is_bot": True}],
        }
    )


def reaction(
    ts: str, *, user: str = "U0ALICE", name: str = "mag", channel: str = "C0GENERAL"
) -> Payload:
    """The `reaction_added` event: `user` reacted with `name` to U0BOB's message `ts`."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": name,
        "item_user": "U0BOB",
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": "9.9",
    }
