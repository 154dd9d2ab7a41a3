"""`sentiment fit/predict/evaluate` with aspect models (--task aspect), through typer's CliRunner.

The data are the tiny synthetic sentences of test_aspects.py, written as JSONL here.
"""

from __future__ import annotations

import json

import pytest

from sentiment import DataError, load
from sentiment.aspects import AspectPipeline
from sentiment.default_models import default_model_path

from test_aspects import synthetic
from test_cli import assert_error, assert_ok, invoke

REPORT_KEYS = {"extraction_f1", "polarity_accuracy", "polarity_macro_f1", "end_to_end_f1", "n"}


def write_jsonl(path, sentences):
    path.write_text("".join(json.dumps(s) + "\n" for s in sentences), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("aspects")
    return {"train": write_jsonl(folder / "train.jsonl", synthetic(160, seed=0)),
            "dev": write_jsonl(folder / "dev.jsonl", synthetic(40, seed=1)),
            "folder": folder}


@pytest.fixture(scope="module")
def model_dir(files):
    out = files["folder"] / "model"
    result = invoke("fit", files["train"], "--task", "aspect", "--dev", files["dev"], "--out", out,
                    "--set", "prior=null", "--set", "bits=12", "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert REPORT_KEYS <= set(report) and report["n"] == len(synthetic(40, seed=1))
    assert report["polarity_accuracy"] > 0.8 and report["extraction_f1"] > 0.8  # easy synthetic data
    return out


def test_fit_writes_an_aspect_model_that_load_recognises(model_dir):
    assert json.loads((model_dir / "config.json").read_text())["kind"] == "aspect"
    assert isinstance(load(model_dir), AspectPipeline)


def test_fit_prints_a_readable_report(files, tmp_path):
    result = invoke("fit", files["train"], "--task", "aspect", "--dev", files["dev"], "--out", tmp_path / "m",
                    "--set", "prior=null", "--set", "bits=12")
    assert_ok(result)
    assert "extraction" in result.stdout and "end to end" in result.stdout and "saved the model" in result.stdout
    assert (tmp_path / "m" / "config.json").is_file()


def test_fit_notes_aspects_without_a_polarity_and_refuses_data_with_none(files, tmp_path):
    sentences = synthetic(160, seed=0)
    bare = [{**s, "aspects": [{k: v for k, v in a.items() if k != "polarity"} for a in s["aspects"]]} for s in sentences]
    partly = [bare[i] if i % 10 == 0 else s for i, s in enumerate(sentences)]
    n_bare = sum(len(s["aspects"]) for s in partly[::10])
    result = invoke("fit", write_jsonl(tmp_path / "partly.jsonl", partly), "--task", "aspect", "--dev", files["dev"],
                    "--out", tmp_path / "m", "--set", "prior=null", "--set", "bits=12")
    assert_ok(result)
    n_all = sum(len(s["aspects"]) for s in partly)
    assert (f"note: {n_bare} of the {n_all} training aspects have no polarity: the taggers learn to find their terms, "
            "and the polarity model leaves them out") in " ".join(result.stderr.split())
    refused = invoke("fit", write_jsonl(tmp_path / "bare.jsonl", bare), "--task", "aspect", "--dev", files["dev"],
                     "--out", tmp_path / "n", "--set", "prior=null")
    assert_error(refused, r"the training aspects have no polarity \(data for finding terms alone\)")
    assert not [line for line in refused.stderr.splitlines() if line.startswith("training")]  # not before the check
    assert not (tmp_path / "n").exists()


def test_fit_says_how_many_conflict_aspects_it_leaves_out(files, tmp_path):
    sentences = synthetic(160, seed=0)
    first = next(s for s in sentences if s["aspects"])
    sentences[sentences.index(first)] = {**first, "aspects": [{**first["aspects"][0], "polarity": "conflict"}]}
    train = write_jsonl(tmp_path / "train.jsonl", sentences)
    result = invoke("fit", train, "--task", "aspect", "--dev", files["dev"], "--out", tmp_path / "m",
                    "--set", "prior=null", "--set", "bits=12")
    assert_ok(result)
    assert "note: the aspects labelled conflict are left out (1 in train.jsonl); --set keep_conflict=true keeps them" \
        in " ".join(result.stderr.split())
    quiet = invoke("fit", files["train"], "--task", "aspect", "--dev", files["dev"], "--out", tmp_path / "n",
                   "--set", "prior=null", "--set", "bits=12")
    assert_ok(quiet)
    assert "conflict" not in quiet.stderr


def test_fit_with_the_default_prior_says_what_the_prior_learnt_from(files, tmp_path):
    """The shipped polarity model learnt from SemEval-2014 sentences: dev sentences among them would be scored
    with a prior that has seen their labels."""
    result = invoke("fit", files["train"], "--task", "aspect", "--dev", files["dev"], "--out", tmp_path / "m",
                    "--set", "bits=12")
    assert_ok(result)
    assert "note: the default prior, the shipped polarity model, learnt from SemEval-2014" in result.stderr
    assert "--set prior=null" in result.stderr
    quiet = invoke("fit", files["train"], "--task", "aspect", "--dev", files["dev"], "--out", tmp_path / "n",
                   "--set", "prior=null", "--set", "bits=12")
    assert_ok(quiet)
    assert "default prior" not in quiet.stderr
    # evaluate and info say it again of the saved model, whose prior is a copy kept inside it
    scored = invoke("evaluate", files["dev"], "--model", tmp_path / "m")
    assert_ok(scored)
    assert ("note: the model's prior, a polarity model inside it, learnt from SemEval-2014 pos/neg sentences (85%): "
            "if dev.jsonl holds sentences of SemEval-2014's training files, the polarity figures overstate") \
        in " ".join(scored.stderr.split())
    described = invoke("info", tmp_path / "m", "--json")
    assert_ok(described)
    assert json.loads(described.stdout)["settings"]["prior"] == (
        f"{tmp_path / 'm' / 'prior'} (the copy kept inside the model; it learnt from SemEval-2014 pos/neg sentences "
        "(85%): dev figures on those sentences overstate)")
    assert "prior" not in invoke("evaluate", files["dev"], "--model", tmp_path / "n").stderr


def test_predict_finds_two_aspects_of_opposite_polarity(model_dir):
    result = invoke("predict", "--model", model_dir, "--json", "The camera is great but the battery is awful.")
    assert_ok(result)
    [row] = json.loads(result.stdout)
    found = {a["term"]: a["polarity"] for a in row["aspects"]}
    assert found == {"camera": "positive", "battery": "negative"}
    text = row["text"]
    assert all(text[a["from"]:a["to"]] == a["term"] for a in row["aspects"])


def test_aspect_data_given_to_a_polarity_model_folder_gets_advice_that_works_with_it(tmp_path):
    """--model DIR of a polarity model: the advice is an aspect model's folder (--task would be refused beside it)."""
    xml = tmp_path / "a.xml"
    xml.write_text('<sentences><sentence id="1"><text>The food was great.</text><aspectTerms><aspectTerm '
                   'term="food" polarity="positive" from="4" to="8"/></aspectTerms></sentence></sentences>')
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps({"text": "The food was great.", "aspects": [{"term": "food", "from": 4, "to": 8,
                                                                            "polarity": "positive"}]}) + "\n")
    polarity = str(default_model_path("polarity"))
    assert_error(invoke("evaluate", xml, "--model", polarity), r"give --model DIR of one or, for the shipped one, "
                                                               r"--task aspect")
    assert_error(invoke("evaluate", jsonl, "--model", polarity), r"use an aspect model \(--model DIR of one, or the "
                                                                 r"shipped one: --task aspect\)")


def test_evaluate_notes_gold_categories_a_model_without_them_leaves_unscored(model_dir, tmp_path):
    assert getattr(load(model_dir), "categories_", None) is None  # the synthetic data have none
    gold = synthetic(20, seed=3)
    gold[0] = {**gold[0], "categories": [{"category": "food", "polarity": "positive"}]}
    result = invoke("evaluate", write_jsonl(tmp_path / "g.jsonl", gold), "--model", model_dir, "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["n_categories_unscored"] == 1
    assert "note: 1 sentence of the file has categories, which this model does not score" in \
        " ".join(result.stderr.split())


def test_aspect_data_on_stdin_is_refused_as_a_table_on_stdin_is(model_dir):
    line = json.dumps({"text": "The food was great.", "aspects": []}) + "\n"
    for args in (("evaluate", "-", "--model", model_dir), ("fit", "-", "--task", "aspect")):
        assert_error(invoke(*args, input=line), r"a data file cannot be read from stdin \('-'\) here; give its path")


def test_explain_limits_an_aspect_models_sentences_not_its_review(model_dir):
    """Read by sentence, an aspect costs the words of its own sentence: a long review of short sentences is
    explained (with a note), a sentence longer than --explain takes is refused, as a whole review read whole is."""
    review = "The camera is great. " + "We went there on a Sunday. " * 720 + "The battery is awful."
    result = invoke("predict", "--model", model_dir, "--explain", review)
    assert_ok(result)
    assert "note: text 1 has 5,050 words; explaining each aspect predicts its sentence once per distinct word" in \
        " ".join(result.stderr.split())
    assert_error(invoke("predict", "--model", model_dir, "--explain", "--whole-text", review),
                 "text 1 has 5,050 words, more than --explain takes")
    assert_error(invoke("predict", "--model", model_dir, "--explain", "The camera is " + "very " * 5001 + "good."),
                 "a sentence of text 1 has 5,006 words, more than --explain takes")
    with pytest.raises(DataError, match="^a sentence of text 0 has 5,006 words, more than max_words=5,000"):
        load(model_dir).explain(["The camera is " + "very " * 5001 + "good."])


def test_predict_explain_prints_the_words_under_each_aspect(model_dir):
    text = "The camera is great but the battery is awful."
    result = invoke("predict", "--model", model_dir, "--explain", text)
    assert_ok(result)
    lines = result.stdout.splitlines()
    battery = next(i for i, line in enumerate(lines) if line.startswith("  battery\t"))
    below = [line.split(None, 1) for line in lines[battery + 1:]]
    assert below and all(line[0][0] in "+-" for line in below)
    assert [w for _, w in below] == [w["word"] + (f" ({w['count']} times)" if w["count"] > 1 else "")
                                     for w in load(model_dir).explain([text])[0]["aspects"][1]["words"]
                                     if abs(w["weight"]) >= 0.0005]
    assert "The (2 times)" in [w for _, w in below]  # "The camera", "the battery": a word's copies go together, the first named
    as_json = json.loads(invoke("predict", "--model", model_dir, "--explain", "--json", text).stdout)
    assert [a["term"] for a in as_json[0]["aspects"]] == ["camera", "battery"]
    assert all(a["words"] for a in as_json[0]["aspects"])


def test_predict_file_with_explanations_gives_each_aspect_its_words(model_dir, tmp_path):
    texts = ["The camera is great but the battery is awful.", "Nice place."]
    source = tmp_path / "in.csv"
    source.write_text("text\n" + "\n".join(texts) + "\n")
    assert_ok(invoke("predict", "--model", model_dir, "--explain", "--input", source, "--output", tmp_path / "o.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert [row["aspects"] for row in rows] == [row["aspects"] for row in load(model_dir).explain(texts)]
    assert rows[0]["aspects"] and all(a["words"] for a in rows[0]["aspects"])
    from sentiment.commands.predicting import _added_names, _prediction_columns

    pipe = load(model_dir)
    for explain in (False, True):
        added = _prediction_columns(pipe, texts, False, None, True, ";", nested=True, explain=explain)
        assert list(added) == _added_names(pipe, explain)


def test_predict_named_aspects_in_plain_text(model_dir):
    result = invoke("predict", "--model", model_dir, "--aspect", "screen", "--aspect", "pizza",
                    "The pizza was dreadful, the screen was superb.")
    assert_ok(result)
    lines = result.stdout.splitlines()
    assert lines[0] == "The pizza was dreadful, the screen was superb."
    assert lines[1].split("\t")[:3] == ["  pizza", "4-9", "negative"]
    assert lines[2].split("\t")[:3] == ["  screen", "28-34", "positive"]


def test_predict_input_file_writes_the_aspects(model_dir, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("text\nThe food is lovely.\nWe went there on a Tuesday.\n", encoding="utf-8")
    result = invoke("predict", "--model", model_dir, "--input", source, "--output", tmp_path / "out.jsonl")
    assert_ok(result)
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [a["term"] for a in rows[0]["aspects"]] == ["food"] and rows[1]["aspects"] == []
    assert "categories" not in rows[0]  # this model has none


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_predict_input_of_an_aspect_model_without_the_text_column_names_the_flag_alone(model_dir, tmp_path, suffix):
    """A table of aspect data (its "aspects" column) read by an aspect model: the advice to use one is no advice."""
    source = tmp_path / f"in.{suffix}"
    if suffix == "csv":
        source.write_text('text,aspects\nThe food is lovely.,"[]"\n', encoding="utf-8")
    else:
        source.write_text('{"text": "The food is lovely.", "aspects": []}\n', encoding="utf-8")
    result = invoke("predict", "--model", model_dir, "--input", source, "--output", tmp_path / "out.jsonl",
                    "--text-column", "nope")
    assert_error(result, "has no column 'nope'; its columns are: text, aspects; name the right one with --text-column")
    assert "--task aspect" not in result.output


def test_predict_input_reads_the_sentences_of_semeval_xml(model_dir, tmp_path):
    source = tmp_path / "test.xml"  # as SemEval's unlabelled test files: sentences without aspect terms
    source.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<sentences>\n'
                      '<sentence id="7"><text>The food is lovely.</text></sentence>\n'
                      '<sentence id="8"><text>We went there on a Tuesday.</text></sentence>\n</sentences>\n',
                      encoding="utf-8")
    assert_ok(invoke("predict", "--model", model_dir, "--input", source, "--output", tmp_path / "out.csv"))
    import pandas as pd

    rows = pd.read_csv(tmp_path / "out.csv", dtype={"id": str})
    assert rows["id"].tolist() == ["7", "8"] and rows["text"].tolist()[1] == "We went there on a Tuesday."
    assert [a["term"] for a in json.loads(rows["aspects"][0])] == ["food"]
    refused = invoke("predict", "--input", source, "--output", tmp_path / "o.csv")
    assert_error(refused, "is XML, which only aspect models")
    assert "SST trees" not in refused.output  # which predict does not read: fit's and evaluate's advice


def test_predict_input_of_labelled_xml_keeps_the_gold_so_evaluate_scores_the_predictions(model_dir, tmp_path):
    source = tmp_path / "dev.xml"
    source.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<sentences>\n'
                      '<sentence id="1"><text>The food is lovely.</text><aspectTerms>'
                      '<aspectTerm term="food" polarity="negative" from="4" to="8"/></aspectTerms></sentence>\n'
                      '<sentence id="2"><text>The staff was rude.</text><aspectTerms>'
                      '<aspectTerm term="staff" polarity="conflict" from="4" to="9"/></aspectTerms></sentence>\n'
                      '</sentences>\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert_ok(invoke("predict", "--model", model_dir, "--input", source, "--output", out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["aspects"] == [{"term": "food", "from": 4, "to": 8, "polarity": "negative"}]  # the gold, kept
    assert rows[1]["aspects"][0]["polarity"] == "conflict"  # as the file has it
    assert [a["term"] for a in rows[0]["predicted_aspects"]] == ["food"]
    assert rows[0]["predicted_aspects"][0]["polarity"] == "positive"  # so the gold "negative" scores it wrong
    report = json.loads(invoke("evaluate", out, "--model", model_dir, "--json").stdout)
    assert report["polarity_accuracy"] == 0.0  # scored on the gold, not on the predictions
    assert_error(invoke("predict", "--model", model_dir, "--input", source, "--output", tmp_path / "o.csv",
                        "--text-column", "body"), "SemEval XML has its texts in <text>; leave it out")


def test_predict_input_file_writes_the_categories_too(tmp_path):
    from test_aspect_categories import synthetic as category_sentences

    sentences = [{**s, "categories": []} for s in synthetic(120)] + category_sentences(200)
    AspectPipeline(prior=None, bits=12).fit(sentences).save(tmp_path / "m")
    source = tmp_path / "in.csv"
    source.write_text("text\nThe soup was lovely but the waiter was rude and slow.\n", encoding="utf-8")
    assert_ok(invoke("predict", "--model", tmp_path / "m", "--input", source, "--output", tmp_path / "out.jsonl"))
    [row] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    [shown] = json.loads(invoke("predict", "--model", tmp_path / "m", "--json",
                                "The soup was lovely but the waiter was rude and slow.").stdout)
    assert {c["category"]: c["polarity"] for c in row["categories"]} == {"food": "positive", "service": "negative"}
    assert row["aspects"] == shown["aspects"] and row["categories"] == shown["categories"]  # the file = --json
    scores = [a[key] for a in shown["aspects"] + shown["categories"] for key in a if key.endswith("score")]
    assert scores and all(score == round(score, 6) for score in scores)  # 6 decimals, as polarity scores


def test_evaluate_json_and_report(model_dir, files, tmp_path):
    result = invoke("evaluate", files["dev"], "--model", model_dir, "--json", "--report", tmp_path / "report")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert REPORT_KEYS <= set(report)
    assert sum(map(sum, report["confusion_matrix"])) == report["n_polarity"]
    assert (tmp_path / "report" / "confusion_matrix.png").stat().st_size > 0
    assert json.loads((tmp_path / "report" / "metrics.json").read_text())["n"] == report["n"]


def test_gold_aspects_inside_web_addresses_are_noted_as_never_found(model_dir, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", [
        {"text": "Dell.com shipped it fast and the screen is great.", "aspects": [
            {"term": "Dell", "from": 0, "to": 4, "polarity": "positive"},
            {"term": "screen", "from": 33, "to": 39, "polarity": "positive"}]},
        {"text": "Bad service.", "aspects": [{"term": "service", "from": 4, "to": 11, "polarity": "negative"}]}])
    result = invoke("evaluate", gold, "--model", model_dir, "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["n_in_markup"] == 1
    assert "note: 1 of the gold aspect terms lie inside web addresses or HTML tags" in result.stderr
    fitted = invoke("fit", gold, "--task", "aspect", "--dev", gold, "--set", "extractor=classical", "--set",
                    "polarity=classical", "--set", "prior=null", "--set", "categories=false", "--out", tmp_path / "m")
    assert_ok(fitted)
    assert "(e.g. 'Dell' in 'Dell.com')" in fitted.stderr and "the taggers cannot learn them" in fitted.stderr
    clean = write_jsonl(tmp_path / "clean.jsonl", [
        {"text": "Bad service at x.com.", "aspects": [{"term": "service", "from": 4, "to": 11, "polarity": "negative"}]}])
    assert json.loads(invoke("evaluate", clean, "--model", model_dir, "--json").stdout)["n_in_markup"] == 0


def test_evaluate_notes_gold_aspects_without_a_polarity(model_dir, tmp_path):
    terms_only = write_jsonl(tmp_path / "terms.jsonl", [
        {"text": "The pizza was great.", "aspects": [{"term": "pizza", "from": 4, "to": 9}]},
        {"text": "Bad service.", "aspects": [{"term": "service", "from": 4, "to": 11, "polarity": "negative"}]}])
    result = invoke("evaluate", terms_only, "--model", model_dir, "--json")
    assert_ok(result)
    assert json.loads(result.stdout)["end_to_end_f1"] is None and json.loads(result.stdout)["n_without_polarity"] == 1
    assert "note: 1 of the gold aspects has no polarity, so there is no end-to-end score" in result.stderr
    polarised = write_jsonl(tmp_path / "polarised.jsonl", [
        {"text": "Bad service.", "aspects": [{"term": "service", "from": 4, "to": 11, "polarity": "negative"}]}])
    assert "no polarity" not in invoke("evaluate", polarised, "--model", model_dir).stderr


def test_evaluate_refuses_data_without_gold_aspects(model_dir, tmp_path):
    unlabelled = write_jsonl(tmp_path / "unlabelled.jsonl", [{"text": "The pizza was great."}, {"text": "Bad service."}])
    result = invoke("evaluate", unlabelled, "--model", model_dir, "--json", "--report", tmp_path / "report")
    assert_error(result, "hold no gold aspect terms")
    assert not (tmp_path / "report").exists()


def test_fit_refuses_a_dev_file_without_gold_aspects_before_training(tmp_path, monkeypatch):
    train = write_jsonl(tmp_path / "train.jsonl", synthetic(60))
    unlabelled = write_jsonl(tmp_path / "dev.jsonl", [{"text": "The pizza was great."}])
    trained = []
    monkeypatch.setattr(AspectPipeline, "fit", lambda self, *a, **k: trained.append(1) or self)
    assert_error(invoke("fit", train, "--task", "aspect", "--dev", unlabelled, "--set", "prior=null", "--out",
                        tmp_path / "m"), "the dev sentences hold no gold aspect terms")
    assert trained == [] and not (tmp_path / "m").exists()


def test_aspect_data_mistakes_get_advice(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    assert_error(invoke("fit", folder, "--task", "aspect", "--out", tmp_path / "m"), "is a directory; give a SemEval")
    conflict = [{**s, "aspects": [{**a, "polarity": "conflict"} for a in s["aspects"]]} for s in synthetic(20)]
    assert_error(invoke("fit", write_jsonl(tmp_path / "c.jsonl", conflict), "--task", "aspect", "--set", "prior=null",
                        "--out", tmp_path / "m"), "labelled conflict are dropped unless .*--set keep_conflict=true")


def test_aspect_data_as_a_json_array_is_read_as_json_lines_are(tmp_path):
    from sentiment.aspects import read_aspect_data

    sentences = synthetic(30)
    lines = write_jsonl(tmp_path / "s.jsonl", sentences)
    array = tmp_path / "s.json"
    array.write_text(json.dumps(sentences, indent=1), encoding="utf-8")
    read_lines, read_array = read_aspect_data(lines), read_aspect_data(array)
    assert [s["text"] for s in read_array] == [s["text"] for s in read_lines]
    assert [s["aspects"] for s in read_array] == [s["aspects"] for s in read_lines]
    array.write_text('[{"text": "fine"}, 5]', encoding="utf-8")
    with pytest.raises(DataError, match=r"s.json, item 2: each item needs an object"):
        read_aspect_data(array)


@pytest.mark.parametrize("args, message", [
    (["--model", "nbsvm"], "--model does not apply to --task aspect"),
    (["--multi-label"], "--multi-label does not apply"),
    (["--label-sep", ","], "--label-sep does not apply to --task aspect"),
    (["--tune-fraction", "0.2"], "--tune-fraction does not apply to --task aspect"),
    (["--set", "prior="], "prior must be 'default', a model directory or None"),
    (["--set", "C=3"], "'C' is not an option of the aspect model"),
    (["--set", "seed=3"], "the aspect model's seed is not a --set option: give it as --seed N"),
    (["--set", "pretrain=trees.txt"], "pretrain goes with polarity='lstm'"),
    (["--set", "polarity=lstm", "--set", "pretrain=no-such-trees.txt"], "no-such-trees.txt does not exist"),
])
def test_fit_options_that_do_not_apply(files, tmp_path, args, message):
    result = invoke("fit", files["train"], "--task", "aspect", "--out", tmp_path / "m", *args)
    assert_error(result, message)
    assert message in result.stderr
    assert not (tmp_path / "m").exists()


def test_aspect_flags_on_other_models_are_errors(model_dir, files):
    result = invoke("predict", "--aspect", "food", "The food is good.")  # the default polarity model
    assert_error(result)
    assert "--aspect needs an aspect model" in result.stderr
    result = invoke("evaluate", files["dev"], "--model", model_dir, "--grouping", "ekman")
    assert_error(result)
    assert "does not apply to an aspect model" in result.stderr


def test_an_aspect_term_that_is_not_utf8_is_refused_as_a_text_is(model_dir):
    latin1 = b"caf\xe9".decode("utf-8", "surrogateescape")  # as Python reads such an argument
    result = invoke("predict", "--model", model_dir, "--aspect", latin1, "The cafe was nice.")
    assert_error(result)
    assert "--aspect 'caf\\udce9' is not UTF-8 text (its bytes were of another encoding); pass the term in UTF-8" in result.stderr


def test_named_aspects_missing_from_some_texts_or_all(model_dir, tmp_path):
    result = invoke("predict", "--model", model_dir, "--aspect", "battery", "--aspect", "food",
                    "The food is good.", "Nice place.")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "The food is good." and lines[1].startswith("  food\t4-8\t")
    assert lines[2:] == ["Nice place.", "  (none of the named aspects is in this text)"]
    assert result.stderr.strip() == ("note: 'battery' occurs in none of the texts (terms match as whole words, in any case, "
                                     "outside web addresses and HTML tags)")
    source = write_jsonl(tmp_path / "named.jsonl", [{"text": "The food is good."}, {"text": "Nice place."}])
    from_file = invoke("predict", "--model", model_dir, "--aspect", "battery", "--aspect", "food", "--input", source,
                       "--output", tmp_path / "named_out.jsonl")  # --input too notes a term found nowhere
    assert from_file.exit_code == 0 and "note: 'battery' occurs in none of the texts" in from_file.stderr
    assert "'food'" not in from_file.stderr
    spaced = invoke("predict", "--model", model_dir, "--aspect", "good  food", "Good food here.")
    assert spaced.exit_code == 0 and "Good food\t0-9\t" in spaced.stdout and "note:" not in spaced.stderr
    dotted = invoke("predict", "--model", model_dir, "--aspect", "istanbul", "The İstanbul kebab was great.")
    assert dotted.exit_code == 0 and "İstanbul\t4-12\t" in dotted.stdout and "note:" not in dotted.stderr
    for term, text, written in (("café", "The caf&eacute; was nice.", "caf&eacute;"), ("chef's", "The chef’s pride.", "chef’s"),
                                ("battery life", "The battery&nbsp;life is good.", "battery&nbsp;life")):
        found = invoke("predict", "--model", model_dir, "--aspect", term, text)  # found as the text writes it: no note
        assert found.exit_code == 0 and f"  {written}\t" in found.stdout and "note:" not in found.stderr, found.stderr


def test_a_named_aspect_that_the_case_blind_match_finds_gets_no_note(model_dir):
    # the match reads dotless ı as I, which str.casefold does not: the note asks the match itself
    result = invoke("predict", "--model", model_dir, "--aspect", "ılık su", "ILIK SU was great.")
    assert result.exit_code == 0 and "  ILIK SU\t0-7\t" in result.stdout and "note:" not in result.stderr, result.stderr
    inside = invoke("predict", "--model", model_dir, "--aspect", "pizza", "See http://pizza.example.com today.")
    assert inside.exit_code == 0 and "note: 'pizza' occurs in none of the texts" in inside.stderr  # a web address


def test_evaluate_refuses_categories_alone_for_a_model_without_categories(model_dir, tmp_path):
    only = write_jsonl(tmp_path / "categories.jsonl", [{"text": "We waited an hour for a table.", "aspects": [],
                                                         "categories": [{"category": "service", "polarity": "negative"}]}])
    assert_error(invoke("evaluate", only, "--model", model_dir, "--json"),
                 "label categories alone, and this model learnt none")


def test_aspect_offsets_too_large_for_an_integer(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "The food", "aspects": [{"term": "food", "from": 1e400, "to": 8}]}\n')
    result = invoke("fit", path, "--task", "aspect", "--out", tmp_path / "m")
    assert_error(result, r"a.jsonl, line 1: aspect offsets must be integers \(got from=inf, to=8\); give 0-based")
    assert not (tmp_path / "m").exists()


def test_options_lists_the_aspect_model_settings():
    result = invoke("options", "--task", "aspect")
    assert_ok(result)
    assert '  polarity = "classical"' in result.stdout and "  pretrain = null" in result.stdout
    assert "extractors: classical, combined, lstm" in result.stdout and "polarity models: classical, lstm, mean" in result.stdout
    assert_error(invoke("options", "--task", "aspects"), "choose polarity, emotion or aspect")


def test_fit_with_a_report_folder(files, tmp_path):
    result = invoke("fit", files["train"], "--task", "aspect", "--dev", files["dev"], "--out", tmp_path / "m",
                    "--set", "prior=null", "--set", "bits=12", "--set", "polarity=classical", "--report", tmp_path / "r")
    assert_ok(result)
    written = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert written and any(name.endswith(".json") for name in written)


def test_info_of_an_aspect_model(model_dir, files):
    described = json.loads(invoke("info", model_dir, "--json").stdout)
    assert described["kind"] == "aspect" and described["settings"]["extractor"] == "classical"
    assert described["settings"]["categories"] is True and described["settings"]["categories_learnt"] is False
    assert "category_thresholds" not in described["settings"]
    assert described["data"] == {"train": files["train"].name}  # the file it learnt from, by name: not where it lay
    shipped = json.loads(invoke("info", "--task", "aspect", "--json").stdout)["settings"]
    assert shipped["categories"] is shipped["categories_learnt"] is True and "food" in shipped["category_thresholds"]
    assert "(none)" not in shipped["category_thresholds"]  # the detector's own label for no category is none
    assert shipped["prior"].endswith("prior (the copy kept inside the model)")  # not the bare folder name
    assert described["labels"] == ["negative", "neutral", "positive"] and described["multi_label"] is False
    assert set(described["dev_metrics"]) >= {"extraction_f1", "polarity_accuracy"}
    result = invoke("info", model_dir)
    assert result.exit_code == 0 and "extractor: classical" in result.stdout


def test_named_aspects_over_a_file(model_dir, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('text\n"The food is good, the service slow."\nNice place.\n')
    result = invoke("predict", "--model", model_dir, "--aspect", "service", "--input", source, "--output",
                    tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [[(a["term"], a["from"]) for a in row["aspects"]] for row in rows] == [[("service", 22)], []]


@pytest.mark.parametrize("flags", [[], ["--by-sentence"], ["--whole-text"]])
def test_by_sentence_over_texts_and_files(model_dir, tmp_path, monkeypatch, flags):
    text = "The food is good. The service slow."
    seen = []
    polarity_model = type(load(model_dir).polarity_)  # the CLI loads its own copy: watch the class
    original = polarity_model.predict_proba
    monkeypatch.setattr(polarity_model, "predict_proba", lambda self, items: seen.append(items) or original(self, items))
    shown = json.loads(invoke("predict", "--model", model_dir, *flags, "--json", text).stdout)
    source = tmp_path / "in.csv"
    source.write_text(f'text\n"{text}"\n')
    result = invoke("predict", "--model", model_dir, *flags, "--input", source, "--output", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    row = json.loads((tmp_path / "out.jsonl").read_text())
    assert row["aspects"] == shown[0]["aspects"] and [a["from"] for a in row["aspects"]] == [4, 22]
    whole = flags == ["--whole-text"]
    assert seen[0] == ([(text, 4, 8), (text, 22, 29)] if whole else [("The food is good.", 4, 8), ("The service slow.", 4, 11)])
    assert seen[1] == seen[0]


@pytest.mark.parametrize("flag", ["--by-sentence", "--whole-text"])
def test_by_sentence_needs_an_aspect_model(flag):
    result = invoke("predict", flag, "Great film.")
    assert result.exit_code == 1 and f"{flag} needs an aspect model" in result.stderr


@pytest.mark.parametrize("by_sentence, read", [(None, "The service slow."), (False, "The food is good. The service slow.")])
def test_predict_file_hands_by_sentence_to_the_polarity_model(model_dir, tmp_path, monkeypatch, by_sentence, read):
    from sentiment.commands import predict_file

    pipe = load(model_dir)
    seen = []
    original = pipe.polarity_.predict_proba
    monkeypatch.setattr(pipe.polarity_, "predict_proba", lambda items: seen.append(items) or original(items))
    source = tmp_path / "in.csv"
    source.write_text('text\n"The food is good. The service slow."\n')
    options = {} if by_sentence is None else {"by_sentence": by_sentence}
    predict_file(pipe, source, tmp_path / "out.csv", aspects=["service"], **options)
    assert seen == [[(read, read.index("service"), read.index("service") + 7)]]


def test_the_shipped_model_annotates_an_empty_text_with_nothing():
    rows = load(task="aspect").annotate(["", "The food was good."])
    assert rows[0]["aspects"] == [] and rows[0]["categories"] == [] and rows[1]["aspects"]


def test_printed_categories_keep_one_line_each_and_no_missing_aspect_note(capsys):
    from sentiment import cli

    cli._print_aspects([{"text": "Cozy decor.", "aspects": [],
                         "categories": [{"category": "bar\nlounge", "polarity": "positive", "score": 0.78}]}], None)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].startswith("  [bar") and lines[1].endswith("]\t\tpositive\t0.780")
    cli._print_aspects([{"text": "We went there.", "aspects": [], "categories": []}], None)
    assert "(no aspect found" in capsys.readouterr().out  # nothing at all found: said


def test_a_named_aspect_no_text_holds_is_warned_of_in_python_and_noted_once_by_the_cli(model_dir):
    import warnings

    import sentiment

    model = load(model_dir)
    with pytest.warns(sentiment.UnfoundAspectWarning, match="'Dell' occurs in none of the texts"):
        assert model.predict_aspects(["bought at dell.com", "a fine screen"], aspects=["Dell", "screen"])[0] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error", sentiment.UnfoundAspectWarning)
        model.predict_aspects(["a fine screen"], aspects=["screen"])  # found: no warning
        model.predict_aspects(["a fine screen", "a good pizza"], aspects=[["screen"], ["pizza"]])  # one list per text
    with pytest.warns(sentiment.UnfoundAspectWarning, match=r"^'Dell' \(text 1\) does not occur in the text given "
                                                            r"with it, so it has no polarity"):  # though text 2 has it
        assert model.predict_aspects(["a fine screen", "a good pizza", "Dell"],
                                     aspects=[["screen"], ["Dell"], ["Dell"]])[1] == []
    result = invoke("predict", "--model", model_dir, "--aspect", "Dell", "a fine screen", "another one")
    assert_ok(result)
    assert result.stderr.count("'Dell' occurs in none of the texts") == 1


def test_fit_aspect_refuses_dev_fraction_0(files, tmp_path):
    """An aspect fit always scores a dev part (--dev-fraction 0, training once without one, is for the others)."""
    assert_error(invoke("fit", files["train"], "--task", "aspect", "--dev-fraction", "0", "--out", tmp_path / "m"),
                 r"--dev-fraction 0 holds out no dev sentences, and an aspect model's fit always scores one on some; "
                 r"give a dev file \(--dev FILE\) or a dev fraction above 0$")
    assert not (tmp_path / "m").exists()
