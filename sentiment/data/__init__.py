"""Reading labelled data files: their format told by name and first bytes, their columns, texts and labels.

Tables: CSV, TSV, JSON Lines and Parquet, optionally compressed (``.gz``, ``.bz2``, ``.xz``, ``.zst``, ``.zip``),
read with pandas; the Stanford Sentiment Treebank's trees through :mod:`sentiment.sst`. The texts and
labels read are checked by :mod:`sentiment.checks`. pandas is imported only when a file is read.

This module reads tables and their columns; its parts: :mod:`.opening` (compression, first bytes, text
encoding), :mod:`.delimited` (CSV and TSV layout, and where a malformed one fails), :mod:`.json_records`
(JSON Lines and arrays of records), :mod:`.label_cells` (several labels in one cell, numbers written as text).
"""

from __future__ import annotations

import contextlib
import itertools
import re
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from ..checks import WEIGHTS_ARE, is_na, outside_weight_range, short_repr
from ..errors import DataError, MissingColumnsError, with_article
from .delimited import (_QUOTE_ADVICE, _check_named_once, _check_quotes, _check_unique_header, _csv_layout,
                        _header_names, _line_of_record, _lines_to_skip, _without_implicit_index,
                        _without_trailing_blanks, csv_quoting)
from .json_records import (_bad_json_line, _holds_json_array, _json_array, _json_lines, json_kind, json_problem,
                           noting_repeats, read_json_line)
from .label_cells import (LABEL_SEPARATOR, SEPARATORS, _check_no_binary_labels, _check_no_label_lists, _parse_labels,
                          joined_label, label_list_of, split_labels, whole_number)
from .opening import (COMPRESSION, COMPRESSIONS, _check_decompresses, _check_not_compressed, _check_text,
                      _compression_of, _decompressed, _head, _opener, _raise_if_damaged, _zip_file_size, _zip_member,
                      bom_encoding, compression_in, not_utf8_error, utf16_without_bom)

__all__ = [  # what the package offers; its modules hold the rest
    "blank_cells", "blank_header_names", "bom_encoding", "check_no_blank", "column_list", "COLUMN_OPTIONS",
    "COMPRESSION", "compression_in", "COMPRESSIONS", "csv_quoting", "existing_file", "format_of_head", "holds_sst_trees",
    "iter_table", "joined_label", "json_kind", "json_problem", "label_list_of", "LABEL_SEPARATOR", "looks_like_trees",
    "missing_columns", "not_utf8_error", "noting_repeats", "read_json_line", "read_labelled", "read_table",
    "read_weights", "repeated_header_rows", "SEPARATORS", "split_labels", "table_format", "TABLES", "text_values",
    "TREE_LINE", "utf16_without_bom", "whole_number",
]

TABLES = ".csv, .tsv, .jsonl or .parquet (optionally .gz, .bz2, .xz, .zst or .zip)"
SPREADSHEETS = ("xlsx", "xlsm", "xls", "xlsb", "ods")  # workbooks' suffixes: refused, with how to save a sheet as CSV


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


def format_of_head(head: bytes, shown: str = "standard input") -> str:
    """The format (a file suffix: ``csv``, ``tsv``, ``jsonl``, ``json``, ``parquet`` or ``xml``) of a table that
    has no name to tell it (one piped in: ``shown`` names it in errors), from its first bytes ``head``: Parquet's
    mark, a JSON record or array, XML, else a header line of more tabs than commas (TSV) or CSV. Empty or
    compressed input is refused, with advice."""
    if head[:4] == b"PAR1":
        return "parquet"
    compressed = compression_in(head)
    if compressed is not None:
        raise DataError(f"{shown} is {COMPRESSION[compressed].name}-compressed; decompress it into the pipe (e.g. "
                        f"zcat reviews.csv.gz | sentiment predict --input - ...) or give the file's path")
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text:
        raise DataError(f"{shown} is empty; pipe a table into it (sentiment predict --input - --output - < reviews.csv)")
    start = text[:1]
    if start in (b"{", b"["):
        return "jsonl" if start == b"{" else "json"
    if start == b"<":
        return "xml"
    first = text.split(b"\n", 1)[0]
    return "tsv" if first.count(b"\t") > first.count(b",") else "csv"


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
    if suffix in SPREADSHEETS:  # a workbook (a zip archive or a binary file) is no table this package reads
        raise DataError(f"{path} is a spreadsheet workbook, which is not read; save its sheet as CSV (Excel: File > "
                        f"Save As > CSV UTF-8; pandas: pd.read_excel(path).to_csv('data.csv', index=False)) and give "
                        f"that, or another {TABLES} file{or_trees}")
    if suffix == "xml":
        raise DataError(f"{path} is XML, which only aspect models read (SemEval-2014 aspect data): to fit, evaluate or "
                        f"predict with one, give --model DIR of one or, for the shipped one, --task aspect (task=\"aspect\"); "
                        f"otherwise give a {TABLES} file{or_trees}")
    raise DataError(f"cannot tell the format of {path}; use a {TABLES} file{or_trees}")


