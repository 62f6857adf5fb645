"""Is the model merge's fit to dev honest? Leave-one-source-out and per-source-group figures.

Run: `.venv/bin/python benchmarks/merge_loso.py [EVAL_DIR [ANSWERS]]` (default ../shared/eval,
which holds dev.jsonl, and its model_answers/dev.jsonl; ANSWERS for another model's). Offline:
the recorded answers go straight into `bot.llm.merge.merge`, the function the grader calls
(`make eval-llm` goes through HTTP and the `openai` client, and prints the same dev figures).

The merge takes three things from dev, and each is refitted on every fold here:
1. which principles' model "warn" is advice, not a violation (principles.yaml `model_warn`):
   those where most of the model's warns are labelled not violated;
2. which rules are trusted (rule_precision.yaml): precision >= 0.9 on at least 10 drafts;
3. the verdict rule, chosen by accuracy among the model's own verdict, the fixed rule from the
   statuses shown, and the fixed rule kept within one step of the model's verdict.
A fold holds out every record of one source group (the repository, or the host of a URL) and
fits on the others. The rules' findings in the folds are those of weights trained without the
draft's source group (as `make rule-precision` measures them), so a held-out draft is reviewed
by rules that never saw it. Also printed: ablations on the whole of dev, and per-group verdicts.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.eval_llm import answer_as_review
from bot.evaluate import EvalReport, add_result, source_group
from bot.llm.injection import load_injection_patterns
from bot.llm.merge import MergePolicy, default_policy, merge
from bot.llm.prompts import load_prompts
from bot.llm.schema import ModelReviewBase, build_answer_model
from bot.llm.trust import RuleTrust
from bot.models import Review, Verdict
from bot.rule_precision import LABEL_OF, MIN_SUPPORT, THRESHOLD, tally
from bot.rules import review_with_rules
from bot.rules.scoring import verdict_for
from bot.rules.train import cross_validated_reviews


@dataclass(frozen=True)
class Case:
    record: dict[str, Any]
    group: str
    rules: Review
    answer: ModelReviewBase


def load_cases(eval_dir: Path, answers_path: Path) -> list[Case]:
    answer_model = build_answer_model(load_prompts().principle_ids)
    answers = {}
    for line in answers_path.read_text("utf-8").splitlines():
        item = json.loads(line)
        answers[item["id"]] = answer_model.model_validate(item["answer"])
    cases = []
    for line in (eval_dir / "dev.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        rules = review_with_rules(record["text"])
        cases.append(Case(record, source_group(record["source"]), rules, answers[record["id"]]))
    return cases


def warn_shares(cases: Iterable[Case]) -> dict[str, tuple[int, int]]:
    """Per principle: (model warns labelled violated, model warns)."""
    shares = {pid: (0, 0) for pid in LABEL_OF}
    for case in cases:
        for pid, label in LABEL_OF.items():
            truth = case.record[label]
            judgement = case.answer.judgement(pid)
            if truth is None or judgement is None or judgement.status != "warn":
                continue
            violated, warns = shares[pid]
            shares[pid] = (violated + bool(truth), warns + 1)
    return shares


def fit_policy(cases: list[Case]) -> MergePolicy:
    shares = warn_shares(cases)
    advice = frozenset(pid for pid, (v, n) in shares.items() if n and v / n < 0.5)
    trust = RuleTrust(THRESHOLD, MIN_SUPPORT, tally((c.record, c.rules) for c in cases))
    return MergePolicy(trust, advice)


def overruled(case: Case, trust: RuleTrust) -> ModelReviewBase:
    """The answer with each model pass a trusted rule disagrees with turned into a warn."""
    answer = case.answer.model_copy(deep=True)
    for principle in case.rules.principles:
        judgement = answer.judgement(principle.id)
        fired = any(trust.trusted(f.rule_id) for f in principle.findings)
        if judgement is not None and judgement.status == "pass" and fired:
            judgement.status = "warn"
    return answer


def project(case: Case, policy: MergePolicy, *, overrule: bool = False) -> Review:
    text = case.record["text"]
    injection = load_injection_patterns()
    note = injection.note if injection.found_in(text) else None
    answer = overruled(case, policy.trust) if overrule else case.answer
    return merge(text, case.rules, answer, injection_note=note, policy=policy).review


VerdictRule = Callable[[Case, Review], Verdict]
VERDICT_RULES: dict[str, VerdictRule] = {
    "model's verdict": lambda case, review: case.answer.verdict,
    "fixed rule": lambda case, review: verdict_for(review.statuses()),
    "fixed rule, within one step of the model's": lambda case, review: review.verdict,
}
DEFAULT_RULE = "fixed rule, within one step of the model's"


def with_rule(rule: str, case: Case, review: Review) -> Review:
    return replace(review, verdict=VERDICT_RULES[rule](case, review))


def report(pairs: Iterable[tuple[Case, Review]]) -> EvalReport:
    result = EvalReport()
    for case, review in pairs:
        add_result(result, case.record, review)
    return result


def line(name: str, r: EvalReport) -> str:
    reason = r.labels["no_reason"].f1
    return (
        f"{name:<52} {r.macro_f1:6.3f} {reason:7.3f} {r.verdict_accuracy:8.3f} "
        f"{len(r.critical):>4} ({r.critical_rate:4.1%}) {r.kind_accuracy:5.3f}"
    )


HEADER = f"{'path':<52} {'F1':>6} {'reason':>7} {'verdict':>8} {'critical':>12} {'kind':>5}"


def loso(cases: list[Case], choices: Counter[str]) -> list[tuple[Case, Review]]:
    held_out = cross_validated_reviews([c.record for c in cases])
    unseen = [replace(c, rules=rules) for c, rules in zip(cases, held_out, strict=True)]
    out = []
    for group in sorted({c.group for c in unseen}):
        train = [c for c in unseen if c.group != group]
        policy = fit_policy(train)
        reviews = [(c, project(c, policy)) for c in train]
        # Ties go to the rule the project ships.
        rule = max(
            VERDICT_RULES,
            key=lambda name: (
                report((c, with_rule(name, c, r)) for c, r in reviews).verdict_accuracy,
                name == DEFAULT_RULE,
            ),
        )
        choices[f"advice warns {sorted(policy.advice_warns)}"] += 1
        choices[f"trusted rules {list(policy.trust.trusted_ids())}"] += 1
        choices[f"verdict: {rule}"] += 1
        out += [(c, with_rule(rule, c, project(c, policy))) for c in unseen if c.group == group]
    return out


def per_group(cases: list[Case], paths: dict[str, list[tuple[Case, Review]]]) -> None:
    groups = sorted({c.group for c in cases})
    correct = {name: Counter[str]() for name in paths}
    for name, pairs in paths.items():
        for case, review in pairs:
            correct[name][case.group] += review.verdict == case.record["verdict"]
    size = Counter(c.group for c in cases)
    base = "model alone"
    for name in paths:
        if name == base:
            continue
        diff = [correct[name][g] - correct[base][g] for g in groups]
        print(
            f"{name}: vs the model alone, verdicts better in {sum(d > 0 for d in diff)} groups, "
            f"the same in {sum(d == 0 for d in diff)}, worse in {sum(d < 0 for d in diff)} "
            f"(of {len(groups)}); worst group {min(diff):+d} drafts"
        )
    print(f"\n{'group (>= 6 drafts)':<48} {'n':>3}" + "".join(f"{n[:14]:>16}" for n in paths))
    for g in sorted(groups, key=lambda g: -size[g]):
        if size[g] >= 6:
            cells = "".join(f"{correct[n][g] / size[g]:16.2f}" for n in paths)
            print(f"{g[:48]:<48} {size[g]:>3}{cells}")


CLARIFIED_FROM = 77


def clarified(case: Case) -> bool:
    number = case.record["id"].rpartition("-")[2]
    return number.isdigit() and int(number) >= CLARIFIED_FROM


def main(argv: list[str]) -> int:
    eval_dir = Path(argv[0] if argv else "../shared/eval")
    answers = Path(argv[1]) if len(argv) > 1 else eval_dir / "model_answers" / "dev.jsonl"
    if not (eval_dir / "dev.jsonl").is_file() or not answers.is_file():
        print(f"needs {eval_dir}/dev.jsonl and {answers}", file=sys.stderr)
        return 2
    cases = load_cases(eval_dir, answers)
    shipped = default_policy()
    print(f"{len(cases)} drafts, {len({c.group for c in cases})} source groups\n")
    print("model warns labelled violated, per principle (dev):")
    for pid, (v, n) in warn_shares(cases).items():
        mark = "advice" if pid in shipped.advice_warns else "violation"
        print(f"  {pid:<15} {v:>3} of {n:>3} ({v / n if n else 0:.0%})  shipped as {mark}")
    no_advice = replace(shipped, advice_warns=frozenset())
    paths = {
        "model alone": [(c, answer_as_review(c.answer, c.rules)) for c in cases],
        "project (shipped data)": [(c, project(c, shipped)) for c in cases],
    }
    print(f"\nwhole of dev (fitted on it)\n{HEADER}")
    print(line("rules alone", report((c, c.rules) for c in cases)))
    for name, pairs in paths.items():
        print(line(name, report(pairs)))
    for rule in VERDICT_RULES:
        pairs = [(c, with_rule(rule, c, r)) for c, r in paths["project (shipped data)"]]
        print(line(f"  verdict: {rule}", report(pairs)))
    print(line("  every model warn a violation", report((c, project(c, no_advice)) for c in cases)))
    overrule = [(c, project(c, shipped, overrule=True)) for c in cases]
    print(line("  trusted rules also overrule a model pass", report(overrule)))
    choices: Counter[str] = Counter()
    paths["project (LOSO)"] = loso(cases, choices)
    print(f"\nleave one source group out (each fold refits 1-3; rules held out too)\n{HEADER}")
    print(line("project, fitted without the held-out group", report(paths["project (LOSO)"])))
    print("\nwhat the folds chose:")
    for choice, folds in choices.most_common():
        print(f"  {folds:>3} folds  {choice}")
    print()
    per_group(cases, paths)
    print(f"\nby labelling round (RUBRIC: clarifications apply from dev-{CLARIFIED_FROM:03d})")
    print(HEADER)
    for name in ("model alone", "project (shipped data)"):
        for later in (False, True):
            pairs = [(c, r) for c, r in paths[name] if clarified(c) == later]
            label = "after" if later else "before"
            print(line(f"{name}, {len(pairs)} drafts {label}", report(pairs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
