"""The model's tests: the grader, its prompts, the merge with the rules and the evals, through
the real openai SDK against the fake server (`openai`, in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.llm import build_grader
from bot.llm.grader import LLMGrader
from tests.fakes.model_answers import settings_for
from tests.fakes.openai_server import FakeOpenAI

Calls = list[tuple[str, int, int, float]]


@pytest.fixture
def calls() -> Calls:
    """Each model call the graders `make_grader` built reported: outcome, tokens, seconds."""
    return []


@pytest.fixture
async def make_grader(openai: FakeOpenAI, calls: Calls) -> AsyncIterator[Any]:
    """Builds graders against the fake server (settings overridden by keyword), all closed at
    the end of the test."""
    built: list[LLMGrader] = []

    def make(**overrides: Any) -> LLMGrader:
        grader = build_grader(
            settings_for(openai, **overrides), on_call=lambda *args: calls.append(args)
        )
        assert isinstance(grader, LLMGrader)
        built.append(grader)
        return grader

    yield make
    for grader in built:
        await grader.aclose()
