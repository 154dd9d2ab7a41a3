"""Dev-split figures of emotion detection: CARER (one emotion per text) and GoEmotions (several per text).

    python benchmarks/emotion.py [--datasets carer,goemotions] [--pytorch lstm,mlp] [--quick] [--threads 1]
                                 [--out benchmarks/results/emotion.md]

Each run adds its rows to ``results/emotion.json`` (replacing rows of the same dataset, labels and model)
and writes the table of all of them to ``results/emotion.md``, so the slow PyTorch rows can be run apart.

CARER (sadness, joy, love, anger, fear, surprise): trained on train, scored on validation (accuracy,
macro-F1). GoEmotions (27 emotions + neutral): 10% of train (seed 0) is held out, as ``sentiment fit
--multi-label`` does, to tune each label's decision threshold (and for the early stopping of the
neural models); the model trains on the other 90% and is scored on dev, with every label decided at
0.5 and at its tuned threshold. "Ekman" models learn the 6 Ekman groups + neutral
(``grouping="ekman"``), and the dev labels are grouped the same way. So no script tunes anything
on the dev split it reports; the configurations themselves were chosen with dev figures in view (CARER's
``negation=False`` from ``benchmarks/cleaning.py`` on the same validation split; README, "What was chosen
with these dev figures in view"). Per dataset: the best classical configuration (``Pipeline.for_task("emotion")``)
and the best PyTorch one found (``PYTORCH``); the LSTM's word vectors come from one Word2Vec trained on
the GoEmotions and CARER train texts. On GoEmotions a third row is the ensemble of the first two
(``sentiment ensemble A B --tune HELD-OUT``: the mean of their probabilities, thresholds tuned on the
same held-out 10%). Test splits are never used. ``--quick`` trains on
3,000 texts for 2 epochs, to check the script.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment import Ensemble, Pipeline  # noqa: E402
from sentiment.cleaning import Cleaner  # noqa: E402
from sentiment.splits import train_dev_split  # noqa: E402
from sentiment.evaluation import evaluate  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
GOALS = {"CARER accuracy": 0.93, "GoEmotions 28 macro-F1": 0.46, "GoEmotions Ekman macro-F1": 0.60}
PYTORCH = {  # dataset: {name: (vectorizer, model, options)}; "@vectors" is replaced by the emotion word vectors
    "carer": {"lstm": ("word2vec", "lstm", {"vectors_path": "@vectors", "negation": False, "epochs": 8})},
    "goemotions": {
        "mlp": ("tfidf", "mlp", {"min_df": 2, "hidden_sizes": (256,), "dropout": 0.5, "epochs": 10}),
        "lstm": ("word2vec", "lstm", {"vectors_path": "@vectors", "negation": False, "epochs": 10,
                                      "lstm_pooling": "attention", "hidden_size": 200}),
    },
}
QUICK = {"train": 3000, "epochs": 2}


def emotion_vectors(folder: Path) -> str:
    """Word2Vec vectors (100 dimensions) trained on the GoEmotions and CARER train texts, as cleaned for emotions."""
    from gensim.models import Word2Vec

    cleaner = Cleaner(negation=False)
    texts = datasets.load("goemotions")[0] + datasets.load("carer")[0]
    model = Word2Vec(cleaner.tokens_of(texts), vector_size=100, window=5, min_count=2, sg=1, epochs=10, seed=0,
                     workers=1)
    path = folder / "emotion.w2v.txt"
    model.wv.save_word2vec_format(str(path))
    return str(path)


def configurations(dataset: str, vectors: str, args) -> dict[str, Pipeline]:
    """The classical pipeline of ``dataset`` and the PyTorch ones asked for (``--pytorch``), as "label: pipeline"."""
    classical = Pipeline.for_task("emotion", multi_label=dataset == "goemotions")
    pipes = {_label(classical): classical}
    for name in args.pytorch.split(","):
        if name not in PYTORCH[dataset]:
            continue
        vectorizer, model, options = PYTORCH[dataset][name]
        options = {k: vectors if v == "@vectors" else v for k, v in options.items()}
        if args.quick:
            options["epochs"] = QUICK["epochs"]
        pytorch = Pipeline(vectorizer, model, **options)
        pipes[_label(pytorch)] = pytorch
    return pipes


def _label(pipe: Pipeline) -> str:
    options = {k: v for k, v in pipe.get_params().items() if k not in ("vectorizer", "model", "vectors_path")}
    shown = ", ".join(f"{k}={v}" for k, v in options.items())
    return f"{pipe.vectorizer_name} + {pipe.model}" + (f" ({shown})" if shown else "")


def _sample(texts: list, labels: list, n: int) -> tuple[list, list]:
    keep = np.random.default_rng(0).permutation(len(texts))[:n]
    return [texts[i] for i in keep], [labels[i] for i in keep]


def carer(args, vectors: str, rows: list, log) -> None:
    train_x, train_y, dev_x, dev_y = datasets.load("carer")
    if args.quick:
        train_x, train_y = _sample(train_x, train_y, QUICK["train"])
    for label, pipe in configurations("carer", vectors, args).items():
        start = time.perf_counter()
        pipe.fit(train_x, train_y)  # neural models hold out their own 10% for early stopping
        report = evaluate(pipe, dev_x, dev_y)
        rows.append({"dataset": "CARER", "labels": "6", "model": label, "accuracy": report["accuracy"],
                     "macro_f1": report["macro_f1"], "seconds": time.perf_counter() - start})
        log(rows[-1])


def goemotions(args, vectors: str, rows: list, log) -> None:
    texts, labels, dev_x, dev_y = datasets.load("goemotions")
    if args.quick:
        texts, labels = _sample(texts, labels, QUICK["train"])
    train_x, train_y, tune_x, tune_y = train_dev_split(texts, labels, 0.1, seed=datasets.SEED)
    for grouping, name in ((None, "28"), ("ekman", "Ekman 7")):
        fitted, names = [], []
        for label, pipe in configurations("goemotions", vectors, args).items():
            if grouping:
                pipe.set_params(grouping=grouping)
            start = time.perf_counter()
            fitted.append(pipe.fit(train_x, train_y, dev=(tune_x, tune_y)))
            names.append(f"{pipe.vectorizer_name} + {pipe.model}")
            rows.append(_multi_label_row(name, label, pipe, dev_x, dev_y, start))
            log(rows[-1])
        if len(fitted) < 2:
            continue
        start = time.perf_counter()
        ensemble = Ensemble(fitted[:2]).tune(tune_x, tune_y)
        rows.append(_multi_label_row(name, f"ensemble: mean of {names[0]} and {names[1]}", ensemble, dev_x, dev_y, start))
        log(rows[-1])


def _multi_label_row(name: str, label: str, pipe, dev_x: list, dev_y: list, start: float) -> dict:
    """Dev macro- and micro-F1 of ``pipe`` with every label decided at 0.5 and at its tuned threshold."""
    tuned = pipe.thresholds_
    row = {"dataset": "GoEmotions", "labels": name, "model": label}
    for key, thresholds in (("0.5", np.full_like(tuned, 0.5)), ("tuned", tuned)):
        pipe.thresholds_ = thresholds
        report = evaluate(pipe, dev_x, dev_y)
        row[f"macro_f1 {key}"], row[f"micro_f1 {key}"] = report["macro_f1"], report["micro_f1"]
    pipe.thresholds_ = tuned
    row["seconds"] = time.perf_counter() - start
    return row


def table(rows: list) -> str:
    lines = ["CARER (validation split)", "", "| model | dev accuracy | dev macro-F1 | seconds |", "|---|---|---|---|"]
    lines += [f"| {r['model']} | {r['accuracy']:.4f} | {r['macro_f1']:.4f} | {r['seconds']:.0f} |"
              for r in rows if r["dataset"] == "CARER"]
    lines += ["", "GoEmotions (dev split; thresholds tuned on 10% of train)", "",
              "| labels | model | macro-F1 @0.5 | micro-F1 @0.5 | macro-F1 tuned | micro-F1 tuned | seconds |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['labels']} | {r['model']} | {r['macro_f1 0.5']:.4f} | {r['micro_f1 0.5']:.4f} | "
              f"{r['macro_f1 tuned']:.4f} | {r['micro_f1 tuned']:.4f} | {r['seconds']:.0f} |"
              for r in sorted((r for r in rows if r["dataset"] == "GoEmotions"), key=lambda r: r["labels"] != "28")]
    goals = {  # goal: (rows, figure)
        "CARER accuracy": ([r for r in rows if r["dataset"] == "CARER"], "accuracy"),
        "GoEmotions 28 macro-F1": ([r for r in rows if r["labels"] == "28"], "macro_f1 tuned"),
        "GoEmotions Ekman macro-F1": ([r for r in rows if r["labels"] == "Ekman 7"], "macro_f1 tuned"),
    }
    lines += ["", "| goal (dev) | target | best figure (tuned thresholds) | model | reached |", "|---|---|---|---|---|"]
    for goal, (candidates, key) in goals.items():
        if candidates:
            best = max(candidates, key=lambda r: r[key])
            lines.append(f"| {goal} | {GOALS[goal]:.2f} | {best[key]:.4f} | {best['model'].split(' (')[0]} | "
                         f"{'yes' if best[key] >= GOALS[goal] else 'no'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default="carer,goemotions", type=datasets.names_of(("carer", "goemotions")))
    parser.add_argument("--pytorch", default="lstm,mlp", type=datasets.names_of(("lstm", "mlp"), empty=True),
                        help="PyTorch models to run (of PYTORCH), comma-separated")
    parser.add_argument("--quick", action="store_true", help="3,000 training texts and 2 epochs: a smoke test")
    parser.add_argument("--out", default=None, help="markdown results (default: results/emotion.md; none with --quick)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (1 is fastest on a busy CPU)")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    out = args.out or (None if args.quick else str(RESULTS / "emotion.md"))
    rows: list = []

    def save() -> None:  # with the rows of earlier runs (other --datasets or --pytorch)
        if out:
            datasets.accumulate_table(rows, Path(out), ("dataset", "labels", "model"),
                                      lambda merged: table(merged) + "\n")

    def log(r):
        figures = ", ".join(f"{k}={v:.4f}" for k, v in r.items() if isinstance(v, float) and k != "seconds")
        print(f"{r['dataset']:10s} {r['labels']:7s} {r['model']}: {figures} ({r['seconds']:.0f}s)", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        vectors = emotion_vectors(Path(folder))
        for name in args.datasets.split(","):
            {"carer": carer, "goemotions": goemotions}[name](args, vectors, rows, log)
            save()
    print()
    print(Path(out).read_text() if out else table(rows))


if __name__ == "__main__":
    main()
