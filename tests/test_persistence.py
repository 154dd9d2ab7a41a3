"""Saving and loading: exact round trips, refusal of damaged or foreign directories, atomic saves, the extra
entries a save may add."""

from __future__ import annotations

import copy
import errno
import json
import os
import re
import shutil
import stat
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

import sentiment
from sentiment import ConfigError, Ensemble, ModelFileError, Pipeline
from sentiment.persistence import CONFIG, FORMAT_VERSION, check_model_target

from conftest import CSV, craft_stage, edit_config, posix_modes, symlink, valid_combinations


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith((".partial", ".old"))]


@pytest.mark.parametrize("vec_id, model", valid_combinations())
def test_round_trip_gives_identical_predictions(fitted, binary, tmp_path, vec_id, model):
    pipe = fitted(vec_id, model)
    path = pipe.save(tmp_path / "model")
    loaded = sentiment.load(path)
    texts = binary.dev_texts + ["a never seen sentence", "Sooo GOOD!!! :) http://x.io"]
    np.testing.assert_allclose(loaded.predict_proba(texts), pipe.predict_proba(texts), rtol=1e-12, atol=1e-15)
    assert loaded.predict(texts).tolist() == pipe.predict(texts).tolist()
    assert loaded.classes_.tolist() == pipe.classes_.tolist()
    assert loaded.label_names_ == pipe.label_names_
    assert loaded.get_params()["vectorizer"] == pipe.vectorizer and loaded.get_params()["model"] == model
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("vec_id, model", [("tfidf", "nbsvm"), ("tfidf-word+char", "linearsvm"),
                                           ("count", "complement_nb"), ("word2vec-tfidf", "logreg")])
def test_round_trip_five_classes_with_integer_labels(fitted, five, tmp_path, vec_id, model):
    pipe = fitted(vec_id, model, "five")
    loaded = sentiment.load(pipe.save(tmp_path / "model"))
    np.testing.assert_allclose(loaded.predict_proba(five.dev_texts), pipe.predict_proba(five.dev_texts),
                               rtol=1e-12, atol=1e-15)
    predictions = loaded.predict(five.dev_texts)
    assert predictions.tolist() == pipe.predict(five.dev_texts).tolist()
    assert predictions.dtype.kind == "i"  # integer labels come back as integers
    assert loaded.annotate(five.dev_texts[:3]) == pipe.annotate(five.dev_texts[:3])


@pytest.mark.parametrize("labels, kind", [([2**63 + 1, 3], "u"), ([2**63 + 1, 2**63 + 2], "u"), ([-1, 2**63 + 1], "O"),
                                         ([2**70, 1], "O")])
def test_whole_number_labels_beyond_int64_stay_whole_through_fit_and_load(binary, tmp_path, labels, kind):
    """numpy reads [-1, 2**63 + 1] as floats, which are no longer the labels, and 2**63 + 1 and 2**63 + 2 as one
    float; JSON holds them as written."""
    texts = binary.train_texts[:40]
    classes = dict(zip(sorted(set(binary.train_labels)), labels))
    targets = np.array([classes[label] for label in binary.train_labels[:40]], dtype=object if kind == "O" else np.uint64)
    pipe = Pipeline("tfidf", "logreg").fit(texts, targets)
    loaded = sentiment.load(pipe.save(tmp_path / "m"))
    predictions = loaded.predict(texts)
    assert predictions.dtype.kind == kind and predictions.tolist() == pipe.predict(texts).tolist()
    assert set(predictions.tolist()) <= set(labels) and loaded.classes_.tolist() == sorted(labels)


def test_labels_of_numpy_whole_number_types_mixed_stay_whole(binary):
    texts = binary.train_texts[:40]
    kinds = dict(zip(sorted(set(binary.train_labels)), [np.int64(-1), np.uint64(2**63 + 1)]))  # numpy: floats
    pipe = Pipeline("tfidf", "logreg").fit(texts, [kinds[label] for label in binary.train_labels[:40]])
    assert pipe.classes_.tolist() == [-1, 2**63 + 1] and set(pipe.predict(texts).tolist()) <= {-1, 2**63 + 1}


