"""Dev-split figures of the default pipeline with one cleaning step changed at a time.

    python benchmarks/cleaning.py [--datasets sst2,sst5,carer,imdb] [--only WORDS] [--out FILE]

``--only negation_scope`` runs the defaults and the rows whose name holds "negation_scope" (comma-separate
several), for a table of its own (``--out``).

This is how the cleaning defaults were chosen: a step stays on by default when switching it off
does not help on the dev splits (and the reverse for stop words and lemmas). ``missing_apostrophes`` came
after the other figures here: it is off by default until they are measured again with it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment import Pipeline  # noqa: E402
from sentiment.evaluation import evaluate  # noqa: E402

VARIANTS = {
    "defaults": {},
    "lowercase off": {"lowercase": False},
    "contractions off": {"contractions": False},
    "missing apostrophes read (dont -> don't)": {"missing_apostrophes": True},
    "negation off": {"negation": False},
    "negation scope also ends at a dash or bracket, 'not only' negates nothing (negation_scope 3)": {"negation_scope": 3},
    "negation scope ends at punctuation and 'but' only (negation_scope 1)": {"negation_scope": 1},
    "repeats off": {"repeats": False},
    "html off": {"html": False},
    "emoji kept as is": {"emoji": "keep"},
    "stopwords on": {"stopwords": True},
    "lemmatize on (spaCy)": {"lemmatize": True},
    "spaCy tokenizer": {"tokenizer": "spacy"},
}


ALL = ["sst2", "sst5", "carer", "imdb"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(ALL), type=datasets.names_of(ALL))
    parser.add_argument("--out", help="where to write the table (default: results/cleaning.md, for a run of "
                                      "every dataset)")
    parser.add_argument("--only", help="run the defaults and the rows whose name holds one of these words "
                                       "(comma-separated)")
    args = parser.parse_args()
    names = args.datasets.split(",")
    variants = {v: o for v, o in VARIANTS.items()
                if not args.only or v == "defaults" or any(word in v for word in args.only.split(","))}
    out = datasets.results_file(args.out, "cleaning.md", set(names) == set(ALL) and not args.only)
    results: dict[str, dict[str, float]] = {v: {} for v in variants}
    for name in names:
        train_x, train_y, dev_x, dev_y = datasets.load(name)
        for variant, options in variants.items():
            start = time.perf_counter()
            pipe = Pipeline(**options).fit(train_x, train_y)
            accuracy = evaluate(pipe, dev_x, dev_y)["accuracy"]
            results[variant][name] = accuracy
            print(f"{name:6s} {variant:22s} acc={accuracy:.4f} ({time.perf_counter() - start:.1f}s)", flush=True)
    default = Pipeline()
    header = f"| cleaning (pipeline: {default.vectorizer_name} + {default.model}) | " + " | ".join(names) + " |"
    lines = [header, "|---" * (len(names) + 1) + "|"]
    for variant, scores in results.items():
        cells = []
        for name in names:
            delta = scores[name] - results["defaults"][name]
            cells.append(f"{scores[name]:.4f}" + ("" if variant == "defaults" else f" ({delta:+.4f})"))
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    if out:
        out.write_text(table + "\n")
    print("\ndev accuracy\n" + table)


if __name__ == "__main__":
    main()
