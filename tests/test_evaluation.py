"""Scoring a fitted model (sentiment.evaluation.evaluate): gold labels given as the model's label values or
as their names, and labels the model never saw; the report folder and its mistakes.csv."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest

from sentiment import ConfigError, DataError, Pipeline


def test_unseen_labels_at_evaluate(pipe):
    from sentiment.evaluation import evaluate

    with pytest.raises(DataError, match="label\\(s\\) maybe were not seen in training; the model knows: neg, pos"):
        evaluate(pipe, ["good film", "bad film"], ["pos", "maybe"])


def test_labels_of_other_capitals_are_named_to_the_model_s_own_in_the_advice(pipe):
    """Gold labels that are the model's in other capitals: the --label-names advised names each by the model's label
    it spells, not the first unknown label by the model's first label ("Pos=neg" for a file of "Pos" alone)."""
    from sentiment.evaluation import evaluate

    with pytest.raises(DataError, match=r"label\(s\) Pos were not seen .*--label-names 'Pos=pos'"):
        evaluate(pipe, ["good film", "great fun"], ["Pos", "Pos"])
    with pytest.raises(DataError, match=r"--label-names 'NEG=neg,Pos=pos'"):
        evaluate(pipe, ["good film", "bad film"], ["Pos", "NEG"])
    with pytest.raises(DataError, match=r"--label-names bad=neg,\.\.\."):  # other names: the general advice
        evaluate(pipe, ["good film", "bad film"], ["good", "bad"])


def test_labels_of_other_capitals_that_label_names_cannot_say_are_to_be_written_as_the_model_s(pipe):
    """Two spellings of one label ("Pos", "POS"): the --label-names once advised gave one name to two labels, which
    --label-names refuses; a label with a comma cannot be given there at all; one with a quote is quoted for a
    shell."""
    import shlex

    from sentiment.cli import _parse_label_names
    from sentiment.evaluation import evaluate

    for labels in (["Pos", "POS"], ["Pos", "POS", "neg"]):
        with pytest.raises(DataError, match=r"spelt otherwise, write them as it does in the file \(in Python") as raised:
            evaluate(pipe, ["good film", "great fun", "fine"][:len(labels)], labels)
        assert "--label-names" not in str(raised.value)
    texts = ["good film", "bad film"]
    fitted = Pipeline().fit(texts * 3, ["don't know", "a,b"] * 3)
    with pytest.raises(DataError, match=r"write them as it does in the file") as raised:
        evaluate(fitted, texts, ["A,B", "a,b"])
    assert "--label-names" not in str(raised.value)
    with pytest.raises(DataError, match=r"--label-names 'Don'\"'\"'t know=don'\"'\"'t know';") as raised:
        evaluate(fitted, texts, ["Don't know", "a,b"])
    advised = re.search(r"--label-names ('.*');", str(raised.value)).group(1)
    assert _parse_label_names(shlex.split(advised)[0]) == {"Don't know": "don't know"}


def test_texts_taken_for_the_labels_are_said_to_be_texts_and_shown_short(pipe):
    """A label column that holds the texts (--text-column and --label-column swapped): a few labels, cut short, and
    the word that they look like texts, not ten whole reviews and an advice to name each of them."""
    from sentiment.evaluation import evaluate

    texts = [f"review {i}: " + "a long and rambling account of the film " * 3 for i in range(12)]
    with pytest.raises(DataError) as raised:
        evaluate(pipe, [f"t{i}" for i in range(12)], texts)
    message = str(raised.value)
    assert "these look like texts or ids, not labels" in message and "--label-names" not in message
    assert len(message) < 500 and message.startswith("label(s) review 0: a long ...")


@pytest.mark.parametrize("missing", [None, float("nan"), " "])
def test_a_missing_gold_label_is_named_as_fit_names_it(pipe, missing):
    from sentiment.evaluation import evaluate

    texts = ["a superb film", "dull and awful", "fine"]
    with pytest.raises(DataError, match="label 2 is missing; drop or fill the rows without a label"):
        evaluate(pipe, texts, ["pos", "neg", missing])
    with pytest.raises(DataError, match="label 2 is missing"):
        pipe.score(texts, ["pos", "neg", missing])


