"""Aspect categories: which categories a sentence speaks of, and the polarity toward each.

SemEval-2014 restaurants label every sentence with coarse categories (food, service, price, ambience,
anecdotes/miscellaneous), each with its polarity, whether or not a term names it ("We waited an hour"
-> service, negative). Both parts are ordinary :class:`sentiment.Pipeline` models:

* **detection**: one multi-label pipeline (a one-vs-rest linear model over word and character
  n-grams) whose per-category thresholds are tuned on 10% of the training sentences. When the data
  also hold sentences without categories (laptop reviews pooled with restaurant ones), those learn a
  hidden "(none)" label, so that they teach the detector what a text of no category looks like;
* **polarity**: one pipeline per category (negative / neutral / positive), so that "cheap" may be
  good for price and bad for food; a category with too few examples falls back to one pipeline
  trained on every (sentence, category) pair. It reads the sentence's *focus* for the category: the
  sentence is split into clauses (at punctuation and "but", "although", ...), and the clause that the
  detector finds most about the category stands for it ("The pasta was lovely but the waiter was
  rude": "the pasta was lovely" for food, "the waiter was rude" for service).

Saved as pipeline directories inside the aspect model (``categories/detector``,
``categories/polarity_<i>``); :class:`~sentiment.aspects.pipeline.AspectPipeline` records their checksums.

>>> model = CategoryModel().fit(sentences)                     # doctest: +SKIP
>>> model.predict(["The waiter forgot us, but the pasta was divine."])  # doctest: +SKIP
[[{'category': 'food', 'polarity': 'positive', 'score': 0.83, 'category_score': 0.91},
  {'category': 'service', 'polarity': 'negative', 'score': 0.88, 'category_score': 0.86}]]
"""

from __future__ import annotations

import re
from typing import NamedTuple
from pathlib import Path

import numpy as np

from ..cleaning import (DASH_CHARACTERS, HTML_TAG, LINE_BREAK, LINE_BREAKS, decode_entities, emoji_spans, is_break_tag,
                        plain_text)
from ..errors import DataError, ModelFileError
from ..persistence import one_line
from ..tokens import tokenize
from .data import POLARITIES
from .polarity import (ASIDE_CONTRASTS, ASIDE_OPENERS, CONTRASTS, REST_OPENERS, abbreviated, bare_subject, breaks_at,
                       clause_cuts, opens_predicate)

# Where a sentence may split into clauses: punctuation (a colon not between digits: "10:30"; a dash: " - ", "--",
# "—", not "hard-drive"), contrastive conjunctions (the polarity model's CONTRASTS, where they contrast:
# polarity.breaks_at) and line breaks (also where clauses() puts one: an HTML block tag, after an emoji); saved
# category models depend on this rule: editing it changes how they read texts, a change of READING_VERSION. It
# reads a text's plain_text, in which "…" and other scripts' stops and commas are ASCII.
CLAUSE_BREAK = re.compile(r"\s*(?:[,;!?()]|(?<!\d):|:(?!\d)|\.(?!\d)|\s[-–]+\s|-{2,}|[—―]+"
                          r"|[" + LINE_BREAKS + r"]|\b(?:"
                          + "|".join(sorted(CONTRASTS)) + r")\b)\s*", re.IGNORECASE)
_LONG_SPACE = re.compile(r"\s{50,}")
_LAST_WORD = re.compile(r"\w+(?:'\w+)*$")
_ABBREVIATION_CHARACTERS = 12  # no abbreviation is longer
LABEL_WORDS = 2  # at most this many words before a colon are a label of what follows ("Food: awful", "Wine list:")
DASH_LABEL_WORDS = 1  # and one word before a dash ("Service - terrible"; "Great food - awful service" is two clauses)
_DASH = re.compile(f"[{DASH_CHARACTERS}]+")
_BLOCK_TAG = re.compile(HTML_TAG, re.IGNORECASE)
_LABEL_CHARACTERS = 40


