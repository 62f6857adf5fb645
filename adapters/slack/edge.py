"""The HTTP edge of `/slack/events`: every request is verified, then shape-checked, before
slack-bolt sees it.

A request Slack did not sign gets a 401 and nothing else: no listener, no error handler, no
outbound call. A signed body that is not what Slack sends gets a 400. Either costs one short
log line at most (the reason, never the body: bodies hold drafts and `response_url`s), and
those lines are rate-limited, so a flood of forged requests cannot flood the log.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger("outreach.slack.edge")

MAX_SKEW_S = 5 * 60  # Slack's own advice: refuse requests older (or newer) than five minutes
REFUSAL_LOG_INTERVAL_S = 10.0
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: int() would also take "1_0", " 1"


@dataclass(frozen=True)
class Refusal:
    status: int  # 401 (not from Slack) or 400 (from Slack, but malformed)
    reason: str  # a short code for the log: "bad_signature", "not_json"...


def signature_problem(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> str | None:
    """Why this request is not signed by Slack with `secret`, or None when it is.

    The check of https://api.slack.com/authentication/verifying-requests-from-slack over the
    raw bytes, in constant time; never raises, whatever the headers hold."""
    if not secret:  # an HMAC with an empty key is one anybody can compute
        return "no_signing_secret"
    if not timestamp or not signature:
        return "unsigned"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "bad_timestamp"
    if abs(now - int(timestamp)) > MAX_SKEW_S:
        return "stale_timestamp"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = b"v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest().encode()
    given = signature.encode("utf-8", "surrogateescape")
    return None if hmac.compare_digest(expected, given) else "bad_signature"


def unverified(
    secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None
) -> Refusal | None:
    """A 401 refusal unless `headers` carry Slack's valid signature of `body`."""
    problem = signature_problem(
        secret,
        headers.get(TIMESTAMP_HEADER),
        headers.get(SIGNATURE_HEADER),
        body,
        time.time() if now is None else now,
    )
    return None if problem is None else Refusal(401, problem)


class RefusalLog:
    """One line for the first refusal, then at most one per `interval` seconds per status,
    each counting the refusals since the previous line (and what they were)."""

    def __init__(
        self,
        interval: float = REFUSAL_LOG_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._pending: dict[int, Counter[str]] = {}
        self._last: dict[int, float] = {}

    def record(self, refusal: Refusal) -> None:
        pending = self._pending.setdefault(refusal.status, Counter())
        pending[refusal.reason] += 1
        last = self._last.get(refusal.status)
        if last is None or self._clock() - last >= self.interval:
            self._write(refusal.status)

    def flush(self) -> None:
        """Write what is still counted (at shutdown)."""
        for status in list(self._pending):
            self._write(status)

    def _write(self, status: int) -> None:
        pending = self._pending.pop(status, None)
        if not pending:
            return
        self._last[status] = self._clock()
        log.warning(
            "slack request refused",
            extra={
                "status": status,
                "refused": sum(pending.values()),
                "reasons": ",".join(f"{reason}:{n}" for reason, n in sorted(pending.items())),
            },
        )
