"""Cleaning: every step of Cleaner on and off, option checks, negation scope, spaCy paths."""

from __future__ import annotations

import inspect

import pytest

import sentiment
from sentiment import Cleaner, ConfigError, DataError, clean
from sentiment.cleaning import NEGATIONS, expand_contraction, mark_negation, plain_text

# Cleaning with only the step under test (and tokenizing) on, so each test sees one effect.
BARE = dict(html=False, urls="keep", mentions="keep", hashtags="keep", emoji="keep", repeats=False,
            contractions=False, lowercase=False, negation=False)


def bare(text, **step):
    return clean(text, **{**BARE, **step})


# -- words -----------------------------------------------------------------------------------
def test_words_keep_their_combining_marks():
    # Python's \w has no marks: a Hindi or Bengali word was cut at each vowel sign and virama
    assert bare("हिन्दी बैटरी अच्छी है!") == ["हिन्दी", "बैटरी", "अच्छी", "है", "!"]
    assert bare("ভালো ব্যাটারি, நல்ல பேட்டரி") == ["ভালো", "ব্যাটারি", ",", "நல்ல", "பேட்டரி"]
    assert bare("a cafe\u0301 isn't bad") == ["a", "caf\u00e9", "isn't", "bad"]  # decomposed accent kept (composed)
    assert bare("\u0301 alone") == ["alone"]  # a mark with no letter before it is no word
    # joiners inside Persian and Sinhala words stay; between emoji they join no word
    assert bare("می\u200cخواهم کتاب\u200cها") == ["می\u200cخواهم", "کتاب\u200cها"]
    assert bare("ශ්\u200dරී ලංකාව") == ["ශ්\u200dරී", "ලංකාව"]
    assert clean("love 👨\u200d👩\u200d👧 it") == ["love", "family", "man", "woman", "girl", "it"]


def test_other_scripts_and_typography_punctuate_like_ascii():
    assert clean("I did not like it… the acting was great")[-4:] == [
        "the", "acting", "was", "great"]  # the ellipsis ends the negation scope as "..." does
    assert clean("not good。great") == ["not", "not_good", ".", "great"]
    assert clean("not bad، fine") == ["not", "not_bad", ",", "fine"]
    assert clean("why؟ not good！ fine") == ["why", "?", "not", "not_good", "!", "fine"]
    assert clean("I donʼt like it") == clean("I don't like it")  # U+02BC, as some keyboards write it


def test_canonically_equal_texts_clean_alike():
    import unicodedata

    assert clean("phở ngon") == clean(unicodedata.normalize("NFD", "phở ngon")) == ["phở", "ngon"]
    assert clean("quááááá") == clean(unicodedata.normalize("NFD", "quááááá")) == ["quáá"]
    assert clean("İYİ iyi") == ["iyi", "iyi"]  # Turkish dotted capital I lowercases to i and a dot: dropped
    assert clean("bad\udcff movie") == ["bad", "movie"]  # a lone surrogate (an undecodable byte)
    zalgo = "a" + "\u0316" * 40_000  # canonical ordering of such a run takes quadratic time: cut to 30 marks
    assert plain_text(zalgo) == "a" + "\u0316" * 30 and clean(f"good {zalgo} film") == ["good", "a\u0316\u0316", "film"]
    for text in ("bad\udcff movie", "bad \ufffd movie"):  # a space to spaCy too (it failed on a surrogate)
        assert Cleaner(tokenizer="spacy")(text) == ["bad", "movie"]
    assert Cleaner(tokenizer="spacy")("not \ufffd good") == clean("not \ufffd good") == ["not", "not_good"]


def test_the_marks_table_is_unicodes_category_m():
    import re
    import unicodedata

    from sentiment.marks import MARKS, UNICODE_VERSION, mark_ranges

    in_table = re.compile(f"[{MARKS}]")
    table = [code for code in range(0x110000) if in_table.match(chr(code))]
    marks = [code for first, last in mark_ranges() for code in range(first, last + 1)]
    if unicodedata.unidata_version == UNICODE_VERSION:
        assert table == marks
    else:  # another Python's Unicode: a mark stays a mark, or is not assigned in an older Unicode
        unassigned = {code for code in table if unicodedata.category(chr(code)) == "Cn"}
        assert set(table) - unassigned <= set(marks)
    assert len(table) > 2000 and "\u093f" in "".join(map(chr, table))  # DEVANAGARI VOWEL SIGN I


# -- html ------------------------------------------------------------------------------------
def test_html_tags_are_removed_and_entities_decoded():
    assert clean("Great<br />film", negation=False) == ["great", "film"]
    assert bare("Tom &amp; Jerry &quot;rock&quot;", html=True) == ["Tom", "Jerry", "rock"]
    assert Cleaner(html=True).normalize("a &lt; b &gt; c") == "a < b > c"  # decoded: no tag


def test_markup_escaped_twice_goes_as_markup_does():
    # some scraped pages hold their markup escaped: its tags are no words ("br"), nor is a script's content
    assert clean("Great film&lt;br /&gt;&lt;br /&gt;Loved it") == clean("Great film<br /><br />Loved it")
    assert clean("&lt;script&gt;var x = 'awful';&lt;/script&gt;good") == ["good"]
    assert Cleaner(negation_scope=2)("not good&lt;br/&gt;great") == ["not", "not_good", "great"]  # a block tag ends it
    assert clean("Samsung &lt;Apple, but Apple&gt; Samsung", negation=False) == \
        ["samsung", "apple", ",", "but", "apple", "samsung"]  # no tag: "<" and ">" around words


def test_long_html_tags_are_removed_too():
    image = '<img src="data:image/png;base64,' + "iVBORw0KGgo" * 100 + '">'
    style = '<p style="' + "color: red; " * 100 + '">'
    assert clean(f"a good {image} film {style} indeed") == ["a", "good", "film", "indeed"]
    stray = "Grade: B<A for me. " + "awful and boring, " * 40 + "verdict -> skip it"  # no tag: nothing goes
    assert clean(stray, negation=False)[:6] == ["grade", ":", "b", "a", "for", "me"] and "verdict" in clean(stray)


def test_html_off_keeps_tags_and_entities_as_text():
    tokens = bare("Great<br />film &amp; more")
    assert "br" in tokens and "amp" in tokens
    assert bare("Great<br />film", html=True) == ["Great", "film"]


def test_html_step_keeps_text_between_a_heart_and_a_later_angle_bracket():
    tokens = Cleaner()("I <3 this film so much >_< really")
    assert {"this", "film", "so", "much", "really"} <= set(tokens) and "heart" in tokens
    assert Cleaner(negation=False)("a < b and c > d") == ["a", "b", "and", "c", "d"]


@pytest.mark.parametrize("text", ["good<br />film", "good<BR>film", '<p class="x">good</p>film', "good<!-- c -->film",
                                  "<div\nid=a>good</div> film"])
def test_html_tags_are_still_removed(text):
    assert Cleaner(negation=False)(text) == ["good", "film"]


# -- urls, mentions, hashtags --------------------------------------------------------------------
@pytest.mark.parametrize("url", ["http://example.com/a?b=1", "https://x.io", "www.example.org/page", "HTTP://X.IO",
                                 "Https://Example.com", "Www.example.org"])  # a phone capitalises the first word
def test_urls_token_remove_keep(url):
    text = f"see {url} now"
    assert bare(text, urls="token") == ["see", "xxurl", "now"]
    assert bare(text, urls="remove") == ["see", "now"]
    kept = bare(text, urls="keep")
    assert "xxurl" not in kept and len(kept) > 2
    assert url in Cleaner(urls="keep", lowercase=False, repeats=False).normalize(text)


@pytest.mark.parametrize("address", ["www.example.org", "HTTP://WWW.AAAA.COM", "Www.aaaa.com"])
def test_urls_keep_keeps_www_address_with_repeats_on(address):
    assert address.lower() in Cleaner(urls="keep").normalize(f"see {address} now sooo")


@pytest.mark.parametrize("address", ["https://medium.com/@bob/why-i-quit", "https://x.com/guide/#setup",
                                     "https://shop.com/dont-panic-towel", "www.x.com/isnt-it/aaaargh"])
