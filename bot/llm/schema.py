"""What the model must answer: a pydantic model, and the strict JSON schema sent with it."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

SCHEMA_NAME = "outreach_review"


class ModelFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quote: str
    message: str
    suggestion: str


class ModelJudgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["pass", "warn", "fail", "n/a"]
    findings: list[ModelFinding]


class ModelReviewBase(BaseModel):
    """The fields every answer has; `principles` is added per principle id at start-up."""

    model_config = ConfigDict(extra="forbid")

    # Order matters to the model: judge each principle before the overall verdict.
    kind: Literal["cold", "reconnect"]
    principles: BaseModel
    questions: list[str]
    score: int
    verdict: Literal["send", "revise", "rewrite"]
    rewrite: str

    def judgement(self, principle_id: str) -> ModelJudgement | None:
        value = getattr(self.principles, principle_id, None)
        return value if isinstance(value, ModelJudgement) else None


def build_answer_model(principle_ids: tuple[str, ...]) -> type[ModelReviewBase]:
    """One required key per principle id, so the schema itself demands every principle."""
    fields: dict[str, Any] = {pid: (ModelJudgement, ...) for pid in principle_ids}
    principles_model = create_model(
        "PrincipleJudgements", __config__=ConfigDict(extra="forbid"), **fields
    )
    answer: type[ModelReviewBase] = create_model(
        "ModelReview", __base__=ModelReviewBase, principles=(principles_model, ...)
    )
    return answer


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Pydantic's schema in OpenAI's strict subset: objects closed, every key required."""
    schema = model.model_json_schema()
    _tighten(schema)
    return schema


def _tighten(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("title", None)
        node.pop("default", None)
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
        for value in node.values():
            _tighten(value)
    elif isinstance(node, list):
        for item in node:
            _tighten(item)


def response_format_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": strict_json_schema(model)},
    }


def format_hint(model: type[BaseModel]) -> str:
    """For servers without json_schema: the same schema, stated in the user message."""
    compact = json.dumps(strict_json_schema(model), separators=(",", ":"))
    return f"\nAnswer with a JSON object that validates against this JSON schema:\n{compact}\n"


def parse_answer(model: type[ModelReviewBase], content: str) -> ModelReviewBase:
    """Validate the model's text; raises ValueError with a short reason (no draft text)."""
    stripped = _strip_code_fence(content.strip())
    try:
        return model.model_validate_json(stripped)
    except ValidationError as exc:
        kinds = sorted({str(err["type"]) for err in exc.errors()})
        raise ValueError(f"answer does not match the schema ({', '.join(kinds)})") from None


def _strip_code_fence(text: str) -> str:
    # Some local models wrap JSON in ```json fences even in JSON mode.
    if text.startswith("```") and text.endswith("```"):
        first_newline = text.find("\n")
        if first_newline != -1:
            return text[first_newline + 1 : -3].strip()
    return text
