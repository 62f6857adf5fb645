"""The console `TipPoster` and the tip as terminal text.

Posting to the console means printing: the tip itself, for the person at the console
(`readable=True`, what `serve` uses while the console runs), or one JSON line per post,
so a cron `tips tick` or a test can see exactly what went out.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.ports import PostOk, PostResult, RenderedTip


def tip_text(tip: RenderedTip) -> str:
    lines = [
        f"💡 {tip.title} ({tip.principle_title})",
        tip.body,
        f"  Before: {tip.before}",
        f"  After:  {tip.after}",
    ]
    if tip.digest:
        lines.append(tip.digest)
    return "\n".join(lines)


class ConsoleTipPoster:
    platform = "console"

    def __init__(self, stream: TextIO | None = None, *, readable: bool = False) -> None:
        self._stream = stream
        self._readable = readable

    async def post_tip(self, workspace: str, channel: str, tip: RenderedTip) -> PostResult:
        if self._readable:
            text = "\n" + tip_text(tip) + "\n"
        else:
            line = {
                "platform": "console",
                "channel": channel,
                "tip_id": tip.tip_id,
                "period": tip.period,
            }
            text = json.dumps(line, ensure_ascii=False)
        stream = self._stream or sys.stdout
        stream.write(text + "\n")
        stream.flush()
        return PostOk(message_ref=f"console:{channel}:{tip.tip_id}:{tip.period}")
