"""Vectorizers by name: count, tfidf (word / char / word+char), word2vec trained or loaded from a file.

The n-gram vocabulary and IDF come from scikit-learn at fit time; ``transform`` is hand-written, so
these tests check that it gives exactly the matrix that ``fit_transform`` (and scikit-learn) give.

word+char keeps word and character n-grams in columns of their own; models saved before that load as trained.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import sentiment
from sentiment import Cleaner, ConfigError, DataError, NotFittedError, Pipeline
from sentiment.persistence import checksum
from sentiment.registry import available, resolve
from sentiment.vectorizers.ngrams import CountVectorizer, char_ngrams, word_ngrams

from conftest import W2V


@pytest.fixture(scope="module")
def docs(binary):
    extra = ["soooo good!!! not bad at all, really", "a", "zzz unseen words only", "great great great great film"]
    return Cleaner().tokens_of(binary.train_texts[:80] + extra)


@pytest.fixture(scope="module")
def new_docs():
    return Cleaner().tokens_of(["a brilliant film", "never seen words here", "the plot was not dull!", "great great"])


def test_available_names():
    assert available("vectorizer") == ["count", "tfidf", "word2vec"]
    models = available("model")
    assert {"complement_nb", "linearsvm", "logreg", "nb", "nbsvm"} <= set(models) and models == sorted(models)
    assert set(available()) == {"vectorizer", "model", "aspect_extractor", "aspect_polarity"}
    assert available("aspect_polarity") == ["classical", "lstm", "mean"]
    with pytest.raises(ConfigError, match="choose one of"):
        resolve("vectorizer", "bert")
    with pytest.raises(ConfigError, match="unknown kind 'tokenizer'; choose one of: vectorizer, model"):
        available("tokenizer")


def test_every_registered_stage_is_named_by_its_key():
    """A saved model names its stages by the class's ``name``, and loading resolves that name: a class registered
    under another key fitted, saved, and then failed to load as "not a consistent sentiment model"."""
    for kind, names in sentiment.registry.REGISTRY.items():
        for key in names:
            assert resolve(kind, key).name == key, (kind, key)


def test_unknown_registry_kind_of_any_type():
    with pytest.raises(ConfigError, match="unknown kind"):
        sentiment.available(["model"])


def test_word_and_char_ngrams():
    assert word_ngrams(["a", "b", "c"], 1, 2) == ["a", "b", "c", "a b", "b c"]
    assert word_ngrams(["a", "b", "c", "d"], 2, 4) == ["a b", "b c", "c d", "a b c", "b c d", "a b c d"]
    assert word_ngrams(["a"], 2, 3) == []
    assert word_ngrams(["a", "b", "c", "d", "e"], 5, 10**9) == ["a b c d e"]  # n stops at the text's length
    assert char_ngrams(["ab"], 2, 3) == [" a", "ab", "b ", " ab", "ab "]


@pytest.mark.parametrize("low, high", [(2, 3), (4, 5), (3, 6)])
def test_char_ngrams_match_scikit_learn_char_wb(low, high):
    from collections import Counter

    from sklearn.feature_extraction.text import CountVectorizer as SkCountVectorizer

    words = ["a", "ab", "movie", "x"]
    analyzer = SkCountVectorizer(analyzer="char_wb", ngram_range=(low, high)).build_analyzer()
    assert Counter(char_ngrams(words, low, high)) == Counter(analyzer(" ".join(words)))


NGRAM_OPTIONS = [
    {},
    {"binary": True},
    {"analyzer": "char", "char_ngram_range": (2, 4)},
    {"analyzer": "word+char", "char_ngram_range": (3, 5)},
    {"ngram_range": (1, 3), "min_df": 2},
    {"max_df": 0.3},
    {"max_df": 3},  # a number of texts, as scikit-learn reads an int
    {"max_features": 25},
]
TFIDF_OPTIONS = [
    {"sublinear_tf": True},
    {"sublinear_tf": False},
    {"sublinear_tf": True, "binary": True},
    {"sublinear_tf": False, "binary": True},
    {"norm": "l1"},
    {"norm": None},
    {"analyzer": "char", "sublinear_tf": False},
    {"analyzer": "word+char", "char_ngram_range": (2, 3), "binary": True},
    {"min_df": 2, "max_features": 30},
    {"max_df": 3},
]


@pytest.mark.parametrize("options", NGRAM_OPTIONS, ids=str)
def test_count_transform_equals_fit_transform(docs, options):
    vectorizer = resolve("vectorizer", "count")(**options)
    fitted = vectorizer.fit_transform(docs)
    assert sp.issparse(fitted) and fitted.shape == (len(docs), vectorizer.n_features)
    assert fitted.nnz > 0
    np.testing.assert_array_equal(vectorizer.transform(docs).toarray(), fitted.toarray())
    if options.get("binary"):
        assert set(np.unique(fitted.data)) == {1.0}
    else:
        assert fitted.max() > 1  # "great great great great" counts 4


@pytest.mark.parametrize("options", TFIDF_OPTIONS, ids=str)
def test_tfidf_transform_equals_fit_transform(docs, options):
    vectorizer = resolve("vectorizer", "tfidf")(**options)
    fitted = vectorizer.fit_transform(docs).toarray()
    np.testing.assert_allclose(vectorizer.transform(docs).toarray(), fitted, rtol=1e-12, atol=1e-14)
    norm = options.get("norm", "l2")
    nonempty = np.abs(fitted).sum(axis=1) > 0
    if norm == "l2":
        np.testing.assert_allclose(np.linalg.norm(fitted[nonempty], axis=1), 1.0)
    elif norm == "l1":
        np.testing.assert_allclose(np.abs(fitted[nonempty]).sum(axis=1), 1.0)


@pytest.mark.parametrize("options", TFIDF_OPTIONS, ids=str)
def test_tfidf_matches_scikit_learn_on_new_texts(docs, new_docs, options):
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

    ours = resolve("vectorizer", "tfidf")(**options)
    ours.fit(docs)
    params = ours.params
    sk = SkTfidf(analyzer=ours.features, sublinear_tf=params["sublinear_tf"], binary=params["binary"],
                 norm=params["norm"], min_df=params["min_df"], max_df=params["max_df"],
                 max_features=params["max_features"]).fit(docs)
    assert ours.feature_names == list(sk.get_feature_names_out())
    np.testing.assert_allclose(ours.transform(new_docs).toarray(), sk.transform(new_docs).toarray(),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["count", "tfidf"])
def test_binary_max_features_keeps_the_terms_most_texts_hold(name):
    from sklearn.feature_extraction.text import CountVectorizer as SkCount

    docs = [["wow"] * 5 + ["a"], ["b", "a"], ["b", "a"], ["c"]]  # one text repeats "wow": 5 counts, 1 text
    ours = resolve("vectorizer", name)(ngram_range=(1, 2), binary=True, max_features=2).fit(docs)
    sk = SkCount(analyzer=ours.features, binary=True, max_features=2).fit(docs)
    assert ours.feature_names == list(sk.get_feature_names_out()) == ["a", "b"]


def test_count_matches_scikit_learn_on_new_texts(docs, new_docs):
    from sklearn.feature_extraction.text import CountVectorizer as SkCount

    ours = resolve("vectorizer", "count")(ngram_range=(1, 2))
    ours.fit(docs)
    sk = SkCount(analyzer=ours.features).fit(docs)
    np.testing.assert_array_equal(ours.transform(new_docs).toarray(), sk.transform(new_docs).toarray())


def test_unknown_words_give_an_empty_row(docs):
    vectorizer = resolve("vectorizer", "tfidf")()
    vectorizer.fit(docs)
    row = vectorizer.transform([["qwertyuiop", "asdfgh"]])
    assert row.shape == (1, vectorizer.n_features) and row.nnz == 0


def test_analyzers_give_different_features(docs):
    names = {}
    for analyzer in ("word", "char", "word+char"):
        vectorizer = resolve("vectorizer", "tfidf")(analyzer=analyzer, char_ngram_range=(2, 3))
        vectorizer.fit(docs)
        names[analyzer] = set(vectorizer.feature_names)
    assert "great" in names["word"] and "gr" not in names["word"]
    assert " g" in names["char"] and "great" not in names["char"]
    # word and character n-grams keep their own columns: character n-grams are prefixed with "c:"
    assert names["word+char"] == names["word"] | {"c:" + name for name in names["char"]}


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


@pytest.mark.parametrize("name, options", [
    ("count", {"analyzer": "words"}), ("count", {"ngram_range": (2, 1)}), ("count", {"ngram_range": (0, 1)}),
    ("count", {"min_df": 0}), ("count", {"min_df": 1.5}), ("count", {"min_df": 0.0}), ("count", {"min_df": True}),
    ("count", {"ngram_range": (1, 11)}), ("count", {"char_ngram_range": (2, 31)}),
    ("count", {"ngram_range": (True, 2)}), ("count", {"max_df": 1.5}), ("count", {"max_df": 0}), ("count", {"max_df": True}), ("count", {"max_features": 0}),
    ("tfidf", {"norm": "l3"}), ("tfidf", {"sublinear_tf": "yes"}), ("count", {"binary": "no"}),
    ("word2vec", {"vector_size": 0}), ("word2vec", {"pooling": "max"}), ("word2vec", {"vectors_format": "fasttext"}),
    ("tfidf", {"vector_size": 10}),
])
def test_invalid_vectorizer_options(name, options):
    option = next(iter(options))  # the error is about the option given, not another one
    with pytest.raises(ConfigError, match=rf"^{option}\b|has no option {option};"):
        resolve("vectorizer", name)(**options)


def test_min_df_counts_texts_or_takes_a_share_of_them():
    docs = [["good", "film"], ["bad", "film"], ["fine", "film"], ["good", "plot"]]
    for min_df in (2, 0.5, np.float64(0.5)):  # 0.5: in half of the 4 texts at least, as scikit-learn reads it
        assert resolve("vectorizer", "count")(min_df=min_df, ngram_range=(1, 1)).fit(docs).feature_names == ["film", "good"]
    with pytest.raises(ConfigError, match="min_df must be a whole number of texts .* or a share of the texts between 0 and 1"):
        resolve("vectorizer", "count")(min_df=2.5)


def test_vocabulary_options_that_leave_no_word_are_data_errors():
    docs = [["good", "film"], ["bad", "film"], ["fine"]]
    with pytest.raises(DataError, match=r"min_df=10 keeps the terms of at least 10 texts, and max_df=1.0 those of at "
                                        r"most 3 of the 3 texts; lower min_df \(or give a share"):
        resolve("vectorizer", "count")(min_df=10).fit(docs)
    with pytest.raises(DataError, match=r"min_df=0.5 keeps the terms of at least 1.5 texts, and max_df=0.3 those of at most 0.9"):
        resolve("vectorizer", "count")(min_df=0.5, max_df=0.3).fit(docs)
    with pytest.raises(DataError, match=r"no vocabulary on 4 texts with min_df=2, max_df=0.5 .*lower min_df or raise max_df"):
        resolve("vectorizer", "count")(min_df=2, max_df=0.5, ngram_range=(1, 1)).fit([["a", "b"], ["a", "c"], ["a", "d"], ["e"]])
    with pytest.raises(DataError, match="lower min_count"):
        resolve("vectorizer", "word2vec")(min_count=10, workers=1).fit(docs)


@pytest.mark.parametrize("name", ["count", "tfidf"])
@pytest.mark.parametrize("max_df", [0, 0.0, -0.5])
def test_max_df_must_be_above_zero(name, max_df):
    with pytest.raises(ConfigError, match="max_df"):
        resolve("vectorizer", name)(max_df=max_df)


def test_max_df_one_is_every_text_not_one_text():
    vectorizer = resolve("vectorizer", "count")(max_df=1, ngram_range=(1, 1))
    vectorizer.fit([["good", "film"], ["bad", "film"], ["good", "plot"]])
    assert "film" in vectorizer.feature_names  # in 2 of 3 texts: kept, as max_df=1 means 100%


def test_transform_before_fit_is_not_fitted_error():
    with pytest.raises(NotFittedError):
        resolve("vectorizer", "tfidf")().transform([["a"]])


# -- word2vec --------------------------------------------------------------------------------------
def test_word2vec_trained_dense_standardised(docs):
    vectorizer = resolve("vectorizer", "word2vec")(**W2V, min_count=1)
    fitted = vectorizer.fit_transform(docs)
    assert isinstance(fitted, np.ndarray) and fitted.shape == (len(docs), 16)
    np.testing.assert_allclose(fitted.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(vectorizer.transform(docs), fitted, rtol=1e-5, atol=1e-5)
    assert vectorizer.n_features == 16


def test_word2vec_document_without_a_known_word_is_the_training_mean(docs, binary):
    vectorizer = resolve("vectorizer", "word2vec")(**W2V, min_count=1)
    fitted = vectorizer.fit_transform(docs + [[]])
    np.testing.assert_array_equal(fitted[-1], 0)  # no evidence: the mean, not an outlier
    np.testing.assert_allclose(fitted[:-1].mean(axis=0), 0, atol=1e-4)  # statistics of the documents with words
    np.testing.assert_array_equal(vectorizer.transform([["qqq"], [], docs[0]])[:2], 0)
    assert np.abs(vectorizer.transform([docs[0]])).max() > 0
    pipe = Pipeline("word2vec", "logreg", **W2V).fit(binary.train_texts, binary.train_labels)
    unknown = pipe.predict_proba(["qqq zzz", "这部电影很好"])
    intercept_only = pipe.model_.predict_proba(np.zeros((1, pipe.vectorizer_.n_features)))
    np.testing.assert_allclose(unknown, np.repeat(intercept_only, 2, axis=0), rtol=1e-6)


def test_word2vec_training_is_reproducible(docs):
    a = resolve("vectorizer", "word2vec")(**W2V).fit_transform(docs)
    b = resolve("vectorizer", "word2vec")(**W2V).fit_transform(docs)
    np.testing.assert_array_equal(a, b)


def test_word2vec_pooling_mean_vs_tfidf(docs):
    mean = resolve("vectorizer", "word2vec")(**W2V, pooling="mean")
    weighted = resolve("vectorizer", "word2vec")(**W2V, pooling="tfidf")
    a, b = mean.fit_transform(docs), weighted.fit_transform(docs)
    np.testing.assert_array_equal(mean.vectors_, weighted.vectors_)  # same word vectors ...
    assert not np.allclose(a, b)  # ... pooled differently
    # mean pooling: a document is the plain average of its known words' vectors (before standardising)
    doc = docs[0]
    known = [w for w in doc if w in mean.vocabulary_]
    expected = np.mean([mean.vectors_[mean.vocabulary_[w]] for w in known], axis=0)
    np.testing.assert_allclose(a[0] * mean.scale_ + mean.mean_, expected, rtol=1e-4, atol=1e-5)
    # tfidf pooling: rare words weigh more
    weights = np.array([weighted.idf_[weighted.vocabulary_[w]] for w in doc if w in weighted.vocabulary_])
    vectors = np.array([weighted.vectors_[weighted.vocabulary_[w]] for w in doc if w in weighted.vocabulary_])
    expected = (weights[:, None] * vectors).sum(axis=0) / weights.sum()
    np.testing.assert_allclose(b[0] * weighted.scale_ + weighted.mean_, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fmt", ["word2vec", "glove", "word2vec-binary"])
def test_word2vec_loads_user_vectors(vectors_files, docs, fmt):
    path = vectors_files[fmt]
    results = []
    for given in ("auto", fmt):
        vectorizer = resolve("vectorizer", "word2vec")(vectors_path=str(path), vectors_format=given, pooling="mean")
        results.append(vectorizer.fit_transform(docs))
        assert vectorizer.n_features == 8
        index = vectors_files["words"].index("great")
        np.testing.assert_allclose(vectorizer.vectors_[vectorizer.vocabulary_["great"]],
                                   vectors_files["vectors"][index], rtol=1e-6)
        # only words of the training texts are kept
        assert set(vectorizer.words_) <= {t for d in docs for t in d}
    np.testing.assert_array_equal(results[0], results[1])


def test_word2vec_vectors_in_all_formats_give_the_same_pipeline(vectors_files, binary):
    probabilities = []
    for fmt in ("word2vec", "glove", "word2vec-binary"):
        pipe = sentiment.Pipeline("word2vec", "logreg", vectors_path=str(vectors_files[fmt]))
        pipe.fit(binary.train_texts, binary.train_labels)
        assert pipe.score(binary.dev_texts, binary.dev_labels) >= 0.9
        probabilities.append(pipe.predict_proba(binary.dev_texts))
    np.testing.assert_allclose(probabilities[0], probabilities[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probabilities[0], probabilities[2], rtol=1e-5, atol=1e-6)


def test_word2vec_training_options_with_a_vectors_file_are_refused(vectors_files, docs):
    path = str(vectors_files["word2vec"])
    for options, shown in (({"vector_size": 8, "min_count": 50}, "min_count=50"),
                           ({"window": 5, "workers": 2}, "window=5, workers=2")):  # given, even as the default
        with pytest.raises(ConfigError, match=rf"^{shown} set\(s\) how word vectors are trained, but vectors_path "
                                              r"loads them"):
            resolve("vectorizer", "word2vec")(vectors_path=path, **options).fit(docs)
    for size in (100, 300):  # the default too, when asked for: a grid over vector_size must not pass silently
        with pytest.raises(ConfigError, match=rf"^vector_size={size} differs from the size of the vectors in .*, 8; "
                                              r"leave vector_size out"):
            resolve("vectorizer", "word2vec")(vectors_path=path, vector_size=size).fit(docs)
    vectorizer = resolve("vectorizer", "word2vec")(vectors_path=path, vector_size=8, pooling="mean").fit(docs)
    assert vectorizer.n_features == 8  # the file's own size, asked for
    assert resolve("vectorizer", "word2vec")(vectors_path=path).fit(docs).n_features == 8  # not asked: the file's


def test_lstm_embedding_dim_against_a_vectors_file_says_what_to_do(vectors_files, binary):
    pipe = sentiment.Pipeline("word2vec", "lstm", vectors_path=str(vectors_files["word2vec"]), embedding_dim=16,
                              epochs=1)
    with pytest.raises(ConfigError, match=r"embedding_dim=16 differs from the word vectors' size 8; leave embedding_dim "
                                          r"unset or use vectors of that size$"):
        pipe.fit(binary.train_texts[:20], binary.train_labels[:20])


def test_word2vec_missing_or_unreadable_vectors_file(tmp_path, docs):
    with pytest.raises(DataError, match="does not exist"):
        resolve("vectorizer", "word2vec")(vectors_path=str(tmp_path / "nope.txt")).fit(docs)
    with pytest.raises(DataError, match="is a directory without a saved model; pass a word2vec or GloVe file"):
        resolve("vectorizer", "word2vec")(vectors_path=str(tmp_path)).fit(docs)
    bad = tmp_path / "bad.txt"
    bad.write_text("3 4\nfoo 1 2\n")
    with pytest.raises(DataError, match=r"bad.txt, line 2: 2 values after the word where the file's vectors have 4"):
        resolve("vectorizer", "word2vec")(vectors_path=str(bad), vectors_format="word2vec").fit(docs)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e40"])  # 1e40: beyond float32's range
def test_word2vec_vectors_with_nan_are_refused(tmp_path, docs, value):
    path = tmp_path / "vectors.txt"
    path.write_text(f"good 0.1 0.2 0.3\nbad 0.3 {value} 0.1\nfilm 0.2 0.2 0.2\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warning is no part of the message
        with pytest.raises(DataError, match=r"vectors\.txt has NaN or infinite values \(or values beyond float32's "
                                            r"range, about 3\.4e38\) in 1 vector\(s\), the first for 'bad' "
                                            r"\(vector 2\); fix or drop those lines"):
            resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit(docs)


def test_word2vec_vectors_covering_no_training_word(tmp_path, docs):
    path = tmp_path / "other.txt"
    path.write_text("qqq 0.1 0.2 0.3\nzzzz 0.3 0.2 0.1\n", encoding="utf-8")
    with pytest.raises(DataError, match="no word of the training texts"):
        resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit(docs)


def test_word2vec_sequences_and_embedding_matrix(docs):
    vectorizer = resolve("vectorizer", "word2vec")(**W2V)
    vectorizer.fit(docs)
    ids = vectorizer.sequences([["great", "qwertyuiop"]])[0]
    assert ids[1] == 1 and ids[0] == vectorizer.vocabulary_["great"] + 2
    matrix = vectorizer.embedding_matrix()
    assert matrix.shape == (vectorizer.n_tokens, 16)
    np.testing.assert_array_equal(matrix[ids[0]], vectorizer.vectors_[vectorizer.vocabulary_["great"]])
    assert not matrix[:2].any()


@pytest.mark.parametrize("options", [{"ngram_range": (1, 2)}, {"ngram_range": (1, 3), "min_df": 2},
                                     {"ngram_range": (2, 3)}, {"analyzer": "char"}, {"max_df": 0.1},
                                     {"ngram_range": (1, 10)}], ids=str)  # the longest n-grams allowed
def test_every_vocabulary_lookup_gives_scikit_learns_counts(docs, new_docs, options, monkeypatch):
    """transform_csr has three ways to find columns (binary search in the sorted terms for a few documents,
    the term dict, the token-id WordNgramIndex for large batches); each gives scikit-learn's counts."""
    from sklearn.feature_extraction.text import CountVectorizer as SkCount

    from sentiment.vectorizers import ngrams

    ours = resolve("vectorizer", "count")(**options).fit(docs)
    batch = new_docs + docs[:20] + [[], ["zzz", "qqq"]]
    expected = SkCount(analyzer=ours.features, vocabulary=ours.feature_names).transform(batch).toarray()
    for path, (few, index_min) in {"sorted terms": (10**9, 10**9), "dict": (-1, 10**9), "index": (-1, 0)}.items():
        monkeypatch.setattr(ngrams, "FEW_DOCS", few)
        monkeypatch.setattr(ngrams, "INDEX_MIN_DOCS", index_min)
        ours.set_state(*ours.get_state())  # forget the dict and the index built so far
        np.testing.assert_array_equal(ours.transform(batch).toarray(), expected, err_msg=path)


