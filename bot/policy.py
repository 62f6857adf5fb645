"""Policy, decided once for every platform: what is reviewed, where, on which trigger, what a
review shared in a channel may carry, and what the bot says when it does not review.

An adapter parses its platform's event into the types here (`Emoji`, `Place`, `Message`), asks
the functions here, and renders the outcome (`ReviewIt`, `Answer`, `Ignore`, `ShowHelp`,
`AskForDraft`). None of them decides any of this on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Literal

from bot.models import Finding, PrincipleResult, Review, Severity
from bot.principles import load_data, principle_by_id
from bot.rules import NOTHING_TO_REVIEW, reviewable

if TYPE_CHECKING:
    from bot.settings import Settings

NO_TEXT = "That message has no text to review."
FILES_ONLY = (
    "That message only has files or images, and I review text. Paste the draft as a message."
)
NOT_A_PERSON = "That message was posted by an app; I review drafts that people write."
HELP_WORDS = frozenset({"help", "-h", "--help", "?"})

# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewIt:
    text: str


@dataclass(frozen=True)
class Answer:
    """No review: a short note for whoever asked."""

    reason: Literal["no_text", "files_only", "not_a_person", "nothing"]
    text: str


@dataclass(frozen=True)
class Ignore:
    """No review and no reply: the event was not meant for the bot (logged with its reason)."""

    reason: Literal["off", "other_emoji", "by_a_bot", "channel", "bots_message"]


@dataclass(frozen=True)
class ShowHelp:
    """The command asked for the help."""


@dataclass(frozen=True)
class AskForDraft:
    """The command came without a draft: open the platform's form for a long one."""


# --- what is reviewed -----------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A message someone asked to have reviewed (by reaction or from its menu)."""

    text: str
    by_bot: bool = False  # posted by an app or a bot (this one included), not a person
    has_files: bool = False  # attachments, images or embeds beside (or instead of) the text


def for_command(text: str) -> ShowHelp | AskForDraft | ReviewIt:
    """`/reviewoutreach [text]`: a help word shows the help, no text opens the draft form."""
    words = text.strip()
    if words.lower() in HELP_WORDS:
        return ShowHelp()
    if not words:
        return AskForDraft()
    return ReviewIt(text)


def for_message(
    message: Message, *, via: Literal["reaction", "menu"]
) -> ReviewIt | Answer | Ignore:
    """A posted message. A bot's message is passed over in silence when a reaction asked (the
    note would be public), and explained when someone asked from the message's menu."""
    if message.by_bot:
        return Ignore("bots_message") if via == "reaction" else Answer("not_a_person", NOT_A_PERSON)
    if not message.text.strip():
        return Answer("files_only", FILES_ONLY) if message.has_files else Answer("no_text", NO_TEXT)
    if not reviewable(message.text):
        return Answer("nothing", NOTHING_TO_REVIEW)
    return ReviewIt(message.text)


# --- on which trigger: OUTREACH_REACTION ----------------------------------------------------

DEFAULT_REACTION = "🔍"
OFF = frozenset({"", "off", "none", "no", "false", "0"})
ON = frozenset({"on", "yes", "true", "1", "default"})
# Slack's names (`mag`, `+1`, `e-mail`) and a workspace's own; Discord's custom emoji names.
_NAME = re.compile(r"[A-Za-z0-9_+'-]{1,100}")
_CUSTOM = re.compile(r"(?:<a?:(?P<name>\w{2,32}):|(?P<bare>\w{2,32}):)(?P<id>\d{15,21})(?(name)>)")
# Variation selectors and skin tones: 🔍 and 🔍️, 👍 and 👍🏽 ask for the same thing.
_MODIFIERS = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_SKIN_TONE_NAME = re.compile(r"::skin-tone-\d$")


@dataclass(frozen=True)
class Emoji:
    """A reaction's emoji as a platform reports it: Slack by name, Discord a Unicode emoji, or
    a custom emoji's name and id."""

    name: str = ""
    char: str = ""
    custom_id: int | None = None


@dataclass(frozen=True)
class ReactionTrigger:
    """The emoji that asks for a review: its Slack name and its Unicode form where the table
    knows both, a name alone for a custom emoji (and its id when it is Discord's)."""

    name: str
    char: str = ""
    custom_id: int | None = None

    def matches(self, emoji: Emoji) -> bool:
        if self.custom_id is not None:
            return emoji.custom_id == self.custom_id
        if emoji.custom_id is not None:  # custom emoji names are case-sensitive on Discord
            return emoji.name == self.name
        name = _SKIN_TONE_NAME.sub("", emoji.name).casefold()
        char = bare_emoji(emoji.char) or emoji_for_name(name)
        if char and self.char:
            return char == self.char
        return bool(name) and name == self.name.casefold()


