"""Does the number of threads move a classical row? One row of the classical grid run once per thread count.

    python benchmarks/solver_threads.py [--dataset sst5-phrases] [--config "tfidf:logreg"] [--threads 1,2]
                                        [--tol 1e-6] [--out benchmarks/results/solver_threads.md]

Each run is a fresh process whose OpenMP and BLAS pools hold that many threads (``OMP_NUM_THREADS`` and
friends, read when numpy and scikit-learn load), and trains and scores the row as ``classical.py`` does.
scikit-learn's solvers split their sums over those threads; where a solver stops at a tolerance rather than
at the exact optimum (lbfgs for logistic regression over many classes), the order of the sums moves where it
stops, and so a few borderline dev texts. ``--tol`` gives the model a tighter tolerance (its ``tol`` option),
which brings the solver nearer the optimum, and the runs nearer each other.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def one_row(dataset: str, vectorizer: str, model: str, tol: float | None = None) -> dict:
    """The row's dev figures in this process (its threads set before numpy loaded); ``tol``: the model's."""
    from classical import grid

    train_x, train_y, dev_x, dev_y = datasets.load(dataset)
    rows: list = []
    grid(dataset, train_x, train_y, dev_x, dev_y, rows, lambda row: None, configs={(vectorizer, model)},
         model_options=None if tol is None else {"tol": tol})
    [(_, _, _, accuracy, macro_f1, seconds)] = rows
    return {"accuracy": accuracy, "macro_f1": macro_f1, "seconds": seconds}


def grid_row(value: str) -> str:
    """An argparse ``type`` for ``--config``: ``VECTORIZER LABEL:MODEL``, a row of ``classical.py``'s grid, checked
    before any process starts (a row the grid lacks gave the child no row to report)."""
    from classical import MODELS, VECTORIZERS

    vectorizer, _, model = value.rpartition(":")
    if vectorizer not in VECTORIZERS or model not in MODELS:
        raise argparse.ArgumentTypeError(f"{value!r} is no row of classical.py; give VECTORIZER LABEL:MODEL, the label "
                                         f"one of {', '.join(VECTORIZERS)} and the model one of {', '.join(MODELS)}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default="sst5-phrases", type=datasets.names_of(datasets.DATASETS))
    parser.add_argument("--config", default="tfidf:logreg", type=grid_row,
                        help="VECTORIZER LABEL:MODEL, a row of classical.py")
    parser.add_argument("--threads", default="1,2", type=datasets.numbers_of(int), help="comma-separated thread counts")
    parser.add_argument("--tol", type=float, default=None,
                        help="the model's solver tolerance (its tol option; default: the model's own, 1e-4)")
    parser.add_argument("--out", help="where to write the table (default: results/solver_threads.md for the "
                                      "default row and tolerance)")
    parser.add_argument("--row", action="store_true", help=argparse.SUPPRESS)  # a child process: one row, as JSON
    args = parser.parse_args()
    vectorizer, model = args.config.rsplit(":", 1)
    if args.row:
        print(json.dumps(one_row(args.dataset, vectorizer, model, args.tol)))
        return
    if args.tol is not None:  # a tolerance the model refuses is its one-line error here, before any process starts
        from sentiment.registry import resolve

        resolve("model", model)(tol=args.tol)
    out = datasets.results_file(args.out, "solver_threads.md",
                                (args.dataset, args.config, args.tol) == ("sst5-phrases", "tfidf:logreg", None))
    tol = "" if args.tol is None else f" (tol={args.tol:g})"
    lines = ["| dataset | vectorizer + model | threads | dev accuracy | dev macro-F1 | seconds |",
             "|---|---|---|---|---|---|"]
    for threads in [int(t) for t in args.threads.split(",")]:
        env = {**os.environ, **{name: str(threads) for name in THREAD_VARIABLES}}
        child = subprocess.run([sys.executable, __file__, "--row", "--dataset", args.dataset, "--config", args.config,
                                *([] if args.tol is None else ["--tol", str(args.tol)])],
                               env=env, capture_output=True, text=True, check=True)
        row = json.loads(child.stdout.strip().splitlines()[-1])
        lines.append(f"| {args.dataset} | {vectorizer} + {model}{tol} | {threads} | {row['accuracy']:.4f} | "
                     f"{row['macro_f1']:.4f} | {row['seconds']:.1f} |")
        print(lines[-1], flush=True)
    if out:
        out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
