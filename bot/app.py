"""Composition root: builds the service, the grader and the store with what the settings ask for."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.metrics import Metrics
from bot.ports import Grader
from bot.service import ReviewService
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger("outreach.app")

STORE_RETRY_S = 5.0


def build_grader(
    settings: Settings, *, use_llm: bool = True, metrics: Metrics | None = None
) -> Grader | None:
    """The model grader when one is configured and wanted; `openai` is imported only then.
    With `metrics`, every model call is counted (outcome, tokens, latency)."""
    if not use_llm or not settings.llm_enabled:
        return None
    from bot.llm import build_grader as build_llm_grader

    return build_llm_grader(settings, on_call=metrics.model_call if metrics else None)


def build_service(
    settings: Settings, *, use_llm: bool = True, metrics: Metrics | None = None
) -> ReviewService:
    grader = build_grader(settings, use_llm=use_llm, metrics=metrics)
    return ReviewService(settings, grader=grader, metrics=metrics)


class StoreUnavailable(RuntimeError):
    """The database cannot be reached right now; callers fall back (memory) or retry later."""


def _default_opener(url: str) -> Store:
    from bot.store import open_store

    return open_store(url)


class ReconnectingStore:
    """The store, opened (and migrated) on first success, with a breaker for outages.

    `serve` starts even when the database is down: every call then raises
    `StoreUnavailable` at once (reviews go on, the service falls back to memory, the tips
    scheduler retries each minute) and the store is tried again every `retry_s` seconds.
    A connection failure on an open store trips the same breaker, so a down PostgreSQL
    costs one connect timeout per `retry_s`, not one per review.
    """

    def __init__(
        self,
        database_url: str,
        *,
        opener: Callable[[str], Store] = _default_opener,
        retry_s: float = STORE_RETRY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = database_url
        self._opener = opener
        self._retry_s = retry_s
        self._clock = clock
        self._store: Store | None = None
        self._down_until = 0.0
        self._down_logged = False
        self._lock = threading.Lock()

    @property
    def connected(self) -> bool:
        return self._store is not None and self._clock() >= self._down_until

    def connect(self) -> bool:
        """Open and migrate now if possible; False (logged once per outage) if not."""
        try:
            self._get()
        except StoreUnavailable:
            return False
        return True

    def _get(self) -> Store:
        with self._lock:
            if self._clock() < self._down_until:
                raise StoreUnavailable("store down; retrying later")
            if self._store is None:
                try:
                    self._store = self._opener(self._url)
                except Exception as exc:
                    self._trip(exc)
                    raise StoreUnavailable(type(exc).__name__) from exc
                if self._down_logged:
                    log.info("store reachable again; migrations applied")
                self._down_logged = False
            return self._store

    def _trip(self, exc: BaseException) -> None:
        from bot.store.db import failure_cause

        self._down_until = self._clock() + self._retry_s
        if not self._down_logged:
            log.warning(
                "store unreachable; reviews go on, tips and event dedupe catch up when it is back",
                extra={
                    "error": type(exc).__name__,
                    "cause": failure_cause(exc),
                    "retry_s": self._retry_s,
                },
            )
        self._down_logged = True

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        store = self._get()
        try:
            return getattr(store, name)(*args, **kwargs)
        except Exception as exc:
            if _is_connection_error(exc):
                with self._lock:
                    self._trip(exc)
            raise

    def ping(self) -> bool:
        try:
            store = self._get()
        except StoreUnavailable:
            return False
        if store.ping():
            return True
        with self._lock:
            self._trip(StoreUnavailable("ping failed"))
        return False

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(name, *args, **kwargs)

        call.__name__ = name
        return call


def _is_connection_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)
