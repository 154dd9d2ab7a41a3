"""Pipeline as a scikit-learn estimator: clone, cross_val_score, GridSearchCV, get/set_params (also options
set as attributes or given as numpy numbers), score."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score

from sentiment import AbsentLabelWarning, ConfigError, DataError, Pipeline, TextVectorizer


def test_get_params_and_set_params_round_trip():
    pipe = Pipeline("tfidf", "logreg", C=2.0, ngram_range=(1, 3), negation=False)
    params = pipe.get_params()
    assert params == {"vectorizer": "tfidf", "model": "logreg", "C": 2.0, "ngram_range": (1, 3), "negation": False}
    other = Pipeline().set_params(**params)
    assert other.get_params() == params
    assert other.C == 2.0 and other.ngram_range == (1, 3)
    assert pipe.set_params(C=5.0) is pipe and pipe.get_params()["C"] == 5.0
    assert "C=5.0" in repr(pipe)
    assert pipe.sublinear_tf is True and "sublinear_tf" not in pipe.get_params()  # not set: the stage's default
    assert TextVectorizer("word2vec").vector_size == 100 and Pipeline("word2vec", "lstm").hidden_size == 128
    with pytest.raises(AttributeError):
        pipe.hidden_size  # an option of no chosen stage (the lstm's)
    with pytest.raises(AttributeError):
        Pipeline().set_params(model="forest").C  # no such model (fit says so): no defaults to read


def test_clone_copies_params_not_fitted_state(fitted):
    pipe = fitted("tfidf", "logreg")
    copy = clone(pipe)
    assert copy is not pipe and copy.get_params() == pipe.get_params()
    assert not hasattr(copy, "model_") and hasattr(pipe, "model_")
    assert is_classifier(pipe)


def test_set_params_then_fit_uses_new_values(binary):
    pipe = Pipeline("tfidf", "logreg").set_params(C=0.01)
    pipe.fit(binary.train_texts, binary.train_labels)
    assert pipe.model_.params["C"] == 0.01
    pipe.set_params(model="nb", C=1.0)
    with pytest.raises(ConfigError, match="unknown option 'C'"):  # nb has no C
        pipe.fit(binary.train_texts, binary.train_labels)


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
    with pytest.raises(ValueError, match="unknown option 'max_depth'"):  # scikit-learn's convention for a bad name
        pipe.set_params(max_depth=3)
    # values, and options of other stages (so a grid can switch models), are left to fit
    assert pipe.set_params(model="nb", C=1.0).get_params()["model"] == "nb"
    assert pipe.set_params(model="forest").model == "forest"
    with pytest.raises(ConfigError, match="unknown model 'forest'"):
        pipe.fit(["good", "bad"], ["p", "n"])


def test_unknown_option_in_constructor():
    with pytest.raises(ConfigError, match="unknown option 'max_depth'"):
        Pipeline("tfidf", "logreg", max_depth=3)


def test_numpy_values_from_a_grid_are_options_like_python_ones(binary):
    from sklearn.model_selection import GridSearchCV

    texts, labels = binary.train_texts[:60], binary.train_labels[:60]
    search = GridSearchCV(Pipeline("tfidf", "logreg"), {"lowercase": np.array([True, False]),
                                                        "ngram_range": [np.array([1, 2])]}, cv=2).fit(texts, labels)
    assert search.best_estimator_.cleaner_.lowercase in (True, False)
    pipe = clone(Pipeline("tfidf", "logreg", negation_scope=np.int64(1), min_df=np.int64(1))).fit(texts, labels)
    assert pipe.cleaner_.negation_scope == 1 and type(pipe.cleaner_.negation_scope) is int
    from collections import namedtuple

    import pandas as pd

    span = namedtuple("Span", "low high")
    fitted = Pipeline("tfidf", "logreg", ngram_range=span(1, 2), min_df=pd.Series([1]).iloc[0]).fit(texts, labels)
    assert fitted.vectorizer_.params["ngram_range"] == (1, 2)
    with pytest.raises(ConfigError, match="lowercase must be true or false"):
        Pipeline("tfidf", "logreg", lowercase=np.array([True, False])).fit(texts, labels)  # an array is no bool


def test_cross_val_score(binary):
    scores = cross_val_score(Pipeline("tfidf", "logreg"), binary.train_texts, binary.train_labels, cv=3)
    assert scores.shape == (3,)
    assert scores.min() > 0.8


def test_cross_val_score_five_classes_macro_f1(five):
    scores = cross_val_score(Pipeline("count", "complement_nb"), five.train_texts, five.train_labels, cv=3,
                             scoring="f1_macro")
    assert scores.min() > 0.6


def test_grid_search(binary):
    search = GridSearchCV(Pipeline("tfidf", "logreg"), {"C": [0.01, 1.0], "model": ["logreg", "nbsvm"]}, cv=3)
    search.fit(binary.train_texts, binary.train_labels)
    assert len(search.cv_results_["params"]) == 4
    assert set(search.best_params_) == {"C", "model"}
    assert search.best_score_ > 0.8
    assert search.best_estimator_.model == search.best_params_["model"]
    assert search.score(binary.dev_texts, binary.dev_labels) > 0.8
    assert list(search.predict(["a superb film"])) == ["pos"]
    np.testing.assert_allclose(search.predict_proba(binary.dev_texts).sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(search.predict_log_proba(binary.dev_texts)),  # GridSearchCV hands it on
                               search.predict_proba(binary.dev_texts), rtol=1e-12)


def test_numpy_numbers_are_options_as_in_a_grid(binary):
    texts, labels = binary.train_texts[:40], binary.train_labels[:40]
    pipe = Pipeline("tfidf", "logreg", min_df=np.int64(1), C=np.float64(2.0), ngram_range=np.array([1, 2]))
    pipe.fit(texts, labels)
    assert pipe.vectorizer_.params["ngram_range"] == (1, 2) and type(pipe.vectorizer_.params["min_df"]) is int
    search = GridSearchCV(Pipeline("count", "logreg"), {"min_df": np.arange(1, 3)}, cv=2, error_score="raise")
    assert search.fit(texts, labels).best_params_["min_df"] in (1, 2)


def test_score_is_accuracy(fitted, binary):
    pipe = fitted("count", "nb")
    predictions = pipe.predict(binary.dev_texts)
    expected = np.mean(predictions == np.array(binary.dev_labels))
    assert pipe.score(binary.dev_texts, binary.dev_labels) == pytest.approx(expected)
    flipped = ["pos" if y == "neg" else "neg" for y in binary.dev_labels]
    assert pipe.score(binary.dev_texts, flipped) == pytest.approx(1 - expected)


def test_score_counts_a_label_never_seen_in_training_as_wrong(fitted, binary):
    """As scikit-learn's accuracy does, so that a cross-validation fold whose training part lacks a class
    scores rather than failing (evaluate, a report of classes, still refuses such labels)."""
    from sklearn.model_selection import KFold

    from sentiment.evaluation import evaluate

    pipe = fitted("count", "nb")
    texts, gold = binary.dev_texts, list(binary.dev_labels)
    longer = [y + "_WRONG" for y in gold]  # would match if cut to the classes' string width
    with pytest.warns(AbsentLabelWarning, match=r"none of the labels is one the model knows \(neg, pos\), so "
                                                "every text counts as wrong: name the labels as the model does"):
        assert pipe.score(texts, longer) == 0.0
    mixed = ["other" if i % 3 == 0 else y for i, y in enumerate(gold)]
    right = pipe.predict(texts) == np.array(gold)
    assert pipe.score(texts, mixed) == pytest.approx(np.mean(right & (np.arange(len(gold)) % 3 != 0)))
    with pytest.raises(DataError, match="not seen in training"):
        evaluate(pipe, texts, longer)
    three = ["a"] * 14 + ["b"] * 14 + ["c"] * 12  # the last fold's class is in no training part
    with pytest.warns(AbsentLabelWarning, match="unless this is a cross-validation fold of a class"):
        scores = cross_val_score(Pipeline("count", "logreg"), binary.train_texts[:40], three, cv=KFold(3),
                                 error_score="raise")
    assert np.isfinite(scores).all() and scores[2] == 0.0


def test_bool_labels_and_0_1_labels_name_the_same_classes(binary):
    """As scikit-learn compares them (True == 1): not every label 'never seen', a score of 0."""
    from sentiment.evaluation import evaluate

    flags = [y == "pos" for y in binary.train_labels]
    as_bools = Pipeline("count", "logreg").fit(binary.train_texts, flags)
    as_ints = Pipeline("count", "logreg").fit(binary.train_texts, [int(f) for f in flags])
    dev_flags = [y == "pos" for y in binary.dev_labels]
    expected = as_bools.score(binary.dev_texts, dev_flags)
    assert expected > 0.8
    assert as_bools.score(binary.dev_texts, [int(f) for f in dev_flags]) == expected
    assert as_ints.score(binary.dev_texts, dev_flags) == as_ints.score(binary.dev_texts, [int(f) for f in dev_flags])
    assert evaluate(as_ints, binary.dev_texts, dev_flags)["accuracy"] == pytest.approx(as_ints.score(binary.dev_texts, dev_flags))


def test_score_of_several_labels_counts_an_unseen_label_as_never_predicted():
    texts = ["glad and happy", "so furious", "glad but furious", "scared stiff"] * 10
    labels = [["joy"], ["anger"], ["joy", "anger"], ["fear"]] * 10
    pipe = Pipeline("tfidf", "logreg", tune_fraction=0).fit(texts, labels)
    subset = texts[:4]
    perfect = pipe.score(subset, labels[:4])
    assert perfect == 1.0
    # a fourth label, true of one text and never predicted: its F1 of 0 joins the mean of the three
    assert pipe.score(subset, [["joy"], ["anger"], ["joy", "anger"], ["fear", "surprise"]]) == pytest.approx(3 / 4)


def test_score_refuses_labels_not_one_per_text_and_data_frames(fitted, binary):
    import pandas as pd

    pipe = fitted("count", "nb")
    with pytest.raises(DataError, match="texts but .* labels"):
        pipe.score(binary.dev_texts, binary.dev_labels[:-1])
    from sentiment.evaluation import evaluate

    with pytest.raises(DataError, match="texts but .* labels"):
        evaluate(pipe, binary.dev_texts, binary.dev_labels[:-1])
    frame = pd.DataFrame({"text": binary.dev_texts})
    with pytest.raises(DataError, match="not a DataFrame"):
        pipe.predict(frame)
    assert list(pipe.predict(frame["text"])) == list(pipe.predict(binary.dev_texts))


def test_score_with_labels_that_are_not_a_list(fitted, binary):
    with pytest.raises(DataError, match="not NoneType"):
        fitted("tfidf", "logreg").score(binary.dev_texts[:3], None)


def test_not_fitted_is_scikit_learns_not_fitted_error_too():
    """`except sklearn.exceptions.NotFittedError` catches ours (scikit-learn imported: a subclass of both)."""
    import pickle

    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    import sentiment

    for call in (lambda: Pipeline().predict(["a"]), lambda: TextVectorizer().transform(["a"]),
                 lambda: Pipeline().classes_):
        with pytest.raises(SklearnNotFittedError) as caught:
            call()
        assert isinstance(caught.value, sentiment.NotFittedError) and isinstance(caught.value, AttributeError)
        again = pickle.loads(pickle.dumps(caught.value))  # as joblib's workers send it back
        assert type(again) is type(caught.value) and str(again) == str(caught.value)
    assert not hasattr(Pipeline(), "classes_")


def test_errors_with_details_pickle_whole_so_parallel_workers_report_them():
    import pickle

    from sentiment import errors

    for error in (errors.MissingColumnsError("no column 'text'", ["text"], ["review"]),
                  errors.SeparatorError("joined by '|'", "|"),
                  errors.UnknownLabelsError("unknown label", ["x"], ["a", "b"]),
                  errors.UngroupedLabelError("not grouped", "x", "ekman"),
                  errors.AbsentLabelWarning("absent", ["x"], ["a"])):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error)
        assert {name: getattr(again, name) for name in error._details} == {
            name: getattr(error, name) for name in error._details} != {}


def test_a_data_error_in_a_parallel_cross_validation_arrives_as_itself():
    texts = ["glad", "sad", "angry", "calm"] * 3
    with pytest.raises(DataError, match="is not in the ekman grouping"):
        cross_val_score(Pipeline(grouping="ekman"), texts, [0, 1, 2, 3] * 3, cv=2, n_jobs=2, error_score="raise")


def test_text_classes_are_an_object_array_so_predictions_take_any_label(tmp_path):
    """As scikit-learn keeps them: a fixed-width array would cut a longer label written into the predictions."""
    import sentiment

    texts, labels = ["good", "bad", "great", "awful"], ["pos", "neg", "pos", "neg"]
    pipe = Pipeline().fit(texts, labels)
    pipe.save(tmp_path / "m")
    for fitted in (pipe, sentiment.load(tmp_path / "m")):
        predicted = fitted.predict(["good"])
        assert fitted.classes_.dtype == object and predicted.dtype == object
        predicted[0] = "very positive"
        assert predicted[0] == "very positive"
    assert Pipeline().fit(texts, [1, 0, 1, 0]).classes_.dtype.kind == "i"  # numbers stay numbers


@pytest.mark.parametrize("make, name", [(lambda: Pipeline("tfidf", "logreg", C=1.0), "C"),
                                        (lambda: TextVectorizer("tfidf", min_df=1), "min_df")])
def test_a_shallow_copy_has_options_of_its_own(make, name):
    """As with scikit-learn's estimators, changing a copy.copy (set_params, an attribute, del) leaves the
    original as it was."""
    import copy

    original = make()
    before = original.get_params()
    copied = copy.copy(original)
    copied.set_params(**{name: 3})
    assert getattr(copied, name) == 3 and original.get_params() == before
    setattr(copied, name, 4)
    assert getattr(copied, name) == 4 and original.get_params() == before
    again = copy.copy(copied)
    delattr(again, name)
    assert name not in again.get_params() and getattr(copied, name) == 4 and original.get_params() == before


def test_continuous_labels_are_refused_as_scikit_learns_classifiers_refuse_them(binary):
    scores = np.linspace(0.01, 0.99, len(binary.train_texts))
    with pytest.raises(DataError, match=r"labels are numbers that are not whole \(e\.g\. 0\.01\).*bin them"):
        Pipeline().fit(binary.train_texts, scores)
    stars = np.array([1.0, 2.0, 3.0, 4.0, 5.0] * (len(binary.train_texts) // 5))  # whole numbers: classes
    assert Pipeline().fit(binary.train_texts[:len(stars)], stars).classes_.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_a_loaded_pipeline_has_the_parameters_it_was_saved_with(binary, tmp_path):
    """A vectorizer left to the model stays None, so a clone of the loaded model given another model
    takes that model's vectorizer, as a clone of the fitted one does."""
    from sentiment import load

    pipe = Pipeline(model="nbsvm", C=2.0).fit(binary.train_texts, binary.train_labels)
    pipe.save(tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert loaded.get_params() == pipe.get_params() == {"vectorizer": None, "model": "nbsvm", "C": 2.0}
    assert loaded.vectorizer_name == "tfidf" and loaded.vectorizer_.name == "tfidf"
    other = clone(loaded).set_params(model="nb", C=None)
    del other.C
    assert other.build_stages()[1].name == clone(pipe).set_params(model="nb").vectorizer_name


@pytest.mark.parametrize("options", [{"tune_fraction": 5}, {"grouping": "nope"}])
def test_option_values_are_checked_by_fit_not_by_the_constructor_that_clone_calls(binary, options):
    pipe = Pipeline().set_params(**options)
    assert clone(pipe).get_params() == pipe.get_params()  # scikit-learn's clone does not raise
    with pytest.raises(ValueError, match="All the 2 fits failed"):  # each fit failed (not clone, before them)
        cross_val_score(pipe, binary.train_texts, binary.train_labels, cv=2, error_score=np.nan)
    with pytest.raises(ConfigError, match=next(iter(options))):
        pipe.fit(binary.train_texts, binary.train_labels)


def test_a_saved_linear_model_predicts_bit_for_bit_as_before_it_was_saved(five, tmp_path):
    """Its weights are kept in C order when fitted, as they are read back: the same sums, the same bits
    (scikit-learn's multinomial weights come in Fortran order)."""
    from sentiment import load

    pipe = Pipeline("word2vec", "logreg", seed=0).fit(five.train_texts, five.train_labels)
    pipe.save(tmp_path / "m")
    np.testing.assert_array_equal(load(tmp_path / "m").predict_proba(five.dev_texts), pipe.predict_proba(five.dev_texts))


def test_sample_weight_reaches_fit_and_score_through_metadata_routing(binary):
    import sklearn
    from sklearn.model_selection import cross_validate

    texts, labels = binary.train_texts, binary.train_labels
    weights = np.where(np.arange(len(texts)) % 3 == 0, 5.0, 0.5)
    unrouted = cross_validate(Pipeline(), texts, labels, cv=3, params={"sample_weight": weights})["test_score"]
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(ValueError, match="not explicitly set as requested or not requested for Pipeline.fit"):
            cross_validate(Pipeline(), texts, labels, cv=3, params={"sample_weight": weights})
        asked = Pipeline().set_fit_request(sample_weight=True).set_score_request(sample_weight=False)
        assert clone(asked).get_metadata_routing().fit.requests == {"sample_weight": True}
        routed = cross_validate(asked, texts, labels, cv=3, params={"sample_weight": weights})["test_score"]
        np.testing.assert_array_equal(routed, unrouted)  # the weights reached fit, and not score, as without routing
        scored = cross_validate(clone(asked).set_score_request(sample_weight=True), texts, labels, cv=3,
                                params={"sample_weight": weights})["test_score"]
        folds = StratifiedKFold(3).split(texts, labels)
        expected = [Pipeline().fit([texts[i] for i in train], [labels[i] for i in train], sample_weight=weights[train])
                    .score([texts[i] for i in test], [labels[i] for i in test], sample_weight=weights[test])
                    for train, test in folds]
        np.testing.assert_allclose(scored, expected)  # the weights reached score too
    with pytest.raises(ConfigError, match="must be True, False, None or a name"):
        Pipeline().set_fit_request(sample_weight=3)
    from sentiment import Ensemble

    member = Pipeline().fit(texts, labels)
    ensemble = Ensemble([member, member]).set_fit_request(sample_weight="w")
    assert clone(ensemble).get_metadata_routing().fit.requests == {"sample_weight": "w"}


@pytest.mark.parametrize("model", ["logreg", "linearsvm", "nbsvm", "nb"])
def test_decision_function_of_the_linear_models_is_scikit_learns(binary, model):
    from sklearn.metrics import roc_auc_score

    pipe = Pipeline(model=model).fit(binary.train_texts, binary.train_labels)
    scores = pipe.decision_function(binary.dev_texts)
    assert scores.shape == (len(binary.dev_texts),)  # two classes: one score, for classes_[1]
    predicted = pipe.predict(binary.dev_texts)
    if model in ("logreg", "nb"):  # the same ranking as predict_proba's (linearsvm's and nbsvm's are calibrated)
        assert ((scores > 0) == (predicted == pipe.classes_[1])).all()
    assert roc_auc_score(binary.dev_labels, scores) > 0.5


def test_scikit_learn_scorers_read_decision_function_as_scores(binary):
    """scikit-learn tells scores by the method's name: a scorer for classes_[0] flips them, and calibration takes
    them (a method named otherwise gave an average precision of its opposite and failed calibration)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.metrics import average_precision_score, make_scorer

    pipe = Pipeline(model="logreg").fit(binary.train_texts, binary.train_labels)
    first, second = pipe.classes_
    scores = pipe.decision_function(binary.dev_texts)
    for label, sign in ((first, -1), (second, 1)):
        scorer = make_scorer(average_precision_score, response_method="decision_function", pos_label=label)
        assert scorer(pipe, binary.dev_texts, binary.dev_labels) == pytest.approx(
            average_precision_score(np.asarray(binary.dev_labels) == label, sign * scores))
    calibrated = CalibratedClassifierCV(FrozenEstimator(pipe)).fit(binary.dev_texts, binary.dev_labels)
    assert calibrated.predict_proba(binary.dev_texts[:3]).shape == (3, 2)


def test_decision_function_has_a_column_per_class_and_the_networks_have_none(binary):
    labels = [label if i % 5 else "neutral" for i, label in enumerate(binary.train_labels)]
    three = Pipeline(model="logreg").fit(binary.train_texts, labels)
    assert three.decision_function(["a fine film"]).shape == (1, 3)
    assert not hasattr(Pipeline(model="mlp"), "decision_function") and hasattr(Pipeline(), "decision_function")
    with pytest.raises(AttributeError, match=r"model 'lstm' has no decision_function \(its scores are probabilities: "
                                             r"predict_proba\)"):
        Pipeline(model="lstm").decision_function(["x"])
    assert not hasattr(Pipeline().set_params(model="bogus"), "decision_function")  # (fit names the bad model)
