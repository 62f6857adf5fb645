"""Slack HTTP mode under load: the bot against a bare slack-bolt app, in the same run.

Signed `/reviewoutreach <draft>` slash commands at rising rates (open loop, each step
`--seconds` long and at most `--max-requests`) against (1) the bot in Slack HTTP mode
(`outreach-review serve --slack`, rules only, SQLite store, tips scheduler,
`OUTREACH_WORKERS=--workers`) and (2) a bare slack-bolt `AsyncApp` that only acks, configured
as the bot's own app is (same listen backlog; answering right after the ack when the bot
has workers): the framework's own ceiling on this machine. Both answer to a fake Slack Web
API in its own process; every review must reach its `response_url` there, and the bare
step at a rate starts only once the bot's reviews of that rate are all delivered. Steps
alternate bot/bare so both see the same machine. Only 127.0.0.1 traffic.

Run: `.venv/bin/python -m benchmarks.load_slack` (about 8 minutes). Options: `--rates`,
`--seconds 5`, `--max-requests 40000`, `--workers 2` (0: reviews in the serving process),
`--json out.json`.
Prints per rate and target: requests, achieved rate, ack p50/p99, errors, reviews
delivered and their p99, CPU per request of the serving process and of all its processes;
then each target's highest rate sustained with p99 < 500 ms (every request acked, ≥ 95 %
of the rate sent, every review delivered), the ratio, the two targets (≥ 70 % of the bare
app; p99 ack < 300 ms at 100 req/s), and the highest rate at which the bot's reviews keep
up (review p99 < 1 s): past it acks stay fast while reviews queue in the workers.
When the bare app sustains even the top rate, the ratio is taken against the most it could
sustain (one core divided by its CPU per request), which makes the ratio a lower bound.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks._fake_slack import FakeSlackProcess
from benchmarks._loadlib import (
    COMMAND_TYPE,
    DRAFT,
    PYTHON,
    BotProcess,
    StepResult,
    command_body,
    cpu_seconds,
    entry_name,
    new_session,
    percentile,
    poll,
    run_step,
    signed,
    slack_bot_env,
    start_slack_bot,
    tree_cpu_seconds,
)
from benchmarks._slack_verdict import SUSTAIN_P99_MS, print_summary, verdict

DELIVERY_TIMEOUT = 120.0


async def delivered(
    fake: FakeSlackProcess, session: aiohttp.ClientSession, prefix: str, count: int
) -> tuple[int, list[float], int]:
    """(reviews delivered, arrival times by index, extra posts) for names `prefix-<i>`."""

    async def stats() -> dict[str, Any]:
        return dict(await fake.call(session, "stats"))

    async def all_there() -> bool:
        arrivals = (await stats())["arrivals"]
        return sum(1 for name in arrivals if name.startswith(prefix)) >= count

    await poll(all_there, DELIVERY_TIMEOUT, every=0.5)
    arrivals = (await stats())["arrivals"]
    times: list[float] = [float("nan")] * count
    reviews = duplicates = 0
    for name, posts in arrivals.items():
        if not name.startswith(prefix):
            continue
        index = int(name.rsplit("-", 1)[1])
        times[index] = posts[0][0]
        reviews += 1 if posts[0][1] else 0  # a review has blocks; a refusal only text
        duplicates += len(posts) - 1
    await fake.call(session, "reset")
    return reviews, times, duplicates


async def ramp(
    targets: dict[str, str],
    pids: dict[str, int],
    fake: FakeSlackProcess,
    rates: list[float],
    seconds: float,
    max_requests: int,
) -> list[StepResult]:
    results: list[StepResult] = []
    ramping = set(targets)
    async with new_session() as session:
        for name, url in targets.items():  # warm-up: imports, auth.test, connections
            await run_step(
                session, name, request_maker(name, url, fake, f"{name}-warm"), rate=20, seconds=1
            )
        if "bot" in targets:
            await delivered(fake, session, "bot-warm-", 20)
        for rate in rates:
            for name, url in targets.items():
                if name not in ramping:
                    continue
                prefix = f"{name}-{rate:g}"
                cpu_before = cpu_seconds(pids[name]), tree_cpu_seconds(pids[name])
                step = await run_step(
                    session,
                    name,
                    request_maker(name, url, fake, prefix),
                    rate=rate,
                    seconds=seconds,
                    max_count=max_requests,
                )
                if name == "bot":
                    reviews, times, dupes = await delivered(fake, session, prefix + "-", step.sent)
                    step.delivered = reviews
                    step.extra["duplicates"] = dupes
                    step.extra["review_ms"] = [
                        (times[i] - at) * 1000
                        for i, at in step.sent_at.items()
                        if times[i] == times[i]  # NaN: not delivered
                    ]
                else:
                    await fake.call(session, "reset")
                # the serving process (acks; reviews too without workers), then with workers
                cpu = cpu_seconds(pids[name]) - cpu_before[0]
                step.extra["cpu_ms_per_request"] = cpu * 1000 / step.sent
                cpu = tree_cpu_seconds(pids[name]) - cpu_before[1]
                step.extra["total_cpu_ms_per_request"] = cpu * 1000 / step.sent
                results.append(step)
                print(row(step), flush=True)
                if not step.sustained(SUSTAIN_P99_MS):
                    ramping.discard(name)
            if not ramping:
                break
    return results


def request_maker(name: str, url: str, fake: FakeSlackProcess, prefix: str) -> Any:
    def make(i: int) -> tuple[str, bytes, dict[str, str]]:
        body = command_body(
            "/reviewoutreach",
            DRAFT,
            response_url=fake.response_url(f"{prefix}-{i}"),
            user=f"U{name[:2].upper()}{prefix.rsplit('-', 1)[-1]}X{i}",  # one user per request
        )
        return signed(url, body, COMMAND_TYPE)

    return make


HEADER = (
    f"{'target':<6} {'rate':>5} {'sent':>5} {'achieved':>8} {'ack p50':>8} {'ack p99':>8} "
    f"{'errors':>7} {'reviews':>8} {'review p99':>10} {'CPU/req':>8} {'all CPU/req':>11}"
)


def row(step: StepResult) -> str:
    errors = sum(step.errors.values())
    reviews = "-" if step.delivered is None else f"{step.delivered}/{step.sent}"
    review_p99 = percentile(step.extra.get("review_ms", []), 99)
    review = "-" if step.delivered is None else f"{review_p99:.0f} ms"
    return (
        f"{step.target:<6} {step.rate:>5g} {step.sent:>5} {step.achieved:>8.1f} "
        f"{step.p50:>5.1f} ms {step.p99:>5.1f} ms {errors:>7} {reviews:>8} {review:>10} "
        f"{step.extra.get('cpu_ms_per_request', 0):>5.2f} ms "
        f"{step.extra.get('total_cpu_ms_per_request', 0):>8.2f} ms"
    )


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main(
    rates: list[float], seconds: float, json_path: Path | None, workers: int, max_requests: int
) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="outreach-load-"))
    fake = FakeSlackProcess(workdir / "fake.log")
    bot: BotProcess | None = None
    bare: BotProcess | None = None
    before = loadavg()
    try:
        assert await fake.start(), "the fake Slack API did not start"
        bot_port, bare_port = _ports()
        env = slack_bot_env(
            fake.api_url,
            bot_port,
            f"sqlite:///{workdir}/outreach.db",
            OUTREACH_WORKERS=str(workers),
        )
        bot = await start_slack_bot(env, bot_port, workdir / "bot.log")
        bare = BotProcess(
            [PYTHON, "-m", "benchmarks.bare_bolt"],
            # bolt configured as the bot's own app is: with workers it answers right after
            # the ack instead of polling for it every 10 ms
            env | {"PORT": str(bare_port), "BARE_ANSWER_AFTER_ACK": str(int(workers > 0))},
            bare_port,
            workdir / "bare.log",
        )
        assert await bare.start(), "the bare bolt app did not start"
        print(
            f"bot: {entry_name(bot)} (rules only, SQLite store, OUTREACH_WORKERS={workers}); "
            "bare: slack-bolt AsyncApp"
        )
        print(f"load average before: {before}; logs in {workdir}\n{HEADER}", flush=True)
        targets = {
            "bot": f"http://127.0.0.1:{bot_port}/slack/events",
            "bare": f"http://127.0.0.1:{bare_port}/slack/events",
        }
        pids = {"bot": bot.pid, "bare": bare.pid}
        results = await ramp(targets, pids, fake, rates, seconds, max_requests)
    finally:
        codes = [p.stop() for p in (bot, bare) if p is not None]
        fake.stop()
    summary = verdict(results) | {
        "load_before": before,
        "load_after": loadavg(),
        "bot_exit_codes": codes,
        "bot_entry": entry_name(bot),
        "workers": workers,
    }
    print_summary(summary)
    if json_path:
        steps = [
            {
                "target": s.target,
                "rate": s.rate,
                "sent": s.sent,
                "achieved": s.achieved,
                "p50_ms": s.p50,
                "p99_ms": s.p99,
                "errors": dict(s.errors),
                "delivered": s.delivered,
                "cpu_ms_per_request": s.extra.get("cpu_ms_per_request"),
                "total_cpu_ms_per_request": s.extra.get("total_cpu_ms_per_request"),
                "review_p99_ms": percentile(s.extra.get("review_ms", []), 99),
            }
            for s in results
        ]
        json_path.write_text(json.dumps({"steps": steps, **summary}, indent=2))
    return 0 if summary["every_review_delivered"] and not summary["duplicate_posts"] else 1


def _ports() -> tuple[int, int]:
    from benchmarks._loadlib import free_port

    return free_port(), free_port()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rates", default="25,50,100,200,400,600,800,1200,1600,2400,3200,4000,4800,5600,6400,7200"
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--max-requests", type=int, default=40000, help="per step")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="OUTREACH_WORKERS for the bot (0: reviews in-process)",
    )
    return parser.parse_args()


if __name__ == "__main__":
    options = parse()
    rate_list = [float(r) for r in options.rates.split(",")]
    sys.exit(
        asyncio.run(
            main(rate_list, options.seconds, options.json, options.workers, options.max_requests)
        )
    )
