"""The console as a person uses it: `outreach-review serve` in a pseudo-terminal, typed at and
pasted into, with everything the terminal shows (its echo and stderr included) asserted."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakes.terminal import CTRL_D, Terminal
from tests.helpers import clean_env, run_cli

PROMPT = "outreach> "
REVIEW_END = "Graded by the built-in rules."
# A three-paragraph email, as people write them: greeting, body, sign-off. The pitch is in
# the middle paragraph and the question in the last, so a review of any one piece differs
# from the review of the whole.
EMAIL = (
    "Hi Priya,\n"
    "\n"
    "I'm the co-founder of Tallyfold and we help companies like yours close their books "
    "faster. Our platform is trusted by over 200 finance teams.\n"
    "\n"
    "Would you be free for a quick 20-minute call on Thursday?\n"
    "Cheers,\n"
    "Marco"
)
NOT_SHOWN = ("INFO", "outreach.serve", "outreach.service", '{"platform"', "^[[")

StartConsole = Callable[..., Terminal]


@pytest.fixture
def start_console(tmp_path: Path) -> Iterator[StartConsole]:
    started: list[Terminal] = []

    def start(**env: str) -> Terminal:
        argv = [sys.executable, "-m", "bot.cli", "serve"]
        term = Terminal(argv, env=clean_env(tmp_path, **env), cwd=tmp_path)  # no stray .env
        started.append(term)
        term.expect(PROMPT)
        term.mark()
        return term

    yield start
    for term in started:
        term.close()


def review_then_prompt(term: Terminal) -> str:
    """What the screen shows from the mark to the prompt that follows the review."""
    shown = term.expect(REVIEW_END, PROMPT)
    term.mark()
    return shown


def command(term: Terminal, line: str) -> str:
    """Type a command; what the screen shows until the next prompt."""
    term.mark()
    term.type_line(line)
    shown = term.expect(line, PROMPT)
    term.mark()
    return shown


def quit_console(term: Terminal) -> str:
    term.type_line("/quit")
    assert term.finish() == 0
    return term.screen


def assert_one_review_of_the_whole_email(shown: str) -> None:
    assert shown.count("Score ") == 1, shown
    assert "we help companies like yours" in shown  # quoted from the middle paragraph
    assert "Rewrite it" in shown  # the whole email pitches; "Hi Priya," alone would not say why
    assert "Skip the pitch" in shown


@pytest.mark.parametrize("before", ["", "/reviewoutreach"])
def test_a_pasted_email_is_one_review(start_console: StartConsole, before: str) -> None:
    term = start_console()
    if before:
        term.type_line(before)
        term.expect("Ctrl-D")  # says how a draft ends
    term.paste(EMAIL)
    term.type_line("")  # Enter after the paste, as in a shell
    assert_one_review_of_the_whole_email(review_then_prompt(term))
    screen = quit_console(term)
    assert "as many paragraphs as you like" in screen
    on, off = screen.find("\x1b[?2004h"), screen.rfind("\x1b[?2004l")
    assert 0 <= on < screen.find(PROMPT), "the console asks the terminal to mark pastes"
    assert off > screen.rfind(PROMPT), "and stops asking when it ends"
    assert "^[[200~" not in screen, "the paste markers are not echoed as text"


@pytest.mark.parametrize(("end", "how"), [(".", "a line with only ."), (CTRL_D, "Ctrl-D")])
def test_a_draft_the_terminal_does_not_mark_ends_at_the_end_marker(
    start_console: StartConsole, end: str, how: str
) -> None:
    term = start_console()
    term.paste(EMAIL, bracketed=False)  # a terminal without bracketed paste, or typed by hand
    term.send("\r")
    term.expect("Cheers,\r\n")
    shown = term.settle(quiet=0.5)
    assert "Score " not in shown, "blank lines do not end the draft"
    assert ". or press Ctrl-D" in shown, "the console says how to end it"
    term.send(end if end == CTRL_D else end + "\r")
    assert_one_review_of_the_whole_email(review_then_prompt(term))
    term.send(CTRL_D)  # at the prompt, Ctrl-D leaves
    assert term.finish() == 0


def test_the_console_shows_reviews_and_tips_not_logs(start_console: StartConsole) -> None:
    term = start_console()
    term.type_line("/reviewoutreach Hi Dana, we help companies like yours grow. Free for a call?")
    review_then_prompt(term)
    shown = command(term, "/outreachtips now")
    assert "Posted a tip here" in shown
    assert "Before:" in shown and "After:" in shown, "the tip itself is shown"
    screen = quit_console(term)
    for noise in NOT_SHOWN:
        assert noise not in screen, f"{noise!r} on the console's screen"


def test_a_console_subscription_made_from_the_cli_is_the_consoles(
    start_console: StartConsole, tmp_path: Path
) -> None:
    subscribe = ["tips", "subscribe", "--platform", "console", "--channel", "console"]
    made = run_cli(tmp_path, *subscribe, "--weekday", "wed", "--time", "08:30")
    assert made.returncode == 0, made.stderr
    term = start_console()
    status = command(term, "/outreachtips status")
    assert "Weekly tips are on here: every Wednesday at 08:30" in status
    assert "Unsubscribed" in command(term, "/outreachtips unsubscribe")
    quit_console(term)
    assert "no channel is subscribed" in run_cli(tmp_path, "tips", "status").stderr


@pytest.mark.parametrize("variable", ["LOG_LEVEL", "OUTREACH_LOG_LEVEL"])
def test_logs_show_in_the_console_when_asked_for(
    start_console: StartConsole, variable: str
) -> None:
    term = start_console(**{variable: "INFO"})
    term.type_line("/reviewoutreach Hi Dana, how did the Lisbon launch go?")
    assert "INFO" in review_then_prompt(term)
    quit_console(term)


def test_the_banner_names_commands_that_run_in_a_fresh_clone(start_console: StartConsole) -> None:
    term = start_console()
    banner = term.screen.partition(PROMPT)[0]
    assert "no chat platform is configured" in banner
    assert "cp .env.example .env" in banner and "`make run`" in banner
    not_on_path = re.findall(r"(?<![/\w])outreach-review \w+", banner)
    assert not not_on_path, "a fresh clone has it in .venv/bin only"
    quit_console(term)
