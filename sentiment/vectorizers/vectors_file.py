"""Reading a word-vectors file that a user gives (``vectors_path``): word2vec text (a ``count size``
header line, then a word and its values per line), word2vec binary (the header, then each word, a
space and its values as little-endian float32) or GloVe text (no header), plain or compressed
(``.gz``, ``.bz2``, ``.xz``, told by the file's suffix).

A directory is read as a saved model of this package whose vectorizer is word2vec (a ``TextVectorizer``
saved by ``sentiment vectorize --vectorizer word2vec --save DIR``, or a pipeline): its word vectors,
trained once, serve other models.

The vectors end up in gensim's ``KeyedVectors``, but the file is read here: a vectors file is the
user's input, and gensim's reader (``KeyedVectors.load_word2vec_format``) takes a line of too few
values as its first value repeated, stops at the header's count when the file holds more, and reads
a word with a space in it as a value. Here every line is checked, a word may hold spaces (GloVe's
840B vectors have ". . ."), and each fault is a one-line DataError that names the line, a word of a
text file that is not UTF-8 too (its bytes read as U+FFFD would merge "café" and "cafè" in latin-1, and
match no text). A binary file's word keeps U+FFFD in place of such bytes, as big published binary files
hold a few cut words; words made alike that way keep the first.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import unicodedata
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

from ..cleaning import NEGATION_MARK, lowercased
from ..errors import ConfigError, DataError, counted, reencode_hint

FORMATS = ("word2vec", "word2vec-binary", "glove")
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}
SNIFF_LINES = 100  # GloVe lines whose length tells the vector size (a word may hold spaces)
CHUNK = 1 << 20
_SEPARATORS = re.compile(r"[ \t]+")


def load_vectors(path, fmt: str = "auto", keep: set[str] | None = None):
    """The word vectors of the file ``path`` as gensim ``KeyedVectors``; ``fmt``: ``"word2vec"``,
    ``"word2vec-binary"``, ``"glove"`` or ``"auto"`` (told from the file). A word given twice keeps its
    first vector, as gensim keeps it. With ``keep``, only the vectors of those words (and of the words whose
    lowercase is one of them: a file's "Paris" and "PARIS" for a lowercased "paris") are kept, so that a big
    file's vectors take no more memory than the words asked for (every line is still read as a word and
    numbers; only the kept vectors are checked for NaN and infinity)."""
    from gensim.models import KeyedVectors

    file = check_source(path, fmt)
    if file.is_dir():
        return _model_vectors(file)
    words, matrix, entries = _read_file(file, str(path), fmt, keep)
    first = {}
    for i, word in enumerate(words):
        first.setdefault(word, i)
    if len(first) < len(words):
        rows = np.fromiter(first.values(), dtype=np.int64, count=len(first))
        matrix = matrix[rows]
    else:
        rows = np.arange(len(words))
    finite = np.isfinite(matrix).all(axis=1)
    if not finite.all():  # a NaN would make every text's features, and a model trained on them, NaN
        bad = int(np.flatnonzero(~finite)[0])
        raise DataError(f"vectors file {path} has NaN or infinite values (or values beyond float32's range, about "
                        f"3.4e38) in {int((~finite).sum())} vector(s), the first for {list(first)[bad]!r} (vector "
                        f"{entries[rows[bad]]}); fix or drop those lines")
    keyed = KeyedVectors(matrix.shape[1], count=0, dtype=np.float32)
    keyed.add_vectors(list(first), matrix)
    return keyed


def first_words(path, fmt: str = "auto", n: int = 3) -> list[str]:
    """The first ``n`` words of the vectors file ``path`` (read no further), e.g. to show what it holds."""
    file = check_source(path, fmt)
    if file.is_dir():
        return list(_model_vectors(file).index_to_key[:n])
    return _read_file(file, str(path), fmt, None, limit=n)[0]


def vector_size(path, fmt: str = "auto") -> int:
    """The number of values per vector of the vectors file (or saved model) ``path``, read from its start."""
    file = check_source(path, fmt)
    if file.is_dir():
        return _model_vectors(file).vector_size
    return _read_file(file, str(path), fmt, None, limit=1)[1].shape[1]


def _read_file(file: Path, path: str, fmt: str, keep: set[str] | None, limit: int | None = None):
    """The words and the vectors (a float32 matrix) of the vectors file ``file`` (named ``path``), and each
    one's place among the file's vectors (from 1)."""
    opener = OPENERS.get(file.suffix.lower(), open)
    if opener is open:
        _check_not_compressed(file, path)
    try:
        with opener(file, "rb") as handle:
            return _read(_Stream(handle), path, fmt, keep, limit)
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        compressed = f" {file.suffix} file" if opener is not open else " file"
        raise DataError(f"cannot read the vectors{compressed} {path} ({exc}); check that it is whole and that its "
                        "suffix names its compression (.gz, .bz2, .xz; none for a plain file)") from None


def _check_not_compressed(file: Path, path: str) -> None:
    """Refuse a compressed file whose name does not say so (gzip data named .txt, a .zst file), which would be
    read as text and fail at its first line, said as what it is."""
    from ..data import COMPRESSION

    with open(file, "rb") as handle:
        head = handle.read(8)
    for suffix, compression in COMPRESSION.items():
        if re.match(compression.magic, head):
            if suffix == ".zip" and file.suffix.lower() in (".npz", ".pt", ".pth", ".keras"):  # zip archives of arrays
                raise DataError(f"vectors_path {path} is an archive of arrays ({file.suffix}), not a word vectors file; "
                                "give word2vec (text or binary) or GloVe vectors, or the folder of a saved word2vec "
                                "vectorizer")
            advice = (f"name it {file.name}{suffix} so it is decompressed when read" if suffix in OPENERS
                      else "decompress it first, or compress it as .gz, .bz2 or .xz")
            raise DataError(f"vectors_path {path} is {compression.name}-compressed; {advice}")


def check_source(path, fmt: str = "auto") -> Path:
    """``path`` as a Path, checked cheaply before any work: an existing file, or a directory holding a saved model
    (whose vectorizer :func:`load_vectors` checks when it reads it); ``fmt`` one of the formats, and "auto" for
    a directory."""
    file = Path(path)
    if fmt not in ("auto", *FORMATS):
        raise ConfigError(f"vectors_format must be auto, {', '.join(FORMATS)}, not {fmt!r}")
    if file.is_dir():
        from ..persistence import CONFIG

        if not (file / CONFIG).is_file():
            raise DataError(f"vectors_path {path} is a directory without a saved model; pass a word2vec or GloVe file, "
                            "or the directory of a model saved with a word2vec vectorizer (sentiment vectorize "
                            "--vectorizer word2vec --save DIR)")
        if fmt != "auto":
            raise ConfigError(f"vectors_format={fmt} names a file format, and vectors_path {path} is a saved model's "
                              "directory; leave vectors_format out")
    elif file.suffix.lower() in OTHER_FORMATS and file.exists():
        raise DataError(f"vectors_path {path} is {OTHER_FORMATS[file.suffix.lower()]}")
    elif not file.exists():
        raise DataError(f"vectors file {path} does not exist; pass the path of a word2vec or GloVe file, or the "
                        "directory of a model saved with a word2vec vectorizer")
    elif not file.is_file():  # /dev/null, a pipe
        raise DataError(f"vectors_path {path} is not a regular file; pass the path of a word2vec or GloVe file, or the "
                        "directory of a model saved with a word2vec vectorizer")
    return file


def _model_vectors(folder: Path):
    """The word vectors of the word2vec vectorizer of the model saved in ``folder``, as ``KeyedVectors``."""
    from gensim.models import KeyedVectors

    from ..pipeline import load

    stage = getattr(load(folder), "vectorizer_", None)
    if getattr(stage, "vectors_", None) is None:
        what = f"a {stage.name} vectorizer" if stage is not None else "no single vectorizer"
        raise DataError(f"vectors_path {folder} holds a model with {what}, so no word vectors; give a model saved "
                        "with vectorizer word2vec, or a word2vec or GloVe file")
    words, vectors = list(stage.words_), stage.vectors_
    if stage.negation_backoff_:  # its negation-marked words are copies of their words' vectors
        rows = [i for i, word in enumerate(words) if not word.startswith(NEGATION_MARK)]
        words, vectors = [words[i] for i in rows], vectors[rows]
    keyed = KeyedVectors(vectors.shape[1], dtype=np.float32)
    keyed.add_vectors(words, vectors)
    return keyed


OTHER_FORMATS = {  # files of word vectors in a form not read here, and what to do
    ".zip": "a zip archive; unzip it and pass the vectors file inside (GloVe's glove.6B.zip holds several: pick one)",
    ".kv": "gensim's own KeyedVectors format, which is a pickle and not read here; write it as a word2vec file "
           "first: KeyedVectors.load(path).save_word2vec_format('vectors.txt')",
    ".model": "a saved gensim model, which is a pickle and not read here; write its vectors as a word2vec file "
              "first: Word2Vec.load(path).wv.save_word2vec_format('vectors.txt')",
    ".npy": "a bare array without its words; pass a word2vec or GloVe file (a word and its values on each line)",
}
MAX_VECTOR_SIZE = 100_000  # values per vector; published vectors have at most a few thousand


def _read(stream: "_Stream", path: str, fmt: str, keep: set[str] | None, limit: int | None):
    first = stream.readline()
    _check_encoding(first, path)
    header = _header(first)
    if header is None and fmt != "glove" and _NUMBERS_PAIR.fullmatch(" ".join(_fields(_decoded(first)))):
        raise DataError(f"{path}: the header line ({_shown(first)}) gives no count of vectors and number of values "
                        "above 0; fix the header line ('count size')")  # (-5 5: read as GloVe, line 2 was blamed)
    if fmt in ("word2vec", "word2vec-binary") and header is None:
        raise DataError(f"{path} has no 'count size' header line ({_shown(first)}); a GloVe file has none: set "
                        "vectors_format=glove")
    if fmt == "glove" and header is not None:
        raise DataError(f"{path} starts with a 'count size' header line, which a GloVe file has not; set "
                        "vectors_format=word2vec (or auto)")
    if header is None:
        stream.unread_line(first)
        return _read_text(stream, path, None, _glove_size(stream, path), 1, keep, limit)
    count, size = header
    if size > MAX_VECTOR_SIZE:  # a wrong header would otherwise ask for terabytes before any check
        raise DataError(f"{path}: the header line says each vector has {size} values, more than any word vectors file "
                        f"holds (at most {MAX_VECTOR_SIZE} read here); fix the header line ('count size')")
    # the first entries tell: text lines (after any blank ones) or binary values
    entries = [line for line in stream.peeklines(SNIFF_LINES) if line.strip()]
    text = _text_entries(entries, size)
    if text and fmt == "word2vec-binary":  # read as binary, its digits would make vectors of nonsense
        raise DataError(f"{path} holds text lines after its header (a word and its numbers), not binary values; "
                        "set vectors_format=word2vec (or auto)")
    # read as text, its bytes were refused as a line of another size (a text line that is wrong is said by its line)
    if fmt == "word2vec" and not text and not all(_plain_text(line) for line in entries[:3]):
        raise DataError(f"{path} holds binary values after its header, not text lines of a word and its numbers; "
                        "set vectors_format=word2vec-binary (or auto)")
    if fmt == "auto":
        fmt = "word2vec" if text else "word2vec-binary"
    if fmt == "word2vec":
        return _read_text(stream, path, count, size, 2, keep, limit)
    return _read_binary(stream, path, count, size, keep, limit)


_NUMBERS_PAIR = re.compile(r"[+-]?\d{1,18} [+-]?\d{1,18}")  # two whole numbers: a header, whatever their signs


def _header(line: bytes) -> tuple[int, int] | None:
    parts = _fields(_decoded(line))  # not str.split(): a GloVe file's first word may be U+3000
    if len(parts) == 2 and all(p.isdecimal() and len(p) <= 18 for p in parts):  # "²" is a digit, not a number
        count, size = map(int, parts)
        return (count, size) if size > 0 else None
    return None


def _glove_size(stream: "_Stream", path: str) -> int:
    """The vector size of a file without a header: the most common number of values after the word
    on its first lines, the smallest of those as common (a word with spaces in it makes a line longer)."""
    lines = [line for line in stream.peeklines(SNIFF_LINES) if line.strip()]
    fields = [_fields(_decoded(line)) for line in lines]
    if lines and not any(len(parts) >= 2 and all(map(_is_number, parts[1:])) for parts in fields):
        # a table of texts ("text,label"), say, not a line of vectors
        raise DataError(f"{path} holds no word vectors: none of its first lines is a word and its numbers (line 1: "
                        f"{_shown(lines[0])}); pass a word2vec or GloVe file")
    lengths = Counter(len(parts) - 1 for parts in fields)
    most = max(lengths.values(), default=0)
    size = min((n for n, times in lengths.items() if times == most), default=0)
    if size < 1:
        raise DataError(f"{path} holds no word vectors (a line is a word and its values, separated by spaces); "
                        "pass a word2vec or GloVe file")
    return size


def _fields(line: str) -> list[str]:
    """A line's fields, separated by spaces or tabs only (a word may be another white space, U+3000)."""
    return [field for field in _SEPARATORS.split(line.strip(" \t\r\n")) if field]


