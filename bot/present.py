"""Platform-neutral presentation helpers shared by every adapter.

Adapters turn these pieces into Block Kit, embeds or terminal text; the wording
lives here once so Slack, Discord and the console say the same thing.
"""

from __future__ import annotations

from bot.models import Review
from bot.principles import load_principles

STATUS_ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌", "n/a": "➖"}
STATUS_MARK = {"pass": "✓", "warn": "!", "fail": "✗", "n/a": "-"}
VERDICT_LABEL = {
    "send": "Good to send",
    "revise": "Revise before sending",
    "rewrite": "Rewrite it",
}
KIND_LABEL = {"cold": "Cold outreach", "reconnect": "To someone you know"}
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
