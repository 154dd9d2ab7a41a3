"""Bad input to the `sentiment` command, beyond test_cli.py: one `Error:` line that says what to do, a
non-zero exit, no traceback, and no saved model, data file or folder lost or left half-made.

Everything runs on tiny tables written here and on conftest's saved tfidf + logreg model.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import sentiment
from sentiment.cli import app
from sentiment.commands import predict_file

from conftest import CSV, binary_examples, symlink
from test_cli import assert_error, assert_ok, invoke


def digest(folder) -> dict:
    """Every file below ``folder`` with its SHA-256: equal digests, untouched folder."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A 40-row training table (text/label), a 10-row dev table and a 24-row table of several labels per text."""
    folder = tmp_path_factory.mktemp("bad_inputs")
    texts, labels = binary_examples(40, seed=11)
    dev_texts, dev_labels = binary_examples(10, seed=12)
    pd.DataFrame({"text": texts, "label": labels}).to_csv(folder / "train.csv", index=False)
    pd.DataFrame({"text": dev_texts, "label": dev_labels}).to_csv(folder / "dev.csv", index=False)
    words = {"joy": "glad", "anger": "furious", "fear": "scared"}
    rows = [(f"I am {words[a]} and {words[b]}", f"{a};{b}") for a, b in
            [("joy", "anger"), ("anger", "fear"), ("fear", "joy"), ("joy", "fear")] * 6]
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(folder / "multi.csv", index=False)
    return {"folder": folder, "train": folder / "train.csv", "dev": folder / "dev.csv", "multi": folder / "multi.csv"}


def fit_args(data, out, *more):
    return ["fit", data["train"], "--dev", data["dev"], "--vectorizer", "tfidf", "--model", "logreg", "--out", out, *more]


def no_training_started(result) -> bool:
    """Nothing but the error on stderr: the command failed before reading and training on the data."""
    return result.stderr.strip().splitlines() == [line for line in result.stderr.splitlines() if line.startswith("Error:")]


# -- fit: options ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("columns", [["--label-column", "id"], ["--text-column", "label", "--label-column", "text"]])
def test_a_column_with_a_value_per_row_is_named_as_no_label_column(data, tmp_path, columns):
    table = pd.read_csv(data["train"]).drop_duplicates("text")
    table.insert(0, "id", range(len(table)))
    table.to_csv(tmp_path / "ids.csv", index=False)
    for dev in ([], ["--dev-fraction", "0.01"], ["--dev", str(tmp_path / "ids.csv")]):  # no fraction would help
        result = invoke("fit", str(tmp_path / "ids.csv"), *columns, *dev, "--out", str(tmp_path / "m"))
        assert_error(result, f"every one of the {len(table)} texts has a label of its own .*--label-column")
    assert not (tmp_path / "m").exists()


def test_set_reads_python_none_as_null(data, tmp_path):
    # the error for norm lists "None" among the choices, so None must be accepted as written
    assert_ok(invoke(*fit_args(data, tmp_path / "m", "--set", "norm=None", "--set", "class_weight=None")))
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["stages"]["vectorizer"]["params"]["norm"] is None


def test_set_reads_python_tuples_and_exponents(data, tmp_path):
    assert_ok(invoke(*fit_args(data, tmp_path / "m", "--set", "ngram_range=(1, 3)", "--set", "max_features=1e5",
                               "--set", "max_df=1.0")))
    params = json.loads((tmp_path / "m" / "config.json").read_text())["stages"]["vectorizer"]["params"]
    assert params["ngram_range"] == [1, 3] and params["max_features"] == 100000 and params["max_df"] == 1.0
    assert isinstance(params["max_df"], float)  # a share of the texts, not a count


def test_set_values_read_as_python_writes_them():
    from sentiment.cli import _parse_options

    assert _parse_options(["a=(1, 3)", "b=(64,)", "c=(1e5)", "d=(x)", "e=1.0", "f= word ", "g= 2 "]) == \
        {"a": (1, 3), "b": (64,), "c": 100000, "d": "(x)", "e": 1.0, "f": "word", "g": 2}
    # numbers as Python writes them and JSON does not
    assert _parse_options(["max_df=.5", "C=5.", "n=+5", "x=x.5"]) == {"max_df": 0.5, "C": 5.0, "n": 5, "x": "x.5"}
    # bare numbers joined by commas, which a shell passes as they are (brackets are a pattern to zsh)
    assert _parse_options(["ngram_range=1,3", "h=0.5, 2", "token_pattern=\\w{2,}", "i=1,x", "j=1,"]) == \
        {"ngram_range": (1, 3), "h": (0.5, 2), "token_pattern": "\\w{2,}", "i": "1,x", "j": "1,"}


@pytest.mark.parametrize("value, says", [("[" * 5000 + "]" * 5000, "nests too deeply"),
                                         ("1" * 5000, "holds a number of more digits than can be read")])
def test_set_values_json_cannot_read_are_refused_in_a_line(data, tmp_path, value, says):
    assert_error(invoke(*fit_args(data, tmp_path / "m", "--set", f"C={value}")), f"--set C=... {says}")


def test_set_the_same_key_twice_with_different_values(data, tmp_path):
    assert_error(invoke(*fit_args(data, tmp_path / "m", "--set", "C=1", "--set", "C=2")), "--set C is given twice")
    assert_ok(invoke(*fit_args(data, tmp_path / "m", "--set", "C=2", "--set", "C=2")))


def test_set_refuses_a_json_object_naming_a_key_twice(data, tmp_path):
    result = invoke(*fit_args(data, tmp_path / "m", "--set", 'class_weight={"pos": 2, "pos": 3}'))
    assert_error(result, "names 'pos' twice")
    assert not (tmp_path / "m").exists()


