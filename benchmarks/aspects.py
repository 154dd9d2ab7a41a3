"""Dev figures of aspect-based sentiment analysis on SemEval-2014 Task 4 (restaurants, laptops).

The dev set is 15% of the sentences of each training file (seed 0, split by sentence; SemEval-2014
has no official dev split). Printed: extraction P/R/F1 (exact span), polarity accuracy and macro-F1
on the gold aspects, end-to-end F1 (span and polarity right). Rows:

* ``classical``: per-token logistic regression tagger + context-feature logistic regression polarity;
* ``classical + prior``: the same, plus the default sentence polarity model's scores of the aspect's
  clause, left/right windows and sentence as polarity features (the default ``models/aspect`` setting).

Run: ``python benchmarks/aspects.py [--data DIR] [--out benchmarks/results/aspects.md]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from sentiment.aspects.data import read_aspect_data, split_sentences
from sentiment.aspects.evaluation import evaluate_pipeline
from sentiment.aspects.pipeline import AspectPipeline, _load_prior
from sentiment.aspects.polarity import ClassicalPolarity, aspect_items

GOALS = {"restaurants": {"extraction_f1": 0.82, "polarity_accuracy": 0.79},
         "laptops": {"extraction_f1": 0.75, "polarity_accuracy": 0.72}}
FILES = {"restaurants": "restaurants_train.jsonl", "laptops": "laptops_train.jsonl"}


def main() -> None:
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/shared/datasets/semeval2014_absa")
    parser.add_argument("--out", default=None, help="also write the table (markdown) to this file")
    args = parser.parse_args()
    lines = ["| domain | model | extraction P | extraction R | extraction F1 | polarity acc | polarity macro-F1 | end-to-end F1 | fit s |",
             "|---|---|---|---|---|---|---|---|---|"]
    print(lines[0], lines[1], sep="\n", flush=True)
    for domain, name in FILES.items():
        train, dev = split_sentences(read_aspect_data(Path(args.data) / name), 0.15, seed=0)
        start = time.perf_counter()
        plain = AspectPipeline(prior=None).fit(train)
        seconds_plain = time.perf_counter() - start
        start = time.perf_counter()
        with_prior = AspectPipeline(prior="default")
        with_prior.prior_ = _load_prior("default")
        with_prior.extractor_ = plain.extractor_  # same tagger; only the polarity model differs
        with_prior.polarity_ = ClassicalPolarity(C=1.0, cleaner=with_prior.cleaner, prior=with_prior._prior_scorer())
        with_prior.polarity_.fit(*aspect_items(train))
        seconds_prior = time.perf_counter() - start
        for label, pipe, seconds in (("classical", plain, seconds_plain),
                                     ("classical + prior", with_prior, seconds_prior)):
            r = evaluate_pipeline(pipe, dev)
            line = (f"| {domain} | {label} | {r['extraction_precision']:.3f} | {r['extraction_recall']:.3f} | "
                    f"{r['extraction_f1']:.3f} | {r['polarity_accuracy']:.3f} | {r['polarity_macro_f1']:.3f} | "
                    f"{r['end_to_end_f1']:.3f} | {seconds:.0f} |")
            lines.append(line)
            print(line, flush=True)
    notes = [
        "",
        f"Dev: 15% of the sentences of each SemEval-2014 training file (seed 0); conflict aspects dropped. "
        f"Goals: extraction F1 >= {GOALS['restaurants']['extraction_f1']} / {GOALS['laptops']['extraction_f1']}, "
        f"polarity accuracy >= {GOALS['restaurants']['polarity_accuracy']} / {GOALS['laptops']['polarity_accuracy']} "
        "(restaurants / laptops). Fit seconds on one CPU thread (the prior row refits only the polarity model).",
    ]
    print("\n".join(notes))
    if args.out:
        Path(args.out).write_text("# Aspect-based sentiment, SemEval-2014 dev figures\n\n" + "\n".join(lines + notes) + "\n")


if __name__ == "__main__":
    main()
