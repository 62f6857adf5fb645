"""Slack errors as values: a friendly, actionable message for the user and one log line.

Nothing here raises; whatever went wrong, the user reads a sentence that says what to
do next, and the operator reads one structured log line (never draft text or tokens).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.ports import PostError, PostErrorKind

log = logging.getLogger("outreach.slack")

INVITE = "invite me with `/invite @Outreach Review`"
FRIENDLY: dict[str, str] = {
    "not_in_channel": f"I'm not in that channel yet: {INVITE}, then try again.",
    "channel_not_found": (
        "I can't see that channel (private, archived, or a conversation I'm not part of). "
        f"In a channel, {INVITE}; anywhere else, use the “Review outreach draft” message shortcut."
    ),
    "is_archived": "That channel is archived, so I can't post there.",
    "missing_scope": (
        "This Slack app is missing a permission{needed}. Ask a workspace admin to reinstall it "
        "from slack-manifest.yaml (Settings → Install App → Reinstall)."
    ),
    "ratelimited": "Slack is rate-limiting me right now. Please try again in a minute.",
    "expired_trigger_id": (
        "The draft box took too long to open. Run `/reviewoutreach` again, or paste the draft "
        "straight after the command: `/reviewoutreach Hi Sam, …`."
    ),
    "expired_url": (
        "Your earlier request expired before I could answer (Slack allows 30 minutes). "
        "Here is the result anyway."
    ),
    "invalid_auth": "This Slack app's token is no longer valid. Ask whoever runs the bot.",
    "not_authed": "This Slack app's token is missing. Ask whoever runs the bot to set it.",
    "account_inactive": "This Slack app was uninstalled. Ask a workspace admin to reinstall it.",
    "token_revoked": "This Slack app was uninstalled. Ask a workspace admin to reinstall it.",
}
GENERIC = "Something went wrong talking to Slack ({code}). Please try again in a moment."
INTERNAL = "Something went wrong on my side. Please try again in a moment."

_POST_KIND: dict[str, PostErrorKind] = {
    "not_in_channel": "not_in_channel",
    "channel_not_found": "channel_gone",
    "is_archived": "channel_gone",
    "ratelimited": "rate_limited",
    "missing_scope": "forbidden",
    "restricted_action": "forbidden",
    "invalid_auth": "forbidden",
    "not_authed": "forbidden",
    "account_inactive": "forbidden",
    "token_revoked": "forbidden",
}


def error_code(error: BaseException) -> str:
    """Slack's error code ("not_in_channel"), or a short name for anything else."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"http_{error.response.status_code}")
    if isinstance(error, SlackClientError):
        return "slack_client_error"
    return type(error).__name__


def friendly_message(error: BaseException) -> str:
    code = error_code(error)
    if code in FRIENDLY:
        needed = ""
        if isinstance(error, SlackApiError) and error.response.get("needed"):
            needed = f" ({error.response.get('needed')})"
        return FRIENDLY[code].format(needed=needed)
    if isinstance(error, SlackClientError):
        return GENERIC.format(code=code)
    return INTERNAL


def retry_after(error: BaseException) -> float | None:
    if not isinstance(error, SlackApiError):
        return None
    headers: dict[str, Any] = error.response.headers or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list) else value
            try:
                return float(first)
            except (TypeError, ValueError):
                return None
    return None


def post_error(error: BaseException) -> PostError:
    """A Slack failure in the shape the tips scheduler understands."""
    code = error_code(error)
    return PostError(_POST_KIND.get(code, "other"), detail=code, retry_after=retry_after(error))


def log_error(action: str, error: BaseException, **fields: str) -> None:
    """The one log line per failure."""
    level = logging.WARNING if isinstance(error, SlackClientError) else logging.ERROR
    log.log(
        level,
        "slack action failed",
        extra={"action": action, "error": error_code(error), **fields},
        exc_info=not isinstance(error, SlackClientError),
    )
