"""Write the vectors of a file's texts: ``vectorize_file``."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..data import blank_cells, check_no_blank, text_values
from ..errors import ConfigError, DataError, ModelFileError, refuse_flags, with_article
from ..persistence import (atomic_directory, atomic_file, check_model_target, check_output_file, file_name_for,
                           same_path, write_model_files)
from ..pipeline import Pipeline, load
from ..registry import resolve
from ..tasks import DEFAULT_VECTORIZER
from .models import model_columns


VECTOR_SUFFIXES = {"sparse": ".npz", "dense": ".npy"}  # read back by scipy.sparse.load_npz, numpy.load


def vectorize_file(data: str | Path, out: str | Path, *, vectorizer: str | None = None, options: dict | None = None,
                   model: str | Path | None = None, text_column: str | None = None, names: str | Path | None = None,
                   save: str | Path | None = None, progress: bool = False) -> dict:
    """Turn the texts of a table into vectors written to ``out``: count and tf-idf vectors (sparse) as a
    ``.npz`` file that ``scipy.sparse.load_npz`` reads, word2vec document vectors (dense) as a ``.npy`` file
    for ``numpy.load``; one row per data row, in order.

    Without ``model``, a :class:`~sentiment.text_vectorizer.TextVectorizer` (``vectorizer``, default tfidf,
    with ``options``) is fitted on the texts and, with ``save``, saved there (with its text column, which a
    later ``model=save`` reads by default; ``save`` may replace a saved vectorizer, never a model of another
    kind). With ``model`` (a saved text vectorizer, or a trained pipeline: the vectors its model reads),
    nothing is fitted, and ``save`` saves the vectorizer used (a pipeline's on its own, with its columns).
    ``names`` writes the columns' names as a JSON array. Every path and option is checked before the data are
    read, and the files are written together at the end (each atomically; the saved vectorizer swapped in
    last, so that an interruption never pairs a new vectorizer with old vectors), so a failure leaves none
    of them changed, but for a failure of that last swap, which says so. Returns ``{"rows", "columns", "vectorizer", "out", "names", "saved"}``.
    """
    from ..data import read_table
    from ..text_vectorizer import TextVectorizer

    options = dict(options or {})
    if model is not None:
        refuse_flags({"--vectorizer": vectorizer, "--set": options or None}, "--model, whose vectorizer "
                     "is fitted already", "leave it out, or leave out --model to fit a new vectorizer")
        vec, column = _fitted_vectorizer(model)
    else:
        vec, column = TextVectorizer(DEFAULT_VECTORIZER if vectorizer is None else vectorizer, **options), "text"
        vec.build_stages()  # a bad name or value fails before the data are read
    if save is not None:
        check_model_target(save, vectorizer=True)
    dense = resolve("vectorizer", vec.vectorizer).dense
    files = [(Path(out), "--out", VECTOR_SUFFIXES["dense" if dense else "sparse"])]
    files += [(Path(names), "--names", ".json")] if names is not None else []
    for target, flag, suffix in files:
        _check_vector_target(target, flag, suffix, Path(data), vec.vectorizer, dense, save)
    if names is not None and same_path(names, out):  # the same file under two names (a link)
        raise DataError("--names and --out are the same file; give each its own")
    text_column = text_column or column
    frame = read_table(data, [text_column])  # a table without rows is refused there
    check_no_blank(blank_cells(frame[text_column]), data, text_column)
    texts = text_values(frame[text_column], data, text_column)
    vectors = vec.transform(texts) if model is not None else vec.fit_transform(texts, progress=progress)
    replaced: list[bool] = []  # whether --out and --names are in place, before --save is swapped in
    try:
        with contextlib.ExitStack() as written:  # every file is renamed into place only once all are written, --save last
            if save is not None:
                staging = written.enter_context(atomic_directory(save, vectorizer=True))
                written.enter_context(_on_success(lambda: replaced.append(True)))
            with open(written.enter_context(atomic_file(out)), "wb") as handle:
                if dense:
                    np.save(handle, vectors)
                else:
                    from scipy.sparse import save_npz

                    save_npz(handle, vectors)
            if names is not None:
                with open(written.enter_context(atomic_file(names)), "w", encoding="utf-8") as handle:
                    json.dump(vec.get_feature_names_out().tolist(), handle, ensure_ascii=False)
            if save is not None:
                fitted_on = {"columns": {"text": text_column}, "data": {"train": Path(data).name}}
                config, stages = vec.saved_form(extra=None if model is not None else fitted_on)
                write_model_files(staging, config, stages)
    except ModelFileError as exc:
        if not replaced:
            raise
        files = f"--out {out}" + (f" and --names {names} were" if names is not None else " was")
        raise ModelFileError(f"{exc}; {files} written all the same: vectorize again to save the vectorizer "
                             "that made them") from exc
    return {"rows": int(vectors.shape[0]), "columns": int(vectors.shape[1]), "vectorizer": vec.vectorizer,
            "out": str(out), "names": str(names) if names is not None else None,
            "saved": str(save) if save is not None else None}


@contextlib.contextmanager
def _on_success(action):
    """Call ``action`` when the block ends without an error (in an ExitStack: once the contexts entered
    after this one have closed)."""
    yield
    action()


def _check_vector_target(target: Path, flag: str, suffix: str, data: Path, vectorizer: str, dense: bool,
                         save: str | Path | None) -> None:
    """Refuse a file of ``vectorize_file`` that it could not write, or should not."""
    if target.is_dir():
        raise DataError(f"{flag} {target} is a directory; give a file name, e.g. "
                        f"{file_name_for(target, ('vectors' if flag == '--out' else 'names') + suffix)}")
    if target.suffix.lower() != suffix:
        kind = "dense: numpy.load reads a .npy file" if dense else "sparse: scipy.sparse.load_npz reads a .npz file"
        why = f"{vectorizer} vectors are {kind}" if flag == "--out" else "the names are written as a JSON array"
        raise DataError(f"{flag} {target.name}: {why}; give {flag} a file name ending in {suffix}")
    if same_path(target, data):
        raise DataError(f"{flag} is the input file; choose another path")
    if save is not None and same_path(target, save):
        raise DataError(f"{flag} and --save are the same path; the vectorizer goes to a directory of its own")
    if save is not None and Path(os.path.realpath(target)).is_relative_to(os.path.realpath(save)):
        raise DataError(f"{flag} {target} lies inside --save {save}, which saving replaces as a whole; write it elsewhere")
    check_output_file(target, flag, (suffix,))


def _fitted_vectorizer(model: str | Path) -> tuple[Any, str]:
    """The fitted :class:`~sentiment.text_vectorizer.TextVectorizer` of a saved vectorizer or pipeline, and
    the text column it reads by default (the one it was fitted or trained on)."""
    from ..text_vectorizer import TextVectorizer

    loaded = load(model)
    if not isinstance(loaded, (TextVectorizer, Pipeline)):
        kind = getattr(loaded, "kind", None) or type(loaded).__name__.lower()  # aspect, ensemble
        members = " (a member's folder, member0, member1, ..., holds one)" if kind == "ensemble" else ""
        raise ConfigError(f"{model} holds {with_article(kind)} model, which has no single vectorizer; give a saved "
                          f"text vectorizer or a pipeline model{members}")
    vec = loaded if isinstance(loaded, TextVectorizer) else TextVectorizer.from_pipeline(loaded)
    return vec, model_columns(vec)["text"]