def _composed(word: str) -> str:
    """A file's word in NFC, as the cleaner writes every text's words (a decomposed "café" would match none)."""
    return word if word.isascii() or unicodedata.is_normalized("NFC", word) else unicodedata.normalize("NFC", word)


def _read_text(stream: "_Stream", path: str, count: int | None, size: int, first_line: int,
               keep: set[str] | None = None, limit: int | None = None):
    words, vectors, entries, seen = [], [], [], 0
    for number, raw in enumerate(stream.lines(), first_line):
        fields = _fields(_decoded(raw))
        if not fields:
            continue
        word_part, values = fields[:-size], fields[-size:]
        if not word_part or (len(word_part) > 1 and _is_number(word_part[-1])):  # too few values, or too many
            raise DataError(f"{path}, line {number}: {len(fields) - 1} values after the word where the file's "
                            f"vectors have {size}; fix the line" + (", or the header line" if count is not None else "")
                            + ("; a word of several parts cannot end in a number, which reads as a value"
                               if len(word_part) > 1 and word_part[-1].isdigit() else ""))  # ("route 66", not "0.4")
        seen += 1
        try:
            with np.errstate(over="ignore"):  # a value beyond float32's range: infinite, and refused as such
                vector = np.array(values, dtype=np.float32)  # checked also where not kept: the file is checked whole
        except ValueError:
            bad = next(v for v in values if not _is_number(v))
            raise DataError(f"{path}, line {number}: {bad[:30]!r} is not a number; a line is a word and its "
                            f"{size} values, separated by spaces") from None
        word = _composed(" ".join(word_part))  # a word of several parts: GloVe 840B's ". . ."
        if "\ufffd" in word and _not_utf8(raw):
            raise DataError(f"{path}, line {number}: the word {_shown(raw.split()[0])} is not UTF-8 text; re-encode "
                            f"the file as UTF-8 ({reencode_hint()})")
        if not _kept(word, keep):
            continue
        vectors.append(vector)
        words.append(word)
        entries.append(seen)
        if limit is not None and len(words) >= limit:
            break
    else:
        if count is not None and seen != count:
            raise DataError(f"{path}: the header line says {counted(count, 'vector')} but the file holds {seen}; "
                            "fix the header")
        if not seen:
            raise DataError(f"{path} holds no word vectors; pass a word2vec or GloVe file")
    return words, _matrix(vectors, size), entries


