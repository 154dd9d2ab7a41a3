"""Train the default aspect model ``models/aspect`` on SemEval-2014 restaurants + laptops (train files).

A 15% dev split (seed 0) of the pooled sentences is scored first, then the model is refit on all of
them. Classical models (hashed logistic regressions) plus the default polarity model as a prior:
the directory stays well under 15 MB.

Run: ``python benchmarks/train_aspect_model.py [--data DIR] [--out models/aspect]``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import torch

from sentiment.aspects import fit_aspects
from sentiment.aspects.data import read_aspect_data


def main() -> None:
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/shared/datasets/semeval2014_absa")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "models" / "aspect"))
    args = parser.parse_args()
    sentences = []
    for name in ("restaurants_train.jsonl", "laptops_train.jsonl"):
        sentences += read_aspect_data(Path(args.data) / name)
    with tempfile.TemporaryDirectory() as tmp:
        pooled = Path(tmp) / "pooled.jsonl"
        pooled.write_text("".join(json.dumps(s) + "\n" for s in sentences), encoding="utf-8")
        _, report = fit_aspects(pooled, args.out, dev_fraction=0.15, refit=True, seed=0)
    report["data"] = "SemEval-2014 Task 4 restaurants + laptops train (pooled)"
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
