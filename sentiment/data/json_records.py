"""JSON Lines and JSON arrays of records: each line read as one object, with the line and the reason where
one is not (a repeated key, a lone surrogate, values nested too deeply)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np

from ..errors import DataError
from .opening import _head, _opener, _raw_handle


def _bad_json_line(file: Path, compression: str | None) -> tuple[int, str] | None:
    """The number of the first line of a JSON Lines file that is not one JSON object, and why; None if every
    line is (or the file is a JSON array, or compressed in a way read only through pandas)."""
    raw = _raw_handle(file, compression)
    if raw is None or _holds_json_array(file, compression):
        return None
    with io.TextIOWrapper(raw, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip() and (problem := read_json_line(line)[1]) is not None:
                return number, problem
    return None


def json_kind(value) -> str:
    """What JSON calls the kind of a parsed ``value`` (or of a Parquet cell, a numpy value): object, array, string,
    number, boolean or null; bytes: a binary value; else its Python type's name."""
    import numbers

    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "array"
    if isinstance(value, (bytes, bytearray)):  # a Parquet cell of binary values
        return "binary value"
    return {dict: "object", str: "string", type(None): "null"}.get(type(value), type(value).__name__)


NESTED_TOO_DEEPLY = "its values nest too deeply"


def json_problem(exc: Exception) -> str:
    """What ``json.loads`` found wrong, in words for an error message: a JSONDecodeError's own message, values
    nested too deeply (a RecursionError), or a number of too many digits (int's limit, a ValueError)."""
    import json

    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, RecursionError):
        return NESTED_TOO_DEEPLY
    return "a number of more digits than can be read; write it as a string"


def read_json_line(line: str, lone_surrogates: bool = False) -> tuple[dict | None, str | None]:
    """A line of a JSON Lines file, read: ``(the object, None)``, or ``(None, why it is no JSON object that can be
    read)`` in words for an error message: not JSON, a number of too many digits, values nested too deeply, a
    value that is no object, a key that an object gives twice (json would keep the last value, silently), or,
    unless ``lone_surrogates`` (the aspect models read texts that hold undecodable bytes so), a ``\\u`` escape of
    half a character, which no column of a table written out can hold."""
    import json

    if line.startswith("\ufeff"):  # (json's own words: "decode using utf-8-sig")
        return None, ("it begins with a byte-order mark (U+FEFF), as where files that each began with one were "
                      "joined; remove it (e.g. sed -i 's/\\xef\\xbb\\xbf//g' FILE)")
    try:
        value = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return None, json_problem(exc)
    if not isinstance(value, dict):
        return None, f"it is a JSON {json_kind(value)}"
    try:
        repeated = _repeated_key(line, value)
    except ValueError:
        return None, NESTED_TOO_DEEPLY
    if repeated is not None:
        return None, f"its key {repeated!r} appears twice, so which value is meant is unclear; keep one"
    if not lone_surrogates and "\\u" in line and _holds_lone_surrogate(value):
        return None, "it holds a \\u escape of half a character (a lone surrogate such as \\udc00)"
    return value, None


def _json_lines(stream, compression: str | None, chunksize: int | None):
    """Frames of up to ``chunksize`` records (all: None) of a JSON Lines ``stream``, read by the json module,
    every column as Python objects: a whole number stays exact (pandas' reader makes floats of a column with a
    gap, rounding an id past 2**53, and refuses numbers past 64 bits), a missing key is NaN. A line that is not
    a JSON object that can be read (:func:`read_json_line`) is a ValueError, which :func:`~sentiment.data.iter_table` says in
    words, with its line number."""
    import pandas as pd

    records: list = []
    with _text_of(stream, compression) as text:
        for line in text:
            if not line.strip():
                continue
            record, problem = read_json_line(line)
            if problem is not None:
                raise ValueError(f"a line cannot be read as a JSON object ({problem})")  # _bad_json_line says where
            records.append(record)
            if chunksize and len(records) == chunksize:
                yield pd.DataFrame(records, dtype=object)
                records = []
        if records:
            yield pd.DataFrame(records, dtype=object)


@contextlib.contextmanager
def _text_of(stream, compression: str | None):
    """The bytes of ``stream`` read as UTF-8 text (a byte-order mark skipped), decompressed where ``compression``
    names one; the file stays open for its owner (iter_table), as pandas leaves it."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig") if compression is None else \
        _opener(compression)(stream, "rt", encoding="utf-8-sig")
    try:
        yield text
    finally:
        if compression is None and not stream.closed:
            text.detach()


def _json_array(stream, compression: str | None, file: Path):
    """The records of a JSON array (a ``.json`` file) as one frame, read by the json module as
    :func:`_json_lines` reads a line: every column as Python objects, whole numbers exact; an item that is
    not an object or holds half a character, or an object that gives a key twice, is a DataError."""
    import json

    import pandas as pd

    repeated: list[str] = []
    with _text_of(stream, compression) as text:
        try:
            records = json.loads(text.read(), object_pairs_hook=noting_repeats(repeated))
        except (ValueError, RecursionError) as exc:  # values nested thousands deep, or int's limit, in words
            if isinstance(exc, json.JSONDecodeError):  # (it says where)
                raise
            raise ValueError(json_problem(exc)) from None
    if repeated:
        raise DataError(f"{file}: an object of its array gives the key {repeated[0]!r} twice, so which value is meant "
                        "is unclear; keep one")
    for n, record in enumerate(records if isinstance(records, list) else [records], 1):
        if not isinstance(record, dict):
            raise DataError(f"{file}: item {n} of its array is a JSON {json_kind(record)}, not an object; give "
                            "one object per record")
        if _holds_lone_surrogate(record):
            raise DataError(f"{file}: item {n} of its array holds a \\u escape of half a character (a lone surrogate "
                            "such as \\udc00); fix or drop that item")
    return pd.DataFrame(records, dtype=object)


def _repeated_key(line: str, record: dict) -> str | None:
    """The first key that an object of the JSON ``line`` (parsed as ``record``) holds twice (json keeps the last
    value, silently), else None. Every key has its colon: a line with no more colons than ``record`` has
    keys repeats none, and only the others are parsed again, with a check of each object's keys."""
    import json

    if line.count(":") <= len(record):
        return None
    repeated: list[str] = []
    try:
        json.loads(line, object_pairs_hook=noting_repeats(repeated))
    except RecursionError:  # the hook's frames on top of json's, for values nested about a thousand deep
        raise ValueError("a line's values nest too deeply") from None
    return repeated[0] if repeated else None


def noting_repeats(repeated: list[str]):
    """A ``json.loads`` object hook that builds each object as json does (a repeated key's last value, silently)
    and adds to ``repeated`` the first key of each object that gives one twice."""
    def unique(pairs: list) -> dict:
        record = dict(pairs)
        if len(record) < len(pairs):
            seen: set[str] = set()
            repeated.append(next(key for key, _ in pairs if key in seen or seen.add(key)))
        return record

    return unique


def _holds_lone_surrogate(record) -> bool:
    """Whether a parsed JSON value holds a ``\\u`` escape of half a character ("\\udc00"), which no column
    of text can hold."""
    import json

    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _holds_json_array(file: Path, compression: str | None) -> bool:
    """Whether a ``.json`` file (not JSON Lines by name) starts with ``[``: one array of records."""
    name = file.name.lower()
    if compression is not None:
        name = name.rsplit(".", 1)[0]
    head = _head(file, compression) if name.endswith(".json") else None
    return head is not None and head.lstrip(b" \t\r\n").startswith(b"[")
