"""The LLM grader: the model's judgement, checked by the rules, never an error for the user."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.llm.cache import ReviewCache, draft_key
from bot.llm.client import ChatClient, Meter, ModelFailure
from bot.llm.injection import InjectionPatterns, load_injection_patterns
from bot.llm.merge import MergePolicy, default_policy, merge
from bot.llm.prompts import PromptSet, load_prompts
from bot.llm.schema import (
    ModelReviewBase,
    build_answer_model,
    format_hint,
    parse_answer,
    response_format_json_schema,
)
from bot.models import FallbackReason, Review
from bot.present import truncate
from bot.rules import MAX_DRAFT_CHARS
from bot.settings import Settings

log = logging.getLogger("outreach.llm")

# outcome ("ok", "cache_hit" or a fallback reason), prompt tokens, completion tokens, latency (s)
OnCall = Callable[[str, int, int, float], None]

# A rewrite is about as long as the draft: one far longer is cut (with "…") before any
# adapter sees it, to twice the draft, never under REWRITE_MIN_CHARS nor over REWRITE_MAX_CHARS.
REWRITE_MIN_CHARS = 600
REWRITE_MAX_CHARS = 4000

REPAIR_REQUEST = (
    "That answer was not usable ({problem}). Reply again with only the corrected JSON "
    "object, following the same instructions and schema."
)


@dataclass
class LLMUsage:
    """Running totals for this grader, e.g. for `outreach-review eval --llm`."""

    calls: int = 0
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Graded:
    """The review, and the model's answer it was merged from (None when the rules answered
    alone, or the review came from the cache)."""

    review: Review
    answer: ModelReviewBase | None


class LLMGrader:
    def __init__(
        self,
        settings: Settings,
        *,
        on_call: OnCall | None = None,
        prompts: PromptSet | None = None,
        injection: InjectionPatterns | None = None,
        client: ChatClient | None = None,
        cache: ReviewCache | None = None,
        policy: MergePolicy | None = None,
    ) -> None:
        self._timeout = settings.outreach_llm_timeout
        self._prompts = prompts or load_prompts()
        self._answer_model = build_answer_model(self._prompts.principle_ids)
        self._schema_format = response_format_json_schema(self._answer_model)
        self._json_hint = format_hint(self._answer_model)
        self._injection = injection or load_injection_patterns()
        self._client = client or ChatClient(settings)
        self._cache = cache or ReviewCache(settings.outreach_cache_ttl)
        self._policy = policy or default_policy()
        self._on_call = on_call
        self.usage = LLMUsage()

    @property
    def model(self) -> str:
        return self._client.model

    async def aclose(self) -> None:
        await self._client.aclose()

    async def grade(self, text: str, rules_review: Review) -> Review:
        """The merged review, or `rules_review` with `fallback_reason` set. Never raises."""
        return (await self.grade_with_answer(text, rules_review)).review

    async def grade_with_answer(self, text: str, rules_review: Review) -> Graded:
        """`grade`, with the model's own answer beside the review (for evaluation)."""
        draft = text[:MAX_DRAFT_CHARS]
        key = draft_key(self._client.model, draft)
        cached = self._cache.get(key)
        if cached is not None:
            self.usage.cache_hits += 1
            self._report("cache_hit", Meter(), 0.0, dropped_quotes=0)
            return Graded(cached, None)
        started = time.monotonic()
        meter = Meter()
        reason: FallbackReason
        try:
            async with asyncio.timeout(self._timeout):
                answer = await self._ask(draft, started + self._timeout, meter)
            note = self._injection.note if self._injection.found_in(draft) else None
            outcome = merge(text, rules_review, answer, injection_note=note, policy=self._policy)
            review = _rewrite_capped(outcome.review, len(draft))
        except ModelFailure as failure:
            reason = failure.reason
        except TimeoutError:
            reason = "timeout"
        except Exception as exc:  # a bug or an answer shape we did not foresee: still a review
            log.warning("llm grading failed unexpectedly", extra={"error": type(exc).__name__})
            reason = "invalid_output"
        else:
            self._cache.put(key, review)
            self._report("ok", meter, time.monotonic() - started, outcome.dropped_quotes)
            return Graded(review, answer)
        self.usage.failures[reason] = self.usage.failures.get(reason, 0) + 1
        self._report(reason, meter, time.monotonic() - started, dropped_quotes=0)
        return Graded(replace(rules_review, fallback_reason=reason), None)

    async def _ask(self, draft: str, deadline: float, meter: Meter) -> ModelReviewBase:
        """Ask, and when the answer does not validate, ask once more to repair it."""
        messages = self._messages(draft)
        completion = await self._client.complete(messages, self._schema_format, deadline, meter)
        try:
            return parse_answer(self._answer_model, completion.content)
        except ValueError as first_problem:
            problem = _describe_problem(first_problem, completion.finish_reason)

        def with_repair(json_object_mode: bool) -> list[dict[str, str]]:
            return [
                *messages(json_object_mode),
                {"role": "assistant", "content": completion.content},
                {"role": "user", "content": REPAIR_REQUEST.format(problem=problem)},
            ]

        repaired = await self._client.complete(with_repair, self._schema_format, deadline, meter)
        try:
            return parse_answer(self._answer_model, repaired.content)
        except ValueError as second_problem:
            detail = _describe_problem(second_problem, repaired.finish_reason)
            raise ModelFailure("invalid_output", detail) from None

    def _messages(self, draft: str) -> Callable[[bool], list[dict[str, str]]]:
        def build(json_object_mode: bool) -> list[dict[str, str]]:
            hint = self._json_hint if json_object_mode else ""
            return [
                {"role": "system", "content": self._prompts.system},
                {"role": "user", "content": self._prompts.user_message(draft, hint)},
            ]

        return build

    def _report(self, outcome: str, meter: Meter, latency_s: float, dropped_quotes: int) -> None:
        if outcome != "cache_hit":
            self.usage.calls += 1
        self.usage.requests += meter.requests
        self.usage.prompt_tokens += meter.prompt_tokens
        self.usage.completion_tokens += meter.completion_tokens
        log.info(
            "llm call",
            extra={
                "outcome": outcome,
                "model": self._client.model,
                "requests": meter.requests,
                "prompt_tokens": meter.prompt_tokens,
                "completion_tokens": meter.completion_tokens,
                "latency_ms": round(latency_s * 1000, 1),
                "dropped_quotes": dropped_quotes,
            },
        )
        if self._on_call is None:
            return
        try:
            self._on_call(outcome, meter.prompt_tokens, meter.completion_tokens, latency_s)
        except Exception as exc:  # a metrics hook must never break a review
            log.warning("llm on_call hook failed", extra={"error": type(exc).__name__})


def _rewrite_capped(review: Review, draft_chars: int) -> Review:
    limit = min(REWRITE_MAX_CHARS, max(REWRITE_MIN_CHARS, 2 * draft_chars))
    if review.rewrite is None or len(review.rewrite) <= limit:
        return review
    return replace(review, rewrite=truncate(review.rewrite, limit))


def _describe_problem(error: ValueError, finish_reason: str | None) -> str:
    if finish_reason == "length":
        return "it was cut off at the token limit; answer more briefly"
    return str(error) or "not valid JSON"
