"""Is a signed body shaped like what Slack sends? Checked before slack-bolt parses it.

bolt parses the body itself and assumes its shape (an object, `event` an object, a non-empty
`actions` list...): anything else ends in a 500 and a traceback. Here the body is parsed the
way bolt will parse it, and what the listeners rely on is checked, so a malformed body gets a
400 instead.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.request.internals import parse_body

Payload = dict[str, Any]

# Top-level parts of an interaction or event payload that are objects (or null) when present.
OBJECTS = ("team", "enterprise", "channel", "container", "message", "view", "user")
LISTS_OF_OBJECTS = ("actions", "authorizations")
# What each payload type must carry, for bolt's routing and the listeners.
NEEDS_USER = frozenset(
    {"block_actions", "view_submission", "view_closed", "message_action", "shortcut"}
)
NEEDS_VIEW = frozenset({"view_submission", "view_closed"})
# The events the app listens to, and their fields that must be strings or objects.
EVENT_FIELDS: dict[str, dict[str, type]] = {
    "reaction_added": {"user": str, "reaction": str, "item": dict},
}


def read_body(raw: bytes, content_type: str | None) -> str | tuple[str]:
    """The body as text for bolt, or `(reason,)` when it is malformed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ("not_utf8",)
    kind = (content_type or "").split(";")[0] or None
    try:
        # bolt's own parser, so that what passes here is exactly what bolt will see
        body: object = parse_body(text, kind)
    except (ValueError, RecursionError):
        return ("not_json",)
    if not isinstance(body, dict):
        return ("not_an_object",)
    # bolt's test for JSON (events, an interaction's `payload=`) rather than a command's form
    from_json = kind == "application/json" or text.startswith("{") or "payload" in text
    problem = shape_problem(body) if from_json else None
    return text if problem is None else (problem,)


def shape_problem(body: Payload) -> str | None:
    """What is wrong with a JSON payload's shape, or None."""
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return "bad_type"
    for name in OBJECTS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            return f"bad_{name}"
    for name in LISTS_OF_OBJECTS:
        if name in body and not _objects(body[name]):
            return f"bad_{name}"
    if "event" in body or kind == "event_callback":
        return _event_problem(body.get("event"))
    if kind == "block_actions" and not (
        body.get("actions") and all(isinstance(a.get("action_id"), str) for a in body["actions"])
    ):
        return "no_actions"
    if kind in NEEDS_VIEW and not isinstance(body.get("view"), dict):
        return "no_view"
    if kind in NEEDS_USER and not isinstance((body.get("user") or {}).get("id"), str):
        return "no_user"
    return None


def _objects(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _event_problem(event: object) -> str | None:
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "bad_event"
    for name, kind in EVENT_FIELDS.get(event["type"], {}).items():
        if name in event and not isinstance(event[name], kind):
            return f"bad_event_{name}"
    return None
