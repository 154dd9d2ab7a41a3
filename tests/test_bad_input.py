"""Bad input to the library: every case is a DataError (or ConfigError) with a message that says what to do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sentiment
from sentiment import ConfigError, DataError, Pipeline
from sentiment.commands import evaluate_file, predict_file
from sentiment.registry import resolve


@pytest.fixture(scope="module")
def pipe(fitted):
    return fitted("tfidf", "logreg")


@pytest.mark.parametrize("texts, pattern", [
    ([], "no texts"),
    ("a great film", "not a single string"),
    (b"a great film", "not a single string"),
    ([""], "text 0 is empty"),
    (["fine", "   \n\t"], "text 1 is empty or only whitespace"),
    (["fine", None], "text 1 is missing"),
    ([float("nan")], "text 0 is missing"),
    ([np.nan, "x"], "text 0 is missing"),
    (["ok", 42], "text 1 is a int"),
    ([["a", "list"]], "text 0 is a list"),
    (42, "must be a list"),
])
@pytest.mark.parametrize("method", ["predict", "predict_proba", "annotate"])
def test_bad_texts_at_predict(pipe, texts, pattern, method):
    with pytest.raises(DataError, match=pattern):
        getattr(pipe, method)(texts)


def test_bad_texts_at_fit(binary):
    with pytest.raises(DataError, match="no texts"):
        Pipeline().fit([], [])
    with pytest.raises(DataError, match="single string"):
        Pipeline().fit("good", ["pos"])
    with pytest.raises(DataError, match="text 2 is missing"):
        Pipeline().fit(["good", "bad", None], ["p", "n", "p"])


@pytest.mark.parametrize("labels, pattern", [
    (["p", "n"], "got 3 texts but 2 labels"),
    (["p", "n", "p", "n"], "got 3 texts but 4 labels"),
    (["p", "p", "p"], "at least two different labels"),
    (["p", None, "n"], "label 1 is missing"),
    (["p", float("nan"), "n"], "label 1 is missing"),
    (["p", " ", "n"], "label 1 is missing"),
    (["p", 1, "n"], "mix types"),
    ("pnp", "not a single string"),
])
def test_bad_labels(labels, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline().fit(["good film", "bad film", "great film"], labels)


def test_single_class_message_shows_the_plain_label():
    with pytest.raises(DataError, match="all labels are 1;"):
        Pipeline().fit(["good film", "great film"], [1, 1])
    with pytest.raises(DataError, match="all labels are 'p';"):
        Pipeline().fit(["good film", "great film"], ["p", "p"])


def test_labels_from_numpy_and_pandas(binary):
    labels = np.array(binary.train_labels)
    a = Pipeline("count", "nb").fit(pd.Series(binary.train_texts), labels)
    b = Pipeline("count", "nb").fit(binary.train_texts, pd.Series(binary.train_labels))
    np.testing.assert_array_equal(a.predict_proba(binary.dev_texts), b.predict_proba(binary.dev_texts))
    assert a.predict(np.array(["a superb film"])).tolist() == ["pos"]


def test_unknown_pipeline_names_and_options():
    with pytest.raises(ConfigError, match="unknown vectorizer 'bert'.*count"):
        Pipeline(vectorizer="bert")
    with pytest.raises(ConfigError, match="unknown model 'forest'.*logreg"):
        Pipeline(model="forest")
    with pytest.raises(ConfigError, match="unknown option 'ngrams'.*valid options:.*ngram_range"):
        Pipeline(ngrams=2)
    with pytest.raises(ConfigError, match="unknown option 'vector_size'"):
        Pipeline("tfidf", "logreg", vector_size=16)  # an option of another vectorizer


def test_huge_text_predicts(pipe):
    text = ("The plot was great and the acting wonderful. " * 23000)[: 1 << 20]
    assert len(text) >= 1_000_000
    probabilities = pipe.predict_proba([text, "awful film"])
    assert probabilities.shape == (2, 2)
    assert pipe.predict([text]).tolist() == ["pos"]


def test_unicode_and_odd_texts_predict(pipe):
    texts = ["😍😍😍", "!!!", "12345", "日本語のテキスト", "<br/>", "@user", "http://x.io"]
    probabilities = pipe.predict_proba(texts)
    assert probabilities.shape == (len(texts), 2)
    assert np.isfinite(probabilities).all()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_unseen_labels_at_evaluate(pipe):
    from sentiment.evaluation import evaluate

    with pytest.raises(DataError, match="label\\(s\\) maybe were not seen in training; the model knows: neg, pos"):
        evaluate(pipe, ["good film", "bad film"], ["pos", "maybe"])


def test_evaluate_accepts_label_values_or_names(fitted, five):
    from sentiment.evaluation import evaluate

    pipe = fitted("tfidf", "logreg", "five")
    by_value = evaluate(pipe, five.dev_texts, five.dev_labels)
    names = [pipe.label_names_[y] for y in five.dev_labels]
    by_name = evaluate(pipe, five.dev_texts, names)
    assert by_value == by_name
    assert by_value["n"] == len(five.dev_texts)
    assert by_value["accuracy"] == pytest.approx(pipe.score(five.dev_texts, five.dev_labels))
    matrix = np.array(by_value["confusion_matrix"])
    assert matrix.sum() == len(five.dev_texts)
    assert np.trace(matrix) / matrix.sum() == pytest.approx(by_value["accuracy"])
    assert [by_value["per_class"][n]["support"] for n in pipe.label_names_] == [15] * 5


def test_evaluate_file_with_unseen_labels(saved_model, tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"text": ["good", "bad"], "label": ["pos", "so-so"]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="so-so"):
        evaluate_file(path, saved_model)


def test_predict_file_with_a_blank_text_row(saved_model, tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["good", "", "bad"]}).to_csv(source, index=False)
    with pytest.raises(DataError, match="data row 2 has no text"):
        predict_file(sentiment.load(saved_model), source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]  # no partial output left


def test_predict_file_refuses_overwriting_input_and_unknown_output_format(saved_model, tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["good", "bad"]}).to_csv(source, index=False)
    pipe = sentiment.load(saved_model)
    with pytest.raises(DataError, match="is the input file"):
        predict_file(pipe, source, source)
    for name in ("out.parquet", "out.csv.gz", "out.txt"):
        with pytest.raises(DataError, match="give --output a .csv, .tsv or .jsonl file name"):
            predict_file(pipe, source, tmp_path / name)
    with pytest.raises(DataError, match="is a directory"):
        predict_file(pipe, source, tmp_path)
    with pytest.raises(DataError, match="has no column 'review'"):
        predict_file(pipe, source, tmp_path / "out.csv", text_column="review")


def test_predict_file_keeps_a_gold_label_column(saved_model, tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["a wonderful film", "dull and awful"], "label": ["gold1", "gold2"]}).to_csv(source, index=False)
    pipe = sentiment.load(saved_model)
    predict_file(pipe, source, tmp_path / "out.csv")
    out = pd.read_csv(tmp_path / "out.csv")
    assert out["label"].tolist() == ["gold1", "gold2"]
    assert out["predicted_label"].tolist() == pipe.predict(["a wonderful film", "dull and awful"]).tolist()
    assert all(f"predicted_score_{name}" in out.columns for name in pipe.label_names_)


def test_nonexistent_model_dir(tmp_path):
    with pytest.raises(sentiment.ModelFileError, match="does not exist"):
        sentiment.load(tmp_path / "missing-model")



def test_vocabulary_options_that_leave_no_word_are_data_errors():
    docs = [["good", "film"], ["bad", "film"], ["fine"]]
    with pytest.raises(DataError, match="lower min_df"):
        resolve("vectorizer", "count")(min_df=10).fit(docs)
    with pytest.raises(DataError, match="lower min_count"):
        resolve("vectorizer", "word2vec")(min_count=10, workers=1).fit(docs)
