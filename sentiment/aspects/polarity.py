"""Aspect polarity: text + aspect span -> negative / neutral / positive.

:class:`ClassicalPolarity` is a logistic regression over features of the aspect's context:

* the aspect's own words (``T=``),
* the words of the clause that holds the aspect (clauses end at ``, ; : . ! ?`` but inside a number or after
  an abbreviation: "2.1 GHz", "St. Mark's", at ``.. !! ?? ?! !?``, at
  "but"/"although"/"though"/"however"/"while"/"whereas"/"yet" where they contrast (not "wait a while", "not
  yet", "not only ... but also", "nothing but": :func:`contrast_use`; not in an aside between commas that a
  predicate follows: "The service, however, was terrible"), where the Cleaner ends a negation's scope
  too: at a line break and on both sides of an emoji or an HTML block tag such as ``<br>``, and on both sides
  of a dash ("good — the service", "good - the service", "good--the service"; not "hard-drive":
  :func:`clause_cuts`), with negation marking up to the clause's end ("not only" negates nothing); a clause
  that is a bare subject takes its predicate's words too, across asides or an ellipsis ("The service, however,
  was terrible", "The service... was terrible": :func:`predicate_part`) (``C=``),
* left and right windows of 4 tokens, unigrams and bigrams (``L=``, ``R=``, ``LB=``, ``RB=``; a window that
  reaches the text's start or end has ``<s>`` or ``</s>`` there as a bigram neighbour),
* a distance-weighted bag of all words in the sentence (weight ``1 / (1 + distance)``, ``D=``),
* the sentence's words at a low weight (``S=``), for sentences with one opinion;
* with a prior (a sentence polarity model): its scores of the clause, the windows and the sentence, and of
  the part across a contrast word (``Po``: "The camera struggles in low light" for the battery of "..., but
  the battery lasts for days"), whose opinion the aspect's part tends to oppose, and of the clause without
  its negations where something in it is negated (``Pn``: "the staff were rude" for "The staff weren't rude"),
  whose opinion the clause denies.

The target-aware neural model is :class:`sentiment.aspects.neural.AttentionPolarity`;
:class:`MeanPolarity` averages the probabilities of several polarity models (``polarity="mean"``).
"""

from __future__ import annotations

import re

import numpy as np

from ..cleaning import (DASH_CHARACTERS, LINE_BREAK, NEGATIONS, SYMBOLS, decode_entities, emoji_spans, is_break_tag,
                        is_dash, negates_nothing)
from ..persistence import member_arrays, member_states
from ..tokens import Token, tokenize
from .data import ABBREVIATIONS, POLARITIES, aspect_token_range
from .linear import HashedLogistic

CONTRASTS = frozenset({"but", "although", "though", "however", "while", "whereas", "yet"})
# The words before "while" that make it a noun ("a while", "worth your while"), and the adjectives that do after
# "a" or "the" ("a long while", "the whole while"; not "the wait was long while the food was great").
_NOUN_WHILE_AFTER = frozenset({"a", "the", "my", "your", "its", "our", "their"})
_NOUN_WHILE_ADJECTIVES = frozenset({"little", "whole", "good", "long", "short", "great"})
# The words before or after "yet" that make it an adverb ("not yet", "as yet", "the best yet"; "have yet to",
# "yet another", "yet again"); a negation before it does too ("never", "haven't", "havent").
_ADVERB_YET_AFTER = frozenset({"as", "best", "worst"}) | NEGATIONS
_ADVERB_YET_BEFORE = frozenset({"to", "another", "again", "more"})
_BUT_AS_ONLY = frozenset({"nothing", "anything"})
_NEGATED_VERB = re.compile(r"(?:do|does|did|is|are|was|were|has|have|had|would|should|could|must|need|ca|wo|ai|sha)"
                           r"(?:n't|nt)")
# Tokens that are no neighbour of a contrast word: HTML tags and entities ("Not <b>yet</b>", "a&nbsp;while").
_NO_NEIGHBOUR = re.compile(r"<.*>|&#?\w+;", re.DOTALL)
# Punctuation tokens that end a clause; the two-character ones are single characters of the raw text ("…", "‼",
# "⁉"), which the token normalization writes as ASCII (other scripts' stops and commas come out as ". , ; ? !").
CLAUSE_BREAKS = frozenset(",;:.!?") | frozenset({"..", "!!", "??", "?!", "!?"}) | CONTRASTS
WINDOW = 4
_NO_STOP_AFTER = frozenset(a for a in ABBREVIATIONS if "." not in a)  # "e.g." and "i.e.": letters and stops
# The contrast words that may stand in an aside between commas, and the words that open one ("The service,
# however, was terrible", "The pasta, while pricey, was delicious", "The staff, who were new, were lovely", "The
# pasta, even if pricey, was delicious", and from version 22 a sentence adverb: "The keyboard, sadly, is mushy").
ASIDE_CONTRASTS = frozenset({"however", "though", "although", "while", "whereas"})
ASIDE_ADVERBS = frozenset("sadly unfortunately fortunately thankfully luckily honestly frankly surprisingly "
                          "unsurprisingly admittedly apparently obviously clearly personally seriously "
                          "strangely oddly ironically predictably regrettably interestingly".split())
