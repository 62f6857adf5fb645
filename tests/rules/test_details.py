"""What counts as a detail about the reader: a named thing they did or take part in, not the
job they hold or where they hold it (bot/rules/details.py)."""

from __future__ import annotations

import pytest

from bot.rules.details import sentence_details
from bot.rules.features import DraftFeatures
from bot.rules.text import Draft


def details_of(text: str) -> set[str]:
    view = DraftFeatures(Draft(text))
    found = sentence_details(view.draft.masked, view.sentences)
    return set().union(*found.values()) if found else set()


@pytest.mark.parametrize(
    "sentence",
    [
        "Hi Ines, I saw you're working at Quillon now.",
        "Hi Ines, I saw you're leading platform reliability at Quillon.",
        "Hi Ines, I saw you joined Quillon last spring.",
    ],
)
def test_where_they_work_is_not_a_detail(sentence: str) -> None:
    assert "quillon" not in details_of(sentence)


@pytest.mark.parametrize("verb", ["speaking", "presenting", "hosting", "teaching"])
def test_an_event_they_take_part_in_is_a_detail(verb: str) -> None:
    assert "harbour summit" in details_of(f"Hi Ines, I saw you're {verb} at Harbour Summit.")