def test_a_bad_option_value_fails_before_the_data_are_read(data, tmp_path):
    result = invoke(*fit_args(data, tmp_path / "m", "--set", "C=abc"))
    assert_error(result, "C must be a number")
    assert no_training_started(result), result.stderr
    missing = data["folder"] / "no-such-file.csv"
    assert_error(invoke("fit", missing, "--model", "logreg", "--set", "max_iter=1.5", "--out", tmp_path / "m"),
                 "max_iter must be a whole number")
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("seed", ["-1", str(2**32)])
def test_seed_out_of_range(data, tmp_path, seed):
    result = invoke("fit", data["train"], "--model", "logreg", "--seed", seed, "--out", tmp_path / "m")
    assert_error(result, r"seed \(--seed\) must be a whole number from 0 to 4294967295")
    assert not (tmp_path / "m").exists()


def test_empty_label_separator_is_refused_not_replaced(data, tmp_path):
    result = invoke("fit", data["multi"], "--multi-label", "--label-sep", "", "--model", "logreg", "--out", tmp_path / "m")
    assert_error(result, "label separator is empty")
    assert not (tmp_path / "m").exists()


def test_cli_fit_on_label_lists_suggests_multi_label(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps({"text": f"t{i}", "label": ["a", "b"] if i % 2 else ["c"]}) + "\n"
                            for i in range(6)))
    result = CliRunner().invoke(app, ["fit", str(path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "--multi-label" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_gzip_file_named_csv_on_the_command_line(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(gzip.compress(CSV.encode()))
    assert_error(invoke("fit", path, "--vectorizer", "tfidf", "--model", "logreg", "--out", tmp_path / "m"),
                 r"gzip-compressed.*\.csv\.gz")
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("names, pattern", [
    ("neg=bad,pos=bad", "gives the name 'bad' to two labels"),
    ("neg=,pos=good", "needs a label value and a name"),
    ("=bad,pos=good", "needs a label value and a name"),
    ("neg=bad,neg=awful,pos=good", "names the label 'neg' twice"),
    ("", "takes VALUE=NAME pairs"),
])
def test_label_names_that_would_merge_or_blank_classes(data, tmp_path, names, pattern):
    result = invoke(*fit_args(data, tmp_path / "m", "--label-names", names))
    assert_error(result, pattern)
    assert not (tmp_path / "m").exists()


def test_label_names_must_name_every_training_label_and_some_label_of_a_scored_file(data, tmp_path, saved_model):
    result = invoke(*fit_args(data, tmp_path / "m", "--label-names", "neg=bad"))
    assert_error(result, "gives no name for the label.s. pos of train.csv, whose labels are: neg, pos; name every label")
    assert no_training_started(result) and not (tmp_path / "m").exists()
    assert_error(invoke("evaluate", data["dev"], "--model", saved_model, "--label-names", "nope=negative,7=positive"),
                 r"--label-names names none of the labels of dev.csv \(its labels: neg, pos\)")
    # a name for a class that this file lacks is fine: a mapping made for all of a model's classes
    assert_ok(invoke(*fit_args(data, tmp_path / "m", "--label-names", "neg=bad,pos=good,neutral=meh")))
    one_class = tmp_path / "pos.csv"
    pd.read_csv(data["dev"]).query("label == 'pos'").to_csv(one_class, index=False)
    assert_ok(invoke("evaluate", one_class, "--model", tmp_path / "m", "--label-names", "neg=bad,pos=good"))


@pytest.mark.parametrize("args", [["--label-column", "text"], ["--text-column", "label"]])
def test_text_and_label_column_the_same(data, tmp_path, saved_model, args):
    assert_error(invoke(*fit_args(data, tmp_path / "m", *args)), "the text and label columns are both")
    assert_error(invoke("evaluate", data["dev"], "--model", saved_model, *args), "the text and label columns are both")


# -- fit: where the model goes ----------------------------------------------------------------------------
def test_out_below_a_file_fails_before_training(data, tmp_path, saved_model):
    before = data["train"].read_bytes()
    result = invoke(*fit_args(data, data["train"] / "model"))
    assert_error(result, "lies inside .*train.csv, which is a file")
    assert no_training_started(result), result.stderr
    result = invoke("ensemble", saved_model, saved_model, "--out", data["train"] / "sub" / "ens")
    assert_error(result, "which is a file")
    assert data["train"].read_bytes() == before


def test_out_in_a_folder_that_cannot_be_written_fails_before_training(data, tmp_path, saved_model, monkeypatch):
    import tempfile

    made = tempfile.mkdtemp
    shut = tmp_path / "shut"
    shut.mkdir()

    def immutable(*args, dir=None, **kwargs):  # (as root, a chmod would not keep it; chattr +i does)
        if dir is not None and Path(dir) == shut:
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))
        return made(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", immutable)
    result = invoke(*fit_args(data, shut / "model"))
    assert_error(result, rf"cannot save .*model: .*shut cannot be written \({os.strerror(errno.EPERM)}\)")
    assert no_training_started(result), result.stderr
    assert_error(invoke("ensemble", saved_model, saved_model, "--out", shut / "ens"), "shut cannot be written")
    assert list(shut.iterdir()) == []


def test_a_model_path_through_a_folder_that_cannot_be_searched_names_that_folder(data, tmp_path, monkeypatch):
    shut = tmp_path / "shut"
    shut.mkdir()
    exists, access = Path.exists, os.access

    def searched(self, *args, **kwargs):  # (as root, a chmod 000 would not stop it)
        if shut in self.parents:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return exists(self, *args, **kwargs)

    monkeypatch.setattr(Path, "exists", searched)
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != shut and access(path, mode, **kw))
    advice = rf"\({re.escape(str(shut))} cannot be searched\); make the folder readable for you \(chmod u\+rx .*shut\)"
    result = invoke(*fit_args(data, shut / "model"))
    assert "shorter path" not in assert_error(result, advice)  # no shorter path would help
    assert no_training_started(result), result.stderr
    assert_error(invoke("info", shut / "model"), advice)
    assert list(shut.iterdir()) == []


def test_failed_fit_keeps_the_old_model(data, tmp_path, model_copy):
    before = digest(model_copy)
    for more, pattern in ((["--set", "C=abc"], "C must be a number"),
                          (["--label-names", "neg=x,pos=x"], "name 'x' to two"),
                          (["--label-column", "text"], "text and label columns are both 'text'")):
        assert_error(invoke(*fit_args(data, model_copy, *more)), pattern)
    assert digest(model_copy) == before
    assert not [p.name for p in model_copy.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_report_folder_is_removed_when_the_command_fails(data, tmp_path, saved_model):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert_error(invoke("fit", empty, "--model", "logreg", "--out", tmp_path / "m", "--report", tmp_path / "r1" / "deep"),
                 "is empty")
    assert_error(invoke("evaluate", empty, "--model", saved_model, "--report", tmp_path / "r2"), "is empty")
    assert not (tmp_path / "r1").exists() and not (tmp_path / "r2").exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    assert_error(invoke("evaluate", empty, "--model", saved_model, "--report", kept), "is empty")
    assert (kept / "notes.txt").read_text() == "mine"  # a folder that was there stays as it was


@pytest.mark.parametrize("protected", ["metrics.json", "confusion_matrix.png", ""])
def test_a_write_protected_report_file_or_folder_is_kept(data, tmp_path, saved_model, protected):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "metrics.json").write_text("mine")
    path = folder / protected
    if protected:
        path.write_text("mine")
    path.chmod(0o555 if path.is_dir() else 0o444)  # its owner made it read-only (root would write it all the same)
    try:
        for args in (("evaluate", data["dev"], "--model", saved_model), (*fit_args(data, tmp_path / "m"),)):
            result = invoke(*args, "--report", folder)
            assert_error(result, rf"{re.escape(str(path))} is write-protected; make it writable \(chmod u\+w .*\) to write "
                                 "the report there, or give --report another folder")
            assert no_training_started(result) and (folder / "metrics.json").read_text() == "mine"
    finally:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_report_folder_that_is_a_loop_or_a_dangling_link_is_refused_before_the_work(data, tmp_path, saved_model):
    symlink(tmp_path / "one", tmp_path / "two")
    symlink(tmp_path / "two", tmp_path / "one")
    symlink(tmp_path / "nowhere", tmp_path / "missing" / "x")
    for folder in ("one", "nowhere"):
        assert_error(invoke("evaluate", data, "--model", saved_model, "--report", tmp_path / folder),
                     f"{folder} is a symbolic link that leads to no folder \\(nowhere, or round in a loop\\)")


def test_a_report_file_that_links_to_a_write_protected_file_is_replaced_not_refused(data, tmp_path, saved_model):
    mine = tmp_path / "mine.json"
    mine.write_text("mine")
    mine.chmod(0o444)
    folder = tmp_path / "report"
    folder.mkdir()
    symlink(folder / "metrics.json", mine)
    assert_ok(invoke("evaluate", data["dev"], "--model", saved_model, "--report", folder))
    assert mine.read_text() == "mine" and not (folder / "metrics.json").is_symlink()  # the link replaced


def test_a_path_through_a_file_is_named(data, saved_model, tmp_path):
    # predict_file creates the output's folder: the message says which path component is a file
    result = invoke("predict", "--model", saved_model, "--input", data["dev"], "--output", data["train"] / "p.csv")
    message = assert_error(result, "File exists|Not a directory")
    assert "train.csv is a file" in message


# -- models that are damaged ------------------------------------------------------------------------------
@pytest.mark.parametrize("columns", [None, "text", {"text": 5, "label": "label"}, ["text", "label"]])
def test_damaged_columns_in_config(data, model_copy, tmp_path, columns):
    config = json.loads((model_copy / "config.json").read_text())
    config["columns"] = columns
    (model_copy / "config.json").write_text(json.dumps(config))
    pattern = 'config.json is damaged: its "columns" entry'
    assert_error(invoke("evaluate", data["dev"], "--model", model_copy), pattern)
    assert_error(invoke("predict", "--model", model_copy, "--input", data["dev"], "--output", tmp_path / "p.csv"), pattern)
    assert not (tmp_path / "p.csv").exists()


def test_model_arguments_that_do_not_exist(saved_model, tmp_path):
    for args in (["export", tmp_path / "nope", "--format", "torchscript", "--out", tmp_path / "m.pt"],
                 ["ensemble", saved_model, tmp_path / "nope", "--out", tmp_path / "e"]):
        message = assert_error(invoke(*args), "model directory .*nope does not exist")
        assert "--model" not in message  # export and ensemble take model directories as arguments
    assert not (tmp_path / "e").exists()


# -- ensemble --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("weights, pattern", [
    ("1", r"gives 1 weight\(s\) for 2 models"),
    ("1,2,3", r"gives 3 weight\(s\) for 2 models"),
    ("inf,1", "finite numbers >= 0"),
    ("nan,1", "finite numbers >= 0"),
    ("-1,2", "finite numbers >= 0"),
    ("", "--weights takes numbers"),
    ("1_0,1", "--weights takes numbers"),  # not 10 and 1, as Python's float reads it
])
def test_ensemble_weights(saved_model, tmp_path, weights, pattern):
    other = shutil.copytree(saved_model, tmp_path / "other")
    assert_error(invoke("ensemble", saved_model, other, "--weights", weights, "--out", tmp_path / "e"), pattern)
    assert not (tmp_path / "e").exists()


