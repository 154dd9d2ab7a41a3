"""Shared fixtures: small synthetic sentiment data sets, word-vector files, fitted and saved pipelines (and a
saved ensemble), tiny data files; helpers to write tables and edit a saved model's config.json.

Everything is generated in code with fixed seeds; no file from the shared data sets is read (one test reads
data/sample_reviews.csv, the project's own 40-text example, whose size is what it is about).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import sentiment
from sentiment import Ensemble
from sentiment import pipeline as pipeline_module
from sentiment.persistence import CONFIG
from sentiment.registry import REGISTRY, resolve

# Tiny word2vec settings keep the suite fast.
W2V = {"vector_size": 16, "w2v_epochs": 3}

NOUNS = ["film", "movie", "plot", "acting", "story", "cast", "script", "ending", "soundtrack", "director"]
FILLERS = ["really", "truly", "quite", "honestly", "simply", "rather", "so"]
POSITIVE = ["great", "wonderful", "excellent", "superb", "lovely", "amazing", "delightful", "brilliant"]
NEGATIVE = ["awful", "terrible", "boring", "dreadful", "horrible", "poor", "dull", "weak"]
FIVE = [
    ["atrocious", "abysmal", "horrendous", "appalling"],
    ["bad", "mediocre", "tiresome", "clumsy"],
    ["okay", "average", "ordinary", "passable"],
    ["good", "nice", "pleasant", "enjoyable"],
    ["masterful", "stunning", "extraordinary", "magnificent"],
]


@dataclass
class Data:
    train_texts: list
    train_labels: list
    dev_texts: list
    dev_labels: list

    @property
    def classes(self):
        return sorted(set(self.train_labels))


def binary_examples(n: int, seed: int, labels=("neg", "pos")) -> tuple[list[str], list]:
    """Short reviews; positive ones praise, negative ones complain (a quarter of them by negating praise)."""
    rng = random.Random(seed)
    texts, out = [], []
    for i in range(n):
        positive = i % 2 == 0
        noun, filler = rng.choice(NOUNS), rng.choice(FILLERS)
        if positive:
            a, b = rng.sample(POSITIVE, 2)
            text = rng.choice([
                f"The {noun} was {filler} {a}.",
                f"A {a} and {b} {noun}!",
                f"{filler.capitalize()} {a} {noun}, {b} too",
            ])
        elif rng.random() < 0.25:
            text = f"The {noun} was not {rng.choice(POSITIVE)} at all."
        else:
            a, b = rng.sample(NEGATIVE, 2)
            text = rng.choice([
                f"The {noun} was {filler} {a}.",
                f"A {a} and {b} {noun}!",
                f"{filler.capitalize()} {a} {noun}, {b} too",
            ])
        texts.append(text)
        out.append(labels[1] if positive else labels[0])
    return texts, out


def five_examples(n: int, seed: int) -> tuple[list[str], list[int]]:
    """Five intensity levels 0..4, each with its own adjectives."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 5
        a, b = rng.sample(FIVE[label], 2)
        noun, filler = rng.choice(NOUNS), rng.choice(FILLERS)
        texts.append(rng.choice([f"The {noun} was {filler} {a}.", f"An {a}, {b} {noun}", f"{a} {noun} and {b} cast"]))
        labels.append(label)
    return texts, labels


@pytest.fixture(scope="session")
def binary() -> Data:
    train = binary_examples(200, seed=1)
    dev = binary_examples(60, seed=2)
    return Data(*train, *dev)


@pytest.fixture(scope="session")
def five() -> Data:
    train = five_examples(250, seed=3)
    dev = five_examples(75, seed=4)
    return Data(*train, *dev)


