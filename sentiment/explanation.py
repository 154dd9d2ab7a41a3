"""Which words of a text move its prediction: each word is left out in turn, and its weight is how far the
log-odds of the explained label fall without it (occlusion).

It asks nothing of the model but probabilities, so it explains every classifier alike (n-gram or Word2Vec
features, a classical model, an MLP or an LSTM, an ensemble), and it reads the text as the model does:
leaving out "not" in "not good" undoes the negation, so "not" gets the weight of the flip. A text of n
words costs n + 1 predictions.

>>> pipe.explain(["Dull and far too long."])[0]["words"][:2]  # doctest: +SKIP
[{'word': 'Dull', 'from': 0, 'to': 4, 'weight': 2.31}, {'word': 'long', 'from': 17, 'to': 21, 'weight': 0.82}]
"""

from __future__ import annotations

import unicodedata
from typing import Any, Sequence

import numpy as np

from .data import check_texts
from .errors import ConfigError, UnknownLabelsError
from .pipeline import SCORE_DECIMALS
from .tokens import token_spans

_BATCH = 512  # variants predicted at a time, to bound the memory a long text takes
_EPSILON = 1e-12  # probabilities are kept this far from 0 and 1, where the log-odds are infinite


def units(text: str) -> list[tuple[int, int]]:
    """``(from, to)`` of each unit of ``text`` that an explanation leaves out whole: a word (with inner
    apostrophes: "don't"), an emoji sequence, a web address, an HTML tag or entity, or a run of punctuation
    without a space (":)", "!!!"); the tokens of :func:`sentiment.tokens.token_spans`, punctuation joined."""
    spans: list[tuple[int, int]] = []
    after_punctuation = False
    for start, end, markup in token_spans(text):
        punctuation = not markup and _is_punctuation(text[start:end])
        if punctuation and after_punctuation and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        after_punctuation = punctuation
    return spans


def _is_punctuation(piece: str) -> bool:
    """One punctuation mark or symbol, not an emoji or other pictograph (category So)."""
    return len(piece) == 1 and unicodedata.category(piece)[0] in "PS" and unicodedata.category(piece) != "So"


def explain(classifier, texts: Sequence[str], label=None, top: int | None = 10) -> list[dict[str, Any]]:
    """Per text ``{"text", "label", "score", "words"}``: the explained label (``label``, a value or display
    name, or else the predicted one: with several labels per text, the most probable), its probability, and
    the ``top`` words (all with ``None``) that move it most, largest first by size, each ``{"word", "from",
    "to", "weight"}``: how far the label's log-odds fall when the word is left out (1: its odds fall by a
    factor e = 2.7; below 0: the label is likelier without the word). Log-odds, not probabilities, so that two
    words that each make a text certain both show, though leaving out either leaves it nearly certain.
    Words that move nothing (the model does not know them) are left out."""
    from .evaluation import codes_for

    classifier._check_fitted()
    texts = check_texts(texts)
    if top is not None and (isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1):
        raise ConfigError(f"top must be a whole number of at least 1 (or None for every word), not {top!r}")
    column = None
    if label is not None:
        try:
            column = int(codes_for(classifier.classes_, classifier.label_names_, [label],
                                   getattr(classifier, "member_classes_", ()))[0])
        except UnknownLabelsError:
            raise ConfigError(f"label {label!r} is not one of the model's labels: "
                              f"{', '.join(classifier.label_names_)}") from None
    return [_explained(classifier, text, column, top) for text in texts]


def _explained(classifier, text: str, column: int | None, top: int | None) -> dict[str, Any]:
    spans = units(text)
    variants = [text] + [text[:start] + text[end:] for start, end in spans]
    # _evidence takes texts as they are: a one-word text's only variant is empty, which the model scores as a
    # text without evidence.
    probabilities = np.vstack([classifier._evidence(variants[i:i + _BATCH])[0]
                               for i in range(0, len(variants), _BATCH)]).astype(np.float64)
    if column is None:
        column = int(probabilities[0].argmax())
    p = np.clip(probabilities[:, column], _EPSILON, 1 - _EPSILON)
    log_odds = np.log(p) - np.log1p(-p)
    weights = np.round(log_odds[0] - log_odds[1:], SCORE_DECIMALS)
    order = sorted(np.flatnonzero(weights), key=lambda i: (-abs(weights[i]), i))[:top]
    return {"text": text, "label": classifier.label_names_[column],
            "score": round(float(probabilities[0, column]), SCORE_DECIMALS),
            "words": [{"word": text[spans[i][0]:spans[i][1]], "from": spans[i][0], "to": spans[i][1],
                       "weight": float(weights[i])} for i in order]}