def clauses(text: str) -> list[str]:
    """The clauses of ``text`` (:data:`CLAUSE_BREAK`, without outer white space or a colon at the end) that
    hold a word, or ``[text]`` when none does. HTML entities are read as their characters (``&#39;`` is an
    apostrophe, not a ";"), those that end in ";" only, as the Cleaner reads them ("fast&not damaged" keeps
    its "not"). A contrast word splits only where it contrasts, as the polarity model's clauses
    see it (:func:`~sentiment.aspects.polarity.breaks_at` on the aspect tokens around it: not in "wait a
    while"), a label keeps what its colon or dash introduces ("Food: awful" and "Service - terrible" are one
    clause each; "Food: awful\nService: great" two), a clause ends at an HTML block tag (``<br>``) and after
    an emoji, which stays with the words before it ("Rude waiter 😠 the pasta was great"), a stop after an
    abbreviation ends none ("Mr. Smith"), a bare subject joins its predicate (:func:`_with_predicates`: "The
    service, however, was terrible" is one clause, "The service was terrible"), and a lone contrast word is
    no clause."""
    # a run of 50+ spaces becomes one (a line break, if it holds one): CLAUSE_BREAK tries each of a run's
    # characters, so a long run took seconds
    plain = _LONG_SPACE.sub(_one_space, _broken(plain_text(decode_entities(text))))
    found, start, label = [], 0, 0  # label: where the words before a colon start (after a cut or a label's colon)
    words = None  # the aspect tokens' words, and the token at each start: read when a contrast word is met
    for cut in CLAUSE_BREAK.finditer(plain):
        mark = cut.group().strip()
        if cut.group()[:1] == "." and abbreviated(_last_word(plain, cut.start())):
            continue  # "Mr. Smith", "e.g. Word": no stop (as the aspect clauses read it)
        if mark[:1].isalpha():
            if words is None:
                tokens = tokenize(plain)
                words, at = [t.text for t in tokens], {t.start: i for i, t in enumerate(tokens)}
                cuts = clause_cuts(plain, tokens)
            i = at.get(cut.start() + len(cut.group()) - len(cut.group().lstrip()))
            if i is not None and not breaks_at(words, i, CONTRASTS, cuts):
                continue
        # a dash's label only right after a cut: "Food: great - service: bad" is two clauses
        most = LABEL_WORDS if mark == ":" else DASH_LABEL_WORDS if _DASH.fullmatch(mark) and label == start else 0
        if most and cut.end() < len(plain) and cut.start() - label <= _LABEL_CHARACTERS \
                and 0 < len(plain[label:cut.start()].split()) <= most:
            label = cut.end()
            continue
        found.append((plain[start:cut.start()], cut.group()))
        start = label = cut.end()
    found.append((plain[start:], ""))
    found = _with_predicates([(c.strip().removesuffix(":").strip(), mark) for c, mark in found])
    return [c for c, _ in found if c and c.lower() not in CONTRASTS] or [text]  # not a lone "however" or "but"


class _Cut(NamedTuple):
    """What :func:`_with_predicates` reads of the cut that ends a clause (cuts of empty clauses between joined)."""

    parting: bool  # commas, brackets and stops alone, no line break: it may part a subject from its predicate
    stops: int  # "." in it: 1 ends a sentence, 2 or more make an ellipsis
    ends_sentence: bool  # one ".", or a "!", "?" or line break in it: the next clause starts a sentence
    opens: bool  # it ends with "(": the next clause stands in brackets
    closes: bool  # it starts with ")"
    text: str  # the cut, stripped and in lower case (a contrast word, ","); "" for a joined cut

    @classmethod
    def of(cls, cut: str) -> "_Cut":
        mark = cut.strip()
        parting = bool(mark) and not LINE_BREAK.search(cut) and set(mark) <= set(",.() ")
        ends = mark.count(".") == 1 or "!" in mark or "?" in mark or bool(LINE_BREAK.search(cut))
        return cls(parting, mark.count("."), ends, mark.endswith("("), mark.startswith(")"), mark.lower())

    def __add__(self, other: "_Cut") -> "_Cut":  # type: ignore[override]
        return _Cut(self.parting and other.parting, self.stops + other.stops, self.ends_sentence or other.ends_sentence,
                    other.opens, self.closes, "")


