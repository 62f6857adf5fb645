"""How long a model server asks us to wait before the next request."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's `Retry-After` (or `retry-after-ms`) in seconds, when it sent one."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None
