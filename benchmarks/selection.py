"""Choosing the classical configuration without looking at the dev split: a check of the classical table.

    python benchmarks/selection.py [--datasets sst2,sst5,...] [--out benchmarks/results/selection.md]

The classical table (``classical.py``) marks the best of its grid by the dev figures themselves, so that
row is a little optimistic. Here each dataset's grid (the same vectorizers x models, default cleaning) is
trained on 90% of the training split and scored on the other 10% (seed 0; for the phrase sets, 10% of
the training sentences, whose trees give no training phrases). The configuration best there is then
trained on the whole training split and scored once on dev, next to the best dev row of the classical
table. The gap says how much choosing on dev flattered the headline figures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from classical import grid  # noqa: E402

from sentiment.data import train_dev_split  # noqa: E402

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


def best_on_dev(name: str, table: Path) -> tuple[str, float] | None:
    """The row of ``classical.md`` marked best for ``name``: ``("vectorizer + model", dev accuracy)``."""
    for line in table.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 4 and cells[0] == name and cells[2].endswith("**best**"):
            return f"{cells[1]} + {cells[2].removesuffix('**best**').strip()}", float(cells[3])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(datasets.DATASETS))
    parser.add_argument("--out", default=str(RESULTS / "selection.md"))
    args = parser.parse_args()

    def log(r):
        print(f"{r[0]:13s} {r[1]:24s} {r[2]:14s} acc={r[3]:.4f} f1={r[4]:.4f} ({r[5]:.1f}s)", flush=True)

    lines = ["| dataset | chosen on 10% of train | its accuracy there | its dev accuracy | best dev row of the "
             "classical table | its dev accuracy | difference |", "|---|---|---|---|---|---|---|"]
    for name in args.datasets.split(","):
        fit_x, fit_y, choose_x, choose_y = carve(name)
        rows: list = []
        grid(name, fit_x, fit_y, choose_x, choose_y, rows, log)
        chosen = max(rows[1:], key=lambda r: r[3])  # rows[0]: the bare baseline, no candidate
        train_x, train_y, dev_x, dev_y = datasets.load(name)
        final: list = []
        grid(name, train_x, train_y, dev_x, dev_y, final, log, configs={(chosen[1], chosen[2])})
        best = best_on_dev(name, RESULTS / "classical.md")
        shown = f"| {best[0]} | {best[1]:.4f} | {final[0][3] - best[1]:+.4f} |" if best else "| | | |"
        lines.append(f"| {name} | {chosen[1]} + {chosen[2]} | {chosen[3]:.4f} | {final[0][3]:.4f} {shown}")
        Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