ASIDE_OPENERS = ASIDE_CONTRASTS | ASIDE_ADVERBS | {"which", "who", "whom", "whose", "even"}
# The words that open an aside with more to it, so that a clause after it may be its rest ("Nha Trang, while slow,
# the staff, is great"); a lone adverb has none ("We went on Friday, honestly, the pizza... was cold").
REST_OPENERS = ASIDE_OPENERS - ASIDE_ADVERBS
# The verbs that open a predicate: a clause that starts with one has no subject of its own (and their negated
# forms: _NEGATED_VERB).
PREDICATE_OPENERS = frozenset("am is was are were has have had does did can could will would should may might must "
                              "seems seemed looks looked tastes tasted feels felt remains remained".split())
_IMPERATIVES = frozenset({"don't", "dont"})  # "If you want to save money, don't go here": no predicate of a subject
# The words a bare subject opens with (after an "and"): a determiner or a possessive ("The service", "and the
# prices"; not "Loved the food", "Great food", "It's a nice place", "I'm a fan").
SUBJECT_OPENERS = frozenset("the a an this that these those my our your their his her its".split())
_SUBJECT_WORDS = 10  # a bare subject holds at most this many tokens
# ... or, opening a sentence, one word without a determiner, or two joined by "and" ("Service, however, was
# awful", "Food and service... were great"; not "Great pizza, however, wasn't a fan of the wings", where the
# predicate is the writer's, nor a pronoun or a negation: "Loved it, however, ...", "Not great, however, was")
_PRONOUNS = frozenset("i we you they he she it me us them".split())
_NO_PLAIN_SUBJECT = SUBJECT_OPENERS | _PRONOUNS | NEGATIONS
SENTENCE_STOPS = frozenset(".!?") | frozenset({"!!", "??", "?!", "!?"})


def contrast_use(before: list[str], word: str, after: str) -> bool:
    """Whether the contrast word ``word`` (one of :data:`CONTRASTS`, in lower case) parts a clause where it
    stands, after the words ``before`` (nearest first; up to two count) and before the word ``after`` ("" at
    the text's end): "but" not before "also" ("not only tasty but also cheap"), "while" not as a noun ("wait a
    while", "once in a while", "for a long while"), "though" not in "as though", "yet" not as an adverb ("not
    yet", "haven't yet", "as yet", "the best yet", "have yet to", "yet another", "yet again", "haven't tried
    it yet."; "and yet", "simple yet elegant", "Yet, ..." contrast)."""
    near, far = (list(before) + ["", ""])[:2]
    if word == "but":  # "not only tasty but also cheap" adds, "nothing but friendly" and "anything but cheap"
        return after != "also" and near not in _BUT_AS_ONLY  # say how much: none contrasts
    if word == "while":
        return not (near in _NOUN_WHILE_AFTER or (near in _NOUN_WHILE_ADJECTIVES and far in ("a", "the")))
    if word == "though":
        return near != "as"
    if word == "yet":
        if near in _ADVERB_YET_AFTER or near.endswith("n't") or _NEGATED_VERB.fullmatch(near) \
                or after in _ADVERB_YET_BEFORE:
            return False
        ends_a_clause = not after[:1].isalnum()  # "... it yet." / "... yet, so"
        return not (ends_a_clause and near[:1].isalnum() and near not in ("and", "but"))
    return True


def breaks_at(words: list[str], i: int, breaks=None, cuts: frozenset[int] = frozenset()) -> bool:
    """Whether ``words[i]`` (lower-case token texts) ends a clause: it is one of ``breaks`` (:data:`CLAUSE_BREAKS`
    by default), and a contrast word among them stands in a contrast (:func:`contrast_use`; its neighbours
    are the nearest words that are no HTML tag or entity) and opens no aside (:func:`_opens_aside`, which
    reads where clauses end besides punctuation: ``cuts``, as for :func:`clause_bounds`)."""
    word = words[i]
    if word not in (CLAUSE_BREAKS if breaks is None else breaks):
        return False
    if word not in CONTRASTS:
        return not _inside_a_word(words, i)
    before = [w for w in words[max(0, i - 6):i] if not _NO_NEIGHBOUR.fullmatch(w)][::-1]
    return contrast_use(before, word, _word_after(words, i)) and not (word in ASIDE_CONTRASTS and _opens_aside(words, i, before, cuts))


