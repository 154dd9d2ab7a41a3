"""The functions behind the `sentiment` commands (sentiment.commands), called from Python: fit_file early-stops
a neural model on held-out training data, checks the stages before it reads the data, and refuses a model path
below a file; predict_file and evaluate_file refuse bad rows, outputs and labels and keep the gold labels."""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pandas as pd
import pytest

import sentiment
from sentiment import ConfigError, DataError, LabelSpellingWarning, ModelFileError, Pipeline, commands
from sentiment.commands import evaluate_file, predict_file

from conftest import symlink, write_table


# -- fit_file: early stopping on held-out training data, never on the reported dev data ----------------
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
    given = pipe.info_["trained_on"] + pipe.info_["early_stopping_on"]  # the texts learnt from, and held out to stop
    assert pipe.info_["early_stopping_on"] == round(0.1 * given) and saved["data"]["n_train"] == pipe.info_["trained_on"]


def test_fit_file_neural_with_dev_fraction_zero_trains_all_epochs(train_csv, tmp_path, fit_dev_spy):
    with pytest.warns(sentiment.IgnoredOptionWarning, match="patience changes nothing with dev_fraction=0"):
        pipe, _ = commands.fit_file(train_csv["train"], tmp_path / "m", model="mlp",
                                    options={**SMALL_MLP, "dev_fraction": 0.0})
    assert fit_dev_spy == [None, None]  # scored on the held-out part, then trained again on all the texts
    assert len(pipe.model_.history_) == 3 and pipe.model_.history_[0]["dev_macro_f1"] is None
    assert json.loads((tmp_path / "m" / "config.json").read_text())["data"]["early_stopping"].startswith("none")


def test_fit_file_says_and_records_early_stopping_on_too_few_texts_to_hold_any_out(train_csv, tmp_path, fit_dev_spy):
    logged = []
    pipe, _ = commands.fit_file(train_csv["train"], tmp_path / "m", model="mlp", log=logged.append,
                                options={**SMALL_MLP, "dev_fraction": 0.001})
    assert "early_stopping_on" not in pipe.info_ and len(pipe.model_.history_) == 3  # every epoch
    assert sum("too few training texts to hold out 0.1% of them for early stopping" in line for line in logged) == 1
    assert json.loads((tmp_path / "m" / "config.json").read_text())["data"]["early_stopping"] == \
        "none (too few texts to hold out)"
    with pytest.warns(sentiment.TuningWarning, match=r"too few training texts \(\d+\) to hold out dev_fraction=0.001 "
                                                     r".*trains all 3 epochs.* a larger dev_fraction") as caught:
        Pipeline("tfidf", "mlp", **SMALL_MLP, dev_fraction=0.001).fit(["good", "bad"] * 5, [1, 0] * 5)
    assert caught[0].filename == __file__
    with pytest.warns(sentiment.TuningWarning, match=r"trains all 1 epoch and .* a smaller dev_fraction"):  # all held out
        Pipeline("tfidf", "mlp", **{**SMALL_MLP, "epochs": 1}, dev_fraction=0.9).fit(["good", "bad"] * 2, [1, 0] * 2)
    with pytest.warns(sentiment.TuningWarning, match=r"give more texts of each class \(the texts held out went back"):
        Pipeline("count", "mlp", **SMALL_MLP, dev_fraction=0.4).fit(["good film", "bad film", "meh film"], ["p", "n", "m"])


@pytest.mark.parametrize("model, multi_label", [("mlp", False), ("logreg", True)])
def test_a_dev_label_unseen_in_training_fails_before_training(tmp_path, fit_dev_spy, model, multi_label):
    train, dev = tmp_path / "train.csv", tmp_path / "dev.csv"
    write_table(pd.DataFrame({"text": [f"good film {i}" for i in range(20)] + [f"bad film {i}" for i in range(20)],
                              "label": ["pos"] * 20 + ["neg"] * 20}), train)
    write_table(pd.DataFrame({"text": ["fine film", "odd film"], "label": ["pos", "neutral"]}), dev)
    with pytest.raises(DataError, match=r"--dev .*dev.csv: label\(s\) neutral do not occur in the training data, "
                                        r"whose labels are: neg, pos; drop those rows") as error:
        commands.fit_file(train, tmp_path / "m", dev=dev, model=model, multi_label=multi_label, options=SMALL_MLP
                          if model == "mlp" else None)
    assert "evaluate" not in str(error.value)
    assert fit_dev_spy == [] and not (tmp_path / "m").exists()
    with pytest.raises(DataError, match=r"--dev .*dev.csv: label\(s\) neutral do not occur in the training data"):
        commands.fit_file(train, tmp_path / "m", dev=dev, model="logreg")
    assert fit_dev_spy == [] and not (tmp_path / "m").exists()


@pytest.mark.parametrize("model", ["logreg", "mlp"])
def test_a_dev_file_may_name_the_labels_for_every_model(tmp_path, model):
    train, dev = tmp_path / "train.csv", tmp_path / "dev.csv"
    write_table(pd.DataFrame({"text": [f"good film {i}" for i in range(20)] + [f"bad film {i}" for i in range(20)],
                              "label": [1] * 20 + [0] * 20}), train)
    write_table(pd.DataFrame({"text": ["good film", "bad film", "good", "bad"],
                              "label": ["positive", "negative", "positive", "negative"]}), dev)
    pipe, report = commands.fit_file(train, tmp_path / "m", dev=dev, model=model,
                                     options=SMALL_MLP if model == "mlp" else None)
    assert pipe.label_names_ == ["negative", "positive"] and report["n"] == 4 and report["accuracy"] == 1.0


def test_fit_file_classical_path_is_unchanged(train_csv, tmp_path, fit_dev_spy):
    pipe, report = commands.fit_file(train_csv["train"], tmp_path / "m", dev=train_csv["dev"], model="logreg")
    dev = pd.read_csv(train_csv["dev"])
    assert fit_dev_spy == [None]  # the dev file only scores the model
    saved = json.loads((tmp_path / "m" / "config.json").read_text())
    assert "early_stopping" not in saved["data"] and "tune" not in saved["data"]
    assert report["n"] == len(dev)


# -- fit_file: checks before the data are read, and where the model goes --------------------------------
@pytest.mark.parametrize("vectorizer, model, options, pattern", [
    ("tfidf", "lstm", {}, "reads token sequences"),
    ("word2vec", "nb", {}, "needs non-negative features"),
    ("tfidf", "mlp", {"device": "cuda"}, "no CUDA GPU"),
])
def test_fit_file_refuses_before_reading_the_data(tmp_path, no_cleaning, vectorizer, model, options, pattern):
    missing = tmp_path / "not-there.csv"  # reading it would be a DataError
    with pytest.raises(ConfigError, match=pattern):
        commands.fit_file(missing, tmp_path / "m", vectorizer=vectorizer, model=model, options=options)


