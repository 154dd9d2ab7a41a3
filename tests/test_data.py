"""Readers: CSV, TSV, JSONL, Parquet, compressed CSV, SST trees; label parsing (label lists need multi-label);
file errors, also files whose name or content misleads (gzip named .csv, .txt without trees, XML)."""

from __future__ import annotations

import bz2
import gzip
import os
import lzma
import sys

import numpy as np
import pandas as pd
import pytest

from sentiment import DataError, Pipeline, commands
from sentiment import data as data_module
from sentiment.checks import check_labels, check_texts
from sentiment.data import iter_table, read_labelled, read_table, table_format
from sentiment.splits import train_dev_split
from sentiment.sst import read_sst_trees, sst_phrase_split

from conftest import CSV, SST_TREES, write_table
from test_cli import assert_error, invoke

FRAME = pd.DataFrame({
    "id": [1, 2, 3, 4],
    "text": ["a great film", "dull, boring", "Ünïcödé 😍 fine", 'quotes "inside", and, commas'],
    "label": [1, 0, 1, 0],
})


COMPRESSORS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


@pytest.mark.parametrize("name", ["d.csv", "d.tsv", "d.jsonl", "d.parquet", "d.csv.gz", "d.tsv.gz", "d.parquet.gz",
                                  "d.parquet.bz2", "d.parquet.xz"])
def test_every_table_format_reads_the_same(tmp_path, name):
    path = tmp_path / name
    if path.suffix in COMPRESSORS:
        plain = tmp_path / path.stem
        write_table(FRAME, plain)
        path.write_bytes(COMPRESSORS[path.suffix](plain.read_bytes()))
    else:
        write_table(FRAME, path)
    texts, labels = read_labelled(path)
    assert texts == FRAME.text.tolist()
    assert labels == [1, 0, 1, 0] and all(type(y) is int for y in labels)
    frame = read_table(path, ["label", "text"])
    assert list(frame.columns) == ["label", "text"] and len(frame) == 4


@pytest.mark.parametrize("name", ["d.csv", "d.csv.gz"])
def test_a_semicolon_separated_csv_reads_as_a_table(tmp_path, name):
    text = "\ufeff" + FRAME.to_csv(sep=";", index=False)  # as a spreadsheet with the comma as decimal mark saves it
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    assert read_labelled(path) == (FRAME.text.tolist(), [1, 0, 1, 0])
    comma = tmp_path / "comma.csv"
    comma.write_text("text,label\n\"a; b\",1\nc;d,0\n", encoding="utf-8")  # a comma header: semicolons are text
    assert read_labelled(comma) == (["a; b", "c;d"], [1, 0])
    blank_first = tmp_path / "blank.csv"  # pandas skips blank lines before the header, and so does the sniffing
    blank_first.write_text("\n  \n" + FRAME.to_csv(sep=";", index=False), encoding="utf-8")  # spaces only, too
    assert read_labelled(blank_first) == (FRAME.text.tolist(), [1, 0, 1, 0])


@pytest.mark.parametrize("name", ["d.csv", "d.tsv", "d.csv.gz"])
def test_a_first_sep_line_names_the_separator_as_excel_writes_it(tmp_path, name):
    text = "\ufeffsep=;\r\n" + FRAME.to_csv(sep=";", index=False, lineterminator="\r\n")
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    assert read_labelled(path) == (FRAME.text.tolist(), [1, 0, 1, 0])
    (tmp_path / "w.csv").write_text("sep=;\ntext;label;weight\ngood;pos;1,5\nbad;neg;2\n")  # a decimal comma
    assert data_module.read_weights(tmp_path / "w.csv", "weight").tolist() == [1.5, 2.0]
    (tmp_path / "only.csv").write_text("sep=;\n")  # the separator's line alone: no header
    with pytest.raises(DataError, match="only.csv is empty; give a file with a header row"):
        read_labelled(tmp_path / "only.csv")
    later = tmp_path / "later.csv"  # only the first line names it: a later one is a row
    later.write_text("text\nsep=;\ngood\n", encoding="utf-8")
    assert read_table(later, ["text"])["text"].tolist() == ["sep=;", "good"]


@pytest.mark.parametrize("chunksize", [None, 1, 2, 10_000])
def test_a_one_column_table_keeps_its_blank_lines_as_empty_texts_but_not_its_trailing_ones(tmp_path, chunksize):
    from sentiment.data import iter_table

    path = tmp_path / "d.csv"
    path.write_text("\n\ntext\ngood\n\n\nbad\n\n  \n\n", encoding="utf-8")  # blank before the header too
    frames = list(iter_table(path, ["text"], chunksize=chunksize))
    values = [None if pd.isna(v) else v for frame in frames for v in frame["text"]]
    assert values == ["good", None, None, "bad"]


