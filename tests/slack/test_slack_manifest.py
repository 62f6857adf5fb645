"""The manifest creates exactly the app the code serves, with the scopes it needs and no more."""

from __future__ import annotations

import re
from typing import Any

import yaml

from adapters.slack.app import REVIEW_COMMAND, SHORTCUT_CALLBACK, TIPS_COMMAND
from tests.helpers import ROOT


def manifest() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "slack-manifest.yaml").read_text(encoding="utf-8")))


def test_manifest_declares_what_the_app_listens_to() -> None:
    data = manifest()
    features = data["features"]
    assert {c["command"] for c in features["slash_commands"]} == {REVIEW_COMMAND, TIPS_COMMAND}
    [shortcut] = features["shortcuts"]
    assert (shortcut["name"], shortcut["type"], shortcut["callback_id"]) == (
        "Review outreach draft",
        "message",
        SHORTCUT_CALLBACK,
    )
    assert data["settings"]["event_subscriptions"]["bot_events"] == ["reaction_added"]
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["settings"]["socket_mode_enabled"] is True


def test_manifest_asks_for_the_minimal_scopes_within_slack_limits() -> None:
    data = manifest()
    assert set(data["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "reactions:read",
        "channels:history",
        "groups:history",
    }
    assert "user" not in data["oauth_config"]["scopes"]
    assert len(data["display_information"]["description"]) <= 140
    assert len(data["features"]["shortcuts"][0]["description"]) <= 150
    assert len(data["features"]["bot_user"]["display_name"]) <= 80


def test_docs_walk_from_manifest_to_first_review_in_under_ten_steps() -> None:
    text = (ROOT / "docs" / "slack.md").read_text(encoding="utf-8")
    quick_start = text.split("## ", 2)[1]
    steps = [line for line in quick_start.splitlines() if re.match(r"\d+\. ", line)]
    assert 3 <= len(steps) < 10
    assert "slack-manifest.yaml" in quick_start and "/reviewoutreach" in quick_start
