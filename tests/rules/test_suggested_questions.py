"""The questions a review suggests: real questions by the bot's own check, about what the
draft itself mentions, never about things it does not contain."""

from __future__ import annotations

import pytest

from bot.rules import review_with_rules
from bot.rules.engine import analyse_draft
from bot.rules.suggest import load_questions
from tests.rules.golden_cases import load_cases

ALL_QUESTIONS = sorted(
    {q for topic in load_questions().topics for q in topic.questions}
    | set(load_questions().neutral)
)
THEIR_WORK = next(t for t in load_questions().topics if "their_work" in t.when).questions
SHARED = next(t for t in load_questions().topics if "shared_history" in t.when).questions


@pytest.mark.parametrize("question", ALL_QUESTIONS)
def test_every_suggestion_is_a_genuine_question_by_the_bots_own_check(question: str) -> None:
    view, _, _ = analyse_draft(question)
    assert [q.kind for q in view.questions] == ["genuine"], question
    # Added to a draft whose only question asked for time, it makes the draft ask about them.
    draft = "Hi Noor, loved your post on heat-pump installers. Are you free for a call next week?"
    assert analyse_draft(draft)[1].fired["questions.cta-only"]
    fixed = analyse_draft(f"{draft} {question}")[1]
    assert not fixed.fired["questions.cta-only"] and not fixed.fired["questions.none"], question


def test_questions_follow_what_the_draft_mentions() -> None:
    about_a_post = review_with_rules(
        "Hi Marta, your post on retiring the Friday release freeze at Ostrava Parcel was sharp. "
        "Free for a call next week?"
    )
    assert about_a_post.questions[0] in THEIR_WORK
    reconnect = review_with_rules(
        "Hey Tom, it's been far too long since Lisbon, and that's on me. How is the new team?"
    )
    assert reconnect.questions[0] in SHARED
    assert not set(reconnect.questions) & set(THEIR_WORK)  # it mentions nothing they made


def test_a_draft_that_mentions_nothing_gets_neutral_questions_about_their_work() -> None:
    review = review_with_rules("Hi Sam, would love to connect!")
    assert set(review.questions) <= set(load_questions().neutral)
    assert 2 <= len(review.questions) <= 3


def test_no_golden_draft_is_offered_a_question_about_what_it_does_not_mention() -> None:
    for case in load_cases():
        view, _, _ = analyse_draft(case.draft)
        acts = set(view.act_counts)
        review = review_with_rules(case.draft)
        for question in review.questions:
            topics = [t for t in load_questions().topics if question in t.questions]
            assert all(t.when & acts for t in topics), (case.name, question)
        assert 2 <= len(review.questions) <= 3, case.name
