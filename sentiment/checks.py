"""Checks of what users give the estimators: texts, labels (one or several per text), sample weights, and
the shares of data held out. Each refuses bad input with a DataError (a ConfigError for a bad setting) that
says what to do."""

from __future__ import annotations

import contextlib
import math
import os
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import ConfigError, DataError, counted, with_article

LABEL_SETS = (list, tuple, set, frozenset)  # the labels of one text, when a text can have several


def check_texts(texts: Sequence[str], what: str = "text", empty: bool = False) -> list[str]:
    """Return ``texts`` as a list of strings, or raise a DataError that names the bad one (as ``what``, e.g.
    "dev text", and its position; for a pandas Series also its index label where that differs). An empty
    string is a text without words, as one that cleans to nothing ("<br />") is: its vector is all zeros (scikit-learn's vectorizers do the same). No texts at all are
    refused unless ``empty`` (a transformer's empty batch: no rows)."""
    if texts is None:
        raise DataError("texts must be a list of strings, not None")
    if isinstance(texts, str):
        raise DataError("pass a list of texts, not a single string: e.g. [\"some text\"]")
    if isinstance(texts, bytes):
        raise DataError("pass a list of texts, not bytes: decode them and wrap them, e.g. [data.decode(\"utf-8\")]")
    if hasattr(texts, "columns"):  # iterating a DataFrame gives its column names
        raise DataError("pass one column of texts (e.g. df[\"text\"]), not a DataFrame")
    if isinstance(texts, (Mapping, set, frozenset)):  # keys only / no order to match labels or outputs to
        raise DataError(f"texts must be a list of strings, not {with_article(type(texts).__name__)}"
                        + ("; pass its values (list(d.values()))" if isinstance(texts, Mapping) else ""))
    if getattr(texts, "ndim", 1) != 1:
        raise DataError(f"texts must be one-dimensional (one string per text), not an array of shape {texts.shape}; "
                        + ("pass the column flattened (texts.ravel())" if _is_column(texts) else "pass one column of texts"))
    index = texts.index if hasattr(texts, "iloc") else None  # a pandas Series: its rows' labels, said in errors
    try:
        texts = list(texts)
    except TypeError:
        raise DataError(f"texts must be a list of strings, not {with_article(type(texts).__name__)}") from None
    if not texts and not empty:
        raise DataError(f"no {what}s given; pass at least one {what}")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            label = None if index is None else index[i].item() if isinstance(index[i], np.generic) else index[i]
            where = f"{what} {i}" if index is None or label == i else f"{what} {i} (index {label!r})"
            if is_na(text):
                raise DataError(f"{where} is missing (None/NaN); drop or fill the missing texts")
            raise DataError(f"{where} is not a string (its type: {type(text).__name__}); pass texts as strings")
    return texts


def check_training_texts(texts: Sequence[str]) -> list[str]:
    """:func:`check_texts` for training, which also needs a text with something in it."""
    texts = check_texts(texts)
    if not any(text.strip() for text in texts):
        which = "the only training text is" if len(texts) == 1 else f"all {len(texts)} training texts are"
        raise DataError(f"{which} empty or only whitespace; train on texts with words in them")
    return texts


WEIGHT_RANGE = (1e-6, 1e6)  # weights beyond it overflow (naive Bayes) or stall the solvers (logistic regression)


WEIGHTS_ARE = (f"weights must be 0 or from {WEIGHT_RANGE[0]:g} to {WEIGHT_RANGE[1]:g} (rescale them: their ratios are "
               "what weighs)")


