"""What counts as a detail about the reader: a named thing they did or take part in, not the
job they hold or where they hold it (bot/rules/details.py)."""

from __future__ import annotations

import pytest

from bot.rules.details import names_something, sentence_details
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


def test_a_job_title_is_not_a_detail() -> None:
    found = details_of("Hi Ines, thanks for the call about the Senior Tax Accountant opening.")
    assert found <= {"tax"}


@pytest.mark.parametrize("verb", ["speaking", "presenting", "hosting", "teaching"])
def test_an_event_they_take_part_in_is_a_detail(verb: str) -> None:
    assert "harbour summit" in details_of(f"Hi Ines, I saw you're {verb} at Harbour Summit.")


def test_list_numbers_are_not_details_but_numbers_in_the_items_are() -> None:
    found = details_of(
        "Hi Ines, three things stood out in your pantry report:\n"
        "1. Visits rose 40% in March, and the queue was out the door.\n"
        "2) Fewer volunteers came on Sundays than on any other day.\n"
        "(3) The new fridge meant you could take fresh milk for the first time.\n\n"
        "How did you find more volunteers for Sundays?\n\nBest,\nTom"
    )
    assert "40%" in found
    assert not found & {"1.", "2", "3"}


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("I'm exploring roles at Quillon and would love a chat.", False),
        ("I'm applying for the Data Analyst opening at Quillon.", True),
        ("I'm applying to the Harbour Fellowship this spring.", True),
    ],
)
def test_an_employer_alone_does_not_name_a_purpose(sentence: str, named: bool) -> None:
    assert names_something(sentence, 0, len(sentence)) is named


def test_a_common_word_with_a_contraction_is_no_name() -> None:
    found = details_of("Hi Ines, one question for your column: What's next for Abridge's plan?")
    assert "what's" not in found
    assert "abridge's" in found


def test_a_sentence_s_first_word_is_no_name_after_an_emoji_or_a_quote_mark() -> None:
    found = details_of(
        "Hi Ines,\n\nThanks for the note.\n\n😢 Reply with a number if you can.\n\n"
        '"Fast" Harbour crews are rare.\n\nBest,\nTom'
    )
    assert found == {"harbour"}