_JSON_START = re.compile(rb'\s*(?:\[\s*)?\{\s*"')  # a JSON object, or an array of them: '{"text": ...', '[{"text": ...'


def _check_named_format(file: Path, fmt: str, head: bytes | None) -> None:
    """Refuse a table whose first bytes (``head``, :func:`.opening._head`, decompressed) are of another format
    than its name says: Parquet named .csv, .tsv or .jsonl (read as text, it was said to be not UTF-8, with
    advice to re-encode it), or JSON Lines or a JSON array named .csv or .tsv (its keys were read as the names
    of columns); the error names the file as it should be named."""
    if head is None:
        return
    if head.startswith(b"PAR1"):
        found, suffix = "a Parquet file", ".parquet"
    elif fmt in ("csv", "tsv") and _JSON_START.match(head):
        found, suffix = ("a JSON array", ".json") if head.lstrip().startswith(b"[") else ("JSON Lines", ".jsonl")
    else:
        return
    packed = file.suffix if file.suffix.lower() in COMPRESSION else ""  # kept: "train.csv.gz" -> "train.jsonl.gz"
    stem = file.name[:len(file.name) - len(packed)]
    renamed = file.with_name(stem.rsplit(".", 1)[0] + suffix + packed if "." in stem else stem + suffix + packed)
    named = "JSON" if stem.lower().endswith(".json") else "JSON Lines" if fmt == "jsonl" else fmt.upper()
    raise DataError(f"{file} is {found}, not {named} as its name says; "
                    f"name it {renamed.name} (e.g. mv {file} {renamed}) so it is read as what it is")


def read_table(path: str | Path, columns: Sequence[str], fmt: str | None = None):
    """Read a whole table and return a pandas DataFrame with the given ``columns`` (checked)."""
    chunks = list(iter_table(path, columns, fmt=fmt, chunksize=None))
    return chunks[0]


def iter_table(path: str | Path, columns: Sequence[str] | None, fmt: str | None = None, chunksize: int | None = 10_000,
               progress: bool = False) -> Iterator:
    """Yield DataFrames of ``columns`` (all when None), at most ``chunksize`` rows each (all when None).

    Memory stays flat however large the file: rows are parsed chunk by chunk (but for a ``.json`` array of
    records, which is read whole). ``progress`` shows a bar of the bytes read.
    """
    import pandas as pd

    file = existing_file(path)
    fmt = fmt or table_format(file, trees=False)
    compression, head = _check_table_file(file, fmt)
    # opened after the checks, so that none of them leaves it open; of a zip archive its one file, which pandas
    # then reads as it is (pandas refuses an archive that also holds the file's folder)
    member = compression == "zip" and fmt != "parquet"
    handle = _zip_member(file) if member else open(file, "rb")
    unpacked = None if member else compression  # the compression left for pandas to undo
    bar = _reading_bar(file, member) if progress else contextlib.nullcontext()
    separator = None  # of a csv or tsv table, once read (_parse_failure's advice names it)
    try:
        with handle as stream, bar:
            if fmt == "parquet":
                yield from _parquet_chunks(file, columns, chunksize, compression)
                return
            if fmt in ("csv", "tsv"):
                layout = _csv_layout(file, compression, fmt)
                separator = layout[0]
                reader = _csv_reader(stream, file, head, compression, unpacked, chunksize, layout)
            else:
                reader = _json_reader(stream, file, compression, unpacked, chunksize)
            chunks = [reader] if chunksize is None else reader
            yield from _rows_of(chunks, file, fmt, columns, stream, bar if progress else None)
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


def _check_table_file(file: Path, fmt: str) -> tuple[str | None, bytes | None]:
    """Refuse a table file (of format ``fmt``) that :func:`iter_table` cannot read as its name says: SST trees,
    an empty file, a compressed one whose name does not say so, one of another format, one not UTF-8. Its
    compression and its first bytes (:func:`.opening._head`; None for Parquet), for the reading to come."""
    if fmt == "sst":
        raise DataError(f"{file} holds SST trees, not a table of texts; give a .csv, .tsv, .jsonl or .parquet file "
                        "(fit and evaluate read trees)")
    if file.stat().st_size == 0:
        raise DataError(f"{file} is empty; give a file with a header row and at least one row")
    compression = _compression_of(file)
    if compression is None and fmt != "parquet":
        _check_not_compressed(file)
    head = None if fmt == "parquet" else _head(file, compression)  # read once for the checks of its format
    _check_named_format(file, fmt, head)  # before _check_text, whose advice (re-encode it) would not fit
    _check_text(file, head)
    return compression, head


