"""The model's answer has a size cap, through the real openai client against the fake server:
a huge answer is `invalid_output` (the rules answer, nothing is sent back for repair), and a
rewrite far longer than the draft is cut before any adapter sees it."""

from __future__ import annotations

import json
from typing import Any

from bot.models import Review
from bot.rules import review_with_rules
from tests.fakes.model_answers import DRAFT, REWRITE, answer
from tests.fakes.openai_server import FakeOpenAI, ok


async def grade(openai: FakeOpenAI, make_grader: Any, rewrite: str) -> tuple[Review, int]:
    openai.always(ok(answer(rewrite=rewrite)))
    review = await make_grader().grade(DRAFT, review_with_rules(DRAFT))
    return review, len(openai.requests)


async def test_a_huge_valid_answer_is_invalid_output_and_the_rules_answer(
    openai: FakeOpenAI, make_grader: Any
) -> None:
    huge = "Hi Priya, " + "your talk was great. " * 100_000  # a 2 MB rewrite, valid JSON
    review, requests = await grade(openai, make_grader, huge)
    assert review.fallback_reason == "invalid_output"
    assert review.source == "rules" and review.rewrite is None
    assert requests == 1, "the huge answer is not sent back to the model for repair"


async def test_a_rewrite_far_longer_than_the_draft_is_cut_visibly(
    openai: FakeOpenAI, make_grader: Any
) -> None:
    long = "Hi Priya, your DataConf talk on vanity dashboards stuck with me. " * 60  # ~3,900
    review, _ = await grade(openai, make_grader, long)
    rewrite = review.rewrite
    assert review.source != "rules"
    assert rewrite is not None and rewrite.endswith("…")
    assert len(rewrite) <= max(600, 2 * len(DRAFT))
    assert long.startswith(rewrite[:-1])
    assert len(json.dumps(review.to_dict())) < 10_000


async def test_a_rewrite_about_as_long_as_the_draft_is_kept_whole(
    openai: FakeOpenAI, make_grader: Any
) -> None:
    review, _ = await grade(openai, make_grader, REWRITE)
    assert review.rewrite == REWRITE
