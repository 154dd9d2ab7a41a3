"""Batch-predict throughput of the default pipeline vs. a bare scikit-learn baseline, and CLI latency.

    python benchmarks/throughput.py

Both are trained on SST-2 train and predict the same texts (SST-5 train sentences, 8,544) in the
same run; each figure is the best of 5 rounds, and in each round every pipeline predicts once, in turn,
so that other load on the machine falls on all of them alike. The baseline is
``TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression`` on raw text (the accuracy baseline of
classical.py), and also with scikit-learn's default unigrams. Latency: wall time of
``sentiment predict --task T "text"`` as a new process on the shipped model of each task (median of 5
runs; the aspect model loads PyTorch and scikit-learn, the other two numpy alone).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from sentiment import Pipeline  # noqa: E402
from sentiment.data import read_labelled  # noqa: E402


def best_of(functions: list, rounds: int = 5) -> list[float]:
    """The best time of each function over ``rounds`` rounds, the functions taking turns in each round."""
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(rounds):
        for function, measured in zip(functions, times):
            start = time.perf_counter()
            function()
            measured.append(time.perf_counter() - start)
    return [min(measured) for measured in times]


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    train_x, train_y, _, _ = datasets.load("sst2")
    texts, _ = read_labelled(datasets.ROOT / "sst5" / "train.csv")
    ours = Pipeline().fit(train_x, train_y)
    labels = [f"sentiment Pipeline() ({ours.vectorizer_name} + {ours.model}, default cleaning)"]
    predicts = [lambda: ours.predict_proba(texts)]
    for label, ngrams in (("bare TfidfVectorizer(1,2) + LogisticRegression", (1, 2)),
                          ("bare TfidfVectorizer() + LogisticRegression", (1, 1))):
        vectorizer = TfidfVectorizer(ngram_range=ngrams)
        classifier = LogisticRegression(max_iter=1000).fit(vectorizer.fit_transform(train_x), train_y)
        labels.append(label)
        predicts.append(lambda vectorizer=vectorizer, classifier=classifier:
                        classifier.predict_proba(vectorizer.transform(texts)))
    rows = list(zip(labels, best_of(predicts)))
    print(f"batch predict of {len(texts)} SST sentences (best of 5):")
    lines = ["| pipeline | texts/s | ratio (ours / this) |", "|---|---|---|"]
    for label, seconds in rows:
        ratio = rows[0][1] and seconds / rows[0][1]
        lines.append(f"| {label} | {len(texts) / seconds:,.0f} | {ratio:.2f} |")
    print("\n".join(lines))

    latencies = ["| `sentiment predict …` (new process) | median s | min | max |", "|---|---|---|---|"]
    text = "The food was great but the service was slow."
    for task in ("polarity", "emotion", "aspect"):
        command = [sys.executable, "-m", "sentiment.cli", "predict", "--task", task, text]
        subprocess.run(command, check=True, capture_output=True)  # warm the file cache once
        walls = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            walls.append(time.perf_counter() - start)
        latencies.append(f"| `--task {task}` | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} |")
    latency = "Latency of one text on the shipped model of each task, 5 runs:\n\n" + "\n".join(latencies)
    print("\n" + latency)
    (Path(__file__).resolve().parent / "results" / "throughput.md").write_text(
        f"Batch predict of {len(texts)} SST sentences (best of 5):\n\n" + "\n".join(lines) + "\n\n" + latency + "\n"
    )


if __name__ == "__main__":
    main()
