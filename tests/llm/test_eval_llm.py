"""`outreach-review eval --llm`: rules alone, the model's answer alone and the project's path,
over real HTTP (the `openai` client) against the fake server serving recorded answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.eval_llm import compare
from bot.evaluate import read_labelled
from bot.llm.cache import ReviewCache
from bot.llm.grader import LLMGrader
from bot.llm.prompts import load_prompts
from bot.settings import Settings
from tests.fakes.model_answers import answer, judgement
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.recorded_answers import RecordedAnswers, draft_in
from tests.helpers import CLI_ENV, ROOT

EVAL_DIR = Path(os.environ.get("OUTREACH_EVAL_DIR", ROOT.parent / "shared" / "eval"))

SELLING = (
    "Hi Ines,\n\nI'm the founder of Tallyline and we help companies like yours cut month-end "
    "close by 40%.\nAre you free for a quick demo on Thursday?\n\nBest,\nRuth"
)
THOUGHTFUL = (
    "Hi Ines,\n\nYour write-up on moving Kestrel's close to a rolling forecast made me rethink "
    "our own ```quarter-end``` checklist.\nHow did you get the regional controllers to trust the "
    "new numbers in the first month?\n\nRuth"
)
UNRECORDED = "Hi Ines, a draft nobody recorded an answer for. How is the new role going?"


def all_pass(verdict: str = "send", score: int = 90) -> dict[str, Any]:
    principles = {pid: judgement("pass") for pid in load_prompts().principle_ids}
    principles["owns_the_gap"] = judgement("n/a")
    return answer(principles=principles, verdict=verdict, score=score)


def record(rid: str, text: str, verdict: str, violated: bool) -> dict[str, Any]:
    labels = {k: violated for k in ("leads_with_self", "pitch", "generic", "no_reason")}
    return {"id": rid, "source": "own:tests", "kind": "cold", "text": text, "verdict": verdict,
            "no_question": violated, "no_responsibility": None, **labels}  # fmt: skip


@pytest.fixture
def eval_files(tmp_path: Path) -> tuple[Path, Path]:
    labelled = tmp_path / "labelled.jsonl"
    records = [
        record("own-1", SELLING, "rewrite", True),
        record("own-2", THOUGHTFUL, "send", False),
        record("own-3", UNRECORDED, "revise", False),
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    # The model is right about both drafts it answers; the rules only about the first.
    selling = answer()
    selling["principles"]["about_them"] = judgement("fail", "I'm the founder of Tallyline")
    answers = tmp_path / "answers.jsonl"
    lines = [{"id": "own-1", "answer": selling}, {"id": "own-2", "answer": all_pass()}]
    answers.write_text("\n".join(json.dumps(a) for a in lines) + "\n", encoding="utf-8")
    return labelled, answers


@pytest.fixture
async def recorded_fake(eval_files: tuple[Path, Path]) -> AsyncIterator[FakeOpenAI]:
    labelled, answers = eval_files
    server = await FakeOpenAI().answer_with(RecordedAnswers.load(answers, labelled).respond).start()
    yield server
    await server.aclose()


def grader_for(fake: FakeOpenAI) -> LLMGrader:
    settings = Settings(
        openai_api_key="sk-recorded", openai_base_url=fake.base_url,
        outreach_llm_model="recorded", outreach_llm_timeout=5,
    )  # fmt: skip
    return LLMGrader(settings, cache=ReviewCache(0))


def test_the_fake_finds_the_draft_inside_the_prompt_even_with_backticks_in_it(
    eval_files: tuple[Path, Path],
) -> None:
    message = load_prompts().user_message(THOUGHTFUL)
    assert draft_in(message) == THOUGHTFUL
    assert draft_in("no fenced draft here") is None
    recorded = RecordedAnswers.load(eval_files[1], eval_files[0])
    assert set(recorded.by_draft) == {SELLING, THOUGHTFUL}


async def test_three_paths_side_by_side_over_http(
    recorded_fake: FakeOpenAI, eval_files: tuple[Path, Path]
) -> None:
    records = read_labelled(eval_files[0])
    grader = grader_for(recorded_fake)
    try:
        comparison = await compare(records, grader)
    finally:
        await grader.aclose()
    rules, model, project = (comparison.reports[p] for p in ("rules", "model", "project"))
    assert rules.total == model.total == project.total == 3
    # The unrecorded draft got a 400, so it fell back to the rules, and says so.
    assert comparison.answered == 2 and comparison.fallbacks == {"server_error": 1}
    unknown = [r for r in recorded_fake.requests if draft_in(r.message_text("user")) == UNRECORDED]
    assert len(unknown) == 1  # a 400 is not retried: a missing answer costs no time
    # Both drafts the model answered get the labelled verdict, in its column and the project's.
    assert model.confusion["send"]["send"] == project.confusion["send"]["send"] == 1
    assert model.confusion["rewrite"]["rewrite"] == project.confusion["rewrite"]["rewrite"] == 1
    assert comparison.spans_shown > 0 and comparison.spans_invalid == 0
    served = [r for r in recorded_fake.requests if draft_in(r.message_text("user")) == SELLING]
    assert len(served) == 1 and served[0].json["model"] == "recorded"


def run_recorded(
    answers: Path, labelled: Path, *eval_args: str
) -> subprocess.CompletedProcess[bytes]:
    """What `make eval-llm` runs: the recorded-answers fake around `outreach-review eval`."""
    fake = ["-m", "tests.fakes.recorded_answers", "--answers", str(answers)]
    fake += ["--labelled", str(labelled), "--", sys.executable, "-m", "bot.cli", "eval"]
    return subprocess.run(
        [sys.executable, *fake, *eval_args],
        capture_output=True,
        env=CLI_ENV | {"OUTREACH_LLM": "on"},
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_make_eval_llm_runs_the_cli_against_the_recorded_fake(
    eval_files: tuple[Path, Path],
) -> None:
    labelled, answers = eval_files
    text = run_recorded(answers, labelled, "--llm", str(labelled))
    assert text.returncode == 0, text.stderr
    out = text.stdout.decode()
    assert any(line.split() == ["rules", "model", "project"] for line in out.splitlines())
    assert "verdict accuracy" in out and "not matching the draft 0" in out
    data = json.loads(run_recorded(answers, labelled, "--llm", str(labelled), "--json").stdout)
    assert {"rules", "model", "project", "model_usage"} <= set(data)
    assert data["answered"] == 2 and data["spans"]["invalid"] == 0
    assert data["model_usage"]["calls"] == 3 and data["model_usage"]["prompt_tokens"] > 0
    missing = run_recorded(Path("/nonexistent.jsonl"), labelled, "--llm", str(labelled))
    assert missing.returncode == 2 and b"no such file" in missing.stderr


@pytest.mark.skipif(
    not (EVAL_DIR / "model_answers" / "dev.jsonl").is_file(),
    reason=f"the team's eval set is not at {EVAL_DIR} (set OUTREACH_EVAL_DIR)",
)
async def test_on_dev_the_project_is_not_worse_than_the_models_answer_alone() -> None:
    labelled, answers = EVAL_DIR / "dev.jsonl", EVAL_DIR / "model_answers" / "dev.jsonl"
    fake = await FakeOpenAI().answer_with(RecordedAnswers.load(answers, labelled).respond).start()
    grader = grader_for(fake)
    try:
        comparison = await compare(read_labelled(labelled), grader)
    finally:
        await grader.aclose()
        await fake.aclose()
    model, project = comparison.reports["model"], comparison.reports["project"]
    assert comparison.answered == project.total and comparison.fallbacks == {}
    assert project.verdict_accuracy >= model.verdict_accuracy
    assert len(project.critical) <= len(model.critical)
    assert project.macro_f1 >= model.macro_f1 - 0.01
    assert comparison.spans_invalid == 0