def test_vectors_of_other_words_than_the_cleaned_tokens_say_so(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("2 2\nGRAND_FILM 0 1\nawful_film 1 2\n")
    texts, labels = ["Great film", "Awful film"], ["pos", "neg"]
    with pytest.raises(DataError, match=r"no word of the training texts is in the vectors file .*'GRAND_FILM'.*lowercase=False"):
        Pipeline("word2vec", "logreg", vectors_path=str(other)).fit(texts, labels)


def test_a_word_the_file_holds_only_capitalised_serves_the_lowercased_token(tmp_path):
    """A cased file (GoogleNews' word2vec vectors, one made from text as written) matched the cleaner's lowercased
    tokens only where it held them lowercased too: a file of capitalised words matched a few numbers and signs, and
    its texts were read from those, without a word said."""
    cased = tmp_path / "cased.txt"
    cased.write_text("5 2\nGreat 0 1\nGREAT 7 7\nAwful 1 2\nfilm 3 3\nFilm 9 9\n")
    texts, labels = ["Great film", "Awful film"], ["pos", "neg"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every word has its vector: no note on coverage
        vectorizer = Pipeline("word2vec", "logreg", vectors_path=str(cased)).fit(texts, labels).vectorizer_
    assert vectorizer.words_ == ["awful", "film", "great"]
    np.testing.assert_array_equal(vectorizer.vectors_, [[1, 2], [3, 3], [0, 1]])  # the first form; film as written
    kept = Pipeline("word2vec", "logreg", vectors_path=str(cased), lowercase=False).fit(texts, labels)
    assert kept.vectorizer_.words_ == ["Awful", "Great", "film"]
    np.testing.assert_array_equal(kept.vectorizer_.vectors_, [[1, 2], [0, 1], [3, 3]])
    # file_words="all", for the words the training texts lack: lowercased tokens find "Awful" as "awful" too
    every = resolve("vectorizer", "word2vec")(vectors_path=str(cased), file_words="all").fit([["great", "film"]])
    assert every.words_ == ["awful", "film", "great"]
    np.testing.assert_array_equal(every.vectors_, [[1, 2], [3, 3], [0, 1]])
    assert every.transform([["awful"]]).any()  # a known word: not the all-zero vector of a text of unknown words
    cased_tokens = resolve("vectorizer", "word2vec")(vectors_path=str(cased), file_words="all").fit([["Great", "film"]])
    assert cased_tokens.words_ == ["Awful", "Film", "GREAT", "Great", "film"]  # the case kept: the file as written


def test_a_word_the_file_holds_with_a_capital_dotted_i_serves_the_cleaned_token(tmp_path):
    """Turkish "İ" lowers to "i" and a combining dot, which the cleaner drops ("İzmir" is written "izmir"): the
    file's "İzmir" was matched as "i̇zmir", which no cleaned text holds, so "izmir" had no vector (and
    file_words="all" kept one under "i̇zmir" that nothing met)."""
    path = tmp_path / "tr.txt"
    path.write_text("3 2\nİzmir 1 2\ngüzel 0 1\nKötü 3 3\n", encoding="utf-8")
    texts = ["İzmir güzel", "Kötü"]
    assert Cleaner().tokens_of(texts) == [["izmir", "güzel"], ["kötü"]]
    pipe = Pipeline("word2vec", "logreg", vectors_path=str(path)).fit(texts, ["pos", "neg"])
    assert pipe.vectorizer_.words_ == ["güzel", "izmir", "kötü"]
    every = resolve("vectorizer", "word2vec")(vectors_path=str(path), file_words="all").fit([["güzel"]])
    assert every.words_ == ["güzel", "izmir", "kötü"]
    np.testing.assert_array_equal(every.vectors_[every.vocabulary_["izmir"]], [1, 2])


def test_a_vectors_file_lacking_most_training_words_is_noted(tmp_path):
    path = tmp_path / "few.txt"
    path.write_text("2 2\ngood 0 1\nbad 1 0\n")
    docs = [["good", "plot", "plot"], ["bad", "plot", "acting"]]
    with pytest.warns(sentiment.VectorCoverageWarning, match=r"^the vectors file .*few\.txt has vectors for only 33% of "
                      r"the training texts' words \(the most frequent without one: 'plot', 'acting'\), .*lowercase=False"):
        resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit(docs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit([["good", "plot"], ["bad"]])  # 2 of 3: no note
    rare = [["good", *["plot"] * 150], ["bad", *["acting"] * 150]]  # 2 of 302: a share that rounds down to 0
    with pytest.warns(sentiment.VectorCoverageWarning, match=r"has vectors for under 1% of the training texts' words"):
        resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit(rare)


@pytest.mark.parametrize("vectorizer", ["tfidf", "count", "word2vec"])
def test_texts_the_cleaning_empties_say_which_options_did_it(vectorizer):
    with pytest.raises(DataError, match="the cleaning left no words in any of the 2 training texts; check the cleaning"):
        Pipeline(vectorizer, "logreg", emoji="remove").fit(["\U0001F60D", "\U0001F622"], ["pos", "neg"])
    with pytest.raises(DataError, match="the cleaning left no words in any of the 2 training texts"):
        sentiment.TextVectorizer(vectorizer).fit(["<br/>", "<p></p>"])


def _small_vectors(tmp_path):
    words = ["the", "film", "was", "good", "bad", "great", "awful", "superb", "dreadful", "not"]
    rng = np.random.default_rng(1)
    path = tmp_path / "small.txt"
    path.write_text("".join(f"{w} " + " ".join(f"{v:.4f}" for v in rng.normal(size=5)) + "\n" for w in words))
    return path, words


def test_file_words_all_keeps_the_words_the_training_texts_lack(tmp_path):
    path, words = _small_vectors(tmp_path)
    docs = [["the", "film", "was", "good"], ["the", "film", "was", "bad"], ["good", "film"], ["bad", "film"]]
    seen = resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit(docs)
    every = resolve("vectorizer", "word2vec")(vectors_path=str(path), file_words="all").fit(docs)
    assert seen.words_ == ["bad", "film", "good", "the", "was"] and every.words_ == sorted(words)
    assert seen.n_known([["superb", "dreadful"]]).tolist() == [0]
    assert every.n_known([["superb", "dreadful"]]).tolist() == [2]
    superb, dreadful = every.transform([["superb"], ["dreadful"]])
    assert np.abs(superb - dreadful).max() > 0.1  # unseen words keep their own vectors
    np.testing.assert_allclose(every.transform(docs), seen.transform(docs), rtol=1e-5)  # the training words alike
    assert every.idf_[every.vocabulary_["superb"]] == every.idf_.max()  # in no training text: the rarest
    with pytest.raises(ConfigError, match=r"^file_words='all' go\(es\) with a vectors file; set vectors_path"):
        resolve("vectorizer", "word2vec")(file_words="all", **W2V)


@pytest.mark.parametrize("options, says", [
    ({"vectors_path": ""}, r"^vectors_path is empty; give a word2vec or GloVe file"),
    ({"vectors_path": "  "}, r"^vectors_path is empty"),  # the command line strips it to ""
    ({"vectors_format": "glove"}, r"^vectors_format='glove' go\(es\) with a vectors file; set vectors_path too"),
    ({"vectors_format": "glove", "file_words": "all"}, r"^vectors_format='glove', file_words='all' go\(es\)"),
])
def test_word2vec_options_that_would_be_ignored_are_refused_when_made(options, says):
    """An empty vectors_path (an unset shell variable) trained the vectors on the texts instead, and a
    vectors_format without a file was accepted and did nothing."""
    with pytest.raises(ConfigError, match=says):
        resolve("vectorizer", "word2vec")(**options)


def test_a_model_saved_with_an_empty_vectors_path_loads_as_it_was(tmp_path):
    """Before it was refused, vectors_path="" trained the vectors on the texts; such a saved model still loads."""
    docs = [["good", "film"], ["bad", "film"], ["good", "plot"], ["bad", "plot"]]
    trained = resolve("vectorizer", "word2vec")(**W2V).fit(docs)
    params, (state, arrays) = {**trained.params, "vectors_path": ""}, trained.get_state()
    loaded = type(trained).from_state(params, state, arrays)
    np.testing.assert_array_equal(loaded.transform(docs), trained.transform(docs))


def test_word2vec_seed_with_a_vectors_file_is_refused_as_the_other_training_options(tmp_path):
    path, _ = _small_vectors(tmp_path)
    with pytest.raises(ConfigError, match=r"^seed=5 set\(s\) how word vectors are trained, but vectors_path"):
        resolve("vectorizer", "word2vec")(vectors_path=str(path), seed=5)
    saved = resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit([["good", "film"], ["bad", "film"]])
    params, state, arrays = saved.params, *saved.get_state()  # a saved model holds every option, seed too
    assert type(saved).from_state(params, state, arrays).transform([["good"]]).shape == (1, 5)


def test_word2vec_option_conflicts_come_before_the_data_are_read(tmp_path):
    """The CLI checks every option before it reads the data (here a file with an empty text, which reading
    would refuse first): a vector_size other than the file's by its first line, not after reading it whole."""
    from typer.testing import CliRunner

    from sentiment.cli import app

    path, _ = _small_vectors(tmp_path)
    data = tmp_path / "blank.csv"
    data.write_text("text\ngood film\n\nbad film\n")
    given = f"vectors_path={path}"
    for args, says in (([given, "vector_size=7"], f"vector_size=7 differs from the size of the vectors in {path}, 5"),
                       ([given, "window=3"], "window=3 set(s) how word vectors are trained"),
                       (["vectors_path="], "vectors_path is empty"), (["file_words=all"], "file_words='all' go(es)")):
        result = CliRunner().invoke(app, ["vectorize", str(data), "--vectorizer", "word2vec", "--out",
                                          str(tmp_path / "o.npy")] + [a for o in args for a in ("--set", o)])
        assert result.exit_code == 1 and says in result.output and "no text" not in result.output
        assert not (tmp_path / "o.npy").exists()


def test_word2vec_standardises_a_vectors_files_large_values(tmp_path):
    """Values of 1e20 are finite, but their squares overflow float32: every feature was 0 (the scale
    infinite) and saving said the training had diverged."""
    words = ["good", "bad", "film", "plot"]
    rng = np.random.default_rng(0)
    path = tmp_path / "big.txt"
    path.write_text("".join(f"{w} " + " ".join(f"{v:.4e}" for v in rng.normal(size=4) * 1e20) + "\n" for w in words))
    texts = ["good film", "bad plot", "good plot", "bad film film"]
    vectorizer = sentiment.TextVectorizer("word2vec", vectors_path=str(path))
    features = vectorizer.fit_transform(texts)
    assert np.isfinite(vectorizer.vectorizer_.scale_).all() and np.isfinite(features).all()
    np.testing.assert_allclose(features.std(axis=0), 1.0, rtol=1e-3)  # standardised, as for small values
    vectorizer.save(tmp_path / "saved")  # not refused as holding "values that are not numbers"
    np.testing.assert_allclose(sentiment.TextVectorizer.load(tmp_path / "saved").transform(texts), features)


def test_integer_min_df_above_integer_max_df_is_refused_when_made():
    with pytest.raises(ConfigError, match=r"^min_df=5 keeps the terms of at least 5 texts and max_df=3 those of at most "
                                          r"3: no term is both; lower min_df or raise max_df"):
        CountVectorizer(min_df=5, max_df=3)
    assert CountVectorizer(min_df=3, max_df=3).params["min_df"] == 3  # equal limits keep the terms of 3 texts
    with pytest.raises(ConfigError, match=r"^min_df=5 keeps the terms of at least 5 texts"):  # numpy's (a grid)
        CountVectorizer(min_df=np.int64(5), max_df=np.int64(3))
    assert type(CountVectorizer(min_df=np.int64(2)).params["min_df"]) is int


def test_file_words_all_with_no_word_in_the_training_texts_is_refused(tmp_path):
    """Every word of the file is kept, so the vocabulary is not empty; but no training text has one of them
    (their statistics were NaN, and so were the vectors of every later text)."""
    path, _ = _small_vectors(tmp_path)
    with pytest.raises(DataError, match=f"no training text has a word of the vectors file {path}"):
        resolve("vectorizer", "word2vec")(vectors_path=str(path), file_words="all").fit([["zzz", "qqq"], ["xxx"]])


def test_a_negated_word_without_a_vector_of_its_own_takes_its_words(tmp_path):
    path, _ = _small_vectors(tmp_path)
    pipe = Pipeline("word2vec", "logreg", vectors_path=str(path), pooling="mean")
    pipe.fit(["the film was great", "the film was awful", "a good film", "a bad film", "not good"], [1, 0, 1, 0, 0])
    vectorizer = pipe.vectorizer_
    assert "not_good" in vectorizer.words_  # in the training texts, not in the file
    np.testing.assert_array_equal(vectorizer.vectors_[vectorizer.vocabulary_["not_good"]],
                                  vectorizer.vectors_[vectorizer.vocabulary_["good"]])
    features = pipe.vectorizer_.transform(pipe.cleaner_.tokens_of(["not good", "not bad"]))
    assert not np.allclose(features[0], features[1])  # "not bad" is not "not good" (both were the vector of "not")
    assert pipe.known_features(["not good"]).tolist() == [2]


def test_a_dimension_that_does_not_vary_is_centred_not_blown_up(tmp_path):
    path, _ = _small_vectors(tmp_path)
    vectorizer = resolve("vectorizer", "word2vec")(vectors_path=str(path), pooling="mean").fit([["the", "film", "was", "good"]])
    np.testing.assert_array_equal(vectorizer.scale_, 1.0)  # one text: no deviation to divide by
    features = vectorizer.transform([["the", "film", "was", "bad"]])
    raw = vectorizer.vectors_[[vectorizer.vocabulary_[w] for w in ("the", "film", "was")]]
    assert np.abs(features).max() < 10  # was about 1e5
    np.testing.assert_allclose(features[0], raw.mean(axis=0) - vectorizer.mean_, rtol=1e-5, atol=1e-6)


def test_vectors_made_with_the_negation_marks_keep_their_own(tmp_path):
    path, _ = _small_vectors(tmp_path)
    with path.open("a") as handle:  # vectors of cleaned text: "not_good" has its own; a rarer marked word none
        handle.write("not_good 9 9 9 9 9\n")
    vectorizer = resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit([["not", "not_good"], ["not", "not_bad"]])
    assert vectorizer.words_ == ["not", "not_good"]
    np.testing.assert_array_equal(vectorizer.vectors_[1], 9)


def test_a_negated_word_first_met_when_predicting_takes_its_words_vector_too(tmp_path):
    path, _ = _small_vectors(tmp_path)
    docs = [["the", "film", "was", "good"], ["not", "not_good"], ["bad", "film"]]
    for file_words in ("training", "all"):
        vectorizer = resolve("vectorizer", "word2vec")(vectors_path=str(path), file_words=file_words).fit(docs)
        assert vectorizer.negation_backoff_
        unseen = [["not", "not_superb"], ["not", "superb"]] if file_words == "all" else [["not", "not_film"], ["not", "film"]]
        features = vectorizer.transform(unseen)
        np.testing.assert_array_equal(features[0], features[1])  # was the vector of "not" alone
        assert vectorizer.n_known(unseen).tolist() == [2, 2]
        ids = vectorizer.sequences(unseen)
        np.testing.assert_array_equal(ids[0], ids[1])
        again = resolve("vectorizer", "word2vec").from_state(vectorizer.params, *vectorizer.get_state())
        np.testing.assert_array_equal(again.transform(unseen), features)  # the rule is saved with the model


def test_a_saved_models_vectors_back_off_as_the_file_they_came_from(tmp_path):
    path, _ = _small_vectors(tmp_path)
    first = Pipeline("word2vec", "logreg", vectors_path=str(path), pooling="mean")
    first.fit(["a good film", "a bad film", "not good"], [1, 0, 0]).save(tmp_path / "m")
    assert "not_good" in first.vectorizer_.words_  # a copy of "good"'s vector
    docs = [["film", "bad"], ["not", "not_film"], ["not", "not_good"]]  # "not_film": in neither source
    from_file = resolve("vectorizer", "word2vec")(vectors_path=str(path)).fit(docs)
    from_model = resolve("vectorizer", "word2vec")(vectors_path=str(tmp_path / "m")).fit(docs)
    assert from_file.words_ == from_model.words_ == ["bad", "film", "not", "not_film", "not_good"]
    assert from_model.negation_backoff_  # its copied "not_good" is not taken for vectors of marked words
    np.testing.assert_array_equal(from_model.vectors_, from_file.vectors_)


def test_a_stage_pickled_before_it_recorded_its_given_options_still_fits(tmp_path):
    import pickle

    path, _ = _small_vectors(tmp_path)
    stage = resolve("vectorizer", "word2vec")(vectors_path=str(path))
    del stage.__dict__["given"]  # as a stage pickled by an earlier version
    stage = pickle.loads(pickle.dumps(stage))
    assert stage.fit([["good", "film"]]).words_ == ["film", "good"]


def test_a_fitted_vectorizer_of_a_vectors_file_records_the_files_vector_size(tmp_path):
    path, _ = _small_vectors(tmp_path)  # 5 values per word
    pipe = Pipeline("word2vec", "logreg", vectors_path=str(path)).fit(["a good film", "a bad film"], [1, 0])
    assert pipe.vectorizer_.params["vector_size"] == 5  # not the default 100, which it never had
    pipe.save(tmp_path / "m")
    assert sentiment.load(tmp_path / "m").vectorizer_.params["vector_size"] == 5
    big = tmp_path / "big.txt"  # wider than word2vec trains here (2048): still loads once saved
    big.write_text("".join(f"{w} " + " ".join(["0.5"] * 2500) + "\n" for w in ("good", "bad", "film")))
    Pipeline("word2vec", "logreg", vectors_path=str(big)).fit(["good film", "bad film"], [1, 0]).save(tmp_path / "w")
    assert sentiment.load(tmp_path / "w").vectorizer_.n_features == 2500


def test_max_features_keeps_the_alphabetically_first_of_terms_as_frequent():
    """Terms as frequent at the cut are kept in their alphabetical order, on every machine: scikit-learn's cut
    (an unstable argsort) keeps others among many equals, and other ones on a CPU with AVX-512 than without."""
    from collections import Counter

    rng = np.random.default_rng(0)
    words = [f"w{i:04d}" for i in range(3000)]
    docs = [[words[j] for j in rng.integers(0, 3000, size=8)] for _ in range(600)]  # counts of 1 to 6: many ties
    counts = Counter(term for doc in docs for term in doc)
    for limit in (1, 10, 1000, 2500):
        vectorizer = CountVectorizer(ngram_range=(1, 1), max_features=limit)
        features = vectorizer.fit_transform(docs)
        expected = sorted(sorted(counts, key=lambda term: (-counts[term], term))[:limit])
        assert vectorizer.terms_ == expected
        np.testing.assert_array_equal(features.toarray().sum(axis=0), [counts[term] for term in expected])