def parse_reaction(value: str | None) -> ReactionTrigger | None:
    """OUTREACH_REACTION: unset → 🔍; `off` (or empty) → None; `on` → 🔍; a Slack name with or
    without colons (`mag`, `:eyes:`); a Unicode emoji (`👀`); a Discord custom emoji
    (`<:name:id>`, `name:id`). Anything else raises ValueError saying what would do."""
    text = (DEFAULT_REACTION if value is None else value).strip()
    if text.lower() in OFF:
        return None
    if text.lower() in ON:
        text = DEFAULT_REACTION
    custom = _CUSTOM.fullmatch(text)
    if custom:
        return ReactionTrigger(custom["name"] or custom["bare"], "", int(custom["id"]))
    name = _SKIN_TONE_NAME.sub("", text.strip(":"))
    if _NAME.fullmatch(name):
        char = emoji_for_name(name.casefold())
        return ReactionTrigger(name.casefold() if char else name, char)
    if _looks_like_emoji(text):
        char = bare_emoji(text)
        return ReactionTrigger(name_for_emoji(char), char)
    shown = text if len(text) <= 40 else text[:39] + "…"
    raise ValueError(
        f"{shown!r} is not an emoji: use a Slack emoji name (mag or :mag:), a Unicode emoji "
        "(🔍), a Discord custom emoji (<:name:id>), on (🔍) or off"
    )


def bare_emoji(char: str) -> str:
    return _MODIFIERS.sub("", char)


def emoji_for_name(name: str) -> str:
    """The Unicode emoji for a Slack name in the table ("mag" → "🔍"), else ""."""
    return _emoji_table()[0].get(name, "")


def name_for_emoji(char: str) -> str:
    """Slack's name for a Unicode emoji in the table ("🔍" → "mag"), else ""."""
    return _emoji_table()[1].get(bare_emoji(char), "")


@cache
def _emoji_table() -> tuple[dict[str, str], dict[str, str]]:
    raw = load_data("emoji.yaml")
    assert isinstance(raw, dict)
    by_name: dict[str, str] = {}
    by_char: dict[str, str] = {}
    for char, names in raw["emoji"].items():
        bare = bare_emoji(char)
        by_char[bare] = names[0]
        by_name.update((name, bare) for name in names)
    return by_name, by_char


def _looks_like_emoji(text: str) -> bool:
    """Symbols only (keycaps aside, no ASCII, no letters, digits or spaces), short."""
    if len(text) > 16:
        return False
    pictures = 0
    for char in text:
        category = unicodedata.category(char)
        if char.isascii():
            if char not in "#*0123456789":
                return False
        elif category[0] in "LNZ" or category in ("Cc", "Co"):
            return False
        elif category[0] in "SP" or category == "Cn" or char == "\u20e3":
            pictures += 1
    return pictures > 0


# --- where: OUTREACH_REVIEW_CHANNELS --------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a reaction was added: the channel's id, and whatever else the platform names it
    by (its name; for a thread, its channel's id and name)."""

    channel: str
    aliases: tuple[str, ...] = ()


def channel_key(text: str) -> str:
    return text.strip().lstrip("#").casefold()


def review_channels(setting: str) -> frozenset[str]:
    """OUTREACH_REVIEW_CHANNELS: comma-separated channel ids (or Discord channel names, with or
    without `#`); empty means every channel."""
    return frozenset(key for key in map(channel_key, setting.split(",")) if key)


@dataclass(frozen=True)
class ReactionPolicy:
    """Which reactions ask for a review: the trigger emoji, in the review channels."""

    trigger: ReactionTrigger | None
    channels: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> ReactionPolicy:
        trigger = parse_reaction(settings.outreach_reaction)
        return cls(trigger, review_channels(settings.outreach_review_channels))

    def in_channels(self, place: Place) -> bool:
        keys = {channel_key(k) for k in (place.channel, *place.aliases) if k}
        return not self.channels or not keys.isdisjoint(self.channels)

    def ignore(self, emoji: Emoji, place: Place, *, by_bot: bool = False) -> Ignore | None:
        """Why this reaction asks for nothing, or None when it asks for a review (of the
        message, which `for_message` judges once fetched)."""
        if self.trigger is None:
            return Ignore("off")
        if not self.trigger.matches(emoji):
            return Ignore("other_emoji")
        if by_bot:
            return Ignore("by_a_bot")
        if not self.in_channels(place):
            return Ignore("channel")
        return None


# --- what a shared review may carry ---------------------------------------------------------


def for_sharing(review: Review) -> Review:
    """What a review shared in a channel may carry: nothing of the draft, on any platform.

    Quotes are the draft and the rewrite is made from it; what the model wrote (its findings'
    messages and suggestions, its questions) may repeat it. A shared review keeps the score,
    verdict, kind, statuses and notes, the rules' own advice (from the data files), and for a
    point only the model raised, the principle's standing advice.
    """
    from bot.llm.merge import MODEL_RULE_ID  # here, so the rules-only path stays light

    principles = []
    for result in review.principles:
        kept = tuple(
            replace(f, quote="", start=0, end=0)
            for f in result.findings
            if f.rule_id != MODEL_RULE_ID
        )
        if result.violated and not kept:
            kept = (_standing_advice(result),)
        principles.append(replace(result, findings=kept))
    questions = review.questions if review.source == "rules" else ()
    return replace(review, principles=tuple(principles), questions=questions, rewrite=None)


def _standing_advice(result: PrincipleResult) -> Finding:
    principle = principle_by_id(result.id)
    severity: Severity = "fail" if result.status == "fail" else "warn"
    return Finding(result.id, "principle", severity, principle.why, principle.fix, "", 0, 0)