def test_ensemble_weight_of_minus_zero_is_zero(saved_model, tmp_path):
    """-0 passes ">= 0" and weighs as 0; it is saved and printed as 0, not as a negative-looking -0.0."""
    other = shutil.copytree(saved_model, tmp_path / "other")
    result = invoke("ensemble", saved_model, other, "--weights=-0,1", "--out", tmp_path / "e", "--json")
    assert_ok(result)
    printed = json.loads(result.stdout)
    assert json.dumps(printed["weights"]) == "[0.0, 1.0]"
    assert "-0" not in (tmp_path / "e" / "config.json").read_text()
    assert json.dumps(sentiment.load(tmp_path / "e").weights) == "[0.0, 1.0]"


# -- export ----------------------------------------------------------------------------------------------
def test_export_does_not_overwrite_a_file_of_another_kind(data, saved_model, tmp_path):
    target = tmp_path / "train.csv"
    shutil.copy(data["train"], target)
    before = target.read_bytes()
    for fmt in ("torchscript", "onnx"):
        assert_error(invoke("export", saved_model, "--format", fmt, "--out", target),
                     f"an? {fmt} export is written to a {'.pt, .pth or .ts' if fmt == 'torchscript' else '.onnx'} file")
    assert target.read_bytes() == before


def test_export_format_is_case_insensitive(saved_model, tmp_path):
    # TorchScript as the docs spell it is the torchscript format; the logreg model then has no network
    assert_error(invoke("export", saved_model, "--format", "TorchScript", "--out", tmp_path / "m.pt"), "no torch network")
    assert_error(invoke("export", saved_model, "--format", "keras", "--out", tmp_path / "m.pt"), "unknown export format")
    assert_error(invoke("export", saved_model, "--format", "", "--out", tmp_path / "m.pt"), "unknown export format ''")


