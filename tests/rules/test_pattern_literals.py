"""No pattern is a sentence lifted from an example: none holds six or more literal words in a row.

Patterns are read raw (lexicon.yaml classes and acts.yaml acts, before `{class}` expansion).
Regex syntax is stripped conservatively, so only words a match must contain in that order
count: a class reference, an alternation bar, a wildcard or a repeated character class ends a
run; zero-width escapes, group brackets and one optional character do not ("colleagues?").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.principles import load_data

MAX_LITERAL_WORDS = 5
BREAK = "\x00"
_TOKENS = re.compile(
    r"""
    (?P<cls>\{[A-Za-z_]+\})                      # a class reference: {offer_verb}, {Name}
    |(?P<set>\[(?:\\.|[^\]])*\])(?P<setq>[?*+]|\{\d*,?\d*\})?   # a character set
    |(?P<esc>\\[bB])                              # zero-width escapes
    |(?P<space>\\s)(?P<spaceq>[?*+]|\{\d*,?\d*\})?
    |(?P<wild>\\[wWdDS]|\.)(?:[?*+]|\{\d*,?\d*\})?   # wildcards
    |(?P<lit>\\.)                                 # an escaped literal: \. \$ \(
    |(?P<open>\((?:\?(?:[imsx-]*:|P<\w+>|[imsx-]+\)))?)   # a group opens (or a flag group)
    |(?P<close>\))(?:[?*+]|\{\d*,?\d*\})?\??      # a group closes, perhaps repeated
    |(?P<bar>\|)
    |(?P<anchor>[\^$])
    |(?P<opt>.)\?                                 # one optional character: hours?
    |(?P<rep>.)(?:[*+]|\{\d*,?\d*\})              # a repeated character
    |(?P<char>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_RUN = re.compile(r"[a-z0-9]+(?:['’&.-][a-z0-9]+)*'?(?: [a-z0-9]+(?:['’&.-][a-z0-9]+)*'?)*")


def _optional_groups(pattern: str) -> set[int]:
    """Where each group that may be skipped or repeated opens and closes."""
    out: set[int] = set()
    stack: list[int] = []
    escaped = in_set = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_set:
            in_set = char != "]"
        elif char == "[":
            in_set = True
        elif char == "(":
            stack.append(index)
        elif char == ")" and stack:
            opened = stack.pop()
            if pattern[index + 1 : index + 2] in ("?", "*", "+", "{"):
                out.update((opened, index))
    return out


def plain_text(pattern: str) -> str:
    """The pattern with its syntax stripped; BREAK where literal text cannot continue."""
    out: list[str] = []
    optional = _optional_groups(pattern)
    for m in _TOKENS.finditer(pattern):
        kind = m.lastgroup
        if kind in ("open", "close") and m.start() in optional:
            out.append(BREAK)
        elif kind in ("cls", "wild", "bar", "rep", "setq") or (kind == "set" and m.group("setq")):
            out.append(BREAK)
        elif kind == "set":
            out.append("x")  # one letter from a set inside a word: organi[sz]e
        elif kind in ("space", "spaceq"):
            out.append(BREAK if m.group("spaceq") else " ")
        elif kind == "lit":
            out.append(m.group(0)[1])
        elif kind == "char":
            out.append(m.group(0))
        # zero-width escapes, anchors, group brackets and optional characters add nothing
    return "".join(out)


def literal_runs(pattern: str) -> list[str]:
    runs: list[str] = []
    for piece in plain_text(pattern.lower()).split(BREAK):
        runs.extend(run for run in _RUN.findall(piece) if len(run.split()) > MAX_LITERAL_WORDS)
    return runs


def patterns() -> Iterator[tuple[str, str]]:
    lexicon = load_data("lexicon.yaml")
    assert isinstance(lexicon, dict)
    for name, items in lexicon["classes"].items():
        for item in items:
            yield f"lexicon.yaml class {name}", item
    acts = load_data("acts.yaml")
    assert isinstance(acts, dict)
    for name, act in acts["acts"].items():
        for where in ("lead", "anywhere"):
            for item in act.get(where, []):
                yield f"acts.yaml act {name} ({where})", item


def test_the_stripper_keeps_words_and_breaks_at_syntax() -> None:
    assert literal_runs("i know you get a lot of") == ["i know you get a lot of"]
    assert literal_runs(r"\bone two (?:three )four five six\b") == ["one two three four five six"]
    assert literal_runs(r"\bone two (?:three )?four five six\b") == []
    assert literal_runs("one two three {cls} four five six") == []
    assert literal_runs("one two three|four five six") == []
    assert literal_runs(r"one two three (?:[\w-]+ ){0,3}four five six") == []
    assert literal_runs("organi[sz]ed one two three four colleagues?") == [
        "organixed one two three four colleague"
    ]


def test_no_pattern_holds_six_literal_words_in_a_row() -> None:
    offenders = [
        f"{where}: {pattern!r} holds {run!r}"
        for where, pattern in patterns()
        for run in literal_runs(pattern)
    ]
    assert not offenders, "\n".join(offenders)
