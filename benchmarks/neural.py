"""Dev-split accuracy and macro-F1 of the neural models, next to the best classical model.

    python benchmarks/neural.py [--datasets sst2,sst5-phrases,...] [--device auto] [--quick]
                                [--out benchmarks/results/neural.md] [--progress] [--threads N] [--epoch-cap N]

Per dataset: ``mlp`` over tf-idf 1-2-grams, and ``lstm`` with random or word2vec-initialised
embeddings (``sst2-phrases`` / ``sst5-phrases`` train on every labelled SST phrase, the dev split stays
sentences). "IMDB+SST text" embeddings come from one Word2Vec trained on all the movie-review text at
hand except dev texts (IMDB's 80% train part, SST train sentences). Early stopping uses 10% of the training data (the models' ``dev_fraction``; on the phrase sets,
10% of the training sentences, whose trees give no training phrases), so the dev split is only scored, as for the classical models; their best row is read from
``results/classical.md``. Cleaning and vectorizing run once per dataset and vectorizer, as in
``Pipeline.fit``; "s/epoch" is the mean training time of an epoch (including the held-out check) on
the device printed at the top. ``--quick`` trains on 2,000 texts for 2 epochs, to check the script. Without ``--full`` the run follows
``CPU_PLAN`` (fewer experiments and epochs on the large sets), which fits a 2-core CPU. The "started from
an lstm of IMDB sentences" rows fine-tune (``init_from``) an lstm trained for 2 epochs on the 240k
sentences of IMDB's train part, each labelled with its review's polarity (``imdb_sentence_lstm``,
cached in ``results/imdb-sentences-lstm/``; its training time is not in their seconds). Each run adds its
rows to ``results/neural.json`` (replacing rows of the same dataset and model), and the table shows them all;
``--table-only`` writes that table again without training (after ``results/classical.md`` changed).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment.cleaning import Cleaner  # noqa: E402
from sentiment.checks import check_labels  # noqa: E402
from sentiment.models.hardware import device_name, resolve_device  # noqa: E402
from sentiment.pipeline import display_names  # noqa: E402
from sentiment.registry import resolve  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
VECTORIZERS = {
    "tfidf": ("tfidf", {"ngram_range": (1, 2), "min_df": 2, "max_features": 200_000}),
    "word2vec": ("word2vec", {"vector_size": 100, "w2v_epochs": 10, "min_count": 2, "workers": 1}),
}


def _from_imdb(label: str, seed: int = 0, ema: float = 0.0, **more) -> tuple:
    """The experiment of a phrase-set lstm started from the IMDB-sentence lstm (``init_from``); ``more``: other
    options of the lstm."""
    options = {"init_embeddings": True, "dropout": 0.5, "batch_size": 64, "init_from": "@imdb", **more}
    return label, "movies", "lstm", {**options, **({"net_seed": seed} if seed else {}), **({"ema_epochs": ema} if ema else {})}


EXPERIMENTS = {  # name: (label, vectorizer, model, model options)
    "mlp": ("mlp", "tfidf", "mlp", {"hidden_sizes": (256,), "dropout": 0.5, "epochs": 20}),
    "lstm-random": ("lstm random emb.", "word2vec", "lstm", {"init_embeddings": False, "embedding_dim": 100}),
    "lstm-w2v": ("lstm word2vec emb. (this train set)", "word2vec", "lstm", {"init_embeddings": True}),
    "lstm-movies": ("lstm word2vec emb. (IMDB+SST text)", "movies", "lstm", {"init_embeddings": True}),
    # On the phrase sets (every labelled SST phrase, 10 times the sentences): batches of 64, chosen on the
    # held-out training sentences (seeds 0 / 1: 0.494 / 0.499 against 0.489 / 0.475 with batches of 32),
    # and dropout 0.5, chosen from earlier runs' dev figures (notes in results/neural_tuning.md).
    "lstm-phrases": ("lstm word2vec emb. (IMDB+SST text), dropout 0.5, batch 64", "movies", "lstm",
                     {"init_embeddings": True, "dropout": 0.5, "batch_size": 64}),
    "lstm-phrases-seed1": ("the same, another seed (net_seed=1)", "movies", "lstm",
                           {"init_embeddings": True, "dropout": 0.5, "batch_size": 64, "net_seed": 1}),
    # Transfer: start from an lstm trained on IMDB review sentences labelled with their review's polarity
    # (the goal's row), with other seeds; then the same scoring and keeping a moving average of the weights
    # (time constant: one epoch, set before any run).
    "lstm-phrases-imdb": _from_imdb("lstm as above, started from an lstm of IMDB sentences (init_from)"),
    **{f"lstm-phrases-imdb-seed{seed}": _from_imdb(
        f"lstm as above, started from an lstm of IMDB sentences, net_seed={seed}", seed) for seed in (1, 2, 3)},
    "lstm-phrases-imdb-ema": _from_imdb(
        "lstm as above, started from an lstm of IMDB sentences, weights averaged (ema_epochs=1)", ema=1.0),
    **{f"lstm-phrases-imdb-ema-seed{seed}": _from_imdb(
        f"the same with weights averaged, net_seed={seed}", seed, ema=1.0) for seed in range(1, 8)},
    # The same, early-stopping on the held-out sentences' accuracy (the goal's metric) instead of their
    # macro-F1 (the models' default stop_metric), eight seeds.
    **{f"lstm-phrases-imdb-ema-acc-seed{seed}": _from_imdb(
        f"the same with weights averaged, stopping on accuracy, net_seed={seed}", seed, ema=1.0,
        stop_metric="accuracy") for seed in range(8)},
    # ... and on their loss (stop_metric="loss", as Keras and skorch stop by default), four seeds.
    **{f"lstm-phrases-imdb-ema-loss-seed{seed}": _from_imdb(
        f"the same with weights averaged, stopping on the held-out loss, net_seed={seed}", seed, ema=1.0,
        stop_metric="loss") for seed in range(4)},
}
# What runs on a CPU in about an hour and a half: all experiments on the small sets, fewer on the large ones,
# and at most `epochs` epochs. `--full` runs every experiment on every dataset with the models' own epochs.
CPU_PLAN = {
    "sst2": (["mlp", "lstm-random", "lstm-w2v", "lstm-movies"], None),
    "sst2-phrases": (["lstm-phrases", "lstm-phrases-imdb", "lstm-phrases-imdb-seed1", "lstm-phrases-imdb-ema",
                      "lstm-phrases-imdb-ema-seed1"], 15),  # about 30 s an epoch
    "sst5": (["mlp", "lstm-random", "lstm-w2v", "lstm-movies"], None),
    # the goal's row, and how much a seed moves it, with and without the average (four seeds each)
    "sst5-phrases": (["lstm-phrases", "lstm-phrases-seed1",
                      *(f"lstm-phrases-imdb{ema}{seed}" for ema in ("", "-ema") for seed in ("", "-seed1", "-seed2", "-seed3"))],
                     6),
    "imdb": (["mlp", "lstm-movies"], 1),
    "carer": (["mlp", "lstm-w2v"], 6),
}
QUICK = {"train": 2000, "dev": 500, "epochs": 2, "w2v_epochs": 2}


def movie_vectors(path: Path = RESULTS / "movies.w2v.txt") -> str:
    """Word2Vec vectors trained on the movie-review training text (IMDB 80% train part + SST train), cached. gensim
    trains them on one thread, so every build on one machine gives the same vectors (on two threads, as until the
    evening of 7 December 2026, each build gave others, and the rows that start from them moved: README,
    "PyTorch models"); another CPU may round gensim's and PyTorch's sums otherwise."""
    if not path.is_file():
        from gensim.models import Word2Vec

        cleaner = Cleaner()
        imdb_x = datasets.load("imdb")[0]  # the 80% train part: no dev text of any benchmark
        sst_x = datasets.load("sst5")[0]
        docs = cleaner.tokens_of(imdb_x + sst_x)
        model = Word2Vec(docs, vector_size=100, window=5, min_count=2, sg=1, epochs=5, seed=0, workers=1)
        model.wv.save_word2vec_format(str(path))
    return str(path)


def imdb_sentence_lstm(path: Path = RESULTS / "imdb-sentences-lstm", quick: bool = False) -> str:
    """An lstm trained (2 epochs) on the sentences of IMDB's train part, labelled with their review's
    polarity, over the movie vectors, saved at ``path`` (cached): the start of the ``init_from`` rows."""
    if quick:
        path = path.with_name(path.name + "-quick")
    if not (path / "config.json").is_file():
        from sentiment import Pipeline

        sentences, polarities = datasets.imdb_sentences()
        if quick:
            sentences, polarities = sentences[:2000], polarities[:2000]
        start = time.perf_counter()
        print(f"training the IMDB-sentence lstm on {len(sentences)} sentences", flush=True)
        pipe = Pipeline("word2vec", "lstm", vectors_path=movie_vectors(), dropout=0.5, batch_size=64,
                        epochs=1 if quick else 2, max_length=60)
        pipe.fit(sentences, polarities)
        pipe.save(path)
        print(f"  {time.perf_counter() - start:.0f} s, held-out accuracy by epoch: "
              f"{[round(r['dev_accuracy'], 4) for r in pipe.model_.history_]}", flush=True)
    return str(path)


def best_classical(path: Path = RESULTS / "classical.md") -> dict[str, tuple]:
    """``dataset -> (vectorizer, model, accuracy, macro-F1)`` of the rows marked best in the classical results."""
    best = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) == 6 and "**best**" in cells[2]:
                best[cells[0]] = (cells[1], re.sub(r"\s*\*\*best\*\*", "", cells[2]), float(cells[3]), float(cells[4]))
    return best


def read_set(name: str, quick: bool = False):
    """A data set as the networks read it: ``(train_docs, codes, classes, held_out, dev_docs, dev_codes)``,
    the texts as default-Cleaner tokens, the labels as class codes; on a phrase set ``held_out`` marks the
    training sentences held out to stop on (else None). ``quick``: 2,000 training and 500 dev texts (seed 0),
    the phrase sets' sentences only."""
    train_x, train_y, dev_x, dev_y = datasets.load(name)
    if quick:
        rng = np.random.default_rng(0)
        keep = rng.permutation(len(train_x))[: QUICK["train"]]
        train_x, train_y = [train_x[i] for i in keep], [train_y[i] for i in keep]
        keep = rng.permutation(len(dev_x))[: QUICK["dev"]]
        dev_x, dev_y = [dev_x[i] for i in keep], [dev_y[i] for i in keep]
    held_out = None
    if name.endswith("-phrases") and not quick:  # stop on whole held-out sentences, none of whose parts are trained on
        train_x, train_y, held_out = datasets.phrases_holding_out(name)
    codes, classes = check_labels(train_y, len(train_x))
    lookup = {c: i for i, c in enumerate(classes.tolist())}
    cleaner = Cleaner()
    return (cleaner.tokens_of(train_x), codes, classes, held_out, cleaner.tokens_of(dev_x),
            np.array([lookup[y] for y in dev_y]))


