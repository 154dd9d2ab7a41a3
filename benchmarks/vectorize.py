"""Time of turning texts into vectors: TextVectorizer against scikit-learn's vectorizers on raw text.

    python benchmarks/vectorize.py [--out FILE]

The 25,000 IMDB training reviews (about 230 words each). Each vectorizer learns its vocabulary from them
(``fit_transform``) and then vectorizes them again with it (``transform``); each figure is the best of 3
rounds, the vectorizers taking turns in each round so that other load on the machine falls on all alike.
TextVectorizer cleans first (HTML, emoji, contractions, negation marking: the default cleaning), which
scikit-learn's vectorizers do not; word2vec (one round: gensim's training, 10 epochs on one thread,
dominates) is timed against nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer  # noqa: E402

from sentiment import TextVectorizer  # noqa: E402
from sentiment.data import read_labelled  # noqa: E402

ROUNDS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="where to write the table (default: benchmarks/results/vectorize.md)")
    args = parser.parse_args()
    texts, _ = read_labelled(datasets.ROOT / "imdb" / "train.csv.gz")
    candidates = {
        "sentiment TextVectorizer('tfidf') (bigrams, default cleaning)": lambda: TextVectorizer("tfidf"),
        "sentiment TextVectorizer('count') (bigrams, default cleaning)": lambda: TextVectorizer("count"),
        "scikit-learn TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)":
            lambda: TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        "scikit-learn CountVectorizer(ngram_range=(1, 2))": lambda: CountVectorizer(ngram_range=(1, 2)),
    }
    times = {name: {"fit_transform": [], "transform": []} for name in candidates}
    columns = {}
    for round_ in range(ROUNDS):
        for name, make in candidates.items():
            vectorizer = make()
            start = time.perf_counter()
            vectors = vectorizer.fit_transform(texts)
            times[name]["fit_transform"].append(time.perf_counter() - start)
            start = time.perf_counter()
            vectorizer.transform(texts)
            times[name]["transform"].append(time.perf_counter() - start)
            columns[name] = vectors.shape[1]
            print(f"round {round_ + 1}: {name}: {times[name]['fit_transform'][-1]:.1f} s + "
                  f"{times[name]['transform'][-1]:.1f} s", file=sys.stderr, flush=True)
    word2vec = "sentiment TextVectorizer('word2vec') (100-d skip-gram, 10 epochs, 1 thread)"
    vectorizer = TextVectorizer("word2vec")
    start = time.perf_counter()
    vectors = vectorizer.fit_transform(texts)
    times[word2vec] = {"fit_transform": [time.perf_counter() - start]}
    start = time.perf_counter()
    vectorizer.transform(texts)
    times[word2vec]["transform"] = [time.perf_counter() - start]
    columns[word2vec] = vectors.shape[1]

    lines = [f"Vectorizing the {len(texts):,} IMDB training reviews (best of {ROUNDS} rounds; word2vec: one run):", "",
             "| vectorizer | columns | fit_transform s | transform s | reviews/s (transform) |", "|---|---|---|---|---|"]
    for name, measured in times.items():
        fit, transform = min(measured["fit_transform"]), min(measured["transform"])
        lines.append(f"| {name} | {columns[name]:,} | {fit:.1f} | {transform:.1f} | {len(texts) / transform:,.0f} |")
    table = "\n".join(lines)
    print(table)
    target = datasets.results_file(args.out, "vectorize.md", complete=True)
    target.write_text(table + "\n")


if __name__ == "__main__":
    main()
