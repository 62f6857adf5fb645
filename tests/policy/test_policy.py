"""The one reaction setting and its one parser: Slack names and Unicode emoji both ways, the
same default everywhere, `off` to turn it off, and a clear start-up error for nonsense."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy import Emoji, Place, ReactionPolicy, ReactionTrigger, parse_reaction
from bot.settings import SettingsError, load_settings


def trigger(value: str | None) -> ReactionTrigger:
    parsed = parse_reaction(value)
    assert parsed is not None, value
    return parsed


@pytest.mark.parametrize("value", [None, "mag", ":mag:", "MAG", " 🔍 ", "🔍\ufe0f", "on", "yes"])
def test_every_way_of_writing_the_default_is_the_same_trigger(value: str | None) -> None:
    assert trigger(value) == ReactionTrigger("mag", "🔍")


@pytest.mark.parametrize(("name", "char"), [("eyes", "👀"), ("memo", "📝"), ("+1", "👍")])
def test_names_and_emoji_map_both_ways(name: str, char: str) -> None:
    assert trigger(name) == trigger(char) == trigger(f":{name}:")
    for setting in (name, char):
        assert trigger(setting).matches(Emoji(name=name))  # as Slack reports it
        assert trigger(setting).matches(Emoji(char=char))  # as Discord reports it


@pytest.mark.parametrize("value", ["off", "OFF", "none", "false", "no", "0", "", "  "])
def test_off_turns_it_off(value: str) -> None:
    assert parse_reaction(value) is None


def test_aliases_skin_tones_and_variation_selectors_ask_for_the_same_emoji() -> None:
    assert trigger("thumbsup").matches(Emoji(name="+1::skin-tone-3"))
    assert trigger("👍").matches(Emoji(char="👍🏽"))
    assert trigger("✏️").matches(Emoji(char="✏")) and trigger("pencil2").matches(Emoji(char="✏️"))
    assert trigger("thinking").matches(Emoji(name="thinking_face"))


def test_unknown_names_and_emoji_pass_through() -> None:
    own = trigger(":partyparrot:")  # a workspace's own emoji
    assert own.matches(Emoji(name="partyparrot")) and not own.matches(Emoji(char="🔍"))
    unknown = trigger("🦩")
    assert unknown.matches(Emoji(char="🦩")) and unknown.name == ""
    assert not unknown.matches(Emoji(name="flamingo"))  # not in the table: Slack can't match


def test_discord_custom_emoji_by_id_or_by_name() -> None:
    for value in ("<:outreach:123456789012345678>", "<a:outreach:123456789012345678>"):
        custom = trigger(value)
        assert custom.matches(Emoji(name="renamed", custom_id=123456789012345678))
        assert not custom.matches(Emoji(name="outreach", custom_id=999999999999999999))
    assert trigger("outreach:123456789012345678").custom_id == 123456789012345678
    by_name = trigger(":Outreach:")
    assert by_name.matches(Emoji(name="Outreach", custom_id=1))
    assert not by_name.matches(Emoji(name="outreach", custom_id=1))


def test_other_emoji_never_match() -> None:
    assert not trigger("mag").matches(Emoji(char="👀"))
    assert not trigger("mag").matches(Emoji(name="mag_right"))
    assert not trigger("on").matches(Emoji(name="on"))  # `on` means 🔍, not Slack's :on:


@pytest.mark.parametrize(
    "value", ["hello world", "mag glass", "<:broken>", "🔍 mag", "é", "日本", "a" * 101, "mag,eyes"]
)
def test_nonsense_stops_start_up_with_a_message_that_names_the_setting(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTREACH_REACTION", value)
    with pytest.raises(SettingsError) as error:
        load_settings(env_file=None)
    assert "OUTREACH_REACTION" in str(error.value) and "not an emoji" in str(error.value)


@given(st.text())
def test_any_string_is_a_trigger_off_or_a_value_error(value: str) -> None:
    try:
        parsed = parse_reaction(value)
    except ValueError:
        return
    if parsed is not None:
        parsed.matches(Emoji(name=value))
        parsed.matches(Emoji(char=value))


@given(st.text(), st.text(), st.one_of(st.none(), st.integers(min_value=1)))
def test_matching_any_reported_emoji_never_raises(name: str, char: str, id_: int | None) -> None:
    for value in ("mag", "🦩", "<:outreach:123456789012345678>", "partyparrot"):
        trigger(value).matches(Emoji(name=name, char=char, custom_id=id_))


def test_review_channels_by_id_or_name_with_or_without_hash() -> None:
    policy = ReactionPolicy(trigger("mag"), frozenset())
    assert policy.in_channels(Place("C1"))  # empty: every channel
    listed = load_settings(
        env_file=None, outreach_review_channels=" C0REVIEW , #Outreach,,123456789012345678 "
    )
    policy = ReactionPolicy.from_settings(listed)
    assert policy.in_channels(Place("C0REVIEW"))
    assert policy.in_channels(Place("987", aliases=("outreach",)))  # Discord gives its name
    assert policy.in_channels(Place("555", aliases=("thread", "123456789012345678")))
    assert not policy.in_channels(Place("C0GENERAL", aliases=("general",)))
