"""Train/dev splits of the shared datasets, as the benchmarks use them.

The data stay outside the repository (their licences forbid committing them): the root is
``$SENTIMENT_DATA`` or ``../shared/datasets`` beside the checkout. Test splits are never used; IMDB
has no dev split, so 20% of its train split is held out with a fixed seed (without removing the 31
reviews that occur in both parts: IMDB's train split holds duplicates). ``goemotions`` (several labels
per text) is loaded by the emotion benchmark, not by the grids over ``DATASETS``;
``train_polarity_model`` and ``aspects`` read its files directly.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from sentiment.data import read_labelled
from sentiment.errors import DataError, SentimentError
from sentiment.splits import train_dev_split
from sentiment.sst import read_sst_trees

ROOT = Path(os.environ.get("SENTIMENT_DATA", Path(__file__).resolve().parents[2] / "shared" / "datasets"))
SEED = 0


def _said_in_one_line(kind, error, trace):
    """The scripts' excepthook: a data file that cannot be read (most often: the datasets are elsewhere) is one
    line that says where they were looked for; anything else keeps its traceback."""
    if isinstance(error, DataError):
        sys.stderr.write(f"error: {error}\n(the datasets are read from {ROOT}: set SENTIMENT_DATA to their folder "
                         "if they are elsewhere)\n")
        return
    if isinstance(error, SentimentError):  # a setting the package refuses (--device bogus): its one line says why
        sys.stderr.write(f"error: {error}\n")
        return
    sys.__excepthook__(kind, error, trace)


sys.excepthook = _said_in_one_line  # every benchmark script imports this module


LOADABLE = ("sst2", "sst2-phrases", "sst5", "sst5-phrases", "imdb", "carer", "goemotions")  # what load() reads


def names_of(known, empty: bool = False):
    """An argparse ``type`` for a comma-separated list of ``known`` names (``--datasets sst2,sst5``): a name it does
    not know is a usage error before anything runs, not a traceback when the run reaches it; ``empty``: "" may
    be given (no name). The value stays the string given."""
    import argparse

    def parse(value: str) -> str:
        given = [name for name in value.split(",") if name]
        unknown = [name for name in given if name not in known]
        if unknown or not (given or empty):
            raise argparse.ArgumentTypeError(f"{'unknown ' + repr(unknown[0]) if unknown else 'no name'}; give "
                                             f"comma-separated names of: {', '.join(known)}")
        return value

    return parse


def numbers_of(kind=int):
    """An argparse ``type`` for a comma-separated list of numbers (``--seeds 0,1,2``) of ``kind`` (int, float),
    checked before anything runs; the value stays the string given."""
    import argparse

    def parse(value: str) -> str:
        try:
            numbers = [kind(part) for part in value.split(",")]
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is no comma-separated list of {kind.__name__}s") from None
        if not numbers:
            raise argparse.ArgumentTypeError("give at least one number")
        return value

    return parse


def positive_int(value: str) -> int:
    """An argparse ``type`` for a whole number from 1 (``--epoch-cap 5``)."""
    import argparse

    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is no whole number from 1")
    return number


def key_json(value: str) -> str:
    """An argparse ``type`` for ``KEY=JSON`` (``--set missing_apostrophes=false``), checked before anything runs."""
    import argparse
    import json

    key, sign, text = value.partition("=")
    try:
        if not (key and sign):
            raise ValueError
        json.loads(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is no KEY=JSON (e.g. missing_apostrophes=false, C=4.0)") from None
    return value


def load(name: str):
    """``(train_texts, train_labels, dev_texts, dev_labels)`` for a benchmark dataset name."""
    r = ROOT
    if name == "sst2":
        return (*read_labelled(r / "sst2/train.csv"), *read_labelled(r / "sst2/dev.csv"))
    if name == "sst2-phrases":
        return (*read_sst_trees(r / "sst5/trees/train.txt", phrases=True, binary=True), *read_labelled(r / "sst2/dev.csv"))
    if name == "sst5":
        return (*read_labelled(r / "sst5/train.csv"), *read_labelled(r / "sst5/dev.csv"))
    if name == "sst5-phrases":
        return (*read_sst_trees(r / "sst5/trees/train.txt", phrases=True), *read_labelled(r / "sst5/dev.csv"))
    if name == "imdb":
        texts, labels = read_labelled(r / "imdb/train.csv.gz")
        return train_dev_split(texts, labels, fraction=0.2, seed=SEED)
    if name == "carer":
        return (*read_labelled(r / "carer_emotion/train.csv"), *read_labelled(r / "carer_emotion/validation.csv"))
    if name == "goemotions":  # several labels per text: tuples of emotion names
        def split(part):
            return read_labelled(r / f"goemotions/{part}.csv", label_column="labels", separator=";")

        return (*split("train"), *split("dev"))
    raise ValueError(f"unknown dataset {name!r}")


def phrases_holding_out(name: str, fraction: float = 0.1):
    """``(texts, labels, held_out)`` for a phrase set, with ``fraction`` of the training sentences
    (seed 0) held out for early stopping: ``held_out`` marks those sentences among the texts, and their
    trees give no phrases, so the held-out check scores sentences whose parts the model has not seen
    (the dev split is scored on sentences, too)."""
    path, binary = ROOT / "sst5/trees/train.txt", name.startswith("sst2")
    sentences = read_sst_trees(path, binary=binary)[0]
    order = np.random.default_rng(SEED).permutation(len(sentences))
    held = {sentences[i] for i in order[: int(len(sentences) * fraction)]}
    texts, labels = read_sst_trees(path, phrases=True, binary=binary, held_out=held)
    return texts, labels, np.array([t in held for t in texts])


def imdb_sentences(min_words: int = 4) -> tuple[list[str], list[int]]:
    """The sentences of IMDB's 80% train part, each labelled with its review's polarity (0/1): noisy,
    distant labels (a sentence of a good review may be a complaint) for pre-training."""
    import re

    texts, labels = load("imdb")[:2]
    sentences, polarities = [], []
    for text, label in zip(texts, labels):
        for sentence in re.split(r"(?<=[.!?])\s+|<br\s*/?>", text):
            if len(sentence.split()) >= min_words:
                sentences.append(sentence)
                polarities.append(int(label))
    return sentences, polarities


DATASETS = ["sst2", "sst2-phrases", "sst5", "sst5-phrases", "imdb", "carer"]


def results_file(given: str | None, name: str, complete: bool) -> Path | None:
    """Where a run writes its table: ``--out`` when given, else ``results/NAME`` for a complete run (every
    dataset, default settings); None for a partial run, which prints its table only, so that a check on one
    dataset or with fewer epochs does not replace the committed table."""
    if given:
        return Path(given)
    if complete:
        return Path(__file__).resolve().parent / "results" / name
    print(f"(a partial run: its table is printed, not written to results/{name}; --out FILE keeps it)", flush=True)
    return None


def select_rows(features, mask: np.ndarray):
    """The rows of a feature matrix or a list of token-id sequences where ``mask`` is true."""
    if isinstance(features, list):
        return [f for f, keep in zip(features, mask) if keep]
    return features[np.flatnonzero(mask)]


def accumulate(rows: list[dict], cache: Path, key: tuple[str, ...]) -> list[dict]:
    """The rows of earlier runs kept in ``cache`` (JSON) with this run's ``rows`` in place of those with
    the same ``key`` fields; written back to ``cache``. Lets slow benchmarks run in parts."""
    import json

    kept = json.loads(cache.read_text()) if cache.is_file() else []
    done = {tuple(r[k] for k in key) for r in rows}
    merged = [r for r in kept if tuple(r[k] for k in key) not in done] + rows
    from sentiment.persistence import atomic_file

    with atomic_file(cache) as partial:  # a run killed mid-write loses no rows
        Path(partial).write_text(json.dumps(merged, indent=1) + "\n")
    return merged


def accumulate_table(rows: list[dict], out: Path, key: tuple[str, ...], render) -> list[dict]:
    """:func:`accumulate` ``rows`` into the JSON beside ``out`` and write ``render(merged)`` (the table's text)
    to ``out``, one run at a time (a lock file beside them): runs of one benchmark side by side keep each
    other's rows, and the table is never one run behind. Returns the merged rows."""
    import fcntl

    from sentiment.persistence import atomic_file

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        merged = accumulate(rows, out.with_suffix(".json"), key)
        with atomic_file(out) as partial:
            Path(partial).write_text(render(merged))
    return merged
