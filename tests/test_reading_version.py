"""The text-reading version: what models record of how the package read their training texts, and the
warning a model read differently gets on load."""

from __future__ import annotations

import hashlib
import json
import re
import warnings

import pytest
from typer.testing import CliRunner

import sentiment
from sentiment import Cleaner, ModelFileError, Pipeline, ReadingVersionWarning
from sentiment import cleaning
from sentiment.aspects import data as aspect_data
from sentiment.aspects.categories import clauses
from sentiment.aspects.data import sentence_spans
from sentiment.aspects.polarity import breaks_at, clause_bounds, clause_cuts, negation_marks, predicate_part
from sentiment.tokens import tokenize
from sentiment.cleaning import ASPECT_READING_ONLY, READING_VERSION, cleaner_reading
from sentiment.cli import app
from sentiment.persistence import CONFIG

# Texts that go through every step of the Cleaner and the aspect tokenizer that our own code decides
# (no Unicode emoji: their names come from the emoji package's version; no spaCy: its tokenizer and lemmas
# come from spaCy's), with every entry of the cleaning's tables added by table_sample().
SAMPLE = [
    "I didn't like it... <br/>Never again!!!! :( http://x.co/a @bob #GreatMovie",
    "It wo n't work , it ca n't . Dont go, isnt it? SOOOO goooood",
    "Cafe\u0301 crème &amp; naïve… 「良い」。 क्षत्रिय किताब ؟ The food was great ; the service , slow !",
    "ｇｒｅａｔ ter\u00adrible ter\u200brible ter\u200drible गुड\u200dबाय It isn´t good. Mr. Smith's 3.5-star review: so-so (meh).",
    "The camera struggles in artificial light, but the battery lasts for days. Wow!! Really?! Hmm..",
    "\u05d2\u05f3\u05d9\u05e8\u05e4\u05d4 \u05d8\u05d5\u05d1\u05d4 \u05e6\u05d4\u05f4\u05dc, O'Brien's rock'n'roll",
    "my verdict: 'not good' for 9.99, not $1,299 at 10:30 (see www.x.com, then) thanks:) wow:D <333 ): (really!): "
    "Nike\u00ae \u00a9 not good\u2028great <b and c> Samsung<Apple, but Apple>Samsung <td> <a href=/s?q=a&p=2>x</a>",
    "not good<o:p></o:p> <td nowrap>ok</td> <b nowrapx> <![CDATA[x]]> <my-widget a=1>y</my-widget>",
    "Don&#x27;t buy! The battery&#39;s life &#x201C;sucks&#x201D;, &frac12; price \u200b \u200e\u200d\u2640\ufe0f ok\ufeff "
    "ter\u00adrible \u202aok\u202c a&#x200B;b&shy;c Don&APOS;t",
    "I couldn't've, you'd've, it wo n't've: 10/10:) 2:( ily<3 x</3 5<3 1:(2+3)",
    "Awww...love it, foo.www.x.com...www.y.com <3<3<333<3 3<3 thanks=) hi=( a=(b+c)",
    "We waited a while, yet the food was great\rnot yet, as though. Simple yet elegant; the best yet! Food: awful",
    "Not good while it lasted, for a long while; haven&#39;t yet: Not <b>yet</b>. At 10:30 :) Wine list: dear\nOk",
    "haven\u2018t, don`t, Don&#8216;t, isn&acute;t, the battery\u00b4s life, \u2018quoted\u2019",
    "Arrived fast&not damaged, oven&microwave safe &amp; &notit; <script>var msg = 'terrible';</script><STYLE "
    "type=\"text/css\">p{}</style >Mmmm, Ooooh :D :-D :P :-P XD. I couldnt care less, noone cant <script> stays",
    "The food was not good - the service was great -- really\u2014ok &mdash; x; not (here) good; a hard-drive at -5, "
    "2\u20133. Not only tasty but also cheap, isn't just good; apps, e.g. Word, i.e. Excel. Service - terrible. "
    "wonder&shy;ful clich&eacute;d Food: bad<br>Service: ok. Great food - awful service",
    "see http://x.com/a\u2026not good, http://x.com/b\u3002\u5f88\u597d https://de.wikipedia.org/wiki/Stra\u00dfe "
    "https://en.wikipedia.org/wiki/Foo_(bar), ok http://x.com/c&mdash;not good http://x.com/d?e=1&amp;f=2 x.com/g,h "
    "Awww.love it, not the box--great staff, not good -- the staff",
    "The service, however, was terrible. The pasta, while pricey, wasn't bad; the staff, who were new, were "
    "nothing but kind... the wine (which was cold) was anything but cheap. Great food, however, the service was "
    "slow, though. Mr. Smith was rude, e.g. to us. It is, however, heavy. The food. Was bad",
    "Great food - the service, however, was terrible. Even on a busy night, the staff, however, were rude. <b>The "
    "service</b>, however, was bad. The food, (which we ordered), was cold. Loved the food, however, was sad. Joe's.",
    "I didn t go, it was n t it, did'nt stay; noone cares ;P ;( :') =D xD -_- XD #don't go #can\u2019t "
    "Great&lt;br /&gt;film &lt;script&gt;var x = 'bad';&lt;/script&gt; ok &lt;b&gt; 5 &lt; 6",
    "they can t-shirt it, Can T. Smith, I don t. if A=D then a Fuji xD card XD wow=D",
    "I didn t. Then I left, i can t. then",
    "Service, however, was awful. Food and service... were great. Loved it, however, was sad. Great food, "
    "service, however, was slow. Pasta, pizza, were fine! Great pizza, however, wasn't a fan. Great food - service, "
    "however, was awful. Not great, however, was it",
    "The keyboard, sadly, is mushy. The staff, honestly, were rude; Great food, sadly, the service was slow. The "
    "pizza was cold, unfortunately. Honestly, the wine was fine. We went on Friday, honestly, the pizza... was cold",
    "see http://x.com/@bob/dont-panic#top it is great, www.y.com/isnt-it/aaaargh!!!! #Fun @amy dont, sooo good",
    "haha :DDD not good :-DD =DD wow:DD :PP so:ppp xDDD Note:Do :Dx ;DD",
    "I would not buy from Amazon.com again, mail bob.smith+x@example.co.uk. imdb.com/title/tt01 the end.Com x.com.au "
    "don&amp;#39;t isn\u201bt isn\u02b9t isn\uff07t <a title=\"a > b\">not good</a> ^_^ ;-; :* meh movies@AMC.Loved it "
    "O'Reilly.com 10/10@imdb.com ASP.NET 1.2.com don&#38;#39;t Rating :***** jose\u0301@x.com",
    "I didn't like Dr. Smith's film. Not in St. Louis vs. Boston, Mr. Jones. Not Jr. Good, not at 5 p.m. Good; "
    "the chef\u02b9s special, \u02b9chef\u02b9, wonder\u00ad\u02b9ful",
    "It didn't load in 300 ms. Great app; not on Main St. The pie, not Ms. Jones; the chef's\u02b9 table, it\u02b9s\u02b9",
]
OPTIONS = [{}, {"missing_apostrophes": True, "normalize_unicode": True}, {"negation_scope": 1},
           {"lowercase": False, "negation": False, "contractions": False, "urls": "keep", "mentions": "remove",
            "hashtags": "keep", "html": False, "repeats": False, "stopwords": True},
           {"urls": "keep", "missing_apostrophes": True}]
