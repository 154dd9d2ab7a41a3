"""Which of the clause rules of text-reading versions 12 to 14, and which features, move the classical aspect
polarity figures?

    python benchmarks/aspect_reading_ablation.py [--domains restaurants,laptops] [--out FILE]

Version 12 changed how the aspect models read a clause in four ways (:mod:`sentiment.aspects.polarity`):
a dash ends an aspect's clause and its negation (``_is_dash``), a bracket ends its negation, "not only" /
"not just" negate nothing (``negates_nothing``), and "but also" contrasts nothing (``contrast_use``).
Version 13 dropped the bracket rule, which this table's version 12 run showed to cost the classical model
on both domains. Version 14 added a fourth kept rule: a mark inside a number ("2.1 GHz", "1,000") or a
stop after an abbreviation ("St.", "e.g.") ends no clause or negation (``_inside_a_word``); the "version 11"
row switches it off too. Polarity features version 4 puts the window bigrams' ``<s>`` / ``</s>`` at the text's
edges only (version 3: at every window's edge, wherever it fell). Each row fits ``aspects.py``'s classical
rows (the classical tagger and polarity model, without and with the prior, and with two-opinion
sentences; no categories) with one rule switched back to version 11's (or, for the bracket, to version
12's; for the markers, to features version 3's as a whole, so that row also goes without the later
versions' features: version 5's markup rule and version 6's score of the denied clause), or all four to
version 11's; the classical
models are deterministic, so the differences are the rules' own (on the same prior and split as
``aspects.py``). The tagger does not read clauses: its extraction figures are the same in every row.
Polarity accuracy on the gold dev aspects; the last column is that of the "+ prior + contrast" model on
the aspects of mixed sentences.

Runs on one CPU thread, about 3 minutes a row and domain; ``--out`` (default
``results/aspect_reading_ablation.md``) adds this run's rows to the JSON beside it, so the domains can run
side by side.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aspects import DATA, DOMAINS, FILES, domain_split, pipelines, semeval_folder  # noqa: E402
from datasets import accumulate_table  # noqa: E402

from sentiment.aspects import polarity  # noqa: E402
from sentiment.aspects.evaluation import evaluate_pipeline  # noqa: E402
from sentiment.cleaning import BRACKETS, READING_VERSION  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def _but_contrasts(contrast_use):
    """``contrast_use`` with version 11's "but", which always contrasts ("but also" too)."""
    return lambda before, word, after: True if word == "but" else contrast_use(before, word, after)


def _bracket_ends_negation(negated):
    """``negation_marks`` as version 12 read it: a bracket ends a negation (it marks no word after it)."""
    return lambda words, cuts=frozenset(): negated(words, cuts | {i for i, w in enumerate(words) if w in BRACKETS})


# rule -> the module attribute that the rule's version set and the value that reads as the version before did
# (for the bracket: as version 12 did; for the window markers: as features version 3 did)
RULES = {
    "dash ends a clause": ("_is_dash", lambda original: (lambda text, token: False)),
    "'not only' negates nothing": ("negates_nothing", lambda original: (lambda words, i: False)),
    "'but also' contrasts nothing": ("contrast_use", _but_contrasts),
    "bracket ends a negation": ("negation_marks", _bracket_ends_negation),
    "markers at every window's edge": ("FEATURES_VERSION", lambda original: 3),
    "numbers and abbreviations end no clause": ("_inside_a_word", lambda original: (lambda words, i: False)),
}
BRACKET, MARKERS = "bracket ends a negation", "markers at every window's edge"
VARIANTS = {f"version {READING_VERSION} (features version {polarity.FEATURES_VERSION})": (),  # the code as it is
            **{f"without: {rule}": (rule,) for rule in RULES if rule not in (BRACKET, MARKERS)},
            f"with: {BRACKET} (version 12)": (BRACKET,),
            f"with: {MARKERS} (features version 3)": (MARKERS,),
            "version 11 (none of the four)": tuple(rule for rule in RULES if rule not in (BRACKET, MARKERS))}


@contextlib.contextmanager
def read_as(rules: tuple[str, ...]):
    """Within the block, the aspect polarity module reads clauses as ``rules`` name (each as the version before
    the rule's did: :data:`RULES`)."""
    saved = {}
    try:
        for rule in rules:
            name, old = RULES[rule]
            saved[name] = getattr(polarity, name)
            setattr(polarity, name, old(saved[name]))
        yield
    finally:
        for name, value in saved.items():
            setattr(polarity, name, value)


def main() -> None:
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DATA / "semeval2014_absa"), type=semeval_folder)
    parser.add_argument("--domains", default=",".join(FILES), type=DOMAINS)
    parser.add_argument("--out", default=str(RESULTS / "aspect_reading_ablation.md"))
    args = parser.parse_args()
    header = ["| domain | reading | classical | classical + prior | classical + prior + contrast | "
              "mixed-sentence acc (+ contrast) |", "|---|---|---|---|---|---|"]

    def line(row: dict) -> str:
        return (f"| {row['domain']} | {row['reading']} | {row['classical']:.3f} | {row['prior']:.3f} | "
                f"{row['contrast']:.3f} | {row['mixed']:.3f} |")

    def ordered(rows: list[dict]) -> list[dict]:
        return sorted(rows, key=lambda row: (list(FILES).index(row["domain"]), list(VARIANTS).index(row["reading"])))

    print(*header, sep="\n", flush=True)
    rows = []
    for domain in args.domains.split(","):
        train, dev = domain_split(Path(args.data), domain)
        for variant, rules in VARIANTS.items():
            with read_as(rules):
                fitted = pipelines(train, None, categories=False, neural=False)
                reports = [evaluate_pipeline(pipe, dev) for _, pipe, _ in fitted]
            row = {"domain": domain, "reading": variant, "classical": reports[0]["polarity_accuracy"],
                   "prior": reports[1]["polarity_accuracy"], "contrast": reports[2]["polarity_accuracy"],
                   "mixed": reports[2]["mixed_polarity_accuracy"]}
            rows.append(row)
            print(line(row), flush=True)
            accumulate_table(rows, Path(args.out), ("domain", "reading"),
                             lambda merged: "\n".join(header + [line(r) for r in ordered(merged)]) + "\n")


if __name__ == "__main__":
    main()
