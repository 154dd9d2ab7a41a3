"""The shipped aspect model's verdicts on the README's example sentences, with its two polarity models' own.

    python benchmarks/aspect_examples.py [--model models/aspect]

For each sentence: the terms the model finds, the polarity and score of each (the mean of its polarity
models), then the probabilities (negative / neutral / positive) of the polarity models together and of each
for that term, which is
what "The default models" in the README quotes. ``sentiment predict --task aspect --explain TEXT`` shows
which words moved each verdict.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import sentiment

EXAMPLES = [
    "The camera struggles in artificial light, but the battery lasts for days",
    "Great screen, awful battery.",
    "The camera is great but the battery dies quickly",
    "The food was delicious but the service was slow",
    "The screen is dim, but the battery lasts forever",
    "Horrible service, delicious food.",
    "The staff weren't rude.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(Path(__file__).resolve().parent.parent / "models" / "aspect"))
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a model of another text reading says so on load; its verdicts still print
        model = sentiment.load(args.model)
    members = getattr(model.polarity_, "members", [model.polarity_])
    for text, aspects in zip(EXAMPLES, model.predict_aspects(EXAMPLES)):
        print(text)
        for aspect in aspects:
            item = [(text, aspect["from"], aspect["to"])]
            together = " / ".join(f"{p:.3f}" for p in model.polarity_.predict_proba(item)[0])
            parts = "; ".join([f"together {together}"] + [f"{type(m).__name__} " + " / ".join(
                f"{p:.2f}" for p in m.predict_proba(item)[0]) for m in members])
            print(f"  {aspect['term']}\t{aspect['from']}-{aspect['to']}\t{aspect['polarity']}\t{aspect['score']:.3f}"
                  f"\t({parts})")


if __name__ == "__main__":
    main()
