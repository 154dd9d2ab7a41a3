"""Aspect-based sentiment: readers, offsets, extraction + polarity, save/load, evaluation.

All data are tiny synthetic fixtures written here; nothing from the shared data sets is read.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import shutil
import unicodedata

import numpy as np
import pytest

import sentiment
from sentiment.aspects import (AspectPipeline, evaluate_aspects, fit_aspects, predict_aspect_texts,
                               read_aspect_data)
from sentiment.aspects.data import (CONTRAST_JOINS, POLARITIES, bio_tags, check_sentence, contrastive_sentences, sentence_spans,
                                    spans_from_tags, split_sentences, tag_targets)
from sentiment.aspects.evaluation import format_aspect_report, score_aspects
from sentiment.aspects.polarity import FEATURES_VERSION, ClassicalPolarity, context_features, contrasted_part
from sentiment.errors import ConfigError, DataError, ModelFileError
from sentiment.persistence import write_model
from sentiment.tokens import tokenize

from conftest import craft_stage, edit_config

NOUNS = ["camera", "battery", "screen", "keyboard", "food", "service", "waiter", "pizza", "price", "staff",
         "battery life", "sushi"]
GOOD = ["great", "excellent", "superb", "wonderful", "lovely", "fantastic"]
BAD = ["awful", "terrible", "horrible", "dreadful", "poor", "disappointing"]
NEUTRAL_VERBS = ["came", "arrived", "was delivered"]
TEMPLATES = [
    "The {a} is {x} but the {b} is {y}.",
    "The {a} was {x}, the {b} was {y}.",
    "I thought the {a} was {x} although the {b} seemed {y}.",
    "{A} {x}; {b} {y}!",
]


def make_sentence(rng: random.Random) -> dict:
    a, b = rng.sample(NOUNS, 2)
    pa, pb = rng.choice([("positive", "negative"), ("negative", "positive"), ("positive", "positive"),
                         ("negative", "negative")])
    x = rng.choice(GOOD if pa == "positive" else BAD)
    y = rng.choice(GOOD if pb == "positive" else BAD)
    template = rng.choice(TEMPLATES)
    text = template.format(a=a, b=b, x=x, y=y, A=a.capitalize())
    aspects = []
    for term, pol in ((a, pa), (b, pb)):
        start = text.lower().index(term, aspects[-1]["to"] if aspects else 0)
        aspects.append({"term": text[start:start + len(term)], "from": start, "to": start + len(term), "polarity": pol})
    return {"id": str(rng.random()), "text": text, "aspects": aspects, "categories": []}


def synthetic(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    sentences = [make_sentence(rng) for _ in range(n)]
    # a few sentences without aspects, and neutral mentions
    for i in range(n // 8):
        noun = rng.choice(NOUNS)
        text = f"Then the {noun} {rng.choice(NEUTRAL_VERBS)} at noon."
        start = text.index(noun)
        sentences.append({"id": f"n{i}", "text": text, "categories": [],
                          "aspects": [{"term": noun, "from": start, "to": start + len(noun), "polarity": "neutral"}]})
        sentences.append({"id": f"e{i}", "text": "We went there on a Tuesday.", "aspects": [], "categories": []})
    return sentences


@pytest.fixture(scope="module")
def tiny_model():
    return AspectPipeline(prior=None, bits=12).fit(synthetic(160))


XML = """<?xml version="1.0" encoding="UTF-8"?>
<sentences>
  <sentence id="1">
    <text>The camera struggles in artificial light, but the battery lasts for days</text>
    <aspectTerms>
      <aspectTerm term="camera" polarity="negative" from="4" to="10"/>
      <aspectTerm term="battery" polarity="positive" from="50" to="57"/>
    </aspectTerms>
  </sentence>
  <sentence id="2">
    <text>Great food &amp; slow service.</text>
    <aspectTerms>
      <aspectTerm term="food" polarity="positive" from="6" to="10"/>
      <aspectTerm term="service" polarity="conflict" from="18" to="25"/>
    </aspectTerms>
    <aspectCategories>
      <aspectCategory category="food" polarity="positive"/>
      <aspectCategory category="service" polarity="conflict"/>
    </aspectCategories>
  </sentence>
  <sentence id="3"><text>We went on a Tuesday.</text></sentence>
</sentences>
"""


# -- readers ----------------------------------------------------------------------------------------
def test_xml_reader_drops_conflict_aspects_by_default(tmp_path):
    path = tmp_path / "train.xml"
    path.write_text(XML, encoding="utf-8")
    sentences = read_aspect_data(path)
    assert [s["id"] for s in sentences] == ["1", "2", "3"]
    first = sentences[0]
    assert [(a["term"], a["polarity"]) for a in first["aspects"]] == [("camera", "negative"), ("battery", "positive")]
    for a in first["aspects"]:
        assert first["text"][a["from"]:a["to"]] == a["term"]
    assert sentences[1]["text"] == "Great food & slow service."
    assert [a["term"] for a in sentences[1]["aspects"]] == ["food"]
    # a conflict category is still one the sentence speaks of: kept for category detection
    assert sentences[1]["categories"] == [{"category": "food", "polarity": "positive"},
                                          {"category": "service", "polarity": "conflict"}]
    assert sentences[2]["aspects"] == [] and sentences[2]["categories"] == []
    kept = read_aspect_data(path, keep_conflict=True)
    assert [a["polarity"] for a in kept[1]["aspects"]] == ["positive", "conflict"]
    assert len(kept[1]["categories"]) == 2


def test_dropped_conflict_aspects_leave_their_terms_apart_and_read_again_the_same(tmp_path):
    path = tmp_path / "train.xml"
    path.write_text(XML, encoding="utf-8")
    sentences = read_aspect_data(path)
    assert sentences[1]["conflict_terms"] == [{"term": "service", "from": 18, "to": 25}]
    assert "conflict_terms" not in sentences[0]  # only a sentence that had some
    # a sentence read before (as a split of it reaches fit) keeps them, or gives them back as conflict aspects
    assert check_sentence(sentences[1]) == sentences[1]
    kept = check_sentence(sentences[1], keep_conflict=True)
    assert kept == read_aspect_data(path, keep_conflict=True)[1]
    with pytest.raises(DataError, match="conflict term 'service' has offsets 18:40 outside the text"):
        check_sentence({**sentences[1], "conflict_terms": [{"term": "service", "from": 18, "to": 40}]})
    with pytest.raises(DataError, match='"conflict_terms" must be a list'):
        check_sentence({**sentences[1], "conflict_terms": "service"})


def test_tag_targets_leave_the_tokens_of_conflict_terms_unknown():
    sentence = check_sentence({"text": "Great food but the service and staff were so-so.",
                               "aspects": [{"term": "food", "from": 6, "to": 10, "polarity": "positive"},
                                           {"term": "service and staff", "from": 19, "to": 36, "polarity": "conflict"},
                                           {"term": "staff", "from": 31, "to": 36, "polarity": "neutral"}]})
    tokens = tokenize(sentence["text"])
    tags = dict(zip((t.text for t in tokens), tag_targets(tokens, sentence)))
    assert tags["food"] == "B" and tags["great"] == "O" and tags["the"] == "O"
    assert tags["service"] is None and tags["and"] is None
    assert tags["staff"] == "B"  # an aspect of its own inside the conflict term keeps its tag
    assert tag_targets(tokens, {**sentence, "conflict_terms": []}) == bio_tags(tokens, sentence["aspects"])


def test_the_classical_tagger_learns_nothing_from_the_tokens_of_conflict_terms():
    # "pizza" is a term: as an aspect in a few sentences, as a conflict term (dropped) in most; learnt as no
    # term there, it would be outvoted
    rows = [{"text": f"The pizza was {w}.", "aspects": [{"term": "pizza", "from": 4, "to": 9, "polarity": p}]}
            for w, p in [("great", "positive"), ("awful", "negative")] * 3 + [("fine", "conflict")] * 24]
    rows += [{"text": f"The {w} was good.", "aspects": [{"term": w, "from": 4, "to": 4 + len(w), "polarity": "positive"}]}
             for w in ("pasta", "wine", "staff")]
    pipe = AspectPipeline(prior=None, bits=12, clusters=0).fit(rows)
    found = pipe.predict_aspects(["The pizza was fine."])[0]
    assert [a["term"] for a in found] == ["pizza"]


def test_jsonl_reader_without_categories(tmp_path):
    path = tmp_path / "data.jsonl"
    rows = [{"text": "The camera is bad but the battery is great",
             "aspects": [{"term": "camera", "from": 4, "to": 10, "polarity": "negative"},
                         {"term": "battery", "from": 26, "to": 33, "polarity": "positive"}]},
            {"id": "x", "text": "Nothing here", "aspects": []}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    sentences = read_aspect_data(path)
    assert len(sentences) == 2 and sentences[0]["id"] == "1" and sentences[1]["id"] == "x"
    assert sentences[0]["categories"] == []
    assert [a["polarity"] for a in sentences[0]["aspects"]] == ["negative", "positive"]


@pytest.mark.parametrize("name", ["bom.jsonl", "bom.txt"])
def test_jsonl_with_a_byte_order_mark(tmp_path, name):
    path = tmp_path / name
    row = {"text": "Great camera", "aspects": [{"term": "camera", "from": 6, "to": 12, "polarity": "positive"}]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(row).encode() + b"\n")
    assert read_aspect_data(path)[0]["aspects"][0]["term"] == "camera"


def test_jsonl_that_is_not_utf8_is_a_data_error(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"text": "café", "aspects": []}\n'.encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_aspect_data(path)


def test_malformed_xml_is_a_clear_data_error(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text(XML.replace("</sentences>", ""), encoding="utf-8")
    with pytest.raises(DataError, match="not well-formed XML.*fix the file"):
        read_aspect_data(path)


def test_xml_text_with_elements_inside_is_refused_and_an_empty_text_is_read(tmp_path):
    path = tmp_path / "tags.xml"
    path.write_text(XML.replace("<text>The camera struggles", "<text>The <b>camera</b> struggles"), encoding="utf-8")
    with pytest.raises(DataError, match="sentence 1 holds an element <b>; SemEval text is plain"):
        read_aspect_data(path)
    empty = tmp_path / "empty.xml"
    empty.write_text('<sentences><sentence id="7"><text/></sentence></sentences>', encoding="utf-8")
    assert read_aspect_data(empty) == [{"id": "7", "text": "", "aspects": [], "categories": []}]


@pytest.mark.parametrize("record, key", [({"text": "x", "aspects": "food"}, "aspects"),
                                         ({"text": "x", "aspects": {"term": "x"}}, "aspects"),
                                         ({"text": "x", "categories": "food"}, "categories"),
                                         ({"text": "x", "aspects": {}}, "aspects"), ({"text": "x", "categories": ""}, "categories")])
def test_aspects_and_categories_must_be_lists(record, key):
    with pytest.raises(DataError, match=f'line 3: "{key}" must be a list of objects'):
        check_sentence(record, "line 3")
    assert check_sentence({"text": "x", "aspects": (), "categories": None}, "line 3")["aspects"] == []


def test_xml_in_another_encoding_than_it_declares(tmp_path):
    path = tmp_path / "latin.xml"
    path.write_bytes(XML.replace("camera", "caméra").encode("latin-1"))  # declared UTF-8 (or not at all)
    with pytest.raises(DataError, match="latin.xml is not UTF-8 text; re-encode it, e.g. iconv -f latin1"):
        read_aspect_data(path)
    declared = tmp_path / "declared.xml"
    declared.write_bytes(XML.replace("camera", "caméra").replace('"UTF-8"', '"ISO-8859-1"').encode("latin-1"))
    assert "caméra" in read_aspect_data(declared)[0]["text"]  # a declared encoding is read


@pytest.mark.parametrize("encoding, detail", [("Shift_JIS", "multi-byte encodings are not supported"),
                                              ("bogus", "unknown encoding: bogus")])
def test_xml_declaring_an_encoding_the_reader_cannot_read(tmp_path, encoding, detail):
    path = tmp_path / "declared.xml"
    path.write_bytes(XML.replace('"UTF-8"', f'"{encoding}"').encode("ascii"))
    with pytest.raises(DataError, match=rf"declared.xml declares the encoding '{encoding}', which the XML reader cannot "
                                        rf"read \({detail}\); re-encode it as UTF-8 \(e.g. iconv -f {encoding} -t utf-8"):
        read_aspect_data(path)


def test_an_aspect_given_twice_counts_once_and_two_polarities_for_one_span_are_refused():
    text = "The food was great but the service was slow."
    food = {"term": "food", "from": 4, "to": 8, "polarity": "positive"}
    service = {"term": "service", "from": 27, "to": 34, "polarity": "negative"}
    assert check_sentence({"text": text, "aspects": [food, food, service]})["aspects"] == [food, service]
    with pytest.raises(DataError, match="the aspect 'food' at 4-8 is given twice, as positive and as negative"):
        check_sentence({"text": text, "aspects": [food, {**food, "polarity": "negative"}]})
    found = [[{**food, "polarity": "negative"}, service]]
    report = score_aspects([{"text": text, "aspects": [food, food, service]}], found, [["negative"] * 3])
    assert report["n_aspects"] == report["n_polarity"] == 2 and report["polarity_accuracy"] == 0.5


def test_training_sentences_that_are_all_aspect_terms_are_refused_in_one_line():
    sentences = [{"text": word, "aspects": [{"term": word, "from": 0, "to": len(word), "polarity": polarity}]}
                 for word, polarity in [("pizza", "positive"), ("service", "negative"), ("sushi", "positive")] * 3]
    with pytest.raises(DataError, match="every word of the training sentences is part of an aspect term"):
        AspectPipeline(prior=None, bits=12, categories=False, extractor="classical").fit(sentences)


def test_training_terms_that_cover_no_word_are_refused_in_one_line():
    sentences = [{"text": f"The \u200b was {mood}", "aspects": [{"term": "\u200b", "from": 4, "to": 5, "polarity": polarity}]}
                 for mood, polarity in [("fine", "positive"), ("bad", "negative")]]  # a zero-width space: no token
    with pytest.raises(DataError, match="no aspect term of the training sentences covers a word; check the terms'"):
        AspectPipeline(prior=None, bits=12, categories=False, extractor="classical").fit(sentences)


def test_evaluation_reads_conflict_aspects_as_the_model_was_trained(tiny_model):
    text = "Then the pizza was great, the service was mixed."
    dev = [{"text": text, "aspects": [{"term": "pizza", "from": 9, "to": 14, "polarity": "positive"},
                                      {"term": "service", "from": 30, "to": 37, "polarity": "conflict"}]}]
    before = evaluate_aspects(dev, tiny_model)
    tiny_model.set_params(keep_conflict=True)  # not fitted again: it learnt without conflict aspects
    try:
        assert evaluate_aspects(dev, tiny_model) == before and before["n_polarity"] == 1 and before["n_aspects"] == 2
    finally:
        tiny_model.set_params(keep_conflict=False)


@pytest.mark.parametrize("record, message", [
    ({"text": "Rude staff.", "aspect": [{"term": "staff", "from": 5, "to": 10, "polarity": "negative"}]},
     'the sentence has the key "aspect", not "aspects", which the reader reads; fix the name'),
    ({"text": "Rude staff.", "aspects": [{"term": "staff", "from": 5, "to": 10, "polarty": "negative"}]},
     r"an aspect \('staff'\) has the key \"polarty\", not \"polarity\""),
    ({"text": "Rude staff.", "categories": [{"categroy": "service", "polarity": "negative"}]},
     'a category has the key "categroy", not "category"'),
])
def test_a_misspelt_key_is_refused_as_the_xml_reader_refuses_a_misspelt_attribute(tmp_path, record, message):
    # read over, the sentence would have no aspects (a found term counted wrong) or an aspect no polarity
    # (no end-to-end score for the whole file), without a word
    path = tmp_path / "typo.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_aspect_data(path)
    fields = {"text": "Rude staff.", "source": "web", "idx": 7, "aspects": [  # a data set's own fields: read past
        {"term": "staff", "from": 5, "to": 10, "polarity": "negative", "annotator": 2}]}
    path.write_text(json.dumps(fields) + "\n", encoding="utf-8")
    assert read_aspect_data(path)[0]["aspects"][0]["polarity"] == "negative"


@pytest.mark.parametrize("aspect, message", [
    ({"term": "camera", "from": 40, "to": 46, "polarity": "negative"}, "outside the text.*fix them"),
    ({"term": "camera", "from": 5, "to": 11, "polarity": "negative"}, "not the term 'camera'.*fix the offsets"),
    ({"term": "camera", "from": "four", "to": 10, "polarity": "negative"}, "must be integers"),
    ({"term": "camera", "from": 4, "to": 10, "polarity": "great"}, "unknown polarity"),
    ({"term": "camera", "from": 10, "to": 4, "polarity": "negative"}, r"from=10 and to=4, an empty or reversed span; "
                                                                      r'"to" is the position after'),
    ({"term": "camera", "from": 4, "to": 4, "polarity": "negative"}, "from=4 and to=4, an empty or reversed span"),
    ({"term": " ", "from": 3, "to": 4, "polarity": "negative"}, r"the aspect at 3:4 is white space alone \(' '\); "
                                                                r"give the words of the aspect, or leave it out"),
])
def test_bad_offsets_are_clear_data_errors(tmp_path, aspect, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "The camera is bad", "aspects": [aspect]}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_aspect_data(path)


def test_white_space_at_a_terms_edges_is_left_out_of_its_span(tmp_path):
    """SemEval's laptops hold the term "uninstall\xa0": its span could never be found exactly."""
    text = "I had to uninstall\xa0 it and the  screen  died"
    path = tmp_path / "edges.jsonl"
    path.write_text(json.dumps({"text": text, "aspects": [
        {"term": "uninstall\xa0", "from": 9, "to": 19, "polarity": "negative"},
        {"term": " screen ", "from": 31, "to": 39, "polarity": "negative"}]}) + "\n", encoding="utf-8")
    aspects = read_aspect_data(path)[0]["aspects"]
    assert [(a["term"], a["from"], a["to"]) for a in aspects] == [("uninstall", 9, 18), ("screen", 32, 38)]
    assert all(text[a["from"]:a["to"]] == a["term"] for a in aspects)