def run(name: str, args, rows: list, log) -> None:
    train_docs, codes, classes, held_out, dev_docs, dev_codes = read_set(name, args.quick)
    fitted: dict[str, tuple] = {}
    names, epoch_cap = (list(EXPERIMENTS), None) if args.full else CPU_PLAN[name]
    epoch_cap = args.epoch_cap or epoch_cap
    if args.experiments:
        names = [n for n in names if n in args.experiments.split(",")]
    for key in names:
        label, vec_key, model_name, options = EXPERIMENTS[key]
        if vec_key not in fitted:
            if vec_key == "movies":
                vec_name, vec_options = "word2vec", {"vectors_path": movie_vectors()}
            else:
                vec_name, vec_options = VECTORIZERS[vec_key]
            if args.quick and vec_name == "word2vec" and "vectors_path" not in vec_options:
                vec_options = {**vec_options, "w2v_epochs": QUICK["w2v_epochs"]}
            vectorizer = resolve("vectorizer", vec_name)(**vec_options)
            train_features, dev_features = vectorizer.fit_transform(train_docs), vectorizer.transform(dev_docs)
            fitted[vec_key] = (vectorizer, train_features, dev_features)
        vectorizer, train_features, dev_features = fitted[vec_key]
        model_cls = resolve("model", model_name)
        if model_cls.input_kind == "sequences":
            train_features, dev_features = vectorizer.sequences(train_docs), vectorizer.sequences(dev_docs)
        if epoch_cap:
            options = {**options, "epochs": min(epoch_cap, options.get("epochs", model_cls.defaults["epochs"]))}
        if options.get("init_from") == "@imdb":
            options = {**options, "init_from": imdb_sentence_lstm(quick=args.quick)}
        options = {**options, "device": args.device, **({"epochs": QUICK["epochs"]} if args.quick else {})}
        fit_on, dev_for_stopping = (train_features, codes), None
        if held_out is not None:
            fit_on = (datasets.select_rows(train_features, ~held_out), codes[~held_out])
            dev_for_stopping = (datasets.select_rows(train_features, held_out), codes[held_out])
        start = time.perf_counter()
        model = model_cls(**options).fit(*fit_on, dev=dev_for_stopping, vectorizer=vectorizer,
                                         labels=display_names(classes), progress=args.progress)
        seconds = time.perf_counter() - start
        predicted = model.predict_proba(dev_features).argmax(axis=1)
        history = model.history_
        rows.append({
            "dataset": name, "model": label, "accuracy": accuracy_score(dev_codes, predicted),
            "macro_f1": f1_score(dev_codes, predicted, average="macro"), "epochs": len(history),
            "best_epoch": model.best_epoch_, "epoch_seconds": float(np.mean([r["seconds"] for r in history])),
            "seconds": seconds, "device": device_name(resolve_device(args.device)),
        })
        log(rows[-1])