def _read_binary(stream: "_Stream", path: str, count: int, size: int, keep: set[str] | None = None,
                 limit: int | None = None):
    words, vectors, entries = [], [], []
    width = 4 * size
    for n in range(count):
        word = stream.read_until(b" ").lstrip(b"\n")
        values = stream.read(width)
        if len(values) < width:
            raise DataError(f"{path} ends after {n} of the {counted(count, 'vector')} its header line announces; the "
                            "file is cut short, or the header is wrong")
        text = word.decode("utf-8", errors="replace")
        if not text or any(unicodedata.category(c) == "Cc" for c in text):
            raise DataError(f"{path}: vector {n + 1} has no word before it ({_shown(word)}: "
                            f"{'control characters' if text else 'nothing'} where a word should be); the header's vector size "
                            f"{size} may be wrong, a word before it may hold a space ({_SPACED}), or the file is not "
                            "word2vec binary (set vectors_format)")
        text = _composed(text)
        if not _kept(text, keep):
            continue
        words.append(text)
        vectors.append(np.frombuffer(values, dtype="<f4").astype(np.float32))
        entries.append(n + 1)
        if limit is not None and len(words) >= limit:
            return words, _matrix(vectors, size), entries
    if stream.rest_holds_data():
        raise DataError(f"{path} holds more than the {counted(count, 'vector')} its header line announces; fix the "
                        f"header, or a word may hold a space ({_SPACED})")
    if not count:
        raise DataError(f"{path} holds no word vectors (its header line announces none); pass a word2vec or GloVe file")
    return words, _matrix(vectors, size), entries