def test_a_term_in_another_unicode_form_than_the_text_is_said_to_be_so(tmp_path):
    path = tmp_path / "nfd.jsonl"
    path.write_text(json.dumps({"text": "The cafe\u0301 food was great", "aspects": [
        {"term": "caf\u00e9 food", "from": 4, "to": 14, "polarity": "positive"}]}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"text\[4:14\] and the term 'café food' write the same letters in different "
                                        r"Unicode forms .*\(NFC: Python's unicodedata.normalize\('NFC', s\)\)"):
        read_aspect_data(path)


@pytest.mark.parametrize("sentence, message", [
    ('<text>Good food</text><aspectTerm term="food" polarity="positive" from="5" to="9"/>',
     "sentence 1 holds an <aspectTerm> outside <aspectTerms>; put the sentence's <aspectTerm> elements inside one "
     "<aspectTerms>"),
    ('<text>Good food</text><AspectTerms><aspectTerm term="food" polarity="positive" from="5" to="9"/></AspectTerms>',
     r"sentence 1 holds <AspectTerms>, not <aspectTerms>, which the reader reads; fix the name"),
    ('<text>Good food</text><aspectTerms><aspectTerm term="food" polarty="positive" from="5" to="9"/></aspectTerms>',
     r"sentence 1: an <aspectTerm> has the attribute polarty, not polarity, which the reader reads; fix the name"),
    ('<text>Good food</text><aspectCategories><aspectCategory categroy="food" polarity="positive"/></aspectCategories>',
     r"an <aspectCategory> has the attribute categroy, not category, which the reader reads"),
    ('<text>Good food</text><aspectTerms><term>food</term></aspectTerms>',
     "its <aspectTerms> holds <term>, not <aspectTerm> alone"),
    ('<text>Good food</text><text>Bad food</text>', "sentence 1 has 2 <text> elements; give each sentence one"),
])
def test_xml_of_another_shape_than_semevals_is_refused_not_read_in_part(tmp_path, sentence, message):
    """A term outside its list, a misspelled element or attribute were left out without a word (a
    "polarty" read as a term without polarity, which left the whole file without end-to-end scores)."""
    path = tmp_path / "odd.xml"
    path.write_text(f'<sentences><sentence id="1">{sentence}</sentence></sentences>', encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_aspect_data(path)


def test_xml_of_a_re_release_with_attributes_and_elements_of_its_own_is_read(tmp_path):
    """Re-releases of the SemEval-2014 files add attributes ("implicit_sentiment", "opinion_words") and may add
    elements: read, their additions left alone (only names close to the reader's own are refused)."""
    path = tmp_path / "implicit.xml"
    path.write_text('<sentences><sentence id="1"><text>Good food</text><aspectTerms><aspectTerm term="food" '
                    'polarity="positive" from="5" to="9" implicit_sentiment="False" opinion_words="Good"/>'
                    '</aspectTerms><Opinions><Opinion target="food"/></Opinions></sentence></sentences>',
                    encoding="utf-8")
    assert read_aspect_data(path)[0]["aspects"] == [{"term": "food", "from": 5, "to": 9, "polarity": "positive"}]


def test_aspect_offset_too_large_for_an_integer(tmp_path):
    path = tmp_path / "aspects.jsonl"
    path.write_text('{"text": "The camera is bad", "aspects": [{"term": "camera", "from": 1e400, "to": 10}]}\n')
    with pytest.raises(DataError, match="offsets must be integers"):
        read_aspect_data(path)


@pytest.mark.parametrize("start, end", [(False, True), (4, 10.5), (float("nan"), 10)])
def test_aspect_offsets_that_are_not_whole_numbers(start, end):
    record = {"text": "The camera is bad", "aspects": [{"term": "T", "from": start, "to": end}]}
    with pytest.raises(DataError, match="offsets must be integers"):
        check_sentence(record)


def test_aspect_offsets_as_whole_numbers_still_read():
    record = {"text": "The camera is bad", "aspects": [{"term": "camera", "from": 4.0, "to": "10"}]}
    assert check_sentence(record)["aspects"][0]["from"] == 4


@pytest.mark.parametrize("category", [["food"], 5, "", "   ", None])
def test_category_names_must_be_non_empty_strings(category):
    record = {"text": "Great pizza", "categories": [{"category": category, "polarity": "positive"}]}
    with pytest.raises(DataError, match='"category" name'):
        check_sentence(record)


@pytest.mark.parametrize("name", ["(none)", "*"])
def test_a_category_named_as_the_model_keeps_for_itself_is_refused(name):
    """"(none)": the detector's label of a sentence of no category (never reported); "*": the key of the shared
    polarity model (a category of that name would have replaced it)."""
    from sentiment.aspects.categories import CategoryModel

    sentences = [{"text": f"The {word} was {mood}", "aspects": [],
                  "categories": [{"category": category, "polarity": polarity}]}
                 for word, category in [("pizza", "food"), ("bill", name), ("waiter", "service")]
                 for mood, polarity in [("great", "positive"), ("awful", "negative")]] * 5
    with pytest.raises(DataError, match=rf"the category name '{re.escape(name)}' is one this model keeps for itself"):
        CategoryModel().fit(sentences)


def test_an_empty_text_with_categories_is_named_where_it_is_read(tmp_path):
    lines = [{"text": "Great pizza", "aspects": [], "categories": [{"category": "food", "polarity": "positive"}]},
             {"text": "  ", "aspects": [], "categories": [{"category": "food", "polarity": "positive"}]}]
    path = tmp_path / "empty.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    with pytest.raises(DataError, match="line 2: the text is empty but has categories"):
        read_aspect_data(path)


def test_unknown_category_polarity_is_a_clear_error():
    record = {"text": "Great pizza", "categories": [{"category": "food", "polarity": "weird"}]}
    with pytest.raises(DataError, match="unknown polarity 'weird' for category 'food'"):
        check_sentence(record)


@pytest.mark.parametrize("data, message", [({"text": "Great pizza", "aspects": []}, "not one sentence dict"),
                                           (["Great pizza"], "sentence 0: a sentence is an object with \"text\" and \"aspects\" \\(got a string\\)"),
                                           (None, "not NoneType"), (5, "not int"), (b"[]", "not bytes")])
def test_sentences_that_are_not_dicts_are_clear_errors(data, message):
    with pytest.raises(DataError, match=message):
        AspectPipeline(prior=None).fit(data)


@pytest.mark.parametrize("dev, message", [(["positive"], "dev sentence 0: a sentence is an object"),
                                          ({"text": "Great pizza", "aspects": []}, "give dev as a list of sentence dicts"),
                                          ([], "no dev sentences given")])
def test_bad_dev_sentences_are_named_as_the_dev_data(dev, message):
    with pytest.raises(DataError, match=message):
        AspectPipeline(prior=None).fit(synthetic(20), dev=dev)


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_aspect_data(tmp_path / "nope.xml")
    other = tmp_path / "data.txt"
    other.write_text("just text\n")
    with pytest.raises(DataError, match="unknown aspect data format"):
        read_aspect_data(other)


# -- offsets ----------------------------------------------------------------------------------------
def test_offsets_survive_cleaning():
    text = "The SCREEN &amp; Keyboard are soooo GOOD!!! but the hard-drive's speed… isn’t"
    tokens = tokenize(text)
    for t in tokens:  # every token's span is raw text; its feature string is cleaned
        assert text[t.start:t.end].strip() == text[t.start:t.end] and t.end > t.start
    assert [t.text for t in tokens][:6] == ["the", "screen", "&", "keyboard", "are", "soo"]
    start = text.index("hard-drive")
    aspects = [{"term": "SCREEN", "from": 4, "to": 10}, {"term": "hard-drive", "from": start, "to": start + 10}]
    tags = bio_tags(tokens, aspects)
    spans = spans_from_tags(tokens, tags)
    assert [text[s[2]:s[3]] for s in spans] == ["SCREEN", "hard-drive"]


def test_an_inside_tag_after_outside_starts_a_span():
    text = "the battery life and the screen"
    tokens = tokenize(text)
    spans = spans_from_tags(tokens, ["O", "I", "I", "O", "O", "I"])  # a tagger's argmax need not start with B
    assert [text[s[2]:s[3]] for s in spans] == ["battery life", "screen"]
    assert [text[s[2]:s[3]] for s in spans_from_tags(tokens, ["I", "B", "I", "O", "B", "B"])] == ["the", "battery life", "the", "screen"]


def test_predicted_spans_are_the_raw_terms(tiny_model):
    texts = ["The CAMERA is soooo terrible &amp; the Battery Life is excellent!!!",
             "The camera struggles in artificial light, but the battery lasts for days"]
    for text, found in zip(texts, tiny_model.predict_aspects(texts)):
        assert found, text
        for a in found:
            assert text[a["from"]:a["to"]] == a["term"]
    terms = [a["term"] for a in tiny_model.predict_aspects(texts[:1])[0]]
    assert "CAMERA" in terms and "Battery Life" in terms


# -- models -----------------------------------------------------------------------------------------
def test_two_aspects_of_opposite_polarity(tiny_model):
    text = "The camera is terrible but the battery is excellent."
    found = {a["term"]: a["polarity"] for a in tiny_model.predict_aspects([text])[0]}
    assert found == {"camera": "negative", "battery": "positive"}
    swapped = "The camera is excellent but the battery is terrible."
    found = {a["term"]: a["polarity"] for a in tiny_model.predict_aspects([swapped])[0]}
    assert found == {"camera": "positive", "battery": "negative"}


def test_each_aspect_is_explained_by_the_words_of_its_own_opinion(tiny_model):
    from sentiment.explanation import left_out

    text = "The camera is terrible but the battery is excellent."
    [result] = tiny_model.explain([text], top=None)
    assert result["text"] == text
    assert [{k: v for k, v in a.items() if k != "words"} for a in result["aspects"]] == \
        tiny_model.annotate([text])[0]["aspects"]
    words = {a["term"]: {w["word"]: w["weight"] for w in a["words"]} for a in result["aspects"]}
    assert words["camera"]["terrible"] > 0 and words["battery"]["excellent"] > 0  # each for its own polarity
    assert "camera" not in words["camera"] and "battery" not in words["battery"]  # the term's words stay
    battery = result["aspects"][1]
    for word in battery["words"][:3]:  # the weight: the polarity's log-odds fall without the word
        a, b = word["from"], word["to"]
        shift = (b - a - 1) if b <= battery["from"] else 0  # a word before the term becomes one space
        variant = left_out(text, (a, b))
        assert variant[battery["from"] - shift:battery["to"] - shift] == "battery"
        p = tiny_model.polarity_proba([(text, battery["from"], battery["to"])])[0]
        q = tiny_model.polarity_proba([(variant, battery["from"] - shift, battery["to"] - shift)])[0]
        j = POLARITIES.index(battery["polarity"])
        assert word["weight"] == pytest.approx(np.log(p[j] / (1 - p[j])) - np.log(q[j] / (1 - q[j])), abs=1e-4)
    spied = []  # every variant scored still holds its term at the offsets it is given
    real = tiny_model.polarity_proba
    tiny_model.polarity_proba = lambda items, **kw: spied.extend(items) or real(items, **kw)
    try:
        tiny_model.explain(["Sadly :( the camera's lens, at $20, is terrible!! But the battery is excellent."])
    finally:
        del tiny_model.polarity_proba
    assert spied and {variant[a:b] for variant, a, b in spied} <= {"camera", "camera's lens", "battery", "lens"}
    named = tiny_model.explain([text], aspects=["battery"], top=2)[0]["aspects"]
    assert [a["term"] for a in named] == ["battery"] and len(named[0]["words"]) == 2
    assert tiny_model.explain([""])[0]["aspects"] == []
    assert tiny_model.explain(t for t in [text]) == [result]  # any iterable of texts, as annotate takes
    with pytest.raises(DataError, match="text 0 has 10 words, more than max_words=5"):
        tiny_model.explain([text], max_words=5)


def test_polarity_items_may_be_lists_or_tuples_and_repeat(tiny_model):
    items = [("Great screen.", 6, 12), ("Awful battery.", 6, 13), ("Great screen.", 6, 12)]
    for by_sentence in (True, False):
        expected = np.vstack([tiny_model.polarity_proba([item], by_sentence=by_sentence) for item in items])
        for given in (items, [list(item) for item in items]):
            np.testing.assert_allclose(tiny_model.polarity_proba(given, by_sentence=by_sentence), expected, atol=1e-12)


def assert_weighed_word_by_word(model, text: str, aspect: dict) -> None:
    """The aspect's ``words`` weigh as predicting, for every word of the text outside its term (with its copies in
    its own sentence), the text without it on its own: a brute force over every word."""
    from sentiment.aspects.data import sentence_spans
    from sentiment.explanation import left_out, units, word_copies

    j = POLARITIES.index(aspect["polarity"])
    base = model.polarity_proba([(text, aspect["from"], aspect["to"])])[0][j]
    expected = {}
    around = [(a, b) for a, b in units(text) if b <= aspect["from"] or a >= aspect["to"]]
    for copies in word_copies(text, around, sentence_spans(text)):  # copies go together within a sentence
        shift = sum(b - a - 1 for a, b in copies if b <= aspect["from"])  # ("The" twice, "is" three times)
        q = model.polarity_proba([(left_out(text, *copies), aspect["from"] - shift, aspect["to"] - shift)])[0][j]
        weight = round(float(np.log(base / (1 - base)) - np.log(q / (1 - q))), 6)
        if weight:
            expected[copies[0]] = weight
    got = {(w["from"], w["to"]): w["weight"] for w in aspect["words"]}
    assert got.keys() == expected.keys()
    assert all(got[k] == pytest.approx(expected[k], abs=1e-5) for k in got)


def test_explaining_by_sentence_predicts_each_sentence_reading_once_and_weighs_as_word_by_word(tiny_model):
    from sentiment.explanation import units

    text = "The camera is terrible. The battery is excellent! Prices are fair and the screen is sharp."
    sizes = []
    real = tiny_model.polarity_.predict_proba
    tiny_model.polarity_.predict_proba = lambda pairs: sizes.append(len(pairs)) or real(pairs)
    try:
        [result] = tiny_model.explain([text], top=None)
    finally:
        del tiny_model.polarity_.predict_proba
    words = units(text)
    aspects = result["aspects"]
    assert len(aspects) >= 3 and sum(sizes) < len(aspects) * len(words) / 2  # not one prediction per word and aspect
    for aspect in aspects:  # the same weights as predicting every variant on its own
        assert_weighed_word_by_word(tiny_model, text, aspect)
    # each sentence's "The" and "." is its own word: a copy in another sentence is read apart from the aspect's
    assert all(w["count"] == 1 for aspect in aspects for w in aspect["words"] if w["word"] in ("The", "."))
    whole = tiny_model.explain([text], top=None, by_sentence=False)[0]["aspects"]
    assert any(w["count"] > 1 for aspect in whole for w in aspect["words"])  # read whole: "is" three times, ...


@pytest.mark.parametrize("text, term", [
    ("The food was great. the waiter was rude. The camera is terrible.", "waiter"),  # no sentence end before it
    ("Dr. Who was rude.\nThe camera is terrible<br>The battery is excellent! ok then", "camera"),
    ("Prices are fair. The battery is excellent! (Tom!) was rude. The screen is sharp.", "battery"),
    ("Great!!! The screen is sharp... the battery is excellent? Yes. Prices are fair", "battery"),
    ("We went to x.st. The battery is excellent, Dr. Who said. Fine", "battery"),  # "x st." would be "St."
])
def test_explaining_by_sentence_weighs_the_words_that_can_move_the_aspects_sentence(tiny_model, text, term):
    """Only the aspect's sentence and the units at its edges are left out: every other word's leaving out (with
    its copies in its sentence) leaves the sentence as it was read (brute force over every word of the text)."""
    [aspect] = tiny_model.explain([text], [term], top=None)[0]["aspects"]
    assert_weighed_word_by_word(tiny_model, text, aspect)


def test_given_aspects_are_located_and_scored(tiny_model):
    text = "The Camera is awful, but the battery is superb."
    out = tiny_model.predict_aspects([text], aspects=["camera", "battery"])[0]
    assert [(a["term"], a["from"], a["polarity"]) for a in out] == [("Camera", 4, "negative"), ("battery", 29, "positive")]
    assert all(0 <= a["score"] <= 1 and a["extraction_score"] is None for a in out)  # the keys of found terms, too
    found = tiny_model.predict_aspects([text])[0]
    assert found and all(set(a) == set(out[0]) and 0 <= a["extraction_score"] <= 1 for a in found)
    without, with_lens = tiny_model.predict_aspects([text, "The lens is sharp."], aspects=["lens"])
    assert without == [] and [(a["term"], a["from"], a["to"]) for a in with_lens] == [("lens", 4, 8)]
    twice = tiny_model.predict_aspects([text], aspects=["camera", "CAMERA ", "battery", "camera"])[0]
    assert [(a["term"], a["from"]) for a in twice] == [("Camera", 4), ("battery", 29)]  # one aspect per span


def test_emoji_entities_and_invisible_characters_are_no_edge_of_a_term():

    from sentiment.aspects.extraction import tagged_spans

    text = "The service&#9733; and 🍕 pizza 🍕 were fine, \u200dwaiter&nbsp;too"
    tokens = tokenize(text)
    assert "\u200d" not in [text[t.start:t.end] for t in tokens]  # invisible: no token (the Cleaner drops it)
    assert "&nbsp;" not in [text[t.start:t.end] for t in tokens]  # white space: no token (the Cleaner's space)
    tags = ["O", "B", "I", "O", "B", "I", "I", "O", "O", "O", "B", "O"]  # as a tagger might mark them
    assert [text[t.start:t.end] for t, tag in zip(tokens, tags) if tag != "O"] == [
        "service", "&#9733;", "🍕", "pizza", "🍕", "waiter"]
    found = tagged_spans(text, tokens, tags, np.ones(len(tokens)))
    assert [(f["term"], text[f["from"]:f["to"]]) for f in found] == [("service",) * 2, ("pizza",) * 2, ("waiter",) * 2]
    text = "The waiter\x07 and \x1bpizza were fine"  # a control character is a token of its own: no edge either
    tokens = tokenize(text)
    marked = [text[t.start:t.end] for t in tokens]
    tags = ["B" if raw in ("waiter", "\x1b") else "I" if raw in ("\x07", "pizza") else "O" for raw in marked]
    found = tagged_spans(text, tokens, tags, np.ones(len(tokens)))
    assert [f["term"] for f in found] == ["waiter", "pizza"]
    hindi = "गुरु"  # its vowel signs stay in its one token
    tokens = tokenize(hindi)
    assert [(t.text, t.start, t.end) for t in tokens] == [(hindi, 0, 4)]
    found = tagged_spans(hindi, tokens, ["B"] + ["I"] * (len(tokens) - 1), np.ones(len(tokens)))
    assert [f["term"] for f in found] == [hindi]


@pytest.mark.parametrize("text, marked, term", [
    ('The "food" was great.', '"food', "food"),  # the tagger took the opening quote, not the closing one
    ('The "food" was great.', 'food"', "food"),
    ("The ‘pasta’ was good.", "‘pasta", "pasta"),
    ("The currys (masaman, green, red) were hot.", "green, red)", "green, red"),
    ("The (pasta was good.", "(pasta", "pasta"),
    ('The "food" was great.', '"food"', "food"),  # quotes around the whole term: no SemEval term has them
    ("The food but the ‘wine’ was sour.", "‘wine’", "wine"),
    ("The «tapas» were good.", "«tapas»", "tapas"),
    ('The "sales" team was rude.', '"sales" team', '"sales" team'),  # closed within the span: kept, as SemEval's
    ('"Godmother" pizza "special"', '"Godmother" pizza "special"', '"Godmother" pizza "special"'),  # two pairs
    ("The ‘chef’s special’ was great.", "‘chef’s special’", "chef’s special"),  # an apostrophe is no quote
    ("The 'chef's special' was great.", "'chef's special'", "chef's special"),
    ("The (pasta) was good.", "(pasta)", "(pasta)"),  # brackets: kept
    ("The currys (masaman, green, red) were hot.", "currys (masaman, green, red)", "currys (masaman, green, red)"),
    ('A 15" screen.', '15"', '15"'),  # an inch mark
    ("The maitre d' was rude.", "maitre d'", "maitre d'"),  # an apostrophe
    ("The maitre d’ was rude.", "maitre d’", "maitre d’"),  # a typed one
    ('Only " here.', '"', None),
    ("The 'service' was poor.", "service'", "service"),  # a quote opened before the span: was "service'"
    ("The ‘service’ was poor.", "service’", "service"),
    # other symbols and punctuation are no edge of a term (were "pizza ★★", "| Service", "pizza •")
    ("Great pizza ★★★★★", "pizza ★★", "pizza"),
    ("Food: 5/5 | Service: 2/5", "| Service", "Service"),
    ("The pizza • was great", "pizza •", "pizza"),
    ("The \ufffdpizza was great", "\ufffdpizza", "pizza"),
    ("Fish & chips", "Fish & chips", "Fish & chips"),  # inside a term: kept
])
def test_unmatched_quotes_and_brackets_are_no_edge_of_a_term(text, marked, term):
    from sentiment.aspects.extraction import tagged_spans

    start = text.index(marked)
    tokens = tokenize(text)
    inside = [start <= t.start and t.end <= start + len(marked) for t in tokens]
    tags = ["I" if on and i and inside[i - 1] else "B" if on else "O" for i, on in enumerate(inside)]
    found = tagged_spans(text, tokens, tags, np.ones(len(tokens)))
    assert [(f["term"], text[f["from"]:f["to"]]) for f in found] == ([(term, term)] if term else [])


@pytest.mark.parametrize("text, tokens", [
    ("Don&#x27;t buy", [("don't", "Don&#x27;t"), ("buy", "buy")]),  # as many web pages write an apostrophe
    ("I can&#39;t, it&apos;s", [("i", "I"), ("can't", "can&#39;t"), (",", ","), ("it", "it"), ("'s", "&apos;s")]),
    ("the battery&#8217;s life", [("the", "the"), ("battery", "battery"), ("'s", "&#8217;s"), ("life", "life")]),
    ("&#x201C;ok&#X201D; &frac12;", [("\u201c", "&#x201C;"), ("ok", "ok"), ("\u201d", "&#X201D;"), ("½", "&frac12;")]),
    # a word goes on over invisible marks, as a Cleaner that normalizes Unicode reads it (text-reading version 12)
    ("great\u200bscreen \u200e ok\ufeff", [("greatscreen", "great\u200bscreen"), ("ok", "ok")]),
    ("ter\u00adrible \u202aok\u202c \u2066x\u2069 a&#x200B;b&shy;c &lrm;", [("terrible", "ter\u00adrible"), ("ok", "ok"),
                                                                     ("x", "x"), ("abc", "a&#x200B;b&shy;c")]),
    ("clich&eacute;d &eacute; caf&#xE9;", [("clichéd", "clich&eacute;d"), ("é", "&eacute;"), ("café", "caf&#xE9;")]),
    ("wonder\u00ad ful", [("wonder", "wonder"), ("ful", "ful")]),  # a space parts them
    ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", [("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
                                         "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")]),  # a Persian word keeps its non-joiner
    ("Don&APOS;t", [("don", "Don"), ("&apos;", "&APOS;"), ("t", "t")]),  # named entities are case-sensitive: no apostrophe
    ("fish & chips; AT&T", [("fish", "fish"), ("&", "&"), ("chips", "chips"), (";", ";"), ("at", "AT"), ("&", "&"),
                            ("t", "T")]),
])
def test_entities_are_one_token_and_invisible_marks_none(text, tokens):
    assert [(t.text, text[t.start:t.end]) for t in tokenize(text)] == tokens


