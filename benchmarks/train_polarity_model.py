"""Train the default English polarity model shipped in models/polarity, and print its dev figures.

    python benchmarks/train_polarity_model.py [--out models/polarity] [--without-absa] [--set KEY=JSON ...]
        [--results NAME.md]

Training data, all mapped to negative / positive (neutral and mixed examples are left out):
- SST-2: every labelled phrase of the SST train trees (movie-review snippets),
- IMDB: 80% of the train split (long movie reviews; the other 20% is this script's dev part),
- GoEmotions train: Reddit comments whose emotions are all positive or all negative (GoEmotions'
  own sentiment grouping),
- CARER train: short "i feel ..." posts, joy/love -> positive, sadness/anger/fear -> negative,
- SemEval-2014 restaurant and laptop reviews: the sentences of the 85% train part of
  ``benchmarks/aspects.py``'s split whose aspects are all positive or all negative (product and
  restaurant text, which the others lack: "The battery died after a day").
Dev figures come from the parts held out of training: SST-2 dev, the IMDB 20%, GoEmotions dev, CARER
validation and the 15% SemEval dev part, mapped the same way; the table counts the dev texts that also
occur, word for word, among the training texts (duplicates within a dataset). It is written to
``results/polarity_model.md`` (the recipe), ``results/polarity_model_without_absa.md`` (``--without-absa``)
or ``results/polarity_model_<KEY>_<value>.md`` (``--set``), or to ``--results NAME.md``.

``--without-absa`` leaves the SemEval sentences out. The aspect benchmarks use such a model as their
polarity prior (:func:`aspect_prior`, cached in ``results/polarity-without-absa``, with the cleaning it
was first built with, ``PRIOR_OPTIONS``): a prior that has
seen the aspect models' own training sentences would score them better than unseen ones, and the
aspect models would learn to trust it too much. The calibration error is the expected calibration error of the
predicted class's probability (0 = a probability of 0.8 is right 80% of the time).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
import numpy as np  # noqa: E402

from sentiment import Pipeline  # noqa: E402
from sentiment.aspects.data import read_aspect_data, split_sentences  # noqa: E402
from sentiment.data import read_labelled  # noqa: E402
from sentiment.evaluation import evaluate  # noqa: E402
from sentiment.groupings import SENTIMENT, group_of  # noqa: E402

NAMES = {0: "negative", 1: "positive"}
CARER = {"joy": 1, "love": 1, "sadness": 0, "anger": 0, "fear": 0}
OPTIONS = {"vectorizer": "tfidf", "model": "nbsvm", "min_df": 2, "max_features": 200_000, "missing_apostrophes": True,
           "normalize_unicode": True}
# The aspect benchmarks' prior keeps the cleaning it was first built with (their figures come from it): the
# negation scope of the time, no missing_apostrophes and no normalize_unicode: cleaning options that came later.
PRIOR_OPTIONS = {**OPTIONS, "missing_apostrophes": False, "normalize_unicode": False, "negation_scope": 1}


def goemotions(split: str):
    texts, labels = read_labelled(datasets.ROOT / "goemotions" / f"{split}.csv", label_column="labels", separator=";")
    groups = group_of(SENTIMENT)
    keep_x, keep_y = [], []
    for text, names in zip(texts, labels):
        kinds = {groups[name] for name in names}
        if kinds in ({"positive"}, {"negative"}):
            keep_x.append(text)
            keep_y.append(int(kinds == {"positive"}))
    return keep_x, keep_y


def carer(split: str):
    texts, labels = read_labelled(datasets.ROOT / "carer_emotion" / f"{split}.csv")
    pairs = [(t, CARER[y]) for t, y in zip(texts, labels) if y in CARER]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def absa(part: str):
    """One-polarity sentences (all aspects positive or all negative) of the SemEval-2014 restaurant and
    laptop training files: ``part`` "train" (85%) or "dev" (15%), the split of ``benchmarks/aspects.py``."""
    keep_x, keep_y = [], []
    for name in ("restaurants_train.jsonl", "laptops_train.jsonl"):
        train, dev = split_sentences(read_aspect_data(datasets.ROOT / "semeval2014_absa" / name), 0.15, seed=0)
        for sentence in train if part == "train" else dev:
            polarities = {a["polarity"] for a in sentence["aspects"]}
            if polarities in ({"positive"}, {"negative"}):
                keep_x.append(sentence["text"])
                keep_y.append(int(polarities == {"positive"}))
    return keep_x, keep_y


def aspect_prior(path: Path = Path(__file__).resolve().parent / "results" / "polarity-without-absa") -> str:
    """The aspect benchmarks' polarity prior: this recipe without the SemEval sentences (built once, cached)."""
    if not (path / "config.json").is_file():
        print(f"training the aspect benchmarks' polarity prior (no SemEval sentences) into {path}", flush=True)
        build(str(path), with_absa=False, options=PRIOR_OPTIONS,
              recipe="aspect_prior() of benchmarks/train_polarity_model.py")
    return str(path)


