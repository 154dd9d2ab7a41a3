"""Every classical model on binary and 5-class data; numpy prediction equals scikit-learn's; label names and
their checks; unfitted pipelines and NotFittedError; the models package's docstring names classes that exist."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import sentiment
from sentiment import Cleaner, ConfigError, NotFittedError, Pipeline, SentimentError
from sentiment.pipeline import display_names
from sentiment.registry import resolve

from conftest import MODELS, NONNEGATIVE_ONLY, W2V


@pytest.mark.parametrize("dataset, threshold", [("binary", 0.85), ("five", 0.7)])
@pytest.mark.parametrize("model", MODELS)
def test_model_learns_the_task(fitted, binary, five, model, dataset, threshold):
    data = binary if dataset == "binary" else five
    pipe = fitted("tfidf", model, dataset)
    accuracy = pipe.score(data.dev_texts, data.dev_labels)
    assert accuracy >= threshold, f"{model} on {dataset}: dev accuracy {accuracy:.3f}"
    probabilities = pipe.predict_proba(data.dev_texts)
    assert probabilities.shape == (len(data.dev_texts), len(data.classes))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-9)
    assert (probabilities >= 0).all() and (probabilities <= 1).all()
    predictions = pipe.predict(data.dev_texts)
    assert list(predictions) == [pipe.classes_[i] for i in probabilities.argmax(axis=1)]
    assert set(predictions.tolist()) == set(data.classes)
    assert list(pipe.classes_) == data.classes


@pytest.mark.parametrize("dataset, threshold", [("binary", 0.75), ("five", 0.5)])
@pytest.mark.parametrize("model", ["logreg", "linearsvm"])
@pytest.mark.parametrize("vec_id", ["word2vec-mean", "word2vec-tfidf", "count", "tfidf-char"])
def test_other_vectorizers_learn_the_task(fitted, binary, five, vec_id, model, dataset, threshold):
    data = binary if dataset == "binary" else five
    pipe = fitted(vec_id, model, dataset)
    assert pipe.score(data.dev_texts, data.dev_labels) >= threshold
    np.testing.assert_allclose(pipe.predict_proba(data.dev_texts).sum(axis=1), 1.0, rtol=1e-9)


def test_negation_is_learned(fitted):
    pipe = fitted("tfidf", "nbsvm")
    assert pipe.predict(["The plot was great.", "The plot was not great at all."]).tolist() == ["pos", "neg"]


@pytest.mark.parametrize("model", sorted(NONNEGATIVE_ONLY))
def test_nonnegative_models_refuse_word2vec(binary, model):
    pipe = Pipeline("word2vec", model, **W2V)
    with pytest.raises(ConfigError, match="non-negative|word2vec|count or tfidf"):
        pipe.fit(binary.train_texts, binary.train_labels)


def test_five_class_labels_get_polarity_names(fitted, five):
    pipe = fitted("tfidf", "logreg", "five")
    assert pipe.label_names_ == ["very negative", "negative", "neutral", "positive", "very positive"]
    annotated = pipe.annotate(["a magnificent, stunning movie", "an abysmal and appalling cast"])
    assert [a["label"] for a in annotated] == ["very positive", "very negative"]
    for item in annotated:
        assert set(item["scores"]) == set(pipe.label_names_)
        assert abs(sum(item["scores"].values()) - 1) < 1e-4
        assert item["label"] == max(item["scores"], key=item["scores"].get)


def test_string_labels_keep_their_names(fitted):
    pipe = fitted("tfidf", "logreg")
    assert pipe.label_names_ == ["neg", "pos"]
    assert pipe.annotate(["a superb film"])[0]["label"] == "pos"


def test_label_names_option(binary):
    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels,
                                            label_names={"neg": "bad", "pos": "good"})
    assert pipe.label_names_ == ["bad", "good"]
    assert pipe.predict(["a superb film"]).tolist() == ["pos"]
    with pytest.raises(ConfigError, match="name every label"):
        Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels, label_names={"neg": "bad"})


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


def test_integer_binary_labels_named_negative_positive(binary):
    labels = [int(y == "pos") for y in binary.train_labels]
    pipe = Pipeline("count", "nb").fit(binary.train_texts, labels)
    assert pipe.label_names_ == ["negative", "positive"]
    assert pipe.predict(["a superb film"]).tolist() == [1]


# -- the numpy prediction equals scikit-learn's ------------------------------------------------------------
def _features(data):
    docs = Cleaner().tokens_of(data.train_texts)
    vectorizer = resolve("vectorizer", "tfidf")()
    X = vectorizer.fit_transform(docs)
    X_dev = vectorizer.transform(Cleaner().tokens_of(data.dev_texts))
    y = np.unique(data.train_labels, return_inverse=True)[1]
    return X, y, X_dev


def _sklearn_twin(name, params, n_classes):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB, MultinomialNB
    from sklearn.svm import LinearSVC

    if name == "logreg":
        return LogisticRegression(C=params["C"], max_iter=params["max_iter"], tol=params["tol"],
                                  solver="liblinear" if n_classes == 2 else "lbfgs")
    if name == "linearsvm":
        return CalibratedClassifierCV(LinearSVC(C=params["C"], max_iter=params["max_iter"], tol=params["tol"], random_state=0),
                                      method="sigmoid", cv=3, ensemble=False)
    if name == "nb":
        return MultinomialNB(alpha=params["alpha"])
    return ComplementNB(alpha=params["alpha"])


@pytest.mark.parametrize("dataset", ["binary", "five"])
@pytest.mark.parametrize("name", ["logreg", "linearsvm", "nb", "complement_nb"])
def test_probabilities_equal_scikit_learn(binary, five, name, dataset):
    data = binary if dataset == "binary" else five
    X, y, X_dev = _features(data)
    model = resolve("model", name)()
    model.fit(X, y)
    twin = _sklearn_twin(name, model.params, len(set(y))).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X_dev), twin.predict_proba(X_dev), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["logreg", "linearsvm"])
def test_tol_reaches_the_solver(five, name):
    """A loose ``tol`` stops the solver early, a tight one near the optimum: each model is scikit-learn's
    estimator given the same tolerance, and the two tolerances give different models."""
    X, y, X_dev = _features(five)
    probabilities = {}
    for tol in (0.5, 1e-8):
        model = resolve("model", name)(tol=tol, max_iter=5000).fit(X, y)
        twin = _sklearn_twin(name, model.params, len(set(y))).fit(X, y)
        np.testing.assert_allclose(model.predict_proba(X_dev), twin.predict_proba(X_dev), rtol=1e-4, atol=1e-5)
        probabilities[tol] = model.predict_proba(X_dev)
    assert np.abs(probabilities[0.5] - probabilities[1e-8]).max() > 1e-3


def test_nbsvm_tol_reaches_its_solver(five):
    X, y, X_dev = _features(five)
    loose, tight = (resolve("model", "nbsvm")(tol=tol).fit(X, y).predict_proba(X_dev) for tol in (0.5, 1e-8))
    assert np.abs(loose - tight).max() > 1e-3


def test_nbsvm_equals_logistic_regression_on_nb_scaled_binary_features(binary):
    from sklearn.linear_model import LogisticRegression

    X, y, X_dev = _features(binary)
    model = resolve("model", "nbsvm")(C=2.0, nb_alpha=0.5)
    model.fit(X, y)
    B = X.copy()
    B.data[:] = 1
    p = np.asarray(B[y == 1].sum(axis=0)).ravel() + 0.5
    q = np.asarray(B[y == 0].sum(axis=0)).ravel() + 0.5
    r = np.log(p / p.sum()) - np.log(q / q.sum())
    clf = LogisticRegression(C=2.0, solver="liblinear").fit(B @ sp.diags(r), y)
    B_dev = X_dev.copy()
    B_dev.data[:] = 1
    np.testing.assert_allclose(model.predict_proba(X_dev), clf.predict_proba(B_dev @ sp.diags(r)), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name, options", [
    ("logreg", {"C": 0}), ("logreg", {"C": "big"}), ("logreg", {"class_weight": "auto"}), ("logreg", {"max_iter": 0}),
    ("linearsvm", {"C": -1.0}), ("nb", {"alpha": -0.1}), ("complement_nb", {"alpha": "x"}),
    ("nbsvm", {"nb_alpha": 0}), ("nbsvm", {"max_iter": 1.5}), ("nb", {"C": 1.0}),
    ("logreg", {"tol": 0}), ("linearsvm", {"tol": 2.0}), ("nbsvm", {"tol": "small"}), ("nb", {"tol": 1e-4}),
])
def test_invalid_model_options(name, options):
    option = next(iter(options))  # the error is about the option given, not another one
    with pytest.raises(ConfigError, match=rf"^{option}\b|has no option {option};"):
        resolve("model", name)(**options)


def test_none_written_as_text_is_none_where_none_is_a_choice():
    assert resolve("model", "logreg")(class_weight="none").params["class_weight"] is None
    assert resolve("model", "logreg")(class_weight=" None ").params["class_weight"] is None
    assert resolve("vectorizer", "tfidf")(norm="NONE").params["norm"] is None
    with pytest.raises(ConfigError, match="pooling='none' is not valid"):  # None is no choice of pooling
        resolve("vectorizer", "word2vec")(pooling="none")
    assert resolve("vectorizer", "tfidf")(max_features="None").params["max_features"] is None  # a number or None
    with pytest.raises(ConfigError, match="min_count must be a whole number of at least 1, not 'none'"):
        resolve("vectorizer", "word2vec")(min_count="none")  # None is no choice of min_count


def test_an_option_that_may_be_none_says_so():
    with pytest.raises(ConfigError, match=r"max_features must be a whole number of at least 1 \(or None: no limit\), not 0"):
        resolve("vectorizer", "tfidf")(max_features=0)
    assert resolve("vectorizer", "tfidf")(max_features=None).params["max_features"] is None
    with pytest.raises(ConfigError, match=r"C must be a number between 1e-06 and 1000000.0, not 0$"):
        resolve("model", "logreg")(C=0)


def test_invalid_option_value_in_pipeline_fails_at_fit(binary):
    pipe = Pipeline("tfidf", "logreg", C=-3)
    with pytest.raises(ConfigError, match="C must be"):
        pipe.fit(binary.train_texts, binary.train_labels)


def test_linearsvm_needs_two_examples_per_class():
    with pytest.raises(ConfigError, match="at least 2 examples"):
        Pipeline("tfidf", "linearsvm").fit(["good film", "great film", "bad film"], ["p", "p", "n"])


def test_linearsvm_fits_the_same_model_twice(five):
    fits = [Pipeline("tfidf", "linearsvm", C=100.0).fit(five.train_texts, five.train_labels) for _ in range(2)]
    np.testing.assert_array_equal(fits[0].predict_proba(five.dev_texts), fits[1].predict_proba(five.dev_texts))


@pytest.mark.parametrize("model", [name for name in MODELS if "class_weight" in resolve("model", name).defaults])
def test_class_weight_balanced_weighs_the_rare_class_up(binary, model):
    texts, labels = binary.train_texts[:60] + binary.train_texts[60::4], binary.train_labels[:60] + ["pos"] * 35
    assert labels.count("neg") < labels.count("pos") / 2
    rare = {}
    for class_weight in (None, "balanced"):
        pipe = Pipeline("tfidf", model, class_weight=class_weight).fit(texts, labels)
        assert pipe.score(binary.dev_texts, binary.dev_labels) > 0.8
        rare[class_weight] = pipe.predict_proba(binary.dev_texts)[:, pipe.classes_.tolist().index("neg")]
    if model == "linearsvm":  # Platt scaling refits the probabilities to the class shares: the model differs
        assert not np.allclose(rare[None], rare["balanced"], atol=1e-3)
    else:
        assert rare["balanced"].mean() > rare[None].mean() + 0.02


@pytest.mark.parametrize("model", MODELS)
def test_fitting_leaves_numpy_global_generator_alone(binary, model):
    """Every classical model as registered: one whose scikit-learn estimator is not given a random_state draws
    from numpy's global generator (and fits a different model each run)."""
    before = np.random.get_state()
    Pipeline("tfidf", model).fit(binary.train_texts, binary.train_labels)
    after = np.random.get_state()
    assert np.array_equal(after[1], before[1]) and after[2] == before[2]  # the key and the position in it


