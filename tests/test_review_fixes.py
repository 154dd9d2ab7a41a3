"""Fixes from a code review: each test fails on the code before its fix.

1. fit_file early-stops a neural model on held-out training data, never on the dev data it reports.
2. labels "+1"/"-1" are both ints.  3. label lists read without multi-label are refused.
4. "<3 ... >" is not an HTML tag.  5. word+char keeps word and char n-grams apart (old models load as before).
6. "Cannot" is expanded with lowercase=False.  7. a refused compressed file is not left open.
8. incompatible stages and a missing device fail before cleaning.  9. `options --task` shows the task's values.
10. stale references and the duplicated --out check.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sentiment
from sentiment import Cleaner, ConfigError, DataError, ModelFileError, Pipeline
from sentiment import commands, data as data_module
from sentiment import pipeline as pipeline_module
from sentiment.cli import app
from sentiment.data import read_labelled
from sentiment.persistence import checksum
from sentiment.registry import resolve
from sentiment.vectorizers.ngrams import CountVectorizer

from conftest import write_table


# -- 1. no early stopping on the reported dev data ----------------------------------------------------------
@pytest.fixture
def train_csv(tmp_path, binary_frames):
    train, dev = binary_frames
    paths = {"train": tmp_path / "train.csv", "dev": tmp_path / "dev.csv"}
    write_table(train, paths["train"])
    write_table(dev, paths["dev"])
    return paths


@pytest.fixture
def fit_dev_spy(monkeypatch):
    """Records the ``dev`` each Pipeline.fit gets (then fits as usual)."""
    seen = []
    original = Pipeline.fit

    def fit(self, texts, labels, *, dev=None, **kwargs):
        seen.append(None if dev is None else (list(dev[0]), list(dev[1])))
        return original(self, texts, labels, dev=dev, **kwargs)

    monkeypatch.setattr(Pipeline, "fit", fit)
    return seen


SMALL_MLP = {"epochs": 3, "patience": 1, "hidden_sizes": [8], "lr": 0.05}


@pytest.mark.parametrize("with_dev_file", [False, True], ids=["dev-split", "dev-file"])
def test_fit_file_neural_early_stops_on_training_data_not_on_the_dev_data(train_csv, tmp_path, fit_dev_spy,
                                                                          with_dev_file):
    dev = train_csv["dev"] if with_dev_file else None
    pipe, report = commands.fit_file(train_csv["train"], tmp_path / "m", dev=dev, model="mlp", options=SMALL_MLP)
    # the model holds out its own dev_fraction of the training texts (without a dev file it is fitted twice:
    # once to be scored on the held-out part, then on all the texts)
    assert fit_dev_spy == [None] * (1 if with_dev_file else 2)
    history = pipe.model_.history_
    assert history and history[0]["dev_macro_f1"] is not None  # early stopping did run, on held-out training data
    saved = json.loads((tmp_path / "m" / "config.json").read_text())
    assert saved["data"]["early_stopping"].startswith("10% of the training part")
    assert saved["metrics"]["dev"]["n"] == report["n"] == saved["data"]["n_dev"]


def test_fit_file_neural_with_dev_fraction_zero_trains_all_epochs(train_csv, tmp_path, fit_dev_spy):
    pipe, _ = commands.fit_file(train_csv["train"], tmp_path / "m", model="mlp",
                                options={**SMALL_MLP, "dev_fraction": 0.0})
    assert fit_dev_spy == [None, None]  # scored on the held-out part, then trained again on all the texts
    assert len(pipe.model_.history_) == 3 and pipe.model_.history_[0]["dev_macro_f1"] is None
    assert json.loads((tmp_path / "m" / "config.json").read_text())["data"]["early_stopping"].startswith("none")


def test_fit_file_classical_path_is_unchanged(train_csv, tmp_path, fit_dev_spy):
    pipe, report = commands.fit_file(train_csv["train"], tmp_path / "m", dev=train_csv["dev"], model="logreg")
    dev = pd.read_csv(train_csv["dev"])
    assert fit_dev_spy == [(dev.text.tolist(), dev.label.tolist())]
    saved = json.loads((tmp_path / "m" / "config.json").read_text())
    assert "early_stopping" not in saved["data"] and "tune" not in saved["data"]
    assert report["n"] == len(dev)


# -- 2. "+1" and "-1" -----------------------------------------------------------------------------------------
def test_plus_and_minus_one_labels_are_both_ints(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("text,label\n" + "".join(f"good film {i},+1\nbad film {i},-1\n" for i in range(10)))
    texts, labels = read_labelled(path)
    assert labels[:2] == [1, -1] and all(type(y) is int for y in labels)
    pipe = Pipeline("tfidf", "logreg").fit(texts, labels)
    assert pipe.classes_.tolist() == [-1, 1]
    assert data_module._parse_label(" +7 ") == 7 and data_module._parse_label("+x") == "+x"


# -- 3. label lists without multi-label -----------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_label_lists_without_multi_label_are_refused(tmp_path, suffix):
    frame = pd.DataFrame({"text": [f"text {i}" for i in range(6)],
                          "label": [["joy", "love"] if i % 2 else ["anger"] for i in range(6)]})
    path = tmp_path / f"t{suffix}"
    write_table(frame, path)
    with pytest.raises(DataError, match="holds lists of labels.*--multi-label") as caught:
        read_labelled(path)
    assert "\n" not in str(caught.value) and "multi_label=True" in str(caught.value)
    with pytest.raises(DataError, match="--multi-label"):
        commands.fit_file(path, tmp_path / "m")
    _, labels = read_labelled(path, separator=";")  # as several labels per text, the lists are read as they are
    assert labels[:2] == [("anger",), ("joy", "love")]


def test_joined_labels_without_multi_label_are_refused(tmp_path):
    path = tmp_path / "t.csv"
    labels = ["joy", "anger", "joy;anger", "joy"]
    pd.DataFrame({"text": [f"text {i}" for i in range(4)], "label": labels}).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"labels joined into one cell \(data row 3: 'joy;anger'.*--multi-label"):
        read_labelled(path)
    assert read_labelled(path, separator=";")[1][2] == ("joy", "anger")  # as several labels per text: fine


def test_labels_with_a_separator_that_are_no_label_sets_are_kept(tmp_path):
    path = tmp_path / "t.csv"
    # parts that are no labels of other rows; other separators than ';' ("positive/negative": a mixed class)
    labels = ["+1", "-1", "n/a", "good; mostly", "positive", "negative", "positive/negative", "+1"]
    pd.DataFrame({"text": [f"text {i}" for i in range(8)], "label": labels}).to_csv(path, index=False)
    assert read_labelled(path)[1] == [1, -1, "n/a", "good; mostly", "positive", "negative", "positive/negative", 1]


def test_cli_fit_on_label_lists_suggests_multi_label(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps({"text": f"t{i}", "label": ["a", "b"] if i % 2 else ["c"]}) + "\n"
                            for i in range(6)))
    result = CliRunner().invoke(app, ["fit", str(path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "--multi-label" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# -- 4. "<3" is no tag ----------------------------------------------------------------------------------------
def test_html_step_keeps_text_between_a_heart_and_a_later_angle_bracket():
    tokens = Cleaner()("I <3 this film so much >_< really")
    assert {"this", "film", "so", "much", "really"} <= set(tokens) and "heart" in tokens
    assert Cleaner(negation=False)("a < b and c > d") == ["a", "b", "and", "c", "d"]


@pytest.mark.parametrize("text", ["good<br />film", "good<BR>film", '<p class="x">good</p>film', "good<!-- c -->film",
                                  "<div\nid=a>good</div> film"])
def test_html_tags_are_still_removed(text):
    assert Cleaner(negation=False)(text) == ["good", "film"]


# -- 5. word+char: separate columns for word and character n-grams ---------------------------------------------
def test_word_and_char_ngrams_of_the_same_string_get_separate_columns():
    v = resolve("vectorizer", "count")(analyzer="word+char", ngram_range=(1, 1), char_ngram_range=(2, 5))
    X = v.fit_transform([["good"], ["goods"], ["bad"]]).toarray()
    assert v.features(["good"]).count("good") == 1
    word, char = v.vocabulary_["good"], v.vocabulary_["c:good"]
    assert word != char
    assert X[:, word].tolist() == [1, 0, 0]  # the word "good"
    assert X[:, char].tolist() == [1, 1, 0]  # the character 4-gram "good" (also in "goods")
    state, _ = v.get_state()
    assert state["char_prefix"] == "c:"
    assert "char_prefix" not in resolve("vectorizer", "count")().fit([["good"], ["bad"]]).get_state()[0]


def test_word_char_model_saved_before_the_fix_predicts_as_before(binary, tmp_path, monkeypatch):
    texts, labels = binary.train_texts[:80], binary.train_labels[:80]
    options = {"analyzer": "word+char", "ngram_range": (1, 2), "char_ngram_range": (2, 4)}
    with monkeypatch.context() as patch:
        patch.setattr(CountVectorizer, "CHAR_PREFIX", "")  # the features as they were before the fix
        old = Pipeline("tfidf", "logreg", **options).fit(texts, labels)
        expected = old.predict_proba(binary.dev_texts)
        old.save(tmp_path / "old")
    assert not any(t.startswith("c:") for t in old.vectorizer_.terms_)
    # Write the vectorizer state as an old version did: without the flag (and fix the checksum).
    state_path = tmp_path / "old" / "vectorizer" / "state.json"
    state = json.loads(state_path.read_text())
    del state["char_prefix"]
    state_path.write_text(json.dumps(state))
    config_path = tmp_path / "old" / "config.json"
    config = json.loads(config_path.read_text())
    config["files"]["vectorizer/state.json"] = checksum(state_path)
    config_path.write_text(json.dumps(config))

    loaded = sentiment.load(tmp_path / "old")
    assert loaded.vectorizer_.features(["good"]).count("good") == 1 + 1  # old models keep one shared column
    np.testing.assert_array_equal(loaded.predict_proba(binary.dev_texts), expected)
    loaded.save(tmp_path / "again")  # saved again, it still reads the old way
    np.testing.assert_array_equal(sentiment.load(tmp_path / "again").predict_proba(binary.dev_texts), expected)
    refit = loaded.fit(texts, labels)  # a new fit uses the prefix
    assert any(t.startswith("c:") for t in refit.vectorizer_.terms_)


# -- 6. "Cannot" --------------------------------------------------------------------------------------------
def test_cannot_is_expanded_whatever_its_case():
    assert Cleaner(lowercase=False)("Cannot stop") == ["can", "not", "not_stop"]
    assert Cleaner(lowercase=False)("CANNOT stop") == Cleaner(lowercase=False)("cannot stop")
    assert Cleaner(lowercase=False, negation=False)("Cannot stop") == ["can", "not", "stop"]


# -- 7. no file left open ----------------------------------------------------------------------------------
def test_a_refused_compressed_file_is_not_left_open(tmp_path, monkeypatch):
    import builtins
    import gzip

    opened = []

    def spy_open(*args, **kwargs):
        handle = builtins.open(*args, **kwargs)
        opened.append(handle)
        return handle

    monkeypatch.setattr(data_module, "open", spy_open, raising=False)
    path = tmp_path / "train.csv"
    path.write_bytes(gzip.compress(b"text,label\na,1\n"))
    with pytest.raises(DataError, match="gzip-compressed"):
        read_labelled(path)
    assert opened and all(handle.closed for handle in opened)


# -- 8. early errors ---------------------------------------------------------------------------------------
@pytest.fixture
def no_cleaning(monkeypatch):
    """Make any cleaning of the training texts fail the test, and CUDA absent."""
    import torch

    def cleaned(*args, **kwargs):
        raise AssertionError("the texts were cleaned before the stages were checked")

    monkeypatch.setattr(pipeline_module, "_tokens", cleaned)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


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


@pytest.mark.parametrize("vectorizer, model, options, pattern", [
    ("tfidf", "lstm", {}, "reads token sequences"),
    ("word2vec", "nb", {}, "needs non-negative features"),
    ("tfidf", "mlp", {"device": "cuda"}, "no CUDA GPU"),
])
def test_fit_file_refuses_before_reading_the_data(tmp_path, no_cleaning, vectorizer, model, options, pattern):
    missing = tmp_path / "not-there.csv"  # reading it would be a DataError
    with pytest.raises(ConfigError, match=pattern):
        commands.fit_file(missing, tmp_path / "m", vectorizer=vectorizer, model=model, options=options)


def test_compatible_stages_still_fit(binary):
    pipe = Pipeline("tfidf", "mlp", device="cpu", epochs=1, hidden_sizes=[4]).fit(binary.train_texts, binary.train_labels)
    assert pipe.predict(binary.dev_texts[:2]).shape == (2,)


# -- 9. options --task ---------------------------------------------------------------------------------------
def _options(*args):
    result = CliRunner().invoke(app, ["options", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_options_lists_the_tasks_own_defaults():
    emotion = _options("--task", "emotion")
    assert "  negation = false" in emotion and "  negation = true" not in emotion
    assert "  negation = true" in _options("--task", "polarity")
    multi = _options("--task", "emotion", "--multi-label")
    assert 'analyzer = "word+char"' in multi and "  min_df = 2" in multi and 'class_weight = "balanced"' in multi
    assert "nb_alpha" not in multi  # the multi-label task's model is logreg, not nbsvm
    assert "  negation = false" in _options("--task", "emotion", "--model", "mlp")  # the task's cleaner, other model
    assert "  negation = true" in _options("--task", "emotion", "--multi-label")  # as fit: negation helps GoEmotions
    fitted = Pipeline.for_task("emotion")
    assert fitted.get_params()["negation"] is False


# -- 10. stale text and the duplicated --out check --------------------------------------------------------------
def test_models_package_docstring_names_real_classes():
    import importlib
    import re

    import sentiment.models

    names = re.findall(r":class:`([\w.]+)`", sentiment.models.__doc__)
    assert names
    for name in names:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), name


def test_out_below_a_file_uses_the_persistence_check(tmp_path, saved_model):
    blocker = tmp_path / "train.csv"
    blocker.write_text("text,label\na,1\n")
    assert not hasattr(commands, "_check_out")
    with pytest.raises(ModelFileError, match=r"lies inside .*train\.csv, which is a file"):
        commands.fit_file(blocker, blocker / "model")
    with pytest.raises(ModelFileError, match=r"train\.csv, which is a file"):
        commands.ensemble_models([saved_model, saved_model], blocker / "sub" / "ens")
