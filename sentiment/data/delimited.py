"""CSV and TSV tables: their layout (a ``sep=`` line, the separator, lines before the header), and the line
and the reason where one fails to parse (a quote left open, a lone carriage return, a row of the wrong width);
how to write one that reads back as it was (:func:`csv_quoting`)."""

from __future__ import annotations

import contextlib
import functools
import io
import re
from pathlib import Path

from ..errors import DataError
from .opening import HEAD_SIZE, _RAW_HANDLES, _check_decompresses, _raw_handle


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


HEADER_LIMIT = 1 << 20  # bytes read at most to find a table's header row (a wider one is left to pandas)


def _header_line(file: Path, compression: str | None, skip: int = 0) -> tuple[bytes | None, int]:
    """The header row of a table: the first line that is not blank (pandas skips blank lines, spaces only too;
    with ``skip``, the one after as many such lines), without its line end (``\\n``, ``\\r\\n``, or ``\\r``
    alone, as classic Mac OS and some spreadsheet exports end lines), read from as many of the file's first
    bytes as it takes (a wide table's header is longer than :data:`.opening.HEAD_SIZE`), and the number of lines
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


def _header_names(header: bytes, separator: str) -> list[str]:
    """The column names of a table's ``header`` row (:func:`_header_line`), quoted ones read whole
    (``"review, full"`` is one name)."""
    import csv

    return next(csv.reader([header.decode("utf-8", "replace")], delimiter=separator), [])


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