def test_round_trip_keeps_cleaner_and_options(binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg", ngram_range=(1, 3), C=2.5, stopwords=True, negation=False, urls="remove")
    pipe.fit(binary.train_texts, binary.train_labels)
    loaded = sentiment.load(pipe.save(tmp_path / "m", extra={"note": {"by": "test"}}))
    assert loaded.cleaner_ == pipe.cleaner_
    assert loaded.cleaner_.stopwords is True and loaded.cleaner_.negation is False
    assert loaded.vectorizer_.params["ngram_range"] == (1, 3)
    assert loaded.model_.params["C"] == 2.5
    assert loaded.config_["note"] == {"by": "test"}
    assert loaded.info_["trained_on"] == len(binary.train_texts)
    config = json.loads((tmp_path / "m" / CONFIG).read_text())
    assert config["format"] == "sentiment-model" and config["format_version"] == FORMAT_VERSION
    assert config["pipeline"]["options"]["ngram_range"] == [1, 3]
    assert set(config["files"]) == {"vectorizer/state.json", "vectorizer/arrays.safetensors",
                                    "model/state.json", "model/arrays.safetensors"}


def test_a_loaded_pipeline_has_the_same_params(binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg", analyzer="word+char", ngram_range=(1, 2), char_ngram_range=(2, 3))
    pipe.fit(binary.train_texts[:40], binary.train_labels[:40])
    loaded = sentiment.load(pipe.save(tmp_path / "m"))
    assert loaded.get_params() == pipe.get_params()  # tuples, not the lists JSON gives back
    assert clone(loaded).get_params() == pipe.get_params()


@pytest.mark.parametrize("labels, weights", [([0, 1], {0: 3.0}), (["neg", "pos"], {"neg": 2.0}),
                                             ([0, 1], {"negative": 2.0, 1: 0.5})])  # by display name too
def test_a_class_weight_dict_comes_back_with_its_keys(binary, tmp_path, labels, weights):
    texts = binary.train_texts[:40]
    codes = {name: i for i, name in enumerate(binary.classes)}
    pipe = Pipeline("count", "logreg", class_weight=weights).fit(texts, [labels[codes[y]] for y in binary.train_labels[:40]])
    loaded = sentiment.load(pipe.save(tmp_path / "m"))
    assert loaded.get_params() == pipe.get_params()  # JSON gives the keys back as text
    assert sentiment.load(loaded.save(tmp_path / "again")).get_params() == pipe.get_params()


def test_loaded_model_can_be_saved_again(saved_model, binary, tmp_path):
    first = sentiment.load(saved_model)
    again = sentiment.load(first.save(tmp_path / "again"))
    np.testing.assert_array_equal(again.predict_proba(binary.dev_texts), first.predict_proba(binary.dev_texts))


def test_model_directory_holds_no_pickle(saved_model):
    names = sorted(str(p.relative_to(saved_model)) for p in saved_model.rglob("*") if p.is_file())
    assert names == ["config.json", "model/arrays.safetensors", "model/state.json",
                     "vectorizer/arrays.safetensors", "vectorizer/state.json"]


# -- damaged or foreign directories ---------------------------------------------------------------------
def _expect_model_error(path, pattern):
    with pytest.raises(ModelFileError, match=pattern) as info:
        sentiment.load(path)
    assert path.name in str(info.value)
    return info.value


def test_missing_directory(tmp_path):
    _expect_model_error(tmp_path / "nope", "does not exist")


def test_nonexistent_model_dir(tmp_path):
    with pytest.raises(sentiment.ModelFileError, match="does not exist"):
        sentiment.load(tmp_path / "missing-model")


def test_missing_model_message_fits_every_caller(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist") as info:
        sentiment.load(tmp_path / "nope")
    message = str(info.value)
    assert "--model" not in message and "sentiment fit" in message and "--out" in message


def test_file_instead_of_directory(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("{}")
    _expect_model_error(path, "is a file")


def test_directory_without_config(tmp_path):
    (tmp_path / "empty").mkdir()
    _expect_model_error(tmp_path / "empty", "no config.json")


def test_invalid_json_config(model_copy):
    (model_copy / CONFIG).write_text('{"format": "sentiment-model", ')
    _expect_model_error(model_copy, "not valid JSON")


def test_wrong_format(model_copy):
    edit_config(model_copy, lambda c: c.update(format="other-tool"))
    _expect_model_error(model_copy, "another format")


def test_config_not_an_object(model_copy):
    (model_copy / CONFIG).write_text("[1, 2]")
    _expect_model_error(model_copy, "another format")


def test_future_format_version(model_copy):
    edit_config(model_copy, lambda c: c.update(format_version=FORMAT_VERSION + 1))
    error = _expect_model_error(model_copy, "newer")
    assert "install a newer version of this package" in str(error)


@pytest.mark.parametrize("version", [True, 0, -5, "1", None])
def test_invalid_format_version(model_copy, version):
    edit_config(model_copy, lambda c: c.update(format_version=version))
    with pytest.raises(ModelFileError, match="format_version"):
        sentiment.load(model_copy)


def test_options_that_disagree_with_the_saved_cleaner(model_copy):
    edit_config(model_copy, lambda c: (c["pipeline"]["options"].update(lowercase=False), c["cleaner"].update(lowercase=True)))
    with pytest.raises(ModelFileError, match="not a consistent sentiment model .*options and its cleaner disagree on "
                                             "lowercase"):
        sentiment.load(model_copy)


@pytest.mark.parametrize("edit, pattern", [
    (lambda c: c["pipeline"].update(model="nb"), "its model is 'logreg' in one place, 'nb' in another"),
    (lambda c: c["labels"].update(classes=[["neg"], ["pos"]]), "its labels are not lists of distinct values"),
    (lambda c: c["labels"].update(names=["neg", float("nan")]), "its labels are not lists of distinct values"),
    (lambda c: c["labels"].update(classes=[{"a": 1}, "pos"]), "its labels are not lists of distinct values"),
    (lambda c: c["labels"].update(classes=[1, 1.0]), "its labels are not lists of distinct values"),  # one value
    (lambda c: c["labels"].update(classes=[True, 1]), "its labels are not lists of distinct values"),
    (lambda c: c["labels"].update(classes=[0, False]), "its labels are not lists of distinct values"),
    (lambda c: c["pipeline"]["options"].update(grouping="bogus"), "its grouping 'bogus' is none this package knows"),
    (lambda c: c.update(labels=["neg", "pos"]), 'its "labels" entry is not an object with "classes" and "names"'),
    (lambda c: c["labels"].pop("names"), 'its "labels" entry is not an object with "classes" and "names"'),
    (lambda c: c["labels"].update(ids=["neg", "pos"]), 'its label "ids" are not an object of label -> name'),
    (lambda c: c["labels"].update(ids={"0": None}), 'its label "ids" are not an object of label -> name'),
])
def test_a_config_at_odds_with_itself_is_refused(model_copy, edit, pattern):
    """Consistent in each part, it would predict 2-D arrays or NaN labels, or say it is another model."""
    edit_config(model_copy, edit)
    with pytest.raises(ModelFileError, match=f"not a consistent sentiment model \\({pattern}"):
        sentiment.load(model_copy)


def test_renamed_or_swapped_labels_of_a_multi_label_model_are_taken_as_written(binary, tmp_path):
    labels = [["joy"] if y == "pos" else (["anger", "sadness"] if i % 2 else ["anger"])
              for i, y in enumerate(binary.train_labels)]
    pipe = Pipeline.for_task("emotion", multi_label=True).fit(binary.train_texts, labels)
    pipe.save(tmp_path / "model")
    names = pipe.label_names_
    edit_config(tmp_path / "model", lambda c: c["labels"].update(names=[names[1], names[0], "happiness"]))
    loaded = sentiment.load(tmp_path / "model")
    assert loaded.label_names_ == [names[1], names[0], "happiness"]
    np.testing.assert_array_equal(loaded.thresholds_, pipe.thresholds_)  # by position
    np.testing.assert_array_equal(loaded.predict_proba(binary.dev_texts), pipe.predict_proba(binary.dev_texts))


def test_a_config_too_large_to_be_a_models_is_refused_before_it_is_read(model_copy, fitted, monkeypatch):
    from sentiment.persistence import MAX_CONFIG_BYTES, _config_is_ours

    with open(model_copy / CONFIG, "r+b") as file:  # sparse: no disk taken
        file.truncate(MAX_CONFIG_BYTES + 1)
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("the config was read"))
    with pytest.raises(ModelFileError, match=r"config.json is 16 MB, where a model's settings take a few kB: the model "
                                             "is damaged; restore it or train it again"):
        sentiment.load(model_copy)
    assert _config_is_ours(model_copy) is None  # cannot be read
    monkeypatch.undo()
    fitted("count", "nb").save(model_copy)  # a damaged model may be replaced
    assert sentiment.load(model_copy).model == "nb"


def test_a_name_too_long_for_the_temporary_file_beside_it_is_refused_before_saving(fitted, tmp_path):
    from sentiment.persistence import NAME_MAX, TEMPORARY_EXTRA, check_output_file

    longest = "m" * (NAME_MAX - TEMPORARY_EXTRA)
    fitted("count", "nb").save(tmp_path / longest)
    assert sentiment.load(tmp_path / longest).model == "nb"
    with pytest.raises(ModelFileError, match=f"is {len(longest) + 1} bytes long, and saving first writes a temporary "
                                             f"file beside it .*; give a name of at most {len(longest)} bytes"):
        check_model_target(tmp_path / (longest + "m"))
    with pytest.raises(ConfigError, match=f"--out .* is {len(longest) + 1} bytes long"):
        check_output_file(tmp_path / (longest[:-3] + "m.pt"), "--out", (".pt",))
    with pytest.raises(ModelFileError, match="bytes long"):  # UTF-8 bytes: "é" takes two
        check_model_target(tmp_path / ("é" * (len(longest) // 2 + 1)))


def test_a_model_of_an_unknown_kind(model_copy):
    edit_config(model_copy, lambda c: c.update(kind="transformer"))
    for loader in (sentiment.load, Pipeline.load):
        with pytest.raises(ModelFileError, match="kind 'transformer'.*newer version of this package"):
            loader(model_copy)


def test_truncated_arrays(model_copy):
    arrays = model_copy / "model" / "arrays.safetensors"
    arrays.write_bytes(arrays.read_bytes()[:-17])
    _expect_model_error(model_copy, "model/arrays.safetensors.*(corrupted|checksum)")


def test_one_byte_changed_in_state(model_copy):
    state = model_copy / "vectorizer" / "state.json"
    data = bytearray(state.read_bytes())
    index = data.index(b"great")
    data[index] = ord("G")
    state.write_bytes(bytes(data))
    json.loads(data)  # still valid JSON: only the checksum can tell
    _expect_model_error(model_copy, "checksum")


def test_missing_stage_file(model_copy):
    (model_copy / "vectorizer" / "arrays.safetensors").unlink()
    _expect_model_error(model_copy, "incomplete.*vectorizer/arrays.safetensors.*missing")
    (model_copy / "vectorizer" / "arrays.safetensors").mkdir()
    _expect_model_error(model_copy, "incomplete: vectorizer/arrays.safetensors is a folder;")
    if hasattr(os, "mkfifo"):  # (a read of it would wait for a writer)
        (model_copy / "vectorizer" / "arrays.safetensors").rmdir()
        os.mkfifo(model_copy / "vectorizer" / "arrays.safetensors")
        _expect_model_error(model_copy, r"incomplete: vectorizer/arrays.safetensors is no regular file \(a pipe")


def test_missing_stage_folder(model_copy):
    shutil.rmtree(model_copy / "model")
    _expect_model_error(model_copy, "missing")


def test_file_entry_outside_directory(model_copy, tmp_path):
    outside = tmp_path / "x"
    outside.write_text("{}")
    original = (model_copy / CONFIG).read_text()
    for entry in ("../x", str(outside), "model/../../x"):
        (model_copy / CONFIG).write_text(original)
        edit_config(model_copy, lambda c: c["files"].update({entry: "0" * 64}))
        _expect_model_error(model_copy, "outside the model directory")


def test_no_files_listed(model_copy):
    edit_config(model_copy, lambda c: c.update(files={}))
    _expect_model_error(model_copy, "lists no model files")


def test_an_unverified_arrays_file_is_never_read(model_copy):
    edit_config(model_copy, lambda c: c["files"].pop("model/arrays.safetensors"))
    with pytest.raises(ModelFileError, match="lists model/state.json but not model/arrays.safetensors"):
        sentiment.load(model_copy)


@pytest.mark.parametrize("edit", [
    lambda c: c.pop("pipeline"),
    lambda c: c["stages"]["model"].update(name="bert"),
    lambda c: c["stages"]["model"]["params"].update(C=-1),
    lambda c: c["pipeline"]["options"].update(bogus=1),
    lambda c: c["labels"].update(classes=["a", "b", "c"], names=["a", "b", "c"]),
], ids=["no-pipeline", "unknown-model", "bad-param", "unknown-option", "label-count"])
def test_inconsistent_config(model_copy, edit):
    edit_config(model_copy, edit)
    _expect_model_error(model_copy, "not a consistent sentiment model")


def test_error_is_an_oserror_and_sentiment_error(tmp_path):
    with pytest.raises(OSError):
        sentiment.load(tmp_path / "nope")
    with pytest.raises(sentiment.SentimentError):
        sentiment.load(tmp_path / "nope")


# -- a damaged "columns" entry (the data columns a model was trained on) -------------------------------
DAMAGED_COLUMNS = [None, "text", ["tl"], {"text": 5, "label": "label"}, {"text": "", "label": "label"}]


def _set_columns(folder, columns):
    edit_config(folder, lambda config: config.update(columns=columns))


@pytest.mark.parametrize("columns", DAMAGED_COLUMNS, ids=repr)
def test_pipeline_load_checks_the_columns_entry(model_copy, columns):
    _set_columns(model_copy, columns)
    with pytest.raises(ModelFileError, match='config.json is damaged: its "columns" entry'):
        Pipeline.load(model_copy)


@pytest.mark.parametrize("columns", DAMAGED_COLUMNS, ids=repr)
def test_ensemble_load_checks_the_columns_entry(saved_ensemble, tmp_path, columns):
    import shutil

    copy = shutil.copytree(saved_ensemble, tmp_path / "ens")
    _set_columns(copy, columns)
    with pytest.raises(ModelFileError, match='config.json is damaged: its "columns" entry'):
        Ensemble.load(copy)


def test_ensemble_load_keeps_good_columns(saved_ensemble, tmp_path):
    import shutil

    copy = shutil.copytree(saved_ensemble, tmp_path / "ens")
    _set_columns(copy, {"text": "review", "label": "stars"})
    assert Ensemble.load(copy).config_["columns"] == {"text": "review", "label": "stars"}


# -- saving ------------------------------------------------------------------------------------------
def _snapshot(path):
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_save_over_existing_model_replaces_it(fitted, binary, tmp_path):
    path = tmp_path / "model"
    fitted("tfidf", "logreg").save(path)
    fitted("count", "nb").save(path)
    loaded = sentiment.load(path)
    assert loaded.model == "nb" and loaded.vectorizer == "count"
    assert _leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_save_into_empty_directory_and_new_parents(fitted, tmp_path):
    (tmp_path / "empty").mkdir()
    fitted("tfidf", "logreg").save(tmp_path / "empty")
    fitted("tfidf", "logreg").save(tmp_path / "a" / "b" / "model")
    assert sentiment.load(tmp_path / "empty").model == "logreg"
    assert sentiment.load(tmp_path / "a" / "b" / "model").model == "logreg"


def test_save_refuses_non_model_directory(fitted, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.tex").write_text("important")
    with pytest.raises(ModelFileError, match="non-empty directory"):
        fitted("tfidf", "logreg").save(folder)
    assert (folder / "thesis.tex").read_text() == "important"
    assert _leftovers(tmp_path) == []


def test_save_refuses_a_file(fitted, tmp_path):
    path = tmp_path / "model"
    path.write_text("x")
    with pytest.raises(ModelFileError, match="is a file"):
        fitted("tfidf", "logreg").save(path)
    assert path.read_text() == "x"


def test_save_to_no_path_is_a_model_file_error(fitted):
    with pytest.raises(ModelFileError, match="give the model's directory as a path .*not NoneType"):
        fitted("tfidf", "logreg").save(None)


def test_save_below_a_file_names_the_file(fitted, tmp_path):
    data = tmp_path / "train.csv"
    data.write_text(CSV)
    for target in (data / "model", data / "sub" / "model"):
        with pytest.raises(ModelFileError, match=r"train\.csv, which is a file"):
            check_model_target(target)
        with pytest.raises(ModelFileError, match=r"train\.csv, which is a file"):
            fitted("tfidf", "logreg").save(target)
    assert data.read_text() == CSV
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.csv"]


def test_another_tools_config_json_is_not_a_model_to_replace(fitted, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / CONFIG).write_text('{"api_key": "keep me"}')
    with pytest.raises(ModelFileError, match="non-empty directory that holds no model"):
        fitted("tfidf", "logreg").save(project)
    assert (project / CONFIG).read_text() == '{"api_key": "keep me"}' and _leftovers(tmp_path) == []


def test_a_model_inside_another_models_directory_is_refused(fitted, tmp_path):
    fitted("tfidf", "logreg").save(tmp_path / "outer")
    with pytest.raises(ModelFileError, match="lies inside the model directory .*outer, which saving replaces"):
        fitted("tfidf", "nb").save(tmp_path / "outer" / "inner")
    assert not (tmp_path / "outer" / "inner").exists()
    fitted("tfidf", "nb").save(tmp_path / "outer")  # the outer model itself can still be replaced


def test_the_current_directory_is_refused_before_anything_is_written(fitted, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")
    for target in (".", "", "sub/..", ".."):
        with pytest.raises(ModelFileError, match="is the current directory or holds it"):
            fitted("tfidf", "logreg").save(target)
    assert list((tmp_path / "empty").iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_folder_that_cannot_be_written_is_refused_before_anything_is_saved(fitted, tmp_path, monkeypatch):
    import tempfile

    from sentiment.persistence import check_model_target

    made = tempfile.mkdtemp

    def read_only(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == tmp_path:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return made(*args, dir=dir, **kwargs)

    check_model_target(tmp_path / "deeper" / "model")  # allowed, and nothing left behind by the test of it
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    for target in (tmp_path / "model", tmp_path / "deeper" / "model"):  # the nearest folder that exists is tried
        with pytest.raises(ModelFileError, match=rf"^cannot save .*model: {re.escape(str(tmp_path))} cannot be written "
                                                 r"\(Read-only file system\); choose another path, or make it writable$"):
            fitted("tfidf", "logreg").save(target)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(tempfile, "mkdtemp", made)
    removed = os.rmdir

    def append_only(path):
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "rmdir", append_only)
    with pytest.raises(ModelFileError, match=r"^cannot save .*model: in .* a folder can be made but not removed \(Operation "
                                             r"not permitted; an append-only folder\?\); choose another path \(and remove "
                                             r"the empty test folder .*\.model\.\w{8}\.partial once you can\)$"):
        fitted("tfidf", "logreg").save(tmp_path / "model")
    monkeypatch.setattr(os, "rmdir", removed)
    for leftover in tmp_path.iterdir():
        leftover.rmdir()
    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    (tmp_path / "inside").mkdir()
    monkeypatch.chdir(tmp_path / "inside")
    with pytest.raises(ModelFileError, match="is the current directory or holds it"):  # said first
        fitted("tfidf", "logreg").save(".")


def test_a_save_through_a_link_replaces_the_directory_it_points_to(fitted, tmp_path):
    fitted("tfidf", "logreg").save(tmp_path / "real")
    symlink(tmp_path / "link", tmp_path / "real")
    fitted("tfidf", "nb").save(tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and sentiment.load(tmp_path / "real").get_params()["model"] == "nb"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]  # no backup left behind


def test_only_a_readable_model_config_keeps_files_out_of_a_folder(tmp_path):
    from sentiment.persistence import check_outside_models

    (tmp_path / "config.json").write_text('{"a": 1, // comments: not JSON\n}')  # another tool's, up the tree
    (tmp_path / ".cache" / "app").mkdir(parents=True)
    (tmp_path / ".cache" / "app" / "state.json").write_text("{}")
    check_outside_models(tmp_path / "work" / "predictions.csv", "--output")  # no model here: allowed


def test_an_interrupted_save_through_a_link_names_the_backup(fitted, tmp_path):
    fitted("tfidf", "logreg").save(tmp_path / "real")
    symlink(tmp_path / "link", tmp_path / "real")
    (tmp_path / "real").rename(tmp_path / ".real.x1y2.old")  # as if a save stopped between its two renames
    with pytest.raises(ModelFileError, match=r"a save over it was interrupted, and the previous model is in .*\.real\.x1y2\.old"):
        sentiment.load(tmp_path / "link")


def test_save_writes_the_fitted_settings_not_those_set_after_fit(binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg", C=4.0).fit(binary.train_texts, binary.train_labels)
    pipe.set_params(model="nb")  # for the next fit; the fitted stages are still tf-idf + logreg
    pipe.vectorizer = "count"
    pipe.lowercase = False
    with pytest.warns(sentiment.IgnoredOptionWarning, match=r"^vectorizer, model and lowercase were changed "
                                                            r"since fit and are not saved: the saved model is the one fit "
                                                            r"trained, with the earlier values; fit again") as caught:
        loaded = sentiment.load(pipe.save(tmp_path / "m"))
    assert caught[0].filename == __file__
    assert loaded.get_params() == {"vectorizer": "tfidf", "model": "logreg", "C": 4.0}
    np.testing.assert_allclose(loaded.predict_proba(binary.dev_texts), pipe.predict_proba(binary.dev_texts))
    assert pipe.get_params()["model"] == "nb"  # what the next fit uses


def test_loading_a_kind_of_model_or_a_file_says_how_a_model_folder_is_made(tmp_path):
    with pytest.raises(ModelFileError, match=r"logreg is also a kind of model.*`sentiment fit DATA --model logreg --out "
                                             r"DIR` writes one, as Pipeline\(model='logreg'\)\.fit\(\.\.\.\)\.save\(DIR\) does\)$"):
        sentiment.load("logreg")
    (tmp_path / "data.csv").write_text("text,label\n")
    with pytest.raises(ModelFileError, match=r"is a file, not a model directory; pass the directory that `sentiment fit` "
                                             r"\(or save\) wrote$"):
        sentiment.load(tmp_path / "data.csv")


def test_a_setting_set_again_to_its_value_is_no_change(binary, tmp_path):
    """2 and 2.0 are one value of C (a grid's numbers, or a value typed again): saving says nothing of them."""
    pipe = Pipeline("tfidf", "logreg", C=2, ngram_range=(1, 2), lowercase=True).fit(binary.train_texts[:40],
                                                                                    binary.train_labels[:40])
    pipe.set_params(C=2.0, ngram_range=[1, 2.0], lowercase=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sentiment.IgnoredOptionWarning)
        pipe.save(tmp_path / "m")
    pipe.set_params(lowercase=1)  # not the bool it was
    with pytest.warns(sentiment.IgnoredOptionWarning, match="^lowercase was changed since fit"):
        pipe.save(tmp_path / "m")


@pytest.mark.parametrize("make", [lambda vectors: Pipeline("word2vec", "logreg", vectors_path=vectors),
                                  lambda vectors: sentiment.TextVectorizer("word2vec", vectors_path=vectors)])
def test_a_loaded_model_trains_again_from_its_settings(binary, vectors_files, tmp_path, monkeypatch, make):
    """A path option is saved as given (as text), so that scikit-learn's clone of a loaded model, and an
    Ensemble of loaded models in cross_val_score, train again from anywhere."""
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    vectors = vectors_files["word2vec"]
    fitted = make(vectors).fit(binary.train_texts, binary.train_labels)
    loaded = sentiment.load(fitted.save(tmp_path / "m"))
    assert loaded.get_params()["vectors_path"] == str(vectors)
    monkeypatch.chdir(tmp_path)  # elsewhere than the vectors
    again = clone(loaded).fit(binary.train_texts, binary.train_labels)
    outputs = "predict_proba" if isinstance(fitted, Pipeline) else "transform"
    np.testing.assert_allclose(getattr(again, outputs)(binary.dev_texts), getattr(fitted, outputs)(binary.dev_texts))
    if isinstance(fitted, Pipeline):
        other = sentiment.load(Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels).save(tmp_path / "o"))
        scores = cross_val_score(Ensemble([loaded, other]), binary.train_texts, binary.train_labels, cv=3,
                                 error_score="raise")
        assert np.isfinite(scores).all()


@pytest.mark.parametrize("extra, pattern", [
    ({"labels": {"classes": []}}, "cannot set 'labels'"),
    ({"format": "mine"}, "cannot set 'format'"),
    ({"files": {}}, "cannot set 'files'"),
    ({"note": object()}, "JSON values only"),
    ({"note": {"score": float("nan")}}, "finite numbers"),  # config.json would hold a bare NaN, no JSON
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


def test_interrupted_save_keeps_the_previous_model(fitted, binary, tmp_path, monkeypatch):
    import safetensors.numpy

    path = tmp_path / "model"
    good = fitted("tfidf", "logreg")
    good.save(path)
    before = _snapshot(path)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(safetensors.numpy, "save", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        fitted("count", "nb").save(path)
    monkeypatch.undo()
    assert _snapshot(path) == before
    assert _leftovers(tmp_path) == []
    np.testing.assert_array_equal(sentiment.load(path).predict_proba(binary.dev_texts),
                                  good.predict_proba(binary.dev_texts))


@pytest.mark.parametrize("platform, held_for, saved", [("win32", 3, True), ("win32", 99, False), ("linux", 1, False)])
def test_a_rename_blocked_for_a_moment_is_tried_again_on_windows(fitted, binary, tmp_path, monkeypatch, platform,
                                                                 held_for, saved):
    """On Windows a program that holds a file open for a moment (a virus scanner) blocks renames: a save tries
    again for a while; elsewhere such an error is real and said at once."""
    from sentiment import persistence

    path = tmp_path / "model"
    fitted("count", "nb").save(path)
    before = _snapshot(path)
    rename, replace, calls, waits = os.rename, os.replace, [], []

    def held(move):
        def blocked(source, target):
            calls.append(target)
            if len(calls) <= held_for:
                raise PermissionError(13, "The process cannot access the file", str(source))
            return move(source, target)
        return blocked

    monkeypatch.setattr(os, "rename", held(rename))
    monkeypatch.setattr(os, "replace", held(replace))
    monkeypatch.setattr(persistence.time, "sleep", waits.append)
    monkeypatch.setattr(sys, "platform", platform)
    pipe = fitted("tfidf", "logreg")
    if saved:
        pipe.save(path)
        monkeypatch.undo()
        np.testing.assert_array_equal(sentiment.load(path).predict_proba(binary.dev_texts),
                                      pipe.predict_proba(binary.dev_texts))
        assert waits == list(persistence.WINDOWS_RENAME_WAITS_S[:held_for])
    else:
        with pytest.raises(ModelFileError, match="could not write the model"):
            pipe.save(path)
        monkeypatch.undo()
        assert _snapshot(path) == before and _leftovers(tmp_path) == []
        assert len(waits) == (len(persistence.WINDOWS_RENAME_WAITS_S) if platform == "win32" else 0)


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_save_whose_new_model_cannot_move_in_puts_the_old_one_back(fitted, binary, tmp_path, monkeypatch, error):
    """The old model is moved aside first, then the new one moved in: when that second move fails, the old
    one goes back where it was, whole."""
    path = tmp_path / "model"
    old = fitted("count", "nb")
    old.save(path)
    before, rename, calls = _snapshot(path), os.rename, []

    def second_fails(source, target):
        calls.append(target)
        if len(calls) == 2:  # staging -> model, after model -> .old
            raise error
        return rename(source, target)

    monkeypatch.setattr(os, "rename", second_fails)
    with pytest.raises((ModelFileError, KeyboardInterrupt)):
        fitted("tfidf", "logreg").save(path)
    monkeypatch.undo()
    assert len(calls) == 3  # the old model moved back
    assert _snapshot(path) == before and _leftovers(tmp_path) == []
    np.testing.assert_array_equal(sentiment.load(path).predict_proba(binary.dev_texts), old.predict_proba(binary.dev_texts))


def test_an_interrupt_between_the_two_moves_of_a_replacement_puts_the_old_model_back(fitted, binary, tmp_path,
                                                                                     monkeypatch):
    from sentiment import persistence

    path = tmp_path / "model"
    old = fitted("count", "nb")
    old.save(path)
    before, move = _snapshot(path), persistence._move

    def interrupted(source, target, replace=False):
        move(source, target, replace)
        if Path(target).name.endswith(".old"):  # the old model just moved aside: Ctrl-C before the new one moves in
            raise KeyboardInterrupt

    monkeypatch.setattr(persistence, "_move", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fitted("tfidf", "logreg").save(path)
    monkeypatch.undo()
    assert _snapshot(path) == before and _leftovers(tmp_path) == []
    np.testing.assert_array_equal(sentiment.load(path).predict_proba(binary.dev_texts), old.predict_proba(binary.dev_texts))


def test_interrupted_first_save_leaves_nothing(fitted, tmp_path, monkeypatch):
    import safetensors.numpy

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(safetensors.numpy, "save", broken)
    with pytest.raises(KeyboardInterrupt):
        fitted("tfidf", "logreg").save(tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


@posix_modes
@pytest.mark.parametrize("platform, advice", [("linux", r"chmod u\+w .*model"),
                                              ("win32", "clear its read-only attribute")])
def test_a_write_protected_model_directory_is_kept(fitted, tmp_path, monkeypatch, platform, advice):
    pipe = fitted("tfidf", "logreg")
    path = pipe.save(tmp_path / "model")
    before = sorted((p.name, p.stat().st_mtime_ns) for p in path.rglob("*"))
    path.chmod(0o555)
    monkeypatch.setattr(sys, "platform", platform)  # the advice only: the save itself runs as on this machine
    try:
        with pytest.raises(ModelFileError, match=rf"model is write-protected; make it writable \({advice}\) to "
                                                 "save there"):
            pipe.save(path)
        assert sorted((p.name, p.stat().st_mtime_ns) for p in path.rglob("*")) == before
    finally:
        path.chmod(0o755)
    assert pipe.save(path) == path  # writable again: replaced as usual


def test_a_mount_point_is_refused_before_training_as_no_save_can_replace_it(fitted, tmp_path, monkeypatch):
    import os

    volume = tmp_path / "volume"
    volume.mkdir()
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: os.fspath(path) == str(volume) or real(path))
    with pytest.raises(ModelFileError, match=r"volume is a mount point, and saving replaces the whole directory; give a "
                                             r"folder inside it, e.g. .*volume/model$"):
        check_model_target(volume)
    assert fitted("tfidf", "logreg").save(volume / "model") == volume / "model"


@posix_modes
def test_a_model_with_a_write_protected_folder_inside_is_kept(fitted, tmp_path):
    """Saving over it would have left its old copy behind, undeletable, as a hidden .partial folder."""
    pipe = fitted("tfidf", "logreg")
    path = pipe.save(tmp_path / "model")
    before = sorted((p.name, p.stat().st_mtime_ns) for p in path.rglob("*"))
    (path / "vectorizer").chmod(0o555)
    try:
        with pytest.raises(ModelFileError, match=r"model/vectorizer is write-protected; make it writable \(chmod -R u\+w "
                                                 r".*model\) to save there"):
            pipe.save(path)
        assert sorted((p.name, p.stat().st_mtime_ns) for p in path.rglob("*")) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    finally:
        (path / "vectorizer").chmod(0o755)
    assert pipe.save(path) == path and sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_a_save_removes_what_killed_saves_to_its_path_left_an_hour_ago(fitted, tmp_path):
    import time

    from sentiment.persistence import atomic_file

    stale = [tmp_path / ".model.abcd1234.partial", tmp_path / ".out.csv.ijkl9012.partial"]
    kept = [tmp_path / ".model.mnop3456.partial",  # young: a save still running elsewhere, perhaps
            tmp_path / ".model.x.qrst7890.partial",  # a killed save of another model, model.x
            tmp_path / ".model.efgh5678.old",  # a whole previous model, set aside by a killed save
            tmp_path / ".model.my-draft-copy.partial"]  # not a name tempfile makes: the user's own
    for folder in [stale[0]] + kept:
        folder.mkdir()
        (folder / "config.json").write_text("{}")
    stale[1].write_text("half a file")
    two_hours_ago = time.time() - 7200
    for leftover in stale + kept[1:]:
        os.utime(leftover, (two_hours_ago, two_hours_ago))
    from sentiment.errors import BackupKeptWarning

    with pytest.warns(BackupKeptWarning, match=r"\.model\.efgh5678\.old \(a hidden folder\) holds an earlier model of "
                                               r"model, set aside by a save over it that was killed; delete it") as said:
        fitted("tfidf", "logreg").save(tmp_path / "model")
    assert len(said) == 1  # the whole previous model only, not the partial ones
    assert said[0].filename == __file__  # the line that saved, not one of the package's (or of contextlib's)
    with atomic_file(tmp_path / "out.csv") as partial:
        Path(partial).write_text("text,label\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([p.name for p in kept] + ["model", "out.csv"])


def test_a_model_is_not_saved_under_the_name_of_an_unfinished_save(fitted, tmp_path):
    """A later save to "mine" would remove it as the leftover of an interrupted save."""
    with pytest.raises(ModelFileError, match=r"is named as the unfinished save of a model to mine, .* another name"):
        fitted("tfidf", "logreg").save(tmp_path / ".mine.abcd1234.partial")
    assert list(tmp_path.iterdir()) == []
    fitted("tfidf", "logreg").save(tmp_path / ".mine.my-draft.partial")  # not a name tempfile makes


def test_an_interrupted_swap_says_where_the_previous_model_is(saved_model, tmp_path):
    # _replace_dir renames the old model aside, then the new one into place; a crash between the two
    # leaves no model at the path, and the previous one in a hidden sibling.
    aside = tmp_path / ".model.x1y2.old"
    shutil.copytree(saved_model, aside)
    with pytest.raises(ModelFileError, match=r"save over it was interrupted.*\.model\.x1y2\.old; rename"):
        sentiment.load(tmp_path / "model")


def test_a_previous_model_whose_deletion_was_cut_short_is_never_offered_as_a_backup(fitted, tmp_path, monkeypatch):
    from sentiment import persistence

    fitted("tfidf", "logreg").save(tmp_path / "model")

    def cut_short(folder, ignore_errors=False):  # killed while deleting: the config stays, the weights are gone
        for weights in Path(folder).rglob("arrays.safetensors"):
            weights.unlink()
            raise KeyboardInterrupt

    monkeypatch.setattr(persistence.shutil, "rmtree", cut_short)
    with pytest.raises(KeyboardInterrupt):
        fitted("tfidf", "logreg").save(tmp_path / "model")
    monkeypatch.undo()
    assert sentiment.load(tmp_path / "model").predict(["good"]).shape == (1,)  # the new model is in place
    (leftover,) = [p.name for p in tmp_path.iterdir() if p.name != "model"]
    assert leftover.startswith(".model.") and leftover.endswith(".partial")  # not .old: a later save removes it
    assert persistence._interrupted_save_backup(tmp_path / "model") is None


def test_the_half_written_folder_of_an_interrupted_save_is_said_to_be_one(tmp_path):
    leftover = tmp_path / ".model.k3j9x_2a.partial"
    (leftover / "vectorizer").mkdir(parents=True)  # the config is written last
    with pytest.raises(ModelFileError, match=r"k3j9x_2a.partial is the half-written model of a save to model that "
                                             r"was interrupted; load .*model instead, and delete this folder"):
        sentiment.load(leftover)
    with pytest.raises(ModelFileError, match=f"load {re.escape(str(tmp_path / 'model'))} instead"):
        sentiment.load(leftover / "vectorizer" / "..")  # the folder beside the leftover, wherever it is named from
    (tmp_path / "drafts.partial").mkdir()  # not a name a save makes
    with pytest.raises(ModelFileError, match="drafts.partial is not a sentiment model directory"):
        sentiment.load(tmp_path / "drafts.partial")


def test_saved_model_directory_has_normal_permissions(fitted, tmp_path):
    previous = os.umask(0o022)
    try:
        path = fitted("tfidf", "logreg").save(tmp_path / "model")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o755


def test_a_model_or_file_kept_private_stays_private_when_saved_again(fitted, tmp_path):
    from sentiment.persistence import atomic_file

    pipe = fitted("tfidf", "logreg")
    path = pipe.save(tmp_path / "model")
    os.chmod(path, 0o700)
    pipe.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    (tmp_path / "predictions.csv").write_text("old")
    os.chmod(tmp_path / "predictions.csv", 0o600)
    with atomic_file(tmp_path / "predictions.csv") as partial:
        Path(partial).write_text("new")
    assert stat.S_IMODE(os.stat(tmp_path / "predictions.csv").st_mode) == 0o600
    assert (tmp_path / "predictions.csv").read_text() == "new"
    # a link replaced (not written through) takes nothing of what it pointed to; nor does a file a set-user-ID bit
    (tmp_path / "tool.sh").write_text("#!/bin/sh")
    os.chmod(tmp_path / "tool.sh", 0o4755)
    (tmp_path / "report.csv").symlink_to(tmp_path / "tool.sh")
    previous = os.umask(0o022)
    try:
        with atomic_file(tmp_path / "report.csv", through_link=False) as partial:
            Path(partial).write_text("text")
        with atomic_file(tmp_path / "tool.sh") as partial:
            Path(partial).write_text("#!/bin/sh")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / "report.csv").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "tool.sh").st_mode) == 0o755


@pytest.mark.skipif(not (os.path.isfile("/proc/self/status") and "Umask:" in Path("/proc/self/status").read_text()),
                    reason="the system tells no process its umask")
def test_the_umask_is_read_without_setting_it(monkeypatch):
    """Setting the umask to learn it would give another thread's new files that mask for a moment."""
    from sentiment import persistence

    previous = os.umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", lambda mask: pytest.fail("the umask was set to read it"))
        assert persistence._umask() == 0o027
    finally:
        monkeypatch.undo()
        os.umask(previous)


# -- atomic writes and what a save may replace ------------------------------------------------------------
def test_atomic_file_replaces_the_file_only_when_the_write_succeeds(tmp_path):
    from sentiment.persistence import atomic_file

    target = tmp_path / "out" / "metrics.json"
    with atomic_file(target) as partial:
        Path(partial).write_text("first")
    (tmp_path / "plain").write_text("a file made the usual way")
    assert target.read_text() == "first"
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE((tmp_path / "plain").stat().st_mode)  # any umask
    with pytest.raises(RuntimeError):
        with atomic_file(target) as partial:
            Path(partial).write_text("half of the sec")
            raise RuntimeError("interrupted")
    assert target.read_text() == "first"
    assert [p.name for p in target.parent.iterdir()] == ["metrics.json"]  # no partial file left
    link = tmp_path / "link.json"
    symlink(link, target)
    with atomic_file(link) as partial:  # written through the link, which stays
        Path(partial).write_text("second")
    assert link.is_symlink() and target.read_text() == "second"
    deep = tmp_path / "new" / "sub" / "model.pt"  # a failed write leaves none of the folders it made
    with pytest.raises(RuntimeError):
        with atomic_file(deep) as partial:
            Path(partial).write_text("half")
            raise RuntimeError("interrupted")
    assert not (tmp_path / "new").exists()


def test_a_save_never_deletes_files_that_are_not_part_of_the_model(fitted, model_copy, tmp_path):
    (model_copy / "NOTES.md").write_text("my notes")
    with pytest.raises(ModelFileError, match="also holds NOTES.md, which is not part of the model"):
        fitted("tfidf", "logreg").save(model_copy)
    assert (model_copy / "NOTES.md").read_text() == "my notes"
    (model_copy / "NOTES.md").unlink()
    (model_copy / "notes").mkdir()  # an empty folder, a link to a folder and a broken link: kept too
    with pytest.raises(ModelFileError, match="also holds notes, which is not part of the model"):
        fitted("tfidf", "logreg").save(model_copy)
    (model_copy / "notes").rmdir()
    for link, target in (("reports", tmp_path), ("dead", tmp_path / "gone")):
        symlink(model_copy / link, target)
        with pytest.raises(ModelFileError, match=f"also holds {link}, which is not part of the model"):
            fitted("tfidf", "logreg").save(model_copy)
        assert (model_copy / link).is_symlink()
        (model_copy / link).unlink()
    if hasattr(os, "mkfifo"):  # a named pipe, as a socket or a device, is no file a save writes either
        os.mkfifo(model_copy / "feed")
        with pytest.raises(ModelFileError, match="also holds feed, which is not part of the model"):
            fitted("tfidf", "logreg").save(model_copy)
        assert stat.S_ISFIFO((model_copy / "feed").stat().st_mode)
        (model_copy / "feed").unlink()
    fitted("tfidf", "logreg").save(model_copy)  # the model's own files alone: replaced as before
    assert sentiment.load(model_copy).get_params()["model"] == "logreg"


def test_an_ensembles_member_files_are_part_of_it(saved_ensemble, tmp_path):
    copy = tmp_path / "ens"
    shutil.copytree(saved_ensemble, copy)
    sentiment.load(copy).save(copy)  # the members' stage files are the ensemble's own
    (copy / "member0" / "extra.txt").write_text("x")
    with pytest.raises(ModelFileError, match="member0/extra.txt"):
        sentiment.load(copy).save(copy)


def test_a_damaged_model_can_be_overwritten_but_not_the_users_files_in_it(fitted, model_copy):
    (model_copy / "config.json").write_text("{ not json")
    (model_copy / "NOTES.md").write_text("my notes")
    with pytest.raises(ModelFileError, match="also holds NOTES.md"):
        fitted("tfidf", "logreg").save(model_copy)
    (model_copy / "NOTES.md").unlink()
    fitted("tfidf", "logreg").save(model_copy)
    assert sentiment.load(model_copy).get_params()["model"] == "logreg"


def test_a_model_saved_inside_a_damaged_one_or_another_tools_folder_is_never_removed_unseen(fitted, model_copy,
                                                                                            tmp_path):
    """A damaged model's unreadable config cannot say which files are its own; a readable model below it is
    another save's. Another tool's unreadable config.json (JSON with comments) makes no model of its folder."""
    pipe = fitted("tfidf", "logreg")
    (model_copy / "config.json").write_text("{ not json")
    with pytest.raises(ModelFileError, match="lies inside the model directory"):  # a damaged model holds none
        pipe.save(model_copy / "sub")
    good = tmp_path / "other" / "run1"
    pipe.save(good)
    shutil.move(str(good), str(model_copy / "run1"))  # a model that got inside it all the same
    with pytest.raises(ModelFileError, match="also holds run1/config.json"):
        pipe.save(model_copy)
    assert sentiment.load(model_copy / "run1").get_params()["model"] == "logreg"
    project = tmp_path / "project"
    project.mkdir()
    (project / "config.json").write_text('{\n  // editor settings\n  "tabSize": 2\n}\n')
    pipe.save(project / "run1")
    with pytest.raises(ModelFileError, match="is a non-empty directory that holds no model"):
        pipe.save(project)
    assert (project / "config.json").read_text().startswith("{\n  // editor") and (project / "run1" / "config.json").is_file()


def test_a_save_path_through_a_looping_link_is_refused_before_the_work(fitted, tmp_path):
    symlink(tmp_path / "loop", tmp_path / "loop")
    with pytest.raises(ModelFileError, match="a symbolic link that leads to no folder"):
        check_model_target(tmp_path / "loop" / "m")
    symlink(tmp_path / "one", tmp_path / "two")
    symlink(tmp_path / "two", tmp_path / "one")
    with pytest.raises(ModelFileError, match=r"one is a symbolic link that leads round in a loop; remove it"):
        check_model_target(tmp_path / "one")  # the save path itself (it trained, then could not save)


def test_a_load_that_a_save_overlaps_reads_the_model_again(saved_model, tmp_path, monkeypatch):
    """Another process saving over the folder swaps it while this one reads it (a checksum that does not match,
    a file missing between the swap's renames): the load tries again; an error of a folder left as it was stands."""
    from sentiment import pipeline

    target = shutil.copytree(saved_model, tmp_path / "m")
    real, calls = pipeline._load_once, []

    def swap() -> None:  # as a save does: a new folder renamed into place
        shutil.copytree(target, tmp_path / "new")
        shutil.rmtree(target)
        os.rename(tmp_path / "new", target)

    def overlapped(path):
        calls.append(path)
        if len(calls) == 1:
            swap()
            raise ModelFileError(f"{path}/model/arrays.safetensors was modified or is corrupted (checksum mismatch)")
        return real(path)

    monkeypatch.setattr(pipeline, "RELOAD_WAITS_S", (0.0, 0.0))
    monkeypatch.setattr(pipeline, "_load_once", overlapped)
    assert sentiment.load(target).predict(["a fine film"]).shape == (1,) and len(calls) == 2
    calls.clear()
    monkeypatch.setattr(pipeline, "_load_once", lambda path: calls.append(path) or (_ for _ in ()).throw(
        ModelFileError("damaged")))
    with pytest.raises(ModelFileError, match="^damaged$"):
        sentiment.load(target)
    assert len(calls) == 1  # not replaced: no second try
    calls.clear()
    monkeypatch.setattr(pipeline, "_load_once", lambda path: calls.append(path) or swap() or (_ for _ in ()).throw(
        FileNotFoundError(2, "No such file or directory")))
    with pytest.raises(ModelFileError, match=r"m was replaced again and again while it was read \(another process "
                                             r"saving over it\); load it once that is done$"):
        sentiment.load(target)
    assert len(calls) == 3


def test_a_model_a_newer_sentiment_saved_with_what_this_one_cannot_read_says_to_upgrade(model_copy):
    def newer(config, version="0.2.0"):
        config["sentiment_version"] = version
        config["cleaner"]["new_option"] = True  # a setting this version does not know

    edit_config(model_copy, newer)
    with pytest.raises(ModelFileError, match=r"was saved by sentiment 0\.2\.0, newer than this one \(0\.1\.0\), and holds "
                                             r"what this version cannot read \(.*new_option.*\); install sentiment 0\.2\.0 "
                                             r"or newer"):
        sentiment.load(model_copy)
    edit_config(model_copy, lambda config: newer(config, sentiment.__version__))  # this version's: damaged
    with pytest.raises(ModelFileError, match=r"is not a consistent sentiment model \(.*new_option.*\); train it again$"):
        sentiment.load(model_copy)


def test_a_loop_of_links_inside_a_model_is_a_model_error(model_copy):
    """Path.resolve raises a RuntimeError for a loop (Python < 3.13): the load says what is wrong instead."""
    state = next(model_copy.glob("*/state.json"))
    state.unlink()
    symlink(state, state)
    with pytest.raises(ModelFileError, match=r"state.json is a symbolic link; a model directory holds its own files"):
        sentiment.load(model_copy)


def test_a_failed_first_save_leaves_no_folders_it_made(fitted, tmp_path, monkeypatch):
    from sentiment import persistence

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(persistence, "write_model_files", full)
    with pytest.raises(ModelFileError, match="nothing was saved"):
        fitted("tfidf", "logreg").save(tmp_path / "a" / "b" / "model")
    assert list(tmp_path.iterdir()) == []


def test_load_takes_a_path_or_a_task_not_both(saved_model):
    assert sentiment.load(task="polarity").label_names_ == ["negative", "positive"]
    with pytest.raises(ConfigError, match="give a model path or a task"):
        sentiment.load(saved_model, task="emotion")  # the task would silently be ignored


def test_atomic_file_refuses_a_link_to_a_directory(tmp_path):
    from sentiment.persistence import atomic_file

    (tmp_path / "folder").mkdir()
    symlink(tmp_path / "metrics.json", tmp_path / "folder")
    with pytest.raises(IsADirectoryError, match="metrics.json"):
        with atomic_file(tmp_path / "metrics.json") as partial:
            Path(partial).write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "metrics.json"]


fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes (mkfifo) are POSIX")


@fifos
def test_atomic_file_never_replaces_a_named_pipe(tmp_path):
    from sentiment.persistence import atomic_file

    os.mkfifo(tmp_path / "out.csv")
    symlink(tmp_path / "link.csv", tmp_path / "out.csv")
    for path, through in ((tmp_path / "out.csv", ""), (tmp_path / "link.csv", r" \(a link to .*out.csv\)")):
        with pytest.raises(ConfigError, match=f"{path.name}{through} is a named pipe \\(FIFO\\), not a regular file"):
            with atomic_file(path) as partial:
                Path(partial).write_text("x")
    (tmp_path / "sub").mkdir()  # a path through ".." is no link
    with pytest.raises(ConfigError, match=r"sub/\.\./out.csv is a named pipe"):
        with atomic_file(tmp_path / "sub" / ".." / "out.csv") as partial:
            Path(partial).write_text("x")
    assert stat.S_ISFIFO((tmp_path / "out.csv").stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "out.csv", "sub"]


def test_a_link_that_leads_back_to_itself_is_refused_as_an_output(tmp_path):
    from sentiment.persistence import check_output_file

    symlink(tmp_path / "loop.csv", tmp_path / "loop.csv")
    with pytest.raises((ConfigError, OSError), match="loop.csv"):
        check_output_file(tmp_path / "loop.csv", "--output", (".csv",))


def test_a_save_whose_old_model_cannot_be_set_aside_for_deletion_still_succeeds(fitted, tmp_path, monkeypatch):
    from sentiment import persistence

    fitted("tfidf", "logreg").save(tmp_path / "model")
    real_move = persistence._move

    def held_open(source, target, replace=False):  # Windows: a file of the old model held open for a moment
        if str(source).endswith(".old"):
            raise PermissionError(13, "Access is denied", str(source))
        real_move(source, target, replace)

    monkeypatch.setattr(persistence, "_move", held_open)
    new = fitted("count", "logreg")
    assert new.save(tmp_path / "model") == tmp_path / "model"  # no error: the new model is in place
    assert sentiment.load(tmp_path / "model").vectorizer == "count"


def test_a_pipeline_pickled_before_fitted_settings_were_kept_still_saves(binary, tmp_path):
    import pickle

    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    del pipe._fitted_params  # as a pipeline pickled by an earlier version has none
    restored = pickle.loads(pickle.dumps(pipe))
    restored.set_params(model="nb")  # the next fit's model; the saved one is what was fitted
    assert sentiment.load(restored.save(tmp_path / "m")).get_params()["model"] == "logreg"


# -- crafted model files (checksums recomputed, as a stranger could) -------------------------------------
@pytest.fixture(scope="module")
def neural_models(tmp_path_factory, binary):
    """Saved tiny mlp (tf-idf) and lstm (word2vec) models."""
    folder = tmp_path_factory.mktemp("neural")
    texts, labels = binary.train_texts[:60], binary.train_labels[:60]
    sentiment.Pipeline("tfidf", "mlp", epochs=1, hidden_sizes=[4]).fit(texts, labels).save(folder / "mlp")
    sentiment.Pipeline("word2vec", "lstm", epochs=1, hidden_size=4, embedding_dim=8, vector_size=8,
                       min_count=1).fit(texts, labels).save(folder / "lstm")
    return folder


@pytest.mark.parametrize("model, weights, size", [("mlp", "input.weight", "n_features"),
                                                 ("lstm", "embedding.weight", "n_tokens")])
def test_a_network_with_fewer_inputs_than_its_features_is_refused_at_load(neural_models, tmp_path, model, weights,
                                                                          size):
    """Consistent in itself, the network would meet ids past its inputs only at predict (on a GPU, an
    error that breaks the process's CUDA context)."""
    path = tmp_path / model
    shutil.copytree(neural_models / model, path)
    craft_stage(path, "model", edit_state=lambda s: s["net"].update({size: s["net"][size] - 5}),
                edit_arrays=lambda a: a.update({weights: a[weights][:-5]}))
    with pytest.raises(ModelFileError, match=r"not a consistent sentiment model \(the network's inputs \(\d+\) do not "
                                             r"match the features \(\d+\)\)"):
        sentiment.load(path)


@pytest.mark.parametrize("model, edit, pattern", [
    ("mlp", lambda s: s["net"].update(n_features=50 * 10**6), "n_features \\(50000000\\) does not fit its saved weights"),
    ("mlp", lambda s: s["net"].update(hidden_sizes=[10**12]), "hidden_sizes .* does not fit its saved weights"),
    ("lstm", lambda s: s["net"].update(layers=10**20), "layers .* does not fit its saved weights"),
    ("lstm", lambda s: s["net"].update(pooling="__import__"), "unknown pooling '__import__'"),
    ("mlp", lambda s: s["net"].update(activation="eval"), "unknown activation 'eval'"),
    ("mlp", lambda s: s["net"].update(dropout=-1), r"dropout \(-1\) is out of range"),  # not "does not fit its weights"
    ("lstm", lambda s: s["net"].update(bidirectional=10**12), "bidirectional is 1000000000000, not of type bool"),
])
def test_a_crafted_network_size_or_setting_is_refused_before_it_is_built(neural_models, tmp_path, model, edit, pattern):
    path = tmp_path / model
    shutil.copytree(neural_models / model, path)
    craft_stage(path, "model", edit_state=edit)
    with pytest.raises(ModelFileError, match=f"not a consistent sentiment model .*{pattern}"):
        sentiment.load(path)


def test_non_finite_weights_are_refused(neural_models, saved_model, tmp_path):
    def poison(arrays):
        name = next(iter(arrays))
        arrays[name] = np.full_like(arrays[name], np.nan)

    for source, name in ((neural_models / "mlp", "mlp"), (saved_model, "logreg")):
        shutil.copytree(source, tmp_path / name)
        craft_stage(tmp_path / name, "model", edit_arrays=poison)
        with pytest.raises(ModelFileError, match="NaN or infinite values"):
            sentiment.load(tmp_path / name)


@pytest.mark.parametrize("stage, edit, pattern", [
    ("model", lambda s: s.update(link="platt"), "a Platt-calibrated model needs calibration"),
    ("vectorizer", lambda s: s.update(terms=list(range(len(s["terms"])))), "not a sorted list of distinct strings"),
    ("vectorizer", lambda s: s.update(terms=sorted(s["terms"], reverse=True)), "not a sorted list of distinct strings"),
])
def test_crafted_classical_states_fail_at_load_not_at_predict(model_copy, stage, edit, pattern):
    craft_stage(model_copy, stage, edit_state=edit)
    with pytest.raises(ModelFileError, match=pattern):
        sentiment.load(model_copy)


@pytest.mark.parametrize("code, advice", [(errno.ENOSPC, "free some space or choose another place"),
                                          (errno.EACCES, "check the permissions of")])
def test_a_failed_write_says_the_model_there_is_kept(saved_model, model_copy, monkeypatch, code, advice):
    from sentiment import persistence

    before = _snapshot(model_copy)

    def fail(path, data):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(persistence, "_write_bytes", fail)
    with pytest.raises(ModelFileError, match=f"could not write the model to .*model \\({os.strerror(code)}\\); the "
                                             f"model already there is kept as it was; {advice}"):
        sentiment.load(saved_model).save(model_copy)
    assert _snapshot(model_copy) == before and sorted(p.name for p in model_copy.parent.iterdir()) == ["model"]


def test_a_non_finite_vectorizer_array_is_refused(tmp_path, fitted):
    fitted("tfidf", "logreg").save(tmp_path / "m")
    craft_stage(tmp_path / "m", "vectorizer", edit_arrays=lambda a: a["idf"].__setitem__(0, np.inf))
    with pytest.raises(ModelFileError, match="vectorizer/arrays.safetensors holds NaN or infinite values in idf"):
        sentiment.load(tmp_path / "m")


@pytest.mark.parametrize("vectorizer", ["tfidf", "word2vec-tfidf"])  # word2vec: its tf-idf pooling's
@pytest.mark.parametrize("idf", [1e308, 101.0, 0.5, -3.0])
def test_idf_values_no_data_give_are_refused(tmp_path, fitted, idf, vectorizer):
    """idf of 1e308, finite, overflowed in the features: every text got the same scores, with numpy's warnings;
    a smoothed idf, ln((1 + n) / (1 + df)) + 1, lies between 1 and about 25."""
    fitted(vectorizer, "logreg").save(tmp_path / "m")
    craft_stage(tmp_path / "m", "vectorizer", edit_arrays=lambda a: a["idf"].__setitem__(0, idf))
    with pytest.raises(ModelFileError, match=r"not a consistent sentiment model \(its idf values are not all between "
                                             r"1 and 100, as ln\(\(1 \+ n\) / \(1 \+ df\)\) \+ 1 of any data"):
        sentiment.load(tmp_path / "m")
    craft_stage(tmp_path / "m", "vectorizer", edit_arrays=lambda a: a["idf"].__setitem__(0, 100.0))
    assert sentiment.load(tmp_path / "m").predict(["a fine film"])  # the largest taken


@pytest.mark.parametrize("dtype", [np.complex64, np.int32, np.float16, np.bool_])
def test_weights_of_a_type_this_package_never_writes_are_refused(model_copy, dtype):
    """Complex weights would lose their imaginary part (an infinite one: every text positive 1.000); none but
    float32 and float64 are this package's."""
    craft_stage(model_copy, "model", edit_arrays=lambda arrays: arrays.update(
        intercept=arrays["intercept"].astype(dtype)))
    with pytest.raises(ModelFileError, match=f"model/arrays.safetensors holds {np.dtype(dtype)} values in intercept, and "
                                             "this package's models hold float32 or float64 ones"):
        sentiment.load(model_copy)


def test_weights_of_a_type_numpy_lacks_are_a_model_error(model_copy):
    import struct

    from sentiment.persistence import checksum

    header = json.dumps({"intercept": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}).encode()
    arrays = model_copy / "model" / "arrays.safetensors"
    arrays.write_bytes(struct.pack("<Q", len(header)) + header + b"\0\0")
    edit_config(model_copy, lambda config: config["files"].update({"model/arrays.safetensors": checksum(arrays)}))
    with pytest.raises(ModelFileError, match="cannot read stage 'model' of .*; train the model again"):
        sentiment.load(model_copy)


def test_a_model_bigger_than_the_memory_is_refused_before_it_is_read(model_copy, monkeypatch):
    """A file listed in config.json may be sparse: terabytes on disk in a few bytes of download, which
    hashing alone would take many minutes to read."""
    from sentiment import persistence

    monkeypatch.setattr(persistence, "physical_memory", lambda: 2**30)
    with open(model_copy / "model" / "arrays.safetensors", "r+b") as handle:
        handle.truncate(2**31)  # sparse where the file system can
    with pytest.raises(ModelFileError, match=r"files would take more memory to load \(2\.0 GiB up to "
                                             r"model/arrays.safetensors, JSON counted 32 times its size\) than this "
                                             r"machine has \(1\.0 GiB\); load it on a bigger machine"):
        sentiment.load(model_copy)


def test_a_state_json_is_counted_as_the_memory_its_python_objects_take(model_copy, monkeypatch):
    """A state.json of 60 million "[]," took 4.7 GB to read for its 180 MB: JSON counts 32 times its size."""
    from sentiment import persistence

    files = [path for path in model_copy.rglob("*") if path.is_file() and path.name != "config.json"]
    raw = sum(path.stat().st_size for path in files)
    json_bytes = sum(path.stat().st_size for path in files if path.suffix == ".json")
    monkeypatch.setattr(persistence, "physical_memory", lambda: raw + 30 * json_bytes)
    with pytest.raises(ModelFileError, match=r"JSON counted 32 times its size\) than this machine has"):
        sentiment.load(model_copy)
    monkeypatch.setattr(persistence, "physical_memory", lambda: raw + 31 * json_bytes)
    assert sentiment.load(model_copy).predict(["a fine film"])


def test_a_failed_write_inside_a_nested_save_names_the_model_being_saved(saved_ensemble, tmp_path, monkeypatch):
    from sentiment import persistence

    path = tmp_path / "ens"
    shutil.copytree(saved_ensemble, path)
    before = _snapshot(path)
    ensemble = sentiment.load(path)
    monkeypatch.setattr(persistence, "_write_bytes", lambda file, data: (_ for _ in ()).throw(
        OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))))
    with pytest.raises(ModelFileError) as info:
        ensemble.save(path)
    assert str(info.value).startswith(f"could not write the model to {path} (") and ".partial" not in str(info.value)
    assert "the model already there is kept as it was" in str(info.value) and _snapshot(path) == before


def test_an_os_error_of_the_callers_own_files_passes_through_a_save(tmp_path):
    from sentiment.persistence import atomic_directory

    with pytest.raises(FileNotFoundError) as info:
        with atomic_directory(tmp_path / "m"):
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", "/elsewhere/vectors.txt")
    assert info.value.filename == "/elsewhere/vectors.txt" and list(tmp_path.iterdir()) == []


def test_weights_beyond_32_bit_floats_are_refused(model_copy):
    craft_stage(model_copy, "model", edit_arrays=lambda a: a.__setitem__("coef", np.full(a["coef"].shape, 1e300)))
    with pytest.raises(ModelFileError, match="do not fit in 32-bit floats"):
        sentiment.load(model_copy)


@pytest.mark.parametrize("labels", [{"classes": ["neg", "pos"], "names": ["x", "x"]},
                                    {"classes": ["neg", "pos"], "names": [None, None]},
                                    {"classes": ["neg", "neg"], "names": ["negative", "positive"]},
                                    {"classes": "neg", "names": ["negative", "positive"]}])
def test_label_lists_that_do_not_name_distinct_classes_are_refused(model_copy, labels):
    edit_config(model_copy, lambda config: config["labels"].update(labels))
    with pytest.raises(ModelFileError, match=r"is not a consistent sentiment model \(its labels are not lists of "
                                             r"distinct values\); train it again"):
        sentiment.load(model_copy)

def test_an_empty_label_name_is_refused_as_fit_refuses_it(model_copy):
    edit_config(model_copy, lambda config: config["labels"].update(names=["negative", " "]))
    with pytest.raises(ModelFileError, match=r"is not a consistent sentiment model \(a label name is empty\)"):
        sentiment.load(model_copy)


@pytest.mark.parametrize("value", ["yes", [1], {}, 0])
def test_a_multi_label_flag_that_is_not_true_or_false_is_refused(model_copy, value):
    edit_config(model_copy, lambda config: config["labels"].update(multi_label=value))
    with pytest.raises(ModelFileError, match=rf"not a consistent sentiment model \(its multi_label {re.escape(repr(value))} "
                                             r"is neither true nor false\)"):
        sentiment.load(model_copy)  # (it loaded as a model of one label per text)


def test_a_model_with_weights_that_are_not_numbers_is_not_saved_over_a_good_one(fitted, model_copy):
    from sentiment import TrainingError

    pipe = copy.deepcopy(fitted("tfidf", "logreg"))
    pipe.model_.coef_[0, 0] = np.nan  # as a diverged training leaves it
    before = (model_copy / "model" / "arrays.safetensors").read_bytes()
    with pytest.raises(TrainingError, match=r"the trained model holds values that are not numbers \(coef\): the "
                                            r"training diverged .*; nothing was saved"):
        pipe.save(model_copy)
    assert (model_copy / "model" / "arrays.safetensors").read_bytes() == before
    assert not [p for p in model_copy.parent.iterdir() if p.name.endswith(".partial")]


def test_settings_that_earlier_versions_saved_still_load(binary, tmp_path):
    """A true/false option saved as 1 / 0 (the CLI's --set took them), and warmup_epochs above epochs (refused
    only since): the model loads as it was trained."""
    Pipeline("tfidf", "mlp", epochs=1, hidden_sizes=[4]).fit(binary.train_texts, binary.train_labels).save(tmp_path / "m")
    before = sentiment.load(tmp_path / "m").predict_proba(binary.dev_texts)

    def older(config):
        for where in (config["stages"]["vectorizer"]["params"], config["pipeline"]["options"]):
            where.update(sublinear_tf=0, binary=1)
        for where in (config["stages"]["model"]["params"], config["pipeline"]["options"]):
            where.update(warmup_epochs=3, min_epochs=2)

    edit_config(tmp_path / "m", older)
    loaded = sentiment.load(tmp_path / "m")
    assert loaded.vectorizer_.params["sublinear_tf"] is False and loaded.vectorizer_.params["binary"] is True
    assert loaded.get_params()["sublinear_tf"] is False and loaded.get_params()["binary"] is True
    assert loaded.model_.params["warmup_epochs"] == 3 and loaded.model_.params["min_epochs"] == 2
    assert loaded.predict_proba(binary.dev_texts).shape == before.shape
    with pytest.raises(ConfigError, match="warmup_epochs=3 is more than epochs=1"):
        Pipeline("tfidf", "mlp", epochs=1, warmup_epochs=3).build_stages()  # a new setting is still checked


def test_weights_that_overflow_when_predicting_are_refused_not_printed_as_nan(binary, tmp_path):
    """Finite float32 weights (checked at load) whose scores overflow in the network: NaN would break predict --json."""
    Pipeline("tfidf", "mlp", epochs=1, hidden_sizes=[4]).fit(binary.train_texts, binary.train_labels).save(tmp_path / "m")

    def inflate(arrays):
        for name, values in list(arrays.items()):
            if values.dtype == np.float32:
                arrays[name] = values * np.float32(1e30)

    craft_stage(tmp_path / "m", "model", edit_arrays=inflate)
    pipe = sentiment.load(tmp_path / "m")
    for call in (pipe.predict_proba, pipe.predict, pipe.annotate, pipe.explain):
        with pytest.raises(ModelFileError, match=r"the model gives text 0 scores that are not numbers \(NaN\); its "
                                                 "weights are damaged: restore the model or train it again"):
            call(["a great great film"])


def test_a_link_inside_a_model_directory_is_refused(saved_ensemble, tmp_path):
    ensemble = shutil.copytree(saved_ensemble, tmp_path / "ens")
    real = ensemble / "member1"
    shutil.move(real, tmp_path / "elsewhere")
    symlink(real, tmp_path / "elsewhere")
    with pytest.raises(ModelFileError, match=r"ens/member1 is a symbolic link; a model directory holds its own files "
                                             r"\(copy the linked ones in, e.g. cp -rL\)"):
        sentiment.load(ensemble)  # what to do, rather than "names a file outside the model directory"
    real.unlink()
    symlink(real, ensemble / "member0")  # the same member twice: links could make one folder count many times
    with pytest.raises(ModelFileError, match=r"ens/member1 is a symbolic link; a model directory holds its own files"):
        sentiment.load(ensemble)


def test_a_config_with_an_integer_of_thousands_of_digits_is_a_model_error(model_copy):
    (model_copy / CONFIG).write_text('{"format": "sentiment-model", "n": ' + "9" * 5000 + "}")
    with pytest.raises(ModelFileError, match="is corrupted"):
        sentiment.load(model_copy)


@pytest.mark.parametrize("key, value, message", [
    ("dropout", float("nan"), "out of range"), ("dropout", 1.5, "out of range"), ("head", "x", "not one of"),
    ("sparse_input", 1, "not of type bool"), ("activation", 3, "not of type str"), ("n_features", 2.5, "not of type int"),
])
def test_network_settings_of_the_wrong_kind_fail_at_load(fitted, tmp_path, key, value, message):
    from sentiment.models import saved_nets
    from sentiment.models.nets import MLPConfig, MLPNet

    net = MLPNet(MLPConfig(n_features=6, n_classes=2, hidden_sizes=(4,)))
    config = {**MLPConfig(n_features=6, n_classes=2, hidden_sizes=(4,)).__dict__, key: value}
    with pytest.raises(ValueError, match=message):
        saved_nets.build_net(MLPNet, MLPConfig, config, saved_nets.net_arrays(net))


def test_a_network_larger_than_its_saved_weights_is_not_built(monkeypatch):
    import torch

    from sentiment.models import saved_nets
    from sentiment.models.nets import MLPConfig, MLPNet

    config = MLPConfig(n_features=6, n_classes=2, hidden_sizes=(4,))
    arrays = saved_nets.net_arrays(MLPNet(config))
    arrays["pad"] = np.zeros((100_000, 0), dtype=np.float32)  # raises the size bound for free
    built = []
    monkeypatch.setattr(MLPNet, "__init__", lambda self, c, real=MLPNet.__init__: (
        built.append(torch.empty(0).device.type), real(self, c))[1])
    with pytest.raises(ValueError, match="do not fit the network its settings describe"):
        saved_nets.build_net(MLPNet, MLPConfig, {**config.__dict__, "hidden_sizes": [50_000, 50_000]}, arrays)
    assert built == ["meta"]  # sized on the meta device only: nothing allocated


def test_a_crafted_ngram_range_is_refused_at_load(model_copy):
    edit_config(model_copy, lambda c: c["stages"]["vectorizer"]["params"].update(ngram_range=[1, 10**9]))
    with pytest.raises(ModelFileError, match=r"ngram_range must be two whole numbers \(min, max\) with 1 <= min <= max <= 10"):
        sentiment.load(model_copy)


def test_each_stage_file_is_read_once_and_checked_as_read(saved_model, monkeypatch):
    from sentiment import persistence

    read, hashed = [], []
    real_read, real_checksum = Path.read_bytes, persistence.checksum
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real_read(self))
    monkeypatch.setattr(persistence, "checksum", lambda path: hashed.append(Path(path).name) or real_checksum(path))
    config, stages = persistence.read_model(saved_model)
    assert sorted(read) == sorted(Path(name).name for name in config["files"])  # the parsed bytes are the hashed ones
    assert hashed == [] and set(stages) == {"vectorizer", "model"}


def test_a_linked_config_or_a_file_name_that_is_no_path_is_a_model_error(model_copy, saved_model, tmp_path):
    edit_config(model_copy, lambda c: c["files"].update({"x\u0000y": "0" * 64}))
    with pytest.raises(ModelFileError, match="names a file that cannot be a file of it"):
        sentiment.load(model_copy)
    edit_config(model_copy, lambda c: c["files"].pop("x\u0000y"))
    edit_config(model_copy, lambda c: c["files"].update({"a" * 300 + "/state.json": "0" * 64}))
    with pytest.raises(ModelFileError, match="names a file that cannot be a file of it|is incomplete"):
        sentiment.load(model_copy)
    linked = shutil.copytree(saved_model, tmp_path / "linked")
    (linked / CONFIG).unlink()
    symlink(linked / CONFIG, saved_model / CONFIG)
    with pytest.raises(ModelFileError, match=r"config.json is a symbolic link"):
        sentiment.load(linked)


def test_an_interrupted_swap_names_the_newest_of_several_backups(saved_model, tmp_path):
    older, newer = tmp_path / ".model.aaaa1111.old", tmp_path / ".model.zzzz9999.old"
    for path, when in ((older, 2_000_000_000), (newer, 1_000_000_000)):  # the newer one sorts first by name
        shutil.copytree(saved_model, path)
        os.utime(path, (when, when))
    os.utime(newer, (2_100_000_000, 2_100_000_000))
    with pytest.raises(ModelFileError, match=r"\.model\.zzzz9999\.old; rename"):
        sentiment.load(tmp_path / "model")


@pytest.mark.parametrize("path, message", [(5, "not int"), (["a"], "not list"), (b"model", "not bytes"),
                                           ("a\x00b", "holds a NUL character"), ("a" * 5000, "give a shorter path")])
def test_no_usable_path_is_a_model_file_error_for_load_and_save(fitted, tmp_path, path, message):
    path = tmp_path / path if isinstance(path, str) else path
    with pytest.raises(ModelFileError, match=message):
        sentiment.load(path)
    with pytest.raises(ModelFileError, match=message) as raised:
        fitted("tfidf", "logreg").save(path)
    assert len(str(raised.value)) < 300


def test_a_folder_the_desktop_wrote_its_metadata_into_can_be_saved_to(fitted, tmp_path):
    fresh = tmp_path / "made-in-finder"
    fresh.mkdir()
    (fresh / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    fitted("tfidf", "logreg").save(fresh)  # an otherwise empty folder
    (fresh / "Thumbs.db").write_bytes(b"\xd0\xcf")
    fitted("tfidf", "logreg").save(fresh)  # a model folder the desktop has looked at: replaced as usual
    assert sentiment.load(fresh).predict(["a great film"]).shape == (1,)
    (fresh / "notes.txt").write_text("mine")
    with pytest.raises(ModelFileError, match="also holds notes.txt"):  # the user's own files are still kept
        fitted("tfidf", "logreg").save(fresh)


def test_extra_that_would_not_load_is_refused_before_the_model_there_is_replaced(binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    pipe.save(tmp_path / "m")
    before = pipe.predict_proba(binary.dev_texts)
    for extra, message in (({"columns": {"text": "review", "label": None}}, r'extra\["columns"\] must be a dict of non-empty'),
                           ({"columns": "text"}, r'extra\["columns"\]'),
                           ({"note": "po\udcffs"}, "extra holds a lone surrogate")):
        with pytest.raises(ConfigError, match=message):
            pipe.save(tmp_path / "m", extra=extra)
        assert np.array_equal(sentiment.load(tmp_path / "m").predict_proba(binary.dev_texts), before)
    pipe.save(tmp_path / "m", extra={"columns": {"text": "review", "label": "stars"}})  # names: saved and loaded
    assert sentiment.load(tmp_path / "m").config_["columns"] == {"text": "review", "label": "stars"}


def test_a_label_name_with_a_lone_surrogate_is_refused_at_fit(binary):
    with pytest.raises(ConfigError, match="a name with a lone surrogate"):
        Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels, label_names={"neg": "neg", "pos": "po\udcffs"})


def test_a_config_that_lists_itself_as_a_model_inside_is_damaged_and_replaced(binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    pipe.save(tmp_path / "m")
    edit_config(tmp_path / "m", lambda config: config["files"].update({"./config.json": "0" * 64}))
    pipe.save(tmp_path / "m")  # was a RecursionError
    assert np.array_equal(sentiment.load(tmp_path / "m").predict(binary.dev_texts), pipe.predict(binary.dev_texts))


def test_a_model_this_user_may_not_read_is_said_so_not_called_damaged(binary, tmp_path, monkeypatch):
    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    pipe.save(tmp_path / "m")

    for what in ("read_text", "read_bytes", "is_file"):  # the config, a stage's file, a folder it cannot search
        with monkeypatch.context() as patch:
            patch.setattr(Path, what, lambda self, *a, **k: (_ for _ in ()).throw(
                PermissionError(errno.EACCES, "Permission denied", str(self))))
            with pytest.raises(ModelFileError, match=r"cannot read .*: permission denied; make the model's files readable"):
                sentiment.load(tmp_path / "m")
    with monkeypatch.context() as patch:
        patch.setattr(Path, "rglob", lambda self, pattern: (_ for _ in ()).throw(
            PermissionError(errno.EACCES, "Permission denied", str(self / "model"))))
        with pytest.raises(ModelFileError, match="permission denied"):
            pipe.save(tmp_path / "m")
    assert sentiment.load(tmp_path / "m").predict(binary.dev_texts[:3]).tolist() == pipe.predict(binary.dev_texts[:3]).tolist()


@pytest.mark.parametrize("words, pattern", [
    (lambda w: [w[1]] + w[1:], "the word vectors' vocabulary is not a list of distinct words"),
    (lambda w: [""] + w[1:], "the word vectors' vocabulary is not a list of distinct words"),
    (lambda w: [3] + w[1:], "the word vectors' vocabulary is not a list of distinct words"),
])
def test_a_word2vec_vocabulary_that_is_not_distinct_words_is_refused(fitted, tmp_path, words, pattern):
    fitted("word2vec-mean", "logreg").save(tmp_path / "m")
    craft_stage(tmp_path / "m", "vectorizer", edit_state=lambda state: state.update(words=words(state["words"])))
    with pytest.raises(ModelFileError, match=f"not a consistent sentiment model \\({pattern}"):
        sentiment.load(tmp_path / "m")


def test_word_vectors_of_another_size_than_their_setting(fitted, tmp_path):
    trained = fitted("word2vec-mean", "logreg")
    trained.save(tmp_path / "trained")
    size = trained.vectorizer_.params["vector_size"]
    edit_config(tmp_path / "trained", lambda c: c["stages"]["vectorizer"]["params"].update(vector_size=size + 1))
    with pytest.raises(ModelFileError, match=f"the word vectors have {size} values each, not vector_size={size + 1}"):
        sentiment.load(tmp_path / "trained")
    from_file = fitted("word2vec-file", "logreg")  # a file's size, whatever an older save wrote as the setting
    from_file.save(tmp_path / "file")
    size = from_file.vectorizer_.params["vector_size"]
    edit_config(tmp_path / "file", lambda c: c["stages"]["vectorizer"]["params"].update(vector_size=100))
    assert sentiment.load(tmp_path / "file").vectorizer_.params["vector_size"] == size != 100


@pytest.mark.parametrize("scale", [0.0, -1.0])
def test_a_word2vec_scale_that_no_fit_gives_is_refused_at_load(binary, tmp_path, scale):
    """Fit scales a dimension that hardly varies by 1; a crafted scale of 0 gave infinite features silently (a saved
    TextVectorizer), and a negative one turned the features' signs."""
    sentiment.TextVectorizer("word2vec", vector_size=8, w2v_epochs=2, min_count=1).fit(
        binary.train_texts[:40]).save(tmp_path / "v")
    craft_stage(tmp_path / "v", "vectorizer", edit_arrays=lambda a: a["scale"].__setitem__(0, scale))
    with pytest.raises(ModelFileError, match=r"not a consistent sentiment vectorizer \(a word2vec scale is below 1e-06 "
                                             r"\(zero or negative\)\)"):
        sentiment.load(tmp_path / "v")


def test_a_missing_entry_is_named_as_missing(model_copy):
    """A lookup's KeyError says the bare key, which read as "... model ('terms'); train it again"."""
    craft_stage(model_copy, "vectorizer", edit_state=lambda state: state.pop("terms"))
    with pytest.raises(ModelFileError, match=r"is not a consistent sentiment model \(it has no 'terms' entry\); "
                                             "train it again$"):
        sentiment.load(model_copy)
