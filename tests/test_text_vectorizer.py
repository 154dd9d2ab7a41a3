"""TextVectorizer (cleaning + one vectorizer, a scikit-learn transformer) and `sentiment vectorize`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sentiment
from sentiment import ConfigError, ModelFileError, NotFittedError, Pipeline, TextVectorizer

from conftest import W2V, edit_config, symlink, write_table
from test_cli import assert_error, assert_ok, invoke

TEXTS = ["A great film!", "not great", "a dull, dull film", "great acting and a great story"]


def test_counts_follow_the_cleaning_and_name_their_columns():
    vec = TextVectorizer("count", ngram_range=(1, 1))
    counts = vec.fit_transform(TEXTS)
    names = vec.get_feature_names_out().tolist()
    assert sp.issparse(counts) and counts.shape == (4, len(names)) == (4, vec.n_features_)
    assert "not_great" in names and "A" not in names  # negation marked, text lowercased
    row = dict(zip(names, counts[2].toarray()[0]))
    assert row["dull"] == 2 and row["film"] == 1 and row["great"] == 0
    again = TextVectorizer("count", ngram_range=(1, 1), negation=False, lowercase=False).fit(TEXTS)
    assert "not_great" not in again.get_feature_names_out() and "A" in again.get_feature_names_out()


def test_tfidf_rows_are_unit_length_and_unknown_words_give_empty_rows():
    vec = TextVectorizer("tfidf").fit(TEXTS)
    rows = vec.transform(["a great story", "zzz qqq"])
    assert np.allclose(sp.linalg.norm(rows[0]), 1.0) and rows[1].nnz == 0
    assert vec.known_features(["a great story", "zzz qqq"]).tolist()[1] == 0
    assert vec.known_features(["a great story"])[0] > 0
    assert vec.known_features([]).tolist() == [] and vec.transform([]).shape[0] == 0  # no texts, as transform


def test_word2vec_gives_dense_document_vectors(binary):
    vec = TextVectorizer("word2vec", **W2V)
    vectors = vec.fit_transform(binary.train_texts)
    assert isinstance(vectors, np.ndarray) and vectors.dtype == np.float32
    assert vectors.shape == (len(binary.train_texts), W2V["vector_size"])
    assert vec.get_feature_names_out().tolist()[:2] == ["word2vec0", "word2vec1"]
    assert np.allclose(vec.transform(binary.train_texts[:3]), vectors[:3], atol=1e-5)


@pytest.mark.parametrize("name, options", [("tfidf", {"ngram_range": (1, 3), "min_df": 2}), ("word2vec", W2V)])
def test_save_and_load_give_the_same_vectors(binary, tmp_path, name, options):
    vec = TextVectorizer(name, **options).fit(binary.train_texts)
    vec.save(tmp_path / "vec")
    loaded = sentiment.load(tmp_path / "vec")
    assert isinstance(loaded, TextVectorizer) and loaded.get_params() == vec.get_params()
    before, after = vec.transform(binary.dev_texts), loaded.transform(binary.dev_texts)
    dense = (lambda m: m.toarray()) if sp.issparse(before) else np.asarray
    assert np.allclose(dense(before), dense(after))
    assert loaded.get_feature_names_out().tolist() == vec.get_feature_names_out().tolist()
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob(".vec*"))


def test_a_saved_vectorizer_is_no_pipeline_and_a_pipeline_no_vectorizer(binary, tmp_path, saved_model):
    TextVectorizer("count").fit(binary.train_texts).save(tmp_path / "vec")
    with pytest.raises(ModelFileError, match="holds a vectorizer model"):
        Pipeline.load(tmp_path / "vec")
    with pytest.raises(ModelFileError, match="holds a pipeline model, not a text vectorizer"):
        TextVectorizer.load(saved_model)
    edit_config(tmp_path / "vec", lambda config: config["vectorizer"].update(name="word2vec"))
    with pytest.raises(ModelFileError, match="not a consistent sentiment vectorizer"):
        TextVectorizer.load(tmp_path / "vec")


def test_from_pipeline_gives_the_vectors_the_model_reads(pipe, binary):
    vec = TextVectorizer.from_pipeline(pipe)
    assert vec.vectorizer == "tfidf" and vec.vectorizer_ is pipe.vectorizer_
    features = vec.transform(binary.dev_texts)
    assert np.allclose(pipe.model_.predict_proba(features), pipe.predict_proba(binary.dev_texts))
    with pytest.raises(ConfigError, match="takes a trained Pipeline"):
        TextVectorizer.from_pipeline(vec)


def test_a_scikit_learn_transformer(binary):
    model = make_pipeline(TextVectorizer("tfidf"), LogisticRegression(C=10))
    model.fit(binary.train_texts, binary.train_labels)
    assert model.score(binary.dev_texts, binary.dev_labels) > 0.85
    search = GridSearchCV(model, {"textvectorizer__ngram_range": [(1, 1), (1, 2)]}, cv=2)
    search.fit(binary.train_texts, binary.train_labels)
    assert search.best_params_["textvectorizer__ngram_range"] in [(1, 1), (1, 2)]
    copy = clone(TextVectorizer("count", min_df=2))
    assert copy.get_params() == {"vectorizer": "count", "min_df": 2} and not hasattr(copy, "vectorizer_")


def test_pandas_output_of_dense_vectors_and_a_clear_refusal_of_sparse_ones(binary, tmp_path):
    texts = pd.Series(binary.train_texts[:20], index=range(100, 120))
    vec = TextVectorizer("word2vec", **W2V).set_output(transform="pandas")
    frame = vec.fit_transform(texts)
    assert isinstance(frame, pd.DataFrame) and list(frame.index) == list(range(100, 120))
    assert list(frame.columns) == vec.get_feature_names_out().tolist()
    vec.save(tmp_path / "pandas")  # the setting is saved, as pickling keeps it
    assert isinstance(TextVectorizer.load(tmp_path / "pandas").transform(texts), pd.DataFrame)
    np.testing.assert_array_equal(frame.to_numpy(), vec.set_output(transform="default").transform(texts))
    vec.save(tmp_path / "default")
    assert isinstance(TextVectorizer.load(tmp_path / "default").transform(texts), np.ndarray)
    TextVectorizer("word2vec", **W2V).fit(texts).save(tmp_path / "unset")
    assert "output" not in json.loads((tmp_path / "unset" / "config.json").read_text())["stages"]["vectorizer"]
    vec.set_output(transform="pandas").save(tmp_path / "extra", extra={"output": "sparse npz"})  # a user's own key
    assert isinstance(TextVectorizer.load(tmp_path / "extra").transform(texts), pd.DataFrame)
    # as a step of a scikit-learn pipeline whose output is set to pandas; clone keeps the setting
    model = make_pipeline(clone(vec), StandardScaler()).set_output(transform="pandas")
    assert isinstance(model.fit_transform(list(texts)), pd.DataFrame)
    sparse = TextVectorizer("tfidf").set_output(transform="pandas")
    with pytest.raises(ConfigError, match="pandas output needs dense vectors.*word2vec"):
        sparse.fit(TEXTS)
    assert not hasattr(sparse, "vectorizer_")  # refused before fitting
    with pytest.raises(ConfigError, match="transform='default' or 'pandas'"):
        TextVectorizer("tfidf").set_output(transform="polars")
    # scikit-learn's global setting reaches dense vectors; sparse ones stay sparse, as its own text vectorizers
    from sklearn import config_context

    with config_context(transform_output="pandas"):
        assert isinstance(TextVectorizer("word2vec", **W2V).fit_transform(texts), pd.DataFrame)
        assert sp.issparse(TextVectorizer("tfidf").fit_transform(texts))


def test_vectorize_keeps_the_message_of_a_save_that_failed(reviews, tmp_path, monkeypatch):
    def full(folder, stages):  # write_stages, as write_model_files calls it
        raise OSError(28, "No space left on device", str(Path(folder) / "vectorizer" / "arrays.safetensors"))

    monkeypatch.setattr("sentiment.persistence.write_stages", full)
    out, names = tmp_path / "v.npz", tmp_path / "names.json"
    assert_error(invoke("vectorize", reviews, "--text-column", "review", "--out", out, "--names", names,
                        "--save", tmp_path / "vec"), r"could not write the model to .*vec \(No space left on device\)")
    assert not out.exists() and not names.exists()


def test_names_are_checked_at_once_and_values_by_fit():
    with pytest.raises(ConfigError, match="unknown option 'C' for vectorizer 'tfidf'"):
        TextVectorizer("tfidf", C=4)
    vec = TextVectorizer("count", min_df=2)
    with pytest.raises(ConfigError, match="unknown option 'colour'"):
        vec.set_params(colour="red")
    assert vec.get_params() == {"vectorizer": "count", "min_df": 2}  # unchanged
    with pytest.raises(ConfigError, match=r"'vector_sise' for vectorizer 'count' \(did you mean 'vector_size', an "
                                          r"option of word2vec\?\)"):
        vec.set_params(vector_sise=5)  # set_params may switch the vectorizer: the suggestion says whose it is
    with pytest.raises(ConfigError, match=r"'min_dff' for vectorizer 'count' \(did you mean 'min_df'\?\)"):
        TextVectorizer("count", min_dff=2)
    with pytest.raises(NotFittedError, match="not fitted"):
        vec.transform(["a text"])
    for bad, pattern in ((TextVectorizer("bert"), "unknown vectorizer 'bert'; choose one of: count, tfidf, word2vec"),
                         (TextVectorizer("tfidf", ngram_range=(3, 1)), "ngram_range"),
                         (TextVectorizer("count").set_params(urls="drop"), "urls"),
                         (TextVectorizer("count", min_df=2).set_params(vectorizer="word2vec"),
                          "unknown option 'min_df' for vectorizer 'word2vec'")):
        with pytest.raises(ConfigError, match=pattern):
            bad.fit(TEXTS)


def test_a_grid_search_scores_a_bad_value_as_a_failed_fit(binary):
    from sklearn.exceptions import FitFailedWarning

    model = make_pipeline(TextVectorizer("count"), LogisticRegression())
    with (pytest.warns(UserWarning, match="test scores are non-finite"),  # scikit-learn's, for the nan it scored
          pytest.warns(FitFailedWarning, match=r"ConfigError: min_df must be a whole number of texts .* not -5")):
        search = GridSearchCV(model, {"textvectorizer__min_df": [1, -5]}, cv=2, error_score=np.nan)
        search.fit(binary.train_texts, binary.train_labels)
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] > 0.8 and np.isnan(scores[1])


def test_from_pipeline_and_load_keep_the_fitted_settings(binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg", ngram_range=(1, 1)).fit(binary.train_texts, binary.train_labels)
    pipe.set_params(ngram_range=(1, 3))  # after fit: the fitted stage still reads unigrams
    vec = TextVectorizer.from_pipeline(pipe)
    assert vec.get_params()["ngram_range"] == (1, 1)
    vec.save(tmp_path / "vec")
    assert TextVectorizer.load(tmp_path / "vec").get_params()["ngram_range"] == (1, 1)


def test_a_vectorizer_from_a_network_pipeline_carries_its_own_fit_not_the_networks(binary):
    """The network held out texts to stop on and ran epochs; the vectorizer learnt from every text."""
    pytest.importorskip("torch")
    pipe = Pipeline("tfidf", "mlp", epochs=2, hidden_sizes=[8]).fit(binary.train_texts, binary.train_labels)
    assert pipe.info_["trained_on"] < len(binary.train_texts) == pipe.info_["vectorized_on"]
    vec = TextVectorizer.from_pipeline(pipe)
    assert set(vec.info_) == {"trained_on", "created"} and vec.info_["trained_on"] == len(binary.train_texts)
    plain = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    assert "vectorized_on" not in plain.info_  # the model learnt from every text too
    assert TextVectorizer.from_pipeline(plain).info_["trained_on"] == len(binary.train_texts)


def test_a_sparse_vectorizer_set_to_pandas_output_is_not_saved(binary, tmp_path):
    vec = TextVectorizer("tfidf").fit(binary.train_texts).set_output(transform="pandas")
    with pytest.raises(ConfigError, match=r"pandas output needs dense vectors.*set_output\(transform='default'\) before "
                                          r"saving it$"):
        vec.save(tmp_path / "v")
    assert not (tmp_path / "v").exists()
    vec.set_output(transform="default").save(tmp_path / "v")


def test_load_keeps_an_old_cleaning_default_and_refuses_contradictions(binary, tmp_path):
    TextVectorizer("count").fit(binary.train_texts).save(tmp_path / "vec")
    edit_config(tmp_path / "vec", lambda config: config["cleaner"].update(negation_scope=1))
    loaded = TextVectorizer.load(tmp_path / "vec")
    assert loaded.get_params() == {"vectorizer": "count", "negation_scope": 1}
    assert clone(loaded).fit(TEXTS).cleaner_.negation_scope == 1
    edit_config(tmp_path / "vec", lambda config: config["vectorizer"]["options"].update(negation=False))
    with pytest.raises(ModelFileError, match="disagree on negation"):
        TextVectorizer.load(tmp_path / "vec")


# -- sentiment vectorize ---------------------------------------------------------------------------------
@pytest.fixture
def reviews(tmp_path, binary):
    path = tmp_path / "reviews.csv"
    write_table(pd.DataFrame({"id": range(len(binary.train_texts)), "review": binary.train_texts}), path)
    return path


def test_vectorize_fits_saves_and_reuses_a_vectorizer(reviews, tmp_path, binary):
    out, names, saved = tmp_path / "v.npz", tmp_path / "names.json", tmp_path / "vec"
    result = invoke("vectorize", reviews, "--text-column", "review", "--out", out, "--names", names, "--save", saved,
                    "--set", "ngram_range=[1,1]")
    assert_ok(result)
    vectors = sp.load_npz(out)
    columns = json.loads(names.read_text())
    assert vectors.shape == (len(binary.train_texts), len(columns)) and "great" in columns
    assert f"wrote {len(binary.train_texts)} x {len(columns)} tfidf vectors to {out}" in result.stdout
    again = tmp_path / "again.npz"
    summary = json.loads(invoke("vectorize", reviews, "--text-column", "review", "--model", saved, "--out", again,
                                "--json").stdout)
    assert summary == {"rows": len(binary.train_texts), "columns": len(columns), "vectorizer": "tfidf",
                       "out": str(again), "names": None, "saved": None}
    assert np.allclose(sp.load_npz(again).toarray(), vectors.toarray())
    info = invoke("info", saved)
    assert_ok(info)
    assert "(vectorizer; sentiment" in info.stdout and f"features: {len(columns)}" in info.stdout
    assert "labels" not in info.stdout


def test_vectorize_with_word2vec_writes_a_dense_array(reviews, tmp_path, binary):
    out = tmp_path / "v.npy"
    assert_ok(invoke("vectorize", reviews, "--text-column", "review", "--vectorizer", "word2vec",
                     "--set", "vector_size=8", "--set", "w2v_epochs=2", "--out", out))
    assert np.load(out).shape == (len(binary.train_texts), 8)


def test_vectorize_with_a_trained_model_reads_its_text_column(tmp_path, saved_model, binary, pipe):
    path = tmp_path / "dev.csv"
    write_table(pd.DataFrame({"text": binary.dev_texts}), path)
    out = tmp_path / "features.npz"
    assert_ok(invoke("vectorize", path, "--model", saved_model, "--out", out))
    features = sp.load_npz(out)
    assert np.allclose(pipe.model_.predict_proba(features), pipe.predict_proba(binary.dev_texts))


def test_vectorize_refuses_bad_input_and_writes_nothing(reviews, tmp_path, saved_model, saved_ensemble):
    def refused(*args, pattern):
        assert_error(invoke("vectorize", reviews, "--text-column", "review", *args), pattern)

    refused("--out", tmp_path / "v.npy", pattern="tfidf vectors are sparse.*ending in .npz")
    refused("--vectorizer", "word2vec", "--out", tmp_path / "v.npz", pattern="word2vec vectors are dense.*ending in .npy")
    refused("--out", tmp_path / "v.npz", "--names", tmp_path / "names.txt", pattern="--names names.txt.*JSON array")
    refused("--out", tmp_path / "v.npz", "--set", "C=4", pattern=r"unknown option 'C' for vectorizer 'tfidf'; valid "
            r"options: analyzer, binary, char_ngram_range, .*, urls \(TextVectorizer.options_for\(vectorizer\) or "
            r"`sentiment options --vectorizer NAME` lists them by part\)$")
    refused("--out", tmp_path / "v.npz", "--model", saved_model, "--set", "min_df=2", pattern="--set does not apply to --model")
    refused("--out", tmp_path / "v.npz", "--model", saved_ensemble, pattern=r"ensemble model, which has no single vectorizer; give a saved text vectorizer or a pipeline model \(a member.s folder, member0")
    refused("--out", saved_model / "v.npz", pattern="inside the model directory")
    refused("--out", tmp_path / "v.npz", "--save", reviews, pattern="is a file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reviews.csv"]
    blank = tmp_path / "blank.csv"
    write_table(pd.DataFrame({"text": ["fine", ""], "id": [1, 2]}), blank)
    assert_error(invoke("vectorize", blank, "--out", tmp_path / "v.npz", "--save", tmp_path / "vec"),
                 "data row 2 has no text")
    assert not (tmp_path / "v.npz").exists() and not (tmp_path / "vec").exists()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine")
    refused("--out", tmp_path / "vec" / "v.npz", "--save", tmp_path / "vec", pattern="lies inside --save")
    refused("--out", tmp_path / "v.npz", "--save", tmp_path / "notes", pattern="non-empty directory that holds no model")
    assert not (tmp_path / "v.npz").exists() and sorted(p.name for p in (tmp_path / "notes").iterdir()) == ["todo.txt"]


def test_vectorize_does_not_write_through_a_link_to_another_kind_of_file(reviews, tmp_path):
    notes = tmp_path / "notes.csv"
    notes.write_text("mine")
    symlink(tmp_path / "v.npz", notes)
    symlink(tmp_path / "names.json", notes)
    assert_error(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "v.npz"),
                 "--out .*v.npz is a link to .*notes.csv, which is not a .npz file")
    assert_error(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "w.npz",
                        "--names", tmp_path / "names.json"), "--names .*names.json is a link to .*notes.csv")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.npz")
        assert_error(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "pipe.npz"),
                     "--out .*pipe.npz is a named pipe \\(FIFO\\), not a regular file")
    symlink(tmp_path / "loop.npz", tmp_path / "loop.npz")
    assert_error(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "loop.npz"),
                 "--out .*loop.npz is a symbolic link that leads back to itself")  # not an unexpected RuntimeError
    assert notes.read_text() == "mine" and not (tmp_path / "w.npz").exists()


def test_vectorize_swaps_the_saved_vectorizer_in_after_the_vectors(reviews, tmp_path, monkeypatch):
    from sentiment import persistence

    moved = []
    real_move = persistence._move
    monkeypatch.setattr(persistence, "_move", lambda source, target, replace=False: (
        moved.append(Path(target).name), real_move(source, target, replace))[1])
    assert_ok(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "v.npz",
                     "--names", tmp_path / "names.json", "--save", tmp_path / "vec"))
    assert moved == ["names.json", "v.npz", "vec"]  # an interruption before the last leaves the old vectorizer


def test_vectorize_says_which_file_failed_beside_the_saved_vectorizer(reviews, tmp_path, monkeypatch):
    def too_large(handle, matrix, **kwargs):
        raise OSError(27, "File too large")

    monkeypatch.setattr("scipy.sparse.save_npz", too_large)
    assert_error(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "v.npz",
                        "--save", tmp_path / "vec"), "file too large: .*v.npz")  # not "could not write the model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reviews.csv"]


def test_a_failed_last_swap_of_vectorize_says_the_vectors_were_written(reviews, tmp_path, monkeypatch):
    from sentiment import persistence

    def refused(staging, target):
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(persistence, "_replace_dir", refused)
    assert_error(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "v.npz",
                        "--names", tmp_path / "n.json", "--save", tmp_path / "vec"),
                 "could not write the model to .*vec .*--out .*v.npz and --names .*n.json were written all the same")
    assert (tmp_path / "v.npz").exists() and not (tmp_path / "vec").exists()


def test_vectorize_never_saves_over_a_trained_model(reviews, model_copy, tmp_path):
    before = (model_copy / "config.json").read_text()
    assert_error(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "v.npz",
                        "--save", model_copy), "holds a trained model, which saving a vectorizer would replace")
    assert (model_copy / "config.json").read_text() == before and not (tmp_path / "v.npz").exists()



def test_fit_and_ensemble_never_save_over_a_saved_vectorizer(reviews, model_copy, tmp_path):
    saved = tmp_path / "vec"
    assert_ok(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "v.npz", "--save", saved))
    before = (saved / "config.json").read_text()
    for command in (["fit", reviews, "--text-column", "review", "--label-column", "stars", "--out", saved],
                    ["ensemble", model_copy, model_copy, "--out", saved]):
        assert_error(invoke(*command), r"vec holds a saved vectorizer .*, which saving a model would replace")
    assert (saved / "config.json").read_text() == before


def test_python_save_never_replaces_a_vectorizer_by_a_model_or_back(reviews, model_copy, tmp_path):
    texts = ["good film", "bad film", "great acting", "awful plot"]
    vec = TextVectorizer("count").fit(texts)
    vec.save(tmp_path / "vec")
    before = (tmp_path / "vec" / "config.json").read_text()
    with pytest.raises(ModelFileError, match="vec holds a saved vectorizer .*which saving a model would replace"):
        sentiment.load(model_copy).save(tmp_path / "vec")
    assert (tmp_path / "vec" / "config.json").read_text() == before
    model_before = (model_copy / "config.json").read_text()
    with pytest.raises(ModelFileError, match="holds a trained model, which saving a vectorizer would replace"):
        vec.save(model_copy)
    assert (model_copy / "config.json").read_text() == model_before
    vec.save(tmp_path / "vec")  # each may replace its own kind
    sentiment.load(model_copy).save(model_copy)


def test_a_saved_vectorizer_reads_the_column_it_was_fitted_on(reviews, tmp_path):
    saved = tmp_path / "vec"
    assert_ok(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "a.npz", "--save", saved))
    assert_ok(invoke("vectorize", reviews, "--model", saved, "--out", tmp_path / "b.npz"))  # no --text-column
    assert np.allclose(sp.load_npz(tmp_path / "a.npz").toarray(), sp.load_npz(tmp_path / "b.npz").toarray())
    assert_ok(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "c.npz", "--save", saved,
                     "--vectorizer", "count"))  # a saved vectorizer may be replaced
    assert sentiment.load(saved).vectorizer == "count"
    described = json.loads(invoke("info", saved, "--json").stdout)
    assert described["columns"] == {"text": "review"} and described["data"] == {"train": reviews.name}  # not where it lay


def test_a_vectorizer_is_refused_where_a_model_must_label(reviews, tmp_path):
    saved = tmp_path / "vec"
    assert_ok(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "v.npz", "--save", saved))
    assert_error(invoke("predict", "--model", saved, "a text"), "holds a text vectorizer, which labels nothing")
    assert_error(invoke("evaluate", reviews, "--model", saved), "holds a text vectorizer, which labels nothing")
    assert_error(invoke("export", saved, "--out", tmp_path / "x.pt"), "a vectorizer model does not export")


def test_options_are_attributes_as_for_a_pipeline():
    vec = TextVectorizer("count", min_df=2)
    assert vec.min_df == 2
    vec.ngram_range = (1, 1)
    assert vec.get_params() == {"vectorizer": "count", "min_df": 2, "ngram_range": (1, 1)}
    del vec.min_df
    vec.fit(TEXTS)
    assert "not_great" in vec.get_feature_names_out() and "a great" not in vec.get_feature_names_out()
    assert vec.vectorizer_.params["min_df"] == 1  # the default again
    with pytest.raises(NotFittedError, match="no cleaner_"):
        TextVectorizer().cleaner_
    with pytest.raises(ConfigError, match="unknown option 'colour'"):
        vec.colour = "red"


def test_similar_words_are_the_nearest_word_vectors(binary):
    vec = TextVectorizer("word2vec", **W2V, min_count=1).fit(binary.train_texts)
    nearest = vec.similar_words("Great", top=5)  # looked up lowercased
    assert len(nearest) == 5 and "great" not in [w for w, _ in nearest]
    scores = [s for _, s in nearest]
    assert scores == sorted(scores, reverse=True) and all(-1 <= s <= 1 for s in scores)
    vectors = vec.vectorizer_.vectors_
    first = vectors[vec.vectorizer_.vocabulary_[nearest[0][0]]]
    great = vectors[vec.vectorizer_.vocabulary_["great"]]
    assert np.isclose(first @ great / np.linalg.norm(first) / np.linalg.norm(great), scores[0], atol=1e-4)
    with pytest.raises(sentiment.DataError, match="'qqq' has no word vector"):
        vec.similar_words("qqq")
    with pytest.raises(ConfigError, match="use vectorizer='word2vec'"):
        TextVectorizer("tfidf").fit(TEXTS).similar_words("great")


def test_similar_words_leave_out_the_copies_of_negation_back_off(tmp_path):
    """With a vectors file from elsewhere, "not_good" holds "good"'s vector: no neighbour of its own word."""
    path = tmp_path / "v.txt"
    path.write_text("good 1 0.1 0\ngreat 0.9 0.2 0\nbad -1 0 0.1\nfilm 0 0 1\n")
    vec = TextVectorizer("word2vec", vectors_path=str(path)).fit(["good film", "not good at all", "great", "bad"])
    assert vec.vectorizer_.negation_backoff_ and "not_good" in vec.vectorizer_.vocabulary_
    assert vec.similar_words("good", top=2)[0][0] == "great"
    assert "good" not in [w for w, _ in vec.similar_words("not_good", top=3)]
    assert all(w != "not_good" for w, _ in vec.similar_words("great", top=3))


