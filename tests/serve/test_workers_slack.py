"""`serve` with OUTREACH_WORKERS: the serving process acks and worker processes review.

Real spawned workers, the real slack-bolt app, the fake Slack Web API on loopback. What a
user sees must not change: the ack, the review at its response_url, working buttons, the
counts on /metrics; and a worker that dies is replaced without losing the next review.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
import time
import zlib
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
import pytest
from slack_bolt.listener import asyncio_runner
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.oauth.installation_store import Bot

from adapters.slack import LazyCall, build_app, build_client
from adapters.slack.deps import SlackDeps
from adapters.slack.oauth import SlackInstallations
from bot.compose import worker_pool as workers
from bot.compose.metrics_relay import RelayMetrics, apply_relayed
from bot.compose.worker_pool import Job
from bot.compose.worker_process import run_worker
from bot.metrics import Metrics
from bot.service import ReviewService
from bot.settings import Settings
from tests.fakes.serve_slack import SECRET, fake_slack, samples, serving, slack_settings, slash
from tests.fakes.slack_harness import click, review_id_of
from tests.fakes.slack_payloads import command_body, event_body, interaction_body, reaction, sign

DRAFT = "Hi Jo, we help companies like yours grow. Free for a call this week?"
WORKER_START_S = 30.0  # a spawned worker imports the whole bot before its first job


async def reviews_counted(session: aiohttp.ClientSession, url: str, count: int) -> float:
    """outreach_reviews_total on the serving process once it reaches `count` (relayed)."""
    deadline = time.monotonic() + 10
    total = 0.0
    while time.monotonic() < deadline:
        async with session.get(url + "/metrics") as response:
            found = samples(await response.text())
        total = sum(v for k, v in found.items() if k[0] == "outreach_reviews_total")
        if total >= count:
            return total
        await asyncio.sleep(0.1)
    return total


async def test_workers_review_and_the_serving_process_counts(tmp_path: Path) -> None:
    async with fake_slack() as api:
        settings = slack_settings(api, tmp_path, outreach_workers=2)
        async with serving(settings) as runtime, aiohttp.ClientSession() as session:
            assert runtime.workers is not None
            assert os.getpid() not in runtime.workers.pids()
            started = time.monotonic()
            assert await slash(session, runtime, api, DRAFT, "r1") == 200
            assert time.monotonic() - started < 1.0, "the ack does not wait for a worker"
            [posted] = await api.wait_for_post("r1", timeout=WORKER_START_S)
            assert posted["blocks"][0]["type"] == "header"

            # Clicked by someone the pool would route to the other worker: the button still
            # goes to the worker that remembers the review.
            alice = zlib.crc32(b"U0ALICE") % 2
            bob = next(f"U0B{i}" for i in range(99) if zlib.crc32(f"U0B{i}".encode()) % 2 != alice)
            clicked = click(api, "review_share", review_id_of(posted), "share")
            clicked["user"]["id"] = bob
            click_body = interaction_body(clicked)
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                **sign(SECRET, click_body),
            }
            assert runtime.slack is not None
            async with session.post(
                runtime.slack.events_url, data=click_body, headers=headers
            ) as r:
                assert r.status == 200
            [note] = await api.wait_for_post("share", timeout=10)
            assert "Shared in the channel" in note["text"]
            [share] = await api.wait_for("chat.postMessage")
            assert share.params["channel"] == "C0GENERAL"

            assert await reviews_counted(session, runtime.health_url, 1) == 1
            async with session.get(runtime.health_url + "/readyz") as ready:
                body = await ready.json()
            assert ready.status == 200 and body["checks"]["workers"] is True


async def test_a_dead_worker_is_replaced_and_reviews_go_on(tmp_path: Path) -> None:
    async with fake_slack() as api:
        settings = slack_settings(api, tmp_path, outreach_workers=1)
        async with serving(settings) as runtime, aiohttp.ClientSession() as session:
            assert runtime.workers is not None
            assert await slash(session, runtime, api, DRAFT, "r1") == 200
            await api.wait_for_post("r1", timeout=WORKER_START_S)
            [old] = runtime.workers.pids()
            assert old is not None
            os.kill(old, signal.SIGKILL)
            # Sent while no worker is alive: it waits in the queue for the new one.
            assert await slash(session, runtime, api, DRAFT, "r2") == 200
            [posted] = await api.wait_for_post("r2", timeout=WORKER_START_S)
            assert posted["blocks"][0]["type"] == "header"
            assert runtime.workers.pids() != [old]
            assert runtime.workers.alive()


async def test_full_workers_refuse_politely_and_take_work_again_once_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "MAX_BACKLOG", 1)
    async with fake_slack() as api:
        settings = slack_settings(api, tmp_path, outreach_workers=1)
        async with serving(settings) as runtime, aiohttp.ClientSession() as session:
            pool = runtime.workers
            assert pool is not None
            for name in ("r1", "r2"):  # each waits for the last to be reported done
                assert await slash(session, runtime, api, DRAFT, name) == 200
                await api.wait_for_post(name, timeout=WORKER_START_S)
                deadline = time.monotonic() + 5
                while not pool.has_room("U0ALICE") and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
            assert pool.has_room("U0ALICE"), "finished jobs are reported back"

            monkeypatch.setattr(workers, "MAX_BACKLOG", 0)
            body = command_body("/reviewoutreach", DRAFT, response_url=api.response_url("r3"))
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
            assert runtime.slack is not None
            async with session.post(runtime.slack.events_url, data=body, headers=headers) as r:
                assert r.status == 200
                assert "too many drafts" in await r.text()
            await asyncio.sleep(0.5)
            assert api.posts_to("r3") == [], "a refused draft is not reviewed later"
            async with session.get(runtime.health_url + "/metrics") as metrics:
                found = samples(await metrics.text())
            assert found[("outreach_reviews_refused_busy_total", ())] == 1


async def test_shutdown_lets_the_workers_finish_queued_reviews(tmp_path: Path) -> None:
    async with fake_slack() as api:
        settings = slack_settings(api, tmp_path, outreach_workers=1)
        async with aiohttp.ClientSession() as session:
            async with serving(settings) as runtime:
                assert runtime.workers is not None
                pool = runtime.workers
                names = [f"r{i}" for i in range(5)]
                for name in names:  # acked, then SIGTERM-like shutdown at once
                    assert await slash(session, runtime, api, DRAFT, name) == 200
            # `serving` has shut down: every acked review was still delivered.
            for name in names:
                assert len(api.posts_to(name)) == 1, name
            assert not pool.alive()


def test_relayed_metrics_count_in_the_serving_registry() -> None:
    received, sent = multiprocessing.Pipe(duplex=False)
    relay = RelayMetrics(sent)
    relay.count_review("slack", "rules", "revise", 0.01)
    relay.review_rate_limited("slack")
    relay.store_state(False)
    assert not received.poll(0), "hook calls wait for the next batch"
    relay.flush()
    batch = received.recv()
    serving_metrics = Metrics()
    apply_relayed(serving_metrics, [*batch, ("render", ())])  # other hooks are ignored
    found = samples(serving_metrics.render().decode())
    key = (("platform", "slack"), ("source", "rules"), ("verdict", "revise"))
    assert found[("outreach_reviews_total", key)] == 1
    assert found[("outreach_reviews_rate_limited_total", (("platform", "slack"),))] == 1
    assert found[("outreach_store_up", ())] == 0


async def test_a_worker_answers_with_its_workspace_token_found_by_itself(tmp_path: Path) -> None:
    """Slack OAuth: the job a worker is handed carries no token; the worker finds the
    workspace's token in the installations, as the serving process does, and replies with it."""
    async with fake_slack() as api:
        settings = slack_settings(
            api, tmp_path, slack_bot_token=None, slack_client_id="1.2", slack_client_secret="s"
        )
        installations = SlackInstallations.open(settings)
        installations.installations.sync.save_bot(
            Bot(
                app_id="A0APP",
                enterprise_id=None,
                team_id="T0OTHER",
                bot_token="xoxb-other-team",
                bot_id="B0OTHER",
                bot_user_id="U0BOTOTHER",
                installed_at=time.time(),
            )
        )
        installations.close()
        api.teams_by_token["xoxb-other-team"] = "T0OTHER"
        message = api.add_message("C0GENERAL", {"user": "U0BOB", "text": DRAFT})
        body = event_body(reaction(message["ts"]), event_id="Ev1", team="T0OTHER")
        call = LazyCall("review_reaction", body, {"content-type": ["application/json"]}, "http")
        assert b"xoxb" not in pickle.dumps(call)
        jobs_in, jobs_out = multiprocessing.Pipe(duplex=False)
        events_in, events_out = multiprocessing.Pipe(duplex=False)
        jobs_out.send([Job("U0ALICE", call)])
        jobs_out.send(None)  # then stop: the job still completes first
        await asyncio.wait_for(run_worker(settings, 0, jobs_in, events_out), timeout=30)
        [reply] = api.calls_to("chat.postMessage")
        assert reply.token == "xoxb-other-team"
        assert reply.params["thread_ts"] == message["ts"]
        relayed = []
        while events_in.poll(0):
            relayed += events_in.recv()
        hooks = [hook for hook, _ in relayed]
        assert "count_review" in hooks and "job_done" in hooks


