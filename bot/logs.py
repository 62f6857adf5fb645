"""Structured logs: one JSON object a line when stderr is not a terminal, readable text when it is.

Every record carries the fields given with `extra={...}` plus the current request id (a
context variable set by the service for the length of a review). A redaction filter
masks token-like strings (Slack, OpenAI, Discord, bearer tokens) wherever they appear, as
a defence in depth: the code itself never logs a draft, a token or a secret.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.settings import SettingsError

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
REDACTED = "[redacted]"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Exactly these and their children ("outreach-review" is slack_bolt's app logger: a library).
OWN_LOGGERS = ("outreach", "bot", "adapters")
# Libraries whose INFO lines say little and may carry URLs (response_url is a credential).
QUIET_LOGGERS = (
    "alembic", "aiohttp.access", "httpx", "httpx2", "httpcore", "httpcore2", "openai",
    "discord.gateway", "discord.client", "discord.http", "apscheduler",
)  # fmt: skip

TOKEN_PATTERNS = re.compile(
    r"|".join(
        [
            r"xox[abposr]-[A-Za-z0-9-]{6,}",  # Slack bot/user/app-config tokens
            r"xapp-[A-Za-z0-9-]{6,}",  # Slack app-level token
            r"sk-[A-Za-z0-9_-]{12,}",  # OpenAI-style API keys
            r"[MNO][A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{20,}",  # Discord bot
            r"\b(?:Bot|Bearer|bearer)\s+[A-Za-z0-9._~+/=-]{16,}",  # Authorization header values
            # a response_url is a credential, as is or URL-encoded
            r"(?i:https?(?::|%3A)(?://|%2F%2F)hooks\.slack(?:-gov)?\.com[^\s'\"&]*)",
        ]
    )
)
# A library line that prints a request body (slack_bolt's signature check does, at INFO, on
# every refused request): everything after "body:" is withheld. Drafts live in bodies.
BODY = re.compile(r"\b(body\s*[:=]\s*).*", re.IGNORECASE | re.DOTALL)
WITHHELD = "[withheld]"

# Attributes every LogRecord has; anything else came from `extra=`.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName", "request_id"}
)


def redact(text: str) -> str:
    return TOKEN_PATTERNS.sub(REDACTED, text)


def withhold_body(message: str) -> str:
    return BODY.sub(lambda m: m.group(1) + WITHHELD, message)


def _clean(value: object) -> object:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact(str(value))


def extra_fields(record: logging.LogRecord) -> dict[str, object]:
    return {
        k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")
    }


class RedactionFilter(logging.Filter):
    """Masks token-like strings in the message, its arguments and the extra fields, and
    withholds any request body a message carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: keep the template
            message = str(record.msg)
        record.msg, record.args = redact(withhold_body(message)), None
        for key, value in extra_fields(record).items():
            setattr(record, key, _clean(value))
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class LibraryDebugFilter(logging.Filter):
    """DEBUG lines only from the bot's own loggers: libraries' debug output (slack_sdk, httpx,
    discord.py) includes request and response bodies, so drafts and reviews."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        return record.levelno >= logging.INFO or name.partition(".")[0] in OWN_LOGGERS


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "")
        if request_id:
            line["request_id"] = request_id
        line.update({k: _clean(v) for k, v in extra_fields(record).items()})
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        fields = extra_fields(record)
        request_id = getattr(record, "request_id", "")
        if request_id:
            fields = {"request_id": request_id, **fields}
        if not fields:
            return base
        first, newline, rest = base.partition("\n")
        pairs = " ".join(f"{k}={_clean(v)}" for k, v in fields.items())
        return f"{first}  [{pairs}]{newline}{rest}"


def parse_level(name: str) -> int:
    level = name.strip().upper()
    if level not in LEVELS:
        raise SettingsError(f"LOG_LEVEL {name!r} is not a level: set one of {', '.join(LEVELS)}.")
    return int(getattr(logging, level))


def make_handler(
    stream: TextIO | None = None, *, json_lines: bool | None = None
) -> logging.Handler:
    """A stream handler with the request id, the redaction filter and the right format."""
    stream = stream or sys.stderr
    if json_lines is None:
        json_lines = not (hasattr(stream, "isatty") and stream.isatty())
    handler = logging.StreamHandler(stream)
    handler.addFilter(LibraryDebugFilter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactionFilter())
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    return handler


def configure_logging(
    level: str = "INFO", stream: TextIO | None = None, *, json_lines: bool | None = None
) -> logging.Handler:
    """Route every logger through one structured handler on the root; returns the handler
    so a caller (or a test) can remove it again."""
    numeric = parse_level(level)
    handler = make_handler(stream, json_lines=json_lines)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_outreach", False)]:
        root.removeHandler(old)
    handler._outreach = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(numeric)
    for noisy in QUIET_LOGGERS:
        if logging.getLogger(noisy).level == logging.NOTSET:
            logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
    return handler
