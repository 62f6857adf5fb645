"""`outreach-review eval --llm`: the rules alone, the model's answer alone and the project's path
(the model's answer merged with the rules, as users get it), side by side on labelled drafts.

Each draft is reviewed by the rules, then graded once through the configured model by the same
grader the bot uses (`LLMGrader`: the `openai` client, retries, the merge); the model's own
answer is kept beside the merged review. A draft the model could not answer counts, in the
model column too, as the rules review the user would have had.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from bot.evaluate import EvalReport, LabelledDataError, add_result, read_labelled
from bot.llm.cache import ReviewCache
from bot.llm.grader import LLMGrader
from bot.llm.schema import ModelReviewBase
from bot.models import Review
from bot.rules import review_with_rules
from bot.settings import Settings

EXIT_OK, EXIT_USAGE = 0, 2
PATHS = ("rules", "model", "project")
# Requests in flight at once: quick against a local or hosted server, gentle on rate limits.
CONCURRENCY = 8


@dataclass
class Comparison:
    reports: dict[str, EvalReport] = field(default_factory=lambda: {p: EvalReport() for p in PATHS})
    answered: int = 0
    spans_shown: int = 0
    spans_invalid: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)


def answer_as_review(answer: ModelReviewBase, rules_review: Review) -> Review:
    """The model's answer exactly as it came: its statuses, verdict, kind and score."""
    principles = tuple(
        replace(p, status=judgement.status if judgement else "n/a", findings=())
        for p in rules_review.principles
        for judgement in (answer.judgement(p.id),)
    )
    return replace(
        rules_review,
        principles=principles,
        verdict=answer.verdict,
        kind=answer.kind,
        score=answer.score,
        source="llm",
    )


def _count_spans(comparison: Comparison, text: str, review: Review) -> None:
    for principle in review.principles:
        for finding in principle.findings:
            comparison.spans_shown += 1
            comparison.spans_invalid += text[finding.start : finding.end] != finding.quote


async def compare(
    records: list[dict[str, Any]], grader: LLMGrader, *, concurrency: int = CONCURRENCY
) -> Comparison:
    slots = asyncio.Semaphore(concurrency)

    async def grade(record: dict[str, Any]) -> tuple[Review, Review, Review]:
        async with slots:
            rules = review_with_rules(record["text"])
            graded = await grader.grade_with_answer(record["text"], rules)
        alone = graded.review if graded.answer is None else answer_as_review(graded.answer, rules)
        return rules, alone, graded.review

    results = await asyncio.gather(*(grade(record) for record in records))
    comparison = Comparison()
    for record, reviews in zip(records, results, strict=True):
        for path, review in zip(PATHS, reviews, strict=True):
            add_result(comparison.reports[path], record, review)
        project = reviews[2]
        if project.fallback_reason is None:
            comparison.answered += 1
        else:
            reason = project.fallback_reason
            comparison.fallbacks[reason] = comparison.fallbacks.get(reason, 0) + 1
        _count_spans(comparison, record["text"], project)
    return comparison


def _row(name: str, values: list[str]) -> str:
    return f"{name:<22}" + "".join(f"{v:>12}" for v in values)


def format_comparison(comparison: Comparison) -> str:
    reports = [comparison.reports[p] for p in PATHS]
    total = reports[0].total
    lines = [
        f"Records: {total} · the model answered {comparison.answered}"
        + (f" · rules fallbacks {comparison.fallbacks}" if comparison.fallbacks else ""),
        "rules: the built-in rules alone · model: the model's answer as it came · "
        "project: the model's answer merged with the rules (what users get)",
        "",
        _row("", list(PATHS)),
        _row("macro-F1", [f"{r.macro_f1:.3f}" for r in reports]),
    ]
    for label in reports[0].labels:
        lines.append(_row(f"  F1 {label}", [f"{r.labels[label].f1:.3f}" for r in reports]))
    lines += [
        _row("verdict accuracy", [f"{r.verdict_accuracy:.3f}" for r in reports]),
        _row(
            "critical misses",
            [f"{len(r.critical)} ({r.critical_rate:.1%})" for r in reports],
        ),
        _row("kind accuracy", [f"{r.kind_accuracy:.3f}" for r in reports]),
        "",
        f"finding spans shown   {comparison.spans_shown}, not matching the draft "
        f"{comparison.spans_invalid}",
    ]
    return "\n".join(lines)


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    data: dict[str, Any] = {
        "records": comparison.reports["rules"].total,
        "answered": comparison.answered,
        "fallbacks": comparison.fallbacks,
        "spans": {"shown": comparison.spans_shown, "invalid": comparison.spans_invalid},
    }
    data.update({path: comparison.reports[path].to_dict() for path in PATHS})
    return data


async def run_llm_eval(path: Path, out: TextIO, settings: Settings, *, as_json: bool) -> int:
    try:
        records = read_labelled(path)
    except (LabelledDataError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"outreach-review: cannot evaluate {path}: {exc}\n")
        return EXIT_USAGE
    if not settings.llm_enabled:
        sys.stderr.write(
            "outreach-review: eval --llm needs a model: set OPENAI_API_KEY or OPENAI_BASE_URL "
            "(and OUTREACH_LLM=on)\n"
        )
        return EXIT_USAGE
    # Every draft is asked afresh, so the model column always holds the model's own answer.
    grader = LLMGrader(settings, cache=ReviewCache(0))
    try:
        comparison = await compare(records, grader)
    finally:
        await grader.aclose()
    usage = {
        "calls": grader.usage.calls,
        "prompt_tokens": grader.usage.prompt_tokens,
        "completion_tokens": grader.usage.completion_tokens,
    }
    if as_json:
        out.write(json.dumps({**comparison_dict(comparison), "model_usage": usage}, indent=2))
        out.write("\n")
        return EXIT_OK
    out.write(format_comparison(comparison) + "\n")
    out.write(
        f"model usage       {usage['calls']} calls, {usage['prompt_tokens']} prompt + "
        f"{usage['completion_tokens']} completion tokens\n"
    )
    return EXIT_OK
