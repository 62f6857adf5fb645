"""`load_slack`'s verdict: each target's highest sustained rate, the ratio and the targets."""

from __future__ import annotations

from typing import Any

from benchmarks._loadlib import StepResult, percentile

SUSTAIN_P99_MS = 500.0
KEEP_UP_REVIEW_P99_MS = 1000.0  # reviews keep up: no backlog building behind fast acks
TARGET_RATIO = 0.70
TARGET_P99_AT_100_MS = 300.0


def sustained_rate(results: list[StepResult], target: str) -> float:
    rates = [s.rate for s in results if s.target == target and s.sustained(SUSTAIN_P99_MS)]
    return max(rates, default=0.0)


def bare_ceiling_bound(results: list[StepResult]) -> float:
    """An upper bound on the bare app's ceiling when the generator could not reach it: one
    asyncio process gets at most one core, so at most 1 s / its CPU per request."""
    top = [s for s in results if s.target == "bare" and s.sustained(SUSTAIN_P99_MS)][-2:]
    cpu_ms = min((s.extra.get("cpu_ms_per_request", 0.0) for s in top), default=0.0)
    return 1000.0 / cpu_ms if cpu_ms else float("inf")


def verdict(results: list[StepResult]) -> dict[str, Any]:
    bot, bare = sustained_rate(results, "bot"), sustained_rate(results, "bare")
    top = max((s.rate for s in results), default=0.0)
    at_100 = next((s for s in results if s.target == "bot" and s.rate == 100), None)
    reached = bare < top
    # Not reached: compare with the most the bare app could possibly sustain (a lower bound).
    bare_bound = bare if reached else max(bare, bare_ceiling_bound(results))
    ratio = bot / bare_bound if bare_bound else 0.0
    return {
        "bot_sustained": bot,
        "bare_sustained": bare,
        "bare_bound": bare_bound,
        "ratio": ratio,
        "ratio_ok": ratio >= TARGET_RATIO,
        "bot_p99_at_100_ms": at_100.p99 if at_100 else None,
        "p99_at_100_ok": bool(at_100 and at_100.p99 < TARGET_P99_AT_100_MS),
        "every_review_delivered": all(s.delivered == s.sent for s in results if s.target == "bot"),
        "duplicate_posts": sum(s.extra.get("duplicates", 0) for s in results),
        "bare_ceiling_reached": reached,
        "bot_reviews_keep_up": max(
            (
                s.rate
                for s in results
                if s.target == "bot"
                and s.delivered == s.sent
                and percentile(s.extra.get("review_ms", []), 99) < KEEP_UP_REVIEW_P99_MS
            ),
            default=0.0,
        ),
    }


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_summary(summary: dict[str, Any]) -> None:
    reached = summary["bare_ceiling_reached"]
    bound = "" if reached else f" (its ceiling is at most {summary['bare_bound']:.0f}: one core)"
    print(
        f"\nsustained (p99 < {SUSTAIN_P99_MS:.0f} ms): bot {summary['bot_sustained']:g} req/s, "
        f"bare bolt {'' if reached else '≥ '}{summary['bare_sustained']:g} req/s{bound}, "
        f"ratio {'' if reached else '≥ '}{summary['ratio']:.0%} "
        f"(target ≥ {TARGET_RATIO:.0%}: {met(summary['ratio_ok'])})"
    )
    print(
        f"bot reviews keep up (every review delivered, review p99 < "
        f"{KEEP_UP_REVIEW_P99_MS:.0f} ms) up to {summary['bot_reviews_keep_up']:g} req/s"
    )
    p99 = summary["bot_p99_at_100_ms"]
    print(
        f"bot ack p99 at 100 req/s: {'-' if p99 is None else f'{p99:.1f} ms'} "
        f"(target < {TARGET_P99_AT_100_MS:.0f} ms: {met(summary['p99_at_100_ok'])})"
    )
    print(
        f"every review delivered to its response_url: {summary['every_review_delivered']}; "
        f"duplicate posts: {summary['duplicate_posts']}; "
        f"bot exit codes: {summary['bot_exit_codes']}"
    )
    print(f"load average before: {summary['load_before']}, after: {summary['load_after']}")
