"""How many texts of each dataset a change of the text reading alters: run it on the code before the change
with ``--save``, on the code after it with ``--compare``.

    PYTHONPATH=OLD_CHECKOUT python benchmarks/reading_changes.py --save before.json
    python benchmarks/reading_changes.py --compare before.json [--out benchmarks/results/reading_changes.md]

Every text of the train and dev splits (SST sentences, IMDB reviews, CARER tweets, GoEmotions comments,
SemEval-2014 sentences) is cleaned under the default cleaning and under the shipped polarity model's
(``normalize_unicode`` and ``missing_apostrophes`` on), read by the aspect models' tokenizer (its tokens
and sentences), and cut into the aspect models' clauses (the clause around each token, the predicate a bare subject's
clause takes, and the negation marks of the polarity features, and the restaurant categories' clauses); a text counts as changed when
what it reads as differs. The saved file holds a hash of each text's reading, not the texts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import ROOT, load  # noqa: E402 - and the scripts' excepthook

from sentiment.aspects import categories  # noqa: E402
from sentiment.aspects.data import read_aspect_jsonl, sentence_spans  # noqa: E402
from sentiment.aspects.polarity import clause_bounds, clause_cuts, negation_marks, predicate_part  # noqa: E402
from sentiment.cleaning import READING_VERSION, Cleaner  # noqa: E402
from sentiment.tokens import tokenize  # noqa: E402

READINGS = {"default cleaning": {}, "shipped polarity model's cleaning": {"normalize_unicode": True,
                                                                         "missing_apostrophes": True},
            "aspect tokenizer": None, "aspect clauses": None}


def texts() -> dict[str, list[str]]:
    """The train and dev texts of each dataset."""
    out = {}
    for name in ("sst5", "imdb", "carer", "goemotions"):
        train_x, _, dev_x, _ = load(name)
        out[name] = list(train_x) + list(dev_x)
    out["semeval2014"] = [s["text"] for domain in ("restaurants", "laptops")
                          for s in read_aspect_jsonl(ROOT / "semeval2014_absa" / f"{domain}_train.jsonl")]
    return out


def _hash(reading) -> str:
    return hashlib.sha1(json.dumps(reading).encode()).hexdigest()[:12]


def aspect_clauses(text: str) -> list:
    """The aspect models' clauses of ``text``: the polarity features' clause around each token and negation
    marks, and the categories' clauses."""
    tokens = tokenize(text)
    words, cuts = [t.text for t in tokens], clause_cuts(text, tokens)
    around = [clause_bounds(words, i, i + 1, cuts=cuts) for i in range(len(words))]
    predicates = [predicate_part(words, *bounds, cuts) for bounds in around]
    return [around, negation_marks(words, cuts), category_clauses(text)] + [predicates] * any(a != b for a, b in predicates)


def category_clauses(text: str) -> list[str]:
    if hasattr(categories, "clauses"):
        return categories.clauses(text)
    # the code before text-reading version 9 (a --save run on it) split the text with CLAUSE_BREAK alone
    plain = categories._LONG_SPACE.sub(categories._one_space, categories.plain_text(text))
    return [c.strip() for c in categories.CLAUSE_BREAK.split(plain) if c and c.strip()] or [text]


def readings() -> dict:
    data = texts()
    hashes = {}
    for reading, options in READINGS.items():
        if reading == "aspect clauses":
            hashes[reading] = {name: [_hash(aspect_clauses(text)) for text in items] for name, items in data.items()}
            continue
        if options is None:  # the aspect models' tokens (with their spans) and sentences
            hashes[reading] = {name: [_hash([[tuple(t) for t in tokenize(text)], sentence_spans(text)]) for text in items]
                               for name, items in data.items()}
            continue
        cleaner = Cleaner(**options)
        hashes[reading] = {name: [_hash(tokens) for tokens in cleaner.tokens_of(items)] for name, items in data.items()}
    return {"reading_version": READING_VERSION, "hashes": hashes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", help="write the hashes of this code's tokens to this JSON file")
    group.add_argument("--compare", help="compare this code's tokens with those a --save run wrote")
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args()
    now = readings()
    if args.save:
        Path(args.save).write_text(json.dumps(now), encoding="utf-8")
        print(f"saved the tokens' hashes (text-reading version {now['reading_version']}) to {args.save}")
        return
    before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
    lines = [f"Texts whose tokens differ between text-reading versions {before['reading_version']} and "
             f"{now['reading_version']} (train and dev splits):", "",
             "| dataset | texts | " + " | ".join(READINGS) + " |", "|---|---|" + "---|" * len(READINGS)]
    for name in now["hashes"]["default cleaning"]:
        cells = []
        for reading in READINGS:
            if reading not in before["hashes"]:  # saved by the script before it read aspect tokens or clauses
                cells.append("")
                continue
            old, new = before["hashes"][reading][name], now["hashes"][reading][name]
            if len(old) != len(new):
                sys.exit(f"{name}: {len(old)} texts before, {len(new)} now: the data differ")
            changed = sum(a != b for a, b in zip(old, new))
            cells.append(f"{changed:,} ({changed / len(new):.2%})")
        lines.append(f"| {name} | {len(now['hashes']['default cleaning'][name]):,} | " + " | ".join(cells) + " |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        Path(args.out).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
