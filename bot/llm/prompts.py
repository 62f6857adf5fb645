"""Prompt files: found once, rendered strictly, principle text taken from the data file.

In the built wheel the repository's `prompts/` is force-included as `bot/_prompts`;
in a checkout it sits next to the package.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from bot.principles import Principle, load_kind_conventions, load_principles

# No tokenizer offline: a prompt's size is the larger of two common estimates.
CHARS_PER_TOKEN = 4
TOKENS_PER_WORD = 1.35
SYSTEM_PROMPT_TOKEN_BUDGET = 1200
SYSTEM_FILE = "system.md"
USER_FILE = "user.md"
REWRITE_FILE = "rewrite.md"


class PromptError(Exception):
    """A prompt file is missing or a template was rendered with the wrong variables."""


def prompts_dir() -> Path:
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "_prompts", package_dir.parent / "prompts"):
        if (candidate / SYSTEM_FILE).is_file():
            return candidate
    raise PromptError(f"prompt files not found in {package_dir / '_prompts'} or ../prompts")


def render(template_text: str, **values: str) -> str:
    """Fill `${name}` placeholders; a missing or an unexpected name is an error."""
    template = Template(template_text)
    if not template.is_valid():
        raise PromptError("template has an invalid placeholder (use ${name}, $$ for a dollar)")
    expected = set(template.get_identifiers())
    missing = expected - values.keys()
    unknown = values.keys() - expected
    if missing or unknown:
        raise PromptError(
            f"template variables: missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    return template.substitute(values)


def estimate_tokens(text: str) -> int:
    """Characters / 4 or words x 1.35, whichever is larger (rounded up)."""
    by_chars = -(-len(text) // CHARS_PER_TOKEN)
    by_words = math.ceil(len(text.split()) * TOKENS_PER_WORD)
    return max(by_chars, by_words)


ADVICE_WARN = ' Here "warn" means met but could be sharper; it does not count against the draft.'


def principle_line(principle: Principle) -> str:
    line = f"- {principle.id} ({principle.title}): {principle.why} Fix: {principle.fix}"
    if principle.convention:
        line += f" Counts: {principle.convention}"
    return line + (ADVICE_WARN if principle.warn_is_advice else "")


def principles_block(principles: tuple[Principle, ...]) -> str:
    return "\n".join(principle_line(p) for p in principles)


def kinds_block(kinds: dict[str, str]) -> str:
    return "\n".join(f'- "{kind}": {text}' for kind, text in kinds.items())


def fence_for(draft: str) -> str:
    """A backtick fence longer than any backtick run in the draft, so it cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", draft)), default=0)
    return "`" * max(3, longest + 1)


@dataclass(frozen=True)
class PromptSet:
    system: str
    user_template: str
    rewrite_instructions: str
    principle_ids: tuple[str, ...]

    def user_message(self, draft: str, output_format: str = "") -> str:
        return render(
            self.user_template,
            draft=draft,
            draft_fence=fence_for(draft),
            principle_ids=", ".join(self.principle_ids),
            rewrite_instructions=self.rewrite_instructions,
            output_format=output_format,
        )


def load_prompts(directory: Path | None = None) -> PromptSet:
    """Read and pre-render the prompts once, at start-up."""
    folder = directory or prompts_dir()
    try:
        system_text = (folder / SYSTEM_FILE).read_text(encoding="utf-8")
        user_text = (folder / USER_FILE).read_text(encoding="utf-8")
        rewrite_text = (folder / REWRITE_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"cannot read prompt file: {exc}") from exc
    principles = load_principles()
    system = render(
        system_text,
        principles=principles_block(principles),
        kinds=kinds_block(load_kind_conventions()),
    ).strip()
    if estimate_tokens(system) > SYSTEM_PROMPT_TOKEN_BUDGET:
        raise PromptError(
            f"system prompt is ~{estimate_tokens(system)} tokens, over the "
            f"{SYSTEM_PROMPT_TOKEN_BUDGET}-token budget"
        )
    return PromptSet(
        system=system,
        user_template=user_text.strip(),
        rewrite_instructions=rewrite_text.strip(),
        principle_ids=tuple(p.id for p in principles),
    )
