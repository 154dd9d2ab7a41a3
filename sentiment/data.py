"""Reading labelled data files: their format told by name and first bytes, their columns, texts and labels.

Tables: CSV, TSV, JSON Lines and Parquet, optionally compressed (``.gz``, ``.bz2``, ``.xz``, ``.zst``, ``.zip``),
read with pandas; the Stanford Sentiment Treebank's trees through :mod:`sentiment.sst`. The texts and
labels read are checked by :mod:`sentiment.checks`. pandas is imported only when a file is read.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import re
from pathlib import Path
from typing import Iterator, NamedTuple, Sequence

import numpy as np

from .checks import LABEL_SETS, WEIGHTS_ARE, is_na, outside_weight_range, short_repr
from .errors import DataError, MissingColumnsError, SeparatorError, reencode_hint, with_article


class Compression(NamedTuple):
    pandas: str  # pandas' name for it (read_csv(compression=...))
    name: str  # its usual name, for messages
    magic: bytes  # a pattern of the first bytes of such a file


# Compressed tables, by file suffix.
COMPRESSION = {".gz": Compression("gzip", "gzip", rb"\x1f\x8b"), ".bz2": Compression("bz2", "bzip2", rb"BZh[1-9]1AY&SY"),
               ".xz": Compression("xz", "xz", rb"\xfd7zXZ\x00"), ".zst": Compression("zstd", "zstd", rb"\x28\xb5\x2f\xfd"),
               ".zip": Compression("zip", "zip", rb"PK\x03\x04")}
COMPRESSIONS = tuple(COMPRESSION)
TABLES = ".csv, .tsv, .jsonl or .parquet (optionally .gz, .bz2, .xz, .zst or .zip)"
SEPARATORS = (";", ",", "|", "/", "+")  # usual ways to join several labels in one column
LABEL_SEPARATOR = SEPARATORS[0]  # the one several labels per text are read with unless told otherwise


def read_weights(file: str | Path, column: str) -> np.ndarray:
    """The column ``column`` of the table ``file`` as per-text weights (``fit --weight-column``): numbers of 0 or
    more, one per row, in the order :func:`read_labelled` reads the rows."""
    import pandas as pd

    try:
        values = read_table(file, [column])[column]
    except MissingColumnsError as exc:
        raise DataError(f"{file} has no column {column!r}; its columns are: {column_list(exc.present)}; name "
                        "the column of weights with --weight-column") from None
    readable = values
    if not pd.api.types.is_numeric_dtype(values) and _separated_by_semicolons(Path(file)):
        # "1,5": where a spreadsheet separates by ";", the comma is the decimal mark
        readable = values.map(lambda v: v.replace(",", ".") if isinstance(v, str) and _DECIMAL_COMMA.fullmatch(v) else v)
    numbers = pd.to_numeric(readable, errors="coerce").to_numpy(dtype=np.float64)
    flags = values.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)  # JSON true is no weight
    not_weights = ~np.isfinite(numbers) | (numbers < 0) | flags
    bad = np.flatnonzero(not_weights | outside_weight_range(numbers))
    if len(bad):
        value = values.iloc[bad[0]]
        value = value.item() if isinstance(value, np.generic) else value
        held = "nothing" if is_na(value) or str(value).strip() == "" else short_repr(value)
        advice = f"not a weight; {WEIGHTS_ARE}" if not_weights[bad[0]] else WEIGHTS_ARE
        raise DataError(f"{file}: data row {bad[0] + 1} of column {column!r} holds {held}; {advice}")
    if not numbers.sum() > 0:
        raise DataError(f"{file}: every weight in column {column!r} is 0, so nothing would be learnt; give some texts "
                        "a positive weight")
    return numbers


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


# -- tables ----------------------------------------------------------------------------------
def holds_sst_trees(path: str | Path) -> bool:
    """Whether ``path`` is an existing file of SST trees (a missing file: False, and its reader says so)."""
    return Path(path).is_file() and table_format(path) == "sst"


def _plain_name(path: str | Path) -> str:
    """The lowercased file name of ``path`` without its compression suffix ("train.json.gz": "train.json")."""
    name = Path(path).name.lower()
    for suffix in COMPRESSIONS:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def table_format(path: str | Path, trees: bool = True) -> str:
    """``csv``, ``tsv``, ``jsonl``, ``parquet`` or ``sst`` from a file name (compression suffixes skipped);
    ``trees``: whether the caller reads SST trees too, so that the error for a file of no known format offers
    them (``predict`` reads tables alone)."""
    name = _plain_name(path)
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    by_suffix = {"csv": "csv", "tsv": "tsv", "tab": "tsv", "jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl",
                 "parquet": "parquet", "pq": "parquet"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix == "txt":
        if looks_like_trees(path):
            return "sst"
        import shlex

        compressed = str(path).lower().endswith(COMPRESSIONS)
        stdin = ("`sentiment predict [--model DIR | --task TASK] -` with the file decompressed into it" if compressed
                 else f"`sentiment predict [--model DIR | --task TASK] - < {shlex.quote(str(path))}`")
        holds = ("and SST trees are read uncompressed (decompress it first)" if compressed  # (unread: it may hold them)
                 else "and this one does not")
        raise DataError(f"cannot tell the format of {path}: a .txt file must hold SST trees (one PTB tree per line, "
                        f"such as \"(3 (2 a) (3 good) (2 film))\"), {holds}; give a table of texts (and "
                        f"labels) as a {TABLES} file, or predict one text per line with {stdin}")
    or_trees = ", or SST trees (.txt)" if trees else ""
    if suffix == "xml":
        raise DataError(f"{path} is XML, which only aspect models read (SemEval-2014 aspect data): to fit, evaluate or "
                        f"predict with one, add --task aspect (task=\"aspect\"); otherwise give a {TABLES} file{or_trees}")
    raise DataError(f"cannot tell the format of {path}; use a {TABLES} file{or_trees}")


def read_table(path: str | Path, columns: Sequence[str], fmt: str | None = None):
    """Read a whole table and return a pandas DataFrame with the given ``columns`` (checked)."""
    chunks = list(iter_table(path, columns, fmt=fmt, chunksize=None))
    return chunks[0]


def iter_table(path: str | Path, columns: Sequence[str] | None, fmt: str | None = None, chunksize: int | None = 10_000,
               progress: bool = False) -> Iterator:
    """Yield DataFrames of ``columns`` (all when None), at most ``chunksize`` rows each (all when None).

    Memory stays flat however large the file: rows are parsed chunk by chunk (but for a ``.json`` array of
    records, which is read whole). ``progress`` shows a
    bar of the bytes read.
    """
    import pandas as pd

    file = existing_file(path)
    fmt = fmt or table_format(file, trees=False)
    if fmt == "sst":
        raise DataError(f"{file} holds SST trees, not a table of texts; give a .csv, .tsv, .jsonl or .parquet file "
                        "(fit and evaluate read trees)")
    if file.stat().st_size == 0:
        raise DataError(f"{file} is empty; give a file with a header row and at least one row")
    compression = _compression_of(file)
    if compression is None and fmt != "parquet":
        _check_not_compressed(file)
    head = None if fmt == "parquet" else _head(file, compression)  # read once for the checks of its format
    _check_text(file, head)
    # opened after the checks, so that none of them leaves it open; of a zip archive its one file, which pandas
    # then reads as it is (pandas refuses an archive that also holds the file's folder)
    member = compression == "zip" and fmt != "parquet"
    handle = _zip_member(file) if member else open(file, "rb")
    unpacked = None if member else compression  # the compression left for pandas to undo
    bar = contextlib.nullcontext()
    if progress:  # the bytes read, from the file's position at each chunk (pandas reads JSON Lines by iterating
        from tqdm.auto import tqdm  # the file, past a wrapped read(); a compressed file: the compressed bytes,
        # but a zip archive's member, whose position counts its own bytes)
        total = _zip_file_size(file) if member else file.stat().st_size
        bar = tqdm(total=total, desc="reading", unit="B", unit_scale=True, dynamic_ncols=True, leave=False)
    separator = None  # of a csv or tsv table
    try:
        with handle as stream, bar:
            if fmt == "parquet":
                yield from _parquet_chunks(file, columns, chunksize, compression)
                return
            if fmt in ("csv", "tsv"):
                separator, header, before = _csv_layout(file, compression, fmt)
                _check_unique_header(file, header, separator)  # before pandas reads every row
                # a table of one column: a blank line is an empty text, which keeps its place among the rows
                one_column = header is not None and len(_header_names(header, separator)) == 1
                _check_quotes(file, compression, separator, one_column)
                before = _lines_to_skip(file, head, header, before, one_column)
                reader = pd.read_csv(stream, sep=separator, chunksize=chunksize, dtype=str, skiprows=before,
                                     skip_blank_lines=not one_column, keep_default_na=False, na_values=[""],
                                     compression=unpacked, encoding="utf-8")
                reader = _without_implicit_index(reader, file, separator, chunksize)
                if one_column:
                    reader = _without_trailing_blanks(reader, chunksize)
            elif _holds_json_array(file, compression):  # a .json file may hold one array of records
                frame = _json_array(stream, unpacked, file)
                reader = frame if chunksize is None else (frame[i:i + chunksize] for i in range(0, len(frame), chunksize))
            elif _opener(unpacked) is not None:  # (a zip archive's member: read as it is)
                reader = _json_lines(stream, unpacked, chunksize)
                reader = next(reader, pd.DataFrame()) if chunksize is None else reader
            else:  # .zst without zstandard: through pandas, which asks for it
                reader = pd.read_json(stream, lines=True, chunksize=chunksize or None, dtype=False, precise_float=True,
                                      compression=unpacked, encoding="utf-8-sig")  # precise: 0.974349 stays so
            chunks = [reader] if chunksize is None else reader
            rows, empty = 0, None
            for chunk in chunks:
                if not len(chunk):  # pandas gives a header-only file as one empty chunk
                    empty = chunk
                    continue
                if fmt == "jsonl" and rows == 0 and len(chunk) == 1 and all(isinstance(v, (dict, list))
                                                                            for v in chunk.iloc[0]):
                    raise DataError(f"{file} holds one JSON object of columns; write one object per row, as JSON Lines "
                                    "(pandas: df.to_json(path, orient='records', lines=True)) or a JSON array")
                rows += len(chunk)
                if progress:
                    bar.update(max(0, stream.tell() - bar.n))
                yield _columns(chunk, columns, file)
            if not rows:
                if empty is not None and fmt in ("csv", "tsv"):
                    _columns(empty, columns, file)  # a header without the columns asked for says so first
                    raise DataError(f"{file} has a header but no rows; give at least one row")
                raise DataError(f"{file} holds no rows; give at least one record")
    except UnicodeDecodeError:
        _check_decompresses(file, compression)  # damage, rather, in a compressed file
        raise not_utf8_error(file) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{file} is empty; give a file with a header row and at least one row") from None
    except ImportError:  # pandas reads .zst through the optional package zstandard
        if compression != "zstd":
            raise
        raise DataError(f"reading {file.name} needs the package zstandard (pip install zstandard), or decompress "
                        f"it first (zstd -d {file})") from None
    except Exception as exc:
        _raise_if_damaged(exc, file, compression)
        if isinstance(exc, DataError) or not isinstance(exc, (pd.errors.ParserError, ValueError, TypeError, OSError)):
            raise
        raise _parse_failure(exc, file, fmt, compression, separator) from None


def _parse_failure(exc: Exception, file: Path, fmt: str, compression: str | None, separator: str | None) -> DataError:
    """What failed to parse in ``file`` (of format ``fmt``; ``separator``: of a csv or tsv table, once known), in
    words: the line of a csv row of the wrong width or of a JSON Lines line that is no object, else the
    reader's own first line of ``exc``."""
    _check_decompresses(file, compression)  # a damaged compressed file often fails to parse before its checksum
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    counts = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", first_line)
    if fmt in ("csv", "tsv") and counts:
        header, record, seen = counts.groups()
        line = _line_of_record(file, compression, separator, int(record))  # pandas counts rows, not lines
        where = f"line {line}" if line is not None else f"row {record} (the header is row 1)"
        return DataError(f"cannot parse {file}: {where} has {seen} values, the header {header}; "
                         f"{_QUOTE_ADVICE['tsv' if separator == chr(9) else 'csv']}")
    where = _bad_json_line(file, compression) if fmt == "jsonl" else None
    if where is not None:
        return DataError(f"cannot parse {file} as JSON Lines: line {where[0]} cannot be read as a JSON object ({where[1]}); "
                         "fix or drop that line")
    if fmt == "jsonl" and "Value is too big" in first_line:  # the JSON reader's 64-bit numbers
        return DataError(f"cannot parse {file}: it holds a whole number beyond 64 bits (an id?), which the JSON "
                         "reader cannot read; write such numbers as strings (\"18446744073709551617\")")
    shown = "JSON" if _plain_name(file).endswith(".json") else {"jsonl": "JSON Lines", "parquet": "Parquet"}.get(fmt, fmt.upper())
    return DataError(f"cannot parse {file} as {shown} ({first_line}); check the file and its extension")