def test_an_ensemble_of_one_model_says_to_give_more(saved_model, tmp_path):
    assert_error(invoke("ensemble", saved_model, "--out", tmp_path / "e"),
                 "an ensemble needs at least two models, not 1; give two or more")


# -- predict ---------------------------------------------------------------------------------------------
def test_predict_text_that_is_not_utf8(saved_model):
    # a shell passes bytes that are not UTF-8 on to Python as lone surrogates, which --json cannot encode
    result = invoke("predict", "--model", saved_model, "--json", "fine", "caf\udce9 cr\udce8me")
    assert_error(result, "text 2 is not UTF-8")
    assert result.stdout == ""


@pytest.mark.parametrize("size", [0, -3])
def test_a_batch_size_below_one_is_named_not_blamed_on_the_input_file(data, saved_model, tmp_path, size):
    result = invoke("predict", "--model", saved_model, "--input", data["dev"], "--output", tmp_path / "p.csv",
                    "--batch-size", size)
    assert_error(result, rf"--batch-size\) must be a whole number of at least 1, not {size}$")
    with pytest.raises(sentiment.errors.ConfigError, match="chunksize .* at least 1"):  # pandas' error: "cannot parse"
        predict_file(sentiment.load(saved_model), data["dev"], tmp_path / "p.csv", chunksize=size)
    assert not (tmp_path / "p.csv").exists()


def test_predict_stdin_that_is_not_utf8(saved_model):
    result = invoke("predict", "--model", saved_model, "-", input=b"good film\n\xff\xfe awful\n")
    assert_error(result, "stdin is not UTF-8")


def test_utf16_on_stdin_is_named_with_the_command_that_converts_it():
    import subprocess
    import sys

    text = "good film\n".encode("utf-16")  # with its byte-order mark, as Windows tools write it
    result = subprocess.run([sys.executable, "-m", "sentiment", "clean", "-"], input=text, capture_output=True,
                            timeout=120)
    assert result.returncode == 1
    assert "is not UTF-8 but UTF-16" in result.stderr.decode()
    assert sys.platform == "win32" or "iconv -f utf-16" in result.stderr.decode()


# -- errors that are bugs still end in one line ---------------------------------------------------------
def test_an_unexpected_exception_is_one_line(monkeypatch, data, saved_model):
    import sentiment.commands

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(sentiment.commands, "evaluate_file", broken)
    message = assert_error(invoke("evaluate", data["dev"], "--model", saved_model), "unexpected ZeroDivisionError")
    assert "report this as a bug" in message and "second line" in message  # both lines, on one
    monkeypatch.setenv("SENTIMENT_DEBUG", "1")
    assert isinstance(invoke("evaluate", data["dev"], "--model", saved_model).exception, ZeroDivisionError)


def test_a_multi_line_package_error_prints_on_one_line(monkeypatch, data, saved_model):
    import sentiment.commands
    from sentiment.errors import DataError

    def bad_file(*args, **kwargs):
        raise DataError("cannot parse x.csv (line 1\nline 2); check the file")

    monkeypatch.setattr(sentiment.commands, "evaluate_file", bad_file)
    assert_error(invoke("evaluate", data["dev"], "--model", saved_model), r"\(line 1 line 2\); check the file")


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_that_stops_early_is_no_error(unbuffered):
    """`sentiment predict - | head -1`: the closed pipe ends the command quietly (exit 141, as SIGPIPE
    would), with no error line on stderr."""
    import subprocess
    import sys

    code = "import sys; from sentiment.cli import main; sys.argv = ['sentiment', 'predict', '-']; main()"
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": unbuffered})
    import threading

    def feed():  # from a thread, as a shell pipe feeds it: stdin is read (and printed) batch by batch
        try:
            proc.stdin.write(b"a great film\n" * 20000)  # far more output than a pipe's buffer holds
            proc.stdin.close()
        except BrokenPipeError:  # the command ended before reading it all
            pass

    threading.Thread(target=feed, daemon=True).start()
    assert proc.stdout.readline().startswith(b"positive")
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and stderr == ""