def test_saved_word_vectors_serve_another_model(binary, tmp_path, saved_model):
    words = TextVectorizer("word2vec", **W2V).fit(binary.train_texts)
    words.save(tmp_path / "w2v")
    pipe = Pipeline("word2vec", "logreg", vectors_path=str(tmp_path / "w2v")).fit(binary.train_texts,
                                                                                  binary.train_labels)
    for word in ("great", "awful"):
        row = pipe.vectorizer_.vocabulary_[word]
        assert np.array_equal(pipe.vectorizer_.vectors_[row], words.vectorizer_.vectors_[words.vectorizer_.vocabulary_[word]])
    assert pipe.score(binary.dev_texts, binary.dev_labels) > 0.85
    with pytest.raises(sentiment.DataError, match="holds a model with a tfidf vectorizer, so no word vectors"):
        Pipeline("word2vec", "logreg", vectors_path=str(saved_model)).fit(binary.train_texts, binary.train_labels)


def test_stage_names_and_vectors_paths_are_checked_before_the_data_are_read(tmp_path):
    missing = tmp_path / "no-such-data.csv"  # read after the checks: an error about it means they passed
    assert_error(invoke("vectorize", missing, "--out", tmp_path / "v.npz", "--set", "vectorizer=count"),
                 r"--set vectorizer=\.\.\. chooses a stage, which --vectorizer NAME does")
    assert_error(invoke("fit", missing, "--set", "model=logreg", "--out", tmp_path / "m"), "--model NAME does")
    assert_error(invoke("vectorize", missing, "--vectorizer", "word2vec", "--set", f"vectors_path={tmp_path / 'nope.txt'}",
                        "--out", tmp_path / "v.npy"), "vectors file .*nope.txt does not exist")
    assert_error(invoke("fit", missing, "--vectorizer", "word2vec", "--model", "logreg", "--set", f"vectors_path={tmp_path}",
                        "--out", tmp_path / "m"), "is a directory without a saved model")
    assert_error(invoke("vectorize", missing, "--vectorizer", "", "--out", tmp_path / "v.npz"), "unknown vectorizer ''")
    assert_error(invoke("vectorize", missing, "--out", tmp_path / "v.npz", "--save", tmp_path / "v.npz"),
                 "--out and --save are the same path")
    assert not any(tmp_path.iterdir())