# READING_VERSION -> the fingerprint of what the sample reads as under it. A change that alters what the
# Cleaner or the aspect tokenizer gives for some text raises READING_VERSION (sentiment/cleaning.py) and adds
# the new fingerprint here, so that models trained before it warn when loaded. (The sample grew with versions 3,
# 5, 6, 7, 8, 9, 10, 11, 12, 16, 17, 18, 19, 20, 21, 22, 23 (and its options), 24, 25, 26 and 27, from 9 it is read into clauses too, from 13 into negation marks, and from
# 17 into the predicates of bare subjects: each fingerprint is of the sample as it was at its
# version.)
FINGERPRINTS = {2: "f6604949140be4090cf8047402c9cac61e353926ac11eddd3f7440fbdd878f52",
                3: "95bbb2a395fab53e117c609982fa1165c64cd0005621d753fd9eafabe92555a9",
                4: "0e88202c458eb5b84cbe2931887611797388e85c57840ddb6e33e5e035586fa9",
                5: "1c038451dd21c661d0713904e907e3c23c9fe949fd18b9e3a457d0e0f9216b16",
                6: "c14de827f131132f0c047a7030676e7c8e3e6ecfe734ae873fa035223ff84fa6",
                7: "bd951f58ada6ac1e8d0d28ba97778615e38aa6f9c07cb4af645aa1d1091b619b",
                8: "7d4d9f6d6b82c2f0c55b5b4a6bc8f889b71dc2a8a8d844127a0a279ed8fc590b",
                9: "1921c4cc1be514ef10d05a38cd06e94a6788fe009e2249b88c2159ad91544b58",
                10: "e9e55278d11769cacf3f715a12e0d7aa7f636fd4eb0c5647cfc1fbedd2cecd23",
                11: "4248b74d0fbe9fb1b706f98d1b3ff18e80e496d9e60118b1f9d8189cca618cc3",
                12: "7942dae87a8e485e439781f53bb96fbd2f81eb3194d9bd9a44f16c84e746d8fe",
                13: "00ec8f0e0d0a975756908527bfc56da767813becb0be28f4cbd324f22e362d25",
                14: "34b9a207f7f0e38cc05f583c1d58840514014330ff6a412c321be13204263b40",
                15: "944780f809ad1b9bdee233d1a3ed3b422b50c4cb4a189c727b94008664776ca2",
                16: "fa6eaf04618a7d19a14dc24be93a5a4d9681c285507aa14ea3fad12682838f5f",
                17: "dab96d86937e1571ca1b9f9e5a03f420094a36a1271035eea1235da74117a058",
                18: "a3aa5b96816f37994af1d20599a6462d25e8685351cc00d5f41ba3ee79aed18c",
                19: "d1330617705ac3eb5c44e1c1caaf12e1d36b88de17282a2975c6631230744ffc",
                20: "a386f55f73d4e35b7dc21dc9f7b8f979c7987385f0f841f34063d550f8bba4b1",
                21: "9c475da1152f9ef22acda58a54a7d9aab88ebf7ec83a324f28c923cf8c9318e1",
                22: "b0bdfc71a176f7129a21d425b615d8412664e18681e4f11d60070f35043d53ad",
                23: "aa83d0cac6a2760f1bd8ba13a68fc8d4664791da579ccd08d9a11df7a3bc1ce9",
                24: "9fd244b0e90ee339589cc5c9c033fe06c312d5cf72dd51cef0ba92c61d870050",
                25: "5c5ce635793ec1bec017644cae705b866058582a9eeaf7c4b751b9f37c8cd0a4",
                26: "510b081885a7fa12750e6658699bd8e3df5c59559aeb8821c76f76d67263d7f0",
                27: "135b1422a5f07ad0405de95cef292f3c072ff710c23e0290641c6c3d4819a58b",
                28: "135b1422a5f07ad0405de95cef292f3c072ff710c23e0290641c6c3d4819a58b"}  # spaCy's tokenizer only