def test_out_below_a_file_uses_the_persistence_check(tmp_path, saved_model):
    blocker = tmp_path / "train.csv"
    blocker.write_text("text,label\na,1\n")
    assert not any(hasattr(module, "_check_out") for module in (commands.fitting, commands.ensembling))
    with pytest.raises(ModelFileError, match=r"lies inside .*train\.csv, which is a file"):
        commands.fit_file(blocker, blocker / "model")
    with pytest.raises(ModelFileError, match=r"train\.csv, which is a file"):
        commands.ensemble_models([saved_model, saved_model], blocker / "sub" / "ens")


# -- predict_file and evaluate_file --------------------------------------------------------------------
def test_predict_file_with_a_blank_text_row(saved_model, tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["good", "", "bad"]}).to_csv(source, index=False)
    with pytest.raises(DataError, match="data row 2 has no text"):
        predict_file(sentiment.load(saved_model), source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]  # no partial output left


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_predict_file_skip_blank_keeps_rows_in_place_unpredicted(saved_model, tmp_path, suffix):
    pipe = sentiment.load(saved_model)
    source, out = tmp_path / "in.csv", tmp_path / f"out.{suffix}"
    pd.DataFrame({"id": [1, 2, 3, 4, 5], "text": ["good", "", "bad", "  ", "awful"]}).to_csv(source, index=False)
    assert predict_file(pipe, source, out, skip_blank=True, chunksize=2, explain=True) == (5, 2)
    table = pd.read_csv(out) if suffix == "csv" else pd.read_json(out, lines=True)
    assert table["id"].tolist() == [1, 2, 3, 4, 5]
    predicted = pipe.predict(["good", "bad", "awful"])
    assert table["label"][[0, 2, 4]].tolist() == list(predicted)
    added = [name for name in table.columns if name not in ("id", "text")]
    assert table.loc[[1, 3], added].isna().all().all()  # every added cell of a blank row is empty
    assert table.loc[[0, 2, 4], added].notna().all().all()


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_predict_file_gives_every_row_the_columns_of_the_whole_json_lines_input(saved_model, tmp_path, suffix):
    """Rows of a JSON Lines file may differ in keys: a key first seen in a later chunk, or the gold label only
    there, must neither shift a CSV's cells under a header written once nor rename the prediction midway."""
    pipe = sentiment.load(saved_model)
    source, out = tmp_path / "in.jsonl", tmp_path / f"out.{suffix}"
    rows = [{"text": "good"}, {"text": "bad"}, {"text": "fine", "label": "pos", "helpful": 3}, {"text": "awful"}]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert predict_file(pipe, source, out, chunksize=2) == (4, 0)
    if suffix == "csv":
        table = pd.read_csv(out)
    else:
        records = [json.loads(line) for line in out.read_text().splitlines()]
        assert len({tuple(record) for record in records}) == 1  # every record with the same keys
        table = pd.DataFrame(records)
    assert table.columns.tolist()[:3] == ["text", "label", "helpful"]
    assert table["predicted_label"].tolist() == list(pipe.predict([row["text"] for row in rows]))
    assert table["label"].isna().tolist() == [True, True, False, True]
    assert table["helpful"].tolist()[2] == 3


def test_predict_file_skip_blank_with_a_chunk_of_blank_rows_only(saved_model, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"id": [1, 2, 3], "text": ["", " ", "good"]}).to_csv(source, index=False)
    assert predict_file(sentiment.load(saved_model), source, out, skip_blank=True, chunksize=2) == (3, 2)
    assert pd.read_csv(out)["label"].isna().tolist() == [True, True, False]


def test_predict_file_refuses_overwriting_input_and_unknown_output_format(saved_model, tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["good", "bad"]}).to_csv(source, index=False)
    pipe = sentiment.load(saved_model)
    with pytest.raises(DataError, match="is the input file"):
        predict_file(pipe, source, source)
    os.link(source, tmp_path / "same.csv")  # one file under two names, as "In.csv" is on a case-insensitive disk
    with pytest.raises(DataError, match="is the input file"):
        predict_file(pipe, source, tmp_path / "same.csv")
    assert pd.read_csv(source).columns.tolist() == ["text"]
    os.remove(tmp_path / "same.csv")
    for name in ("out.parquet", "out.csv.gz", "out.txt"):
        with pytest.raises(DataError, match="give --output a .csv, .tsv or .jsonl file name"):
            predict_file(pipe, source, tmp_path / name)
    with pytest.raises(DataError, match="is a directory"):
        predict_file(pipe, source, tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    symlink(tmp_path / "out.jsonl", tmp_path / "notes.txt")
    with pytest.raises(ConfigError, match="out.jsonl is a link to .*notes.txt, which is not a .jsonl file"):
        predict_file(pipe, source, tmp_path / "out.jsonl")
    assert (tmp_path / "notes.txt").read_text() == "mine"
    with pytest.raises(DataError, match="has no column 'review'"):
        predict_file(pipe, source, tmp_path / "out.csv", text_column="review")


@pytest.mark.parametrize("flags, pattern", [
    ({"top_if_none": True}, "--top-if-none goes with a model that gives several labels"),
    ({"aspects": ["battery"]}, "--aspect needs an aspect model"),
    ({"by_sentence": False}, "--whole-text needs an aspect model"),
])
def test_predict_file_refuses_flags_the_model_cannot_honour(saved_model, tmp_path, flags, pattern):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["good", "bad"]}).to_csv(source, index=False)
    with pytest.raises(ConfigError, match=pattern):
        predict_file(sentiment.load(saved_model), source, tmp_path / "out.csv", **flags)
    assert not (tmp_path / "out.csv").exists()


