"""Does averaging a classical model's and the LSTM's probabilities help? Dev figures of each and of their ensemble.

    python benchmarks/ensemble.py [--datasets sst2,sst5,sst2-phrases,sst5-phrases] [--epochs 10]

Everything goes through the public API: ``Pipeline(...).fit`` and ``Ensemble([...])``. The LSTM reads
the Word2Vec vectors trained on movie-review text (see neural.py). On the sentence sets the classical
member is NB-SVM (the default pipeline) and the LSTM stops early on 10% of the training sentences. On
the phrase sets (every labelled SST phrase) the classical member is the best one of
``results/classical.md`` and the LSTM is neural.py's best phrase-set model (``PHRASE_LSTM``: started
from the lstm of IMDB review sentences, on SST-5 with its weights averaged, with CPU_PLAN's epoch cap), which stops early on the same
held-out 10% of the training sentences (``Pipeline.fit(dev=...)``) whose phrases it does not see; the
dev split is scored on sentences. A run replaces the rows of its datasets in ``results/ensemble.json``.

Besides the plain mean, a weighted mean whose weights are chosen without the dev split, by
``Ensemble.tune`` (``sentiment ensemble --tune``): the LSTM is fitted on the training texts less a held-out
10% (on the phrase sets, the sentences it stops on; on the sentence sets, a stratified 10% of the training
sentences, seed 0, on which it stops too), the classical member is fitted again on the same texts, and
the LSTM's share is the one of 0, 0.1, ..., 1 that scores best on the held-out texts (a tie: the share
nearest 0.5). The ensemble then joins the members fitted as above with that share. The LSTM chose its
epoch on those held-out texts, so they flatter it a little, and the share leans its way.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from classical import VECTORIZERS  # noqa: E402
from neural import CPU_PLAN, EXPERIMENTS, best_classical, imdb_sentence_lstm, movie_vectors  # noqa: E402

from sentiment import Ensemble, Pipeline  # noqa: E402
from sentiment.evaluation import evaluate  # noqa: E402
from sentiment.splits import train_dev_split  # noqa: E402

EPOCHS = 10  # LSTM epochs on the sentence sets, as results/ensemble.md was run
# neural.py's best phrase-set LSTM of each set, over its seeds (the weight average helped on SST-5, not on SST-2)
PHRASE_LSTM = {"sst2-phrases": "lstm-phrases-imdb", "sst5-phrases": "lstm-phrases-imdb-ema"}


def members(name: str, train_x: list, train_y: list, epochs: int) -> tuple[list[tuple[str, Pipeline]], float]:
    """The two members fitted on a dataset's training split, with their row labels, and the LSTM's share of
    the weighted mean, chosen on the held-out training texts (:func:`chosen_share`)."""
    if not name.endswith("-phrases"):
        keep_x, keep_y, held_x, held_y = train_dev_split(train_x, train_y, 0.1, datasets.SEED)
        nbsvm = Pipeline().fit(train_x, train_y)
        lstm = Pipeline("word2vec", "lstm", vectors_path=movie_vectors(), epochs=epochs).fit(
            keep_x, keep_y, dev=(held_x, held_y))
        share = chosen_share(Pipeline().fit(keep_x, keep_y), lstm, held_x, held_y)
        return [("nbsvm (default pipeline)", nbsvm), ("lstm, IMDB+SST word2vec", lstm)], share
    vec_label, model_name = best_classical()[name][:2]
    vec_name, vec_options = VECTORIZERS[vec_label]
    classical = Pipeline(vec_name, model_name, **vec_options).fit(train_x, train_y)
    _, _, lstm_name, lstm_options = EXPERIMENTS[PHRASE_LSTM[name]]
    lstm_options = {**lstm_options, "init_from": imdb_sentence_lstm()}
    train_x, train_y, held_out = datasets.phrases_holding_out(name)
    keep_x, keep_y = [x for x, h in zip(train_x, held_out) if not h], [y for y, h in zip(train_y, held_out) if not h]
    held_x, held_y = [x for x, h in zip(train_x, held_out) if h], [y for y, h in zip(train_y, held_out) if h]
    lstm = Pipeline("word2vec", lstm_name, vectors_path=movie_vectors(),
                    **{**lstm_options, "epochs": CPU_PLAN[name][1] or epochs}).fit(keep_x, keep_y, dev=(held_x, held_y))
    share = chosen_share(Pipeline(vec_name, model_name, **vec_options).fit(keep_x, keep_y), lstm, held_x, held_y)
    averaged = ", weights averaged" if lstm_options.get("ema_epochs") else ""
    return [(f"{vec_label} + {model_name} (best classical), phrases", classical),
            (f"lstm, IMDB+SST word2vec, started from the IMDB-sentence lstm{averaged}, phrases", lstm)], share


def chosen_share(classical: Pipeline, lstm: Pipeline, held_x: list, held_y: list) -> float:
    """The LSTM's share of the ensemble of ``classical`` and ``lstm`` that ``Ensemble.tune`` chooses on the
    held-out texts, neither member having learnt from them. Prints the held-out accuracy of each share."""
    shares = np.round(np.linspace(0, 1, 11), 1)
    scores = [evaluate(Ensemble([classical, lstm], weights=[1 - s, s]), held_x, held_y)["accuracy"] for s in shares]
    print("held-out accuracy by the LSTM's share: " + ", ".join(f"{s:g}: {a:.4f}" for s, a in zip(shares, scores)),
          flush=True)
    return Ensemble([classical, lstm]).tune(held_x, held_y).weights[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default="sst2,sst5,sst2-phrases,sst5-phrases", type=datasets.names_of(datasets.LOADABLE))
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="LSTM epochs on the sentence sets")
    parser.add_argument("--out", help="where to write the table (default: results/ensemble.md, its rows merged "
                                      "by dataset with earlier runs', unless --epochs differs)")
    args = parser.parse_args()
    out = datasets.results_file(args.out, "ensemble.md", args.epochs == EPOCHS)
    import torch

    torch.set_num_threads(1)
    rows: list[dict] = []
    for name in args.datasets.split(","):
        start = time.perf_counter()
        train_x, train_y, dev_x, dev_y = datasets.load(name)
        fitted, share = members(name, train_x, train_y, args.epochs)
        both = [model for _, model in fitted]
        fitted.append(("ensemble: mean of both", Ensemble(both)))
        fitted.append((f"ensemble: weighted mean, the LSTM's share {share:g} (chosen on held-out training texts)",
                       Ensemble(both, weights=[1 - share, share])))
        for label, model in fitted:
            report = evaluate(model, dev_x, dev_y)
            rows.append({"dataset": name, "model": label, "accuracy": report["accuracy"],
                         "macro_f1": report["macro_f1"]})
            print(f"{name} | {label} | {report['accuracy']:.4f} | {report['macro_f1']:.4f}", flush=True)
        print(f"({time.perf_counter() - start:.0f}s)", flush=True)
        if out:
            datasets.accumulate_table(rows, out, ("dataset",), table)
    print("\n" + (out.read_text() if out else table(rows)))


def table(rows: list[dict]) -> str:
    """The markdown table of ``rows``, in the order of :data:`datasets.DATASETS`."""
    lines = ["| dataset | model | dev accuracy | dev macro-F1 |", "|---|---|---|---|"]
    lines += [f"| {r['dataset']} | {r['model']} | {r['accuracy']:.4f} | {r['macro_f1']:.4f} |"
              for r in sorted(rows, key=lambda r: datasets.DATASETS.index(r["dataset"]))]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