def test_a_kept_address_holds_no_mention_hashtag_repeat_or_missing_apostrophe(address):
    cleaner = Cleaner(urls="keep", missing_apostrophes=True, lowercase=False)
    assert address in cleaner.normalize(f"read {address} @amy #Fun dont go, sooo good")
    # the text around it is read as ever, and no negation starts inside it
    assert cleaner.normalize(f"read {address} @amy #Fun dont go, sooo good").split()[-6:] == [
        "xxuser", "Fun", "don't", "go,", "soo", "good"]
    assert Cleaner(urls="keep", tokenizer="spacy", missing_apostrophes=True)(f"read {address} it is great")[-3:] == [
        "it", "is", "great"]
    assert address.lower() in Cleaner(urls="keep", tokenizer="spacy")(f"read {address} it is great")


@pytest.mark.parametrize("text, tokens", [
    ("check https://t.co/abc😂 so funny", ["check", "xxurl", "face", "with", "tears", "of", "joy", "so", "funny"]),
    ("link:https://x.com/a—not good", ["link", ":", "xxurl", "not", "not_good"]),  # the dash is no part of it
    ("visit https://de.wikipedia.org/wiki/Straße now", ["visit", "xxurl", "now"]),  # letters of any script are
    ("see https://en.wikipedia.org/wiki/Foo_(bar), ok", ["see", "xxurl", ",", "ok"]),  # a bracketed part is
    ("(see http://x.com/a) not bad", ["see", "xxurl", "not", "not_bad"]),  # a bracket around it is not
    ("WWW.KIKS.COM/Sıs! ok", ["xxurl", "!", "ok"]),  # case-blind, also for the letters that fold beyond ASCII
    ("see http://x.com/a…not good", ["see", "xxurl", ".", ".", "not", "not_good"]),  # "…" as written ends it
    ("看这个 http://x.com/a。很好", ["看这个", "xxurl", ".", "很好"]),
    ("see http://x.com/a&mdash;not good", ["see", "xxurl", "not", "not_good"]),  # an entity (but &amp;) ends it
    ("see http://x.com/a?b=1&amp;c=2 ok", ["see", "xxurl", "ok"]),
])
def test_a_web_address_ends_where_its_characters_end(text, tokens):
    from sentiment.tokens import tokenize

    assert clean(text) == tokens
    # the aspect models' tokenizer finds the same address
    address = next(t for t in tokenize(text) if t.markup)
    assert Cleaner(negation=False)(text[address.start:address.end]) == ["xxurl"]
    assert clean(text[address.end:]) == tokens[tokens.index("xxurl") + 1:]


def test_the_aspect_tokenizer_finds_no_address_in_a_word_ending_in_www():
    from sentiment.tokens import tokenize

    assert [t.text for t in tokenize("Awww.love it")] == ["aww", ".", "love", "it"]


@pytest.mark.parametrize("bad, pattern", [(None, "cleans one text"), (["a", "b"], "cleans one text")])
def test_a_cleaner_takes_one_text(bad, pattern):
    with pytest.raises(sentiment.DataError, match=pattern):
        Cleaner()(bad)


def test_mentions_token_remove_keep():
    assert bare("thanks @bob_99 !", mentions="token") == ["thanks", "xxuser", "!"]
    assert bare("thanks @bob_99 !", mentions="remove") == ["thanks", "!"]
    assert "@bob_99" in Cleaner(mentions="keep").normalize("thanks @bob_99 !")
    # an e-mail address is not a mention
    assert "xxuser" not in clean("write to me@example.com")


def test_hashtags_word_remove_keep():
    assert bare("so #Great", hashtags="word") == ["so", "Great"]
    assert bare("so #Great", hashtags="remove") == ["so"]
    assert clean("#don't buy it", hashtags="word") == clean("don't buy it")  # its apostrophe too: a negation
    assert clean("#don\u2019t buy it", hashtags="word") == clean("don't buy it")
    assert bare("#don't buy", hashtags="remove") == ["buy"]
    assert "#Great" in Cleaner(hashtags="keep", lowercase=False).normalize("so #Great")
    assert "#" not in Cleaner(hashtags="word").normalize("so #great")
    assert bare("#हिन्दी गाना", hashtags="word") == ["हिन्दी", "गाना"]  # the whole tag, vowel signs too
    assert bare("#हिन्दी गाना", hashtags="remove") == ["गाना"]
    assert bare("@हिन्दी गाना", mentions="remove") == ["गाना"]


# -- emoji and emoticons -------------------------------------------------------------------------
def test_emoji_become_words():
    tokens = bare("love it 😍", emoji="words")
    assert tokens[:2] == ["love", "it"]
    assert {"smiling", "heart", "eyes"} <= set(tokens)


@pytest.mark.parametrize("emoticon, word", [(":)", "smiling"), (":-)", "smiling"), (":(", "frowning"),
                                            (":D", "grinning"), ("<3", "heart"), (";)", "winking"),
                                            (";P", "tongue"), (";(", "crying"), (":')", "tear"), ("=D", "grinning"),
                                            ("-_-", "expressionless")])
def test_emoticons_become_the_same_words_as_emoji(emoticon, word):
    tokens = bare(f"ok {emoticon}", emoji="words")
    assert word in tokens
    assert bare(f"ok {emoticon}", emoji="remove") == ["ok"]


def test_emoticon_and_emoji_for_the_same_face_share_words():
    assert bare(":)", emoji="words") == ["smiling", "face"]
    assert {"smiling", "face"} <= set(bare("🙂", emoji="words"))


def test_emoji_remove_and_keep():
    assert bare("love it 😍 :)", emoji="remove") == ["love", "it"]
    normalized = Cleaner(emoji="keep").normalize("love it 😍 :)")
    assert "😍" in normalized and ":)" in normalized
    assert "smiling" not in normalized
    assert clean("love it 😍 :) 👍🏽!", emoji="keep") == ["love", "it", "😍", ":)", "👍🏽", "!"]  # one token each


@pytest.mark.parametrize("sequence", ["👍🏽", "🇫🇷", "👨‍👩‍👧", "1️⃣", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "👩🏻‍❤️‍💋‍👨🏼"])
@pytest.mark.parametrize("unit", ["{0}", "a{0}", "{0} ", "{0}{0}{0}"])
def test_long_runs_of_emoji_read_as_each_one_does(sequence, unit):
    # the emoji package gets long texts in pieces; no piece may cut an emoji sequence in two
    one = unit.format(sequence)  # (repeats off: on, a run of one emoji counts twice)
    kept = {"negation": False, "repeats": False}
    assert clean(one * 300, **kept) == clean(one, **kept) * 300
    assert clean(one * 300, emoji="keep", **kept) == clean(one, emoji="keep", **kept) * 300


def test_repeated_tag_flags_and_keycaps_count_twice_at_most():
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert clean(england * 5 + " come on") == ["england", "england", "come", "on"]
    assert clean("#\ufe0f\u20e3" * 4) == clean("#\ufe0f\u20e3" * 2) == ["keycap", "keycap"]


def test_a_long_run_of_flags_after_an_odd_number_of_characters_keeps_its_pairs():
    flags = "🇫🇷🇩🇪🇺🇸🇬🇧🇮🇹" * 40
    assert clean("x" + flags, emoji="keep") == ["x"] + ["🇫🇷", "🇩🇪", "🇺🇸", "🇬🇧", "🇮🇹"] * 40


def test_clean_takes_one_string():
    with pytest.raises(sentiment.DataError, match="takes one text"):
        clean(None)


def test_emoticon_inside_a_time_or_word_is_not_a_face():
    assert "face" not in clean("meet at 10:30", negation=False)


def test_repeated_emoticon_is_still_a_smile():
    assert "smiling" in clean("great film :)))")


