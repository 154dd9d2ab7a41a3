"""Time of the classical aspect models' logistic regressions: over every hash column, or over the used ones.

    python benchmarks/aspect_fit.py [--out FILE]

The classical tagger (per-token features with Brown clusters) and the classical polarity model (context
features, no prior) of ``benchmarks/aspects.py``, on the restaurant training part of its split (85% of
the sentences, seed 0). ``HashedLogistic.fit`` fits scikit-learn's LogisticRegression (L-BFGS) on the
columns of the 2**18 hashed ones that some row uses, and puts the weights back in their columns; the
reference fits the same model on all 2**18 columns, as it did before 3 December 2026. Each figure is the
best of 3 rounds, the two ways taking turns; "largest weight difference" compares their weights.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from aspects import domain_split  # noqa: E402

from sentiment.aspects.clusters import WordClusters, lexeme_clusters  # noqa: E402
from sentiment.aspects.data import bio_tags  # noqa: E402
from sentiment.aspects.extraction import ClassicalTagger  # noqa: E402
from sentiment.aspects.polarity import ClassicalPolarity, aspect_items  # noqa: E402
from sentiment.tokens import token_cleaner  # noqa: E402

ROUNDS = 3


def every_column(model, features, labels) -> np.ndarray:
    """The reference: the same logistic regression fitted on all 2**bits hashed columns; its weights."""
    fitted = LogisticRegression(C=model.C, class_weight=model.class_weight, max_iter=model.max_iter,
                                random_state=model.seed).fit(model.matrix(features), list(labels))
    return fitted.coef_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="where to write the table (default: benchmarks/results/aspect_fit.md)")
    args = parser.parse_args()
    train, _ = domain_split(datasets.ROOT / "semeval2014_absa", "restaurants")
    tagger = ClassicalTagger(cleaner=token_cleaner(), clusters=ClassicalTagger.default_clusters)
    tagger.clusters_ = WordClusters(lexeme_clusters(tagger.clusters))  # as ClassicalTagger.fit reads them
    tokenized, feats = tagger._features([s["text"] for s in train])
    tag_x = [row for rows in feats for row in rows]
    tag_y = [tag for toks, s in zip(tokenized, train) for tag in bio_tags(toks, s["aspects"])]
    polarity = ClassicalPolarity(C=1.0, cleaner=token_cleaner())
    items, labels = aspect_items(train)
    pol_x = polarity.features(items)
    models = {"tagger (per token)": (tagger.model, tag_x, tag_y), "polarity (per aspect)": (polarity.model, pol_x, labels)}
    lines = [f"The classical aspect models' logistic regressions on the {len(train):,} restaurant training sentences "
             f"(best of {ROUNDS} rounds):", "",
             "| model | rows | columns used of 262,144 | all columns s | used columns s | speed-up | largest weight difference |",
             "|---|---|---|---|---|---|---|"]
    for name, (model, X, y) in models.items():
        times = {"all": [], "used": []}
        for round_ in range(ROUNDS):
            start = time.perf_counter()
            reference = every_column(model, X, y)
            times["all"].append(time.perf_counter() - start)
            start = time.perf_counter()
            model.fit(X, y)
            times["used"].append(time.perf_counter() - start)
            print(f"round {round_ + 1}: {name}: {times['all'][-1]:.1f} s / {times['used'][-1]:.1f} s", file=sys.stderr,
                  flush=True)
        used = len(np.unique(model.matrix(X).indices))
        difference = float(np.abs(reference - model.coef_).max())
        best_all, best_used = min(times["all"]), min(times["used"])
        lines.append(f"| {name} | {len(X):,} | {used:,} | {best_all:.1f} | {best_used:.1f} | {best_all / best_used:.1f}x "
                     f"| {difference:.1e} |")
    print("\n".join(lines))
    datasets.results_file(args.out, "aspect_fit.md", complete=True).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