def test_a_tab_separated_file_named_csv_reads_as_a_table(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(FRAME.to_csv(sep="\t", index=False), encoding="utf-8")
    assert read_labelled(path) == (FRAME.text.tolist(), [1, 0, 1, 0])
    bad = tmp_path / "bad.csv"  # a quote never closed joins rows, up to a stray one: checked as in a .tsv file
    bad.write_text('text\tlabel\n"Hello there\tneg\nHe said "hi\tpos\nfine\tneg\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"the value that starts with a quote \(\"\) on line 2 does not end with one"):
        read_labelled(bad)


@pytest.mark.parametrize("header", ["text,label,label", "text,text,label", "text\tlabel\tlabel", "\n\ntext,label,label"])
def test_a_header_that_names_a_column_twice_is_refused(tmp_path, header):
    separator = "\t" if "\t" in header else ","  # a header after blank lines, as pandas skips them
    path = tmp_path / "d.csv"
    path.write_text(header + "\n" + "\n".join(separator.join(["a", "b", "c"]) for _ in range(3)) + "\n")
    with pytest.raises(DataError, match=r"its header row names the column '(text|label)' 2 times; give every column"):
        read_labelled(path)
    ok = tmp_path / "ok.csv"
    ok.write_text("text,label,,\ngood,1,,\nbad,0,,\n")  # unnamed columns are not names given twice
    assert read_labelled(ok) == (["good", "bad"], [1, 0])


def test_a_weighted_split_keeps_a_lone_weighted_text_in_training_and_the_class_in_dev():
    """A class whose other texts weigh 0: its one weighted text stays in training (a dev row that weighs something
    goes back), and its weight-0 texts remain good dev texts."""
    labels = ["negative", "positive"] * 20
    weights = np.array([1.0 if y == "positive" else 0.0 for y in labels])
    weights[0] = 1.0
    for seed in range(10):
        train, _, dev, dev_labels = train_dev_split(list(range(40)), labels, 0.3, seed, weights=weights)
        assert 0 in train and set(dev_labels) == {"negative", "positive"} and len(dev) >= 10
        assert sorted(train + dev) == list(range(40))
        plain = train_dev_split(list(range(40)), labels, 0.3, seed)
        assert (train, dev) == (plain[0], plain[2]) or 0 in plain[2]  # the same split unless row 0 was carved


def test_a_dev_fraction_that_leaves_fewer_training_texts_than_labels_is_refused():
    """0.99 of 150 texts of three labels left one to train on; the dev rows of the two labels it lacked went
    back to training, and the "99%" dev part was a third of the texts, of one label."""
    labels = [i % 3 for i in range(150)]
    with pytest.raises(DataError, match=r"^a dev fraction of 0.99 leaves 1 of the 150 texts to train on, fewer than "
                                        r"their 3 labels; give a smaller dev fraction, or pass dev data$"):
        train_dev_split(list(range(150)), labels, 0.99, 0)  # Python's words; the command line passes its flags
    with pytest.raises(DataError, match=r"give a smaller --dev-fraction, or pass --dev FILE$"):
        train_dev_split(list(range(150)), labels, 0.99, 0, fraction_name="--dev-fraction", dev_name="--dev FILE")
    train, _, dev, dev_labels = train_dev_split(list(range(150)), labels, 0.9, 0)
    assert (len(train), len(dev), sorted(set(dev_labels))) == (15, 135, [0, 1, 2])  # as asked


def test_a_json_object_of_columns_is_refused_with_the_records_advice(tmp_path):
    import json

    path = tmp_path / "columns.json"
    path.write_text(json.dumps({"text": ["good", "bad"], "label": ["pos", "neg"]}))
    with pytest.raises(DataError, match="holds one JSON object of columns; write one object per row"):
        read_labelled(path)


def test_parquet_in_a_zip_or_under_a_compression_suffix_it_does_not_have(tmp_path):
    import zipfile

    write_table(FRAME, tmp_path / "d.parquet")
    with zipfile.ZipFile(tmp_path / "d.parquet.zip", "w") as archive:
        archive.writestr("data/", "")  # a folder entry, as zip tools write them
        archive.write(tmp_path / "d.parquet", "data/d.parquet")
    misnamed = tmp_path / "plain.parquet.gz"
    misnamed.write_bytes((tmp_path / "d.parquet").read_bytes())
    for path in (tmp_path / "d.parquet.zip", misnamed):
        assert read_labelled(path) == (FRAME.text.tolist(), [1, 0, 1, 0])
    with zipfile.ZipFile(tmp_path / "two.parquet.zip", "w") as archive:
        archive.write(tmp_path / "d.parquet", "a.parquet")
        archive.write(tmp_path / "d.parquet", "b.parquet")
    with pytest.raises(DataError, match="two.parquet.zip holds 2 files; give a zip archive of one Parquet file"):
        read_labelled(tmp_path / "two.parquet.zip")


@pytest.mark.parametrize("name", ["d.jsonl", "d.json", "d.jsonl.gz"])
def test_json_with_a_byte_order_mark_reads_as_without(tmp_path, name):
    text = FRAME.to_json(orient="records", force_ascii=False, lines=".jsonl" in name) + "\n"
    data = ("\ufeff" + text).encode()
    (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert read_labelled(tmp_path / name) == (FRAME.text.tolist(), [1, 0, 1, 0])


@pytest.mark.parametrize("name, orient", [("d.json", "indented"), ("d.json", "one line"), ("d.json.gz", "one line")])
def test_a_json_array_of_records_reads_as_a_table(tmp_path, name, orient):
    text = FRAME.to_json(orient="records", force_ascii=False, indent=2 if orient == "indented" else None)
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    assert read_labelled(path) == (FRAME.text.tolist(), [1, 0, 1, 0])
    chunks = list(iter_table(path, ["text"], chunksize=3))
    assert [len(c) for c in chunks] == [3, 1]


@pytest.mark.parametrize("value, kind", [(["I", "feel", "happy"], "an array"), ({"a": 1}, "an object"), (12345, "a number"),
                                         (True, "a boolean")])
def test_a_text_that_is_not_a_string_is_refused_not_spelt_out(tmp_path, value, kind):
    import json

    path = tmp_path / "d.jsonl"
    rows = [{"text": "fine", "label": "joy"}, {"text": value, "label": "joy"}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with pytest.raises(DataError, match=f"d.jsonl: data row 2 of column 'text' holds {kind}, not a text; write every "
                                        "text as a string"):
        read_labelled(path)
    pipe = Pipeline("count", "nb").fit(["good", "bad"], ["pos", "neg"])
    with pytest.raises(DataError, match=f"data row 2 of column 'text' holds {kind}"):
        commands.predict_file(pipe, path, tmp_path / "out.csv", chunksize=1)  # row 2 is in the second chunk
    assert not (tmp_path / "out.csv").exists()


def test_a_json_object_of_columns_is_refused_with_what_to_write(tmp_path):
    path = tmp_path / "d.json"
    FRAME.to_json(path)  # pandas' default: {"text": {"0": ...}, "label": {...}}
    with pytest.raises(DataError, match="holds one JSON object of columns; write one object per row"):
        read_labelled(path)


def test_a_tsv_quote_that_is_never_closed_is_refused_not_joined_rows(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text('text\tlabel\nfine\tpos\n"Hello there\tneg\nHe said "hi\tpos\nbad one\tneg\n')
    with pytest.raises(DataError, match="quote .* on line 3 does not end with one.*close or remove the quote"):
        read_labelled(path)
    path.write_text('text\tlabel\n"He said ""hi"""\tpos\n"a, b"\tneg\n')  # quoted as pandas writes it
    assert read_labelled(path) == (['He said "hi"', "a, b"], ["pos", "neg"])


def _writer(path):
    """A function that writes text to ``path``, compressed as its suffix says (.gz, .zip: one member)."""
    import zipfile

    if path.suffix == ".gz":
        return lambda text: path.write_bytes(gzip.compress(text.encode()))
    if path.suffix == ".zip":
        def write(text):
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr(path.stem, text)
        return write
    return path.write_text


@pytest.mark.parametrize("suffix", ["csv", "tsv", "csv.gz", "csv.zip"])
def test_a_quote_that_would_change_the_text_or_join_rows_is_refused(tmp_path, suffix):
    sep = "\t" if suffix == "tsv" else ","
    rows = ["text" + sep + "label", '"Loved it' + sep + "positive"] + [f"film {i}{sep}negative" for i in range(8)]
    rows += ['He said "wow"' + sep + "positive", "great" + sep + "positive"]  # a later quote closes the first
    path = tmp_path / f"d.{suffix}"
    write = _writer(path)
    write("\n".join(rows) + "\n")
    with pytest.raises(DataError, match="quote .* on line 2 does not end with one"):
        read_labelled(path)  # pandas read 2 texts of the 11
    write("text" + sep + "label\nfine" + sep + "neg\n" + '"Great" said nobody' + sep + "negative\n")
    with pytest.raises(DataError, match=r"on line 3 .*\"\"\"Great\"\" said nobody\""):
        read_labelled(path)  # pandas read "Great said nobody"
    write("text" + sep + "label\n" + '"He said ""Great"" - nobody, ever"' + sep + 'negative\nHe said "hi"' + sep + "pos\n")
    assert read_labelled(path) == (['He said "Great" - nobody, ever', 'He said "hi"'], ["negative", "pos"])
    long = "word " * 30_000  # longer than the csv module's default field size limit (131,072 characters)
    write("text" + sep + "label\n" + f'"{long}"' + sep + "pos\n" + long + sep + "neg\n")
    assert read_labelled(path) == ([long, long], ["pos", "neg"])  # was refused as a quote never closed


@pytest.mark.parametrize("suffix", ["csv", "tsv", "csv.gz"])
def test_a_stray_carriage_return_that_would_cut_a_row_in_two_is_refused_with_its_line(tmp_path, suffix):
    sep = "\t" if suffix == "tsv" else ","
    path = tmp_path / f"d.{suffix}"
    write = _writer(path)
    write(f"text{sep}label\ngreat film{sep}pos\nawful\rreally awful acting{sep}neg\nloved it{sep}pos\n")
    with pytest.raises(DataError, match=r"line 3 holds a carriage return \(\\r\) outside quotes.*cut that row in two"):
        read_labelled(path)  # pandas read "awful" without a label and a row "really awful acting", "neg"
    for text, line in ((f"text{sep}label\nawful\rreally bad{sep}neg\n", 2),  # a header and one row
                       (f"text{sep}label\na{sep}pos\nl1\rl2\rl3\rl4{sep}neg\nb{sep}pos\n", 3)):  # several \r in a row
        write(text)
        with pytest.raises(DataError, match=rf"line {line} holds a carriage return"):
            read_labelled(path)
    write(f"text{sep}label\n\"two\rlines\"{sep}pos\nbad{sep}neg\r")  # quoted, and the last row's line end
    assert read_labelled(path) == (["two\rlines", "bad"], ["pos", "neg"])
    for ends in ("\r\n", "\r\r\n"):  # Windows' line ends, and Windows' written again as \r\n (blank lines)
        write(f"text{sep}label{ends}great{sep}pos{ends}bad{sep}neg{ends}")
        assert read_labelled(path) == (["great", "bad"], ["pos", "neg"])
    write(f"text{sep}label\rgreat{sep}pos\r\"two\nlines\"{sep}neg\rbad{sep}neg\r")  # Excel for Mac: rows end at \r
    assert read_labelled(path) == (["great", "two\nlines", "bad"], ["pos", "neg", "neg"])
    for text in (f"text{sep}label\rgreat{sep}pos\rbad{sep}neg\n", f"text{sep}label\ngreat{sep}pos\rbad{sep}neg\r",
                 f"text{sep}label\ngreat{sep}pos\rbad{sep}neg\rok{sep}pos\n",  # after both
                 f"text{sep}label\rgreat{sep}pos\rbad{sep}neg\nok{sep}pos\rfine{sep}pos\r"):  # after a row added by hand
        write(text)  # \r rows with a line feed after the last row, the header, or a row, as pandas reads them
        labels = read_labelled(path)[1]
        assert len(labels) == text.count(sep) - 1 and set(labels) <= {"pos", "neg"}
    write(f"text{sep}label\n\"a\rb\"{sep}pos\nok{sep}neg\n\"open{sep}neg\n")  # lines as an editor counts them
    with pytest.raises(DataError, match="quote .* on line 4 does not end with one"):
        read_labelled(path)
    write("text\r\r\ngreat\r\r\nbad\r\r\n")  # one column: pandas would read a blank text after each row
    with pytest.raises(DataError, match=r"line 1 ends with \\r\\r\\n \(a Windows line end written again\)"):
        read_table(path, ["text"])


@pytest.mark.parametrize("suffix", ["tsv", "tsv.gz"])
def test_a_tsv_value_with_a_tab_and_a_line_break_reads_back_as_written(tmp_path, suffix):
    """predict --output x.tsv quotes such a value, as pandas does; fit, evaluate and predict must read it back."""
    path = tmp_path / f"d.{suffix}"
    frame = pd.DataFrame({"text": ['great\tfilm\nwith "quotes"', "fine"], "label": ["pos", "neg"]})
    frame.to_csv(path, sep="\t", index=False)
    assert read_labelled(path) == (frame.text.tolist(), ["pos", "neg"])


def test_a_quoted_tab_in_a_tsv_is_read_as_pandas_writes_it(tmp_path):
    path = tmp_path / "d.tsv"
    pd.DataFrame({"text": ["good\tfilm", "bad"], "label": ["pos", "neg"]}).to_csv(path, sep="\t", index=False)
    assert read_labelled(path) == (["good\tfilm", "bad"], ["pos", "neg"])


@pytest.mark.parametrize("content, where", [
    ("text\nGood, really good\nAwful, truly awful\n", "data row 1 has more values than the header"),
    ("text,label\nNot funny, not clever,negative\nA delight,positive\n", "data row 1 has more values than the header"),
    ("text,label\nfine film,positive\nNot funny, not clever,negative\n", "line 3 has 3 values, the header 2"),
    # the file's line, after values that hold line breaks (pandas numbers the rows: row 4)
    ('text,label\n"fine\nfilm",positive\n"good\n\nfilm",positive\nNot funny, not clever,negative\n',
     "line 7 has 3 values, the header 2"),
])
def test_a_csv_row_with_an_unquoted_separator_is_refused_not_cut(tmp_path, content, where):
    # pandas would take a first row's extra value as the row's index: "Good, really good" read as " really good"
    path = tmp_path / "d.csv"
    path.write_text(content)
    with pytest.raises(DataError, match=f"{where}; put each text that holds the separator in double quotes"):
        list(iter_table(path, None))
    with pytest.raises(DataError, match=where):
        read_table(path, ["text"])


def test_table_format_from_name(tmp_path, sst_file):
    assert table_format("a.CSV") == "csv"
    assert table_format("a.tab") == "tsv"
    assert table_format("a.ndjson.gz") == "jsonl"
    assert table_format("a.pq") == "parquet"
    assert table_format(sst_file) == "sst"
    with pytest.raises(DataError, match="cannot tell the format"):
        table_format("a.docx")
    plain = tmp_path / "notes.txt"
    plain.write_text("just some notes\n")
    with pytest.raises(DataError, match="cannot tell the format"):
        table_format(plain)


def test_aspect_data_read_as_a_table_suggests_the_aspect_task(tmp_path):
    path = tmp_path / "laptops.jsonl"
    path.write_text('{"text": "Great screen.", "aspects": [{"term": "screen", "from": 6, "to": 12, "polarity": "positive"}]}\n')
    with pytest.raises(DataError, match=r"no column 'label'.*or for aspect data use an aspect model \(--model DIR of "
                                        r"one, or the shipped one: --task aspect\)"):
        read_labelled(path)


def test_other_column_names(tmp_path):
    path = tmp_path / "reviews.csv"
    FRAME.rename(columns={"text": "review", "label": "stars"}).to_csv(path, index=False)
    texts, labels = read_labelled(path, text_column="review", label_column="stars")
    assert texts[0] == "a great film" and labels == [1, 0, 1, 0]


@pytest.mark.parametrize("raw, expected", [
    (["0", "4", "-1"], [0, 4, -1]),
    (["pos", "neg", "pos"], ["pos", "neg", "pos"]),
    (["1.5", "2", "x"], ["1.5", 2, "x"]),
    (["1.0", "0.0", "-1.0"], [1, 0, -1]),  # an integer column with a gap, as pandas writes it
    (["1.0", "1.5", "2.0"], ["1", "1.5", "2"]),  # half-point ratings are text, all of them, each number written
    (["1", "1.0", "01.50", "+2", "-0.0", ".5"], ["1", "1", "1.5", "2", "0", "0.5"]),  # one way: one rating, one class
])
def test_integer_like_labels_are_ints(tmp_path, raw, expected):
    path = tmp_path / "d.csv"
    pd.DataFrame({"text": [f"text {i}" for i in range(len(raw))], "label": raw}).to_csv(path, index=False)
    assert read_labelled(path)[1] == expected


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_whole_number_float_labels_are_ints(tmp_path, suffix):
    frame = pd.DataFrame({"text": ["good", "bad", "meh"], "label": [1, 0, np.nan]}).dropna()  # labels 1.0, 0.0
    path = tmp_path / f"d{suffix}"
    write_table(frame, path)
    assert read_labelled(path)[1] == [1, 0]


def test_several_labels_written_as_whole_floats_are_ints(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "labels": [1.0]}\n{"text": "b", "labels": [1.0, 2.0]}\n')
    assert read_labelled(path, label_column="labels", separator=";")[1] == [(1,), (1, 2)]


def test_labels_in_jsonl_keep_types(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "label": 3}\n{"text": "b", "label": "2"}\n{"text": "c", "label": "neutral"}\n')
    assert read_labelled(path)[1] == [3, 2, "neutral"]


def test_plus_and_minus_one_labels_are_both_ints(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("text,label\n" + "".join(f"good film {i},+1\nbad film {i},-1\n" for i in range(10)))
    texts, labels = read_labelled(path)
    assert labels[:2] == [1, -1] and all(type(y) is int for y in labels)
    pipe = Pipeline("tfidf", "logreg").fit(texts, labels)
    assert pipe.classes_.tolist() == [-1, 1]
    assert data_module.label_cells._parse_label(" +7 ") == 7 and data_module.label_cells._parse_label("+x") == "+x"


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_label_lists_without_multi_label_are_refused(tmp_path, suffix):
    frame = pd.DataFrame({"text": [f"text {i}" for i in range(6)],
                          "label": [["joy", "love"] if i % 2 else ["anger"] for i in range(6)]})
    path = tmp_path / f"t{suffix}"
    write_table(frame, path)
    with pytest.raises(DataError, match="holds lists of labels.*--multi-label") as caught:
        read_labelled(path)
    assert "\n" not in str(caught.value) and "pass the lists of labels to Pipeline.fit" in str(caught.value)
    with pytest.raises(DataError, match="--multi-label"):
        commands.fit_file(path, tmp_path / "m")
    _, labels = read_labelled(path, separator=";")  # as several labels per text, the lists are read as they are
    assert labels[:2] == [("anger",), ("joy", "love")]


def test_label_objects_and_long_label_lists_are_refused_in_one_short_line(tmp_path):
    objects = tmp_path / "objects.jsonl"
    objects.write_text('{"text": "good", "label": "pos"}\n{"text": "bad", "label": {"a": "neg"}}\n')
    with pytest.raises(DataError, match=r"holds a JSON object, not a label \(data row 2: \{'a': 'neg'\}\)"):
        read_labelled(objects)
    long = tmp_path / "long.jsonl"
    write_table(pd.DataFrame({"text": ["x", "y"], "label": [[f"l{i}" for i in range(300)], ["l0"]]}), long)
    with pytest.raises(DataError, match=r"data row 1: \['l0', 'l1', 'l2', 'l3', 'l4', \.\.\.\]") as caught:
        read_labelled(long)
    assert len(str(caught.value)) < 400


def test_joined_labels_without_multi_label_are_refused(tmp_path):
    path = tmp_path / "t.csv"
    labels = ["joy", "anger", "joy;anger", "joy"]
    pd.DataFrame({"text": [f"text {i}" for i in range(4)], "label": labels}).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"labels joined into one cell \(data row 3: 'joy;anger'.*--multi-label"):
        read_labelled(path)
    assert read_labelled(path, separator=";")[1][2] == ("joy", "anger")  # as several labels per text: fine


def test_labels_with_a_separator_that_are_no_label_sets_are_kept(tmp_path):
    path = tmp_path / "t.csv"
    # parts that are no labels of other rows; other separators than ';' ("positive/negative": a mixed class)
    labels = ["+1", "-1", "n/a", "good; mostly", "positive", "negative", "positive/negative", "+1"]
    pd.DataFrame({"text": [f"text {i}" for i in range(8)], "label": labels}).to_csv(path, index=False)
    assert read_labelled(path)[1] == [1, -1, "n/a", "good; mostly", "positive", "negative", "positive/negative", 1]


def test_chunked_reading(tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"text": [f"t{i}" for i in range(25)], "label": [i % 2 for i in range(25)]}).to_csv(path, index=False)
    chunks = list(iter_table(path, ["text"], chunksize=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert pd.concat(chunks).text.tolist() == [f"t{i}" for i in range(25)]
    assert list(next(iter(iter_table(path, None, chunksize=10))).columns) == ["text", "label"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".csv.gz", ".csv.zip"])
def test_reading_with_a_progress_bar(tmp_path, suffix, monkeypatch):
    """The bar follows the bytes read chunk by chunk, JSON Lines too (pandas iterates that file's lines,
    past any wrapped read()), and ends at the file's size (compressed: the compressed bytes; a zip archive:
    its table's own bytes)."""
    import tqdm.auto

    path = tmp_path / f"d{suffix}"
    rng = np.random.default_rng(0)  # random letters: a compressed file is about as large, and read in parts too
    texts = ["".join(rng.choice(list("abcdefgh "), 6000)) for _ in range(300)]
    frame = pd.DataFrame({"text": texts, "label": [i % 2 for i in range(300)]})
    if suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_csv(path, index=False)
    positions, update = [], tqdm.auto.tqdm.update
    totals = []
    monkeypatch.setattr(tqdm.auto.tqdm, "update", lambda bar, n=1: positions.append(bar.n + n) or totals.append(bar.total)
                        or update(bar, n))
    size = path.stat().st_size
    if suffix == ".csv.zip":
        import zipfile

        size = frame.to_csv(index=False).encode().__len__()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("d.csv", frame.to_csv(index=False))
    chunks = list(iter_table(path, ["text"], chunksize=100, progress=True))
    assert pd.concat(chunks).text.tolist() == frame.text.tolist()
    assert positions[-1] == size == totals[-1] and len(positions) == 3 and positions == sorted(positions)
    assert 0 < positions[0] < size  # moved at the first chunk already


@pytest.mark.parametrize("line, key", [('{"text": "good", "label": 1, "text": "bad"}', "text"),
                                       ('{"text": "at 10:30", "label": 1, "meta": {"a": 1, "a": 2}}', "a")])
def test_a_json_lines_key_given_twice_is_refused_naming_the_line(tmp_path, line, key):
    """json keeps the last of two values of a key, silently: which one the writer meant is unclear."""
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "fine: really", "label": 0}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"line 2 cannot be read as a JSON object \(its key '{key}' appears twice"):
        read_labelled(path)


def test_a_line_too_deep_for_the_repeated_key_check_is_said_in_words(tmp_path, monkeypatch):
    """The key check parses a line again with a hook, whose frames can pass Python's recursion limit where
    json's own parse did not (values nested about a thousand deep): one line of error, not a traceback."""
    import json

    loads = json.loads
    monkeypatch.setattr(json, "loads", lambda text, **kw: (_ for _ in ()).throw(RecursionError())
                        if "object_pairs_hook" in kw else loads(text, **kw))
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "at 10:30", "label": 1}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"line 1 cannot be read as a JSON object \(its values nest too deeply\)"):
        read_labelled(path)


def test_jsonl_line_that_is_not_an_object(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "label": "x"}\n[1, 2]\n')
    with pytest.raises(DataError, match="d.jsonl as JSON Lines: line 2 cannot be read as a JSON object \\(it is a JSON array\\); "
                                        "fix or drop that line"):
        read_labelled(path)
    zipped = tmp_path / "e.jsonl.gz"
    zipped.write_bytes(gzip.compress(b'{"text": "a", "label": "x"}\n\n{"text": "b", "label": nul}\n'))
    with pytest.raises(DataError, match="line 3 cannot be read as a JSON object \\(Expecting value\\)"):
        read_labelled(zipped)


# -- file errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("platform, advice", [("linux", "iconv -f latin1 -t utf-8 IN > OUT"),
                                              ("win32", "open it in Notepad and save it with the UTF-8 encoding")])