def test_predict_file_keeps_a_gold_label_column(saved_model, tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["a wonderful film", "dull and awful"], "label": ["gold1", "gold2"]}).to_csv(source, index=False)
    pipe = sentiment.load(saved_model)
    predict_file(pipe, source, tmp_path / "out.csv")
    out = pd.read_csv(tmp_path / "out.csv")
    assert out["label"].tolist() == ["gold1", "gold2"]
    assert out["predicted_label"].tolist() == pipe.predict(["a wonderful film", "dull and awful"]).tolist()
    assert all(f"predicted_score_{name}" in out.columns for name in pipe.label_names_)


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_predict_file_writes_an_empty_header_cell_back_empty(saved_model, tmp_path, suffix):
    # pandas' own index column has an empty header cell, which it reads as "Unnamed: 0"; a column named so stays
    source = tmp_path / "in.csv"
    source.write_text(",text,Unnamed: 2,note\n7,a wonderful film,x,\n9,dull and awful,y,z\n", encoding="utf-8")
    predict_file(sentiment.load(saved_model), source, tmp_path / f"out{suffix}")
    header = (tmp_path / f"out{suffix}").read_text(encoding="utf-8").splitlines()[0].split("," if suffix == ".csv" else "\t")
    assert header[:4] == ["", "text", "Unnamed: 2", "note"]
    out = pd.read_csv(tmp_path / f"out{suffix}", sep=None, engine="python")
    assert out["Unnamed: 0"].tolist() == [7, 9]  # read back as it was read


def test_a_column_clash_is_refused_before_the_chunk_is_predicted(saved_model, tmp_path, monkeypatch):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["a wonderful film"], "explanation": ["mine"], "predicted_explanation": ["mine too"]}
                 ).to_csv(source, index=False)
    pipe = sentiment.load(saved_model)
    monkeypatch.setattr(type(pipe), "annotate", lambda *a, **k: pytest.fail("predicted before the columns were checked"))
    with pytest.raises(DataError, match="already has the columns predicted_explanation"):
        predict_file(pipe, source, tmp_path / "out.csv", explain=True)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("explain", [False, True])
def test_the_added_column_names_are_the_columns_added(fitted, binary, explain):
    multi = Pipeline("tfidf", "logreg", C=10.0).fit(binary.train_texts, [[y] for y in binary.train_labels])
    for pipe in (fitted("tfidf", "logreg"), multi):
        added = commands.predicting._prediction_columns(pipe, ["a wonderful film"], False, None, True, ";",
                                                        nested=True, explain=explain)
        assert list(added) == commands.predicting._added_names(pipe, explain)


def test_evaluate_file_with_unseen_labels(saved_model, tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"text": ["good", "bad"], "label": ["pos", "so-so"]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="so-so"):
        evaluate_file(path, saved_model)


def test_predict_file_writes_strict_json_lines_and_keeps_nested_values(saved_model, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "a wonderful film", "meta": null, "tags": {"a": 1}}\n'
                      '{"id": 2, "text": "dull and awful", "meta": 3, "tags": [1, 2]}\n')
    pipe = sentiment.load(saved_model)
    predict_file(pipe, source, tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    rows = [json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} is not JSON")) for line in lines]
    assert [r["meta"] for r in rows] == [None, 3] and [r["tags"] for r in rows] == [{"a": 1}, [1, 2]]
    assert [r["label"] for r in rows] == [pipe.label_names_[i] for i in pipe.predict_proba(
        ["a wonderful film", "dull and awful"]).argmax(axis=1)]
    predict_file(pipe, source, tmp_path / "out.csv")  # a table holds nested values as JSON text
    table = pd.read_csv(tmp_path / "out.csv")
    assert [json.loads(t) for t in table["tags"]] == [{"a": 1}, [1, 2]]


def test_predict_file_gives_several_labels_as_a_list_in_json_lines(tmp_path):
    texts = ["glad and happy", "furious and angry", "glad but furious"] * 8
    labels = [("joy",), ("anger",), ("joy", "anger")] * 8
    pipe = Pipeline(vectorizer="count", model="logreg").fit(texts, labels)
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["glad and happy", "glad but furious"]}).to_csv(source, index=False)
    predict_file(pipe, source, tmp_path / "out.jsonl")
    predict_file(pipe, source, tmp_path / "out.csv")
    nested = [json.loads(line)["labels"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert all(isinstance(found, list) for found in nested)
    assert pd.read_csv(tmp_path / "out.csv")["labels"].tolist() == [";".join(found) for found in nested]
    assert [item for found in nested for item in found]  # some label passed its threshold


def test_predict_file_joins_gold_label_lists_in_a_table_so_evaluate_reads_them(tmp_path):
    texts = ["glad and happy", "furious and angry", "glad but furious"] * 8
    labels = [("joy",), ("anger",), ("joy", "anger")] * 8
    pipe = Pipeline(vectorizer="count", model="logreg").fit(texts, labels)
    pipe.save(tmp_path / "m", extra={"columns": {"text": "text", "label": "emotions", "separator": "|"}})
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "glad and happy", "emotions": ["joy"], "tags": ["a", "b"]}\n'
                      '{"text": "glad but furious", "emotions": ["anger", "joy"], "tags": ["c"]}\n')
    predict_file(sentiment.load(tmp_path / "m"), source, tmp_path / "out.csv")
    table = pd.read_csv(tmp_path / "out.csv")
    assert table["emotions"].tolist() == ["joy", "anger|joy"]  # joined by the model's separator
    assert table["tags"].tolist() == ['["a", "b"]', '["c"]']  # other lists stay JSON text
    _, report = evaluate_file(tmp_path / "out.csv", tmp_path / "m")
    assert report["n"] == 2 and report["multi_label"]


def test_evaluate_file_matches_tree_labels_to_a_model_by_their_names(sst_file, tmp_path):
    texts = ["a wonderful film", "truly dreadful", "not good", "superb and moving"] * 6
    labels = ["positive", "negative", "negative", "positive"] * 6
    Pipeline(vectorizer="count", model="logreg").fit(texts, labels).save(tmp_path / "named")  # classes are names
    _, report = evaluate_file(sst_file, tmp_path / "named")
    assert report["n"] == 4 and report["labels"] == ["negative", "positive"]  # SST-2: the neutral tree left out
    assert sum(map(sum, report["confusion_matrix"])) == 4
    five = Pipeline(vectorizer="count", model="logreg").fit(texts * 2, [0, 1, 2, 3, 4, 4] * 8)
    five.save(tmp_path / "five")  # classes 0..4, named very negative ... very positive
    assert evaluate_file(sst_file, tmp_path / "five")[1]["n"] == 5


def test_column_flags_with_sst_trees_are_refused(sst_file, tmp_path, saved_model):
    with pytest.raises(ConfigError, match="--text-column does not apply to SST trees"):
        commands.fit_file(sst_file, tmp_path / "m", text_column="review")
    table = tmp_path / "dev.csv"  # a dev table with its own columns: they are the ones the flags name
    pd.DataFrame({"review": ["a wonderful film", "truly dreadful"], "stars": [4, 0]}).to_csv(table, index=False)
    commands.fit_file(sst_file, tmp_path / "with-dev", dev=table, text_column="review", label_column="stars",
                      model="logreg")
    assert sentiment.load(tmp_path / "with-dev").config_["columns"] == {"text": "review", "label": "stars"}
    with pytest.raises(ConfigError, match="--label-column does not apply to SST trees"):
        evaluate_file(sst_file, saved_model, label_column="stars")
    assert not (tmp_path / "m").exists()