class RecordingQueue:
    """The `JobQueue` port: room for everything, each job kept."""

    def __init__(self) -> None:
        self.submitted: list[tuple[str, object]] = []

    def admit(self, key: str) -> bool:
        return True

    def submit(self, key: str, payload: object) -> None:
        self.submitted.append((key, payload))


async def test_the_hand_off_reads_the_request_once_and_copies_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bolt copies a request (context and Web API client included) before each lazy listener;
    the hand-off to a worker reads it at once instead, so the ack costs what bolt's own does."""
    copies: list[object] = []
    monkeypatch.setattr(asyncio_runner, "create_copy", copies.append)
    queue = RecordingQueue()
    async with fake_slack() as api:
        settings = slack_settings(api, tmp_path)
        deps = SlackDeps.build(ReviewService(settings), settings, build_client(settings))
        app = build_app(deps, jobs=queue)
        body = command_body("/reviewoutreach", DRAFT, response_url=api.response_url("r1"))
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    assert response.status == 200 and "Reviewing" in response.body
    [(key, call)] = queue.submitted
    assert key == "U0ALICE" and isinstance(call, LazyCall)
    assert (call.function, call.body, call.mode) == ("review_command", body, "http")
    assert copies == []


def crash_at_start(settings: Settings, index: int, jobs: Connection, events: Connection) -> None:
    """A worker entry that cannot start (e.g. a broken install)."""
    raise SystemExit(3)


async def test_a_worker_that_cannot_start_is_retried_less_and_less_often(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(workers, "WATCH_EVERY_S", 0.1)
    settings = Settings(database_url=f"sqlite:///{tmp_path}/crash.db", outreach_llm="off")
    pool = workers.WorkerPool(settings, 1, crash_at_start, Metrics())
    with caplog.at_level(logging.WARNING, logger="outreach.workers"):
        pool.start()
        deadline = time.monotonic() + 20
        delays: list[float] = []
        while len(delays) < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            delays = [r.restart_in_s for r in caplog.records if hasattr(r, "restart_in_s")]
        await pool.stop(grace=1)
    assert delays[:3] == [1.0, 3.0, 7.0]
    assert {r.exit_code for r in caplog.records if hasattr(r, "exit_code")} == {3}