def test_the_text_report_keeps_every_class_whose_names_escape_alike():
    from sentiment.evaluation import format_report

    names = ["a\tb", "a\\tb"]  # a tab, and a backslash followed by t: both shown as a\tb
    report = {"n": 3, "accuracy": 1.0, "macro_f1": 1.0, "labels": names, "confusion_matrix": [[2, 0], [0, 1]],
              "per_class": {name: {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": n}
                            for name, n in zip(names, (2, 1))}}
    lines = format_report(report).splitlines()
    rows = [line for line in lines if line.startswith("a\\tb ")]
    assert len(rows) == 4 and "\t" not in "".join(lines)  # two class rows and two matrix rows, one line each
    assert rows[0].split()[-1] == "2" and rows[1].split()[-1] == "1"  # each class its own support


def test_the_text_report_aligns_wide_characters_by_the_columns_they_take():
    from sentiment.evaluation import columns, format_report

    names = ["正面", "negative", "café ☕", "e\u0301"]  # wide, plain, an emoji, a combining accent
    report = {"n": 4, "accuracy": 1.0, "macro_f1": 1.0, "labels": names,
              "confusion_matrix": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
              "per_class": {name: {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1} for name in names}}
    lines = format_report(report).splitlines()
    table = lines[lines.index("confusion matrix (rows: true, columns: predicted)") + 1:]
    assert len({columns(line) for line in table}) == 1  # every row of the matrix as wide as its header
    rows = [line for line in lines if line.endswith("      1") and "1.0000" in line]
    assert len(rows) == 4 and len({columns(line) for line in rows}) == 1


def test_evaluate_accepts_label_values_or_names(fitted, five):
    from sentiment.evaluation import evaluate

    pipe = fitted("tfidf", "logreg", "five")
    by_value = evaluate(pipe, five.dev_texts, five.dev_labels)
    names = [pipe.label_names_[y] for y in five.dev_labels]
    by_name = evaluate(pipe, five.dev_texts, names)
    assert by_value == by_name
    assert by_value["n"] == len(five.dev_texts) and by_value["multi_label"] is False  # a key every report has
    assert by_value["accuracy"] == pytest.approx(pipe.score(five.dev_texts, five.dev_labels))
    matrix = np.array(by_value["confusion_matrix"])
    assert matrix.sum() == len(five.dev_texts)
    assert np.trace(matrix) / matrix.sum() == pytest.approx(by_value["accuracy"])
    assert [by_value["per_class"][n]["support"] for n in pipe.label_names_] == [15] * 5


def test_macro_f1_averages_the_classes_in_the_data_or_the_predictions():
    from sklearn.metrics import f1_score

    from sentiment.evaluation import _multi_label_report, _report, format_report

    names = ["negative", "neutral", "positive"]
    perfect = _report(np.array([0, 2, 2]), np.array([0, 2, 2]), names)  # no neutral text, none predicted
    assert perfect["macro_f1"] == 1.0 and perfect["macro_f1_labels"] == 2
    assert "macro-F1   1.0000 (over 2 of 3 labels that occur in the data or the predictions)" in format_report(perfect)
    assert perfect["per_class"]["neutral"] == {"precision": None, "recall": None, "f1": None, "support": 0}  # listed,
    assert "\nneutral               —       —       —        0\n" in format_report(perfect)  # no scores: macro-F1 leaves it out
    truth, predicted = np.array([0, 2, 2, 0]), np.array([0, 1, 2, 2])  # neutral predicted once, never true
    mixed = _report(truth, predicted, names)
    assert mixed["macro_f1"] == pytest.approx(f1_score(truth, predicted, average="macro", zero_division=0))
    assert mixed["macro_f1_labels"] == 3  # every class is in the truth or the predictions
    assert "macro-F1   0.3889\n" in format_report(mixed)  # (not said where it averages them all)
    truth = np.array([[1, 0, 0], [1, 1, 0]])  # label 2 on no text and never predicted
    several = _multi_label_report(truth, truth.copy(), names)
    assert several["macro_f1"] == 1.0 and several["macro_f1_labels"] == 2
    assert _multi_label_report(truth, np.array([[1, 0, 1], [1, 1, 0]]), names)["macro_f1_labels"] == 3


def test_the_confusion_matrix_plot_states_the_reports_own_figures(tmp_path):
    from sentiment.evaluation import _headline_figures, _report, confusion_figure, plot_confusion_matrix

    # the plot's subtitle says what the report says (one class wrong in four texts)
    report = _report(np.array([0, 0, 1, 1]), np.array([0, 0, 1, 0]), ["a", "b", "c"])
    assert report["macro_f1"] == pytest.approx(0.7333333)
    # ("c" is in neither the data nor the predictions: macro-F1 averages the other two, as the plain report says)
    assert _headline_figures(report, 4) == "accuracy 0.750, macro-F1 0.733 (over 2 of 3 labels), n=4"
    both = _report(np.array([0, 0, 1, 1]), np.array([0, 0, 1, 0]), ["a", "b"])
    assert _headline_figures(both, 4) == "accuracy 0.750, macro-F1 0.733, n=4"
    # an aspect report's n counts sentences, and its matrix the gold aspects whose polarity it scores
    aspect_polarity = {"n": 2, "polarity_accuracy": 0.5, "polarity_macro_f1": None}
    assert _headline_figures(aspect_polarity, 3) == "polarity on 3 gold aspects: accuracy 0.500"
    some = {"n": 2, "polarity_accuracy": 0.5, "polarity_macro_f1": 0.4, "polarity_macro_f1_labels": ["negative", "positive"],
            "labels": ["negative", "neutral", "positive"]}
    assert _headline_figures(some, 3) == "polarity on 3 gold aspects: accuracy 0.500, macro-F1 0.400 (over 2 of 3 polarities)"
    assert confusion_figure(report, "dev").axes[0].get_title() == "dev\naccuracy 0.750, macro-F1 0.733 (over 2 of 3 labels), n=4"
    path = plot_confusion_matrix(report, tmp_path / "cm.png")
    assert path.read_bytes()[:4] == b"\x89PNG" and [p.name for p in tmp_path.iterdir()] == ["cm.png"]
    # the predicted classes' names side by side where they fit (a few short ones), tilted otherwise
    long_names = _report(np.array([0, 1]), np.array([0, 1]), ["very negative", "very positive"])
    for shown, rotation in ((report, 0), (long_names, 45)):
        assert {label.get_rotation() for label in confusion_figure(shown).axes[0].get_xticklabels()} == {rotation}


def test_a_plot_grows_to_hold_long_label_names_and_titles_whole(tmp_path):
    import struct
    import warnings

    from sentiment.evaluation import _report, plot_confusion_matrix

    def png_width(path):
        return struct.unpack(">I", path.read_bytes()[16:20])[0]

    short = _report(np.array([0, 1, 0, 1]), np.array([0, 1, 1, 1]), ["a", "b"])
    long = _report(np.array([0, 1, 0, 1]), np.array([0, 1, 1, 1]), ["complaint about delivery time and packaging", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # was "Tight layout not applied", and the name cut off at the image's edge
        plot_confusion_matrix(short, tmp_path / "short.png", title="dev.csv")
        plot_confusion_matrix(long, tmp_path / "long.png", title="imdb_reviews_dev_split_2024_with_a_long_name.csv")
    assert png_width(tmp_path / "long.png") > png_width(tmp_path / "short.png") + 200
    huge = _report(np.arange(150) % 150, np.arange(150) % 150, [f"label {i}" for i in range(150)])
    from sentiment.evaluation import MAX_FIGURE_INCHES, confusion_figure

    assert max(confusion_figure(huge).get_size_inches()) <= MAX_FIGURE_INCHES + 1


def test_a_report_of_grouped_labels_says_so_in_its_plot_title(monkeypatch, tmp_path):
    from sentiment import evaluation

    titles = []
    monkeypatch.setattr(evaluation, "plot_label_scores", lambda report, path, title: titles.append(title))
    multi = {"multi_label": True, "labels": ["joy", "anger"], "macro_f1": 0.5, "micro_f1": 0.5, "n": 2, "grouping": "ekman",
             "per_class": {name: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 1} for name in ("joy", "anger")}}
    evaluation.write_report(multi, tmp_path / "r", "dev.csv")
    evaluation.write_report({**multi, "grouping": None}, tmp_path / "s", "dev.csv")
    assert titles == ["Per-label scores (ekman groups): dev.csv", "Per-label scores: dev.csv"]


def test_write_report_writes_the_metrics_and_the_plot_that_fits_the_report(pipe, tmp_path):
    import json

    from sentiment.evaluation import evaluate, write_report

    report = evaluate(pipe, ["good film", "bad film", "great", "awful"], ["pos", "neg", "pos", "neg"])
    with pytest.raises(ConfigError, match="give the report's folder as a path .*not NoneType"):
        write_report(report, None, "dev")
    written = write_report(report, tmp_path / "one", "dev", model=pipe)
    assert [p.name for p in written] == ["metrics.json", "confusion_matrix.png"]  # no history: not trained by epochs
    assert json.loads((tmp_path / "one" / "metrics.json").read_text()) == report
    multi = {"multi_label": True, "labels": ["joy", "anger"], "macro_f1": 0.5, "micro_f1": 0.5, "n": 2,
             "per_class": {name: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 1} for name in ("joy", "anger")}}
    assert [p.name for p in write_report(multi, tmp_path / "multi", "dev")] == ["metrics.json", "label_scores.png"]
    # a report written over another leaves none of the other's files behind
    (tmp_path / "one" / "training_history.png").write_bytes(b"from an mlp run")
    (tmp_path / "one" / "notes.txt").write_text("mine")
    write_report(multi, tmp_path / "one", "dev")
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["label_scores.png", "metrics.json", "notes.txt"]
    # in a folder that held no report, files of the report's names are the user's own: neither replaced nor
    # removed, the report refused (a metrics.json of other content is no report's)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "training_history.png").write_bytes(b"my own plot")
    with pytest.raises(ConfigError, match="mine holds training_history.png, which no report of sentiment wrote"):
        write_report(report, tmp_path / "mine", "dev")
    (tmp_path / "mine" / "metrics.json").write_text('{"my_experiment": 1}')
    with pytest.raises(ConfigError, match="holds metrics.json, training_history.png, which no report"):
        write_report(report, tmp_path / "mine", "dev")
    assert (tmp_path / "mine" / "training_history.png").read_bytes() == b"my own plot"
    assert (tmp_path / "mine" / "metrics.json").read_text() == '{"my_experiment": 1}'
    (tmp_path / "mine" / "notes.txt").write_text("mine")  # files of other names do not matter
    (tmp_path / "mine" / "training_history.png").unlink()
    (tmp_path / "mine" / "metrics.json").unlink()
    assert [p.name for p in write_report(report, tmp_path / "mine", "dev")] == ["metrics.json", "confusion_matrix.png"]


def test_a_link_in_the_report_folder_is_replaced_not_written_through(pipe, tmp_path):
    """A link at a report file's name may point at the data scored or a model's config: the report replaces
    the link, and the file it points to stays as it was."""
    from sentiment.evaluation import evaluate, write_report

    data, folder = tmp_path / "dev.csv", tmp_path / "report"
    data.write_text("text,label\ngood,pos\n")
    folder.mkdir()
    (folder / "metrics.json").symlink_to(data)
    (folder / "confusion_matrix.png").symlink_to(tmp_path / "elsewhere.png")  # a dangling one too
    write_report(evaluate(pipe, ["good film", "bad film"], ["pos", "neg"]), folder, "dev")
    assert data.read_text() == "text,label\ngood,pos\n" and not (tmp_path / "elsewhere.png").exists()
    assert not (folder / "metrics.json").is_symlink() and (folder / "metrics.json").read_text().startswith("{")


def test_the_figures_show_in_a_notebook_as_their_png():
    """IPython displays an object's _repr_png_; a bare Figure (no pyplot) only once the inline backend is loaded."""
    from sentiment.evaluation import _report, confusion_figure, label_scores_figure
    from sentiment.models.neural import history_figure

    multi = {"multi_label": True, "labels": ["joy", "b"], "macro_f1": 0.5, "micro_f1": 0.5, "n": 2,
             "per_class": {label: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 1} for label in ("joy", "b")}}
    history = [{"epoch": 1, "train_loss": 1.0, "dev_loss": 0.9, "dev_accuracy": 0.5, "dev_macro_f1": 0.5}]
    for figure in (confusion_figure(_report(np.array([0, 1]), np.array([0, 1]), ["a", "b"])),
                   label_scores_figure(multi), history_figure(history)):
        assert figure._repr_png_().startswith(b"\x89PNG")
        assert pickle.loads(pickle.dumps(figure))._repr_png_().startswith(b"\x89PNG")  # as a Figure pickles