def test_predict_file_from_parquet_writes_plain_json(saved_model, tmp_path):
    source = tmp_path / "in.parquet"
    pd.DataFrame({"text": ["a wonderful film", "dull and awful"], "x": [float("inf"), 1.5], "tags": [["a", "b"], []],
                  "n": pd.array([1, None], dtype="Int64")}).to_parquet(source)
    predict_file(sentiment.load(saved_model), source, tmp_path / "out.jsonl")
    rows = [json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
            for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(r["x"], r["tags"], r["n"]) for r in rows] == [(None, ["a", "b"], 1), (1.5, [], None)]
    predict_file(sentiment.load(saved_model), source, tmp_path / "out.csv")
    assert [json.loads(t) for t in pd.read_csv(tmp_path / "out.csv")["tags"]] == [["a", "b"], []]


def test_plain_json_values_for_numpy_times():
    from sentiment.checks import json_safe

    assert json_safe([np.datetime64("2020-01-01", "ns"), np.datetime64("NaT"), np.float32("inf"), np.int64(3)]) == [
        "2020-01-01T00:00:00.000000000", None, None, 3]


@pytest.mark.parametrize("task, names", [("polarity", ["very negative", "negative", "neutral", "positive", "very positive"]),
                                         ("emotion", ["0", "1", "2", "3", "4"])])
def test_integer_labels_are_named_as_polarity_for_the_polarity_task_only(tmp_path, task, names):
    path = tmp_path / "train.csv"
    words = ["awful", "bad", "plain", "good", "superb"]
    write_table(pd.DataFrame({"text": [f"{words[i % 5]} text {i}" for i in range(100)],
                              "label": [i % 5 for i in range(100)]}), path)
    logged = []
    pipe, _ = commands.fit_file(path, tmp_path / "m", task=task, model="logreg", log=logged.append)
    assert pipe.label_names_ == names
    assert any("labels named as polarity: 0=very negative" in line for line in logged) == (task == "polarity")


@pytest.mark.parametrize("codes, names", [((0, 1), ["very negative", "negative"]),
                                          ((0, 1, 3, 4), ["very negative", "negative", "positive", "very positive"])])
def test_the_codes_of_sst_trees_are_named_by_their_scale_also_where_some_are_missing(tmp_path, codes, names):
    words = {0: "dreadful", 1: "dull", 3: "good", 4: "wonderful"}
    path = tmp_path / "trees.txt"
    path.write_text("".join(f"({c} (2 n{i}) ({c} {words[c]}))\n" for i, c in enumerate(codes * 10)), encoding="utf-8")
    logged = []
    pipe, _ = commands.fit_file(path, tmp_path / "m", model="logreg", log=logged.append)
    assert pipe.label_names_ == names  # 0 and 1 are negative (SST's scale), not "negative" and "positive"
    assert pipe.annotate([f"so {words[codes[0]]}"])[0]["label"] == "very negative"
    assert any(line.startswith("labels named as the trees' polarity scale: 0=very negative, 1=negative") for line in logged)


_WORDS = {0: "dreadful", 1: "dull", 2: "plain", 3: "good", 4: "wonderful"}


def _trees(path, codes, n: int, start: int = 0):
    path.write_text("".join(f"({c} (2 n{start + i}) ({c} {_WORDS[c]}))\n" for i, c in
                            enumerate(codes[i % len(codes)] for i in range(n))), encoding="utf-8")
    return path


def _table(path, names: dict, n: int):
    codes = list(names)
    write_table(pd.DataFrame({"text": [f"n{i} {_WORDS[codes[i % len(codes)]]}" for i in range(n)],
                              "label": [names[codes[i % len(codes)]] for i in range(n)]}), path)
    return path


def test_trees_are_scored_in_the_points_a_model_learnt_not_merged_as_sst2(tmp_path):
    # a model of trees' codes 0 and 1 alone (very negative, negative): evaluate read its trees as SST-2 and
    # merged both codes into one class
    train, dev = _trees(tmp_path / "train.txt", [0, 1], 40), _trees(tmp_path / "dev.txt", [0, 1], 12, 100)
    pipe, _ = commands.fit_file(train, tmp_path / "m", model="logreg", dev=dev, log=lambda m: None)
    assert pipe.label_names_ == ["very negative", "negative"]
    _, report = commands.evaluate_file(dev, tmp_path / "m")
    assert report["n"] == 12 and report["accuracy"] == 1.0


@pytest.mark.parametrize("names", [{0: "very negative", 1: "negative", 3: "positive", 4: "very positive"},
                                   {0: "negative", 2: "neutral", 4: "positive"}])
def test_trees_are_named_by_the_classes_a_table_model_has(tmp_path, names):
    # four points of the scale: each code named by its point; negative / neutral / positive: the codes in three
    train = _table(tmp_path / "train.csv", names, 40)
    codes = [0, 1, 3, 4] if len(names) == 4 else [0, 1, 2, 3, 4]
    dev = _trees(tmp_path / "dev.txt", codes, 20, 100)
    commands.fit_file(train, tmp_path / "m", model="logreg", log=lambda m: None)
    _, report = commands.evaluate_file(dev, tmp_path / "m")
    assert report["n"] == 20 and report["accuracy"] >= 0.6  # the codes of words it never saw may go either way
    _, scored = commands.fit_file(train, tmp_path / "m2", model="logreg", dev=dev, log=lambda m: None)
    assert scored["n"] == 20


def test_sst2_reading_is_kept_for_two_classes_that_are_not_points_of_the_scale(tmp_path):
    reads_trees_as_sst2 = commands.gold.reads_trees_as_sst2
    assert reads_trees_as_sst2(["bad", "fine"]) and reads_trees_as_sst2(["negative", "positive"])
    assert reads_trees_as_sst2([0, 1]) and not reads_trees_as_sst2(["very negative", "negative"])
    commands.fit_file(_table(tmp_path / "named.csv", {0: "negative", 4: "positive"}, 40), tmp_path / "m",
                      model="logreg", log=lambda m: None)
    _, report = commands.evaluate_file(_trees(tmp_path / "dev.txt", [0, 1, 2, 3, 4], 20, 100), tmp_path / "m")
    assert report["n"] == 16  # SST-2: the neutral trees dropped