# a binary file's word ends at a space, so a word with one (gensim writes "new york" as it is) shifts the rest
_SPACED = "a binary file cannot hold one: write the vectors as text, save_word2vec_format(binary=False)"


def _kept(word: str, keep: set[str] | None) -> bool:
    """Whether to keep the vector of a file's ``word``: all are kept without ``keep``; else those of its words, and
    of those whose lowercase (as the cleaner writes it: :func:`~sentiment.cleaning.lowercased`) is one of them."""
    return keep is None or word in keep or lowercased(word) in keep


def _matrix(vectors: list[np.ndarray], size: int) -> np.ndarray:
    return np.stack(vectors) if vectors else np.zeros((0, size), dtype=np.float32)


def _text_entries(lines: list[bytes], size: int) -> bool:
    """Whether the first entries of a file with a header (``lines``, not blank) are text: the first a word and
    ``size`` numbers, or the first three (or as many as there are) lines of plain text that end in a number, of
    whatever length (a text file with a short line, said by its line, not read as binary values)."""
    if not lines:
        return False
    fields = _fields(_decoded(lines[0]))  # a word that is not UTF-8 still leaves its numbers readable
    if len(fields) >= size + 1 and all(_is_number(v) for v in fields[-size:]):
        return True
    return all(_plain_text(line) and len(fields := _fields(_decoded(line))) >= 2 and _is_number(fields[-1])
               for line in lines[:3])