def outside_weight_range(values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are no weight: not finite, below 0, or outside :data:`WEIGHT_RANGE` (0 is a weight)."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(values) | ((values != 0) & ((values < WEIGHT_RANGE[0]) | (values > WEIGHT_RANGE[1])))


def check_sample_weight(weights, n_texts: int, scoring: bool = False) -> np.ndarray:
    """``weights`` (one per text, as ``fit`` and with ``scoring`` ``score`` take them) as float64, or a DataError."""
    if isinstance(weights, (str, bytes, dict)) or np.ndim(weights) != 1:
        raise DataError(f"sample_weight must be one number per text (a list or 1-D array), not {short_repr(weights)}")
    given = np.asarray(weights)
    try:
        values = None if np.iscomplexobj(given) else given.astype(np.float64)  # complex: numpy keeps the real part
    except (TypeError, ValueError):
        values = None
    if values is None:
        raise DataError(f"sample_weight must hold numbers, not {short_repr(list(weights))}")
    if len(values) != n_texts:
        raise DataError(f"got {counted(n_texts, 'text')} but {counted(len(values), 'sample weight')}; give one weight per text")
    bad = np.flatnonzero(outside_weight_range(values))
    if len(bad):
        raise DataError(f"sample_weight {bad[0]} is {float(values[bad[0]])!r}; {WEIGHTS_ARE}")
    if not values.sum() > 0:
        raise DataError(f"every sample_weight is 0, so nothing would be {'scored' if scoring else 'learnt'}; give some "
                        "texts a positive weight")
    return values


def path_of(path: Any, what: str, error: type[Exception] = ConfigError) -> Path:
    """``path`` as a Path; an ``error`` naming ``what`` it should be for what is no path (None, a number, bytes)."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise error(f"give {what} as a path (a str or pathlib.Path), not {type(path).__name__}")
    return Path(path)


def label_list(labels: Any) -> list:
    """``labels`` as a list, one entry per text; a DataError for what cannot be one label per text."""
    if isinstance(labels, (str, bytes)):
        raise DataError("labels must be a list with one label per text, not a single string")
    if hasattr(labels, "columns"):  # iterating a DataFrame gives its column names
        raise DataError("pass one column of labels (e.g. df[\"label\"]), not a DataFrame")
    if labels is None or isinstance(labels, dict) or not hasattr(labels, "__iter__"):
        raise DataError(f"labels must be a list with one label (or one list of labels) per text, "
                        f"not {type(labels).__name__}")
    if _is_column(labels):  # (n, 1), as scikit-learn's column_or_1d takes it: one label per text, not a 0/1 matrix
        raise DataError(f"labels must be one-dimensional (one per text), not an array of shape {labels.shape}; pass "
                        "the column flattened (labels.ravel())")
    if getattr(labels, "ndim", 1) != 1:
        raise DataError(f"labels must be one-dimensional (one per text), not an array of shape {labels.shape}; "
                        "for several labels per text give one list of labels per text (from a 0/1 matrix: "
                        "sklearn.preprocessing.MultiLabelBinarizer.inverse_transform)")
    values = list(labels)
    for i, value in enumerate(values):
        if getattr(value, "ndim", 0):  # rows of a 2-D array given as a list
            raise DataError(f"label {i} is {with_article(type(value).__name__)}; give one label, or one list of labels, per text "
                            "(a row of a 0/1 matrix is neither; convert arrays of labels with .tolist())")
    return values


def _is_column(values: Any) -> bool:
    """Whether ``values`` is an array of one column, shape ``(n, 1)`` (``df[["text"]].to_numpy()``, ``y.reshape(-1,
    1)``): one value per text, given two-dimensional."""
    return getattr(values, "ndim", 1) == 2 and values.shape[1] == 1


def label_array(labels: Sequence) -> np.ndarray:
    """``labels`` as an array, whole numbers kept whole: numpy reads ``[-1, 2**63 + 1]`` as floats, which merge
    labels beyond 2**53 (2**63 + 1 and 2**63 + 2 are one float); those come back as uint64, or Python's ints."""
    values = np.asarray(labels)
    if values.dtype.kind in "fO" and len(values) and all(
            isinstance(label, (int, np.integer)) and not isinstance(label, bool) for label in labels):
        whole_numbers = [int(label) for label in labels]  # numpy's own too ([np.int64(-1), np.uint64(2**63)])
        for whole in (np.int64, np.uint64):
            with contextlib.suppress(OverflowError):
                return np.array(whole_numbers, dtype=whole)
        return np.array(whole_numbers, dtype=object)
    return values


def check_labels(labels: Sequence, n_texts: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(codes, classes)``: integer codes 0..k-1 and the sorted distinct labels."""
    values = label_list(labels)
    if len(values) != n_texts:
        raise DataError(f"got {counted(n_texts, 'text')} but {counted(len(values), 'label')}; give one label per text")
    check_labels_present(values, several=False)
    _check_one_type(values)
    _check_not_continuous(values)
    classes, codes = np.unique(label_array(values), return_inverse=True)
    _check_two_classes(classes)
    check_not_one_per_text(classes, len(values))
    return codes.astype(np.int64), classes


def _check_not_continuous(values: list) -> None:
    """A DataError for numbers that are not whole (0.37): a continuous target, which a classifier would
    take as that many classes (scikit-learn refuses them too); 1.0, 2.0 are classes."""
    fraction = next((v for v in values if isinstance(v, (float, np.floating)) and not float(v).is_integer()), None)
    if fraction is not None:
        raise DataError(f"the labels are numbers that are not whole (e.g. {float(fraction)!r}): a classifier learns classes, "
                        "not a continuous score; bin them (e.g. round a rating), or give them as strings to keep "
                        "each value as a class")


def _check_two_classes(classes: np.ndarray) -> None:
    if len(classes) < 2:
        raise DataError(f"all labels are {classes.tolist()[0]!r}; training needs at least two different labels")


_FEW_TEXTS = 10  # below this many texts a label per text may be a small example, not a wrong column


def check_not_one_per_text(classes: np.ndarray, n_texts: int) -> None:
    """A DataError when every text has a label of its own: a column of ids or of texts taken for the labels,
    from which no classifier learns anything (a dev part carved from it cannot hold its labels either)."""
    if n_texts >= _FEW_TEXTS and len(classes) == n_texts:
        shown = ", ".join(short_repr(c) for c in classes.tolist()[:3])
        raise DataError(f"every one of the {n_texts} texts has a label of its own ({shown}, ...): these look like "
                        "ids or texts, not labels; give the labels (sentiment fit: name their column with --label-column)")


# How a missing value reads once written as text (pandas' astype(str), R, SQL exports): a class of that name is
# seldom meant
MISSING_SPELLINGS = frozenset({"nan", "none", "null", "na", "n/a", "<na>", "nat"})


def label_spelling_note(classes) -> str | None:
    """What to say of labels that differ only in capitalisation or in spaces around them ("Positive",
    "positive ", "positive"), or that spell a missing value ("nan", "NULL", "NA"), or None: they are classes
    of their own, which is seldom what was meant."""
    names = sorted(str(v) for v in classes if isinstance(v, str))  # str: numpy's str_ reprs as np.str_('…')
    missing = [name for name in names if name.strip().casefold() in MISSING_SPELLINGS]
    said = (f"label(s) {', '.join(map(repr, missing))} look like missing values written as text, and are "
            "learnt as a class; drop those rows or label them, unless it is a class") if missing else None
    spellings: dict[str, list[str]] = {}
    for value in names:
        spellings.setdefault(value.strip().casefold(), []).append(value)
    alike = [names for names in spellings.values() if len(names) > 1]
    if not alike:
        return said
    cases = [names for names in alike if len({name.strip() for name in names}) > 1]
    spaces = [names for names in alike if any(name != name.strip() for name in names)]
    how = " or ".join(what for what, found in (("capitalisation", cases), ("spaces around them", spaces)) if found)
    shown = "; ".join(" / ".join(repr(name) if name != name.strip() else name for name in names) for names in alike[:3])
    spelt = (f"some labels differ only in {how} ({shown}) and are different classes; write each label one way if "
             "they mean the same")
    return spelt if said is None else f"{said}; and {spelt}"


def is_multi_label(labels: Sequence, what: str = "label") -> bool:
    """Whether ``labels`` give several labels per text: every label is a list, tuple or set of labels (a
    DataError for a mix; ``what`` names the labels in it, e.g. "dev label")."""
    if isinstance(labels, (str, bytes)):
        return False
    labels = list(labels)
    sets = [isinstance(value, LABEL_SETS) for value in labels]
    if any(sets) and not all(sets):
        first = labels[sets.index(False)]
        if is_na(first):
            raise DataError(f"{what} {sets.index(False)} is missing (None/NaN); drop that text or give it a list of "
                            "labels (GoEmotions gives ['neutral'])")
        raise DataError(
            f"{what} {sets.index(False)} is a single label but others are lists; give every text a list of labels "
            "(several labels per text) or every text one label"
        )
    return bool(sets) and all(sets)


def label_sets(labels: Sequence, what: str = "label") -> list[list]:
    """Each text's list of labels, each label once; a DataError for a list that holds a list or dict (no class
    can be made of it)."""
    sets = []
    for i, value in enumerate(labels):
        try:
            sets.append(list(dict.fromkeys(value)))
        except TypeError:
            raise DataError(f"{what} list {i} holds {short_repr(value)}; give each text a list of names or numbers") from None
    return sets


def check_label_sets(labels: Sequence, n_texts: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(indicator, classes)`` for several labels per text: a 0/1 matrix (texts x labels, uint8)
    and the sorted distinct labels. Every text needs at least one label."""
    sets = label_sets(labels)
    if len(sets) != n_texts:
        raise DataError(f"got {counted(n_texts, 'text')} but {counted(len(sets), 'label list')}; give one list of labels per text")
    check_labels_present(sets, several=True)
    flat = [m for members in sets for m in members]
    _check_one_type(flat, [i for i, members in enumerate(sets) for _ in members])
    flat_array = label_array(flat)
    classes = np.unique(flat_array)
    rows = np.repeat(np.arange(n_texts), [len(members) for members in sets])
    indicator = np.zeros((n_texts, len(classes)), dtype=np.uint8)
    indicator[rows, np.searchsorted(classes, flat_array)] = 1
    _check_two_classes(classes)
    everywhere = classes[indicator.all(axis=0)].tolist()
    if everywhere:
        raise DataError(f"label {everywhere[0]!r} is on every text, so there is nothing to learn about it; drop it")
    return indicator, classes


def check_labels_present(labels: list, several: bool, what: str = "label") -> None:
    """A DataError for a missing label (None, NaN, a blank string), or with ``several`` labels per text for
    an empty list of labels or one that holds a missing label; training and scoring say it alike. ``what``
    names the labels in the message (e.g. "dev label")."""
    for i, value in enumerate(labels):
        if not several and _missing(value):
            raise DataError(f"{what} {i} is missing; drop or fill the rows without a label")
        if several and not len(value):
            raise DataError(f"{what} list {i} is empty; give every text at least one label (e.g. 'neutral' or 'none')")
        if several and any(_missing(m) for m in value):
            raise DataError(f"{what} list {i} holds a missing or empty label ({list(value)!r}); drop it")


def _missing(value) -> bool:
    return is_na(value) or (isinstance(value, str) and not value.strip())


def is_na(value) -> bool:
    """None, NaN, ``pd.NA`` or ``pd.NaT``: a missing value as pandas and numpy give it."""
    return value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)) or is_pandas_na(value)


