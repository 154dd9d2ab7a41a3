"""Dev-split accuracy and macro-F1 of every vectorizer x classical model, next to a bare baseline.

    python benchmarks/classical.py [--datasets sst2,sst5,...] [--vectorizers word2vec,...]
                                   [--out benchmarks/results/classical.md]

The baseline is scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression()`` on the raw
texts. Each row of the grid is our pipeline (default cleaning) with one vectorizer and one model. Cleaning
and vectorizing are computed once per dataset and vectorizer, then shared by the models: the stages are
the ones ``Pipeline.fit`` runs, in the same order. Test splits are never touched.

The rows are kept in ``classical.json`` beside the table, and a run replaces only the rows it printed:
``--vectorizers word2vec --out benchmarks/results/classical.md`` prints the word2vec rows again (no baseline)
and leaves the others as they were.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment.cleaning import Cleaner  # noqa: E402
from sentiment.checks import check_labels  # noqa: E402
from sentiment.registry import resolve  # noqa: E402

VECTORIZERS = {
    "count": ("count", {"ngram_range": (1, 2)}),
    "tfidf": ("tfidf", {"ngram_range": (1, 2)}),
    "tfidf 1-3": ("tfidf", {"ngram_range": (1, 3), "min_df": 1}),
    "tfidf word+char": ("tfidf", {"analyzer": "word+char", "ngram_range": (1, 2), "char_ngram_range": (2, 5), "min_df": 2}),
    "word2vec": ("word2vec", {"vector_size": 150, "w2v_epochs": 10, "min_count": 2, "workers": 1}),
}
MODELS = ["logreg", "linearsvm", "nb", "complement_nb", "nbsvm"]

def vectorizers_for(dataset: str) -> list[str]:
    """The full grid, except where it does not fit a 2-core machine: phrase-level training (78k-159k
    texts) is compared on tf-idf alone, and char n-grams of 20k long IMDB reviews are left out."""
    if dataset.endswith("-phrases"):
        return ["tfidf"]
    return [v for v in VECTORIZERS if not (dataset == "imdb" and "char" in v)]


def score(y_true, y_pred) -> tuple[float, float]:
    return accuracy_score(y_true, y_pred), f1_score(y_true, y_pred, average="macro")


def baseline(train_x, train_y, dev_x, dev_y):
    vec = SkTfidf(ngram_range=(1, 2))
    clf = LogisticRegression(max_iter=1000).fit(vec.fit_transform(train_x), train_y)
    return score(dev_y, clf.predict(vec.transform(dev_x)))


def run(name: str, rows: list, log, vectorizers=None) -> None:
    """The grid on ``name`` (``vectorizers``: only these vectorizer labels, and no baseline)."""
    train_x, train_y, dev_x, dev_y = datasets.load(name)
    configs = None if vectorizers is None else {(v, m) for v in vectorizers for m in MODELS}
    grid(name, train_x, train_y, dev_x, dev_y, rows, log, configs)


def grid(name: str, train_x, train_y, eval_x, eval_y, rows: list, log, configs=None, model_options=None) -> None:
    """Append to ``rows`` the bare baseline's and every grid configuration's ``(dataset, vectorizer label,
    model, accuracy, macro-F1, seconds)``, trained on ``train_*`` and scored on ``eval_*``; ``configs``:
    only these ``(vectorizer label, model)`` pairs (and no baseline); ``model_options``: given to each model."""
    codes, classes = check_labels(train_y, len(train_x))
    lookup = {c: i for i, c in enumerate(classes.tolist())}
    eval_codes = np.array([lookup[y] for y in eval_y])
    if configs is None:
        start = time.perf_counter()
        acc, f1 = baseline(train_x, codes, eval_x, eval_codes)
        rows.append((name, BASELINE, "logreg", acc, f1, time.perf_counter() - start))
        log(rows[-1])
    cleaner = Cleaner()
    train_docs, eval_docs = cleaner.tokens_of(train_x), cleaner.tokens_of(eval_x)
    for label in vectorizers_for(name):
        if configs is not None and label not in {v for v, _ in configs}:
            continue
        vec_name, options = VECTORIZERS[label]
        start = time.perf_counter()
        vectorizer = resolve("vectorizer", vec_name)(**options)
        train_features = vectorizer.fit_transform(train_docs)
        eval_features = vectorizer.transform(eval_docs)
        vec_seconds = time.perf_counter() - start
        for model_name in MODELS:
            model_cls = resolve("model", model_name)
            if (vec_name == "word2vec" and model_cls.needs_nonnegative) or (
                    configs is not None and (label, model_name) not in configs):
                continue
            start = time.perf_counter()
            model = model_cls(**(model_options or {})).fit(train_features, codes)
            acc, f1 = score(eval_codes, model.predict_proba(eval_features).argmax(axis=1))
            rows.append((name, label, model_name, acc, f1, vec_seconds + time.perf_counter() - start))
            log(rows[-1])


FIELDS = ("dataset", "vectorizer", "model", "accuracy", "macro_f1", "seconds")
BASELINE = "bare sklearn tfidf(1,2)"


def in_order(rows: list) -> list:
    """``rows`` in the table's order: dataset (as ``datasets.DATASETS``), then the bare baseline, then
    ``VECTORIZERS`` and ``MODELS`` order, whichever run printed each."""
    vectorizers = [BASELINE, *VECTORIZERS]
    return sorted(rows, key=lambda r: (datasets.DATASETS.index(r[0]), vectorizers.index(r[1]), MODELS.index(r[2])))


def table(rows: list) -> str:
    lines = ["| dataset | vectorizer | model | dev accuracy | dev macro-F1 | seconds |", "|---|---|---|---|---|---|"]
    for dataset in dict.fromkeys(r[0] for r in rows):
        group = [r for r in rows if r[0] == dataset]
        base = next((r for r in group if r[1] == BASELINE), None)
        best = max((r for r in group if r is not base), key=lambda r: r[3], default=None)
        for r in group:
            mark = " **best**" if r is best else ""
            lines.append(f"| {r[0]} | {r[1]} | {r[2]}{mark} | {r[3]:.4f} | {r[4]:.4f} | {r[5]:.1f} |")
        if best is not None and base is not None:  # the difference of the figures shown (rounded first)
            gains = [round(best[i], 4) - round(base[i], 4) for i in (3, 4)]
            lines.append(f"| {dataset} | best vs bare baseline | | {gains[0]:+.4f} | {gains[1]:+.4f} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(datasets.DATASETS), type=datasets.names_of(datasets.DATASETS))
    parser.add_argument("--vectorizers", type=datasets.names_of(tuple(VECTORIZERS)),
                        help="only these vectorizers' rows (comma-separated labels of VECTORIZERS; no baseline)")
    parser.add_argument("--out", help="where to write the table, its rows merged with those there (default: "
                                      "results/classical.md, for a run of every dataset and vectorizer)")
    args = parser.parse_args()
    names = args.datasets.split(",")
    vectorizers = args.vectorizers.split(",") if args.vectorizers else None
    out = datasets.results_file(args.out, "classical.md", set(names) == set(datasets.DATASETS) and not vectorizers)
    rows: list = []

    def log(r):
        print(f"{r[0]:13s} {r[1]:24s} {r[2]:14s} acc={r[3]:.4f} f1={r[4]:.4f} ({r[5]:.1f}s)", flush=True)

    for name in names:
        before = len(rows)
        run(name, rows, log, vectorizers)
        if out:  # after each dataset, with the rows of earlier runs (a run cut short keeps what it finished)
            datasets.accumulate_table([dict(zip(FIELDS, r)) for r in rows[before:]], out, FIELDS[:3],
                                      lambda merged: table(in_order([tuple(r[f] for f in FIELDS) for r in merged])) + "\n")
    print()
    print(Path(out).read_text() if out else table(rows))


if __name__ == "__main__":
    main()
