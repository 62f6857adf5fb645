"""Platform-neutral presentation helpers shared by every adapter.

Adapters turn these pieces into Block Kit, embeds or terminal text; the wording
lives here once so Slack, Discord and the console say the same thing.
"""

from __future__ import annotations

from dataclasses import replace

from bot.models import Finding, PrincipleResult, Review, Severity
from bot.principles import load_principles, principle_by_id

STATUS_ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌", "n/a": "➖"}
STATUS_MARK = {"pass": "✓", "warn": "!", "fail": "✗", "n/a": "-"}
VERDICT_LABEL = {
    "send": "Good to send",
    "revise": "Revise before sending",
    "rewrite": "Rewrite it",
}
FALLBACK_TEXT = {
    "no_model": "no model is configured",
    "timeout": "the model did not answer in time",
    "rate_limited": "the model provider is rate-limiting us",
    "server_error": "the model provider had an error",
    "auth": "the model credentials were rejected",
    "invalid_output": "the model's answer was unusable",
}
ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, with a visible ellipsis when cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def headline(review: Review) -> str:
    return f"{review.score}/100 · {VERDICT_LABEL[review.verdict]}"


def grader_line(review: Review) -> str:
    """Which grader ran, and why the rules when the model did not."""
    if review.source == "llm":
        return "Graded by the model, checked against the rules."
    if review.source == "hybrid":
        return "Graded by the model and the rules together."
    if review.fallback_reason and review.fallback_reason != "no_model":
        return f"Graded by the built-in rules ({FALLBACK_TEXT[review.fallback_reason]})."
    return "Graded by the built-in rules."


def help_text(commands: dict[str, str]) -> str:
    """The help: the principles, then the commands the caller's platform offers."""
    lines = ["Outreach Review grades a draft against six principles of real networking:", ""]
    for principle in load_principles():
        lines.append(f"• {principle.title}: {principle.why}")
    lines += ["", "Commands:"]
    lines += [f"• {usage}: {what}" for usage, what in commands.items()]
    return "\n".join(lines)


def for_sharing(review: Review) -> Review:
    """What a review shared in a channel may carry: nothing of the draft, on any platform.

    Quotes are the draft and the rewrite is made from it; what the model wrote (its findings'
    messages and suggestions, its questions) may repeat it. A shared review keeps the score,
    verdict, kind, statuses and notes, the rules' own advice (from the data files), and for a
    point only the model raised, the principle's standing advice.
    """
    from bot.llm.merge import MODEL_RULE_ID  # here, so the rules-only path stays light

    principles = []
    for result in review.principles:
        kept = tuple(
            replace(f, quote="", start=0, end=0)
            for f in result.findings
            if f.rule_id != MODEL_RULE_ID
        )
        if result.violated and not kept:
            kept = (_standing_advice(result),)
        principles.append(replace(result, findings=kept))
    questions = review.questions if review.source == "rules" else ()
    return replace(review, principles=tuple(principles), questions=questions, rewrite=None)


def _standing_advice(result: PrincipleResult) -> Finding:
    principle = principle_by_id(result.id)
    severity: Severity = "fail" if result.status == "fail" else "warn"
    return Finding(result.id, "principle", severity, principle.why, principle.fix, "", 0, 0)
