"""Verdict and score from the principle statuses.

The verdict follows the labelling convention (shared/eval RUBRIC): a draft is
rewritten when it is generic and gives no reason or pitches, or when it pitches
with no reason and also leads with itself or asks nothing; it can be sent when
it neither leads with itself, pitches, stays generic nor lacks a reason, with at
most one of "no question" and "gap not owned"; everything else is revised.
The score starts at 100, loses each violated principle's weight (half for a
warning) and is then kept inside the verdict's band so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.models import Status, Verdict

WEIGHTS = {
    "about_them": 15,
    "no_pitch": 20,
    "specific": 20,
    "clear_reason": 20,
    "owns_the_gap": 10,
    "asks_questions": 15,
}
BANDS: dict[Verdict, tuple[int, int]] = {"send": (75, 100), "revise": (45, 74), "rewrite": (0, 44)}


# The score of a draft nothing could be judged on (not English, nothing to read).
UNJUDGED_SCORE = 50


def judged(statuses: Mapping[str, Status]) -> bool:
    return any(status != "n/a" for status in statuses.values())


def verdict_for(statuses: Mapping[str, Status]) -> Verdict:
    """The labelling convention's verdict; a draft judged on nothing is never `send`."""
    if not judged(statuses):
        return "revise"

    def bad(principle_id: str) -> bool:
        return statuses.get(principle_id) in ("warn", "fail")

    leads, pitch, generic = bad("about_them"), bad("no_pitch"), bad("specific")
    no_reason, no_question, gap = bad("clear_reason"), bad("asks_questions"), bad("owns_the_gap")
    if (generic and (no_reason or pitch)) or (pitch and no_reason and (leads or no_question)):
        return "rewrite"
    if not (leads or pitch or generic or no_reason) and (no_question + gap) <= 1:
        return "send"
    return "revise"


def score_for(statuses: Mapping[str, Status], verdict: Verdict) -> int:
    if not judged(statuses):
        return UNJUDGED_SCORE
    raw = 100
    for principle_id, weight in WEIGHTS.items():
        status = statuses.get(principle_id)
        if status == "fail":
            raw -= weight
        elif status == "warn":
            raw -= weight // 2
    low, high = BANDS[verdict]
    return max(low, min(high, raw))
