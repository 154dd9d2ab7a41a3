"""Do the words that `explain` names matter to the model? A deletion test on the SST-2 dev sentences.

    python benchmarks/explanations.py [--out FILE]

For each dev sentence and its predicted label, the k words that ``Pipeline.explain`` ranks as speaking most
for that label are left out together (a space in place of each, and of each of their copies, as ``explain``
leaves a word out), and the label's probability is predicted again; the same for k of the sentence's words
drawn at random (seed 0), with their copies. If
the explanation names the words the model relies on, leaving them out lowers the probability far more and
flips far more labels than leaving out as many random words ("comprehensiveness" in DeYoung et al. 2020,
ERASER). A sentence with fewer than k words that speak for its label loses only those. Models: the default
``Pipeline()`` and Word2Vec (trained on the training texts) + logistic regression, both fitted on SST-2
train. Times: the explain call's, per sentence, then for one long text of about 200, 1,000 and 3,000 words;
and the shipped aspect model's, for reviews joined from the SemEval-2014 restaurant dev sentences (15%,
seed 0, as ``benchmarks/aspects.py`` splits them), each aspect read by sentence (the default) or, for the
shortest, within the whole text.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

import sentiment  # noqa: E402
from sentiment import Pipeline  # noqa: E402
from sentiment.explanation import units, word_copies  # noqa: E402

KS = (1, 3)
LONG = (200, 1000, 3000)  # words (units) of the long texts timed


def without(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the character ``spans`` left out, a space in place of each (as ``explain`` leaves one out)."""
    out, start = [], 0
    for a, b in sorted(spans):
        out.append(text[start:a])
        start = b
    return " ".join(out + [text[start:]])


def long_text_seconds(pipe: Pipeline, sentences: list[str], sizes=LONG) -> list[tuple[int, float]]:
    """Seconds to explain one text of each size (in units), made of dev sentences joined."""
    out = []
    for size in sizes:
        words, text = 0, []
        for sentence in sentences * 10:
            if words >= size:
                break
            text.append(sentence)
            words += len(units(sentence))
        start = time.perf_counter()
        pipe.explain([" ".join(text)])
        out.append((len(units(" ".join(text))), time.perf_counter() - start))
    return out


def aspect_seconds(sizes=LONG) -> list[tuple[str, int, int, float]]:
    """``(reading, words, aspects, seconds)`` of explaining one review of each size (in units) with the shipped
    aspect model: by sentence for every size, within the whole text for the first."""
    from sentiment.aspects import read_aspect_data, split_sentences
    from sentiment.explanation import add_aspect_words

    model = sentiment.load(task="aspect")
    dev = split_sentences(read_aspect_data(datasets.ROOT / "semeval2014_absa" / "restaurants_train.jsonl"),
                          0.15, seed=0)[1]
    sentences = [s["text"] for s in dev]
    out = []
    for size in sizes:
        text, words = [], 0
        for sentence in sentences * 10:
            if words >= size:
                break
            text.append(sentence)
            words += len(units(sentence))
        review = " ".join(text)
        for by_sentence in (True, False) if size == sizes[0] else (True,):
            found = model.predict_aspects([review], by_sentence=by_sentence)
            start = time.perf_counter()
            add_aspect_words(model, [review], found, by_sentence=by_sentence)
            out.append(("by sentence" if by_sentence else "whole text", len(units(review)), len(found[0]),
                        time.perf_counter() - start))
    return out


def deletion_rows(name: str, pipe: Pipeline, texts: list[str]) -> list[dict]:
    start = time.perf_counter()
    explained = pipe.explain(texts, top=None)
    seconds = (time.perf_counter() - start) / len(texts)
    before = pipe.predict_proba(texts)
    columns = before.argmax(axis=1)
    rng = random.Random(0)
    rows = []
    for k in KS:
        top, drawn = [], []
        for text, result in zip(texts, explained):
            words = word_copies(text, units(text))
            copies = {spans[0]: spans for spans in words}  # a word's copies by its first
            supporting = [copies[(w["from"], w["to"])] for w in result["words"] if w["weight"] > 0][:k]
            top.append(without(text, [span for spans in supporting for span in spans]))
            drawn.append(without(text, [span for spans in rng.sample(words, min(k, len(words))) for span in spans]))
        rows.append({"model": name, "k": k, "seconds": seconds,
                     **_changes("top", before, columns, scored(pipe, top)),
                     **_changes("random", before, columns, scored(pipe, drawn))})
    return rows


def scored(pipe: Pipeline, texts: list[str]) -> np.ndarray:
    """Class probabilities of ``texts``, some of which may be empty (a one-word sentence without its word):
    scored as a text without evidence, as ``explain`` scores them (``predict_proba`` refuses empty texts)."""
    return pipe._evidence(texts)[0]


def _changes(kind: str, before: np.ndarray, columns: np.ndarray, after: np.ndarray) -> dict:
    rows = np.arange(len(columns))
    return {f"{kind}_drop": float(np.mean(before[rows, columns] - after[rows, columns])),
            f"{kind}_flips": float(np.mean(after.argmax(axis=1) != columns))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="where to write the table (default: benchmarks/results/explanations.md)")
    args = parser.parse_args()
    train_x, train_y, dev_x, _ = datasets.load("sst2")
    rows, long = [], []
    for name, pipe in (("default Pipeline()", Pipeline()),
                       ("word2vec + logreg", Pipeline("word2vec", "logreg"))):
        pipe.fit(train_x, train_y)
        name = f"{name}: {pipe.vectorizer_name} + {pipe.model}" if "default" in name else name
        rows += deletion_rows(name, pipe, dev_x)
        long += [(name, size, seconds) for size, seconds in long_text_seconds(pipe, dev_x)]
        print(f"{name} done", file=sys.stderr)
    mean_words = np.mean([len(units(text)) for text in dev_x])
    lines = [f"SST-2 dev, {len(dev_x)} sentences ({mean_words:.1f} words and punctuation runs on average); "
             "mean fall of the predicted label's probability, and the share of labels that flip, when k words "
             "are left out:", "",
             "| model | k | fall, the k words explain names | fall, k random words | flips, named | flips, random "
             "| ms per sentence (explain) |", "|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['model']} | {row['k']} | {row['top_drop']:.3f} | {row['random_drop']:.3f} "
                     f"| {row['top_flips']:.3f} | {row['random_flips']:.3f} | {1000 * row['seconds']:.1f} |")
    lines += ["", "Seconds to explain one long text (dev sentences joined), which grow with the square of its length:",
              "", "| model | words | seconds |", "|---|---|---|"]
    lines += [f"| {name} | {size:,} | {seconds:.2f} |" for name, size, seconds in long]
    lines += ["", "Seconds to explain every aspect of one review with the shipped aspect model (the words around each "
              "aspect, weighed as above):", "", "| reading | words | aspects | seconds |", "|---|---|---|---|"]
    lines += [f"| {reading} | {size:,} | {n} | {seconds:.2f} |" for reading, size, n, seconds in aspect_seconds()]
    table = "\n".join(lines)
    print(table)
    datasets.results_file(args.out, "explanations.md", complete=True).write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
