"""Classes of wording (lexicon.yaml) and the patterns that combine them.

A pattern names a class as `{class}`; loading expands it into a non-capturing alternation,
recursively. `{Name}` is one capitalised word (a name), so a pattern holding it runs on the
original-case text with only that part case-sensitive. Every pattern must run on RE2 (no
lookarounds, no backreferences): one linear pass per list, whatever the draft.
"""

from __future__ import annotations

import re
from functools import cache

from bot.principles import load_data

NAME_CLASS = "{Name}"
NAME_REGEX = "(?-i:[A-Z][A-Za-z0-9&'’.-]*[A-Za-z0-9])"
_REFERENCE = re.compile(r"\{([a-z_]+)\}")
_NOT_RE2 = re.compile(r"\(\?<?[=!]|\\[1-9]")


class LexiconError(ValueError):
    """A class or pattern that cannot be expanded or compiled."""


@cache
def load_classes() -> dict[str, str]:
    raw = load_data("lexicon.yaml")
    assert isinstance(raw, dict)
    items: dict[str, list[str]] = raw["classes"]
    expanded: dict[str, str] = {}

    def expand(name: str, trail: tuple[str, ...]) -> str:
        if name in expanded:
            return expanded[name]
        if name in trail:
            raise LexiconError(f"class {name!r} refers to itself through {' > '.join(trail)}")
        if name not in items:
            raise LexiconError(f"unknown class {{{name}}} (in {' > '.join(trail) or 'a pattern'})")
        parts = [
            _substitute(
                item.replace(NAME_CLASS, NAME_REGEX), lambda ref: expand(ref, (*trail, name))
            )
            for item in items[name]
        ]
        # Longest first, so an alternation prefers "i'm" over "i".
        parts.sort(key=len, reverse=True)
        expanded[name] = "(?:" + "|".join(parts) + ")"
        return expanded[name]

    for name in items:
        expand(name, ())
    return expanded


def _substitute(pattern: str, resolve: object) -> str:
    assert callable(resolve)
    return _REFERENCE.sub(lambda m: str(resolve(m.group(1))), pattern)


def expand_pattern(pattern: str) -> tuple[str, bool]:
    """The regex for a pattern, and whether it needs the original case (it holds a name)."""
    if _NOT_RE2.search(pattern):
        raise LexiconError(f"RE2 cannot run lookarounds or backreferences: {pattern!r}")
    classes = load_classes()
    body = pattern.replace(NAME_CLASS, NAME_REGEX)

    def resolve(name: str) -> str:
        if name not in classes:
            raise LexiconError(f"unknown class {{{name}}} in {pattern!r}")
        return classes[name]

    expanded = _substitute(body, resolve)
    return expanded, NAME_REGEX in expanded  # a name anywhere, even inside a class
