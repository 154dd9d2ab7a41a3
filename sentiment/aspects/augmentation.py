"""Synthetic sentences for training the aspect polarity models: negated copies of real ones.

SemEval reviews seldom deny a complaint ("The staff were not rude"), and where they do the aspect is
mostly positive; every model here then read "not" beside a complaint word as one more complaint (the
challenge table's "negated complaint" row was 0 of 16, ``benchmarks/aspect_challenges.py``).
:func:`negated_sentences` writes a counterfactual copy of a sentence whose aspect is the subject of a
plain copula ("The pizza was cold" -> "The pizza was not cold" / "The pizza wasn't cold") with the
aspect's polarity turned over (negative <-> positive), as the counterfactual data of Kaushik et al. (2020,
"Learning the Difference that Makes a Difference") turns labels over with a minimal edit. A denied
complaint is labelled positive, as SemEval's annotators label "never loud", "no problems", "not bad".
"""

from __future__ import annotations

import random

from ..cleaning import NEGATIONS, NOT_NEGATING
from ..tokens import tokenize
from .data import aspect_token_range
from .polarity import CONTRASTS, SUBJECT_OPENERS, clause_bounds, clause_cuts, opens_predicate

# a copula and its contracted negation
COPULAS = {"is": "isn't", "are": "aren't", "was": "wasn't", "were": "weren't"}
TURNED = {"positive": "negative", "negative": "positive"}
# words after a copula that a "not" before would not simply deny ("was not just good", "was not also great")
_NOT_DENIED = NOT_NEGATING | {"also", "too", "still", "there", "here", "that"}
# words before a copula whose subject is not the aspect before them ("The fan runs quiet, which is a plus", "if
# you are ...")
_PRONOUNS = frozenset("i we you they he she it".split())
_NO_SUBJECT = frozenset({"which", "that", "who", "what", "this", "there"}) | _PRONOUNS
# words after which a new clause starts inside what punctuation leaves one clause: brackets and subordinators ("I
# liked the pasta because the sauce was fresh"); and "and"/"or" before a determiner or a pronoun ("Great food and
# the service was slow")
_CLAUSE_OPENERS = frozenset("( ) [ ] because since when whenever if unless until after before that where".split())
_SUBJECT_STARTS = SUBJECT_OPENERS | _PRONOUNS


def _negates(word: str) -> bool:
    return word in NEGATIONS or word.endswith("n't") or word == "nt"  # NEGATIONS holds "no"


def subject_start(words: list[str], start: int, i: int) -> int:
    """Where the subject of the copula ``words[i]`` starts, in its clause from ``start``: after the last bracket or
    subordinator before it, or at the determiner or pronoun after an "and" or "or" ("Great food and [the service]
    was slow"); else at the clause's start."""
    for j in range(i - 1, start - 1, -1):
        if words[j] in _CLAUSE_OPENERS or (words[j] in ("and", "or") and j + 1 < i and words[j + 1] in _SUBJECT_STARTS):
            return j + 1
    return start


def negation_site(sentence: dict) -> tuple[int, int, list[int]] | None:
    """Where a "not" may deny what ``sentence`` says of its aspects: ``(start, end, aspects)``, the character span
    of the first copula ("is", "are", "was", "were") whose subject (:func:`subject_start`) holds aspects, all
    positive or negative, with none after the copula in its clause, no other verb that opens a predicate from
    the subject on ("The screen is bright and keyboard is nice"), and no negation, contrast word or question mark
    in the clause; ``aspects`` are their indices in ``sentence["aspects"]``. A subject that a comma parts from
    an aspect before it gives none ("The food, drinks and service were great": the food is one of the subject
    too). None where there is no such copula."""
    text = sentence["text"]
    if "?" in text:
        return None
    tokens = tokenize(text)
    words = [t.text for t in tokens]
    cuts = clause_cuts(text, tokens)
    spans = [aspect_token_range(tokens, a["from"], a["to"]) for a in sentence["aspects"]]
    for i, word in enumerate(words[:-1]):
        if word not in COPULAS or text[tokens[i].start:tokens[i].end] != word:  # "Was the ..." asks
            continue
        c0, c1 = clause_bounds(words, i, i + 1, cuts=cuts)
        after = words[i + 1]
        if i + 1 >= c1 or not after.isalpha() or after in _NOT_DENIED or (i and words[i - 1] in _NO_SUBJECT):
            continue
        s0 = subject_start(words, c0, i)
        if any(_negates(w) or w in CONTRASTS for w in words[c0:c1]) or sum(map(opens_predicate, words[s0:c1])) > 1:
            continue
        inside = [k for k, (first, last) in enumerate(spans) if first < c1 and last > s0]
        if not inside or any(spans[k][1] > i or spans[k][0] < s0 for k in inside) \
                or any(sentence["aspects"][k].get("polarity") not in TURNED for k in inside):
            continue
        if s0 == c0 and c0 > 1 and words[c0 - 1] == ",":  # a list before the subject: "The food, drinks and ..."
            p0 = clause_bounds(words, c0 - 2, c0 - 1, cuts=cuts)[0]
            if any(first < c0 - 1 and last > p0 for first, last in spans) \
                    and not any(map(opens_predicate, words[p0:c0 - 1])):
                continue
        return tokens[i].start, tokens[i].end, inside
    return None


def negated_sentences(sentences: list[dict], fraction: float, seed: int = 0) -> list[dict]:
    """Negated copies of about ``fraction`` (0 to 1) of the sentences that have a :func:`negation_site`: the
    copula denied ("was" -> "was not" or "wasn't", at random), the polarity of the aspects it speaks of turned
    over, the other aspects kept, offsets after the edit shifted. Each names the sentence it copies
    (``"sources"``: its index in ``sentences``), so that a hold-out keeps it with that sentence."""
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be from 0 to 1, not {fraction!r}")
    sites = [(n, site) for n, s in enumerate(sentences) if (site := negation_site(s)) is not None]
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(sites)), int(round(fraction * len(sites)))))
    out = []
    for k in chosen:
        n, (start, end, inside) = sites[k]
        source = sentences[n]
        copula = source["text"][start:end]
        denial = f"{copula} not" if rng.random() < 0.5 else COPULAS[copula]
        text = source["text"][:start] + denial + source["text"][end:]
        shift = len(denial) - len(copula)
        aspects = []
        for j, a in enumerate(source["aspects"]):
            moved = {**a, "from": a["from"] + shift, "to": a["to"] + shift} if a["from"] >= end else dict(a)
            if j in inside:
                moved["polarity"] = TURNED[a["polarity"]]
            aspects.append(moved)
        out.append({"id": f"negated-{n}", "text": text, "aspects": aspects, "categories": [], "sources": (n,)})
    return out
