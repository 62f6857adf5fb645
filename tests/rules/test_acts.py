"""What a sentence does, for wording where the line is easy to get wrong (acts.yaml)."""

from __future__ import annotations

import pytest

from bot.rules.features import DraftFeatures
from bot.rules.text import Draft


def acts_of(sentence: str) -> set[str]:
    view = DraftFeatures(Draft(f"Hi Ines,\n\n{sentence}\n\nBest,\nTom"))
    return set().union(*(s.acts for s in view.sentences))


@pytest.mark.parametrize(
    "sentence",
    [
        "I'm a second-year PhD student at Utrecht working on peat fires.",
        "I'm applying to MBA programs this autumn and torn between two schools.",
        "Your paper is the reason I chose my master's topic.",
    ],
)
def test_a_student_naming_their_programme_claims_no_credential(sentence: str) -> None:
    assert "credential" not in acts_of(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "I graduated with a 3.9 GPA and two years of lab experience.",
        "I hold an MBA from INSEAD and have led three launches.",
        "I'm a motivated analyst with a Bachelor's degree in statistics.",
    ],
)
def test_grades_and_degrees_held_are_credentials(sentence: str) -> None:
    assert "credential" in acts_of(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["Great meeting you at the Harbour Summit!", "As promised, here is the checklist."],
)
def test_just_after_meeting_or_a_promised_send_is_recent(sentence: str) -> None:
    assert "recent" in acts_of(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["I'll stop reaching out after this one.", "Before I take the hint, one last thing."],
)
def test_a_close_the_file_note_is_a_bump(sentence: str) -> None:
    assert "bump" in acts_of(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "I still tell new hires about the time you rebuilt the consumer during the outage.",
        "I keep remembering how you ran the Friday demos.",
    ],
)
def test_a_memory_of_them_is_shared_history(sentence: str) -> None:
    assert "shared_history" in acts_of(sentence)


@pytest.mark.parametrize(
    "sentence", ["Freelance Webflow dev here, and a fan of your site.", "Fellow builder here."]
)
def test_who_i_am_here_is_a_self_introduction(sentence: str) -> None:
    assert "self_intro" in acts_of(sentence)