def test_a_face_beside_brackets_is_found_where_the_unbounded_search_from_every_character_found_it():
    """Kept faces beside a bracket or dash (emoji="keep", negation_scope=3) are searched for within bounded runs
    and not from inside a run of brackets (a search from every character of a long run took quadratic time):
    the spans of the search from every character, unbounded, on random strings of their characters."""
    import random
    import re

    from sentiment.cleaning import _FACE_BRACKET

    everywhere = re.compile(r"(?:(?<![^\W\d_])|(?![8xX]))(?=[-()\[\]{}]*[:;=8xX'])"
                            r"(?:[:;=8xX'\-]*[()\[\]{}\-]+[:;=8xX'\-]+|[:;=8xX'\-]+[()\[\]{}\-]+)")
    rng = random.Random(0)
    for alphabet in ("()[]{}-:;=8xX'a b1_.", "(-:8x a"):
        for _ in range(10_000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
            assert [m.span() for m in _FACE_BRACKET.finditer(text)] == [m.span() for m in everywhere.finditer(text)], text
    assert clean("great (: and :-( ok", emoji="keep", negation_scope=3) == ["great", "(:", "and", ":-(", "ok"]


@pytest.mark.parametrize("text, face", [("bad ]:( no", ":("), ("so sad):(( ok", ":("), (" sad':):( =", ":("),
                                        ("}x':). :(sad)x", ":)")])
def test_negation_scope_3_keeps_a_face_that_overlaps_a_bracket_beside_eyes(text, face):
    """Scope 3 breaks the text at brackets, but not within a face kept whole: one that overlaps a bracket kept
    beside eyes ("]:" of "]:(") was broken. Its tokens are those of scope 2, negation marks aside."""
    unmarked = [token.removeprefix("not_") for token in clean(text, emoji="keep", negation_scope=3)]
    assert unmarked == [token.removeprefix("not_") for token in clean(text, emoji="keep")]
    assert face in unmarked


@pytest.mark.parametrize("face, name", [(":DDD", "grinning face"), (":-DD", "grinning face"), ("=DD", "grinning face"),
                                        (":PP", "face with tongue"), (":ppp", "face with tongue")])
def test_a_grin_or_tongue_with_more_of_its_letter_is_a_face(face, name):
    assert clean(f"haha {face} so funny") == ["haha", *name.split(), "so", "funny"]
    if not face.startswith("="):  # glued to a word, as ":D" is (not "=D": "if A=D then")
        assert clean(f"wow{face}", negation=False) == ["wow", *name.split()]
    assert clean(f"haha {face} so funny", emoji="keep", repeats=False) == ["haha", face.lower(), "so", "funny"]  # kept whole
    assert clean(f"haha {face} so funny", emoji="remove") == ["haha", "so", "funny"]


def test_a_repeated_letter_after_a_face_that_is_another_letter_or_a_word_is_no_face():
    assert clean("Note:Do it", negation=False) == ["note", ":", "do", "it"]
    assert clean("ok :Dx fine", negation=False) == ["ok", ":", "dx", "fine"]
    assert clean("xDDD", negation=False) == ["xdd"]  # "xD" is a word ("a Fuji xD card"), and so is this


# -- repeats, contractions, lowercase --------------------------------------------------------------
def test_repeats_squeezed_to_two():
    assert bare("soooo goooood!!!!", repeats=True) == ["soo", "good", "!!"]
    assert bare("soooo goooood!!!!", repeats=False) == ["soooo", "goooood", "!!!!"]
    assert bare("1000000 stars", repeats=True) == ["1000000", "stars"]  # digits are left alone


@pytest.mark.parametrize("text, expected", [
    ("I don't know", ["I", "do", "not", "know"]),
    ("I do n't know", ["I", "do", "not", "know"]),  # SST tokenization
    ("we won't, can't, cannot", ["we", "will", "not", ",", "can", "not", ",", "can", "not"]),
    ("they're here, I'm sure we've won", ["they", "are", "here", ",", "I", "am", "sure", "we", "have", "won"]),
    ("it's fine", ["it", "'s", "fine"]),
    ("don’t stop", ["do", "not", "stop"]),  # typographic apostrophe
    ("I couldn't've, you'd've", ["I", "could", "not", "have", ",", "you", "would", "have"]),  # double contractions
    ("it wo n't've", ["it", "will", "not", "have"]),  # SST-style, with a second clitic
])
def test_contractions_expanded(text, expected):
    assert bare(text, contractions=True) == expected


def test_contractions_off_keeps_them():
    assert bare("I don't know", contractions=False) == ["I", "don't", "know"]


def test_expand_contraction_keeps_case():
    assert expand_contraction("Don't") == ["Do", "not"]
    assert expand_contraction("WON'T") == ["will", "not"]
    assert expand_contraction("film") == ["film"]


def test_a_token_of_thousands_of_clitics_expands_without_a_recursion_error():
    token = "x" + "'d" * 5000  # a recursion per clitic went past Python's limit at about a thousand
    assert expand_contraction(token) == ["x"] + ["would"] * 5000
    assert clean(token + " good") == ["x"] + ["would"] * 5000 + ["good"]
    assert expand_contraction("Can't've") == ["can", "not", "have"]  # a stem read whole after a clitic is cut


def test_a_double_contraction_negates_as_its_words_written_apart_do():
    assert clean("I couldn't've done it") == clean("I couldn't have done it") == [
        "i", "could", "not", "not_have", "not_done", "not_it"]


def test_sst_style_clitics_expand_like_joined_ones():
    assert bare("they 're here", contractions=True) == bare("they're here", contractions=True)
    for stem in ("wo", "ca", "sha", "ai", "do"):  # SST writes "won't" as "wo n't"
        assert clean(f"I {stem} n't like it") == clean(f"I {stem}n't like it")
    assert clean("wo is me") == ["wo", "is", "me"]  # only before "n't"


def test_cannot_is_expanded_whatever_its_case():
    assert Cleaner(lowercase=False)("Cannot stop") == ["can", "not", "not_stop"]
    assert Cleaner(lowercase=False)("CANNOT stop") == Cleaner(lowercase=False)("cannot stop")
    assert Cleaner(lowercase=False, negation=False)("Cannot stop") == ["can", "not", "stop"]


@pytest.mark.parametrize("written", ["dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "hasnt", "havent",
                                     "hadnt", "wouldnt", "shouldnt", "couldnt", "mustnt", "neednt", "cant", "wont",
                                     "aint", "shant"])
def test_missing_apostrophes_read_as_the_contraction(written):
    proper = written[:-1] + "'t"
    assert clean(f"I {written} like it", missing_apostrophes=True) == clean(f"I {proper} like it")
    assert clean(f"I {written} like it")[1] == written  # off by default: the word stays as written


@pytest.mark.parametrize("written", ["didn t", "can t", "Don t", "wasn t", "did'nt", "does'nt", "Is'nt", "ca'nt"])
def test_an_apostrophe_written_as_a_space_or_before_the_n_reads_as_the_contraction(written):
    # CARER's tweets write "didn t" (2.9% of them); reviews "did'nt"
    proper = {"did'nt": "didn't", "does'nt": "doesn't", "Is'nt": "Isn't", "ca'nt": "can't"}.get(written, written.replace(" ", "'"))
    assert clean(f"I {written} like it", missing_apostrophes=True) == clean(f"I {proper} like it")
    assert "not_like" not in clean(f"I {written} like it")  # off by default: as written


def test_a_space_after_another_n_is_no_apostrophe():
    text = "an t, in t, then t, Don Tom, can to, done t"
    assert bare(text, missing_apostrophes=True) == bare(text)
    for text in ["they can t-shirt print it", "you can t-test the means", "with Can T. Yilmaz", "Don T. Smith"]:
        assert clean(text, missing_apostrophes=True) == clean(text), text  # a hyphen or an initial's stop
    assert clean("I don t.", missing_apostrophes=True) == clean("I don't.")
    for text in ["I didn t. Then I left", "i didn t. then i left", "I DIDN T, THEN"]:  # a sentence's stop, no initial
        assert clean(text, missing_apostrophes=True) == clean(text.replace("n t", "n't").replace("N T", "N'T")), text
        assert clean(text, missing_apostrophes=True, lowercase=False) == \
            clean(text.replace("n t", "n't").replace("N T", "N'T"), lowercase=False), text


def test_new_faces_stay_out_of_words_and_names():
    assert clean("if A=D then", negation=False) == ["if", "a", "d", "then"]  # "=D" glued to a letter: no face
    assert clean("my Fuji xD card and XD pistol", negation=False) == ["my", "fuji", "xd", "card", "and", "xd", "pistol"]
    assert "grinning" in clean("wow =D")


def test_missing_apostrophes_keep_case_and_other_words():
    assert bare("It ISNT Good", missing_apostrophes=True) == ["It", "ISN'T", "Good"]
    assert bare("I DOnT care", missing_apostrophes=True) == ["I", "DOn'T", "care"]
    assert bare("Dont", missing_apostrophes=True, contractions=True) == ["Do", "not"]
    unchanged = "want mint dentist recant pants hint isn't don't"
    assert bare(unchanged, missing_apostrophes=True) == bare(unchanged)


def test_missing_apostrophes_start_a_negation_with_contractions_off_and_with_spacy():
    assert clean("it isnt good", missing_apostrophes=True, contractions=False) == ["it", "isn't", "not_good"]
    assert clean("it isnt good", missing_apostrophes=True, tokenizer="spacy") == clean("it isn't good", tokenizer="spacy")


def test_a_saved_cleaner_without_missing_apostrophes_keeps_the_old_reading():
    saved = Cleaner().to_dict()
    del saved["missing_apostrophes"]
    assert Cleaner.from_dict(saved)("it isnt good") == ["it", "isnt", "good"]
    assert Cleaner.from_dict(Cleaner(missing_apostrophes=True).to_dict())("it isnt good") == ["it", "is", "not", "not_good"]


@pytest.mark.parametrize("written, plain", [("ter\u200brible film", "terrible film"), ("ｇｒｅａｔ ｆｉｌｍ", "great film"),
                                            ("soft\u00adware", "software"), ("ﬁne", "fine"),
                                            ("go\ufeffo\u200ed", "good"), ("ter&shy;ri&#8203;ble", "terrible"),
                                            ("ter\u200drible", "terrible"), ("Caf\u00e9\u200c\u200dbar", "Caf\u00e9bar")])
def test_normalize_unicode_reads_text_as_its_plain_form(written, plain):
    assert clean(written, normalize_unicode=True) == clean(plain)
    assert clean(written) != clean(plain)  # off by default


def test_normalize_unicode_keeps_typographic_apostrophes():  # NFKC alone makes "´" a space and an accent
    for text in ("it isn´t good", "it isn’t good", "it isn`t good"):
        assert clean(text, normalize_unicode=True) == clean(text) == ["it", "is", "not", "not_good"]


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_hebrew_words_keep_their_geresh_and_the_gershayim_of_an_acronym(tokenizer):
    from sentiment.tokens import tokenize

    text = "\u05d2\u05f3\u05d9\u05e8\u05e4\u05d4 \u05e6\u05d4\u05f4\u05dc \u05f4\u05d8\u05d5\u05d1\u05f4"
    giraffe, acronym, quoted = text.split()  # "ג׳ירפה צה״ל ״טוב״": a word, an acronym, a quoted word
    words = clean(text, tokenizer=tokenizer)
    assert words[:2] == [giraffe.replace("\u05f3", "'"), acronym]
    if tokenizer == "regex":  # spaCy's tokenizer keeps the quoted word with its marks: its choice, not ours
        assert words[2:] == [quoted.strip("\u05f4")]
    assert [t.text for t in tokenize(text)] == [giraffe.replace("\u05f3", "'"), acronym, "\u05f4", quoted[1:-1],
                                                "\u05f4"]


def test_normalize_unicode_keeps_emoji_sequences_and_ascii_text():
    for text in ("👨\u200d👩\u200d👧 and 👍🏽 🇫🇷", "plain ascii, not changed at all"):
        assert clean(text, normalize_unicode=True) == clean(text)


@pytest.mark.parametrize("word", ["नमस्\u200dते", "می\u200cخواهم"])  # Hindi, Persian
def test_normalize_unicode_keeps_the_joiners_that_mean_something(word):
    assert clean(word, normalize_unicode=True) == clean(word) == [word]


def test_lowercase_on_and_off():
    assert bare("Good FILM", lowercase=True) == ["good", "film"]
    assert bare("Good FILM", lowercase=False) == ["Good", "FILM"]


# -- negation ----------------------------------------------------------------------------------
def test_negation_marks_words_in_scope():
    negated = clean("not good")
    plain = clean("good")
    assert negated == ["not", "not_good"]
    assert plain == ["good"]
    assert set(negated).isdisjoint(plain)


@pytest.mark.parametrize("end", [",", ".", "!", "?", ";", "but"])
def test_negation_scope_ends_at_punctuation_and_but(end):
    tokens = clean(f"not good {end} fine")
    assert "not_good" in tokens
    assert tokens[-1] == "fine"


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_a_title_s_full_stop_ends_no_negation(tokenizer):
    assert clean("I didn't like Dr. Smith's film. Great", tokenizer=tokenizer) == [
        "i", "did", "not", "not_like", "not_dr", ".", "not_smith", "not_'s", "not_film", ".", "great"]
    assert clean("not Mr. Jones vs. Bob. Fine", tokenizer=tokenizer)[-3:] == ["not_bob", ".", "fine"]
    assert clean("not Jr. Fine", tokenizer=tokenizer)[-1] == "fine"  # after a name, a stop that may end a sentence
    assert clean("It didn't load in 300 ms. Great app", tokenizer=tokenizer)[-2:] == ["great", "app"]  # a unit
    assert clean("not on Main St. The pie", tokenizer=tokenizer)[-2:] == ["the", "pie"]  # a street


def test_negation_covers_every_negation_word_and_nt():
    for word in ["never", "no", "nobody", "noone", "without", "hardly"]:
        assert clean(f"{word} fun")[-1] == "not_fun", word
    assert clean("I didn't like it") == ["i", "did", "not", "not_like", "not_it"]
    assert clean("I didn't like it", contractions=False) == ["i", "didn't", "not_like", "not_it"]


def test_negation_off():
    assert clean("not good", negation=False) == ["not", "good"]


def test_negation_not_applied_to_the_negation_word_itself_or_after_scope():
    assert clean("not not good") == ["not", "not", "not_good"]
    assert mark_negation(["not", "good", ",", "but", "fine"]) == ["not", "not_good", ",", "but", "fine"]


# -- stop words ---------------------------------------------------------------------------------
def test_stopwords_dropped_but_negations_kept():
    tokens = clean("this is not the best movie and nothing is", stopwords=True, negation=False)
    assert "the" not in tokens and "is" not in tokens and "this" not in tokens
    assert "not" in tokens and "nothing" in tokens
    assert {"best", "movie"} <= set(tokens)
    for word in NEGATIONS:
        assert clean(f"{word} fun", stopwords=True, negation=False, contractions=False)[0] == word


@pytest.mark.parametrize("text, tokens", [("it made me cry", ["cry"]), ("i feel so empty", ["feel", "so", "empty"]),
                                          ("a sincere apology", ["sincere", "apology"]),
                                          ("too long, but very funny", ["too", "long", ",", "but", "very", "funny"])])
def test_stopwords_keep_the_words_that_carry_sentiment(text, tokens):
    assert clean(text, stopwords=True) == tokens


def test_stopwords_off_keeps_them():
    assert clean("this is the film", negation=False) == ["this", "is", "the", "film"]


def test_stopwords_with_contractions_keep_the_negation():
    assert clean("it wasn't good", stopwords=True) == ["not", "not_good"]


def test_negation_scope_ends_at_but_with_stopwords():
    assert "fine" in clean("not good but fine", stopwords=True)


# -- spaCy ---------------------------------------------------------------------------------------
def test_lemmatize_with_spacy_lookups():
    assert clean("the cats were running", lemmatize=True, negation=False) == ["the", "cat", "be", "run"]
    assert clean("the cats were running", negation=False) == ["the", "cats", "were", "running"]


@pytest.mark.parametrize("options", [{}, {"tokenizer": "spacy"}])
def test_lemmas_of_capitalised_words_and_of_s(options):
    assert clean("Movies movies MOVIES. Loved it", lowercase=False, lemmatize=True, **options) == [
        "movie", "movie", "movie", ".", "love", "it"]  # the table holds lower case only
    assert clean("It's not good, the movie's plot", lemmatize=True, **options) == [
        "it", "'s", "not", "not_good", ",", "the", "movie", "'s", "plot"]  # the table's "'s" is "have"


def test_lemmas_without_spacy_lookups_data_say_what_to_install(monkeypatch):
    import spacy.lookups

    from sentiment.cleaning import _lemma_table

    def missing(*args, **kwargs):
        raise ValueError("[E955] Can't find table(s) lemma_lookup for language 'en' in spacy-lookups-data")

    monkeypatch.setattr(spacy.lookups, "load_lookups", missing)
    _lemma_table.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"^lemmatize=True needs the package spacy-lookups-data: pip install"):
            clean("the cats", lemmatize=True)
    finally:
        _lemma_table.cache_clear()