def test_an_emoji_sequence_is_one_token_that_no_term_includes():

    from sentiment.aspects.extraction import tagged_spans

    text = "Family 👨\u200d👩\u200d👧 dinner 👍🏽, keys 1\ufe0f\u20e3 and 🇫🇷🇩🇪"
    tokens = tokenize(text)
    assert [text[t.start:t.end] for t in tokens] == [
        "Family", "👨\u200d👩\u200d👧", "dinner", "👍🏽", ",", "keys", "1\ufe0f\u20e3", "and", "🇫🇷", "🇩🇪"]
    assert tokens[1].text == "family_man_woman_girl" and tokens[3].text == "thumbs_up_medium_skin_tone"
    found = tagged_spans(text, tokens[:3], ["O", "B", "O"], np.ones(3)) + tagged_spans(text, tokens, ["B", "I"], np.ones(2))
    assert [f["term"] for f in found] == ["Family"]  # the sequence is no term, nor the edge of one


def test_an_ellipsis_or_another_scripts_stop_ends_a_clause():
    def clause(text, term):
        tokens = tokenize(text)
        words = [t.text for t in tokens]
        return [w[2:] for w in context_features(tokens, words.index(term), words.index(term) + 1)
                if isinstance(w, str) and w.startswith("C=")]

    for stop in ["\u2026", "\u203c", "\u3002", "\u0964"]:
        assert clause(f"The staff was not nice{stop} the food was good", "food") == ["the", "was", "good"], stop


@pytest.mark.parametrize("text, term, clause", [
    ("We waited a while for the pasta", "pasta", ["we", "waited", "a", "while", "for", "the"]),  # a noun
    ("It felt as though the waiter hated us", "waiter", ["it", "felt", "as", "though", "the", "hated", "us"]),
    ("We have not yet tried the pasta", "pasta", ["we", "have", "not", "not_yet", "not_tried", "not_the"]),
    ("Yet another great pizza", "pizza", ["yet", "another", "great"]),
    ("I have yet to find better sushi", "sushi", ["i", "have", "yet", "to", "find", "better"]),
    ("The best yet and the pasta too", "pasta", ["the", "best", "yet", "and", "the", "too"]),
    ("Simple yet elegant decor", "decor", ["elegant"]),  # contrasts
    ("The food is good, and yet the wine is sour", "wine", ["the", "is", "sour"]),
    ("While the wine is sour, the food is good", "wine", ["the", "is", "sour"]),
    ("The service was slow though the food was great", "food", ["the", "was", "great"]),
    ("The food was not good while the service was great", "service", ["the", "was", "great"]),  # an adjective alone
    ("We waited for a long while for the pasta", "pasta", ["we", "waited", "for", "a", "long", "while", "for", "the"]),
    ("I haven't yet tried the pasta", "pasta", ["i", "haven't", "not_yet", "not_tried", "not_the"]),
    ("I never yet tried the pasta", "pasta", ["i", "never", "not_yet", "not_tried", "not_the"]),
    ("Not <b>yet</b> tried the pasta", "pasta", ["not", "not_yet", "not_tried", "not_the"]),  # tags are no neighbours
    ("I haven\u2018t tried the pasta", "pasta", ["i", "haven't", "not_tried", "not_the"]),  # the Cleaner's apostrophes
    ("It isn\u00b4t great pasta", "pasta", ["it", "isn't", "not_great"]),
])
def test_while_yet_and_though_part_a_clause_only_where_they_contrast(text, term, clause):
    tokens = tokenize(text)
    words = [t.text for t in tokens]
    at = words.index(term)
    assert [f[2:] for f in context_features(tokens, at, at + 1) if isinstance(f, str) and f.startswith("C=")] == clause


def test_an_aspect_of_a_long_text_is_read_within_its_reach(tiny_model):
    from sentiment.aspects.pipeline import POLARITY_REACH

    between = " and the room was there" * (POLARITY_REACH // 5 + 5)  # more words than the reach, no sentence end
    near = " and the pizza was great"
    scores = [tiny_model.predict_aspects([f"the room was {far}{between}{near}{between} and it was {far}"], aspects=["pizza"],
                                         by_sentence=False)[0][0]["score"] for far in ("nice", "awful")]
    assert scores[0] == scores[1]  # what lies beyond the reach on either side changes nothing
    short = "the room was awful and the pizza was great"  # within the reach: every word counts, as before
    assert tiny_model.polarity_proba([(short, 27, 32)]).tolist() == tiny_model._polarity_proba([(short, 27, 32)], None).tolist()


def test_the_prior_scores_each_different_piece_once():
    from sentiment.aspects.polarity import prior_positive

    seen = []
    prior = lambda texts: seen.extend(texts) or np.linspace(0.1, 0.9, len(texts))
    positive = prior_positive(prior, [["a b", "a", "a b c d"], ["a b", "", "a b c d"]])
    assert seen == ["a b", "a", "a b c d"]  # the sentence that both aspects share, once
    assert positive.tolist() == [[0.1, 0.5, 0.9], [0.1, 0.5, 0.9]]  # an empty piece: 0.5


def test_a_decomposed_accent_stays_with_its_word():
    from sentiment.aspects.terms import locate_terms

    text = "The cafe\u0301 was nice, the cafe too"
    assert [text[t.start:t.end] for t in tokenize(text)][:3] == ["The", "cafe\u0301", "was"]
    assert [(a["from"], a["to"]) for a in locate_terms([text], ["cafe"])[0]] == [(24, 28)]  # the whole word only
    assert [(a["from"], a["to"]) for a in locate_terms([text], ["café"])[0]] == [(4, 9)]  # either form
    assert [(a["from"], a["to"]) for a in locate_terms(["A café here"], ["cafe\u0301"])[0]] == [(2, 6)]
    assert [(a["from"], a["to"]) for a in locate_terms(["A \uf900 here"], ["\uf900"])[0]] == [(2, 3)]  # as written


@pytest.mark.parametrize("text, term, found", [
    ("Die STRASSE ist laut, die Straße auch", "straße", [(4, 11), (26, 32)]),  # German capitals write "ß" as "SS"
    ("Die STRASSE ist laut, die Straße auch", "Strasse", [(4, 11), (26, 32)]),  # and Swiss German "ss"
    ("Ein GROẞES Haus, großes Glück", "grosses", [(4, 10), (17, 23)]),  # the capital sharp s too
    ("Die Stra&szlig;e", "strasse", [(4, 16)]),
    ("the glasses", "glass", []),  # whole words still
    ("I love pizza\ufe0f!", "pizza", [(7, 13)]),  # an emoji-form selector after it is in the span, as extracted
    ("x \u2764\ufe0f y \u2764 z", "\u2764\ufe0f", [(2, 4), (7, 8)]),  # a term typed with one finds either form
    ("pizza\ufe0f\u0301 no", "pizza", []),  # a mark after the selector still goes on with the word
    ("I \u2764\ufe0f pizza, \u2764 pizza", "\u2764 pizza", [(2, 10), (12, 19)]),  # within a term too
    ("I \u2764\ufe0f pizza, \u2764 pizza", "\u2764\ufe0f pizza", [(2, 10), (12, 19)]),
    ("Room 1\ufe0f\u20e3 was fine", "1\ufe0f\u20e3", [(5, 8)]),  # a keycap: the selector between the digit and its mark
    ("The \U0001F3F3\ufe0f\u200d\U0001F308 flag", "\U0001F3F3\ufe0f\u200d\U0001F308", [(4, 8)]),  # before a joiner
    ("Stra\u00df\ufe0fe, clas\ufe0fs", "stra\u00dfe", [(0, 7)]),  # after any letter, however the term reads it
    ("Stra\u00df\ufe0fe, clas\ufe0fs", "class", [(9, 15)]),
    ("the chef'\ufe0fs pride", "chef's", [(4, 11)]),
    ("I &#10084;\ufe0f pizza", "\u2764 pizza", [(2, 17)]),  # a letter written as an entity
    ("cafe\u0301\ufe0fs and caf\u00e9\ufe0fs", "caf\u00e9s", [(0, 7), (12, 18)]),  # either form of the accent
])
def test_a_term_is_found_however_the_text_spells_some_letters(text, term, found):
    from sentiment.aspects.terms import locate_terms

    assert [(a["from"], a["to"]) for a in locate_terms([text], [term])[0]] == found


@pytest.mark.parametrize("text, term, found", [
    ("The amp is loud &amp; the speaker is awful.", "amp", [(4, 7)]),  # not the inside of "&amp;"
    ("battery&nbsp;life", "nbsp", []),
    ("&quot;pizza&quot; and &lt;b&gt;", "quot", []),
    ("Don&#x27;t buy the x27", "x27", [(19, 22)]),
    ("The caf&eacute; was lovely.", "caf", []),  # the entity writes the word's last letter
    ("The cafe&#769; was lovely.", "cafe", []),  # and here the accent of its last letter
    ("The caf&eacute; was lovely.", "café", [(4, 15)]),
    ("Fish &amp; chips, fish", "fish & chips", [(0, 16)]),  # an entity inside the term: its character
    ("&eacute;a a a", "a a", [(10, 13)]),  # the refused first match hides no later one (as "éa a a": 3-6)
    ("pizza&zwj;x", "pizza", []),  # a joiner written as an entity joins, as "pizza\u200dx" does
    ("寿司&#769; good", "寿司", []),  # a mark after the term goes on with it, even in a script without spaces
    ("寿司&eacute; good", "寿司", [(0, 2)]),  # a letter after it need not
    ("&fjlig;ord is nice", "ord", []),  # an entity of two letters: "fjord"
    ("&fjlig; x", "fjlig", []),
    ("&#" + "9" * 5000 + "; pizza", "pizza", [(5004, 5009)]),  # a number of more digits than Python converts
])
def test_a_term_is_never_part_of_an_html_entity(text, term, found):
    from sentiment.aspects.terms import locate_terms, terms_found

    assert [(a["from"], a["to"]) for a in locate_terms([text], [term])[0]] == found
    assert terms_found([text], [term]) == ({term} if found else set())  # so predict notes a term found nowhere


@pytest.mark.parametrize("text, term, found", [
    ("The service was slow, but the rice was nice.", "ice", []),  # was three: serv-ice, r-ice, n-ice
    ("We had pizza instead of tea.", "tea", [(24, 27)]),  # not the "tea" of "ins-tea-d"
    ("The staff barely spoke to us.", "bar", []),
    ("Two pizzas, one pizza", "pizza", [(16, 21)]),
    ("The pizza-crust and (pizza)", "pizza", [(4, 9), (21, 26)]),
    ("这部电影很好看，电影院也好", "电影", [(2, 4), (8, 10)]),  # a script without spaces: within a run
    ("我喜欢pizza和电影", "pizza", [(3, 8)]),
    ("อาหารอร่อยมาก", "อร่อย", [(5, 10)]),  # Thai
    ("อาหารอร่อยมาก", "อร", []),  # ... but not cut from the tone mark after it
    ("I hate my battery\nlife is short", "battery life", []),  # a sentence ends at a line break
    ("The wine\r\nlist and\u2028the wine  list", "wine list", [(23, 33)]),
    ("the battery \t life", "battery life", [(4, 18)]),  # other white space is a space
])
def test_a_named_term_is_found_as_a_whole_word_or_in_a_script_without_spaces(text, term, found):
    from sentiment.aspects.terms import locate_terms

    assert [(a["from"], a["to"]) for a in locate_terms([text], [term])[0]] == found


@pytest.mark.parametrize("text, term, written", [
    ("Fish &amp; chips were great", "fish & chips", "Fish &amp; chips"),
    ("the caf&eacute; was nice", "café", "caf&eacute;"),
    ("the CAF&Eacute; was nice", "café", "CAF&Eacute;"),  # case-blind, the entity too
    ("the caf&#233; and", "Café", "caf&#233;"),
    ("the chef&#39;s special was", "chef's special", "chef&#39;s special"),
    ("The chef’s special was", "chef's special", "chef’s special"),  # a typed apostrophe
    ("The chef's special was", "chef’s special", "chef's special"),
    ("The chef\u02b9s special was", "chef's special", "chef\u02b9s special"),  # the modifier letter prime too
    ("The chef\u02b9s special was", "chef", "chef"),  # ... which is no letter of the word
    ("the food&nbsp;quality was poor", "food quality", "food&nbsp;quality"),
    ("The cafe&#769; was nice", "café", "cafe&#769;"),  # the accent written apart, as an entity
    ("The CAFE&#X301; was nice", "Café", "CAFE&#X301;"),
])
def test_a_named_term_is_found_however_the_text_writes_its_characters(text, term, written):
    from sentiment.aspects.terms import locate_terms

    start = text.index(written)
    assert locate_terms([text], [term]) == [[{"term": written, "from": start, "to": start + len(written)}]]


def test_a_named_term_is_found_where_its_whole_pattern_with_the_word_edges_would_find_it():
    """The edges are checked apart from the term (their classes of marks took tens of milliseconds to compile
    for every term): on texts made of pieces that sit at a term's edges, every match is the one pattern's."""
    import random
    import re as regex

    from sentiment.aspects import terms

    pieces = ["pizza", "\ufe0f", " ", "ice", "serv", "x", "é", "e\u0301", "电影", "很", "&eacute;", "\u200d",
              "\u0301", "ss", "ß", "battery", "life", "\n", "&nbsp;", "'", "’", "caf", "\u0e48", "ʹ", "1", "_"]
    rng = random.Random(0)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 9))) for _ in range(1500)]
    for term in ["pizza", "ice", "battery life", "café", "电影", "chef's", "ß", "x", "caf"]:
        fast = terms._term_pattern(term)
        whole = regex.compile(terms._LEFT_EDGE + fast._term + terms._RIGHT_EDGE, regex.IGNORECASE)
        for text in texts:
            for at in range(len(text) + 1):
                got, expected = fast.search(text, at), whole.search(text, at)
                assert (got and got.span()) == (expected and expected.span()), (term, text, at)


def test_naming_many_terms_costs_no_compiled_edges_per_term(monkeypatch):
    from sentiment.aspects import terms

    compiled = []
    real = terms.re.compile
    monkeypatch.setattr(terms.re, "compile", lambda pattern, *flags: compiled.append(pattern) or real(pattern, *flags))
    terms.locate_terms(["a great screen, an awful battery"], [f"feature{i}" for i in range(50)] + ["battery"])
    assert compiled and not any(terms.MARKS[:20] in pattern for pattern in compiled)  # the terms alone


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02b9"])
def test_the_aspect_tokenizer_reads_the_modifier_letter_prime_as_an_apostrophe(apostrophe):
    text = f"The chef{apostrophe}s special, {apostrophe}chef{apostrophe}, wonder\u00ad{apostrophe}ful"
    assert [token.text for token in tokenize(text)] == ["the", "chef", "'s", "special", ",", "'", "chef", "'", ",",
                                                      "wonder", "'", "ful"]


def test_a_named_word_has_one_pattern_unless_typed_decomposed():
    import re as regex

    from sentiment.aspects.terms import _either_form, locate_terms

    # a word NFC leaves alone gets one branch: two that match the same text made a failed match of many such
    # words backtrack through 2**words combinations
    for word in ("a-b", "chef's", "9.99", "café"):
        assert not _either_form(word).startswith("(?:" + regex.escape(word) + "|")
    typed = _either_form("cafe\u0301")  # any form, and as typed: in one atomic group, as both match the same text
    assert typed.startswith("(?>") and typed.endswith("|" + regex.escape("cafe\u0301") + ")")
    assert [a["term"] for a in locate_terms(["a café, a cafe\u0301"], ["cafe\u0301"])[0]] == ["café", "cafe\u0301"]
    # a failed match of a term of many such words (it took minutes from 20 words when both branches were tried)
    assert locate_terms([" ".join(["cafe\u0301"] * 40)], [" ".join(["cafe\u0301"] * 18) + " x"]) == [[]]


def test_other_scripts_words_and_undecodable_characters(tmp_path):
    from sentiment.aspects.terms import locate_terms

    persian = "کتاب\u200cها خوب است"  # "books": one word with a zero-width non-joiner inside
    assert [(t.start, t.end) for t in tokenize(persian)][0] == (0, 7)
    assert locate_terms(["good cafe\u0301"], ["cafe"]) == [[]]  # the accent belongs to the word: no cut
    assert locate_terms(["अच्छी फ़िल्मों"], ["फ़िल्म"]) == [[]]  # nor a vowel sign from its letter
    assert [(a["from"], a["to"]) for a in locate_terms(["这部电影很好看"], ["电影"])[0]] == [(2, 4)]  # unspaced script
    training = synthetic(80)
    training[0] = {**training[0], "text": training[0]["text"] + " \udcff"}  # lone surrogates: undecodable bytes
    pipe = AspectPipeline(prior=None, bits=12).fit(training)
    for text in ("The pizza\udcff was great", "great \ud83d\ude00 pizza", "The pizz\udcffa was great"):
        found = pipe.predict_aspects([text])[0]
        assert all(text[a["from"]:a["to"]] == a["term"] for a in found)
        assert pipe.predict_aspects([text], by_sentence=False) and pipe.predict_categories([text])
    assert pipe.predict_aspects(["The pizz\udcffa was great"], aspects=["pizz\udcffa"])[0][0]["term"] == "pizz\udcffa"
    import json

    path = tmp_path / "s.jsonl"  # JSON escapes a lone surrogate: a file can hold one too
    path.write_text("\n".join(json.dumps(s) for s in training), encoding="utf-8")
    assert AspectPipeline(prior=None, bits=12).fit(str(path)).predict_aspects(["The pizz\udcffa was great"])


