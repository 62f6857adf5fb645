"""Speed of the rules engine, measured against proselint on the same drafts.

Run: `.venv/bin/python benchmarks/bench_rules.py` (or `make bench`). Prints:
median and p99 time per ~150-word draft, drafts per second on one core, time
for the same draft x1/x10/x100 (growth should be about linear), proselint on
the same drafts with the ratio, and the wall time of `outreach-review review
--no-llm FILE` in a fresh process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot import review_with_rules
from bot.rules.engine import review_text

DRAFTS = [
    "Hi Marta,\n\nYour post about retiring the Friday release freeze at Ostrava Logistics made me "
    'rethink ours, especially the line "freezes hide risk, they don\'t remove it". We run a '
    "similar setup: forty engineers, two mobile apps, and a warehouse system nobody wants to "
    "touch after Thursday lunch. I'm the platform lead at Brno Parcel and we have been arguing "
    "about this for a year.\n\nHow did you convince the support team that more frequent releases "
    "would not mean more weekend pages? And did the on-call rota change once the freeze went "
    "away, or did the same people end up carrying it?\n\nWe're weighing the same change next "
    "quarter, so your view would help more than another blog post. Happy to trade notes over a "
    "15-minute call, and to share what we learn from our own trial in return.\n\nBest,\nOwen",
    "Hi Jonas,\n\nI'm a senior product designer with twelve years of experience and I run a small "
    "studio in Leipzig that helps companies like yours ship accessible checkout flows. We have "
    "worked with more than forty retailers and our playbook cut abandoned carts by 30% for most "
    "of them. Our platform audits every step of a checkout and suggests fixes automatically, and "
    "our team of specialists reviews every recommendation before it reaches you.\n\nI came across "
    "your profile and noticed we have lots of mutual connections, so I thought we should connect. "
    "I'd love to show you a quick demo of what we do; it takes fifteen minutes and there is no "
    "obligation at all. We also offer a free trial for the first month.\n\nAre you free for a "
    "call this week or next? Let me know what works for your schedule.\n\nThanks,\nLea",
    "Hey Rowan,\n\nLong time no talk! We lost touch after you moved to Dublin, life got busy on "
    "both sides I guess. I still think about the hack week we ran on the fraud model at Revolut, "
    "and the night the whole thing fell over ten minutes before the demo. Since then I've moved "
    "to a risk team at a smaller bank in Porto and we're building a lot of the same tooling from "
    "scratch, which is equal parts fun and painful.\n\nWhat are you working on at Stripe these "
    "days? I heard the Dublin office has grown a lot and that you lead the disputes work now, "
    "which sounds like a big change from model building.\n\nIf you're ever in Porto, the coffee "
    "is on me, and I would love to hear how the move has been for you and the family.\n\n"
    "Cheers,\nPia",
]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def proselint_lint() -> Callable[[str], object] | None:
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
    except ImportError:
        return None
    CheckRegistry().register_many(__register__)
    return lambda text: LintFile("<bench>", text).lint()


def cli_wall_time(runs: int = 7) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(DRAFTS[0])
    env = {**os.environ, "OUTREACH_LLM": "off"}
    command = [sys.executable, "-m", "bot.cli", "review", "--no-llm", f.name]
    subprocess.run(command, capture_output=True, env=env, check=True)  # warm the file cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env, check=True)
        samples.append(time.perf_counter() - start)
    Path(f.name).unlink()
    return statistics.median(samples)


def main() -> None:
    words = [len(d.split()) for d in DRAFTS]
    print(f"drafts: {len(DRAFTS)} of {min(words)}-{max(words)} words")
    lint = proselint_lint()
    for draft in DRAFTS:  # load data, compile patterns, warm caches for both
        review_with_rules(draft)
        if lint is not None:
            lint(draft)
    rules: list[float] = []
    prose: list[float] = []
    # Interleaved, so both see the same machine load.
    for _ in range(150):
        for draft in DRAFTS:
            rules += timed(lambda d=draft: review_with_rules(d), 1)
            if lint is not None:
                prose += timed(lambda d=draft: lint(d), 1)
    median = statistics.median(rules)
    print(
        f"rules  median {median * 1e3:.3f} ms   p99 {percentile(rules, 99) * 1e3:.3f} ms "
        f"per draft  ({len(rules)} runs)"
    )
    print(f"rules  throughput {1 / statistics.mean(rules):,.0f} drafts/s on one core")
    if prose:
        prose_median = statistics.median(prose)
        print(
            f"proselint median {prose_median * 1e3:.3f} ms per draft ({len(prose)} runs) "
            f"-> rules are {prose_median / median:.1f}x faster"
        )
    else:
        print("proselint not installed: pip install -e '.[dev]'")

    base = None
    for factor in (1, 10, 100):
        text = "\n\n".join([DRAFTS[0]] * factor)
        cost = statistics.median(timed(lambda t=text: review_text(t, None), 9))
        base = base or cost
        print(
            f"size x{factor:<3} ({len(text):>6} chars) {cost * 1e3:8.2f} ms  ({cost / base:5.1f}x)"
        )
    print(
        f"cli    `outreach-review review --no-llm FILE` wall {cli_wall_time():.3f} s (median of 7)"
    )


if __name__ == "__main__":
    main()
