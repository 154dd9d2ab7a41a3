"""Negation scope: line breaks, HTML block tags and emoji end it (negation_scope=2, the default); dashes and brackets
too, while "not only" starts none (3); saved models keep rule 1."""

from __future__ import annotations

import copy
import functools
import json
import pickle
import warnings

import numpy as np
import pytest

import sentiment
from sentiment import Cleaner, ConfigError, ModelFileError, Pipeline, clean
from sentiment.cleaning import mark_negation
from sentiment.persistence import CONFIG

# The tokenizer paths that put the scope marks in different ways.
PATHS = {
    "regex": {},
    "spacy": {"tokenizer": "spacy"},
    "lemmatize": {"lemmatize": True},
    "cased": {"lowercase": False},
    "spacy_cased_stopwords": {"tokenizer": "spacy", "lowercase": False, "stopwords": True},
}

# text, expected tokens under the new rule, under the old rule (negation_scope=1)
CASES = [
    ("I don't like it :( so disappointing",
     ["i", "do", "not", "not_like", "not_it", "frowning", "face", "so", "disappointing"],
     ["i", "do", "not", "not_like", "not_it", "not_frowning", "not_face", "not_so", "not_disappointing"]),
    ("not good :) great",
     ["not", "not_good", "smiling", "face", "great"],
     ["not", "not_good", "not_smiling", "not_face", "not_great"]),
    ("never 😍 again",
     ["never", "smiling", "face", "with", "heart", "eyes", "again"],
     ["never", "not_smiling", "not_face", "not_with", "not_heart", "not_eyes", "not_again"]),
    ("I don't like it\nso good",
     ["i", "do", "not", "not_like", "not_it", "so", "good"],
     ["i", "do", "not", "not_like", "not_it", "not_so", "not_good"]),
    ("I don't like it\r\nso good",
     ["i", "do", "not", "not_like", "not_it", "so", "good"],
     ["i", "do", "not", "not_like", "not_it", "not_so", "not_good"]),
    ("no plot\rgreat cast",
     ["no", "not_plot", "great", "cast"],
     ["no", "not_plot", "not_great", "not_cast"]),
    ("I don't like it<br/>so good",
     ["i", "do", "not", "not_like", "not_it", "so", "good"],
     ["i", "do", "not", "not_like", "not_it", "not_so", "not_good"]),
    ("nothing new<br />Great cast",
     ["nothing", "not_new", "great", "cast"],
     ["nothing", "not_new", "not_great", "not_cast"]),
    ("<p>not a hit</p><p>fun anyway</p>",
     ["not", "not_a", "not_hit", "fun", "anyway"],
     ["not", "not_a", "not_hit", "not_fun", "not_anyway"]),
]


def _negated(tokens):
    return [t.startswith("not_") for t in tokens]


@functools.cache
def _cleaner(path: str, negation_scope: int = 2) -> Cleaner:
    """One cleaner per tokenizer path and rule, shared by the cases (a spaCy-backed one takes a second to build)."""
    return Cleaner(negation_scope=negation_scope, **PATHS[path])


def _lower(tokens):
    return [t.lower() for t in tokens]


def _as_read_on(path: str, *expected: list[str]) -> list[list[str]]:
    """The expected tokens as the tokenizer path reads them: without stop words where it drops them."""
    if not PATHS[path].get("stopwords"):
        return list(expected)
    stop = Cleaner()._stopwords
    return [[t for t in tokens if t.removeprefix("not_") not in stop] for tokens in expected]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("text, new, old", CASES)
def test_breaks_and_emoji_end_the_scope_on_every_tokenizer_path(path, text, new, old):
    options = PATHS[path]
    new, old = _as_read_on(path, new, old)
    # lemmas change some words ("frowning" -> "frown"): then compare only where the not_ marks go
    same = _negated if options.get("lemmatize") else _lower
    assert same(_cleaner(path)(text)) == same(new)
    assert same(_cleaner(path, 1)(text)) == same(old)


def test_the_new_rule_is_the_default_and_the_old_one_is_version_1():
    assert Cleaner().negation_scope == 2
    assert clean("I don't like it :( <br/>Never again!!!!") == [
        "i", "do", "not", "not_like", "not_it", "frowning", "face", "never", "not_again", "!!"]
    assert clean("I don't like it :( <br/>Never again!!!!", negation_scope=1) == [
        "i", "do", "not", "not_like", "not_it", "not_frowning", "not_face", "never", "not_again", "!!"]