def test_given_aspects_match_partly_composed_accents_in_any_equivalent_order():
    from sentiment.aspects.terms import _equivalent_forms, locate_terms

    # "phở": o + horn (216) + hook above (230); Windows-1258 text writes "ơ" + a separate hook
    spellings = ["ph\u1edf", "pho\u031b\u0309", "ph\u01a1\u0309", "pho\u0309\u031b", "ph\u1ecf\u031b"]
    for term in spellings:
        for written in spellings:
            text = f"The {written} was great, the pho too"
            assert [(a["from"], a["to"]) for a in locate_terms([text], [term])[0]] == [(4, 4 + len(written))], \
                (ascii(term), ascii(written))
    assert locate_terms(["The pho\u0309 was great"], ["phở"]) == [[]]  # no horn: another letter
    for term, written in (("\u03ac\u03bb\u03b1\u03c2", "\u1f71\u03bb\u03b1\u03c2"), ("\u1f71\u03bb\u03b1\u03c2", "\u03ac\u03bb\u03b1\u03c2")):
        assert [(a["from"], a["to"]) for a in locate_terms([f"to {written} here"], [term])[0]] == [(3, 7)]  # tonos, oxia
    forms = _equivalent_forms("\u1ec7")  # ệ: e + dot below + circumflex
    assert {"\u1ec7", "e\u0323\u0302", "\u00ea\u0323", "\u1eb9\u0302", "e\u0302\u0323"} <= forms
    assert all(unicodedata.normalize("NFC", f) == "\u1ec7" for f in forms)
    assert "\u00ea\u0323" in forms and "\u1eb9\u0302" in forms and len(forms) == 5
    assert _equivalent_forms("a") == {"a"}
    zalgo = "a" + "\u0301\u0302\u0303\u0304" * 10  # marks that compose no letter: matched as written
    assert [(a["from"], a["to"]) for a in locate_terms([f"x {zalgo} y"], [zalgo])[0]] == [(2, 2 + len(zalgo))]


@pytest.mark.parametrize("precomposed", ["\u095e", "\u0958", "\u09dc", "\u0a5b", "\ufb2e"])  # NFC writes them decomposed
def test_given_aspects_match_letters_that_nfc_never_composes(precomposed):
    from sentiment.aspects.terms import locate_terms

    decomposed = unicodedata.normalize("NFC", precomposed)
    assert decomposed != precomposed
    for term in (precomposed + "ood", decomposed + "ood"):
        for written in (precomposed, decomposed):
            text = f"The {written}ood was great"
            assert [(a["from"], a["to"]) for a in locate_terms([text], [term])[0]] == [(4, 4 + len(written) + 3)], \
                (ascii(term), ascii(written))


def test_given_aspects_match_any_spacing_but_not_inside_web_addresses_or_tags():
    from sentiment.aspects.terms import locate_terms

    texts = ["Order at www.pizza.com, the pizza was cold.", 'See <a href="pizza">the menu</a>; the pizza was cold.',
             "Battery \t life is great", "Battery\nlife is great", "only at https://pizza.example"]
    found = locate_terms(texts, ["pizza", "battery life"])
    assert [[(a["term"], a["from"]) for a in spans] for spans in found] == [
        [("pizza", 28)], [("pizza", 38)], [("Battery \t life", 0)], [], []]  # a line break ends a sentence


def test_save_load_round_trip(tiny_model, tmp_path):
    texts = ["The pizza is lovely but the waiter was rude and poor.", "The screen was dreadful; keyboard great",
             "We went there on a Tuesday."]
    before = tiny_model.predict_aspects(texts)
    tiny_model.save(tmp_path / "model")
    config = json.loads((tmp_path / "model" / "config.json").read_text())
    assert config["kind"] == "aspect" and all(len(v) == 64 for v in config["files"].values())
    loaded = AspectPipeline.load(tmp_path / "model")
    assert loaded.predict_aspects(texts) == before
    assert loaded.predict_aspects(texts[:1], aspects=["pizza"]) == tiny_model.predict_aspects(texts[:1], aspects=["pizza"])


def test_tampered_model_is_refused(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "m")
    state = tmp_path / "m" / "polarity" / "state.json"
    state.write_text(state.read_text().replace('"bits"', '"bits" ', 1))
    with pytest.raises(ModelFileError, match="checksum"):
        AspectPipeline.load(tmp_path / "m")


def test_a_stage_of_an_unknown_kind_is_refused(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "m")
    craft_stage(tmp_path / "m", "polarity", edit_state=lambda state: state.update(name="transformer"))
    with pytest.raises(ModelFileError, match="not a consistent aspect model .*unknown aspect_polarity 'transformer'"):
        AspectPipeline.load(tmp_path / "m")


@pytest.mark.parametrize("edit, pattern", [
    (lambda s: s.update(bits=10**20), "the hash size bits=100000000000000000000 is not a whole number from 1 to 30"),
    (lambda s: s.update(classes=["x", "y", "z"]), "the polarity classes .* are not among negative, neutral, positive"),
    (lambda s: s.update(classes=["negative"]), "are not two or more distinct labels"),
    # each class labels its row of weights, in fit's sorted order: another order swapped the polarities silently
    (lambda s: s.update(classes=s["classes"][::-1]), "the classes .* are not in the sorted order that training gives"),
])
def test_a_crafted_aspect_state_is_refused_before_it_is_built(tiny_model, tmp_path, edit, pattern):
    tiny_model.save(tmp_path / "m")
    craft_stage(tmp_path / "m", "polarity", edit_state=edit)
    with pytest.raises(ModelFileError, match=pattern):
        sentiment.load(tmp_path / "m")


@pytest.mark.parametrize("pipeline", [None, [1, 2]])
def test_a_damaged_aspect_config_is_a_model_file_error(tmp_path, pipeline):
    path = write_model(tmp_path / "aspect", {"kind": "aspect", "pipeline": pipeline},
                       {"extractor": ({"name": "classical"}, {}), "polarity": ({"name": "classical"}, {})})
    with pytest.raises(ModelFileError, match="not a consistent aspect model"):
        sentiment.load(path)


# -- evaluation and the CLI-facing functions ----------------------------------------------------------
def test_score_aspects_counts():
    gold = [{"text": "a b", "aspects": [{"term": "a", "from": 0, "to": 1, "polarity": "positive"},
                                        {"term": "b", "from": 2, "to": 3, "polarity": "negative"}]}]
    found = [[{"from": 0, "to": 1, "polarity": "positive"}, {"from": 2, "to": 3, "polarity": "positive"},
              {"from": 0, "to": 3, "polarity": "neutral"}]]
    r = score_aspects(gold, found, [["positive", "positive"]])
    assert r["extraction_precision"] == pytest.approx(2 / 3) and r["extraction_recall"] == 1.0
    assert r["end_to_end_f1"] == pytest.approx(2 * (1 / 3) * 0.5 / (1 / 3 + 0.5))
    assert r["polarity_accuracy"] == 0.5 and r["n"] == 1
    assert r["mixed_polarity_accuracy"] == 0.5 and r["n_mixed"] == 2  # the sentence holds two polarities


def test_terms_of_dropped_conflict_aspects_are_gold_terms_for_extraction_and_count_neither_way_end_to_end():
    """As SemEval-2014 scored term extraction: a term is one whatever the opinion on it. A model that found
    the term of a dropped conflict aspect was counted wrong (precision 0.5 here), and one that kept conflict
    aspects was scored against more terms than one that dropped them."""
    food = {"term": "a", "from": 0, "to": 1, "polarity": "positive"}
    dropped = [{"text": "a b", "aspects": [food], "conflict_terms": [{"term": "b", "from": 2, "to": 3}]}]
    kept = [{"text": "a b", "aspects": [food, {"term": "b", "from": 2, "to": 3, "polarity": "conflict"}]}]
    found = [[{"from": 0, "to": 1, "polarity": "positive"}, {"from": 2, "to": 3, "polarity": "negative"}]]
    r = score_aspects(dropped, found, [["positive"]])
    assert (r["extraction_precision"], r["extraction_recall"], r["n_aspects"]) == (1.0, 1.0, 2)
    assert r["end_to_end_precision"] == 1.0 and r["end_to_end_recall"] == 1.0  # "b" unscorable: neither way
    assert r["n_polarity"] == 1 and r["polarity_accuracy"] == 1.0
    same = score_aspects(kept, found, [["positive", "negative"]])
    assert {k: same[k] for k in ("extraction_precision", "extraction_recall", "n_aspects")} == {
        "extraction_precision": 1.0, "extraction_recall": 1.0, "n_aspects": 2}
    # kept (keep_conflict), its triple could never be right, as no model gives "conflict": neither way either
    assert same["end_to_end_precision"] == 1.0 and same["end_to_end_recall"] == 1.0 and same["n_polarity"] == 1
    missed = score_aspects(dropped, [[{"from": 0, "to": 1, "polarity": "positive"}]], [["positive"]])
    assert missed["extraction_recall"] == 0.5 and missed["end_to_end_recall"] == 1.0
    only = [{"text": "b", "aspects": [], "conflict_terms": [{"term": "b", "from": 0, "to": 1}]}]
    r = score_aspects(only, [[{"from": 0, "to": 1, "polarity": "positive"}]], [[]])
    assert r["extraction_f1"] == 1.0 and r["end_to_end_f1"] is None and r["polarity_accuracy"] is None


def test_gold_terms_without_polarities_have_no_end_to_end_score():
    gold = [{"text": "a b", "aspects": [{"term": "a", "from": 0, "to": 1, "polarity": None}]}]
    r = score_aspects(gold, [[{"from": 0, "to": 1, "polarity": "positive"}]], [["positive"]])
    assert r["extraction_f1"] == 1.0 and r["polarity_accuracy"] is None
    assert r["polarity_per_class_f1"] == {"negative": None, "neutral": None, "positive": None}  # the keys of any file
    assert r["end_to_end_f1"] is None and r["end_to_end_precision"] is None  # not 0.0, which reads as a score
    assert "end to end          F1 n/a" in format_aspect_report(r)
    gold.append({"text": "c", "aspects": [{"term": "c", "from": 0, "to": 1, "polarity": "negative"}]})
    r = score_aspects(gold, [[{"from": 0, "to": 1, "polarity": "positive"}], []], [["positive"], ["negative"]])
    assert r["end_to_end_f1"] is None and r["polarity_accuracy"] == 1.0  # some without: none either


def test_mixed_accuracy_counts_only_sentences_of_several_polarities():
    one = {"text": "a b", "aspects": [{"term": "a", "from": 0, "to": 1, "polarity": "positive"},
                                      {"term": "b", "from": 2, "to": 3, "polarity": "positive"}]}
    two = {"text": "c d", "aspects": [{"term": "c", "from": 0, "to": 1, "polarity": "negative"},
                                      {"term": "d", "from": 2, "to": 3, "polarity": "neutral"}]}
    r = score_aspects([one, two], [[], []], [["negative", "negative"], ["negative", "negative"]])
    assert r["polarity_accuracy"] == 0.25 and r["n_mixed"] == 2 and r["mixed_polarity_accuracy"] == 0.5
    assert score_aspects([one], [[]], [["positive", "positive"]])["mixed_polarity_accuracy"] is None


def test_contrastive_sentences_keep_offsets_and_polarities():
    rows = synthetic(60, seed=2)
    made = contrastive_sentences(rows, 0.5, seed=0)
    single = [r for r in rows if len({a["polarity"] for a in r["aspects"]}) == 1]
    assert len(single) > 10 and len(made) == round(len(single) / 2)  # half as many as one-polarity sentences
    terms = {a["term"] for r in rows for a in r["aspects"]}
    for s in made:
        check_sentence(s)  # every source term still equals text[from:to] at its shifted offsets
        assert {a["term"] for a in s["aspects"]} <= terms
        polarities = [a["polarity"] for a in s["aspects"]]
        assert len(set(polarities)) == 2 and any(join in s["text"] for join in CONTRAST_JOINS)
    assert made == contrastive_sentences(rows, 0.5, seed=0) != contrastive_sentences(rows, 0.5, seed=1)
    assert contrastive_sentences(rows, 0.0) == []


def test_contrastive_sentences_keep_terms_at_the_edges_of_their_texts():
    ends = {"text": "I love Mac OS X.", "aspects": [{"term": "Mac OS X.", "from": 7, "to": 16, "polarity": "positive"}]}
    edges = {"text": "  Staff was rude, the wait staff ",
             "aspects": [{"term": "Staff", "from": 2, "to": 7, "polarity": "negative"},
                         {"term": "staff ", "from": 27, "to": 33, "polarity": "negative"}]}
    made = contrastive_sentences([ends, edges], 4, seed=0)
    assert made
    for s in made:
        check_sentence(s)  # terms at the very start / end, trailing punctuation and spaces survive
        assert len(s["aspects"]) == 3 and {a["polarity"] for a in s["aspects"]} == {"positive", "negative"}


def test_fit_predict_evaluate_functions(tmp_path):
    data = tmp_path / "train.jsonl"
    rows = synthetic(120, seed=1)
    for r in rows:
        r.pop("categories")  # files without the categories key work
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pipe, report = fit_aspects(data, tmp_path / "model", prior=None, bits=12, refit=False)
    assert report["dev"]["extraction_f1"] > 0.8 and report["model"] == str(tmp_path / "model")
    out = predict_aspect_texts(tmp_path / "model", ["The food is awful but the service is great."])
    assert {a["term"]: a["polarity"] for a in out[0]} == {"food": "negative", "service": "positive"}
    scores = evaluate_aspects(data, tmp_path / "model")
    for key in ("extraction_f1", "polarity_accuracy", "polarity_macro_f1", "end_to_end_f1", "n"):
        assert key in scores
    assert scores["n"] == len(rows) and scores["polarity_accuracy"] > 0.8


def test_evaluate_reads_conflict_aspects_as_the_model_was_trained(tmp_path):
    rows = synthetic(60, seed=2)
    for row in rows[:10]:
        row["aspects"][0]["polarity"] = "conflict"
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    n_all = sum(len(r["aspects"]) for r in rows)
    keeping = AspectPipeline(prior=None, bits=12, keep_conflict=True).fit(rows)
    dropping = AspectPipeline(prior=None, bits=12).fit(rows)
    for model in (keeping, dropping):  # extraction against every term, polarity on the three polarities
        report = evaluate_aspects(data, model)
        assert (report["n_aspects"], report["n_polarity"]) == (n_all, n_all - 10)


def test_split_is_by_sentence_and_reproducible():
    sentences = synthetic(80)
    train, dev = split_sentences(sentences, 0.15, seed=0)
    assert len(dev) == round(0.15 * len(sentences)) or abs(len(dev) - 0.15 * len(sentences)) < 1
    assert split_sentences(sentences, 0.15, seed=0)[1] == dev
    assert not {s["id"] for s in train} & {s["id"] for s in dev}


def test_not_an_aspect_model(tmp_path):
    with pytest.raises(ModelFileError, match=r"missing does not exist; give the directory of a trained model"):
        AspectPipeline.load(tmp_path / "missing")


def test_an_aspect_model_is_not_loaded_as_a_pipeline(tiny_model, tmp_path):
    from sentiment import Pipeline
    from sentiment.errors import ConfigError
    from sentiment.export import export_model

    tiny_model.save(tmp_path / "aspects")
    with pytest.raises(ModelFileError, match="holds an aspect model; load it with sentiment.load"):
        Pipeline.load(tmp_path / "aspects")
    with pytest.raises(ConfigError, match="an aspect model does not export; only a single mlp or lstm model does"):
        export_model(tiny_model, tmp_path / "a.onnx", "onnx")


def test_pretraining_texts_from_sst_trees_and_tables(sst_file, tmp_path):
    from sentiment.aspects.data import read_polarity_texts
    from sentiment.sst import read_sst_trees

    texts, polarities = read_polarity_texts(sst_file)
    phrases, labels = read_sst_trees(sst_file, phrases=True)
    assert texts == phrases
    assert polarities == [("negative", "negative", "neutral", "positive", "positive")[label] for label in labels]
    table = tmp_path / "p.csv"
    table.write_text("text,label\nlovely,positive\nawful,negative\nat noon,neutral\n")
    assert read_polarity_texts(table) == (["lovely", "awful", "at noon"], ["positive", "negative", "neutral"])
    table.write_text("text,label\nlovely,5\nawful,1\n")
    with pytest.raises(DataError, match="labels must be negative, neutral, positive"):
        read_polarity_texts(table)
    with pytest.raises(DataError, match="does not exist"):
        read_polarity_texts(tmp_path / "missing.csv")


def test_pretraining_needs_the_network_polarity_model():
    from sentiment.errors import ConfigError

    with pytest.raises(ConfigError, match="pretrain goes with polarity='lstm'"):
        AspectPipeline(pretrain="trees.txt")


def test_hashed_features_are_capped_alike_on_both_sides():
    from sentiment.aspects.linear import HashedLogistic

    X = HashedLogistic(bits=8).matrix([[("Pc", 9.2)], [("Pc", -9.2)], [("Pc", 2.0)], ["w"] * 5])
    assert sorted(X.data.tolist()) == [-3.0, 2.0, 3.0, 3.0]


def test_hashed_logistic_learns_on_the_used_columns_the_weights_of_all():
    from sklearn.linear_model import LogisticRegression

    from sentiment.aspects.linear import HashedLogistic

    rows = [["good", ("near", 0.5)], ["bad"], ["good", "fine"], ["bad", "awful", ("near", 2.0)], ["fine"], ["awful"]]
    labels = ["pos", "neg", "pos", "neg", "pos", "neg"]
    model = HashedLogistic(bits=10).fit(rows, labels)
    X = model.matrix(rows)
    reference = LogisticRegression(max_iter=300, random_state=0).fit(X, labels)  # over all 1,024 columns
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-6)
    assert model.coef_.shape == (1, 1024) and np.count_nonzero(model.coef_) == len(np.unique(X.indices))
    empty = HashedLogistic(bits=10).fit([[], [], []], ["a", "b", "a"])  # no feature anywhere: the intercept learns
    assert empty.predict([[]]) == ["a"] and not empty.coef_.any()


def test_features_are_hashed_into_the_columns_scikit_learns_feature_hasher_gives():
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.utils import murmurhash3_32

    from sentiment.aspects.linear import hashed_matrix, murmur3_32

    rng = random.Random(0)
    alphabet = "abcXYZ019 _=|-'’éü日本😀\u0301\x00"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    assert [murmur3_32(n.encode()) for n in names] == [murmurhash3_32(n.encode(), seed=0) for n in names]
    assert murmur3_32(b"w=battery", seed=7) == murmurhash3_32(b"w=battery", seed=7)
    rows = [[rng.choice(names) if rng.random() < 0.6 else (rng.choice(names), rng.choice([0.0, -2.5, 1.0, 9.2]))
             for _ in range(rng.randint(0, 40))] for _ in range(300)]  # repeats, zeros, negative values, empty rows
    for bits in (4, 18):
        expected = FeatureHasher(n_features=2**bits, input_type="pair", alternate_sign=False).transform(
            [[(f, 1.0) if isinstance(f, str) else f for f in row] for row in rows]).tocsr()
        got = hashed_matrix(rows, bits)
        assert got.shape == expected.shape and (got != expected).nnz == 0
        assert got.has_canonical_format