def _alternatives(pattern: str) -> list[str]:
    """The words of a pattern's first ``(?:a|b|c)`` or ``(a|b|c)`` group."""
    return re.search(r"\((?:\?:)?((?:[a-z|]|\\\.)+)\)", pattern.replace("\n", "")).group(1).replace("\\.", ".").split("|")


def table_sample() -> list[str]:
    """A text per entry of the cleaning's tables: emoticons, punctuation read as ASCII, contractions,
    negations, HTML break tags, verbs missing their apostrophe, abbreviations that end no sentence."""
    texts = [f"not good {emoticon} fine" for emoticon in cleaning._EMOTICONS]
    texts += [f"it isn{mark}t the chef{mark}s {mark}cause" for mark in re.findall(r"[^\[\]]", cleaning._APOSTROPHE.pattern)]
    texts += [f"not good{mark}fine {mark} ok" for mark in cleaning._PLAIN]
    texts += [f"you{clitic} good {clitic} she{clitic}" for clitic in [*cleaning._IRREGULAR, *cleaning._CLITICS]]
    texts += [f"it {stem} n't work" for stem in cleaning._SPLIT_STEMS]
    texts += [f"{word} good , fine" for word in sorted(cleaning.NEGATIONS)]
    texts += [f"not good <{tag}> fine </{tag}> ok" for tag in sorted(cleaning.BREAK_TAG_NAMES)]
    texts += [f"it {verb}nt work . It {verb.upper()}NT" for verb in _alternatives(cleaning._MISSING_APOSTROPHE.pattern)]
    texts += [f"We met {word}. Smith there. {word.title()}. 5 came" for word in _alternatives(aspect_data._ABBREVIATION.pattern)]
    return texts


