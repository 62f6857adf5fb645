"""Principles decided together (bot/rules/decode.py): the verdict the statuses give is the
one with the least expected distance, and settled principles are never weighed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.models import Status
from bot.rules.decode import Call, decode
from bot.rules.scoring import verdict_for

IDS = ("about_them", "no_pitch", "specific", "clear_reason", "owns_the_gap", "asks_questions")
LINKS = {"clear_reason": "specific"}


def statuses(violated: dict[str, bool], calls: dict[str, Call]) -> dict[str, Status]:
    return {
        pid: "n/a" if pid not in violated else ("fail" if violated[pid] else "pass")
        for pid in calls
    }


def test_two_near_even_calls_do_not_send_a_draft_that_is_probably_a_rewrite() -> None:
    # Alone, each call passes at 0.45; together, "generic and no reason" (a rewrite) is
    # more likely than not, so the draft must not be told it can be sent.
    calls = {pid: Call(0.05) for pid in IDS}
    calls["owns_the_gap"] = Call(0.0, "n/a")
    calls["specific"] = Call(0.45)
    calls["clear_reason"] = Call(0.95)
    calls["no_pitch"] = Call(0.45)
    on_their_own = {pid: c.probability >= 0.5 for pid, c in calls.items() if c.settled is None}
    on_their_own["clear_reason"] &= on_their_own["specific"]  # a detail of theirs is a reason
    assert verdict_for(statuses(on_their_own, calls)) == "send"
    assert verdict_for(statuses(decode(calls, LINKS), calls)) != "send"


def test_clear_calls_are_kept_as_they_are() -> None:
    calls = {pid: Call(0.02) for pid in IDS}
    calls["owns_the_gap"] = Call(0.0, "n/a")
    calls["no_pitch"] = Call(0.97)
    violated = decode(calls, LINKS)
    assert violated == {pid: pid == "no_pitch" for pid in IDS if pid != "owns_the_gap"}


probability = st.floats(min_value=0.0, max_value=1.0)
settled = st.sampled_from([None, None, None, "fail", "pass"])


@given(st.lists(probability, min_size=6, max_size=6), st.lists(settled, min_size=6, max_size=6))
def test_settled_principles_keep_their_status_and_links_hold(
    chances: list[float], fixed: list[Status | None]
) -> None:
    calls = {pid: Call(p, s) for pid, p, s in zip(IDS, chances, fixed, strict=True)}
    violated = decode(calls, LINKS)
    if not violated["specific"]:
        assert not violated["clear_reason"]
    for pid, call in calls.items():
        if call.settled == "pass":
            assert not violated[pid]
        if call.settled == "fail" and not (pid == "clear_reason" and not violated["specific"]):
            assert violated[pid]
