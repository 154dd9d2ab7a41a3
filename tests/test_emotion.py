"""Emotions: several labels per text (thresholds, persistence, CLI), label groupings, and their errors.

The data are synthetic: each fine emotion has its own words, and a text names one or two emotions.
"""

from __future__ import annotations

import copy
import json
import random
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sentiment
from sentiment import AbsentLabelWarning, ConfigError, DataError, ModelFileError, Pipeline, load
from sentiment.cli import app
from sentiment.checks import check_label_sets
from sentiment.data import read_labelled, split_labels
from sentiment.splits import train_dev_split
from sentiment.evaluation import evaluate
from sentiment.groupings import EKMAN, group_labels, group_of
from sentiment.multilabel import decide, label_f1, tune_thresholds

from conftest import MODELS, W2V, write_table
from test_cli import assert_error, assert_ok

runner = CliRunner()

WORDS = {  # GoEmotions names, so the groupings apply: Ekman joins joy+amusement, anger+annoyance
    "joy": ["delighted", "thrilled", "overjoyed"],
    "amusement": ["hilarious", "funny", "lol"],
    "anger": ["furious", "enraged", "livid"],
    "annoyance": ["annoying", "irritating", "grr"],
    "fear": ["terrified", "scared", "afraid"],
    "sadness": ["heartbroken", "miserable", "sad"],
    "neutral": ["okay", "fine", "alright"],
}
NOUNS = ["news", "game", "movie", "trip", "meeting", "update"]


def emotion_examples(n: int, seed: int) -> tuple[list[str], list[tuple[str, ...]]]:
    """Texts naming one emotion (two in every third text), with the emotions as their labels."""
    rng = random.Random(seed)
    names = sorted(WORDS)
    texts, labels = [], []
    for i in range(n):
        chosen = rng.sample(names, 2 if i % 3 == 0 else 1)
        words = [rng.choice(WORDS[name]) for name in chosen]
        texts.append(f"The {rng.choice(NOUNS)} made me {' and '.join(words)} today")
        labels.append(tuple(chosen))
    return texts, labels


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture(scope="module")
def data():
    return emotion_examples(280, seed=1), emotion_examples(90, seed=2)


@pytest.fixture(scope="module")
def fitted(data):
    (texts, labels), (dev_texts, dev_labels) = data
    return Pipeline("tfidf", "logreg", C=10.0).fit(texts, labels, dev=(dev_texts, dev_labels))


@pytest.fixture(scope="module")
def files(tmp_path_factory, data):
    """Train/dev CSVs with a `labels` column of names joined by ';'."""
    folder = tmp_path_factory.mktemp("emotion")
    paths = {"folder": folder}
    for name, (texts, labels) in zip(("train", "dev"), data):
        paths[name] = folder / f"{name}.csv"
        write_table(pd.DataFrame({"text": texts, "labels": [";".join(y) for y in labels]}), paths[name])
    return paths


# -- thresholds -----------------------------------------------------------------------------------------
def test_tune_thresholds_finds_the_known_threshold():
    rng = np.random.default_rng(0)
    probabilities = rng.uniform(0, 1, size=(400, 4))
    truth = np.column_stack([
        probabilities[:, 0] >= 0.3,  # exactly separable at 0.3
        probabilities[:, 1] >= 0.7,  # ... at 0.7
        np.zeros(400, dtype=bool),  # never true: keeps 0.5
        np.arange(400) == 0,  # true once: keeps 0.5
    ]).astype(np.uint8)
    probabilities[:, 3] = np.where(truth[:, 3], 0.06, probabilities[:, 3] * 0.9)  # best F1 at 0.05: every text
    probabilities[:, 0] = np.where(truth[:, 0], np.maximum(probabilities[:, 0], 0.30), np.minimum(probabilities[:, 0], 0.29))
    probabilities[:, 1] = np.where(truth[:, 1], np.maximum(probabilities[:, 1], 0.70), np.minimum(probabilities[:, 1], 0.69))
    thresholds = tune_thresholds(truth, probabilities)
    assert thresholds.tolist() == [0.3, 0.7, 0.5, 0.5]
    assert label_f1(truth, decide(probabilities, thresholds))[:2].tolist() == [1.0, 1.0]


def test_decide_top_if_none():
    probabilities = np.array([[0.2, 0.6], [0.3, 0.1], [0.9, 0.8]])
    thresholds = np.array([0.5, 0.5])
    assert decide(probabilities, thresholds).tolist() == [[False, True], [False, False], [True, True]]
    assert decide(probabilities, thresholds, top_if_none=True).tolist() == [[False, True], [True, False], [True, True]]
    at = np.array([[0.5, 0.49], [0.25, 0.5]])  # a probability that reaches its threshold exactly passes it
    assert decide(at, np.array([0.5, 0.5])).tolist() == [[True, False], [False, True]]


@pytest.mark.parametrize("call", ["predict", "annotate"])
@pytest.mark.parametrize("flag", ["false", "no", 0, None])
def test_a_flag_that_is_not_true_or_false_is_refused(data, fitted, call, flag):
    with pytest.raises(ConfigError, match=rf"top_if_none is True \(.*\) or False, not {re.escape(repr(flag))}$"):
        getattr(fitted, call)(["good"], top_if_none=flag)
    with pytest.raises(ConfigError, match=r"known_features is True \(.*\) or False, not 'no'"):
        fitted.annotate(["good"], known_features="no")


def test_annotate_marks_a_label_given_below_its_threshold(data, fitted):
    (_, _), (dev_texts, _) = data
    texts = dev_texts[:6] + ["zzz qqq"]
    probabilities = fitted.predict_proba(texts)
    none_passes = ~(probabilities >= fitted.thresholds_).any(axis=1)
    results = fitted.annotate(texts, top_if_none=True)
    assert [r["below_threshold"] for r in results] == none_passes.tolist()
    assert all(len(r["labels"]) >= 1 for r in results)
    assert all("below_threshold" not in r for r in fitted.annotate(texts))  # without top_if_none: nothing to mark
    raised = copy.deepcopy(fitted)
    raised.thresholds_ = np.full(len(fitted.classes_), 1.0)  # no label passes (no probability is 1 here)
    marked = raised.annotate(texts, top_if_none=True)
    assert all(r["below_threshold"] and len(r["labels"]) == 1 for r in marked)
    assert [r["labels"][0] for r in marked] == [fitted.label_names_[j] for j in probabilities.argmax(axis=1)]


def test_thresholds_are_tuned_on_dev_only(data, fitted):
    (texts, labels), (dev_texts, dev_labels) = data
    untuned = Pipeline("tfidf", "logreg", C=10.0, tune_fraction=0).fit(texts, labels)
    assert untuned.thresholds_.tolist() == [0.5] * len(untuned.classes_)
    truth = (np.array([[name in y for name in fitted.classes_] for y in dev_labels])).astype(np.uint8)
    probabilities = fitted.predict_proba(dev_texts)
    np.testing.assert_array_equal(fitted.thresholds_, tune_thresholds(truth, probabilities))


def test_without_dev_data_the_thresholds_are_tuned_on_a_held_out_part(data):
    (texts, labels), _ = data
    held_out = Pipeline("tfidf", "logreg", C=10.0).fit(texts, labels)  # tune_fraction 0.1
    rest_texts, rest_labels, tune_texts, tune_labels = train_dev_split(texts, labels, 0.1, part="tune")
    explicit = Pipeline("tfidf", "logreg", C=10.0).fit(rest_texts, rest_labels, dev=(tune_texts, tune_labels))
    np.testing.assert_array_equal(held_out.thresholds_, explicit.thresholds_)
    assert held_out.thresholds_.tolist() != [0.5] * len(held_out.classes_)
    assert held_out.info_["trained_on"] == len(rest_texts) < len(texts)
    with pytest.raises(ConfigError, match=r"tune_fraction \(--tune-fraction\) must be a number from 0 to below 1"):
        Pipeline("tfidf", "logreg", tune_fraction=1.0).fit(texts, labels)


def test_too_few_texts_to_hold_out_keep_the_default_thresholds_with_a_warning():
    texts, labels = ["glad", "furious", "scared"], [("joy",), ("anger",), ("fear",)]  # each label once
    with pytest.warns(UserWarning, match="too few texts to hold out"):
        pipe = Pipeline("count", "logreg").fit(texts, labels)
    assert pipe.thresholds_.tolist() == [0.5] * 3 and pipe.info_["trained_on"] == 3 and "tuned_on" not in pipe.info_


# -- pipeline ---------------------------------------------------------------------------------------------
def test_multi_label_predictions(data, fitted):
    (_, _), (dev_texts, dev_labels) = data
    assert fitted.multi_label_ and fitted.model_.link_ == "independent"
    assert fitted.classes_.tolist() == sorted(WORDS)
    probabilities = fitted.predict_proba(["I was terrified and heartbroken"])
    assert probabilities.shape == (1, len(WORDS)) and not np.isclose(probabilities.sum(), 1.0)
    assert set(fitted.predict(["I was terrified and heartbroken"])[0]) == {"fear", "sadness"}
    annotation = fitted.annotate(["so hilarious"])[0]
    assert set(annotation) == {"text", "labels", "scores"} and annotation["labels"][0] == "amusement"
    assert list(annotation["scores"]) == sorted(WORDS)
    assert fitted.score(dev_texts, dev_labels) > 0.9  # macro-F1


