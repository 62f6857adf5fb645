"""What a finding says is the reason that fired, and it quotes the words that carry it."""

from __future__ import annotations

from bot.models import Review
from bot.rules import review_with_rules


def findings(review: Review, principle_id: str) -> list[tuple[str, str]]:
    result = review.principle(principle_id)
    assert result is not None
    return [(f.message, f.quote) for f in result.findings]


def test_a_catch_up_question_is_called_small_talk_not_a_request_for_time() -> None:
    review = review_with_rules(
        "Hi Jo, your PyCon talk on typing a Django monolith stuck with me. "
        "What are you working on now?"
    )
    [(message, quote)] = findings(review, "asks_questions")
    assert "small talk" in message and "time" not in message
    assert quote == "What are you working on now?"


def test_a_request_for_time_is_called_one() -> None:
    review = review_with_rules(
        "Hi Jo, your PyCon talk on typing a Django monolith stuck with me. "
        "Are you free for a 15-minute call next week?"
    )
    [(message, quote)] = findings(review, "asks_questions")
    assert "time" in message and quote.startswith("Are you free")


def test_glad_to_see_their_post_is_not_a_past_meeting_and_no_gap_is_asked_for() -> None:
    review = review_with_rules(
        "Hi Ines, great to see your post on night-shift rotas at the Porto depot. "
        "How did the drivers take to the new pattern?"
    )
    assert review.kind == "cold"
    assert review.principle("owns_the_gap").status == "n/a"  # type: ignore[union-attr]


def test_each_finding_quotes_its_own_words_and_says_its_own_reason() -> None:
    review = review_with_rules(
        "Hi Ana,\n\nI'm the founder of Loopwise and we help retailers like yours cut returns "
        "by 30%. Happy to walk you through a quick demo.\n\nBest,\nSam"
    )
    pitch = findings(review, "no_pitch")
    messages = {message for message, _ in pitch}
    assert len(messages) == len(pitch)  # one finding per reason
    quotes = " | ".join(quote for _, quote in pitch)
    assert "we help retailers like yours" in quotes and "demo" in quotes
    opening = dict(findings(review, "about_them"))
    assert opening["The note opens with who you are, not with them."].startswith("I'm the founder")
    assert "we help retailers" in opening["The note opens with what you sell or have achieved."]