def test_phrases_beside_a_dev_file_of_training_trees_are_noted(tmp_path):
    train = _trees(tmp_path / "train.txt", [0, 1, 3, 4], 40)
    dev = tmp_path / "dev.txt"
    dev.write_text("".join(train.read_text().splitlines(keepends=True)[:10])
                   + _trees(tmp_path / "other.txt", [0, 1, 3, 4], 20, 100).read_text(), encoding="utf-8")
    logged = []
    commands.fit_file(train, tmp_path / "m", model="logreg", phrases=True, dev=dev, log=logged.append)
    assert any(line.startswith("note: 10 of the 30 dev texts also occur among the training texts") for line in logged)


def test_a_model_that_did_not_converge_is_a_note_in_the_log(tmp_path, recwarn):
    path = tmp_path / "train.csv"
    write_table(pd.DataFrame({"text": [f"{'good' if i % 2 else 'bad'} film {i}" for i in range(60)],
                              "label": ["pos", "neg"] * 30}), path)
    logged = []
    commands.fit_file(path, tmp_path / "m", model="logreg", options={"max_iter": 1}, log=logged.append)
    assert [line for line in logged if "did not converge" in line] == [  # once, though it is fitted twice
        "note: logreg did not converge within max_iter=1 and may be less accurate; raise it, e.g. --set max_iter=2"]
    assert not [w for w in recwarn if "converge" in str(w.message)]  # said once, in the log, not as a warning


def test_a_label_column_of_scores_is_refused(tmp_path):
    path = tmp_path / "train.csv"
    write_table(pd.DataFrame({"text": [f"text {i}" for i in range(120)], "label": [i / 120 for i in range(120)]}), path)
    with pytest.raises(DataError, match="column 'label' has 120 different values in 120 rows: scores, ids or texts"):
        commands.fit_file(path, tmp_path / "m")


def test_dev_data_that_are_the_training_file_are_noted(train_csv, tmp_path):
    logged = []
    commands.fit_file(train_csv["train"], tmp_path / "m", dev=train_csv["train"], model="logreg", log=logged.append)
    assert "note: --dev is the training file, so the dev figures are figures on training data" in logged
    assert not any("also occur among the training texts" in line for line in logged)  # said once, above


def test_duplicated_rows_and_labels_spelt_two_ways_are_noted(tmp_path):
    path = tmp_path / "train.csv"
    rows = [(f"great film number {i}", "Positive" if i % 3 == 0 else "positive") for i in range(30)]
    rows += [(f"awful film number {i}", "negative") for i in range(30)]
    write_table(pd.DataFrame(rows * 2, columns=["text", "label"]), path)
    logged = []
    with pytest.warns(LabelSpellingWarning) as caught:  # for Python callers too (the CLI writes it as a note)
        pipe, report = commands.fit_file(path, tmp_path / "m", model="logreg", log=logged.append)
    assert [str(w.message) for w in caught if w.category is LabelSpellingWarning] == [
        "some labels differ only in capitalisation (Positive / positive) and are different classes; write each label "
        "one way if they mean the same"]  # once, though fit trains twice (dev, then refit)
    repeated = [line for line in logged if "dev texts also occur among the training texts" in line]
    assert len(repeated) == 1 and repeated[0].startswith("note: ") and f"of the {report['n']} dev texts" in repeated[0]
    logged.clear()
    write_table(pd.DataFrame(rows, columns=["text", "label"]).replace("Positive", "positive"), path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LabelSpellingWarning)
        commands.fit_file(path, tmp_path / "m", model="logreg", log=logged.append)
    assert not any("also occur" in line for line in logged)


def test_several_integer_labels_stay_numbers_for_the_emotion_task(tmp_path):
    path = tmp_path / "train.csv"
    words = ["awful", "bad", "plain", "good", "superb"]
    write_table(pd.DataFrame({"text": [f"{words[i % 5]} {words[(i + 1) % 5]} {i}" for i in range(100)],
                              "labels": [f"{i % 5};{(i + 1) % 5}" for i in range(100)]}), path)
    pipe, _ = commands.fit_file(path, tmp_path / "m", task="emotion", multi_label=True, label_column="labels")
    assert pipe.label_names_ == ["0", "1", "2", "3", "4"]


def test_a_single_dev_text_that_is_also_a_training_text_is_noted(tmp_path):
    path = tmp_path / "train.csv"
    rows = [(f"great film number {i}", "positive") for i in range(30)] + [(f"awful film number {i}", "negative")
                                                                        for i in range(30)]
    write_table(pd.DataFrame(rows + [rows[0]], columns=["text", "label"]), path)  # one row twice
    for seed in range(20):  # a seed whose dev part holds one copy and the training part the other
        logged = []
        commands.fit_file(path, tmp_path / "m", model="logreg", seed=seed, refit=False, log=logged.append)
        repeated = [line for line in logged if "dev texts also occur among the training texts" in line]
        if repeated:
            assert repeated == ["note: 1 of the 7 dev texts also occur among the training texts (duplicated rows), "
                                "so the dev figures are optimistic; drop the duplicates (pandas: "
                                "df.drop_duplicates('text'))"]
            break
    else:
        pytest.fail("no seed split the duplicated row")


def test_a_dev_file_sharing_texts_with_the_training_file_is_noted_with_advice_for_two_files(tmp_path):
    rows = [(f"great film number {i}", "positive") for i in range(20)] + [(f"awful film number {i}", "negative")
                                                                        for i in range(20)]
    write_table(pd.DataFrame(rows, columns=["text", "label"]), tmp_path / "train.csv")
    write_table(pd.DataFrame(rows[:2] + [("a fine film", "positive")], columns=["text", "label"]), tmp_path / "dev.csv")
    logged = []
    commands.fit_file(tmp_path / "train.csv", tmp_path / "m", dev=tmp_path / "dev.csv", model="logreg", log=logged.append)
    assert ("note: 2 of the 3 dev texts also occur among the training texts (duplicated rows), so the dev figures are "
            "optimistic; drop them from one of the files (pandas: train[~train.text.isin(dev.text)])") in logged


