"""A frozen database on 127.0.0.1:0: it accepts TCP connections, then never answers.

What a PostgreSQL stopped with SIGSTOP (or behind a stuck proxy or firewall that keeps the
socket open) looks like to a client: the connection is made, every read waits forever.
With `upstream`, it first relays to a real server, and `freeze()` stops relaying while
keeping every socket open, so connections already in a pool hang in mid-query.
Records how many connections it accepted and how many bytes each one sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any


class FrozenDatabase:
    def __init__(self, upstream: tuple[str, int] | None = None) -> None:
        self.upstream = upstream
        self.frozen = upstream is None
        self.accepted = 0
        self.bytes_received: list[int] = []
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self._relays: set[asyncio.Task[None]] = set()
        self.port = 0

    async def start(self) -> FrozenDatabase:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def url(self, database: str = "outreach") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def freeze(self) -> None:
        """From now on nothing more is relayed either way; sockets stay open."""
        self.frozen = True

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._relays):
            task.cancel()
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        index = len(self.bytes_received)
        self.bytes_received.append(0)
        self._writers.append(writer)
        if self.upstream is not None and not self.frozen:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            self._writers.append(up_writer)
            self._relay(self._pipe(up_reader, writer, None))
            await self._pipe(reader, up_writer, index)
            return
        while data := await reader.read(65536):  # swallow what the client sends; answer nothing
            self.bytes_received[index] += len(data)

    def _relay(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._relays.add(task)
        task.add_done_callback(self._relays.discard)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, index: int | None
    ) -> None:
        while data := await reader.read(65536):
            if index is not None:
                self.bytes_received[index] += len(data)
            while self.frozen:  # hold the data: the peer waits forever
                await asyncio.sleep(3600)
            writer.write(data)
            await writer.drain()