def test_multi_label_round_trip(data, fitted, tmp_path):
    (_, _), (dev_texts, _) = data
    fitted.save(tmp_path / "model")
    loaded = sentiment.load(tmp_path / "model")
    assert loaded.multi_label_
    np.testing.assert_array_equal(loaded.thresholds_, fitted.thresholds_)
    np.testing.assert_allclose(loaded.predict_proba(dev_texts), fitted.predict_proba(dev_texts), rtol=1e-6)
    assert loaded.predict(dev_texts) == fitted.predict(dev_texts)
    assert loaded.annotate(dev_texts[:3]) == fitted.annotate(dev_texts[:3])


@pytest.mark.parametrize("model", MODELS)
def test_every_classical_model_learns_several_labels(data, model):
    (texts, labels), (dev_texts, dev_labels) = data
    pipe = Pipeline("tfidf", model).fit(texts, labels, dev=(dev_texts, dev_labels))
    assert pipe.model_.coef_.shape[0] == len(WORDS)
    assert pipe.score(dev_texts, dev_labels) > 0.8


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.load
@pytest.mark.filterwarnings("ignore::sentiment.IgnoredOptionWarning")  # small word vectors, to be quick, for random embeddings
@pytest.mark.parametrize("vectorizer, model, options", [
    ("tfidf", "mlp", {"hidden_sizes": (32,), "epochs": 8, "lr": 0.01, "class_weight": "balanced"}),
    ("word2vec", "lstm", {**W2V, "hidden_size": 8, "epochs": 2, "init_embeddings": False, "max_length": 12}),
])
def test_neural_models_get_the_sigmoid_head(data, tmp_path, vectorizer, model, options):
    (texts, labels), (dev_texts, dev_labels) = data
    if model == "lstm":  # slow on a CPU: fewer texts
        texts, labels = texts[:120], labels[:120]
    pipe = Pipeline(vectorizer, model, **options).fit(texts, labels, dev=(dev_texts, dev_labels))
    assert pipe.model_.net_.config.head == "sigmoid" and pipe.multi_label_
    assert pipe.model_.history_[0]["dev_macro_f1"] is not None
    pipe.save(tmp_path / "model")
    loaded = sentiment.load(tmp_path / "model")
    np.testing.assert_allclose(loaded.predict_proba(dev_texts), pipe.predict_proba(dev_texts), rtol=1e-5)
    assert loaded.predict(dev_texts) == pipe.predict(dev_texts)
    if model == "mlp":
        assert pipe.score(dev_texts, dev_labels) > 0.8
        import torch

        from sentiment.export import export_model

        inputs = pipe.model_.torch_inputs(pipe.vectorizer_.transform(pipe.cleaner_.tokens_of(dev_texts)))
        exported = torch.jit.load(str(export_model(pipe, tmp_path / "model.pt", "torchscript")))
        np.testing.assert_allclose(exported(*inputs).numpy(), pipe.predict_proba(dev_texts), atol=1e-5)  # sigmoids


def test_balanced_weights_of_a_label_matrix():
    from sentiment.models.trainer import balanced_weights

    matrix = np.array([[1, 0], [0, 0], [0, 1], [1, 1]], dtype=np.float32)
    assert balanced_weights(matrix, 2).tolist() == [1.0, 1.0]
    assert balanced_weights(np.array([[1, 0], [0, 0], [0, 0], [0, 1]]), 2).tolist() == [3.0, 3.0]


def test_sklearn_clone_keeps_the_grouping():
    from sklearn.base import clone

    pipe = Pipeline("tfidf", "logreg", grouping="ekman", C=2.0)
    assert clone(pipe).get_params() == {"vectorizer": "tfidf", "model": "logreg", "grouping": "ekman", "C": 2.0}
    assert Pipeline.for_task("emotion").get_params() == {"vectorizer": "tfidf", "model": "nbsvm", "negation": False}
    multi = Pipeline.for_task("emotion", multi_label=True, C=1.0)
    assert multi.model == "logreg" and multi.get_params()["class_weight"] == "balanced" and multi.C == 1.0
    assert Pipeline.for_task("emotion", model="nb", multi_label=True).get_params() == {
        "vectorizer": "tfidf", "model": "nb", "analyzer": "word+char", "char_ngram_range": (2, 5),
        "min_df": 2}  # logreg's C and class_weight are left out
    assert Pipeline.for_task("polarity", multi_label=True).model == "nbsvm"
    # the task's nbsvm cannot read word2vec's vectors: logreg, the best classical model over them, unless named
    assert Pipeline.for_task("emotion", vectorizer="word2vec").get_params() == {
        "vectorizer": "word2vec", "model": "logreg", "negation": False}
    assert Pipeline.for_task("emotion", vectorizer="count").model == "nbsvm"  # one it can read keeps it
    with pytest.raises(ConfigError, match="model 'nbsvm' needs non-negative features .* vectorizer 'word2vec'"):
        Pipeline.for_task("emotion", vectorizer="word2vec", model="nbsvm")  # named: said at once


def test_the_one_label_setting_of_a_task_refuses_lists_of_labels(data):
    from sentiment import ConfigError

    (texts, labels), _ = data
    with pytest.raises(ConfigError, match=r"the labels are lists .*Pipeline.for_task\('emotion', multi_label=True\)"):
        Pipeline.for_task("emotion").fit(texts, labels)
    assert Pipeline.for_task("emotion", multi_label=True, C=10.0).fit(texts, labels).multi_label_
    assert not Pipeline.for_task("emotion").fit(texts, [y[0] for y in labels]).multi_label_
    from sklearn.base import clone

    cloned = clone(Pipeline.for_task("emotion", C=2.0))  # as GridSearchCV and cross_val_score build theirs
    assert cloned.get_params() == Pipeline.for_task("emotion", C=2.0).get_params()
    with pytest.raises(ConfigError, match="the labels are lists"):
        cloned.fit(texts, labels)
    assert clone(Pipeline.for_task("emotion", multi_label=True, C=10.0)).fit(texts, labels).multi_label_


def test_a_saved_model_keeps_its_tasks_setting_for_a_refit(data, tmp_path):
    from sklearn.base import clone

    (texts, labels), _ = data
    ids = [i % 5 for i in range(len(texts))]  # emotion ids, not polarity codes
    Pipeline.for_task("emotion").fit(texts, ids).save(tmp_path / "one")
    loaded = sentiment.load(tmp_path / "one")
    for pipe in (loaded, clone(loaded)):
        assert pipe.fit(texts, ids).label_names_ == ["0", "1", "2", "3", "4"]  # not "very negative" ...
    with pytest.raises(ConfigError, match="the labels are lists"):
        clone(loaded).fit(texts, labels)
    Pipeline.for_task("emotion", multi_label=True).fit(texts, labels).save(tmp_path / "several")
    with pytest.raises(DataError, match="the labels are one per text"):
        clone(sentiment.load(tmp_path / "several")).fit(texts, ids)
    with pytest.raises(DataError, match="the labels are one per text"):  # the shipped model: by the task named
        clone(sentiment.load(task="emotion")).fit(texts, ids)
    plain = Pipeline().fit(texts, [i % 2 for i in range(len(texts))])
    plain.save(tmp_path / "plain")
    assert clone(sentiment.load(tmp_path / "plain")).fit(texts, [i % 2 for i in range(len(texts))]).label_names_ == [
        "negative", "positive"]


# -- groupings --------------------------------------------------------------------------------------------
def test_groupings_map_fine_labels():
    groups = group_of(EKMAN)
    assert groups["annoyance"] == "anger" and groups["neutral"] == "neutral"
    assert group_labels(["amusement", ("joy", "amusement", "fear")], "ekman") == ["joy", ("joy", "fear")]
    assert group_labels(["anger", "neutral"], "sentiment") == ["negative", "neutral"]
    assert group_labels(["joy", "positive"], "sentiment") == ["positive", "positive"]  # groups stay themselves
    with pytest.raises(DataError, match="label 'bored' is not in the ekman grouping"):
        group_labels(["bored"], "ekman")
    with pytest.raises(ConfigError, match="unknown grouping 'plutchik'; choose one of: sentiment, ekman"):
        Pipeline(grouping="plutchik").build_stages()  # values are checked when fit builds the stages
    with pytest.raises(ConfigError, match=r"unknown grouping \['ekman'\]"):
        Pipeline(grouping=["ekman"]).fit(["glad", "sad"], ["joy", "sadness"])


@pytest.mark.parametrize("labels", [["anger", "sadness", "disgust"], [["anger"], ["sadness", "fear"], ["disgust", "joy"]]])
def test_labels_of_one_group_are_refused_naming_the_grouping(labels):
    """Not "label 'negative' is on every text; drop it": the user gave no label 'negative'."""
    with pytest.raises(DataError, match="the sentiment grouping gives every text the group 'negative', so there is "
                                        "nothing to learn about it; train on texts of other groups too, or leave out"):
        Pipeline(grouping="sentiment").fit(["a", "b", "c"], labels)


