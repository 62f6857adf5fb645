"""Picks 2-3 questions the writer could ask, fitted to the draft's kind and topics."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.models import Kind
from bot.principles import load_data
from bot.rules.patterns import Matcher


@dataclass(frozen=True)
class _Bank:
    topics: tuple[tuple[Matcher, tuple[str, ...]], ...]
    kinds: dict[str, tuple[str, ...]]


@cache
def _bank() -> _Bank:
    raw = load_data("questions.yaml")
    assert isinstance(raw, dict)
    topics = tuple(
        (Matcher({"topic": [item["pattern"]]}), tuple(item["questions"])) for item in raw["topics"]
    )
    kinds = {kind: tuple(items) for kind, items in raw["kinds"].items()}
    return _Bank(topics, kinds)


def suggest_questions(
    masked_text: str, kind: Kind, limit: int = 3, lower: str | None = None
) -> tuple[str, ...]:
    bank = _bank()
    picked: list[str] = []
    for pattern, questions in bank.topics:
        if pattern.search(masked_text, lower):
            picked.extend(q for q in questions if q not in picked)
        if len(picked) >= 2:
            break
    picked = picked[:2]
    for question in bank.kinds[kind]:
        if len(picked) >= limit:
            break
        if question not in picked:
            picked.append(question)
    return tuple(picked[:limit])
