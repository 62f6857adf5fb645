"""The tips library, read once from `bot/data/tips.yaml` and checked against the principles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.ports import RenderedTip
from bot.principles import load_data, load_principles, principle_by_id

MIN_TIPS = 26


@dataclass(frozen=True)
class Tip:
    id: str
    principle_id: str
    title: str
    body: str
    before: str
    after: str


class TipLibrary:
    def __init__(self, tips: Sequence[Tip]) -> None:
        if not tips:
            raise ValueError("the tips library is empty")
        ids = [tip.id for tip in tips]
        duplicates = sorted({tip_id for tip_id in ids if ids.count(tip_id) > 1})
        if duplicates:
            raise ValueError(f"duplicate tip ids: {duplicates}")
        known = {principle.id for principle in load_principles()}
        unknown = sorted({tip.principle_id for tip in tips} - known)
        if unknown:
            raise ValueError(f"tips refer to unknown principles: {unknown}")
        self.tips: tuple[Tip, ...] = tuple(tips)
        self.ids: tuple[str, ...] = tuple(ids)
        self._by_id = {tip.id: tip for tip in tips}

    def __len__(self) -> int:
        return len(self.tips)

    def get(self, tip_id: str) -> Tip | None:
        return self._by_id.get(tip_id)

    def render(
        self, tip: Tip, *, period: str | None = None, digest: str | None = None
    ) -> RenderedTip:
        return RenderedTip(
            tip_id=tip.id,
            principle_id=tip.principle_id,
            principle_title=principle_by_id(tip.principle_id).title,
            title=tip.title,
            body=tip.body,
            before=tip.before,
            after=tip.after,
            digest=digest,
            period=period,
        )


def load_library(name: str = "tips.yaml", *, minimum: int = MIN_TIPS) -> TipLibrary:
    raw = load_data(name)
    if not isinstance(raw, dict) or not isinstance(raw.get("tips"), list):
        raise ValueError(f"{name}: expected a mapping with a 'tips' list")
    tips = []
    for item in raw["tips"]:
        tips.append(
            Tip(
                id=str(item["id"]),
                principle_id=str(item["principle"]),
                title=str(item["title"]).strip(),
                body=" ".join(str(item["body"]).split()),
                before=str(item["before"]).strip(),
                after=str(item["after"]).strip(),
            )
        )
    if len(tips) < minimum:
        raise ValueError(f"{name}: {len(tips)} tips, at least {minimum} expected")
    return TipLibrary(tips)
