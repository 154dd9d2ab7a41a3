"""Aspect term extraction as BIO token tagging.

* :class:`ClassicalTagger`: per-token logistic regression over window features (the word, its
  neighbours, affixes, shape, bigrams, the Brown cluster prefixes of the word and its neighbours
  (:mod:`sentiment.aspects.clusters`)); an ``I`` after ``O`` starts a span (:func:`~sentiment.aspects.data.spans_from_tags`).
* :class:`BiLSTMTagger` (in :mod:`sentiment.aspects.neural`): a BiLSTM over Word2Vec-initialised
  embeddings, trained with the package's one trainer.

Both return spans as character offsets into the original text.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from ..cleaning import emoji_chars
from ..errors import DataError
from .clusters import WordClusters, lexeme_clusters
from ..tokens import Token, tokenize
from .data import TAGS, spans_from_tags, tag_targets
from .linear import HashedLogistic


def _shape(raw: str) -> str:
    out = []
    for ch in raw[:6]:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def token_features(tokens: list[Token], text: str, clusters=None) -> list[list[str]]:
    """Window features of each token; ``clusters``: a :class:`~sentiment.aspects.clusters.WordClusters`
    for the cluster features."""
    words = [t.text for t in tokens]
    if clusters is not None:
        by_token = [clusters.features(t.text, text[t.start:t.end]) for t in tokens]
        padded_clusters = [["c=s"]] * 2 + by_token + [["c=/s"]] * 2
    padded = ["<s2>", "<s>"] + words + ["</s>", "</s2>"]
    rows = []
    for i, tok in enumerate(tokens):
        w, raw, j = words[i], text[tok.start:tok.end], i + 2
        f = ["b", "w=" + w, "p3=" + w[:3], "s3=" + w[-3:], "s2=" + w[-2:], "sh=" + _shape(raw),
             "w-1=" + padded[j - 1], "w+1=" + padded[j + 1], "w-2=" + padded[j - 2], "w+2=" + padded[j + 2],
             "w-1w=" + padded[j - 1] + "|" + w, "ww+1=" + w + "|" + padded[j + 1],
             "w-2w-1=" + padded[j - 2] + "|" + padded[j - 1], "w+1w+2=" + padded[j + 1] + "|" + padded[j + 2],
             "s3-1=" + padded[j - 1][-3:], "s3+1=" + padded[j + 1][-3:]]
        if raw[:1].isupper():
            f.append("title" if i else "title0")
        if clusters is not None:
            for offset in (-2, -1, 0, 1, 2):
                f.extend(f"{offset}{c}" for c in padded_clusters[j + offset])
        rows.append(f)
    return rows


class ClassicalTagger:
    """Per-token logistic regression (O/B/I) over window features. ``clusters``: how many words of the
    Brown cluster table (:mod:`sentiment.aspects.clusters`) the model keeps and reads (0: none)."""

    name = "classical"
    reads_word_vectors = False
    default_clusters = 100_000  # the pipeline's clusters=None: dev extraction F1 +1.0 / +1.1 (aspects_tuning.md)

    def __init__(self, C: float = 1.0, bits: int = 18, seed: int = 0, cleaner=None, clusters: int = 0):
        self.model = HashedLogistic(bits=bits, C=C, seed=seed)
        self.cleaner, self.clusters = cleaner, clusters
        self.clusters_: WordClusters | None = None

    @classmethod
    def configured(cls, p: dict, *, cleaner, clusters: int) -> "ClassicalTagger":
        """The tagger that an :class:`~sentiment.aspects.AspectPipeline` with settings ``p`` trains."""
        return cls(C=p["tagger_C"], bits=p["bits"], seed=p["seed"], cleaner=cleaner, clusters=clusters)

    def _features(self, texts, tokenized=None):
        if tokenized is None:
            tokenized = [tokenize(t, self.cleaner) for t in texts]
        return tokenized, [token_features(toks, text, self.clusters_)
                           for toks, text in zip(tokenized, texts)]

    def fit(self, sentences: list[dict], keyed=None, progress: bool = False) -> "ClassicalTagger":
        """Train on sentence dicts (``keyed`` and ``progress``, for the networks' sake, are not used); the tokens
        of dropped conflict terms are left out (:func:`~sentiment.aspects.data.tag_targets`)."""
        self.clusters_ = WordClusters(lexeme_clusters(self.clusters)) if self.clusters else None
        tokenized, feats = self._features([s["text"] for s in sentences])
        pairs = [(row, tag) for toks, rows, s in zip(tokenized, feats, sentences)
                 for row, tag in zip(rows, tag_targets(toks, s)) if tag is not None]
        tags = {tag for _, tag in pairs}
        if "O" not in tags and tags:  # one kind of tag: nothing to tell apart
            raise DataError("every word of the training sentences is part of an aspect term; give sentences with "
                            "other words too, so that the tagger learns where terms begin and end")
        if not tags & {"B", "I"}:  # no word, or no term that covers one ("\u00ad" alone)
            raise DataError("no aspect term of the training sentences covers a word; check the terms' from/to offsets")
        self.model.fit([row for row, _ in pairs], [tag for _, tag in pairs])
        return self

    def tag_probabilities(self, texts: list[str], tokenized: list[list[Token]] | None = None
                          ) -> tuple[list[list[Token]], list[np.ndarray]]:
        """Tokens and, per text, an array (tokens x 3) of O/B/I probabilities; ``tokenized``: the texts'
        tokens when the caller has them already (:func:`~sentiment.tokens.tokenize` with this
        tagger's cleaner)."""
        tokenized, feats = self._features(texts, tokenized)
        flat = [row for rows in feats for row in rows]
        order = [TAGS.index(c) for c in self.model.classes_]
        probs = np.zeros((len(flat), len(TAGS)))
        if flat:
            probs[:, order] = self.model.predict_proba(flat)
        out, start = [], 0
        for toks in tokenized:
            out.append(probs[start:start + len(toks)])
            start += len(toks)
        return tokenized, out

    def extract(self, texts: list[str]) -> list[list[dict]]:
        return decode(texts, *self.tag_probabilities(texts))

    def get_state(self):
        state, arrays = self.model.get_state()
        if self.clusters_ is not None:
            state = {**state, "clusters": self.clusters_.get_state()}
        return {"name": self.name, **state}, arrays

    @classmethod
    def from_state(cls, state, arrays, cleaner=None):
        tagger = cls(cleaner=cleaner)
        if "clusters" in state:
            tagger.clusters_ = WordClusters.from_state(state["clusters"])
            tagger.clusters = len(tagger.clusters_.table)
        tagger.model = HashedLogistic.from_state(state, arrays, allowed=TAGS, what="tagger")
        return tagger


def decode(texts, tokenized, probabilities) -> list[list[dict]]:
    """Argmax tags, spans with character offsets (an ``I`` after ``O`` starts one); score = mean probability of
    the chosen tags."""
    results = []
    for text, toks, probs in zip(texts, tokenized, probabilities):
        tags = [TAGS[i] for i in probs.argmax(axis=1)] if len(toks) else []
        results.append(tagged_spans(text, toks, tags, probs.max(axis=1) if len(toks) else probs))
    return results


def tagged_spans(text: str, tokens, tags: list[str], scores) -> list[dict]:
    """The spans ``tags`` mark in ``text`` (see :func:`spans_from_tags`), each with its ``extraction_score``:
    the mean of ``scores`` (one per token: the score of its chosen tag) over the span's tokens. Emoji, HTML
    entities and invisible characters at a span's edges are left out of it ("service&nbsp;", "🍕 pizza"), as
    are quotes and brackets there that the span does not close or open ('"food' of 'The "food" was', 'red)'),
    and quotes around the whole span ("‘wine’", '"food"'; '(pasta)', '15"', "maitre d'" and '"Godmother" pizza'
    stay whole)."""
    found = []
    for first, last, _, _ in spans_from_tags(tokens, tags):
        while first < last and (_no_word(raw := text[tokens[first].start:tokens[first].end])
                                or _stray_opening(raw, text[tokens[first].end:tokens[last - 1].end])):
            first += 1
        while last > first and (_no_word(raw := text[tokens[last - 1].start:tokens[last - 1].end])
                                or _stray_closing(raw, text[tokens[first].start:tokens[last - 1].start])
                                or _quote_closing(raw, text[tokens[first].start - 1:tokens[first].start])):
            last -= 1
        while last - first > 2 and _around([text[t.start:t.end] for t in tokens[first:last]]):
            first, last = first + 1, last - 1  # quotes around the whole term are no part of it
        if first < last:
            start, end = tokens[first].start, tokens[last - 1].end
            found.append({"term": text[start:end], "from": start, "to": end,
                          "extraction_score": float(np.mean(scores[first:last]))})
    return found


_CLOSER = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "„": "“", "(": ")", "[": "]", "{": "}"}
_QUOTE_PAIRS = {k: v for k, v in _CLOSER.items() if k not in "([{"}  # a bracket pair stays: "(pasta)"
# (not "’": an apostrophe, as "'" is: "maitre d’"); and '"' after no digit (15" is an inch mark)
_OPENERS = {"”": "“„", "»": "«", ")": "(", "]": "[", "}": "{"}


def _around(raw: list[str]) -> bool:
    """Whether the first and last of the tokens ``raw`` are a pair of quotes around the others, none of which is
    a quote of the pair ('"Godmother" pizza "special"' is no quoted term; "'chef's special'" is one: its "'s" is
    no quote)."""
    opening, closing = raw[0], raw[-1]
    return _QUOTE_PAIRS.get(opening) == closing and not {opening, closing} & set(raw[1:-1])


def _stray_opening(raw: str, rest: str) -> bool:
    """Whether the token ``raw`` is only opening quotes or brackets that the ``rest`` of a span never closes."""
    return bool(raw) and all(char in _CLOSER and _CLOSER[char] not in rest for char in raw)


def _stray_closing(raw: str, before: str) -> bool:
    """Whether the token ``raw`` is only closing quotes or brackets that the span ``before`` it never opens; an
    apostrophe ("maitre d'", "maitre d’") and an inch mark (a '"' after a digit: '15"') are not such."""
    if raw == '"':
        return '"' not in before and not before.rstrip()[-1:].isdigit()
    return bool(raw) and all(char in _OPENERS and not any(o in before for o in _OPENERS[char]) for char in raw)


def _quote_closing(raw: str, before_span: str) -> bool:
    """Whether the token ``raw``, a ``'`` or ``’`` that would end a span, closes a quote opened just before the
    span (``before_span``: the character before it; "The 'service' was poor": the span is "service", not
    "service'"); elsewhere it is an apostrophe ("maitre d'")."""
    return raw in ("'", "’") and before_span == ("'" if raw == "'" else "‘")


# The quotes and brackets a span's edge may hold (see _stray_opening, _stray_closing), and the apostrophe
_PAIRED = set(_CLOSER) | set(_CLOSER.values()) | set(_OPENERS) | {"’"}


def _no_word(raw: str) -> bool:
    """Whether a token is an emoji (also ©, ®, ™), an HTML entity, only invisible or control characters, or only other
    symbols and punctuation ("★", "|", "•", "–", U+FFFD; not the quotes and brackets a span may open or close):
    never the edge of a term. (Combining marks are not: a Hindi or Thai vowel sign may be a token of its own.)"""
    if raw.startswith("&") and raw.endswith(";") and len(raw) > 2:
        return True
    if raw and all(unicodedata.category(char)[0] in "PS" or unicodedata.category(char) in ("Cc", "Co", "Cn", "Cs")
                   for char in raw) and not any(char in _PAIRED for char in raw):
        return True
    return not raw.isascii() and all(char in emoji_chars() or unicodedata.category(char) == "Cf" for char in raw)
