"""Text going to and coming from Slack: escaping, truncation, and Slack markup to plain text.

Every piece of user text shown in Slack goes through `escape`, so a draft holding
`<!channel>` or `<@U123>` is displayed, never acted upon.
"""

from __future__ import annotations

import re

from bot.present import ELLIPSIS

_ENTITY_MAX = len("&amp;")
_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def escape(text: str) -> str:
    """Slack's three control characters as entities (the only escaping Slack asks for)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate_escaped(text: str, limit: int) -> str:
    """Cut already-escaped text to `limit` characters with a visible "…", never inside an entity."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    amp = cut.rfind("&", max(0, len(cut) - _ENTITY_MAX))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def one_line(text: str) -> str:
    return " ".join(text.split())


def _plain_link(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if label:
        return label
    if target.startswith(("@", "#")):
        return target
    if target.startswith("!"):
        return "@" + target[1:].split("^")[0]
    return target


def slack_to_plain(text: str) -> str:
    """What the author typed: links and mentions to their labels, entities back to characters."""
    plain = _SLACK_LINK.sub(_plain_link, text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