# The choices of the cleaning options that the fingerprints read the sample under (cleaning.CHOICES as it was
# at version 4, spaCy's tokenizer left out): an option or a choice added later cannot have been used by an
# older model, so it joins no fingerprint; the default reading (OPTIONS' {}) shows whether it changes the rest.
FINGERPRINTED_CHOICES = {"urls": ("token", "remove", "keep"), "mentions": ("token", "remove", "keep"),
                         "hashtags": ("word", "remove", "keep"), "emoji": ("words", "remove", "keep")}


def _clause_ends(text: str) -> list[int]:
    tokens = tokenize(text)
    words = [token.text for token in tokens]
    return sorted({i for i in range(len(words)) if breaks_at(words, i)} | clause_cuts(text, tokens))


def _negation_marks(text: str) -> list[str]:
    words = [token.text for token in tokenize(text)]
    return negation_marks(words, clause_cuts(text, tokenize(text)))


def _predicates(text: str) -> list[tuple[int, int]]:
    tokens = tokenize(text)
    words, cuts = [token.text for token in tokens], clause_cuts(text, tokens)
    return [predicate_part(words, *clause_bounds(words, i, i + 1, cuts=cuts), cuts) for i in range(len(words))]


def reading_of_sample() -> str:
    return hashlib.sha256(json.dumps(reading_parts(), ensure_ascii=True).encode()).hexdigest()


def reading_parts() -> dict:
    """How the package reads the sample, part by part (the fingerprint hashes them all)."""
    texts = SAMPLE + table_sample()
    options = OPTIONS + [{name: value} for name, values in FINGERPRINTED_CHOICES.items() for value in values]
    read = {"cleaner": [[Cleaner(**option)(text) for text in texts] for option in options],
            "aspect_tokens": [[tuple(token) for token in tokenize(text)] for text in texts],
            "sentences": [sentence_spans(text) for text in texts]}
    if READING_VERSION >= 9:  # the aspect models' clauses: where a clause ends, and a category's clauses
        read["clauses"] = [[_clause_ends(text) for text in texts], [clauses(text) for text in texts]]
    if READING_VERSION >= 13:  # and the negation marks of the classical aspect polarity model's clause words
        read["negated"] = [_negation_marks(text) for text in texts]
    if READING_VERSION >= 17:  # and the predicate that a bare subject's clause takes
        read["predicates"] = [_predicates(text) for text in texts]
    return read


def test_the_reading_version_names_how_the_package_reads_text():
    assert FINGERPRINTS.get(READING_VERSION) == reading_of_sample(), (
        "the Cleaner or the aspect tokenizer now reads the sample differently under the options older models "
        "can have: raise READING_VERSION in sentiment/cleaning.py and add the new fingerprint to FINGERPRINTS "
        "(a new option's default must read texts as before; its other values join no fingerprint)")


def test_the_fingerprinted_choices_are_choices_of_the_cleaning():
    assert all(set(values) <= set(cleaning.CHOICES[name]) for name, values in FINGERPRINTED_CHOICES.items())


def test_the_fingerprint_sees_a_change_of_reading(monkeypatch):
    before = reading_of_sample()
    monkeypatch.setattr(Cleaner, "__call__", lambda self, text: text.split())
    assert reading_of_sample() != before


