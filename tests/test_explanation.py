"""Explanations by occlusion: the units a text is cut into, the weights (the fall of a label's log-odds without
a word), the label explained, and their errors. The CLI's --explain is tested in test_cli.py."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from sentiment import ConfigError, DataError, Ensemble, NotFittedError, Pipeline
from sentiment.explanation import left_out, units


def log_odds(p: float) -> float:
    return float(np.log(p) - np.log1p(-p))


@pytest.mark.parametrize("text, expected", [
    ("Don't watch it!!! :)", ["Don't", "watch", "it", "!!!", ":)"]),
    ("Great 👍🏽 film... <b>really</b> see http://x.com/a?b=1", ["Great", "👍🏽", "film", "...", "<b>", "really", "</b>",
                                                           "see", "http://x.com/a?b=1"]),
    ("Fish &amp; chips, $20", ["Fish", "&amp;", "chips", ",", "$", "20"]),
    ("great", ["great"]),
    ("  ", []),
    # what the cleaner reads as one token: an emoticon with a letter or digit, a mention (were split in two)
    ("great :D and <3 to @bob", ["great", ":D", "and", "<3", "to", "@bob"]),
    ("Note:Do it", ["Note", ":", "Do", "it"]),  # no emoticon: ":D" of "Note:Do" is not one
    # a contraction's second part written apart (the Penn Treebank's "you 've"): one unit, as the cleaner reads it
    ("you 've seen I ’m sure they 'LL do n't it 's", ["you", "'ve", "seen", "I", "’m", "sure", "they", "'LL",
                                                        "do", "n't", "it", "'s"]),
    ("rock 'n' roll, the 'drive' wow '!!", ["rock", "'", "n", "'", "roll", ",", "the", "'", "drive", "'", "wow", "'!!"]),
])
def test_units_are_words_emoji_markup_and_runs_of_punctuation(text, expected):
    spans = units(text)
    assert [text[a:b] for a, b in spans] == expected
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))  # in order, not overlapping


def test_weights_are_the_fall_of_the_log_odds_without_each_word(binary):
    pipe = Pipeline("count", "logreg", ngram_range=(1, 1)).fit(binary.train_texts, binary.train_labels)
    text = "A wonderful film, zzyzx awful ending"  # zzyzx: a word the model does not know
    result = pipe.explain([text], top=None)[0]
    probabilities = pipe.predict_proba([text])[0]
    column = int(probabilities.argmax())
    assert result["label"] == pipe.label_names_[column] and result["score"] == pytest.approx(probabilities[column])
    for word in result["words"]:
        assert text[word["from"]:word["to"]] == word["word"]
        without = pipe.predict_proba([left_out(text, (word["from"], word["to"]))])[0, column]
        assert word["weight"] == pytest.approx(log_odds(probabilities[column]) - log_odds(without), abs=1e-5)
    names = [w["word"] for w in result["words"]]
    assert "zzyzx" not in names  # leaving it out changes nothing
    assert {"wonderful", "awful"} <= set(names)
    sizes = [abs(w["weight"]) for w in result["words"]]
    assert sizes == sorted(sizes, reverse=True)


def test_the_explained_label_and_top(binary, pipe):
    text = "A truly wonderful and brilliant film"
    mine = pipe.explain([text], top=None)[0]
    assert mine["label"] == "pos" and mine["words"][0]["word"] in {"wonderful", "brilliant"}
    assert mine["words"][0]["weight"] > 0
    other = pipe.explain([text], label="neg", top=None)[0]  # two classes: the other label's log-odds are the negative
    assert other["label"] == "neg" and other["score"] == pytest.approx(1 - mine["score"], abs=1e-6)
    assert {w["word"]: -w["weight"] for w in other["words"]} == pytest.approx({w["word"]: w["weight"] for w in mine["words"]})
    assert pipe.explain([text], top=2)[0]["words"] == mine["words"][:2]
    assert len(pipe.explain([text, "dull"])) == 2


def test_the_copies_of_a_repeated_word_are_left_out_together(binary):
    """A model that counts a word once (binary n-grams) loses nothing without one of three "great"s: left out one
    at a time, the word that decides the label was never named. Its copies, in any case, go together."""
    pipe = Pipeline("count", "logreg", binary=True, ngram_range=(1, 1)).fit(binary.train_texts, binary.train_labels)
    text = "Great great GREAT, a film."
    result = pipe.explain([text], top=None)[0]
    good = next(w for w in result["words"] if w["word"].casefold() == "great")
    assert (good["word"], good["from"], good["to"], good["count"]) == ("Great", 0, 5, 3)
    column = pipe.label_names_.index(result["label"])
    without = pipe.predict_proba([left_out(text, (0, 5), (6, 11), (12, 17))])[0, column]
    assert without == pipe.predict_proba([" ,  a film."])[0, column]  # a space for each copy
    assert good["weight"] == pytest.approx(log_odds(result["score"]) - log_odds(without), abs=1e-5) and good["weight"]
    assert all(w["count"] == 1 for w in result["words"] if w is not good)
    assert len(result["words"]) == len({w["word"].casefold() for w in result["words"]})  # each word named once


def test_a_word_left_out_leaves_a_space_so_its_neighbours_stay_apart(pipe):
    assert left_out("not-good", (3, 4)) == "not good" and left_out("great", (0, 5)) == " "
    words = {w["word"]: w["weight"] for w in pipe.explain(["wonderful-terrible"], top=None)[0]["words"]}
    assert "-" not in words  # without it the two words are still two words: nothing changes


def test_a_text_of_one_word_is_weighed_against_no_text(pipe):
    result = pipe.explain(["wonderful"])[0]
    assert [w["word"] for w in result["words"]] == ["wonderful"] and result["words"][0]["weight"] > 0


def test_several_labels_per_text_explain_the_first_label_given(binary):
    labels = [[y] + (["film"] if "film" in x else []) for x, y in zip(binary.train_texts, binary.train_labels)]
    pipe = Pipeline("tfidf", "logreg", C=10.0).fit(binary.train_texts, labels)  # label lists: several per text
    text = "The film was truly wonderful"
    scores = pipe.predict_proba([text])[0]
    first = pipe.annotate([text])[0]["labels"][0]
    assert pipe.explain([text])[0]["label"] == first
    film = pipe.explain([text], label="film")[0]
    assert film["label"] == "film" and film["words"][0]["word"] == "film" and film["words"][0]["weight"] > 0
    top, second = np.argsort(-scores)[:2]  # the most probable label fails its threshold, the second passes
    pipe.thresholds_ = np.full(len(scores), 0.99)
    pipe.thresholds_[second] = scores[second] / 2
    assert pipe.explain([text])[0]["label"] == pipe.label_names_[second]
    pipe.thresholds_[second] = 0.99  # none passes: the most probable
    assert pipe.explain([text])[0]["label"] == pipe.label_names_[top]


def test_an_ensemble_explains_like_a_pipeline(fitted):
    ensemble = Ensemble([fitted("tfidf", "logreg"), fitted("count", "logreg")])
    result = ensemble.explain(["A dreadful, boring film"])[0]
    assert result["label"] == "neg" and result["words"][0]["word"] in {"dreadful", "boring"}


def test_a_text_longer_than_max_words_is_refused_before_any_is_explained(pipe, monkeypatch):
    calls = []
    real = pipe._evidence
    monkeypatch.setattr(pipe, "_evidence", lambda *a, **k: calls.append(1) or real(*a, **k))
    with pytest.raises(DataError, match="text 1 has 5 words, more than max_words=4"):
        pipe.explain(["great", "a truly wonderful film !"], max_words=4)
    assert calls == []
    assert len(pipe.explain(["a truly wonderful film !"], max_words=None)[0]["words"]) >= 1
    for bad in (0, 2.5, True):
        with pytest.raises(ConfigError, match="max_words must be a whole number"):
            pipe.explain(["great"], max_words=bad)
    from sentiment.aspects import AspectPipeline
    from sentiment.pipeline import MAX_EXPLAINED_WORDS

    for method in (Pipeline.explain, AspectPipeline.explain):  # the same default everywhere
        assert inspect.signature(method).parameters["max_words"].default == MAX_EXPLAINED_WORDS


def test_explain_errors(pipe):
    with pytest.raises(ConfigError, match="label 'joy' is not one of the model's labels: neg, pos$"):
        pipe.explain(["great"], label="joy")
    for top in (0, -1, 1.5, True, "3"):
        with pytest.raises(ConfigError, match="top must be a whole number"):
            pipe.explain(["great"], top=top)
    with pytest.raises(NotFittedError, match="not fitted"):
        Pipeline().explain(["great"])
    with pytest.raises(DataError, match="not a single string"):
        pipe.explain("great")


def test_a_text_of_exactly_max_words_is_explained(pipe):
    explained = pipe.explain(["a truly wonderful film"], max_words=4)
    assert sorted(w["word"] for w in explained[0]["words"]) == ["a", "film", "truly", "wonderful"]  # every word
    assert explained == pipe.explain(["a truly wonderful film"], max_words=None)  # as with no limit


def test_the_cli_takes_a_text_of_exactly_its_word_limit_and_notes_one_over_a_thousand_words(capsys):
    from sentiment import cli
    from sentiment.commands import LONG_TO_EXPLAIN, check_explainable
    from sentiment.pipeline import MAX_EXPLAINED_WORDS

    assert check_explainable(["word " * MAX_EXPLAINED_WORDS]) == [MAX_EXPLAINED_WORDS]
    with pytest.raises(DataError, match=f"text 1 has {MAX_EXPLAINED_WORDS + 1:,} words, more than --explain takes"):
        check_explainable(["word " * (MAX_EXPLAINED_WORDS + 1)])
    cli._note_long_texts(["word " * LONG_TO_EXPLAIN, "word " * (LONG_TO_EXPLAIN + 1)], done=10)
    notes = capsys.readouterr().err.splitlines()
    assert len(notes) == 1 and notes[0].startswith(f"note: text 12 has {LONG_TO_EXPLAIN + 1:,} words")


@pytest.mark.parametrize("model", ["logreg", "linearsvm", "nb"])  # logistic, Platt-calibrated, softmax
def test_a_confident_prediction_is_explained_too(model):
    """Past a score of about 37, 1 - p rounds to 0: the log-odds are read from the other class's own tiny
    probability, so the words still show."""
    texts = ["great film", "a great cast", "great fun", "awful film", "an awful plot", "awful acting"] * 2
    pipe = Pipeline("count", model, ngram_range=(1, 1)).fit(texts, ["pos", "pos", "pos", "neg", "neg", "neg"] * 2)
    column = pipe.label_names_.index("pos")
    text = " ".join(["great"] * 30 + ["awful"])  # a score of about 75: far past 37, short of where e^-s is 0
    confident = pipe.predict_proba([text])[0]
    assert confident[column] == 1.0 and 0 < confident[1 - column] < 1e-16  # each side's own sigmoid
    words = {w["word"]: w["weight"] for w in pipe.explain([text], top=None)[0]["words"]}
    without_awful = pipe.predict_proba([" ".join(["great"] * 30)])[0]
    expected = log_odds_of(confident, column) - log_odds_of(without_awful, column)
    assert words["awful"] == pytest.approx(expected, abs=2e-3) and words["awful"] < 0  # it speaks against the label


def log_odds_of(row, column: int) -> float:
    return float(np.log(row[column]) - np.log(np.delete(row, column).sum()))


@pytest.mark.parametrize("text, first, second", [
    ("Great film, ＧＲＥＡＴ", "Great", "ＧＲＥＡＴ"),  # full-width letters
    ("The café, the cafe\u0301", "café", "cafe\u0301"),  # composed and decomposed
    ("I didn't. I didn’t", "didn't", "didn’t"),  # a typed apostrophe
    ("Don&#39;t, don't", "Don&#39;t", "don't"),  # an apostrophe as an HTML entity
    ("Fish &amp; chips & peas", "&amp;", "&"),  # an entity and its character
    ("Good, goooood", "Good", "goooood"),  # a letter repeated, squeezed to two as the cleaner does
    ("Straße, STRASSE", "Straße", "STRASSE"),  # case folded, not only lowered
    ("❤️ it ❤", "❤️", "❤"),  # an emoji with and without its variation selector
])
def test_the_copies_of_a_word_written_another_way_are_left_out_together(text, first, second):
    """A word written another way that the cleaner reads as the same word is a copy: left out alone, the other
    spelling still gave the model the word, and a model that counts a word once named neither ("ＧＲＥＡＴ great":
    no word at all)."""
    from sentiment.explanation import word_copies

    groups = [[text[a:b] for a, b in copies] for copies in word_copies(text, units(text))]
    assert [first, second] in groups
    assert not any(second in group for group in groups if group != [first, second])


def test_a_word_written_two_ways_is_named(binary):
    """A model that counts a word once (binary) and reads full-width letters as the word: each spelling left out
    alone moved nothing, so the word that decides the label was not named."""
    pipe = Pipeline("count", "logreg", binary=True, ngram_range=(1, 1), normalize_unicode=True).fit(
        binary.train_texts, binary.train_labels)
    result = pipe.explain(["a ＷＯＮＤＥＲＦＵＬ film, wonderful"], top=None)[0]
    assert result["label"] == "pos"
    first = result["words"][0]
    assert (first["word"], first["from"], first["to"], first["count"]) == ("ＷＯＮＤＥＲＦＵＬ", 2, 11, 2)
    assert first["weight"] > 0