@pytest.mark.parametrize("model", MODELS)
def test_every_classical_model_reads_sample_weight(binary, model):
    """A model (as registered) whose training drops the rows' weights (``self._sample_weight``) fails here: it
    would give the probabilities of the unweighted fit (compared as log-probabilities: naive Bayes is sure)."""
    texts, labels = binary.train_texts, binary.train_labels
    weights = np.ones(len(texts))
    weights[:30] = 5.0
    plain = Pipeline("count", model).fit(texts, labels).predict_proba(binary.dev_texts)
    weighted = Pipeline("count", model).fit(texts, labels, sample_weight=weights).predict_proba(binary.dev_texts)
    assert np.abs(np.log(weighted) - np.log(plain)).max() > 0.05


def test_not_fitted_pipeline():
    with pytest.raises(NotFittedError, match="not fitted"):
        Pipeline().predict_proba(["good"])
    with pytest.raises(NotFittedError):
        Pipeline().annotate(["good"])
    with pytest.raises(NotFittedError):
        Pipeline().save("/tmp/never-written")
    with pytest.raises(NotFittedError):
        resolve("model", "logreg")().predict_proba(sp.csr_matrix((1, 3)))


@pytest.mark.parametrize("method", ["predict", "score"])
def test_not_fitted_predict_raises_not_fitted_error(method):
    args = (["good"],) if method == "predict" else (["good"], ["pos"])
    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(Pipeline(), method)(*args)