def test_non_utf8_file(tmp_path, monkeypatch, platform, advice):
    """The advice names a tool of the user's platform (Windows has no iconv)."""
    monkeypatch.setattr(sys, "platform", platform)
    path = tmp_path / "latin.csv"
    path.write_bytes("text,label\ncafé crème great,1\nbad,0\n".encode("latin-1"))
    with pytest.raises(DataError, match=f"latin.csv is not UTF-8 text; re-encode it, e.g. {advice}$"):
        read_labelled(path)


def test_a_windows_file_is_told_to_be_read_as_cp1252(tmp_path):
    """Its curly quotes and dashes are bytes that latin1 reads as control characters (iconv would keep them so)."""
    path = tmp_path / "win.csv"
    path.write_bytes("text,label\n“great” film – really,1\ncafé,0\n".encode("cp1252"))
    with pytest.raises(DataError, match="re-encode it, e.g. iconv -f cp1252 -t utf-8"):
        read_labelled(path)
    path.write_bytes("text,label\ncafé crème great,1\n".encode("utf-8") + "naïve,0\n".encode("latin-1"))  # mixed
    with pytest.raises(DataError, match="re-encode it, e.g. iconv -f latin1 -t utf-8"):
        read_labelled(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        read_labelled(path)


def test_header_only_file_while_streaming(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("text,label\n")
    with pytest.raises(DataError, match="header.csv has a header but no rows"):
        list(iter_table(path, ["text"], chunksize=10))


def test_header_only_file_is_a_data_error(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("text,label\n")
    with pytest.raises(DataError, match="no rows"):
        read_labelled(path)


def test_missing_columns_message_lists_present_columns(tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"review": ["a"], "stars": [1]}).to_csv(path, index=False)
    with pytest.raises(DataError) as info:
        read_labelled(path)
    message = str(info.value)
    assert "'text'" in message and "'label'" in message
    assert "review, stars" in message
    assert "--text-column" in message and "--label-column" in message


def test_missing_text_column_names_the_option(tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"review": ["a"], "label": [1]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="'text'.*review, label.*--text-column"):
        read_labelled(path)


def test_missing_label_column_names_the_label_option(tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"text": ["a"], "stars": [1]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="--label-column"):
        read_labelled(path)


def test_missing_columns_in_parquet(tmp_path):
    path = tmp_path / "d.parquet"
    pd.DataFrame({"review": ["a"], "stars": [1]}).to_parquet(path)
    with pytest.raises(DataError, match="review, stars"):
        read_labelled(path)


def test_read_labelled_refuses_one_column_for_text_and_label(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text(CSV)
    with pytest.raises(DataError, match="text and label columns are both 'text'"):
        read_labelled(path, text_column="text", label_column="text")


@pytest.mark.parametrize("column", ["text", "label"])
def test_rows_with_missing_values(tmp_path, column):
    path = tmp_path / "d.csv"
    frame = pd.DataFrame({"text": ["a", "b", "c"], "label": ["1", "0", "1"]})
    frame.loc[1, column] = "  " if column == "text" else None
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=f"no {column} in column '{column}' \\(data rows 2\\)"):
        read_labelled(path)


def test_nonexistent_and_directory_paths(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_labelled(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a directory"):
        read_labelled(tmp_path)


def test_a_table_without_rows_is_named_by_every_reader(tmp_path):
    header = tmp_path / "header.csv"
    header.write_text("text,label\n", encoding="utf-8")
    empty = tmp_path / "empty.parquet"
    FRAME.iloc[:0].to_parquet(empty)
    array = tmp_path / "array.json"
    array.write_text("[]", encoding="utf-8")
    for path, message in ((header, "has a header but no rows"), (empty, "has columns but no rows"),
                          (array, "holds no rows")):
        with pytest.raises(DataError, match=f"{path.name} {message}"):
            read_labelled(path)
        result = invoke("predict", "--input", path, "--output", tmp_path / "out.csv")
        assert_error(result)
        assert f"{path.name} {message}" in result.stderr and not (tmp_path / "out.csv").exists()
    header.write_text("review,stars\n", encoding="utf-8")  # the columns asked for are missing: said first
    with pytest.raises(DataError, match="header.csv has no column 'text', 'label'; its columns are: review, stars"):
        read_labelled(header)


@pytest.mark.parametrize("suffix,compress,kind", [(".gz", gzip.compress, "gzip"), (".bz2", bz2.compress, "bzip2"),
                                                   (".xz", lzma.compress, "xz")])
def test_a_damaged_compressed_table_is_refused_naming_the_file_and_its_compression(tmp_path, suffix, compress, kind):
    rng = np.random.default_rng(0)
    words = ["good", "bad", '"quoted, with a comma"', "film", "plot", "é", "🙂", "dull", "a", "the"]
    rows = [" ".join(rng.choice(words, size=8)) + f",{rng.choice(['positive', 'negative'])}" for _ in range(3000)]
    whole = compress(("text,label\n" + "\n".join(rows) + "\n").encode())
    path, out = tmp_path / f"train.csv{suffix}", tmp_path / "out.csv"
    damaged = [whole[: len(whole) // 2]]  # cut short, then a byte flipped here and there (after the header)
    damaged += [whole[:at] + bytes([whole[at] ^ 0xFF]) + whole[at + 1:] for at in range(40, len(whole) - 8, len(whole) // 12)]
    for data in damaged:  # pandas may find a row it cannot parse before the checksum at the end is checked
        path.write_bytes(data)
        with pytest.raises(DataError, match=f"cannot decompress .*train.csv{suffix} as {kind} .*cut short or damaged"):
            read_labelled(path)
    assert_error(invoke("predict", "--input", path, "--output", out), f"cannot decompress .*train.csv{suffix} as {kind}")
    assert not out.exists()


def test_garbage_parquet_and_jsonl(tmp_path):
    parquet = tmp_path / "d.parquet"
    parquet.write_bytes(b"not a parquet file at all")
    with pytest.raises(DataError, match="Parquet"):
        read_labelled(parquet)
    truncated = tmp_path / "t.parquet.gz"
    write_table(FRAME, tmp_path / "t.parquet")
    truncated.write_bytes(gzip.compress((tmp_path / "t.parquet").read_bytes())[:40])
    with pytest.raises(DataError, match="cannot decompress .*t.parquet.gz"):
        read_labelled(truncated)
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text('{"text": "a", "label": 1}\n{broken\n')
    with pytest.raises(DataError, match="cannot parse .*d.jsonl as JSON Lines: line 2 cannot be read as a JSON object"):
        read_labelled(jsonl)


def test_a_refused_compressed_file_is_not_left_open(tmp_path, monkeypatch):
    import builtins
    import gzip

    opened = []

    def spy_open(*args, **kwargs):
        handle = builtins.open(*args, **kwargs)
        opened.append(handle)
        return handle

    for module in (data_module, data_module.opening):  # the modules of the package that open files
        monkeypatch.setattr(module, "open", spy_open, raising=False)
    path = tmp_path / "train.csv"
    path.write_bytes(gzip.compress(b"text,label\na,1\n"))
    with pytest.raises(DataError, match="gzip-compressed"):
        read_labelled(path)
    assert opened and all(handle.closed for handle in opened)


def test_gzip_file_named_csv_says_so(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(gzip.compress(CSV.encode()))
    with pytest.raises(DataError, match=r"gzip-compressed.*train\.csv\.gz") as info:
        read_labelled(path)
    assert "iconv" not in str(info.value)
    # and a correctly named one is read
    (tmp_path / "train.csv.gz").write_bytes(path.read_bytes())
    assert read_labelled(tmp_path / "train.csv.gz")[1] == [1, 0, 1, 0]


def test_txt_file_without_trees(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text("a great film\t1\nan awful film\t0\n")
    with pytest.raises(DataError, match="a .txt file must hold SST trees") as info:
        read_labelled(path)
    assert "SST trees (.txt)" not in str(info.value)
    assert all(suffix in str(info.value) for suffix in (".csv", ".tsv", ".jsonl", ".parquet"))
    # one text per line goes to predict on stdin, with the model it was asked for (an aspect model: --task aspect)
    assert f"sentiment predict [--model DIR | --task TASK] - < {path}" in str(info.value)


def test_compressed_trees_are_told_to_be_decompressed(tmp_path, sst_file):
    import gzip

    path = tmp_path / "train.txt.gz"
    path.write_bytes(gzip.compress(sst_file.read_bytes()))
    with pytest.raises(DataError, match=r"SST trees are read uncompressed \(decompress it first\)"):
        read_labelled(path)


def test_xml_file_for_the_polarity_task_points_at_the_aspect_task(tmp_path):
    path = tmp_path / "Restaurants_Train.xml"
    path.write_text("<sentences><sentence id='1'><text>Great pizza</text></sentence></sentences>")
    with pytest.raises(DataError, match="--task aspect"):
        read_labelled(path)
    assert_error(invoke("fit", path, "--vectorizer", "tfidf", "--model", "logreg", "--out", tmp_path / "m"),
                 "--task aspect")


# -- SST trees ---------------------------------------------------------------------------------------
def test_sst_sentences(sst_file):
    texts, labels = read_sst_trees(sst_file)
    assert texts == ["The film is wonderful .", "It was not good .", "An ordinary day", "( truly dreadful )",
                     "The film is wonderful"]
    assert labels == [3, 1, 2, 0, 4]
    assert read_labelled(sst_file) == (texts, labels)


def test_sst_trees_after_a_byte_order_mark_or_blank_lines(tmp_path, sst_file):
    expected = read_sst_trees(sst_file)
    for prefix in (b"\xef\xbb\xbf", b"\n\n"):
        path = tmp_path / "trees.txt"
        path.write_bytes(prefix + sst_file.read_bytes())
        assert table_format(path) == "sst" and read_sst_trees(path) == expected


def test_sst_escapes_are_undone_inside_words_too(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_text("(3 (2 the) (3 (2 co-writer\\/director) (2 -LRB-) (2 9\\/11) (2 \\*NSYNC) (2 -RRB-)))\n")
    assert read_sst_trees(path)[0] == ["the co-writer/director ( 9/11 *NSYNC )"]


def test_sst_phrases(sst_file):
    sentences, sentence_labels = read_sst_trees(sst_file)
    texts, labels = read_sst_trees(sst_file, phrases=True)
    assert len(texts) > len(sentences)
    assert len(set(texts)) == len(texts)  # every phrase once
    assert texts[: len(sentences)] == sentences and labels[: len(sentences)] == sentence_labels
    pairs = dict(zip(texts, labels))
    assert pairs["wonderful"] == 4 and pairs["not good"] == 1 and pairs["good"] == 3 and pairs["film"] == 2
    assert all(0 <= y <= 4 for y in labels)
    assert read_labelled(sst_file, phrases=True) == (texts, labels)


def test_sst_binary(sst_file):
    texts, labels = read_sst_trees(sst_file, binary=True)
    assert texts == ["The film is wonderful .", "It was not good .", "( truly dreadful )", "The film is wonderful"]
    assert labels == [1, 0, 0, 1]
    texts, labels = read_sst_trees(sst_file, phrases=True, binary=True)
    assert set(labels) == {0, 1} and "An ordinary day" not in texts and "film" not in texts


def test_sst_repeated_sentences_are_read_once_unless_a_scorer_counts_every_tree(tmp_path):
    path = tmp_path / "dev.txt"
    path.write_text(SST_TREES + "(3 (2 The) (4 (2 film) (4 (2 is) (4 wonderful))))\n", encoding="utf-8")  # tree 5 again, labelled 3
    texts, labels = read_sst_trees(path)
    assert len(texts) == 5 and labels[-1] == 4  # the first tree's label
    texts, labels = read_sst_trees(path, every_sentence=True)
    assert texts[-2:] == ["The film is wonderful", "The film is wonderful"] and labels[-2:] == [4, 3]
    assert read_sst_trees(path, binary=True, every_sentence=True)[1] == [1, 0, 0, 1, 1]
    assert read_labelled(path, every_sentence=True) == (texts, labels)


def test_sst_held_out_sentences_give_no_phrases(sst_file):
    held = "It was not good ."
    texts, labels = read_sst_trees(sst_file, phrases=True, held_out={held})
    assert held in texts  # the sentence itself stays, to be held out by the caller
    assert "not good" not in texts and "good" not in texts  # only that tree has these phrases
    assert "wonderful" in texts and "truly dreadful" in texts
    everything = read_sst_trees(sst_file, phrases=True)[0]
    assert set(texts) < set(everything)


@pytest.mark.parametrize("line, why", [
    ("(3 (2 The) (4 wonderful)", "a bracket is not closed; each tree must be on a line of its own, not spread over "
                                 "several lines as a pretty-printed tree is"),
    ("(2 )", "a node labelled 2 holds no words"),  # it would train or score an empty text
    ("(3 (2 ) (3 good))", "a node labelled 2 holds no words"),
    ("(\uff13 (2 a) (4 great))", "a node's label is not a number 0..4 \\('\uff13'\\)"),  # a full-width 3: int() reads it
    ("(+3 (2 a) (4 great))", "a node's label is not a number 0..4 \\('\\+3'\\)"),
    ("((2 a) (3 b))", "a node has no label \\(expected a number 0..4 after '\\(' at token 0\\)"),
    ("(3 (2 The) (4 wonderful)))", "text after the end of the tree"),
    ("(7 (2 The) (4 film))", "label 7 is outside 0..4"),
    ("(x (2 The) (4 film))", "a node's label is not a number 0..4 \\('x'\\)"),
    ("(3 The film) extra", "text after the end of the tree"),
    ("(2 " * 5000 + "deep" + ")" * 5000, "its brackets are nested too deeply \\(thousands of levels\\) for a sentence's tree"),
])
def test_malformed_tree(tmp_path, line, why):
    path = tmp_path / "trees.txt"
    path.write_text(SST_TREES + line + "\n")
    with pytest.raises(DataError, match=f"trees.txt line 6 is not a PTB sentiment tree \\({why}\\)$"):
        read_sst_trees(path)


def test_a_byte_order_mark_inside_a_trees_file_is_named(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_text("\ufeff" + SST_TREES + "\ufeff" + SST_TREES, encoding="utf-8")  # two files that began with one
    with pytest.raises(DataError, match=r"trees.txt line 6 holds a byte-order mark \(U\+FEFF\), as where files that each "
                                        r"began with one were joined; remove it"):
        read_sst_trees(path)


@pytest.mark.parametrize("encoding, named", [("latin-1", "latin1"), ("utf-16", "utf-16")])
def test_trees_not_in_utf8_are_told_to_be_reencoded(tmp_path, encoding, named):
    path = tmp_path / "trees.txt"
    path.write_bytes(("(3 (2 café) (3 good))\n" + SST_TREES).encode(encoding))  # (UTF-16: PowerShell's `>`)
    with pytest.raises(DataError, match=rf"trees.txt is not UTF-8 text; re-encode it, e.g. iconv -f {named}"):
        read_labelled(path)  # not "cannot tell the format": its first line is a tree


@pytest.mark.parametrize("content, fault", [
    ("(3\n  (2 a)\n  (4 good))\n", "a bracket is not closed; each tree must be on a line of its own"),  # pretty-printed
    ("(4 (2 a) (4 good)) % c\n", "text after the end of the tree"),
])
def test_a_file_that_opens_a_tree_is_read_as_trees_and_its_fault_named(tmp_path, content, fault):
    path = tmp_path / "trees.txt"
    path.write_text(content)
    with pytest.raises(DataError, match=rf"trees.txt line 1 is not a PTB sentiment tree \({fault}"):
        read_labelled(path)  # was "cannot tell the format", with advice for texts
    path.write_text("(2 stars) a bad film\n")  # a text in brackets opens no tree
    with pytest.raises(DataError, match="cannot tell the format"):
        read_labelled(path)


def test_trees_after_a_byte_order_mark_and_a_blank_line_are_trees(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_bytes(b"\xef\xbb\xbf\n  " + SST_TREES.encode())
    assert len(read_labelled(path)[0]) == 5


def test_empty_trees_file(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_text("\n\n")
    with pytest.raises(DataError, match="no trees"):
        read_sst_trees(path)


def test_sst_phrases_keep_every_sentence_first(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_text("(3 (3 (3 good) (2 fun)) (2 .))\n(4 (4 good) (3 fun))\n")
    sentences, labels = read_sst_trees(path)
    texts, phrase_labels = read_sst_trees(path, phrases=True)
    assert texts[: len(sentences)] == sentences and phrase_labels[: len(sentences)] == labels


# -- dev split ------------------------------------------------------------------------------------------
def test_train_dev_split_is_stratified_and_seeded():
    texts = [f"t{i}" for i in range(100)]
    labels = [i % 4 for i in range(100)]
    a = train_dev_split(texts, labels, 0.2, seed=1)
    b = train_dev_split(texts, labels, 0.2, seed=1)
    assert a == b
    train_x, train_y, dev_x, dev_y = a
    assert len(dev_x) == 20 and sorted(dev_y) == sorted([0, 1, 2, 3] * 5)
    assert set(train_x).isdisjoint(dev_x) and len(train_x) == 80
    with pytest.raises(DataError, match="above 0 and below 1"):
        train_dev_split(texts, labels, 1.5)


def test_a_dev_split_too_small_for_every_class_is_a_plain_one():
    texts, labels = ["a", "b", "c", "d"], [0, 1, 0, 1]
    train_x, train_y, dev_x, dev_y = train_dev_split(texts, labels, 0.1)  # one dev text cannot hold both classes
    assert len(dev_x) == 1 and sorted(train_x + dev_x) == texts and set(train_y) == {0, 1}
    with pytest.raises(DataError, match=r"^cannot split off a dev set: 0.5 of 1 texts leaves no text on one side; "
                                        r"give more data, another dev fraction, or pass dev data$"):
        train_dev_split(["a"], [0], 0.5)


@pytest.mark.parametrize("seed", range(10))
def test_a_label_with_one_text_stays_in_training(seed):
    texts = [f"t{i}" for i in range(41)]
    labels = ["pos", "neg"] * 20 + ["neutral"]
    train_x, train_y, dev_x, dev_y = train_dev_split(texts, labels, 0.2, seed=seed)
    assert "neutral" in train_y and "neutral" not in dev_y
    assert sorted(train_x + dev_x) == sorted(texts)


@pytest.mark.parametrize("seed", range(10))
def test_a_rare_label_of_several_per_text_stays_in_training(seed):
    texts = [f"t{i}" for i in range(41)]
    labels = [("joy",), ("anger", "joy")] * 20 + [("grief", "joy")]
    train_x, train_y, dev_x, dev_y = train_dev_split(texts, labels, 0.2, seed=seed)
    assert ("grief", "joy") in train_y and all("grief" not in y for y in dev_y)
    assert sorted(train_x + dev_x) == sorted(texts)


@pytest.mark.parametrize("seed", range(10))
def test_the_one_text_without_a_common_label_stays_in_training(seed):
    texts = [f"t{i}" for i in range(30)]
    labels = [("a", "b"), ("a", "c")] * 14 + [("a", "b"), ("c",)]  # only the last text lacks "a"
    train_x, train_y, dev_x, dev_y = train_dev_split(texts, labels, 0.5, seed=seed)  # in dev for about half the seeds
    assert ("c",) in train_y and all("a" in y for y in dev_y)
    assert sorted(train_x + dev_x) == sorted(texts) and dev_x


def test_split_errors_name_the_part():
    with pytest.raises(DataError, match="tune fraction"):
        train_dev_split(["a", "b"], [0, 1], 0, part="tune")


def test_phrases_need_sst_trees(tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"text": ["a", "b"], "label": [0, 1]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="leave --phrases out"):
        read_labelled(path, phrases=True)


@pytest.mark.parametrize("texts, message", [
    ({"good film": 1}, "not a dict"),  # iterating would give the keys
    ({"good film", "bad film"}, "not a set"),  # no order to match labels to
    (np.array([["good film", "bad film"]]), "one-dimensional"),
    (["good film", pd.NA], "text 1 is missing"),
    (pd.Series(["good film", None], dtype="string"), "text 1 is missing"),
])
def test_texts_that_are_not_one_string_per_text(texts, message):
    with pytest.raises(DataError, match=message):
        check_texts(texts)


def test_pandas_missing_label_is_missing():
    with pytest.raises(DataError, match="label 1 is missing"):
        check_labels([1, pd.NA, 0], 3)


def test_sst_phrase_split_holds_out_whole_trees(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_text("\n".join(f"({3 if i % 2 else 1} (2 item{i}) ({3 if i % 2 else 1} word{i}))" for i in range(40)) + "\n")
    train, train_labels, dev, dev_labels = sst_phrase_split(path, 0.25, seed=0)
    assert len(dev) == 10 and sorted(dev_labels) == [1] * 5 + [3] * 5  # sentences, stratified
    dev_trees = {text.split()[0][len("item"):] for text in dev}
    expected = {text for i in range(40) if str(i) not in dev_trees for text in (f"item{i} word{i}", f"item{i}", f"word{i}")}
    assert set(train) == expected and len(train) == len(train_labels) == 90  # every phrase of the other 30 trees


def test_sst_phrase_split_leaves_out_the_sentences_split_off_before(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_text("\n".join(f"({3 if i % 2 else 1} (2 item{i}) ({3 if i % 2 else 1} word{i}))" for i in range(40)) + "\n")
    _, _, dev, _ = sst_phrase_split(path, 0.25, seed=0)
    train, _, held, held_labels = sst_phrase_split(path, 0.1, seed=0, exclude=dev)
    assert len(held) == 3 and not set(held) & set(dev)  # a tenth of the other 30 sentences
    trees_out = {text.split()[0][len("item"):] for text in dev + held}
    expected = {text for i in range(40) if str(i) not in trees_out for text in (f"item{i} word{i}", f"item{i}", f"word{i}")}
    assert set(train) == expected  # no phrase of a dev or held-out tree


def test_what_moved_out_of_data_still_imports_from_it_with_a_deprecation_warning():
    from sentiment import splits, sst

    with pytest.warns(DeprecationWarning, match=r"sentiment.data.train_dev_split is now sentiment.splits.train_dev_split"):
        from sentiment.data import train_dev_split
    assert train_dev_split is splits.train_dev_split
    with pytest.warns(DeprecationWarning, match="sentiment.sst.read_sst_trees"):
        assert data_module.read_sst_trees is sst.read_sst_trees
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        data_module.no_such_thing


@pytest.mark.parametrize("platform, file, advice", [
    ("linux", True, "e.g. iconv -f cp1252 -t utf-8 IN > OUT"), ("linux", False, "e.g. iconv -f cp1252 -t utf-8"),
    ("win32", True, "e.g. open it in Notepad and save it with the UTF-8 encoding"),
    ("win32", False, "e.g. save the text from an editor with the UTF-8 encoding first"),
])
def test_the_advice_to_re_encode_fits_the_platform_and_what_was_given(monkeypatch, platform, file, advice):
    from sentiment.errors import reencode_hint

    monkeypatch.setattr(sys, "platform", platform)
    assert reencode_hint("cp1252", file=file) == advice


def test_weights_of_a_semicolon_csv_may_have_a_decimal_comma(tmp_path):
    """Spreadsheets that write CSV with ";" write "1,5" where the comma is the decimal mark."""
    (tmp_path / "semi.csv").write_text("text;label;weight\ngood film;pos;2\nbad film;neg;1,5\nfine;pos;,25\nok;pos;0.5\n")
    assert data_module.read_weights(tmp_path / "semi.csv", "weight").tolist() == [2.0, 1.5, 0.25, 0.5]
    # with "," as the separator, a quoted "1,5" may be a thousands mark: no guess
    (tmp_path / "comma.csv").write_text('text,label,weight\ngood film,pos,2\nbad film,neg,"1,5"\n')
    with pytest.raises(DataError, match=r"data row 2 of column 'weight' holds '1,5'; not a weight; weights must be 0"):
        data_module.read_weights(tmp_path / "comma.csv", "weight")
    (tmp_path / "semi_bad.csv").write_text("text;label;weight\ngood film;pos;1,5,2\n")
    with pytest.raises(DataError, match=r"holds '1,5,2'; not a weight"):
        data_module.read_weights(tmp_path / "semi_bad.csv", "weight")


@pytest.mark.parametrize("name, separator", [("cr.csv", ","), ("cr.tsv", "\t"), ("semicolons.csv", ";"),
                                             ("cr.csv.gz", ",")])
def test_a_table_whose_lines_end_in_a_carriage_return_alone_is_read(tmp_path, name, separator):
    """Classic Mac OS and some spreadsheet exports end lines with "\r" alone; pandas reads them, so must the
    checks of the header row."""
    import gzip

    body = f"text{separator}label\rgood film{separator}pos\rbad, awful film{separator}neg\r"
    if separator == ",":
        body = body.replace("bad, awful film", '"bad, awful film"')
    path = tmp_path / name
    path.write_bytes(gzip.compress(body.encode()) if name.endswith(".gz") else body.encode())
    assert read_labelled(path) == (["good film", "bad, awful film"], ["pos", "neg"])


@pytest.mark.parametrize("start", ["\r", "\r \r\r", "sep=,\r\r", "sep=,\r"])
@pytest.mark.parametrize("gz", [False, True])
def test_blank_lines_before_the_header_of_a_table_of_carriage_returns_alone(tmp_path, start, gz):
    """pandas counts such lines otherwise than LF-ended ones: its skiprows must still land on the header row."""
    import gzip

    body = (start + "text,label\rgood film,pos\rbad film,neg\r").encode()
    path = tmp_path / ("cr.csv.gz" if gz else "cr.csv")
    path.write_bytes(gzip.compress(body) if gz else body)
    assert read_labelled(path) == (["good film", "bad film"], ["pos", "neg"])


def test_a_one_column_table_of_carriage_returns_alone_with_blank_lines_first_is_refused(tmp_path):
    path = tmp_path / "texts.csv"  # its blank lines are empty texts, whose places pandas then miscounts
    path.write_bytes(b"\r\rtext\rgood film\r\rbad film\r")
    with pytest.raises(DataError, match="carriage return alone .* blank lines before its header row; remove those"):
        list(iter_table(path, ["text"]))
    for body in (b"text\rgood film\r\rbad film\r", b"sep=,\rtext\rgood film\r\rbad film\r"):  # no blank line before
        path.write_bytes(body)  # the header (but Excel's "sep=" line): read, the empty text in its place
        assert next(iter_table(path, ["text"]))["text"].tolist()[::2] == ["good film", "bad film"]


def test_json_that_python_cannot_read_is_refused_naming_the_line(tmp_path):
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"text": "good", "label": 1}\n{"text": "bad", "label": 0, "x": ' + "[" * 3000 + "]" * 3000 + "}\n")
    with pytest.raises(DataError, match="line 2 cannot be read as a JSON object \\(its values nest too deeply\\)"):
        read_labelled(deep)
    digits = tmp_path / "digits.jsonl"
    digits.write_text('{"text": "good", "label": 1, "id": ' + "1" * 5000 + "}\n")
    with pytest.raises(DataError, match="line 1 cannot be read as a JSON object \\(a number of more digits than can be read"):
        read_labelled(digits)
    wide = tmp_path / "wide.jsonl"  # valid JSON, beyond the 64 bits of pandas' JSON reader: read exactly
    wide.write_text('{"text": "good", "label": 1, "id": 18446744073709551617}\n')
    assert read_table(wide, ["id"])["id"].tolist() == [18446744073709551617]


def test_a_label_of_more_digits_than_python_reads_stays_text(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("text,label\ngood,1\nbad," + "1" * 5000 + "\n")
    assert read_labelled(path)[1] == ["1", "1" * 5000]  # a number, not all whole ones read: text, as ratings


@pytest.mark.parametrize("odd", [None, True, 1.5, {"a": 1}, ["anger"]])
def test_a_label_list_holding_what_is_no_label_is_refused(odd):
    """null, true, a fraction, an object or a nested list would silently become classes 'None', 'True', ..."""
    from sentiment.data import split_labels

    assert split_labels([["joy", "anger"], ["fear"]], ";") == [("joy", "anger"), ("fear",)]
    assert split_labels([[3], [1, 2.0]], ";") == [(3,), (1, 2)]  # 2.0: a whole number, as pandas writes ints
    with pytest.raises(DataError, match=r"data row 2 has .* among its labels .*; give every label as a name or a whole"):
        split_labels([["joy"], ["anger", odd]], ";")


def test_json_booleans_are_labels_of_their_own_but_not_among_names(tmp_path):
    path = tmp_path / "flags.jsonl"
    path.write_text('{"text": "great", "label": true}\n{"text": "awful", "label": false}\n')
    assert read_labelled(path)[1] == ["True", "False"]  # a yes/no column: two classes
    path.write_text('{"text": "great", "label": "positive"}\n{"text": "ok", "label": true}\n')
    with pytest.raises(DataError, match=r"labels mix types, e.g. true \(a boolean\) and 'positive' \(a string\); use one "
                                        r"kind of label for all \(all names, all numbers or all true/false\)"):
        read_labelled(path)  # not a third class "True" beside the names


@pytest.mark.parametrize("phrases", [False, True])
def test_trees_that_are_all_neutral_say_so_under_the_two_class_reading(tmp_path, phrases):
    path = tmp_path / "neutral.txt"
    path.write_text("(2 (2 it) (2 (2 is) (2 a film)))\n(2 (2 some) (2 words))\n")
    assert read_sst_trees(path, phrases=phrases)[1][:2] == [2, 2]  # five classes: read
    with pytest.raises(DataError, match=r"neutral.txt is neutral \(label 2\), which the two-class reading .* drops"):
        read_sst_trees(path, phrases=phrases, binary=True)


def test_the_columns_a_message_lists_show_what_hides_in_their_names(tmp_path):
    from sentiment.data import column_list

    assert column_list(["text", "label", "stars.1"]) == "text, label, stars.1"
    assert column_list([" text ", "\ufefflabel"]) == "' text ', '\\ufefflabel'"
    assert column_list([]) == "none"
    listed = column_list(["x" * 5000] + [f"c{i}" for i in range(30)])
    assert len(listed) < 300 and listed.endswith("... (31 in all)")
    path = tmp_path / "headerless.csv"  # a first row of text read as the header: no 10 KB message
    path.write_text("a" * 10_000 + ",1\nfine,0\n")
    with pytest.raises(DataError, match=r"has no column 'text', 'label'; its columns are: 'aaa") as error:
        read_labelled(path)
    assert len(str(error.value)) < 400


def test_a_lone_surrogate_escape_in_json_lines_names_its_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "good film", "label": "pos"}\n{"text": "bad film", "label": "neg\\udc00"}\n')
    with pytest.raises(DataError, match=r"line 2 cannot be read as a JSON object \(it holds a \\u escape of half a "):
        read_labelled(path)


def test_half_point_ratings_are_read_as_text_every_one(tmp_path):
    """Numbers that are not all whole are classes by their text: "1" beside "1.5" must not be an int beside a
    string, which the label checks refuse as a mix of kinds."""
    path = tmp_path / "halves.csv"
    path.write_text("text,label\ngreat,5\ngood,4.5\nawful,1\nbad,1.5\n")
    assert read_labelled(path)[1] == ["5", "4.5", "1", "1.5"]
    (tmp_path / "halves.jsonl").write_text('{"text": "a", "label": 1}\n{"text": "b", "label": 1.5}\n')
    assert read_labelled(tmp_path / "halves.jsonl")[1] == ["1", "1.5"]
    (tmp_path / "whole.csv").write_text("text,label\na,1.0\nb,2\n")
    assert read_labelled(tmp_path / "whole.csv")[1] == [1, 2]


@pytest.mark.parametrize("separator, bom", [(";", ""), (",", "\ufeff"), ("\t", "")])
def test_a_header_row_longer_than_the_first_bytes_read_is_read_whole(tmp_path, separator, bom):
    """A wide table (hundreds of columns) has a header row of more than 4 KiB: its separator and names must
    still come from the whole row."""
    names = ["text", "label"] + [f"feature_{i:04d}_{'x' * 20}" for i in range(300)]
    rows = [names, ["good film", "pos"] + ["1"] * 300, ["bad film", "neg"] + ["0"] * 300]
    path = tmp_path / "wide.csv"
    path.write_text(bom + "\n".join(separator.join(row) for row in rows) + "\n", encoding="utf-8")
    assert len(separator.join(names)) > 4096
    assert read_labelled(path) == (["good film", "bad film"], ["pos", "neg"])


def test_an_encrypted_zip_is_said_so(tmp_path):
    import zipfile

    path = tmp_path / "d.csv.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("d.csv", "text,label\ngood,positive\n")
    data = bytearray(path.read_bytes())  # mark the member encrypted (bit 0 of its flags), as zip -P does
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + flags_at
        data[at] |= 1
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match="d.csv.zip is an encrypted zip archive; unzip it"):
        read_labelled(path)


@pytest.mark.parametrize("name", ["d.csv.zip", "d.jsonl.zip"])
def test_a_zipped_folder_of_one_table_is_read_and_one_of_two_refused(tmp_path, name):
    """A folder zipped whole ("zip -r d.zip folder") holds the folder and its file: the file is read."""
    import zipfile

    table = tmp_path / name.removesuffix(".zip")
    write_table(FRAME, table)
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("folder/", "")
        archive.write(table, f"folder/{table.name}")
    assert read_labelled(path) == (FRAME.text.tolist(), [1, 0, 1, 0])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("folder/notes.txt", "other")
    with pytest.raises(DataError, match=rf"{name} holds 2 files \(folder/{table.name}, folder/notes.txt\); give a zip "
                                        "archive of one table"):
        read_labelled(path)


def test_a_zipped_table_reads_as_the_same_table_unzipped(tmp_path):
    """A zip archive's member gets the checks of a plain file: a "sep=" line, a one-column table's blank
    lines, a JSON key given twice (named by its line), whole numbers kept exact."""
    import zipfile

    def zipped(name: str, text: str):
        path = tmp_path / f"{name}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(name, text)
        return path

    assert read_labelled(zipped("s.csv", "sep=;\ntext;label\ngood, really;pos\nbad;neg\n")) == (
        ["good, really", "bad"], ["pos", "neg"])
    assert read_labelled(zipped("semi.csv", "text;label\ngood, really;pos\n")) == (["good, really"], ["pos"])
    from sentiment.data import iter_table

    frame = next(iter_table(zipped("one.csv", "text\ngreat\n\nawful\n\n"), ["text"]))
    assert [None if pd.isna(v) else v for v in frame["text"]] == ["great", None, "awful"]
    with pytest.raises(DataError, match=r"line 2 cannot be read as a JSON object \(its key 'text' appears twice"):
        read_labelled(zipped("d.jsonl", '{"text": "a", "label": 1}\n{"text": "b", "text": "c", "label": 0}\n'))
    frame = next(iter_table(zipped("ids.jsonl", '{"text": "a", "id": 18014398509481985}\n{"text": "b"}\n'),
                            ["text", "id"]))
    assert frame["id"].tolist()[0] == 18014398509481985  # exact past 2**53, beside a gap
    assert read_labelled(zipped("arr.json", '[{"text": "good", "label": 1}, {"text": "bad", "label": 0}]')) == (
        ["good", "bad"], [1, 0])  # a JSON array, found in the member's first bytes
    with pytest.raises(DataError, match=r"u16.csv.zip is not UTF-8 text .*UTF-16 text.*iconv -f utf-16 -t utf-8"):
        read_labelled(zipped("u16.csv", "text,label\ngood,1\n".encode("utf-16")))  # not the archive's own bytes


def test_a_zstd_table_gets_the_checks_of_a_plain_one(tmp_path):
    zstandard = pytest.importorskip("zstandard")  # optional: pandas reads .zst through it

    def packed(name: str, text: str):
        path = tmp_path / f"{name}.zst"
        path.write_bytes(zstandard.ZstdCompressor().compress(text.encode()))
        return path

    assert read_labelled(packed("semi.csv", "sep=;\ntext;label\ngood, really;pos\n")) == (["good, really"], ["pos"])
    with pytest.raises(DataError, match="names the column 'text' 2 times"):
        read_labelled(packed("dup.csv", "text,text,label\na,b,1\n"))
    with pytest.raises(DataError, match="on line 2 does not end with one"):
        read_labelled(packed("quote.csv", 'text,label\n"Hello there,0\nb,1\n"c",0\n'))  # pandas: one row of 3
    # JSON Lines and a JSON array are read by the json module, as uncompressed: keys given twice refused, ids exact
    with pytest.raises(DataError, match="line 1 cannot be read as a JSON object .*its key 'label' appears twice"):
        read_labelled(packed("twice.jsonl", '{"text": "good", "label": "pos", "label": "neg"}\n'))
    lines = packed("ids.jsonl", '{"text": "good", "id": 18014398509481985}\n{"text": "bad", "id": null}\n')
    assert pd.concat(list(iter_table(lines, None, chunksize=1)))["id"].tolist() == [18014398509481985, None]
    assert read_labelled(packed("arr.json", '[{"text": "good", "label": 1}, {"text": "bad", "label": 0}]')) == (
        ["good", "bad"], [1, 0])


def test_rows_that_end_with_a_separator_are_said_so(tmp_path):
    path = tmp_path / "trail.csv"
    path.write_text("text,label\ngood film,1,\nbad film,0,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"data row 1 has more values than the header, the last of them empty: if the "
                                        r"rows end with a separator \(','\), remove it or name that column"):
        read_labelled(path)


def test_a_named_pipe_is_no_data_file(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    pipe = tmp_path / "p.csv"
    os.mkfifo(pipe)
    with pytest.raises(DataError, match="p.csv is not a regular file .*write its content to a file"):
        read_labelled(pipe)  # was "is empty" (a pipe's size is 0), and it must not block on the pipe


def test_a_utf32_file_gets_the_utf32_advice(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("text,label\ngood,positive\n".encode("utf-32"))
    with pytest.raises(DataError, match="utf-32"):
        read_labelled(path)


def test_a_json_array_keeps_whole_numbers_exact_and_refuses_what_json_lines_refuse(tmp_path):
    import json

    path = tmp_path / "d.json"
    path.write_text('[{"id": 12345678901234567, "text": "great film", "label": 1}, {"text": "awful", "label": 0}]')
    [frame] = list(iter_table(path, None))
    assert frame["id"].tolist()[0] == 12345678901234567 and isinstance(frame["id"].tolist()[0], int)
    assert read_labelled(path) == (["great film", "awful"], [1, 0])
    for text, message in (
            ('[{"text": "great", "label": "negative", "label": "positive"}, {"text": "x", "label": "negative"}]',
             "d.json: an object of its array gives the key 'label' twice, so which value is meant is unclear; keep one"),
            ('[{"text": "great", "label": 1}, ["x", 0]]', "d.json: item 2 of its array is a JSON array, not an object"),
            ('[{"text": "bad \\ud800", "label": 0}]', r"d.json: item 1 of its array holds a \\u escape of half a character")):
        path.write_text(text)
        with pytest.raises(DataError, match=message):
            read_labelled(path)
    path.write_text(json.dumps([{"text": "fine", "label": 1}]) + " junk")
    with pytest.raises(DataError, match=r"cannot parse .*d.json as JSON \(Extra data"):
        read_labelled(path)


def test_a_parquet_file_that_names_a_column_twice_is_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.parquet"
    pq.write_table(pa.table([["Good", "Bad"], ["positive", "negative"], ["x", "y"]], names=["text", "label", "text"]), path)
    with pytest.raises(DataError, match="dup.parquet names the column 'text' 2 times; give every column its own name"):
        read_labelled(path)
    for chunksize in (None, 1):
        with pytest.raises(DataError, match="names the column 'text' 2 times"):
            list(iter_table(path, None, chunksize=chunksize))


def test_the_columns_a_parquet_file_keeps_as_its_index_read_as_columns(tmp_path):
    frame = pd.DataFrame({"id": ["a7", "b9"], "text": ["great film", "awful film"], "label": ["positive", "negative"]})
    frame.set_index("id").to_parquet(tmp_path / "id.parquet")
    frame.set_index("label").to_parquet(tmp_path / "label.parquet")
    for chunksize in (None, 1):
        read = pd.concat(list(iter_table(tmp_path / "id.parquet", None, chunksize=chunksize)))
        assert read["id"].tolist() == ["a7", "b9"] and read.columns.tolist() == ["id", "text", "label"]
    assert read_labelled(tmp_path / "label.parquet") == (["great film", "awful film"], ["positive", "negative"])
    frame.to_parquet(tmp_path / "plain.parquet")  # pandas' range index: no column
    assert next(iter_table(tmp_path / "plain.parquet", None)).columns.tolist() == ["id", "text", "label"]
    frame.set_index(pd.Index([5, 6])).to_parquet(tmp_path / "unnamed.parquet")  # nor an unnamed index
    assert next(iter_table(tmp_path / "unnamed.parquet", None)).columns.tolist() == ["id", "text", "label"]
    # an index of evenly spaced whole numbers, which the file keeps as its start and step alone, is rebuilt
    pd.DataFrame({"id": range(1, 8, 2), "text": ["great"] * 4}).set_index("id").to_parquet(tmp_path / "range.parquet")
    for chunksize in (None, 3):
        read = pd.concat(list(iter_table(tmp_path / "range.parquet", None, chunksize=chunksize)))
        assert read["id"].tolist() == [1, 3, 5, 7] and read.columns.tolist() == ["id", "text"]
    # whole numbers with a gap in the index stay whole (pandas would rebuild them as floats: 3.0, ids rounded)
    ids = pd.DataFrame({"id": pd.array([12345678901234567, None], dtype="Int64"), "text": ["great film", "awful"]})
    ids.set_index("id").to_parquet(tmp_path / "ids.parquet")
    for chunksize in (None, 1):
        read = pd.concat(list(iter_table(tmp_path / "ids.parquet", None, chunksize=chunksize)))
        assert read["id"].tolist() == [12345678901234567, None] and read.columns.tolist() == ["id", "text"]


def test_a_one_column_table_whose_quoted_name_holds_the_separator_keeps_its_blank_rows(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text('"review, full"\ngreat film\n\nawful film\n', encoding="utf-8")
    assert pd.concat(list(iter_table(path, ["review, full"])))["review, full"].fillna("").tolist() == \
        ["great film", "", "awful film"]


def test_a_semicolon_table_whose_quoted_column_name_holds_a_comma_is_parted_by_the_semicolon(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text('"review, full";label\ngreat film;1\nawful film;0\n', encoding="utf-8")
    assert read_labelled(path, "review, full", "label") == (["great film", "awful film"], [1, 0])
    path.write_text("text,label\n\"a; b\",1\nc,0\n", encoding="utf-8")  # commas part it, as before
    assert read_labelled(path) == (["a; b", "c"], [1, 0])


def test_label_cells_written_as_lists_are_read_as_lists_of_labels(tmp_path):
    """pandas' to_csv writes a column of lists as "['joy', 'anger']": each list string became a class of its
    own, and --label-sep ',' (which an error advised) made classes such as "['anger'"."""
    from sentiment.data import read_labelled

    path = tmp_path / "lists.csv"
    pd.DataFrame({"text": ["glad", "furious and scared", "numbers"],
                  "labels": [["joy"], ["anger", "fear"], ["joy"]]}).to_csv(path, index=False)
    assert read_labelled(path, "text", "labels", separator=";")[1] == [("joy",), ("anger", "fear"), ("joy",)]
    written = tmp_path / "written.csv"  # JSON's spelling, numbers, numpy's spelling of an array
    written.write_text('text,labels\nglad,"[""joy""]"\nsad,"[2, 27]"\nmad,[ 2 27]\nodd,[positive]\n')
    assert read_labelled(written, "text", "labels", separator=";")[1] == [("joy",), (2, 27), (2, 27), ("[positive]",)]
    arrays = tmp_path / "arrays.csv"  # numpy arrays of strings: "['anger' 'fear']", which Python would join into one
    pd.DataFrame({"text": ["a", "b"], "labels": [np.array(["anger", "fear"]), np.array(["joy"])]}).to_csv(arrays,
                                                                                                       index=False)
    assert read_labelled(arrays, "text", "labels", separator=";")[1] == [("anger", "fear"), ("joy",)]
    with pytest.raises(DataError, match=r"column 'labels' holds lists of labels \(data row 1: \['joy'\]\); several "
                                        r"labels per text need a model trained with `sentiment fit --multi-label`"):
        read_labelled(path, "text", "labels")


def test_a_header_row_repeated_inside_a_table_is_refused(tmp_path):
    from sentiment.data import read_labelled

    path = tmp_path / "joined.csv"
    path.write_text("text,label\ngood film,positive\nbad film,negative\ntext,label\nfine film,positive\n")
    with pytest.raises(DataError, match=r"joined.csv: data row 3 repeats the header row \('text', 'label'\), as files "
                                        r"joined with their header rows do; drop that row$"):
        read_labelled(path, "text", "label")
    path.write_text("text,label\ngood film,positive\ntext,negative\n")  # a text "text" of its own is one
    assert read_labelled(path, "text", "label")[0] == ["good film", "text"]



def test_a_utf16_table_without_a_byte_order_mark_is_named_by_its_byte_order(tmp_path):
    """A big-endian file was named UTF-16LE, and the iconv command given made garbage of it."""
    from sentiment.data import read_labelled

    for encoding, named in (("utf-16-be", "utf-16be"), ("utf-16-le", "utf-16le")):
        path = tmp_path / "wide.csv"
        path.write_bytes("text,label\ngood,pos\nbad,neg\n".encode(encoding))
        with pytest.raises(DataError, match=rf"NUL: {named.upper()} text, or not text at all\); re-encode text, e.g. "
                                            rf"iconv -f {named} -t utf-8"):
            read_labelled(path)


def test_a_json_array_with_a_number_of_too_many_digits_says_so_in_words(tmp_path):
    path = tmp_path / "d.json"
    path.write_text('[{"text": "great", "label": 1, "id": ' + "1" * 5000 + "}]", encoding="utf-8")
    with pytest.raises(DataError, match=r"cannot parse .*d.json as JSON \(a number of more digits than can be read; "
                                        r"write it as a string\)"):
        read_labelled(path)


@pytest.mark.parametrize("head, expected", [
    (b"text,label\ngood,1\n", "csv"), (b"\xef\xbb\xbftext\tlabel\ngood, really\t1\n", "tsv"),
    (b"review,note\tx\n", "csv"), (b'  {"text": "good"}\n', "jsonl"), (b'[{"text": "good"}]', "json"),
    (b"PAR1\x15\x04", "parquet"), (b'<?xml version="1.0"?><sentences>', "xml"), (b"text\n", "csv"),
])
def test_format_of_head_tells_a_piped_table_by_its_first_bytes(head, expected):
    from sentiment.data import format_of_head

    assert format_of_head(head) == expected


def test_format_of_head_refuses_empty_and_compressed_input():
    from sentiment.data import format_of_head

    with pytest.raises(DataError, match="standard input is empty"):
        format_of_head(b" \n\n")
    with pytest.raises(DataError, match="piped is bzip2-compressed; decompress it"):
        format_of_head(bz2.compress(b"text\ngood\n"), shown="piped")


def test_a_parquet_column_of_binary_labels_or_texts_is_refused(tmp_path):
    """Binary Parquet cells (text not marked UTF-8) are no labels: read as text they became classes "b'pos'"."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    labels = tmp_path / "labels.parquet"
    pq.write_table(pa.table({"text": ["good", "bad"], "label": pa.array([b"pos", b"neg"], pa.binary())}), labels)
    for separator in (None, ";"):
        with pytest.raises(DataError, match=r"column 'label' holds binary values, not labels \(data row 1: b'pos'\); "
                                            "store the labels as strings"):
            read_labelled(labels, separator=separator)
    texts = tmp_path / "texts.parquet"
    pq.write_table(pa.table({"text": pa.array([b"good", b"bad"], pa.binary()), "label": ["pos", "neg"]}), texts)
    with pytest.raises(DataError, match="data row 1 of column 'text' holds a binary value, not a text"):
        read_labelled(texts)


@pytest.mark.parametrize("name", ["reviews.xlsx", "reviews.XLS", "reviews.ods"])
def test_a_spreadsheet_workbook_is_refused_with_how_to_save_it_as_csv(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not a table")
    for read in (read_labelled, lambda p: read_table(p, ["text"])):
        with pytest.raises(DataError, match=r"is a spreadsheet workbook, which is not read; save its sheet as CSV") as caught:
            read(path)
        assert "\n" not in str(caught.value)


def test_a_table_whose_content_is_another_format_than_its_name_says_is_refused_with_its_right_name(tmp_path):
    """Parquet named .csv was said to be not UTF-8 (re-encode it with iconv); JSON named .csv had its keys read as
    column names ("names the column ' \\"label\\": 1}' 2 times")."""
    records = pd.DataFrame({"text": ["good", "bad"], "label": [1, 0]})
    cases = {"t.csv": records.to_parquet(), "t.jsonl": records.to_parquet(), "t.json": records.to_parquet(),
             "t.csv.gz": gzip.compress(records.to_parquet()), "t.tsv": records.to_json(orient="records", lines=True),
             "t.csv.bz2": bz2.compress(records.to_json(orient="records").encode())}
    named = {"t.csv": "t.parquet", "t.jsonl": "t.parquet", "t.json": "t.parquet", "t.csv.gz": "t.parquet.gz", "t.tsv": "t.jsonl",
             "t.csv.bz2": "t.json.bz2"}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        said = {"csv": "CSV", "tsv": "TSV", "jsonl": "JSON Lines", "json": "JSON"}[name.split(".")[1]]  # as named
        with pytest.raises(DataError, match=rf"not {said} as its name says; name it {named[name]}\b") as caught:
            read_labelled(path)
        assert "\n" not in str(caught.value)
        (tmp_path / named[name]).write_bytes(path.read_bytes())
        assert read_labelled(tmp_path / named[name]) == (["good", "bad"], [1, 0])


def test_a_json_lines_line_that_begins_with_a_byte_order_mark_is_said_to_be_one(tmp_path):
    """Files joined after each began with a mark: json's own words ("decode using utf-8-sig") were no advice."""
    path = tmp_path / "joined.jsonl"
    path.write_bytes('{"text": "good", "label": 1}\n\ufeff{"text": "bad", "label": 0}\n'.encode())
    with pytest.raises(DataError, match=r"line 2 cannot be read as a JSON object \(it begins with a byte-order mark "
                                        r"\(U\+FEFF\), as where files that each began with one were joined; remove it"):
        read_labelled(path)
    path.write_bytes('\ufeff{"text": "good", "label": 1}\n{"text": "bad", "label": 0}\n'.encode())  # the file's own
    assert read_labelled(path) == (["good", "bad"], [1, 0])