def _plain_text(line: bytes) -> bool:
    """Whether ``line`` is UTF-8 without control characters (but tab and line ends): binary float32 values
    are not, apart from a rare few bytes."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text)


def _check_encoding(first: bytes, path: str) -> None:
    """Refuse a file whose first line (``first``) is UTF-16 or UTF-32 text (a byte-order mark, or NUL bytes,
    which no line of a vectors file's text has): read as UTF-8, its lines would not split into numbers."""
    from ..data import bom_encoding, utf16_without_bom

    encoding = bom_encoding(first) or (utf16_without_bom(first) if b"\0" in first else None)
    if encoding:
        raise DataError(f"vectors file {path} is not UTF-8 text ({encoding.upper()}, or not text at all); re-encode "
                        f"it as UTF-8, {reencode_hint(encoding)}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _not_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _decoded(line: bytes) -> str:
    return line.decode("utf-8", errors="replace").lstrip("\ufeff")


def _shown(raw: bytes) -> str:
    return repr(_decoded(raw[:40]).rstrip("\n")) if raw.strip() else "an empty line"


class _Stream:
    """Bytes of a file read in chunks, by line or by count, with look-ahead for telling the format."""

    def __init__(self, handle) -> None:
        self.handle, self.buffer, self.pos, self.done = handle, b"", 0, False

    def _fill(self, need: int | None = None, until: bytes | None = None) -> None:
        """Read on until ``need`` bytes are buffered, or ``until`` is among them, or the file ends."""
        while not self.done:
            held = len(self.buffer) - self.pos
            if (need is not None and held >= need) or (until is not None and self.buffer.find(until, self.pos) >= 0):
                return
            more = self.handle.read(max(CHUNK, (need or 0) - held))
            self.buffer, self.pos = self.buffer[self.pos:] + more, 0
            self.done = not more

    def read(self, n: int) -> bytes:
        self._fill(need=n)
        piece = self.buffer[self.pos:self.pos + n]
        self.pos += len(piece)
        return piece

    def read_until(self, separator: bytes) -> bytes:
        """The bytes up to ``separator`` (consumed, not returned), or up to the end."""
        self._fill(until=separator)
        end = self.buffer.find(separator, self.pos)
        piece = self.buffer[self.pos:] if end < 0 else self.buffer[self.pos:end]
        self.pos = len(self.buffer) if end < 0 else end + len(separator)
        return piece

    def readline(self) -> bytes:
        """The next line, without its line break."""
        return self.read_until(b"\n")

    def unread_line(self, line: bytes) -> None:
        self.buffer, self.pos = line + b"\n" + self.buffer[self.pos:], 0

    def peeklines(self, n: int) -> list[bytes]:
        """Up to ``n`` lines ahead, left to be read."""
        while not self.done and self.buffer.count(b"\n", self.pos) < n:
            self._fill(need=len(self.buffer) - self.pos + CHUNK)
        return self.buffer[self.pos:].split(b"\n")[:n]

    def lines(self):
        while True:
            self._fill(until=b"\n")
            if self.pos >= len(self.buffer) and self.done:
                return
            yield self.read_until(b"\n")

    def rest_holds_data(self) -> bool:
        while True:
            if self.buffer[self.pos:].strip():
                return True
            self.buffer, self.pos = b"", 0
            if self.done:
                return False
            self._fill(need=1)
