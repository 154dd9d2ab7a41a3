"""Label the texts of a file chunk by chunk into CSV, TSV or JSON Lines (``predict_file``), or of a list
(``annotate_texts``)."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
import warnings
from pathlib import Path

import numpy as np

from ..checks import json_safe, spreadsheet_safe
from ..data import (blank_cells, blank_header_names, check_no_blank, csv_quoting, existing_file, iter_table,
                    missing_columns, repeated_header_rows, table_format, text_values)
from ..errors import ConfigError, DataError, UnfoundAspectWarning
from ..persistence import atomic_file, check_output_file, file_name_for, same_path
from ..pipeline import MAX_EXPLAINED_WORDS, Pipeline
from .gold import check_grouping
from .models import is_aspect_model, model_columns, model_columns_named


OUTPUT_FORMATS = ("csv", "tsv", "jsonl")


# Rows predicted at a time by predict_file: on 25,000 IMDB reviews 5,000 took 475 MB at its peak and was as
# fast as 10,000, which took 782 MB (benchmarks/predict_memory.py); with explanations, 1,000 (each row costs
# a prediction per word).
CHUNK_ROWS, EXPLAINED_CHUNK_ROWS = 5000, 1000


def check_predict_flags(pipe, top_if_none: bool = False, aspects: list[str] | None = None,
                        by_sentence: bool | None = None, grouping: str | None = None) -> None:
    """Refuse predict flags that the model cannot honour: ``top_if_none`` (--top-if-none) without several
    labels per text, ``aspects`` (--aspect) or ``by_sentence`` (--by-sentence / --whole-text) without an
    aspect model; ``by_sentence=None`` is "not given"; ``grouping`` (--grouping) without a model of labels
    that the grouping groups."""
    aspect_model = is_aspect_model(pipe)
    if top_if_none:
        check_top_if_none(aspect_model, getattr(pipe, "multi_label_", False))
    if grouping is not None:
        check_grouping(pipe, grouping, aspect_model)
    if aspect_model:
        return
    sentence_flag = {True: "--by-sentence", False: "--whole-text"}.get(by_sentence)
    for flag, given in (("--aspect", aspects), (sentence_flag, by_sentence is not None)):
        if given:
            raise ConfigError(f"{flag} needs an aspect model: add --task aspect, or --model DIR of a model trained "
                              "with --task aspect")


def check_top_if_none(aspect_model: bool, multi_label: bool) -> None:
    """Refuse --top-if-none for a model that does not give several labels per text."""
    if not multi_label:
        what = "this is an aspect model" if aspect_model else "this model always gives one label"
        raise ConfigError(f"--top-if-none goes with a model that gives several labels per text (e.g. --task emotion), "
                          f"and {what}; leave it out")


def predict_file(pipe: Pipeline, source: str | Path, target: str | Path, *, text_column: str | None = None,
                 chunksize: int = CHUNK_ROWS, top_if_none: bool = False, aspects: list[str] | None = None,
                 by_sentence: bool | None = None, explain: bool = False, skip_blank: bool = False,
                 grouping: str | None = None, progress: bool = False, found: set | None = None,
                 stdout_format: str = "csv") -> tuple[int, int]:
    """Predict every row of ``source`` into ``target`` (CSV, TSV or JSONL, by its extension; ``"-"``: standard
    output, in ``stdout_format``, each chunk as it is predicted), chunk by chunk;
    an aspect model also reads the sentences of SemEval-2014 XML (``id``, ``text`` and any gold ``aspects``
    and ``categories``, kept as a JSON Lines input's are).

    Memory stays flat on files of any size (a ``.json`` array of records is read whole, twice: once for its keys). ``target`` gets the input columns plus ``label`` (with
    several labels per text: ``labels``, joined by the model's separator, and with ``top_if_none``
    ``below_threshold``, whether the label was given although none passes its threshold) and one ``score_<label>``
    column per class (for an aspect model: ``aspects``, the terms found or, with ``aspects``, those named, each
    read within its own sentence unless ``by_sentence`` is False, and ``categories``). With ``explain``, also
    ``explanation``: the words that move each text's (first) label most (:func:`sentiment.explanation.explain`;
    an aspect model: ``words`` in each aspect instead); a text of more words than explain takes is refused
    before its chunk is written. A row with no text (missing or blank) stops the run, naming the row, unless
    ``skip_blank``: then it is written unpredicted, its added cells empty (JSON Lines: null), so the output
    keeps every input row in its place. ``grouping`` tells the labels and scores in the groups of that
    grouping (:func:`~sentiment.groupings.grouped_annotations`). If the input already has a column of one of those names (e.g. the gold
    ``label``), every added column is named ``predicted_<name>`` instead, so no input column is overwritten. In a
    CSV or TSV, list cells of a JSON Lines input are written as JSON text, but a gold label column of lists (the
    model's label column, for several labels per text) is joined by the model's separator, so that ``evaluate``
    reads the file back; an empty header cell (the index column pandas writes) is written back empty. Every
    row of a JSON Lines input gets every key that any of its rows has (read in a first
    pass; null, or an empty cell, where a row lacks it), in the order the rows first name them. A file is
    written to a temporary file and renamed at the end, so an interrupted run leaves no partial output
    (standard output gets the chunks predicted before a failure). Flags the model cannot honour are refused
    (:func:`check_predict_flags`). Returns the
    number of rows written and, of them, those written unpredicted (no text, with ``skip_blank``); ``found``, if
    given, gets the given ``aspects`` terms that some text holds (stripped), so the caller can name the others.
    """
    _check_file_flags(pipe, source, text_column, chunksize, top_if_none, aspects, by_sentence, grouping)
    columns = model_columns(pipe)
    given = {"text": text_column}  # a missing column the model named is said to be its (model_columns_named)
    text_column = text_column or columns["text"]
    output, out_format = _output_target(target, source, stdout_format)
    gold = _gold_label_lists(pipe, columns, out_format, grouping)
    aspect_model = is_aspect_model(pipe)
    chunks = _input_chunks(source, text_column, chunksize, progress, aspect_model, columns, given)
    names = _added_names(pipe, explain, top_if_none, grouping)
    with_header = _has_header_row(source)
    by_sentence = by_sentence is not False
    predict = functools.partial(  # the columns of predictions of a list of texts
        _prediction_columns, pipe, top_if_none=top_if_none, aspects=aspects, by_sentence=by_sentence,
        separator=columns["separator"], nested=out_format == "jsonl", explain=explain, grouping=grouping,
        progress=progress, found=found)
    rows = unpredicted = 0
    with _output_handle(output) as handle:
        for chunk in chunks:
            if rows == 0:  # every chunk has the input's columns: they name the output's
                unnamed = blank_header_names(source, list(chunk.columns)) if with_header else {}
                prefix = "predicted_" if any(name in chunk.columns for name in names) else ""  # keep a gold label
                added_names = [prefix + name for name in names]
            values, blank = _chunk_texts(chunk, source, text_column, rows, with_header=with_header,
                                         skip_blank=skip_blank, added=added_names, explain=explain,
                                         by_sentence=aspect_model and by_sentence)
            added = _added_columns(predict, values, blank, names, out_format)
            chunk = chunk.assign(**{prefix + name: column for name, column in added.items()})
            header = [unnamed.get(name, name) for name in chunk.columns] if rows == 0 else None
            _write_chunk(handle, chunk, out_format, header, gold, columns["separator"])
            rows += len(chunk)
            unpredicted += int(blank.sum())
    return rows, unpredicted


def _check_file_flags(pipe, source, text_column, chunksize, top_if_none: bool, aspects, by_sentence,
                      grouping: str | None) -> None:
    """Refuse, before anything is read, what :func:`predict_file` cannot do: flags the model cannot honour
    (:func:`check_predict_flags`), a ``chunksize`` that is not a whole number of at least 1, and a
    ``text_column`` for an aspect model's SemEval XML."""
    check_predict_flags(pipe, top_if_none, aspects, by_sentence, grouping)
    # (pandas' own error blames the file)
    if isinstance(chunksize, bool) or not isinstance(chunksize, (int, np.integer)) or chunksize < 1:
        raise ConfigError(f"chunksize (--batch-size) must be a whole number of at least 1, not {chunksize!r}")
    if text_column is not None and is_aspect_model(pipe) and _is_xml(source):
        raise ConfigError("--text-column names a table's column, and SemEval XML has its texts in <text>; leave it out")


def _output_target(target, source, stdout_format: str) -> tuple[Path | None, str]:
    """Where the predictions go and in which format: ``target`` as a path and the format of its extension
    (:func:`_output_format`), or, for ``"-"``, None (standard output) and ``stdout_format``; an unknown
    ``stdout_format``, an output file that cannot be written and one that is the input are refused."""
    if stdout_format not in OUTPUT_FORMATS:
        raise ConfigError(f"stdout_format must be one of {', '.join(OUTPUT_FORMATS)}, not {stdout_format!r}")
    if str(target) == "-":
        return None, stdout_format
    target = Path(target)
    out_format = _output_format(target)
    check_output_file(target, "--output", ("." + out_format,))
    if same_path(target, source):
        raise DataError("--output is the input file; choose another output path")
    return target, out_format


def _gold_label_lists(pipe, columns: dict, out_format: str, grouping: str | None) -> str | None:
    """The input column that may hold lists of gold labels: the model's label column, for a model of several
    labels per text (None for others), whose lists a CSV or TSV output joins by the model's separator; such an
    output is refused where a label holds that separator (a model trained in Python may have such a label), as
    its lists could not be read back."""
    gold = columns["label"] if getattr(pipe, "multi_label_", False) else None
    if gold is not None and out_format != "jsonl":
        joined = [name for name in map(str, _score_names(pipe, grouping)) if columns["separator"] in name]
        if joined:
            raise ConfigError(f"the model's label(s) {', '.join(map(repr, joined[:5]))} hold the separator "
                              f"{columns['separator']!r} that joins a text's labels in a table, which could not be read "
                              "back; write JSON Lines (--output FILE.jsonl), whose labels are lists")
    return gold


def _input_chunks(source, text_column: str, chunksize: int, progress: bool, aspect_model: bool, columns: dict,
                  given: dict):
    """The chunks of ``source`` (:func:`_all_columns`), each with the same columns: a JSON Lines input's every key,
    read now in a first pass (:func:`_input_columns`; null where a row lacks it), or else the first chunk's (a
    table's header names every column); a missing column that the model named is said to be its
    (:func:`model_columns_named`)."""
    with model_columns_named(columns, given):
        layout = _input_columns(source, text_column, chunksize, aspect_model)
    chunks = _all_columns(source, text_column, chunksize, progress, aspect_model, check_text=layout is None)
    return _with_layout(_columns_named(chunks, columns, given), layout)


def _with_layout(chunks, layout: list | None):
    """``chunks``, each with the columns of ``layout`` (None: of the first chunk)."""
    for chunk in chunks:
        if layout is None:  # a table with a header: its first chunk has every column
            layout = list(chunk.columns)
        elif list(chunk.columns) != layout:  # JSON Lines rows without some keys: null there
            chunk = chunk.reindex(columns=layout)
        yield chunk


def _has_header_row(source) -> bool:
    """Whether ``source`` is a CSV or TSV table, whose header row may come again where two files were joined
    (not JSON Lines, Parquet or XML)."""
    return not _is_xml(source) and table_format(existing_file(source), trees=False) in ("csv", "tsv")


def _chunk_texts(chunk, source, text_column: str, before: int, *, with_header: bool, skip_blank: bool,
                 added: list[str], explain: bool, by_sentence: bool) -> tuple[list[str], np.ndarray]:
    """A chunk's texts (a blank one as "") and which of them are blank, checked before any work on the chunk, in
    this order: a row that repeats the header row (``with_header``), a blank text (unless ``skip_blank``), a
    column of the input that one of the ``added`` columns would overwrite, a value that is not a text and,
    with ``explain``, a text longer than explain takes (:func:`check_explainable`; ``by_sentence``: a sentence)
    are refused, naming the data row (``before``: the rows of earlier chunks)."""
    again = repeated_header_rows(chunk) if with_header else []
    if again:  # its cells would be predicted as a text and kept as data
        raise DataError(f"{source}: data row {before + again[0] + 1} repeats the header row, as files joined with "
                        "their header rows do; drop that row")
    texts = chunk[text_column]
    blank = blank_cells(texts)
    if not skip_blank:
        check_no_blank(blank, source, text_column, before, skip_flag=True)
    taken = [name for name in added if name in chunk.columns]
    if taken:
        raise DataError(f"{source} already has the columns {', '.join(taken)}; rename them "
                        "(predictions would overwrite them)")
    # (as objects: a categorical column, Parquet's dictionary-encoded text, takes no new value "")
    values = text_values(texts.astype(object).mask(blank, ""), source, text_column, before)  # rows count blank ones
    if explain:
        check_explainable(values, first=before + 1, what=f"{source}: data row", by_sentence=by_sentence)
    return values, blank


def _added_columns(predict, values: list[str], blank: np.ndarray, names: list[str], out_format: str) -> dict[str, list]:
    """The columns of predictions of a chunk's texts (``values``): ``predict``'s (:func:`_prediction_columns`)
    of those not ``blank``, whose cells stay empty (None), or, where all are blank, an empty column of each of
    ``names``; in a CSV or TSV output, a label that a spreadsheet would run as a formula is plain text."""
    kept = [value for value, empty in zip(values, blank) if not empty]
    added = predict(kept) if kept else dict.fromkeys(names, [])
    if out_format != "jsonl":
        added = {name: spreadsheet_safe(column) if name in ("label", "labels") else column
                 for name, column in added.items()}
    if blank.any():
        added = {name: _with_gaps(column, blank) for name, column in added.items()}
    return added


@contextlib.contextmanager
def _output_handle(target: Path | None):
    """A text handle to write predictions to: a temporary file that replaces ``target`` once all is written
    (an interrupted run leaves no partial output), or (None) standard output, written as it goes and left open."""
    if target is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_file(target) as partial, open(partial, "w", encoding="utf-8", newline="") as handle:
        yield handle


def _write_chunk(handle, chunk, out_format: str, header: list[str] | None, gold: str | None, separator: str) -> None:
    """Write a chunk of rows and their predictions to ``handle``: JSON Lines records (strict JSON: a missing or
    infinite value is null, not NaN or Infinity), or CSV / TSV rows under ``header`` (None: no header row), where
    nested values of a JSON Lines input stay JSON text and the ``gold`` label lists are joined by ``separator``,
    as fit reads them."""
    if out_format == "jsonl":
        for record in chunk.to_dict(orient="records"):
            handle.write(json.dumps(json_safe(record), ensure_ascii=False, default=str, allow_nan=False) + "\n")
        return
    nested_as_text = {name: _as_cells(chunk[name]) for name in chunk.columns if chunk[name].dtype == object}
    if gold in nested_as_text:
        nested_as_text[gold] = chunk[gold].map(lambda value: _joined_labels(value, separator))
    table = chunk.assign(**nested_as_text)
    # rows end in "\n" on every system (a file is opened without newline translation; standard output, which
    # translates, turns it into the system's line end once: pandas' default os.linesep would give "\r\r\n" there)
    table.to_csv(handle, sep="," if out_format == "csv" else "\t", index=False, lineterminator="\n",
                 header=header if header is not None else False, quoting=csv_quoting(table))


def _is_xml(source) -> bool:
    return Path(source).suffix.lower() == ".xml"


def _output_format(target: Path) -> str:
    """The format of a predictions file, by its extension."""
    if target.is_dir():
        raise DataError(f"--output {target} is a directory; give a file name, e.g. "
                        f"{file_name_for(target, 'predictions.csv')}")
    out_format = target.suffix.lower().lstrip(".")
    if out_format not in OUTPUT_FORMATS:
        raise DataError(f"cannot write predictions to {target.name}; give --output a .csv, .tsv or .jsonl file name "
                        "(uncompressed)")
    return out_format


def _added_names(pipe, explain: bool, top_if_none: bool = False, grouping: str | None = None) -> list[str]:
    """The names of the columns that :func:`_prediction_columns` adds, in its order."""
    if is_aspect_model(pipe):
        return ["aspects", "categories"] if pipe.categories_ is not None else ["aspects"]
    labels = ["labels", *(["below_threshold"] if top_if_none else [])] if pipe.multi_label_ else ["label"]
    return labels + [f"score_{name}" for name in _score_names(pipe, grouping)] + (["explanation"] if explain else [])


def _score_names(pipe, grouping: str | None) -> list[str]:
    """The names a classifier's predictions score: its labels, or their groups in ``grouping``."""
    from ..groupings import group_names

    return list(pipe.label_names_) if grouping is None else group_names(pipe.label_names_, grouping)


def _prediction_columns(pipe, texts: list[str], top_if_none: bool, aspects, by_sentence: bool, separator: str,
                        nested: bool, explain: bool = False, grouping: str | None = None,
                        progress: bool = False, found: set | None = None) -> dict[str, list]:
    """The columns ``predict_file`` adds: ``label`` or ``labels`` and ``score_<label>`` per class, and with
    ``explain`` ``explanation``; for an aspect model, ``aspects`` (with ``explain``, each with its ``words``) and
    (when it has them) ``categories``. List values (aspects, categories, several labels, explanations) stay
    lists for a ``nested`` output (JSON Lines); in a table, labels are joined by ``separator`` and the others
    written as JSON text; ``found``: as :func:`annotate_texts` fills it."""
    def cell(value):
        return value if nested else json.dumps(value, ensure_ascii=False)

    results = annotate_texts(pipe, texts, top_if_none=top_if_none, aspects=aspects, by_sentence=by_sentence,
                             explain=explain, grouping=grouping, progress=progress, found=found)
    if is_aspect_model(pipe):
        keys = ("aspects", "categories") if pipe.categories_ is not None else ("aspects",)
        return {key: [cell(row[key]) for row in results] for key in keys}
    columns = ({"labels": [r["labels"] if nested else separator.join(r["labels"]) for r in results]}
               if pipe.multi_label_ else {"label": [r["label"] for r in results]})
    if pipe.multi_label_ and top_if_none:  # whether the label was given below every threshold
        columns["below_threshold"] = [r["below_threshold"] for r in results]
    for name in _score_names(pipe, grouping):
        columns[f"score_{name}"] = [r["scores"][name] for r in results]
    if explain:
        columns["explanation"] = [cell(r["explanation"]) for r in results]
    return columns


def annotate_texts(pipe, texts: list[str], *, top_if_none: bool = False, aspects=None, by_sentence: bool = True,
                   explain: bool = False, known_features: bool = False, grouping: str | None = None,
                   progress: bool = False, found: set | None = None) -> list[dict]:
    """What ``predict`` gives each text, for the terminal and for files alike: the model's ``annotate`` dicts
    (a classifier's: ``{"text", "label"`` or ``"labels", "scores"}``, ``top_if_none`` and ``known_features``
    as there; an aspect model's: ``{"text", "aspects"}`` and its ``categories``, the terms named by ``aspects``
    or found, each read within its sentence unless ``by_sentence`` is False). With ``explain``, a classifier's
    dicts get ``"explanation": {"label", "score", "words"}`` and each aspect its ``"words"``, under a progress
    bar of the texts explained when ``progress`` (explanations take a prediction per word). ``grouping``
    tells a classifier's labels and scores in that grouping's groups (an explanation stays the label's).
    ``found`` (a set), where given with ``aspects``, gets those of the terms (stripped) that some text holds."""
    from ..evaluation import in_batches

    if is_aspect_model(pipe):
        with warnings.catch_warnings():  # the terms no text holds: the CLI says so once, for all its batches
            warnings.simplefilter("ignore", UnfoundAspectWarning)
            results = pipe.annotate(texts, aspects=aspects or None, by_sentence=by_sentence)
        if aspects and found is not None:  # (for the note on the terms that no text holds)
            from ..aspects.terms import terms_found

            found |= {term.strip() for term in terms_found(texts, aspects)}
        if explain:
            from ..explanation import add_aspect_words

            def add_words(rows: list[int]) -> list[int]:
                add_aspect_words(pipe, [texts[i] for i in rows], [results[i]["aspects"] for i in rows],
                                 by_sentence=by_sentence)
                return rows

            in_batches(add_words, range(len(texts)), progress=progress, desc="explaining", size=EXPLAINED_AT_ONCE)
        return results
    results = pipe.annotate(texts, top_if_none=top_if_none, known_features=known_features)
    if explain:
        explained = in_batches(pipe.explain, texts, progress=progress, desc="explaining", size=EXPLAINED_AT_ONCE)
        for result, explanation in zip(results, explained):
            result["explanation"] = {key: explanation[key] for key in ("label", "score", "words")}
    if grouping is not None:
        from ..groupings import grouped_annotations

        results = grouped_annotations(results, pipe.label_names_, grouping)
    return results


EXPLAINED_AT_ONCE = 20  # texts per step of the progress bar of explanations


LONG_TO_EXPLAIN = 1000  # words in a text above which --explain notes that it will take a while


def check_explainable(texts: list[str], first: int = 1, what: str = "text", by_sentence: bool = False) -> list[int]:
    """The number of words (:func:`~sentiment.explanation.units`) of each text of more than
    :data:`LONG_TO_EXPLAIN` characters (0 for the others: a word has a character at least); a DataError naming
    the text (``what`` and its number, ``first`` for the first) that is longer than --explain takes, or
    ``by_sentence`` (an aspect model reading each aspect within its sentence) that has a sentence longer."""
    from ..explanation import explained_length, units

    spans = [units(text) if len(text) > LONG_TO_EXPLAIN else [] for text in texts]
    for i, (text, words) in enumerate(zip(texts, spans)):
        if len(words) > MAX_EXPLAINED_WORDS and (n := explained_length(text, words, by_sentence)) > MAX_EXPLAINED_WORDS:
            raise DataError(f"{'a sentence of ' if by_sentence else ''}{what} {first + i} has {n:,} words, more than "
                            f"--explain takes ({MAX_EXPLAINED_WORDS:,}: it predicts {'it' if by_sentence else 'a text'} "
                            "once per distinct word, each time whole); explain a part of it, or leave out --explain")
    return [len(words) for words in spans]


def _as_cells(column):
    """A column's values as table cells (:func:`_cell_text`), kept as objects: pandas' own ``map`` would turn
    whole numbers beside a gap into floats (an id 12345678901234567 into 1.2345678901234568e+16)."""
    import pandas as pd

    return pd.Series([_cell_text(value) for value in column], index=column.index, dtype=object)


def _cell_text(value):
    """A list, array or dict cell as JSON text (for a CSV or TSV file); any other value as it is."""
    if isinstance(value, (list, dict, np.ndarray)):
        return json.dumps(json_safe(value), ensure_ascii=False, default=str, allow_nan=False)
    return value


def _joined_labels(value, separator: str):
    """A list of labels (names or whole numbers) as one table cell joined by ``separator``, as ``fit`` and
    ``evaluate`` read it; anything else (other values, or names that hold the separator) as :func:`_cell_text`
    writes it."""
    def label(v) -> bool:
        return (isinstance(v, str) and separator not in v) or (isinstance(v, (int, np.integer)) and not isinstance(v, bool))

    if isinstance(value, (list, tuple, np.ndarray)) and all(map(label, value)):
        return separator.join(map(str, value))
    return _cell_text(value)


def _columns_named(chunks, columns: dict, given: dict):
    """``chunks`` as they come, a missing column that the model named said to be its (:func:`model_columns_named`)."""
    with model_columns_named(columns, given):
        yield from chunks


def _input_columns(source, text_column, chunksize, aspect_model: bool) -> list | None:
    """Every column of a JSON Lines input (or a .json array of records), in the order its rows first name them, read in a first pass:
    their rows may differ in keys, and a chunk's columns must not decide the output's (a CSV header is written
    once, and a later chunk's gold label would take the prediction's name). None for a table whose header names
    every column, and for SemEval XML, read as one chunk."""
    if (aspect_model and _is_xml(source)) or table_format(existing_file(source), trees=False) != "jsonl":
        return None
    seen: dict = {}
    for chunk in _all_columns(source, text_column, chunksize, progress=False, aspect_model=aspect_model,
                              check_text=False):
        seen.update(dict.fromkeys(chunk.columns))
    if text_column not in seen:
        raise missing_columns(source, [text_column], list(seen), aspect_model=aspect_model)
    return list(seen)


def _all_columns(source, text_column, chunksize, progress, aspect_model: bool = False, check_text: bool = True):
    """Chunks with every column of the file; the text column must be among them. For an ``aspect_model``,
    a SemEval-2014 XML file gives one chunk of its sentences' ``id`` and ``text`` and, where the file has
    them, their gold ``aspects`` (conflict ones too) and ``categories``, as a JSON Lines file has them."""
    if aspect_model and _is_xml(source):
        import pandas as pd

        from ..aspects import read_aspect_data

        sentences = read_aspect_data(source, keep_conflict=True)  # the file's gold as it is; evaluate drops conflicts
        columns = {"id": [s.get("id") for s in sentences], text_column: [s["text"] for s in sentences]}
        for key in ("aspects", "categories"):
            if any(s.get(key) for s in sentences):
                columns[key] = [s.get(key) or [] for s in sentences]
        yield pd.DataFrame(columns)
        return
    for chunk in iter_table(source, None, chunksize=chunksize, progress=progress):
        if check_text and text_column not in chunk.columns:
            raise missing_columns(source, [text_column], list(chunk.columns), aspect_model=aspect_model)
        yield chunk


def _with_gaps(column: list, blank: np.ndarray) -> list:
    """``column``'s values in the places of the rows not ``blank``, None in the others."""
    values = iter(column)
    return [None if empty else next(values) for empty in blank]