def test_kept_and_removed_emoji_end_the_scope_too():
    assert clean("not good :) great", emoji="keep") == ["not", "not_good", ":)", "great"]
    assert clean("not good :) great", emoji="keep", negation_scope=1) == ["not", "not_good", "not_:)", "not_great"]
    assert clean("not good 😍 great", emoji="keep", tokenizer="spacy") == ["not", "not_good", "😍", "great"]
    assert clean("not good :) great", emoji="remove") == ["not", "not_good", "great"]
    assert clean("not good :) great", emoji="remove", negation_scope=1) == ["not", "not_good", "not_great"]


def test_inline_tags_do_not_end_the_scope():
    assert clean("not <b>good</b> at all") == ["not", "not_good", "not_at", "not_all"]
    assert clean("I didn't <i>like</i> it") == ["i", "did", "not", "not_like", "not_it"]


def test_punctuation_and_but_still_end_the_scope():
    assert clean("not good, fine") == ["not", "not_good", ",", "fine"]
    assert clean("not good but fine\nnot bad") == ["not", "not_good", "but", "fine", "not", "not_bad"]
    assert mark_negation(["not", "good", ",", "but", "fine"]) == ["not", "not_good", ",", "but", "fine"]


TEXTS = [
    "I don't like it :( so disappointing", "not good :) great", "Great film\n\nloved it :D", "no\n",
    "\nnot", "line one\r\nline two<br/>three <p>four</p>", "x:( :)greatnever:(  ", "Not GOOD 👍🏽 <hr>Never again",
    "it's not <div>my</div> thing &amp; never 😍😍 <3", "plain text without negation", "", "   ", "<br><br>",
    "no way :-) http://x.io @bob #fun\nsoooo good!!!", "NOTHING <P>special</P> here but I can't complain :D :D",
    "not good - fine (really) -- ok\u2014yes [no] {x}", "isn't just good, not only fun", "not (at) all :-( http://x.io/a-(b) ok",
]


@pytest.mark.parametrize("options", [
    {}, {"lowercase": False}, {"emoji": "keep"}, {"emoji": "remove"}, {"stopwords": True}, {"contractions": False},
    {"html": False}, {"repeats": False, "urls": "keep"}, {"tokenizer": "spacy"}, {"lemmatize": True},
    {"tokenizer": "spacy", "emoji": "keep", "lowercase": False}, {"tokenizer": "spacy", "lemmatize": True},
])
def test_the_new_rule_changes_only_the_not_prefixes(options):
    """Same tokens as rule 1 once the ``not_`` prefixes go, no scope mark left behind, and batches agree."""
    cleaner = Cleaner(**options)
    new = cleaner.tokens_of(TEXTS)
    old = Cleaner(negation_scope=1, **options).tokens_of(TEXTS)

    def bare(docs):
        return [[t.removeprefix("not_") for t in doc] for doc in docs]

    assert bare(new) == bare(old)
    assert not any(not token.strip() for doc in new for token in doc)  # no "\n" marker, no empty token
    assert new == [cleaner(t) for t in TEXTS]  # one text at a time
    assert new != old or options.get("html") is False  # the texts above do hit the new rule
    assert bare(Cleaner(negation_scope=3, **options).tokens_of(TEXTS)) == bare(old)  # rule 3 too


def test_normalize_keeps_its_output():
    text = "Not good :( <br/>never 😍\r\nagain"
    assert Cleaner().normalize(text) == Cleaner(negation_scope=1).normalize(text)
    assert Cleaner().normalize("a<br/>b :)") == "a b  smiling face "


# -- the setting --------------------------------------------------------------------------------
def test_negation_scope_is_an_option_with_its_default():
    assert "negation_scope" in Cleaner.option_names()
    assert Cleaner().to_dict()["negation_scope"] == 2
    assert Pipeline.options_for()["cleaner"]["negation_scope"] == 2
    assert Cleaner(**Cleaner(negation_scope=1).to_dict()) == Cleaner(negation_scope=1)
    assert "negation_scope" in (Cleaner.__doc__ or "")


@pytest.mark.parametrize("value", [0, 4, "2", "1", 1.0, True, None, [2]])
def test_bad_negation_scope_is_a_one_line_config_error(value):
    with pytest.raises(ConfigError, match=r"negation_scope=.* is not valid; choose 2 .*, 3 .* or 1 ") as caught:
        Cleaner(negation_scope=value)
    assert "\n" not in str(caught.value)
    with pytest.raises(ConfigError, match=r"negation_scope=.* is not valid"):
        clean("not good", negation_scope=value)


