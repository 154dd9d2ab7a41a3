"""The word-vectors file reader (sentiment.vectorizers.vectors_file): formats, compression, and a
one-line error naming the line for each kind of broken file."""

from __future__ import annotations

import bz2
import gzip
import lzma

import numpy as np
import pytest

from sentiment.errors import DataError
from sentiment.vectorizers.vectors_file import first_words, load_vectors

WORDS = ["good", "café", "movie", ". . ."]
VECTORS = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9], [1.0, -1.0, 0.5]], dtype=np.float32)


def text_lines(words=WORDS, vectors=VECTORS) -> list[str]:
    return [f"{w} " + " ".join(repr(float(v)) for v in row) for w, row in zip(words, vectors)]


def binary_bytes(words=WORDS[:3] + ["..."], vectors=VECTORS, header=None) -> bytes:  # binary words hold no space
    out = (header or f"{len(words)} {vectors.shape[1]}").encode() + b"\n"
    for word, row in zip(words, vectors):
        out += word.encode() + b" " + row.astype("<f4").tobytes() + b"\n"
    return out


def same(keyed, words=WORDS, vectors=VECTORS):
    assert keyed.index_to_key == words
    np.testing.assert_allclose(np.stack([keyed[w] for w in words]), vectors, rtol=1e-6)


@pytest.mark.parametrize("fmt", ["auto", "word2vec"])
def test_word2vec_text_with_a_word_past_the_first_4096_bytes_in_utf8(tmp_path, fmt):
    words = [f"w{i}" for i in range(600)] + ["café"]  # "é" lands wherever: the file is read whole, as text
    vectors = np.arange(len(words) * 3, dtype=np.float32).reshape(-1, 3) / 7
    path = tmp_path / "v.txt"
    path.write_text(f"{len(words)} 3\n" + "\n".join(text_lines(words, vectors)) + "\n", encoding="utf-8")
    same(load_vectors(path, fmt), words, vectors)


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open),
                                             (".GZ", gzip.open), ("", open)])
@pytest.mark.parametrize("fmt", ["word2vec", "glove", "word2vec-binary"])
def test_every_format_plain_or_compressed(tmp_path, suffix, opener, fmt):
    words = WORDS[:3] + ["..."] if fmt == "word2vec-binary" else WORDS
    if fmt == "word2vec-binary":
        data = binary_bytes()
    else:
        header = [f"{len(WORDS)} 3"] if fmt == "word2vec" else []
        data = ("\n".join(header + text_lines()) + "\n").encode()
    path = tmp_path / f"v{suffix}"
    with opener(path, "wb") as handle:
        handle.write(data)
    same(load_vectors(path), words)
    same(load_vectors(path, fmt), words)


def test_a_word_that_is_not_utf8_stays_a_text_file(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"3 3\ngood 0.1 0.2 0.3\ncaf\xe9 0.4 0.5 0.6\nmovie 0.7 0.8 0.9\n")
    with pytest.raises(DataError, match="v.txt, line 3: the word 'caf.' is not UTF-8 text"):  # read as text, by line
        load_vectors(path)


