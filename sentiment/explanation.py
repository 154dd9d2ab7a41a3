"""Which words of a text move its prediction: each word is left out in turn (a space in its place; every copy
of a word that the text repeats, however written, at once), and its weight is how far the log-odds of the
explained label fall without it (occlusion). Copies go together because a model that counts a word once
(binary n-grams) would lose nothing without one of three "good"s, and the word would never be named: LIME
leaves out every copy of a word too (its ``bow`` default).

It asks nothing of the model but probabilities, so it explains every classifier alike (n-gram or Word2Vec
features, a classical model, an MLP or an LSTM, an ensemble, the polarity toward an aspect), and it reads the
text as the model does: leaving out "not" in "not good" undoes the negation, so "not" gets the weight of the
flip. A text of n distinct words costs n + 1 predictions of about its length each, so the time grows with
the square of the length (README, "Explanations", times it). A word is what the aspect tokenizer takes as one
(:func:`units`): in a script written without spaces (Chinese, Japanese, Thai) a whole run of letters is one
word.

>>> pipe.explain(["Dull and far too long."])[0]["words"][:2]  # doctest: +SKIP
[{'word': 'Dull', 'from': 0, 'to': 4, 'weight': 5.32, 'count': 1}, {'word': 'and', 'from': 5, 'to': 8, 'weight': 2.1, 'count': 1}]
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Any, Sequence

import numpy as np

from .checks import check_texts
from .cleaning import emoticon_spans, mention_spans
from .errors import ConfigError, DataError, UnknownLabelsError
from .pipeline import MAX_EXPLAINED_WORDS, SCORE_DECIMALS
from .tokens import APOSTROPHE, joined_tiles, normalize_token, token_cleaner, token_spans

_BATCH = 512  # variants predicted at a time, to bound the memory a long text takes
_EPSILON = 1e-12  # a label's own probability (several per text) is kept this far from 0 and 1 (infinite log-odds)
_TINY = np.finfo(np.float64).tiny  # the least a probability counts as, where one label per text's other ones sum


def units(text: str) -> list[tuple[int, int]]:
    """``(from, to)`` of each unit of ``text`` that an explanation leaves out whole: a word (with inner
    apostrophes: "don't"; a contraction's second part written apart with its apostrophe: "'ve" of "you 've"),
    an emoji sequence, a web address, an HTML tag or entity, a run of punctuation
    without a space (":)", "!!!"), or what the cleaner reads as one token though its tokens are several: an
    emoticon with a letter or digit (":D", "<3") and a mention ("@bob"); the tokens of
    :func:`sentiment.tokens.token_spans`, punctuation joined."""
    spans: list[tuple[int, int]] = []
    after_punctuation = False
    for start, end, markup in token_spans(text):
        punctuation = not markup and _is_punctuation(text[start:end])
        if spans and spans[-1][1] == start and (punctuation and after_punctuation
                                                or _CLITIC.fullmatch(text, spans[-1][0], end)):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        after_punctuation = punctuation
    wholes = sorted(emoticon_spans(text) + mention_spans(text))
    return [(start, end) for start, end, _ in joined_tiles([(start, end, False) for start, end in spans], wholes)]


# A contraction's second part written apart from its first, as the Penn Treebank (and SST) write them: "you 've",
# "I 'm", "they 'll" ("it 's" and "do n't" are single tokens already), one unit as the Cleaner reads it one word
_CLITIC = re.compile(rf"{APOSTROPHE}(?:ve|m|ll|re|d)", re.IGNORECASE)


def _is_punctuation(piece: str) -> bool:
    """One punctuation mark or symbol, not an emoji or other pictograph (category So)."""
    return len(piece) == 1 and unicodedata.category(piece)[0] in "PS" and unicodedata.category(piece) != "So"


def explain(classifier, texts: Sequence[str], label=None, top: int | None = 10,
            max_words: int | None = MAX_EXPLAINED_WORDS) -> list[dict[str, Any]]:
    """Per text ``{"text", "label", "score", "words"}``: the explained label (``label``, a value or display
    name; by default the predicted one: with several labels per text, the most probable label that passes
    its threshold, else the most probable), its probability, and the ``top`` words (all with ``None``) that
    move it most, largest first by size, each ``{"word", "from", "to", "weight", "count"}``: how far the label's
    log-odds fall when the word is left out with its copies (1: its odds fall by a factor e = 2.7; below 0: the
    label is likelier without the word); ``count`` is how many times the text holds it, however written, and
    ``word``, ``from`` and ``to`` are its first copy's. Log-odds, not probabilities, so that two words that
    each make a text certain both show, though leaving out either leaves it nearly certain. Words whose
    leaving out changes nothing are left out (a word the model does not know, or one whose neighbours say the
    same without it).
    A text of more than ``max_words`` words is refused before any is explained (``None``: no limit)."""
    from .labels import codes_for

    classifier._check_fitted()
    texts = check_texts(texts)
    _check_top(top)
    column = None
    if label is not None:
        try:
            column = int(codes_for(classifier.classes_, classifier.label_names_, [label],
                                   getattr(classifier, "member_classes_", ()), ids=getattr(classifier, "label_ids_", None))[0])
        except UnknownLabelsError:
            values = [str(c) for c in classifier.classes_.tolist()]
            also = f" (or their values {', '.join(values)})" if values != list(classifier.label_names_) else ""
            raise ConfigError(f"label {label!r} is not one of the model's labels: "
                              f"{', '.join(classifier.label_names_)}{also}") from None
    results = []
    for text, spans in zip(texts, _units_within(texts, max_words)):
        words = word_copies(text, spans)
        # a one-word text's only variant is blank, which the model scores as a text without evidence
        probabilities = _batched(classifier.predict_proba, [text] + [left_out(text, *copies) for copies in words])
        explained = _predicted(classifier, probabilities[0]) if column is None else column
        results.append({"text": text, "label": classifier.label_names_[explained],
                        "score": round(float(probabilities[0, explained]), SCORE_DECIMALS),
                        "words": _ranked(text, words, probabilities, explained, top, classifier.multi_label_)})
    return results


def word_copies(text: str, spans: list[tuple[int, int]],
                parts: list[tuple[int, int]] | None = None) -> list[list[tuple[int, int]]]:
    """The ``spans`` of ``text`` (its :func:`units`) grouped by word: each group the spans of one word, however
    it is written (:func:`_spelling`), in the order of their first copies; an explanation leaves a group out at
    once. With ``parts`` (``(from, to)`` of the sentences an aspect model reads apart), only the copies within
    one part group."""
    starts = [start for start, _ in parts or ()]
    spellings: dict[str, str] = {}  # each distinct unit read once
    groups: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for start, end in spans:
        part = bisect.bisect_right(starts, start)  # the part it starts in (0 without parts)
        raw = text[start:end]
        if raw not in spellings:
            spellings[raw] = _spelling(raw)
        groups.setdefault((part, spellings[raw]), []).append((start, end))
    return list(groups.values())


def _spelling(unit: str) -> str:
    """The word a unit writes, as the Cleaner reads it, whatever its case, Unicode form ("ＧＲＥＡＴ", a decomposed
    "café"), entities ("&amp;", "Don&#39;t"), typed apostrophes ("didn’t") or repeated letters ("goooood"): left
    out alone, one of these spellings would leave the model the word in another. Web addresses, mentions and
    emoji stay as written (two addresses are no copies of one word), but for an emoji's variation selector
    ("❤️" and "❤" are one emoji)."""
    return normalize_token(unit, token_cleaner(normalize_unicode=True, urls="keep", mentions="keep",
                                               emoji="keep")).casefold().translate(_VARIATION_SELECTORS)


_VARIATION_SELECTORS = {0xFE0E: None, 0xFE0F: None}  # text or emoji presentation of the same character


def left_out(text: str, *spans: tuple[int, int]) -> str:
    """``text`` with a space in place of the characters of each of ``spans`` (apart, in order), so that the
    words on both sides stay two: "not-good" without "-" is "not good", not "notgood"."""
    pieces, start = [], 0
    for a, b in spans:
        pieces.append(text[start:a])
        start = b
    return " ".join([*pieces, text[start:]])


def _predicted(classifier, probabilities: np.ndarray) -> int:
    """The column of the predicted label (several labels per text: the most probable that passes its threshold,
    else the most probable)."""
    if classifier.multi_label_:
        passing = np.flatnonzero(probabilities >= classifier.thresholds_)
        if len(passing):
            return int(passing[probabilities[passing].argmax()])
    return int(probabilities.argmax())


def explain_aspects(pipeline, texts: Sequence[str], aspects=None, *, by_sentence: bool = True,
                    top: int | None = 10, max_words: int | None = MAX_EXPLAINED_WORDS) -> list[dict[str, Any]]:
    """Per text ``{"text", "aspects"}``: each aspect of ``pipeline.predict_aspects(texts, aspects,
    by_sentence=...)`` (an :class:`~sentiment.aspects.AspectPipeline`), scores rounded, with ``"words"``
    (:func:`add_aspect_words`)."""
    from .aspects.pipeline import rounded_scores

    _check_top(top)
    texts = check_texts(texts)
    _units_within(texts, max_words, by_sentence)  # too long a text (by sentence: sentence) is refused before any work
    found = [rounded_scores(aspects_of) for aspects_of in pipeline.predict_aspects(texts, aspects, by_sentence=by_sentence)]
    add_aspect_words(pipeline, texts, found, by_sentence=by_sentence, top=top)
    return [{"text": text, "aspects": aspects_of} for text, aspects_of in zip(texts, found)]


def add_aspect_words(pipeline, texts: list[str], found: list[list[dict]], *, by_sentence: bool = True,
                     top: int | None = 10) -> None:
    """Give each aspect found in each text (``{"from", "to", "polarity", ...}``, as ``predict_aspects`` or
    ``annotate`` give them) its ``"words"``, in place: the ``top`` words of the text outside the term that
    move the polarity toward it most, weighed as :func:`explain` weighs them (the fall of the polarity's
    log-odds without the word and its copies outside the term: by sentence, those of its own sentence). With
    ``by_sentence`` (the default) an aspect's polarity is read from its own sentence, so the words of other
    sentences move it only where leaving one out joins two sentences: only its own sentence's words are
    weighed, and the units at its edges that tell where it is cut (:func:`_sentence_windows`), so an aspect
    costs one prediction per word of its sentence, and a long review as many as its sentences; else one per
    word of the text."""
    from .aspects.data import POLARITIES, sentence_spans

    _check_top(top)
    for text, aspects_of in zip(texts, found):
        spans = units(text)
        sentences = sentence_spans(text) if by_sentence else None  # a word's copies go together within one
        windows = _sentence_windows(spans, sentences) if sentences else None  # the units that can move each
        sentence_starts = [first for first, _ in sentences or ()]
        arounds, items = [], []
        for aspect in aspects_of:
            start, end = aspect["from"], aspect["to"]
            nearby = spans if windows is None else windows[max(bisect.bisect_right(sentence_starts, start) - 1, 0)]
            # the term's own words stay (a copy of one elsewhere goes)
            around = word_copies(text, [(a, b) for a, b in nearby if b <= start or a >= end], sentences)
            # each word before the term moves its offsets: it becomes one space
            shifts = [sum(b - a - 1 for a, b in copies if b <= start) for copies in around]
            items += [(text, start, end)] + [(left_out(text, *copies), start - shift, end - shift)
                                             for copies, shift in zip(around, shifts)]
            arounds.append(around)
        # one call for the text: by sentence, each text is split once and each sentence's reading predicted
        # once (leaving out a word of another sentence leaves the aspect's own as it was)
        probabilities = pipeline.polarity_proba(items, by_sentence=by_sentence).astype(np.float64)
        first = 0
        for aspect, around in zip(aspects_of, arounds):
            rows = probabilities[first:first + 1 + len(around)]
            aspect["words"] = _ranked(text, around, rows, POLARITIES.index(aspect["polarity"]), top)
            first += 1 + len(around)


def _sentence_windows(spans: list[tuple[int, int]], sentences: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Per sentence of ``sentences`` (a text's sentence spans), the ``spans`` (its units) of the sentence with
    the units at its edges that tell whether the text ends a sentence there: the next sentence's first unit
    (its case), the unit just before it (a full stop, a line break's tag) and, where the word before that
    full stop is written against another unit ("x.st."), that unit, whose leaving out could make the word an
    abbreviation ("x st." ends as "St." does not). Leaving out a unit further away leaves the sentence's
    reading as it was."""
    starts = [start for start, _ in spans]
    windows = []
    for sentence_start, sentence_end in sentences:
        first = max(bisect.bisect_left(starts, sentence_start) - 1, 0)
        if first >= 2 and spans[first - 2][1] == spans[first - 1][0]:  # "x.st" before the full stop
            first -= 2
        windows.append(spans[first:bisect.bisect_left(starts, sentence_end) + 1])
    return windows


def _units_within(texts: list[str], max_words: int | None, by_sentence: bool = False) -> list[list[tuple[int, int]]]:
    """The :func:`units` of each text; a DataError for a text of more than ``max_words`` or, ``by_sentence``
    (an aspect model that reads each aspect within its sentence), with a sentence of more."""
    if max_words is not None and (isinstance(max_words, bool) or not isinstance(max_words, (int, np.integer))
                                  or max_words < 1):
        raise ConfigError(f"max_words must be a whole number of at least 1 (or None for no limit), not {max_words!r}")
    out = []
    for i, text in enumerate(texts):
        spans = units(text)
        if max_words is not None and len(spans) > max_words:
            longest = explained_length(text, spans, by_sentence)
            if longest > max_words:
                raise DataError(f"{'a sentence of ' if by_sentence else ''}text {i} has {longest:,} words, more than "
                                f"max_words={max_words:,}: explaining it predicts it once per distinct word, each time "
                                "whole; explain a part of it, or raise max_words")
        out.append(spans)
    return out


def explained_length(text: str, spans: list[tuple[int, int]], by_sentence: bool) -> int:
    """The words of ``text`` (its :func:`units`, ``spans``) that an explanation predicts at a time: all of them,
    or ``by_sentence`` (an aspect model reading each aspect within its sentence) those of its longest sentence."""
    if not by_sentence:
        return len(spans)
    from .aspects.data import sentence_spans

    starts = [start for start, _ in spans]
    return max((bisect.bisect_left(starts, end) - bisect.bisect_left(starts, start)
                for start, end in sentence_spans(text)), default=0)


def _check_top(top) -> None:
    if top is not None and (isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1):
        raise ConfigError(f"top must be a whole number of at least 1 (or None for every word), not {top!r}")


def _batched(predict, items: list) -> np.ndarray:
    """``predict`` (items -> probabilities) over ``items`` a batch at a time, in float64."""
    return np.vstack([predict(items[i:i + _BATCH]) for i in range(0, len(items), _BATCH)]).astype(np.float64)


def _log_odds(probabilities: np.ndarray, column: int, independent: bool) -> np.ndarray:
    """The log-odds of ``column`` in each row: against the sum of the other columns (one label per text),
    read from those small probabilities themselves, which keep their precision where 1 - p rounds to 0
    (a confident prediction); with ``independent`` labels against 1 - p, kept finite."""
    p = probabilities[:, column]
    if independent:
        p = np.clip(p, _EPSILON, 1 - _EPSILON)
        return np.log(p) - np.log1p(-p)
    rest = np.delete(probabilities, column, axis=1).sum(axis=1)
    return np.log(np.maximum(p, _TINY)) - np.log(np.maximum(rest, _TINY))


def _ranked(text: str, words: list[list[tuple[int, int]]], probabilities: np.ndarray, column: int,
            top: int | None, independent: bool = False) -> list[dict]:
    """The ``words`` (each the spans of its copies, :func:`word_copies`) that move the probability of ``column``
    most (row 0 of ``probabilities``: the whole text's; row ``1 + i``: without ``words[i]``), largest log-odds
    change first, those that move nothing left out. ``independent``: each column is a label's own probability
    (several labels per text)."""
    log_odds = _log_odds(probabilities, column, independent)
    weights = np.round(log_odds[0] - log_odds[1:], SCORE_DECIMALS)
    order = sorted(np.flatnonzero(weights), key=lambda i: (-abs(weights[i]), i))[:top]
    return [{"word": text[slice(*words[i][0])], "from": words[i][0][0], "to": words[i][0][1],
             "weight": float(weights[i]), "count": len(words[i])} for i in order]