def test_bad_negation_scope_refused_when_fitting(binary):
    with pytest.raises(ConfigError, match="negation_scope=7 is not valid"):
        Pipeline("tfidf", "logreg", negation_scope=7).fit(binary.train_texts, binary.train_labels)


def test_config_saved_before_the_setting_loads_as_version_1():
    old_style = {k: v for k, v in Cleaner().to_dict().items() if k != "negation_scope"}
    assert Cleaner.from_dict(old_style).negation_scope == 1
    assert Cleaner.from_dict(old_style) == Cleaner(negation_scope=1)
    assert Cleaner.from_dict(Cleaner().to_dict()).negation_scope == 2
    assert Cleaner.from_dict(Cleaner(negation_scope=3).to_dict()).negation_scope == 3
    assert Cleaner.from_dict({**old_style, "negation_scope": 2}).negation_scope == 2
    with pytest.raises(ConfigError, match="negation_scope=9 is not valid"):
        Cleaner.from_dict({**old_style, "negation_scope": 9})


def test_pickles_keep_the_setting_and_old_pickles_get_version_1():
    assert pickle.loads(pickle.dumps(Cleaner())).negation_scope == 2
    assert pickle.loads(pickle.dumps(Cleaner(negation_scope=3))).negation_scope == 3
    assert copy.deepcopy(Cleaner(negation_scope=1)).negation_scope == 1
    state = {k: v for k, v in Cleaner().__getstate__().items() if k != "negation_scope"}
    cleaner = Cleaner.__new__(Cleaner)
    cleaner.__setstate__(state)
    assert cleaner.negation_scope == 1 and cleaner("not good :) great")[-1] == "not_great"


# -- saved models ---------------------------------------------------------------------------------
EMOJI_TEXTS = ["I don't like it :( so disappointing", "not good :) great fun", "no plot\nbut great cast",
               "never <br/>great again", "not bad 😍 wonderful", "I didn't enjoy it\nboring and dull"]


@pytest.fixture(scope="module")
def old_model_dir(binary, tmp_path_factory):
    """A model trained with rule 1 and saved as before the setting existed (its config has no such key, nor
    missing_apostrophes, which came later still)."""
    texts = binary.train_texts + EMOJI_TEXTS * 3
    labels = binary.train_labels + ["neg", "pos", "pos", "pos", "pos", "neg"] * 3
    pipe = Pipeline("tfidf", "logreg", negation_scope=1).fit(texts, labels)
    path = pipe.save(tmp_path_factory.mktemp("old") / "model")
    config = json.loads((path / CONFIG).read_text())
    assert config["cleaner"]["negation_scope"] == 1
    del config["cleaner"]["negation_scope"], config["cleaner"]["missing_apostrophes"]
    config["pipeline"]["options"].pop("negation_scope", None)
    (path / CONFIG).write_text(json.dumps(config))
    return path


def test_model_saved_before_the_setting_keeps_its_predictions(old_model_dir):
    loaded = sentiment.load(old_model_dir)
    assert loaded.cleaner_.negation_scope == 1
    as_trained = copy.copy(loaded)
    as_trained.cleaner_ = Cleaner(negation_scope=1)
    assert np.array_equal(loaded.predict_proba(EMOJI_TEXTS), as_trained.predict_proba(EMOJI_TEXTS))
    new_rule = copy.copy(loaded)
    new_rule.cleaner_ = Cleaner()
    assert not np.array_equal(loaded.predict_proba(EMOJI_TEXTS), new_rule.predict_proba(EMOJI_TEXTS))


def test_a_refit_or_clone_of_an_old_model_keeps_its_rule(old_model_dir, binary):
    from sklearn.base import clone

    loaded = sentiment.load(old_model_dir)
    assert loaded.get_params()["negation_scope"] == 1
    assert clone(loaded).fit(binary.train_texts, binary.train_labels).cleaner_.negation_scope == 1


