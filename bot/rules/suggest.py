"""Picks 2-3 questions the writer could ask, fitted to the draft's kind and topics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.models import Kind
from bot.principles import load_data


@dataclass(frozen=True)
class _Bank:
    topics: dict[str, re.Pattern[str]]
    questions: dict[str, tuple[str, ...]]
    kinds: dict[str, tuple[str, ...]]


@cache
def _bank() -> _Bank:
    raw = load_data("questions.yaml")
    assert isinstance(raw, dict)
    items = {str(index): item for index, item in enumerate(raw["topics"])}
    topics = {tag: re.compile(item["pattern"]) for tag, item in items.items()}
    questions = {tag: tuple(item["questions"]) for tag, item in items.items()}
    kinds = {kind: tuple(items) for kind, items in raw["kinds"].items()}
    return _Bank(topics, questions, kinds)


def suggest_questions(
    masked_text: str, kind: Kind, limit: int = 3, lower: str | None = None
) -> tuple[str, ...]:
    bank = _bank()
    text = lower if lower is not None else masked_text.lower()
    found = {tag for tag, pattern in bank.topics.items() if pattern.search(text)}
    picked: list[str] = []
    for tag in bank.questions:  # in the data file's order
        if tag in found:
            picked.extend(q for q in bank.questions[tag] if q not in picked)
    picked = picked[:2]
    for question in bank.kinds[kind]:
        if len(picked) >= limit:
            break
        if question not in picked:
            picked.append(question)
    return tuple(picked[:limit])
