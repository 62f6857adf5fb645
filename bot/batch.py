"""Batch review and evaluation over JSONL files, for the CLI."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.evaluate import EvalReport, LabelledDataError, add_result, format_report, read_labelled
from bot.models import Review
from bot.ports import Rejected
from bot.rules import NOTHING_TO_REVIEW, review_with_rules, reviewable
from bot.service import ReviewService

log = logging.getLogger("outreach.batch")

EXIT_OK, EXIT_USAGE = 0, 2


class _Grading:
    """Rules only, or the full service (model + rules) when one is given."""

    def __init__(self, service: ReviewService | None) -> None:
        self.service = service

    async def grade(self, text: str) -> Review | Rejected:
        if self.service is None:
            if not text.strip():
                return Rejected("empty", "the draft is empty")
            if not reviewable(text):
                return Rejected("nothing", NOTHING_TO_REVIEW)
            return review_with_rules(text)
        return await self.service.review(text, platform="cli")

    async def aclose(self) -> None:
        if self.service is not None:
            await self.service.aclose()


async def _grade_one(grading: _Grading, text: str, number: int) -> Review | Rejected:
    """The review, or a Rejected: one draft that breaks the grader must not stop the batch."""
    try:
        return await grading.grade(text)
    except Exception as exc:
        log.warning("draft not reviewed", extra={"line": number, "error": type(exc).__name__})
        return Rejected("invalid", f"line {number} could not be reviewed ({type(exc).__name__})")


def _parse_line(line: str, number: int) -> tuple[Any, str | None, str | None]:
    """(id, text, error) for one input line."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return number, None, f"line {number} is not valid JSON: {exc.msg}"
    if not isinstance(item, dict):
        return number, None, f'line {number} must be a JSON object with "id" and "text"'
    item_id = item.get("id", number)
    text = item.get("text")
    if not isinstance(text, str):
        return item_id, None, 'missing or non-string "text"'
    if not text.strip():
        return item_id, None, "the draft is empty"
    return item_id, text, None


async def run_batch(path: Path, out: TextIO, service: ReviewService | None) -> int:
    grading = _Grading(service)
    try:
        raw = path.read_bytes().decode("utf-8-sig", errors="replace")
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            item_id, text, error = _parse_line(line, number)
            result: dict[str, Any] = {"id": item_id}
            if text is not None:
                outcome = await _grade_one(grading, text, number)
                if isinstance(outcome, Rejected):
                    result["error"] = outcome.message
                else:
                    result["review"] = outcome.to_dict()
            else:
                result["error"] = error
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        await grading.aclose()
    return EXIT_OK


async def run_eval(path: Path, out: TextIO, service: ReviewService | None, *, as_json: bool) -> int:
    try:
        records = read_labelled(path)
    except (LabelledDataError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"outreach-review: cannot evaluate {path}: {exc}\n")
        return EXIT_USAGE
    grading = _Grading(service)
    report = EvalReport()
    try:
        for record in records:
            outcome = await grading.grade(record["text"])
            if isinstance(outcome, Rejected):
                continue
            add_result(report, record, outcome)
    finally:
        await grading.aclose()
    usage = _usage(grading)
    if as_json:
        data = report.to_dict()
        if usage is not None:
            data["model_usage"] = usage
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(format_report(report) + "\n")
        if usage is not None:
            out.write(
                f"model usage       {usage['calls']} calls, {usage['prompt_tokens']} prompt + "
                f"{usage['completion_tokens']} completion tokens\n"
            )
    return EXIT_OK


def _usage(grading: _Grading) -> dict[str, int] | None:
    grader = grading.service.grader if grading.service is not None else None
    usage = getattr(grader, "usage", None)
    if usage is None:
        return None
    return {
        "calls": int(getattr(usage, "calls", 0)),
        "prompt_tokens": int(getattr(usage, "prompt_tokens", 0)),
        "completion_tokens": int(getattr(usage, "completion_tokens", 0)),
    }
