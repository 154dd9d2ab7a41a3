"""Train the default aspect model ``models/aspect`` on SemEval-2014 restaurants + laptops (train files).

The model is first trained on the 85% train parts of both domains and scored on their 15% dev parts
(seed 0: the split of ``benchmarks/aspects.py``, whose word vectors leave the dev parts' text out), then
refit on all the sentences. Term extraction (``extractor="combined"``): the PyTorch BiLSTM-CRF tagger (with
word dropout) and the classical tagger decoded together (they beat either alone on both domains' dev
splits, ``benchmarks/results/aspects.md``), the network's embeddings initialised from the Word2Vec vectors of ``benchmarks/aspects.py``'s ``all_text_vectors`` (built and
cached on the first run). Polarity (``--polarity mean``, the default): the mean of the classical context
model and the PyTorch attention network, both with a polarity prior (the default polarity model's recipe
without its SemEval sentences, ``train_polarity_model.aspect_prior``; the model keeps a copy), the network
pre-trained on the SST-5 training phrases (``--pretrain FILE``; ``--pretrain ''`` for none), both also
trained on two-opinion sentences (``--contrast 0.5``) and on negated copies of half the sentences whose aspect is the
subject of a plain copula, the polarity turned over (``--negated 0.5``: "The pizza was not cold", positive;
``benchmarks/aspect_negation.py``: +0.3 to +1.0 points of dev polarity accuracy on each of four seeds, 0.7 on
average, and a denied complaint read right in 18 of 64 templated sentences, against none; with ``--polarity
classical`` the default is 0, as the copies cost the classical model alone about half a point). Both PyTorch models keep the vectors of the
20,000 most frequent words of the vectors besides their training words (``--extra-words``): a user's
word that SemEval lacks ("struggles") then has its vector instead of the unknown word's (about 15 MB
more; chosen on an earlier dev split of the pooled sentences whose text the vectors had seen). ``--polarity
classical --extra-words 0`` keeps the directory much smaller and needs no pre-training.

Run: ``python benchmarks/train_aspect_model.py [--data DIR] [--out models/aspect] [--extractor classical|lstm|combined]
[--polarity classical|lstm|mean] [--contrast 0.5] [--negated SHARE] [--extra-words N]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aspects import FILES, all_text_vectors, pooled_split, semeval_folder  # noqa: E402
from datasets import ROOT  # noqa: E402
from train_polarity_model import aspect_prior  # noqa: E402

from sentiment.aspects import train_and_score
from sentiment.aspects.data import read_aspect_data
from sentiment.persistence import check_model_target


def main() -> None:
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT / "semeval2014_absa"), type=semeval_folder)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "models" / "aspect"))
    parser.add_argument("--extractor", default="combined", choices=("classical", "lstm", "combined"))
    parser.add_argument("--polarity", default="mean", choices=("classical", "lstm", "mean"))
    parser.add_argument("--extra-words", type=int, default=20_000,
                        help="vocabulary of the PyTorch models beyond the training words: the vectors' most frequent words")
    parser.add_argument("--contrast", type=float, default=0.5,
                        help="two-opinion training sentences for the polarity model, per one-opinion sentence")
    parser.add_argument("--negated", type=float, default=None,
                        help="negated copies of the sentences whose aspect is a copula's subject, as a share of them "
                             "(default: 0.5, or 0 with --polarity classical)")
    parser.add_argument("--pretrain", default=str(ROOT / "sst5" / "trees" / "train.txt"),
                        help="with --polarity lstm or mean: texts to pre-train the polarity network on ('' for none)")
    args = parser.parse_args()
    neural = args.extractor != "classical" or args.polarity != "classical"
    options = {"extractor": args.extractor, "polarity": args.polarity, "contrast": args.contrast,
               "negated": args.negated if args.negated is not None else 0.0 if args.polarity == "classical" else 0.5,
               "extra_words": args.extra_words, "prior": aspect_prior(),
               "vectors_path": all_text_vectors() if neural else None}
    if args.polarity != "classical" and args.pretrain:
        options["pretrain"] = args.pretrain
    check_model_target(args.out)  # before hours of training, not after
    train, devs = pooled_split(Path(args.data))
    dev = [s for domain_dev in devs.values() for s in domain_dev]
    sentences = [s for name in FILES.values() for s in read_aspect_data(Path(args.data) / name)]
    _, report = train_and_score(train, dev, data="SemEval-2014 Task 4 restaurants + laptops train (pooled)",
                                refit_on=sentences, out=args.out, seed=0,
                                log=lambda line: print(line, file=sys.stderr), **options)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