def test_characters_no_font_has_are_said_once(tmp_path):
    import warnings

    from sentiment import MissingGlyphWarning
    from sentiment.evaluation import _report, confusion_figure, save_png

    figure = confusion_figure(_report(np.array([0, 1]), np.array([0, 1]), ["\u4e2d\u6587\u4e2d", "b"]))  # 中文中
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_png(figure, tmp_path / "cm.png")
    if not caught:
        pytest.skip("a font here draws the character")
    assert [w.category for w in caught] == [MissingGlyphWarning]
    assert "cannot draw some characters of the plot (\u4e2d \u6587)" in str(caught[0].message)
    assert caught[0].filename == __file__


@pytest.mark.parametrize("name", ["deals_$5_to_$10.csv", "a_b^c $x^$"])
def test_plots_show_dollars_as_written_not_as_formulas(tmp_path, name):
    from sentiment.evaluation import _report, confusion_figure, label_scores_figure, save_png
    from sentiment.models.neural import history_figure

    report = _report(np.array([0, 1]), np.array([0, 1]), [name, "b"])
    figure = confusion_figure(report, name)
    assert figure.axes[0].get_title().startswith(name.replace("$", r"\$"))
    save_png(figure, tmp_path / "cm.png")  # matplotlib drew it (a formula of "$5_to_$" failed to)
    multi = {"multi_label": True, "labels": [name, "b"], "macro_f1": 0.5, "micro_f1": 0.5, "n": 2,
             "per_class": {label: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 1} for label in (name, "b")}}
    save_png(label_scores_figure(multi, name), tmp_path / "labels.png")
    history = [{"epoch": 1, "train_loss": 1.0, "dev_loss": None, "dev_accuracy": None, "dev_macro_f1": None}]
    save_png(history_figure(history, note=name), tmp_path / "history.png")


