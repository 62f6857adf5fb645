"""The console `TipPoster`: one JSON line per post on stdout, so a deployment or a test
can see exactly what went out without any chat platform."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.ports import PostOk, PostResult, RenderedTip


class ConsoleTipPoster:
    platform = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def post_tip(self, workspace: str, channel: str, tip: RenderedTip) -> PostResult:
        line = {
            "platform": "console",
            "channel": channel,
            "tip_id": tip.tip_id,
            "period": tip.period,
        }
        stream = self._stream or sys.stdout
        stream.write(json.dumps(line, ensure_ascii=False) + "\n")
        stream.flush()
        return PostOk(message_ref=f"console:{channel}:{tip.tip_id}:{tip.period}")
