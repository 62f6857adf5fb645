"""HTTP bodies as discord.py sends and reads them: JSON (with exactly its content type) and
multipart requests with a `payload_json` part and files."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

JSON = "application/json"  # discord.py parses bodies only with exactly this content type


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Not aiohttp's json_response: it appends "; charset=utf-8", which discord.py treats as text.
    body = json.dumps(data).encode("utf-8")
    return web.Response(body=body, status=status, headers={"Content-Type": JSON, **(headers or {})})


async def read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    if not request.can_read_body:
        return None, []
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        files: list[tuple[str, bytes]] = []
        body: Any = None
        for name, value in form.items():
            if name == "payload_json":
                body = json.loads(str(value))
            elif isinstance(value, web.FileField):
                files.append((value.filename, value.file.read()))
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []
