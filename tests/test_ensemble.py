"""Ensembles of fitted pipelines: averaging, checks of members, weights and labels, saved ensembles refused when
damaged; and the CLI commands ensemble / export / fit --report for neural models."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

import sentiment
from sentiment import ConfigError, DataError, Ensemble, ModelFileError, Pipeline
from sentiment.errors import UnknownLabelsError
from sentiment.cli import app

from conftest import edit_config

runner = CliRunner()


@pytest.fixture(scope="module")
def members(binary):
    a = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    b = Pipeline("count", "nbsvm", negation=False).fit(binary.train_texts, binary.train_labels)
    return a, b


def test_ensemble_averages_member_probabilities(members, binary):
    a, b = members
    texts = binary.dev_texts[:20]
    expected = (a.predict_proba(texts) + 3 * b.predict_proba(texts)) / 4
    ensemble = Ensemble([a, b], weights=[1, 3])
    np.testing.assert_allclose(ensemble.predict_proba(texts), expected, rtol=1e-12)
    assert list(ensemble.predict(texts)) == list(a.classes_[expected.argmax(axis=1)])
    assert ensemble.annotate(texts[:1])[0]["label"] in a.label_names_
    assert repr(ensemble) == ("Ensemble([Pipeline(vectorizer='tfidf', model='logreg'), Pipeline(vectorizer='count', "
                              "model='nbsvm', negation=False)], weights=[1.0, 3.0])")
    assert repr(Ensemble([a, b])) == f"Ensemble([{a!r}, {b!r}])"


def test_the_smallest_weights_lose_no_precision(members, binary):
    a, b = members
    for weights in ([5e-324, 0.0], [1e-320, 0.0]):  # weights that pass the checks: a's probabilities exactly
        np.testing.assert_array_equal(Ensemble([a, b], weights=weights).predict_proba(binary.dev_texts),
                                      a.predict_proba(binary.dev_texts))


@pytest.mark.parametrize("key", ["weights", "members"])
def test_an_ensemble_config_without_a_needed_entry_says_which(fitted, tmp_path, key):
    path = tmp_path / "ens"
    Ensemble([fitted("tfidf", "logreg"), fitted("count", "nb")]).save(path)
    config = json.loads((path / "config.json").read_text())
    del config[key]
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelFileError, match=rf"config.json has no '{key}' entry\); build it again"):
        Ensemble.load(path)


def test_an_ensemble_is_a_fitted_scikit_learn_classifier(members, binary):
    """Scorers, clone, check_is_fitted, set_params; and fit trains fresh copies of the members, so that
    cross_val_score scores the combination of their settings."""
    from sklearn.base import clone, is_classifier
    from sklearn.metrics import get_scorer
    from sklearn.model_selection import cross_val_score
    from sklearn.utils.validation import check_is_fitted

    a, b = members
    ensemble = Ensemble([a, b])
    texts, labels = binary.dev_texts, binary.dev_labels
    assert is_classifier(ensemble)
    check_is_fitted(ensemble)
    assert get_scorer("accuracy")(ensemble, texts, labels) == pytest.approx(ensemble.score(texts, labels))
    assert 0 <= get_scorer("roc_auc")(ensemble, texts, labels) <= 1
    copy = clone(ensemble)
    assert copy is not ensemble and copy.members == ensemble.members  # the same fitted members: not unfitted
    assert copy.set_params(weights=[1, 3]) is copy and copy.weights == [1.0, 3.0] and ensemble.weights is None
    with pytest.raises(ConfigError, match="weights"):
        copy.set_params(weights=[1])
    with pytest.raises(ConfigError, match="unknown parameter 'C' of an Ensemble"):
        copy.set_params(C=1)
    before = a.predict_proba(texts)
    scores = cross_val_score(ensemble, binary.train_texts, binary.train_labels, cv=3)
    assert np.isfinite(scores).all() and ensemble.members[0] is a
    np.testing.assert_array_equal(a.predict_proba(texts), before)  # the members given are not refitted
    refit = clone(ensemble).fit(binary.train_texts[:30], binary.train_labels[:30])
    assert all(m is not old for m, old in zip(refit.members, (a, b)))
    assert [m.get_params() for m in refit.members] == [a.get_params(), b.get_params()]


def test_an_ensemble_of_untrained_members_is_settings_that_fit_trains(members, binary, tmp_path, monkeypatch):
    """As scikit-learn's VotingClassifier takes its estimators: not fitted until fit, then as one of the same
    members trained."""
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError
    from sklearn.model_selection import cross_val_score
    from sklearn.utils.validation import check_is_fitted

    a, b = members
    texts, labels = binary.train_texts, binary.train_labels
    ensemble = Ensemble([Pipeline(**a.get_params()), Pipeline(**b.get_params())], weights=[2, 1])
    for use in (lambda: ensemble.predict(texts), lambda: ensemble.predict_proba(texts), lambda: ensemble.score(texts, labels),
                lambda: ensemble.explain(texts[:1]), lambda: ensemble.save(tmp_path / "never"), lambda: check_is_fitted(ensemble)):
        with pytest.raises(SklearnNotFittedError):  # (ours is one, as check_is_fitted's own)
            use()
    with pytest.raises(sentiment.NotFittedError, match="this Ensemble's members are not trained yet; call fit"):
        ensemble.predict(texts)
    assert not (tmp_path / "never").exists()
    scores = cross_val_score(ensemble, texts, labels, cv=3)
    assert np.isfinite(scores).all() and not ensemble.__sklearn_is_fitted__()  # cross_val_score fits copies
    trained = Ensemble([a, b], weights=[2, 1])
    assert ensemble.fit(texts, labels) is ensemble and ensemble.weights == [2.0, 1.0]
    check_is_fitted(ensemble)
    np.testing.assert_allclose(ensemble.predict_proba(binary.dev_texts), trained.fit(texts, labels).predict_proba(binary.dev_texts))
    with pytest.raises(ConfigError, match=r"give one threshold in \[0, 1\] per label$"):
        Ensemble([Pipeline(), Pipeline()], thresholds=[0.5, 2])
    trained = Ensemble([Pipeline(**a.get_params()), Pipeline(**b.get_params())]).fit(texts, (y for y in labels))
    assert [len(m.classes_) for m in trained.members] == [2, 2]  # labels given once (a generator) reach every member
    fits = []
    monkeypatch.setattr(Pipeline, "fit", lambda self, *args, **kwargs: fits.append(self))
    with pytest.raises(ConfigError, match="thresholds apply to models with several labels per text only, and these"):
        Ensemble([Pipeline(**a.get_params()), Pipeline(**b.get_params())], thresholds=[0.5, 0.5]).fit(texts, labels)
    assert fits == []  # refused before any member trained


def test_an_ensemble_in_a_search_and_in_a_scikit_learn_pipeline(members, binary):
    """A search over the weights, and a step of a scikit-learn pipeline: what scikit-learn keeps on the
    estimator during a fit survives the fit (it replaces the ensemble's own state only)."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    ensemble = Ensemble(members)
    ensemble.note = "kept"  # an attribute that is none of the ensemble's own
    ensemble.tune_support_ = [1, 2]  # learnt state, which a fit drops
    search = GridSearchCV(ensemble, {"weights": [[1, 1], [3, 1]]}, cv=3, error_score="raise")
    search.fit(binary.train_texts, binary.train_labels)
    assert search.best_params_["weights"] in ([1, 1], [3, 1]) and 0 <= search.best_score_ <= 1
    steps = make_pipeline(FunctionTransformer(), ensemble).fit(binary.train_texts, binary.train_labels)
    assert steps.score(binary.dev_texts, binary.dev_labels) > 0.8
    assert ensemble.fit(binary.train_texts, binary.train_labels).note == "kept"
    assert not hasattr(ensemble, "tune_support_")


def test_learnt_state_of_an_untrained_ensemble_is_not_fitted_error_that_says_to_fit():
    """As a Pipeline's: classes_ of an ensemble of settings says to fit it (Python's own AttributeError did not)."""
    import pickle

    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    ensemble = Ensemble([Pipeline(), Pipeline("count", "nb")])
    for name in ("classes_", "label_names_", "multi_label_", "thresholds_", "reading_version_", "member_classes_"):
        with pytest.raises(SklearnNotFittedError, match="this Ensemble's members are not trained yet; call fit"):
            getattr(ensemble, name)
        assert not hasattr(ensemble, name)
    with pytest.raises(AttributeError, match="Ensemble has no attribute 'bogus'"):
        ensemble.bogus
    assert pickle.loads(pickle.dumps(ensemble)).get_params()["weights"] is None


def test_a_clone_of_untrained_members_has_copies_of_its_own(members):
    """As scikit-learn's clone of a VotingClassifier: changing a member of the copy leaves the original's member
    as it was (fitted members are shared: a clone of them would be untrained)."""
    from sklearn.base import clone

    settings = Ensemble([Pipeline("tfidf", "logreg", C=1.0), Pipeline("count", "nb")])
    copy = clone(settings)
    assert [m.get_params() for m in copy.members] == [m.get_params() for m in settings.members]
    copy.members[0].set_params(C=5.0)
    assert settings.members[0].C == 1.0 and not copy.__sklearn_is_fitted__()
    fitted = Ensemble(members)
    assert all(a is b for a, b in zip(clone(fitted).members, members))


def test_weights_left_out_stay_none_so_a_search_may_change_the_number_of_members(members, binary, tmp_path):
    """As scikit-learn keeps a parameter: equal weights by default are None, not a list of as many ones as there
    were members, which set_params(members=...) with another number of members (a clone in a search) refused."""
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    a, b = members
    ensemble = Ensemble([a, b])
    assert ensemble.get_params()["weights"] is None and clone(ensemble).weights is None
    three = ensemble.set_params(members=[a, b, a.__sklearn_clone__().fit(binary.train_texts, binary.train_labels)])
    np.testing.assert_allclose(three.predict_proba(binary.dev_texts),
                               (2 * a.predict_proba(binary.dev_texts) + b.predict_proba(binary.dev_texts)) / 3)
    assert repr(three).endswith("])")  # equal weights: not shown
    settings = [Pipeline(**a.get_params()), Pipeline(**b.get_params()), Pipeline("count", "logreg")]
    search = GridSearchCV(Ensemble(settings[:2]), {"members": [settings[:2], settings]}, cv=3, error_score="raise")
    assert len(search.fit(binary.train_texts, binary.train_labels).best_estimator_.members) in (2, 3)
    three.save(tmp_path / "e")  # a saved ensemble keeps its weights in use, as a list
    assert json.loads((tmp_path / "e" / "config.json").read_text())["weights"] == [1.0, 1.0, 1.0]
    with pytest.raises(ConfigError, match=r"gives 2 weight\(s\) for 3 models"):  # weights given still count
        Ensemble([a, b], weights=[1, 2]).set_params(members=[a, b, a])


def test_an_ensemble_names_sample_weight_for_scikit_learn_and_passes_it_on(members, binary):
    import warnings

    from sklearn.utils.validation import has_fit_parameter

    ensemble = Ensemble(members)
    assert has_fit_parameter(ensemble, "sample_weight")  # CalibratedClassifierCV, bagging, ... look for it
    texts, labels = binary.train_texts[:60], binary.train_labels[:60]
    weights = np.linspace(0.2, 3.0, len(texts))
    weighted = ensemble.fit(texts, labels, sample_weight=weights).predict_proba(binary.dev_texts)
    alone = [m.__sklearn_clone__().fit(texts, labels, sample_weight=weights).predict_proba(binary.dev_texts)
             for m in members]
    np.testing.assert_allclose(weighted, (alone[0] + alone[1]) / 2)
    with warnings.catch_warnings(record=True) as caught:  # a member's warning points at the caller's line
        warnings.simplefilter("always")
        Ensemble(members).fit(texts, ["Pos" if y == "pos" and i % 4 == 0 else y for i, y in enumerate(labels)])
    spelling = [w for w in caught if issubclass(w.category, sentiment.LabelSpellingWarning)]
    assert spelling and all(w.filename == __file__ for w in spelling)


def test_an_ensemble_takes_the_label_values_of_any_member(binary, tmp_path):
    named = Pipeline("tfidf", "logreg").fit(binary.train_texts, ["negative" if y == "neg" else "positive"
                                                                  for y in binary.train_labels])
    numbered = Pipeline("count", "nb").fit(binary.train_texts, [int(y == "pos") for y in binary.train_labels])
    truth = [int(y == "pos") for y in binary.dev_labels]
    scores = [Ensemble(pair).score(binary.dev_texts, truth) for pair in ([named, numbered], [numbered, named])]
    assert scores[0] == scores[1] > 0.8  # 0/1 labels, whichever member knows them comes first
    loaded = sentiment.load(Ensemble([named, numbered]).save(tmp_path / "e"))
    assert loaded.score(binary.dev_texts, ["positive" if y else "negative" for y in truth]) == scores[0]
    shifted = Pipeline("count", "nb").fit(binary.train_texts, [int(y == "pos") + 1 for y in binary.train_labels],
                                          label_names={1: "negative", 2: "positive"})  # 1/2, as Amazon's polarity
    for pair in ([shifted, numbered], [numbered, shifted]):
        with pytest.raises(DataError, match=r"label\(s\) 1 name different classes in different members .*"
                                            r"give the labels by their names \(negative, positive\)"):
            Ensemble(pair).score(binary.dev_texts, truth)
        assert Ensemble(pair).score(binary.dev_texts, ["positive" if y else "negative" for y in truth]) > 0.8


def test_members_whose_labels_come_in_another_order_are_matched_by_name(binary, tmp_path):
    named = Pipeline("tfidf", "logreg").fit(binary.train_texts, ["negative" if y == "neg" else "positive"
                                                                  for y in binary.train_labels])
    flipped = Pipeline("count", "nb").fit(binary.train_texts, [int(y == "neg") for y in binary.train_labels],
                                          label_names={0: "positive", 1: "negative"})  # positive first
    assert flipped.label_names_ == ["positive", "negative"]
    ours, theirs = named.predict_proba(binary.dev_texts), flipped.predict_proba(binary.dev_texts)
    first, second = Ensemble([named, flipped]), Ensemble([flipped, named])
    assert first.label_names_ == ["negative", "positive"] and second.label_names_ == ["positive", "negative"]
    np.testing.assert_allclose(first.predict_proba(binary.dev_texts), (ours + theirs[:, ::-1]) / 2)
    np.testing.assert_allclose(second.predict_proba(binary.dev_texts), (theirs + ours[:, ::-1]) / 2)
    truth = ["positive" if y == "pos" else "negative" for y in binary.dev_labels]
    assert first.score(binary.dev_texts, truth) == second.score(binary.dev_texts, truth) > 0.8
    assert second.score(binary.dev_texts, [int(y == "neg") for y in binary.dev_labels]) > 0.8  # flipped's codes
    loaded = sentiment.load(second.save(tmp_path / "e"))
    np.testing.assert_allclose(loaded.predict_proba(binary.dev_texts), second.predict_proba(binary.dev_texts))


def test_ensemble_round_trip(members, binary, tmp_path):
    ensemble = Ensemble(list(members))
    ensemble.save(tmp_path / "ens")
    loaded = sentiment.load(tmp_path / "ens")
    assert isinstance(loaded, Ensemble)
    np.testing.assert_allclose(loaded.predict_proba(binary.dev_texts), ensemble.predict_proba(binary.dev_texts))


def test_ensemble_rejects_bad_members(members, five):
    a, _ = members
    other = Pipeline("tfidf", "logreg").fit(five.train_texts, five.train_labels)
    with pytest.raises(ConfigError, match="share their labels"):
        Ensemble([a, other])
    with pytest.raises(ConfigError, match="at least two"):
        Ensemble([a])
    with pytest.raises(ConfigError, match="weight"):
        Ensemble([a, a], weights=[1, -1])
    with pytest.raises(sentiment.NotFittedError, match=r"member 1 of the ensemble is not fitted, and others are; fit "
                                                       r"it too, or give untrained members only \(fit"):
        Ensemble([a, Pipeline("count", "nb")])


def test_ensemble_arguments(fitted):
    a, b = fitted("tfidf", "logreg"), fitted("count", "nb")
    with pytest.raises(ConfigError, match="members must be a list"):
        Ensemble(None)
    with pytest.raises(ConfigError, match="members must be a list"):
        Ensemble("model-dir")
    for weights in (["a", 1], [None, 1], [float("inf"), 1], [float("nan"), 1], 3, [1]):
        with pytest.raises(ConfigError, match="one finite, non-negative weight per member"):
            Ensemble([a, b], weights=weights)
    with pytest.raises(ConfigError, match="members must be a list"):  # not its names: the models are its values
        Ensemble({"a": a, "b": b})
    for weights in ({0: 1, 1: 2}, {2.0, 1.0}):  # a dict's keys, a set's own order: not the members' weights
        with pytest.raises(ConfigError, match=f"weights must be a list in the order of the members .*not a {type(weights).__name__}"):
            Ensemble([a, b], weights=weights)
        with pytest.raises(ConfigError, match="in the order of the members"):
            Ensemble([a, b]).set_params(weights=weights)


@pytest.mark.parametrize("path", [None, 123, b"/tmp/model"])
def test_loading_what_is_no_path_is_a_one_line_error(path):
    for load in (Pipeline.load, Ensemble.load) + ((sentiment.load,) if path is not None else ()):  # None: the default
        with pytest.raises(ModelFileError, match="give the model's directory as a path"):
            load(path)


@pytest.fixture(scope="module")
def multi_label():
    texts = ["so happy today", "scared and sad", "a sad day", "happy but scared", "a happy day", "so scared",
             "sad news again", "what a joy", "fear everywhere", "joyful and happy", "sad and lonely", "scary night"]
    labels = [["joy"], ["fear", "sadness"], ["sadness"], ["joy", "fear"], ["joy"], ["fear"],
              ["sadness"], ["joy"], ["fear"], ["joy"], ["sadness"], ["fear"]]
    return texts, labels


def test_a_refused_setting_leaves_the_ensemble_as_it_was(multi_label, tmp_path):
    texts, labels = multi_label
    a = Pipeline("tfidf", "logreg", C=10.0).fit(texts, labels)
    b = Pipeline("count", "logreg", C=10.0).fit(texts, labels)
    ensemble = Ensemble([a, b], thresholds=[0.4, 0.5, 0.6])
    for bad in ([2.0] * 3, ["x"] * 3, 0.5, [0.5]):
        with pytest.raises(ConfigError, match=r"give one threshold in \[0, 1\] per label \(3\)"):
            ensemble.set_params(thresholds=bad)
        with pytest.raises(ConfigError, match="per label"):
            Ensemble([a, b], thresholds=bad)
    assert ensemble.get_params()["thresholds"] == [0.4, 0.5, 0.6] and ensemble.thresholds_.tolist() == [0.4, 0.5, 0.6]
    assert len(ensemble.predict(texts[:2])) == 2


def test_tuned_thresholds_are_learnt_state_that_a_refit_recomputes(multi_label, tmp_path):
    """tune() is fit-like: clone, set_params and fit start from the members' thresholds again, also for an
    ensemble loaded with tuned thresholds."""
    from sklearn.base import clone

    texts, labels = multi_label
    a = Pipeline("tfidf", "logreg", C=10.0).fit(texts, labels)
    b = Pipeline("count", "logreg", C=10.0).fit(texts, labels)
    ensemble = Ensemble([a, b])
    ensemble.thresholds_ = np.array([0.3, 0.4, 0.7])  # as tune() may set them
    ensemble.save(tmp_path / "ens")
    loaded = sentiment.load(tmp_path / "ens")
    assert loaded.thresholds_.tolist() == [0.3, 0.4, 0.7] and loaded.get_params()["thresholds"] is None
    members_mean = Ensemble([a, b]).thresholds_.tolist()
    assert clone(loaded).thresholds_.tolist() == members_mean
    refit = loaded.fit(texts, labels)
    assert refit.thresholds_.tolist() == members_mean and "loaded_folders_" not in vars(refit)
    given = Ensemble([a, b], thresholds=[0.3, 0.4, 0.7])  # a setting, which load, clone and fit keep
    given.save(tmp_path / "given")
    again = sentiment.load(tmp_path / "given")
    assert again.get_params()["thresholds"] == [0.3, 0.4, 0.7]
    assert clone(again).thresholds_.tolist() == [0.3, 0.4, 0.7] == again.fit(texts, labels).thresholds_.tolist()


def test_ensemble_tune_checks_the_labels(multi_label):
    texts, labels = multi_label
    a = Pipeline("tfidf", "logreg", C=10.0).fit(texts, labels)
    b = Pipeline("count", "logreg", C=10.0).fit(texts, labels)
    ensemble = Ensemble([a, b])
    with pytest.raises(DataError, match="12 texts but 11 labels"):
        ensemble.tune(texts, labels[:-1])
    with pytest.raises(DataError, match="not NoneType"):
        ensemble.tune(texts, None)
    unseen = [list(y) for y in labels]
    unseen[0] = ["nervousness"]
    with pytest.raises(UnknownLabelsError, match=r"^label\(s\) nervousness were not seen in training by the members, "
                                                 r"which know: .*; tune on texts of their labels only$") as caught:
        ensemble.tune(texts, unseen)  # no advice of evaluate's or a command's flags
    assert caught.value.unknown == ["nervousness"]
    assert ensemble.tune(texts, labels).thresholds_.shape == (3,)


def test_tampered_ensemble_member_is_refused(members, tmp_path):
    Ensemble(list(members)).save(tmp_path / "ens")
    config = tmp_path / "ens" / "member1" / "config.json"
    config.write_text(config.read_text().replace('"nbsvm"', '"logreg"', 1))
    with pytest.raises(ModelFileError, match="checksum"):
        sentiment.load(tmp_path / "ens")
    with pytest.raises(ModelFileError, match="ensemble"):
        Pipeline.load(tmp_path / "ens")


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
    edit_config(ensemble_dir, lambda c: c.update(members=members))
    with pytest.raises(ModelFileError, match="not a consistent ensemble"):
        sentiment.load(ensemble_dir)


@pytest.mark.parametrize("weights", [["x", 1], [1e400, 1], [1e308, 1e308], "21"])
def test_ensemble_with_bad_saved_weights(ensemble_dir, weights):
    edit_config(ensemble_dir, lambda c: c.update(weights=weights))
    with pytest.raises(ModelFileError, match="not a consistent ensemble.*weight"):
        sentiment.load(ensemble_dir)


@pytest.mark.parametrize("sources", [5, ["a"], [1, "b"], None])
def test_saved_member_sources_that_are_not_names_are_left_unread(ensemble_dir, sources):
    """What each member was loaded from only names it in reports: a value that is not one name (or null) per
    member is left unread, and the ensemble loads."""
    edit_config(ensemble_dir, lambda c: c.update(member_sources=sources))
    assert sentiment.load(ensemble_dir)._sources() == [None, None]


def test_ensemble_load_of_a_pipeline_directory(saved_model):
    with pytest.raises(ModelFileError, match="holds a pipeline model, not an ensemble"):
        Ensemble.load(saved_model)


def test_cli_ensemble_then_evaluate(members, binary, tmp_path):
    import pandas as pd

    a, b = members
    a.save(tmp_path / "a")
    b.save(tmp_path / "b")
    result = runner.invoke(app, ["ensemble", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "e")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["ensemble", str(tmp_path / "a"), str(tmp_path / "b"), "--weights", "2,1", "--out",
                                 str(tmp_path / "w"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"model": str(tmp_path / "w"), "members": [str(tmp_path / "a"), str(tmp_path / "b")],
                                         "weights": [2.0, 1.0], "labels": [str(n) for n in a.label_names_]}
    dev = pd.DataFrame({"text": binary.dev_texts, "label": binary.dev_labels})
    dev.to_csv(tmp_path / "dev.csv", index=False)
    result = runner.invoke(app, ["evaluate", str(tmp_path / "dev.csv"), "--model", str(tmp_path / "e"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == len(dev) and report["accuracy"] > 0.7
    shown = runner.invoke(app, ["info", str(tmp_path / "e")])
    assert shown.exit_code == 0
    member_lines = [line.split()[0] for line in shown.stdout.splitlines() if line.startswith(" " * 12)]
    assert {"member0", "member1"} <= set(member_lines) and max(map(len, shown.stdout.splitlines())) < 400
    assert any("member1 model:" in line for line in shown.stdout.splitlines())  # each member setting on its own line
    bad = runner.invoke(app, ["ensemble", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "f"),
                              "--weights", "1,x"])
    assert bad.exit_code == 1 and "Error:" in bad.stderr and "Traceback" not in bad.output
    twice = runner.invoke(app, ["ensemble", str(tmp_path / "a"), str(tmp_path / "a") + "/", "--out", str(tmp_path / "g")])
    assert twice.exit_code == 1 and "is given twice; give each model once" in twice.stderr
    assert not (tmp_path / "g").exists()


def test_evaluate_shows_each_members_figures_beside_the_ensembles(members, binary, tmp_path):
    """Issue 4: evaluate shows whether combining helps: an ensemble's report holds each member's figures on the
    same texts, as evaluating the member alone gives them."""
    import pandas as pd

    from sentiment.evaluation import evaluate

    a, b = members
    a.save(tmp_path / "first-model")
    Ensemble([sentiment.load(tmp_path / "first-model"), b], weights=[1, 3]).save(tmp_path / "e")  # b: made in Python
    pd.DataFrame({"text": binary.dev_texts, "label": binary.dev_labels}).to_csv(tmp_path / "dev.csv", index=False)
    result = runner.invoke(app, ["evaluate", str(tmp_path / "dev.csv"), "--model", str(tmp_path / "e"), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)["members"]
    alone = [evaluate(m, binary.dev_texts, binary.dev_labels) for m in (a, b)]
    assert shown == [{"member": f"member{i}", "source": source, "model": f"{m.vectorizer_name} + {m.model}",
                      "accuracy": r["accuracy"], "macro_f1": r["macro_f1"]}
                     for i, (m, r, source) in enumerate(zip((a, b), alone, ("first-model", None)))]
    text = runner.invoke(app, ["evaluate", str(tmp_path / "dev.csv"), "--model", str(tmp_path / "e")]).stdout
    assert f"members    member0 (first-model: tfidf + logreg): accuracy {alone[0]['accuracy']:.4f}, macro-F1" in text
    assert f"member1 (count + nbsvm): accuracy {alone[1]['accuracy']:.4f}" in text
    # the sources stay with the ensemble when it is loaded and saved again, and info names them
    sentiment.load(tmp_path / "e").save(tmp_path / "again")
    described = json.loads(runner.invoke(app, ["info", str(tmp_path / "again"), "--json"]).stdout)
    assert described["settings"]["member_sources"] == {"member0": "first-model"}


def test_evaluate_of_an_ensemble_has_each_member_read_the_texts_once(members, binary, tmp_path, monkeypatch):
    """The members' figures come from the predictions the ensemble averaged: each member predicts every text
    once, and the ensemble's own figures are those evaluate gives it without them."""
    import pandas as pd

    from sentiment.commands import evaluate_file
    from sentiment.evaluation import evaluate

    a, b = members
    ensemble = Ensemble([a, b], weights=[1, 3])
    ensemble.save(tmp_path / "e")
    pd.DataFrame({"text": binary.dev_texts, "label": binary.dev_labels}).to_csv(tmp_path / "dev.csv", index=False)
    read = []
    plain = Pipeline._evidence  # what every prediction of a member comes to (the ensemble's calls it directly)

    def counted(self, texts, *args, **kwargs):
        read.extend(texts)
        return plain(self, texts, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "_evidence", counted)
    _, report = evaluate_file(tmp_path / "dev.csv", tmp_path / "e")
    assert sorted(read) == sorted(binary.dev_texts * 2)  # two members, each text once
    read.clear()
    in_python = evaluate(ensemble, binary.dev_texts, binary.dev_labels)  # the same in Python, members and all
    assert sorted(read) == sorted(binary.dev_texts * 2)
    monkeypatch.undo()
    assert {k: v for k, v in report.items() if k != "members"} == {k: v for k, v in in_python.items() if k != "members"}
    assert [m["accuracy"] for m in in_python["members"]] == [m["accuracy"] for m in report["members"]]
    scored = ensemble.predict_proba(binary.dev_texts)  # given probabilities: nothing predicted, no members' figures
    given = evaluate(ensemble, binary.dev_texts, binary.dev_labels, probabilities=scored)
    assert "members" not in given and given == {k: v for k, v in in_python.items() if k != "members"}  # _combined
    once = evaluate(ensemble, binary.dev_texts, iter(binary.dev_labels))  # labels that can be read once
    assert once == in_python and all(m["accuracy"] is not None for m in once["members"])


def test_evaluate_refuses_probabilities_of_another_shape(members, binary):
    from sentiment.evaluation import evaluate

    a, _ = members
    given = a.predict_proba(binary.dev_texts)
    assert evaluate(a, binary.dev_texts, binary.dev_labels, probabilities=given) == evaluate(a, binary.dev_texts, binary.dev_labels)
    with pytest.raises(ConfigError, match="probabilities of shape .* give the pipeline's predict_proba"):
        evaluate(a, binary.dev_texts, binary.dev_labels, probabilities=given[1:])


def _accuracy(model, texts, labels) -> float:
    return float(np.mean(np.asarray(model.predict(texts)) == np.asarray(labels)))


def test_tune_chooses_the_weights_with_the_best_accuracy_on_the_tune_texts(members, binary):
    """One label per text: tune picks, of the shares in tenths, the mix that scores best on the texts given;
    a member that learnt nothing (shuffled labels) gets the smaller share."""
    a, _ = members
    shuffled = list(np.random.default_rng(0).permutation(binary.train_labels))
    noise = Pipeline("count", "logreg").fit(binary.train_texts, shuffled)
    texts, labels = binary.dev_texts, binary.dev_labels
    tuned = Ensemble([noise, a]).tune(texts, labels)
    by_share = {share: _accuracy(Ensemble([noise, a], weights=[1 - share, share]), texts, labels)
                for share in np.round(np.linspace(0, 1, 11), 1)}
    assert tuned.weights[1] > tuned.weights[0] and sum(tuned.weights) == pytest.approx(1)
    assert _accuracy(tuned, texts, labels) == max(by_share.values()) >= max(_accuracy(m, texts, labels) for m in (a, noise))
    assert tuned.tune_support_ == [int(np.sum(np.asarray(labels) == c)) for c in tuned.classes_]


def test_tune_keeps_equal_shares_where_every_mix_scores_the_same(members, binary):
    a, _ = members
    twin = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)  # the same model again
    assert Ensemble([a, twin], weights=[3, 1]).tune(binary.dev_texts, binary.dev_labels).weights == [0.5, 0.5]


def test_tuning_scores_no_worse_than_equal_or_given_weights(binary, monkeypatch):
    """From six members on, the grid of fifths has no mix that gives every member a share; equal shares and
    the weights given are tried too, so tuning never scores worse on the tune texts than they do (here the
    grid is cut down to each member alone, which scores worse than their mean)."""
    import sentiment.ensemble

    rng = np.random.default_rng(1)
    other = {"neg": "pos", "pos": "neg"}
    noisy = [[y if rng.random() > 0.3 else other[y] for y in binary.train_labels] for _ in range(6)]
    members = [Pipeline("count", "logreg").fit(binary.train_texts, labels) for labels in noisy]
    texts, labels = binary.dev_texts, binary.dev_labels
    monkeypatch.setattr(sentiment.ensemble, "_weight_grid", lambda n: [[float(i == j) for j in range(n)] for i in range(n)])
    equal, given = Ensemble(members), Ensemble(members, weights=[1, 2, 3, 4, 5, 6])
    assert _accuracy(equal, texts, labels) > max(_accuracy(m, texts, labels) for m in members)  # the case at hand
    tuned = Ensemble(members, weights=[1, 2, 3, 4, 5, 6]).tune(texts, labels)
    assert _accuracy(tuned, texts, labels) >= max(_accuracy(equal, texts, labels), _accuracy(given, texts, labels))


def test_weight_grid_has_every_mix_of_tenths_and_coarser_ones_for_many_members():
    from sentiment.ensemble import _weight_grid

    assert len(_weight_grid(2)) == 11 and len(_weight_grid(4)) == 286  # C(10 + n - 1, n - 1)
    assert len(_weight_grid(5)) == 126  # in fifths: 1,001 mixes of tenths would be too many
    for n in (2, 3, 5, 9, 40):
        grid = _weight_grid(n)
        assert all(len(mix) == n and abs(sum(mix) - 1) < 1e-9 and min(mix) >= 0 for mix in grid)
        assert len({tuple(mix) for mix in grid}) == len(grid) <= 1000


def test_a_member_that_names_the_gold_labels_otherwise_is_scored_by_their_shared_names():
    """The first member's values in the file (0 / 1): a member of "bad" / "good" (the shipped polarity model beside one
    fit on 0 / 1) is scored on them as the ensemble reads them, by the names the members share, not left unscored."""
    from sentiment.evaluation import evaluate, format_report

    texts = ["good film", "bad film", "great fun", "awful mess"] * 10
    coded = Pipeline("count", "logreg").fit(texts, [1, 0, 1, 0] * 10, label_names={0: "bad", 1: "good"})
    named = Pipeline("count", "nb").fit(texts, ["good", "good", "good", "bad"] * 10)  # wrong on "bad film"
    report = evaluate(Ensemble([coded, named]), texts, [1, 0, 1, 0] * 10)  # the first member's values: 0 / 1
    first, second = report["members"]
    assert first["accuracy"] == 1.0 and "unscored" not in first
    alone = evaluate(named, texts, ["good", "bad", "good", "bad"] * 10)
    assert second["accuracy"] == alone["accuracy"] == 0.75 and "unscored" not in second
    # a member that cannot be scored says why
    second.update(accuracy=None, macro_f1=None, unscored="label(s) 0, 1 were not seen in training; the model knows: x")
    assert "member1 (count + nb): accuracy —, macro-F1 — (not scored: label(s) 0, 1 were not seen in training)" \
        in format_report(report)


def test_cli_ensemble_tune_chooses_and_saves_the_weights(members, binary, tmp_path):
    import pandas as pd

    a, _ = members
    shuffled = list(np.random.default_rng(0).permutation(binary.train_labels))
    Pipeline("count", "logreg").fit(binary.train_texts, shuffled).save(tmp_path / "noise")
    a.save(tmp_path / "a")
    pd.DataFrame({"text": binary.dev_texts, "label": binary.dev_labels}).to_csv(tmp_path / "held.csv", index=False)
    paths = [str(tmp_path / "noise"), str(tmp_path / "a")]
    result = runner.invoke(app, ["ensemble", *paths, "--tune", str(tmp_path / "held.csv"), "--out", str(tmp_path / "e"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    expected = Ensemble([sentiment.load(p) for p in paths]).tune(binary.dev_texts, binary.dev_labels).weights
    assert shown["weights"] == expected == sentiment.load(tmp_path / "e").weights and expected[1] > expected[0]
    assert shown["weights_from"] == f"tuned on held.csv ({len(binary.dev_texts)} texts)"
    assert json.loads((tmp_path / "e" / "config.json").read_text())["data"] == {"tune": "held.csv",
                                                                                "n_tune": len(binary.dev_texts)}
    plain = runner.invoke(app, ["ensemble", *paths, "--tune", str(tmp_path / "held.csv"), "--out", str(tmp_path / "p")])
    assert plain.exit_code == 0 and f"weights {expected[0]:g}, {expected[1]:g}, tuned on held.csv" in plain.stdout
    both = runner.invoke(app, ["ensemble", *paths, "--tune", str(tmp_path / "held.csv"), "--weights", "1,1",
                               "--out", str(tmp_path / "f")])
    assert both.exit_code == 1 and "give --weights or --tune, not both" in both.stderr and not (tmp_path / "f").exists()
    pd.DataFrame({"review": binary.dev_texts, "stars": binary.dev_labels}).to_csv(tmp_path / "own.csv", index=False)
    own = runner.invoke(app, ["ensemble", *paths, "--tune", str(tmp_path / "own.csv"), "--text-column", "review",
                              "--label-column", "stars", "--out", str(tmp_path / "g"), "--json"])
    assert own.exit_code == 0, own.output
    assert json.loads(own.stdout)["weights"] == expected
    alone = runner.invoke(app, ["ensemble", *paths, "--label-column", "stars", "--out", str(tmp_path / "h")])
    assert alone.exit_code == 1 and not (tmp_path / "h").exists()
    assert alone.stderr.strip().endswith("--label-column reads the --tune file; give --tune FILE too, or leave "
                                         "--label-column out")
    sep = runner.invoke(app, ["ensemble", *paths, "--tune", str(tmp_path / "held.csv"), "--label-sep", "|",
                              "--out", str(tmp_path / "s")])  # one label per text: not silently ignored
    assert sep.exit_code == 1 and not (tmp_path / "s").exists()
    assert "--label-sep splits several labels per text, and these models give one; leave it out" in sep.stderr
    pd.DataFrame({"text": ["a fine film", "great fun"], "label": ["pos", "pos"]}).to_csv(tmp_path / "one.csv", index=False)
    one = runner.invoke(app, ["ensemble", *paths, "--tune", str(tmp_path / "one.csv"), "--out", str(tmp_path / "o")])
    assert one.exit_code == 0, one.output
    assert "the tune file has fewer than 10 texts of neg (0), pos (2), so the weights chosen on it are rough" in one.stderr


def test_cli_ensemble_tune_reads_0_and_1_as_polarity_beside_members_of_polarity_names(binary, tmp_path):
    """As evaluate reads them: members that learnt "negative" / "positive" tuned on a file of 0 / 1."""
    import pandas as pd

    named = ["positive" if y == "pos" else "negative" for y in binary.train_labels]
    for name, vectorizer in (("a", "tfidf"), ("b", "count")):
        Pipeline(vectorizer, "logreg").fit(binary.train_texts, named).save(tmp_path / name)
    pd.DataFrame({"text": binary.dev_texts, "label": [int(y == "pos") for y in binary.dev_labels]}).to_csv(
        tmp_path / "codes.csv", index=False)
    result = runner.invoke(app, ["ensemble", str(tmp_path / "a"), str(tmp_path / "b"), "--tune",
                                 str(tmp_path / "codes.csv"), "--out", str(tmp_path / "e")])
    assert result.exit_code == 0, result.output
    assert "note: the --tune file's labels read as polarity: 0=negative, 1=positive" in result.stderr
    expected = Ensemble([sentiment.load(tmp_path / "a"), sentiment.load(tmp_path / "b")]).tune(
        binary.dev_texts, ["positive" if y == "pos" else "negative" for y in binary.dev_labels]).weights
    assert sentiment.load(tmp_path / "e").weights == expected


def test_cli_neural_fit_report_and_export(binary_frames, tmp_path):
    pytest.importorskip("torch")
    train, dev = binary_frames
    train.to_csv(tmp_path / "train.csv", index=False)
    dev.to_csv(tmp_path / "dev.csv", index=False)
    result = runner.invoke(app, [
        "fit", str(tmp_path / "train.csv"), "--dev", str(tmp_path / "dev.csv"), "--vectorizer", "tfidf",
        "--model", "mlp", "--set", "epochs=3", "--out", str(tmp_path / "m"), "--report", str(tmp_path / "r"),
    ])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "training_history.png").stat().st_size > 1000
    assert (tmp_path / "r" / "confusion_matrix.png").is_file()
    result = runner.invoke(app, ["export", str(tmp_path / "m"), "--format", "torchscript", "--out", str(tmp_path / "m.pt")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.pt").stat().st_size > 0
    into_folder = runner.invoke(app, ["export", str(tmp_path / "m"), "--format", "torchscript", "--out", str(tmp_path / "r")])
    assert into_folder.exit_code == 1 and "is a directory" in into_folder.stderr
    folder_named_pt = tmp_path / "folder.pt"
    folder_named_pt.mkdir()
    for args in (["--out", str(tmp_path / "r")], ["--out", str(folder_named_pt)]):  # format from the suffix
        refused = runner.invoke(app, ["export", str(tmp_path / "m"), *args])
        assert refused.exit_code == 1 and "is a directory" in refused.stderr, refused.output
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    bad = runner.invoke(app, ["export", str(tmp_path / "m"), "--format", "pickle", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "torchscript" in bad.stderr


def test_cli_export_of_a_classical_model_is_a_clear_error(members, tmp_path):
    members[0].save(tmp_path / "a")
    result = runner.invoke(app, ["export", str(tmp_path / "a"), "--out", str(tmp_path / "a.onnx")])
    assert result.exit_code == 1
    assert "only the neural models" in result.stderr and "Traceback" not in result.output


def test_cli_export_of_an_ensemble_is_a_clear_error(members, tmp_path):
    Ensemble(list(members)).save(tmp_path / "ens")
    result = runner.invoke(app, ["export", str(tmp_path / "ens"), "--out", str(tmp_path / "e.onnx")])
    assert result.exit_code == 1
    assert "export each member" in result.stderr and "Traceback" not in result.output


def test_an_aspect_model_is_no_ensemble_member(members):
    from sentiment.aspects import AspectPipeline

    with pytest.raises(ConfigError, match="aspect model cannot be a member"):
        Ensemble([AspectPipeline(), members[0]])


def test_ensemble_weights_as_text_are_refused(members):
    with pytest.raises(ConfigError, match=r"weights must be a list of numbers \(e.g. \[2, 1\]\), not the text '21'"):
        Ensemble(list(members)[:2], weights="21")


def test_ensemble_members_given_as_paths_are_told_to_load(members, tmp_path):
    with pytest.raises(ConfigError, match=r"give loaded models \(sentiment.load\('.*a'\)\), not their paths"):
        Ensemble([members[0], tmp_path / "a"])


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


def test_saving_again_keeps_the_data_columns(members, tmp_path):
    columns = {"text": "review", "label": "stars"}
    members[0].save(tmp_path / "a", extra={"columns": columns})
    loaded = sentiment.load(tmp_path / "a")
    loaded.save(tmp_path / "again")
    assert sentiment.load(tmp_path / "again").config_["columns"] == columns
    Ensemble([loaded, loaded]).save(tmp_path / "ens")
    assert sentiment.load(tmp_path / "ens").config_["columns"] == columns


def test_tune_counts_the_texts_of_each_label_after_the_grouping():
    fine = ["joy", "love", "anger", "fear", "neutral"] * 8  # 16 positive, 16 negative, 8 neutral once grouped
    texts = [f"{label} text {i}" for i, label in enumerate(fine)]
    members = [Pipeline("tfidf", model, grouping="sentiment").fit(texts, [[label] for label in fine])
               for model in ("logreg", "nbsvm")]
    ensemble = Ensemble(members).tune(texts, [[label] for label in fine])
    assert dict(zip(ensemble.label_names_, ensemble.tune_support_)) == {"negative": 16, "neutral": 8, "positive": 16}


def test_an_ensemble_whose_label_list_disagrees_with_its_members_is_refused(ensemble_dir):
    edit_config(ensemble_dir, lambda c: c["labels"].update(names=list(reversed(c["labels"]["names"]))))
    with pytest.raises(ModelFileError, match="not a consistent ensemble .*its label list .* is not its members'"):
        sentiment.load(ensemble_dir)


def test_a_member_of_weight_0_counts_for_nothing_and_all_0_is_refused(members, binary):
    a, b = members
    texts = binary.dev_texts[:20]
    np.testing.assert_allclose(Ensemble([a, b], weights=[0, 1]).predict_proba(texts), b.predict_proba(texts), rtol=1e-12)
    with pytest.raises(ConfigError, match="not all 0"):
        Ensemble([a, b], weights=[0, 0])


def test_info_shows_an_ensembles_mean_thresholds_without_float_noise(multi_label, tmp_path):
    from sentiment.commands import describe_model

    texts, labels = multi_label
    a = Pipeline("tfidf", "logreg", C=10.0).fit(texts, labels)
    b = Pipeline("count", "logreg", C=10.0).fit(texts, labels)
    a.thresholds_, b.thresholds_ = np.array([0.4, 0.1, 0.7]), np.array([0.45, 0.2, 0.3])
    Ensemble([a, b]).save(tmp_path / "e")
    shown = describe_model(tmp_path / "e")["thresholds"]
    assert list(shown.values()) == [0.425, 0.15, 0.5]  # 0.42500000000000004 and 0.15000000000000002 in floats


def test_a_member_of_weight_zero_has_no_say_in_the_known_features():
    english = Pipeline(vectorizer="count", model="logreg").fit(["good fun", "great film", "bad plot", "awful acting"],
                                                               [1, 1, 0, 0])
    german = Pipeline(vectorizer="count", model="logreg").fit(["gut spass", "toll film", "schlecht", "furchtbar"],
                                                              [1, 1, 0, 0])
    text = ["schlecht toll"]
    assert english.annotate(text, known_features=True)[0]["known_features"] == 0
    assert Ensemble([english, german], weights=[1, 0]).annotate(text, known_features=True)[0]["known_features"] == 0
    assert Ensemble([english, german], weights=[1, 1]).annotate(text, known_features=True)[0]["known_features"] == 2


def test_an_ensemble_with_a_grouped_member_takes_any_members_values_as_gold_labels():
    texts = [f"{word} day {i}" for i, word in enumerate(["happy", "glad", "angry", "sad"] * 6)]
    emotions = ["joy", "gratitude", "anger", "sadness"] * 6
    polarity = [1, 1, 0, 0] * 6
    ensemble = Ensemble([Pipeline(model="logreg").fit(texts, polarity),
                         Pipeline(model="logreg", grouping="sentiment").fit(texts, emotions)])
    assert sorted(ensemble.label_names_) == ["negative", "positive"]
    assert ensemble.score(texts, ensemble.predict(texts)) == 1.0  # its own predicted values (0 / 1): were refused
    assert ensemble.score(texts, polarity) == ensemble.score(texts, emotions) > 0.9  # fine labels are grouped
    with pytest.raises(DataError, match="label 'boredom' is not in the sentiment grouping"):
        ensemble.score(texts[:2], ["joy", "boredom"])


def test_an_ensemble_is_not_saved_over_the_folder_a_member_was_loaded_from(saved_model, tmp_path):
    import shutil

    shutil.copytree(saved_model, tmp_path / "b")
    member = sentiment.load(tmp_path / "b")
    with pytest.raises(sentiment.ConfigError, match="holds a member of the ensemble \\(loaded from there\\), which saving "
                                                    "would replace; choose another path"):
        sentiment.Ensemble([sentiment.load(saved_model), member]).save(tmp_path / "b")
    assert type(sentiment.load(tmp_path / "b")).__name__ == "Pipeline"  # kept
    nested = sentiment.Ensemble([sentiment.load(saved_model), member])
    nested.save(tmp_path / "e")
    inner = sentiment.load(tmp_path / "e")
    with pytest.raises(sentiment.ConfigError, match="holds a member"):  # an ensemble member's folder
        sentiment.Ensemble([inner, sentiment.load(saved_model)]).save(tmp_path / "e")
    with pytest.raises(sentiment.ConfigError, match="holds a member"):  # and a member's member, at any depth
        sentiment.Ensemble([sentiment.Ensemble([sentiment.load(saved_model), member]), inner]).save(tmp_path / "b")
    sentiment.Ensemble([sentiment.load(saved_model), member]).save(tmp_path / "c")  # elsewhere: saved


def test_cli_ensemble_tune_reads_several_labels_joined_by_its_own_separator(multi_label, tmp_path):
    """--label-sep (with --text-column, --label-column) names the --tune file's own separator; without it, the
    error says which to pass."""
    import pandas as pd

    texts, labels = multi_label
    for name, vectorizer in (("a", "tfidf"), ("b", "count")):
        Pipeline(vectorizer, "logreg", C=10.0).fit(texts, labels).save(tmp_path / name)
    pd.DataFrame({"t": texts, "l": ["|".join(y) for y in labels]}).to_csv(tmp_path / "tune.csv", index=False)
    paths = [str(tmp_path / "a"), str(tmp_path / "b"), "--tune", str(tmp_path / "tune.csv"), "--text-column", "t",
             "--label-column", "l"]
    joined = runner.invoke(app, ["ensemble", *paths, "--out", str(tmp_path / "e")])
    assert joined.exit_code == 1 and not (tmp_path / "e").exists()
    assert "tune.csv joins its labels by '|', not by ';': pass --label-sep '|'" in " ".join(joined.stderr.split())
    own = runner.invoke(app, ["ensemble", *paths, "--label-sep", "|", "--out", str(tmp_path / "f"), "--json"])
    assert own.exit_code == 0, own.output
    assert json.loads(own.stdout)["thresholds_from"].startswith("tuned on tune.csv (12 texts)")
