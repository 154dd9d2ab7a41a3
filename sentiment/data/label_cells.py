"""Label cells as tables hold them: several labels joined by a separator or written as a list, numbers
written as text ("1.0"), and a label that joins others by the separator."""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from ..checks import LABEL_SETS, short_repr
from ..errors import DataError, SeparatorError, with_article
from .json_records import json_kind


SEPARATORS = (";", ",", "|", "/", "+")  # usual ways to join several labels in one column
LABEL_SEPARATOR = SEPARATORS[0]  # the one several labels per text are read with unless told otherwise


def split_labels(values: Sequence, separator: str, where: str = "the labels", guess: bool = True) -> list[tuple]:
    """Split joined labels (``"admiration;joy"``) into tuples of labels (whole numbers become ints).

    Values that are lists already (JSON Lines, Parquet) are taken as they are. A separator that no
    label contains, while some contain another usual one, is an error (unless ``guess`` is false): the labels
    are most likely joined by that other one.
    """
    if not separator:
        raise DataError("the label separator is empty; give one such as ';' (--label-sep)")
    values = [list(v) if isinstance(v, (*LABEL_SETS, np.ndarray)) else str(v) for v in values]
    joined = [v for v in values if isinstance(v, str)]
    if guess and joined and not any(separator in v for v in joined):
        for other in SEPARATORS:
            example = next((v for v in joined if other != separator and other in v), None)
            if example is not None:
                raise SeparatorError(
                    f"no label in {where} contains the separator {separator!r}, but some contain {other!r} "
                    f"(e.g. {example!r}); pass --label-sep '{other}', or leave out --multi-label if every text has one label",
                    other)
    result = []
    for row, value in enumerate(values, 1):
        if isinstance(value, list):  # a list of labels (JSON Lines, Parquet): each a name or a whole number
            odd = next((part for part in value if not _scalar_label(part)), _NO_LABEL)
            if odd is not _NO_LABEL:
                raise DataError(f"{where}: data row {row} has {short_repr(odd)} among its labels {short_repr(value)}; "
                                "give every label as a name or a whole number")
        parts = [str(part).strip() for part in (value.split(separator) if isinstance(value, str) else value)]
        if isinstance(value, list):  # no separator was read
            if not parts or not all(parts):
                raise DataError(f"{where}: data row {row} has {'an empty label in ' if parts else 'no label: '}{value!r}; "
                                "give every text at least one label, none of them empty")
            inside = next((part for part in parts if separator in part), None)
            if inside is not None:  # a table joins labels by the separator: this one would come back as two
                raise DataError(f"{where}: data row {row} has the label {inside!r}, which holds the separator "
                                f"{separator!r} that joins labels in tables; rename the label, or pick another --label-sep")
        elif not parts or not all(parts):
            raise DataError(f"{where}: data row {row} has an empty label in {value!r}; remove the extra {separator!r}")
        result.append(tuple(dict.fromkeys(_parse_label(part) for part in parts)))
    flat = [label for labels in result for label in labels]
    as_ints = dict(zip(flat, _ints_if_whole(flat)))  # the column's rule, over every label of every text
    return [tuple(dict.fromkeys(as_ints[y] for y in labels)) for labels in result]


_NO_LABEL = object()


def _scalar_label(part) -> bool:
    """Whether an item of a label list is a label: a string or a whole number (not null, true/false, a fraction,
    or a list or object, whose text would silently become a class such as 'None' or "['joy']")."""
    if isinstance(part, (bool, np.bool_)):
        return False
    if isinstance(part, (str, int, np.integer)):
        return True
    return isinstance(part, (float, np.floating)) and float(part).is_integer()


_LIST_TEXT = re.compile(r"\s*\[.*\]\s*", re.S)


_NUMPY_INTS = re.compile(r"\s*\[\s*(-?\d+\s+)*(-?\d+)?\s*\]\s*")  # numpy's "[ 2 27]"


_QUOTED = r"'[^'\\]*'" + "|" + r'"[^"\\]*"'  # a string in quotes, without escapes


_NUMPY_STRINGS = re.compile(rf"\s*\[\s*({_QUOTED})(\s+({_QUOTED}))*\s*\]\s*")  # numpy's "['anger' 'fear']"


def label_list_of(value):
    """A label cell that a table holds as the text of a list (``"['joy', 'anger']"``, as pandas' ``to_csv``
    writes a column of lists; ``'["joy"]'``; numpy's ``"[ 2 27]"`` and ``"['joy' 'anger']"``) as that list; any other value as it is
    (a label such as "[positive]", which no list reads, stays text)."""
    if not isinstance(value, str) or len(value) > 100_000 or not _LIST_TEXT.fullmatch(value):
        return value
    if _NUMPY_INTS.fullmatch(value):
        return [int(part) for part in value.strip()[1:-1].split()]
    if _NUMPY_STRINGS.fullmatch(value):  # (Python would join the strings without a comma into one)
        return [m.group()[1:-1] for m in re.finditer(_QUOTED, value)]
    import ast
    import json

    for parse in (json.loads, ast.literal_eval):
        try:
            parsed = parse(value.strip())
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            continue
        if isinstance(parsed, list):
            return parsed
    return value


def joined_label(values: list) -> tuple[int, str] | None:
    """``(index, label)`` of the first label that joins others by ``;`` ("joy;surprise" beside "joy" and
    "surprise": several labels of one text written as one), or None."""
    joined = [(i, v) for i, v in enumerate(values) if isinstance(v, str) and LABEL_SEPARATOR in v]
    whole = {str(v).strip() for v in values} if joined else set()  # most label columns hold no ';' at all
    return next(((i, text) for i, text in joined if whole.issuperset(p.strip() for p in text.split(LABEL_SEPARATOR))),
                None)