def json_safe(value):
    """``value`` with what JSON lacks made plain: numpy arrays and numbers as lists and numbers, a missing
    (None, NaN, NA, NaT) or infinite number as None."""
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_safe(item) for item in value]
    if isinstance(value, (np.datetime64, np.timedelta64)):  # .item() would give nanoseconds as an integer
        return None if np.isnat(value) else str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value) or is_pandas_na(value):
        return None
    return value


def is_pandas_na(value) -> bool:
    """``pd.NA`` / ``pd.NaT`` (missing values of pandas' nullable columns), without importing pandas."""
    return type(value).__name__ in ("NAType", "NaTType")


def _check_one_type(values: list, text_of: list[int] | None = None) -> None:
    """A DataError for labels that are not names or numbers (a dict, a nested list: no class can be made of
    them), or that mix types; ``text_of`` (several labels per text: the text of each label in ``values``)
    names a label by its text's label list."""
    first: dict[type, Any] = {}  # the first label of each type
    for i, v in enumerate(values):
        v = v.item() if isinstance(v, np.generic) else v
        where = f"label {i}" if text_of is None else f"a label of label list {text_of[i]}"
        if isinstance(v, bytes):  # its name would be "b'pos'", and a model file cannot hold it
            decode = ("[label.decode() for label in labels] or, for a NumPy array, labels.astype(str)" if text_of is None
                      else "[[label.decode() for label in text_labels] for text_labels in labels]")
            raise DataError(f"{where} is bytes ({short_repr(v)}); decode the labels to text first, e.g. {decode}")
        if not isinstance(v, (str, int, float)):
            raise DataError(f"{where} is {with_article(type(v).__name__)} ({short_repr(v)}); a label is a name or a "
                            "number (with several labels per text: a list of names or numbers)")
        if isinstance(v, str) and holds_lone_surrogate(v):  # a text decoded wrongly, which no file can hold
            raise DataError(f"{where} ({short_repr(v)}) holds a lone surrogate, not a character: read the "
                            "labels with their file's encoding")
        first.setdefault(type(v), v)
    if len(first) > 1:  # True and 1 would be one class, and score would then know neither
        examples = ", ".join(f"{first[k]!r} ({k.__name__})" for k in sorted(first, key=lambda k: k.__name__))
        advice = "all names or all numbers" if str in first else "all of one type"
        raise DataError(f"labels mix types, e.g. {examples}; use one kind of label for all ({advice})")