def test_a_report_that_fails_partway_leaves_the_earlier_report_whole(pipe, tmp_path, monkeypatch):
    import errno

    import sentiment.evaluation as evaluation

    first = evaluation.evaluate(pipe, ["good film", "bad film"], ["pos", "neg"], mistakes=True)
    folder = tmp_path / "rep"
    evaluation.write_report(first, folder, "dev")
    before = {f.name: f.read_bytes() for f in folder.iterdir()}

    def full_disk(*args, **kwargs):  # the plot, written after the metrics and the mistakes
        raise OSError(errno.ENOSPC, "No space left on device")

    from matplotlib.figure import Figure

    monkeypatch.setattr(Figure, "savefig", full_disk)
    second = evaluation.evaluate(pipe, ["great", "awful", "good"], ["pos", "neg", "neg"], mistakes=True)
    with pytest.raises(OSError) as raised:
        evaluation.write_report(second, folder, "dev")
    assert raised.value.filename == str(folder / "confusion_matrix.png")  # the file, not a temporary one
    assert {f.name: f.read_bytes() for f in folder.iterdir()} == before  # no partial file, nothing replaced
    # a directory where a report file goes is refused before anything is written
    monkeypatch.undo()
    (folder / "confusion_matrix.png").unlink()
    (folder / "confusion_matrix.png").mkdir()
    with pytest.raises(ConfigError, match="confusion_matrix.png is a directory where the report writes a file"):
        evaluation.write_report(second, folder, "dev")
    assert (folder / "metrics.json").read_bytes() == before["metrics.json"]


