"""One way to drive either platform for the policy table: the real slack-bolt app against the
fake Web API, or discord.py against the fake Discord, each asked the same platform-neutral
things (a reaction, a message's menu, a command, a share) and reporting what a user saw."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bot.service import ReviewService
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_harness import discord_settings, interact, running_bot
from tests.fakes.discord_payloads import (
    CHANNEL_ID,
    button_click,
    custom_ids,
    message_command,
    message_payload,
    reaction_add,
    slash_command,
    user_payload,
)
from tests.fakes.slack_harness import SlackHarness, click, review_id_of

Kind = Literal["reviewed", "ignored", "note", "help"]
QUIET = 0.3  # how long "nothing happens" is watched for
WAIT = 5.0
# What Slack's events call the emoji a person reacts with (Discord sends the emoji itself).
SLACK_NAMES = {"🔍": "mag", "👀": "eyes", "🔛": "on", "👍": "+1"}


@dataclass(frozen=True)
class Seen:
    """What the person who asked saw: a review, nothing, or a note (its text)."""

    kind: Kind
    text: str = ""


@dataclass(frozen=True)
class Posted:
    """A message as the table describes it, on whichever platform."""

    text: str
    by_bot: bool = False
    files: bool = False
    in_review_channel: bool = True  # the channel OUTREACH_REVIEW_CHANNELS may list


class Driver(Protocol):
    name: str
    review_channel: str  # how OUTREACH_REVIEW_CHANNELS names the channel of `Posted`

    def started(self, **settings: Any) -> contextlib.AbstractAsyncContextManager[Driver]: ...

    async def react(self, posted: Posted, emoji: str, *, expect_quiet: bool) -> Seen: ...

    async def from_menu(self, posted: Posted) -> Seen: ...

    async def command(self, text: str) -> Seen: ...

    async def shared(self, draft: str) -> str: ...


async def watch(probe: Callable[[], Seen | None], *, expect_quiet: bool) -> Seen:
    """The first thing `probe` sees, or "ignored" when nothing came (for QUIET when nothing
    is expected, else for up to WAIT)."""
    deadline = time.monotonic() + (QUIET if expect_quiet else WAIT)
    while time.monotonic() < deadline:
        seen = probe()
        if seen is not None:
            return seen
        await asyncio.sleep(0.01)
    return probe() or Seen("ignored")


class SlackDriver:
    name = "slack"
    review_channel = "C0REVIEW"

    @contextlib.asynccontextmanager
    async def started(self, **settings: Any) -> AsyncIterator[SlackDriver]:
        async with SlackHarness(**settings) as self.slack:
            yield self

    def _message(self, posted: Posted) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "message", "user": "U0BOB", "text": posted.text}
        if posted.by_bot:
            message |= {"bot_id": "B0OTHER", "subtype": "bot_message"}
        if posted.files:
            message["files"] = [{"id": "F1", "name": "draft.png"}]
        return message

    async def react(self, posted: Posted, emoji: str, *, expect_quiet: bool) -> Seen:
        api = self.slack.api
        channel = self.review_channel if posted.in_review_channel else "C0ELSEWHERE"
        ts = api.add_message(channel, self._message(posted))["ts"]
        event = {
            "type": "reaction_added",
            "user": "U0ALICE",
            "reaction": SLACK_NAMES[emoji],
            "item_user": "U0BOB",
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": "9.9",
        }
        assert (await self.slack.event(event, event_id="Ev1")).status == 200

        def probe() -> Seen | None:
            if api.calls_to("chat.postMessage"):
                return Seen("reviewed")
            notes = api.calls_to("chat.postEphemeral")
            return Seen("note", notes[0].params["text"]) if notes else None

        return await watch(probe, expect_quiet=expect_quiet)

    async def from_menu(self, posted: Posted) -> Seen:
        payload = {
            "type": "message_action",
            "callback_id": "review_outreach_draft",
            "team": {"id": "T0TEAM"},
            "user": {"id": "U0ALICE"},
            "channel": {"id": self.review_channel},
            "message": {**self._message(posted), "ts": "1.1"},
            "response_url": self.slack.api.response_url("menu"),
            "trigger_id": "1.2.trig",
            "token": "legacy",
            "api_app_id": "A0APP",
            "message_ts": "1.1",
        }
        assert (await self.slack.interact(payload)).status == 200
        [answer] = await self.slack.api.wait_for_post("menu")
        return Seen("reviewed") if "blocks" in answer else Seen("note", answer["text"])

    async def command(self, text: str) -> Seen:
        answer = str((await self.slack.command(text)).json().get("text", ""))
        return Seen("help" if "Commands:" in answer else "note", answer)

    async def shared(self, draft: str) -> str:
        api = self.slack.api
        await self.slack.command(draft, response="private")
        [private] = await api.wait_for_post("private")
        await self.slack.interact(click(api, "review_share", review_id_of(private), "share"))
        [share] = await api.wait_for("chat.postMessage")
        return json.dumps(share.params, ensure_ascii=False)


class DiscordDriver:
    name = "discord"
    review_channel = str(CHANNEL_ID)

    @contextlib.asynccontextmanager
    async def started(self, **settings: Any) -> AsyncIterator[DiscordDriver]:
        self.fake = FakeDiscord()
        await self.fake.start()
        try:
            config = discord_settings(self.fake, **settings)
            async with running_bot(self.fake, ReviewService(config), config):
                yield self
        finally:
            await self.fake.close()

    def _message(self, posted: Posted, channel_id: int = CHANNEL_ID) -> dict[str, Any]:
        author = user_payload(42, name="otherbot", bot=True) if posted.by_bot else None
        files = [{"id": "1", "filename": "draft.png", "size": 1, "url": "", "proxy_url": ""}]
        return message_payload(
            posted.text,
            channel_id=channel_id,
            author=author,
            attachments=files if posted.files else None,
        )

    async def react(self, posted: Posted, emoji: str, *, expect_quiet: bool) -> Seen:
        channel_id = CHANNEL_ID if posted.in_review_channel else CHANNEL_ID + 98
        target = self._message(posted, channel_id)
        self.fake.messages[target["id"]] = target
        event = reaction_add(target["id"], emoji, channel_id=channel_id)
        await self.fake.dispatch("MESSAGE_REACTION_ADD", event)

        def probe() -> Seen | None:
            posts = self.fake.find("POST", rf"/channels/{channel_id}/messages")
            if not posts:
                return None
            body = posts[0].body
            return Seen("reviewed") if body.get("embeds") else Seen("note", body["content"])

        return await watch(probe, expect_quiet=expect_quiet)

    async def from_menu(self, posted: Posted) -> Seen:
        answer = await interact(
            self.fake, message_command("Review outreach", self._message(posted))
        )
        return (
            Seen("reviewed") if answer.body.get("embeds") else Seen("note", answer.body["content"])
        )

    async def command(self, text: str) -> Seen:
        answer = await interact(self.fake, slash_command("reviewoutreach", {"draft": text}))
        if answer.body.get("embeds"):
            return Seen("reviewed")
        content = answer.body["content"]
        return Seen("help" if "Commands:" in content else "note", content)

    async def shared(self, draft: str) -> str:
        private = await interact(self.fake, slash_command("reviewoutreach", {"draft": draft}))
        message = next(
            m for m in self.fake.messages.values() if m["embeds"] == private.body["embeds"]
        )
        share = next(c for c in custom_ids(message) if c.startswith("outreach:share:"))
        shared = await interact(self.fake, button_click(share, message), followup=False)
        return json.dumps(shared.body, ensure_ascii=False)
