"""Templated challenge sentences for an aspect model's polarity (in the spirit of CheckList, Ribeiro et al. 2020).

    python benchmarks/aspect_challenges.py [--model models/aspect] [--out benchmarks/results/aspect_challenges.md]

Each pattern fills one template with every pair of an aspect and opinion words below (restaurant and
laptop aspects, each with words that suit it), names the aspects (``aspects=``, so the tagger is not
tested: only the polarity toward each given term) and counts a sentence right when every aspect in it
gets its gold polarity. For a negated complaint ("The staff were not rude.") neutral and positive both
count as right: it says the complaint does not hold, not that the staff were good. The texts are made
here; no data set is read. The patterns are those a review of the shipped model found it weak on
(README, "What it gets wrong"), beside the ones it reads well, so that a change can show what it moves.
"""

from __future__ import annotations

import argparse
import warnings
from itertools import product
from pathlib import Path

import sentiment

# aspect -> (verb, positive words, negative words); the words suit the aspect ("rude" staff, "cold" pizza)
ASPECTS = {
    "pizza": ("was", ["delicious", "tasty"], ["cold", "bland"]),
    "staff": ("were", ["friendly", "helpful"], ["rude", "slow"]),
    "service": ("was", ["quick", "attentive"], ["slow", "terrible"]),
    "prices": ("were", ["fair", "reasonable"], ["high", "outrageous"]),
    "screen": ("is", ["bright", "sharp"], ["dim", "blurry"]),
    "battery": ("is", ["excellent", "amazing"], ["weak", "awful"]),
    "keyboard": ("is", ["comfortable", "solid"], ["mushy", "flimsy"]),
    "fan": ("is", ["quiet", "silent"], ["loud", "noisy"]),
}
NOT_NEGATIVE = ("neutral", "positive")  # what a negated complaint may be read as


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def patterns() -> dict[str, list[tuple[str, list[tuple[str, tuple[str, ...]]]]]]:
    """Pattern name -> sentences, each with its aspects and the polarities that count as right for each."""
    out: dict[str, list] = {}
    one = [(a, v, p, n) for a, (v, ps, ns) in ASPECTS.items() for p, n in zip(ps, ns)]
    out["praise"] = [(f"The {a} {v} {p}.", [(a, ("positive",))]) for a, v, p, n in one]
    out["complaint"] = [(f"The {a} {v} {n}.", [(a, ("negative",))]) for a, v, p, n in one]
    out["negated praise"] = [(f"The {a} {v} not {p}.", [(a, ("negative",))]) for a, v, p, n in one]
    out["negated complaint"] = [(f"The {a} {v} not {n}.", [(a, NOT_NEGATIVE)]) for a, v, p, n in one]
    out["aside (however)"] = [(f"The {a}, however, {v} {n}.", [(a, ("negative",))]) for a, v, p, n in one]
    out["aside, no determiner"] = [(f"{cap(a)}, however, {v} {n}.", [(a, ("negative",))]) for a, v, p, n in one]
    out["aside (sadly)"] = [(f"The {a}, sadly, {v} {n}.", [(a, ("negative",))]) for a, v, p, n in one]
    pairs = [(x, y) for x, y in product(one, one) if x[0] != y[0] and
             list(ASPECTS).index(x[0]) // 4 == list(ASPECTS).index(y[0]) // 4]  # same domain, other aspect
    out["contrast (but)"] = [
        (f"The {a} {v} {n} but the {b} {w} {q}.", [(a, ("negative",)), (b, ("positive",))])
        for (a, v, p, n), (b, w, q, m) in pairs]
    out["two clauses, a comma"] = [
        (f"The {a} {v} {n}, the {b} {w} {q}.", [(a, ("negative",)), (b, ("positive",))])
        for (a, v, p, n), (b, w, q, m) in pairs]
    out["list, complaint first"] = [
        (f"{cap(n)} {a}, {q} {b}.", [(a, ("negative",)), (b, ("positive",))]) for (a, v, p, n), (b, w, q, m) in pairs]
    out["list, praise first"] = [
        (f"{cap(p)} {a}, {m} {b}.", [(a, ("positive",)), (b, ("negative",))]) for (a, v, p, n), (b, w, q, m) in pairs]
    return out


def score(model, sentences) -> tuple[int, int]:
    """(sentences right, sentences): every named aspect's polarity among its right ones."""
    texts = [text for text, _ in sentences]
    found = model.predict_aspects(texts, aspects=[[a for a, _ in gold] for _, gold in sentences])
    right = 0
    for (text, gold), aspects in zip(sentences, found):
        got = {a["term"].lower(): a["polarity"] for a in aspects}
        right += all(got.get(term) in ok for term, ok in gold)
    return right, len(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(Path(__file__).resolve().parent.parent / "models" / "aspect"))
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "aspect_challenges.md"))
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a model of another text reading says so on load; it is scored all the same
        model = sentiment.load(args.model)
    lines = [f"`python benchmarks/aspect_challenges.py` on `{Path(args.model).name}` (templated sentences, the "
             "aspects named; a sentence is right when every aspect in it is):", "",
             "| pattern | example | sentences | right | accuracy |", "|---|---|---|---|---|"]
    for name, sentences in patterns().items():
        right, n = score(model, sentences)
        lines.append(f"| {name} | {sentences[0][0]} | {n} | {right} | {right / n:.3f} |")
    table = "\n".join(lines) + "\n"
    print(table)
    Path(args.out).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
