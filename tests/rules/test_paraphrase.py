"""Swapping names, companies, industries, products, numbers and places in a draft changes
nothing the rules decide: every status, the kind and the verdict stay those of its base.

Statuses compare as the golden files do (pass, violated, n/a): a warning turning into a
failure is a change of severity the learned weights may make, not a change of decision."""

from __future__ import annotations

from functools import cache

import pytest

from bot.models import Review
from bot.rules import review_with_rules
from tests.rules.golden_cases import case_named, label
from tests.rules.paraphrase import SWAPS, VARIANTS_PER_BASE, Variant, variant, variants

VARIANTS = {v.id: v for v in variants()}


@cache
def reviewed(text: str) -> Review:
    return review_with_rules(text)


def decisions(review: Review) -> dict[str, str]:
    statuses = {pid: label(status) for pid, status in review.statuses().items()}
    return {**statuses, "kind": review.kind, "verdict": review.verdict}


def describe(v: Variant, base: dict[str, str], got: dict[str, str]) -> str:
    changed = ", ".join(f"{k}: {base[k]} -> {got[k]}" for k in base if base[k] != got[k])
    swaps = ", ".join(f"{old!r} -> {new!r}" for old, new in v.swapped)
    return f"{v.id} changed {changed}\n  swapped {swaps}\n  variant: {v.draft}"


@pytest.mark.parametrize("variant_id", list(VARIANTS))
def test_a_paraphrase_keeps_every_decision(variant_id: str) -> None:
    v = VARIANTS[variant_id]
    base = decisions(reviewed(case_named(v.base).draft))
    got = decisions(reviewed(v.draft))
    if got != base:
        pytest.fail(describe(v, base, got), pytrace=False)


def test_there_are_at_least_a_hundred_distinct_variants_and_they_are_reproducible() -> None:
    drafts = {v.draft for v in VARIANTS.values()}
    bases = {case_named(base).draft for base in SWAPS}
    assert len(drafts) == len(VARIANTS) >= 100
    assert not drafts & bases
    assert len(VARIANTS) == len(SWAPS) * VARIANTS_PER_BASE
    again = variant("case-study-with-numbers", 2)
    assert again == VARIANTS["case-study-with-numbers#2"]


def test_a_longer_name_does_not_make_the_draft_longer_to_the_weights() -> None:
    """A name of one word swapped for one of three ("Sciences Po" -> "the Hertie School")
    must not lengthen the draft the weights read, or a case near a threshold flips."""
    from bot.rules.engine import analyse_draft

    short = "Hi Ana, we met at Sciences Po in 2019. How is the new lab in Lyon going?"
    long = (
        "Hi Ana-Maria, we met at the Hertie School of Governance in 2019. "
        "How is the new lab in Porto Alegre going?"
    )
    assert analyse_draft(short)[2]["words"] == analyse_draft(long)[2]["words"]
