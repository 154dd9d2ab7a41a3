"""Pipeline's checks of what it is given: labels and dev data that are not one per text, and stages that do
not fit together (refused before any work)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sentiment import ConfigError, DataError, Pipeline


# -- labels and dev data ----------------------------------------------------------------------------
@pytest.mark.parametrize("labels, pattern", [
    (None, "not NoneType"),
    (5, "not int"),
    ({0: "pos", 1: "neg"}, "not dict"),
    (np.array([[1, 0], [0, 1], [1, 0]]), "one-dimensional.*shape \\(3, 2\\).*MultiLabelBinarizer"),
    (list(np.array([[1, 0], [0, 1], [1, 0]])), "label 0 is a ndarray"),
    (pd.DataFrame({"label": ["p", "n", "p"]}), "not DataFrame"),
])
def test_labels_that_are_not_one_per_text(labels, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline().fit(["good film", "bad film", "great film"], labels)


def test_labels_from_a_generator(binary):
    texts, labels = binary.train_texts[:40], binary.train_labels[:40]
    pipe = Pipeline("count", "nb").fit(texts, (label for label in labels))
    assert pipe.classes_.tolist() == ["neg", "pos"]


@pytest.mark.parametrize("dev, pattern", [
    (("only texts",), "dev must be a \\(texts, labels\\) pair"),
    ("dev.csv", "dev must be a \\(texts, labels\\) pair"),
    ((["good", "bad", "fine"], ["pos", "neg"]), "dev has 3 texts but 2 labels"),
    ((["good", "bad"], None), "not NoneType"),
])
def test_bad_dev_data(binary, dev, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline("tfidf", "logreg").fit(binary.train_texts[:20], binary.train_labels[:20], dev=dev)


# -- stages that do not fit together -------------------------------------------------------------
@pytest.mark.parametrize("vectorizer, model, options, pattern", [
    ("tfidf", "lstm", {}, "reads token sequences; use it with vectorizer 'word2vec'"),
    ("count", "lstm", {"init_embeddings": False}, "reads token sequences"),
    ("word2vec", "nb", {}, "model 'nb' needs non-negative features .*vectorizer 'word2vec'"),
    ("word2vec", "complement_nb", {}, "needs non-negative features"),
    ("word2vec", "nbsvm", {}, "needs non-negative features"),
    ("tfidf", "mlp", {"device": "cuda"}, "device='cuda', but this machine has no CUDA GPU"),
    ("word2vec", "lstm", {"device": "cuda:0"}, "no CUDA GPU"),
])
def test_pipeline_fit_refuses_before_cleaning(binary, no_cleaning, vectorizer, model, options, pattern):
    with pytest.raises(ConfigError, match=pattern):
        Pipeline(vectorizer, model, **options).fit(binary.train_texts, binary.train_labels)


def test_compatible_stages_still_fit(binary):
    pipe = Pipeline("tfidf", "mlp", device="cpu", epochs=1, hidden_sizes=[4]).fit(binary.train_texts, binary.train_labels)
    assert pipe.predict(binary.dev_texts[:2]).shape == (2,)