def calibration_error(probabilities, truth, bins: int = 10) -> float:
    """Expected calibration error of the predicted class's probability (10 equal-width bins)."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    edges = np.linspace(0.5, 1.0, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high) if low > 0.5 else (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "models" / "polarity"))
    parser.add_argument("--without-absa", action="store_true", help="leave the SemEval sentences out")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON", type=datasets.key_json,
                        help="change one option of the recipe, e.g. --set missing_apostrophes=false (repeatable)")
    parser.add_argument("--results", metavar="NAME.md", help="the results file (default: named by the variant)")
    args = parser.parse_args()
    changes = {key: json.loads(value) for key, _, value in (pair.partition("=") for pair in args.set)}
    variant = "".join([*(f"_{key}_{str(value).lower()}" for key, value in changes.items()),
                       "_without_absa" if args.without_absa else ""])
    build(args.out, with_absa=not args.without_absa, options={**OPTIONS, **changes},
          recipe=" ".join(["python benchmarks/train_polarity_model.py", *(f"--set {pair}" for pair in args.set),
                           *(["--without-absa"] if args.without_absa else [])]) if changes else None,
          results=args.results or f"polarity_model{variant}.md")


# texts with a missing apostrophe, a hidden character or a product complaint without a sentiment word
EXAMPLES = ["I didnt enjoy this movie", "it isnt good", "It isn\u00b4t good", "ter\u200brible",
            "The battery died after a day.", "The screen cracked in a week"]


def build(out: str, with_absa: bool = True, options: dict = OPTIONS, recipe: str | None = None,
          results: str | None = None) -> None:
    """Train the model on the parts above, print its dev figures (also into ``results/<results>``), save it
    to ``out``."""
    sst_x, sst_y, sst_dev_x, sst_dev_y = datasets.load("sst2-phrases")
    imdb_x, imdb_y, imdb_dev_x, imdb_dev_y = datasets.load("imdb")
    parts = {
        "SST-2 phrases": (sst_x, sst_y),
        "IMDB (80%)": (imdb_x, imdb_y),
        "GoEmotions pos/neg": goemotions("train"),
        "CARER pos/neg": carer("train"),
        **({"SemEval-2014 pos/neg sentences (85%)": absa("train")} if with_absa else {}),
    }
    dev = {
        "SST-2 dev": (sst_dev_x, sst_dev_y),
        "IMDB held-out 20%": (imdb_dev_x, imdb_dev_y),
        "GoEmotions dev pos/neg": goemotions("dev"),
        "CARER validation pos/neg": carer("validation"),
        "SemEval-2014 dev pos/neg sentences (15%)": absa("dev"),
    }
    texts = [t for x, _ in parts.values() for t in x]
    labels = [NAMES[y] for _, ys in parts.values() for y in ys]  # named labels: predict() gives "positive"
    for name, (x, _) in parts.items():
        print(f"train: {name}: {len(x)} texts")
    options = dict(options)
    pipe = Pipeline(options.pop("vectorizer"), options.pop("model"), **options)
    pipe.fit(texts, labels, progress=True)
    metrics = {}
    seen = set(texts)
    lines = ["| dev set | n | accuracy | macro-F1 | calibration error | also in training |", "|---|---|---|---|---|---|"]
    for name, (x, y) in dev.items():
        report = evaluate(pipe, x, [NAMES[v] for v in y])
        ece = calibration_error(pipe.predict_proba(x), np.asarray(y))
        metrics[name] = {**{k: report[k] for k in ("n", "accuracy", "macro_f1")}, "calibration_error": ece}
        lines.append(f"| {name} | {report['n']} | {report['accuracy']:.4f} | {report['macro_f1']:.4f} | {ece:.4f} "
                     f"| {sum(text in seen for text in x)} |")
    extra = {
        "columns": {"text": "text", "label": "label"},
        "data": {"train": {name: len(x) for name, (x, _) in parts.items()},
                 "recipe": recipe or "python benchmarks/train_polarity_model.py" + ("" if with_absa else " --without-absa")},
        "metrics": {"dev": metrics},
    }
    pipe.save(out, extra=extra)
    print(f"\nvocabulary: {pipe.vectorizer_.n_features} n-grams; saved to {out}")
    print("\n".join(lines))
    print(json.dumps(metrics))
    examples = ["| text | label | score |", "|---|---|---|"] + [
        f"| {json.dumps(r['text'], ensure_ascii=True)} | {r['label']} | {r['scores'][r['label']]:.2f} |"
        for r in pipe.annotate(EXAMPLES)]
    print("\n".join(examples))
    if results:
        command = extra["data"]["recipe"]
        (Path(__file__).resolve().parent / "results" / results).write_text(
            f"`{command}` ({len(texts):,} training texts, {pipe.vectorizer_.n_features:,} n-grams):\n\n"
            + "\n".join(lines) + "\n\nSome texts the recipe's options are about:\n\n" + "\n".join(examples) + "\n",
            encoding="utf-8")


if __name__ == "__main__":
    main()