def test_an_aspect_model_predicts_without_importing_scikit_learn(tiny_model, tmp_path):
    # scikit-learn's import costs a second or more; in a fresh interpreter, loading and using a saved aspect
    # model (its classical tagger, polarity and category models hash their features) must not import it.
    import subprocess
    import sys

    tiny_model.save(tmp_path / "m")
    code = ("import sys, json\n"
            "from sentiment import load\n"
            f"print(load({str(tmp_path / 'm')!r}).annotate(['The camera is great but the battery is awful.'])"
            "[0]['aspects'][0]['term'])\n"
            "print(json.dumps([name for name in sys.modules if name.startswith('sklearn')]))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["camera", "[]"]


def test_contrast_adds_two_opinion_sentences_to_the_polarity_training_only(monkeypatch, tmp_path):
    from sentiment.aspects import polarity
    from sentiment.aspects.extraction import ClassicalTagger
    from sentiment.errors import ConfigError

    seen = []
    fit = polarity.ClassicalPolarity.fit
    monkeypatch.setattr(polarity.ClassicalPolarity, "fit", lambda self, items, labels, **kw: seen.append(items) or fit(self, items, labels, **kw))
    rows = synthetic(80, seed=3)
    tagged = []
    tagger_fit = ClassicalTagger.fit
    monkeypatch.setattr(ClassicalTagger, "fit", lambda self, sentences, **kw: tagged.append(len(sentences)) or tagger_fit(self, sentences, **kw))
    plain = AspectPipeline(prior=None, bits=12, contrast=0.0).fit(rows)
    mixed = AspectPipeline(prior=None, bits=12, contrast=1.0).fit(rows)
    assert not [text for text, _, _ in seen[0] if any(join in text for join in CONTRAST_JOINS)]
    added = [text for text, _, _ in seen[1] if any(join in text for join in CONTRAST_JOINS)]
    assert len(seen[1]) > len(seen[0]) and added
    assert tagged == [len(rows), len(rows)]  # the tagger learns the real sentences only
    assert mixed.info_["n_aspects"] == plain.info_["n_aspects"]  # the counts are of the real data
    mixed.save(tmp_path / "m")
    assert AspectPipeline.load(tmp_path / "m").params["contrast"] == 1.0
    with pytest.raises(ConfigError, match="contrast must be a number from 0 to 10"):
        AspectPipeline(contrast=-1)


def test_models_saved_before_contrast_and_marked_features_load_as_trained(tiny_model, tmp_path):
    import json

    tiny_model.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    state = json.loads((tmp_path / "m" / "polarity" / "state.json").read_text())
    assert config["pipeline"]["contrast"] == 0.5 and state["features_version"] == FEATURES_VERSION
    assert config["pipeline"]["negated"] == 0.0
    # an older file: no contrast or negated setting, no feature version (written before they existed)
    del config["pipeline"]["contrast"], config["pipeline"]["negated"], state["features_version"]
    (tmp_path / "m" / "polarity" / "state.json").write_text(json.dumps(state))
    from sentiment.persistence import checksum

    config["files"]["polarity/state.json"] = checksum(tmp_path / "m" / "polarity" / "state.json")
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    old = AspectPipeline.load(tmp_path / "m")
    assert old.params["contrast"] == 0.0 and old.params["negated"] == 0.0 and old.polarity_.features_version == 1
    words = [t for t in tokenize("The pizza was great but the service was awful.")]
    marked = {f if isinstance(f, str) else f[0] for f in context_features(words, 1, 2)}
    unmarked = {f if isinstance(f, str) else f[0] for f in context_features(words, 1, 2, version=1)}
    assert "XS=awful" in marked and "XS=awful" not in unmarked and "S=awful" in unmarked


def test_the_part_across_a_contrast_word_is_the_other_opinion():
    words = "great food but slow service , though the decor is nice".split()
    part = lambda term: " ".join(words[slice(*contrasted_part(words, words.index(term), words.index(term) + 1))])
    assert (part("food"), part("service"), part("decor")) == ("slow service ,", "great food", "slow service ,")
    assert contrasted_part("the food was fine".split(), 1, 2) == (0, 0)


@pytest.mark.parametrize("sentence, term, part", [
    ("but the screen is great , though the battery is bad", "screen", "the battery is bad"),  # none before: after
    ("the screen is great , but although the battery is bad", "battery", "the screen is great ,"),  # a run of two
    ("the screen is great but although the battery is bad", "screen", "the battery is bad"),
    ("the screen is great but .", "screen", ""),  # punctuation alone is no part
    ("although the food is good , the service is slow", "service", ""),  # both aspects share a part
])
def test_the_contrasted_part_at_the_edges_of_a_sentence(sentence, term, part):
    words = sentence.split()
    at = words.index(term)
    assert " ".join(words[slice(*contrasted_part(words, at, at + 1))]) == part


def test_the_prior_of_the_contrasted_part_is_a_feature_from_version_3():
    """"A, but B": the prior's score of A informs B's polarity (Po); a sentence of one part has none, and a
    model of an older features version reads as it was trained."""
    scored = []

    def prior(texts):
        scored.extend(texts)
        return np.array([0.1 if "slow" in t else 0.9 for t in texts])

    model = ClassicalPolarity(prior=prior)
    text = "The service was slow, but the pizza was great"
    rows = model.features([(text, text.index("pizza"), text.index("pizza") + 5), ("The pizza was great", 4, 9)])
    po = [f for f in rows[0] if isinstance(f, tuple) and f[0] == "Po"]
    assert po == [("Po", pytest.approx(np.log(0.1 / 0.9)))] and "Pobin=0" in rows[0]
    assert "The service was slow," in scored
    assert not [f for f in rows[1] if "Po" in (f[0] if isinstance(f, tuple) else f)]
    assert not [f for f in model.features([("   ", 0, 3)])[0] if "Po" in (f[0] if isinstance(f, tuple) else f)]  # no token
    model.features_version = 2
    assert not [f for f in model.features([(text, text.index("pizza"), text.index("pizza") + 5)])[0] if "Po" in (f[0] if isinstance(f, tuple) else f)]


def test_window_bigrams_mark_the_texts_edges_from_version_4():
    """"<s>"/"</s>" say that the window reaches the text's start or end; before version 4 they stood at the
    window's edge wherever it fell (a model of version 3 reads as it was trained)."""
    tokens = tokenize("Sadly , after a long wait , the pasta came cold and the waiter never came back at all")
    words = [t.text for t in tokens]
    edges = lambda at, **kw: sorted(f for f in context_features(tokens, at, at + 1, **kw)
                                    if isinstance(f, str) and ("<s>" in f or "</s>" in f))
    assert edges(words.index("pasta")) == []  # 8 tokens from the start, 10 from the end
    assert edges(words.index("pasta"), version=3) == ["LB=<s>|long", "RB=the|</s>"]
    assert edges(words.index("long")) == ["LB=<s>|sadly"]
    assert edges(words.index("back")) == ["RB=not_all|</s>"]


def test_markup_before_an_aspect_leaves_it_first_in_its_clause_from_version_5():
    from sentiment.aspects.polarity import clause_cuts, locate

    def first(text, **kw):
        tokens = tokenize(text)
        start = text.lower().index("pizza")
        features = context_features(tokens, *locate(tokens, start, start + 5), cuts=clause_cuts(text, tokens), **kw)
        return dict(f for f in features if isinstance(f, tuple))["first_in_clause"]

    assert first("<b>Pizza</b> was great") == first("Pizza was great") == 1.0
    assert first("The service was slow, www.example.com pizza was great") == 1.0
    assert first("The pizza was great") == 0.0
    assert first("<b>Pizza</b> was great", version=4) == 0.0  # a model of version 4 reads as it was trained


@pytest.mark.parametrize("version", [99, 0, "2", 2.5])
def test_polarity_features_of_an_unknown_version_are_refused(tiny_model, tmp_path, version):
    """Read as the current version, a newer model's features would be misread without a word."""
    tiny_model.save(tmp_path / "m")
    craft_stage(tmp_path / "m", "polarity", edit_state=lambda state: state.update(features_version=version))
    with pytest.raises(ModelFileError, match=f"its polarity features are of version {version!r}, and this package "
                                             f"reads versions 1 to {FEATURES_VERSION}; install the version of sentiment that trained it"):
        AspectPipeline.load(tmp_path / "m")


def test_bad_keep_conflict_and_prior_are_named(tmp_path):
    with pytest.raises(ConfigError, match="keep_conflict must be true or false"):
        AspectPipeline(keep_conflict="maybe")
    with pytest.raises(ConfigError, match="prior='nowhere' is not a model directory"):
        AspectPipeline(prior="nowhere").fit(synthetic(40))
    with pytest.raises(ConfigError, match="prior='nowhere' is not a model directory"):  # before the (missing) data
        fit_aspects(tmp_path / "missing.jsonl", None, prior="nowhere")
    for empty in ("", "  "):  # `--set prior=` would name the working directory
        with pytest.raises(ConfigError, match=r"prior must be 'default', a model directory or None \(--set prior=null\)"):
            AspectPipeline(prior=empty)


def test_an_aspect_model_as_prior_is_named(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "aspects")
    with pytest.raises(ConfigError, match="is an aspect model; give a sentence polarity model"):
        AspectPipeline(prior=str(tmp_path / "aspects")).fit(synthetic(40))


def test_aspect_predictions_check_texts_as_the_pipeline_does(tiny_model):
    with pytest.raises(DataError, match="not a single string"):
        tiny_model.predict_aspects("The sushi was great.")
    with pytest.raises(DataError, match="text 1 is missing"):
        tiny_model.extract(["The sushi was great.", None])
    assert tiny_model.predict_aspects(["", "  "]) == [[], []]  # an empty text has no aspects
    assert [row["aspects"] for row in tiny_model.annotate(["", "The pizza was great."])][0] == []  # as predict_aspects


def test_a_prior_whose_classes_are_0_and_1_is_read_by_the_name_positive(tmp_path):
    texts = ["a wonderful film", "truly dreadful", "superb", "awful"] * 6
    sentiment.Pipeline(vectorizer="count", model="logreg").fit(texts, [1, 0, 1, 0] * 6).save(tmp_path / "prior")
    pipe = AspectPipeline(prior=str(tmp_path / "prior"), bits=12).fit(synthetic(60))
    scores = pipe._prior_scorer()(["a wonderful film", "truly dreadful"])
    assert scores[0] > 0.5 > scores[1]  # the probability of class 1, shown as "positive"
    sentiment.Pipeline(vectorizer="count", model="logreg").fit(texts, ["a", "b", "a", "b"] * 6).save(tmp_path / "ab")
    with pytest.raises(ConfigError, match="no class named 'positive'"):
        AspectPipeline(prior=str(tmp_path / "ab"), bits=12).fit(synthetic(60))


def test_a_loaded_model_with_a_prior_fits_again_and_clones_with_its_prior(tmp_path, monkeypatch):
    from sklearn.base import clone

    texts = ["a wonderful film", "truly dreadful", "superb", "awful"] * 6
    sentiment.Pipeline(vectorizer="count", model="logreg").fit(texts, [1, 0, 1, 0] * 6).save(tmp_path / "p")
    AspectPipeline(prior=str(tmp_path / "p"), bits=12).fit(synthetic(60)).save(tmp_path / "m")
    monkeypatch.chdir(tmp_path)  # a folder named "prior" in the working directory must not be read instead
    (tmp_path / "prior").mkdir()
    loaded = sentiment.load("m")  # a relative path, then another working directory
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    for pipe in (loaded, clone(loaded)):
        pipe.fit(synthetic(60))
        scores = pipe._prior_scorer()(["a wonderful film", "truly dreadful"])
        assert scores[0] > 0.5 > scores[1]


@pytest.mark.parametrize("change, pattern", [
    (lambda c: c["pipeline"].update(prior=None), "trained with prior scores, and the model has no prior model"),
    (lambda c: c["pipeline"].update(extractor="lstm"), "settings name the extractor 'lstm', its saved extractor is "
                                                       "'classical'"),
    (lambda c: c.update(labels=["neg", "neu", "pos"]), r"its labels are \['neg', 'neu', 'pos'\]"),
])
def test_an_aspect_config_edited_against_its_stages_is_refused(tmp_path, change, pattern):
    # config.json carries no checksum of its own: what it says must fit the stages it lists, or the model
    # would predict without the prior it learnt with (other polarities, silently) or describe stages it lacks
    texts = ["a wonderful film", "truly dreadful", "superb", "awful"] * 6
    sentiment.Pipeline(vectorizer="count", model="logreg").fit(texts, [1, 0, 1, 0] * 6).save(tmp_path / "p")
    AspectPipeline(prior=str(tmp_path / "p"), bits=12).fit(synthetic(60)).save(tmp_path / "m")
    assert sentiment.load(tmp_path / "m").prior_ is not None
    edit_config(tmp_path / "m", change)
    with pytest.raises(ModelFileError, match="not a consistent aspect model .*" + pattern):
        sentiment.load(tmp_path / "m")


def test_a_pipeline_with_a_prior_pickles(tmp_path):
    texts = ["a wonderful film", "truly dreadful", "superb", "awful"] * 6
    sentiment.Pipeline(vectorizer="count", model="logreg").fit(texts, [1, 0, 1, 0] * 6).save(tmp_path / "prior")
    pipe = AspectPipeline(prior=str(tmp_path / "prior"), bits=12).fit(synthetic(60))
    copied = pickle.loads(pickle.dumps(pipe))  # joblib and multiprocessing hand models over so
    text = ["The soup was great but the waiter was rude."]
    assert copied.predict_aspects(text) == pipe.predict_aspects(text)


def test_repr_and_get_params_name_the_settings(tiny_model):
    assert repr(AspectPipeline()) == "AspectPipeline()"
    assert repr(AspectPipeline(extractor="lstm", bits=12)) == "AspectPipeline(extractor='lstm', bits=12)"
    assert repr(tiny_model) == "AspectPipeline(prior=None, bits=12) (fitted)"
    assert tiny_model.get_params()["bits"] == 12 and tiny_model.get_params() is not tiny_model.params


def test_set_params_checks_as_the_constructor_does():
    from sklearn.base import clone

    pipe = AspectPipeline(tagger_C=2.0)
    assert pipe.set_params(tagger_C=3, bits=12) is pipe and pipe.get_params()["tagger_C"] == 3.0
    assert clone(pipe).get_params() == pipe.get_params()
    with pytest.raises(ConfigError, match=r"'tagger_c' is not an option of the aspect model \(did you mean 'tagger_C'"):
        pipe.set_params(tagger_c=1)
    with pytest.raises(ConfigError, match="bits must be an integer from 10 to 24, not 99"):
        pipe.set_params(bits=99)
    assert pipe.get_params()["bits"] == 12  # a refused change changes nothing


def test_a_fitted_aspect_model_saves_the_settings_it_learnt_with(tiny_model, tmp_path):
    import copy

    changed = copy.deepcopy(tiny_model).set_params(bits=14, tagger_C=5.0)
    with pytest.warns(sentiment.IgnoredOptionWarning, match="^bits and tagger_C were changed since fit and are not saved"):
        changed.save(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "config.json").read_text())["pipeline"]
    assert saved["bits"] == 12 and saved["tagger_C"] == 1.0
    loaded = AspectPipeline.load(tmp_path / "m")
    assert loaded.get_params()["bits"] == 12


def test_polarity_proba_refuses_what_is_not_a_span_of_its_text(tiny_model):
    text = "The battery was great."
    for items, says in [([(text, 4, 100)], "spans 4-100, which is not a span of its text"),
                        ([(text, 11, 4)], "spans 11-4"), ([(text, 4)], "give each aspect as"),
                        ([(text, 4.0, 11)], "whole numbers"), ([(None, 0, 1)], "not a string"),
                        (text, "give a list of")]:
        with pytest.raises(DataError, match=says):
            tiny_model.polarity_proba(items)
    assert tiny_model.polarity_proba([(text, 4, 11), (text, np.int64(4), np.int64(11))]).shape == (2, 3)


def test_evaluate_pipeline_reads_a_file_as_fit_does(tiny_model, tmp_path):
    from sentiment.aspects.evaluation import evaluate_pipeline

    sentences = synthetic(30, seed=5)
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in sentences), encoding="utf-8")
    assert evaluate_pipeline(tiny_model, path) == evaluate_pipeline(tiny_model, sentences)
    with pytest.raises(DataError, match="not one sentence dict"):
        evaluate_pipeline(tiny_model, sentences[0])


def test_the_evaluate_of_aspects_refuses_a_model_of_labels(binary):
    from sentiment.aspects import evaluate_aspects
    from sentiment.aspects.evaluation import evaluate_pipeline

    pipe = sentiment.Pipeline(vectorizer="count").fit(binary.train_texts, binary.train_labels)
    with pytest.raises(ConfigError, match="not a Pipeline; score a model .* sentiment.evaluation.evaluate"):
        evaluate_pipeline(pipe, synthetic(3, seed=1))
    with pytest.raises(ConfigError, match="not a Pipeline"):
        evaluate_aspects("dev.jsonl", pipe)


def test_evaluate_aspects_given_the_model_first_says_the_order(tiny_model, tmp_path):
    from sentiment.aspects import evaluate_aspects

    for model in (tiny_model, tiny_model.save(tmp_path / "model")):  # the model loaded, or its folder
        with pytest.raises(ConfigError, match=r"takes the data first and then the model: evaluate_aspects\(path, model\)"):
            evaluate_aspects(model, "dev.jsonl")


def test_the_evaluate_of_labels_refuses_an_aspect_model_and_a_vectorizer(tiny_model, binary):
    from sentiment.evaluation import evaluate

    with pytest.raises(ConfigError, match="sentiment.aspects.evaluate_aspects"):
        evaluate(tiny_model, ["Great screen."], ["positive"])
    vectorizer = sentiment.TextVectorizer("count").fit(binary.train_texts)
    with pytest.raises(ConfigError, match="a text vectorizer, which labels nothing"):
        evaluate(vectorizer, ["Great screen."], ["positive"])


def test_a_failed_fit_leaves_the_fitted_pipeline_as_it_was(tmp_path):
    pipe = AspectPipeline(prior=None, bits=12).fit(synthetic(40))
    stages = (pipe.extractor_, pipe.polarity_, pipe.categories_)
    text = "The soup was great but the waiter was rude."
    before = pipe.predict_aspects([text])
    late_failure = synthetic(40, seed=1)  # categories of one polarity: refused (before any stage trains)
    for i, sentence in enumerate(late_failure):
        sentence["categories"] = [{"category": ("food", "service")[i % 2], "polarity": "positive"}]
    with pytest.raises(DataError, match="two different polarities"):
        pipe.fit(late_failure)
    assert (pipe.extractor_, pipe.polarity_, pipe.categories_) == stages
    assert pipe.predict_aspects([text]) == before
    with pytest.raises(DataError, match="does not exist"):  # a dev file that is not there: before training
        pipe.fit(synthetic(40, seed=1), dev=str(tmp_path / "missing.jsonl"))
    assert (pipe.extractor_, pipe.polarity_, pipe.categories_) == stages