def _word_after(words: list[str], i: int) -> str:
    """The nearest of the six words after ``words[i]`` that is no HTML tag or entity ("" when none is)."""
    return next((w for w in words[i + 1:i + 7] if not _NO_NEIGHBOUR.fullmatch(w)), "")


def opens_predicate(word: str) -> bool:
    """Whether ``word`` (lower case) is a verb that opens a predicate (:data:`PREDICATE_OPENERS`, "wasn't")."""
    return word in PREDICATE_OPENERS or (word not in _IMPERATIVES and bool(_NEGATED_VERB.fullmatch(word)))


def bare_subject(words: list[str], opens_sentence: bool = False) -> bool:
    """Whether the clause ``words`` (lower case) is a bare subject, a noun phrase without its predicate: it
    opens with one of :data:`SUBJECT_OPENERS` (after an "and"), holds at most ``_SUBJECT_WORDS`` tokens and no
    verb that :func:`opens_predicate` ("The service", "and the prices", "My favorite by far"; not "Loved the
    food", "Great food", "The food was great"); with ``opens_sentence`` (the clause starts a sentence) also
    one word, or two joined by "and", that is no determiner, pronoun or negation ("Service", "Food and
    service"; not "Great pizza", "Loved it", "Not great")."""
    words = words[1:] if words[:1] == ["and"] else words
    if not 0 < len(words) <= _SUBJECT_WORDS or any(map(opens_predicate, words)):
        return False
    if words[0] in SUBJECT_OPENERS:
        return True
    nouns = words if len(words) == 1 else words[::2] if len(words) == 3 and words[1] in ("and", "&") else []
    return opens_sentence and bool(nouns) and all(w.isalpha() and w not in _NO_PLAIN_SUBJECT for w in nouns)


def opens_sentence(words: list[str], start: int, cuts: frozenset[int] = frozenset()) -> bool:
    """Whether token ``start`` of ``words`` starts a sentence: the first token, one after a line break (or
    another of ``cuts``, :func:`clause_cuts`, but a dash: "Great food - service, however, was awful") or after
    a stop that ends a sentence (not "St.", "9.5")."""
    before = words[start - 1] if start else ""
    return start == 0 or start in cuts and not set(before) <= set(DASH_CHARACTERS) or \
        before in SENTENCE_STOPS and not _inside_a_word(words, start - 1)


_ASIDE_WORDS = 10  # an aside closes within this many tokens


def _opens_aside(words: list[str], i: int, before: list[str], cuts: frozenset[int]) -> bool:
    """Whether the contrast word ``words[i]`` (after the words ``before``, nearest first) opens an aside between
    commas that parts a bare subject (:func:`bare_subject`) from the predicate that follows the aside, where it
    parts nothing: "The service, however, was terrible", "The pasta, while pricey, was delicious", "The pasta,
    even though pricey, was delicious" speak of the service and the pasta in one clause; "Great food, however,
    the service was slow", "Loved the food, however, was disappointed with the service" and "It was good,
    though." still contrast."""
    comma = before.index(",") if "," in before[:2] else -1
    if comma < 0 or (comma == 1 and before[0] != "even"):
        return False
    at = next((k for k in range(i - 1, max(-1, i - 9), -1) if words[k] == ","), -1)
    start = at
    while start > 0 and start not in cuts and at - start < _SUBJECT_WORDS + 1 and words[start - 1] not in CLAUSE_BREAKS:
        start -= 1
    if at < 0 or not bare_subject([w for w in words[start:at] if not _NO_NEIGHBOUR.fullmatch(w)],
                                  opens_sentence(words, start, cuts)):
        return False
    for j in range(i + 1, min(len(words), i + 1 + _ASIDE_WORDS)):
        if j in cuts:
            return False
        if words[j] == "," and not _inside_a_word(words, j):
            return opens_predicate(_word_after(words, j))
        if words[j] in CLAUSE_BREAKS and not _inside_a_word(words, j):
            return False
    return False


def _inside_a_word(words: list[str], i: int) -> bool:
    """Whether the mark ``words[i]`` belongs to a number or an abbreviation, where it ends no clause: a ``.``,
    ``,`` or ``:`` between digits ("2.1 GHz", "1,000", "8:00"), a ``.`` after an abbreviation whose full stop
    ends no sentence either ("St.", "vs.": :data:`~sentiment.aspects.data.ABBREVIATIONS`) or after a single
    letter ("e.g.", "o.k.", "U.S.")."""
    before = words[i - 1] if i else ""
    if words[i] in ".,:" and before[-1:].isdigit() and words[i + 1:i + 2] and words[i + 1][:1].isdigit():
        return True
    return words[i] == "." and abbreviated(before)


