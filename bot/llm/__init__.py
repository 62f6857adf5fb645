"""LLM grading through any OpenAI-compatible server, with the rules as the safety net.

Importing this package does not import `openai`: the rules-only path stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.llm.grader import LLMGrader, LLMUsage, OnCall

__all__ = ["LLMGrader", "LLMUsage", "OnCall", "build_grader"]


def build_grader(settings: Settings, *, on_call: OnCall | None = None) -> LLMGrader | None:
    """The model grader, or None when OUTREACH_LLM=off or no model is configured.

    Reads the prompts and builds the client now, so a broken set-up fails at start-up.
    """
    if not settings.llm_enabled:
        return None
    from bot.llm.grader import LLMGrader

    return LLMGrader(settings, on_call=on_call)


def __getattr__(name: str) -> object:
    if name in ("LLMGrader", "LLMUsage", "OnCall"):
        from bot.llm import grader

        return getattr(grader, name)
    raise AttributeError(name)
