"""Does averaging NB-SVM and LSTM probabilities help? Dev figures of each model and of their ensemble.

    python benchmarks/ensemble.py [--datasets sst2,sst5] [--epochs 10]

Everything goes through the public API: ``Pipeline(...).fit`` and ``Ensemble([...])``. NB-SVM is the
default pipeline; the LSTM reads the Word2Vec vectors trained on movie-review text (see neural.py).
Both train on the sentences of the train split; the LSTM's early stopping uses 10% of it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from neural import RESULTS, movie_vectors  # noqa: E402

from sentiment import Ensemble, Pipeline  # noqa: E402
from sentiment.evaluation import evaluate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default="sst2,sst5")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", default=str(RESULTS / "ensemble.md"))
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    lines = ["| dataset | model | dev accuracy | dev macro-F1 |", "|---|---|---|---|"]
    for name in args.datasets.split(","):
        train_x, train_y, dev_x, dev_y = datasets.load(name)
        start = time.perf_counter()
        nbsvm = Pipeline().fit(train_x, train_y)
        lstm = Pipeline("word2vec", "lstm", vectors_path=movie_vectors(), epochs=args.epochs).fit(train_x, train_y)
        for label, model in (("nbsvm (default pipeline)", nbsvm), ("lstm, IMDB+SST word2vec", lstm),
                             ("ensemble: mean of both", Ensemble([nbsvm, lstm]))):
            report = evaluate(model, dev_x, dev_y)
            lines.append(f"| {name} | {label} | {report['accuracy']:.4f} | {report['macro_f1']:.4f} |")
            print(lines[-1], flush=True)
        print(f"({time.perf_counter() - start:.0f}s)", flush=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
