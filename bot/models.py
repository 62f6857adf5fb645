"""The fixed shapes every grader produces and every adapter renders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["warn", "fail"]
Status = Literal["pass", "warn", "fail", "n/a"]
Verdict = Literal["send", "revise", "rewrite"]
Kind = Literal["cold", "reconnect"]
Source = Literal["rules", "llm", "hybrid"]
FallbackReason = Literal[
    "no_model", "timeout", "rate_limited", "server_error", "auth", "invalid_output"
]

VIOLATED: frozenset[str] = frozenset({"warn", "fail"})


@dataclass(frozen=True)
class Finding:
    """One alert, Vale-style: which rule, how bad, where, what and how to fix."""

    principle_id: str
    rule_id: str
    severity: Severity
    message: str
    suggestion: str
    quote: str
    start: int
    end: int

    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class PrincipleResult:
    id: str
    title: str
    status: Status
    findings: tuple[Finding, ...] = ()

    @property
    def violated(self) -> bool:
        return self.status in VIOLATED

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class Review:
    score: int
    verdict: Verdict
    kind: Kind
    source: Source
    principles: tuple[PrincipleResult, ...]
    questions: tuple[str, ...] = ()
    rewrite: str | None = None
    notes: tuple[str, ...] = ()
    fallback_reason: FallbackReason | None = None
    # Identifies the review for buttons and feedback; never derived from the draft.
    review_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    def principle(self, principle_id: str) -> PrincipleResult | None:
        return next((p for p in self.principles if p.id == principle_id), None)

    def statuses(self) -> dict[str, Status]:
        return {p.id: p.status for p in self.principles}

    def violations(self) -> list[str]:
        return [p.id for p in self.principles if p.violated]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "score": self.score,
            "verdict": self.verdict,
            "kind": self.kind,
            "source": self.source,
            "principles": [p.to_dict() for p in self.principles],
            "questions": list(self.questions),
            "rewrite": self.rewrite,
            "notes": list(self.notes),
        }
        if self.fallback_reason is not None:
            out["fallback_reason"] = self.fallback_reason
        return out