def test_fitted_attributes_of_an_unfitted_pipeline_say_so():
    pipe = Pipeline()
    with pytest.raises(NotFittedError, match="not fitted yet, so it has no classes_"):
        pipe.classes_
    assert not hasattr(pipe, "label_names_")  # still an AttributeError: hasattr and check_is_fitted work
    with pytest.raises(AttributeError, match="no attribute 'n_features_in_'"):
        pipe.n_features_in_


def test_not_fitted_error_is_a_value_error_and_an_attribute_error():
    assert issubclass(NotFittedError, SentimentError)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    with pytest.raises(ValueError, match="not fitted"):  # as scikit-learn's NotFittedError
        Pipeline().predict(["good"])
    pipe = Pipeline()
    assert not hasattr(pipe, "classes_")  # still an AttributeError for hasattr
    with pytest.raises(ValueError, match="not fitted"):
        pipe.classes_


def test_default_pipeline_and_options_for():
    from sentiment.pipeline import DEFAULT_MODEL, DEFAULT_VECTORIZER

    pipe = Pipeline()
    assert (pipe.vectorizer_name, pipe.model) == (DEFAULT_VECTORIZER, DEFAULT_MODEL)
    assert pipe.get_params() == {"vectorizer": None, "model": DEFAULT_MODEL}  # None: the one the model reads
    options = Pipeline.options_for("tfidf", "nbsvm")
    assert set(options) == {"cleaner", "vectorizer", "model", "pipeline"}
    assert options["pipeline"] == {"grouping": None, "tune_fraction": 0.1}
    assert options["model"] == resolve("model", "nbsvm").defaults
    assert options["vectorizer"]["sublinear_tf"] is True and options["vectorizer"]["ngram_range"] == (1, 2)
    assert options["cleaner"] == Cleaner().to_dict()
    assert "vector_size" in Pipeline.options_for("word2vec", "logreg")["vectorizer"]
    with pytest.raises(ConfigError):
        Pipeline.options_for("tfidf", "forest")