# -- several sentences per text ----------------------------------------------------------------------
@pytest.mark.parametrize("text, sentences", [
    ("The food was great. The service was slow!  Prices are fair", ["The food was great.", "The service was slow!", "Prices are fair"]),
    ("The food is o.k., but not better.", ["The food is o.k., but not better."]),  # no white space after the dots
    ('Why? "Great." Yes\nA new line ', ["Why?", '"Great."', "Yes", "A new line"]),
    ("   ", []),
    ("The service... was terrible. (Tom!) was rude, e.g. twice", ["The service... was terrible.", "(Tom!) was rude, e.g. twice"]),
    ("Hi!\r\nThere ", ["Hi!", "There"]),
    ("Great screen<br/>awful battery", ["Great screen", "awful battery"]),  # HTML line breaks cut too
    ("<p>Fine keys.</p> <p>Loud fan</P>", ["Fine keys.", "Loud fan"]),
    ("The <b>screen</b> is great", ["The <b>screen</b> is great"]),  # inline tags do not
    ("Pros: great <i>screen</i>\nCons: awful battery", ["Pros: great <i>screen</i>", "Cons: awful battery"]),
    ("Performance<price. The screen is great -> buy it", ["Performance<price.", "The screen is great -> buy it"]),
    ("Try Cafe St. Bart's. Dr. Who came on Nov. 6th, 3 vs. 4 items. Fine", [
        "Try Cafe St. Bart's.", "Dr. Who came on Nov. 6th, 3 vs. 4 items.", "Fine"]),  # abbreviations end none
    ("A fast TEST. Then more. From L.A. Being there", ["A fast TEST.", "Then more.", "From L.A.", "Being there"]),
    ("Good apps, e.g. Word. Bad (i.e. Windows) keys, cf. Excel", ["Good apps, e.g. Word.", "Bad (i.e. Windows) keys, cf. Excel"]),
    ("Great pizza!" + "!" * 5000 + " " * 5000 + "Then" + " " * 5000 + "more\n\n\n" + "!" * 5000,
     ["Great pizza" + "!" * 5001, "Then" + " " * 5000 + "more", "!" * 5000]),  # long runs read as short ones
    ("这部电影很好看！服务很差。", ["这部电影很好看！", "服务很差。"]),  # CJK: no white space after the stop
    ("很好！good food", ["很好！", "good food"]),  # nor a capital
    ("खाना अच्छा था। सेवा खराब थी", ["खाना अच्छा था।", "सेवा खराब थी"]),
    ("هل هو جيد؟ نعم", ["هل هو جيد؟", "نعم"]),
    ("Great food… The service was slow… really", ["Great food…", "The service was slow… really"]),
    ("Great food\rslow service\u2028fair prices\u2029ok\x85fine", ["Great food", "slow service", "fair prices", "ok", "fine"]),
])
def test_sentence_spans(text, sentences):
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


@pytest.mark.parametrize("text, markup", [
    ('<a href="http://x.y/z">link</a>, <br />', ['<a href="http://x.y/z">', "</a>", "<br />"]),
    ("Go to www.apple.com,the keyboard (see http://x.com/keyboard).", ["www.apple.com", "http://x.com/keyboard"]),
    ("I <3 it, x<y, a<b and the screen>d, <li-ion battery>, Love it<!!! >.<", []),  # not tags
    ("<!-- note --> ok <BR>", ["<!-- note -->", "<BR>"]),
    ("<!--\nnote\n-->x <br / >", ["<!--\nnote\n-->", "<br / >"]),
    ("<!-- a <!-- b --> <!-- open <a" + " " * 3000 + "<b  >", ["<!-- b -->", "<b  >"]),  # no comment holds "<!--"
    ("https://en.wikipedia.org/wiki/Foo_(bar) (see www.a.com)", ["https://en.wikipedia.org/wiki/Foo_(bar)", "www.a.com"]),
])
def test_markup_tokens(text, markup):
    assert [text[t.start:t.end] for t in tokenize(text) if t.markup] == markup


def test_web_addresses_and_html_tags_are_whole_tokens_that_no_term_includes():
    text = "Great screen<br/>awful battery, see http://x.com/battery-life or WWW.x.org"
    tokens = tokenize(text)
    assert [text[t.start:t.end] for t in tokens if t.markup] == ["<br/>", "http://x.com/battery-life", "WWW.x.org"]
    assert "battery" not in [t.text for t in tokens if t.markup] and "xxurl" in [t.text for t in tokens]
    tags = ["B" if t.text in ("screen", "awful") or t.markup else "I" if t.text == "battery" else "O"
            for t in tokens]  # the tags say "screen<br/>", "awful battery" and both addresses are terms
    assert [text[a:b] for _, _, a, b in spans_from_tags(tokens, tags)] == ["screen", "awful battery"]


def test_by_sentence_reads_each_aspect_in_its_own_sentence(tiny_model, monkeypatch):
    text = "The pizza was awful. The service was superb."
    seen = []
    original = tiny_model.polarity_.predict_proba
    monkeypatch.setattr(tiny_model.polarity_, "predict_proba", lambda items: seen.append(items) or original(items))
    whole = tiny_model.predict_aspects([text], aspects=["pizza", "service"], by_sentence=False)[0]
    by_sentence = tiny_model.predict_aspects([text], aspects=["pizza", "service"])[0]  # the default
    assert seen[0] == [(text, 4, 9), (text, 25, 32)]
    assert seen[1] == [("The pizza was awful.", 4, 9), ("The service was superb.", 4, 11)]
    assert [(a["term"], a["from"], a["to"]) for a in by_sentence] == [(a["term"], a["from"], a["to"]) for a in whole]
    assert [a["polarity"] for a in by_sentence] == ["negative", "positive"]
    rows = tiny_model.annotate([text], aspects=["pizza"])
    assert rows[0]["aspects"][0]["from"] == 4 and seen[-1] == [("The pizza was awful.", 4, 9)]
    tiny_model.annotate([text], aspects=["pizza"], by_sentence=False)
    assert seen[-1] == [(text, 4, 9)]


@pytest.mark.parametrize("method", ["predict_aspects", "extract", "annotate", "explain"])
def test_by_sentence_is_true_or_false(tiny_model, method):
    with pytest.raises(ConfigError, match="by_sentence is True .* or False .*, not 'no'"):
        getattr(tiny_model, method)(["The pizza was awful."], by_sentence="no")
    assert getattr(tiny_model, method)(["The pizza was awful."], by_sentence=np.False_)


def test_terms_are_found_in_each_sentence_on_its_own(tiny_model, monkeypatch):
    text = "  The pizza was awful.\nThe service was superb. "
    seen = []
    original = tiny_model.extractor_.extract
    monkeypatch.setattr(tiny_model.extractor_, "extract", lambda texts: seen.append(texts) or original(texts))
    by_sentence = tiny_model.predict_aspects([text, ""])
    assert seen == [["The pizza was awful.", "The service was superb.", ""]]  # one batch of every text's sentences
    one_by_one = [tiny_model.predict_aspects([piece])[0] for piece in ("The pizza was awful.", "The service was superb.")]
    assert by_sentence[1] == [] and len(by_sentence[0]) == sum(map(len, one_by_one)) > 0
    for found in by_sentence[0]:  # offsets into the whole text
        assert text[found["from"]:found["to"]] == found["term"]
    shift = {"The pizza was awful.": 2, "The service was superb.": text.index("The service")}
    expected = [(a["term"], a["from"] + shift[piece]) for piece, found in zip(shift, one_by_one) for a in found]
    assert [(a["term"], a["from"]) for a in by_sentence[0]] == expected
    tiny_model.predict_aspects([text], by_sentence=False)
    assert seen[-1] == [text]


def test_evaluation_reads_gold_aspects_within_their_sentences_as_predict_does(tiny_model, monkeypatch):
    from sentiment.aspects.evaluation import evaluate_pipeline

    text = "The pizza was awful. The service was superb."
    seen = []
    original = tiny_model.polarity_.predict_proba
    monkeypatch.setattr(tiny_model.polarity_, "predict_proba", lambda items: seen.append(items) or original(items))
    gold = [{"text": text, "aspects": [{"term": "pizza", "from": 4, "to": 9, "polarity": "negative"},
                                       {"term": "service", "from": 25, "to": 32, "polarity": "positive"}]}]
    evaluate_pipeline(tiny_model, gold)
    assert [("The pizza was awful.", 4, 9), ("The service was superb.", 4, 11)] in seen
    assert all(item[0] != text for items in seen for item in items)


def test_a_term_across_a_sentence_end_keeps_both_sentences(tiny_model, monkeypatch):
    text = "We ate at Joe's. Pizza. Then home."
    seen = []
    original = tiny_model.polarity_.predict_proba
    monkeypatch.setattr(tiny_model.polarity_, "predict_proba", lambda items: seen.append(items) or original(items))
    tiny_model.predict_aspects([text], aspects=["Joe's. Pizza"], by_sentence=True)
    assert seen == [[("We ate at Joe's. Pizza.", 10, 22)]]


def test_a_loaded_model_tokenizes_as_it_was_trained(tmp_path):
    from sentiment.tokens import token_cleaner

    pipe = AspectPipeline(prior=None, bits=12)
    pipe.cleaner = token_cleaner(repeats=False)  # not today's default: as if the defaults changed since
    pipe.fit(synthetic(40)).save(tmp_path / "m")
    loaded = AspectPipeline.load(tmp_path / "m")
    assert loaded.cleaner.repeats is False and loaded.cleaner.to_dict() == pipe.cleaner.to_dict()
    assert loaded.extractor_.cleaner is loaded.cleaner and loaded.polarity_.cleaner is loaded.cleaner


def test_loading_another_kind_of_model_as_an_aspect_model_names_it(saved_ensemble, saved_model):
    with pytest.raises(ModelFileError, match="holds an ensemble model, not an aspect model"):
        AspectPipeline.load(saved_ensemble)
    with pytest.raises(ModelFileError, match="holds a polarity model, not an aspect model"):
        AspectPipeline.load(saved_model)


def test_word_vectors_or_a_device_without_a_model_that_reads_them_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="vectors_path goes with extractor='lstm' or 'combined', or polarity='lstm' or 'mean'"):
        AspectPipeline(prior=None, vectors_path=str(tmp_path / "vectors.txt")).fit(synthetic(20))
    with pytest.raises(ConfigError, match="vectors_path goes with"):  # before the (missing) data file is read
        fit_aspects(tmp_path / "missing.jsonl", None, prior=None, vectors_path=str(tmp_path / "vectors.txt"))
    with pytest.raises(ConfigError, match=r"device goes with extractor='lstm' .*\(the PyTorch models run on it\)"):
        AspectPipeline(prior=None, device="mps").fit(synthetic(20))  # was saved with the classical models, unused


def test_within_sentences_keeps_every_span_inside_the_piece_it_reads():
    from sentiment.aspects.pipeline import _Sentences, _within_sentences

    text = "Great pizza. Bad service."
    pieces = _within_sentences([(text, 6, 13), ("   ", 0, 2), (text, 17, 24)], _Sentences())
    assert pieces[1] == ("   ", 0, 2)  # white space only: read as it is
    for piece, start, end in pieces:
        assert 0 <= start < end <= len(piece)
    assert pieces[2] == ("Bad service.", 4, 11)


def test_fit_aspects_logs_each_step(tmp_path):
    data = tmp_path / "train.jsonl"
    rows = synthetic(60, seed=2)
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    logged = []
    refitted, report = fit_aspects(data, None, prior=None, bits=12, categories=False, log=logged.append)
    assert refitted.info_["refit_on_all"] is True  # saved with the model: its dev figures came from a smaller one
    assert report["n_train"] == len(rows) and report["refit_on_all"]  # the sentences the saved model learnt from
    import re

    assert re.fullmatch(r"note: \d+ of the \d+ dev sentences also occur among the training sentences \(repeated "
                        r"sentences\), so the dev figures are optimistic; leave the repeated ones out of the data",
                        logged.pop(0))  # synthetic() repeats "We went there on a Tuesday."

    train, dev = map(int, re.fullmatch(r"training the aspect extractor and polarity model on (\d+) sentences "
                                       r"\(\d+ aspects\); dev: (\d+) sentences held out of train.jsonl \(seed 0\)",
                                       logged[0]).groups())
    assert train + dev == len(rows) and 0 < dev < train
    assert logged[1].startswith("dev extraction F1 ") and f"training again on all {len(rows)} sentences" in logged[1]


def test_fit_aspects_notes_a_dev_file_that_is_the_training_file_or_repeats_its_sentences(tmp_path):
    rows = [r for r in synthetic(60, seed=2) if r["aspects"]]  # no repeated sentence
    data, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    dev.write_text("".join(json.dumps(r) + "\n" for r in rows[:4] + synthetic(10, seed=7)), encoding="utf-8")
    for dev_path, note in ((data, "note: the dev file is the training file, so the dev figures are figures on training "
                                  "data"),
                           (dev, "note: 4 of the 16 dev sentences also occur among the training sentences (repeated "
                                 "sentences), so the dev figures are optimistic; leave them out of one of the files"),
                           (None, None)):
        logged = []
        fit_aspects(data, None, dev_path=dev_path, refit=False, prior=None, bits=12, categories=False,
                    log=logged.append)
        assert [line for line in logged if line.startswith("note:")] == ([note] if note else [])
        trained = next(line for line in logged if line.startswith("training "))  # the dev file named, as --dev gave it
        assert trained.endswith(f" sentences of {dev_path.name}" if dev_path else " held out of train.jsonl (seed 0)")


def test_the_pipelines_own_dev_fraction_is_a_setting_apart_from_the_dev_split(tmp_path):
    data = tmp_path / "train.jsonl"
    rows = synthetic(60, seed=2)
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pipe, report = fit_aspects(data, None, dev_fraction=0.3, refit=False, prior=None, bits=12, categories=False,
                               settings={"dev_fraction": 0.25})
    assert pipe.params["dev_fraction"] == 0.25 and abs(report["n_dev"] - 0.3 * len(rows)) <= 1
    assert report["n_train"] + report["n_dev"] == len(rows)  # not trained again on all
    assert pipe.info_["refit_on_all"] is False
    from sentiment.cli import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["fit", str(data), "--task", "aspect", "--set", "dev_fraction=0.2", "--set",
                                      "prior=null", "--no-refit", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "m" / "config.json").read_text())["pipeline"]["dev_fraction"] == 0.2


def test_contrastive_sentences_name_their_sources_and_drop_an_opening_connective():
    good = {"text": "The pasta was superb.", "aspects": [{"term": "pasta", "from": 4, "to": 9, "polarity": "positive"}]}
    bad = {"text": "But the staff, however, was rude.",
           "aspects": [{"term": "staff", "from": 8, "to": 13, "polarity": "negative"}]}
    made = contrastive_sentences([good, bad], 6, seed=0)
    assert made
    for s in made:
        check_sentence(s)
        assert sorted(s["sources"]) == [0, 1]
        assert not re.search(r"(?i)(but|however|although|while|whereas),? (but|however)\b", s["text"])  # no "..., although but ..."
        assert s["text"].startswith("But the staff") or any(j + "the staff" in s["text"] for j in CONTRAST_JOINS)
    for opening, kept in (("So, the staff was rude.", "the staff"), ("So rude a staff.", "so rude"),
                          ("Although the staff was rude.", "the staff")):
        other = {"text": opening, "aspects": [{"term": "staff", "from": opening.index("staff"),
                                               "to": opening.index("staff") + 5, "polarity": "negative"}]}
        for s in contrastive_sentences([good, other], 4, seed=0):
            check_sentence(s)
            assert s["text"].startswith(opening[:-1]) or any(j + kept in s["text"] for j in CONTRAST_JOINS)
    named = {"text": "However burger was cold", "aspects": [{"term": "However burger", "from": 0, "to": 14,
                                                               "polarity": "negative"}]}
    for s in contrastive_sentences([good, named], 4, seed=0):  # a term that starts with the connective keeps it
        check_sentence(s)


def test_aspect_groups_follow_sentences_and_contrast_sources():
    from sentiment.aspects.polarity import aspect_groups, aspect_items

    rows = synthetic(30, seed=3)
    joined = rows + contrastive_sentences(rows, 0.5, seed=0)
    items, labels = aspect_items(joined)
    groups = aspect_groups(joined)
    assert len(groups) == len(items) == len(labels)
    k = 0
    for n, s in enumerate(joined):
        for a in s["aspects"]:
            if a["polarity"] in POLARITIES:
                assert groups[k] == (tuple(s["sources"]) if n >= len(rows) else (n,))
                assert items[k] == (s["text"], a["from"], a["to"])
                k += 1


def test_predict_aspects_splits_each_text_into_sentences_once(monkeypatch):
    from sentiment.aspects import pipeline as module

    pipe = AspectPipeline(prior=None, bits=12, categories=False).fit(synthetic(60, seed=2))
    texts = ["The food is awful. But the service is great.", "The food is awful. But the service is great.",
             "Great service!"]
    expected = pipe.predict_aspects(texts)
    split = []
    monkeypatch.setattr(module, "sentence_spans", lambda text: split.append(text) or sentence_spans(text))
    assert pipe.predict_aspects(texts) == expected and sorted(split) == sorted(set(texts))
    split.clear()
    assert pipe.predict_aspects(texts, aspects=["service"]) and sorted(split) == sorted(set(texts))


def test_a_prior_that_the_checksums_do_not_cover_is_refused(tmp_path):  # categories: test_aspect_categories
    from conftest import edit_config

    texts = ["a wonderful film", "truly dreadful", "superb", "awful"] * 6
    sentiment.Pipeline(vectorizer="count", model="logreg").fit(texts, [1, 0, 1, 0] * 6).save(tmp_path / "prior")
    AspectPipeline(prior=str(tmp_path / "prior"), bits=12).fit(synthetic(60)).save(tmp_path / "model")
    assert AspectPipeline.load(tmp_path / "model").prior_ is not None
    copy = shutil.copytree(tmp_path / "model", tmp_path / "copy")
    edit_config(copy, lambda c: c.update(files={k: v for k, v in c["files"].items() if not k.startswith("prior/")}))
    with pytest.raises(ModelFileError, match="does not list its prior model among its checked files"):
        AspectPipeline.load(copy)


def test_a_prior_replaced_by_a_model_of_another_kind_is_refused_by_name(tmp_path):
    """As fit takes no prior without a 'positive' class: a vectorizer or an aspect model put in as the prior (its
    checksums recomputed) read as "(TextVectorizer has no attribute 'label_names_')"."""
    from conftest import edit_config

    from sentiment.persistence import checksum

    texts = ["a wonderful film", "truly dreadful", "superb", "awful"] * 6
    sentiment.Pipeline(vectorizer="count", model="logreg").fit(texts, [1, 0, 1, 0] * 6).save(tmp_path / "prior")
    AspectPipeline(prior=str(tmp_path / "prior"), bits=12).fit(synthetic(60)).save(tmp_path / "model")
    shutil.rmtree(tmp_path / "model" / "prior")
    sentiment.TextVectorizer("count").fit(texts).save(tmp_path / "vectorizer")
    shutil.copytree(tmp_path / "vectorizer", tmp_path / "model" / "prior")
    files = {path.relative_to(tmp_path / "model").as_posix(): checksum(path)
             for path in (tmp_path / "model" / "prior").rglob("*") if path.is_file()}
    edit_config(tmp_path / "model", lambda c: c.update(
        files={**{k: v for k, v in c["files"].items() if not k.startswith("prior/")}, **files}))
    with pytest.raises(ModelFileError, match=r"not a consistent aspect model \(its prior is a vectorizer model without "
                                             r"a 'positive' class, not a sentence polarity model\); train it again"):
        sentiment.load(tmp_path / "model")


def test_an_unknown_option_is_a_config_error_listing_the_valid_ones():
    with pytest.raises(sentiment.ConfigError, match="'extractr' is not an option of the aspect model \\(did you mean 'extractor'\\?\\); choose from: extractor"):
        AspectPipeline(prior=None, extractr="lstm")
    assert "extractr" not in sentiment.aspects.aspect_options() and "extractor" in sentiment.aspects.aspect_options()


