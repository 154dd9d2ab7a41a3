"""Seconds per training epoch of the PyTorch models on IMDB and SST-5 phrases, on any device (a GPU's figure
next to the CPU's gives the ratio).

    python benchmarks/training_speed.py prepare [--to DIR]      # where the data and gensim are: read once
    python benchmarks/training_speed.py run --data DIR [--device cuda] [--datasets imdb,imdb-mlp,sst5-phrases]
                                          [--epochs N] [--batch-size N] [--threads N] [--out FILE]

``prepare`` reads each data set as ``neural.py`` does (the default ``Cleaner``, the word2vec vectorizer
over the movie word vectors of ``neural.movie_vectors``; for ``imdb-mlp`` the tf-idf vectorizer of
``neural.VECTORIZERS``) and saves what the network is given: the token ids of every text (IMDB's cut to
the model's 400 tokens, as the model cuts them), the labels and the embedding matrix, or the tf-idf rows
(their numbers rounded to float16, to travel light: so an lstm starts from slightly other vectors than
``neural.py``'s and scores a little differently), in one ``NAME.npz`` per run. ``run`` needs neither the data, gensim
nor spaCy, so it runs on a GPU machine that has only PyTorch: it trains the networks of three rows of
``results/neural.md``, "lstm word2vec emb. (IMDB+SST text)" and "mlp" on IMDB (the lstm in batches of
32, the mlp of 64; early stopping on 10% of the training reviews) and "..., dropout 0.5, batch 64" on
SST-5 phrases (early stopping on the held-out training sentences), scores the dev split and adds a row
per run and device to ``results/training_speed.json`` / ``.md`` (rows of the same set, model and device
replaced).

"texts given to fit" counts the training texts passed to ``fit``: on IMDB the models hold out 10% of them
to stop on (on SST-5 phrases the held-out sentences are passed apart). "s/epoch" is the mean wall time of
an epoch including its held-out check (the trainer's history), "first epoch s" the first one's, "prepare
s" the fit's time outside its epochs: on a GPU mostly CUDA's start-up (at the first copy to the device),
then building the network and padding, bucketing and copying every batch to the device, once. A ratio
line compares the mean epochs of a model's slowest and fastest device.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment.models.neural import LSTMModel, MLPModel  # noqa: E402
from sentiment.models.hardware import device_name, resolve_device  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
MAX_LENGTH = 400  # LSTMModel's default max_length: the tokens it keeps of a text
RUNS = {  # name: (dataset, the row's model in results/neural.md, model, its options)
    "imdb": ("imdb", "lstm word2vec emb. (IMDB+SST text)", LSTMModel, {"init_embeddings": True}),
    "imdb-mlp": ("imdb", "mlp", MLPModel, {"hidden_sizes": (256,), "dropout": 0.5, "epochs": 20}),
    "sst5-phrases": ("sst5-phrases", "lstm word2vec emb. (IMDB+SST text), dropout 0.5, batch 64", LSTMModel,
                     {"init_embeddings": True, "dropout": 0.5, "batch_size": 64}),
}


class SavedVectors:
    """What LSTMModel reads of its word2vec vectorizer: the embedding matrix and the number of token ids."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix
        self.n_tokens = len(matrix)

    def embedding_matrix(self) -> np.ndarray:
        return self.matrix