def test_the_seed_chooses_the_dev_part(tmp_path, monkeypatch):
    from sentiment.splits import train_dev_split

    path = tmp_path / "train.csv"
    texts = [f"great film number {i}" for i in range(30)] + [f"awful film number {i}" for i in range(30)]
    labels = ["positive"] * 30 + ["negative"] * 30
    write_table(pd.DataFrame({"text": texts, "label": labels}), path)
    scored = []
    real = commands.fitting.evaluate
    monkeypatch.setattr(commands.fitting, "evaluate", lambda pipe, dev_texts, *a, **k: scored.append(dev_texts) or real(pipe, dev_texts, *a, **k))
    for seed in (0, 5):
        commands.fit_file(path, tmp_path / "m", model="logreg", seed=seed, refit=False)
    assert scored[0] != scored[1]
    assert scored[1] == train_dev_split(texts, labels, 0.1, 5)[2]
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["data"]["dev"].endswith("(seed 5)")


def test_explanations_go_in_steps_under_their_progress_bar(fitted, binary, tmp_path, monkeypatch):
    """--explain takes a prediction per word: a file's chunk is explained some texts at a time, so that its
    bar moves, and gives what one call gives."""
    pipe = fitted("tfidf", "logreg")
    texts = list(binary.dev_texts[:45])
    whole = commands.annotate_texts(pipe, texts, explain=True)
    sizes, explain = [], Pipeline.explain
    monkeypatch.setattr(Pipeline, "explain", lambda self, batch: sizes.append(len(batch)) or explain(self, batch))
    assert commands.annotate_texts(pipe, texts, explain=True, progress=True) == whole
    assert sizes == [20, 20, 5]
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": texts}).to_csv(source, index=False)
    sizes.clear()
    assert predict_file(pipe, source, tmp_path / "out.csv", explain=True, progress=True) == (45, 0) and sizes == [20, 20, 5]


def test_labels_too_rare_to_tune_are_named_once(tmp_path):
    rows = [("I am glad and happy", "joy"), ("so furious, angry", "anger"), ("glad, angry, both", "joy;anger")] * 20
    rows += [("what a relief", "relief")] * 2  # on too few texts to be tuned wherever they fall
    path = tmp_path / "multi.csv"
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(path, index=False)
    logged = []
    pipe, _ = commands.fit_file(path, tmp_path / "m", task="emotion", multi_label=True,
                                options={"tune_fraction": 0.5}, log=logged.append)
    notes = [line for line in logged if "keep 0.5 (untuned)" in line]
    assert len(notes) == 1 and "relief" in notes[0] and "joy" not in notes[0]  # once, though fit trains twice
    assert "relief" in pipe.info_["untuned_labels"] and "joy" not in pipe.info_["untuned_labels"]
    named = notes[0].split("(untuned): ")[1].split(";")[0].split(", ")
    assert named == [str(label) for label in sentiment.load(tmp_path / "m").info_["untuned_labels"]]  # the saved model's, refit


def test_an_aspect_model_that_finds_no_dev_aspect_is_noted(tmp_path, monkeypatch):
    import sentiment.aspects

    from sentiment.aspects import AspectPipeline

    report = {"dev": {"n_aspects": 40, "n_predicted": 0, "extraction_f1": 0.0}}
    monkeypatch.setattr(sentiment.aspects, "fit_aspects", lambda *args, **kwargs: (AspectPipeline(extractor="lstm"), report))
    logged = []
    commands.fitting._fit_aspects("a.jsonl", tmp_path / "m", dev=None, options={}, dev_fraction=0.1, seed=0,
                                  refit=True, progress=False, log=logged.append)
    assert logged[-1] == ("note: the model found none of the 40 dev aspects, so it will find none in new texts either: "
                          "too few training sentences? (the lstm tagger needs more than the classical one, "
                          "extractor=classical)")
    report["dev"]["n_predicted"] = 3
    logged.clear()
    commands.fitting._fit_aspects("a.jsonl", tmp_path / "m", dev=None, options={}, dev_fraction=0.1, seed=0,
                                  refit=True, progress=False, log=logged.append)
    assert not any("found none" in line for line in logged)


def test_predict_file_joins_gold_label_lists_of_ids_as_evaluate_reads_them(tmp_path):
    """GoEmotions as Hugging Face ships it: labels are lists of integer ids."""
    words = {0: "happy glad", 1: "sad down", 2: "scared afraid"}
    rows = [{"text": " ".join(words[k] for k in ks), "label": list(ks)}
            for ks in [(0,), (1,), (2,), (0, 1), (1, 2), (0, 2)] * 8]
    pipe = Pipeline("tfidf", "logreg", tune_fraction=0).fit([r["text"] for r in rows], [r["label"] for r in rows])
    model = pipe.save(tmp_path / "m")
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows[:12]))
    predict_file(sentiment.load(model), source, tmp_path / "out.csv")
    table = pd.read_csv(tmp_path / "out.csv")
    assert table["label"].tolist()[:4] == ["0", "1", "2", "0;1"]
    _, report = evaluate_file(tmp_path / "out.csv", model)
    assert report["n"] == 12


@pytest.mark.parametrize("source", ["parquet", "jsonl", "jsonl.gz"])
@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_predict_file_keeps_an_integer_column_with_gaps_whole(saved_model, tmp_path, source, suffix):
    """Floats would round an id past 2**53 (12345678901234567 -> 1.2345678901234568e+16)."""
    import gzip

    ids, texts = [1, None, 12345678901234567], ["good", "bad", "fine"]
    path = tmp_path / f"in.{source}"
    if source == "parquet":
        pa = pytest.importorskip("pyarrow")
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"id": pa.array(ids, type=pa.int64()), "text": texts}), path)
    else:
        lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, texts)).encode()
        path.write_bytes(gzip.compress(lines) if source.endswith(".gz") else lines)
    out = tmp_path / f"out.{suffix}"
    predict_file(sentiment.load(saved_model), path, out)
    if suffix == "csv":
        assert [line.split(",")[0] for line in out.read_text().splitlines()] == ["id", "1", "", "12345678901234567"]
    else:
        assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [1, None, 12345678901234567]


def test_fit_file_scores_a_carved_dev_part_that_lacks_rare_classes(tmp_path):
    # classes 2-4 have 3-4 texts each: the stratified 10% gives them none, so the dev part holds codes 0 and 1 only,
    # which is no two-class file beside five classes (that check is for a --dev file)
    words = {0: "dreadful", 1: "dull", 2: "ordinary", 3: "good", 4: "superb"}
    rows = [(f"the film was {words[label]} take {label}-{i}", label) for label, n in {0: 45, 1: 45, 2: 4, 3: 3, 4: 3}.items()
            for i in range(n)]
    path = tmp_path / "five.csv"
    pd.DataFrame(rows, columns=["text", "label"]).sample(frac=1, random_state=4).to_csv(path, index=False)
    pipe, report = commands.fit_file(path, tmp_path / "m", model="logreg")
    assert len(pipe.classes_) == 5 and report["n"] == 10