def test_the_fingerprint_sees_where_a_negation_ends(monkeypatch):
    """The classical aspect polarity model's negation marks are part of the reading (version 13 changed them
    alone: a bracket ends no negation); version 12's bracket rule reads the sample differently."""
    from sentiment.aspects import polarity

    before = reading_parts()
    monkeypatch.setattr(polarity, "breaks_at",
                        lambda words, i, *rest, **kw: words[i] in "()" or breaks_at(words, i, *rest, **kw))
    assert reading_parts()["negated"] != before["negated"]  # their own part (the predicates' moves too)


def test_the_fingerprint_sees_where_a_bare_subject_finds_its_predicate(monkeypatch):
    """Version 17 joined a bare subject's clause to its predicate ("The service, however, was terrible"); the
    fingerprint reads those joins."""
    before = reading_of_sample()
    monkeypatch.setitem(globals(), "predicate_part", lambda words, start, end, cuts=frozenset(): (end, end))
    assert reading_of_sample() != before


def _saved_config(path) -> dict:
    return json.loads((path / CONFIG).read_text(encoding="utf-8"))


def _rewrite(path, **changes) -> None:
    config = _saved_config(path)
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    (path / CONFIG).write_text(json.dumps(config), encoding="utf-8")


@pytest.fixture
def saved(tmp_path, binary):
    path = tmp_path / "model"
    Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels).save(path)
    return path


def test_a_model_records_the_reading_it_was_trained_with_and_loads_without_a_warning(saved):
    assert _saved_config(saved)["reading_version"] == READING_VERSION
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReadingVersionWarning)
        assert sentiment.load(saved).reading_version_ == READING_VERSION


@pytest.mark.parametrize("version, says", [(cleaner_reading(READING_VERSION, Cleaner()) - 1, "train it again"), (None, "recorded"),
                                           (READING_VERSION + 1, "install the newer sentiment")])
def test_a_model_read_differently_warns_and_still_predicts(saved, binary, version, says):
    expected = sentiment.load(saved).predict(binary.dev_texts)
    _rewrite(saved, reading_version=version)
    with pytest.warns(ReadingVersionWarning, match=says) as caught:
        pipe = sentiment.load(saved)
    assert len(caught) == 1 and str(saved) in str(caught[0].message)
    assert caught[0].filename == __file__  # the user's line, not the package's
    assert list(pipe.predict(binary.dev_texts)) == list(expected)


def test_a_version_that_changed_the_aspect_tokenizer_only_warns_aspect_models_only(saved, tmp_path, monkeypatch):
    """A Pipeline reads text with the Cleaner alone: a version whose Cleaner reads as this one's is no
    other reading for it; an aspect model, which reads with the aspect tokenizer too, is warned."""
    from sentiment.aspects import AspectPipeline
    from test_aspects import synthetic

    monkeypatch.setattr(cleaning, "ASPECT_READING_ONLY", ASPECT_READING_ONLY | {READING_VERSION})  # as 6 is
    monkeypatch.setattr(cleaning, "SETTINGS_READING_ONLY", {})
    same_cleaner = READING_VERSION - 1
    assert cleaner_reading(same_cleaner) == cleaner_reading(READING_VERSION)
    _rewrite(saved, reading_version=same_cleaner)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReadingVersionWarning)
        assert sentiment.load(saved).reading_version_ == same_cleaner  # recorded as it was, and quiet
    AspectPipeline(extractor="classical", polarity="classical", bits=12).fit(synthetic(40)).save(tmp_path / "aspect")
    _rewrite(tmp_path / "aspect", reading_version=same_cleaner)
    with pytest.warns(ReadingVersionWarning, match=f"version {same_cleaner}"):
        sentiment.load(tmp_path / "aspect")


