"""Checks of bad input found in review: aspect offsets and categories, data files whose name or content
misleads, save paths below a file, damaged "columns" entries, label names, export permissions, max_df
and the kind of NotFittedError.

Tiny data only: conftest's session fixtures (``binary``, ``fitted``, ``model_copy``) and files written here.
"""

from __future__ import annotations

import gzip
import json
import os

import pytest

import sentiment
from sentiment import ConfigError, DataError, Ensemble, ModelFileError, NotFittedError, Pipeline
from sentiment.aspects.data import check_sentence, read_aspect_data
from sentiment.data import read_labelled
from sentiment.errors import SentimentError
from sentiment.persistence import check_model_target
from sentiment.pipeline import display_names
from sentiment.registry import resolve
from test_cli import assert_error, invoke

CSV = "text,label\na great film,1\nan awful film,0\nsuperb acting,1\ndull plot,0\n"


# -- 1. aspect offsets and categories -------------------------------------------------------------------
def test_aspect_offset_too_large_for_an_integer(tmp_path):
    path = tmp_path / "aspects.jsonl"
    path.write_text('{"text": "The camera is bad", "aspects": [{"term": "camera", "from": 1e400, "to": 10}]}\n')
    with pytest.raises(DataError, match="offsets must be integers"):
        read_aspect_data(path)


@pytest.mark.parametrize("start, end", [(False, True), (4, 10.5), (float("nan"), 10)])
def test_aspect_offsets_that_are_not_whole_numbers(start, end):
    record = {"text": "The camera is bad", "aspects": [{"term": "T", "from": start, "to": end}]}
    with pytest.raises(DataError, match="offsets must be integers"):
        check_sentence(record)


def test_aspect_offsets_as_whole_numbers_still_read():
    record = {"text": "The camera is bad", "aspects": [{"term": "camera", "from": 4.0, "to": "10"}]}
    assert check_sentence(record)["aspects"][0]["from"] == 4


@pytest.mark.parametrize("category", [["food"], 5, "", "   ", None])
def test_category_names_must_be_non_empty_strings(category):
    record = {"text": "Great pizza", "categories": [{"category": category, "polarity": "positive"}]}
    with pytest.raises(DataError, match='"category" name'):
        check_sentence(record)