def test_fit_file_names_its_shares_as_given_and_info_the_task(tmp_path):
    rows = [(f"a {w} film number {i}", label) for i in range(40) for w, label in (("great", "positive"), ("awful", "negative"))]
    path = tmp_path / "t.csv"
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(path, index=False)
    commands.fit_file(path, tmp_path / "m", task="emotion", dev_fraction=0.125)
    described = commands.describe_model(tmp_path / "m")
    assert described["data"]["dev"] == "12.5% of t.csv (seed 0)"  # was "12%" (and 0.4% read "0%")
    assert described["settings"]["task"] == "emotion"


def test_every_option_of_every_stage_says_what_it_does():
    """An option added without its line for `sentiment options` fails here (and a line left for one removed)."""
    from sentiment.aspects import AspectPipeline, aspect_options
    from sentiment.cleaning import CLEANER_OPTION_HELP, Cleaner
    from sentiment.pipeline import PIPELINE_OPTION_HELP, PIPELINE_OPTIONS
    from sentiment.registry import available, resolve

    for kind in ("vectorizer", "model"):
        for name in available(kind):
            stage = resolve(kind, name)
            assert set(stage.option_help) == set(stage.defaults), (kind, name)
            assert all(isinstance(line, str) and line and "\n" not in line for line in stage.option_help.values())
    assert set(CLEANER_OPTION_HELP) == set(Cleaner.option_names())
    assert set(PIPELINE_OPTION_HELP) == set(PIPELINE_OPTIONS)
    assert set(AspectPipeline.option_help) == set(aspect_options())


def test_options_list_tune_fraction_only_for_several_labels_per_text():
    shown = lambda **kw: {k for stage in commands.describe_options(**kw)["options"].values() for k in stage}
    assert "tune_fraction" not in shown() and "tune_fraction" in shown(multi_label=True)  # fit refuses it for one


