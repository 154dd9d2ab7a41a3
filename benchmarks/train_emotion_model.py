"""Train the default emotion model shipped in models/emotion, and print its dev figures.

    python benchmarks/train_emotion_model.py [--out models/emotion]

GoEmotions' 27 emotions + neutral, several per text, with the emotion task's configuration
(``Pipeline.for_task("emotion")``, the best classical row of results/emotion.md). It is exactly
``sentiment fit goemotions/train.csv --dev goemotions/dev.csv --label-column labels --multi-label
--task emotion --set max_features=100000`` (the cap keeps the shipped file small): the model trains on 90% of GoEmotions train, each label's threshold is tuned on the
other 10% (seed 0), and it is scored on GoEmotions dev, also by Ekman and sentiment groups. The
model remembers its columns and separator, so ``sentiment evaluate goemotions/dev.csv --task emotion``
needs no options. The dev figures are written to ``results/emotion_model.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment.commands import evaluate_file, fit_file  # noqa: E402

OPTIONS = {"max_features": 100_000}  # keeps the model small (28 labels x features float32 weights)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "models" / "emotion"))
    args = parser.parse_args()
    folder = datasets.ROOT / "goemotions"
    pipe, report = fit_file(folder / "train.csv", args.out, dev=folder / "dev.csv", label_column="labels",
                            task="emotion", multi_label=True, options=OPTIONS, seed=datasets.SEED, log=print)
    lines = ["| labels (dev) | n | macro-F1 | micro-F1 |", "|---|---|---|---|",
             f"| 28 | {report['n']} | {report['macro_f1']:.4f} | {report['micro_f1']:.4f} |"]
    for grouping in ("ekman", "sentiment"):
        grouped = evaluate_file(folder / "dev.csv", args.out, grouping=grouping)[1]
        lines.append(f"| {grouping} groups | {grouped['n']} | {grouped['macro_f1']:.4f} | {grouped['micro_f1']:.4f} |")
    size = sum(f.stat().st_size for f in Path(args.out).rglob("*") if f.is_file())
    print(f"\n{pipe.vectorizer} + {pipe.model}, {pipe.vectorizer_.n_features} features; "
          f"saved to {args.out} ({size / 1e6:.1f} MB)")
    print("\n".join(lines))
    print(json.dumps({k: report[k] for k in ("n", "macro_f1", "micro_f1")}))
    (Path(__file__).resolve().parent / "results" / "emotion_model.md").write_text(
        f"`python benchmarks/train_emotion_model.py` ({pipe.info_['trained_on']:,} training comments, "
        f"{pipe.vectorizer_.n_features:,} features, {size / 1e6:.0f} MB):\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
