"""`outreach-review eval` and `train`: measuring the grader on labelled drafts, and fitting the
rules' weights on them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.draft_input import InputError

EXIT_OK = 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = sub.add_parser("eval", help="measure the grader against labelled drafts")
    ev.add_argument("file", metavar="LABELLED.jsonl")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument(
        "--llm",
        action="store_true",
        help="rules alone, the model's answer alone and both merged, side by side",
    )
    ev.add_argument(
        "--rule-precision",
        action="store_true",
        help="measure each rule's precision on the file and write it for the model merge",
    )
    ev.add_argument(
        "--out", metavar="PATH", help="where --rule-precision writes (default: bot/data/)"
    )
    ev.add_argument(
        "--cv",
        action="store_true",
        help="leave one source out: retrain the rules' weights without each source group "
        "and score it (needs NumPy)",
    )
    ev.set_defaults(handler=cmd_eval)

    tr = sub.add_parser("train", help="fit the rules' weights on labelled drafts (needs NumPy)")
    tr.add_argument("file", metavar="LABELLED.jsonl")
    tr.add_argument("--out", metavar="PATH", help="where to write (default: bot/data/weights.json)")
    tr.set_defaults(handler=cmd_train)


def cmd_eval(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no such file: {args.file}")
    if args.rule_precision:
        return _write_rule_precision(path, args.out)
    if args.llm:
        import asyncio  # here: every command line loads this module, few need asyncio

        from bot.eval_llm import run_llm_eval
        from bot.settings import load_settings

        return asyncio.run(run_llm_eval(path, sys.stdout, load_settings(), as_json=args.json))
    from bot.evaluate import evaluate, format_report
    from bot.rules import review_with_rules

    records = _labelled(path)
    if args.cv:
        from bot.rules.train import TrainingError, cross_validate

        try:
            report = cross_validate(records)
        except TrainingError as exc:
            raise InputError(str(exc)) from None
    else:
        report = evaluate(records, review_with_rules)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        heading = "leave-one-source-out (train on every other source group)" if args.cv else ""
        print((heading + "\n" if heading else "") + format_report(report))
    return EXIT_OK


def _labelled(path: Path) -> list[dict[str, Any]]:
    from bot.evaluate import LabelledDataError, read_labelled

    try:
        return read_labelled(path)
    except (LabelledDataError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot evaluate {path}: {exc}") from None


def cmd_train(args: argparse.Namespace) -> int:
    from bot.rules.train import TrainingError, train, weights_path

    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no such file: {args.file}")
    records = _labelled(path)
    try:
        weights = train(records)
    except TrainingError as exc:
        raise InputError(str(exc)) from None
    target = Path(args.out) if args.out else weights_path()
    target.write_text(weights.to_json(), encoding="utf-8")
    print(f"trained {len(weights.models)} models on {len(records)} drafts; written to {target}")
    return EXIT_OK


def _write_rule_precision(path: Path, out: str | None) -> int:
    from bot.rule_precision import DEFAULT_OUT, format_table, write_rule_precision

    records = _labelled(path)
    target = Path(out) if out else DEFAULT_OUT
    trust = write_rule_precision(records, path, target)
    print(format_table(trust))
    print(f"written to {target}")
    return EXIT_OK


MEASURING = (cmd_eval, cmd_train)