def test_predict_file_skip_blank_on_a_dictionary_encoded_parquet_text_column(saved_model, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pipe, source, out = sentiment.load(saved_model), tmp_path / "in.parquet", tmp_path / "out.csv"
    texts = pa.array(["great film", None, "awful film"]).dictionary_encode()  # read back as a categorical column
    pq.write_table(pa.table({"id": [1, 2, 3], "text": texts}), source)
    assert predict_file(pipe, source, out, skip_blank=True) == (3, 1)
    table = pd.read_csv(out)
    assert table["id"].tolist() == [1, 2, 3] and table["label"].isna().tolist() == [False, True, False]
    assert table["label"][[0, 2]].tolist() == list(pipe.predict(["great film", "awful film"]))


# -- never_predicted_note: classes of the dev data that the model gave no dev text ----------------------------
def test_never_predicted_note_names_each_class_no_dev_text_got():
    report = {"labels": ["a", "b", "c", "d"], "confusion_matrix": [[3, 0, 0, 0], [2, 0, 0, 0], [0, 0, 1, 0],
                                                                   [0, 0, 0, 0]]}
    model = Pipeline(model="logreg").build_stages()[2]
    assert commands.fitting.never_predicted_note(report, model) == (
        "note: the model labelled no dev text as b (2 in dev): a class of few training texts may never win; more of "
        "its texts, or --set class_weight=balanced, may teach it")  # d: no dev text has it either
    report["confusion_matrix"][3] = [1, 0, 0, 0]
    assert "as b (2 in dev), d (1 in dev):" in commands.fitting.never_predicted_note(report, model)
    model = Pipeline(model="logreg", class_weight="balanced").build_stages()[2]  # the advice is taken already
    assert commands.fitting.never_predicted_note(report, model).endswith("more of its texts may teach it")
    report["confusion_matrix"] = [[3, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    assert commands.fitting.never_predicted_note(report, model) is None
    assert commands.fitting.never_predicted_note({"multi_label": True, "labels": ["a"], "per_class": {}}, model) is None


def test_never_predicted_note_tells_a_rare_class_from_one_the_model_has_not_learnt():
    report = {"labels": ["a", "b", "c"], "confusion_matrix": [[3, 0, 0], [2, 0, 0], [0, 0, 1]]}
    model = Pipeline(model="logreg").build_stages()[2]
    rare = commands.fitting.never_predicted_note(report, model, {"a": 50, "b": 4, "c": 46})
    assert rare == ("note: the model labelled no dev text as b (2 in dev; 4 of the 100 training texts): a class of few "
                    "training texts may never win; more of its texts, or --set class_weight=balanced, may teach it")
    common = commands.fitting.never_predicted_note(report, model, {"a": 34, "b": 33, "c": 33})
    assert common == ("note: the model labelled no dev text as b (2 in dev; 33 of the 100 training texts): it has not "
                      "learnt to tell that class apart, though no rarer than the others; more training texts, or other "
                      "settings or another --model, may teach it")
    assert "a class of few" in commands.fitting.never_predicted_note(report, model, {"a": 84, "b": 16, "c": 0})  # 16 < 100/6


def test_class_counts_of_a_grouped_model_count_its_groups(tmp_path):
    """A model of label groups (love learnt as joy) counts each group's training texts; a fit with a grouping
    is not stopped by the note's counting (it once was: love is no class of such a model)."""
    path = tmp_path / "train.csv"
    texts = ["so happy today", "what a joyful day", "i love you so", "such a lovely friend", "this makes me angry",
             "i am furious", "so sad and lonely", "down and sad"] * 3
    labels = ["joy", "joy", "love", "love", "anger", "anger", "sadness", "sadness"] * 3
    pd.DataFrame({"text": texts, "label": labels}).to_csv(path, index=False)
    pipe, report = commands.fit_file(path, tmp_path / "m", task="emotion", options={"grouping": "ekman"})
    assert pipe.label_names_ == ["anger", "joy", "sadness"] and report["n"] == 3
    assert commands.fitting._class_counts(pipe, labels, report) == {"anger": 6, "joy": 12, "sadness": 6}


def test_fit_file_gives_the_dev_notes_for_after_the_report(tmp_path):
    """Balanced classes, and dev texts of words never seen in training, which the model gives all to one class:
    the other, as common as it, is named with its share of the training texts, in the report's notes (for the
    caller to show after the figures), not logged before them."""
    train, dev = tmp_path / "train.csv", tmp_path / "dev.csv"
    pd.DataFrame({"text": ["good film", "bad film", "fine film", "awful film"] * 3,
                  "label": ["pos", "neg"] * 6}).to_csv(train, index=False)
    pd.DataFrame({"text": ["zebra", "quokka", "ibex", "okapi"], "label": ["pos", "neg"] * 2}).to_csv(dev, index=False)
    logged = []
    pipe, report = commands.fit_file(train, tmp_path / "m", dev=dev, model="nb", log=logged.append)
    [never] = [name for name, given in zip(report["labels"], np.asarray(report["confusion_matrix"]).sum(axis=0))
               if not given]
    assert report["notes"] == [f"note: the model labelled no dev text as {never} (2 in dev; 6 of the 12 training texts): "
                               "it has not learnt to tell that class apart, though no rarer than the others; more "
                               "training texts, or other settings or another --model, may teach it"]
    assert not any("labelled no dev text" in line for line in logged)


def test_evaluate_file_reads_polarity_codes_beside_a_model_of_polarity_names(binary, five, binary_frames, tmp_path):
    """0/1 labels scored by a model of negative/positive are read as fit reads them (0 negative), with a note;
    0-4 beside a five-point model too (a subset of the codes as well); codes a model learnt stay its own, and
    codes outside the scale stay unknown labels."""
    from sentiment.pipeline import POLARITY_NAMES

    named = {"neg": "negative", "pos": "positive"}
    Pipeline("tfidf", "logreg").fit(binary.train_texts, [named[y] for y in binary.train_labels]).save(tmp_path / "names")
    _, dev = binary_frames
    write_table(dev, tmp_path / "codes.csv")
    write_table(dev.assign(label=[["negative", "positive"][y] for y in dev.label]), tmp_path / "names.csv")
    _, by_code = evaluate_file(tmp_path / "codes.csv", tmp_path / "names")
    _, by_name = evaluate_file(tmp_path / "names.csv", tmp_path / "names")
    assert by_code.pop("notes") == ["note: labels read as polarity: 0=negative, 1=positive (--label-names reads them "
                                    "otherwise)"]
    assert by_code == by_name and "notes" not in by_name
    _, swapped = evaluate_file(tmp_path / "codes.csv", tmp_path / "names", label_names={0: "positive", 1: "negative"})
    assert "notes" not in swapped and swapped["accuracy"] == pytest.approx(1 - by_name["accuracy"])
    write_table(dev.assign(label=[2] + dev.label.tolist()[1:]), tmp_path / "three.csv")
    with pytest.raises(DataError, match=r"label\(s\) 0, 1, 2 were not seen in training"):  # no scale of two
        evaluate_file(tmp_path / "three.csv", tmp_path / "names")
    train, _ = binary_frames
    Pipeline("tfidf", "logreg").fit(train.text, train.label, label_names={0: "negative", 1: "positive"}
                                    ).save(tmp_path / "ids")  # it learnt the codes: read as its own, no note
    _, own = evaluate_file(tmp_path / "codes.csv", tmp_path / "ids")
    assert "notes" not in own and own["accuracy"] == by_code["accuracy"]
    scale = POLARITY_NAMES[5]
    Pipeline("tfidf", "logreg").fit(five.train_texts, [scale[y] for y in five.train_labels]).save(tmp_path / "five")
    kept = [i for i, y in enumerate(five.dev_labels) if y != 4]  # a file without "very positive"
    write_table(pd.DataFrame({"text": [five.dev_texts[i] for i in kept], "label": [five.dev_labels[i] for i in kept]}),
                tmp_path / "five.csv")
    _, report = evaluate_file(tmp_path / "five.csv", tmp_path / "five")
    assert report["notes"][0].startswith("note: labels read as polarity: 0=very negative, 1=negative, 2=neutral, 3=positive")
    assert report["per_class"]["very positive"]["support"] == 0 and report["n"] == len(kept)
    two = [i for i, y in enumerate(five.dev_labels) if y < 2]  # 0 and 1 alone: a two-class file, not two points
    write_table(pd.DataFrame({"text": [five.dev_texts[i] for i in two], "label": [five.dev_labels[i] for i in two]}),
                tmp_path / "two.csv")
    with pytest.raises(DataError, match=r"label\(s\) 0, 1 were not seen in training"):
        evaluate_file(tmp_path / "two.csv", tmp_path / "five")


def test_a_tune_part_too_small_to_hold_out_is_noted_once_per_command():
    """The first fit and the refit on all the data may both hold no tune part out: one note, not two."""
    from types import SimpleNamespace

    from sentiment.commands.fitting import _record_tuning

    pipe = SimpleNamespace(info_={})  # a fit that tuned on no texts
    logged, said = [], set()
    for n_texts in (5, 8):
        tune_info = {}
        _record_tuning(pipe, None, tune_info, {}, 0.1, n_texts, said, logged.append)
        assert tune_info == {"n_tune": 0, "tune": "none (too few texts to hold out)"}  # recorded after each fit
    assert len(logged) == 1 and "too few texts to hold out 10% for tuning the label thresholds" in logged[0]


def test_a_vectors_file_lacking_most_words_is_noted_once_per_command(tmp_path):
    """The fit on the training part and the refit on all the data each read the vectors file: one note, not two
    (their shares and most frequent missing words differ, so the CLI's one note per text did not merge them)."""
    vectors = tmp_path / "v.txt"
    vectors.write_text("2 2\ngood 0 1\nbad 1 0\n")
    texts = [f"{'good' if i % 2 else 'bad'} plot{i % 7} acting{i % 5}" for i in range(40)]
    write_table(pd.DataFrame({"text": texts, "label": [i % 2 for i in range(40)]}), tmp_path / "train.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        commands.fit_file(tmp_path / "train.csv", tmp_path / "m", vectorizer="word2vec", model="logreg",
                          options={"vectors_path": str(vectors)}, log=lambda line: None)
    noted = [w for w in caught if issubclass(w.category, sentiment.VectorCoverageWarning)]
    assert len(noted) == 1 and "has vectors for only 33% of the training texts' words" in str(noted[0].message)


def test_predict_file_takes_a_numpy_whole_number_as_chunksize(saved_model, tmp_path):
    """As explain's top and max_words do: a chunk size computed with numpy (np.int64) was refused as no whole number
    once chunksize was checked (pandas reads it)."""
    source = tmp_path / "in.csv"
    source.write_text("text\ngood\nbad\nfine\n")
    assert predict_file(sentiment.load(saved_model), source, tmp_path / "out.csv", chunksize=np.int64(2)) == (3, 0)
    with pytest.raises(ConfigError, match=r"chunksize \(--batch-size\) must be a whole number of at least 1, not 2.0"):
        predict_file(sentiment.load(saved_model), source, tmp_path / "out.csv", chunksize=2.0)
