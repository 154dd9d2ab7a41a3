"""Choosing the classical configuration without looking at the dev split: a check of the classical table.

    python benchmarks/selection.py [--datasets sst2,sst5,...] [--out benchmarks/results/selection.md]

The classical table (``classical.py``) marks the best of its grid by the dev figures themselves. Here
each dataset's grid (the same vectorizers x models, default cleaning) is trained on 90% of the training
split and scored on the other 10% (seed 0, stratified; for the phrase sets, a plain random 10% of the
training sentences, whose trees give no training phrases). The configuration best there (ties: the
higher macro-F1, then grid order) is trained on the whole training split and scored once on dev, and so
is the configuration the classical table marks best, both by this run's code. Only the choice among the
grid's rows is made without dev: the cleaning defaults and the grid itself were fixed earlier with the
dev figures in view. One carve is one draw: gaps of a point or so are within the dev split's sampling
error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from classical import grid  # noqa: E402

from sentiment.splits import train_dev_split  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def carve(name: str):
    """``(fit_x, fit_y, choose_x, choose_y)``: the training split less 10% (seed 0) to choose on."""
    if name.endswith("-phrases"):
        texts, labels, held = datasets.phrases_holding_out(name, 0.1)
        keep, choose = np.flatnonzero(~held), np.flatnonzero(held)
        return ([texts[i] for i in keep], [labels[i] for i in keep],
                [texts[i] for i in choose], [labels[i] for i in choose])
    train_x, train_y = datasets.load(name)[:2]
    return train_dev_split(train_x, train_y, fraction=0.1, seed=datasets.SEED)


def best_on_dev(name: str, table: Path) -> tuple[str, str] | None:
    """The configuration ``(vectorizer label, model)`` that ``classical.md`` marks best for ``name``."""
    for line in table.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 4 and cells[0] == name and cells[2].endswith("**best**"):
            return cells[1], cells[2].removesuffix("**best**").strip()
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(datasets.DATASETS), type=datasets.names_of(datasets.DATASETS))
    parser.add_argument("--out", help="where to write the table (default: results/selection.md, for a run of "
                                      "every dataset)")
    args = parser.parse_args()
    names = args.datasets.split(",")
    out = datasets.results_file(args.out, "selection.md", set(names) == set(datasets.DATASETS))

    def log(r):
        print(f"{r[0]:13s} {r[1]:24s} {r[2]:14s} acc={r[3]:.4f} f1={r[4]:.4f} ({r[5]:.1f}s)", flush=True)

    lines = ["| dataset | chosen on 10% of train | its accuracy there | its dev accuracy | best dev row of the "
             "classical table | its dev accuracy (this run) | difference |", "|---|---|---|---|---|---|---|"]
    for name in names:
        fit_x, fit_y, choose_x, choose_y = carve(name)
        rows: list = []
        grid(name, fit_x, fit_y, choose_x, choose_y, rows, log)
        chosen = max(rows[1:], key=lambda r: (r[3], r[4]))  # rows[0]: the bare baseline, no candidate
        best = best_on_dev(name, RESULTS / "classical.md")
        configs = {(chosen[1], chosen[2])} | ({best} if best else set())
        train_x, train_y, dev_x, dev_y = datasets.load(name)
        final: list = []
        grid(name, train_x, train_y, dev_x, dev_y, final, log, configs=configs)
        on_dev = {(r[1], r[2]): r[3] for r in final}
        picked = on_dev[(chosen[1], chosen[2])]
        shown = (f"| {best[0]} + {best[1]} | {on_dev[best]:.4f} | {picked - on_dev[best]:+.4f} |" if best
                 else "| | | |")
        lines.append(f"| {name} | {chosen[1]} + {chosen[2]} | {chosen[3]:.4f} | {picked:.4f} {shown}")
        if out:
            out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