@pytest.mark.parametrize("closed, args, status, stdout, stderr", [
    ("stdin", ["predict", "-"], 1, "", "Error: stdin is closed; pipe the texts in (cat texts.txt | sentiment predict -)"),
    ("stdin", ["clean", "-"], 1, "", "Error: stdin is closed; pipe the texts in (cat texts.txt | sentiment clean -)"),
    ("stdout", ["predict", "a great film"], 1, "", "Error: standard output is closed, so the command's output is lost"),
    ("stdout", ["--version"], 1, "", "Error: standard output is closed, so the command's output is lost"),
    ("stderr", ["predict", "a great film"], 0, "positive\t", ""),  # the command still runs
])
def test_a_closed_standard_stream_is_said_or_borne(closed, args, status, stdout, stderr):
    """`sentiment predict - <&-`, `... >&-`, `... 2>&-`: Python starts with that stream as None."""
    import subprocess
    import sys

    code = (f"import sys; sys.{closed}.close(); sys.{closed} = None; from sentiment.cli import main; "
            f"sys.argv = ['sentiment', *{args!r}]; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == status, proc.stderr
    assert proc.stdout.startswith(stdout) and (bool(proc.stdout) == bool(stdout))
    assert proc.stderr.startswith(stderr) and len(proc.stderr.splitlines()) == (1 if stderr else 0), proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("unbuffered", ["", "1"])  # stdout buffered (the usual case) or not (python -u)
@pytest.mark.parametrize("args", [["--version"], ["--help"], ["info"], ["predict", "good"]])
def test_output_to_a_full_disk_is_said_in_one_line(args, unbuffered):
    import subprocess
    import sys

    code = f"import sys; from sentiment.cli import main; sys.argv = ['sentiment', *{args!r}]; main()"
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-c", code], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                              env=env)
    assert proc.returncode == 1  # not Python's 120 for a failed flush at exit
    assert proc.stderr == ("Error: no space left on the device (the files the command finished, such as a saved model, "
                           "are kept); free some space or write elsewhere\n")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_fit_whose_output_cannot_be_written_says_its_model_is_kept(data, tmp_path):
    import subprocess
    import sys

    code = (f"import sys; from sentiment.cli import main; sys.argv = ['sentiment', 'fit', {str(data['train'])!r}, "
            f"'--model', 'logreg', '--out', {str(tmp_path / 'm')!r}]; main()")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-c", code], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stderr.splitlines()[-1] == (
        "Error: no space left on the device (the files the command finished, such as a saved model, are kept); free "
        "some space or write elsewhere")
    assert sentiment.load(tmp_path / "m").model == "logreg"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_command_whose_buffered_output_cannot_be_written_at_its_end_fails_in_one_line():
    """A command that succeeded but printed through the buffer (a library's print) to a full disk: main()
    flushes, says so, and exits 1 (Python's own flush at exit would exit 120 with a traceback)."""
    import subprocess
    import sys

    code = ("import sys; from sentiment import cli\n"
            "def app():\n    sys.stdout.write('x' * 100)\n    raise SystemExit(0)\n"
            "cli.app = app; cli.main()")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}  # stdout buffered
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-c", code], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                              env=env)
    assert proc.returncode == 1
    assert proc.stderr == ("Error: no space left on the device (the files the command finished, such as a saved model, "
                           "are kept); free some space or write elsewhere\n")


def test_a_command_that_writes_files_runs_with_stdout_closed(data, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "p.csv"
    args = ["predict", "--input", str(data["dev"]), "--output", str(out)]
    code = f"import sys; sys.stdout.close(); sys.stdout = None; from sentiment.cli import main; sys.argv = ['sentiment', *{args!r}]; main()"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and "wrote 10 predictions" in proc.stderr


def test_a_bad_line_mid_stream_stops_after_the_batches_before_it(tmp_path):
    stdin = ("a great film\n" * 1500).encode() + "caf\xe9 terrible\n".encode("latin-1")
    result = CliRunner().invoke(app, ["predict", "--json", "-"], input=stdin)
    assert result.exit_code == 1 and "not UTF-8" in result.stderr
    assert len(json.loads(result.stdout)) == 1000  # the first batch, as a whole JSON array


def test_stdin_is_predicted_batch_by_batch_before_it_ends():
    """`tail -f reviews.txt | sentiment predict -`: the first 1,000 lines are printed while stdin is still open."""
    import subprocess
    import sys
    import threading

    code = "import sys; from sentiment.cli import app; sys.argv = ['sentiment', 'predict', '-']; app()"
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(b"a great film\n" * 1000)
    proc.stdin.flush()  # and not closed: a reader that waits for the end never prints
    first = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=60)  # a safety net against a hang, not a measurement
    printed_before_the_end = list(first)
    proc.stdin.close()
    reader.join()
    rest = proc.stdout.read()
    assert proc.wait(timeout=120) == 0
    assert printed_before_the_end and printed_before_the_end[0].startswith(b"positive")
    assert rest.count(b"\n") == 999


@pytest.mark.parametrize("args, message", [
    (["options", "--vectorizer", "tfidf", "--model", "lstm"], "model 'lstm' reads token sequences; use it with vectorizer 'word2vec'"),
    (["options", "--task", "aspect", "--model", "mlp"], "--model does not apply to --task aspect"),
    (["options", "--task", "aspect", "--multi-label"], "--multi-label does not apply to --task aspect"),
    (["predict", "--top-if-none", "a fine film"], "--top-if-none goes with a model that gives several labels"),
    (["predict", "--task", "aspect", "--top-if-none", "Great screen."], "and this is an aspect model; leave it out"),
    (["fit", "in.csv", "--dev", "dev.csv", "--no-refit"], "--refit/--no-refit shapes the part of DATA held out"),
    (["fit", "in.csv", "--dev", "dev.csv", "--dev-fraction", "0.2"], "--dev-fraction shapes the part of DATA held out"),
    (["fit", "in.jsonl", "--task", "aspect", "--grouping", "ekman"], "--grouping does not apply to --task aspect"),
], ids=["options-lstm-tfidf", "options-aspect-model", "options-aspect-multi-label", "predict-top-if-none",
        "predict-aspect-top-if-none", "fit-dev-no-refit", "fit-dev-dev-fraction", "fit-aspect-grouping"])
def test_flags_that_would_be_ignored_are_refused(args, message):
    assert_error(invoke(*args), message)


def test_a_report_inside_the_model_directory_is_refused_before_training(data, tmp_path):
    out = tmp_path / "model"
    result = invoke(*fit_args(data, out, "--report", out / "report"))
    assert_error(result, "lies inside --out")
    assert no_training_started(result) and not out.exists()


def test_an_ensemble_is_not_saved_over_one_of_its_members(saved_model, tmp_path):
    member = tmp_path / "member"
    shutil.copytree(saved_model, member)
    before = digest(member)
    assert_error(invoke("ensemble", member, saved_model, "--out", member), "is one of the members")
    assert digest(member) == before