# -- 2. data files ----------------------------------------------------------------------------------------
def test_gzip_file_named_csv_says_so(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(gzip.compress(CSV.encode()))
    with pytest.raises(DataError, match=r"gzip-compressed.*train\.csv\.gz") as info:
        read_labelled(path)
    assert "iconv" not in str(info.value)
    # and a correctly named one is read
    (tmp_path / "train.csv.gz").write_bytes(path.read_bytes())
    assert read_labelled(tmp_path / "train.csv.gz")[1] == [1, 0, 1, 0]


def test_gzip_file_named_csv_on_the_command_line(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(gzip.compress(CSV.encode()))
    assert_error(invoke("fit", path, "--vectorizer", "tfidf", "--model", "logreg", "--out", tmp_path / "m"),
                 r"gzip-compressed.*\.csv\.gz")
    assert not (tmp_path / "m").exists()


def test_txt_file_without_trees(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text("a great film\t1\nan awful film\t0\n")
    with pytest.raises(DataError, match="a .txt file must hold SST trees") as info:
        read_labelled(path)
    assert "SST trees (.txt)" not in str(info.value)
    assert all(suffix in str(info.value) for suffix in (".csv", ".tsv", ".jsonl", ".parquet"))


def test_xml_file_for_the_polarity_task_points_at_the_aspect_task(tmp_path):
    path = tmp_path / "Restaurants_Train.xml"
    path.write_text("<sentences><sentence id='1'><text>Great pizza</text></sentence></sentences>")
    with pytest.raises(DataError, match="--task aspect"):
        read_labelled(path)
    assert_error(invoke("fit", path, "--vectorizer", "tfidf", "--model", "logreg", "--out", tmp_path / "m"),
                 "--task aspect")


def test_read_labelled_refuses_one_column_for_text_and_label(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text(CSV)
    with pytest.raises(DataError, match="text and label columns are both 'text'"):
        read_labelled(path, text_column="text", label_column="text")


# -- 3. model paths -------------------------------------------------------------------------------------
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


def test_missing_model_message_fits_every_caller(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist") as info:
        sentiment.load(tmp_path / "nope")
    message = str(info.value)
    assert "--model" not in message and "sentiment fit" in message and "--out" in message


# -- 4. label names, "columns" entries, ensemble wording --------------------------------------------------
@pytest.mark.parametrize("names, pattern", [
    ({"neg": "bad", "pos": "bad"}, "the same name 'bad'"),
    ({"neg": "", "pos": "good"}, "empty name"),
    ({"neg": "  ", "pos": "good"}, "empty name"),
    ({"neg": None, "pos": "good"}, "empty name"),
])
def test_label_names_empty_or_duplicate(binary, names, pattern):
    import numpy as np

    with pytest.raises(ConfigError, match=pattern):
        display_names(np.asarray(["neg", "pos"]), names)
    with pytest.raises(ConfigError, match=pattern):
        Pipeline("count", "nb").fit(binary.train_texts, binary.train_labels, label_names=names)


def test_label_names_must_be_a_dict():
    import numpy as np

    with pytest.raises(ConfigError, match="label_names must be a dict"):
        display_names(np.asarray([0, 1]), ["negative", "positive"])


DAMAGED_COLUMNS = [None, "text", ["tl"], {"text": 5, "label": "label"}, {"text": "", "label": "label"}]


def _set_columns(folder, columns):
    config = json.loads((folder / "config.json").read_text())
    config["columns"] = columns
    (folder / "config.json").write_text(json.dumps(config))


@pytest.mark.parametrize("columns", DAMAGED_COLUMNS, ids=repr)
def test_pipeline_load_checks_the_columns_entry(model_copy, columns):
    _set_columns(model_copy, columns)
    with pytest.raises(ModelFileError, match='config.json is damaged: its "columns" entry'):
        Pipeline.load(model_copy)


@pytest.fixture(scope="module")
def saved_ensemble(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("ensemble") / "ens"
    return Ensemble([fitted("tfidf", "logreg"), fitted("count", "logreg")]).save(path)


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


def test_ensemble_messages_say_an_aspect_model(fitted, saved_ensemble, tmp_path):
    import shutil

    class AspectLike:
        kind = "aspect"

    with pytest.raises(ConfigError, match="an aspect model cannot be a member"):
        Ensemble([fitted("tfidf", "logreg"), AspectLike()])
    copy = shutil.copytree(saved_ensemble, tmp_path / "ens")
    config = json.loads((copy / "config.json").read_text())
    config["kind"] = "aspect"
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelFileError, match="holds an aspect model, not an ensemble"):
        Ensemble.load(copy)


# -- 5. export permissions -------------------------------------------------------------------------------
def test_exported_file_has_normal_permissions(binary, tmp_path):
    pytest.importorskip("torch")
    from sentiment.export import export_model

    pipe = Pipeline("tfidf", "mlp", hidden_sizes=[8], epochs=1, batch_size=32).fit(
        binary.train_texts[:60], binary.train_labels[:60])
    old = os.umask(0o022)
    try:
        path = export_model(pipe, tmp_path / "model.pt", "torchscript")
        normal = tmp_path / "normal"
        normal.write_bytes(b"")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == normal.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


# -- 6. max_df ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["count", "tfidf"])
@pytest.mark.parametrize("max_df", [0, 0.0, -0.5])
def test_max_df_must_be_above_zero(name, max_df):
    with pytest.raises(ConfigError, match="max_df"):
        resolve("vectorizer", name)(max_df=max_df)


def test_max_df_one_is_every_text_not_one_text():
    vectorizer = resolve("vectorizer", "count")(max_df=1, ngram_range=(1, 1))
    vectorizer.fit([["good", "film"], ["bad", "film"], ["good", "plot"]])
    assert "film" in vectorizer.feature_names  # in 2 of 3 texts: kept, as max_df=1 means 100%


# -- 7. NotFittedError -------------------------------------------------------------------------------------
def test_not_fitted_error_is_a_value_error_and_an_attribute_error():
    assert issubclass(NotFittedError, SentimentError)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    with pytest.raises(ValueError, match="not fitted"):  # as scikit-learn's NotFittedError
        Pipeline().predict(["good"])
    pipe = Pipeline()
    assert not hasattr(pipe, "classes_")  # still an AttributeError for hasattr
    with pytest.raises(ValueError, match="not fitted"):
        pipe.classes_