@pytest.fixture(scope="session")
def vectors_files(tmp_path_factory, binary, five):
    """The same small word vectors in word2vec text, GloVe text (no header) and word2vec binary formats.

    Vectors are random, plus a strong component on dimension 0 (+ positive words, - negative words),
    so a model on top of them can learn the synthetic task.
    """
    from gensim.models import KeyedVectors

    cleaner = sentiment.Cleaner()
    words = sorted({t for doc in cleaner.tokens_of(binary.train_texts + five.train_texts) for t in doc})
    rng = np.random.default_rng(0)
    vectors = rng.normal(0, 0.3, size=(len(words), 8)).astype(np.float32)
    for i, word in enumerate(words):
        base = word[4:] if word.startswith("not_") else word
        sign = -1 if word.startswith("not_") else 1
        if base in POSITIVE:
            vectors[i, 0] += 2.0 * sign
        elif base in NEGATIVE:
            vectors[i, 0] -= 2.0 * sign
    keyed = KeyedVectors(vector_size=8)
    keyed.add_vectors(words, vectors)
    folder = tmp_path_factory.mktemp("vectors")
    paths = {
        "word2vec": folder / "vectors.w2v.txt",
        "glove": folder / "vectors.glove.txt",
        "word2vec-binary": folder / "vectors.bin",
    }
    keyed.save_word2vec_format(str(paths["word2vec"]), binary=False)
    keyed.save_word2vec_format(str(paths["glove"]), binary=False, write_header=False)
    keyed.save_word2vec_format(str(paths["word2vec-binary"]), binary=True)
    return {"words": words, "vectors": vectors, **paths}


# Vectorizer variants by test id: (registry name, options); "@w2v-file" is replaced by a vectors file path.
VECTORIZERS = {
    "count": ("count", {}),
    "count-binary": ("count", {"binary": True}),
    "tfidf": ("tfidf", {}),
    "tfidf-char": ("tfidf", {"analyzer": "char", "char_ngram_range": (2, 4)}),
    "tfidf-word+char": ("tfidf", {"analyzer": "word+char", "char_ngram_range": (3, 4)}),
    "word2vec-mean": ("word2vec", {**W2V, "pooling": "mean"}),
    "word2vec-tfidf": ("word2vec", {**W2V, "pooling": "tfidf"}),
    "word2vec-file": ("word2vec", {"vectors_path": "@w2v-file", "pooling": "mean"}),
}
# the classical models, as registered (a model added there is tested here too); those of non-negative features
MODELS = [name for name, where in REGISTRY["model"].items() if where.startswith("sentiment.models.classical:")]
NONNEGATIVE_ONLY = {name for name in MODELS if resolve("model", name).needs_nonnegative}


def valid_combinations() -> list[tuple[str, str]]:
    return [
        (vec, model)
        for vec, (name, _) in VECTORIZERS.items()
        for model in MODELS
        if not (name == "word2vec" and model in NONNEGATIVE_ONLY)
    ]


@pytest.fixture(scope="session")
def vectorizer_spec(vectors_files):
    def spec(vec_id: str) -> tuple[str, dict]:
        name, options = VECTORIZERS[vec_id]
        options = {k: (str(vectors_files["word2vec"]) if v == "@w2v-file" else v) for k, v in options.items()}
        return name, options

    return spec


@pytest.fixture(scope="session")
def fitted(binary, five, vectorizer_spec):
    """``fitted(vec_id, model, "binary"|"five")``: a fitted Pipeline, cached for the session (do not modify it)."""
    cache: dict = {}

    def get(vec_id: str, model: str, dataset: str = "binary") -> sentiment.Pipeline:
        key = (vec_id, model, dataset)
        if key not in cache:
            data = binary if dataset == "binary" else five
            name, options = vectorizer_spec(vec_id)
            with warnings.catch_warnings():  # every combination is tried: count-binary with nbsvm, which binarizes too
                warnings.simplefilter("ignore", sentiment.IgnoredOptionWarning)
                cache[key] = sentiment.Pipeline(name, model, **options).fit(data.train_texts, data.train_labels)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def pipe(fitted):
    """The fitted tfidf + logreg binary pipeline of ``fitted`` (shared: do not modify it)."""
    return fitted("tfidf", "logreg")


@pytest.fixture(scope="session")
def saved_model(tmp_path_factory, fitted):
    """A saved tfidf + logreg binary model; copy it (``model_copy``) before changing it."""
    path = tmp_path_factory.mktemp("saved") / "model"
    fitted("tfidf", "logreg").save(path)
    return path