def test_each_texts_terms_may_be_any_list_like():
    import pandas as pd

    from sentiment.aspects.terms import locate_terms

    texts = ["a C++ b", "the b here"]
    expected = [[{"term": "C++", "from": 2, "to": 5}], [{"term": "b", "from": 4, "to": 5}]]
    for first in (["C++"], ("C++",), {"C++"}, np.array(["C++"]), pd.Series(["C++"])):
        assert locate_terms(texts, [first, ["b"]]) == expected
    assert locate_terms(texts, np.array(["b"])) == [[{"term": "b", "from": 6, "to": 7}], expected[1]]  # one for all


def test_a_term_right_after_an_html_tag_is_found():
    from sentiment.aspects.terms import locate_terms

    assert [(a["term"], a["from"], a["to"]) for a in locate_terms(["<b>pizza</b> was great"], ["pizza"])[0]] == \
        [("pizza", 3, 8)]
    assert locate_terms(['<a title="pizza">menu</a>'], ["pizza"]) == [[]]  # inside the tag: none


def test_a_fit_that_fails_leaves_the_pipeline_as_it_was(monkeypatch):
    from sentiment.aspects import evaluation
    from sentiment.errors import DataError

    data = synthetic(60, seed=3)
    fitted = AspectPipeline(prior=None).fit(data)
    expected = fitted.predict_aspects(["The food was great"])
    with pytest.raises(DataError, match="hold no gold aspect terms"):  # said before training
        fitted.fit(synthetic(60, seed=4), dev=[{"text": "hello", "aspects": []}])
    assert fitted.predict_aspects(["The food was great"]) == expected

    def fails(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(evaluation, "evaluate_pipeline", fails)
    with pytest.raises(MemoryError):  # while scoring dev, after training
        fitted.fit(synthetic(60, seed=4), dev=data[:5])
    assert fitted.predict_aspects(["The food was great"]) == expected
    fresh = AspectPipeline(prior=None)
    with pytest.raises(MemoryError):
        fresh.fit(data, dev=data[:5])
    assert fresh.extractor_ is None


@pytest.mark.parametrize("options", [{"seed": -1}, {"seed": 2**40}, {"seed": "abc"}, {"seed": 1.5}, {"seed": True},
                                     {"tagger_C": float("nan")}, {"polarity_C": float("inf")}, {"tagger_C": True},
                                     {"prior": 123}])
def test_bad_aspect_settings_are_refused_when_given(options):
    from sentiment.errors import ConfigError

    with pytest.raises(ConfigError, match=f"{next(iter(options))} must be"):
        AspectPipeline(**options)
    with pytest.raises(ConfigError, match=f"{next(iter(options))} must be"):
        AspectPipeline(prior=None).set_params(**options)


def test_numpy_settings_are_settings(tiny_model):
    """As a grid of np.arange / np.logspace values gives them, and scikit-learn's clone and fitted check."""
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError as SklearnNotFitted
    from sklearn.utils.validation import check_is_fitted

    given = AspectPipeline(prior=None, seed=np.int64(3), hidden_size=np.int64(64), crf=np.False_,
                           tagger_C=np.float32(2.0), bits=np.int64(12), dropout=np.float64(0.25))
    params = given.get_params()
    assert (params["seed"], params["hidden_size"], params["crf"], params["tagger_C"], params["bits"]) == (3, 64, False, 2.0, 12)
    assert all(not isinstance(value, np.generic) for value in params.values())  # JSON-able as they are
    assert clone(given.set_params(n_nets=np.int64(2))).get_params() == {**params, "n_nets": 2}
    with pytest.raises(SklearnNotFitted):
        check_is_fitted(given)
    check_is_fitted(tiny_model)


@pytest.mark.parametrize("aspects", [5, np.array("battery"), b"battery", {"battery": 1}])
def test_aspects_that_are_no_terms_are_refused_in_one_line(aspects):
    from sentiment.aspects.terms import locate_terms
    from sentiment.errors import DataError

    with pytest.raises(DataError, match="aspects must be a term, a list of terms, or one list of terms per text"):
        locate_terms(["Great battery."], aspects)


def test_polarity_chunks_bound_both_the_aspects_and_their_texts_characters(monkeypatch):
    from sentiment.aspects import pipeline

    monkeypatch.setattr(pipeline, "POLARITY_CHUNK", 3)
    monkeypatch.setattr(pipeline, "POLARITY_CHUNK_CHARS", 10)
    pairs = [("abcd", i, i + 1) for i in range(5)] + [("x" * 25, 0, 1)] + [("ab", i, i + 1) for i in range(4)]
    chunks = list(pipeline._polarity_chunks(pairs))
    assert [p for chunk in chunks for p in chunk] == pairs  # every pair once, in order
    assert [len(chunk) for chunk in chunks] == [2, 2, 1, 1, 3, 1]  # 8 characters; a longer text alone; 3 aspects
    assert list(pipeline._polarity_chunks([])) == []


def test_aspect_json_that_python_cannot_read_is_refused_naming_the_line(tmp_path):
    from sentiment.aspects.data import read_aspect_data

    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"text": "The food", "aspects": []}\n{"text": "x", "aspects": ' + "[" * 3000 + "]" * 3000 + "}\n")
    with pytest.raises(DataError, match=r"deep.jsonl, line 2 cannot be read as a JSON object \(its values nest too "
                                        r"deeply\); give one JSON object per line"):
        read_aspect_data(lines)
    for line, problem in [('{"text": "The food is bad", "text": "Service great", "aspects": []}', "its key 'text' appears twice"),
                          ('{"text": "x", "aspects": [{"term": "x", "from": 0, "from": 1, "to": 1}]}', "its key 'from' appears twice"),
                          ('["The food", []]', "it is a JSON array"), ("null", "it is a JSON null"), ("\"The food\"", "it is a JSON string")]:
        lines.write_text('{"text": "The food", "aspects": []}\n' + line + "\n")
        with pytest.raises(DataError, match=f"deep.jsonl, line 2 cannot be read as a JSON object \\({problem}"):
            read_aspect_data(lines)
    array = tmp_path / "digits.json"
    array.write_text(" [ ]\n")
    with pytest.raises(DataError, match=r"digits.json holds no sentences \(an empty JSON array\); put one object per "
                                        "sentence in it"):
        read_aspect_data(array)
    array.write_text('[{"text": "The food", "aspects": [], "id": ' + "1" * 5000 + "}]")
    with pytest.raises(DataError, match=r"digits.json: not valid JSON \(a number of more digits than can be read; write "
                                        r"it as a string\); give a JSON array"):
        read_aspect_data(array)
    array.write_text('[{"text": "The food is bad", "text": "Service great", "aspects": []}]')
    with pytest.raises(DataError, match=r"digits.json: an object of its array gives the key 'text' twice, so which value "
                                        r"is meant is unclear; keep one"):
        read_aspect_data(array)


def test_a_table_of_labelled_texts_read_as_aspect_data_says_what_it_is(tmp_path):
    from sentiment.aspects.data import read_aspect_data

    path = tmp_path / "labels.jsonl"
    path.write_text('{"text": "The food was great.", "label": "positive"}\n{"text": "Slow.", "label": "negative"}\n')
    with pytest.raises(DataError, match=r'has a "label" and no "aspects" in any line: labelled texts for a polarity or emotion model, not aspect data for an aspect model'):
        read_aspect_data(path)
    path.write_text('{"text": "The food was great.", "label": "positive", "aspects": []}\n')
    assert read_aspect_data(path)[0]["aspects"] == []  # aspect data that also carry a label: read
    table = tmp_path / "labels.csv"  # said alike by fit --task aspect and by evaluate with an aspect --model
    table.write_text("text,label\ngood film,positive\n")
    with pytest.raises(DataError, match=r"a table of texts and labels is sentence-level data, for a polarity or emotion "
                                        r"model, not an aspect model\)$"):
        read_aspect_data(table)


@pytest.mark.parametrize("text", ["The food was not good 😞 the service was great",
                                  "The food was not good\nthe service was great",
                                  "The food was not good\u2028the service was great",
                                  "The food was not good<br>the service was great",
                                  # a dash too (text-reading version 12), which the Cleaner drops
                                  "The food was not good - the service was great",
                                  "The food was not good\u2014the service was great",
                                  "The food was not good -- the service was great",
                                  "The food was not good&mdash;the service was great"])
def test_a_clause_and_its_negation_end_where_the_cleaner_ends_a_negation_scope(text):
    """At a line break and on both sides of an emoji or an HTML block tag, as the Cleaner's negation scope."""
    from sentiment.aspects.polarity import clause_cuts, context_features, locate, prior_texts

    tokens = tokenize(text)
    start = text.index("service")
    span = locate(tokens, start, start + len("service"))
    cuts = clause_cuts(text, tokens)
    clause = [f for f in context_features(tokens, *span, cuts=cuts) if isinstance(f, str) and f.startswith("C=")]
    assert clause == ["C=the", "C=was", "C=great"]
    assert prior_texts(text, tokens, *span)[0] == "the service was great"
    plain = "The food was not good, the service was great 👍 <b>really</b>"  # an emoji cuts; an inline tag does not
    assert clause_cuts(plain, tokenize(plain)) == {10, 11}
    assert "C=not_great" in context_features(tokens, *span)  # without the cuts: the scope runs on


@pytest.mark.parametrize("text, term, clause", [
    ("The food was not good (the service was great)", "service", ["the", "food", "was", "not", "not_good", "not_(",
                                                                 "not_the", "not_was", "not_great", "not_)"]),
    # a bracket ends no negation (version 13; 12's rule cost the classical model on both domains)
    ("The wine list (by the glass) is not great", "list", ["the", "wine", "(", "by", "the", "glass", ")", "is", "not",
                                                           "not_great"]),  # but no clause
    ("The pizza was not only tasty but also cheap", "pizza", ["the", "was", "not", "only", "tasty", "but", "also", "cheap"]),
    ("The pasta isn't just good, it is great", "pasta", ["the", "isn't", "just", "good"]),
    ("The hard-drive is not great", "drive", ["the", "hard", "-", "is", "not", "not_great"]),  # a hyphen in a word
    ("The battery lasts -5 degrees", "battery", ["the", "lasts", "-", "5", "degrees"]),
    ("The food was not good - the service was great", "food", ["the", "was", "not", "not_good"]),
])
def test_dashes_brackets_and_not_only_in_an_aspects_clause(text, term, clause):
    """Text-reading version 12: a dash ends a clause and its negation; "not only" negates nothing and "but also"
    contrasts nothing. Version 13: a bracket ends neither."""
    from sentiment.aspects.polarity import clause_cuts, contrasted_part

    tokens = tokenize(text)
    words = [t.text for t in tokens]
    at = words.index(term)
    features = context_features(tokens, at, at + 1, cuts=clause_cuts(text, tokens))
    assert [f[2:] for f in features if isinstance(f, str) and f.startswith("C=")] == clause
    assert contrasted_part(words, at, at + 1) == (0, 0)  # no contrast word parts any of them


@pytest.mark.parametrize("text, term, clause", [
    ("I have had no problems with Windows 8.1 or the keyboard", "keyboard",
     ["i", "have", "had", "no", "not_problems", "not_with", "not_windows", "not_8", "not_.", "not_1", "not_or", "not_the"]),
    ("The processor at 2.1 GHz is a bummer", "processor", ["the", "at", "2", ".", "1", "ghz", "is", "a", "bummer"]),
    ("The staff at St. Mark's was rude", "staff", ["the", "at", "st", ".", "mark", "'s", "was", "rude"]),
    ("Opens at 8:00, not worth 1,000 dollars", "dollars", ["not", "not_worth", "not_1", "not_,", "not_000"]),
    ("The pasta e.g. was not good", "pasta", ["the", "e", ".", "g", ".", "was", "not", "not_good"]),
    ("I wouldn't recommend the Norton™ antivirus", "antivirus",  # the Cleaner drops ™ and reads on
     ["i", "wouldn't", "not_recommend", "not_the", "not_norton", "not_™"]),
    ("The pizza&nbsp;was&nbsp;really&nbsp;good", "pizza", ["the", "was", "really", "good"]),  # &nbsp;: a space
    # still clause ends: a stop between a number and a word, a comma after a number, a full stop after a word
    ("It cost 20. The pasta was not good", "pasta", ["the", "was", "not", "not_good"]),
    ("It cost 20, the pasta was not good", "pasta", ["the", "was", "not", "not_good"]),
])
def test_numbers_abbreviations_and_signs_in_an_aspects_clause(text, term, clause):
    """Text-reading version 14: a mark inside a number or after an abbreviation ends no clause or negation,
    ©, ® and ™ part none, and an entity of white space is no token, as the Cleaner reads them."""
    from sentiment.aspects.polarity import clause_cuts, locate

    tokens = tokenize(text)
    start = text.index(term)
    features = context_features(tokens, *locate(tokens, start, start + len(term)), cuts=clause_cuts(text, tokens))
    assert [f[2:] for f in features if isinstance(f, str) and f.startswith("C=")] == clause


@pytest.mark.parametrize("text, term, clause, across, scored", [
    # an aside between commas that a predicate follows parts nothing: the bare subject takes its predicate
    ("The service, however, was terrible.", "service", ["the", "was", "terrible"], "", "The service was terrible"),
    ("The food, though, was great", "food", ["the", "was", "great"], "", "The food was great"),
    ("The pasta, while pricey, was delicious.", "pasta", ["the", "was", "delicious"], "", "The pasta was delicious"),
    ("My favorite, although the most expensive, was my Sony.", "favorite", ["my", "was", "my", "sony"], "", "My favorite was my Sony"),
    ("The staff, who were new, were lovely", "staff", ["the", "were", "lovely"], "", "The staff were lovely"),
    ("The prices, while not cheap, won't hurt", "prices", ["the", "won't", "not_hurt"], "", "The prices won't hurt"),
    ("The service... was terrible", "service", ["the", "was", "terrible"], "", "The service was terrible"),  # an ellipsis
    ("The service\u2026 wasn't good", "service", ["the", "wasn't", "not_good"], "", "The service wasn't good"),
    # "nothing but" and "anything but" say how much, they contrast nothing
    ("The staff were nothing but friendly", "staff", ["the", "were", "nothing", "but", "friendly"], "", "The staff were nothing but friendly"),
    ("The prices are anything but cheap", "prices", ["the", "are", "anything", "but", "not_cheap"], "", "The prices are anything but cheap"),
    ("I never had anything but praise for the staff", "staff",
     ["i", "never", "not_had", "not_anything", "but", "praise", "for", "the"], "", "I never had anything but praise for the staff"),
    # still contrasts: what follows the aside is a clause of its own, or nothing; a full stop ends a sentence
    ("Great food, however, the service was slow", "food", ["great"], ", the service was slow", "Great food"),
    ("Great food, however, the service was slow", "service", ["the", "was", "slow"], "Great food,", "the service was slow"),
    ("The service was fine, though.", "service", ["the", "was", "fine"], "", "The service was fine"),
    ("The service. Was terrible", "service", ["the"], "", "The service"),
    ("The service; was terrible", "service", ["the"], "", "The service"),
    ("The pasta, while pricey, the wine was cheap", "pasta", ["the"], "pricey, the wine was cheap", "The pasta"),
    ("Nha Trang, while slow to serve, rude staff and cold meals, is great", "staff", ["rude", "and", "cold", "meals"],
     "Nha Trang,", "rude staff and cold meals"),  # the rest of an aside ("while" contrasts: no predicate follows)
    ("If you want cheap wine, don't go here", "wine", ["if", "you", "want", "cheap"], "", "If you want cheap wine"),
    ("I am a 100 lb girl, had no wine", "girl", ["i", "am", "a", "100", "lb"], "", "I am a 100 lb girl"),
    # after a review: a lone comma parts no subject from its predicate, a subject opens with a determiner or a
    # possessive, a line break or a contrast parts them, and tags are no neighbours of "but"
    ("Loved the food, however, was disappointed with the service", "food", ["loved", "the"],
     ", was disappointed with the service", "Loved the food"),
    ("Great food, can't say the same for the service", "food", ["great"], "", "Great food"),
    ("I'm a fan of their pizza, wasn't impressed", "pizza", ["i'm", "a", "fan", "of", "their"], "",
     "I'm a fan of their pizza"),
    ("The waitress, seems rude", "waitress", ["the"], "", "The waitress"),
    ("The service,\nwas terrible", "service", ["the"], "", "The service"),
    ("The pasta, however... was delicious", "pasta", ["the"], "... was delicious", "The pasta"),
    ("The pasta, even though a bit pricey, was delicious", "pasta", ["the", "was", "delicious"], "",
     "The pasta was delicious"),
    ("Nha Trang, while slow, the rude staff, is great", "staff", ["the", "rude"], "Nha Trang,", "the rude staff"),
    ("The staff were nothing <b>but</b> friendly", "staff", ["the", "were", "nothing", "but", "friendly"], "",
     "The staff were nothing <b>but</b> friendly"),
    ("The prices are anything <i>but</i> cheap", "prices", ["the", "are", "anything", "but", "not_cheap"], "",
     "The prices are anything <i>but</i> cheap"),
    # after a second review: a cut (dash, emoji, line break) before the subject, a sentence that opens with a
    # subordinate clause, tags and brackets around the subject
    ("Great food - the service, however, was terrible", "service", ["the", "was", "terrible"], "",
     "the service was terrible"),
    ("Even on a busy night, the staff, however, were rude", "staff", ["the", "were", "rude"], "",
     "the staff were rude"),
    ("<b>The service</b>, however, was terrible", "service", ["the", "was", "terrible"], "",
     "<b>The service</b> was terrible"),
    ("The food (which we ordered), was terrible", "food", ["the", "(", "which", "we", "ordered", ")", "was", "terrible"],
     "", "The food (which we ordered) was terrible"),
    ("The food, (which we ordered), was terrible", "food", ["the", "was", "terrible"], "", "The food was terrible"),
    ("Despite its lovely atmosphere, will not return", "atmosphere", ["despite", "its", "lovely"], "",
     "Despite its lovely atmosphere"),  # no subject
    ("It took an hour to get our check, didn't tip", "check", ["it", "took", "an", "hour", "to", "get", "our"], "",
     "It took an hour to get our check"),
    ("The food was not good but the staff were great", "staff", ["the", "were", "great"], "The food was not good", "the staff were great"),
    # version 21: a subject without a determiner that starts a sentence (not one inside it, nor "Loved it")
    ("Service, however, was awful", "Service", ["was", "awful"], "", "Service was awful"),
    ("Great food. Service, however, was awful", "Service", ["was", "awful"], "", "Service was awful"),
    ("Food and service, while pricey, were great", "service", ["food", "and", "were", "great"], "",
     "Food and service were great"),
    ("Loved it, however, the food was bad", "food", ["the", "was", "bad"], "Loved it,", "the food was bad"),
    ("Great food, service, however, was awful", "service", [], ", was awful", "service"),
    ("Great pizza, however, wasn't a fan of the wings", "pizza", ["great"], ", wasn't a fan of the wings", "Great pizza"),
    ("Great food - service, however, was awful", "service", [], ", was awful", "service"),
    ("Great food \u2015 service, however, was awful", "service", [], ", was awful", "service"),  # any dash
    # version 22: a sentence adverb between commas is an aside too (the clause was the bare subject alone)
    ("The keyboard, sadly, is mushy.", "keyboard", ["the", "is", "mushy"], "", "The keyboard is mushy"),
    ("The staff, honestly, were rude", "staff", ["the", "were", "rude"], "", "The staff were rude"),
    ("Great food, sadly, the service was slow", "service", ["the", "was", "slow"], "", "the service was slow"),
    ("We went on Friday, honestly, the pizza... was cold.", "pizza", ["the", "was", "cold"], "",
     "the pizza was cold"),  # a lone adverb has no rest that the subject would go on
])
def test_asides_and_bare_subjects_in_an_aspects_clause(text, term, clause, across, scored):
    """Text-reading version 17: "however", "though", "although", "while" and "whereas" in an aside between
    commas that a predicate follows part no clause, a bare subject's clause takes its predicate past asides
    or an ellipsis, and "nothing but" / "anything but" contrast nothing ("anything but" negates)."""
    from sentiment.aspects.polarity import CONTRASTS, clause_cuts, contrasted_part, locate, prior_texts

    tokens = tokenize(text)
    span = locate(tokens, text.index(term), text.index(term) + len(term))
    cuts = clause_cuts(text, tokens)
    features = context_features(tokens, *span, cuts=cuts)
    assert [f[2:] for f in features if isinstance(f, str) and f.startswith("C=")] == clause
    words = [t.text for t in tokens]
    part = contrasted_part(words, *span, cuts)
    assert (text[tokens[part[0]].start:tokens[part[1] - 1].end] if part[1] > part[0] else "") == across
    assert prior_texts(text, tokens, *span, True, cuts) == [scored, *prior_texts(text, tokens, *span)[1:], across]
    beyond = [f[0][3:] for f in features if isinstance(f, tuple) and f[0].startswith("XD=")]  # words across a contrast
    assert any(w[:1].isalnum() and w not in CONTRASTS for w in beyond) == bool(across)


def test_the_features_of_several_aspects_of_a_text_are_those_of_each_alone():
    """The negation marks are found once per text: each aspect's features are those it has alone."""
    from sentiment.aspects.polarity import clause_cuts, locate

    text = "The pizza was not good, but the staff and the wine were great"
    items = [(text, text.index(term), text.index(term) + len(term)) for term in ("pizza", "staff", "wine")]
    tokens = tokenize(text)
    alone = [context_features(tokens, *locate(tokens, start, end), cuts=clause_cuts(text, tokens))
             for _, start, end in items]
    assert ClassicalPolarity().features(items) == alone
    assert "C=not_good" in alone[0] and "C=great" in alone[1]


def test_the_polarity_macro_f1_names_the_polarities_it_averages():
    gold = [{"text": "good food, bad wine", "aspects": [{"term": "food", "from": 5, "to": 9, "polarity": "positive"},
                                                          {"term": "wine", "from": 15, "to": 19, "polarity": "negative"}]}]
    report = score_aspects(gold, [[]], [["positive", "negative"]])
    assert report["polarity_macro_f1"] == 1.0 and report["polarity_macro_f1_labels"] == ["negative", "positive"]
    assert ("macro-F1 1.0000 (over 2 of 3 polarities that occur in the gold or the predictions: negative, positive)"
            in format_aspect_report(report))
    report = score_aspects(gold, [[]], [["neutral", "negative"]])
    assert report["polarity_macro_f1_labels"] == ["negative", "neutral", "positive"]
    assert "(over " not in format_aspect_report(report)


def test_html_tags_and_web_addresses_give_no_context_features():
    from sentiment.aspects.polarity import clause_cuts, locate

    text = "The food was not good<br>the <b>service</b> was great, see www.example.com"
    tokens = tokenize(text)
    start = text.index("service")
    features = context_features(tokens, *locate(tokens, start, start + 7), cuts=clause_cuts(text, tokens))
    named = [f if isinstance(f, str) else f[0] for f in features]
    assert not any(tag in f for f in named for tag in ("<br>", "<b>", "</b>", "xxurl"))
    assert "C=great" in named and "C=not_great" not in named


def test_a_report_on_sentence_dicts_keeps_no_copy_of_them(tiny_model, tmp_path):
    rows = synthetic(30, seed=5)
    report = evaluate_aspects(rows, tiny_model)
    assert "data" not in report and report["n"] == len(rows)  # was the repr of the whole list
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert evaluate_aspects(path, tiny_model)["data"] == str(path)
    with pytest.raises(ConfigError, match=r"sentiment\.evaluation\.evaluate\(model, texts, labels\)"):
        evaluate_aspects(path, sentiment.Pipeline().fit(["good", "bad"], ["pos", "neg"]))


# -- data that score or train nothing, found out before any training ---------------------------------
FOOD = {"term": "food", "from": 4, "to": 8}
MEAL = "The food was great but the service was slow."


def test_data_without_gold_terms_have_no_extraction_recall_or_f1(tmp_path):
    gold = [{"text": MEAL, "aspects": [], "categories": [{"category": "food", "polarity": "positive"}]}]
    found = score_aspects(gold, [[{**FOOD, "polarity": "positive"}]], [[]])
    assert found["extraction_precision"] == found["end_to_end_precision"] == 0.0  # a term found there is wrong
    assert [found[k] for k in ("extraction_recall", "extraction_f1", "end_to_end_recall", "end_to_end_f1")] == [None] * 4
    assert "F1 n/a" in format_aspect_report(found) and "F1 0.0000" not in format_aspect_report(found)
    assert "polarity on gold aspects" not in format_aspect_report(found)  # no matrix of noughts
    from sentiment.evaluation import write_report

    assert [p.name for p in write_report(found, tmp_path / "report", "dev")] == ["metrics.json"]  # nor a plot of one
    none_found = score_aspects(gold, [[]], [[]])
    assert none_found["extraction_precision"] is None and none_found["end_to_end_precision"] is None


def test_a_polarity_in_neither_the_gold_nor_the_predictions_has_no_f1():
    gold = [{"text": MEAL, "aspects": [{**FOOD, "polarity": "positive"},
                                       {"term": "service", "from": 27, "to": 34, "polarity": "negative"}]}]
    report = score_aspects(gold, [[]], [["positive", "negative"]])
    assert report["polarity_per_class_f1"] == {"negative": 1.0, "neutral": None, "positive": 1.0}
    assert report["polarity_macro_f1_labels"] == ["negative", "positive"] and report["polarity_macro_f1"] == 1.0


def test_a_category_given_twice_counts_once_and_two_polarities_for_it_are_refused():
    food = {"category": "food", "polarity": "positive"}
    assert check_sentence({"text": MEAL, "aspects": [], "categories": [food, food]})["categories"] == [food]
    with pytest.raises(DataError, match="the category 'food' is given twice, as positive and as negative; keep"):
        check_sentence({"text": MEAL, "aspects": [], "categories": [food, {**food, "polarity": "negative"}]})


@pytest.mark.parametrize("keep_conflict", [False, True])
def test_a_span_given_as_conflict_and_as_another_polarity_is_refused_in_either_order(keep_conflict):
    conflict, positive = {**FOOD, "polarity": "conflict"}, {**FOOD, "polarity": "positive"}
    for aspects in ([conflict, positive], [positive, conflict]):
        with pytest.raises(DataError, match="'food' at 4-8 is given twice, as (conflict and as positive|positive and "
                                            "as conflict)"):
            check_sentence({"text": MEAL, "aspects": aspects}, keep_conflict=keep_conflict)
    with pytest.raises(DataError, match="given twice, as positive and as conflict"):  # a sentence read before
        check_sentence({"text": MEAL, "aspects": [positive], "conflict_terms": [FOOD]}, keep_conflict=keep_conflict)
    twice = check_sentence({"text": MEAL, "aspects": [conflict], "conflict_terms": [FOOD]}, keep_conflict=keep_conflict)
    assert (twice["aspects"], twice.get("conflict_terms")) == (([conflict], None) if keep_conflict else ([], [FOOD]))


def test_evaluate_refuses_categories_alone_for_a_model_without_categories(tiny_model):
    assert tiny_model.categories_ is None
    only = [{"text": MEAL, "aspects": [], "categories": [{"category": "food", "polarity": "positive"}]}]
    with pytest.raises(DataError, match="label categories alone, and this model learnt none; score it on sentences"):
        evaluate_aspects(only, tiny_model)


def test_evaluate_scores_the_extraction_where_the_only_gold_aspects_are_conflict_ones(tiny_model):
    report = evaluate_aspects([{"text": MEAL, "aspects": [{**FOOD, "polarity": "conflict"}]}], tiny_model)
    assert report["n_aspects"] == 1 and report["extraction_recall"] is not None
    assert report["polarity_accuracy"] is None and report["end_to_end_recall"] is None  # no polarity to score


@pytest.mark.parametrize("names, polarities, message", [
    (["food"], ["positive", "negative"], "the categories need at least two different names; give more varied data, or "
                                         r"learn no categories \(categories=False; --set categories=false\)"),
    (["food", "service"], ["positive"], "the categories need at least two different polarities; give more varied data, "
                                        r"or learn no categories \(categories=False; --set categories=false\)")])
def test_categories_too_uniform_to_learn_are_refused_before_any_stage_trains(monkeypatch, names, polarities, message):
    from sentiment.aspects import extraction

    sentences = synthetic(40)
    for i, sentence in enumerate(sentences):
        sentence["categories"] = [{"category": names[i % len(names)], "polarity": polarities[i % len(polarities)]}]
    trained = []
    monkeypatch.setattr(extraction.ClassicalTagger, "fit", lambda self, *a, **k: trained.append(1) or self)
    with pytest.raises(DataError, match=message):
        AspectPipeline(prior=None, bits=12).fit(sentences)
    assert trained == []
    AspectPipeline(prior=None, bits=12, categories=False).fit(sentences)  # as the message advises
    assert trained == [1]


def test_fit_refuses_categories_of_the_refit_data_before_the_first_training(monkeypatch, tmp_path):
    sentences = synthetic(40)
    for sentence in sentences:  # a dev split of these would be fine to train on: the refit on all would not
        sentence["categories"] = [{"category": "food", "polarity": "positive"}]
    trained = []
    monkeypatch.setattr(AspectPipeline, "fit", lambda self, *a, **k: trained.append(1) or self)
    path = tmp_path / "one_category.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in sentences), encoding="utf-8")
    with pytest.raises(DataError, match="two different names"):
        fit_aspects(path, prior=None)
    assert trained == []


def test_a_held_out_dev_part_without_aspects_is_refused_with_advice_on_the_split(monkeypatch, tmp_path):
    sentences = synthetic(8)[:3] + [{"text": f"We went there on day {i}.", "aspects": []} for i in range(12)]
    seed = next(s for s in range(100) if not any(x["aspects"] for x in split_sentences(sentences, 0.1, s)[1]))
    path = tmp_path / "sparse.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in sentences), encoding="utf-8")
    trained = []
    monkeypatch.setattr(AspectPipeline, "fit", lambda self, *a, **k: trained.append(1) or self)
    with pytest.raises(DataError, match=r"the dev sentences held out of the data hold no gold aspect terms \(nor "
                                        r"categories\) to score the model against; give a dev file \(--dev\), a larger "
                                        r"dev fraction \(--dev-fraction\) or another --seed"):
        fit_aspects(path, dev_fraction=0.1, seed=seed, prior=None)
    assert trained == []


def test_a_split_that_leaves_training_one_polarity_is_blamed_on_the_split(monkeypatch, tmp_path):
    sentences = [{"text": f"The pizza number {i} was great.", "aspects": [{"term": "pizza", "from": 4, "to": 9,
                                                                          "polarity": "positive"}]} for i in range(12)]
    sentences.append({"text": "The soup was cold.", "aspects": [{"term": "soup", "from": 4, "to": 8, "polarity": "negative"}]})
    seed = next(s for s in range(200) if sentences[-1] in split_sentences(sentences, 0.1, s)[1])
    path = tmp_path / "one_negative.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in sentences), encoding="utf-8")
    trained = []
    monkeypatch.setattr(AspectPipeline, "fit", lambda self, *a, **k: trained.append(1) or self)
    with pytest.raises(DataError, match=r"the training sentences left once the dev sentences are held out have aspects "
                                        r"of one polarity only, where the data have more; give a dev file \(--dev\)"):
        fit_aspects(path, dev_fraction=0.1, seed=seed, prior=None)
    path.write_text("".join(json.dumps(s) + "\n" for s in sentences[:-1]), encoding="utf-8")  # the data's own fault
    with pytest.raises(DataError, match="the training aspects need at least two different polarities; give more varied"):
        fit_aspects(path, dev_fraction=0.1, seed=seed, prior=None)
    assert trained == []


def test_compressed_or_piped_aspect_data_are_refused_saying_what_they_are(tmp_path):
    import gzip

    line = json.dumps({"text": "Great food.", "aspects": [{"term": "food", "from": 6, "to": 10, "polarity": "positive"}]})
    for name in ("a.jsonl.gz", "a.jsonl"):  # by its name, or by its first bytes
        (tmp_path / name).write_bytes(gzip.compress(line.encode()))
        with pytest.raises(DataError, match=rf"{name} is compressed \(gzip\); aspect data are read as plain XML or JSONL"):
            read_aspect_data(tmp_path / name)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.jsonl")
        with pytest.raises(DataError, match="is not a regular file \\(a pipe or a device\\); write its content to a file"):
            read_aspect_data(tmp_path / "pipe.jsonl")
    with pytest.raises(DataError, match="aspect data file .*missing.jsonl does not exist"):
        read_aspect_data(tmp_path / "missing.jsonl")


@pytest.mark.parametrize("start, counted", [(11, "UTF-16 code units, as JavaScript does"), (13, "UTF-8 bytes")])
@pytest.mark.parametrize("tail", [" was great", ""])  # the term missed, or its span past the text's end
def test_offsets_counted_in_utf16_units_or_utf8_bytes_get_that_said(start, counted, tail):
    sentence = {"text": "Wow \U0001F600 the pizza" + tail,  # an emoji: two UTF-16 units, four UTF-8 bytes
                "aspects": [{"term": "pizza", "from": start, "to": start + 5, "polarity": "positive"}]}
    with pytest.raises(DataError, match=rf"\(they count {counted}.*; count characters, code points"):
        check_sentence(sentence, "s")
    sentence["aspects"][0].update({"from": 10, "to": 15})
    assert check_sentence(sentence, "s")["aspects"][0]["term"] == "pizza"


def test_xml_offsets_counted_over_carriage_returns_get_that_said(tmp_path):
    text = "Nice place.\r\nThe food was great."  # offsets over the CR LF, which XML reads as "\n"
    start = text.index("food")
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><sentences><sentence id="1"><text>{text}</text><aspectTerms>'
           f'<aspectTerm term="food" polarity="positive" from="{start}" to="{start + 4}"/></aspectTerms></sentence></sentences>')
    path = tmp_path / "crlf.xml"
    path.write_bytes(xml.encode("utf-8"))
    with pytest.raises(DataError, match=r"not the term 'food'; fix the offsets .* \(the offsets count each line end as "
                                        r"two characters, CR LF, which XML reads as one"):
        read_aspect_data(path)
    path.write_bytes(xml.replace("\r\n", "&#13;\n").encode("utf-8"))  # the CR kept: the offsets are right
    [sentence] = read_aspect_data(path)
    assert sentence["text"][sentence["aspects"][0]["from"]:sentence["aspects"][0]["to"]] == "food"
    path.write_bytes(xml.replace(f'from="{start}"', f'from="{start - 1}"').encode("utf-8"))  # wrong either way
    with pytest.raises(DataError, match="fix the offsets") as wrong:
        read_aspect_data(path)
    assert "CR LF" not in str(wrong.value)


