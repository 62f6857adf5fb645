"""Terminal rendering of a review, shared by the CLI and the console adapter."""

from __future__ import annotations

import textwrap

from bot.models import Finding, Review
from bot.present import KIND_LABEL, STATUS_MARK, VERDICT_LABEL, grader_line
from bot.surrogates import replace_surrogates

_CONTEXT = 40


class Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def highlight(self, text: str) -> str:
        return self._wrap("1;4;33", text) if self.colour else f"[[{text}]]"

    def status(self, status: str, text: str) -> str:
        code = {"pass": "32", "warn": "33", "fail": "31"}.get(status, "2")
        return self._wrap(code, text)


def _in_context(text: str, finding: Finding, style: Style) -> str:
    """The quote highlighted inside a little of the text around it, on one line."""
    before = text[max(0, finding.start - _CONTEXT) : finding.start]
    after = text[finding.end : finding.end + _CONTEXT]
    lead = "…" if finding.start > _CONTEXT else ""
    tail = "…" if finding.end + _CONTEXT < len(text) else ""

    def flat(part: str) -> str:
        return " ".join(part.split(" ")).replace("\n", " ")

    return f"{lead}{flat(before)}{style.highlight(flat(finding.quote))}{flat(after)}{tail}"


def render_review(review: Review, text: str, *, colour: bool = False, width: int = 88) -> str:
    style = Style(colour)
    verdict = VERDICT_LABEL[review.verdict]
    kind = KIND_LABEL[review.kind]
    lines = [style.bold(f"Score {review.score}/100 · {verdict}") + f"  ({kind})"]
    for note in review.notes:  # first: a cut or unread draft changes how to read the rest
        lines += [textwrap.fill(f"Note: {note}", width)]
    lines.append("")
    for principle in review.principles:
        mark = STATUS_MARK[principle.status]
        lines.append(style.status(principle.status, f" {mark} {principle.title}"))
        for finding in principle.findings:
            lines.append(textwrap.indent(textwrap.fill(finding.message, width - 6), "     "))
            if finding.quote:
                lines.append("     > " + _in_context(text, finding, style))
            lines.append(
                textwrap.indent(textwrap.fill("Try: " + finding.suggestion, width - 6), "     ")
            )
    if review.questions:
        lines += ["", style.bold("Questions you could ask:")]
        lines += [f"  • {q}" for q in review.questions]
    if review.rewrite:
        lines += ["", style.bold("Suggested rewrite:"), textwrap.indent(review.rewrite, "  ")]
    lines += ["", grader_line(review)]
    return replace_surrogates("\n".join(lines))  # a terminal shows U+FFFD, never fails on it