def test_a_damaged_saved_vectorizer_can_be_fitted_again(reviews, tmp_path, binary):
    saved = tmp_path / "vec"
    assert_ok(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "a.npz", "--save", saved))
    (saved / "config.json").write_text("{ damaged")
    assert_ok(invoke("vectorize", reviews, "--text-column", "review", "--out", tmp_path / "a.npz", "--save", saved))
    loaded = sentiment.load(saved)  # the vectorizer just fitted, saved whole over the damaged one
    assert isinstance(loaded, TextVectorizer)
    written = sp.load_npz(tmp_path / "a.npz").toarray()
    np.testing.assert_allclose(loaded.transform(binary.train_texts).toarray(), written)


def test_unfitted_and_wrong_arguments_say_what_to_do(binary):
    with pytest.raises(NotFittedError, match="not fitted yet, so it has no n_features_"):
        TextVectorizer().n_features_
    vec = TextVectorizer("word2vec", **W2V, min_count=1).fit(binary.train_texts)
    with pytest.raises(ConfigError, match="takes one word"):
        vec.similar_words(["great"])
    assert len(vec.similar_words("great", top=np.int64(2))) == 2


def test_a_trained_models_vectorizer_can_be_saved_on_its_own(tmp_path, saved_model, binary, pipe):
    path = tmp_path / "dev.csv"
    write_table(pd.DataFrame({"text": binary.dev_texts}), path)
    assert_ok(invoke("vectorize", path, "--model", saved_model, "--out", tmp_path / "a.npz", "--save", tmp_path / "vec"))
    vec = sentiment.load(tmp_path / "vec")
    assert isinstance(vec, TextVectorizer) and vec.vectorizer == pipe.vectorizer_.name
    assert np.allclose(pipe.model_.predict_proba(vec.transform(binary.dev_texts)), pipe.predict_proba(binary.dev_texts))
    assert_error(invoke("vectorize", path, "--model", saved_model, "--out", tmp_path / "b.npz", "--save", saved_model),
                 "holds a trained model, which saving a vectorizer would replace")


@pytest.mark.parametrize("name", ["count", "tfidf", "word2vec"])
def test_no_texts_transform_to_no_rows_as_scikit_learns_vectorizers_do(binary, name):
    options = {"vector_size": 8, "min_count": 1} if name == "word2vec" else {}
    vec = TextVectorizer(name, **options).fit(binary.train_texts)
    for empty in ([], np.array([], dtype=object)):
        assert vec.transform(empty).shape == (0, vec.n_features_)
    with pytest.raises(sentiment.DataError, match="no texts given"):
        vec.fit([])  # nothing to learn from: still refused
