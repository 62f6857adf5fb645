"""Statuses decided together, so that a few near-even calls cannot swing the verdict.

Each principle's model gives the probability that it is violated. Deciding each at 0.5 on
its own is right label by label, but the verdict is a rule over all of them
(scoring.verdict_for): two calls at 0.45 can turn a draft a careful reader would rewrite
into a `send`. So the calls are weighed together: every combination of violated and passed
principles gets the product of the models' probabilities; the verdict is the one with the
least expected distance from the others (send, revise, rewrite in a row, so telling a
rewrite to send costs twice a step); the statuses are the likeliest combination that gives
that verdict. Principles a rule or the kind settles are not weighed.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from bot.models import Status, Verdict
from bot.rules.scoring import verdict_for

_STEP: dict[Verdict, int] = {"send": 0, "revise": 1, "rewrite": 2}
# In a tie the middle verdict wins, then the cautious one.
_PREFERENCE: tuple[Verdict, ...] = ("revise", "rewrite", "send")


@dataclass(frozen=True)
class Call:
    """One principle going into the decision: its probability of being violated, or a
    status settled before any weighing (`n/a` for the gap of a cold note, a deciding rule)."""

    probability: float
    settled: Status | None = None


def decode(calls: Mapping[str, Call], passes_with: Mapping[str, str]) -> dict[str, bool]:
    """Whether each weighed or settled principle is violated (`n/a` ones are left out).
    `passes_with[a] = b`: `a` passes whenever `b` does (rules.yaml links)."""
    ids = tuple(calls)
    settled = tuple(calls[pid].settled for pid in ids)
    table = _combinations(ids, settled, tuple(passes_with.get(pid) for pid in ids))
    mass: dict[Verdict, float] = dict.fromkeys(_STEP, 0.0)
    best: dict[Verdict, tuple[float, tuple[bool, ...]]] = {}
    probabilities = [calls[pid].probability for pid in ids]
    for violated, weighed, verdict in table:
        chance = 1.0
        for index in weighed:
            probability = probabilities[index]
            chance *= probability if violated[index] else 1.0 - probability
        mass[verdict] += chance
        if verdict not in best or chance > best[verdict][0]:
            best[verdict] = (chance, violated)
    verdict = min(
        (v for v in _PREFERENCE if v in best),
        key=lambda v: sum(mass[u] * abs(_STEP[v] - _STEP[u]) for u in _STEP),
    )
    chosen = best[verdict][1]
    return {pid: chosen[i] for i, pid in enumerate(ids) if settled[i] != "n/a"}


@cache
def _combinations(
    ids: tuple[str, ...], settled: tuple[Status | None, ...], links: tuple[str | None, ...]
) -> tuple[tuple[tuple[bool, ...], tuple[int, ...], Verdict], ...]:
    """Every consistent combination once per set-up: (violated per principle, the indexes
    whose probability weighs it, its verdict)."""
    free = [i for i, status in enumerate(settled) if status is None]
    out = []
    for bits in itertools.product((False, True), repeat=len(free)):
        violated = [status in ("warn", "fail") for status in settled]
        for index, bit in zip(free, bits, strict=True):
            violated[index] = bit
        weighed = list(free)
        for index, link in enumerate(links):
            if link is None or link not in ids or settled[ids.index(link)] == "n/a":
                continue
            if not violated[ids.index(link)]:  # the linked principle passed: so does this one
                if violated[index] and settled[index] is None:
                    break  # inconsistent: this combination cannot happen
                violated[index] = False
                if index in weighed:
                    weighed.remove(index)
        else:
            statuses: dict[str, Status] = {
                pid: "n/a" if settled[i] == "n/a" else ("fail" if violated[i] else "pass")
                for i, pid in enumerate(ids)
            }
            out.append((tuple(violated), tuple(weighed), verdict_for(statuses)))
    return tuple(out)
