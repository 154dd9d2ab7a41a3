"""Where a network with several labels per text starts: every label at 0.5, or at its share of the texts.

    python benchmarks/label_rates_start.py [--train 2000] [--seeds 0,1] [--out benchmarks/results/label_rates_start.md]

The default ``mlp`` (tf-idf, as ``Pipeline(model="mlp")`` builds it) learns GoEmotions' 28 labels from a
sample of ``--train`` training comments (drawn with each seed, and a comment of each label the draw lacks), once with the output biases as PyTorch starts
them (small random values: every label near 0.5, as before 7 December 2026; ``nets.start_at_label_rates``
replaced by a no-op) and once as the package starts them now (the log-odds of each label's share of the training comments). Each is scored on the whole
GoEmotions dev split at its tuned thresholds: macro- and micro-F1, the labels given per comment, and the epoch
early stopping kept. A few thousand comments is where a user meets the difference: a network started at 0.5
spends its first epochs learning how rare each label is, and early stopping judges those epochs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment import Pipeline  # noqa: E402
from sentiment.evaluation import evaluate  # noqa: E402
from sentiment.models import nets  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def sample(labels: list, n: int, seed: int) -> list[int]:
    """``n`` rows drawn at random, and for each label the draw lacks, the next row in the same order that has
    it (a model must know every label the dev split has)."""
    order = np.random.default_rng(seed).permutation(len(labels))
    rows = list(order[:n])
    lacking = {label for row in labels for label in row} - {label for i in rows for label in labels[i]}
    for i in order[n:]:
        if lacking & set(labels[i]):
            rows.append(i)
            lacking -= set(labels[i])
    return rows


def run(texts: list, labels: list, dev_x: list, dev_y: list, start_at_rates: bool) -> dict:
    """Fit the default mlp with the output biases started one way; its dev figures."""
    kept = nets.start_at_label_rates
    if not start_at_rates:
        nets.start_at_label_rates = lambda *args, **kwargs: None  # the biases stay as PyTorch drew them
    try:
        began = time.perf_counter()
        pipe = Pipeline(model="mlp").fit(texts, labels)
    finally:
        nets.start_at_label_rates = kept
    report = evaluate(pipe, dev_x, dev_y)
    given = np.mean([len(row) for row in pipe.predict(dev_x)])
    return {"macro_f1": report["macro_f1"], "micro_f1": report["micro_f1"], "labels_per_text": float(given),
            "epoch_kept": pipe.model_.best_epoch_, "epochs": len(pipe.model_.history_),
            "seconds": time.perf_counter() - began}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=datasets.positive_int, default=2000,
                        help="training comments drawn from GoEmotions train")
    parser.add_argument("--seeds", default="0,1", type=datasets.numbers_of(int),
                        help="the samples' seeds (the networks' own seed stays 0)")
    parser.add_argument("--out", default=str(RESULTS / "label_rates_start.md"))
    args = parser.parse_args()
    texts, labels, dev_x, dev_y = datasets.load("goemotions")
    lines = [f"GoEmotions (28 labels), the default mlp trained on {args.train:,} training comments, scored on the "
             f"{len(dev_x):,} dev comments at its tuned thresholds:", "",
             "| seed | output biases start at | macro-F1 | micro-F1 | labels per comment | epoch kept (of) | seconds |",
             "|---|---|---|---|---|---|---|"]
    for seed in [int(s) for s in args.seeds.split(",")]:
        rows = sample(labels, args.train, seed)
        sample_x, sample_y = [texts[i] for i in rows], [labels[i] for i in rows]
        for at_rates, shown in ((False, "near 0.5 for every label (before)"), (True, "each label's share (now)")):
            r = run(sample_x, sample_y, dev_x, dev_y, at_rates)
            lines.append(f"| {seed} | {shown} | {r['macro_f1']:.4f} | {r['micro_f1']:.4f} | {r['labels_per_text']:.2f} "
                         f"| {r['epoch_kept']} ({r['epochs']}) | {r['seconds']:.0f} |")
            print(lines[-1], flush=True)
    table = "\n".join(lines)
    print("\n" + table)
    Path(args.out).write_text(table + "\n")


if __name__ == "__main__":
    main()
