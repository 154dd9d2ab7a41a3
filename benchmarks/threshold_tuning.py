"""How steady per-label threshold tuning is: GoEmotions, several held-out tuning splits.

    python benchmarks/threshold_tuning.py [--seeds 0,1,2,3,4] [--out benchmarks/results/threshold_tuning.md]

For each seed, the shipped emotion model's recipe (``Pipeline.for_task("emotion", multi_label=True,
max_features=100_000)``, ``benchmarks/train_emotion_model.py``) trains on 90% of GoEmotions train and
its probabilities on the other 10% (the tuning split) choose each label's threshold by one rule:

- ``0.5``: no tuning;
- ``per label``: the grid point with the label's best F1 on the tuning split (``tune_thresholds``);
- ``per label, smoothed``: the same on the F1 curve averaged over each grid point and its two neighbours,
  so that a lone spike (a rare label's few examples) weighs less than a broad rise;
- ``one for all``: the single grid point with the best macro-F1 on the tuning split.

Each is scored on GoEmotions dev (macro-F1 over the 28 labels). The spread over seeds is what a user
meets: which tenth of their data happens to be held out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment import Pipeline  # noqa: E402
from sentiment.labels import targets_for  # noqa: E402
from sentiment.multilabel import (DEFAULT_THRESHOLD, MIN_POSITIVES, THRESHOLD_GRID, decide, label_f1,  # noqa: E402
                                  macro_f1, tune_thresholds)
from sentiment.splits import train_dev_split  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def smoothed_thresholds(truth: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Per label, the grid point with the best F1 averaged with its neighbours' (ties: nearest 0.5)."""
    scores = np.stack([label_f1(truth, probabilities >= t) for t in THRESHOLD_GRID])
    padded = np.concatenate([scores[:1], scores, scores[-1:]])
    smooth = (padded[:-2] + padded[1:-1] + padded[2:]) / 3
    order = np.argsort(np.abs(THRESHOLD_GRID - DEFAULT_THRESHOLD), kind="stable")
    best = order[smooth[order].argmax(axis=0)]
    return np.where(truth.sum(axis=0) >= MIN_POSITIVES, THRESHOLD_GRID[best], DEFAULT_THRESHOLD)


def shared_threshold(truth: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    scores = [macro_f1(truth, probabilities >= t)[0] for t in THRESHOLD_GRID]
    return np.full(truth.shape[1], THRESHOLD_GRID[int(np.argmax(scores))])


RULES = {"0.5": lambda truth, p: np.full(truth.shape[1], DEFAULT_THRESHOLD), "per label": tune_thresholds,
         "per label, smoothed": smoothed_thresholds, "one for all": shared_threshold}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0,1,2,3,4", type=datasets.numbers_of(int))
    parser.add_argument("--out", default=str(RESULTS / "threshold_tuning.md"))
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    train_x, train_y, dev_x, dev_y = datasets.load("goemotions")
    scores = {rule: [] for rule in RULES}
    for seed in seeds:
        fit_x, fit_y, tune_x, tune_y = train_dev_split(list(train_x), list(train_y), 0.1, seed, part="tune")
        pipe = Pipeline.for_task("emotion", multi_label=True, max_features=100_000)
        pipe.fit(fit_x, fit_y, dev=(tune_x, tune_y))  # given the tuning split, fit holds out no other
        tune_p, dev_p = pipe.predict_proba(tune_x), pipe.predict_proba(list(dev_x))
        tune_t, dev_t = (targets_for(pipe.classes_, pipe.label_names_, labels, multi_label=True)
                         for labels in (tune_y, dev_y))
        for rule, choose in RULES.items():
            scores[rule].append(macro_f1(dev_t, decide(dev_p, choose(tune_t, tune_p)))[0])
        print(f"seed {seed}: " + ", ".join(f"{rule} {s[-1]:.4f}" for rule, s in scores.items()), flush=True)
    lines = [f"GoEmotions dev macro-F1 (28 labels) of the shipped emotion model's recipe, thresholds chosen on "
             f"10% of train held out with split seeds {', '.join(map(str, seeds))}:", "",
             "| thresholds | " + " | ".join(f"seed {s}" for s in seeds) + " | mean | spread (max - min) |",
             "|---|" + "---|" * (len(seeds) + 2)]
    for rule, values in scores.items():
        lines.append(f"| {rule} | " + " | ".join(f"{v:.4f}" for v in values)
                     + f" | {np.mean(values):.4f} | {np.max(values) - np.min(values):.4f} |")
    table = "\n".join(lines) + "\n"
    print(table)
    Path(args.out).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