def test_refitting_into_a_model_directory_with_other_files_keeps_them(data, tmp_path, saved_model):
    out = tmp_path / "model"
    shutil.copytree(saved_model, out)
    (out / "NOTES.md").write_text("how this model was made")
    before = digest(out)
    result = invoke(*fit_args(data, out))
    assert_error(result, "also holds NOTES.md")
    assert no_training_started(result) and digest(out) == before


def test_file_problems_get_advice_that_fits_them(tmp_path, saved_model):
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("text\nhello\n".encode("utf-16"))  # with its byte-order mark
    assert_error(invoke("predict", "--model", saved_model, "--input", utf16, "--output", tmp_path / "o.csv"),
                 "iconv -f utf-16 -t utf-8")
    tabs = tmp_path / "tabs.csv"
    tabs.write_text("text\tlabel, or not\na fine film\t1\n")  # a comma in the header: read as commas
    assert_error(invoke("fit", tabs, "--out", tmp_path / "m"), "it looks tab-separated; name it .tsv")
    zeros = tmp_path / "zeros.csv"
    zeros.write_bytes(bytes(1000))
    assert_error(invoke("fit", zeros, "--out", tmp_path / "m"), "zeros.csv is not UTF-8 text .*NUL.*iconv -f utf-16le")
    no_mark = tmp_path / "utf16le.csv"
    no_mark.write_bytes("text,label\nhello,1\n".encode("utf-16-le"))
    assert_error(invoke("fit", no_mark, "--out", tmp_path / "m"), "iconv -f utf-16le -t utf-8")
    assert_error(invoke("evaluate", "-", "--model", saved_model), r"cannot be read from stdin \('-'\) here.*predict --input -")
    assert not (tmp_path / "m").exists() and not (tmp_path / "o.csv").exists()


def test_empty_texts_on_the_command_line_are_counted_from_one(saved_model):
    assert_error(invoke("predict", "--model", saved_model, "good", " "), "text 2 is empty")
    result = invoke("predict", "--model", saved_model, "-", input="good\n\t\nbad\n")  # blank lines on stdin: skipped
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2


def test_predict_input_with_a_blank_row_stops_or_skips_it(saved_model, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "o.csv"
    source.write_text('text\ngood\n""\nbad\n')
    assert_error(invoke("predict", "--model", saved_model, "--input", source, "--output", out),
                 "data row 2 has no text .* give --skip-blank")
    assert not out.exists()
    result = invoke("predict", "--model", saved_model, "--input", source, "--output", out, "--skip-blank")
    assert result.exit_code == 0 and "wrote 2 predictions" in result.stderr and "1 row without text" in result.stderr
    assert len(out.read_text().splitlines()) == 4
    printed = invoke("predict", "--model", saved_model, "--input", source, "--output", "-", "--skip-blank")
    assert printed.stdout == out.read_text() and printed.stderr == "note: 1 row without text left unpredicted\n"
    assert_error(invoke("predict", "--model", saved_model, "--skip-blank", "good"), "--skip-blank goes with --input")


def test_a_blank_line_of_a_one_column_table_is_an_empty_text_that_keeps_its_place(saved_model, tmp_path):
    """pandas skips blank lines, so the rows after one lost their places; in a table of one column a blank
    line is an empty text (those after the last text are the file's end)."""
    source, out = tmp_path / "in.csv", tmp_path / "o.csv"
    source.write_text("\ntext\ngood film\n\nbad film\n\n\n")
    assert_error(invoke("predict", "--model", saved_model, "--input", source, "--output", out),
                 "data row 2 has no text .* give --skip-blank")
    result = invoke("predict", "--model", saved_model, "--input", source, "--output", out, "--skip-blank")
    assert result.exit_code == 0 and "1 row without text" in result.stderr
    assert [line.split(",")[0] for line in out.read_text().splitlines()] == ["text", "good film", "", "bad film"]
    two = tmp_path / "two.csv"  # a blank line of a table of several columns is no row, as before
    two.write_text("text,id\ngood film,1\n\nbad film,2\n")
    result = invoke("predict", "--model", saved_model, "--input", two, "--output", out)
    assert result.exit_code == 0 and len(out.read_text().splitlines()) == 3


def test_path_arguments_leave_unreadable_paths_to_the_commands_one_line_errors(saved_model, monkeypatch):
    """The CLI layer must not refuse a path it thinks unreadable with a three-line usage message: reading
    it is the command's job, whose errors are one line (here the check would be wrong: the files read)."""
    import os

    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False if str(path) == str(saved_model) else
                        access(path, mode, *a, **k))
    result = invoke("predict", "--model", saved_model, "a great film")
    assert result.exit_code == 0 and "Usage" not in result.output


@pytest.mark.parametrize("stop, status", [("sigterm", 143), ("ctrl-c", 130), ("sighup", 129)])
def test_sigterm_stops_a_prediction_run_like_ctrl_c_and_leaves_no_output(tmp_path, monkeypatch, stop, status):
    import os
    import signal

    from sentiment import commands, terminal

    data = tmp_path / "in.csv"
    data.write_text("text\n" + "a fine film\n" * 50, encoding="utf-8")
    real, calls = commands.predicting._prediction_columns, []

    def killed_on_the_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            if stop == "ctrl-c":
                raise KeyboardInterrupt  # what Python raises on SIGINT
            # as `kill` would, mid-run, or the terminal closing
            os.kill(os.getpid(), signal.SIGTERM if stop == "sigterm" else signal.SIGHUP)
        return real(*args, **kwargs)

    monkeypatch.setattr(commands.predicting, "_prediction_columns", killed_on_the_second_chunk)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    try:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)  # a terminal's, also where the suite itself runs under nohup
        terminal.stop_cleanly_on_signals()  # what main() sets up
        result = CliRunner().invoke(app, ["predict", "--input", str(data), "--output", str(tmp_path / "out.csv"),
                                          "--batch-size", "10"])
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGHUP, previous[1])
    assert result.exit_code == status and "interrupted" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # neither the output nor its partial file