def test_a_list_or_dict_among_the_labels_is_refused_in_one_line_with_a_grouping_and_in_scores(data):
    (texts, labels), _ = data
    nested = [["joy", ["anger"]]] + [list(y) for y in labels[1:]]  # a list inside a text's label list
    with pytest.raises(DataError, match=r"label \['anger'\] is no name or number"):
        Pipeline("tfidf", "logreg", grouping="ekman").fit(texts, nested)
    with pytest.raises(DataError, match=r"label \{'a': 1\} is no name or number"):
        Pipeline("tfidf", "logreg", grouping="ekman").fit(texts, [{"a": 1}] + [y[0] for y in labels[1:]])
    pipe = Pipeline("tfidf", "logreg").fit(texts, labels)
    with pytest.raises(DataError, match=r"label list 0 holds \['joy', \['anger'\]\]; give each text a list of names"):
        evaluate(pipe, texts, nested)
    with pytest.raises(DataError, match=r"dev label list 0 holds"):
        Pipeline("tfidf", "logreg").fit(texts, labels, dev=(texts[:10], nested[:10]))


def test_a_class_weight_naming_a_label_that_a_grouping_puts_in_a_group_is_refused():
    """Under a grouping the classes are its groups: a weight for "anger" (a negative label) would weigh nothing."""
    texts = ["so angry", "so sad", "so happy", "so glad", "furious", "delighted"]
    labels = ["anger", "sadness", "joy", "joy", "anger", "joy"]
    with pytest.raises(ConfigError, match="class_weight names 'anger', which the sentiment grouping puts in its group "
                                          "'negative'; the model learns the groups, so weigh those: negative, positive"):
        Pipeline(grouping="sentiment", class_weight={"anger": 2}).fit(texts, labels)
    weighted = Pipeline(grouping="sentiment", class_weight={"negative": 2}).fit(texts, labels)
    assert weighted.classes_.tolist() == ["negative", "positive"]
    with pytest.warns(AbsentLabelWarning, match="class_weight names 'fear', which no training text has"):
        Pipeline(grouping="ekman", class_weight={"fear": 2}).fit(texts, labels)  # a group, absent from the data


def test_the_cli_refuses_a_class_weight_of_a_grouped_label_in_one_line(tmp_path):
    data = tmp_path / "train.csv"
    write_table(pd.DataFrame({"text": ["so angry", "so sad", "so happy", "glad"], "label": ["anger", "sadness", "joy", "joy"]}), data)
    assert_error(invoke("fit", data, "--grouping", "sentiment", "--set", 'class_weight={"anger": 2}', "--out", tmp_path / "m"),
                 "class_weight names 'anger', which the sentiment grouping puts in its group 'negative'")
    assert not (tmp_path / "m").exists()


def test_pipeline_learns_groups(data):
    (texts, labels), (dev_texts, dev_labels) = data
    pipe = Pipeline("tfidf", "logreg", C=10.0, grouping="ekman").fit(texts, labels, dev=(dev_texts, dev_labels))
    assert pipe.classes_.tolist() == ["anger", "fear", "joy", "neutral", "sadness"]
    assert pipe.predict(["so hilarious"]) == [["joy"]]
    assert pipe.score(dev_texts, dev_labels) > 0.9  # fine dev labels are grouped the same way
    own, again = evaluate(pipe, dev_texts, dev_labels), evaluate(pipe, dev_texts, dev_labels, grouping="ekman")
    assert again["labels"] == own["labels"] == pipe.classes_.tolist()  # its own grouping: the order fit reported
    assert again["per_class"] == own["per_class"]


def test_info_says_a_model_predicts_groups(data, tmp_path):
    from sentiment.commands import describe_model

    (texts, labels), _ = data
    Pipeline("tfidf", "logreg", grouping="ekman").fit(texts, labels).save(tmp_path / "m")
    assert describe_model(tmp_path / "m")["settings"]["pipeline_settings"] == {"grouping": "ekman", "tune_fraction": 0.1}


def test_an_ensemble_groups_labels_whichever_member_learnt_the_grouping(data):
    (texts, labels), (dev_texts, dev_labels) = data
    grouping = Pipeline("tfidf", "logreg", C=10.0, grouping="ekman").fit(texts, labels)
    on_groups = Pipeline("count", "nb").fit(texts, group_labels(labels, "ekman"))  # trained on the groups themselves
    first, last = sentiment.Ensemble([grouping, on_groups]), sentiment.Ensemble([on_groups, grouping])
    assert first.score(dev_texts, dev_labels) == last.score(dev_texts, dev_labels) > 0.8  # fine labels, grouped


def test_single_label_grouping_and_report_grouping(data, fitted):
    (texts, labels), (dev_texts, dev_labels) = data
    single = [y[0] for y in labels]
    pipe = Pipeline("tfidf", "logreg", C=10.0).fit(texts, single)
    report = evaluate(pipe, dev_texts, [y[0] for y in dev_labels], grouping="ekman")
    assert report["labels"] == ["anger", "fear", "joy", "sadness", "neutral"] and report["grouping"] == "ekman"
    assert len(report["confusion_matrix"]) == 5 and report["accuracy"] > 0.5
    fine = evaluate(fitted, dev_texts, dev_labels)
    coarse = evaluate(fitted, dev_texts, dev_labels, grouping="ekman")
    assert set(fine) >= {"n", "macro_f1", "micro_f1", "exact_match", "per_class"} and "accuracy" not in fine
    assert list(coarse["per_class"]) == ["anger", "fear", "joy", "sadness", "neutral"]
    assert coarse["per_class"]["joy"]["support"] == sum("joy" in y or "amusement" in y for y in dev_labels)


# -- bad input --------------------------------------------------------------------------------------------
def test_label_lists_errors():
    with pytest.raises(DataError, match="label list 1 is empty; give every text at least one label"):
        check_label_sets([("joy",), ()], 2)
    with pytest.raises(DataError, match="label list 0 holds a missing or empty label"):
        check_label_sets([("joy", " "), ("fear",)], 2)
    with pytest.raises(DataError, match="label 'joy' is on every text"):
        check_label_sets([("joy",), ("joy", "fear")], 2)
    with pytest.raises(DataError, match="label 1 is a single label but others are lists"):
        Pipeline().fit(["a b", "c d"], [("joy",), "fear"])
    with pytest.raises(DataError, match=r"label 1 is missing \(None/NaN\); drop that text or give it a list"):
        Pipeline().fit(["a b", "c d", "e f"], pd.Series([["joy"], np.nan, ["fear"]]))
    with pytest.raises(DataError, match="labels mix types"):
        check_label_sets([("joy",), (3,)], 2)
    joined = ["joy", "fear", "joy;fear", "sadness"]  # several labels of a text written as one string
    with pytest.raises(DataError, match=r"label 2 \('joy;fear'\) joins labels of other texts by ';': .*split\(';'\)"):
        Pipeline.for_task("emotion", multi_label=True).fit(["a b", "c d", "e f", "g h"], joined)
    single = Pipeline("count", "nb").fit(["a b", "c d", "e f"], ["joy", "fear", "joy/fear"])  # not joined by ';'
    assert "joy/fear" in single.classes_


def test_split_labels_errors_say_what_to_do():
    assert split_labels(["joy;fear", "1", " anger ; joy;joy"], ";") == [("joy", "fear"), (1,), ("anger", "joy")]
    assert split_labels([["joy", "fear"]], ";") == [("joy", "fear")]  # lists from JSON Lines stay lists
    with pytest.raises(DataError, match=r"data row 2 has an empty label in 'joy;'; remove the extra ';'"):
        split_labels(["fear", "joy;", "anger"], ";")
    with pytest.raises(DataError, match=r"contains the separator ';', but some contain ',' \(e.g. 'joy,fear'\); "
                                        r"pass --label-sep ','"):
        split_labels(["joy,fear", "anger"], ";")
    with pytest.raises(DataError, match="separator is empty"):
        split_labels(["joy"], "")
    # lists of labels (JSON Lines): no separator was read, so the messages speak of the list
    with pytest.raises(DataError, match=r"data row 2 has no label: \[\]; give every text at least one label"):
        split_labels([["joy"], []], ";")
    with pytest.raises(DataError, match=r"data row 1 has the label 'x;y', which holds the separator ';' that joins "
                                        r"labels in tables; rename the label, or pick another --label-sep"):
        split_labels([["joy", "x;y"]], ";")


def test_empty_label_cell_in_a_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,labels\nhappy day,joy\nsad day,\n", encoding="utf-8")
    with pytest.raises(DataError, match="1 row\\(s\\) have no label in column 'labels' \\(data rows 2\\)"):
        read_labelled(path, label_column="labels", separator=";")


def test_model_without_multi_label_support(data, monkeypatch):
    from sentiment import registry
    from sentiment.models.classical import LogisticRegressionModel

    class OneLabelModel(LogisticRegressionModel):
        name = "one_label"
        supports_multi_label = False

    monkeypatch.setattr(sentiment.models.classical, "OneLabelModel", OneLabelModel, raising=False)
    monkeypatch.setitem(registry.REGISTRY["model"], "one_label", "sentiment.models.classical:OneLabelModel")
    (texts, labels), _ = data
    others = ", ".join(name for name in registry.available("model") if name != "one_label")  # every other model can
    with pytest.raises(ConfigError, match=f"model 'one_label' cannot learn several labels per text; use one of: {others}$"):
        Pipeline("tfidf", "one_label").fit(texts, labels)