def _reading_bar(file: Path, member: bool):
    """A progress bar of the bytes of ``file`` (of its zip archive's one file, for a ``member``) that
    :func:`_rows_of` moves on to the file's position at each chunk (pandas reads JSON Lines by iterating the
    file, past a wrapped read()); of a compressed file: its compressed bytes, but a zip archive's member, whose
    position counts its own bytes."""
    from tqdm.auto import tqdm

    total = _zip_file_size(file) if member else file.stat().st_size
    return tqdm(total=total, desc="reading", unit="B", unit_scale=True, dynamic_ncols=True, leave=False)


def _csv_reader(stream, file: Path, head: bytes | None, compression: str | None, unpacked: str | None,
                chunksize: int | None, layout: tuple[str, bytes | None, int]):
    """pandas' reader of the csv or tsv table ``stream`` (``file`` opened; ``unpacked``: the compression left
    for pandas to undo), after the checks of its ``layout`` (:func:`.delimited._csv_layout`): chunks of
    ``chunksize`` rows, or one frame when None."""
    import pandas as pd

    separator, header, before = layout
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
    return reader


def _json_reader(stream, file: Path, compression: str | None, unpacked: str | None, chunksize: int | None):
    """The reader of the JSON Lines table or ``.json`` array of records ``stream`` (``file`` opened;
    ``unpacked``: the compression left for pandas to undo): chunks of ``chunksize`` rows, or one frame when
    None."""
    import pandas as pd

    if _holds_json_array(file, compression):  # a .json file may hold one array of records
        frame = _json_array(stream, unpacked, file)
        return frame if chunksize is None else (frame[i:i + chunksize] for i in range(0, len(frame), chunksize))
    if _opener(unpacked) is not None:  # (a zip archive's member: read as it is)
        reader = _json_lines(stream, unpacked, chunksize)
        return next(reader, pd.DataFrame()) if chunksize is None else reader
    # .zst without zstandard: through pandas, which asks for it
    return pd.read_json(stream, lines=True, chunksize=chunksize or None, dtype=False, precise_float=True,
                        compression=unpacked, encoding="utf-8-sig")  # precise: 0.974349 stays so


def _rows_of(chunks, file: Path, fmt: str, columns: Sequence[str] | None, stream, bar):
    """Yield the ``columns`` of each chunk of rows of ``file`` that ``chunks`` holds (read from ``stream``,
    whose position moves the progress ``bar``, when not None); an error if there are none."""
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
        if bar is not None:
            bar.update(max(0, stream.tell() - bar.n))
        yield _columns(chunk, columns, file)
    if not rows:
        if empty is not None and fmt in ("csv", "tsv"):
            _columns(empty, columns, file)  # a header without the columns asked for says so first
            raise DataError(f"{file} has a header but no rows; give at least one row")
        raise DataError(f"{file} holds no rows; give at least one record")


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


_DECIMAL_COMMA = re.compile(r"\s*[-+]?\d*,\d+\s*")  # "1,5", ",5": a number where the comma is the decimal mark


def _separated_by_semicolons(file: Path) -> bool:
    """Whether ``file`` is a .csv table separated by ``;`` (:func:`.delimited._csv_separator`), as spreadsheets
    write CSV where the comma is the decimal mark, so that its numbers may be written so too."""
    if table_format(file) != "csv":
        return False
    return _csv_layout(file, _compression_of(file), "csv")[0] == ";"


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
        which += ", or for aspect data use an aspect model (--model DIR of one, or the shipped one: --task aspect)"
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
        from ..sst import read_sst_trees  # which reads its files through this package

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
    _check_no_binary_labels(values, file, label_column)
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
        raise DataError("a data file cannot be read from stdin ('-') here; give its path (`sentiment predict -` reads "
                        "one text per line from stdin, `sentiment predict --input -` a table)")
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

    if name.startswith("_"):  # a probe (doctest's __wrapped__, copy's __deepcopy__) imports nothing
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for module in ("checks", "splits", "sst"):
        moved = importlib.import_module(f"{__package__.rpartition('.')[0]}.{module}")
        if hasattr(moved, name):
            warnings.warn(f"sentiment.data.{name} is now sentiment.{module}.{name}; import it from there",
                          DeprecationWarning, stacklevel=2)
            return getattr(moved, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
