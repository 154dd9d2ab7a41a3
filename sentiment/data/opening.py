"""Opening a data file: its compression (gzip, bzip2, xz, zstd, zip) told by suffix and first bytes, damaged
or mislabelled archives, its first bytes and its text encoding."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from ..errors import DataError, reencode_hint


class Compression(NamedTuple):
    pandas: str  # pandas' name for it (read_csv(compression=...))
    name: str  # its usual name, for messages
    magic: bytes  # a pattern of the first bytes of such a file


# Compressed tables, by file suffix.
COMPRESSION = {".gz": Compression("gzip", "gzip", rb"\x1f\x8b"), ".bz2": Compression("bz2", "bzip2", rb"BZh[1-9]1AY&SY"),
               ".xz": Compression("xz", "xz", rb"\xfd7zXZ\x00"), ".zst": Compression("zstd", "zstd", rb"\x28\xb5\x2f\xfd"),
               ".zip": Compression("zip", "zip", rb"PK\x03\x04")}
COMPRESSIONS = tuple(COMPRESSION)


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
