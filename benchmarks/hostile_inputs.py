"""Seconds to read crafted texts of 10,000 and 40,000 characters: does the time grow linearly?

    python benchmarks/hostile_inputs.py [--out benchmarks/results/hostile_inputs.md]

Each text is one long run of what once made a step slow down quadratically (a run of spaces, of "!",
unclosed HTML comments, emoji joined by U+200D, punctuation or a long word of inner punctuation for spaCy's
tokenizer, combining marks for Unicode normalization; runs of stops, brackets and asides for the aspect
model's clauses; a sentence of thousands of aspects, each of whose polarity read the whole sentence; runs of the parts of
e-mail addresses and bare domains, version 25's web addresses; a run of brackets, or of brackets and dashes, where
faces kept beside them were searched for from every character; for spaCy's tokenizer, one long word of digits and
points and a run of flags, emoji of two code points each, kept). Linear time gives a
ratio near 4 between the two sizes, quadratic time near 16. Every figure is the best of 3 rounds. No data
set is read: the models are the shipped ones (``models/``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import sentiment
from sentiment.cleaning import Cleaner

SIZES = (10_000, 40_000)
ROUNDS = 3


def texts(n: int) -> dict[str, str]:
    """The crafted texts, each about ``n`` characters long."""
    return {
        "a run of spaces between two sentences": "The pizza was great" + " " * n + "but the service was slow.",
        'a run of "!"': "Great pizza" + "!" * n,
        "unclosed HTML comments": "<!--" * (n // 4) + " the pizza",
        '"<a" and a run of spaces': "The pizza <a" + " " * n,
        "emoji joined by U+200D": "😍\u200d" * (n // 2),
        "mixed punctuation": "wow " + "!?.," * (n // 4) + " great",
        "a run of combining marks": "good a" + "\u0301\u0316" * (n // 2) + " pizza",  # NFC sorts them
        'minified JSON ("key":"value",… without a space)': "{" + ",".join(f'"k{i}":"v{i}"' for i in range(n // 10)) + "}",
        'a run of "a:"': "review: " + "a:" * (n // 2),  # spaCy's infixes
        "a web address and a run of dots": "see http://x.co/" + "." * n,
        'a web address and a run of "a:"': "see http://x.co/" + "a:" * (n // 2),
        'unclosed "<![CDATA["': "<![CDATA[" * (n // 9) + " the pizza",
        'a run of "."': "The pizza" + "." * n,  # the restaurant categories' clauses looked back at each stop
        'a run of "("': "The pizza" + "(" * n,  # and joined cuts of empty clauses one by one
        "short sentences": "Good food. " * (n // 11),
        'asides (", however,")': "The pizza" + ", however," * (n // 10) + " was great",
        "aspects without a sentence end": "good pizza, bad service, " * (n // 25),  # each read within its reach
        "a run of dotted names (a domain's parts)": "see " + "ab." * (n // 3) + "co",  # e-mail and bare-domain parts
        'a run of "a.b@"': "mail " + "a.b@" * (n // 4) + " ok",  # given back part by part, never many ways
        'a run of "([{"': "so sad " + "([{" * (n // 3),  # a kept face beside brackets was searched from each
        'a run of "(-"': "so sad " + "(-" * (n // 2),  # ... and from each dash, which may end a face's eyes
        'one word of "10:30." repeated': "at " + "10:30." * (n // 6),  # spaCy's like_url searched it (unread)
        "flags between spaces": "so good " + "🇫🇷 " * (n // 3),  # spaCy merged each kept emoji among those before
    }


def best_seconds(read, text: str) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        read(text)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "hostile_inputs.md"))
    args = parser.parse_args()
    polarity, aspects, spacy = sentiment.load(), sentiment.load(task="aspect"), Cleaner(tokenizer="spacy")
    readers = {
        "cleaning (default)": Cleaner(),
        "cleaning (spaCy tokenizer)": spacy,
        "cleaning (spaCy tokenizer, addresses and emoji kept)": Cleaner(tokenizer="spacy", urls="keep", emoji="keep"),
        "cleaning (faces kept, negation_scope=3)": Cleaner(emoji="keep", negation_scope=3),
        "polarity model (predict)": lambda text: polarity.predict([text]),
        "aspect model (predict)": lambda text: aspects.annotate([text]),
    }
    spacy("warm up")  # spaCy loads its tables on first use
    aspects.annotate(["warm up the pizza"])
    lines = [f"| input | reader | s at {SIZES[0]:,} chars | s at {SIZES[1]:,} chars | ratio |", "|---|---|---|---|---|"]
    small, large = texts(SIZES[0]), texts(SIZES[1])
    for name in small:
        for reader_name, read in readers.items():
            seconds = [best_seconds(read, small[name]), best_seconds(read, large[name])]
            ratio = seconds[1] / max(seconds[0], 1e-6)
            lines.append(f"| {name} | {reader_name} | {seconds[0]:.3f} | {seconds[1]:.3f} | {ratio:.1f} |")
            print(lines[-1], flush=True)
    table = "\n".join(lines)
    Path(args.out).write_text(table + "\n")
    print("\n" + table)


if __name__ == "__main__":
    main()
