"""A draft and the answers a model could give about it, and settings pointing the grader at
the fake OpenAI server (`tests/fakes/openai_server.py`)."""

from __future__ import annotations

from typing import Any

from bot.principles import load_principles
from bot.settings import Settings
from tests.fakes.openai_server import FakeOpenAI

API_KEY = "sk-test-secret-0123456789"
DRAFT = (
    "Hi Priya, I'm the founder of Loopwise, an award-winning analytics platform. "
    "We have lots of common connections, so I thought we should connect. "
    "Are you free for a quick call this week?"
)
REWRITE = "Hi Priya, your DataConf talk on vanity dashboards stuck with me. [...]"


def judgement(status: str, *quotes: str) -> dict[str, Any]:
    return {
        "status": status,
        "findings": [
            {"quote": q, "message": "This is about you.", "suggestion": "Talk about them."}
            for q in quotes
        ],
    }


def answer(**overrides: Any) -> dict[str, Any]:
    """A well-formed model answer about DRAFT, every quote verbatim."""
    body: dict[str, Any] = {
        "kind": "cold",
        "principles": {
            "about_them": judgement("fail", "I'm the founder of Loopwise"),
            "no_pitch": judgement("fail", "an award-winning analytics platform"),
            "specific": judgement("fail", "We have lots of common connections"),
            "clear_reason": judgement("fail", "I thought we should connect"),
            "owns_the_gap": judgement("n/a"),
            "asks_questions": judgement("fail", "Are you free for a quick call this week?"),
        },
        "questions": [
            "What made you move from consulting to analytics?",
            "How is your team measuring dashboard use?",
        ],
        "score": 18,
        "verdict": "rewrite",
        "rewrite": REWRITE,
    }
    body.update(overrides)
    return body


def all_pass_answer() -> dict[str, Any]:
    principles = {p.id: judgement("pass") for p in load_principles()}
    principles["owns_the_gap"] = judgement("n/a")
    return answer(principles=principles, score=100, verdict="send")


def settings_for(openai: FakeOpenAI, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "openai_api_key": API_KEY,
        "openai_base_url": openai.base_url,
        "outreach_llm_model": "fake-model",
        "outreach_llm_timeout": 5.0,
        "outreach_cache_ttl": 600.0,
        "outreach_llm": "on",
    }
    values.update(overrides)
    return Settings(**values)
