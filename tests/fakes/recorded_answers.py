"""Recorded model answers, served by the fake OpenAI server, so `make eval-llm` runs offline.

The answers file holds `{"id", "answer"}` lines: a model's JSON answer to the project's prompt
and schema for each record of a labelled file (`{"id", "text", ...}`), which maps ids to drafts.
The fake finds the draft inside the request's user message (between the fence lines
`prompts/user.md` puts around it) and answers with that draft's recorded JSON, or a 400 when it
has none. Both files are read at start-up from where they are; nothing is copied here.

    python -m tests.fakes.recorded_answers [--answers A] [--labelled L] -- COMMAND ...

starts the fake on 127.0.0.1 (a free port), runs COMMAND with OPENAI_BASE_URL, OPENAI_API_KEY
and OUTREACH_LLM_MODEL pointing at it, and exits with COMMAND's status.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.rules import MAX_DRAFT_CHARS
from tests.fakes.openai_server import FakeOpenAI, RecordedRequest, Step, fail, ok

EVAL_DIR = Path("../shared/eval")
DEFAULT_ANSWERS = EVAL_DIR / "model_answers" / "dev.jsonl"
DEFAULT_LABELLED = EVAL_DIR / "dev.jsonl"
# The fence is longer than any backtick run in the draft, so the first closing fence is its own.
FENCED_DRAFT = re.compile(r"^(`{3,})draft\n(.*?)\n\1$", re.MULTILINE | re.DOTALL)
CHARS_PER_TOKEN = 4  # the usage the fake reports is an estimate, like the project's own
NO_ANSWER = "no recorded answer for this draft"


def draft_in(user_message: str) -> str | None:
    match = FENCED_DRAFT.search(user_message)
    return match.group(2) if match else None


def _tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class RecordedAnswers:
    by_draft: dict[str, str]  # the draft as the grader sends it -> the answer's JSON text

    @classmethod
    def load(cls, answers: Path, labelled: Path) -> RecordedAnswers:
        texts: dict[str, str] = {}
        for line in labelled.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts[str(record["id"])] = str(record["text"])
        by_draft: dict[str, str] = {}
        for line in answers.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                text = texts.get(str(item["id"]))
                if text is not None:
                    by_draft[text[:MAX_DRAFT_CHARS]] = json.dumps(item["answer"])
        return cls(by_draft)

    def respond(self, request: RecordedRequest) -> Step:
        draft = draft_in(request.message_text("user"))
        content = self.by_draft.get(draft) if draft is not None else None
        if content is None:
            return fail(400, NO_ANSWER)
        prompt = "".join(str(m.get("content", "")) for m in request.messages)
        return ok(content, prompt_tokens=_tokens(prompt), completion_tokens=_tokens(content))


async def serve_while(recorded: RecordedAnswers, command: Sequence[str]) -> int:
    fake = await FakeOpenAI().answer_with(recorded.respond).start()
    try:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": fake.base_url,
            "OPENAI_API_KEY": "recorded-answers",
            "OUTREACH_LLM_MODEL": "recorded-answers",
            "OUTREACH_LLM": "on",
        }
        process = await asyncio.create_subprocess_exec(*command, env=env)
        return await process.wait()
    finally:
        await fake.aclose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.recorded_answers",
        description="Run COMMAND against a fake OpenAI server that serves recorded answers.",
    )
    parser.add_argument("--answers", type=Path, default=DEFAULT_ANSWERS)
    parser.add_argument("--labelled", type=Path, default=DEFAULT_LABELLED)
    parser.add_argument("command", nargs=argparse.REMAINDER, metavar="-- COMMAND")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    for path in (args.answers, args.labelled):
        if not path.is_file():
            print(
                f"{parser.prog}: no such file: {path} (see EVAL_DIR in the Makefile)",
                file=sys.stderr,
            )
            return 2
    return asyncio.run(serve_while(RecordedAnswers.load(args.answers, args.labelled), command))


if __name__ == "__main__":
    sys.exit(main())
