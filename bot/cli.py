"""`outreach-review`: review, batch, eval, principles, serve, tips, db.

The rules-only path imports neither `openai` nor any platform library, so a
review with `--no-llm` starts and answers in a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.draft_input import InputError, read_draft
from bot.eval_cli import MEASURING
from bot.eval_cli import register as register_measuring

if TYPE_CHECKING:
    from bot.ports import TipPoster
    from bot.service import ReviewService
    from bot.settings import Settings

EXIT_OK, EXIT_USAGE = 0, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a tool ended by SIGPIPE


def _settings() -> Settings:
    from bot.settings import load_settings

    return load_settings()


def _service(settings: Settings) -> ReviewService:
    from bot.compose.wiring import build_service

    return build_service(settings)


def cmd_review(args: argparse.Namespace) -> int:
    text = read_draft(args.file)
    if args.no_llm:
        from bot import review_with_rules

        review = review_with_rules(text)
    else:
        import asyncio  # here, not at the top: `review --no-llm` starts faster without it

        from bot.ports import Rejected

        service = _service(_settings())
        outcome = asyncio.run(_review_once(service, text))
        if isinstance(outcome, Rejected):
            raise InputError(outcome.message)
        review = outcome
    if args.json:
        print(json.dumps(review.to_dict(), ensure_ascii=False, indent=2))
    else:
        from bot.render_text import render_review

        print(render_review(review, text, colour=sys.stdout.isatty()))
    return EXIT_OK


async def _review_once(service: ReviewService, text: str) -> Any:
    try:
        return await service.review(text, platform="cli")
    finally:
        await service.aclose()


def cmd_batch(args: argparse.Namespace) -> int:
    from bot.batch import run_batch

    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no such file: {args.file}")
    service = None if args.no_llm else _service(_settings())
    import asyncio

    return asyncio.run(run_batch(path, sys.stdout, service))


def cmd_principles(args: argparse.Namespace) -> int:
    from bot.principles import load_principles

    principles = load_principles()
    if args.json:
        print(json.dumps([p.__dict__ for p in principles], ensure_ascii=False, indent=2))
        return EXIT_OK
    for p in principles:
        print(f"{p.id:<15} {p.title}\n{'':<15} Why: {p.why}\n{'':<15} Fix: {p.fix}")
        print(f"{'':<15} Counts: {p.convention}\n" if p.convention else "")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.compose.serve import serve

    return serve(_settings(), slack=args.slack, discord=args.discord, console=args.console)


# Commands parsed without the tips subcommands registered: registering them imports the tips
# package and its scheduler, which `review --no-llm` would pay for at every start.
_WITHOUT_TIPS = frozenset({"review", "batch"})


def build_parser(*, with_tips: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outreach-review",
        description="A frank, fast critique of an outreach draft before you send it.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    review = sub.add_parser("review", help="review one draft (a file, or - for stdin)")
    review.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    review.add_argument("--json", action="store_true", help="print the review as JSON")
    review.add_argument("--no-llm", action="store_true", help="use the built-in rules only")
    review.set_defaults(handler=cmd_review)

    batch = sub.add_parser("batch", help='review every {"id", "text"} line of a JSONL file')
    batch.add_argument("file", metavar="IN.jsonl")
    batch.add_argument("--no-llm", action="store_true", help="use the built-in rules only")
    batch.set_defaults(handler=cmd_batch)

    register_measuring(sub)

    principles = sub.add_parser("principles", help="list the principles drafts are graded on")
    principles.add_argument("--json", action="store_true")
    principles.set_defaults(handler=cmd_principles)

    serve = sub.add_parser(
        "serve",
        help="run the bot (Slack/Discord when configured, else console)",
        description="Run every adapter that has credentials, the weekly tips and "
        "/healthz, /readyz, /metrics in one process; the console when none is configured. "
        "SIGTERM/SIGINT stop it gracefully. See docs/operations.md.",
    )
    serve.add_argument(
        "--slack", action="store_true", help="run the Slack adapter (needs SLACK_BOT_TOKEN)"
    )
    serve.add_argument(
        "--discord", action="store_true", help="run the Discord adapter (needs DISCORD_TOKEN)"
    )
    serve.add_argument("--console", action="store_true", help="run the console adapter")
    serve.set_defaults(handler=cmd_serve)

    if not with_tips:
        return parser
    try:
        from bot.tips.cli import register
    except ImportError:
        pass
    else:
        register(sub, posters_for=_cron_posters)
    return parser


def _cron_posters(settings: Settings) -> AbstractAsyncContextManager[Mapping[str, TipPoster]]:
    from bot.compose.cron import cron_posters

    return cron_posters(settings)


def _tolerant_stdout() -> None:
    """Output never fails to encode: a lone surrogate (from a JSON "\\ud800" escape) is
    written as `\\ud800`, which in JSON output is the same escape, read back unchanged."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows up here, not as the interpreter exits
    except BrokenPipeError:
        # The reader stopped reading (`| head`): stop quietly, as Unix tools do.
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    return code


def _discard_stdout() -> None:
    """What is still buffered for stdout goes nowhere, so exiting prints no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout is not a file (a test's capture)
        pass


def _run(argv: Sequence[str] | None) -> int:
    _tolerant_stdout()
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(with_tips=not (words and words[0] in _WITHOUT_TIPS))
    args = parser.parse_args(words)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if handler in (cmd_review, cmd_batch, cmd_principles, cmd_serve, *MEASURING):
            return int(handler(args))
        return int(handler(args, _settings()))
    except InputError as exc:
        print(f"outreach-review: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # settings errors and the like: one line, no traceback
        from bot.settings import SettingsError

        if isinstance(exc, SettingsError):
            print(f"outreach-review: {exc}", file=sys.stderr)
            return EXIT_USAGE
        raise


if __name__ == "__main__":
    sys.exit(main())
