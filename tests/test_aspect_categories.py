"""Aspect categories (which categories a sentence speaks of, and the polarity toward each), on synthetic data."""

from __future__ import annotations

import random

import numpy as np
import pytest

from sentiment.aspects.categories import CategoryModel, has_categories
from sentiment.errors import DataError, ModelFileError

CUES = {"food": ["pasta", "pizza", "soup", "dessert", "steak"],
        "service": ["waiter", "staff", "waitress", "host", "manager"],
        "price": ["bill", "prices", "check", "wine list prices"]}
GOOD = ["wonderful", "excellent", "lovely", "superb"]
BAD = ["awful", "dreadful", "rude and slow", "terrible"]


def clause(rng: random.Random, category: str, polarity: str) -> str:
    return f"the {rng.choice(CUES[category])} was {rng.choice(GOOD if polarity == 'positive' else BAD)}"


def synthetic(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    sentences = []
    for i in range(n):
        chosen = rng.sample(sorted(CUES), rng.choice([1, 2]))
        polarities = [rng.choice(["positive", "negative"]) for _ in chosen]
        text = " but ".join(clause(rng, c, p) for c, p in zip(chosen, polarities)).capitalize() + "."
        sentences.append({"id": str(i), "text": text, "aspects": [],
                          "categories": [{"category": c, "polarity": p} for c, p in zip(chosen, polarities)]})
    return sentences


@pytest.fixture(scope="module")
def model():
    return CategoryModel().fit(synthetic(300))


def test_two_categories_of_opposite_polarity(model):
    [found] = model.predict(["The pasta was wonderful but the waiter was rude and slow."])
    assert {c["category"]: c["polarity"] for c in found} == {"food": "positive", "service": "negative"}
    assert all(0.5 < c["score"] <= 1 and 0 < c["category_score"] <= 1 for c in found)


def test_a_long_run_of_spaces_reads_as_one(model):
    [found] = model.predict(["The pasta was wonderful" + " " * 3000 + "but the waiter was rude and slow."])
    assert {c["category"]: c["polarity"] for c in found} == {"food": "positive", "service": "negative"}
    assert model.focus(["Pasta great" + " " * 60 + "but service rude"], ["service"]) == ["service rude"]
    [clause] = model.focus(["The waiter was not friendly" + "\n" * 60 + "the food tasty, prices ok"], ["food"])
    assert clause == "the food tasty"  # the run is a line break, which ends a clause


def test_an_ellipsis_or_another_scripts_punctuation_splits_clauses(model):
    for text in ["Pasta great\u2026 service rude", "Pasta great\uff0c service rude", "Pasta great\u3002service rude"]:
        assert model.focus([text], ["service"]) == ["service rude"], text


def test_a_bare_label_keeps_what_its_colon_introduces(model):
    """"Food: awful." is one clause, so the food polarity reads "awful", not the bare label "Food"."""
    assert model.focus(["Pasta: awful. Service: wonderful"], ["food"]) == ["Pasta: awful"]
    [found] = model.predict(["Pasta: awful."])
    assert {c["category"]: c["polarity"] for c in found} == {"food": "negative"}
    long_label = "the pasta that we ordered at the bar"  # more than a label's words: its colon splits
    assert model.focus([f"{long_label}: the waiter was awful"], ["service"]) == ["the waiter was awful"]


@pytest.mark.parametrize("text, expected", [
    ("Food: awful\nService: great", ["Food: awful", "Service: great"]),  # a line break ends a clause
    ("Food: great\r\nService: slow\u2028Wine list: dear", ["Food: great", "Service: slow", "Wine list: dear"]),
    ("Loved the pasta: the waiter was awful", ["Loved the pasta", "the waiter was awful"]),  # more than a label
    ("We arrived at 10:30, the waiter was rude", ["We arrived at 10:30", "the waiter was rude"]),  # a time
    ("Food was great :) service was slow", ["Food was great", "service was slow"]),
    ("Pasta:!", ["Pasta"]),
    ("We haven&#39;t yet tried the pasta", ["We haven't yet tried the pasta"]),  # an entity is its character
    ("Arrived fast&not damaged, pasta&amp;wine", ["Arrived fast&not damaged", "pasta&wine"]),  # as the Cleaner reads
    ("The food was not good while the service was great", ["The food was not good", "the service was great"]),
    ("pasta not good" + " " * 60 + "\u2028" + " " * 60 + "waiter great", ["pasta not good", "waiter great"]),
    ("Service - terrible. Food \u2014 great", ["Service - terrible", "Food \u2014 great"]),  # a one-word label's dash
    ("Great food - awful service", ["Great food", "awful service"]),  # more than a dash label's one word
    ("The pasta was bad--the waiter was great&mdash;ok", ["The pasta was bad", "the waiter was great", "ok"]),
    ("A hard-boiled egg, 2-3 days", ["A hard-boiled egg", "2-3 days"]),  # a hyphen in a word or a number
    ("Food: awful<br/>Service: <b>great</b>", ["Food: awful", "Service: <b>great</b>"]),  # a block tag ends one
    ("Rude waiter \U0001f620 the pasta was great", ["Rude waiter \U0001f620", "the pasta was great"]),  # after an emoji
    ("The pizza was not only tasty but also cheap", ["The pizza was not only tasty but also cheap"]),
    ("Food: great - service: bad", ["Food: great", "service: bad"]),  # a dash's label only after a cut
    ("Staff - friendly - room - dirty", ["Staff - friendly", "room - dirty"]),
    # version 17: a bare subject joins its predicate past asides, brackets or an ellipsis; no stop after an
    # abbreviation; "nothing but" contrasts nothing
    ("The service, however, was terrible.", ["The service was terrible"]),  # a lone connective is no clause
    ("The pasta, while pricey, was delicious", ["while pricey", "The pasta was delicious"]),
    ("The staff, who were new, were lovely", ["who were new", "The staff were lovely"]),
    ("The staff, honestly, were rude", ["honestly", "The staff were rude"]),  # version 22: a sentence adverb
    ("Sadly, the pizza was cold", ["Sadly", "the pizza was cold"]),  # where it parts no subject: as before
    ("The food was great, sadly, the service... was slow", ["The food was great", "sadly", "the service was slow"]),
    ("The food (which was cold) was great", ["which was cold", "The food was great"]),
    ("The service... wasn't good", ["The service wasn't good"]),
    ("The service \u2026was terrible", ["The service was terrible"]),
    ("The staff were nothing but friendly", ["The staff were nothing but friendly"]),
    ("Mr. Smith was rude, e.g. to us", ["Mr. Smith was rude", "e.g. to us"]),
    ("Great food, however, the service was slow", ["Great food", "the service was slow"]),  # still a contrast
    ("It is, however, very heavy", ["It is", "very heavy"]),
    ("The service. Was terrible", ["The service", "Was terrible"]),  # a full stop
    ("The food was great, the service was slow", ["The food was great", "the service was slow"]),
    ("Pasta, pizza, salads were fine", ["Pasta", "pizza", "salads were fine"]),  # no aside between
    ("The food, *sigh*, was cold", ["The food", "*sigh*", "was cold"]),  # no aside opens "*sigh*"
    ("Nha Trang, while slow, rude staff, is great", ["Nha Trang", "slow", "rude staff", "is great"]),  # an aside's rest
    ("If you want cheap wine, don't go here", ["If you want cheap wine", "don't go here"]),
    ("Despite its lovely decor, will not return", ["Despite its lovely decor", "will not return"]),
    ("The food, \"which\", was cold; ... was bad", ["The food", "\"which\"", "was cold", "was bad"]),  # a quote
    # version 17 (after a review): a lone comma parts no subject from its predicate, a subject is a noun phrase
    # that opens with a determiner or a possessive, and a line break or a contrast parts them
    ("The waitress, seems rude", ["The waitress", "seems rude"]),
    ("Loved the food, however, was disappointed with the service", ["Loved the food", "was disappointed with the service"]),
    ("Great food, can't say the same for the service", ["Great food", "can't say the same for the service"]),
    ("I'm a fan of their pizza, wasn't impressed", ["I'm a fan of their pizza", "wasn't impressed"]),
    ("The service,\nwas terrible", ["The service", "was terrible"]),
    ("The service...\nwas terrible", ["The service", "was terrible"]),
    ("The pasta, however... was delicious", ["The pasta", "was delicious"]),
    ("The pasta, even though a bit pricey, was delicious", ["even though a bit pricey", "The pasta was delicious"]),
    ("The steak (ordered rare) was overcooked", ["ordered rare", "The steak was overcooked"]),  # a bracket's aside
    ("The staff,... were lovely", ["The staff were lovely"]),
    ("The food was great at Joe's. The service was slow", ["The food was great at Joe's", "The service was slow"]),
    ("I don't. The service is slow", ["I don't", "The service is slow"]),
    # after a second review: cuts before the subject, a sentence that opens with a subordinate clause, no-break
    # spaces, quotes before an abbreviation, tags and brackets
    ("Great food\nThe service, however, was terrible", ["Great food", "The service was terrible"]),
    ("Great food - the service, however, was terrible", ["Great food", "the service was terrible"]),
    ("Even on a busy night, the staff, however, were rude", ["Even on a busy night", "the staff were rude"]),
    ("While the pasta was great, the service, however, was slow", ["the pasta was great", "the service was slow"]),
    ("The food, however,\u00a0was terrible", ["The food was terrible"]),
    ("They call him 'Dr. Bob' and the food is great", ["They call him 'Dr. Bob' and the food is great"]),
    ("<b>The service</b>, however, was terrible", ["<b>The service</b> was terrible"]),
    ("The food, (which we ordered), was terrible", ["which we ordered", "The food was terrible"]),
    # version 21: a subject without a determiner that starts a sentence, not one inside it, nor "Loved it"
    ("Service, however, was awful", ["Service was awful"]),
    ("Great food! Service, however, was awful", ["Great food", "Service was awful"]),
    ("Great food\nService... was awful", ["Great food", "Service was awful"]),
    ("Great food, service, however, was awful", ["Great food", "service", "was awful"]),
    ("Loved it, however, was sad", ["Loved it", "was sad"]),
    ("Pasta, pizza, were fine", ["Pasta", "pizza", "were fine"]),  # a lone comma parts them still
    ("Great pizza, however, wasn't a fan of the wings", ["Great pizza", "wasn't a fan of the wings"]),  # the writer's
    ("Tasty wings. Not great, however, was the service", ["Tasty wings", "Not great", "was the service"]),
    ("Great food - service, however, was awful", ["Great food", "service", "was awful"]),  # a dash starts no sentence
    ("Great food \u2015 service, however, was awful", ["Great food", "service", "was awful"]),
])
def test_the_clauses_a_category_reads(text, expected):
    from sentiment.aspects.categories import clauses

    assert clauses(text) == expected


def test_a_bare_subjects_focus_is_its_clause_with_its_predicate(model):
    """Version 17: the service's focus in "The service, however, was terrible." is "The service was terrible",
    not the bare "The service" (its polarity read as the subject's alone)."""
    text = "The service, however, was terrible."
    assert model.focus([text], ["service"]) == [text]  # one clause: the whole text
    assert model.focus(["The service, however, was terrible, the pasta was wonderful"], ["service"]) == [
        "The service was terrible"]
    assert model.focus(["The waiter... was rude, the pasta was wonderful"], ["service"]) == ["The waiter was rude"]


def test_a_while_that_is_no_contrast_splits_no_clause(model):
    assert model.focus(["The waiter was rude for a while but the pasta was wonderful"], ["service"]) == [
        "The waiter was rude for a while"]
    assert model.focus(["We have not yet tried the pasta"], ["food"]) == ["We have not yet tried the pasta"]
    assert model.focus(["The pasta was simple yet wonderful"], ["food"])[0] in ("The pasta was simple", "wonderful")


def test_an_empty_text_has_no_categories(model):
    text = "The pasta was wonderful but the waiter was rude and slow."
    assert model.predict(["", text, "  "]) == [[], *model.predict([text]), []]
    assert model.predict([""]) == [[]]


def test_a_text_about_no_category_gets_none(model):
    assert model.predict(["We went there on a Tuesday."]) == [[]]


def test_polarity_proba_rows_are_distributions(model):
    probs = model.polarity_proba(["The bill was terrible.", "The soup was lovely."], ["price", "food"])
    assert probs.shape == (2, 3) and np.allclose(probs.sum(axis=1), 1)
    assert probs[0].argmax() == 0 and probs[1].argmax() == 2  # negative, positive


def test_scores_on_held_out_synthetic_sentences(model):
    dev = synthetic(60, seed=1)
    predicted = model.predict([s["text"] for s in dev])
    gold = [{(c["category"], c["polarity"]) for c in s["categories"]} for s in dev]
    found = [{(c["category"], c["polarity"]) for c in p} for p in predicted]
    assert np.mean([g == f for g, f in zip(gold, found)]) > 0.9


def test_save_and_load_give_the_same_predictions(model, tmp_path):
    state = model.save(tmp_path)
    again = CategoryModel.load(tmp_path, state, {"detector", *state["polarity"]})
    texts = [s["text"] for s in synthetic(20, seed=2)]
    assert again.predict(texts) == model.predict(texts)


def test_saved_category_models_of_other_labels_are_refused_at_load(model, tmp_path):
    """A polarity model whose labels are no polarities loaded, and every prediction of a category failed with
    "ValueError: tuple.index(x): x not in tuple"; a detector of one label per text has no thresholds to decide by."""
    import shutil

    from conftest import edit_config

    state = model.save(tmp_path / "renamed")
    edit_config(tmp_path / "renamed" / "polarity_1", lambda c: c["labels"].update(
        classes=[f"x{i}" for i in range(len(c["labels"]["classes"]))]))
    with pytest.raises(ModelFileError, match=r"holds a polarity model for the category '.+' whose labels \(x0, x1.*\) "
                                             "are not one of negative, neutral, positive per text; the model is damaged"):
        CategoryModel.load(tmp_path / "renamed", state, {"detector", *state["polarity"]})
    model.save(tmp_path / "swapped")
    shutil.rmtree(tmp_path / "swapped" / "detector")
    shutil.copytree(tmp_path / "swapped" / "polarity_0", tmp_path / "swapped" / "detector")
    with pytest.raises(ModelFileError, match="detector gives one label per text, where the category detector gives "
                                             "several; the model is damaged, train it again"):
        CategoryModel.load(tmp_path / "swapped", state, {"detector", *state["polarity"]})


def test_data_without_categories_is_a_clear_error():
    sentences = [{"id": "1", "text": "Fine.", "aspects": [], "categories": []}]
    assert not has_categories(sentences)
    with pytest.raises(DataError, match="no sentence has categories"):
        CategoryModel().fit(sentences)


def test_aspect_pipeline_learns_saves_and_prints_categories(tmp_path):
    from sentiment import load
    from sentiment.aspects import AspectPipeline
    from sentiment.aspects.evaluation import evaluate_pipeline
    from sentiment.cli import app
    from typer.testing import CliRunner

    from test_aspects import synthetic as with_aspects

    sentences = with_aspects(80) + synthetic(200)  # aspect terms from one set, categories from the other
    pipe = AspectPipeline(prior=None, bits=12).fit(sentences)
    text = "The soup was superb but the staff was terrible."
    [row] = pipe.annotate([text])
    assert {c["category"]: c["polarity"] for c in row["categories"]} == {"food": "positive", "service": "negative"}
    report = evaluate_pipeline(pipe, synthetic(40, seed=3))
    assert report["category_f1"] > 0.9 and report["category_polarity_accuracy"] > 0.8
    pipe.save(tmp_path / "model")
    assert load(tmp_path / "model").annotate([text]) == pipe.annotate([text])
    result = CliRunner().invoke(app, ["predict", "--model", str(tmp_path / "model"), text])
    assert result.exit_code == 0 and "[food]\t\tpositive" in result.stdout and "[service]\t\tnegative" in result.stdout
    uncategorised = AspectPipeline(prior=None, bits=12, categories=False).fit(sentences).annotate([text])[0]
    assert uncategorised.keys() == {"text", "aspects", "categories"} and uncategorised["categories"] == []  # same keys


def test_a_category_only_the_dev_sentences_have_is_refused_before_training(monkeypatch):
    from sentiment.aspects import AspectPipeline, train_and_score

    from test_aspects import synthetic as with_aspects

    train = with_aspects(60) + synthetic(120)
    rare = {"text": "The view was stunning.", "aspects": [],
            "categories": [{"category": "anecdotes/miscellaneous", "polarity": "positive"}]}
    dev = synthetic(10, seed=4) + [rare]
    trained = []
    monkeypatch.setattr(AspectPipeline, "fit", lambda self, *a, **k: trained.append(1) or self)
    with pytest.raises(DataError, match=r"only the dev sentences held out of the data have the category "
                                        r"'anecdotes/miscellaneous'.*give a dev file \(--dev\)"):
        train_and_score(train, dev, data="d.jsonl", dev_is_split=True, prior=None, bits=12)
    with pytest.raises(DataError, match=r"the dev sentences name categories the model does not know"):
        train_and_score(train, dev, data="d.jsonl", prior=None, bits=12)  # a dev file's: a name to check
    assert trained == []


LAPTOP = ["screen", "keyboard", "battery", "trackpad", "speakers"]


def uncategorised(n: int, seed: int) -> list[dict]:
    """Sentences of another domain, without categories (as laptop reviews pooled with restaurant ones)."""
    rng = random.Random(seed)
    return [{"id": f"l{i}", "text": f"The {rng.choice(LAPTOP)} was {rng.choice(GOOD + BAD)}.", "aspects": [],
             "categories": []} for i in range(n)]


def test_sentences_without_categories_teach_what_no_category_looks_like():
    texts = [s["text"] for s in uncategorised(40, seed=5)]
    restaurants_only = CategoryModel().fit(synthetic(300))
    pooled = CategoryModel().fit(synthetic(300) + uncategorised(150, seed=4))
    assert sum(map(bool, restaurants_only.predict(texts))) >= 3  # "was wonderful" alone suggests a category
    assert pooled.predict(texts) == [[]] * len(texts)
    assert sorted(pooled.categories_) == sorted(CUES)  # the hidden label is never a category
    [found] = pooled.predict(["The pasta was wonderful but the waiter was rude and slow."])
    assert {c["category"]: c["polarity"] for c in found} == {"food": "positive", "service": "negative"}


def test_evaluation_counts_categories_given_to_sentences_without_any():
    from sentiment.aspects.evaluation import evaluate_pipeline, format_aspect_report

    class Stub:  # the aspect part of a pipeline that finds nothing; only its categories matter here
        categories_ = CategoryModel().fit(synthetic(300))
        params = {"keep_conflict": False}

        def predict_aspects(self, texts):
            return [[] for _ in texts]

        def polarity_proba(self, items):
            return np.zeros((len(items), 3))

    others = uncategorised(40, seed=5)
    report = evaluate_pipeline(Stub(), synthetic(20, seed=2) + others)
    flagged = sum(map(bool, Stub.categories_.predict([s["text"] for s in others])))
    assert report["n_without_categories"] == 40 and report["category_false_alarm_rate"] == flagged / 40
    assert "category false alarms" in format_aspect_report(report)
    assert "category_false_alarm_rate" not in evaluate_pipeline(Stub(), synthetic(20, seed=2))


def test_blank_sentences_without_categories_are_left_out_of_detection():
    blank = [{"id": "b", "text": "   ", "aspects": [], "categories": []}]
    model = CategoryModel().fit(synthetic(120) + uncategorised(20, seed=4) + blank)
    assert sorted(model.categories_) == sorted(CUES)


def test_too_few_sentences_to_tune_the_categories_say_how_to_go_on():
    sentences = [{"id": str(i), "text": f"The {word} was {adj}.", "aspects": [],
                  "categories": [{"category": category, "polarity": polarity}]}
                 for i, (word, adj, category, polarity) in enumerate([
                     ("soup", "great", "food", "positive"), ("waiter", "rude", "service", "negative"),
                     ("bill", "high", "price", "negative")])]
    with pytest.raises(DataError, match="categories=false"):
        CategoryModel().fit(sentences)


@pytest.mark.parametrize("name", ["/tmp/elsewhere", "../polarity_0", "polarity_0/../../x", "detector"])
def test_category_models_outside_their_folder_are_refused(model, tmp_path, name):
    state = model.save(tmp_path)
    state["polarity"] = {name: "*"}
    with pytest.raises(ModelFileError, match="names category models outside it .*refusing to load"):
        CategoryModel.load(tmp_path, state, {"detector", name})


def test_category_models_the_checksums_do_not_cover_are_refused(model, tmp_path):
    state = model.save(tmp_path)
    with pytest.raises(ModelFileError, match=r"holds category models that the model's checksums do not cover \(polarity_0"):
        CategoryModel.load(tmp_path, state, {"detector"})


def test_each_emoji_ends_a_clause_that_keeps_it():
    from sentiment.aspects.categories import clauses

    assert clauses("good \U0001f600 bad \U0001f620\U0001f620 fine") == ["good \U0001f600", "bad \U0001f620",
                                                                     "\U0001f620", "fine"]


def test_categories_the_model_does_not_know_are_refused_before_scoring(tmp_path):
    from sentiment.aspects import AspectPipeline
    from sentiment.aspects.evaluation import evaluate_pipeline

    from test_aspects import synthetic as with_aspects

    misspelt = synthetic(20, seed=2)
    misspelt[3]["categories"] = [{"category": "drinks", "polarity": "positive"}]  # another scheme's, or a typo
    misspelt[5]["categories"] = [{"category": "servce", "polarity": "negative"}]
    pipe = AspectPipeline(prior=None, bits=12)
    with pytest.raises(DataError, match=r"the dev sentences name categories the model does not know \('drinks', "
                                        r"'servce'; it knows food, price, service\); correct their names"):
        pipe.fit(with_aspects(60) + synthetic(200), dev=misspelt)  # refused before any training
    assert pipe.extractor_ is None
    pipe.fit(with_aspects(60) + synthetic(200))
    with pytest.raises(DataError, match=r"the data name categories the model does not know \('drinks', 'servce'"):
        evaluate_pipeline(pipe, misspelt)
    assert evaluate_pipeline(pipe, synthetic(20, seed=2))["n_categories"] > 0