def abbreviated(word: str) -> bool:
    """Whether a full stop after ``word`` (lower case) ends no sentence or clause: it is an abbreviation
    (:data:`~sentiment.aspects.data.ABBREVIATIONS`: "St.", "vs.") or a single letter ("e.g.", "o.k.", "U.S.")."""
    return word in _NO_STOP_AFTER or (len(word) == 1 and word.isalpha())


def clause_cuts(text: str, tokens: list[Token]) -> frozenset[int]:
    """The token positions where a clause ends though no punctuation token or contrast word ends it: ``i`` when
    a line break lies between tokens ``i - 1`` and ``i``, and on both sides of an emoji or an HTML block tag
    (``<br>``, ``<p>``), where the Cleaner ends a negation's scope too ("The food was not good 😞 the service
    was great": the service's clause starts after the emoji, unnegated), and of a dash (:func:`_is_dash`:
    "The food was not good - the service was great")."""
    cuts = set()
    for i, token in enumerate(tokens):
        if i and LINE_BREAK.search(text, tokens[i - 1].end, token.start):
            cuts.add(i)
        raw = text[token.start:token.end]
        if (is_break_tag(raw) if token.markup else _is_dash(text, token) or not raw.isascii()
                and raw not in SYMBOLS and emoji_spans(raw) == [(0, len(raw))]):  # "Norton™": the Cleaner drops ™
            cuts.update((i, i + 1))
    return frozenset(cuts)


def _is_dash(text: str, token: Token) -> bool:
    """Whether ``token`` is a dash that parts two clauses (the Cleaner's :data:`~sentiment.cleaning.DASH`: " - ",
    "--", "—", "&mdash;"; not "hard-drive", "-5 degrees" or "2–3"), read with the characters around it."""
    mark = text[token.start:token.end]
    if mark[:1] == "&":  # "&mdash;", "&#8211;"
        mark = decode_entities(mark)
    return len(mark) == 1 and is_dash(text[token.start - 1:token.start], mark, text[token.end:token.end + 1])


def opens_negation(words: list[str], i: int, next_word: str | None = None) -> bool:
    """Whether ``words[i]`` is a negation that negates the words after it: not "not only", "isn't just"
    (:func:`negates_nothing`), "nothing but". ``next_word``: the nearest word after it that is no HTML tag or
    entity (itself when none is), where the caller has it; else found here, for a "nothing" only."""
    word = words[i]
    if not (word in NEGATIONS or word.endswith("n't")) or negates_nothing(words, i):
        return False
    if word != "nothing":
        return True
    if next_word is None:
        next_word = next((w for w in words[i + 1:] if not _NO_NEIGHBOUR.fullmatch(w)), word)
    return next_word != "but"


def negation_marks(words: list[str], cuts: frozenset[int] = frozenset()) -> list[str]:
    """``not_`` before the words after a negation, up to the next clause break (or ``cuts``: :func:`clause_cuts`);
    "not only" (or "not just") and "nothing but" negate nothing, "anything but" negates ("anything but cheap"; "never
    had anything but praise" then negates nothing). A bracket ends no negation (version 12's rule that it did cost
    the classical polarity model on both domains' dev splits: benchmarks/results/aspect_reading_ablation.md)."""
    out, neg = [], False
    said = [i for i, w in enumerate(words) if not _NO_NEIGHBOUR.fullmatch(w)]  # no tag is a neighbour ("nothing <b>but")
    before = dict(zip(said[1:], said))
    after = dict(zip(said, said[1:]))
    for i, w in enumerate(words):
        if i in cuts:
            neg = False
        if w == "but" and words[before.get(i, i)] in _BUT_AS_ONLY:  # no contrast (contrast_use): no break either
            neg = neg != (words[before[i]] == "anything")
            out.append(w)
        elif breaks_at(words, i, cuts=cuts):
            neg = False
            out.append(w)
        elif opens_negation(words, i, words[after.get(i, i)]):
            neg = True
            out.append(w)
        else:
            out.append("not_" + w if neg else w)
    return out


def clause_bounds(words: list[str], first: int, last: int, breaks=CLAUSE_BREAKS,
                  cuts: frozenset[int] = frozenset()) -> tuple[int, int]:
    """The token range around tokens ``first:last`` up to the nearest of ``breaks`` (:func:`breaks_at`) or
    ``cuts`` (the positions of :func:`clause_cuts`) on either side: the aspect's clause, or with
    ``breaks=CONTRASTS`` the part of a two-opinion sentence ("but", "although", ...) that speaks of the aspect,
    which ``cuts`` do not end (they tell only where an aside's subject starts: :func:`breaks_at`)."""
    bounds = frozenset() if breaks == CONTRASTS else cuts
    start = first
    while start > 0 and start not in bounds and not breaks_at(words, start - 1, breaks, cuts):
        start -= 1
    end = last
    while end < len(words) and end not in bounds and not breaks_at(words, end, breaks, cuts):
        end += 1
    return start, end


