"""Do negated copies of training sentences teach the aspect polarity models that a denied complaint is none?

    python benchmarks/aspect_negation.py [--negated 0,0.5,1] [--seeds 0,1,2,3] [--polarity mean|classical]
                                         [--out benchmarks/results/aspect_negation.md]

For each share of negated copies (``AspectPipeline(negated=...)``, :func:`sentiment.aspects.augmentation.
negated_sentences`: "The pizza was cold" -> "The pizza was not cold", the polarity turned over) and each seed,
the recipe of ``models/aspect``'s polarity (``polarity="mean"``: the classical context model and the attention
network, the prior, SST pre-training, two-opinion sentences ``contrast=0.5``, the word vectors of
``aspects.py``; the classical tagger finds the terms, which polarity is not scored on) is trained on the
85% train parts of both SemEval domains and scored on their 15% dev parts (the split of ``aspects.py`` and
``train_aspect_model.py``): polarity accuracy and macro-F1 on the gold aspects (and the accuracy on each
domain's dev part: rows run before these columns show "-"), the accuracy on the aspects of dev sentences with two
polarities ("mixed"), and the challenge patterns of ``aspect_challenges.py`` (sentences
right of each). Runs on one CPU thread, about 5 minutes a run; each run adds its row to the JSON beside
``--out`` (runs side by side keep each other's rows), and the table shows them all and each share's mean.
``--polarity classical``: the classical context model alone (with the prior and the two-opinion sentences; a
minute or two a run), written to ``results/aspect_negation_classical.md`` unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aspect_challenges import patterns, score  # noqa: E402
from aspects import DATA, FILES, all_text_vectors, pooled_split, semeval_folder  # noqa: E402
from datasets import accumulate_table, numbers_of  # noqa: E402
from train_polarity_model import aspect_prior  # noqa: E402

from sentiment.aspects import AspectPipeline  # noqa: E402
from sentiment.aspects.evaluation import evaluate_pipeline  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
DOMAINS = tuple(FILES)  # restaurants, laptops: each domain's dev part scored alone too
CHALLENGES = ("negated complaint", "negated praise", "complaint", "contrast (but)", "two clauses, a comma")


def table(rows: list[dict]) -> str:
    rows = sorted(rows, key=lambda r: (r["negated"], r["seed"]))
    lines = ["| negated | seed | dev polarity acc | " + " | ".join(DOMAINS) + " | macro-F1 | mixed | "
             + " | ".join(CHALLENGES) + " | fit s |",
             "|---|---|---|" + "---|" * len(DOMAINS) + "---|---|" + "---|" * len(CHALLENGES) + "---|"]
    lines += [f"| {r['negated']:g} | {r['seed']} | {r['accuracy']:.4f} | " + " | ".join(_domain(r, d) for d in DOMAINS)
              + f" | {r['macro_f1']:.4f} | {r['mixed']:.4f} | " + " | ".join(r[c] for c in CHALLENGES)
              + f" | {r['seconds']:.0f} |" for r in rows]
    lines += ["", "| negated | runs | mean dev polarity acc | " + " | ".join(f"mean {d}" for d in DOMAINS)
              + " | mean mixed | negated complaints right (all runs) |", "|---|---|---|" + "---|" * len(DOMAINS) + "---|---|"]
    for share in dict.fromkeys(r["negated"] for r in rows):
        runs = [r for r in rows if r["negated"] == share]
        right = [tuple(map(int, r["negated complaint"].split("/"))) for r in runs]
        domains = [statistics.mean(r[d] for r in runs) if all(d in r for r in runs) else None for d in DOMAINS]
        lines.append(f"| {share:g} | {len(runs)} | {statistics.mean(r['accuracy'] for r in runs):.4f} | "
                     + " | ".join("-" if m is None else f"{m:.4f}" for m in domains)
                     + f" | {statistics.mean(r['mixed'] for r in runs):.4f} | "
                     f"{sum(a for a, _ in right)} of {sum(n for _, n in right)} |")
    return "\n".join(lines) + "\n"


def _domain(row: dict, domain: str) -> str:
    return f"{row[domain]:.4f}" if domain in row else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DATA / "semeval2014_absa"), type=semeval_folder)
    parser.add_argument("--negated", default="0,0.5,1", type=numbers_of(float),
                        help="comma-separated shares of negated copies")
    parser.add_argument("--seeds", default="0,1,2,3", type=numbers_of(int))
    parser.add_argument("--polarity", default="mean", choices=("mean", "classical"))
    parser.add_argument("--out", default=None, help="default: results/aspect_negation.md, or aspect_negation_classical.md")
    args = parser.parse_args()
    out = Path(args.out or RESULTS / ("aspect_negation.md" if args.polarity == "mean" else "aspect_negation_classical.md"))
    torch.set_num_threads(1)
    train, devs = pooled_split(Path(args.data))
    dev = [s for domain_dev in devs.values() for s in domain_dev]
    options = {"extractor": "classical", "polarity": args.polarity, "prior": aspect_prior(), "contrast": 0.5,
               "categories": False}
    if args.polarity == "mean":
        options.update(vectors_path=all_text_vectors(), pretrain=str(DATA / "sst5" / "trees" / "train.txt"),
                       extra_words=20_000)
    for share in (float(n) for n in args.negated.split(",")):
        for seed in (int(s) for s in args.seeds.split(",")):
            start = time.perf_counter()
            pipe = AspectPipeline(**options, negated=share, seed=seed).fit(train)
            seconds = time.perf_counter() - start
            report = evaluate_pipeline(pipe, dev)
            row = {"negated": share, "seed": seed, "seconds": seconds, "accuracy": report["polarity_accuracy"],
                   "macro_f1": report["polarity_macro_f1"], "mixed": report["mixed_polarity_accuracy"],
                   **{domain: evaluate_pipeline(pipe, devs[domain])["polarity_accuracy"] for domain in DOMAINS}}
            for name, sentences in patterns().items():
                if name in CHALLENGES:
                    right, n = score(pipe, sentences)
                    row[name] = f"{right}/{n}"
            print(row, flush=True)
            accumulate_table([row], out, ("negated", "seed"), table)
    print(out.read_text())


if __name__ == "__main__":
    main()
