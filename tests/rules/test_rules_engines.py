"""The fast engine (RE2) and Python's `re` give the same review.

RE2 runs every act's patterns in one pass over the UTF-8 bytes of the draft; `load_acts(False)`
compiles the same patterns with Python's `re`. Reviews must not depend on which engine ran.
RE2's word characters are ASCII, so the comparison uses ASCII drafts, which is what the English
rules are written for.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rules.acts import load_acts
from bot.rules.engine import MAX_DRAFT_CHARS, review_text
from tests.rules.golden_cases import load_cases
from tests.rules.paraphrase import variants

PHRASES = [
    "Hi Sam,\n\n",
    "Dear Dr. Okafor,\n",
    "I'm a founder",
    "My name is Jo and",
    "we help companies like yours",
    "We've helped 300 teams",
    "our platform",
    "a quick demo",
    "case study",
    "free trial",
    "50% off",
    "$1.2M ARR",
    "my resume",
    "We're hiring",
    "came across your profile",
    "lots of mutual connections",
    "grow my network",
    "Let's connect!",
    "Would love to connect.",
    "just bumping this",
    "It's been far too long, and that's on me.",
    "Sorry for going quiet.",
    "we lost touch",
    "life got busy",
    "Great meeting you at RustConf yesterday.",
    "you mentioned the Lisbon launch",
    "your post about pricing was sharp",
    "Congrats on the Series B!",
    "How did you get buy-in?",
    "Are you free for a 15-minute call next week?",
    "How are you?",
    "I'd love to hear how you did it.",
    "Curious whether it worked.",
    "because your team moved to Linear",
    "Trusted by Acme and Globex.",
    "Sanofi used Testsigma to cut costs",
    "\n\nBest,\nOwen",
    "<@U123>",
    "{{first_name}}",
    " ",
    ". ",
]
DRAFTS = st.lists(
    st.one_of(st.sampled_from(PHRASES), st.text(st.characters(max_codepoint=127), max_size=30)),
    max_size=25,
).map("".join)


def comparable(text: str, fast: bool) -> dict[str, object]:
    review = review_text(text, MAX_DRAFT_CHARS, acts=load_acts(fast))
    return dataclasses.replace(review, review_id="-").to_dict()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DRAFTS)
def test_both_engines_give_the_same_review(text: str) -> None:
    assert comparable(text, fast=True) == comparable(text, fast=False)


def test_the_fast_engine_is_in_use_and_the_slow_one_is_pythons() -> None:
    fast, slow = load_acts(True), load_acts(False)
    assert fast.fast and not slow.fast
    compiled = [regex for act in fast.acts for regex, _ in act.anywhere]
    assert compiled and all(type(regex).__module__.startswith("re2") for regex in compiled)
    assert all(type(regex).__module__ == "re" for act in slow.acts for regex, _ in act.anywhere)


def test_golden_drafts_and_their_paraphrases_get_the_same_review_on_both_engines() -> None:
    """Real drafts with accents and non-ASCII names (Hélène, Malmö, Søren) on both engines."""
    drafts = [case.draft for case in load_cases()] + [v.draft for v in variants()]
    differ = [
        text for text in drafts if comparable(text, fast=True) != comparable(text, fast=False)
    ]
    assert not differ, differ[:3]