def test_an_old_model_without_negation_gets_no_scope_to_refit_with(binary, tmp_path):
    """A scope changes nothing without negation marks: the old rule is no option of such a model, so its refit
    is not told that negation_scope changes nothing."""
    from sklearn.base import clone

    path = Pipeline("tfidf", "logreg", negation=False).fit(binary.train_texts, binary.train_labels).save(tmp_path / "m")
    config = json.loads((path / CONFIG).read_text())
    del config["cleaner"]["negation_scope"]  # saved before the setting existed
    (path / CONFIG).write_text(json.dumps(config))
    loaded = sentiment.load(path)
    assert "negation_scope" not in loaded.get_params() and loaded.cleaner_.negation is False
    with warnings.catch_warnings():
        warnings.simplefilter("error", sentiment.IgnoredOptionWarning)
        clone(loaded).fit(binary.train_texts, binary.train_labels)


def test_new_fits_use_and_save_the_new_rule(binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg").fit(binary.train_texts, binary.train_labels)
    assert pipe.cleaner_.negation_scope == 2
    loaded = sentiment.load(pipe.save(tmp_path / "m"))
    assert json.loads((tmp_path / "m" / CONFIG).read_text())["cleaner"]["negation_scope"] == 2
    assert loaded.cleaner_ == pipe.cleaner_
    for scope in (1, 3):
        kept = sentiment.load(Pipeline("tfidf", "logreg", negation_scope=scope).fit(
            binary.train_texts, binary.train_labels).save(tmp_path / f"v{scope}"))
        assert kept.cleaner_.negation_scope == scope and kept.get_params()["negation_scope"] == scope


def test_bad_saved_negation_scope_is_refused(old_model_dir, tmp_path):
    import shutil

    path = tmp_path / "bad"
    shutil.copytree(old_model_dir, path)
    config = json.loads((path / CONFIG).read_text())
    config["cleaner"]["negation_scope"] = 5
    (path / CONFIG).write_text(json.dumps(config))
    with pytest.raises((ModelFileError, ConfigError), match="negation_scope=5 is not valid"):
        sentiment.load(path)


def test_shipped_polarity_model_predicts_as_its_saved_cleaning_says():
    """models/polarity was trained with negation_scope 2 (and missing_apostrophes): it loads with them and
    predicts as a fresh Cleaner of its saved settings makes it; the old rule would change these predictions."""
    from sentiment.default_models import default_model_path

    try:
        default_model_path()
    except ModelFileError:
        pytest.skip("the default model is not shipped")
    model = sentiment.load()
    assert model.config_["cleaner"]["negation_scope"] == model.cleaner_.negation_scope == 2
    texts = EMOJI_TEXTS + ["What a wonderful film! I loved every minute of it.", "This movie was not good at all.",
                           "I don't like it<br />so good. Never again!!!!", "No way\r\nthis is great"]
    fresh = copy.copy(model)
    fresh.cleaner_ = Cleaner(**model.config_["cleaner"])
    assert np.array_equal(model.predict_proba(texts), fresh.predict_proba(texts))
    old_rule = copy.copy(model)
    old_rule.cleaner_ = Cleaner(**{**model.config_["cleaner"], "negation_scope": 1})
    assert not np.array_equal(model.predict_proba(texts), old_rule.predict_proba(texts))


def test_missing_apostrophes_is_saved_and_an_older_model_loads_without_it(old_model_dir, binary, tmp_path):
    pipe = Pipeline("tfidf", "logreg", missing_apostrophes=True).fit(binary.train_texts, binary.train_labels)
    loaded = sentiment.load(pipe.save(tmp_path / "m"))
    assert loaded.cleaner_.missing_apostrophes and loaded.get_params()["missing_apostrophes"] is True
    assert loaded.predict_proba(["it isnt good"]).tolist() == loaded.predict_proba(["it isn't good"]).tolist()
    assert "missing_apostrophes" not in json.loads((old_model_dir / CONFIG).read_text())["cleaner"]
    assert sentiment.load(old_model_dir).cleaner_.missing_apostrophes is False


RUNS = ["not good... great", "not good.. great", "not good\u2026 great", "not good?! great", "not good!!!! great",
        "not good;; great", "not good...great"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("repeats", [True, False])
def test_a_run_of_punctuation_ends_the_scope_on_every_tokenizer_path(path, repeats):
    # spaCy keeps "..." (squeezed to ".."), "?!" whole, where the regular expression gives "." or "?!"
    for negation_scope in (1, 2, 3):
        cleaner = Cleaner(negation_scope=negation_scope, repeats=repeats, **PATHS[path])
        for tokens in cleaner.tokens_of(RUNS):
            assert tokens[0].lower() == "not" and tokens[-1].lower() == "great", tokens


def test_mark_negation_ends_the_scope_at_a_run_of_punctuation_only():
    assert mark_negation(["not", "good", "...", "great"]) == ["not", "not_good", "...", "great"]
    assert mark_negation(["not", "good", "?!", "great"]) == ["not", "not_good", "?!", "great"]
    assert mark_negation(["not", "good", ".5", "-", "great"]) == ["not", "not_good", "not_.5", "not_-", "not_great"]


# text, under rule 3, under rule 2
SCOPE_3_CASES = [
    ("not good - the staff are great", ["not", "not_good", "the", "staff", "are", "great"],
     ["not", "not_good", "not_the", "not_staff", "not_are", "not_great"]),
    ("not good\u2014the staff", ["not", "not_good", "the", "staff"], ["not", "not_good", "not_the", "not_staff"]),
    ("not good--the staff", ["not", "not_good", "the", "staff"], ["not", "not_good", "not_the", "not_staff"]),
    ("not good (the staff are great)", ["not", "not_good", "the", "staff", "are", "great"],
     ["not", "not_good", "not_the", "not_staff", "not_are", "not_great"]),
    ("(not good) the staff", ["not", "not_good", "the", "staff"], ["not", "not_good", "not_the", "not_staff"]),
    ("not only cheap but also good", ["not", "only", "cheap", "but", "also", "good"],
     ["not", "not_only", "not_cheap", "but", "also", "good"]),
    ("it isn't just good", ["it", "is", "not", "just", "good"], ["it", "is", "not", "not_just", "not_good"]),
    ("not a hard-drive at -5 degrees", ["not", "not_a", "not_hard", "not_drive", "not_at", "not_5", "not_degrees"],
     ["not", "not_a", "not_hard", "not_drive", "not_at", "not_5", "not_degrees"]),  # no dash between clauses
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("text, new, old", SCOPE_3_CASES)
def test_dashes_and_brackets_end_the_scope_and_not_only_starts_none_under_rule_3(path, text, new, old):
    new, old = _as_read_on(path, new, old)
    bare = [_without_marks(t) for t in (_cleaner(path, 3)(text), _cleaner(path, 2)(text))]
    assert _negated(bare[0]) == _negated(new) and _negated(bare[1]) == _negated(old)  # where the not_ marks go
    if path == "regex":
        assert bare == [new, old]


def _without_marks(tokens):
    """Tokens without the dashes and brackets spaCy keeps as tokens (the regular expression drops them)."""
    return [t for t in tokens if t.removeprefix("not_") not in ("-", "--", "\u2014", "(", ")")]


def test_a_kept_face_or_web_address_keeps_its_dashes_and_brackets():
    assert clean("not good :-( great (yes)", emoji="keep", negation_scope=3) == ["not", "not_good", ":-(", "great", "yes"]
    assert clean("not in http://x.io/a--b ok", urls="keep", tokenizer="spacy", negation_scope=3)[-2:] == [
        "not_http://x.io/a--b", "not_ok"]


@pytest.mark.parametrize("dash", ["--", "---", " - "])
def test_a_dash_kept_beside_faces_is_no_face_and_ends_the_scope(dash):
    assert clean(f"not good{dash}the staff", emoji="keep", negation_scope=3) == ["not", "not_good", "the", "staff"]
    # nor is a word's last letter (x, X, 8) the eyes of one
    assert clean(f"not the box{dash}great staff", emoji="keep", negation_scope=3) == [
        "not", "not_the", "not_box", "great", "staff"]


@pytest.mark.parametrize("options", [{"tokenizer": "spacy"}, {"lemmatize": True}, {"emoji": "keep"},
                                     {"emoji": "keep", "tokenizer": "spacy"}, {}])
def test_rule_3_changes_only_the_not_prefixes_also_beside_faces_and_in_long_runs(options):
    """A long hyphenated run (which spaCy gets spaced) leaves no break marker, and a bracket beside a face's
    eyes makes no face of it ("sad):")."""
    from sentiment.cleaning import _EMOTICONS

    texts = ["-".join(["well"] * 50), "so sad): bye", "it(:", "not (at) all :-( ok"]
    texts += [f"so sad{face} bye (not) - x" for face in list(_EMOTICONS)[:40]]
    old, new = Cleaner(**options).tokens_of(texts), Cleaner(negation_scope=3, **options).tokens_of(texts)
    assert [[t.removeprefix("not_") for t in doc] for doc in new] == [[t.removeprefix("not_") for t in doc] for doc in old]
    assert not any("\n" in token for doc in new for token in doc)
