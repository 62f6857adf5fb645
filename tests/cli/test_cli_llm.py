"""The CLI with a model configured: `review` uses it, `--no-llm` never calls it, `eval --llm`
prints the token cost. The model is the local fake OpenAI server, reached by the real SDK."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.fakes.model_answers import DRAFT, answer
from tests.fakes.openai_server import FakeOpenAI, fail, ok
from tests.helpers import LABELLED_RECORDS

pytestmark = pytest.mark.asyncio


async def cli(openai: FakeOpenAI, *args: str, timeout: str = "5") -> tuple[int, str, str]:
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-test-cli",
        "OPENAI_BASE_URL": openai.base_url,
        "OUTREACH_LLM_MODEL": "fake-model",
        "OUTREACH_LLM_TIMEOUT": timeout,
        "OUTREACH_LLM": "on",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return int(process.returncode or 0), out.decode(), err.decode()


async def test_review_uses_the_model_when_configured(openai: FakeOpenAI, draft_file: Path) -> None:
    openai.always(ok(answer()))
    code, out, err = await cli(openai, "review", str(draft_file), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["source"] in ("llm", "hybrid") and "fallback_reason" not in data
    assert data["rewrite"]
    assert len(openai.requests) == 1
    for principle in data["principles"]:
        for finding in principle["findings"]:
            assert DRAFT[finding["start"] : finding["end"]] == finding["quote"]


async def test_no_llm_never_calls_the_model(openai: FakeOpenAI, draft_file: Path) -> None:
    openai.always(ok(answer()))
    code, out, _ = await cli(openai, "review", str(draft_file), "--json", "--no-llm")
    assert code == 0 and json.loads(out)["source"] == "rules"
    assert openai.requests == []


async def test_a_broken_model_still_gives_a_rules_review(
    openai: FakeOpenAI, draft_file: Path
) -> None:
    openai.always(fail(500, "boom"))
    code, out, _ = await cli(openai, "review", str(draft_file), "--json", timeout="1")
    data = json.loads(out)
    assert code == 0
    assert data["source"] == "rules" and data["fallback_reason"] in ("server_error", "timeout")


async def test_eval_through_the_model_prints_its_token_cost(
    openai: FakeOpenAI, tmp_path: Path
) -> None:
    openai.always(ok(answer(), prompt_tokens=300, completion_tokens=100))
    record = {**LABELLED_RECORDS[0], "text": DRAFT}
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out, err = await cli(openai, "eval", str(path), "--llm")
    assert code == 0, err
    assert "model usage       1 calls, 300 prompt + 100 completion tokens" in out
    assert any(line.split() == ["rules", "model", "project"] for line in out.splitlines())
    code, out, _ = await cli(openai, "eval", str(path), "--llm", "--json")
    data = json.loads(out)
    assert data["model_usage"] == {"calls": 1, "prompt_tokens": 300, "completion_tokens": 100}
    assert data["rules"]["records"] == data["model"]["records"] == data["project"]["records"] == 1