def predicate_part(words: list[str], start: int, end: int, cuts: frozenset[int] = frozenset()) -> tuple[int, int]:
    """The predicate of the clause ``words[start:end]`` where that clause is a bare subject (:func:`bare_subject`)
    parted from its predicate by asides between commas or by an ellipsis: "was terrible" for "The service" in
    "The service, however, was terrible", "The pasta, while pricey, was delicious", "The staff, who were new,
    were lovely" or "The service... was terrible". The predicate is the first clause after the subject's that
    opens with a verb (:func:`opens_predicate`), past one or two asides (clauses that open with one of
    :data:`ASIDE_OPENERS` and no contrast) or an ellipsis; a comma alone parts none ("The waitress, seems
    rude"). No clause after an aside's contrast word takes one ("Nha Trang, while slow, the staff, is great").
    ``(end, end)`` when there is none; ``cuts``: as for :func:`clause_bounds`."""
    none = (end, end)
    said = [w for w in words[start:end] if not _NO_NEIGHBOUR.fullmatch(w)]  # no HTML tag: "<b>The service</b>"
    asides = int(said[-1:] == [")"] and "(" in said)  # "The food (which we ordered), was terrible": an aside
    if not bare_subject(said[:said.index("(")] if asides else said, opens_sentence(words, start, cuts)):
        return none
    if start >= 2 and start not in cuts and words[start - 1] == ",":  # the clause before, past the comma
        before = clause_bounds(words, start - 2, start - 1, cuts=cuts)[0]
        if before and words[before - 1] == "," and words[before] in REST_OPENERS or before > 1 and \
                words[before - 2] == "," and words[before - 1] in ASIDE_CONTRASTS:
            return none  # "Nha Trang, while slow, the staff, is great": the rest of an aside
    for _ in range(3):  # the subject's clause, then up to two asides
        j, stops = end, 0
        while j < len(words) and j not in cuts and words[j] not in CONTRASTS and breaks_at(words, j, cuts=cuts):
            if words[j] not in (",", ".", ".."):
                return none
            stops += {",": 0, ".": 1, "..": 2}[words[j]]
            j += 1
        if j == end or j >= len(words) or j in cuts or stops == 1:  # no comma or ellipsis; a full stop
            return none
        if words[j] in CONTRASTS and breaks_at(words, j, cuts=cuts):  # "The pasta, however... was": a contrast
            return none
        end = clause_bounds(words, j, j + 1, cuts=cuts)[1]
        if opens_predicate(words[j]):
            return (j, end) if asides or stops else none
        if words[j] not in ASIDE_OPENERS and words[j] != "(":  # "The food, (which we ordered), was"
            return none
        asides += 1
    return none


def contrasted_part(words: list[str], first: int, last: int, cuts: frozenset[int] = frozenset()) -> tuple[int, int]:
    """The token range of the part of a two-opinion sentence across a contrast word from the aspect ("The
    camera struggles in low light ," for the battery of "The camera struggles in low light, but the battery
    lasts for days"): the part before the contrast word that opens the aspect's part, else the part after
    the one that closes it (a run of contrast words counts as one: "but although"); a part of punctuation
    alone is none. An empty range when no part is found: no contrast word parts the sentence around the
    aspect, or one opens it ("Although the food is good, the service is slow": both aspects share a part).
    ``cuts``: as for :func:`clause_bounds` (they end no part)."""
    s0, s1 = clause_bounds(words, first, last, CONTRASTS, cuts)
    end = s0 - 1  # the contrast word before the aspect's part, then the end of the part before it
    while end >= 0 and breaks_at(words, end, CONTRASTS, cuts):
        end -= 1
    start = s1  # the contrast word after, then the start of the part after it
    while start < len(words) and breaks_at(words, start, CONTRASTS, cuts):
        start += 1
    parts = ([(clause_bounds(words, end, end + 1, CONTRASTS, cuts)[0], end + 1)] if end >= 0 else []) + \
            ([(start, clause_bounds(words, start, start + 1, CONTRASTS, cuts)[1])] if start < len(words) else [])
    return next((part for part in parts if any(w not in CLAUSE_BREAKS for w in words[slice(*part)])), (0, 0))


PRIOR_NAMES = ("Pc", "Pl", "Pr", "Ps")