# -- ensembles of models with several labels per text ----------------------------------------------------------
@pytest.fixture(scope="module")
def second(data):
    (texts, labels), (dev_texts, dev_labels) = data
    return Pipeline("count", "nb").fit(texts, labels, dev=(dev_texts, dev_labels))


def test_multi_label_ensemble_means_probabilities_and_thresholds(data, fitted, second):
    _, (dev_texts, _) = data
    ensemble = sentiment.Ensemble([fitted, second], weights=[1, 3])
    expected = (fitted.predict_proba(dev_texts) + 3 * second.predict_proba(dev_texts)) / 4
    np.testing.assert_allclose(ensemble.predict_proba(dev_texts), expected, rtol=1e-12)
    np.testing.assert_allclose(ensemble.thresholds_, (fitted.thresholds_ + 3 * second.thresholds_) / 4)
    predicted = ensemble.predict(dev_texts)
    for row, labels in zip(expected, predicted):
        chosen = {name for name, p, t in zip(fitted.classes_, row, ensemble.thresholds_) if p >= t}
        assert set(labels) == chosen
    assert ensemble.annotate(dev_texts[:1])[0]["labels"] == predicted[0]


def test_multi_label_ensemble_tuned_thresholds(data, fitted, second, tmp_path):
    _, (dev_texts, dev_labels) = data
    at_half = sentiment.Ensemble([fitted, second], thresholds=[0.5] * len(fitted.classes_))
    tuned = sentiment.Ensemble([fitted, second]).tune(dev_texts, dev_labels)
    assert set(tuned.thresholds_.tolist()) <= set(np.round(np.arange(0.05, 0.96, 0.05), 2).tolist())
    assert tuned.score(dev_texts, dev_labels) >= at_half.score(dev_texts, dev_labels)  # each label's F1 at least 0.5's
    loaded = sentiment.load(tuned.save(tmp_path / "ensemble"))
    np.testing.assert_array_equal(loaded.thresholds_, tuned.thresholds_)
    assert loaded.predict(dev_texts) == tuned.predict(dev_texts)
    assert evaluate(loaded, dev_texts, dev_labels)["macro_f1"] == pytest.approx(tuned.score(dev_texts, dev_labels))


def test_tuning_keeps_the_threshold_of_a_label_the_tune_texts_lack(data, fitted, second):
    _, (dev_texts, dev_labels) = data
    missing = fitted.label_names_[0]
    kept = [(text, y) for text, y in zip(dev_texts, dev_labels) if missing not in y]
    ensemble = sentiment.Ensemble([fitted, second], weights=[1, 3])
    mean = ensemble.thresholds_.copy()
    ensemble.tune([t for t, _ in kept], [y for _, y in kept])
    assert ensemble.tune_support_[0] == 0 and ensemble.thresholds_[0] == pytest.approx(mean[0])
    assert mean[0] != 0.5  # (the members' weighted mean, not the untuned default)


def test_ensemble_members_must_agree_on_several_labels(data, fitted):
    (texts, labels), _ = data
    single = Pipeline("tfidf", "logreg").fit(texts, [y[0] for y in labels])
    with pytest.raises(ConfigError, match="all give one label per text, or all several labels per text"):
        sentiment.Ensemble([fitted, single])
    with pytest.raises(ConfigError, match="one threshold in \\[0, 1\\] per label"):
        sentiment.Ensemble([fitted, fitted], thresholds=[0.5])
    tuned = sentiment.Ensemble([single, single], weights=[2, 1]).tune(texts, [y[0] for y in labels])
    assert tuned.weights == [0.5, 0.5] and tuned.thresholds_ is None  # one label per text: tune sets the weights


def test_ensemble_with_tampered_thresholds_is_refused(fitted, tmp_path):
    path = sentiment.Ensemble([fitted, fitted]).save(tmp_path / "ensemble")
    config = json.loads((path / "config.json").read_text())
    config["thresholds"][0] = 7
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelFileError, match=r"not a consistent ensemble \(give one threshold in \[0, 1\] per label"):
        sentiment.load(path)


def test_tampered_thresholds_are_refused(fitted, tmp_path):
    from sentiment.persistence import checksum

    path = fitted.save(tmp_path / "model")
    arrays = path / "thresholds" / "arrays.safetensors"
    data = bytearray(arrays.read_bytes())
    data[-1] ^= 0xFF
    arrays.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="thresholds/arrays.safetensors was modified or is corrupted"):
        sentiment.load(path)
    # Thresholds out of range, even with a matching checksum, are refused too.
    from safetensors.numpy import save_file

    save_file({"thresholds": np.full(len(fitted.classes_), 1.5)}, str(arrays))
    config = json.loads((path / "config.json").read_text())
    config["files"]["thresholds/arrays.safetensors"] = checksum(arrays)
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelFileError, match="decision thresholds do not fit the labels"):
        sentiment.load(path)


def test_thresholds_set_by_hand_that_do_not_fit_are_refused_before_a_save_replaces_the_model(fitted, data, tmp_path):
    """A save that load would refuse keeps the model there; predict says what is wrong, not numpy's broadcast error."""
    import copy

    path = fitted.save(tmp_path / "model")
    saved = (path / "thresholds" / "arrays.safetensors").read_bytes()
    n = len(fitted.label_names_)
    for bad, given in ((np.append(fitted.thresholds_, 0.5), f"{n + 1} numbers"),
                       (np.full(n, 1.5), "a number outside \\[0, 1\\]"), ({"joy": 0.3}, "no list of numbers")):
        for model in (copy.deepcopy(fitted), sentiment.Ensemble([fitted, fitted])):
            model.thresholds_ = bad
            pattern = rf"^give one thresholds_ in \[0, 1\] per label \({n}\); thresholds_ holds {given}$"
            with pytest.raises(ConfigError, match=pattern):
                model.save(path)
            with pytest.raises(ConfigError, match=pattern):
                model.predict(data[1][0][:2])
    assert (path / "thresholds" / "arrays.safetensors").read_bytes() == saved
    assert sentiment.load(path).predict(data[1][0][:2]) == fitted.predict(data[1][0][:2])


def test_gold_labels_that_are_groups_of_the_models_labels_point_to_the_grouping(fitted, data, tmp_path):
    from sentiment.evaluation import evaluate
    from sentiment.groupings import group_labels

    (_, _), (dev_texts, dev_labels) = data
    grouped = [group_labels(list(y), "sentiment") for y in dev_labels]
    with pytest.raises(DataError, match=r"they are groups of the sentiment grouping of the model's labels: score it in "
                                        r"them with --grouping sentiment \(in Python, grouping='sentiment'\)$"):
        evaluate(fitted, dev_texts, grouped)
    assert evaluate(fitted, dev_texts, grouped, grouping="sentiment")["n"] == len(dev_texts)


def test_gold_labels_that_may_be_ekman_groups_get_a_note(fitted, data, tmp_path):
    """Ekman's group names are GoEmotions labels too: a file of them is scored as the fine labels, with a note."""
    (_, _), (dev_texts, dev_labels) = data
    fitted.save(tmp_path / "m")
    grouped, fine_file = tmp_path / "ekman.csv", tmp_path / "fine.csv"
    write_table(pd.DataFrame({"text": dev_texts, "label": [";".join(group_labels(list(y), "ekman")) for y in dev_labels]}),
                grouped)
    write_table(pd.DataFrame({"text": dev_texts, "label": [";".join(y) for y in dev_labels]}), fine_file)
    plain = invoke("evaluate", grouped, "--model", tmp_path / "m", "--json")
    assert_ok(plain)
    assert re.search(r"^note: every label of ekman\.csv \(anger, fear, joy, neutral, sadness\) is also a group of the "
                     r"ekman grouping, scored here as the fine label alone; if the file's 'anger' stands for the group "
                     r"\(anger, annoyance, disapproval\), score the model in the groups with --grouping ekman$",
                     plain.stderr, re.M)
    in_groups = invoke("evaluate", grouped, "--model", tmp_path / "m", "--grouping", "ekman", "--json")
    fine = invoke("evaluate", fine_file, "--model", tmp_path / "m", "--json")
    assert_ok(in_groups) and assert_ok(fine)
    assert "every label of" not in in_groups.stderr + fine.stderr
    assert json.loads(in_groups.stdout)["macro_f1"] > json.loads(plain.stdout)["macro_f1"]


def test_a_table_of_predictions_is_refused_for_a_label_that_holds_the_separator(tmp_path):
    """A model trained in Python may name a label "sad;bad": joined by ";" in a table, it could not be read back."""
    from test_cli import assert_error, assert_ok, invoke

    texts = ["so happy", "so sad", "angry and sad", "happy joy", "scared", "scared and sad"] * 5
    labels = [["joy"], ["sad;bad"], ["anger", "sad;bad"], ["joy"], ["fear"], ["fear", "sad;bad"]] * 5
    Pipeline.for_task("emotion", multi_label=True).fit(texts, labels).save(tmp_path / "m")
    pd.DataFrame({"text": ["so sad"]}).to_csv(tmp_path / "in.csv", index=False)
    for output in (tmp_path / "o.csv", "-"):
        assert_error(invoke("predict", "--model", tmp_path / "m", "--input", tmp_path / "in.csv", "--output", output),
                     r"the model's label\(s\) 'sad;bad' hold the separator ';' .*write JSON Lines")
    assert not (tmp_path / "o.csv").exists()
    assert_ok(invoke("predict", "--model", tmp_path / "m", "--input", tmp_path / "in.csv", "--output",
                     tmp_path / "o.jsonl"))