def test_once_the_command_has_finished_ctrl_c_is_ignored_while_python_shuts_down(monkeypatch):
    import signal

    from sentiment import cli

    def finished():  # what typer's app does at the end of a command: exit with its status
        raise SystemExit(0)

    monkeypatch.setattr(cli, "app", finished)
    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    try:
        with pytest.raises(SystemExit):
            cli.main()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # no traceback from an exit handler, no other status
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
        signal.signal(signal.SIGHUP, previous[2])


def test_a_hang_up_whose_terminal_is_gone_still_exits_with_its_status(monkeypatch):
    """After a real hang-up the terminal is gone: the interruption's line cannot be written (EIO), and the
    command ends with 129 all the same, what it printed flushed (to a file, it is kept) and its error stream
    pointed at the null device."""
    import errno
    import signal

    from sentiment import cli, terminal

    def hung_up(*args, **kwargs):
        raise terminal.Terminated(signal.SIGHUP)

    def dead_terminal(text, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    done = []
    monkeypatch.setattr(cli, "_load", hung_up)
    monkeypatch.setattr(terminal, "echo", dead_terminal)
    monkeypatch.setattr(terminal, "flush_stdout", lambda: done.append("flushed"))  # (not this test run's own streams)
    monkeypatch.setattr(terminal, "discard_stderr", lambda: done.append("stderr dropped"))
    result = CliRunner().invoke(app, ["predict", "a fine film"])
    assert result.exit_code == 129 and done == ["flushed", "stderr dropped"]


def test_a_hang_up_that_nohup_ignores_stays_ignored():
    import signal

    from sentiment import terminal

    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    try:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup starts a command
        terminal.stop_cleanly_on_signals()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN and signal.getsignal(signal.SIGTERM) is terminal._terminate
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        terminal.stop_cleanly_on_signals()
        assert signal.getsignal(signal.SIGHUP) is terminal._terminate
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGHUP, previous[1])


@pytest.mark.parametrize("code, pattern", [
    (errno.ENOSPC, r"^Error: no space left on the device: .*p\.csv; free some space or write elsewhere$"),
    (errno.EFBIG, r"^Error: file too large: .*p\.csv \(a limit of the file system or of the shell: ulimit -f\); write "
                  r"elsewhere or less$"),
    (errno.EACCES, r"^Error: Permission denied: .*p\.csv; check the path and its permissions$"),
])
def test_a_failed_write_of_predictions_says_what_the_failure_means(saved_model, data, tmp_path, monkeypatch, code,
                                                                    pattern):
    import builtins

    target = tmp_path / "p.csv"
    real_open = builtins.open

    def failing_open(file, mode="r", *args, **kwargs):  # the temporary file the predictions are written to
        if "w" in mode and str(file).endswith(".partial") and ".p.csv." in str(file):
            raise OSError(code, os.strerror(code))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    result = invoke("predict", "--model", saved_model, "--input", data["dev"], "--output", target)
    assert_error(result, pattern.replace("Permission denied", os.strerror(errno.EACCES)))
    assert not target.exists() and not list(tmp_path.glob(".p.csv.*"))