def test_mistakes_are_the_texts_labelled_wrongly_most_confident_first(pipe, tmp_path):
    import pandas as pd

    from sentiment.evaluation import evaluate, write_report

    texts = ["A truly wonderful film", "An awful, dull film", "A wonderful film\rNA", "A brilliant, superb plot",
             "The film was not great at all."]  # a lone carriage return must survive the CSV
    labels = ["neg", "neg", "neg", "pos", "pos"]  # the first and third are labelled wrongly on purpose
    report = evaluate(pipe, texts, labels, mistakes=True)
    predicted, probabilities = pipe.predict(texts), pipe.predict_proba(texts)
    wrong = [i for i in range(len(texts)) if predicted[i] != labels[i]]
    assert sorted(texts.index(m["text"]) for m in report["mistakes"]) == wrong and len(wrong) >= 2
    for m in report["mistakes"]:
        i = texts.index(m["text"])
        assert (m["label"], m["predicted"]) == (labels[i], predicted[i])
        assert m["score"] == pytest.approx(probabilities[i].max()) and m["score"] + m["label_score"] == pytest.approx(1)
    scores = [m["score"] for m in report["mistakes"]]
    assert scores == sorted(scores, reverse=True)
    assert "mistakes" not in evaluate(pipe, texts, labels)
    written = write_report(report, tmp_path / "rep", "dev")
    assert [p.name for p in written] == ["metrics.json", "mistakes.csv", "confusion_matrix.png"]
    table = pd.read_csv(tmp_path / "rep" / "mistakes.csv", keep_default_na=False)
    assert table.to_dict("records") == report["mistakes"]
    assert "mistakes" not in (tmp_path / "rep" / "metrics.json").read_text()
    write_report(evaluate(pipe, texts, labels), tmp_path / "rep", "dev")  # a report without them removes the old
    assert not (tmp_path / "rep" / "mistakes.csv").exists()


