"""Negated copies of training sentences (sentiment.aspects.augmentation), the pipeline's ``negated`` setting, and the
classical polarity model's score of the denied clause (features version 6)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from sentiment.aspects import AspectPipeline
from sentiment.aspects.augmentation import negated_sentences, negation_site
from sentiment.aspects.polarity import ClassicalPolarity, clause_cuts, negation_marks, prior_texts
from sentiment.errors import ConfigError
from sentiment.tokens import token_cleaner, tokenize


def sentence(text: str, *aspects: tuple[str, str]) -> dict:
    """A sentence dict whose aspects are the first occurrences (after the previous one) of their terms."""
    found, at = [], 0
    for term, polarity in aspects:
        start = text.index(term, at)
        found.append({"term": term, "from": start, "to": start + len(term), "polarity": polarity})
        at = start + len(term)
    return {"id": text, "text": text, "aspects": found, "categories": []}


def test_a_copula_after_its_aspect_is_denied_and_the_polarity_turned_over():
    source = sentence("The pizza was cold, but the staff were friendly.", ("pizza", "negative"), ("staff", "positive"))
    copies = {c["text"]: c for seed in range(8) for c in negated_sentences([source], 1.0, seed=seed)}
    assert set(copies) == {"The pizza was not cold, but the staff were friendly.",
                           "The pizza wasn't cold, but the staff were friendly."}
    for copy in copies.values():
        assert [(copy["text"][a["from"]:a["to"]], a["polarity"]) for a in copy["aspects"]] == \
            [("pizza", "positive"), ("staff", "positive")]  # the staff's clause is not denied: kept, offsets moved
        assert copy["sources"] == (0,)
    assert source["text"] == "The pizza was cold, but the staff were friendly."  # the source is left as it was
    assert source["aspects"][0]["polarity"] == "negative"


@pytest.mark.parametrize("text, aspects, turned", [
    ("The food and service were great.", [("food", "positive"), ("service", "positive")], [True, True]),
    # the copula's subject starts after "and the", a bracket or a subordinator: what stands before keeps its polarity
    ("Great food and the service was slow.", [("food", "positive"), ("service", "negative")], [False, True]),
    ("Great pizza (the wine was bad).", [("pizza", "positive"), ("wine", "negative")], [False, True]),
    ("I liked the pasta because the sauce was fresh.", [("pasta", "positive"), ("sauce", "positive")], [False, True]),
    ("The screen is bright and the keyboard is nice.", [("screen", "positive"), ("keyboard", "positive")],
     [False, True]),
])
def test_every_aspect_the_copula_speaks_of_turns_over_and_no_other(text, aspects, turned):
    copy, = negated_sentences([sentence(text, *aspects)], 1.0)
    assert [a["polarity"] != polarity for a, (_, polarity) in zip(copy["aspects"], aspects)] == turned
    assert all(copy["text"][a["from"]:a["to"]] == a["term"] for a in copy["aspects"])


@pytest.mark.parametrize("text, aspects", [
    ("The staff were not rude.", [("staff", "positive")]),  # already negated
    ("The staff weren't rude.", [("staff", "positive")]),
    ("Is the pizza good?", [("pizza", "positive")]),  # a question
    ("The screen is bright and keyboard is nice.", [("screen", "positive"), ("keyboard", "positive")]),
    ("If you are into the pizza it is great.", [("pizza", "positive")]),  # the subject is a pronoun
    # a list whose first item a comma parts from the subject: the food is one of it too
    ("The food, drinks and service were great.", [("food", "positive"), ("drinks", "positive"), ("service", "positive")]),
    ("The best part was the pizza.", [("pizza", "positive")]),  # the aspect after the copula
    ("The pizza, which was cold, came late.", [("pizza", "negative")]),  # the copula's subject is "which"
    ("The menu is long.", [("menu", "neutral")]),  # nothing to turn over
    ("The pizza was just great.", [("pizza", "positive")]),  # "not just" denies nothing
    ("Great pizza, friendly staff.", [("pizza", "positive"), ("staff", "positive")]),  # no copula
    ("Was the pizza good.", [("pizza", "positive")]),
])
def test_sentences_a_not_would_not_simply_deny_have_no_site(text, aspects):
    assert negation_site(sentence(text, *aspects)) is None
    assert negated_sentences([sentence(text, *aspects)], 1.0) == []


def test_the_share_of_copies_is_drawn_by_the_seed():
    rng = random.Random(0)
    sources = [sentence(f"The {noun} was {word}.", (noun, polarity))
               for noun in ("pizza", "soup", "bread", "wine", "cake") for word, polarity in
               (("great", "positive"), ("awful", "negative"))]
    sources.append(sentence("We went on a Tuesday."))
    rng.shuffle(sources)
    assert len(negated_sentences(sources, 1.0)) == 10
    half = negated_sentences(sources, 0.5, seed=3)
    assert len(half) == 5 and half == negated_sentences(sources, 0.5, seed=3)
    assert {c["sources"] for c in half} != {c["sources"] for c in negated_sentences(sources, 0.5, seed=4)}
    assert negated_sentences(sources, 0.0) == []
    with pytest.raises(ValueError, match="from 0 to 1"):
        negated_sentences(sources, 1.5)


@pytest.mark.parametrize("value", [-0.1, 1.5, True, "half"])
def test_the_pipeline_refuses_a_share_outside_0_to_1(value):
    with pytest.raises(ConfigError, match="negated must be a number from 0 to 1"):
        AspectPipeline(negated=value)


def complaints_and_praise() -> list[dict]:
    """Plain opinions, and praise denied ("The soup was not great"), as review data hold them: no complaint is."""
    rng = random.Random(0)
    nouns = ["soup", "bread", "wine", "cake", "pasta", "salad", "steak", "fish", "rice", "tea"]
    out = []
    for _ in range(160):
        noun = rng.choice(nouns)
        kind = rng.choice(["praise", "complaint", "denied praise"])
        word = rng.choice(["great", "tasty", "fresh"] if kind != "complaint" else ["cold", "stale", "bland"])
        text = f"The {noun} was {'not ' * (kind == 'denied praise')}{word}."
        out.append(sentence(text, (noun, "positive" if kind == "praise" else "negative")))
    return out


def test_negated_copies_teach_that_a_denied_complaint_is_no_complaint():
    data = complaints_and_praise()
    denied = [("The tea was not cold.", 4, 7), ("The rice was not stale.", 4, 8)]
    plain = AspectPipeline(prior=None, bits=14, categories=False, contrast=0.0).fit(data)
    taught = AspectPipeline(prior=None, bits=14, categories=False, contrast=0.0, negated=1.0).fit(data)
    read = lambda pipe: [a["polarity"] for (text, *_), found in
                         zip(denied, pipe.predict_aspects([t for t, *_ in denied], aspects=[["tea"], ["rice"]]))
                         for a in found]
    assert read(plain) == ["negative", "negative"]  # "not" reads as a complaint
    assert read(taught) == ["positive", "positive"]
    assert taught.get_params()["negated"] == 1.0


def denied(text: str, term: str) -> str:
    tokens = tokenize(text)
    cuts = clause_cuts(text, tokens)
    first = next(k for k, t in enumerate(tokens) if t.start == text.index(term))
    return prior_texts(text, tokens, first, first + 1, cuts=cuts, denied=True,
                       marked=negation_marks([t.text for t in tokens], cuts))[-1]


@pytest.mark.parametrize("text, term, expected", [
    ("The staff weren't rude.", "staff", "the staff were rude"),
    ("The pizza was not cold, but the staff were rude.", "pizza", "the pizza was cold"),
    ("The pizza was not cold, but the staff were rude.", "staff", ""),  # nothing denied in the staff's clause
    ("No complaints about the service.", "service", "complaints about the service"),
    ("The food can't be beat.", "food", "the food can be beat"),
    ("The service, however, wasn't slow.", "service", "the service was slow"),  # across the aside
    ("The service was not only fast but friendly.", "service", ""),  # "not only" denies nothing
    ("The staff were nothing but rude.", "staff", ""),  # nor does "nothing but" ...
    ("The staff were nothing but rude and never smiled.", "staff", "the staff were nothing but rude and smiled"),
    ("The food cannot be beat.", "food", "the food can be beat"),
    ("The staff wo n't help.", "staff", "the staff will help"),  # a "n't" of its own
    ("The <b>staff</b> weren't <i>rude</i>.", "staff", "the staff were rude"),  # tags are no words
    ("The pizza was great.", "pizza", ""),
])
def test_the_denied_clause_leaves_out_the_negations_that_deny_something(text, term, expected):
    assert denied(text, term) == expected


def test_the_classical_model_reads_the_priors_score_of_the_denied_clause():
    prior = lambda texts: np.array([0.1 if "rude" in t else 0.5 for t in texts])
    model = ClassicalPolarity(cleaner=token_cleaner(), prior=prior)
    row, = model.features([("The staff weren't rude.", 4, 9)])
    assert ("Pn", pytest.approx(np.log(0.1 / 0.9))) in row and "Pnbin=0" in row
    plain, = model.features([("The staff were rude.", 4, 9)])
    assert not any(isinstance(f, tuple) and f[0] == "Pn" for f in plain)
    model.features_version = 5  # a model trained before version 6 reads no such score
    old, = model.features([("The staff weren't rude.", 4, 9)])
    assert not any(isinstance(f, tuple) and f[0] == "Pn" for f in old)
    assert [f for f in old if isinstance(f, tuple) and f[0].startswith("P")] == \
        [f for f in row if isinstance(f, tuple) and f[0].startswith("P") and f[0] != "Pn"]
