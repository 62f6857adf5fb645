"""The CLI behaves as Unix tools do: a model it cannot reach costs a second and one stderr
line saying where it looked; output into a pipe the reader closed ends quietly; `tips tick`
says which subscriptions it could not post and which variable is missing."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.llm import build_grader
from bot.rules import review_with_rules
from bot.settings import Settings
from tests.helpers import clean_env, free_port, run_cli

DRAFT = (
    "Hi Priya,\n\nI'm the co-founder of Tallyfold and we help companies like yours close "
    "their books faster.\n\nWould you be free for a quick call on Thursday?\n"
)
API_KEY = "sk-unreachable-test-key-4411"


def test_an_unreachable_model_fails_fast_and_says_where_it_looked(
    tmp_path: Path, draft_file: Path
) -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens: as with no network
    started = time.monotonic()
    result = run_cli(
        tmp_path, "review", str(draft_file), OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=base_url
    )  # the default model budget (OUTREACH_LLM_TIMEOUT=20)
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "Graded by the built-in rules (the model provider had an error)" in result.stdout
    assert took < 5, f"a connection error is not retried for long ({took:.1f} s)"
    [line] = result.stderr.splitlines()
    assert base_url in line and "OPENAI_BASE_URL" in line and "APIConnectionError" in line
    assert API_KEY not in line


async def test_an_unreachable_model_is_reported_once_not_on_every_review(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(
        openai_api_key=API_KEY,
        openai_base_url=f"http://user:secret-pw@127.0.0.1:{free_port()}/v1",
        outreach_cache_ttl=0,
    )
    grader = build_grader(settings)
    assert grader is not None
    caplog.set_level(logging.WARNING, logger="outreach.llm")
    try:
        for draft in (DRAFT, DRAFT + " Thanks!", DRAFT + " Best, Marco"):
            review = await grader.grade(draft, review_with_rules(draft))
            assert review.fallback_reason == "server_error"
    finally:
        await grader.aclose()
    [line] = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert "secret-pw" not in line and API_KEY not in line


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path, draft_file: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (`| head`) is gone before the review is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "review", "--no-llm", str(draft_file)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=clean_env(tmp_path),
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.stderr.decode() == "", "no traceback, no 'Exception ignored'"
    assert result.returncode == 141, "what a shell reports for a tool ended by SIGPIPE"


def test_batch_into_head_ends_quietly(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.jsonl"
    lines = [json.dumps({"id": n, "text": f"{DRAFT} (draft {n})"}) for n in range(400)]
    drafts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = f"'{sys.executable}' -m bot.cli batch --no-llm drafts.jsonl | head -n 2"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == ""
    assert result.returncode == 141


def test_tick_says_which_subscriptions_wait_for_credentials(tmp_path: Path) -> None:
    subscribe = ["tips", "subscribe", "--channel"]
    assert run_cli(tmp_path, *subscribe, "C1", "--platform", "slack").returncode == 0
    assert run_cli(tmp_path, *subscribe, "C2", "--platform", "slack").returncode == 0
    assert run_cli(tmp_path, *subscribe, "D1", "--platform", "discord").returncode == 0
    assert run_cli(tmp_path, *subscribe, "console", "--platform", "console").returncode == 0
    tick = run_cli(tmp_path, "tips", "tick", "--at", "2026-12-07T09:00:00Z")
    assert tick.returncode == 0, tick.stderr
    assert "1 posted" in tick.stderr  # the console's
    lines = tick.stderr.splitlines()
    assert any("2 slack subscriptions" in ln and "SLACK_BOT_TOKEN" in ln for ln in lines)
    assert any("1 discord subscription" in ln and "DISCORD_TOKEN" in ln for ln in lines)
