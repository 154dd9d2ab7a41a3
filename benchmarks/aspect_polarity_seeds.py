"""How much do seeds move the aspect polarity network (with or without the weight average; one or several averaged)?

    python benchmarks/aspect_polarity_seeds.py [--domains laptops | --pooled] [--seeds 0,1,2,3] [--ema 0,1]
                                               [--nets 1] [--out benchmarks/results/aspect_polarity_seeds.md]

The network of ``aspects.py``'s "lstm + prior + SST pre-training" rows (target-aware attention BiLSTM,
the prior's scores as features, first trained on every SST-5 training phrase, then on the aspects),
trained on one domain's training sentences, for each seed and each ``ema_epochs``; scored on that
domain's dev split (the same 15% of its training file, seed 0) for polarity on the gold aspects; with
``--pooled``, trained on both domains' training sentences, as ``models/aspect`` is, and scored on each
domain's dev split (rows "DOMAIN, both domains"). With ``--nets N`` each run trains N such networks
(``n_nets=N``: seeds SEED to SEED + N - 1 for their weights, held-out parts and batches; the random start
of the word vectors that the vectors file lacks is SEED's for all) and scores the mean of their
probabilities. The
word vectors, the prior and the split are ``aspects.py``'s (cached there), so seeds 0 and 1 repeat the
figures of that table's rows on the same builds. Runs on one CPU thread; each run adds its rows to the
JSON beside ``--out`` (replacing rows of the same domain, seed, networks and ``ema_epochs``), and the table shows
them all with each setting's mean over the seeds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aspects import DATA, DOMAINS, all_text_vectors, domain_split, pooled_split, semeval_folder  # noqa: E402
from datasets import accumulate_table, numbers_of  # noqa: E402
from train_polarity_model import aspect_prior  # noqa: E402

from sentiment.aspects.data import read_polarity_texts  # noqa: E402
from sentiment.aspects.evaluation import evaluate_pipeline  # noqa: E402
from sentiment.aspects.neural import AttentionPolarity  # noqa: E402
from sentiment.aspects.pipeline import AspectPipeline, _load_prior  # noqa: E402
from sentiment.aspects.polarity import aspect_items  # noqa: E402
from sentiment.vectorizers.vectors_file import load_vectors  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def table(rows: list[dict]) -> str:
    rows = sorted(rows, key=lambda r: (r["domain"], r["ema_epochs"], r["nets"], r["seed"]))
    lines = ["| domain | ema_epochs | networks | seed | polarity acc | polarity macro-F1 | fit s |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['domain']} | {r['ema_epochs']:g} | {r['nets']} | {_seeds(r)} | {r['polarity_accuracy']:.3f} | "
              f"{r['polarity_macro_f1']:.3f} | {r['seconds']:.0f} |" for r in rows]
    lines += ["", "| domain | ema_epochs | networks | runs | mean polarity acc | lowest | highest |",
              "|---|---|---|---|---|---|---|"]
    for key in dict.fromkeys((r["domain"], r["ema_epochs"], r["nets"]) for r in rows):
        accs = [r["polarity_accuracy"] for r in rows if (r["domain"], r["ema_epochs"], r["nets"]) == key]
        lines.append(f"| {key[0]} | {key[1]:g} | {key[2]} | {len(accs)} | {statistics.mean(accs):.3f} | "
                     f"{min(accs):.3f} | {max(accs):.3f} |")
    return "\n".join(lines)


def _seeds(row: dict) -> str:
    """The seeds of a row's networks: "0" for one, "0-3" for four from seed 0."""
    return str(row["seed"]) if row["nets"] == 1 else f"{row['seed']}-{row['seed'] + row['nets'] - 1}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DATA / "semeval2014_absa"), type=semeval_folder)
    parser.add_argument("--domains", default="laptops", type=DOMAINS, help="comma-separated: restaurants, laptops")
    parser.add_argument("--seeds", default="0,1,2,3", type=numbers_of(int))
    parser.add_argument("--ema", default="0,1", type=numbers_of(float),
                        help="comma-separated ema_epochs values (0: no average)")
    parser.add_argument("--nets", type=int, default=1,
                        help="networks per run (n_nets), their probabilities averaged; seeds SEED to SEED + NETS - 1")
    parser.add_argument("--pooled", action="store_true",
                        help="train on both domains' training sentences, score on each domain's dev split")
    parser.add_argument("--out", default=str(RESULTS / "aspect_polarity_seeds.md"))
    args = parser.parse_args()
    if args.nets < 1:
        parser.error("--nets must be 1 or more")
    torch.set_num_threads(1)
    keyed = load_vectors(all_text_vectors())
    sst = read_polarity_texts(DATA / "sst5" / "trees" / "train.txt")
    out = Path(args.out)
    if args.pooled:  # (what trains, {row's domain: its dev sentences})
        pooled, devs = pooled_split(Path(args.data))
        runs = [(pooled, {f"{domain}, both domains": dev for domain, dev in devs.items()})]
    else:
        runs = [(train, {domain: dev}) for domain in args.domains.split(",")
                for train, dev in [domain_split(Path(args.data), domain)]]
    for train, devs in runs:
        # the classical tagger finds the terms (extraction is not scored here); the prior gives its scores
        pipe = AspectPipeline(prior=None, categories=False, contrast=0.0).fit(train)
        pipe.prior_ = _load_prior(aspect_prior())
        items, labels = aspect_items(train)
        for ema in (float(e) for e in args.ema.split(",")):
            for seed in (int(s) for s in args.seeds.split(",")):
                start = time.perf_counter()
                pipe.polarity_ = AttentionPolarity(extra_words=20_000, cleaner=pipe.cleaner, prior=pipe._prior_scorer(),
                                                   seed=seed, ema_epochs=ema, n_nets=args.nets)
                pipe.polarity_.fit(items, labels, keyed, pretrain=sst)
                seconds = time.perf_counter() - start
                rows = []
                for domain, dev in devs.items():
                    report = evaluate_pipeline(pipe, dev)
                    rows.append({"domain": domain, "ema_epochs": ema, "nets": args.nets, "seed": seed,
                                 "seconds": seconds,
                                 "polarity_accuracy": report["polarity_accuracy"],
                                 "polarity_macro_f1": report["polarity_macro_f1"]})
                    print(f"{domain} ema_epochs={ema:g} nets={args.nets} seed={seed}: "
                          f"{report['polarity_accuracy']:.4f} (macro-F1 {report['polarity_macro_f1']:.4f}, "
                          f"{seconds:.0f} s)", flush=True)
                accumulate_table(rows, out, ("domain", "ema_epochs", "nets", "seed"),
                                 lambda merged: table(merged) + "\n")
    print(out.read_text())


if __name__ == "__main__":
    main()