def prior_texts(text: str, tokens: list[Token], first: int, last: int, contrasted: bool = False,
                cuts: frozenset[int] | None = None, denied: bool = False, marked: list[str] | None = None) -> list[str]:
    """The pieces of text a sentence-level polarity model scores: clause, left and right context, sentence;
    with ``contrasted`` also the part across a contrast word (:func:`contrasted_part`, "" when none); with
    ``denied`` (last) the clause without its negations (:func:`_denied_words`, "" when nothing in it is
    negated). A text without tokens is its own clause, context and sentence. ``cuts``: the text's
    :func:`clause_cuts`, and ``marked`` its words' negation marks (:func:`negation_marks`), where the caller has them (a
    text of several aspects), else found here."""
    if not tokens:
        return [text] * len(PRIOR_NAMES) + [""] * (contrasted + denied)
    words = [t.text for t in tokens]
    cuts = clause_cuts(text, tokens) if cuts is None else cuts
    c0, c1 = clause_bounds(words, first, last, cuts=cuts)
    predicate = predicate_part(words, c0, c1, cuts)
    piece = lambda a, b: text[tokens[a].start:tokens[b - 1].end] if b > a else ""
    clause = " ".join(filter(None, [piece(c0, c1), piece(*predicate)]))
    pieces = [clause, piece(max(0, first - WINDOW), first), piece(last, min(len(tokens), last + WINDOW)), text]
    if contrasted:
        pieces.append(piece(*contrasted_part(words, first, last, cuts)))
    if denied:
        marked = negation_marks(words, cuts) if marked is None else marked
        pieces.append(_denied_words(tokens, words, marked, [*range(c0, c1), *range(*predicate)]))
    return pieces


# the stems of negated verbs whose "n't" leaves no word behind ("can't" -> "can", not "ca"), and "cannot"
_DENIED_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is", "cannot": "can"}


def _denied_words(tokens: list[Token], words: list[str], marked: list[str], span: list[int]) -> str:
    """The words of the clause at token indices ``span`` (the aspect's clause with its predicate part, as
    :func:`prior_texts` takes it) without the negations that negate something in it (:func:`opens_negation`: "The
    staff weren't rude" -> "the staff were rude", "no complaints" -> "complaints", "cannot" -> "can", "wo n't" ->
    "will"), for the prior to score what the clause denies; "" when nothing in the clause is negated. ``words``:
    the tokens' texts; ``marked``: the same with their negation marks (:func:`negation_marks`)."""
    if not any(marked[i].startswith("not_") and not words[i].startswith("not_") for i in span):
        return ""
    kept: list[str] = []
    for i in span:
        word = words[i]
        if tokens[i].markup:
            continue
        if marked[i] == word and opens_negation(words, i):
            if word == "n't" and kept:  # "wo n't": the verb before it
                kept[-1] = _DENIED_STEMS.get(kept[-1], kept[-1])
            stem = word[:-3] if word.endswith("n't") else word if word == "cannot" else ""
            word = _DENIED_STEMS.get(stem, stem)
        if word:
            kept.append(word)
    return " ".join(kept)


def prior_positive(prior, pieces: list[list[str]]) -> np.ndarray:
    """The prior's positive probability of each item's pieces (:func:`prior_texts`; as many for every
    item), (items, pieces); 0.5 for an empty piece."""
    flat = [p for group in pieces for p in group]
    # each different piece scored once: every aspect of a sentence brings the whole sentence (and a long one
    # of many aspects, scored once per aspect, took time that grew with its length times its aspects)
    unique = list(dict.fromkeys(p for p in flat if p.strip()))
    scored = dict(zip(unique, prior(unique))) if unique else {}
    positive = np.array([scored.get(p, 0.5) for p in flat], dtype=np.float64)
    return positive.reshape(len(pieces), len(pieces[0]) if pieces else len(PRIOR_NAMES))


def prior_features(probabilities, names=PRIOR_NAMES) -> list:
    """Features from the positive probability of each piece: the log-odds and a coarse bin."""
    out = []
    for name, p in zip(names, probabilities):
        p = min(max(float(p), 1e-4), 1 - 1e-4)
        out.append((name, float(np.log(p / (1 - p)))))
        out.append(f"{name}bin={int(p * 5)}")
    return out


# 2: sentence-wide words beyond a contrast word are marked "X" (1: not marked); 3: the prior's score of the
# part across a contrast word (Po), which a two-opinion sentence's other aspect takes the opposite of; 4: the
# window bigrams' edge markers <s> and </s> stand at the text's edges only (3: at the windows' edges); 5: an aspect
# after nothing but HTML tags or web addresses in its clause is first in it; 6: the prior's score of the aspect's
# clause with its negations left out (Pn: prior_texts' denied piece), where something in it is negated
FEATURES_VERSION = 6