def test_trailing_spaces_tabs_a_bom_and_crlf_are_read(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes("\ufeffgood\t0.1\t0.2\t0.3 \r\nmovie  0.7 0.8  0.9\r\n\r\n".encode())
    same(load_vectors(path), ["good", "movie"], VECTORS[[0, 2]])


@pytest.mark.parametrize("binary", [False, True])
def test_a_word_written_decomposed_is_read_composed_as_the_cleaner_writes_texts(tmp_path, binary):
    decomposed = ["good", "cafe\u0301", "movie"]  # "café" with its accent as a combining mark
    path = tmp_path / ("v.bin" if binary else "v.txt")
    if binary:
        path.write_bytes(binary_bytes(decomposed, VECTORS[:3]))
    else:
        path.write_text("\n".join(text_lines(decomposed, VECTORS[:3])) + "\n", encoding="utf-8")
    keyed = load_vectors(path, "word2vec-binary" if binary else "auto", keep={"caf\u00e9", "movie"})
    same(keyed, ["caf\u00e9", "movie"], VECTORS[1:3])


def test_a_word_of_several_parts_ending_in_a_number_is_said_to_read_as_a_value(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("good 0.1 0.2 0.3\nroute 66 0.4 0.5 0.6\n")
    with pytest.raises(DataError, match="line 2: 4 values .*; a word of several parts cannot end in a number"):
        load_vectors(path)


def test_a_repeated_word_keeps_its_first_vector(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("good 0.1 0.2 0.3\nmovie 0.7 0.8 0.9\ngood 9 9 9\n")
    same(load_vectors(path), ["good", "movie"], VECTORS[[0, 2]])


@pytest.mark.parametrize("content, fmt, message", [
    ("2 3\ngood 0.1 0.2 0.3\nbad 0.4 0.5 0.6\nfilm 0.7 0.8 0.9\n", "auto",
     r"the header line says 2 vectors but the file holds 3; fix the header$"),
    ("4 3\ngood 0.1 0.2 0.3\nbad 0.4 0.5 0.6\n", "word2vec", r"says 4 vectors but the file holds 2"),
    ("1 3\ngood 0.1 0.2 0.3\nbad 0.4 0.5 0.6\n", "word2vec", r"says 1 vector but the file holds 2"),
    ("good 0.1 0.2 0.3\nbad 0.4\nfilm 0.7 0.8 0.9\n", "auto",
     r"v.txt, line 2: 1 values after the word where the file's vectors have 3; fix the line$"),
    ("3 3\ngood 0.1 0.2 0.3\nbad 0.4 0.5 0.6 0.7\nfilm 0.7 0.8 0.9\n", "word2vec",
     r"line 3: 4 values after the word where the file's vectors have 3; fix the line, or the header line$"),
    ("good 0.1 0.2 0.3\nbad 0.4 x 0.6\n", "glove", r"line 2: 'x' is not a number"),
    ("", "glove", r"holds no word vectors"),
    ("", "auto", r"holds no word vectors"),
    ("\n\n", "auto", r"holds no word vectors"),
    ("good 0.1 0.2 0.3\n", "word2vec", r"has no 'count size' header line \('good 0.1 0.2 0.3'\); .* vectors_format=glove"),
    ("1 3\ngood 0.1 0.2 0.3\n", "glove", r"starts with a 'count size' header line, which a GloVe file has not"),
    ("2 3\ngreat 0.9 0.1 0.0\nbad -0.9 0.1 0.0\n", "word2vec-binary",
     r"v.txt holds text lines after its header \(a word and its numbers\), not binary values; set vectors_format=word2vec"),
    ("good\nbad\n", "auto", r"holds no word vectors"),
    ("text,label\ngood film,pos\nsome long text,neg\n", "auto",  # a table of texts
     r"holds no word vectors: none of its first lines is a word and its numbers \(line 1: 'text,label'\); pass a"),
    ("3\u00b2 3\ngood 0.1 0.2 0.3\n", "word2vec", r"has no 'count size' header line"),
    ("9" * 40 + " 3\ngood 0.1 0.2 0.3\n", "word2vec", r"has no 'count size' header line"),
])
def test_broken_text_files_name_their_fault(tmp_path, content, fmt, message):
    path = tmp_path / "v.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message) as error:
        load_vectors(path, fmt)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("data, message", [
    (binary_bytes(header="3 3"), r"holds more than the 3 vectors its header line announces"),
    (binary_bytes(header="6 3"), r"ends after 4 of the 6 vectors its header line announces"),
    (binary_bytes(header="1 3"), r"holds more than the 1 vector its header line announces"),  # not "1 vectors"
    (b"1 3\ngood ", r"ends after 0 of the 1 vector its header line announces"),
    (binary_bytes(header="2 2"), r"vector 2 has no word before it .* the header's vector size 2 may be wrong"),
    (binary_bytes()[:-7], r"ends after 3 of the 4 vectors"),
])
def test_broken_binary_files_name_their_fault(tmp_path, data, message):
    path = tmp_path / "v.bin"
    path.write_bytes(data)
    with pytest.raises(DataError, match=message):
        load_vectors(path, "word2vec-binary")


@pytest.mark.parametrize("words", [["good", "new york"], ["good", "new york", "movie"]])
def test_a_binary_word_with_a_space_is_said_to_need_a_text_file(tmp_path, words):
    """gensim writes a word with a space in it as it is, in binary too, where the space ends the word; the reader
    blamed the header or the next vector's word alone. As text the file reads whole. (Where the bytes after the
    space happen to read as a word and values, nothing tells.)"""
    from gensim.models import KeyedVectors

    keyed = KeyedVectors(3)
    keyed.add_vectors(words, VECTORS[:len(words)])
    keyed.save_word2vec_format(str(tmp_path / "v.bin"), binary=True)
    with pytest.raises(DataError, match=r"may hold a space.*write the vectors as text, save_word2vec_format\(binary=False\)"):
        load_vectors(tmp_path / "v.bin")
    keyed.save_word2vec_format(str(tmp_path / "v.txt"), binary=False)
    same(load_vectors(tmp_path / "v.txt"), words, VECTORS[:len(words)])


def test_a_huge_header_count_is_not_allocated(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("100000000000 300\ngood " + " ".join(["0.1"] * 300) + "\n")
    with pytest.raises(DataError, match="says 100000000000 vectors but the file holds 1"):
        load_vectors(path)


@pytest.mark.parametrize("fmt", ["auto", "word2vec", "word2vec-binary"])
def test_a_huge_header_vector_size_is_not_allocated(tmp_path, fmt):
    path = tmp_path / "v.txt"
    path.write_text("2 999999999999\ngood 1 2 3\nbad 1 2 3\n")
    with pytest.raises(DataError, match=r"says each vector has 999999999999 values, more than any word vectors file "
                                        r"holds \(at most 100000 read here\); fix the header line"):
        load_vectors(path, fmt)


@pytest.mark.parametrize("suffix, data, message", [
    (".gz", b"good 0.1 0.2 0.3\n", r"cannot read the vectors .gz file .*; check that it is whole and that its suffix "
                                   r"names its compression"),
    (".gz", gzip.compress(b"good 0.1 0.2 0.3\n" * 100)[:-30], r"cannot read the vectors .gz file"),
    (".bz2", b"not bz2", r"cannot read the vectors .bz2 file"),
])
def test_broken_compression_is_one_line(tmp_path, suffix, data, message):
    path = tmp_path / f"v{suffix}"
    path.write_bytes(data)
    with pytest.raises(DataError, match=message):
        load_vectors(path)


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_nan_in_a_binary_file(tmp_path, value):
    vectors = VECTORS.copy()
    vectors[2, 1] = float(value)
    path = tmp_path / "v.bin"
    path.write_bytes(binary_bytes(vectors=vectors))
    with pytest.raises(DataError, match=r"NaN or infinite values \(or values beyond float32's range, about 3\.4e38\) in 1 vector\(s\), "
                                        r"the first for 'movie' \(vector 3\)"):
        load_vectors(path)


def test_words_of_other_white_space_and_a_tab_separated_extra_value(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("3 3\nmovie 0.75 0.5 0.25\n\u3000 0.125 0.25 0.5\nfoo\u00a0 1 2 3\n", encoding="utf-8")
    assert load_vectors(path).index_to_key == ["movie", "\u3000", "foo\u00a0"]  # words as written
    path.write_text("\u3000 1 2\nc 3 4\n", encoding="utf-8")  # a GloVe file whose first word is U+3000: no header
    assert load_vectors(path).index_to_key == ["\u3000", "c"]
    path.write_text("2 3\ngood\t0.1\t0.2\t0.3\t0.4\nbad 1 2 3\n")
    with pytest.raises(DataError, match="line 2: 4 values after the word where the file's vectors have 3"):
        load_vectors(path)


def test_a_non_utf8_first_word_keeps_a_text_file_text(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 3\ncaf\xe9 0.125 0.25 0.5\nmovie 0.75 0.5 0.25\n")
    with pytest.raises(DataError, match="v.txt, line 2: the word 'caf.' is not UTF-8 text"):  # read as text, by line
        load_vectors(path)


@pytest.mark.parametrize("fmt", ["auto", "word2vec-binary"])
def test_a_header_of_no_vectors(tmp_path, fmt):
    path = tmp_path / "v.bin"
    path.write_bytes(b"0 3\n")
    with pytest.raises(DataError, match="holds no word vectors"):
        load_vectors(path, fmt)


def test_an_archive_of_arrays_is_no_vectors_file(tmp_path):
    np.savez(tmp_path / "vectors.npz", x=np.ones((2, 3)))  # e.g. what sentiment vectorize --out writes
    with pytest.raises(DataError, match=r"vectors.npz is an archive of arrays \(.npz\), not a word vectors file; give "
                                        r"word2vec \(text or binary\) or GloVe vectors"):
        load_vectors(tmp_path / "vectors.npz")


def test_a_binary_file_read_as_word2vec_text_is_told_to_be_binary(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 3\ngood " + np.ones(3, dtype="<f4").tobytes() + b"\nbad " + np.zeros(3, dtype="<f4").tobytes())
    with pytest.raises(DataError, match=r"v.bin holds binary values after its header, not text lines .*set "
                                        r"vectors_format=word2vec-binary \(or auto\)$"):
        load_vectors(path, "word2vec")
    assert list(load_vectors(path, "auto").index_to_key) == ["good", "bad"]
    (tmp_path / "empty.txt").write_bytes(b"0 3\n")
    with pytest.raises(DataError, match="holds no word vectors"):  # no entry to tell binary from text by
        load_vectors(tmp_path / "empty.txt", "word2vec")
    (tmp_path / "bad.txt").write_bytes(b"1 2\ngood 0.5 abc\n")  # text, wrong: said by its line
    with pytest.raises(DataError, match=r"bad.txt, line 2: "):
        load_vectors(tmp_path / "bad.txt", "word2vec")


@pytest.mark.parametrize("header", [b"-5 3", b"2 0", b"2 -3"])
@pytest.mark.parametrize("fmt", ["auto", "word2vec", "word2vec-binary"])
def test_a_header_of_numbers_below_one_is_said_to_be_wrong(tmp_path, header, fmt):
    """Read as no header, "-5 3" made the file a GloVe file, and the error blamed line 2 and showed its bytes."""
    path = tmp_path / "v.bin"
    path.write_bytes(header + b"\ngood " + np.ones(3, dtype="<f4").tobytes() + b"\n")
    with pytest.raises(DataError, match=rf"v.bin: the header line \('{header.decode()}'\) gives no count of vectors and "
                                        r"number of values above 0; fix the header line"):
        load_vectors(path, fmt)


def test_a_path_that_is_no_regular_file_is_said_to_be_so(tmp_path):
    from sentiment.vectorizers.vectors_file import check_source

    with pytest.raises(DataError, match="vectors_path /dev/null is not a regular file"):
        check_source("/dev/null")
    with pytest.raises(DataError, match="vectors file .*nope.txt does not exist"):
        check_source(tmp_path / "nope.txt")


@pytest.mark.parametrize("fmt", ["word2vec", "glove", "word2vec-binary"])
def test_keep_holds_only_the_words_asked_for_and_still_checks_the_whole_file(tmp_path, fmt):
    path = tmp_path / "v.txt"
    if fmt == "word2vec-binary":
        path.write_bytes(binary_bytes())
        kept, place = ["movie", "good"], 3  # binary words hold no space
    else:
        header = [f"{len(WORDS)} 3"] if fmt == "word2vec" else []
        path.write_text("\n".join(header + text_lines()) + "\n", encoding="utf-8")
        kept, place = ["movie", ". . .", "good"], 3
    keyed = load_vectors(path, fmt, keep=set(kept) | {"absent"})
    assert sorted(keyed.index_to_key) == sorted(kept)
    for word in kept:
        np.testing.assert_allclose(keyed[word], VECTORS[WORDS.index(word) if word in WORDS else 3], rtol=1e-6)
    assert load_vectors(path, fmt, keep=set()).vectors.shape == (0, 3)
    assert first_words(path, fmt, n=2) == ["good", "café"]
    if fmt == "word2vec-binary":
        return
    broken = tmp_path / "broken.txt"  # a line not kept is checked all the same
    lines = header + text_lines()
    lines[-1] = lines[-1][:-1] + "x"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line \d: '[0-9.]*x' is not a number"):
        load_vectors(broken, fmt, keep={"good"})
    nan = tmp_path / "nan.txt"  # the place of a bad vector among the file's vectors, not among those kept
    vectors = VECTORS.copy()
    vectors[2, 1] = np.nan
    lines = header + text_lines(vectors=vectors)
    nan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"the first for 'movie' \(vector {place}\)"):
        load_vectors(nan, fmt, keep={"movie"})


@pytest.mark.parametrize("binary", [False, True])
def test_keep_holds_the_capitalised_forms_of_its_lowercase_words_too(tmp_path, binary):
    """The vectorizer asks for the cleaner's lowercased tokens; a cased file's "Movie" and "GOOD" serve them."""
    words = ["GOOD", "Café", "Movie", "movie"]
    path = tmp_path / "v.bin"
    path.write_bytes(binary_bytes(words) if binary else ("4 3\n" + "\n".join(text_lines(words)) + "\n").encode())
    keyed = load_vectors(path, keep={"good", "movie", "Café"})
    same(keyed, ["GOOD", "Café", "Movie", "movie"])
    assert load_vectors(path, keep={"Good", "MOVIE"}).index_to_key == []  # a capitalised word is matched as written


def test_a_blank_line_after_the_header_keeps_a_text_file_text(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text(f"{len(WORDS)} 3\n\n" + "\n".join(text_lines()) + "\n", encoding="utf-8")
    same(load_vectors(path))  # was read as binary: "vector 2 has no word before it"


@pytest.mark.parametrize("suffix, advice", [
    (".zip", "a zip archive; unzip it and pass the vectors file inside"),
    (".kv", r"gensim's own KeyedVectors format, which is a pickle and not read here; write it as a word2vec file first: "
            r"KeyedVectors.load\(path\).save_word2vec_format\('vectors.txt'\)"),
    (".model", r"a saved gensim model, .*Word2Vec.load\(path\).wv.save_word2vec_format"),
    (".npy", "a bare array without its words"),
])
def test_vectors_in_forms_not_read_here_say_what_to_do(tmp_path, suffix, advice):
    path = tmp_path / f"vectors{suffix}"
    path.write_bytes(b"PK\x03\x04 not vectors")
    with pytest.raises(DataError, match=rf"^vectors_path .*vectors\{suffix} is {advice}"):
        load_vectors(path)


def test_a_text_vectors_file_that_is_not_utf8_is_refused_naming_the_line(tmp_path):
    """Its bytes read as U+FFFD would merge "café" and "cafè" (latin-1) into one word that matches no text."""
    path = tmp_path / "latin1.txt"
    path.write_bytes("good 0 1 0\ncaf\xe9 1 0 0\ncaf\xe8 0 1 0\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1.txt, line 2: the word 'caf.' is not UTF-8 text; re-encode the file"):
        load_vectors(str(path))
    path.write_bytes("good 0 1 0\ncafé 1 0 0\ncafè 0 1 0\n".encode("utf-8"))
    assert load_vectors(str(path)).index_to_key == ["good", "café", "cafè"]


@pytest.mark.parametrize("name, data, says", [
    ("v.txt", gzip.compress(b"good 1 0\nbad 0 1\n"), "is gzip-compressed; name it v.txt.gz so it is decompressed"),
    ("v.zst", b"\x28\xb5\x2f\xfd" + b"\0" * 20, "is zstd-compressed; decompress it first, or compress it as .gz"),
])
def test_a_compressed_vectors_file_whose_name_does_not_say_so_is_named(tmp_path, name, data, says):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError, match=says):
        load_vectors(str(path))


def test_a_glove_files_size_is_the_smaller_of_two_as_common_line_lengths(tmp_path):
    """A word with a space in it only makes a line longer ("new york 0.1 0.2" beside "good 1 2")."""
    path = tmp_path / "g.txt"
    path.write_text("new york 0.1 0.2\ngood 1 2\n", encoding="utf-8")
    vectors = load_vectors(str(path), "glove")
    assert vectors.vector_size == 2 and set(vectors.key_to_index) == {"new york", "good"}


def test_a_text_file_whose_first_entry_is_short_is_read_as_text_and_names_the_line(tmp_path):
    """With a header, a first entry of fewer values than the header says was taken for binary values:
    its bytes read as float32 numbers without a word (or said to be cut short)."""
    for first in ("good 1.50000", "good 1.5"):
        path = tmp_path / "short.txt"
        path.write_text(f"2 2\n{first}\nbad 2.0 1.0\n")
        with pytest.raises(DataError, match=r"short.txt, line 2: 1 values after the word where the file's vectors have "
                                            r"2; fix the line, or the header line$"):
            load_vectors(path)
    (tmp_path / "ok.bin").write_bytes(binary_bytes())  # binary files stay binary
    same(load_vectors(tmp_path / "ok.bin"), WORDS[:3] + ["..."])


@pytest.mark.parametrize("encoding, header, named", [("utf-16", "", "utf-16"), ("utf-16-le", "2 2\n", "utf-16le"),
                                                     ("utf-16-be", "", "utf-16be"), ("utf-32", "2 2\n", "utf-32")])
def test_a_utf16_or_utf32_vectors_file_is_told_to_be_reencoded(tmp_path, encoding, header, named):
    path = tmp_path / "wide.txt"
    path.write_bytes(f"{header}good 1 2\nbad 3 4\n".encode(encoding))
    with pytest.raises(DataError, match=rf"^vectors file .*wide.txt is not UTF-8 text \({named.upper()}, or not text at "
                                        rf"all\); re-encode it as UTF-8, e.g. iconv -f {named} -t utf-8"):
        load_vectors(path)
