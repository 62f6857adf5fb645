"""Resident memory of `outreach-review serve` with Slack (HTTP mode) and Discord both running.

Starts the fake Slack Web API (own process) and the fake Discord REST + gateway (in this
process, from tests/fakes), then `outreach-review serve --slack --discord` (rules only,
SQLite store, tips scheduler) pointed at them. Sends reviews in batches of `--batch`
(half signed Slack slash commands, half Discord `/reviewoutreach` interactions, one user
each, about 100 a second), waits until every review is delivered, and reads VmRSS (and the
peak, VmHWM) from /proc/<pid>/status: at start, then after each batch.
Target: < 150 MB after 1,000 reviews, no growth over the second 1,000.

Run: `.venv/bin/python -m benchmarks.memory_serve` (about 40 s; `--batches 3` for a third).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._fake_slack import FakeSlackProcess
from benchmarks._loadlib import (
    COMMAND_TYPE,
    DRAFT,
    PYTHON,
    BotProcess,
    children,
    command_body,
    free_port,
    new_session,
    poll,
    run_step,
    signed,
    slack_bot_env,
)
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_payloads import APP_ID, slash_command

SERVE = [str(Path(PYTHON).with_name("outreach-review")), "serve", "--slack", "--discord"]
TARGET_MB = 150.0
RATE = 100.0


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def workers_rss(pid: int) -> float:
    """Resident memory of `pid`'s child processes (`OUTREACH_WORKERS`), in MB."""
    total = 0.0
    for child in children(pid):
        try:
            total += memory(child)[0]
        except FileNotFoundError:
            pass
    return total


async def discord_batch(discord: FakeDiscord, first_user: int, count: int) -> list[str]:
    """Dispatch `count` slash commands at RATE a second; their interaction tokens."""
    tokens = []
    started = time.monotonic()
    for i in range(count):
        delay = started + i / RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        interaction = slash_command("reviewoutreach", {"draft": DRAFT}, user_id=first_user + i)
        tokens.append(interaction["token"])
        await discord.dispatch("INTERACTION_CREATE", interaction)
    return tokens


def followups(discord: FakeDiscord) -> int:
    prefix = f"/webhooks/{APP_ID}/"
    return sum(1 for r in discord.requests if r.method == "POST" and prefix in r.path)


async def run(
    batches: int, batch: int, slack_share: float, workdir: Path, workers: int
) -> list[tuple[str, float, float]]:
    fake_slack = FakeSlackProcess(workdir / "fake_slack.log")
    discord = FakeDiscord()
    bot: BotProcess | None = None
    readings: list[tuple[str, float, float]] = []
    try:
        assert await fake_slack.start(), "the fake Slack API did not start"
        await discord.start()
        port = free_port()
        env = slack_bot_env(
            fake_slack.api_url,
            port,
            f"sqlite:///{workdir}/outreach.db",
            DISCORD_TOKEN="fake-discord-token",
            DISCORD_API_BASE=discord.api_base,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            OUTREACH_WORKERS=str(workers),
        )
        bot = BotProcess(SERVE, env, port, workdir / "serve.log")
        assert await bot.start(), f"serve did not start: see {workdir / 'serve.log'}"
        await discord.wait_identified(timeout=20)
        await asyncio.sleep(2)  # settle: command sync, first scheduler tick
        readings.append(("started", *memory(bot.pid)))
        slack_done = 0
        slack_url = f"http://127.0.0.1:{port}/slack/events"
        async with new_session() as session:
            for n in range(batches):
                half = round(batch * slack_share)

                def make(i: int, n: int = n) -> tuple[str, bytes, dict[str, str]]:
                    body = command_body(
                        "/reviewoutreach",
                        DRAFT,
                        response_url=fake_slack.response_url(f"b{n}-{i}"),
                        user=f"U0M{n}X{i}",
                    )
                    return signed(slack_url, body, COMMAND_TYPE)

                want_discord = followups(discord) + (batch - half)
                step, _ = await asyncio.gather(
                    run_step(session, "slack", make, rate=RATE / 2, seconds=half / (RATE / 2)),
                    discord_batch(discord, 940_000_000_000_000_001 + n * batch, batch - half),
                )
                slack_done += step.sent

                async def delivered(target: int = slack_done, want: int = want_discord) -> bool:
                    stats = await fake_slack.call(session, "stats")
                    return len(stats["arrivals"]) >= target and followups(discord) >= want

                assert await poll(delivered, 60, every=0.5), "not every review was delivered"
                assert not step.errors, f"slack errors: {dict(step.errors)}"
                discord.requests.clear()  # the fake's records, not the bot's memory
                gc.collect()
                await asyncio.sleep(1)
                readings.append((f"after {(n + 1) * batch:,} reviews", *memory(bot.pid)))
                print(
                    f"{readings[-1][0]:>22}: RSS {readings[-1][1]:6.1f} MB"
                    + (f", workers {workers_rss(bot.pid):6.1f} MB" if workers else ""),
                    flush=True,
                )
    finally:
        if bot is not None:
            bot.stop()
        await discord.close()
        fake_slack.stop()
    return readings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--slack-share", type=float, default=0.5, help="part of each batch sent by Slack (0..1)"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="OUTREACH_WORKERS (their memory is shown apart)"
    )
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="outreach-memory-"))
    before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    readings = asyncio.run(
        run(options.batches, options.batch, options.slack_share, workdir, options.workers)
    )
    print(f"\noutreach-review serve --slack --discord (rules only, SQLite); logs in {workdir}")
    for label, rss, peak in readings:
        print(f"{label:>22}: RSS {rss:6.1f} MB (peak {peak:6.1f} MB)")
    first = readings[1][1] if len(readings) > 1 else float("nan")
    growth = readings[-1][1] - first if len(readings) > 2 else float("nan")
    print(
        f"after {options.batch:,}: {first:.1f} MB (target < {TARGET_MB:.0f} MB: "
        f"{'met' if first < TARGET_MB else 'NOT met'}); growth over the next "
        f"{(len(readings) - 2) * options.batch:,}: {growth:+.1f} MB"
    )
    print(f"load average before {before}, after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if first < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
