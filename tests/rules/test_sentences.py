"""Where sentences end: an abbreviation's full stop ends none, unless the next word starts one."""

from __future__ import annotations

import pytest

from bot.rules.text import Draft


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Dr. Okafor's talk on tides was great. How did you fund it?", 2),
        ("I tried the Evergreen Pet Co. checkout on my phone. It was slow.", 2),
        ("You fixed the consumer at 2 a.m. during the outage. I still tell that story.", 2),
        ("I'm Tom from Thread & Co. We make socks for cyclists.", 2),
        ("Call me at 9 a.m. Tomorrow works too.", 2),
    ],
)
def test_abbreviations_end_a_sentence_only_before_a_new_one(text: str, count: int) -> None:
    assert len(Draft(text).sentences) == count


def test_a_pasted_subject_line_is_a_header_not_part_of_the_note() -> None:
    draft = Draft("Subject: Catching up\n\nHi Laura,\n\nHow is the new studio going?\n\nBest,\nAmy")
    assert [sentence.text for sentence in draft.prose] == ["How is the new studio going?"]
