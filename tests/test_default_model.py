"""The English polarity model shipped in models/polarity."""

from __future__ import annotations

import numpy as np
import pytest

import sentiment
from sentiment import ModelFileError


@pytest.fixture(scope="module")
def default():
    return sentiment.load()  # the model ships with the package: a missing one fails these tests


def test_default_model_missing_is_a_clear_error(monkeypatch, tmp_path):
    import sentiment.default_models as dm

    monkeypatch.setattr(dm, "models_root", lambda: tmp_path)
    with pytest.raises(ModelFileError, match="default polarity model is missing"):
        sentiment.load()


def test_default_model_predicts_polarity(default):
    texts = ["What a wonderful film! I loved every minute of it.", "Dull, far too long and badly acted. Awful."]
    assert [a["label"] for a in default.annotate(texts)] == ["positive", "negative"]
    probabilities = default.predict_proba(texts)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert default.label_names_ == ["negative", "positive"]


def test_default_model_handles_negation(default):
    assert default.annotate(["This movie was not good at all."])[0]["label"] == "negative"


def test_default_model_explains_a_negated_word_as_speaking_for_the_other_side(default):
    result = default.explain(["Not bad at all"])[0]
    assert result["label"] == "positive"
    weights = {w["word"]: w["weight"] for w in result["words"]}
    assert weights["Not"] > 0 and weights["bad"] > 0  # "bad", negated, speaks for positive
    assert result["words"][0]["word"] == "Not"


def test_default_model_reads_a_negation_written_without_its_apostrophe(default):
    assert default.cleaner_.missing_apostrophes and default.cleaner_.normalize_unicode
    hidden = default.annotate(["A ter\u200brible, bo\u00adring film."])[0]
    assert hidden["label"] == "negative" and hidden["scores"] == default.annotate(["A terrible, boring film."])[0]["scores"]
    for written in ("It isnt good.", "I didnt enjoy this movie."):
        proper = written.replace("nt ", "n't ")
        assert default.annotate([written])[0] == {**default.annotate([proper])[0], "text": written}
        assert default.annotate([written])[0]["label"] == "negative"


def test_default_emotion_model_gives_several_labels_with_thresholds():
    model = sentiment.load(task="emotion")
    assert model.multi_label_ and len(model.label_names_) == 28 and "neutral" in model.label_names_
    [thanks, fear] = model.annotate(["Thank you so much for your help!", "I am terrified of what comes next."])
    assert thanks["labels"][0] == "gratitude" and "fear" in fear["labels"]
    assert all(thanks["scores"][name] >= threshold for name, threshold in zip(model.label_names_, model.thresholds_)
               if name in thanks["labels"])


def test_default_aspect_model_finds_terms_with_offsets():
    [result] = sentiment.load(task="aspect").annotate(["The sushi was fresh and delicious."])
    [sushi] = result["aspects"]
    assert result["text"][sushi["from"]:sushi["to"]] == "sushi" and sushi["polarity"] == "positive"
