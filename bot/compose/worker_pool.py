"""The serving process's side of the worker processes (`OUTREACH_WORKERS=N`, N > 0), so its
acks never wait behind reviews.

An adapter acks and hands each job (a key and a small, picklable payload: the `JobQueue`
port) to one of N worker processes, which do the slow part (grading, store, posting the
answer); `worker_process` is their side. The same key always goes to the same worker, so
the buttons on a review find it in that worker's memory. Workers run at a lower CPU
priority than the serving process, relay their metrics to it (`metrics_relay`), are
restarted when they die, and finish the jobs they hold at shutdown.

Each worker has its own pipes (jobs in, metrics out) with one reader and one writer, so
no lock is shared: a worker killed at any moment cannot wedge the others, and its
replacement reads the jobs still waiting in the same jobs pipe.

Platform-agnostic: `serve` passes the worker entry point.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import queue
import re
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from bot.compose.metrics_relay import apply_relayed
from bot.metrics import Metrics
from bot.settings import Settings

log = logging.getLogger("outreach.workers")

WATCH_EVERY_S = 1.0
CRASH_LOOP_S = 10.0
MAX_RESTART_DELAY_S = 60.0
# Jobs one worker may hold before new reviews are refused with "busy, try again": about
# 40 s of rules reviews, and a bound on the memory they take.
MAX_BACKLOG = 20_000
REFUSALS_LOG_EVERY_S = 10.0


@dataclass(frozen=True)
class Job:
    """One piece of slow work, as the adapter that handed it over describes it."""

    key: str  # routing: a user id, or a review id made by a worker (see review_id_prefix)
    payload: Any


Jobs = list[Job]
WORKER_MARK = re.compile(r"^w(\d+)-")


def review_id_prefix(index: int) -> str:
    """What worker `index` puts before its review ids, so a job keyed by one (a button on
    that review, whoever clicks it) goes back to the worker that remembers the review."""
    return f"w{index}-"


# (settings, worker index, jobs pipe to read, metrics pipe to write)
WorkerEntry = Callable[[Settings, int, Connection, Connection], None]


@dataclass
class _Worker:
    index: int
    jobs_in: Connection  # the worker's end; kept here too, for its replacement
    jobs_out: Connection
    outbox: queue.SimpleQueue[Jobs | None] = field(default_factory=queue.SimpleQueue)
    pending: Jobs = field(default_factory=list)
    process: BaseProcess | None = None
    events_in: Connection | None = None
    submitted: int = 0
    done: int = 0  # as relayed by the worker
    started_at: float = 0.0
    quick_deaths: int = 0  # in a row, each within CRASH_LOOP_S of its start
    restart_at: float = 0.0

    @property
    def backlog(self) -> int:
        return self.submitted - self.done


@dataclass
class WorkerPool:
    """N worker processes; see the module docstring."""

    settings: Settings
    count: int
    entry: WorkerEntry
    metrics: Metrics
    _workers: list[_Worker] = field(default_factory=list)
    _stopping: bool = False
    _flush_scheduled: bool = False
    _watcher: asyncio.Task[None] | None = None
    _relay: threading.Thread | None = None
    _readers_changed: threading.Event = field(default_factory=threading.Event)
    _refused: int = 0
    _next_refusal_log: float = 0.0

    def __post_init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")  # never fork a running loop

    def start(self) -> None:
        for index in range(self.count):
            jobs_in, jobs_out = self._context.Pipe(duplex=False)
            worker = _Worker(index, jobs_in, jobs_out)
            threading.Thread(
                target=_send_jobs, args=(worker,), name=f"worker-{index}-jobs", daemon=True
            ).start()
            self._workers.append(worker)
            self._spawn(worker)
        self._relay = threading.Thread(target=self._relay_metrics, name="worker-metrics")
        self._relay.daemon = True
        self._relay.start()
        self._watcher = asyncio.create_task(self._watch(), name="worker-watch")
        log.info("workers started", extra={"workers": self.count})

    def _spawn(self, worker: _Worker) -> None:
        events_in, events_out = self._context.Pipe(duplex=False)
        worker.process = self._context.Process(
            target=self.entry,
            args=(self.settings, worker.index, worker.jobs_in, events_out),
            name=f"outreach-worker-{worker.index}",
            daemon=True,
        )
        worker.process.start()
        worker.started_at = time.monotonic()
        events_out.close()  # the worker's end: EOF here once it exits
        worker.events_in = events_in
        self._readers_changed.set()

    def _worker_for(self, key: str) -> _Worker:
        marked = WORKER_MARK.match(key)
        if marked and int(marked.group(1)) < len(self._workers):
            return self._workers[int(marked.group(1))]
        return self._workers[zlib.crc32(key.encode()) % len(self._workers)]

    def has_room(self, key: str) -> bool:
        """False when the worker for `key` already holds `MAX_BACKLOG` jobs."""
        return self._worker_for(key).backlog < MAX_BACKLOG

    def admit(self, key: str) -> bool:
        """`has_room`, counting each refusal (logged at most every `REFUSALS_LOG_EVERY_S`)."""
        if self.has_room(key):
            return True
        self._refused += 1
        self.metrics.review_refused_busy()
        now = time.monotonic()
        if now >= self._next_refusal_log:
            log.warning(
                "workers full; new reviews refused",
                extra={"refused": self._refused, "max_backlog": MAX_BACKLOG},
            )
            self._refused, self._next_refusal_log = 0, now + REFUSALS_LOG_EVERY_S
        return False

    def submit(self, key: str, payload: object) -> None:
        """Queue a job for the worker of `key` without blocking the event loop; jobs leave
        once per loop iteration, one batch per worker, written by that worker's sender thread."""
        worker = self._worker_for(key)
        worker.submitted += 1
        worker.pending.append(Job(key, payload))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        for worker in self._workers:
            if worker.pending:
                batch, worker.pending = worker.pending, []
                worker.outbox.put(batch)

    def pids(self) -> list[int | None]:
        return [w.process.pid if w.process else None for w in self._workers]

    def alive(self) -> bool:
        return bool(self._workers) and all(
            w.process is not None and w.process.is_alive() for w in self._workers
        )

    async def _watch(self) -> None:
        """Restart a worker that died; the jobs waiting in its pipe go to the new one."""
        while not self._stopping:
            await asyncio.sleep(WATCH_EVERY_S)
            for worker in self._workers:
                process = worker.process
                if self._stopping or process is None or process.is_alive():
                    continue
                now = time.monotonic()
                if worker.restart_at == 0.0:  # just found dead
                    quick = now - worker.started_at < CRASH_LOOP_S
                    worker.quick_deaths = worker.quick_deaths + 1 if quick else 0
                    # A worker that cannot even start (say, a broken install) is retried
                    # less and less often, not every second.
                    delay = min(MAX_RESTART_DELAY_S, 2.0**worker.quick_deaths - 1)
                    worker.restart_at = now + delay
                    log.warning(
                        "worker died; starting a new one (the jobs it was running are lost)",
                        extra={
                            "worker": worker.index,
                            "exit_code": process.exitcode,
                            "restart_in_s": delay,
                        },
                    )
                if now < worker.restart_at:
                    continue
                worker.restart_at = 0.0
                worker.done = worker.submitted  # unknown now: do not refuse for lost jobs
                self._spawn(worker)

    def _relay_metrics(self) -> None:
        """Count what every worker relays, until the pool stops and all pipes are closed."""
        readers: list[Connection] = []
        while True:
            if self._readers_changed.is_set():
                self._readers_changed.clear()
                readers = [w.events_in for w in self._workers if w.events_in is not None]
            if not readers:
                if self._stopping:
                    return
                self._readers_changed.wait(0.5)
                continue
            for reader in wait(readers, timeout=0.5):
                assert isinstance(reader, Connection)
                try:
                    done = apply_relayed(self.metrics, reader.recv())
                    for worker in self._workers:
                        if worker.events_in is reader:
                            worker.done += done
                except (EOFError, OSError):  # that worker exited
                    readers.remove(reader)
                    reader.close()
                    for worker in self._workers:
                        if worker.events_in is reader:
                            worker.events_in = None

    async def stop(self, grace: float) -> int:
        """No new jobs; each worker finishes what it holds for up to `grace` s. Returns how
        many workers had to be killed."""
        self._stopping = True
        if self._watcher is not None:
            self._watcher.cancel()
        self._flush()
        for worker in self._workers:
            worker.outbox.put(None)  # after every job already submitted
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        killed = 0
        for worker in self._workers:
            process = worker.process
            if process is None:
                continue
            await asyncio.to_thread(process.join, max(0.1, deadline - loop.time()))
            if process.is_alive():
                killed += 1
                process.kill()
                await asyncio.to_thread(process.join, 5)
        if self._relay is not None:
            await asyncio.to_thread(self._relay.join, 5)
        for worker in self._workers:
            worker.jobs_in.close()
            worker.jobs_out.close()
        if killed:
            log.warning("workers cut short at shutdown", extra={"killed": killed})
        return killed


def _send_jobs(worker: _Worker) -> None:
    """The writer of one worker's jobs pipe (a blocking write never reaches the event loop)."""
    while True:
        batch = worker.outbox.get()
        try:
            worker.jobs_out.send(batch)
        except (OSError, ValueError):
            return
        if batch is None:
            return