def test_lemmas_keep_an_emoji_of_several_code_points_whole():
    assert clean("👍🏽 great ❤️ 👨‍👩‍👧", emoji="keep", lemmatize=True) == ["👍🏽", "great", "❤️", "👨\u200d👩\u200d👧"]


def test_lemmas_read_a_stem_before_an_ordinary_not_as_itself():
    assert clean("moved to CA not happy", lemmatize=True) == ["move", "to", "ca", "not", "not_happy"]
    assert clean("it ca n't work", lemmatize=True) == ["it", "can", "not", "not_work"]  # SST's split "n't" only


def test_lemmas_of_the_words_of_a_contraction():
    assert clean("they weren't running", lemmatize=True) == ["they", "be", "not", "not_run"]
    assert clean("they weren't running", lemmatize=True, tokenizer="spacy") == ["they", "be", "not", "not_run"]


def test_spacy_takes_texts_longer_than_its_default_limit():
    text = "good film " * 110_000  # 1.1 million characters; spaCy's default limit is 1 million
    assert len(Cleaner(lemmatize=True, negation=False)(text)) == 220_000


def test_lemmatize_keeps_negation_marking():
    assert clean("I hated it, not the cats", lemmatize=True) == ["i", "hate", "it", ",", "not", "not_the", "not_cat"]


