"""What each platform accepts, checked on what the bot would send: Slack's Block Kit limits and
Discord's embed limits, and every text a list of blocks shows."""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import MAX_BLOCKS

EMBED_LIMITS = {"title": 256, "description": 4096, "fields": 25, "name": 256, "value": 1024}


def block_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn or plain_text string in a list of blocks."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def assert_blocks_within_limits(blocks: list[dict[str, Any]]) -> None:
    """Slack's Block Kit limits: blocks per message, and text per block, element and button."""
    assert 0 < len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
        if block["type"] == "actions":
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75
                assert len(element["value"]) <= 2000


def assert_embeds_within_limits(embeds: list[Any]) -> None:
    """Discord's embed limits, checked on the JSON that would go over the wire."""
    assert len(embeds) <= 10
    total = 0
    for embed in embeds:
        title, description = embed.get("title", ""), embed.get("description", "")
        footer = embed.get("footer", {}).get("text", "")
        assert len(title) <= EMBED_LIMITS["title"]
        assert len(description) <= EMBED_LIMITS["description"]
        assert len(footer) <= 2048
        assert len(embed.get("fields", [])) <= EMBED_LIMITS["fields"]
        total += len(title) + len(description) + len(footer)
        for field in embed.get("fields", []):
            assert 0 < len(field["name"]) <= EMBED_LIMITS["name"]
            assert 0 < len(field["value"]) <= EMBED_LIMITS["value"]
            total += len(field["name"]) + len(field["value"])
    assert total <= 6000