def _with_predicates(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The clauses ``found`` (each with the cut that ends it, white space and all) with a bare subject joined to
    its predicate, as the aspect clauses read them (:func:`~sentiment.aspects.polarity.predicate_part`): a
    clause that opens with a verb takes the clause before it, past one or two asides (clauses that open with
    one of ``ASIDE_OPENERS`` or stand in brackets) or an ellipsis, where that clause is a bare subject
    (:func:`~sentiment.aspects.polarity.bare_subject`) and not the rest of an aside; commas, brackets and
    ellipses part them, no line break ("The service, however, was terrible": "The service was terrible" and
    no clause "The service"; "The pasta, while pricey, was delicious": "while pricey" and "The pasta was
    delicious"; "The waitress, seems rude" and "Great food, can't say the same for the service": as they are)."""
    out: list[tuple[str, _Cut]] = []
    for clause, raw in found:
        cut = _Cut.of(raw)
        if not clause and out and out[-1][1].parting and cut.parting:  # ", ," or the stops of an ellipsis: one cut
            out[-1] = (out[-1][0], out[-1][1] + cut)
            continue
        if out and opens_predicate(_first_token(clause)):
            k, asides = len(out) - 1, 0
            while k >= 0 and asides <= 2 and out[k][1].parting and out[k][1].stops != 1:
                if _is_aside(out, k):
                    k, asides = k - 1, asides + 1
                    continue
                opens = k == 0 or out[k - 1][1].ends_sentence  # a subject without a determiner starts a sentence
                if (asides or out[k][1].stops) and bare_subject(_tokens(out[k][0]), opens) and not _rest_of_aside(out, k):
                    clause = out.pop(k)[0] + " " + clause
                break
        out.append((clause, cut))
    return [(clause, cut.text) for clause, cut in out]


def _is_aside(out: list[tuple[str, _Cut]], k: int) -> bool:
    """Whether clause ``k`` of ``out`` is an aside: it opens with one of ``ASIDE_OPENERS`` or stands in brackets."""
    return k > 0 and out[k - 1][1].opens and out[k][1].closes or _first_token(out[k][0]) in ASIDE_OPENERS


def _rest_of_aside(out: list[tuple[str, _Cut]], k: int) -> bool:
    """Whether clause ``k`` of ``out`` goes on an aside that a comma opened ("Nha Trang, while slow, the staff, is
    great": "the staff"): the clause before it, after a comma, opens one or follows one's contrast word."""
    comma = lambda i: i >= 0 and out[i][1].text == ","  # noqa: E731
    return comma(k - 1) and (_first_token(out[k - 1][0]) in REST_OPENERS and comma(k - 2)
                             or k > 1 and out[k - 2][1].text in ASIDE_CONTRASTS and comma(k - 3))


def _tokens(clause: str) -> list[str]:
    """The words of ``clause`` as the aspect models read them, HTML tags left out ("<b>The service</b>")."""
    return [token.text for token in tokenize(clause) if not token.markup]


def _first_token(clause: str) -> str:
    """The first token of ``clause`` as the aspect models read it, in lower case ("" when it has none)."""
    tokens = tokenize(clause[:40])
    return tokens[0].text if tokens else ""


def _last_word(text: str, end: int) -> str:
    """The word (apostrophes and all) that ends right before ``end`` in ``text``, in lower case: "joe's" in
    "Joe's.", "g" in "e.g." (a bounded look back: a text of many stops reads in linear time)."""
    word = _LAST_WORD.search(text, max(0, end - _ABBREVIATION_CHARACTERS), end)
    return word.group().lower() if word else ""


def _broken(text: str) -> str:
    """``text`` with a line break for each HTML block tag (``<br>``, ``</p>``) and after each emoji (where the
    aspect clauses end too: :func:`~sentiment.aspects.polarity.clause_cuts`)."""
    if "<" in text:
        text = _BLOCK_TAG.sub(lambda tag: "\n" if is_break_tag(tag.group()) else tag.group(), text)
    if not text.isascii():
        ends = [end for _, end in emoji_spans(text)]
        text = "\n".join(text[a:b] for a, b in zip([0] + ends, ends + [len(text)]))  # one pass, not a copy per emoji
    return text


def _one_space(run: re.Match) -> str:
    return "\n" if LINE_BREAK.search(run.group()) else " "


MIN_EXAMPLES = 30  # a category's own polarity model needs this many examples, of two polarities at least
DETECTOR = {"vectorizer": "tfidf", "model": "logreg", "analyzer": "word+char", "char_ngram_range": (2, 5),
            "min_df": 2, "C": 4.0, "negation": False}
POLARITY = {"vectorizer": "tfidf", "model": "logreg", "C": 4.0, "class_weight": "balanced"}


NONE = "(none)"  # the detector's label of a training sentence without categories; never reported
SHARED = "*"  # the key of the polarity model shared by the categories too rare for one of their own


def has_categories(sentences: list[dict]) -> bool:
    return any(s.get("categories") for s in sentences)


class CategoryModel:
    """Category detection + per-category polarity; see the module docstring."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.detector_ = None
        self.polarity_: dict[str, object] = {}  # category -> pipeline (SHARED: the shared fallback)

    @property
    def categories_(self) -> list[str]:
        return [name for name in self.detector_.label_names_ if name != NONE]

    @staticmethod
    def _data(sentences: list[dict], seed: int) -> tuple[tuple, list[tuple[str, str, str]]]:
        """The detector's training and tuning parts (texts and category sets: the sentences with categories,
        and the others as no category) and the ``(text, category, polarity)`` pairs the polarity models
        learn; DataErrors for data they cannot learn from (each advises learning no categories)."""
        from ..splits import train_dev_split

        instead = "; give more varied data, or learn no categories (categories=False; --set categories=false)"
        labelled = [s for s in sentences if s.get("categories")]
        if not labelled:
            raise DataError("no sentence has categories; give data with a \"categories\" list (SemEval restaurants)")
        sets = [sorted({c["category"] for c in s["categories"]}) for s in labelled]
        reserved = sorted({c for found in sets for c in found} & {NONE, SHARED})
        if reserved:  # the detector's label of no category, the key of the shared polarity model
            raise DataError(f"the category name {reserved[0]!r} is one this model keeps for itself; rename that category")
        if len({c for found in sets for c in found}) < 2:
            raise DataError("the categories need at least two different names" + instead)
        pairs = [(s["text"], c["category"], c["polarity"]) for s in labelled for c in s["categories"]
                 if c.get("polarity") in POLARITIES]
        if len({p for _, _, p in pairs}) < 2:
            raise DataError("the categories need at least two different polarities" + instead)
        others = [s["text"] for s in sentences if not s.get("categories") and s["text"].strip()]
        try:
            split = train_dev_split([s["text"] for s in labelled] + others, sets + [[NONE]] * len(others), 0.1,
                                    seed=seed, part="tune")
        except DataError:
            raise DataError(f"too few sentences with categories ({len(labelled)}) to hold out a tenth for tuning the "
                            "category thresholds; give more data, or learn no categories (categories=False; --set categories=false)") from None
        return split, pairs

    @classmethod
    def check_trainable(cls, sentences: list[dict], seed: int = 0) -> None:
        """The DataError that :meth:`fit` on ``sentences`` would raise, found at once (an aspect pipeline checks
        before it trains its other stages)."""
        cls._data(sentences, seed)

    def fit(self, sentences: list[dict]) -> "CategoryModel":
        from ..pipeline import Pipeline

        (train_x, train_y, tune_x, tune_y), pairs = self._data(sentences, self.seed)
        self.detector_ = Pipeline(**DETECTOR).fit(train_x, train_y, dev=(tune_x, tune_y))

        focus = self.focus([t for t, _, _ in pairs], [c for _, c, _ in pairs])
        pairs = [(f, c, p) for f, (_, c, p) in zip(focus, pairs)]
        self.polarity_ = {SHARED: Pipeline(**POLARITY).fit([f"{c} : {t}" for t, c, _ in pairs], [p for *_, p in pairs])}
        for category in self.categories_:
            own = [(t, p) for t, c, p in pairs if c == category]
            if len(own) >= MIN_EXAMPLES and len({p for _, p in own}) >= 2:
                self.polarity_[category] = Pipeline(**POLARITY).fit([t for t, _ in own], [p for _, p in own])
        return self

    def _check_fitted(self) -> None:
        if self.detector_ is None:
            from ..errors import NotFittedError

            raise NotFittedError("this CategoryModel is not fitted; call fit(sentences) first")

    def focus(self, texts: list[str], categories: list[str]) -> list[str]:
        """Per ``(text, category)`` pair, the clause of the text most about the category (see above)."""
        split_once = {text: clauses(text) for text in set(texts)}  # a text of several categories is split once
        pieces = [split_once[text] for text in texts]
        split = [i for i, found in enumerate(pieces) if len(found) > 1]
        flat = [c for i in split for c in pieces[i]]
        if not flat:
            return list(texts)
        probs = self.detector_.predict_proba(flat)
        names, out, k = list(self.detector_.label_names_), list(texts), 0
        for i in split:
            n = len(pieces[i])
            if categories[i] in names:
                out[i] = pieces[i][int(probs[k:k + n, names.index(categories[i])].argmax())]
            k += n
        return out

    def polarity_proba(self, texts: list[str], categories: list[str]) -> np.ndarray:
        """Probabilities (negative, neutral, positive) of each ``(text, category)`` pair."""
        self._check_fitted()
        texts = self.focus(texts, categories)
        out = np.zeros((len(texts), len(POLARITIES)))
        for category in set(categories):
            rows = [i for i, c in enumerate(categories) if c == category]
            own = category in self.polarity_
            pipe = self.polarity_[category if own else SHARED]
            batch = [texts[i] if own else f"{category} : {texts[i]}" for i in rows]
            probs = pipe.predict_proba(batch)
            for column, label in enumerate(pipe.classes_):
                out[rows, POLARITIES.index(label)] = probs[:, column]
        return out

    def predict(self, texts: list[str]) -> list[list[dict]]:
        """Per text its categories (those whose score passes their threshold), each with polarity and scores;
        an empty text has none."""
        self._check_fitted()
        texts = list(texts)
        filled = [i for i, text in enumerate(texts) if text.strip()]
        if len(filled) < len(texts):
            results: list[list[dict]] = [[] for _ in texts]
            for i, found in zip(filled, self.predict([texts[i] for i in filled]) if filled else []):
                results[i] = found
            return results
        from ..multilabel import chosen_labels, decide

        scores = self.detector_.predict_proba(texts)  # scored once: the decisions come from these scores too
        names = list(self.detector_.label_names_)
        chosen = chosen_labels(scores, decide(scores, self.detector_.thresholds_))
        flat = [(i, names[j]) for i, found in enumerate(chosen) for j in found if names[j] != NONE]
        probs = self.polarity_proba([texts[i] for i, _ in flat], [c for _, c in flat]) if flat else np.zeros((0, 3))
        results: list[list[dict]] = [[] for _ in texts]
        for (i, category), p in zip(flat, probs):
            best = int(p.argmax())
            results[i].append({"category": category, "polarity": POLARITIES[best], "score": float(p[best]),
                               "category_score": float(scores[i, names.index(category)])})
        for found in results:
            found.sort(key=lambda c: c["category"])
        return results

    # -- persistence: pipeline directories inside the aspect model ------------------------------
    def save(self, folder: Path) -> dict:
        """Write the pipelines under ``folder``; return the small JSON state that :meth:`load` needs."""
        self._check_fitted()
        self.detector_.save(folder / "detector")
        names = {}
        for i, (category, pipe) in enumerate(sorted(self.polarity_.items())):
            pipe.save(folder / f"polarity_{i}")
            names[f"polarity_{i}"] = category
        return {"seed": self.seed, "polarity": names}

    @classmethod
    def load(cls, folder: Path, state: dict, listed: set[str]) -> "CategoryModel":
        """The category models saved in ``folder`` (``state``: what :meth:`save` returned); ``listed``: the
        subfolders whose files the model's checksums cover (no other is read)."""
        from ..pipeline import Pipeline

        model = cls(seed=state.get("seed", 0))
        try:
            subfolders = list(state["polarity"])
            if not all(isinstance(sub, str) and re.fullmatch(r"polarity_\d+", sub) for sub in subfolders):
                raise ModelFileError(f"{folder} names category models outside it ({', '.join(map(repr, subfolders[:3]))}, "
                                     "not polarity_<i> folders); refusing to load")
            unlisted = sorted({"detector", *subfolders} - listed)
            if unlisted:
                raise ModelFileError(f"{folder} holds category models that the model's checksums do not cover "
                                     f"({', '.join(unlisted[:3])}); the model is damaged, train it again")
            model.detector_ = Pipeline.load(folder / "detector")
            model.polarity_ = {category: Pipeline.load(folder / sub) for sub, category in state["polarity"].items()}
        except (KeyError, TypeError, AttributeError) as exc:
            raise ModelFileError(f"cannot read the category models in {folder} ({one_line(exc)}); train the model again") from None
        if SHARED not in model.polarity_:
            raise ModelFileError(f"{folder} lacks the shared category polarity model; train the model again")
        if not model.detector_.multi_label_:  # (its thresholds decide the categories of a text)
            raise ModelFileError(f"{folder / 'detector'} gives one label per text, where the category detector gives "
                                 "several; the model is damaged, train it again")
        for category, pipe in model.polarity_.items():  # their labels are columns of polarity_proba's rows
            if pipe.multi_label_ or not all(label in POLARITIES for label in pipe.classes_.tolist()):
                raise ModelFileError(f"{folder} holds a polarity model for the category {category!r} whose labels "
                                     f"({', '.join(map(str, pipe.classes_.tolist()))}) are not one of "
                                     f"{', '.join(POLARITIES)} per text; the model is damaged, train it again")
        return model
