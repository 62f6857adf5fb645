"""Picks 2-3 questions the writer could ask, fitted to what the draft contains."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bot.principles import load_data

LIMIT = 3


@dataclass(frozen=True)
class Topic:
    when: frozenset[str]  # sentence acts that make the topic fit
    questions: tuple[str, ...]


@dataclass(frozen=True)
class QuestionBank:
    topics: tuple[Topic, ...]
    neutral: tuple[str, ...]


@cache
def load_questions() -> QuestionBank:
    raw = load_data("questions.yaml")
    assert isinstance(raw, dict)
    topics = tuple(
        Topic(frozenset(item["when"]), tuple(item["questions"])) for item in raw["topics"]
    )
    return QuestionBank(topics, tuple(raw["neutral"]))


def suggest_questions(acts: Iterable[str], limit: int = LIMIT) -> tuple[str, ...]:
    """Questions for a draft doing `acts`: topics it touches first (one question each, in
    the data file's order), then neutral questions about their work."""
    present = frozenset(acts)
    bank = load_questions()
    fitting = [t.questions for t in bank.topics if t.when & present]
    picked: list[str] = []
    for depth in range(max((len(q) for q in fitting), default=0)):
        for questions in fitting:
            if depth < len(questions) and questions[depth] not in picked:
                picked.append(questions[depth])
    for question in bank.neutral:
        if question not in picked:
            picked.append(question)
    return tuple(picked[:limit])