def test_spacy_tokenizer():
    assert clean("the cats weren't running!", tokenizer="spacy") == ["the", "cats", "were", "not", "not_running", "!"]
    many = Cleaner(tokenizer="spacy").tokens_of(["good film", "bad film", "it's ok"])
    assert many == [["good", "film"], ["bad", "film"], ["it", "'s", "ok"]]
    short, long = "wow !?.,!?., great", "wow " + "!?.," * 500 + " great"
    assert clean(short, tokenizer="spacy") == ["wow", "!", "?", ".", ",", "!", "?", ".", ",", "great"]
    assert clean(long, tokenizer="spacy") == ["wow"] + ["!", "?", ".", ","] * 500 + ["great"]  # read as the short one


# -- options -------------------------------------------------------------------------------------
@pytest.mark.parametrize("option, value", [
    ("urls", "drop"), ("mentions", "words"), ("hashtags", "token"), ("emoji", "text"), ("tokenizer", "nltk"),
    ("html", "yes"), ("lowercase", 1), ("negation", None),
])
def test_invalid_option_values_raise_config_error(option, value):
    with pytest.raises(ConfigError, match=option):
        Cleaner(**{option: value})
    with pytest.raises(ConfigError, match=option):
        clean("text", **{option: value})


def test_a_choice_given_as_an_array_is_refused_in_one_line():
    import numpy as np

    with pytest.raises(ConfigError, match=r"urls=array\(\['token', 'keep'\].*is not valid; choose one of: token"):
        Cleaner(urls=np.array(["token", "keep"]))  # numpy's "in" had asked every element: a ValueError
    assert Cleaner(urls=np.str_("keep")) == Cleaner(urls="keep")  # a grid's value stays a choice