def _check_no_binary_labels(values: list, file, column: str) -> None:
    """Refuse label cells of bytes (a Parquet column of binary values, its text not marked UTF-8): each would
    become a class named after its Python spelling ("b'positive'"), silently, unlike every other file's label."""
    row = next((i for i, v in enumerate(values, 1) if isinstance(v, (bytes, bytearray))), None)
    if row is not None:
        raise DataError(f"{file} column {column!r} holds binary values, not labels (data row {row}: "
                        f"{short_repr(values[row - 1])}); store the labels as strings (pandas: "
                        f"df[{column!r}] = df[{column!r}].str.decode('utf-8') before to_parquet)")


def _check_no_label_lists(values: list, file, column: str) -> None:
    """Refuse label cells that are lists (JSON Lines, Parquet), or labels joined by ``;``, read as one label
    per text: each would become one label, the text of its list ("joy;surprise" a class of its own). Joined
    labels are recognised by their parts: a cell whose ``;``-parts are all labels of other rows ("joy;surprise"
    beside "joy" and "surprise"). Other separators are left alone: "positive/negative" may well be a class."""
    mapping = next((i for i, v in enumerate(values, 1) if isinstance(v, dict)), None)
    if mapping is not None:  # a JSON object (Parquet struct) is no label: its text would become a class
        raise DataError(f"{file} column {column!r} holds a JSON object, not a label (data row {mapping}: "
                        f"{short_repr(values[mapping - 1])}); give one label (a text or number) per row")
    row = next((i for i, v in enumerate(values, 1) if isinstance(v, (*LABEL_SETS, np.ndarray))), None)
    if row is None:
        joined = joined_label(values)
        if joined is not None:
            raise DataError(f"{file} column {column!r} holds labels joined into one cell (data row {joined[0] + 1}: "
                            f"{joined[1]!r}, whose parts are labels of other rows); several labels per text need a "
                            "model trained with --multi-label; if it is one label of its own, rename it without ';'")
        return
    shown = [x.item() if isinstance(x, np.generic) else x for x in values[row - 1]]
    raise DataError(f"{file} column {column!r} holds lists of labels (data row {row}: {short_repr(shown)}); several labels "
                    "per text need a model trained with `sentiment fit --multi-label` (Python: pass the lists of labels "
                    "to Pipeline.fit), or give one label per row")


def _parse_labels(values: list) -> list:
    """The labels of a column (see :func:`_parse_label`); when every one is a whole number, those written as
    floats (``1.0``, ``"1.0"``: an integer column with a gap, as pandas writes it) are ints too, while a
    column of half-point ratings (``1.0, 1.5``) stays text throughout. A column of JSON booleans gives the
    classes "True" and "False"; booleans among other labels are refused, as other mixed types are."""
    flags = [isinstance(v, (bool, np.bool_)) for v in values]
    if any(flags) and not all(flags):
        other = next(v for v, flag in zip(values, flags) if not flag)
        flag = next(bool(v) for v, flag in zip(values, flags) if flag)
        raise DataError(f"labels mix types, e.g. {str(flag).lower()} (a boolean) and {short_repr(other)} "
                        f"({with_article(json_kind(other))}); use one kind of label for all (all names, all numbers or all "
                        "true/false)")
    return _ints_if_whole([_parse_label(v) for v in values])


def _ints_if_whole(labels: list) -> list:
    """``labels`` with the whole floats (``"1.0"``) as ints when every label is a whole number; as text, every
    one, when every label is a number but not all whole (half-point ratings ``1, 1.5``: classes "1", "1.5"),
    each number written one way ("1.0", "01" and "1" are "1"; "1.50" is "1.5"), so that a rating is one class
    however a file writes it; else as they are (names, or numbers mixed with names, which the label checks
    refuse)."""
    if all(isinstance(y, int) or whole_number(y) is not None for y in labels):
        return [y if isinstance(y, int) else whole_number(y) for y in labels]
    if all(isinstance(y, int) or _NUMBER.fullmatch(str(y).strip()) for y in labels):
        return [_plain_number(str(y).strip()) for y in labels]
    return labels


def _plain_number(text: str) -> str:
    """A number (:data:`_NUMBER`) written without a sign's "+", leading zeros or trailing decimal zeros:
    "+01.50" -> "1.5", ".5" -> "0.5", "-0.0" -> "0"; every digit kept (no rounding, however long)."""
    whole, _, fraction = text.lstrip("+-").partition(".")
    plain = (whole.lstrip("0") or "0") + ("." + fraction.rstrip("0") if fraction.rstrip("0") else "")
    return "-" + plain if text.startswith("-") and plain != "0" else plain


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")


def whole_number(label) -> int | None:
    """The int that a label written as a whole number stands for (``"1.0"``, ``"01"``, ``"1"`` -> 1), else None."""
    text = str(label).strip()
    return _int_or(text.split(".")[0], None) if re.fullmatch(r"[+-]?\d+(?:\.0*)?", text) else None


def _parse_label(value):
    """Whole-number labels (``"0"``, ``3``, ``"+1"``, ``"-1"``) become ints, so they match between files;
    others stay strings."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    return _int_or(text, text) if re.fullmatch(r"[+-]?\d+", text) else text


def _int_or(digits: str, otherwise):
    """The int that ``digits`` write, or ``otherwise`` for more digits than Python reads (4,300 by default)."""
    try:
        return int(digits)
    except ValueError:
        return otherwise
