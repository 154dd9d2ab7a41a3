"""Several labels per text: per-label F1, decision thresholds tuned per label, and the decisions.

A multi-label model gives one independent probability per label; a label is predicted when its
probability reaches the label's threshold. Each threshold is the point of :data:`THRESHOLD_GRID`
that maximises the label's F1 on held-out data (ties go to the threshold nearest 0.5), so a rare
label gets a lower threshold than 0.5 when that finds more of it without too many false alarms. A label
with fewer than :data:`MIN_POSITIVES` examples in the held-out data keeps the default: one or two
examples cannot tell a threshold from chance, and the best F1 on one example is often the lowest
threshold, which gives the label to nearly every text.

>>> truth = np.array([[1, 0]] * 5 + [[0, 1], [0, 0], [0, 0]])
>>> probabilities = np.array([[0.3, 0.1], [0.35, 0.2], [0.25, 0.1], [0.4, 0.1], [0.3, 0.1],
...                           [0.1, 0.3], [0.05, 0.2], [0.1, 0.1]])
>>> tune_thresholds(truth, probabilities).tolist()  # the second label: one example, the default
[0.25, 0.5]
"""

from __future__ import annotations

import numpy as np

THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)
DEFAULT_THRESHOLD = 0.5
MIN_POSITIVES = 5  # examples of a label in the held-out data below which its threshold is not tuned


def label_counts(truth: np.ndarray, predicted: np.ndarray,
                 weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives and false negatives per label (columns) of two 0/1 matrices; with
    ``weights``, each row counts its weight."""
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    if weights is None:
        return (truth & predicted).sum(axis=0), (~truth & predicted).sum(axis=0), (truth & ~predicted).sum(axis=0)
    w = np.asarray(weights, dtype=np.float64)
    return w @ (truth & predicted), w @ (~truth & predicted), w @ (truth & ~predicted)


def label_f1(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """F1 of every label; a label never true nor predicted scores 0, as in scikit-learn (zero_division=0)."""
    return f1_of_counts(*label_counts(truth, predicted))


def f1_of_counts(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """F1 per label (or class) from its true positives, false positives and false negatives (0 without any)."""
    return np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(len(tp)), where=(2 * tp + fp + fn) > 0)


def macro_f1(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, int]:
    """Macro-F1 of 0/1 label matrices (``weights``: one per row) and how many labels it averages (see
    :func:`present_mean`)."""
    tp, fp, fn = label_counts(truth, predicted, weights)
    return present_mean(f1_of_counts(tp, fp, fn), (tp + fp + fn) > 0)


def present_mean(f1: np.ndarray, present: np.ndarray) -> tuple[float, int]:
    """The macro mean of per-label (or per-class) ``f1`` over the labels marked ``present`` (true or predicted
    for some text), and how many those are: a label absent from both (a rare label missing from a small test
    set) is left out of the mean rather than counted as 0. (scikit-learn's f1_score leaves such a class out
    with one label per text, and counts it as 0 with label matrices.)"""
    return (float(f1[present].mean()) if present.any() else 0.0), int(present.sum())


def tune_thresholds(truth: np.ndarray, probabilities: np.ndarray, grid: np.ndarray = THRESHOLD_GRID,
                    default: float | np.ndarray = DEFAULT_THRESHOLD) -> np.ndarray:
    """Per label, the threshold of ``grid`` with the best F1 on ``truth``; ``default`` (one value, or one per
    label) for a label with fewer than :data:`MIN_POSITIVES` examples."""
    ordered = grid[np.argsort(np.abs(grid - DEFAULT_THRESHOLD), kind="stable")]  # ties: nearest 0.5 wins
    scores = np.stack([label_f1(truth, probabilities >= t) for t in ordered])
    thresholds = ordered[scores.argmax(axis=0)]
    return np.where(truth.sum(axis=0) >= MIN_POSITIVES, thresholds, default)


def checked_thresholds(thresholds, n_labels: int | None = None, what: str = "threshold") -> np.ndarray:
    """``thresholds`` as an array: one number in [0, 1] per label (``n_labels``; None: not known yet); else a
    ConfigError (``what`` names them, e.g. "thresholds_")."""
    from .errors import ConfigError

    try:
        values = np.asarray(thresholds, dtype=np.float64)
    except (TypeError, ValueError):
        values = np.zeros((0, 0))
    if values.ndim != 1 or n_labels is not None and len(values) != n_labels or not np.all((values >= 0) & (values <= 1)):
        given = ("no list of numbers" if values.ndim != 1 else f"{len(values)} numbers"
                 if n_labels is not None and len(values) != n_labels else "a number outside [0, 1]")
        raise ConfigError(f"give one {what} in [0, 1] per label{f' ({n_labels})' if n_labels is not None else ''}"
                          + (f"; {what} holds {given}" if what != "threshold" else ""))
    return values


def decide(probabilities: np.ndarray, thresholds: np.ndarray, top_if_none: bool = False) -> np.ndarray:
    """The 0/1 decisions: each label whose probability reaches its threshold (with ``top_if_none``, the
    most probable label of a text where none does); thresholds that are not one number in [0, 1] per
    label (``thresholds_`` set by hand) are a ConfigError."""
    chosen = probabilities >= checked_thresholds(thresholds, probabilities.shape[1], "thresholds_")
    if top_if_none:
        empty = ~chosen.any(axis=1)
        chosen[empty, probabilities[empty].argmax(axis=1)] = True
    return chosen


def chosen_labels(probabilities: np.ndarray, chosen: np.ndarray) -> list[list[int]]:
    """Per row, the indices of the ``chosen`` labels, the most probable first."""
    order = np.argsort(-probabilities, axis=1, kind="stable")
    return [[int(j) for j in row_order if row_chosen[j]] for row_order, row_chosen in zip(order, chosen)]