def holds_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (an undecodable byte, as Python keeps it), which UTF-8, and so no
    model or data file, can hold."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_flag(value, name: str, true: str = "", false: str = "") -> None:
    """A ConfigError unless ``value`` is True or False (a string "false" would read as true); ``true`` and
    ``false`` say what each does, e.g. "each sentence on its own"."""
    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(f"{name} is True{f' ({true})' if true else ''} or False{f' ({false})' if false else ''}, "
                          f"not {short_repr(value)}")


def check_seed(seed, name: str = "seed") -> None:
    """A ConfigError naming the setting ``name`` unless ``seed`` is a whole number from 0 to 2**32 - 1 (what
    numpy's and scikit-learn's random states take)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ConfigError(f"{name} must be a whole number from 0 to {2**32 - 1}, not {seed!r}")


def check_fraction(fraction, name: str, *, zero: bool = False, error: type[Exception] = ConfigError) -> None:
    """An ``error`` (a ConfigError: a bad setting) naming the setting ``name`` unless ``fraction`` is a number
    between 0 and 1, or from 0 (included) to below 1 with ``zero``: a share of the data to hold out."""
    if (isinstance(fraction, bool) or not isinstance(fraction, (int, float))
            or not (0 <= fraction if zero else 0 < fraction) or not fraction < 1):
        raise error(f"{name} must be {'a number from 0 to below 1' if zero else 'a number above 0 and below 1'}, "
                    f"not {fraction!r}")


def short_repr(value) -> str:
    """``repr(value)`` cut short (the first items of a list, the start of a long text) for a message."""
    import reprlib

    shortened = reprlib.Repr()
    shortened.maxlist, shortened.maxdict, shortened.maxstring, shortened.maxother = 5, 3, 40, 40
    return shortened.repr(value)


def spreadsheet_formula(cell: str) -> bool:
    """Whether a text ``cell`` of a CSV table, opened in Excel or LibreOffice, would run as a formula: one that
    starts (after blanks, tabs or line breaks) with "=" or its full-width form, or with "+", "-" or "@" and
    calls a function ("name(") or another program ("|"): not "-1", "+ve", "-1 (negative)"."""
    text = cell.lstrip(" \t\r\n")
    if len(text) < 2:
        return False
    return text[0] in "=\uff1d" or (text[0] in "+-@" and re.search(r"[A-Za-z_][\w.]*\s*\(|\|", text) is not None)


def spreadsheet_safe(cells) -> list:
    """``cells`` with each text that :func:`spreadsheet_formula` says a spreadsheet would run written after a
    "'", which makes it plain text there (the model's label names, in the CSV and TSV tables written)."""
    return ["'" + cell if isinstance(cell, str) and spreadsheet_formula(cell) else cell for cell in cells]
