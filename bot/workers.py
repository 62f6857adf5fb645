"""Review work in worker processes, so one process's acks never wait behind reviews.

`OUTREACH_WORKERS=N` (N > 0): the serving process acks and hands each job (a small,
picklable `Job`) to one of N worker processes, which do the slow part (grading, store,
posting the answer). A user's jobs always go to the same worker, so the buttons on a
review find it in that worker's memory. Workers run at a lower CPU priority than the
acking process, relay their metrics hooks to it (it owns `/metrics`), are restarted when
they die, and finish their in-flight jobs at shutdown like the serving process does.

Platform-agnostic: the composition root passes the platform's worker entry point.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import queue
import threading
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any

from bot.metrics import Metrics
from bot.ports import PostResult
from bot.settings import Settings

log = logging.getLogger("outreach.workers")

# Acks must win the CPU over reviews when both want it (nice 10 ≈ a tenth of the share).
WORKER_NICENESS = 10
WATCH_EVERY_S = 1.0
# The metrics hooks a worker may relay; anything else is dropped.
RELAYED_HOOKS = frozenset(
    {
        "count_review",
        "review_rate_limited",
        "event_duplicate",
        "model_call",
        "tip_result",
        "review_started",
        "review_finished",
        "store_state",
    }
)


@dataclass(frozen=True)
class Job:
    """One piece of slow work: which handler, its payload, and whom it is for."""

    kind: str
    payload: dict[str, Any]
    key: str = ""  # routing: the same key always goes to the same worker
    token: str | None = None  # a per-workspace token (Slack OAuth), when not the default


Jobs = list[Job]
Events = list[tuple[str, tuple[Any, ...]]]
WorkerEntry = Callable[[Settings, int, "Queue[Jobs | None]", "Queue[Events]"], None]


RELAY_EVERY_S = 0.25


class RelayMetrics(Metrics):
    """A worker's metrics: hook calls are batched and sent to the serving process (every
    `RELAY_EVERY_S` while `relay_forever` runs), which counts them in its registry."""

    def __init__(self, events: Queue[Events]) -> None:
        super().__init__()
        self._events = events
        self._pending: Events = []

    def _send(self, hook: str, *args: Any) -> None:
        self._pending.append((hook, args))

    def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        try:
            self._events.put_nowait(batch)
        except (ValueError, OSError):  # closed at shutdown: lost counts, not an error
            pass

    async def relay_forever(self) -> None:
        try:
            while True:
                await asyncio.sleep(RELAY_EVERY_S)
                self.flush()
        finally:
            self.flush()

    def count_review(self, platform: str, source: str, verdict: str, seconds: float) -> None:
        self._send("count_review", platform, source, verdict, seconds)

    def review_rate_limited(self, platform: str) -> None:
        self._send("review_rate_limited", platform)

    def event_duplicate(self, platform: str) -> None:
        self._send("event_duplicate", platform)

    def model_call(
        self, outcome: str, prompt_tokens: int, completion_tokens: int, latency_s: float
    ) -> None:
        self._send("model_call", outcome, prompt_tokens, completion_tokens, latency_s)

    def tip_result(self, platform: str, result: PostResult) -> None:
        self._send("tip_result", platform, result)

    def review_started(self) -> None:
        self._send("review_started")

    def review_finished(self) -> None:
        self._send("review_finished")

    def store_state(self, up: bool) -> None:
        self._send("store_state", up)


def apply_relayed(metrics: Metrics, hook: str, args: tuple[Any, ...]) -> None:
    if hook in RELAYED_HOOKS:
        getattr(metrics, hook)(*args)


@dataclass
class _Worker:
    index: int
    jobs: Queue[Jobs | None]
    pending: Jobs = field(default_factory=list)
    process: BaseProcess | None = None
    restarts: int = 0


@dataclass
class WorkerPool:
    """N worker processes fed through one job queue each; see the module docstring."""

    settings: Settings
    count: int
    entry: WorkerEntry
    metrics: Metrics
    _workers: list[_Worker] = field(default_factory=list)
    _stopping: bool = False
    _watcher: asyncio.Task[None] | None = None
    _relay: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")  # no fork of a running loop
        self._events: Queue[Events] = self._context.Queue()
        self._flush_scheduled = False

    def start(self) -> None:
        self._workers = [_Worker(i, self._context.Queue()) for i in range(self.count)]
        for worker in self._workers:
            self._spawn(worker)
        self._relay = threading.Thread(
            target=self._relay_events, name="worker-metrics", daemon=True
        )
        self._relay.start()
        self._watcher = asyncio.create_task(self._watch(), name="worker-watch")
        log.info("workers started", extra={"workers": self.count})

    def _spawn(self, worker: _Worker) -> None:
        worker.process = self._context.Process(
            target=self.entry,
            args=(self.settings, worker.index, worker.jobs, self._events),
            name=f"outreach-worker-{worker.index}",
            daemon=True,
        )
        worker.process.start()

    def submit(self, job: Job) -> None:
        """Queue `job` for its worker; never blocks the event loop (the queue has no bound).
        Jobs are sent once per loop iteration, in one batch per worker."""
        worker = self._workers[zlib.crc32(job.key.encode()) % len(self._workers)]
        worker.pending.append(job)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        for worker in self._workers:
            if worker.pending:
                batch, worker.pending = worker.pending, []
                worker.jobs.put_nowait(batch)

    def alive(self) -> bool:
        return bool(self._workers) and all(
            w.process is not None and w.process.is_alive() for w in self._workers
        )

    async def _watch(self) -> None:
        """Restart a worker that died; its queue (and the jobs in it) waits for the new one."""
        while not self._stopping:
            await asyncio.sleep(WATCH_EVERY_S)
            for worker in self._workers:
                process = worker.process
                if self._stopping or process is None or process.is_alive():
                    continue
                worker.restarts += 1
                log.warning(
                    "worker died; starting a new one",
                    extra={"worker": worker.index, "exit_code": process.exitcode},
                )
                self._spawn(worker)

    def _relay_events(self) -> None:
        while True:
            try:
                batch = self._events.get()
            except (EOFError, OSError, ValueError):
                return
            if not batch:  # the pool's own sentinel at stop
                return
            for hook, args in batch:
                apply_relayed(self.metrics, hook, args)

    async def stop(self, grace: float) -> int:
        """No new jobs; each worker finishes what it holds for up to `grace` s. Returns how
        many workers had to be killed."""
        self._stopping = True
        if self._watcher is not None:
            self._watcher.cancel()
        self._flush()
        for worker in self._workers:
            worker.jobs.put_nowait(None)
        deadline = asyncio.get_running_loop().time() + grace
        killed = 0
        for worker in self._workers:
            process = worker.process
            if process is None:
                continue
            left = max(0.1, deadline - asyncio.get_running_loop().time())
            await asyncio.to_thread(process.join, left)
            if process.is_alive():
                killed += 1
                process.kill()
                await asyncio.to_thread(process.join, 5)
        self._events.put([])
        if self._relay is not None:
            await asyncio.to_thread(self._relay.join, 5)
        if killed:
            log.warning("workers cut short at shutdown", extra={"killed": killed})
        return killed


# ---- inside a worker process -----------------------------------------------------------------
def lower_priority() -> None:
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not permitted here: run at the same priority
        pass


async def serve_jobs(
    jobs: Queue[Jobs | None], handle: Callable[[Job], Coroutine[Any, Any, None]], grace: float
) -> None:
    """Run each job as its own task (model calls overlap) until the stop sentinel, then
    let the tasks finish for up to `grace` seconds."""
    tasks: set[asyncio.Task[None]] = set()
    while True:
        batch = await asyncio.to_thread(_next_batch, jobs)
        if batch is None:
            break
        for job in batch:
            task = asyncio.create_task(handle(job))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    if tasks:
        _, unfinished = await asyncio.wait(tasks, timeout=max(0.1, grace))
        if unfinished:
            log.warning("worker jobs cut short at shutdown", extra={"unfinished": len(unfinished)})


def _next_batch(jobs: Queue[Jobs | None]) -> Jobs | None:
    parent = multiprocessing.parent_process()
    while True:
        try:
            return jobs.get(timeout=1.0)
        except queue.Empty:
            if parent is not None and not parent.is_alive():  # the serving process is gone
                return None
        except (EOFError, OSError):
            return None