@pytest.fixture
def model_copy(saved_model, tmp_path):
    path = tmp_path / "model"
    shutil.copytree(saved_model, path)
    return path


@pytest.fixture(scope="session")
def saved_ensemble(fitted, tmp_path_factory):
    """A saved ensemble of the tfidf + logreg and count + logreg binary models; copy it before changing it."""
    path = tmp_path_factory.mktemp("ensemble") / "ens"
    return Ensemble([fitted("tfidf", "logreg"), fitted("count", "logreg")]).save(path)


def craft_stage(path, stage: str, edit_state=None, edit_arrays=None) -> None:
    """Edit a saved stage's state and arrays in place and write checksums that match the edits."""
    from safetensors.numpy import load_file, save_file

    from sentiment.persistence import checksum

    state_file, arrays_file, config_file = path / stage / "state.json", path / stage / "arrays.safetensors", path / CONFIG
    state, arrays = json.loads(state_file.read_text()), dict(load_file(arrays_file))
    if edit_state:
        edit_state(state)
    if edit_arrays:
        edit_arrays(arrays)
    state_file.write_text(json.dumps(state))
    save_file(arrays, str(arrays_file))
    config = json.loads(config_file.read_text())
    for file in (state_file, arrays_file):
        config["files"][f"{stage}/{file.name}"] = checksum(file)
    config_file.write_text(json.dumps(config))


def symlink(link, target) -> None:
    """``link`` made a symbolic link to ``target``, or the test skipped where links cannot be made (Windows
    without the privilege)."""
    try:
        os.symlink(target, link, target_is_directory=os.path.isdir(target))
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"cannot make symbolic links here: {exc}")


posix_modes = pytest.mark.skipif(os.name != "posix", reason="file modes (chmod) are POSIX")


def edit_config(folder, change) -> None:
    """Apply ``change`` to the parsed config.json of the saved model in ``folder`` and write it back."""
    config = json.loads((folder / CONFIG).read_text())
    change(config)
    (folder / CONFIG).write_text(json.dumps(config))


@pytest.fixture(scope="session")
def binary_frames(binary):
    """Train and dev tables with integer labels 0/1 (so the model names them negative/positive)."""
    to_int = {"neg": 0, "pos": 1}
    train = pd.DataFrame({"text": binary.train_texts, "label": [to_int[y] for y in binary.train_labels]})
    dev = pd.DataFrame({"text": binary.dev_texts, "label": [to_int[y] for y in binary.dev_labels]})
    return train, dev


def write_table(frame: pd.DataFrame, path) -> None:
    """Write ``frame`` in the format its file name says (.csv, .tsv, .jsonl, .parquet, optionally .gz)."""
    name = str(path)
    if name.endswith(".parquet"):
        frame.to_parquet(path, index=False)
    elif name.endswith(".jsonl") or name.endswith(".jsonl.gz"):
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    elif ".tsv" in name:
        frame.to_csv(path, sep="\t", index=False)
    else:
        frame.to_csv(path, index=False)


# A four-row table in the default columns, for tests of data files and of paths that run through a file.
CSV = "text,label\na great film,1\nan awful film,0\nsuperb acting,1\ndull plot,0\n"


SST_TREES = """\
(3 (2 (2 The) (2 film)) (4 (3 (2 is) (4 wonderful)) (2 .)))
(1 (2 It) (1 (1 (2 was) (1 (2 not) (3 good))) (2 .)))
(2 (2 An) (2 (2 ordinary) (2 day)))
(0 (2 -LRB-) (0 (0 (2 truly) (0 dreadful)) (2 -RRB-)))
(4 (2 The) (4 (2 film) (4 (2 is) (4 wonderful))))
"""


@pytest.fixture
def sst_file(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text(SST_TREES, encoding="utf-8")
    return path


@pytest.fixture
def no_cleaning(monkeypatch):
    """Make any cleaning of the training texts fail the test, and CUDA absent."""
    import torch

    def cleaned(*args, **kwargs):
        raise AssertionError("the texts were cleaned before the stages were checked")

    monkeypatch.setattr(pipeline_module, "clean_tokens", cleaned)  # as the pipeline calls it
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
