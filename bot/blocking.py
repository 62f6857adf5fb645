"""Blocking calls (the store's) run from the event loop: off the loop, bounded in time.

A thread cannot be stopped, so a call that outlives its bound (a database that accepts
connections and never answers) keeps running in its own thread while the caller moves on.
The threads are daemons, so one stuck in a read never keeps the process alive at exit, and
at most `MAX_THREADS` run at once: past that a call waits for a free one within the same
bound, so stuck calls never pile up. The default executor (`asyncio.to_thread`) stays free
for other work (the console's reads).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

STORE_CALL_TIMEOUT_S = 10.0
MAX_THREADS = 32
_slots = threading.BoundedSemaphore(MAX_THREADS)


class CallTimeout(TimeoutError):
    """A blocking call did not finish within its bound (it may still be running)."""


async def bounded(fn: Callable[..., T], *args: Any, timeout: float = STORE_CALL_TIMEOUT_S) -> T:
    """`fn(*args)` in a daemon thread; its result, its exception, or `CallTimeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not _slots.acquire(blocking=False):  # all busy: wait for one, within the same bound
        if loop.time() >= deadline:
            raise CallTimeout(f"{MAX_THREADS} blocking calls still running")
        await asyncio.sleep(0.01)
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()
    name = getattr(getattr(fn, "func", fn), "__name__", "call")  # a partial's own function

    def finish(value: Any, error: BaseException | None) -> None:
        if future.done():  # the caller gave up on it
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def work() -> None:
        value, error = None, None
        try:
            value = context.run(fn, *args)
        except BaseException as exc:  # handed to the awaiting task, not lost in the thread
            error = exc
        finally:
            _slots.release()
        with contextlib.suppress(RuntimeError):  # the loop closed while this call was stuck
            loop.call_soon_threadsafe(finish, value, error)

    threading.Thread(target=work, name=f"blocking-{name}", daemon=True).start()
    try:
        return await asyncio.wait_for(future, timeout=max(0.0, deadline - loop.time()))
    except TimeoutError:
        raise CallTimeout(f"{name} took over {timeout:g} s") from None
