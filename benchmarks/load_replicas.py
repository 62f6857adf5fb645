"""Two bot replicas on PostgreSQL behind a local round-robin proxy, under load.

Starts the fake Slack Web API (own process), two replicas of the bot in Slack HTTP mode
(rules only) sharing one PostgreSQL schema made for the run (dropped afterwards), and a
tiny aiohttp reverse proxy on 127.0.0.1 that sends each request to the next replica.
Then, at the same time for `--seconds`:

- signed slash commands through the proxy, one user each, at `--rate` a second;
- `/reviewoutreach`-by-reaction on `--messages` seeded messages, each reaction delivered
  five ways: the same event_id to replica A and to replica B directly, twice more through
  the proxy as Slack retries (`X-Slack-Retry-Num` 1 and 2), and a second person's reaction
  (new event_id) on the same message;

and finally one user sends `OUTREACH_RATE_LIMIT + 5` commands through the proxy (so to both
replicas in turn). Checks: every command reviewed once; every message reviewed in its
thread exactly once (the fake counts chat.postMessage per thread ts); the burst user gets
exactly `OUTREACH_RATE_LIMIT` reviews and polite refusals for the rest, whichever replica.

Run: `.venv/bin/python -m benchmarks.load_replicas` (needs PostgreSQL; URL from
`--database-url`, else TEST_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks._fake_slack import FakeSlackProcess
from benchmarks._loadlib import (
    COMMAND_TYPE,
    DRAFT,
    BotProcess,
    Request,
    StepResult,
    command_body,
    entry_name,
    event_body,
    free_port,
    new_session,
    poll,
    run_step,
    signed,
    slack_bot_env,
    start_slack_bot,
)
from benchmarks._proxy import RoundRobinProxy
from tests.fakes.tips_env import fresh_schema

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RATE_LIMIT = 5
OVER_LIMIT = 5
CHANNEL = "C0GENERAL"


def reaction_event(ts: str, user: str) -> dict[str, Any]:
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": "mag",
        "item_user": "U0W",
        "item": {"type": "message", "channel": CHANNEL, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def reaction_requests(stamps: list[str], replicas: list[str], proxy: str) -> list[Request]:
    """Five deliveries per message, interleaved so duplicates arrive close together."""
    requests: list[Request] = []
    for i, ts in enumerate(stamps):
        body = event_body(reaction_event(ts, f"U0R{i}"), event_id=f"EvR{i}")
        second = event_body(reaction_event(ts, f"U0S{i}"), event_id=f"EvS{i}")
        requests += [
            signed(replicas[0], body, "application/json"),
            signed(replicas[1], body, "application/json"),
            signed(
                proxy,
                body,
                "application/json",
                {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
            ),
            signed(proxy, second, "application/json"),
            signed(
                proxy,
                body,
                "application/json",
                {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"},
            ),
        ]
    return requests


def command(proxy: str, fake: FakeSlackProcess, name: str, user: str) -> Request:
    body = command_body("/reviewoutreach", DRAFT, response_url=fake.response_url(name), user=user)
    return signed(proxy, body, COMMAND_TYPE)


async def wait_for_minute_start_margin(needed: float = 15.0) -> None:
    """The limit counts per calendar minute: keep the burst inside one."""
    second = datetime.now(UTC).second
    if second > 60 - needed:
        await asyncio.sleep(60 - second + 0.5)


async def run(options: argparse.Namespace, workdir: Path, database_url: str) -> dict[str, Any]:
    fake = FakeSlackProcess(workdir / "fake.log")
    replicas: list[BotProcess] = []
    proxy: RoundRobinProxy | None = None
    try:
        assert await fake.start(), "the fake Slack API did not start"
        ports = [free_port(), free_port()]
        extra = {"OUTREACH_RATE_LIMIT": str(RATE_LIMIT), "OUTREACH_WORKERS": str(options.workers)}
        starting = [
            start_slack_bot(
                slack_bot_env(fake.api_url, p, database_url, **extra),
                p,
                workdir / f"replica{n}.log",
            )
            for n, p in enumerate(ports)
        ]
        replicas = list(await asyncio.gather(*starting))  # both migrate the fresh schema at once
        upstreams = [f"http://127.0.0.1:{p}/slack/events" for p in ports]
        proxy = RoundRobinProxy(upstreams)
        await proxy.start()
        async with new_session() as session:
            stamps = await fake.call(
                session, "seed", {"channel": CHANNEL, "count": options.messages, "text": DRAFT}
            )
            commands_count = int(options.rate * options.seconds)
            reactions = reaction_requests(stamps, upstreams, proxy.url)
            commands, events = await asyncio.gather(
                run_step(
                    session,
                    "commands",
                    lambda i: command(proxy.url, fake, f"cmd-{i}", f"U0C{i}"),
                    rate=options.rate,
                    seconds=options.seconds,
                ),
                run_step(
                    session,
                    "events",
                    lambda i: reactions[i],
                    rate=len(reactions) / options.seconds,
                    seconds=options.seconds,
                    max_count=len(reactions),
                ),
            )
            await wait_for_minute_start_margin()
            burst = await run_step(
                session,
                "burst",
                lambda i: command(proxy.url, fake, f"burst-{i}", "U0BURST"),
                rate=20,
                seconds=(RATE_LIMIT + OVER_LIMIT) / 20,
            )

            async def settled() -> bool:
                stats = await fake.call(session, "stats")
                threads = len(stats["thread_posts"])
                names = len(stats["arrivals"])
                return names >= commands_count + burst.sent and threads >= len(stamps)

            await poll(settled, 60, every=0.5)
            await asyncio.sleep(1.0)  # late duplicates would land now
            stats = await fake.call(session, "stats")
        forwarded = list(proxy.forwarded)
    finally:
        if proxy is not None:
            await proxy.close()
        codes = [r.stop() for r in replicas]
        fake.stop()
    return summarise(commands, events, burst, stamps, stats, forwarded, codes, replicas)


def summarise(
    commands: StepResult,
    events: StepResult,
    burst: StepResult,
    stamps: list[str],
    stats: dict[str, Any],
    forwarded: list[int],
    codes: list[int | None],
    replicas: list[BotProcess],
) -> dict[str, Any]:
    arrivals: dict[str, list[list[Any]]] = stats["arrivals"]
    command_posts = [arrivals.get(f"cmd-{i}", []) for i in range(commands.sent)]
    burst_posts = [arrivals.get(f"burst-{i}", []) for i in range(burst.sent)]
    thread_posts: dict[str, int] = stats["thread_posts"]
    return {
        "entry": entry_name(replicas[0]) if replicas else "-",
        "commands": commands,
        "events": events,
        "commands_reviewed_once": sum(1 for p in command_posts if len(p) == 1 and p[0][1]),
        "commands_missing": sum(1 for p in command_posts if not p),
        "commands_posted_twice": sum(1 for p in command_posts if len(p) > 1),
        "messages": len(stamps),
        "messages_reviewed_once": sum(1 for ts in stamps if thread_posts.get(ts) == 1),
        "messages_unreviewed": sum(1 for ts in stamps if not thread_posts.get(ts)),
        "messages_double_posted": sum(1 for ts in stamps if thread_posts.get(ts, 0) > 1),
        "burst_sent": burst.sent,
        "burst_reviews": sum(1 for p in burst_posts if p and p[0][1]),
        "burst_refused": sum(1 for p in burst_posts if p and not p[0][1]),
        "forwarded": forwarded,
        "exit_codes": codes,
    }


def report(result: dict[str, Any], load: tuple[str, str]) -> bool:
    commands, events = result["commands"], result["events"]
    print(f"replicas: 2 × {result['entry']} on PostgreSQL, round-robin proxy {result['forwarded']}")
    for step in (commands, events):
        print(
            f"{step.target:<8} {step.sent:>5} sent at {step.achieved:6.1f}/s  "
            f"ack p50 {step.p50:6.1f} ms  p99 {step.p99:6.1f} ms  errors {dict(step.errors)}"
        )
    print(
        f"slash commands: {result['commands_reviewed_once']}/{commands.sent} reviewed once, "
        f"{result['commands_missing']} missing, {result['commands_posted_twice']} posted twice"
    )
    print(
        f"reactions: {result['messages']} messages × 5 deliveries ({events.sent} requests): "
        f"{result['messages_reviewed_once']} reviewed exactly once, "
        f"{result['messages_unreviewed']} not reviewed, "
        f"{result['messages_double_posted']} double-posted"
    )
    limit_ok = result["burst_reviews"] == RATE_LIMIT and result["burst_refused"] == OVER_LIMIT
    print(
        f"rate limit {RATE_LIMIT}/min, one user sends {result['burst_sent']} across both "
        f"replicas: {result['burst_reviews']} reviewed, {result['burst_refused']} refused "
        f"({'shared across replicas' if limit_ok else 'NOT enforced as one limit'})"
    )
    print(
        f"replica exit codes: {result['exit_codes']}; load average before {load[0]}, "
        f"after {load[1]}"
    )
    return (
        limit_ok
        and result["commands_reviewed_once"] == commands.sent
        and result["messages_reviewed_once"] == result["messages"]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--workers", type=int, default=0, help="OUTREACH_WORKERS per replica")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="outreach-replicas-"))
    before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with fresh_schema(options.database_url, "outreach_bench") as url:
        result = asyncio.run(run(options, workdir, url))
    after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"logs in {workdir}")
    return 0 if report(result, (before, after)) else 1


if __name__ == "__main__":
    sys.exit(main())