def test_fit_with_dev_data(binary):
    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels,
                                           dev=(binary.dev_texts, binary.dev_labels))
    assert pipe.score(binary.dev_texts, binary.dev_labels) > 0.85
    with pytest.raises(sentiment.DataError, match=r"^dev label\(s\) meh are none of the training labels \(neg, pos\)"):
        Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels, dev=(["good"], ["meh"]))


def test_models_package_docstring_names_real_classes():
    import importlib
    import re

    import sentiment.models

    names = re.findall(r":class:`([\w.]+)`", sentiment.models.__doc__)
    assert names
    for name in names:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), name


def test_a_model_whose_weights_come_out_in_another_shape_fails_as_it_is_trained():
    """A new model class that gives its weights as one flat row (RidgeClassifier's coef_ for two classes) is
    told so by fit, not later by an IndexError when it first predicts."""
    from sentiment.models.classical import LogisticRegressionModel, Trained

    class FlatWeights(LogisticRegressionModel):
        def _train(self, X, y, n_classes):
            coef, intercept, link, calibration = super()._train(X, y, n_classes)
            return Trained(coef.ravel(), intercept, "softmax", calibration)  # softmax wants two rows

    X = sp.random(20, 5, density=0.5, format="csr", random_state=0)
    with pytest.raises(ValueError, match=r"weights have shapes \(5,\) and \(1,\) \(intercept\), expected \(2, 5\)"):
        FlatWeights().fit(X, np.array([0, 1] * 10))