# -- command line ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli_model(files):
    out = files["folder"] / "model"
    result = invoke("fit", files["train"], "--dev", files["dev"], "--label-column", "labels", "--multi-label",
                    "--vectorizer", "tfidf", "--model", "logreg", "--set", "C=10", "--out", out, "--json")
    assert_ok(result)
    return out, json.loads(result.stdout)


def test_fit_dev_keeps_label_sep_where_the_other_mark_is_inside_one_label(tmp_path):
    # the dev file has one label a row, one of them "anecdotes/miscellaneous": no ';' anywhere and a '/', yet it is
    # not joined by '/' (split so, "anecdotes" and "miscellaneous" would be labels the training data lack)
    rows = [("great pasta", "food"), ("rude waiter", "service"), ("we went on a tuesday", "anecdotes/miscellaneous"),
            ("good food and kind staff", "food;service")] * 6
    train, dev = tmp_path / "train.csv", tmp_path / "dev.csv"
    write_table(pd.DataFrame(rows, columns=["text", "labels"]), train)
    write_table(pd.DataFrame(rows[:3], columns=["text", "labels"]), dev)
    result = invoke("fit", train, "--label-column", "labels", "--multi-label", "--vectorizer", "tfidf", "--model",
                    "logreg", "--dev", dev, "--out", tmp_path / "m", "--json")
    assert_ok(result)
    assert "joins its labels by" not in result.stderr and json.loads(result.stdout)["n"] == 3


def test_a_model_of_another_label_separator_is_named_by_evaluate_and_ensemble(cli_model, files, tmp_path):
    out, _ = cli_model
    piped = tmp_path / "piped.csv"
    frame = pd.read_csv(files["train"])
    write_table(frame.assign(labels=frame["labels"].str.replace(";", "|")), piped)
    assert_ok(invoke("fit", piped, "--label-column", "labels", "--multi-label", "--label-sep", "|", "--vectorizer",
                     "tfidf", "--model", "logreg", "--out", tmp_path / "piped"))
    assert_error(invoke("evaluate", files["dev"], "--model", tmp_path / "piped"),
                 r"dev.csv joins its labels by ';', not by '\|': pass --label-sep ';'")
    by_semicolon = json.loads(invoke("evaluate", files["dev"], "--model", tmp_path / "piped", "--label-sep", ";",
                                     "--json").stdout)
    piped_dev = tmp_path / "piped_dev.csv"
    dev = pd.read_csv(files["dev"])
    write_table(dev.assign(labels=dev["labels"].str.replace(";", "|")), piped_dev)
    as_trained = json.loads(invoke("evaluate", piped_dev, "--model", tmp_path / "piped", "--json").stdout)
    assert by_semicolon["micro_f1"] == as_trained["micro_f1"] and by_semicolon["n"] == as_trained["n"]
    assert_error(invoke("evaluate", files["dev"], "--model", tmp_path / "piped", "--label-sep", ""), "separator is empty")
    # fit --dev: --label-sep is the training file's; a dev file joined by another is read by its own
    refit = invoke("fit", piped, "--label-column", "labels", "--multi-label", "--label-sep", "|", "--vectorizer",
                   "tfidf", "--model", "logreg", "--dev", files["dev"], "--out", tmp_path / "piped2", "--json")
    assert_ok(refit)
    assert "note: --dev dev.csv joins its labels by ';', not by '|': read so" in refit.stderr
    assert json.loads(refit.stdout)["micro_f1"] == pytest.approx(as_trained["micro_f1"])
    assert_error(invoke("evaluate", files["dev"], "--label-sep", ";"),  # the shipped polarity model: one label
                 "--label-sep splits several labels per text, and this model gives one; leave it out")
    assert_error(invoke("ensemble", out, tmp_path / "piped", "--out", tmp_path / "e"),
                 r"the members join several labels differently in tables \(';', '\|'\); combine models trained "
                 "with one --label-sep")
    assert not (tmp_path / "e").exists()


def test_cli_fit_multi_label(cli_model, files):
    out, report = cli_model
    assert report["n"] == 90 and report["macro_f1"] > 0.9 and report["micro_f1"] > 0.9 and report["multi_label"]
    config = json.loads((out / "config.json").read_text())
    assert config["columns"] == {"text": "text", "label": "labels", "separator": ";"}
    assert config["data"]["n_tune"] == 28 and config["data"]["n_train"] == 252
    assert set(config["metrics"]["dev"]) == {"n", "macro_f1", "micro_f1", "exact_match"}  # as fit printed them


def test_cli_fit_notes_joined_labels_read_as_classes_without_multi_label(tmp_path):
    """Labels joined by ';' whose parts are not all labels of other rows are not refused, but said."""
    texts = ["so happy and mad", "sad day", "glad", "awful", "angry and scared", "happy", "gloomy", "joyful"] * 3
    labels = ["joy;anger", "sadness", "joy", "sadness", "anger;fear", "joy", "sadness", "joy"] * 3
    path = tmp_path / "ml.csv"
    write_table(pd.DataFrame({"text": texts, "labels": labels}), path)
    result = invoke("fit", path, "--label-column", "labels", "--task", "emotion", "--out", tmp_path / "m")
    assert_ok(result)
    assert "note: 2 labels of the data hold ';' (e.g. 'anger;fear') and are classes of their own; if they list " \
           "several labels of a text, add --multi-label" in result.stderr
    multi = invoke("fit", path, "--label-column", "labels", "--task", "emotion", "--multi-label", "--out", tmp_path / "n")
    assert_ok(multi)
    assert "hold ';'" not in multi.stderr
    write_table(pd.DataFrame({"text": texts, "labels": [y.replace("anger;fear", "fear") for y in labels]}), path)
    one = invoke("fit", path, "--label-column", "labels", "--task", "emotion", "--out", tmp_path / "o")
    assert "note: the label 'joy;anger' holds ';' and is a class of its own; if it lists several labels" in one.stderr


def test_cli_predict_multi_label(cli_model, tmp_path):
    out, _ = cli_model
    result = invoke("predict", "--model", out, "--json", "I was terrified and heartbroken", "nothing to see")
    assert_ok(result)
    first, second = json.loads(result.stdout)
    assert set(first["labels"]) == {"fear", "sadness"} and set(first) == {"text", "labels", "scores", "known_features"}
    result = invoke("predict", "--model", out, "I was terrified and heartbroken")
    assert_ok(result)
    assert result.stdout.split("\t")[0].count(",") == 1 and "fear 0." in result.stdout
    result = invoke("predict", "--model", out, "--json", "--top-if-none", "zzz")
    assert_ok(result)
    given = json.loads(result.stdout)[0]
    assert len(given["labels"]) >= 1 and isinstance(given["below_threshold"], bool)
    shown = invoke("predict", "--model", out, "--top-if-none", "zzz").stdout
    assert ("(below its threshold: none passes)" in shown) == given["below_threshold"]
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("text\nso hilarious and funny\nfurious and terrified\n", encoding="utf-8")
    assert_ok(invoke("predict", "--model", out, "--input", source, "--output", target))
    predicted = pd.read_csv(target)
    assert predicted["labels"].tolist()[0] == "amusement" and set(predicted["labels"][1].split(";")) == {"anger", "fear"}
    assert "score_neutral" in predicted.columns and "below_threshold" not in predicted.columns
    source.write_text("text\nso hilarious and funny\nzzz\n", encoding="utf-8")
    assert_ok(invoke("predict", "--model", out, "--input", source, "--output", target, "--top-if-none"))
    predicted = pd.read_csv(target, keep_default_na=False)
    annotated = sentiment.load(out).annotate(["so hilarious and funny", "zzz"], top_if_none=True)
    assert predicted["below_threshold"].tolist() == [r["below_threshold"] for r in annotated]
    assert all(predicted["labels"])  # every text has a label


def test_cli_evaluate_multi_label(cli_model, files, tmp_path):
    out, _ = cli_model
    result = invoke("evaluate", files["dev"], "--model", out, "--json", "--report", tmp_path / "report")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert report["n"] == 90 and {"macro_f1", "micro_f1", "per_class"} <= set(report)
    assert (tmp_path / "report" / "label_scores.png").stat().st_size > 0
    assert json.loads((tmp_path / "report" / "metrics.json").read_text())["micro_f1"] == report["micro_f1"]
    result = invoke("evaluate", files["dev"], "--model", out, "--grouping", "ekman")
    assert_ok(result)
    assert "micro-F1" in result.stdout and "grouping    ekman" in result.stdout and "amusement" not in result.stdout