def flat(sequences: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Sequences as one id array and the offsets where each starts (and the last ends)."""
    offsets = np.zeros(len(sequences) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sequences])
    ids = np.concatenate(sequences) if sequences else np.zeros(0, dtype=np.int64)
    return ids.astype(np.uint16 if ids.size == 0 or ids.max() < 2**16 else np.int32), offsets


def unflat(ids: np.ndarray, offsets: np.ndarray) -> list[np.ndarray]:
    ids = ids.astype(np.int64)
    return [ids[a:b] for a, b in zip(offsets[:-1], offsets[1:])]


def prepare(to: Path, names: list[str]) -> None:
    from neural import VECTORIZERS, movie_vectors, read_set

    from sentiment.registry import resolve

    to.mkdir(parents=True, exist_ok=True)
    for name in names:
        dataset = RUNS[name][0]
        train_docs, codes, classes, held_out, dev_docs, dev_codes = read_set(dataset)
        if held_out is None:
            held_out = np.zeros(len(codes), dtype=bool)
        labels = {"train_y": codes, "held_out": held_out, "dev_y": dev_codes,
                  "classes": np.array([str(c) for c in classes])}
        if RUNS[name][2] is MLPModel:
            vec_name, vec_options = VECTORIZERS["tfidf"]
            vectorizer = resolve("vectorizer", vec_name)(**vec_options)
            train, dev = sp.csr_matrix(vectorizer.fit_transform(train_docs)), sp.csr_matrix(vectorizer.transform(dev_docs))
            arrays = {f"{part}_{key}": getattr(matrix, key) for part, matrix in (("train", train), ("dev", dev))
                      for key in ("indices", "indptr", "shape")}
            arrays.update(train_data=train.data.astype(np.float16), dev_data=dev.data.astype(np.float16))
        else:
            vectorizer = resolve("vectorizer", "word2vec")(vectors_path=movie_vectors()).fit(train_docs)
            cut = MAX_LENGTH if dataset == "imdb" else None
            train_ids, train_offsets = flat([s[:cut] for s in vectorizer.sequences(train_docs)])
            dev_ids, dev_offsets = flat([s[:cut] for s in vectorizer.sequences(dev_docs)])
            arrays = {"train_ids": train_ids, "train_offsets": train_offsets, "dev_ids": dev_ids,
                      "dev_offsets": dev_offsets, "embeddings": vectorizer.embedding_matrix().astype(np.float16)}
        path = to / f"{name}.npz"
        np.savez_compressed(path, **labels, **arrays)
        print(f"{name}: {len(train_docs)} training texts, {len(dev_docs)} dev -> {path} "
              f"({path.stat().st_size / 1e6:.1f} MB)", flush=True)


def run_one(name: str, data: Path, device: str, epochs: int | None, batch_size: int | None = None):
    """Train the run ``name`` from its file in ``data`` on ``device``: the fitted model and its table row."""
    saved = np.load(data / f"{name}.npz")
    dataset, label, model_class, options = RUNS[name]
    if model_class is MLPModel:
        train, dev = (sp.csr_matrix((saved[f"{part}_data"].astype(np.float32), saved[f"{part}_indices"],
                                     saved[f"{part}_indptr"]),
                                    shape=tuple(saved[f"{part}_shape"])) for part in ("train", "dev"))
        vectors = None
    else:
        train = unflat(saved["train_ids"], saved["train_offsets"])
        dev = unflat(saved["dev_ids"], saved["dev_offsets"])
        vectors = SavedVectors(saved["embeddings"].astype(np.float32))
    codes, held_out = saved["train_y"], saved["held_out"]
    options = {**options, "device": device, **({"epochs": epochs} if epochs else {})}
    if batch_size:  # another batch size than the row's: a row of its own
        label = re.sub(r", batch \d+$", "", label) + f", batch {batch_size}"
        options["batch_size"] = batch_size
    stopping = None
    if held_out.any():  # the phrase set stops on whole held-out sentences, as in neural.py
        stopping = (datasets.select_rows(train, held_out), codes[held_out])
        train, codes = datasets.select_rows(train, ~held_out), codes[~held_out]
    start = time.perf_counter()
    model = model_class(**options).fit(train, codes, dev=stopping, vectorizer=vectors,
                                       labels=[str(c) for c in saved["classes"]])
    seconds = time.perf_counter() - start
    predicted = model.predict_proba(dev).argmax(axis=1)
    epoch_seconds = [r["seconds"] for r in model.history_]
    where = resolve_device(device)
    if where.type == "cpu":
        import torch

        threads = torch.get_num_threads()
        where_name = f"CPU, {threads} thread{'s' if threads > 1 else ''}"
    else:
        where_name = device_name(where)
    return model, {
        "dataset": dataset, "model": label, "device": where_name,
        "texts given to fit": len(codes), "epochs": len(epoch_seconds), "best_epoch": model.best_epoch_,
        "epoch_seconds": float(np.mean(epoch_seconds)), "first_epoch_seconds": epoch_seconds[0],
        "prepare_seconds": seconds - sum(epoch_seconds), "seconds": seconds,
        "accuracy": accuracy_score(saved["dev_y"], predicted),
        "macro_f1": f1_score(saved["dev_y"], predicted, average="macro"),
    }


def table(rows: list[dict]) -> str:
    """The rows (by set, model, batch size and device), and per set and model the ratio of its slowest
    device's epoch to its fastest's."""
    def natural(text: str) -> list:  # "batch 64" before "batch 128"
        return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]

    rows = sorted(rows, key=lambda r: (r["dataset"], natural(r["model"]), r["device"]))
    lines = ["| dataset | model | device | texts given to fit | epochs (best) | s/epoch | first epoch s | prepare s | "
             "dev accuracy | dev macro-F1 |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['dataset']} | {r['model']} | {r['device']} | {r['texts given to fit']:,} | {r['epochs']} "
                     f"({r['best_epoch']}) | {r['epoch_seconds']:.2f} | {r['first_epoch_seconds']:.2f} | "
                     f"{r['prepare_seconds']:.1f} | {r['accuracy']:.4f} | {r['macro_f1']:.4f} |")
    ratios = []
    for dataset, model in dict.fromkeys((r["dataset"], r["model"]) for r in rows):
        same = sorted((r for r in rows if (r["dataset"], r["model"]) == (dataset, model)),
                      key=lambda r: r["epoch_seconds"])
        if len(same) > 1:
            ratios.append(f"- {dataset}, {model}: an epoch on {same[-1]['device']} takes "
                          f"{same[-1]['epoch_seconds'] / same[0]['epoch_seconds']:.0f} times as long as on "
                          f"{same[0]['device']}")
    return "\n".join(lines + ([""] + ratios if ratios else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("prepare", "run"))
    parser.add_argument("--to", "--data", dest="data", default=str(RESULTS / "training-speed-data"),
                        help="where prepare writes, and run reads, the DATASET.npz files")
    parser.add_argument("--datasets", default="imdb,imdb-mlp,sst5-phrases", help="runs, of " + ", ".join(RUNS))
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument("--epochs", type=int, default=None,
                        help="at most this many epochs (default: the model's, 10 for the lstm, 20 for the mlp)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="another batch size than the row's (the lstm's 32 on IMDB and 64 on SST-5 phrases, the "
                             "mlp's 64), for every run given: rows of their own")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--out", default=str(RESULTS / "training_speed.md"),
                        help="markdown table; its rows merged with those of the .json beside it")
    args = parser.parse_args()
    names = args.datasets.split(",")
    unknown = [n for n in names if n not in RUNS]
    if unknown:
        parser.error(f"unknown run(s) {', '.join(unknown)}; choose among {', '.join(RUNS)}")
    if args.step == "prepare":
        prepare(Path(args.data), names)
        return
    missing = [n for n in names if not (Path(args.data) / f"{n}.npz").is_file()]
    if missing:
        parser.error(f"no {', '.join(f'{n}.npz' for n in missing)} in {args.data}: run "
                     f"'training_speed.py prepare --datasets {','.join(missing)}' where the data are, or give --data")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    out, done = Path(args.out), []
    for name in names:
        _, row = run_one(name, Path(args.data), args.device, args.epochs, args.batch_size)
        print(json.dumps(row), flush=True)
        done.append(row)
        datasets.accumulate_table(done, out, ("dataset", "model", "device"), lambda merged: table(merged) + "\n")
    print(out.read_text())


if __name__ == "__main__":
    main()