def context_features(tokens: list[Token], first: int, last: int, version: int = FEATURES_VERSION,
                     cuts: frozenset[int] = frozenset(), marked: list[str] | None = None) -> list:
    """The features of the aspect at tokens ``first:last`` (see the module docstring); ``cuts``: where clauses
    end besides punctuation and contrast words (:func:`clause_cuts`); ``marked``: the tokens' texts with their
    negation marks (``negation_marks(words, cuts)``), where the caller has them (a text of several aspects). HTML
    tags and web addresses around the aspect give no context feature (no ``C=not_<br>``): they still bound
    clauses and windows."""
    words = [t.text for t in tokens]
    marked = negation_marks(words, cuts) if marked is None else marked
    said = [None if t.markup else w for t, w in zip(tokens, marked)]  # the words that context features may name

    def context(a: int, b: int) -> list[str]:
        return [w for w in said[a:b] if w is not None]

    f: list = ["b"]
    f += ["T=" + w for w in words[first:last]]
    f.append("TT=" + " ".join(words[first:last]))
    c0, c1 = clause_bounds(words, first, last, cuts=cuts)
    clause = context(c0, first) + context(last, c1) + context(*predicate_part(words, c0, c1, cuts))
    f += ["C=" + w for w in clause]
    f += ["CB=" + a + "|" + b for a, b in zip(clause, clause[1:])]
    left, right = context(max(0, first - WINDOW), first), context(last, last + WINDOW)
    f += ["L=" + w for w in left] + ["R=" + w for w in right]
    # the text's edges as bigram neighbours (before version 4: the window's edges, wherever they fell)
    left = ["<s>"] * (version < 4 or first <= WINDOW) + left
    right += ["</s>"] * (version < 4 or last + WINDOW >= len(words))
    f += ["LB=" + a + "|" + b for a, b in zip(left, left[1:])] + ["RB=" + a + "|" + b for a, b in zip(right, right[1:])]
    s0, s1 = clause_bounds(words, first, last, CONTRASTS, cuts) if version >= 2 else (0, len(words))
    for i, w in enumerate(said):
        if first <= i < last or w is None:
            continue
        distance = first - i if i < first else i - last + 1
        side = "" if s0 <= i < s1 else "X"  # X: beyond a "but" (or the like) from the aspect
        f.append((side + "D=" + w, 1.0 / (1.0 + distance)))
        f.append((side + "S=" + w, 0.3))
    # from version 5 HTML tags and web addresses before the aspect leave it first ("<b>Pizza</b> was great")
    opens = all(said[i] is None for i in range(c0, first)) if version >= 5 else c0 == first
    f.append(("first_in_clause", 1.0 if opens else 0.0))
    return f


