"""`outreach-review serve --slack` as a real process: SIGTERM in the middle of a review lets
it finish and exits 0; a database that cannot be reached does not stop reviews."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.model_answers import answer
from tests.fakes.openai_server import FakeOpenAI, Step, chat_completion
from tests.fakes.serve_slack import exit_code, send_command, serve_env, start_serve
from tests.fakes.slack_api import FakeSlackApi
from tests.helpers import free_port

MODEL_SECONDS = 1.5  # how long the fake model takes to answer: the review in flight


def children(pid: int) -> list[int]:
    return [
        int(c)
        for t in Path(f"/proc/{pid}/task").iterdir()
        for c in (t / "children").read_text().split()
    ]


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("workers", ["0", "1"], ids=["in-process", "worker"])
async def test_sigterm_mid_review_lets_the_review_finish_then_exits_0(
    slack_api: FakeSlackApi,
    openai: FakeOpenAI,
    spawn: list[subprocess.Popen[bytes]],
    tmp_path: Path,
    workers: str,
) -> None:
    openai.always(Step(200, chat_completion(json.dumps(answer())), delay=MODEL_SECONDS))
    port = free_port()
    env = serve_env(
        slack_api,
        port,
        f"sqlite:///{tmp_path}/outreach.db",
        OUTREACH_LLM="on",
        OPENAI_API_KEY="sk-serve-test",
        OPENAI_BASE_URL=openai.base_url,
        OUTREACH_LLM_MODEL="fake-model",
        OUTREACH_LLM_TIMEOUT="8",
        OUTREACH_WORKERS=workers,
    )
    proc = await start_serve(spawn, env, port, tmp_path / "serve.log")
    assert await send_command(port, slack_api, "inflight") == 200
    for _ in range(500):  # the model has the draft: the review is in flight
        if openai.requests:
            break
        await asyncio.sleep(0.02)
    assert openai.requests and slack_api.posts_to("inflight") == []
    helpers = children(proc.pid)  # the workers (and multiprocessing's resource tracker)
    assert len(helpers) >= int(workers)
    proc.send_signal(signal.SIGTERM)
    [posted] = await slack_api.wait_for_post("inflight", timeout=MODEL_SECONDS + 5)
    assert "Graded by the model" in json.dumps(posted["blocks"]), "finished, not cut short"
    assert await exit_code(proc, 12) == 0
    for _ in range(50):
        if all(gone(pid) for pid in helpers):
            break
        await asyncio.sleep(0.1)
    assert all(gone(pid) for pid in helpers), "no worker outlives serve"
    if workers != "0":  # each line a worker writes says which one
        lines = [
            json.loads(line)
            for line in (tmp_path / "serve.log").read_text().splitlines()
            if line.startswith("{")
        ]
        reviews = [line for line in lines if line.get("msg") == "review done"]
        assert reviews and all(line.get("worker") == 0 for line in reviews)
    with pytest.raises(aiohttp.ClientConnectionError):  # and no new work is taken
        await send_command(port, slack_api, "late")


async def test_an_unreachable_database_does_not_stop_reviews(
    slack_api: FakeSlackApi, spawn: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    port = free_port()
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/outreach"
    proc = await start_serve(spawn, serve_env(slack_api, port, closed), port, tmp_path / "s.log")
    for n in range(3):
        assert await send_command(port, slack_api, f"r{n}") == 200
    for n in range(3):
        [posted] = await slack_api.wait_for_post(f"r{n}", timeout=10)
        assert "Graded by the built-in rules" in json.dumps(posted["blocks"])
    proc.send_signal(signal.SIGTERM)
    assert await exit_code(proc, 12) == 0
    log = (tmp_path / "s.log").read_text()
    assert "Traceback" not in log