def test_mistakes_of_several_labels_per_text_name_the_missed_and_extra_labels(binary, tmp_path):
    from sentiment.evaluation import evaluate, write_mistakes

    labels = [[y] + (["film"] if "film" in x else []) for x, y in zip(binary.train_texts, binary.train_labels)]
    pipe = Pipeline("tfidf", "logreg", C=10.0).fit(binary.train_texts, labels)
    texts, gold = ["A wonderful film", "A dull plot"], [["pos"], ["neg", "film"]]  # "film" is wrong in both
    report = evaluate(pipe, texts, gold, mistakes=True)
    predicted = pipe.predict(texts)
    rows = {m["text"]: m for m in report["mistakes"]}
    for text, labels, labelled in zip(texts, gold, predicted):
        assert rows[text]["labels"] == sorted(labels, key=pipe.label_names_.index)
        assert set(rows[text]["predicted"]) == set(labelled)
        assert set(rows[text]["missed"]) == set(labels) - set(labelled)
        assert set(rows[text]["extra"]) == set(labelled) - set(labels)
    table = write_mistakes(report["mistakes"], tmp_path / "mistakes.csv").read_text()
    assert ";".join(rows["A dull plot"]["labels"]) in table  # label lists joined as a table holds them
    assert write_mistakes([], tmp_path / "none.csv").read_text().strip() == "text,label,predicted,score,label_score"


def test_mistakes_of_label_groups_give_each_groups_most_probable_label(binary):
    from sentiment.evaluation import evaluate

    rng = np.random.default_rng(0)  # two negative emotions, so a group's probability is not one label's
    emotions = [("joy" if y == "pos" else rng.choice(["anger", "sadness"])) for y in binary.train_labels]
    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, emotions)
    texts = ["A wonderful, brilliant film", "An awful, dull film"]
    report = evaluate(pipe, texts, ["anger", "joy"], grouping="sentiment", mistakes=True)
    assert [m["predicted"] for m in report["mistakes"]] == ["positive", "negative"]
    probabilities = pipe.predict_proba(texts)
    negative = [pipe.label_names_.index(name) for name in ("anger", "sadness")]
    first, second = report["mistakes"]  # the group chosen is its best label's: it scores at least the true one
    assert first["score"] == pytest.approx(probabilities[0, pipe.label_names_.index("joy")], abs=1e-6)
    assert first["label_score"] == pytest.approx(probabilities[0, negative].max(), abs=1e-6)
    assert second["score"] == pytest.approx(probabilities[1, negative].max(), abs=1e-6)
    assert all(m["score"] >= m["label_score"] for m in report["mistakes"])


def test_a_model_whose_classes_were_read_as_whole_floats_still_matches_int_labels():
    from sentiment.labels import codes_for

    classes = np.asarray(["0.0", "1.0"])  # a model trained before labels 0.0 / 1.0 were read as ints
    assert codes_for(classes, ["0.0", "1.0"], [0, 1, "1.0"]).tolist() == [0, 1, 1]


def test_labels_written_as_whole_floats_match_int_classes():
    from sentiment.labels import codes_for

    assert codes_for(np.asarray([1, 2]), ["1", "2"], [1.0, "2.0", 2]).tolist() == [0, 1, 1]
    with pytest.raises(DataError, match=r"label\(s\) 0.5 were not seen"):  # only the new one is named
        codes_for(np.asarray(["0.0", "1.0"]), ["0.0", "1.0"], ["0.0", "0.5", 1])


