"""Dev figures of aspect-based sentiment analysis on SemEval-2014 Task 4 (restaurants, laptops).

The dev set is 15% of the sentences of each training file (seed 0, split by sentence; SemEval-2014
has no official dev split). Printed: extraction P/R/F1 (exact span), polarity accuracy and macro-F1
on the gold aspects, end-to-end F1 (span and polarity right). Rows:

* ``classical``: per-token logistic regression tagger (with Brown word-cluster features, the default)
  + context-feature logistic regression polarity;
* ``classical + prior``: the same, plus a sentence polarity model's scores of the aspect's clause,
  left/right windows, sentence and the part across a contrast word ("A, but B") as polarity features
  (the default ``models/aspect`` setting); the prior is the default polarity model's recipe without its
  SemEval sentences (``train_polarity_model.aspect_prior``), so it has not seen these training sentences;
* ``lstm``: the PyTorch models of :mod:`sentiment.aspects.neural` (BiLSTM-CRF tagger with a character
  CNN, embeddings fine-tuned; target-aware attention BiLSTM polarity, embeddings fixed, the vectors'
  20,000 most frequent words added to its vocabulary), embeddings from :func:`all_text_vectors`;
* ``lstm + prior``: the same tagger, the polarity network also given the prior's scores;
* ``lstm + prior, mean with classical + prior``: the same tagger; polarity the mean of the two
  ``+ prior`` models' probabilities;
* ``lstm + prior + SST pre-training``: the polarity network first learns every labelled SST-5 training
  phrase as negative / neutral / positive (``AspectPipeline(pretrain=...)``), then the aspects; with
  another seed too (``seed 1``), and its mean with classical + prior;
* ``+ contrast 0.5``: the polarity model also learns synthetic two-opinion sentences ("<one opinion>,
  but <another>", ``AspectPipeline(contrast=0.5)``, :func:`sentiment.aspects.data.contrastive_sentences`),
  half as many as the sentences of one polarity; the mean row pairs the two models trained so;
* ``combined tagger; ...``: that last mean row's polarity model, its terms found by the BiLSTM-CRF tagger
  and the classical tagger decoded together (``AspectPipeline(extractor="combined")``, the two taggers
  of the rows above; fit seconds: that row's plus the ``classical`` row's).

The tagger of the ``lstm`` rows trains with word dropout (``BiLSTMTagger(word_dropout=0.25)``).
"Mixed-sentence polarity acc" is the polarity accuracy on the gold aspects of the dev sentences whose
aspects have more than one polarity (188 restaurant and 63 laptop aspects), where reading the sentence
as a whole cannot be right.

With ``--ema EPOCHS`` every network (tagger and polarity, their SST pre-training included) keeps a moving
average of its weights (``ema_epochs``), and each row's label says so; run it with ``--out`` to a file of
its own (``results/aspects_ema.md``) to set the two tables side by side.

Rows marked "both domains" (``--pooled``) come from one set of models trained on the restaurants and
laptops training sentences together (no categories: laptops have none), scored on each domain's dev.

Run: ``python benchmarks/aspects.py [--data DIR] [--domains restaurants,laptops] [--pooled] [--classical-only] [--ema EPOCHS] [--out benchmarks/results/aspects.md]``
(on one CPU thread, with ``--domains restaurants,laptops`` and ``--domains "" --pooled`` side by side on
2 cores: about 13 minutes a domain and 26 for --pooled on 4 December 2026, 50 / 30 / 75 on a busier
day; the word vectors and the prior are built once first, about 3 minutes).
With ``--out``, each run adds its rows to ``aspects.json`` beside the table (replacing rows of the same
domain and model) and writes the table of all of them, so the domains can run apart.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from sentiment.aspects.data import contrastive_sentences, read_aspect_data, read_polarity_texts, split_sentences
from sentiment.aspects.evaluation import evaluate_pipeline
from sentiment.aspects.pipeline import AspectPipeline, _load_prior
from sentiment.aspects.polarity import ClassicalPolarity, MeanPolarity, aspect_groups, aspect_items
from sentiment.vectorizers.vectors_file import load_vectors

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import ROOT, accumulate_table, names_of  # noqa: E402
from train_polarity_model import aspect_prior  # noqa: E402

GOALS = {"restaurants": {"extraction_f1": 0.82, "polarity_accuracy": 0.79},
         "laptops": {"extraction_f1": 0.75, "polarity_accuracy": 0.72}}
CONTRAST = 0.5  # AspectPipeline(contrast=...): two-opinion sentences, half as many as the one-opinion ones
FILES = {"restaurants": "restaurants_train.jsonl", "laptops": "laptops_train.jsonl"}
RESULTS = Path(__file__).resolve().parent / "results"
DATA = ROOT  # $SENTIMENT_DATA or ../shared/datasets
DOMAINS = names_of(tuple(FILES), empty=True)  # argparse type of --domains


def semeval_folder(value: str) -> str:
    """argparse type of --data: a folder holding both domains' SemEval-2014 JSONL files, checked before anything
    runs (a usage error that names --data, not a failure after minutes of training)."""
    import argparse

    missing = [name for name in FILES.values() if not (Path(value) / name).is_file()]
    if missing:
        raise argparse.ArgumentTypeError(f"{value} holds no {missing[0]}: give the folder of the SemEval-2014 JSONL "
                                         f"files ({', '.join(FILES.values())}), semeval2014_absa of the datasets")
    return value


def all_text_vectors(path: Path = RESULTS / "all_text.w2v.txt", root: Path = DATA) -> str:
    """Word2Vec vectors (100-d skip-gram) over the text of the shared data sets but the scored dev sentences, cached.

    SemEval-2014 restaurants + laptops sentences (three times, to weigh the two review domains up),
    IMDB's whole train split (the 20% that the polarity benchmarks hold out as dev included: unlabelled
    text here, but vectors not to reuse for IMDB figures), SST-5 train sentences, GoEmotions train
    comments and CARER train texts; no test split (there are none in the tree), no SST/GoEmotions/CARER
    dev file, and not the text of the 15% of ABSA sentences that this benchmark scores (:func:`domain_split`; but for the 5
    sentences that SemEval's files hold twice, once in each part). Tokens are the
    aspect models' own (:func:`sentiment.tokens.tokenize` feature strings), so every word of a
    sentence finds its vector.
    """
    if not path.is_file():
        import csv
        import gzip

        from gensim.models import Word2Vec

        from sentiment.tokens import token_cleaner

        cleaner = token_cleaner()

        def csv_texts(file):
            opener = gzip.open if file.suffix == ".gz" else open
            with opener(file, "rt", encoding="utf-8", newline="") as handle:
                return [row["text"] for row in csv.DictReader(handle)]

        absa = [s["text"] for domain in FILES for s in domain_split(root / "semeval2014_absa", domain)[0]]
        texts = absa * 3
        for file in ("imdb/train.csv.gz", "sst5/train.csv", "goemotions/train.csv", "carer_emotion/train.csv"):
            texts += csv_texts(root / file)
        docs = [vector_words(t, cleaner) for t in texts]
        print(f"word2vec on {len(docs):,} texts, {sum(map(len, docs)):,} tokens", flush=True)
        model = Word2Vec(docs, vector_size=100, window=5, min_count=2, sg=1, epochs=5, seed=0, workers=1)
        model.wv.save_word2vec_format(str(path))
    return str(path)


def vector_words(text: str, cleaner) -> list[str]:
    """The words of ``text`` that :func:`all_text_vectors` learns: the whole text normalised by the aspect
    models' ``cleaner`` (:func:`sentiment.tokens.token_cleaner`), then cut by their tokenizer's
    pattern (a web address or tag with spaces in it joined by "_")."""
    from sentiment.tokens import _TOKEN

    return ["_".join(m.group().split()) for m in _TOKEN.finditer(cleaner.normalize(text))]


def domain_split(folder: Path, domain: str) -> tuple[list[dict], list[dict]]:
    """Train and dev sentences of a domain: 85% / 15% of its training file (seed 0)."""
    return split_sentences(read_aspect_data(folder / FILES[domain]), 0.15, seed=0)


def pooled_split(folder: Path) -> tuple[list[dict], dict[str, list[dict]]]:
    """Both domains' train parts together (restaurants first), and each domain's dev part (:func:`domain_split`)."""
    splits = {domain: domain_split(folder, domain) for domain in FILES}
    return [s for train, _ in splits.values() for s in train], {domain: dev for domain, (_, dev) in splits.items()}


def neural_rows(train, keyed, classical_prior: AspectPipeline, classical_contrast: AspectPipeline,
                seconds_classical: float, ema: float = 0.0) -> list[tuple[str, AspectPipeline, float]]:
    """The PyTorch rows: one tagger; polarity without and with the prior, with SST pre-training (two
    seeds; and with contrast sentences), the means of the seed-0 networks with the classical models, and
    the last mean with the combined tagger; ``ema``: every network's ``ema_epochs``."""
    from sentiment.aspects.neural import AttentionPolarity, BiLSTMTagger, CombinedTagger

    items, labels = aspect_items(train)
    start = time.perf_counter()
    tagger = BiLSTMTagger(cleaner=classical_prior.cleaner, ema_epochs=ema).fit(train, keyed)
    seconds_tagger = time.perf_counter() - start
    sst = read_polarity_texts(DATA / "sst5" / "trees" / "train.txt")
    scorer = classical_prior._prior_scorer()
    rows = []
    for label, prior, pretrain, seed in (("lstm", None, None, 0), ("lstm + prior", scorer, None, 0),
                                         ("lstm + prior + SST pre-training", scorer, sst, 0),
                                         ("lstm + prior + SST pre-training, seed 1", scorer, sst, 1)):
        start = time.perf_counter()
        pipe = AspectPipeline(extractor="lstm", polarity="lstm", prior=None)
        pipe.prior_ = classical_prior.prior_ if prior else None
        pipe.extractor_ = tagger
        pipe.polarity_ = AttentionPolarity(extra_words=20_000, cleaner=pipe.cleaner, prior=prior, seed=seed,
                                           ema_epochs=ema).fit(items, labels, keyed, pretrain=pretrain)
        rows.append((label, pipe, seconds_tagger + time.perf_counter() - start))
    start = time.perf_counter()
    contrast = AspectPipeline(extractor="lstm", polarity="lstm", prior=None, contrast=CONTRAST)
    contrast.prior_, contrast.extractor_ = classical_prior.prior_, tagger
    joined = train + contrastive_sentences(train, CONTRAST)
    contrast.polarity_ = AttentionPolarity(extra_words=20_000, cleaner=contrast.cleaner, prior=scorer,
                                           ema_epochs=ema).fit(
        *aspect_items(joined), keyed, pretrain=sst, groups=aspect_groups(joined))
    rows.append((f"lstm + prior + SST pre-training + contrast {CONTRAST}", contrast,
                 seconds_tagger + time.perf_counter() - start))
    pairs = ((rows[1], classical_prior, "classical + prior"), (rows[2], classical_prior, "classical + prior"),
             (rows[-1], classical_contrast, "classical + prior + contrast"))
    for (label, network, seconds), partner, partner_label in pairs:
        mean = AspectPipeline(extractor="lstm", polarity="lstm", prior=None)
        mean.extractor_ = tagger
        mean.polarity_ = MeanPolarity([network.polarity_, partner.polarity_])
        rows.append((f"{label}, mean with {partner_label}", mean, seconds))
    # the last mean row again, its terms found by the network and the classical tagger decoded together
    label, best, seconds = rows[-1]
    combined = AspectPipeline(extractor="combined", polarity="lstm", prior=None)
    combined.extractor_ = CombinedTagger(tagger, classical_prior.extractor_)
    combined.polarity_ = best.polarity_
    rows.append((f"combined tagger; {label}", combined, seconds + seconds_classical))
    return rows


def _figure(report: dict, key: str) -> str:
    return f"{report[key]:.3f}" if report.get(key) is not None else ""



def main() -> None:
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DATA / "semeval2014_absa"), type=semeval_folder)
    parser.add_argument("--domains", default=",".join(FILES), type=DOMAINS,
                        help="comma-separated: restaurants, laptops (empty: none, e.g. with --pooled)")
    parser.add_argument("--pooled", action="store_true",
                        help="also train every model on both domains' training sentences and score each domain's dev")
    parser.add_argument("--out", default=None, help="also write the table (markdown) to this file")
    parser.add_argument("--classical-only", action="store_true",
                        help="only the classical rows (a few minutes; with --out the other rows of the table stay)")
    parser.add_argument("--ema", type=float, default=0.0,
                        help="every network keeps a moving average of its weights, of this time constant in epochs")
    args = parser.parse_args()
    if args.ema < 0:
        parser.error("--ema must be 0 or more")

    def averaged(label: str) -> str:  # the classical rows have no network to average
        return label if not args.ema or label.startswith("classical") else f"{label}, weights averaged (ema_epochs={args.ema:g})"

    keyed = None if args.classical_only else load_vectors(all_text_vectors())
    lines = ["| domain | model | extraction P | extraction R | extraction F1 | polarity acc | polarity macro-F1 | "
             "mixed-sentence polarity acc | end-to-end F1 | category F1 | category polarity acc | fit s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    print(lines[0], lines[1], sep="\n", flush=True)
    notes = [
        "",
        f"Dev: 15% of the sentences of each SemEval-2014 training file (seed 0); conflict aspects dropped (their "
        f"terms count as terms in the extraction scores). "
        f"Goals: extraction F1 >= {GOALS['restaurants']['extraction_f1']} / {GOALS['laptops']['extraction_f1']}, "
        f"polarity accuracy >= {GOALS['restaurants']['polarity_accuracy']} / {GOALS['laptops']['polarity_accuracy']} "
        "(restaurants / laptops). Fit seconds on one CPU thread shared with other jobs (the prior row refits only the "
        "polarity model; lstm rows include the tagger's training, the mean rows add nothing to their lstm rows; the pre-training rows include it). "
        "Categories (restaurants only): the classical row's pipeline learns them too (`AspectPipeline(categories=True)`); "
        "category F1 is over each sentence's set of categories, category polarity accuracy over the gold categories.",
    ]
    results: list[dict] = []

    def record(domain: str, label: str, pipe: AspectPipeline, seconds: float, dev: list[dict]) -> None:
        r = {**evaluate_pipeline(pipe, dev), "domain": domain, "model": label, "seconds": seconds}
        results.append(r)
        print(_line(r), flush=True)
        if args.out:  # with the rows of earlier runs (other --domains; a run beside this one waits its turn)
            accumulate_table(results, Path(args.out), ("domain", "model"),
                             lambda merged: "\n".join(lines + [_line(row) for row in ordered(merged)] + notes) + "\n")

    for domain in args.domains.split(",") if args.domains else []:
        train, dev = domain_split(Path(args.data), domain)
        for label, pipe, seconds in pipelines(train, keyed, neural=not args.classical_only, ema=args.ema):
            record(domain, averaged(label), pipe, seconds, dev)
    if args.pooled:  # one set of models on both domains' training sentences, scored on each domain's dev
        pooled, devs = pooled_split(Path(args.data))
        for label, pipe, seconds in pipelines(pooled, keyed, categories=False, neural=not args.classical_only,
                                              ema=args.ema):
            for domain, dev in devs.items():
                record(domain, averaged(f"{label}, both domains"), pipe, seconds, dev)
    print("\n".join(notes))


def pipelines(train: list[dict], keyed, categories: bool = True, neural: bool = True,
              ema: float = 0.0) -> list[tuple[str, AspectPipeline, float]]:
    """The benchmark's models fitted on ``train``, as ``(row label, pipeline, fit seconds)``; ``neural``:
    the PyTorch rows too; ``ema``: their networks' ``ema_epochs``."""
    start = time.perf_counter()
    plain = AspectPipeline(prior=None, categories=categories, contrast=0.0).fit(train)
    seconds_plain = time.perf_counter() - start
    start = time.perf_counter()
    with_prior = AspectPipeline(prior=aspect_prior())
    with_prior.prior_ = _load_prior(aspect_prior())
    with_prior.extractor_ = plain.extractor_  # same tagger; only the polarity model differs
    with_prior.polarity_ = ClassicalPolarity(C=1.0, cleaner=with_prior.cleaner, prior=with_prior._prior_scorer())
    with_prior.polarity_.fit(*aspect_items(train))
    seconds_prior = time.perf_counter() - start
    start = time.perf_counter()
    contrast = AspectPipeline(prior=aspect_prior(), contrast=CONTRAST)
    contrast.prior_, contrast.extractor_ = with_prior.prior_, plain.extractor_
    contrast.polarity_ = ClassicalPolarity(C=1.0, cleaner=contrast.cleaner, prior=contrast._prior_scorer())
    contrast.polarity_.fit(*aspect_items(train + contrastive_sentences(train, CONTRAST)))
    seconds_contrast = time.perf_counter() - start
    rows = [("classical", plain, seconds_plain), ("classical + prior", with_prior, seconds_prior),
            (f"classical + prior + contrast {CONTRAST}", contrast, seconds_contrast)]
    return rows + neural_rows(train, keyed, with_prior, contrast, seconds_plain, ema) if neural else rows


def ordered(rows: list[dict]) -> list[dict]:
    """Table order: by domain, own-domain rows before "both domains" ones, classical rows first, then
    in the order they were run."""
    return sorted(rows, key=lambda row: (list(FILES).index(row["domain"]), "both domains" in row["model"],
                                         not row["model"].startswith("classical")))


def _line(r: dict) -> str:
    return (f"| {r['domain']} | {r['model']} | {r['extraction_precision']:.3f} | {r['extraction_recall']:.3f} | "
            f"{r['extraction_f1']:.3f} | {r['polarity_accuracy']:.3f} | {r['polarity_macro_f1']:.3f} | "
            f"{_figure(r, 'mixed_polarity_accuracy')} | {r['end_to_end_f1']:.3f} | {_figure(r, 'category_f1')} | {_figure(r, 'category_polarity_accuracy')} | "
            f"{r['seconds']:.0f} |")


if __name__ == "__main__":
    main()