def test_a_version_that_changed_some_settings_only_warns_the_models_read_with_them(binary, tmp_path, monkeypatch):
    """Version 23 changed the Cleaner under urls="keep" alone: a model of the other settings read every text
    under 22 as under 23 (the shipped ones among them), and is not warned; one that keeps web addresses is."""
    from sentiment.aspects import AspectPipeline
    from test_aspects import synthetic

    monkeypatch.setattr(cleaning, "SETTINGS_READING_ONLY", {READING_VERSION: {"urls": "keep"}})
    monkeypatch.setattr(cleaning, "ASPECT_READING_TOO", frozenset())  # (as 23 changed no aspect reading)
    before = READING_VERSION - 1
    for urls, warned in (("token", False), ("remove", False), ("keep", True)):
        path = tmp_path / urls
        Pipeline("tfidf", "logreg", urls=urls).fit(binary.train_texts, binary.train_labels).save(path)
        _rewrite(path, reading_version=cleaner_reading(before))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sentiment.load(path)
        assert [w.category for w in caught] == ([ReadingVersionWarning] if warned else []), urls
    AspectPipeline(extractor="classical", polarity="classical", bits=12).fit(synthetic(40)).save(tmp_path / "aspect")
    _rewrite(tmp_path / "aspect", reading_version=before)  # its Cleaner replaces web addresses by a token
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReadingVersionWarning)
        sentiment.load(tmp_path / "aspect")
    # but its prior, a polarity model of the user's, may keep them: then it is warned
    labels = ["positive" if y == binary.train_labels[0] else "negative" for y in binary.train_labels]
    Pipeline("tfidf", "logreg", urls="keep").fit(binary.train_texts, labels).save(tmp_path / "prior")
    AspectPipeline(extractor="classical", polarity="classical", bits=12, prior=str(tmp_path / "prior")).fit(
        synthetic(40)).save(tmp_path / "with_prior")
    _rewrite(tmp_path / "with_prior", reading_version=before)
    with pytest.warns(ReadingVersionWarning, match=f"version {before}"):
        sentiment.load(tmp_path / "with_prior")


def test_version_28_warns_the_models_of_spacys_tokenizer_or_negation_scope_3_only(binary, tmp_path):
    """28 changed what spaCy's tokenizer is given (U+FFFD a space) and the faces kept under negation_scope=3: a
    model of the regular expression's tokens and scope 2, as every shipped model is, read every text under 27 as now."""
    for i, (options, warned) in enumerate((({}, False), ({"tokenizer": "spacy"}, True), ({"negation_scope": 3}, True))):
        path = tmp_path / f"model{i}"
        Pipeline("tfidf", "logreg", **options).fit(binary.train_texts[:40], binary.train_labels[:40]).save(path)
        _rewrite(path, reading_version=27)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sentiment.load(path)
        assert [w.category for w in caught] == ([ReadingVersionWarning] if warned else []), options


def test_the_title_versions_warn_no_model_that_marks_no_negation_but_every_aspect_model(binary, tmp_path):
    """26 and 27 moved the end of a negation scope (a title's stop) and the aspect tokenizer (the modifier letter prime):
    a model of negation=False (an emotion model of one label per text, as its task sets it) read every text
    under 25 as now; one that marks negations, and an aspect model, did not."""
    from sentiment.aspects import AspectPipeline
    from test_aspects import synthetic

    for negation, warned in ((False, False), (True, True)):
        path = tmp_path / f"negation-{negation}"
        Pipeline("tfidf", "logreg", negation=negation).fit(binary.train_texts, binary.train_labels).save(path)
        _rewrite(path, reading_version=25)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sentiment.load(path)
        assert [w.category for w in caught] == ([ReadingVersionWarning] if warned else []), negation
    AspectPipeline(extractor="classical", polarity="classical", bits=12).fit(synthetic(40)).save(tmp_path / "aspect")
    _rewrite(tmp_path / "aspect", reading_version=25)
    with pytest.warns(ReadingVersionWarning, match="version 25"):
        sentiment.load(tmp_path / "aspect")


def test_saving_a_loaded_model_again_keeps_the_reading_it_was_trained_with(saved, tmp_path):
    _rewrite(saved, reading_version=READING_VERSION + 1)
    with pytest.warns(ReadingVersionWarning):
        pipe = sentiment.load(saved)
    pipe.save(tmp_path / "again")
    assert _saved_config(tmp_path / "again")["reading_version"] == READING_VERSION + 1
    _rewrite(saved, reading_version=None)
    with pytest.warns(ReadingVersionWarning):
        sentiment.load(saved).save(tmp_path / "unknown")
    assert "reading_version" not in _saved_config(tmp_path / "unknown")


@pytest.mark.parametrize("value", ["1", 0, True, 1.5])
def test_a_reading_version_that_is_no_whole_number_is_a_damaged_model(saved, value):
    _rewrite(saved, reading_version=value)
    with pytest.raises(ModelFileError, match="reading_version"):
        sentiment.load(saved)