def csv_quoting(frame) -> int:
    """The ``quoting`` with which ``frame.to_csv`` writes a table that reads back as it was: quotes where needed,
    or around every text when one holds a lone carriage return, which the csv module leaves unquoted (its line
    end is a line feed) and which a reader then takes for the end of the row."""
    import csv

    from pandas.api.types import is_numeric_dtype

    for column in frame.columns:
        values = frame[column]
        if not is_numeric_dtype(values) and values.map(lambda v: isinstance(v, str) and "\r" in v).any():
            return csv.QUOTE_NONNUMERIC
    return csv.QUOTE_MINIMAL


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
    number, boolean or null; else its Python type's name."""
    import numbers

    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "array"
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


def _opener(compression: str | None):
    """The ``open`` function that reads a file of this (pandas-named) compression; None for one read here
    only through pandas (zip, and zstd without the optional package zstandard)."""
    import bz2
    import gzip
    import lzma

    if compression == "zstd":
        try:
            import zstandard
        except ImportError:
            return None
        return zstandard.open
    return {None: open, "gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}.get(compression)


HEAD_SIZE = 4096  # bytes of a file read to tell its format


def _json_lines(stream, compression: str | None, chunksize: int | None):
    """Frames of up to ``chunksize`` records (all: None) of a JSON Lines ``stream``, read by the json module,
    every column as Python objects: a whole number stays exact (pandas' reader makes floats of a column with a
    gap, rounding an id past 2**53, and refuses numbers past 64 bits), a missing key is NaN. A line that is not
    a JSON object that can be read (:func:`read_json_line`) is a ValueError, which :func:`iter_table` says in
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


def _compression_of(file: Path) -> str | None:
    """pandas' name of the compression that ``file``'s suffix says (None: uncompressed)."""
    found = COMPRESSION.get(file.suffix.lower())
    return found.pandas if found else None


def _head(file: Path, compression: str | None, size: int = HEAD_SIZE) -> bytes | None:
    """The first ``size`` bytes of the (decompressed) file, a zip archive's one member's, without a byte-order
    mark; None when it is not read here (:func:`_raw_handle`)."""
    try:
        handle = _raw_handle(file, compression)
        if handle is None:
            return None
        with handle:
            return handle.read(size).removeprefix(b"\xef\xbb\xbf")
    except DataError:
        raise
    except Exception as exc:
        _raise_if_damaged(exc, file, compression)
        raise


def _check_decompresses(file: Path, compression: str | None) -> None:
    """Raise :func:`_cannot_decompress` if ``file`` (of a compression read here) does not decompress to its end."""
    if compression is None:
        return
    try:
        handle = _raw_handle(file, compression)
        if handle is None:
            return
        with handle:
            while handle.read(1 << 20):
                pass
    except DataError:
        raise
    except Exception as exc:  # else the error found first is the one to say
        _raise_if_damaged(exc, file, compression)


# the compressions whose bytes are read here too (.zst where the optional zstandard is installed, as pandas needs)
_RAW_HANDLES = (None, "gzip", "bz2", "xz", "zip", "zstd")


def _raw_handle(file: Path, compression: str | None):
    """``file`` opened for reading its (decompressed) bytes: a zip archive's one member (:func:`_zip_member`);
    None for .zst without the optional package zstandard (which pandas then asks for)."""
    if compression == "zip":
        return _zip_member(file)
    opener = _opener(compression)
    return opener(file, "rb") if opener is not None else None


def _zip_member(file: Path):
    """The one file of the zip archive ``file``, opened for reading in binary (its folders are no files: a
    folder zipped whole holds its file and the folder); a DataError if it holds none or several, or is
    damaged."""
    import zipfile

    try:
        with zipfile.ZipFile(file) as archive:  # the member keeps the archive's file open until it is closed
            names = [name for name in archive.namelist() if not name.endswith("/")]
            if len(names) != 1:
                listed = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
                raise DataError(f"{file} holds {len(names)} files{f' ({listed})' if names else ''}; give a zip "
                                "archive of one table, or unzip it and give the file")
            return archive.open(names[0])
    except Exception as exc:  # damaged, or encrypted: said in words
        _raise_if_damaged(exc, file, "zip")
        raise


def _zip_file_size(file: Path) -> int:
    """The uncompressed size of the files in the zip archive ``file`` (its one table, :func:`_zip_member`)."""
    import zipfile

    with zipfile.ZipFile(file) as archive:
        return sum(info.file_size for info in archive.infolist() if not info.is_dir())


def _raise_if_damaged(exc: BaseException, file: Path, compression: str | None) -> None:
    """Raise :func:`_cannot_decompress` if ``exc``, raised while ``file`` was read, says it does not decompress
    (or a DataError if it says the zip archive is encrypted)."""
    if compression == "zip" and isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        raise DataError(f"{file} is an encrypted zip archive; unzip it (with its password) and give the file "
                        "inside") from None
    if _decompression_failed(exc, compression):
        raise _cannot_decompress(file, exc) from None


def _decompression_failed(exc: BaseException, compression: str | None) -> bool:
    """Whether ``exc``, raised while a file of this (pandas-named) compression was read, says that it does not
    decompress: cut short (EOFError), corrupt (lzma, zlib, zstandard errors; a bad gzip header or CRC, a bad bz2
    stream: OSErrors without an errno, unlike a failed read)."""
    import lzma
    import zipfile
    import zlib

    if compression is None or isinstance(exc, DataError):
        return False
    return (isinstance(exc, (EOFError, lzma.LZMAError, zlib.error, zipfile.BadZipFile))
            or (isinstance(exc, OSError) and exc.errno is None) or type(exc).__name__ == "ZstdError")


def _cannot_decompress(file: Path, exc: BaseException) -> DataError:
    """The error of a file that does not decompress as its suffix says it should."""
    kind = COMPRESSION[file.suffix.lower()].name if file.suffix.lower() in COMPRESSION else "compressed"
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return DataError(f"cannot decompress {file} as {kind} ({reason}); the file is cut short or damaged, or its "
                     "extension does not name its compression: copy it again or decompress it yourself")


def _holds_json_array(file: Path, compression: str | None) -> bool:
    """Whether a ``.json`` file (not JSON Lines by name) starts with ``[``: one array of records."""
    name = file.name.lower()
    if compression is not None:
        name = name.rsplit(".", 1)[0]
    head = _head(file, compression) if name.endswith(".json") else None
    return head is not None and head.lstrip(b" \t\r\n").startswith(b"[")


HEADER_LIMIT = 1 << 20  # bytes read at most to find a table's header row (a wider one is left to pandas)


def _header_line(file: Path, compression: str | None, skip: int = 0) -> tuple[bytes | None, int]:
    """The header row of a table: the first line that is not blank (pandas skips blank lines, spaces only too;
    with ``skip``, the one after as many such lines), without its line end (``\\n``, ``\\r\\n``, or ``\\r``
    alone, as classic Mac OS and some spreadsheet exports end lines), read from as many of the file's first
    bytes as it takes (a wide table's header is longer than :data:`HEAD_SIZE`), and the number of lines
    before it; None (and 0) when none is found within :data:`HEADER_LIMIT` bytes, or the file is not read here."""
    size = HEAD_SIZE
    while compression in _RAW_HANDLES and size <= HEADER_LIMIT:
        handle = _raw_handle(file, compression)
        if handle is None:  # .zst without zstandard
            break
        with handle:
            raw = handle.read(size)
        complete = len(raw) < size  # the whole file was read; else its last line may be cut
        lines = re.split(rb"\r\n|\r|\n", raw.removeprefix(b"\xef\xbb\xbf"))
        filled = [i for i, line in enumerate(lines if complete else lines[:-1]) if line.strip()]
        if len(filled) > skip or complete:
            return (lines[filled[skip]], filled[skip]) if len(filled) > skip else (None, 0)
        size *= 16
    return None, 0


def _lines_to_skip(file: Path, head: bytes | None, header: bytes | None, before: int, one_column: bool) -> int:
    """The ``skiprows`` that bring pandas to the header row, ``before`` lines down (:func:`_csv_layout`). pandas
    counts lines that end in a carriage return alone (classic Mac OS) otherwise than it counts others where
    blank lines come first, so there it skips the "sep=" line alone and then the blank lines itself (as it
    skips blank lines); a one-column table, whose blank lines are empty texts, is refused so."""
    first_end = re.search(rb"\r\n|\r|\n", head or b"")
    if not before or first_end is None or first_end.group() != b"\r" or header is None:
        return before
    named = 1 if _SEPARATOR_LINE.fullmatch(head[:first_end.start()]) else 0  # Excel's "sep=" line first, as _csv_layout reads it
    if before == named:  # no blank line before the header: counted alike
        return before
    if one_column:
        raise DataError(f"{file} ends its lines with a carriage return alone (as classic Mac OS did) and has blank "
                        "lines before its header row; remove those lines, or save it with LF or CRLF line ends")
    return named


# The first line that spreadsheets (Excel) write to name a CSV file's separator: "sep=;".
_SEPARATOR_LINE = re.compile(rb"sep=([^\r\n])\s*")


def _csv_layout(file: Path, compression: str | None, fmt: str) -> tuple[str, bytes | None, int]:
    """The separator of a .csv or .tsv table, its header row and the number of lines before it (blank ones,
    or a first line ``sep=;`` that names the separator, as Excel writes it); else a .csv file's separator is
    :func:`_csv_separator`'s and a .tsv file's a tab."""
    first, before = _header_line(file, compression)
    named = _SEPARATOR_LINE.fullmatch(first) if first is not None else None
    if named is not None and before == 0:  # on the very first line
        header, before = _header_line(file, compression, skip=1)
        return named.group(1).decode("latin-1"), header, before if header is not None else 1
    return (_csv_separator(first) if fmt == "csv" else "\t"), first, before


_DECIMAL_COMMA = re.compile(r"\s*[-+]?\d*,\d+\s*")  # "1,5", ",5": a number where the comma is the decimal mark


def _separated_by_semicolons(file: Path) -> bool:
    """Whether ``file`` is a .csv table separated by ``;`` (:func:`_csv_separator`), as spreadsheets write CSV
    where the comma is the decimal mark, so that its numbers may be written so too."""
    if table_format(file) != "csv":
        return False
    return _csv_layout(file, _compression_of(file), "csv")[0] == ";"


def _csv_separator(header: bytes | None) -> str:
    """The separator of a .csv file by its ``header`` row (:func:`_header_line`): ``,`` where it parts the row in
    columns; else a tab where one does (a tab-separated file named .csv), or ``;`` (as spreadsheets write CSV
    where the comma is the decimal mark). Quoted names are read whole: ``"review, full";label`` is parted by
    the semicolon."""
    header = header or b""
    return next((separator for separator in (",", "\t", ";")
                 if separator.encode() in header and len(_header_names(header, separator)) > 1), ",")


_QUOTE_ADVICE = {"csv": "put each text that holds the separator in double quotes (\"Good, really good\"), as "
                         "spreadsheets and pandas' to_csv write it",
                 "tsv": "put each text that holds a tab in double quotes, as pandas' to_csv writes it"}


def _without_implicit_index(reader, file: Path, separator: str, chunksize: int | None):
    """``reader`` (a DataFrame, or an iterator of them), refusing a table whose first data row has more values
    than its header: pandas would silently take the extra leading values as the row labels (an index),
    dropping the start of each text ("Good, really good" read as " really good")."""
    import pandas as pd

    def checked(frame):
        if not isinstance(frame.index, pd.RangeIndex):
            trailing = len(frame) and len(frame.columns) and pd.isna(frame.iloc[0, -1])  # "a,b," under "x,y"
            advice = _QUOTE_ADVICE['tsv' if separator == chr(9) else 'csv']
            raise DataError(f"cannot parse {file}: data row 1 has more values than the header" + (
                f", the last of them empty: if the rows end with a separator ({separator!r}), remove it or name that "
                f"column in the header; otherwise {advice}" if trailing else f"; {advice}"))
        return frame

    return checked(reader) if chunksize is None else map(checked, reader)


def _without_trailing_blanks(reader, chunksize: int | None):
    """``reader`` (a DataFrame, or an iterator of them) of a one-column table without the empty rows at its
    end: blank lines after the last text are the file's end, not empty texts (a chunk's trailing empty rows
    wait for the next chunk, which takes them back if it holds a text)."""
    import pandas as pd

    def trimmed(frame):
        column = frame.iloc[:, 0] if len(frame.columns) else pd.Series([], dtype=object)
        filled = (column.notna() & column.astype(str).str.strip().astype(bool)).to_numpy().nonzero()[0]  # spaces: blank
        end = int(filled[-1]) + 1 if len(filled) else 0
        return frame.iloc[:end], frame.iloc[end:]

    if chunksize is None:
        return trimmed(reader)[0]

    def chunks():
        pending = None
        for frame in reader:
            if pending is not None and len(pending):
                frame = pd.concat([pending, frame])
            frame, pending = trimmed(frame)
            yield frame  # empty too: iter_table says what an empty table lacks
    return chunks()


def _check_quotes(file: Path, compression: str | None, separator: str, one_column: bool = False) -> None:
    """Refuse a CSV or TSV table whose quotes are not all well formed: a quote that opens a value and is never
    closed (``"Hello there,neg``) makes pandas join the rows after it into that value, silently, up to a later
    quote; and one that closes a value before its end (``"Great" said nobody``) is dropped, the text changed.
    A value quoted as pandas and ``predict --output`` write it (its quotes doubled) may hold anything. Refuse
    also a lone carriage return outside quotes where pandas would cut a row there (:func:`_first_bad_line`)."""
    bad = _first_bad_line(file, compression, separator, one_column, *_version_of(file))
    if bad is None:
        return
    line, problem = bad
    if compression is not None:  # a damaged compressed file reads as garbage: that is what to say
        _check_decompresses(file, compression)
    kind = "tsv" if separator == "\t" else "csv"
    if problem == "carriage return":
        raise DataError(f"cannot parse {file}: line {line} holds a carriage return (\\r) outside quotes, where its "
                        "rows end with line feeds, so the reader would cut that row in two there; remove the \\r "
                        "(tr -d '\\r'), or put the text that holds it in double quotes")
    if problem == "blank rows":
        raise DataError(f"cannot parse {file}: line {line} ends with \\r\\r\\n (a Windows line end written again), so "
                        "this table of one column would read a blank text after each row; end its lines with \\r\\n "
                        "or \\n (tr -d '\\r')")
    raise DataError(f"cannot parse {file}: the value that starts with a quote (\") on line {line} does not end with "
                    "one before the next separator or line end, so the reader would change the text or join rows "
                    f"into it; close or remove the quote, or {_QUOTE_ADVICE[kind]}, its own quotes doubled "
                    '("""Great"" said nobody")')


def _version_of(file: Path) -> tuple[int, int]:
    """The file's modification time and size: a key that changes when it is written again."""
    stat = file.stat()
    return stat.st_mtime_ns, stat.st_size


_LONE_CR = re.compile(rb"\r(?!\n)")


def _holds_lone_cr(file: Path, compression: str | None) -> bool:
    """Whether the (decompressed) bytes of ``file`` hold a carriage return that no line feed follows: a quick
    scan, so that the line-by-line reading of :func:`_first_bad_line` is for such files only."""
    with _raw_handle(file, compression) as raw:
        carried = False  # the chunk before ended with "\r"
        while chunk := raw.read(2**20):
            if carried and not chunk.startswith(b"\n"):
                return True
            lone = _LONE_CR.search(chunk) if b"\r" in chunk else None
            if lone is not None and lone.end() < len(chunk):  # (one that ends the chunk: see the next chunk)
                return True
            carried = chunk.endswith(b"\r")
        return carried


@functools.lru_cache(maxsize=8)
def _first_bad_line(file: Path, compression: str | None, separator: str, one_column: bool, modified: int,
                    size: int) -> tuple[int, str] | None:
    """The first line that :func:`_check_quotes` refuses and why, lines counted as an editor counts them (by line
    feeds, or by carriage returns in a file of those alone); None when all are well formed, or when the file
    cannot be read as UTF-8 text (said by the reader). Read once per version of a file (``modified``, ``size``).

    - ``"quote"``: the line on which the first value starts whose quotes the csv module's strict reading refuses
      (a quote that opens a value must close it, before a separator or the line's end, or be doubled inside it).
    - ``"carriage return"``: a row (outside quotes) that ends at a lone ``\\r`` and a row after it, in a file whose
      rows end at line feeds: pandas would cut the row there, where the writer ended it at the line feed. A file
      of ``\\r`` rows (Excel for Mac, which writes line feeds inside quoted values) reads as its rows, also with
      a line feed after its header, its last row or a row added by hand: the row ends of the majority decide
      (so a tiny table, one of whose texts holds more stray ``\\r`` than the table has rows, reads as \\r rows).
    - ``"blank rows"``: in a table of one column (``one_column``), rows that end with ``\\r\\r\\n``: pandas would
      read a blank text after each (a table of several columns skips blank lines)."""
    import csv

    try:
        if not _holds_lone_cr(file, compression):  # (LF or CRLF line ends: the csv module counts lines right)
            return _first_bad_quote(file, compression, separator)
    except Exception:  # not readable, damaged: said by the reader, in its words
        return None
    last = [""]  # the line the reader took last
    feeds = 0  # line feeds the reader is done with

    def taken(handle):
        nonlocal feeds
        for line in handle:
            last[0] = line
            yield line
            feeds += line.endswith("\n")

    starts = 1  # the line on which the next row starts
    lf_rows = cr_rows = 0  # rows ending at a line feed, at a lone "\r"
    cut = blank_after = None  # the line of the first row cut by a lone "\r" from a row pandas keeps; from a blank row
    cr_before = None  # the line of the row before, where it ended at a lone "\r"

    def of_feeds() -> bool:
        """Whether the file's rows end at line feeds, not at \\r (Excel for Mac's, with perhaps a line feed after
        the header, the last row or a row added by hand): more of them end at a line feed than at a \\r."""
        return lf_rows > cr_rows

    try:
        with _csv_text(file, compression) as handle:
            if handle is None:
                return None
            reader = csv.reader(taken(handle), delimiter=separator, strict=True)
            for row in reader:
                if cr_before is not None:
                    if row or one_column:
                        cut = cut or cr_before
                    if not row and last[0] == "\r\n":
                        blank_after = blank_after or cr_before
                ending = last[0][-1:]
                lf_rows += ending == "\n"
                cr_rows += ending == "\r"
                by_feeds = feeds + (ending == "\n")  # lines ended so far, by line feeds
                cr_before = by_feeds + 1 if ending == "\r" else None
                starts = by_feeds + 1 if lf_rows else reader.line_num + 1
            if one_column and blank_after is not None:  # (\r\r\n: rows of line feeds, said more exactly)
                return blank_after, "blank rows"
            if cut is not None and of_feeds():
                return cut, "carriage return"
    except csv.Error:
        if cut is not None and of_feeds():  # the cut comes first
            return cut, "carriage return"
        return starts, "quote"
    except Exception:  # not UTF-8, a damaged compressed file: said by the reader, in its words
        return None
    return None


def _first_bad_quote(file: Path, compression: str | None, separator: str) -> tuple[int, str] | None:
    """:func:`_first_bad_line` for a file without a lone ``\\r``: the quote whose value the csv module refuses."""
    import csv

    start = 1
    try:
        with _csv_text(file, compression) as handle:
            if handle is None:  # .zst: pandas alone reads it
                return None
            reader = csv.reader(handle, delimiter=separator, strict=True)
            for _ in reader:
                start = reader.line_num + 1
    except csv.Error:
        return start, "quote"
    except Exception:  # not UTF-8, a damaged compressed file: said by the reader, in its words
        return None
    return None


def _line_of_record(file: Path, compression: str | None, separator: str, record: int) -> int | None:
    """The line of the file on which its ``record``-th row starts (the header is row 1, a blank line a row, a
    value in quotes may hold line breaks: pandas numbers rows so), or None where the csv module cannot read
    that far."""
    import csv

    start = 1
    try:
        with _csv_text(file, compression) as handle:
            if handle is None:
                return None
            reader = csv.reader(handle, delimiter=separator)
            for number, _ in enumerate(reader, 1):
                if number == record:
                    return start
                start = reader.line_num + 1
    except Exception:  # not UTF-8, damaged: the row's number is said instead
        return None
    return None


@contextlib.contextmanager
def _csv_text(file: Path, compression: str | None):
    """:func:`_text_stream` for the csv module, which meanwhile reads a value as long as pandas reads one (its
    default limit: 131,072 characters)."""
    import csv

    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        with _text_stream(file, compression) as handle:
            yield handle
    finally:
        csv.field_size_limit(limit)


@contextlib.contextmanager
def _text_stream(file: Path, compression: str | None):
    """The (decompressed) UTF-8 text of ``file`` as a stream for the csv module (None for a compression read
    only through pandas); a zip archive's one member (:func:`_raw_handle`)."""
    raw = _raw_handle(file, compression)
    if raw is None:
        yield None
        return
    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle:
        yield handle


def _check_not_compressed(file: Path) -> None:
    """Refuse a compressed file whose name lacks the compression suffix (``train.csv`` holding gzip), which
    would otherwise be read as text and reported as not UTF-8."""
    with open(file, "rb") as handle:
        suffix = compression_in(handle.read(16))
    if suffix is not None:
        raise DataError(f"{file} is {COMPRESSION[suffix].name}-compressed but its name does not say so; name it "
                        f"{file.name}{suffix} (e.g. mv {file} {file}{suffix}) so it is decompressed when read")


def compression_in(head: bytes) -> str | None:
    """The suffix (a key of :data:`COMPRESSION`) of the compression whose mark the first bytes ``head`` of a file
    start with (gzip's, bzip2's ...); None for none."""
    return next((suffix for suffix, found in COMPRESSION.items() if re.match(found.magic, head)), None)


def _header_names(header: bytes, separator: str) -> list[str]:
    """The column names of a table's ``header`` row (:func:`_header_line`), quoted ones read whole
    (``"review, full"`` is one name)."""
    import csv

    return next(csv.reader([header.decode("utf-8", "replace")], delimiter=separator), [])


def blank_header_names(path: str | Path, columns: Sequence[str]) -> dict[str, str]:
    """The ``columns`` that pandas named ``Unnamed: N`` for an empty cell of a .csv or .tsv table's header row
    (the index column that pandas itself writes, or a spreadsheet's unnamed column) -> that cell as written,
    so that a table written back keeps its header row as it was; {} for other formats, or where the header row
    is not read here."""
    file = existing_file(path)
    fmt = table_format(file, trees=False)
    if fmt not in ("csv", "tsv"):
        return {}
    separator, header, _ = _csv_layout(file, _compression_of(file), fmt)
    cells = _header_names(header, separator) if header is not None else []
    if len(cells) != len(columns):
        return {}
    return {name: cell for i, (name, cell) in enumerate(zip(columns, cells)) if not cell.strip() and name == f"Unnamed: {i}"}


def _check_named_once(names: list[str], what: str) -> None:
    """Refuse column ``names`` (of ``what``: a file, its header row) that name a column twice: which of them
    holds the texts (or labels) would be a silent choice."""
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        raise DataError(f"{what} names the column {twice!r} {names.count(twice)} times; give every column its own name")


def _check_unique_header(file: Path, header: bytes | None, separator: str) -> None:
    """Refuse a ``header`` row (:func:`_header_line`) that names a column twice: pandas would read the second as
    ``name.1``, so which of them holds the texts (or labels) would be a silent choice."""
    if header is None:  # a header row longer than the bytes read: left to pandas
        return
    names = _header_names(header, separator)
    _check_named_once([name for name in names if name.strip()], f"{file}: its header row")  # blank: pandas numbers them


def _check_text(file: Path, head: bytes | None) -> None:
    """Refuse a file whose start (``head``, :func:`_head`) is largely NUL bytes: UTF-16 text without a byte-order
    mark (every other byte of English text is 0) or a binary file, which a reader would otherwise misread column
    by column."""
    if head and head.count(b"\0") > len(head) // 4:
        encoding = bom_encoding(head) or utf16_without_bom(head)
        raise DataError(f"{file} is not UTF-8 text (a quarter or more of its first bytes are NUL: {encoding.upper()} "
                        f"text, or not text at all); re-encode text, {reencode_hint(encoding)}")


def utf16_without_bom(start: bytes) -> str:
    """The byte order of UTF-16 text without a byte-order mark, whose every other byte is NUL (ASCII text):
    "utf-16be" where the first byte is NUL and the second not, else "utf-16le"."""
    return "utf-16be" if start[:1] == b"\0" and start[1:2] not in (b"\0", b"") else "utf-16le"


def bom_encoding(start: bytes) -> str | None:
    """UTF-32 or UTF-16 by the byte-order mark at ``start`` (UTF-32's little-endian one begins as UTF-16's does)."""
    if start[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "utf-32"
    return "utf-16" if start[:2] in (b"\xff\xfe", b"\xfe\xff") else None


def _parquet_chunks(file: Path, columns, chunksize, compression: str | None = None):
    import contextlib

    import pyarrow.parquet as pq

    with contextlib.ExitStack() as stack:
        with open(file, "rb") as handle:
            plain = handle.read(4) == b"PAR1"  # a Parquet file under a compression suffix: read as it is
        source = file if compression is None or plain else stack.enter_context(_decompressed(file, compression))
        try:
            parquet = pq.ParquetFile(source)
        except Exception as exc:  # pyarrow raises its own error types
            raise DataError(f"cannot read {file} as Parquet ({exc}); check the file") from None
        yield from _parquet_batches(parquet, file, columns, chunksize)


def _decompressed(file: Path, compression: str):
    """An unnamed temporary file holding ``file`` decompressed (Parquet is read by seeking, so it cannot be
    read from a decompressing stream); a DataError when the file does not decompress."""
    import shutil
    import tempfile

    spool = tempfile.TemporaryFile()
    try:
        if compression == "zip":
            import zipfile

            archive = zipfile.ZipFile(file)
            names = [name for name in archive.namelist() if not name.endswith("/")]  # folders are no files
            if len(names) != 1:
                raise DataError(f"{file} holds {len(names)} files; give a zip archive of one Parquet file")
            stream = archive.open(names[0])
        else:
            stream = _raw_handle(file, compression)
            if stream is None:  # .zst without the optional zstandard: iter_table gives its one-line advice
                raise ImportError("zstandard")
        with stream:
            shutil.copyfileobj(stream, spool, 1 << 20)
    except Exception as exc:  # gzip, bz2, lzma, zipfile and zstandard each raise their own errors
        spool.close()
        if isinstance(exc, (ImportError, DataError)):  # their own one-line messages
            raise
        raise _cannot_decompress(file, exc) from None
    spool.seek(0)
    return spool


def _parquet_batches(parquet, file: Path, columns, chunksize):
    names = parquet.schema_arrow.names
    _check_named_once(names, str(file))
    missing = [c for c in columns or [] if c not in names]
    if missing:
        raise missing_columns(file, missing, names, columns)
    wanted = list(columns) if columns is not None else None
    if not parquet.metadata.num_rows:
        raise DataError(f"{file} has columns but no rows; give at least one row")
    index = (parquet.schema_arrow.pandas_metadata or {}).get("index_columns", [])
    if chunksize is None:
        yield _columns(_indexed_columns(parquet.read(columns=wanted), index, 0), columns, file)
        return
    done = 0
    for batch in parquet.iter_batches(batch_size=chunksize, columns=wanted):
        yield _columns(_indexed_columns(batch, index, done), columns, file)
        done += batch.num_rows


def _indexed_columns(table, index: list, first_row: int):
    """A Parquet table (or batch, whose first row is the file's ``first_row``) as a frame, with the columns that
    pandas wrote as the frame's index (``df.set_index("id").to_parquet``; ``index``: pandas' metadata of them)
    first among the others. A named range index, which the file keeps as its start and step alone ("id" of
    1, 2, 3, ...), is rebuilt as a column; an unnamed index (``__index_level_0__``, or a range) is left out, as
    pandas keeps it as the index. Every column is read as Arrow holds it, the index's too: an integer column
    with gaps stays whole numbers (and None), not floats that round ids past 2**53 (pandas rebuilds an index
    of them as floats)."""
    import pandas as pd

    frame = table.to_pandas(integer_object_nulls=True, ignore_metadata=True)
    first = []
    for column in index:
        if isinstance(column, dict) and column.get("kind") == "range" and column.get("name") is not None:
            name, start, step = str(column["name"]), int(column["start"]), int(column["step"])
            if name not in frame.columns:  # (a column of that name is the file's own)
                values = start + step * (first_row + np.arange(len(frame), dtype=np.int64))
                frame.insert(0, name, pd.Series(values, index=frame.index))
                first.append(name)
        elif isinstance(column, str) and column in frame.columns:
            if re.fullmatch(r"__index_level_\d+__", column):
                frame = frame.drop(columns=[column])
            else:
                first.append(column)
    return frame[first + [name for name in frame.columns if name not in first]]


def _columns(frame, columns, file):
    if columns is None:
        return frame
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise missing_columns(file, missing, list(frame.columns), columns)
    return frame[list(columns)]


def not_utf8_error(file: Path) -> DataError:
    """The error for a file that is not UTF-8, with the command that converts it."""
    return DataError(f"{file} is not UTF-8 text; re-encode it, {reencode_hint(_encoding_guess(file))}")


def _encoding_guess(file: Path) -> str:
    """The encoding to name in advice on a file that is not UTF-8: UTF-32 or UTF-16 by the byte-order mark of its
    (decompressed) text; else cp1252 where its first bytes hold one of 0x80-0x9F after a plain ASCII one (where
    UTF-8 has none: it continues a character there), Windows' curly quotes, dashes and euro sign, which latin1
    reads as control characters; else latin1."""
    try:
        head = _head(file, _compression_of(file), HEAD_SIZE * 16) if file.is_file() else None
    except Exception:  # damaged: said elsewhere; the advice stays general
        head = None
    head = head or b""
    return bom_encoding(head[:4]) or ("cp1252" if re.search(rb"(?:^|[\x00-\x7f])[\x80-\x9f]", head) else "latin1")


COLUMN_OPTIONS = ("--text-column", "--label-column")  # by position in the requested columns


def missing_columns(file, missing, present, requested=None, aspect_model: bool = False) -> DataError:
    """The error for a table without the ``missing`` columns, with the flags that name others (and, for a table
    of aspect data read for another than an ``aspect_model``, the task that reads it)."""
    requested = list(requested or missing)
    options = [COLUMN_OPTIONS[requested.index(c)] for c in missing if requested.index(c) < len(COLUMN_OPTIONS)]
    which = " / ".join(options) or "--text-column"
    if any("\t" in str(column) for column in present):  # a TSV file named .csv
        return DataError(f"{file} has no column {', '.join(map(repr, missing))}, and its header holds tabs: "
                         "it looks tab-separated; name it .tsv")
    if "aspects" in map(str, present) and not aspect_model:  # SemEval-style aspect data read as a table of labels
        which += ", or for aspect data use an aspect model (--task aspect)"
    return MissingColumnsError(
        f"{file} has no column {', '.join(map(repr, missing))}; its columns are: {column_list(present)}; name the "
        f"right one with {which}", missing, present)


def column_list(names, most: int = 20) -> str:
    """A table's column names for a message: plain where they are words, quoted (and cut short) where spaces, other
    characters or their length would hide what they are (" text ", a second byte-order mark, a first row of text
    read as the header); the first ``most`` of them."""
    names = list(names)
    shown = [str(n) if re.fullmatch(r"[\w.-]{1,40}", str(n)) else short_repr(str(n)) for n in names[:most]]
    more = f", ... ({len(names)} in all)" if len(names) > most else ""
    return ", ".join(shown) + more if shown else "none"


def read_labelled(path: str | Path, text_column: str = "text", label_column: str = "label",
                  fmt: str | None = None, phrases: bool = False, separator: str | None = None,
                  binary: bool = False, every_sentence: bool = False, guess_separator: bool = True
                  ) -> tuple[list[str], list]:
    """Texts and labels from a table or from SST trees; rows with missing values are an error.

    With a ``separator``, each label cell holds several labels joined by it (``"admiration;joy"``),
    and every label becomes a tuple of labels. ``phrases`` and ``binary`` (SST-2: neutral dropped,
    0 negative, 1 positive) and ``every_sentence`` (each tree's sentence, repeated ones too, as a scorer
    counts them) apply to SST trees, see :func:`~sentiment.sst.read_sst_trees`.
    """
    file = existing_file(path)
    fmt = fmt or table_format(file)
    if fmt == "sst":
        if separator is not None:
            raise DataError(f"{file} holds SST trees, which give one label per text: they suit a model of one label "
                            "per text (fit without --multi-label)")
        from .sst import read_sst_trees  # which reads its files through this module

        return read_sst_trees(file, phrases=phrases, binary=binary, every_sentence=every_sentence)
    for flag, given in (("--phrases", phrases), ("--binary", binary)):
        if given:
            raise DataError(f"{flag} applies to SST trees (.txt), and {file} is a table; leave {flag} out")
    if text_column == label_column:
        raise DataError(f"the text and label columns are both {text_column!r}; give the label column another name "
                        "(label_column=..., --label-column)")
    frame = read_table(file, [text_column, label_column], fmt=fmt)  # a table without rows is refused there
    for column, what in ((text_column, "text"), (label_column, "label")):
        blank = blank_cells(frame[column])
        if blank.any():
            rows = (np.flatnonzero(blank) + 1).tolist()
            shown = ", ".join(map(str, rows[:5])) + (" ..." if len(rows) > 5 else "")
            raise DataError(
                f"{file}: {len(rows)} row(s) have no {what} in column {column!r} (data rows {shown}); drop or fill them"
            )
    again = repeated_header_rows(frame, [label_column, text_column])  # (labels first: short)
    if again:  # its label would become a class named after the column
        raise DataError(f"{file}: data row {again[0] + 1} repeats the header row ({text_column!r}, {label_column!r}), "
                        "as files joined with their header rows do; drop that row")
    values = [label_list_of(v) for v in frame[label_column].tolist()]  # "['joy', 'anger']": a list of labels
    if separator is not None:
        labels = split_labels(values, separator, f"{file} column {label_column!r}", guess_separator)
    else:
        _check_no_label_lists(values, file, label_column)
        labels = _parse_labels(values)
    return text_values(frame[text_column], file, text_column), labels


def blank_cells(values) -> np.ndarray:
    """Which cells of a table column (pandas) are missing or blank."""
    return (values.isna() | values.astype(str).str.strip().eq("")).to_numpy()


def check_no_blank(blank: np.ndarray, source, column: str, before: int = 0, skip_flag: bool = False) -> None:
    """Refuse a table column with a missing or blank text (``blank``: :func:`blank_cells`), naming its data row
    (``before``: rows of earlier chunks); ``skip_flag``: say that predict's --skip-blank passes over it."""
    if blank.any():
        row = before + int(blank.argmax()) + 1
        skip = " (or give --skip-blank to write such rows unpredicted)" if skip_flag else ""
        raise DataError(f"{source}: data row {row} has no text in column {column!r}; drop or fill it{skip}")


def repeated_header_rows(frame, columns: list | None = None) -> list[int]:
    """The rows (from 0) of ``frame`` whose cell in each of ``columns`` is that column's name, spaces and Excel's
    byte-order mark aside ("text, label" names the column " label"; an export joined after another keeps its
    mark): a header row repeated where two files were joined. ``columns``: by default every column but those
    pandas named "Unnamed: 2" (their header cell was empty); fewer than two give none (a text that is the one
    column's name is a text)."""
    if columns is None:
        columns = [name for name in frame.columns if not re.fullmatch(r"Unnamed: \d+", str(name))]
    if len(columns) < 2:
        return []
    same = np.ones(len(frame), dtype=bool)
    for name in sorted(columns, key=lambda column: frame[column].dtype == object):  # numbers first: cheap
        spelt = str(name).strip().lstrip("\ufeff").strip()
        same &= (frame[name].astype(str).str.strip().str.lstrip("\ufeff").str.strip() == spelt).to_numpy()
        if not same.any():  # (most chunks: after their first column)
            return []
    return np.flatnonzero(same).tolist()


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


def text_values(column, file, name: str, before: int = 0) -> list[str]:
    """The texts of a table's column (no value missing) as strings; a value of another type that JSON or
    Parquet can hold (a list, an object, a number) is refused, naming its data row (``before``: rows of
    earlier chunks), rather than read as its Python spelling."""
    values = column.tolist()
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise DataError(f"{file}: data row {before + i + 1} of column {name!r} holds {with_article(json_kind(value))}, "
                            "not a text; write every text as a string")
    return values


def joined_label(values: list) -> tuple[int, str] | None:
    """``(index, label)`` of the first label that joins others by ``;`` ("joy;surprise" beside "joy" and
    "surprise": several labels of one text written as one), or None."""
    joined = [(i, v) for i, v in enumerate(values) if isinstance(v, str) and LABEL_SEPARATOR in v]
    whole = {str(v).strip() for v in values} if joined else set()  # most label columns hold no ';' at all
    return next(((i, text) for i, text in joined if whole.issuperset(p.strip() for p in text.split(LABEL_SEPARATOR))),
                None)


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


def looks_like_trees(path) -> bool:
    """Whether the first line that is not blank is a tree, ``(...)``, or opens one with its root's label
    (``(3``, of a tree spread over lines, whose reader says what is wrong); read as bytes, so that trees in another
    encoding than UTF-8 are trees whose reader says so (not a file of no known format)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(2)
            if head in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 (PowerShell's `>`): its reader says to re-encode it
                text = (head + handle.read(4096)).decode("utf-16", errors="replace")
                first = next((line.strip() for line in text.splitlines() if line.strip()), "")
                return first.startswith("(")  # (its reader refuses it whole)
            lines = itertools.chain([(head + handle.readline()).removeprefix(b"\xef\xbb\xbf")], handle)  # lazily
            first = next((line.strip() for line in lines if line.strip()), b"")
    except OSError:
        return False
    # a tree: "(...)", or a root's label opening one spread over lines (a pretty-printed tree) or with text after
    # it, which the reader then names
    return first.startswith(b"(") and (first.endswith(b")") or _TREE_ROOT.match(first) is not None)


_TREE_START = r"\(\s*[0-4]\s*"  # a tree's root: its label, then (below) a child node; "(2 stars) ..." is text
_TREE_ROOT = re.compile((_TREE_START + r"(?:\(|$)").encode())  # a first line that opens a tree (spread over lines)
TREE_LINE = re.compile(_TREE_START + r"\(.*\)")  # a line of SST's PTB trees: "(3 (2 It) (4 ...))"


def existing_file(path: str | Path) -> Path:
    file = Path(path)
    if str(path) == "-":
        raise DataError("a data file cannot be read from stdin ('-'); give its path (`sentiment predict -` reads "
                        "one text per line from stdin)")
    if not file.exists():
        raise DataError(f"file {file} does not exist; check the path")
    if file.is_dir():
        raise DataError(f"{file} is a directory; give a data file")
    if not file.is_file():  # a named pipe or a device: read once, it cannot be sniffed and then read again
        raise DataError(f"{file} is not a regular file (a pipe or a device); write its content to a file and give that")
    return file


def __getattr__(name: str):
    """The checks, splits and SST readers that lived here before 3 December 2026 (``from sentiment.data import
    train_dev_split``), with a DeprecationWarning that names their module now."""
    import importlib
    import warnings

    for module in ("checks", "splits", "sst"):
        moved = importlib.import_module(f"{__package__}.{module}")
        if not name.startswith("_") and hasattr(moved, name):
            warnings.warn(f"sentiment.data.{name} is now sentiment.{module}.{name}; import it from there",
                          DeprecationWarning, stacklevel=2)
            return getattr(moved, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