def test_scoring_in_batches_gives_what_one_call_gives():
    from sentiment.evaluation import in_batches

    items = list(range(1100))
    assert in_batches(lambda xs: np.array(xs) * 2, items, progress=True, size=100).tolist() == [x * 2 for x in items]
    assert in_batches(lambda xs: [[x] for x in xs], items, progress=True, size=512) == [[x] for x in items]
    sizes = []
    assert in_batches(lambda xs: sizes.append(len(xs)) or np.array(xs), items, progress=False, size=512).tolist() == items
    assert sizes == [512, 512, 76]  # without a bar too: memory stays a batch's, however long the file


def test_score_of_several_labels_is_the_reports_macro_f1_when_a_label_is_absent():
    from sentiment import Pipeline
    from sentiment.evaluation import evaluate

    texts = ["glad and happy", "so furious", "glad but furious", "scared stiff"] * 10
    labels = [["joy"], ["anger"], ["joy", "anger"], ["fear"]] * 10
    pipe = Pipeline("tfidf", "logreg", tune_fraction=0).fit(texts, labels)
    subset, gold = texts[:3], labels[:3]  # no text of fear
    report = evaluate(pipe, subset, gold)
    assert report["macro_f1_labels"] == 2 and pipe.score(subset, gold) == pytest.approx(report["macro_f1"])


def test_a_report_into_a_file_is_a_config_error(tmp_path):
    from sentiment import ConfigError, Pipeline
    from sentiment.evaluation import evaluate, write_report

    pipe = Pipeline().fit(["good film", "bad film", "great", "awful"], ["pos", "neg", "pos", "neg"])
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    for folder in (notes, notes / "sub"):
        with pytest.raises(ConfigError, match="notes.txt is a file; give a directory for the report"):
            write_report(evaluate(pipe, ["good"], ["pos"]), folder, "dev")
    assert notes.read_text() == "mine"


def test_mistakes_of_several_labels_per_text_come_most_wrong_labels_first():
    from sentiment.evaluation import wrong_predictions

    truth = np.array([[1, 0, 0, 0], [1, 1, 1, 0], [0, 1, 0, 0]])
    predicted = np.array([[1, 1, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]])  # 1 wrong label, 4 wrong, none
    rows = wrong_predictions(["one off", "all off", "right"], truth, predicted, ["a", "b", "c", "d"], truth * 0.5)
    assert [row["text"] for row in rows] == ["all off", "one off"]
    assert rows[0]["missed"] == ["a", "b", "c"] and rows[0]["extra"] == ["d"]


def test_each_kind_of_report_is_drawn_by_its_own_figure_and_points_to_the_other():
    from matplotlib.figure import Figure

    from sentiment.evaluation import _multi_label_report, _report, confusion_figure, label_scores_figure

    one = _report(np.array([0, 1, 0]), np.array([0, 1, 1]), ["a", "b"])
    several = _multi_label_report(np.array([[1, 0], [1, 1]]), np.array([[1, 0], [0, 1]]), ["a", "b"])
    assert isinstance(confusion_figure(one), Figure) and isinstance(label_scores_figure(several), Figure)
    with pytest.raises(ConfigError, match=r"several labels per text has no confusion matrix: draw label_scores_figure"):
        confusion_figure(several)
    with pytest.raises(ConfigError, match=r"this report gives one label per text: draw confusion_figure"):
        label_scores_figure(one)


def test_an_unseen_label_beside_known_ones_is_not_offered_a_new_name():
    from sentiment.errors import UnknownLabelsError
    from sentiment.labels import codes_for

    classes, names = np.array(["anger", "joy"], dtype=object), ["anger", "joy"]
    with pytest.raises(UnknownLabelsError, match=r"label\(s\) relief were not seen in training; .* drop the rows of "
                                                 r"those labels, or evaluate a model trained with them$"):
        codes_for(classes, names, ["joy", "relief", "anger"])
    with pytest.raises(UnknownLabelsError, match=r"name them as it does \(--label-names glad=anger"):
        codes_for(classes, names, ["glad", "mad"])  # none known: perhaps the model's own under other names