def test_the_cli_says_it_in_one_note_and_goes_on(saved):
    _rewrite(saved, reading_version=READING_VERSION + 1)
    result = CliRunner().invoke(app, ["predict", "--model", str(saved), "--json", "a great film"])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line]
    assert len(notes) == 1 and notes[0].startswith("note: ") and f"version {READING_VERSION + 1}" in notes[0]
    assert json.loads(result.stdout)[0]["label"] in ("neg", "pos")
    info = CliRunner().invoke(app, ["info", str(saved)])
    assert f"text reading {READING_VERSION + 1}" in info.stdout
    with warnings.catch_warnings():  # Python's filters decide first: `python -W ignore` keeps it quiet
        warnings.simplefilter("ignore", ReadingVersionWarning)
        quiet = CliRunner().invoke(app, ["predict", "--model", str(saved), "a great film"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_a_command_that_loads_a_model_twice_says_it_once(tmp_path):
    from test_aspects import synthetic

    texts = ["a wonderful film", "truly dreadful", "great fun", "awful mess"] * 6
    Pipeline("count", "logreg").fit(texts, [1, 0, 1, 0] * 6).save(tmp_path / "prior")
    _rewrite(tmp_path / "prior", reading_version=None)
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(sentence) + "\n" for sentence in synthetic(60)), encoding="utf-8")
    result = CliRunner().invoke(app, ["fit", str(data), "--task", "aspect", "--set", f"prior={tmp_path / 'prior'}",
                                      "--set", "bits=12", "--dev-fraction", "0.2", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output  # the prior is loaded for the dev fit and again for the refit
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")
             and "dev sentences also occur" not in line]  # synthetic() repeats some sentences
    assert notes == [
        f"note: {tmp_path / 'prior'} was trained before sentiment recorded how it reads text (3 December 2026), so it "
        "may score some texts a little differently from then; train it again to match"]


def test_an_ensemble_warns_of_the_member_read_differently_only(saved, tmp_path, binary):
    other = tmp_path / "other"
    Pipeline("count", "nb").fit(binary.train_texts, binary.train_labels).save(other)
    _rewrite(other, reading_version=READING_VERSION + 1)
    with pytest.warns(ReadingVersionWarning):
        ensemble = sentiment.Ensemble([sentiment.load(saved), sentiment.load(other)])
    ensemble.save(tmp_path / "both")
    with pytest.warns(ReadingVersionWarning) as caught:
        sentiment.load(tmp_path / "both")
    assert len(caught) == 1 and "member1" in str(caught[0].message)
    info = CliRunner().invoke(app, ["info", "--json", str(tmp_path / "both")])
    assert json.loads(info.stdout)["reading_version"] == {"member0": READING_VERSION, "member1": READING_VERSION + 1}


def test_an_aspect_model_answers_for_its_prior(tmp_path):
    from sentiment.aspects import AspectPipeline
    from test_aspects import synthetic

    texts = ["a wonderful film", "truly dreadful", "great fun", "awful mess"] * 6
    Pipeline("count", "logreg").fit(texts, [1, 0, 1, 0] * 6).save(tmp_path / "prior")
    _rewrite(tmp_path / "prior", reading_version=None)
    with pytest.warns(ReadingVersionWarning):  # choosing an old prior is said when it is chosen
        pipe = AspectPipeline(prior=str(tmp_path / "prior"), bits=12).fit(synthetic(60))
    pipe.save(tmp_path / "model")
    assert _saved_config(tmp_path / "model")["reading_version"] == READING_VERSION
    with warnings.catch_warnings():  # it learnt from what its prior gave under this reading: nothing to say
        warnings.simplefilter("error", ReadingVersionWarning)
        assert AspectPipeline.load(tmp_path / "model").prior_.reading_version_ is None
    _rewrite(tmp_path / "model", reading_version=READING_VERSION + 1)
    with pytest.warns(ReadingVersionWarning) as caught:
        sentiment.load(tmp_path / "model")
    assert len(caught) == 1 and str(tmp_path / "model") in str(caught[0].message)
