"""Payload builders for the fake Discord: users, messages, interactions, reactions.

Shapes follow the Discord API v10 documents closely enough for discord.py 2.x to parse them.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

APP_ID = 900000000000000001
BOT_USER_ID = 900000000000000001
GUILD_ID = 910000000000000001
CHANNEL_ID = 920000000000000001
USER_ID = 930000000000000001
ATTACHMENT_SIZE_LIMIT = 8 * 1024 * 1024

_ids = itertools.count(950000000000000001)


def next_id() -> int:
    return next(_ids)


def user_payload(
    user_id: int = USER_ID, *, name: str = "priya", bot: bool = False
) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member_payload(user_id: int = USER_ID, *, permissions: int = 0) -> dict[str, Any]:
    return {
        "user": user_payload(user_id),
        "roles": [],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
    }


def message_payload(
    content: str,
    *,
    message_id: int | None = None,
    channel_id: int = CHANNEL_ID,
    guild_id: int | None = GUILD_ID,
    author: dict[str, Any] | None = None,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    flags: int = 0,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(message_id or next_id()),
        "channel_id": str(channel_id),
        "author": author or user_payload(),
        "content": content,
        "timestamp": datetime.now(UTC).isoformat(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": 0,
        "flags": flags,
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
    return payload


def channel_payload(channel_id: int = CHANNEL_ID, guild_id: int = GUILD_ID) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
        "permissions": str((1 << 53) - 1),
    }


def _interaction(
    kind: int,
    data: dict[str, Any],
    *,
    user_id: int = USER_ID,
    guild_id: int = GUILD_ID,
    channel_id: int = CHANNEL_ID,
    permissions: int = 0,
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(next_id()),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"itoken-{next_id()}",
        "version": 1,
        "guild_id": str(guild_id),
        "channel_id": str(channel_id),
        "channel": channel_payload(channel_id, guild_id),
        "member": member_payload(user_id, permissions=permissions),
        "data": data,
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": str((1 << 53) - 1),
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        payload["message"] = message
    return payload


def slash_command(
    name: str, options: dict[str, str] | None = None, *, subcommand: str | None = None, **kw: Any
) -> dict[str, Any]:
    """A chat-input command; `options` are string options (type 3)."""
    opts = [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]
    if subcommand is not None:
        opts = [{"name": subcommand, "type": 1, "options": opts}]
    data = {"id": str(next_id()), "name": name, "type": 1, "options": opts}
    return _interaction(2, data, **kw)


def message_command(name: str, target: dict[str, Any], **kw: Any) -> dict[str, Any]:
    data = {
        "id": str(next_id()),
        "name": name,
        "type": 3,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    return _interaction(2, data, **kw)


def button_click(custom_id: str, message: dict[str, Any], **kw: Any) -> dict[str, Any]:
    data = {"custom_id": custom_id, "component_type": 2}
    return _interaction(3, data, message=message, **kw)


def modal_submit(custom_id: str, values: dict[str, str], **kw: Any) -> dict[str, Any]:
    rows = [
        {"type": 1, "components": [{"type": 4, "custom_id": cid, "value": value}]}
        for cid, value in values.items()
    ]
    return _interaction(5, {"custom_id": custom_id, "components": rows}, **kw)


def reaction_add(
    message_id: str | int,
    emoji: str = "🔍",
    *,
    user_id: int = USER_ID,
    channel_id: int = CHANNEL_ID,
    guild_id: int = GUILD_ID,
) -> dict[str, Any]:
    return {
        "user_id": str(user_id),
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "guild_id": str(guild_id),
        "emoji": {"id": None, "name": emoji},
        "member": member_payload(user_id),
        "burst": False,
        "type": 0,
    }


def custom_ids(message: dict[str, Any]) -> list[str]:
    """Every component custom id in a message payload, in order."""
    found: list[str] = []
    for row in message.get("components", []):
        for component in row.get("components", []):
            if "custom_id" in component:
                found.append(component["custom_id"])
    return found
