"""Leave one source out on dev at three regularisation strengths, and their mean.

Run: `.venv/bin/python benchmarks/cv_over_c.py ../shared/eval` (needs NumPy). A change to
the rules moves the weights, and at one strength a few drafts near 0.5 flip either way
with any retraining; the mean over C x 0.7, 1 and 1.4 is steadier, so a change is judged
on it (README, "Quality, measured").
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.evaluate import read_labelled
from bot.rules.train import C, cross_validate, feature_table

SCALES = (0.7, 1.0, 1.4)


def main(eval_dir: str) -> None:
    records = read_labelled(Path(eval_dir) / "dev.jsonl")
    table = feature_table(records)
    rows = []
    for scale in SCALES:
        report = cross_validate(records, table, C * scale)
        rows.append(
            (report.macro_f1, report.verdict_accuracy, len(report.critical), report.kind_accuracy)
        )
        macro, verdict, critical, kind = rows[-1]
        print(
            f"C {C * scale:.3f}  macro-F1 {macro:.3f}  verdict {verdict:.3f}  "
            f"critical {critical}  kind {kind:.3f}"
        )
    mean = [sum(row[i] for row in rows) / len(rows) for i in range(4)]
    print(
        f"mean     macro-F1 {mean[0]:.4f}  verdict {mean[1]:.4f}  "
        f"critical {mean[2]:.2f}  kind {mean[3]:.4f}"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval")