def test_a_cleaner_is_a_value_its_options_fixed_once_made():
    """Its spaCy pipeline is built for its options on first use: an option changed afterwards would be read
    with the old pipeline (and skip the checks), so none can be."""
    import dataclasses

    cleaner = Cleaner(tokenizer="spacy")
    assert cleaner("The dogs were running") == ["the", "dogs", "were", "running"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cleaner.lemmatize = True
    with pytest.raises(dataclasses.FrozenInstanceError):
        cleaner.urls = "bogus"
    assert cleaner == Cleaner(tokenizer="spacy") and hash(cleaner) == hash(Cleaner(tokenizer="spacy"))


@pytest.mark.parametrize("reference", ["&#" + "1" * 5000 + ";", "&#x" + "f" * 5000 + ";", "&#" + "9" * 5000],
                         ids=["decimal", "hexadecimal", "without its semicolon"])
def test_a_character_reference_of_thousands_of_digits_reads_as_a_replacement_character(reference):
    """Past Unicode's last character, as html.unescape reads any such number: not Python's ValueError about
    converting that many digits."""
    from sentiment.cleaning import decode_entities, unescape
    from sentiment.tokens import tokenize

    text = f"great {reference} stuff"
    assert unescape("&#1114112;") == "\ufffd" and unescape("&#00000065;") == "A"
    for tokens in (Cleaner()(text), Cleaner(tokenizer="spacy")(text), [token.text for token in tokenize(text)]):
        assert tokens[0] == "great" and tokens[-1] == "stuff"
    if reference.endswith(";"):  # the Cleaner decodes an entity with its ";" only
        assert decode_entities(text) == "great \ufffd stuff" and Cleaner()(text) == ["great", "stuff"]


def test_a_choice_given_no_value_says_so():
    """`--set urls=null` reads as None: the message names no Python value the user did not type."""
    with pytest.raises(ConfigError, match=r"^urls needs a value \(not null / None\); choose one of: token, remove, keep$"):
        Cleaner(urls=None)


def test_unknown_option_raises_config_error_listing_the_valid_ones():
    with pytest.raises(ConfigError, match="'lowercas' is not an option of the cleaning \\(did you mean 'lowercase'\\?\\); choose from:.*negation"):
        clean("text", lowercas=True)
    with pytest.raises(ConfigError, match="'negaton' is not an option of the cleaning \\(did you mean 'negation'\\?\\); choose from:.*negation"):
        Cleaner(negaton=False)  # not Python's TypeError
    assert issubclass(ConfigError, sentiment.SentimentError)
    assert list(inspect.signature(Cleaner).parameters) == Cleaner.option_names()  # the signature is kept


def test_tokens_of_matches_call_and_to_dict_round_trips():
    cleaner = Cleaner(stopwords=True, urls="remove")
    texts = ["I don't like it :(", "Sooo good!!! http://x.io"]
    assert cleaner.tokens_of(texts) == [cleaner(t) for t in texts]
    assert Cleaner(**cleaner.to_dict()) == cleaner
    assert Cleaner.option_names() == list(cleaner.to_dict())


def test_default_cleaner_on_a_realistic_text():
    tokens = clean("I don't like it :( <br/>Never again!!!!")
    assert tokens[:3] == ["i", "do", "not"]
    assert "not_like" in tokens and "br" not in tokens and tokens[-1] == "!!"


@pytest.mark.parametrize("lowercase", [True, False])
def test_negation_is_marked_whatever_the_case(lowercase):
    """Texts without apostrophes or negations skip the token pass; capitalised negations must not."""
    tokens = Cleaner(lowercase=lowercase)("Not GOOD. NEVER again")
    marked = [t.lower() for t in tokens]
    assert marked == ["not", "not_good", ".", "never", "not_again"]
    assert Cleaner(lowercase=lowercase)("Good film") == (["good", "film"] if lowercase else ["Good", "film"])


def test_tokens_of_refuses_containers_that_iterate_as_something_else():
    """The same checks, and messages, as the estimators' (checks.check_texts)."""
    import types

    import pandas as pd

    cleaner = Cleaner()
    for wrong, message in ((pd.DataFrame({"text": ["good"]}), r"pass one column of texts \(e.g. df\["),
                           ({"a": "good"}, r"texts must be a list of strings, not a dict; pass its values"),
                           (b"good", r"pass a list of texts, not bytes: decode them"),
                           ("good", r"pass a list of texts, not a single string"),
                           (types.MappingProxyType({"a": "good"}), r"texts must be a list of strings, not a mappingproxy; "
                                                                    r"pass its values"),
                           (None, r"texts must be a list of strings, not None$"),
                           (3, r"texts must be a list of strings, not an int$"),
                           (["good", None], r"text 1 is missing"),
                           (["good", 3], r"text 1 is not a string")):
        with pytest.raises(DataError, match=rf"^{message}"):
            cleaner.tokens_of(wrong)
    assert cleaner.tokens_of(pd.Series(["not good"])) == [["not", "not_good"]]
    assert cleaner.tokens_of([]) == []


def test_numpy_values_from_a_parameter_grid_are_taken():
    import numpy as np

    cleaner = Cleaner(html=np.False_, negation=np.bool_(True), negation_scope=np.int64(1))
    assert cleaner.to_dict()["html"] is False and cleaner.negation is True and type(cleaner.negation_scope) is int
    assert cleaner == Cleaner(html=False, negation_scope=1)
    with pytest.raises(ConfigError, match="html must be true or false, not np.int64"):
        Cleaner(html=np.int64(1))


def test_an_empty_token_does_not_stop_the_negation_step():
    assert mark_negation(["not", "", "good", "!", "fine"])[-1] == "fine"  # was an IndexError


@pytest.mark.parametrize("text, tokens", [
    ("my verdict: 'not good'", ["my", "verdict", ":", "not", "not_good"]),  # was "'not": no negation
    ("Not \u2018great\u2019 at all", ["not", "not_great", "not_at", "not_all"]),  # was "not_'great"
    ("I 'didn't' like it", ["i", "did", "not", "not_like", "not_it"]),
    ("it 's good , they 're fine", ["it", "'s", "good", ",", "they", "are", "fine"]),  # SST-style clitics stay
    ("'tis fine in the '90s", ["'tis", "fine", "in", "the", "90s"]),
])
def test_quotation_marks_go_and_clitics_stay(text, tokens):
    assert clean(text) == tokens


@pytest.mark.parametrize("text, tokens", [
    ("I wouldn't pay 9.99 for this junk", ["i", "would", "not", "not_pay", "not_9.99", "not_for", "not_this", "not_junk"]),
    ("not worth $1,299 at all", ["not", "not_worth", "not_1,299", "not_at", "not_all"]),
    ("not until 10:30 tonight", ["not", "not_until", "not_10:30", "not_tonight"]),
    ("not good. 5 stars", ["not", "not_good", ".", "5", "stars"]),  # a sentence's full stop still ends the scope
    ("not good.Great", ["not", "not_good", ".", "great"]),  # a missing space after it too
])
def test_a_number_keeps_its_inner_punctuation_which_ends_no_scope(text, tokens):
    assert clean(text) == tokens


@pytest.mark.parametrize("text, tokens", [
    ("Awww...love it", ["aww", ".", ".", "love", "it"]),  # was "a", "xxurl", "it": "love" lost
    ("Awww.Thank you", ["aww", ".", "thank", "you"]),
    ("check it out...www.x.com!", ["check", "it", "out", ".", ".", "xxurl", "!"]),  # after punctuation: one
    ("(www.x.com)", ["xxurl"]),
])
def test_a_www_that_ends_a_word_starts_no_web_address(text, tokens):
    assert clean(text) == tokens


def test_a_web_address_leaves_the_punctuation_after_it():
    assert clean("not good http://x.com, great") == ["not", "not_good", "not_xxurl", ",", "great"]
    assert clean("see www.x.com/a, now!", urls="remove") == ["see", ",", "now", "!"]  # the comma was taken with it


@pytest.mark.parametrize("text, tokens", [
    ("thanks:)", ["thanks", "smiling", "face"]),  # was "thanks", ":" (the smile lost)
    ("wow:D", ["wow", "grinning", "face"]),
    ("love you <333", ["love", "you", "red", "heart"]),
    ("so sad ):", ["so", "sad", "frowning", "face"]),
    ("I loved it (really!): the acting", ["i", "loved", "it", "really", "!", ":", "the", "acting"]),  # no made-up face
    ("Note:Do this", ["note", ":", "do", "this"]),
    ("10/10:) would watch again", ["10", "10", "smiling", "face", "would", "watch", "again"]),  # after a number
    ("rated it 2:( sad", ["rated", "it", "2", "frowning", "face", "sad"]),
    ("ily<3", ["ily", "red", "heart"]),  # a heart after a word
    ("love you <3<3<3", ["love", "you"] + ["red", "heart"] * 3),  # after a heart (was a heart, then 3s)
    ("<333<3", ["red", "heart"] * 2),
    ("3<3 too", ["3", "3", "too"]),
    ("thanks=) hi=(", ["thanks", "smiling", "face", "hi", "frowning", "face"]),  # "=" faces too
    ("a=(b+c) x=)y", ["a", "b", "c", "x", "y"]),
    ("5<3 is false", ["5", "3", "is", "false"]),  # not after a number
    ("see 1:(2+3) and 10:(a)", ["see", "1", ":", "2", "3", "and", "10", ":", "a"]),  # a bracket that opens
])
def test_emoticons_glued_to_words_and_what_only_looks_like_one(text, tokens):
    assert clean(text) == tokens


def test_registered_copyright_and_trade_mark_signs_go():
    assert clean("not Nike\u00ae quality") == ["not", "not_nike", "not_quality"]  # no word, no end of the scope
    assert clean("copyright\u00a92020 Acme\u2122", emoji="remove") == ["copyright", "2020", "acme"]


def test_repeated_emoji_count_twice_as_repeated_punctuation_does():
    usa, uk = ["united", "states"], ["united", "kingdom"]
    assert clean("go " + "\U0001f1fa\U0001f1f8" * 4) == ["go"] + usa * 2  # a flag: two code points, one emoji
    assert clean("\U0001f1ec\U0001f1e7" + "\U0001f1fa\U0001f1f8" * 3) == uk + usa * 2
    assert clean("\U0001f1fa\U0001f1f8\U0001f1ec\U0001f1e7\U0001f1fa\U0001f1f8") == usa + uk + usa  # no repeat
    assert clean("1\ufe0f\u20e3" + "0\ufe0f\u20e3" * 3) == ["keycap", "1"] + ["keycap", "0"] * 3  # 1000 stays
    joy = ["face", "with", "tears", "of", "joy"]
    assert clean("\U0001f602\U0001f602\U0001f602\U0001f602 lol") == joy * 2 + ["lol"]
    assert clean("\U0001f602\U0001f602\U0001f602\U0001f602 lol", repeats=False) == joy * 4 + ["lol"]
    for sequence, name in (("\u2764\ufe0f", ["red", "heart"]), ("\U0001f44d\U0001f3fd", ["thumbs", "up", "medium", "skin", "tone"])):
        assert clean(sequence * 4) == name * 2  # an emoji of several code points too (variation selector, skin tone)
    assert Cleaner(emoji="keep")("not good <333 great") == ["not", "not_good", "<333", "great"]  # one heart


def test_a_tag_may_have_unquoted_values_with_equals_signs_and_empty_ones():
    assert clean("x <a href=/search?q=a&page=2>link</a> y") == ["x", "link", "y"]
    assert clean("x <img src=a.png alt=>y") == ["x", "y"]


@pytest.mark.parametrize("html, tokens", [
    ("<p class=MsoNormal>Not good<o:p></o:p></p><p>Great phone</p>", ["not", "not_good", "great", "phone"]),  # Word's
    ("<td nowrap>not good</td> great", ["not", "not_good", "great"]),  # a bare boolean attribute
    ('<script async src="x.js"></script>ok', ["ok"]),
    ("<my-widget data-x=1>hi</my-widget>", ["hi"]),  # a custom element
    ("<![CDATA[x]]> ok", ["ok"]),
    ("<b and the screen> <b nowrapx> z", ["b", "and", "the", "screen", "b", "nowrapx", "z"]),  # other bare words: text
])
def test_tags_of_scraped_and_pasted_html_go(html, tokens):
    assert clean(html) == tokens


def test_repeated_emoji_are_squeezed_beside_a_kept_web_address_too():
    assert Cleaner(urls="keep")("\u2764\ufe0f" * 4 + " see http://x.co")[:4] == ["red", "heart"] * 2


def test_the_spacy_tokenizer_parts_words_at_the_punctuation_between_them():
    text = "Not worth it.Would never buy again!Great packaging;nice"
    assert clean(text, tokenizer="spacy") == clean(text) == [
        "not", "not_worth", "not_it", ".", "would", "never", "not_buy", "not_again", "!", "great", "packaging", ";",
        "nice"]
    assert clean("see www.x.com/a?b=1 now", tokenizer="spacy", urls="keep") == ["see", "www.x.com/a?b=1", "now"]


def test_the_spacy_tokenizer_keeps_an_emoji_of_several_code_points_whole():
    text = "👍🏽 ❤️ love 🇺🇸 usa 👨‍👩‍👧 great👍🏽"
    assert clean(text, emoji="keep", tokenizer="spacy") == clean(text, emoji="keep") == [
        "👍🏽", "❤️", "love", "🇺🇸", "usa", "👨\u200d👩\u200d👧", "great", "👍🏽"]


def test_the_spacy_tokenizer_keeps_keycaps_whole():
    for text in ("not good #\ufe0f\u20e3#\ufe0f\u20e3#\ufe0f\u20e3 great", "ok#\ufe0f\u20e3", "1\ufe0f\u20e32\ufe0f\u20e3 stars"):
        assert clean(text, emoji="keep", tokenizer="spacy") == clean(text, emoji="keep")


def test_the_spacy_tokenizer_reads_control_characters_and_replacement_characters_as_spaces():
    text = "not\x00good \x07 bad \ufffd great \ud800 fine"
    assert clean(text, tokenizer="spacy") == clean(text) == ["not", "not_good", "not_bad", "not_great", "not_fine"]


def test_the_spacy_tokenizer_keeps_numbers_whole_in_a_long_run_without_spaces():
    unit = "\u3053\u306e\u5546\u54c1\u306f3.5\u30a4\u30f3\u30c1\u3067\u3001\u5024\u6bb5\u306f1,980\u5186\u3002"
    tokens = Cleaner(tokenizer="spacy", negation=False)(unit * 12)  # Japanese: a review without spaces
    assert any("3.5" in token for token in tokens) and not any(token.startswith("5") for token in tokens)


def test_the_spacy_tokenizer_keeps_a_long_web_address_whole():
    address = "https://www.example.com/" + "a1/" * 70
    tokens = Cleaner(tokenizer="spacy", urls="keep", negation=False)(f"see {address} now")
    assert len(tokens) == 3 and tokens[0] == "see" and tokens[-1] == "now"


def test_text_between_angle_brackets_is_no_tag_without_attributes_of_name_and_value():
    assert clean("Samsung<Apple for cameras, but Apple>Samsung", negation=False) == [
        "samsung", "apple", "for", "cameras", ",", "but", "apple", "samsung"]  # was "samsung", "samsung", ...
    assert clean('<a href="x" class=big>link</a> and <img src=a.png/>') == ["link", "and"]


@pytest.mark.parametrize("text", ["not good<td>great</td>", "not good<section>great", "not good\u2028great",
                                  "not good\u2029great", "not good\x0cgreat"])
def test_table_cells_sections_and_unicode_line_separators_end_a_negation_scope(text):
    assert clean(text) == ["not", "not_good", "great"]
    assert clean(text, negation_scope=1)[-1] == "not_great"  # the older rule: punctuation only


def test_the_spacy_tokenizer_splits_a_long_run_without_spaces_at_its_punctuation():
    run = "{" + ",".join(f'"k{i}":"v{i}"' for i in range(30)) + "}"  # minified JSON: spaCy's infix search was
    tokens = Cleaner(tokenizer="spacy", negation=False)(f"ok {run}")  # quadratic in such runs, and kept them whole
    assert tokens[:6] == ["ok", "{", '"', "k0", '"', ":"] and "v29" in tokens and max(map(len, tokens)) <= 3
    assert Cleaner(tokenizer="spacy", negation=False)("ok a:b") == ["ok", "a", ":", "b"]  # short ones as spaCy reads them


def test_the_spacy_tokenizer_asks_like_url_of_short_tokens_only():
    """spaCy's like_url (which no step reads) searched a long word that keeps its points between digits in quadratic
    time (84,000 characters took 8 s): it is asked of tokens of up to _LONG_URL characters only."""
    import spacy
    from spacy.attrs import LIKE_URL

    from sentiment.cleaning import _LONG_URL

    spacys = spacy.blank("en").vocab.lex_attr_getters[LIKE_URL]
    ours = Cleaner(tokenizer="spacy")._spacy.vocab.lex_attr_getters[LIKE_URL]
    short, long = "www.example.com", "www." + "a" * _LONG_URL + ".com"
    assert ours(short) and spacys(short)
    assert spacys(long) and not ours(long)  # not asked: spaCy's own answer is never sought
    word = "10:30." * 14_000
    assert Cleaner(tokenizer="spacy")(word) == [word[:-1], "."]  # the word whole, as before


def test_the_spacy_tokenizer_merges_kept_emoji_a_batch_at_a_time():
    """spaCy's retokenizer looks for each merge among all those before it (15,000 flags took 3 s): the kept emoji of
    several code points are merged at most _MERGES at once, into the tokens of one merge of them all."""
    import contextlib
    import types

    from sentiment.cleaning import _MERGES, _for_spacy, _spacy_tokens

    sizes = []

    class CountedDoc:  # a spaCy Doc whose retokenize() counts its merges
        def __init__(self, doc):
            self.doc = doc

        def __getattr__(self, name):
            return getattr(self.doc, name)

        def __iter__(self):
            return iter(self.doc)

        def __getitem__(self, i):
            return self.doc[i]

        def __len__(self):
            return len(self.doc)

        @contextlib.contextmanager
        def retokenize(self):
            merges = []
            with self.doc.retokenize() as retokenizer:
                yield types.SimpleNamespace(merge=lambda span: (merges.append(span), retokenizer.merge(span)))
            sizes.append(len(merges))

    cleaner = Cleaner(tokenizer="spacy", emoji="keep", negation=False)
    text = " ".join(["👍🏽", "🇫🇷", "so", "good❤️"] * 400)
    tokens = _spacy_tokens(CountedDoc(cleaner._spacy(_for_spacy(text, emoji_kept=True))), emoji_kept=True)
    assert sum(sizes) == 1200 and max(sizes) <= _MERGES < 1200
    assert tokens == cleaner(text) == ["👍🏽", "🇫🇷", "so", "good", "❤️"] * 400


# -- reading version 11 ------------------------------------------------------------------------------
def test_html_entities_are_decoded_only_with_their_semicolon():
    # html.unescape also read HTML's legacy names without one: "&not" became "¬", "&micro" "µ", "&no" ...
    assert clean("arrived fast&not damaged") == ["arrived", "fast", "not", "not_damaged"]
    assert clean("fast&nothing broken", negation=False) == ["fast", "nothing", "broken"]
    assert clean("oven&microwave safe") == ["oven", "microwave", "safe"]
    assert Cleaner(lowercase=False).normalize("a &amp; b &#39;c&#x27; &#X27; caf&eacute; &AMP;") == "a & b 'c' ' café &"
    assert Cleaner(lowercase=False).normalize("&notit; &APOS; &amp &bogus;") == "&notit; &APOS; &amp &bogus;"  # no "¬it;"


@pytest.mark.parametrize("html, tokens", [
    ('<script>var msg = "terrible";</script>great phone', ["great", "phone"]),
    ('<SCRIPT type="text/javascript">\nbad()\n</Script >great', ["great"]),
    ("<style>p { color: red }</style>nice <style media=print>.awful{}</style\n> screen", ["nice", "screen"]),
    ("<script>a<style>b</style>c</script>ok<style>d</style>fine", ["ok", "fine"]),  # no nesting: code to its end
    ("I hate the <script> tag", ["i", "hate", "the", "tag"]),  # unclosed: what follows stays text
    ("<style>x</style> ok <script> stays", ["ok", "stays"]),
    ("<script and more</script> words", ["script", "and", "more", "words"]),  # no tag opens it
    ("<scripts>good</scripts>", ["good"]),  # another element
])
def test_script_and_style_content_goes_with_its_tags(html, tokens):
    assert Cleaner(negation=False)(html) == tokens


def test_many_unclosed_script_tags_keep_their_text():
    # each opening searches on for a closing tag once at most (no rescan per opening: linear time)
    assert Cleaner(negation=False)("<script>a " * 20_000 + "ok") == ["a"] * 20_000 + ["ok"]
    assert Cleaner(negation=False)("<script>a " * 20_000 + "</script> ok") == ["ok"]


def test_html_off_keeps_script_content():
    assert bare("<script>x</script>", html=False) == ["script", "x", "script"]


# Every stop word of scikit-learn's list that negates
NEGATING_STOP_WORDS = ["cannot", "cant", "couldnt", "hasnt", "neither", "never", "no", "nobody", "none", "noone",
                       "nor", "not", "nothing", "nowhere", "without"]


def test_stopwords_keep_every_stop_word_that_negates():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert set(NEGATING_STOP_WORDS) <= ENGLISH_STOP_WORDS  # (so each is one it would drop)
    for word in NEGATING_STOP_WORDS:
        assert clean(f"{word} fun", stopwords=True, negation=False, contractions=False) == [word, "fun"]
    assert clean("I couldnt care less", stopwords=True) == ["couldnt", "care", "less"]  # "less": SENTIMENT_STOP_WORDS
    assert clean("I couldnt care less", stopwords=True, missing_apostrophes=True) == ["not", "not_care", "not_less"]


@pytest.mark.parametrize("options", [{"lemmatize": True}, {"lemmatize": True, "tokenizer": "spacy"}])
def test_lemmas_read_the_stem_of_a_negated_verb_as_the_verb(options):
    # spaCy's lookup lemma of "n't" is "not", so the contractions step never saw "ca" / "wo" before "n't"
    assert clean("I can't, won't", **options) == ["i", "can", "not", ",", "will", "not"]
    assert clean("it wo n't work, ai n't, sha n't", **options) == [
        "it", "will", "not", "not_work", ",", "are", "not", ",", "shall", "not"]  # spaCy's lemma of "ai" was "have"
    assert clean("I can't", contractions=False, **options) == ["i", "can", "not"]
    assert clean("I can't", **options) == clean("I can't") == clean("I can not", **options)


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_a_kept_face_with_a_letter_is_one_token_when_lowercased(tokenizer):
    faces = ":D :-D :P :-P :O"
    assert clean(f"great {faces}", emoji="keep", tokenizer=tokenizer) == ["great", ":d", ":-d", ":p", ":-p", ":o"]
    assert clean(f"great {faces}", emoji="keep", tokenizer=tokenizer, lowercase=False) == ["great", *faces.split()]
    assert clean("great :D :)", emoji="keep", tokenizer=tokenizer, lemmatize=True) == ["great", ":d", ":)"]  # lemmas too
    assert clean("not good :D great", emoji="keep", tokenizer=tokenizer) == ["not", "not_good", ":d", "great"]
    # letters next to them stay words: no face inside a word
    assert clean("XD xdxd boxdrop a:d:d", emoji="keep", tokenizer=tokenizer, negation=False)[:3] == ["xd", "xdxd", "boxdrop"]


def test_a_face_is_found_and_named_whatever_its_case():
    assert clean("so good :d", emoji="words") == clean("so good :D") == ["so", "good", "grinning", "face"]
    assert clean("wow:-d") == clean("wow:-D") == ["wow", "grinning", "face"]
    assert "face" not in clean("Note:Do it, meet at 10:30 or c:data", negation=False)


def test_repeats_are_squeezed_whatever_their_case():
    assert clean("Mmmm delicious") == clean("mmmm delicious") == ["mm", "delicious"]
    assert clean("Ooooh") == clean("ooooh") == clean("Ooh") == ["ooh"]
    assert clean("Mmm") == ["mm"]  # three, one of them a capital
    assert bare("Mmmm SOOOO sOOOO NOoOo", repeats=True) == ["Mm", "SOO", "sOO", "NOo"]  # the first two as written


@pytest.mark.parametrize("mark, ascii", [("\uff0e", "."), ("\ufe52", "."), ("\ufe57", "!"), ("\ufe56", "?"),
                                         ("\ufe50", ","), ("\ufe51", ","), ("\ufe54", ";"), ("\ufe55", ":"),
                                         ("\u0589", "."), ("\u1362", "."), ("\u104b", ".")])
def test_full_width_small_armenian_ethiopic_and_myanmar_stops_punctuate_like_ascii(mark, ascii):
    assert plain_text(f"good{mark}great") == f"good{ascii}great"
    assert clean(f"not good{mark}great") == ["not", "not_good", ascii, "great"]


@pytest.mark.parametrize("text, tokens", [
    ("I would not buy from Amazon.com again", ["i", "would", "not", "not_buy", "not_from", "not_xxurl", "not_again"]),
    ("mail bob.smith+x@example.co.uk.", ["mail", "xxurl", "."]),
    ("see imdb.com/title/tt01, AMAZON.COM!", ["see", "xxurl", ",", "xxurl", "!"]),
    ("the end.Com and x.com.au", ["the", "end", ".", "com", "and", "x", ".", "com", ".", "au"]),  # no address
    ("at the movies@AMC.Loved it", ["at", "the", "movies", "amc", ".", "loved", "it"]),  # nor a glued sentence
    ("O'Reilly.com, 10/10@imdb.com", ["o'reilly", ".", "com", ",", "10", "10", "imdb", ".", "com"]),  # nor inside a word
    ("ASP.NET and 1.2.com", ["asp", ".", "net", "and", "1.2", ".", "com"]),
    ("jose\u0301@my-site.com", ["xxurl"]),
])
def test_an_email_and_a_bare_domain_are_web_addresses(text, tokens):
    assert clean(text) == tokens
    kept = clean(text, urls="keep", tokenizer="spacy")  # one token each ("not_amazon.com" in a negation's scope)
    for address in ("amazon.com", "bob.smith+x@example.co.uk", "imdb.com/title/tt01"):
        assert address not in text.lower() or any(token.split("_", 1)[-1] == address for token in kept)


def test_a_web_address_kept_whole_by_spacy_keeps_its_bracketed_part():
    text = "see https://en.wikipedia.org/wiki/Foo_(bar). now"
    assert clean(text, urls="keep", tokenizer="spacy") == ["see", "https://en.wikipedia.org/wiki/foo_(bar)", ".", "now"]


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_y_all_is_one_word(tokenizer):
    assert clean("Y'all are great", tokenizer=tokenizer) == ["y'all", "are", "great"]


def test_entities_escaped_twice_are_decoded_twice():
    assert clean("don&amp;#39;t like it") == clean("don't like it") == ["do", "not", "not_like", "not_it"]
    assert clean("&amp;quot;great&amp;quot; AT&amp;T") == ["great", "at", "t"]
    assert clean("fast&amp;not damaged") == ["fast", "not", "not_damaged"]  # "&not" without its ";": no entity
    assert clean("don&#38;#39;t") == clean("don&AMP;#39;t") == ["do", "not"]


@pytest.mark.parametrize("apostrophe", ["\u201b", "\u02b9", "\uff07"])
def test_reversed_prime_and_full_width_apostrophes_are_apostrophes(apostrophe):
    assert clean(f"it isn{apostrophe}t good") == ["it", "is", "not", "not_good"]


def test_a_quoted_attribute_value_may_hold_a_closing_angle_bracket():
    assert clean('<a title="a > b">not good</a> x') == ["not", "not_good", "not_x"]
    assert clean("<img alt='5 > 3'>fine") == ["fine"]


@pytest.mark.parametrize("face, name", [("^_^", "smiling face"), ("^.^", "smiling face"), (";-;", "crying face"),
                                        (";_;", "crying face"), (":*", "kissing face"), (":-*", "kissing face")])
def test_more_faces_are_named(face, name):
    assert clean(f"not good {face} great") == ["not", "not_good", *name.split(), "great"]
    for tokenizer in ("regex", "spacy"):
        assert clean(f"so good {face}", emoji="keep", tokenizer=tokenizer) == ["so", "good", face]
    assert "kissing" not in clean("Rating :***** great")


@pytest.mark.parametrize("tokenizer", ["regex", "spacy"])
def test_lemmas_read_degrees_of_good_and_bad_as_good_and_bad(tokenizer):
    assert clean("Better than the worst, worse than the best", lemmatize=True, tokenizer=tokenizer, negation=False) == [
        "good", "than", "the", "bad", ",", "bad", "than", "the", "good"]
