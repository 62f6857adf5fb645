"""What a sentence does, for wording where the line is easy to get wrong (acts.yaml)."""

from __future__ import annotations

import pytest

from bot.rules.features import DraftFeatures
from bot.rules.text import Draft

# (a sentence, an act, whether the sentence does it)
CASES = {
    "a student naming their programme claims no credential": [
        ("I'm a second-year PhD student at Utrecht working on peat fires.", "credential", False),
        ("I'm applying to MBA programs this autumn.", "credential", False),
        ("Your paper is the reason I chose my master's topic.", "credential", False),
    ],
    "grades and a degree held are credentials": [
        ("I graduated with a 3.9 GPA and two years of lab experience.", "credential", True),
        ("I hold an MBA from INSEAD and have led three launches.", "credential", True),
        ("I'm a motivated analyst with a Bachelor's degree in statistics.", "credential", True),
    ],
    "just after meeting, or a promised send, is recent": [
        ("Great meeting you at the Harbour Summit!", "recent", True),
        ("As promised, here is the checklist.", "recent", True),
    ],
    "a close-the-file note is a nudge": [
        ("I'll stop reaching out after this one.", "bump", True),
        ("Before I take the hint, one last thing.", "bump", True),
    ],
    "a memory of them is shared history": [
        ("I still tell new hires about the time you rebuilt the consumer.", "shared_history", True),
        ("I keep remembering how you ran the Friday demos.", "shared_history", True),
    ],
    "'<who I am> here' is a self-introduction": [
        ("Freelance Webflow dev here, and a fan of your site.", "self_intro", True),
        ("Fellow builder here.", "self_intro", True),
    ],
    "a contact they share is one they are connected to, not a place they are close to": [
        ("I see you're connected to Maren Lund at Fjord Health.", "mutual_contact", True),
        ("I hear you're close to opening the second floor.", "mutual_contact", False),
    ],
}


def acts_of(sentence: str) -> set[str]:
    view = DraftFeatures(Draft(f"Hi Ines,\n\n{sentence}\n\nBest,\nTom"))
    return set().union(*(s.acts for s in view.sentences))


@pytest.mark.parametrize(
    ("sentence", "act", "does"),
    [case for cases in CASES.values() for case in cases],
    ids=[f"{name}: {case[0]}" for name, cases in CASES.items() for case in cases],
)
def test_what_the_sentence_does(sentence: str, act: str, does: bool) -> None:
    assert (act in acts_of(sentence)) is does
