"""Seeded train / dev splits that keep every label the dev part is scored on in the training part."""

from __future__ import annotations

import numpy as np

from .checks import check_fraction, check_not_one_per_text, is_multi_label
from .errors import DataError


def weighted_split(texts: list[str], labels: list, weights: np.ndarray | None, fraction: float, seed: int = 0,
                   part: str = "dev", **names: str) -> tuple[list[str], list, np.ndarray | None, list[str], list]:
    """:func:`train_dev_split` with the texts' ``weights`` (or None) taken along: ``(train_texts, train_labels,
    train_weights, dev_texts, dev_labels)``. ``names``: as train_dev_split's ``fraction_name`` and ``dev_name``."""
    rows, train_labels, dev_rows, dev_labels = train_dev_split(list(range(len(texts))), labels, fraction, seed, part,
                                                               weights=weights, **names)
    return ([texts[i] for i in rows], train_labels, None if weights is None else weights[rows],
            [texts[i] for i in dev_rows], dev_labels)


def train_dev_split(texts: list[str], labels: list, fraction: float = 0.1, seed: int = 0, part: str = "dev",
                    weights: np.ndarray | None = None, *, fraction_name: str | None = None,
                    dev_name: str = "dev data"):
    """Split off a dev part (seeded): ``(train_texts, train_labels, dev_texts, dev_labels)``.

    With one label per text the split is stratified by label, unless a label has a single text or the
    dev part is too small to hold every label: then (and with several labels per text) it is a plain
    random split. A dev row whose label the training
    part lacks goes back to the training part, so the model knows every label it is scored on, and so does,
    with several labels per text, a dev row without a label that every training row has (there is then
    something to learn about it). ``part`` names the split in errors (``"dev"``, ``"tune"``), and their advice
    names the fraction ``fraction_name`` (by default "dev fraction", "tune fraction") and the way round it
    ``dev_name`` (the command line passes ``"--dev-fraction"`` and ``"--dev FILE"``). With ``weights``
    (one per text, e.g. sample weights), a training row of weight 0 does not count as having its label
    (:func:`weighted_split` takes the weights along).
    """
    from sklearn.model_selection import train_test_split

    fraction_name = fraction_name or f"{part} fraction"
    check_fraction(fraction, fraction_name, error=DataError)  # as it always raised
    stratify = None  # several labels per text: a plain random split
    if not is_multi_label(labels):
        classes, counts = np.unique(np.asarray(labels), return_counts=True)
        check_not_one_per_text(classes, len(labels))  # no fraction would help: say what would
        kept = len(labels) - int(np.ceil(fraction * len(labels)))  # scikit-learn rounds the held-out part up
        if 0 < kept < len(counts):  # the dev rows of the labels it lacks would go back: a dev part of another size
            raise DataError(f"a {part} fraction of {fraction:g} leaves {kept} of the {len(labels)} texts to train on, "
                            f"fewer than their {len(counts)} labels; give a smaller {fraction_name}, or pass "
                            f"{dev_name}")
        if counts.min() >= 2:
            stratify = labels
    positions = list(range(len(labels)))  # split along, for the weights
    try:
        try:
            train_x, dev_x, train_y, dev_y, train_at, dev_at = train_test_split(
                texts, labels, positions, test_size=fraction, random_state=seed, stratify=stratify
            )
        except ValueError:
            if stratify is None:
                raise
            # too few dev rows to hold every class: a plain random split (a row the training part lacks goes back below)
            train_x, dev_x, train_y, dev_y, train_at, dev_at = train_test_split(texts, labels, positions,
                                                                                test_size=fraction, random_state=seed)
    except ValueError:
        raise DataError(f"cannot split off a {part} set: {fraction:g} of {len(texts)} texts leaves no text on one side; "
                        f"give more data, another {fraction_name}, or pass {dev_name}") from None
    train_x, train_y, dev_x, dev_y = list(train_x), list(train_y), list(dev_x), list(dev_y)
    multi = is_multi_label(labels)
    known = {y for ys in train_y for y in ys} if multi else set(train_y)
    unseen = [i for i, y in enumerate(dev_y) if not known.issuperset(y if multi else (y,))]
    if weights is not None:  # a label whose training rows all weigh 0 gets back the dev rows that weigh something
        weighted = [y for y, at in zip(train_y, train_at) if weights[at] > 0]
        learnt = {y for ys in weighted for y in ys} if multi else set(weighted)
        unseen = sorted(set(unseen) | {i for i, (y, at) in enumerate(zip(dev_y, dev_at))
                                       if weights[at] > 0 and not learnt.issuperset(y if multi else (y,))})
    if multi:  # a label on every training text (and not on every text) gets back a text without it
        on_every = set.intersection(*(set(ys) for ys in train_y + [dev_y[i] for i in unseen])) if train_y else set()
        for label in on_every:
            without = next((i for i, ys in enumerate(dev_y) if label not in ys), None)
            if without is not None:
                unseen.append(without)
        unseen = sorted(set(unseen))
    if unseen:  # rows whose label the training part lacks go back to it
        moved = set(unseen)
        train_x += [dev_x[i] for i in unseen]
        train_y += [dev_y[i] for i in unseen]
        dev_x = [x for i, x in enumerate(dev_x) if i not in moved]
        dev_y = [y for i, y in enumerate(dev_y) if i not in moved]
        if not dev_x:
            raise DataError(f"cannot split off a {part} set: every {part} text is needed in training (it has a label "
                            "seen nowhere else, or lacks one that every other text has); give more data or pass "
                            f"{dev_name}")
    return train_x, train_y, dev_x, dev_y


def dev_overlap_notes(texts: list[str], dev_texts: list[str], split: bool, unit: str = "text") -> list[str]:
    """A note when dev texts also occur among the training texts (duplicated rows; ``split``: the dev texts
    were held out of the training file): the dev figures are then figures partly on training data. ``unit``
    names a text in the note ("sentence" for aspect data, whose files are no tables)."""
    seen = set(texts)
    repeated = sum(text in seen for text in dev_texts)
    if not repeated:
        return []
    if unit == "text":
        advice = ("drop the duplicates (pandas: df.drop_duplicates('text'))" if split else
                  "drop them from one of the files (pandas: train[~train.text.isin(dev.text)])")
        duplicated = "duplicated rows"
    else:
        advice = "leave the repeated ones out of the data" if split else "leave them out of one of the files"
        duplicated = f"repeated {unit}s"
    return [f"note: {repeated} of the {len(dev_texts)} dev {unit}s also occur among the training {unit}s ({duplicated}), "
            f"so the dev figures are optimistic; {advice}"]


FEW_TO_STOP_ON = 10  # held-out texts below which early stopping's choice of epoch is said to be chance


def held_none_advice(n: int, held: int, option: str) -> str:
    """What to give where holding out ``held`` of ``n`` texts (the share that ``option`` sets, as the split
    rounds it) held out none: more texts where there are too few to split at all, fewer to hold out where
    every text would be, more where none would, and more texts of each class where the ones held out went
    back to training (which needs them to learn every class, or, with several labels per text, what a
    text without a label looks like)."""
    if n < 2:
        return "more texts"
    if held >= n:
        return f"more texts or a smaller {option}"
    if held == 0:
        return f"more texts or a larger {option}"
    return "more texts of each class (the texts held out went back to training, which needs them to learn every class)"