def locate(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    return aspect_token_range(tokens, start, end) if tokens else (0, 0)


class ClassicalPolarity:
    """Logistic regression over the aspect's context features."""

    name = "classical"
    reads_word_vectors = False

    def __init__(self, C: float = 0.5, bits: int = 18, class_weight=None, seed: int = 0, cleaner=None, prior=None):
        self.model = HashedLogistic(bits=bits, C=C, class_weight=class_weight, seed=seed)
        self.cleaner, self.prior = cleaner, prior
        self.features_version = FEATURES_VERSION  # a loaded model keeps the features it was trained on

    @classmethod
    def configured(cls, p: dict, *, cleaner, prior) -> "ClassicalPolarity":
        """The model that an :class:`~sentiment.aspects.AspectPipeline` with settings ``p`` trains."""
        return cls(C=p["polarity_C"], bits=p["bits"], seed=p["seed"], cleaner=cleaner, prior=prior)

    def features(self, items: list[tuple[str, int, int]]) -> list[list]:
        cache: dict[str, list[Token]] = {}
        cuts: dict[str, frozenset[int]] = {}
        marked: dict[str, list[str]] = {}  # computed once per text, however many aspects it holds
        rows, pieces = [], []
        contrasted, denied = self.features_version >= 3, self.features_version >= 6
        for text, start, end in items:
            if text not in cache:
                cache[text] = tokenize(text, self.cleaner)
                cuts[text] = clause_cuts(text, cache[text])
                marked[text] = negation_marks([t.text for t in cache[text]], cuts[text])
            toks = cache[text]
            span = locate(toks, start, end)
            rows.append(context_features(toks, *span, version=self.features_version, cuts=cuts[text],
                                         marked=marked[text]) if toks else ["b"])
            if self.prior is not None:
                pieces.append(prior_texts(text, toks, *span, contrasted, cuts[text], denied, marked[text]))
        if self.prior is not None and rows:
            for row, probs, texts in zip(rows, prior_positive(self.prior, pieces), pieces):
                row.extend(prior_features(probs))
                if contrasted and texts[len(PRIOR_NAMES)]:  # a part across a contrast word
                    row.extend(prior_features(probs[len(PRIOR_NAMES):], ("Po",)))
                if denied and texts[-1]:  # the clause without its negations
                    row.extend(prior_features(probs[-1:], ("Pn",)))
        return rows

    def fit(self, items: list[tuple[str, int, int]], labels: list[str], keyed=None, progress: bool = False,
            pretrain=None, groups=None) -> "ClassicalPolarity":
        """Train on ``(text, from, to)`` aspects and their polarities (the other arguments are the networks')."""
        self.model.fit(self.features(items), labels)
        return self

    def predict_proba(self, items: list[tuple[str, int, int]]) -> np.ndarray:
        """Probabilities in the order of :data:`POLARITIES`."""
        probs = np.zeros((len(items), len(POLARITIES)))
        if items:
            columns = [POLARITIES.index(c) for c in self.model.classes_]
            probs[:, columns] = self.model.predict_proba(self.features(items))
        return probs

    def get_state(self):
        state, arrays = self.model.get_state()
        return {"name": self.name, "features_version": self.features_version, "prior": self.prior is not None,
                **state}, arrays

    @classmethod
    def from_state(cls, state, arrays, cleaner=None, prior=None):
        if state.get("prior", prior is not None) != (prior is not None):  # (models saved before this say nothing)
            raise ValueError("its polarity model was trained " + ("with" if state["prior"] else "without")
                             + " prior scores, and the model has " + ("no" if prior is None else "a") + " prior model")
        polarity = cls(cleaner=cleaner, prior=prior)
        polarity.model = HashedLogistic.from_state(state, arrays, allowed=POLARITIES, what="polarity")
        version = state.get("features_version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= FEATURES_VERSION:
            raise ValueError(f"its polarity features are of version {version!r}, and this package reads versions 1 "
                             f"to {FEATURES_VERSION}; install the version of sentiment that trained it, or train it again")
        polarity.features_version = version
        return polarity


class MeanPolarity:
    """The mean of several polarity models' probabilities; saved as its members' states, their arrays
    under ``m0.``, ``m1.``, ..."""

    name = "mean"
    reads_word_vectors = True  # its lstm member does
    MEMBERS = ("classical", "lstm")

    def __init__(self, members: list) -> None:
        self.members = list(members)

    @classmethod
    def configured(cls, p: dict, *, cleaner, prior) -> "MeanPolarity":
        """Both polarity models of an :class:`~sentiment.aspects.AspectPipeline` with settings ``p``."""
        from ..registry import resolve

        return cls([resolve("aspect_polarity", name).configured(p, cleaner=cleaner, prior=prior) for name in cls.MEMBERS])

    def fit(self, items, labels, keyed=None, progress: bool = False, pretrain=None, groups=None) -> "MeanPolarity":
        for member in self.members:
            member.fit(items, labels, keyed=keyed, progress=progress, pretrain=pretrain, groups=groups)
        return self

    def predict_proba(self, items: list[tuple[str, int, int]]) -> np.ndarray:
        return sum(m.predict_proba(items) for m in self.members) / len(self.members)

    def get_state(self):
        states, arrays = member_states(self.members)
        return {"name": self.name, "members": states}, arrays

    @classmethod
    def from_state(cls, state, arrays, cleaner=None, prior=None):
        from .pipeline import stage_class

        members = []
        for k, member in enumerate(state["members"]):
            members.append(stage_class("polarity", member).from_state(member, member_arrays(arrays, k),
                                                                     cleaner=cleaner, prior=prior))
        if not members:
            raise ValueError("the saved mean polarity model has no members")
        return cls(members)


def _polarised(sentences: list[dict]):
    """``(sentence index, sentence, aspect)`` of every gold aspect with a 3-way polarity."""
    return ((k, s, a) for k, s in enumerate(sentences) for a in s["aspects"] if a.get("polarity") in POLARITIES)


def aspect_items(sentences: list[dict]) -> tuple[list[tuple[str, int, int]], list[str]]:
    """``(text, from, to)`` of every gold aspect with a 3-way polarity, and the polarities."""
    found = list(_polarised(sentences))
    return [(s["text"], a["from"], a["to"]) for _, s, a in found], [a["polarity"] for _, _, a in found]


def aspect_groups(sentences: list[dict]) -> list[tuple[int, ...]]:
    """Per item of :func:`aspect_items` the sentences it comes from, as indices into ``sentences``: its
    own, or for a sentence made by :func:`~sentiment.aspects.data.contrastive_sentences` from sentences
    earlier in the list, the two it joins (its ``"sources"``). A network's early-stopping hold-out then
    holds out whole sentences, none of which it saw in training."""
    return [tuple(s.get("sources", (k,))) for k, s, _ in _polarised(sentences)]