def test_the_xml_line_end_hint_is_given_only_where_the_offsets_miss(tmp_path):
    path = tmp_path / "lines.xml"  # the offsets are right over "\n"; the error is the polarity's
    path.write_text('<sentences><sentence id="1"><text>Good food\nand more</text><aspectTerms><aspectTerm term="food" '
                    'polarity="Positive" from="5" to="9"/></aspectTerms></sentence></sentences>', encoding="utf-8")
    with pytest.raises(DataError, match="unknown polarity 'Positive'") as caught:
        read_aspect_data(path)
    assert "CR LF" not in str(caught.value)


def test_a_term_that_xml_reads_with_a_space_for_its_tab_gets_that_said(tmp_path):
    path = tmp_path / "tab.xml"  # an attribute's tab is a space to XML; the text's stays a tab
    path.write_text('<sentences><sentence id="1"><text>The battery\tlife is good</text><aspectTerms><aspectTerm '
                    'term="battery\tlife" polarity="positive" from="4" to="16"/></aspectTerms></sentence></sentences>',
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"not the term 'battery life'; .*write it in term=\"...\" as &#9; \(tab\)"):
        read_aspect_data(path)
    path.write_text(path.read_text(encoding="utf-8").replace('term="battery\tlife"', 'term="battery&#9;life"'),
                    encoding="utf-8")
    assert read_aspect_data(path)[0]["aspects"][0]["term"] == "battery\tlife"


def test_a_sentence_inside_a_sentence_is_refused_not_read_twice(tmp_path):
    path = tmp_path / "nested.xml"
    path.write_text('<sentences><sentence id="1"><text>Good food</text><sentence id="2"><text>x</text></sentence>'
                    '</sentence></sentences>', encoding="utf-8")
    with pytest.raises(DataError, match=r"sentence 1 holds another <sentence>; end each sentence"):
        read_aspect_data(path)


def test_an_aspect_models_info_that_is_not_an_object_is_refused_at_load(tiny_model, tmp_path):
    from conftest import edit_config

    tiny_model.save(tmp_path / "m")
    edit_config(tmp_path / "m", lambda c: c.update(info=["x"]))
    with pytest.raises(ModelFileError, match=r"not a consistent aspect model \(its info is list, not an object\)"):
        sentiment.load(tmp_path / "m")


def test_saving_an_aspect_model_over_its_prior_is_refused_before_training(tmp_path, monkeypatch):
    texts = ["a wonderful film", "truly dreadful", "superb", "awful"] * 6
    sentiment.Pipeline(vectorizer="count", model="logreg").fit(texts, ["positive", "negative"] * 12).save(tmp_path / "p")
    before = sorted(p.read_bytes() for p in (tmp_path / "p").rglob("*") if p.is_file())
    pipe = AspectPipeline(prior=str(tmp_path / "p"), bits=12).fit(synthetic(60))
    with pytest.raises(ConfigError, match="is the folder of the prior polarity model, which saving the aspect model "
                                          "there would replace; save the aspect model to another folder"):
        pipe.save(tmp_path / "p")
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(s) + "\n" for s in synthetic(60)), encoding="utf-8")
    trained = []
    monkeypatch.setattr(AspectPipeline, "fit", lambda self, *a, **k: trained.append(1) or self)
    with pytest.raises(ConfigError, match="is the folder of the prior polarity model"):
        fit_aspects(data, tmp_path / "p" / ".." / "p", prior=str(tmp_path / "p"))
    assert trained == [] and sorted(p.read_bytes() for p in (tmp_path / "p").rglob("*") if p.is_file()) == before
    pipe.save(tmp_path / "m")  # elsewhere: saved, with its own copy of the prior
    assert sentiment.load(tmp_path / "m").prior_ is not None


def test_the_shipped_polarity_model_is_kept_from_an_aspect_model_that_reads_it_as_its_prior(tmp_path):
    from sentiment.aspects.pipeline import check_prior_kept
    from sentiment.default_models import default_model_path

    with pytest.raises(ConfigError, match="is the folder of the prior polarity model"):
        check_prior_kept(default_model_path("polarity"), "default")
    check_prior_kept(tmp_path / "elsewhere", "default")
    check_prior_kept(default_model_path("polarity"), None)  # no prior: nothing of it to keep