def test_linearsvm_probabilities_never_turn_its_scores_around():
    """On 40 texts the Platt scaling learnt on held-out folds can come out decreasing (a > 0), which turned
    every prediction around (0% on the training texts); the plain sigmoid of the scores is used then."""
    import pandas as pd
    from pathlib import Path

    frame = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "sample_reviews.csv")
    pipe = Pipeline("tfidf", "linearsvm").fit(frame.text, frame.label)
    a, _ = pipe.model_.calibration_
    assert (a < 0).all()
    assert pipe.score(frame.text, frame.label) > 0.9
    scores = pipe.model_.decision_function(pipe.vectorizer_.transform(pipe.cleaner_.tokens_of(frame.text.tolist())))
    assert np.array_equal(pipe.predict_proba(frame.text)[:, 1] > 0.5, scores[:, 0] > 0)  # the SVM's own sides


def test_linearsvm_texts_of_weight_zero_count_nowhere_not_even_in_the_calibration_folds():
    """liblinear drops them; so do the calibration folds, else a fold could hold no text of a class that
    weighs (a traceback from scikit-learn with three classes or more, a skewed calibration with two)."""
    rng = np.random.default_rng(0)
    X = sp.csr_matrix(rng.random((60, 12)) * (rng.random((60, 12)) > 0.5))
    y = np.arange(60) % 2
    weights = np.ones(60)
    weights[np.flatnonzero(y == 1)[2:]] = 0  # class 1: 2 texts that weigh, 28 that do not
    weighted = resolve("model", "linearsvm")().fit(X, y, sample_weight=weights)
    kept = weights > 0
    dropped = resolve("model", "linearsvm")().fit(X[kept], y[kept])
    np.testing.assert_allclose(weighted.predict_proba(X), dropped.predict_proba(X), rtol=1e-6)
    y5 = np.arange(60) % 5
    weights5 = np.where((y5 == 0) & (np.arange(60) >= 5), 0.0, 1.0)  # class 0: one text that weighs
    with pytest.raises(ConfigError, match="linearsvm needs at least 2 examples of every class .*each of a weight above 0.*"
                                         r"\(logreg, nbsvm\)$"):
        resolve("model", "linearsvm")().fit(X, y5, sample_weight=weights5)



def test_the_linear_models_sigmoid_is_scipys_expit_without_importing_scipy():
    import subprocess
    import sys

    from scipy.special import expit

    from sentiment.models.classical import _sigmoid

    x = np.concatenate([np.linspace(-700, 700, 20001), [-41.0, 0.0, 41.0, np.inf, -np.inf]]).reshape(-1, 1)
    np.testing.assert_allclose(_sigmoid(x), expit(x), rtol=1e-12, atol=0)  # the tail too: 1.6e-18 at -41, not 0
    code = ("import sys, sentiment; p = sentiment.load(); p.predict_proba(['not bad at all']); "
            "print('scipy.special' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout.strip() == "False"


@pytest.mark.parametrize("model", ["logreg", "linearsvm", "nbsvm"])
def test_max_iter_is_bounded_where_the_solvers_can_count_it(model):
    """liblinear counts iterations in a 32-bit whole number: a larger max_iter failed in scikit-learn."""
    with pytest.raises(ConfigError, match=r"max_iter must be a whole number between 1 and 1000000000, not 2147483648$"):
        resolve("model", model)(max_iter=2**31)
    assert resolve("model", model)(max_iter=10**9).params["max_iter"] == 10**9


def test_a_saved_model_of_a_larger_max_iter_still_loads(binary, tmp_path):
    """The bound came after such models could be saved (a multi-class logreg's lbfgs counts past 32 bits)."""
    import json

    import sentiment

    path = sentiment.Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels).save(tmp_path / "m")
    config = json.loads((path / "config.json").read_text())
    config["stages"]["model"]["params"]["max_iter"] = 5_000_000_000
    (path / "config.json").write_text(json.dumps(config))
    assert sentiment.load(path).model_.params["max_iter"] == 5_000_000_000
