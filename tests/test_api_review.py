"""The Python API as data scientists use it: scikit-learn conventions, bad inputs, and model directories
that were tampered with or half-replaced. Each test pins a behaviour that once was wrong."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

import sentiment
from sentiment import ConfigError, DataError, Ensemble, ModelFileError, NotFittedError, Pipeline
from sentiment.persistence import CONFIG, write_model


def _rehash(folder):
    """Recompute the checksums in config.json, as someone who edits a model on purpose would."""
    config = json.loads((folder / CONFIG).read_text())
    for relative in config["files"]:
        config["files"][relative] = hashlib.sha256((folder / relative).read_bytes()).hexdigest()
    (folder / CONFIG).write_text(json.dumps(config))


def _edit_config(folder, change):
    config = json.loads((folder / CONFIG).read_text())
    change(config)
    (folder / CONFIG).write_text(json.dumps(config))


@pytest.fixture(scope="module")
def multi_label():
    texts = ["so happy today", "scared and sad", "a sad day", "happy but scared", "a happy day", "so scared",
             "sad news again", "what a joy", "fear everywhere", "joyful and happy", "sad and lonely", "scary night"]
    labels = [["joy"], ["fear", "sadness"], ["sadness"], ["joy", "fear"], ["joy"], ["fear"],
              ["sadness"], ["joy"], ["fear"], ["joy"], ["sadness"], ["fear"]]
    return texts, labels


# -- scikit-learn conventions ---------------------------------------------------------------------------
def test_an_option_set_as_an_attribute_reaches_get_params_and_fit(binary):
    pipe = Pipeline("tfidf", "logreg", C=1.0)
    pipe.C = 0.01  # scikit-learn estimators take this as a parameter change
    assert pipe.get_params()["C"] == 0.01 and "C" not in vars(pipe)
    assert clone(pipe).get_params()["C"] == 0.01
    assert pipe.fit(binary.train_texts[:40], binary.train_labels[:40]).model_.params["C"] == 0.01
    del pipe.C
    assert "C" not in pipe.get_params()
    with pytest.raises(ConfigError, match="unknown option 'bogus'"):
        pipe.bogus = 1


def test_set_params_refuses_a_name_no_stage_has_and_changes_nothing():
    pipe = Pipeline("tfidf", "logreg", C=2.0)
    with pytest.raises(ConfigError, match="unknown option 'ngrams'.*options_for"):
        pipe.set_params(C=5.0, ngrams=(1, 2))
    assert pipe.get_params() == {"vectorizer": "tfidf", "model": "logreg", "C": 2.0}
    with pytest.raises(ValueError):  # scikit-learn's convention for an invalid parameter name
        pipe.set_params(max_depth=3)
    # values, and options of other stages (so a grid can switch models), are left to fit
    assert pipe.set_params(model="nb", C=1.0).get_params()["model"] == "nb"
    assert pipe.set_params(model="forest").model == "forest"
    with pytest.raises(ConfigError, match="unknown model 'forest'"):
        pipe.fit(["good", "bad"], ["p", "n"])


def test_fitted_attributes_of_an_unfitted_pipeline_say_so():
    pipe = Pipeline()
    with pytest.raises(NotFittedError, match="not fitted yet, so it has no classes_"):
        pipe.classes_
    assert not hasattr(pipe, "label_names_")  # still an AttributeError: hasattr and check_is_fitted work
    with pytest.raises(AttributeError, match="no attribute 'n_features_in_'"):
        pipe.n_features_in_


def test_numpy_numbers_are_options_as_in_a_grid(binary):
    texts, labels = binary.train_texts[:40], binary.train_labels[:40]
    pipe = Pipeline("tfidf", "logreg", min_df=np.int64(1), C=np.float64(2.0), ngram_range=np.array([1, 2]))
    pipe.fit(texts, labels)
    assert pipe.vectorizer_.params["ngram_range"] == (1, 2) and type(pipe.vectorizer_.params["min_df"]) is int
    search = GridSearchCV(Pipeline("count", "logreg"), {"min_df": np.arange(1, 3)}, cv=2, error_score="raise")
    assert search.fit(texts, labels).best_params_["min_df"] in (1, 2)


def test_a_loaded_pipeline_has_the_same_params(binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg", analyzer="word+char", ngram_range=(1, 2), char_ngram_range=(2, 3))
    pipe.fit(binary.train_texts[:40], binary.train_labels[:40])
    loaded = sentiment.load(pipe.save(tmp_path / "m"))
    assert loaded.get_params() == pipe.get_params()  # tuples, not the lists JSON gives back
    assert clone(loaded).get_params() == pipe.get_params()


# -- bad inputs -------------------------------------------------------------------------------------------
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


def test_score_with_labels_that_are_not_a_list(fitted, binary):
    with pytest.raises(DataError, match="not NoneType"):
        fitted("tfidf", "logreg").score(binary.dev_texts[:3], None)


@pytest.mark.parametrize("dev, pattern", [
    (("only texts",), "dev must be a \\(texts, labels\\) pair"),
    ("dev.csv", "dev must be a \\(texts, labels\\) pair"),
    ((["good", "bad", "fine"], ["pos", "neg"]), "dev has 3 texts but 2 labels"),
    ((["good", "bad"], None), "not NoneType"),
])
def test_bad_dev_data(binary, dev, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline("tfidf", "logreg").fit(binary.train_texts[:20], binary.train_labels[:20], dev=dev)


def test_ensemble_arguments(fitted):
    a, b = fitted("tfidf", "logreg"), fitted("count", "nb")
    with pytest.raises(ConfigError, match="members must be a list"):
        Ensemble(None)
    with pytest.raises(ConfigError, match="members must be a list"):
        Ensemble("model-dir")
    for weights in (["a", 1], [None, 1], [float("inf"), 1], [float("nan"), 1], 3, [1]):
        with pytest.raises(ConfigError, match="one finite, non-negative weight per member"):
            Ensemble([a, b], weights=weights)


def test_ensemble_tune_checks_the_labels(multi_label):
    texts, labels = multi_label
    a = Pipeline("tfidf", "logreg", C=10.0).fit(texts, labels)
    b = Pipeline("count", "logreg", C=10.0).fit(texts, labels)
    ensemble = Ensemble([a, b])
    with pytest.raises(DataError, match="12 texts but 11 labels"):
        ensemble.tune(texts, labels[:-1])
    with pytest.raises(DataError, match="not NoneType"):
        ensemble.tune(texts, None)
    assert ensemble.tune(texts, labels).thresholds_.shape == (3,)


def test_unknown_registry_kind_of_any_type():
    with pytest.raises(ConfigError, match="unknown kind"):
        sentiment.available(["model"])


# -- saving ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("extra, pattern", [
    ({"labels": {"classes": []}}, "cannot set 'labels'"),
    ({"format": "mine"}, "cannot set 'format'"),
    ({"files": {}}, "cannot set 'files'"),
    ({"note": object()}, "JSON values only"),
    (["columns"], "must be a dict"),
])
def test_save_extra_cannot_break_the_model(fitted, tmp_path, extra, pattern):
    with pytest.raises(ConfigError, match=pattern):
        fitted("tfidf", "logreg").save(tmp_path / "m", extra=extra)
    assert list(tmp_path.iterdir()) == []


def test_save_extra_with_numpy_values(fitted, tmp_path):
    fitted("tfidf", "logreg").save(tmp_path / "m", extra={"metrics": {"dev": {"accuracy": np.float64(0.5)}},
                                                          "sizes": np.array([1, 2])})
    assert sentiment.load(tmp_path / "m").config_["sizes"] == [1, 2]


def test_an_interrupted_swap_says_where_the_previous_model_is(saved_model, tmp_path):
    # _replace_dir renames the old model aside, then the new one into place; a crash between the two
    # leaves no model at the path, and the previous one in a hidden sibling.
    aside = tmp_path / ".model.x1y2.old"
    shutil.copytree(saved_model, aside)
    with pytest.raises(ModelFileError, match=r"save over it was interrupted.*\.model\.x1y2\.old; rename"):
        sentiment.load(tmp_path / "model")


# -- loading tampered directories -----------------------------------------------------------------------------
def test_an_unverified_arrays_file_is_never_read(model_copy):
    _edit_config(model_copy, lambda c: c["files"].pop("model/arrays.safetensors"))
    with pytest.raises(ModelFileError, match="lists model/state.json but not model/arrays.safetensors"):
        sentiment.load(model_copy)


@pytest.mark.parametrize("version", [True, 0, -5, "1", None])
def test_invalid_format_version(model_copy, version):
    _edit_config(model_copy, lambda c: c.update(format_version=version))
    with pytest.raises(ModelFileError, match="format_version"):
        sentiment.load(model_copy)


def test_a_model_of_an_unknown_kind(model_copy):
    _edit_config(model_copy, lambda c: c.update(kind="transformer"))
    for loader in (sentiment.load, Pipeline.load):
        with pytest.raises(ModelFileError, match="kind 'transformer'.*upgrade sentiment"):
            loader(model_copy)


@pytest.fixture
def ensemble_dir(fitted, tmp_path):
    path = tmp_path / "ens"
    Ensemble([fitted("tfidf", "logreg"), fitted("count", "nb")]).save(path)
    return path


@pytest.mark.parametrize("members", [
    ["../outside", "member1"],
    ["member0", "member0"],
    [".", "member1"],  # the ensemble itself: endless recursion
    "member0",
    [0, 1],
])
def test_ensemble_members_must_be_its_own_folders(ensemble_dir, saved_model, members):
    shutil.copytree(saved_model, ensemble_dir.parent / "outside")  # a valid model, but not part of the ensemble
    _edit_config(ensemble_dir, lambda c: c.update(members=members))
    with pytest.raises(ModelFileError, match="not a consistent ensemble"):
        sentiment.load(ensemble_dir)


@pytest.mark.parametrize("weights", [["x", 1], [1e400, 1]])
def test_ensemble_with_bad_saved_weights(ensemble_dir, weights):
    _edit_config(ensemble_dir, lambda c: c.update(weights=weights))
    with pytest.raises(ModelFileError, match="not a consistent ensemble.*weight"):
        sentiment.load(ensemble_dir)


def test_ensemble_load_of_a_pipeline_directory(saved_model):
    with pytest.raises(ModelFileError, match="holds a pipeline model, not an ensemble"):
        Ensemble.load(saved_model)


@pytest.mark.parametrize("pipeline", [None, [1, 2]])
def test_a_damaged_aspect_config_is_a_model_file_error(tmp_path, pipeline):
    path = write_model(tmp_path / "aspect", {"kind": "aspect", "pipeline": pipeline},
                       {"extractor": ({"name": "classical"}, {}), "polarity": ({"name": "classical"}, {})})
    with pytest.raises(ModelFileError, match="not a consistent aspect model"):
        sentiment.load(path)


def test_weights_that_do_not_fit_the_network_give_a_one_line_error(binary, tmp_path):
    pytest.importorskip("torch")
    from safetensors.numpy import load_file, save_file

    pipe = Pipeline("tfidf", "mlp", epochs=1, hidden_sizes=(4,), device="cpu")
    pipe.fit(binary.train_texts[:30], binary.train_labels[:30])
    path = pipe.save(tmp_path / "mlp")
    assert sentiment.load(path).get_params() == pipe.get_params()
    arrays = load_file(str(path / "model" / "arrays.safetensors"))
    arrays = {name: (value[..., :1].copy() if value.ndim else value) for name, value in arrays.items()}
    save_file(arrays, str(path / "model" / "arrays.safetensors"))
    _rehash(path)
    with pytest.raises(ModelFileError, match="not a consistent sentiment model") as info:
        sentiment.load(path)
    assert "\n" not in str(info.value) and len(str(info.value)) < 500