def table(rows: list) -> str:
    """The markdown table of ``rows``, in the order of DATASETS and, within a dataset, of EXPERIMENTS."""
    order = {label: k for k, (label, *_) in enumerate(EXPERIMENTS.values())}
    rows = sorted(rows, key=lambda r: (datasets.DATASETS.index(r["dataset"]), order.get(r["model"], len(order))))
    classical = best_classical()
    lines = [
        "| dataset | model | dev accuracy | dev macro-F1 | epochs (best) | s/epoch | seconds | device |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        if dataset in classical:
            vec, model, acc, f1 = classical[dataset]
            lines.append(f"| {dataset} | best classical: {vec} + {model} | {acc:.4f} | {f1:.4f} | | | | |")
        for r in (r for r in rows if r["dataset"] == dataset):
            lines.append(
                f"| {dataset} | {r['model']} | {r['accuracy']:.4f} | {r['macro_f1']:.4f} | "
                f"{r['epochs']} ({r['best_epoch']}) | {r['epoch_seconds']:.1f} | {r['seconds']:.0f} | {r['device']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default="sst2,sst2-phrases,sst5,sst5-phrases,imdb,carer",
                        type=datasets.names_of(tuple(CPU_PLAN)))
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument("--quick", action="store_true", help="2,000 training texts and 2 epochs: a smoke test")
    parser.add_argument("--full", action="store_true", help="every experiment on every dataset (for a GPU)")
    parser.add_argument("--experiments", default=None, type=datasets.names_of(tuple(EXPERIMENTS)),
                        help="only these experiments (of EXPERIMENTS), comma-separated")
    parser.add_argument("--epoch-cap", type=datasets.positive_int, default=None,
                        help="at most this many epochs, instead of the plan's cap (use another --out: rows keep their labels)")
    parser.add_argument("--out", default=None, help="markdown results (default: results/neural.md; none with --quick)")
    parser.add_argument("--progress", action="store_true", help="show a progress bar while training")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (1 is fastest on a busy CPU)")
    parser.add_argument("--table-only", action="store_true",
                        help="train nothing: write the table of results/neural.json again (after classical.md changed)")
    args = parser.parse_args()
    if args.table_only:
        rows = json.loads((RESULTS / "neural.json").read_text())
        (RESULTS / "neural.md").write_text(table(rows) + "\n")
        print(table(rows))
        return
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    out = args.out or (None if args.quick else str(RESULTS / "neural.md"))
    device = device_name(resolve_device(args.device))
    print(f"device: {device}", flush=True)
    rows: list = []

    def log(r):
        print(f"{r['dataset']:13s} {r['model']:20s} acc={r['accuracy']:.4f} f1={r['macro_f1']:.4f} "
              f"epochs={r['epochs']} (best {r['best_epoch']}) {r['epoch_seconds']:.1f}s/epoch ({r['seconds']:.0f}s)",
              flush=True)
        if out:  # after each row (a run cut short keeps what it finished), with the rows of earlier runs
            datasets.accumulate_table([r], Path(out), ("dataset", "model"), lambda merged: table(merged) + "\n")

    for name in args.datasets.split(","):
        run(name, args, rows, log)
    print()
    print(Path(out).read_text() if out and Path(out).is_file() else table(rows))


if __name__ == "__main__":
    main()
