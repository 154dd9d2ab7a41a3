"""Scoring a fitted pipeline on labelled texts: metrics, a text report and a confusion-matrix plot."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import DataError


def label_codes(pipeline, labels: Sequence) -> np.ndarray:
    """Map labels to the pipeline's class indices; labels may be given as values or as display names."""
    return codes_for(pipeline.classes_, pipeline.label_names_, labels)


def codes_for(classes: np.ndarray, names, labels: Sequence) -> np.ndarray:
    """Class indices of ``labels`` given the ``classes`` (values) and their display ``names``."""
    lookup = {str(c): i for i, c in enumerate(classes.tolist())}
    for i, name in enumerate(names or []):
        lookup.setdefault(str(name), i)
    unknown = sorted({str(y) for y in labels if str(y) not in lookup})
    if unknown:
        known = ", ".join(map(str, names or classes.tolist()))
        raise DataError(
            f"label(s) {', '.join(unknown[:10])} were not seen in training; the model knows: {known}. "
            "Check --label-column, or evaluate a model trained with these labels"
        )
    return np.array([lookup[str(y)] for y in labels], dtype=np.int64)


def evaluate(pipeline, texts: Sequence[str], labels: Sequence) -> dict:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix.

    Returns a JSON-able dict with at least ``accuracy``, ``macro_f1`` and ``n``.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    truth = label_codes(pipeline, labels)
    predicted = pipeline.predict_proba(texts).argmax(axis=1)
    indices = list(range(len(pipeline.label_names_)))
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=indices, zero_division=0)
    return {
        "n": int(len(truth)),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, labels=indices, average="macro", zero_division=0)),
        "per_class": {
            name: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for name, p, r, f, s in zip(pipeline.label_names_, precision, recall, f1, support)
        },
        "labels": list(pipeline.label_names_),
        "confusion_matrix": confusion_matrix(truth, predicted, labels=indices).tolist(),
    }


def format_report(report: dict) -> str:
    """A plain-text report: headline metrics, per-class table and confusion matrix."""
    names = report["labels"]
    width = max(12, *(len(n) for n in names))
    lines = [
        f"n          {report['n']}",
        f"accuracy   {report['accuracy']:.4f}",
        f"macro-F1   {report['macro_f1']:.4f}",
        "",
        f"{'class':<{width}}  precision  recall     f1  support",
    ]
    for name in names:
        row = report["per_class"][name]
        lines.append(
            f"{name:<{width}}  {row['precision']:9.4f}  {row['recall']:6.4f}  {row['f1']:.4f}  {row['support']:7d}"
        )
    lines += ["", "confusion matrix (rows: true, columns: predicted)"]
    cell = max(7, *(len(n) for n in names), *(len(str(v)) for row in report["confusion_matrix"] for v in row))
    lines.append(" " * width + "".join(f"{n:>{cell + 1}}" for n in names))
    for name, row in zip(names, report["confusion_matrix"]):
        lines.append(f"{name:<{width}}" + "".join(f"{v:>{cell + 1}}" for v in row))
    return "\n".join(lines)


def plot_confusion_matrix(report: dict, path: str | Path, title: str = "Confusion matrix") -> Path:
    """Save the confusion matrix (row-normalised colours, counts in the cells) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = np.asarray(report["confusion_matrix"], dtype=float)
    names = report["labels"]
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    size = 2.0 + 0.7 * len(names)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"{title}\naccuracy {report['accuracy']:.3f}, macro-F1 {report['macro_f1']:.3f}, n={report['n']}")
    for i in range(len(names)):
        for j in range(len(names)):
            ax.text(j, i, int(matrix[i, j]), ha="center", va="center", color="white" if rates[i, j] > 0.5 else "black")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of the true class")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