def test_the_text_reports_figures_stand_in_one_column():
    """"exact match" is a character longer than the other names: its figure stood a column to the right."""
    from sentiment.evaluation import format_report

    multi = {"multi_label": True, "labels": ["joy"], "macro_f1": 1.0, "micro_f1": 0.5, "exact_match": 0.25, "n": 4,
             "grouping": "ekman", "per_class": {"joy": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}}}
    headline = format_report(multi).split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in headline] == ["n", "macro-F1", "micro-F1", "exact", "grouping"]
    assert len({line.index(value) for line, value in zip(headline, ["4", "1.0000", "0.5000", "0.2500", "ekman"])}) == 1


def test_a_figure_saved_with_plain_savefig_keeps_its_labels_whole(tmp_path):
    """The figures the package gives are saved, by default, with the box grown to hold the tick labels, axis
    labels and colour bar that reach past the figure's edge (as its own report files are)."""
    from PIL import Image

    from sentiment.evaluation import _report, confusion_figure

    names = ["a rather long label name", "another long label name"]
    fig = confusion_figure(_report(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 0]), names))
    fig.savefig(tmp_path / "plain.png")
    fig.savefig(tmp_path / "whole.png", bbox_inches=None)  # matplotlib's own default: the figure's box
    plain, whole = Image.open(tmp_path / "plain.png").size, Image.open(tmp_path / "whole.png").size
    assert plain != whole and plain[0] > whole[0]  # the long tick labels widen it


def test_the_label_scores_plot_says_which_labels_its_macro_f1_averages():
    """A label neither the data nor the predictions hold is left out of macro-F1; the plot's title says so."""
    from sentiment.evaluation import _multi_label_report, label_scores_figure

    truth = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0]])
    report = _multi_label_report(truth, truth.copy(), ["a", "b", "absent"])
    assert "macro-F1 1.000 (over 2 of 3 labels), micro-F1 1.000" in label_scores_figure(report).axes[0].get_title()
    every = _multi_label_report(truth[:, :2], truth[:, :2].copy(), ["a", "b"])
    assert "macro-F1 1.000, micro-F1" in label_scores_figure(every).axes[0].get_title()


def test_a_label_without_bars_says_why_on_the_label_scores_plot():
    """A label scored 0 and one not scored at all both draw no bars: each row says which it is, and every row
    lies whole inside the axes (the last, without bars, was cut at the edge)."""
    from sentiment.evaluation import _multi_label_report, label_scores_figure

    truth = np.array([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0]])
    predicted = truth.copy()
    predicted[:, 2] = 0  # "never" is in the data, never predicted: precision, recall and F1 0
    ax = label_scores_figure(_multi_label_report(truth, predicted, ["a", "b", "never", "absent"])).axes[0]
    notes = {round(text.get_position()[1]): text.get_text() for text in ax.texts}
    assert notes == {2: "precision, recall and F1 all 0", 3: "not scored: in neither the data nor the predictions"}
    assert [label.get_text() for label in ax.get_yticklabels()] == ["a (2)", "b (2)", "never (2)", "absent (0)"]
    assert ax.get_ylim() == (3.5, -0.5)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["precision", "recall", "F1"]


def test_the_confusion_matrix_gives_each_true_class_its_total():
    """The colours are shares of each true class: its total stands beside it, so a class the data lack (a white
    row of 0s) is told from one never predicted right; the cells are counts."""
    from sentiment.evaluation import _report, confusion_figure

    ax = confusion_figure(_report(np.array([0, 0, 2, 2, 2]), np.array([2, 2, 2, 2, 2]), ["a", "b", "c"])).axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["a (2)", "b (0)", "c (3)"]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_ylabel() == "true (total in brackets)" and ax.get_xlabel() == "predicted"
    assert [text.get_text() for text in ax.texts] == ["0", "0", "2", "0", "0", "0", "0", "0", "3"]


def test_the_counts_of_a_confusion_matrix_of_many_classes_fit_their_cells():
    """The figure's size is capped, so 150 classes draw narrow cells: their counts are set smaller (three digits
    of 10 points spilled over the neighbouring cells), a few classes' in 10 points."""
    from sentiment.evaluation import _report, confusion_figure

    few = confusion_figure(_report(np.arange(300) % 3, np.arange(300) % 3, ["a", "b", "c"])).axes[0]
    assert {text.get_fontsize() for text in few.texts} == {10.0}
    many = confusion_figure(_report(np.arange(30000) % 150, np.arange(30000) % 150, [str(i) for i in range(150)])).axes[0]
    assert len(many.texts) == 150 * 150 and 4 <= many.texts[0].get_fontsize() < 8