def test_an_output_folder_where_no_file_can_be_made_is_named_as_given(tmp_path, saved_model, data, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(tmp_path / ".p.csv.x.partial"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = invoke("predict", "--model", saved_model, "--input", data["dev"], "--output", tmp_path / "p.csv")
    assert_error(result, r"No such file or directory: .*/p\.csv; check the path")


def test_stdin_and_stdout_are_utf8_whatever_the_platform_gives_redirected_streams():
    """Windows gives a redirected stream its ANSI code page (PYTHONIOENCODING=cp1252 stands in for it here): the
    command still reads and writes UTF-8, so an emoji neither fails to print nor is misread."""
    import subprocess
    import sys

    code = "import sys; from sentiment.cli import main; sys.argv = ['sentiment', 'predict', '-']; main()"
    proc = subprocess.run([sys.executable, "-c", code], input="très bon 😍\n".encode("utf-8"), capture_output=True,
                          timeout=120, env={**os.environ, "PYTHONIOENCODING": "cp1252"})
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert proc.stdout.decode("utf-8").rstrip("\n").endswith("\ttrès bon 😍")


@pytest.mark.parametrize("args, flag, what", [
    (["predict", "--model", "", "good"], "'--model'", "path"),
    (["info", ""], "'MODEL'", "path"),
    (["export", "", "--out", "x.pt"], "'MODEL'", "path"),
    (["evaluate", "data.csv", "--model", "."], None, None),  # "." is the current directory, said so
    (["predict", "--input", "data.csv", "--output", "o.csv", "--text-column", ""], "'--text-column'", "name"),
    (["fit", "data.csv", "--label-column", ""], "'--label-column'", "name"),
    (["fit", "data.csv", "--out", ""], "'--out'", "path"),
    (["vectorize", "data.csv", "--out", "v.npz", "--text-column", ""], "'--text-column'", "name"),
])
def test_an_empty_path_or_column_is_refused_not_taken_for_the_default(args, flag, what, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing here: an empty path read as "." would be said to hold no model
    result = invoke(*args)
    if flag is None:
        assert_error(result, r"\. is not a sentiment model directory")
        return
    assert_error(result, f"Invalid value for {flag}: the {what} is empty")
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []


def test_an_empty_model_name_is_refused_as_an_unknown_one_not_taken_for_the_default(data, tmp_path):
    for more in ([], ["--vectorizer", "word2vec"], ["--task", "emotion"]):
        result = invoke("fit", data["train"], "--dev", data["dev"], "--model", "", *more, "--out", tmp_path / "m")
        assert_error(result, "unknown model ''; choose one of: ")
        assert no_training_started(result), result.stderr
    assert_error(invoke("options", "--model", ""), "unknown model ''")  # as --vectorizer '' is
    assert not (tmp_path / "m").exists()


def test_a_directory_given_for_an_output_file_gets_a_file_name_it_may_use(data, model_copy, tmp_path, monkeypatch):
    """The suggested file lies inside a plain directory, but beside a model directory (no output may lie in it)."""
    from sentiment.persistence import file_name_for

    monkeypatch.chdir(tmp_path)
    plain = tmp_path / "out"
    plain.mkdir()
    for args, suggested in [(["predict", "--model", "model", "--input", data["dev"], "--output", "out"], "out/predictions.csv"),
                            (["predict", "--model", "model", "--input", data["dev"], "--output", "model"], "model.csv"),
                            (["vectorize", data["dev"], "--out", "model/vectorizer"], "model.npz"),
                            (["vectorize", data["dev"], "--out", "v.npz", "--names", "out"], "out/names.json")]:
        result = invoke(*args)
        assert_error(result, f"is a directory; give a file name, e.g. {suggested}")
        assert "Error" not in invoke(*args[:-1], suggested).stderr  # the suggestion is taken
    assert file_name_for(model_copy, "model.onnx") == model_copy.with_suffix(".onnx")  # absolute as given
    assert file_name_for(model_copy.relative_to(tmp_path), "model.onnx") == model_copy.relative_to(tmp_path).with_suffix(".onnx")


def test_a_fit_flag_given_to_set_is_named_as_the_flag(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(CSV, encoding="utf-8")
    for option, flag in (("dev_fraction", "--dev-fraction"), ("seed", "--seed")):
        assert_error(invoke("fit", data, "--model", "logreg", "--set", f"{option}=0.2", "--out", tmp_path / "m"),
                     f"unknown option '{option}' .*is `sentiment fit {flag}`")  # was "did you mean 'tune_fraction'?"


def test_a_model_given_where_the_data_go_is_pointed_at_its_option(data, saved_model):
    result = invoke("evaluate", saved_model, data["dev"])
    assert result.exit_code == 2
    assert f"Got unexpected extra argument(s) ({data['dev']}); {saved_model} is a saved model: give it with --model " \
           f"{saved_model}" in " ".join(result.stderr.split())
    other = invoke("evaluate", data["dev"], data["dev"])  # no model among them: click's own line alone
    assert other.exit_code == 2 and "saved model" not in other.stderr


def test_fit_given_a_second_file_or_a_split_pair_is_told_the_way(data, saved_model):
    """fit's extra file is its dev file (--dev), not a model (its --model names a type): the hint says so, also
    where --out is a saved model already; --set KEY VALUE is told to join them."""
    result = invoke("fit", data["train"], data["dev"], "--out", saved_model)
    assert result.exit_code == 2
    shown = " ".join(result.stderr.split())
    assert f"({data['dev']}); to score the model on {data['dev']}, give it with --dev {data['dev']}" in shown
    assert "saved model" not in shown
    result = invoke("fit", data["train"], "--set", "C", "4", "--out", saved_model)
    assert result.exit_code == 2
    assert "(4); --set takes KEY=VALUE as one argument: --set C=4" in " ".join(result.stderr.split())
    result = invoke("fit", data["train"], "--set", "C", "4", "-s", "min_df", "2", "--out", saved_model)
    assert "--set takes KEY=VALUE as one argument: --set C=4 -s min_df=2" in " ".join(result.stderr.split())
    result = invoke("fit", data["train"], "--set", "C", "--out", saved_model, data["dev"])  # no value left over
    assert f"give it with --dev {data['dev']}" in " ".join(result.stderr.split()) and "C=" not in result.stderr
    assert (saved_model / "config.json").is_file()  # the model already there is untouched


def test_predict_refuses_a_data_file_or_a_model_given_as_a_text(data, saved_model):
    """`predict dev.csv` would label the words of the name: the way to predict the file's rows is given instead;
    likewise for a model folder given as a text. A text that only names a file that is not there is a text."""
    assert_error(invoke("predict", "--model", saved_model, data["dev"]),
                 rf"{re.escape(str(data['dev']))} is a data file, not a text; to predict its rows, give --input")
    assert_error(invoke("predict", "good", saved_model), "is a saved model, not a text; give it with --model")
    lines = data["dev"].parent / "lines.txt"
    lines.write_text("good\nbad\n")
    assert_error(invoke("predict", "--model", saved_model, lines),
                 rf"lines.txt is a file, not a text; to predict its lines, one text each, give them on stdin: "
                 rf"sentiment predict - < {re.escape(str(lines))}$")
    result = invoke("predict", "--model", saved_model, "missing.csv", f"{data['dev']} is great")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2


def test_options_in_the_wrong_place_are_told_where_they_go(data, saved_model):
    """A command's option before the command's name, a stage's option given as fit's own (--C), and --model to a
    command that takes the model as its argument each get the way to give it; a plain typo keeps click's line."""
    for option in (["--model", saved_model], ["--json"]):
        result = invoke(*option, "predict", "good")
        assert result.exit_code == 2
        assert (f"No such option: {option[0]} before the command; it is an option of predict: give it after the "
                f"command's name (sentiment predict {option[0]} ...)") in " ".join(result.stderr.split())
    typo = invoke("--bogus", "predict", "good")
    assert typo.exit_code == 2 and "before the command" not in typo.stderr
    stage = invoke("fit", data["train"], "--C", "4", "--out", saved_model)
    assert stage.exit_code == 2
    assert "No such option: --C (C is an option of a stage, given with --set: --set C=VALUE)" in " ".join(stage.stderr.split())
    assert "--set" not in invoke("fit", data["train"], "--dev-fractoin", "0.2").stderr  # click's "Possible options"
    for command, shown in (("info", "the model folder as its argument: sentiment info DIR"),
                           ("ensemble", "the model folders as its arguments: sentiment ensemble DIR DIR ...")):
        result = invoke(command, "--model", saved_model)
        assert result.exit_code == 2 and f"({command} takes {shown})" in " ".join(result.stderr.split())