def test_cli_fit_grouping_and_single_label_emotion(files, tmp_path):
    result = invoke("fit", files["train"], "--label-column", "labels", "--multi-label", "--grouping", "ekman",
                    "--out", tmp_path / "ekman", "--json", "--task", "emotion")
    assert_ok(result)
    assert json.loads(result.stdout)["labels"] == ["anger", "fear", "joy", "neutral", "sadness"]
    config = json.loads((tmp_path / "ekman" / "config.json").read_text())
    assert config["pipeline"]["options"]["grouping"] == "ekman" and config["pipeline"]["model"] == "logreg"
    assert config["pipeline"]["options"]["analyzer"] == "word+char"  # the emotion task's multi-label default
    result = invoke("evaluate", files["dev"], "--model", tmp_path / "ekman", "--json")  # fine labels, grouped
    assert_ok(result)
    assert json.loads(result.stdout)["macro_f1"] > 0.8
    # One emotion per text (as CARER), with a neural model.
    single = tmp_path / "single.csv"
    frame = pd.read_csv(files["train"])
    write_table(pd.DataFrame({"text": frame.text, "label": frame["labels"].str.split(";").str[0]}), single)
    result = invoke("fit", single, "--task", "emotion", "--model", "mlp", "--set", "epochs=3", "--out",
                    tmp_path / "single", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["accuracy"] > 0.5


def test_grouped_annotations_tell_labels_and_scores_in_groups(fitted, data):
    from sentiment.groupings import grouped_annotations

    (_, _), (dev_texts, _) = data
    fine = fitted.annotate(dev_texts[:20], top_if_none=True)
    grouped = grouped_annotations(fine, fitted.label_names_, "ekman")
    of = dict(zip(fitted.label_names_, group_labels(fitted.label_names_, "ekman")))
    for f, g in zip(fine, grouped):
        assert list(g["scores"]) == [name for name in EKMAN if name in set(of.values())]  # the grouping's order
        for group, score in g["scores"].items():  # a group's score: its most probable label's
            assert score == max(s for label, s in f["scores"].items() if of[label] == group)
        assert g["labels"] == list(dict.fromkeys(of[label] for label in f["labels"]))
        assert g["below_threshold"] == f["below_threshold"] and g["text"] == f["text"]
    texts, labels = data[0]
    one = Pipeline("tfidf", "logreg", C=10.0).fit(texts, [y[0] for y in labels])  # one label per text
    fine = one.annotate(dev_texts[:20])
    for f, g in zip(fine, grouped_annotations(fine, one.label_names_, "sentiment")):
        assert g["label"] == group_labels([f["label"]], "sentiment")[0]
        assert max(g["scores"], key=g["scores"].get) == g["label"]  # the group of the top label is the top group


def test_cli_predict_grouping(cli_model, files, tmp_path):
    out, _ = cli_model
    texts = ["so hilarious", "I am furious"]
    fine = json.loads(invoke("predict", "--model", out, "--json", *texts).stdout)
    result = invoke("predict", "--model", out, "--json", "--grouping", "ekman", *texts)
    assert_ok(result)
    grouped = json.loads(result.stdout)
    for f, g in zip(fine, grouped):
        assert g["labels"] == list(dict.fromkeys(group_labels(f["labels"], "ekman")))
    assert grouped[0]["labels"] == ["joy"]
    predictions = tmp_path / "p.csv"
    assert_ok(invoke("predict", "--model", out, "--input", files["dev"], "--output", predictions, "--grouping", "ekman"))
    written = pd.read_csv(predictions)
    assert [c for c in written.columns if "score_" in c] == [f"predicted_score_{g}" for g in grouped[0]["scores"]]
    polarity = tmp_path / "polarity"
    Pipeline().fit(["good", "bad", "great", "awful"], ["positive", "negative"] * 2).save(polarity)
    assert_error(invoke("predict", "--model", polarity, "--grouping", "ekman", "good"),
                 "model's label 'negative' is not one of them")
    assert_error(invoke("predict", "--model", out, "--grouping", "plutchik", "good"), "unknown grouping 'plutchik'")
    assert_error(invoke("predict", "--model", polarity, "--grouping", "sentiment", "good"),
                 r"labels \(negative, positive\) are its groups already; leave it out")
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("text,label\ngood,positive\nbad,negative\n", encoding="utf-8")
    assert_error(invoke("evaluate", labelled, "--model", polarity, "--grouping", "sentiment"),
                 r"labels \(negative, positive\) are its groups already, as are those of labelled.csv; leave it out")
    grouped = tmp_path / "grouped"
    assert_ok(invoke("fit", files["train"], "--label-column", "labels", "--multi-label", "--grouping", "ekman",
                     "--out", grouped))
    assert_ok(invoke("predict", "--model", grouped, "--grouping", "ekman", "so hilarious"))  # its own grouping


def test_evaluate_groups_gold_labels_for_a_model_whose_labels_are_the_groups(tmp_path):
    """A model of Ekman's groups scored on GoEmotions labels: --grouping ekman counts "love" as joy. It was
    refused as grouping nothing, and without it "love" is a label the model never saw."""
    model = tmp_path / "groups"
    texts = ["so angry at this", "I am scared", "what a joy", "so sad today"] * 3
    Pipeline().fit(texts, ["anger", "fear", "joy", "sadness"] * 3).save(model)
    gold = tmp_path / "gold.csv"
    gold.write_text("text,label\nwhat a joy,love\nso sad today,grief\nI am scared,fear\n", encoding="utf-8")
    result = invoke("evaluate", gold, "--model", model, "--grouping", "ekman", "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert report["n"] == 3 and report["accuracy"] == 1.0  # love as joy, grief as sadness
    assert_error(invoke("evaluate", gold, "--model", model), "grief, love were not seen in training")
    polarity = tmp_path / "polarity"  # gold labels that are the values a model's names name: nothing to group
    Pipeline().fit(["good", "bad", "great", "awful"], [1, 0, 1, 0]).save(polarity)
    codes = tmp_path / "codes.csv"
    codes.write_text("text,label\ngood,1\nbad,0\n", encoding="utf-8")
    assert_error(invoke("evaluate", codes, "--model", polarity, "--grouping", "sentiment"),
                 r"are its groups already, as are those of codes.csv; leave it out")


def test_explain_names_the_label_it_explains_where_a_group_is_shown(tmp_path):
    """With one label per text and --grouping, the words explained the fine label ("love") under the group
    shown ("joy"), unnamed: "happy" seemed to speak against joy."""
    data = tmp_path / "e.csv"
    rows = [("i adore you darling", "love"), ("adore my darling", "love"), ("so happy today", "joy"),
            ("happy glad day", "joy"), ("i am furious", "anger"), ("angry and furious", "anger"),
            ("sad tears", "sadness"), ("so sad and gloomy", "sadness")] * 5
    data.write_text("text,label\n" + "".join(f"{t},{y}\n" for t, y in rows), encoding="utf-8")
    assert_ok(invoke("fit", data, "--task", "emotion", "--out", tmp_path / "m"))
    lines = invoke("predict", "--model", tmp_path / "m", "--grouping", "ekman", "--explain",
                   "adore my darling").stdout.splitlines()
    assert lines[0].startswith("joy\t") and lines[1] == "  why love:"
    plain = invoke("predict", "--model", tmp_path / "m", "--explain", "adore my darling").stdout.splitlines()
    assert plain[0].startswith("love\t") and not plain[1].startswith("  why")  # the label shown is the one explained


def test_an_empty_task_is_refused_as_an_unknown_one():
    for command in (["predict", "--task", "", "great film"], ["info", "--task", ""]):
        assert_error(invoke(*command), r"unknown task ''; choose polarity, emotion or aspect")


def test_cli_explain_says_when_the_explained_label_passes_no_threshold(cli_model):
    out, _ = cli_model
    note = "(the most probable label; none passes its threshold)"
    for extra in ([], ["--grouping", "ekman"]):  # grouped: the labels shown are groups, the explained one a label
        result = invoke("predict", "--model", out, "--explain", *extra, "so hilarious")
        assert_ok(result)
        assert "  why " in result.stdout and note not in result.stdout
    below = invoke("predict", "--model", out, "--explain", "--top-if-none", "qqq zzz xxx")
    assert_ok(below)
    assert "below its threshold" in below.stdout and note in below.stdout


def test_cli_emotion_errors(files, cli_model, tmp_path):
    out, _ = cli_model
    comma = tmp_path / "comma.csv"
    comma.write_text("text,labels\nhappy and scared,\"joy,fear\"\nsad,sadness\n", encoding="utf-8")
    assert_error(invoke("fit", comma, "--label-column", "labels", "--multi-label", "--out", tmp_path / "m"),
                 r"contains the separator ';', but some contain ','.*pass --label-sep ','")
    empty = tmp_path / "empty.csv"
    empty.write_text("text,labels\nhappy,joy\nscared,fear;\n", encoding="utf-8")
    assert_error(invoke("fit", empty, "--label-column", "labels", "--multi-label", "--out", tmp_path / "m"),
                 r"data row 2 has an empty label in 'fear;'")
    assert_error(invoke("fit", files["train"], "--label-column", "labels", "--multi-label", "--grouping", "plutchik",
                        "--out", tmp_path / "m"), "unknown grouping 'plutchik'")
    assert_error(invoke("evaluate", files["dev"], "--model", out, "--grouping", "plutchik"), "unknown grouping")
    assert_error(invoke("fit", files["train"], "--task", "aspects", "--out", tmp_path / "m"), "unknown task 'aspects'")
    assert_error(invoke("fit", files["train"], "--label-sep", ",", "--out", tmp_path / "m"), "goes with --multi-label")
    other = shutil.copytree(out, tmp_path / "other")
    assert_error(invoke("ensemble", out, other, "--tune", tmp_path / "missing.csv", "--out", tmp_path / "e"),
                 "missing.csv")
    assert not (tmp_path / "e").exists()


def test_cli_ensemble_of_multi_label_models(cli_model, files, tmp_path):
    out, _ = cli_model
    second = tmp_path / "nb"
    assert_ok(invoke("fit", files["train"], "--label-column", "labels", "--multi-label", "--model", "nb",
                     "--vectorizer", "count", "--out", second))
    result = invoke("ensemble", out, second, "--tune", files["dev"], "--out", tmp_path / "mean")
    assert_ok(result)
    assert "thresholds: tuned on dev.csv" in result.stdout and "rough" not in result.stdout
    as_json = json.loads(invoke("ensemble", out, second, "--tune", files["dev"], "--out", tmp_path / "mean2", "--json").stdout)
    assert as_json["thresholds_from"].startswith("tuned on dev.csv")
    assert as_json["thresholds"] == dict(zip(sentiment.load(tmp_path / "mean").label_names_,
                                             json.loads((tmp_path / "mean" / "config.json").read_text())["thresholds"]))
    assert "learnt from a file" not in result.stdout
    described = json.loads(invoke("info", tmp_path / "mean", "--json").stdout)
    assert described["data"] == {"tune": "dev.csv", "n_tune": len(pd.read_csv(files["dev"]))}
    sentiment.load(tmp_path / "mean").save(tmp_path / "again")  # kept with the tuned thresholds
    assert json.loads(invoke("info", tmp_path / "again", "--json").stdout)["data"] == described["data"]
    assert "note: the model was trained on a file named dev.csv" in invoke("evaluate", files["dev"], "--model",
                                                                           tmp_path / "mean").stderr  # tuned there
    retuned = sentiment.load(tmp_path / "mean")
    frame = pd.read_csv(files["train"])
    retuned.tune(frame["text"].tolist(), [labels.split(";") for labels in frame["labels"]])
    assert "data" not in retuned.config_  # no longer what tuned its thresholds
    learnt = invoke("ensemble", out, second, "--tune", files["train"], "--out", tmp_path / "learnt")
    assert_ok(learnt)  # tuned on the members' own training file: said
    assert re.search(r"^note: .*model, .*nb learnt from a file of that name, .*tune on held-out texts$", learnt.stderr, re.M)
    assert "note" not in learnt.stdout  # notes go to stderr, as every other command's
    few = tmp_path / "few.csv"
    frame = pd.read_csv(files["dev"])
    counts = frame["labels"].str.split(";").head(30).explode().value_counts()
    rough, scarce = counts[(counts >= 5) & (counts < 10)].index, counts[counts < 5].index
    assert len(rough) and len(scarce)  # the first 30 texts have both kinds of label
    frame.head(30).to_csv(few, index=False)
    result = invoke("ensemble", out, second, "--tune", few, "--out", tmp_path / "rough")
    assert_ok(result)
    assert re.search(rf"with fewer than 10 texts there, whose thresholds are rough: .*\b{rough[0]}\b", result.stdout)
    assert re.search(rf"fewer than 5 texts there \(too few to tune\) keep the members' mean threshold: .*\b{scarce[0]}\b",
                     result.stdout)
    tuned, members = load(tmp_path / "rough"), [load(out), load(second)]
    for label in scarce:
        index = list(tuned.label_names_).index(label)
        assert tuned.thresholds_[index] == pytest.approx(np.mean([m.thresholds_[index] for m in members]))
    absent = frame["labels"].str.split(";").explode().value_counts().index[-1]  # the rarest label
    frame[~frame["labels"].str.split(";").map(lambda y: absent in y)].to_csv(few, index=False)
    result = invoke("ensemble", out, second, "--tune", few, "--out", tmp_path / "absent")
    assert_ok(result)
    assert re.search(rf"keep the members' mean threshold: .*\b{absent}\b", result.stdout)
    unseen = tmp_path / "unseen.csv"
    frame = pd.read_csv(files["dev"]).head(12)
    frame.loc[0, "labels"] = "nervousness"
    frame.to_csv(unseen, index=False)
    assert_error(invoke("ensemble", out, second, "--tune", unseen, "--out", tmp_path / "e2"),
                 r"--tune .*unseen.csv: label\(s\) nervousness were not seen in training by the members; drop the rows")
    result = invoke("evaluate", files["dev"], "--model", tmp_path / "mean", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["macro_f1"] > 0.8
    result = invoke("predict", "--model", tmp_path / "mean", "I was terrified and heartbroken", "--json")
    assert_ok(result)
    assert set(json.loads(result.stdout)[0]["labels"]) == {"fear", "sadness"}


def test_default_emotion_model():
    from sentiment.default_models import default_model_path

    try:
        default_model_path("emotion")
    except ModelFileError:
        pytest.skip("the default emotion model is not shipped yet")
    result = invoke("predict", "--task", "emotion", "--json", "--top-if-none", "Thank you so much, I love it!")
    assert_ok(result)
    annotation = json.loads(result.stdout)[0]
    assert "gratitude" in annotation["labels"] and len(annotation["scores"]) == 28


def test_ensemble_tune_file_in_columns_of_its_own(fitted, tmp_path):
    from sentiment.commands import ensemble_models

    fitted.save(tmp_path / "a")
    fitted.save(tmp_path / "b")
    members = [tmp_path / "a", tmp_path / "b"]
    tune = tmp_path / "tune.csv"
    pd.DataFrame({"text": ["fine", "sad"], "label": ["joy,fear", "anger"]}).to_csv(tune, index=False)
    with pytest.raises(DataError, match=r"--tune .* joins its labels by ',', not by ';': pass --label-sep ','$"):
        ensemble_models(members, tmp_path / "ens", tune=tune)
    for columns, missing in ((["text", "emotion"], "'label'"), (["review", "label"], "'text'")):
        pd.DataFrame({columns[0]: ["fine"], columns[1]: ["joy"]}).to_csv(tune, index=False)
        with pytest.raises(DataError, match=f"--tune .* has no column {missing} \\(its columns: {', '.join(columns)}\\); "
                                            "it needs a text column .* --text-column and --label-column$"):
            ensemble_models(members, tmp_path / "ens", tune=tune)
    assert not (tmp_path / "ens").exists()
    with pytest.raises(ConfigError, match=r"^--label-column reads the --tune file; give --tune FILE too"):
        ensemble_models(members, tmp_path / "ens", label_column="emotion")  # not ignored in Python either
    pd.DataFrame({"review": ["fine", "so sad", "scary"], "emotion": ["joy,fear", "sadness", "fear"]}).to_csv(tune, index=False)
    ensemble, _, _ = ensemble_models(members, tmp_path / "ens", tune=tune, text_column="review", label_column="emotion",
                                     separator=",")
    expected = sentiment.Ensemble([sentiment.load(m) for m in members]).tune(
        ["fine", "so sad", "scary"], [["joy", "fear"], ["sadness"], ["fear"]])
    assert ensemble.thresholds_.tolist() == expected.thresholds_.tolist()
    assert sentiment.load(tmp_path / "ens").config_["data"] == {"tune": "tune.csv", "n_tune": 3}


def test_ensemble_tune_labels_outside_a_members_grouping(tmp_path):
    from sentiment.commands import ensemble_models
    from sentiment.groupings import group_labels

    fine = ["joy", "love", "anger", "fear", "neutral"] * 8
    texts = [f"{label} text {i}" for i, label in enumerate(fine)]
    Pipeline("tfidf", "logreg", grouping="sentiment").fit(texts, [[label] for label in fine]).save(tmp_path / "a")
    grouped = group_labels([[label] for label in fine], "sentiment")  # a member trained on the groups themselves
    Pipeline("tfidf", "nbsvm").fit(texts, grouped).save(tmp_path / "b")
    tune = tmp_path / "tune.csv"
    pd.DataFrame({"text": ["fine", "sad"], "label": ["joy", "foo"]}).to_csv(tune, index=False)
    with pytest.raises(DataError, match=r"^--tune .*tune.csv: label 'foo' is not in the sentiment grouping that a member "
                                        r"was trained with; fix the label or drop the rows with it$"):
        ensemble_models([tmp_path / "a", tmp_path / "b"], tmp_path / "ens", tune=tune)
    pd.DataFrame({"text": ["fine", "wow"], "label": ["joy", "surprise"]}).to_csv(tune, index=False)
    with pytest.raises(DataError, match=r"label\(s\) surprise \(ambiguous in the members' grouping\) were not seen "
                                        r"in training by the members; drop the rows with those labels$"):
        ensemble_models([tmp_path / "a", tmp_path / "b"], tmp_path / "ens", tune=tune)
    assert not (tmp_path / "ens").exists()


def test_fit_notes_that_several_labels_early_stop_on_the_tune_part(files, tmp_path):
    from sentiment import commands

    logged = []
    commands.fit_file(files["train"], tmp_path / "m", label_column="labels", multi_label=True, model="mlp",
                      options={"dev_fraction": 0.2, "epochs": 1, "hidden_sizes": [8]}, refit=False, log=logged.append)
    assert any("early-stops on the part held out to tune the thresholds (10%, --tune-fraction), so --set "
               "dev_fraction is not used" in line for line in logged)
    logged.clear()
    commands.fit_file(files["train"], tmp_path / "m", label_column="labels", multi_label=True, model="mlp",
                      options={"epochs": 1, "hidden_sizes": [8]}, refit=False, log=logged.append)
    assert not any("dev_fraction is not used" in line for line in logged)


def test_the_several_labels_setting_of_a_task_refuses_one_label_per_text(data):
    from sklearn.base import clone

    (texts, labels), _ = data
    one_each = [labels_of[0] for labels_of in labels]
    pipe = Pipeline.for_task("emotion", multi_label=True)
    for candidate in (pipe, clone(pipe)):
        with pytest.raises(DataError, match=r"the labels are one per text, and this pipeline has the emotion task's "
                                            r"setting for several labels per text: give each text a list of labels"):
            candidate.fit(texts, one_each)
    assert pipe.fit(texts, labels).multi_label_


def test_several_integer_labels_per_text_are_no_polarity_scale(tmp_path):
    """Ids 0..4 name 5-way polarity for one label per text; a text cannot be 'neutral' and 'very negative'."""
    texts = ["happy glad", "sad down", "meh ok", "good nice", "great super", "happy sad", "glad down", "great awful"]
    pipe = Pipeline(tune_fraction=0).fit(texts * 3, [[0], [1], [2], [3], [4], [0, 2], [1, 3], [0, 4]] * 3)
    assert pipe.label_names_ == ["0", "1", "2", "3", "4"]
    assert Pipeline().fit(texts[:5] * 3, [0, 1, 2, 3, 4] * 3).label_names_[0] == "very negative"  # one per text


def test_a_fitted_pipeline_scores_with_the_grouping_it_learnt(tmp_path):
    """set_params(grouping=...) after fit changes the next fit, not how the fitted model reads labels (its
    saved copy keeps the grouping it learnt, and the two must agree)."""
    texts = ["i am so happy", "what joy", "i am furious", "so angry", "happy happy", "angry mad"] * 4
    labels = ["joy", "joy", "anger", "anger", "joy", "anger"] * 4
    pipe = Pipeline(grouping="sentiment").fit(texts, labels)
    learnt = pipe.score(texts, labels)
    pipe.set_params(grouping=None)
    with pytest.warns(sentiment.IgnoredOptionWarning, match="^grouping was changed since fit and is not saved"):
        saved = pipe.save(tmp_path / "m")
    assert pipe.score(texts, labels) == learnt == sentiment.load(saved).score(texts, labels)
    assert list(pipe.fit(texts, labels).label_names_) == ["anger", "joy"]  # the next fit learns the new setting


def test_a_grouping_groups_the_names_given_to_label_ids(data, tmp_path):
    (texts, labels), (dev_texts, dev_labels) = data
    names = sorted({y for row in labels for y in row})
    ids = {name: i for i, name in enumerate(names)}
    as_ids = [tuple(ids[y] for y in row) for row in labels]
    by_name = Pipeline("tfidf", "logreg", grouping="ekman").fit(texts, labels)
    by_id = Pipeline("tfidf", "logreg", grouping="ekman").fit(  # the grouping read the ids, which it lacks
        texts, as_ids, label_names={i: name for name, i in ids.items()},
        dev=(dev_texts, [tuple(ids[y] for y in row) for row in dev_labels]))
    assert by_id.label_names_ == by_name.label_names_ and by_id.score(dev_texts, dev_labels) > 0.8
    with pytest.raises(ConfigError, match="label_names gives no name for the label"):
        Pipeline("tfidf", "logreg", grouping="ekman").fit(texts, as_ids, label_names={0: names[0]})
    with pytest.raises(ConfigError, match="label_names must be a dict of label -> display name"):
        Pipeline("tfidf", "logreg", grouping="ekman").fit(texts, as_ids, label_names=names)
    train, dev = tmp_path / "train.csv", tmp_path / "dev.csv"  # the CLI: --label-names with --grouping
    write_table(pd.DataFrame({"text": texts, "labels": [";".join(str(ids[y]) for y in row) for row in labels]}), train)
    write_table(pd.DataFrame({"text": dev_texts, "labels": [";".join(str(ids[y]) for y in row) for row in dev_labels]}), dev)
    named = ",".join(f"{i}={name}" for name, i in ids.items())
    result = invoke("fit", train, "--task", "emotion", "--multi-label", "--label-column", "labels", "--model", "logreg",
                    "--label-names", named, "--grouping", "ekman", "--dev", dev, "--out", tmp_path / "m")
    assert result.exit_code == 0, result.output
    assert sentiment.load(tmp_path / "m").label_names_ == by_name.label_names_
    # the model keeps the ids' names, so that it scores a file of ids as it learnt them (in Python too)
    result = invoke("evaluate", dev, "--model", tmp_path / "m", "--label-column", "labels", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["macro_f1"] == evaluate(sentiment.load(tmp_path / "m"), dev_texts, dev_labels)["macro_f1"]
    dev_ids = [tuple(ids[y] for y in row) for row in dev_labels]
    assert sentiment.load(by_id.save(tmp_path / "py")).score(dev_texts, dev_ids) == by_id.score(dev_texts, dev_labels)


def test_evaluate_in_groups_takes_gold_labels_the_model_never_learnt_by_their_group(data, tmp_path):
    from sentiment.evaluation import evaluate

    (texts, labels), (dev_texts, dev_labels) = data
    kept = [(t, y) for t, y in zip(texts, labels) if "amusement" not in y]  # a model that never learnt "amusement"
    single = Pipeline("tfidf", "logreg").fit([t for t, _ in kept], [y[0] for _, y in kept])
    several = Pipeline("tfidf", "logreg").fit([t for t, _ in kept], [y for _, y in kept])
    assert "amusement" not in single.label_names_ and any(y[0] == "amusement" for y in dev_labels)
    for pipe, gold in ((single, [y[0] for y in dev_labels]), (several, dev_labels)):
        with pytest.raises(DataError, match="amusement"):  # scored label by label: not a label of the model
            evaluate(pipe, dev_texts, gold)
        report = evaluate(pipe, dev_texts, gold, grouping="ekman")  # "amusement" is of the group "joy", which it has
        assert report["n"] == len(dev_texts) and report["grouping"] == "ekman"
        assert report["macro_f1"] > 0.5
    with pytest.raises(DataError, match="label 'boredom' is not in the ekman grouping"):
        evaluate(single, dev_texts[:2], ["joy", "boredom"], grouping="ekman")
    with pytest.raises(DataError, match=r"^label\(s\) of the ekman group\(s\) surprise were not seen in training, nor any "
                                        r"label of those groups \(the model's groups: anger, fear, joy, sadness, neutral\)"):
        evaluate(single, dev_texts[:2], ["joy", "realization"], grouping="ekman")  # surprise: no label of it learnt
    written = tmp_path / "dev.csv"
    write_table(pd.DataFrame({"text": dev_texts, "label": [y[0] for y in dev_labels]}), written)
    single.save(tmp_path / "m")
    assert invoke("evaluate", written, "--model", tmp_path / "m", "--grouping", "ekman").exit_code == 0
    # a model of ids named at fit names a gold id it never learnt by those names too
    ids = {name: i for i, name in enumerate(sorted({y for row in labels for y in row}))}
    by_id = Pipeline("tfidf", "logreg").fit([t for t, _ in kept], [ids[y[0]] for _, y in kept],
                                            label_names={i: name for name, i in ids.items()})
    in_groups = evaluate(single, dev_texts, [y[0] for y in dev_labels], grouping="ekman")["macro_f1"]
    assert evaluate(sentiment.load(by_id.save(tmp_path / "ids")), dev_texts, [ids[y[0]] for y in dev_labels],
                    grouping="ekman")["macro_f1"] == in_groups
    # and an ensemble of such models, by its members' names
    both = sentiment.Ensemble([sentiment.load(tmp_path / "ids"), sentiment.load(tmp_path / "ids")])
    assert evaluate(both, dev_texts, [ids[y[0]] for y in dev_labels], grouping="ekman")["macro_f1"] == in_groups
    # a model trained on names, with --label-names for the dev file's ids, keeps them: evaluate reads its ids
    train, dev = tmp_path / "named.csv", tmp_path / "dev_ids.csv"
    write_table(pd.DataFrame({"text": [t for t, _ in kept], "label": [y[0] for _, y in kept]}), train)
    write_table(pd.DataFrame({"text": dev_texts, "label": [ids[y[0]] for y in dev_labels]}), dev)
    named = ",".join(f"{i}={name}" for name, i in ids.items())
    dev_kept = [(t, ids[y[0]]) for t, y in zip(dev_texts, dev_labels) if y[0] != "amusement"]  # (learnt labels only)
    write_table(pd.DataFrame({"text": [t for t, _ in dev_kept], "label": [y for _, y in dev_kept]}), dev)
    assert invoke("fit", train, "--task", "emotion", "--model", "logreg", "--dev", dev, "--label-names", named,
                  "--out", tmp_path / "by_name").exit_code == 0
    result = invoke("evaluate", dev, "--model", tmp_path / "by_name")
    assert result.exit_code == 0, result.output
