"""The library functions behind the CLI commands: train from a file, predict a file, evaluate a file.

They return data and never print, so they serve Python users as well as :mod:`sentiment.cli`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .checks import (LABEL_SETS, check_fraction, check_label_sets, check_labels, check_seed, is_multi_label,
                     json_safe, label_spelling_note, spreadsheet_safe)
from .cleaning import Cleaner
from .data import (LABEL_SEPARATOR, blank_cells, blank_header_names, column_list, csv_quoting, existing_file,
                   holds_sst_trees, iter_table, missing_columns, read_labelled, read_weights, repeated_header_rows,
                   table_format, text_values, whole_number)
from .errors import (AbsentLabelWarning, ConfigError, DataError, LabelSpellingWarning, MissingColumnsError, ModelFileError,
                     SeparatorError, TuningWarning, UnfoundAspectWarning, UngroupedLabelError, UnknownLabelsError, counted,
                     on_one_line, refuse_flags, with_article)
from .evaluation import evaluate
from .labels import label_codes
from .multilabel import MIN_POSITIVES
from .persistence import (atomic_directory, atomic_file, check_model_target, check_output_file, file_name_for,
                          read_config, same_path, write_model_files)
from .pipeline import (MAX_EXPLAINED_WORDS, PIPELINE_OPTIONS, POLARITY_NAMES, Pipeline, label_ids_of, load, named_labels,
                       polarity_names)
from .registry import resolve
from .splits import dev_overlap_notes, held_none_advice, weighted_split
from .sst import sst_phrase_split
from .tasks import DEFAULT_TASK, DEFAULT_VECTORIZER, get_task

HEADLINE = ("n", "accuracy", "macro_f1", "macro_f1_labels", "micro_f1", "exact_match")  # the dev metrics kept in a model's config
ASPECT_HEADLINE = ("n", "extraction_f1", "polarity_accuracy", "polarity_macro_f1", "end_to_end_f1", "category_f1",
                   "category_polarity_accuracy")  # an aspect model's dev metrics that `info` shows
RELIABLE_POSITIVES = 10  # texts of a label in a --tune file below which its tuned threshold is a rough guess


def is_aspect_model(model) -> bool:
    """Whether ``model`` (a loaded or fitted model of any kind) is an aspect model."""
    return getattr(model, "kind", None) == "aspect"


def fit_file(
    data: str | Path,
    out: str | Path,
    *,
    dev: str | Path | None = None,
    text_column: str = "text",
    label_column: str = "label",
    task: str = DEFAULT_TASK,
    vectorizer: str | None = None,
    model: str | None = None,
    options: dict[str, Any] | None = None,
    phrases: bool = False,
    binary: bool = False,
    dev_fraction: float = 0.1,
    seed: int = 0,
    label_names: dict | None = None,
    multi_label: bool = False,
    separator: str = LABEL_SEPARATOR,
    refit: bool = True,
    progress: bool = False,
    mistakes: bool = False,
    weight_column: str | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> tuple[Pipeline, dict]:
    """Train on ``data``, score on ``dev`` (or on a ``dev_fraction`` of ``data``, stratified by label where every
    class has two texts or more, random with several labels per text), save to ``out``.

    Without ``dev``, the model is scored on the held-out part and then (``refit``) trained again on all of
    ``data``, so the saved model has learnt from every text; its config keeps the held-out scores. With
    ``phrases`` (SST trees), the held-out part is a share of the sentences, and the training phrases come
    from the other trees only (:func:`~sentiment.sst.sst_phrase_split`).

    Without ``vectorizer``/``model`` the configuration the benchmarks chose for ``task`` (and for one or
    several labels per text) is used, see :meth:`Pipeline.for_task`. With ``multi_label``, each label cell holds several labels joined by
    ``separator``; the per-label thresholds (and the early stopping of neural models) then use the
    pipeline's ``tune_fraction`` option's share of the training data (seed 0). With one label per text, a model trained by epochs (mlp,
    lstm) early-stops on its own ``dev_fraction`` option's share of the training data (with ``phrases``, of the
    training sentences, whose trees then give no training phrases). Either way the
    dev data choose nothing, so the dev figures are not tuned on them. Returns the fitted pipeline and
    the dev report, with ``refit_on_all`` (whether the saved model was trained again on all of ``data`` after
    the dev figures) and, with ``mistakes``, the dev texts that the scored model labels wrongly (see
    :func:`~sentiment.evaluation.evaluate`), and ``notes``: lines about the dev figures, for the caller to show
    after them (classes the scored model gave no dev text, :func:`never_predicted_note`). ``weight_column``:
    a column of ``data`` with each text's weight in training (``sample_weight``; the dev figures count every
    text once).
    """
    get_task(task)  # an unknown name fails here
    names_of_ids = label_names  # as given: the model keeps them (Pipeline.label_ids_)
    check_seed(seed, "the seed (--seed)")
    check_model_target(out)  # a save path below a file (--out train.csv/model) fails before any work
    check_fraction(dev_fraction, "the dev fraction (--dev-fraction)")  # before the data are read
    if task == "aspect":
        refuse_flags({"--vectorizer": vectorizer, "--model": model, "--phrases": phrases, "--binary": binary,
                      "--multi-label": multi_label, "--label-names": label_names, "--weight-column": weight_column,
                      "--text-column": text_column != "text", "--label-column": label_column != "label"},
                     "--task aspect (SemEval XML or JSONL with text and aspects)",
                     "leave it out, and set the aspect model's options with --set")
        return _fit_aspects(data, out, dev=dev, options=options or {}, dev_fraction=dev_fraction, seed=seed,
                            refit=refit, progress=progress, log=log)
    if not multi_label and "tune_fraction" in (options or {}):
        raise ConfigError("tune_fraction goes with --multi-label (several labels per text); leave it out")
    pipe = Pipeline.for_task(task, vectorizer, model, multi_label=multi_label, **(options or {}))
    model_stage = pipe.build_stages()[2]  # an unfitted copy: what it trains by and tunes (for_task checked the options)
    label_sep = separator if multi_label else None
    trees = holds_sst_trees(data)  # (each call reads the file's first line)
    if trees and (dev is None or holds_sst_trees(dev)):  # columns no file of the fit has
        refuse_flags({"--text-column": text_column != "text", "--label-column": label_column != "label"},
                     "SST trees, which have no columns")
    if weight_column is not None and trees:
        raise DataError("--weight-column goes with a table of texts; SST trees have no columns")
    texts, labels, weights, label_names, grouped_names, names_given = _read_training(
        data, pipe, task, trees=trees, text_column=text_column, label_column=label_column, separator=separator,
        multi_label=multi_label, phrases=phrases, binary=binary, weight_column=weight_column,
        label_names=label_names, named_for_dev=dev is not None, log=log)
    everything = texts, labels, weights
    if dev is not None:
        dev_texts, dev_labels, label_names = _read_dev(dev, data, trees, labels, text_column, label_column, label_sep,
                                                       binary, label_names, log)
        if grouped_names:
            dev_labels = named_labels(dev_labels, grouped_names)
        dev_source = Path(dev).name
    else:
        texts, labels, weights, dev_texts, dev_labels = _carve_dev(data, texts, labels, weights, phrases=phrases,
                                                                   binary=binary, dev_fraction=dev_fraction, seed=seed)
        dev_source = f"{_share(dev_fraction)} of {Path(data).name}{' (sentences)' if phrases else ''} (seed {seed})"
    stop_share = _sentence_stopping_share(phrases, multi_label, model_stage)
    stop_dev = None
    if stop_share:  # the training phrases less those of the sentences held out to stop on
        split = _stopping_split(data, stop_share, seed, binary, exclude=dev_texts if dev is None else (), log=log)
        if split is None:
            stop_share = 0
        else:
            texts, labels, stop_dev = split
    overlap = _overlap_notes(data, dev, texts, dev_texts, phrases=phrases, text_column=text_column,
                             label_column=label_column, binary=binary)
    spelling = label_spelling_note(_label_values(everything[1]))
    if spelling:  # warned before training (Pipeline.fit's own warning, after it, is left out); the CLI: a note
        warnings.warn(spelling, LabelSpellingWarning, stacklevel=2)
    for note in overlap:
        log(note)
    # The dev data only score the model: what is tuned (the early stopping of models trained by epochs and,
    # with several labels, the thresholds) is tuned on a part of the training data, so fit never sees them.
    tune_fraction = pipe.tune_fraction if multi_label else 0
    tune_info, notes = _what_is_tuned(tune_fraction, model_stage, multi_label, seed if stop_share else None)
    if tune_fraction and _trains_by_epochs(model_stage) and "dev_fraction" in (options or {}):
        log(f"note: with several labels per text, {pipe.model} early-stops on the part held out to tune the "
            f"thresholds ({_share(tune_fraction)}, --tune-fraction), so --set dev_fraction is not used (unless the "
            "texts are too few to hold that part out)")

    said = set()  # notes logged once per command, not once per fit
    planned = dict(tune_info)

    def train(texts: list[str], labels: list, weights, stop_dev=None) -> int:
        """Fit ``pipe`` on ``texts`` (weighted by ``weights``, or None; early-stopping on ``stop_dev``, a pair of
        texts and labels, or None); returns how many texts the model itself learnt from."""
        _fit_saying_why(pipe, texts, labels, weights, stop_dev, label_names=grouped_names or label_names,
                        progress=progress, log=log, said=said)  # (named labels and their names: the model keeps them)
        if names_of_ids and pipe.label_ids_ is None:  # names of the dev file's values alone: kept all the same,
            pipe.label_ids_ = label_ids_of(names_of_ids)  # so that evaluate reads such a file as fit did
        tune_info.update(planned)  # recorded after each fit: a refit on all the data may hold out what the first could not
        if multi_label:
            _record_tuning(pipe, model_stage, tune_info, planned, tune_fraction, len(texts), said, log)
        _record_stopping(pipe, model_stage, tune_info, len(texts), said, log)
        return pipe.info_["trained_on"]

    try:  # a carved dev part has only training labels; a --dev file may not: checked before training
        _check_dev_labels(pipe, labels, dev_labels, label_names, multi_label, dev_source,
                          names_given or dev is None)  # a part carved from the data holds its labels as they are
        weighted = f" weighted by column {weight_column!r}" if weight_column is not None else ""
        log(f"training {pipe.vectorizer_name} + {pipe.model} on {counted(len(texts), 'text')}{weighted}; dev: {dev_source} "
            f"({counted(len(dev_texts), 'text')})" + "".join(f"; {note}" for note in notes))
        n_train = train(texts, labels, weights, stop_dev)
        report = evaluate(pipe, dev_texts, dev_labels, mistakes=mistakes)
    except UnknownLabelsError as exc:
        raise DataError(f"--dev {dev_source}: label(s) {', '.join(exc.unknown[:10])} do not occur in the training "
                        f"data, whose labels are: {', '.join(exc.known)}; drop those rows, or check --label-column "
                        "and --label-names") from None
    unpredicted = never_predicted_note(report, model_stage, _class_counts(pipe, labels, report))
    refitted = dev is None and refit
    if refitted:  # the dev figures are in; the saved model learns from the dev texts too
        split = _stopping_split(data, stop_share, seed, binary, log=log) if stop_share else None
        if split is not None:  # again, sentences of all the trees held out to stop on
            everything = split[0], split[1], None, split[2]
        held = (f", besides the {len(split[2][0])} sentences held out to stop on, whose trees give no training phrases"
                if split is not None else f", {_share(tune_fraction)} of them held out to tune the label thresholds"
                if tune_fraction else "")
        log(f"dev {_headline(report)}; training again on all the data ({len(everything[0])} texts{held}; "
            "--no-refit keeps the model just scored)")
        n_train = train(*everything)  # the dev texts are among them
    columns = {"text": text_column, "label": label_column, **({"separator": separator} if multi_label else {})}
    trained = {"train": Path(data).name, "n_train": n_train, "dev": dev_source, "n_dev": len(dev_texts), **tune_info,
               "phrases": phrases, "binary": binary, "refit_on_all": refitted,
               **({"weight_column": weight_column} if weight_column is not None else {})}
    pipe.save(out, extra={"columns": columns, "data": trained,
                          "metrics": {"dev": _headline_kept(report)}})
    return pipe, {**report, "refit_on_all": refitted, "notes": [unpredicted] if unpredicted else []}


def _record_tuning(pipe: Pipeline, model_stage, tune_info: dict, planned: dict, tune_fraction: float, n_texts: int,
                   said: set, log) -> None:
    """After a multi-label fit of ``pipe`` (``model_stage``: an unfitted copy of its model) on ``n_texts``: record
    in ``tune_info`` how many texts tuned the thresholds (none: the model's own early stopping instead of the
    ``planned`` one), and note labels left untuned or a tune part too small to hold out (each note once per
    command: ``said``)."""
    tune_info["n_tune"] = pipe.info_.get("tuned_on", 0)
    untuned = pipe.info_.get("untuned_labels", [])
    if untuned and "untuned" not in said and tune_info["n_tune"]:
        said.add("untuned")
        log(f"note: {len(untuned)} of the {len(pipe.label_names_)} labels are on fewer than {MIN_POSITIVES} of "
            f"the {tune_info['n_tune']} texts held out to tune the thresholds, and keep 0.5 (untuned): "
            f"{', '.join(map(str, untuned[:12]))}{' ...' if len(untuned) > 12 else ''}; more texts or a larger "
            "--tune-fraction tunes them")
    if tune_fraction and not tune_info["n_tune"]:
        tune_info["tune"] = "none (too few texts to hold out)"
        if "early_stopping" in planned:  # the model held out its own dev_fraction instead
            tune_info["early_stopping"] = _own_stopping(model_stage)
        held = math.ceil(n_texts * tune_fraction)  # as scikit-learn's split rounds it
        log(f"note: too few texts to hold out {_share(tune_fraction)} for tuning the label thresholds: they stay at 0.5; "
            f"give {held_none_advice(n_texts, held, '--tune-fraction')}")


def _record_stopping(pipe: Pipeline, model_stage, tune_info: dict, n_texts: int, said: set, log) -> None:
    """After a fit of ``pipe`` on ``n_texts`` whose model (``model_stage``: an unfitted copy) was to early-stop but
    held nothing out: record so in ``tune_info`` and note it (once per command: ``said``)."""
    if str(tune_info.get("early_stopping", "none")).startswith("none") or pipe.info_.get("early_stopping_on"):
        return
    tune_info["early_stopping"] = "none (too few texts to hold out)"  # the network trained every epoch
    if "no stopping" not in said:
        said.add("no stopping")
        params = model_stage.params
        log(f"note: too few training texts to hold out {_share(params['dev_fraction'])} of them for early stopping, "
            f"so {pipe.model} trains all {counted(params['epochs'], 'epoch')} and keeps the last weights; give "
            f"{held_none_advice(n_texts, round(n_texts * params['dev_fraction']), '--set dev_fraction')}")


def _headline_kept(report: dict) -> dict:
    """The dev metrics a model keeps in its config (``HEADLINE``; ``macro_f1_labels`` where macro-F1 averages
    fewer than all the labels, as the plain report says it)."""
    return {k: report[k] for k in HEADLINE if k in report
            and not (k == "macro_f1_labels" and report[k] == len(report["labels"]))}


def never_predicted_note(report: dict, model, train_counts: dict | None = None) -> str | None:
    """A note for fit where the dev ``report`` (one label per text) has classes that the model gave no dev
    text although some have them. ``train_counts``: how many training texts each label (by its name in the
    report) has, where known: a class of few of them (under half of an even share) may never win, and
    ``model``'s ``class_weight`` (the model stage's, where it takes one) is then the advice; a class as common
    as the others the model has not learnt to tell apart (too few texts, or settings that do not suit them)."""
    if "confusion_matrix" not in report:
        return None
    matrix = np.asarray(report["confusion_matrix"])
    missed = [(name, int(held)) for name, held, given in zip(report["labels"], matrix.sum(axis=1), matrix.sum(axis=0))
              if held and not given]
    if not missed:
        return None
    total = sum(train_counts.values()) if train_counts else 0

    def shown(name, held: int) -> str:
        trained = f"; {train_counts[name]} of the {total} training texts" if train_counts and name in train_counts else ""
        return f"{on_one_line(str(name))} ({held} in dev{trained})"

    listed = ", ".join(shown(name, held) for name, held in missed[:12]) + (" ..." if len(missed) > 12 else "")
    rare = not train_counts or any(train_counts.get(name, 0) < total / (2 * len(train_counts)) for name, _ in missed)
    if not rare:
        return (f"note: the model labelled no dev text as {listed}: it has not learnt to tell "
                f"{'that class' if len(missed) == 1 else 'those classes'} apart, though no rarer than the others; more "
                "training texts, or other settings or another --model, may teach it")
    weighted = "class_weight" in getattr(model, "params", {}) and model.params["class_weight"] is None
    return (f"note: the model labelled no dev text as {listed}: a class of few training texts may never win; more of "
            "its texts" + (", or --set class_weight=balanced," if weighted else "") + " may teach it")


def _class_counts(pipe: Pipeline, labels: list, report: dict) -> dict | None:
    """How many of the training ``labels`` (one per text) each class of ``pipe`` has, by the names of the dev
    ``report`` (a model of label groups: each group's); None where the report names other labels than the
    model's classes or has several per text."""
    if pipe.multi_label_ or list(report.get("labels", ())) != list(pipe.label_names_):
        return None
    distinct = Counter(pipe._grouped(labels))  # a model of label groups learnt the groups; each value coded once
    counts = np.zeros(len(pipe.label_names_), dtype=np.int64)
    try:
        np.add.at(counts, label_codes(pipe, list(distinct)), list(distinct.values()))
    except DataError:  # labels the model does not read as its classes: the note goes without the counts
        return None
    return dict(zip(pipe.label_names_, counts.tolist()))


def _read_training(data, pipe: Pipeline, task: str, *, trees: bool, text_column: str, label_column: str,
                   separator: str, multi_label: bool, phrases: bool, binary: bool, weight_column: str | None,
                   label_names: dict | None, named_for_dev: bool, log) -> tuple:
    """fit_file's training data: ``(texts, labels, weights, label_names, grouped_names, names_given)``, with
    ``label_names`` checked against the labels (unless ``named_for_dev``, a --dev file's, and they name values
    the dev file alone has) or, not given, the polarity names of integer labels; ``grouped_names``: the names
    given beside the pipeline's grouping, which groups names, so the labels are named by them first (and
    ``label_names`` is then None); ``names_given``: whether the user named the labels."""
    label_sep = separator if multi_label else None
    texts, labels = read_labelled(data, text_column, label_column, phrases=phrases, separator=label_sep, binary=binary)
    weights = None if weight_column is None else read_weights(data, weight_column)
    if label_names and not (named_for_dev and _named_already(labels, label_names)):  # else: checked on the dev file
        label_names = _check_label_names(label_names, labels, Path(data).name)
    names_given = bool(label_names)
    label_names = _polarity_names_or_numbers(task, labels, label_names, log, multi_label,
                                             trees=trees and not binary)
    grouped_names = None
    if label_names and pipe.get_params().get("grouping"):
        labels, grouped_names, label_names = named_labels(labels, label_names), label_names, None
    _check_classes_are_classes(labels, data, label_column)
    if not multi_label:
        _note_joined_labels(labels, separator, log)
    return texts, labels, weights, label_names, grouped_names, names_given


def _carve_dev(data, texts: list[str], labels: list, weights, *, phrases: bool, binary: bool, dev_fraction: float,
               seed: int) -> tuple:
    """``(texts, labels, weights, dev_texts, dev_labels)``: a ``dev_fraction`` of the training data held out
    (stratified where it can be, see :func:`~sentiment.splits.weighted_split`); with SST ``phrases``, whole
    sentences whose trees then give no training phrases (and no weights: trees have no columns)."""
    if phrases:
        train_texts, train_labels, dev_texts, dev_labels = sst_phrase_split(data, dev_fraction, seed, binary=binary)
        return train_texts, train_labels, None, dev_texts, dev_labels
    return weighted_split(texts, labels, weights, dev_fraction, seed)


def _overlap_notes(data, dev, texts: list[str], dev_texts: list[str], *, phrases: bool, text_column: str,
                   label_column: str, binary: bool) -> list[str]:
    """The notes on dev texts that are training texts too (none where --dev is the training file, said
    already). With SST phrases carved from the training trees, a dev sentence may well be a phrase of a
    training tree, which no row duplicates, so none either; a --dev file beside trees is compared with the
    trees' whole sentences (a training tree's whole sentence may not be a dev text)."""
    if (dev is not None and same_path(dev, data)) or (phrases and dev is None):
        return []
    sentences = read_labelled(data, text_column, label_column, binary=binary)[0] if phrases else texts
    return dev_overlap_notes(sentences, dev_texts, split=dev is None)


def _fit_saying_why(pipe: Pipeline, texts: list[str], labels: list, weights, stop_dev, *, label_names, progress: bool,
                    log, said: set) -> None:
    """``pipe.fit`` with what it warns of in the command's words: a class_weight label no training text has is a
    ConfigError (the training part holds every class, so it is a misspelling), scikit-learn's convergence warning
    a note (once per command: ``said``); the spelling and tuning warnings are the command's own, other warnings
    pass as they came."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", TuningWarning)  # logged by fit_file, in the command's words
        warnings.simplefilter("ignore", LabelSpellingWarning)  # warned before training
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.simplefilter("error", AbsentLabelWarning)
        try:
            pipe.fit(texts, labels, dev=stop_dev, label_names=label_names, progress=progress, sample_weight=weights)
        except AbsentLabelWarning as exc:  # raised before any training
            raise ConfigError(f"class_weight names {', '.join(map(repr, exc.absent))}, which no training text has "
                              f"as its label; name the labels as the data do: {', '.join(map(str, exc.labels))}") from None
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning) and "converge" not in said:
            said.add("converge")
            limit = pipe.model_.params.get("max_iter")
            log(f"note: {pipe.model} did not converge within max_iter={limit} and may be less accurate; raise it, "
                f"e.g. --set max_iter={2 * limit}" if limit else f"note: {warning.message}")
            break
    for warning in caught:
        if not issubclass(warning.category, ConvergenceWarning):
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def _read_dev(dev, data, data_trees: bool, labels: list, text_column: str, label_column: str, label_sep: str | None,
              binary: bool, label_names: dict | None, log) -> tuple[list[str], list, dict | None]:
    """``fit --dev``: the dev file's texts and labels (``data_trees``: whether the training ``data`` are SST
    trees), read as evaluate reads them (SST trees beside two training classes as SST-2, the trees' codes as the training labels' names where those are names), and the
    ``label_names`` left for training (None where they name the dev file's values alone)."""
    if same_path(dev, data):
        log("note: --dev is the training file, so the dev figures are figures on training data")
    dev_trees = holds_sst_trees(dev)
    # a table's labels stay as they are; trees beside two classes of a table are SST-2, as evaluate reads them
    dev_binary = dev_trees and (binary or (not data_trees and reads_trees_as_sst2(_label_values(labels))))
    if dev_binary and not binary:
        log(f"note: --dev {Path(dev).name} holds SST trees and the training data two classes, so the trees are "
            "read as SST-2 (neutral dropped, 0-1 negative, 3-4 positive)")
    try:
        try:
            dev_texts, dev_labels = read_labelled(dev, text_column, label_column, separator=label_sep,
                                                  binary=dev_binary, every_sentence=True)
        except SeparatorError as exc:  # --label-sep is the training file's; this file may join its labels by another
            dev_texts, dev_labels = read_labelled(dev, text_column, label_column, separator=exc.found,
                                                  binary=dev_binary, every_sentence=True)
            if _label_values(dev_labels) <= _label_values(labels):  # so split, they are the training labels
                log(f"note: --dev {Path(dev).name} joins its labels by {exc.found!r}, not by {label_sep!r}: read so")
            else:  # one label a row, holding the other mark ("anecdotes/miscellaneous"): as --label-sep reads it
                dev_texts, dev_labels = read_labelled(dev, text_column, label_column, separator=label_sep,
                                                      binary=dev_binary, every_sentence=True, guess_separator=False)
    except MissingColumnsError as exc:  # --text-column / --label-column name the columns of both files
        raise DataError(f"--dev {Path(dev).name} has no column {', '.join(map(repr, exc.missing))}; its columns are: "
                        f"{column_list(exc.present)}; the --text-column and --label-column of the training file name "
                        "the dev file's too: rename its columns to match") from None
    named = _tree_code_names({str(v) for v in _label_values(labels)}, dev_binary) if dev_trees and not label_names else None
    if named:  # trees' codes beside named labels, as evaluate reads them
        dev_labels = named_labels(dev_labels, named)
    if label_names and _named_already(labels, label_names):  # the names map the dev file's values alone
        label_names = _check_label_names(label_names, dev_labels, Path(dev).name, every=False)
        dev_labels = named_labels(dev_labels, label_names)
        label_names = None
    return dev_texts, dev_labels, label_names


def _sentence_stopping_share(phrases: bool, multi_label: bool, model_stage) -> float:
    """With SST phrases, the share of the training sentences that a model trained by epochs early-stops on (its
    ``dev_fraction``; their trees then give no training phrases: a random share of the phrases, as the model
    would hold out by itself, would be parts of sentences it learns whole); 0 where it does not apply."""
    if not phrases or multi_label or not _trains_by_epochs(model_stage):
        return 0
    return model_stage.params["dev_fraction"]


def _stopping_split(data, share: float, seed: int, binary: bool, exclude=(), log=lambda message: None):
    """``(texts, labels, (held-out sentences, their labels))``: the training phrases of the SST trees in ``data``
    less those of the ``share`` of their sentences (but ``exclude``) held out for early stopping; None, with a
    note, where the sentences are too few to hold any out (the model then holds out phrases itself)."""
    try:
        texts, labels, held, held_labels = sst_phrase_split(data, share, seed, binary=binary, exclude=exclude)
    except DataError:
        log(f"note: too few training sentences to hold out {_share(share)} of them for early stopping, so the model holds "
            "out that share of the phrases (--set dev_fraction=0 trains every epoch instead)")
        return None
    return texts, labels, (held, held_labels)


def _what_is_tuned(tune_fraction: float, model_stage, multi_label: bool,
                   sentence_seed: int | None = None) -> tuple[dict, list[str]]:
    """What fit tunes on a part of the training data (the label thresholds with several labels per text,
    the early stopping of a model trained by epochs, on whole sentences drawn with ``sentence_seed`` where
    it is given): the config's record of it and the notes for the log."""
    tune_info: dict = {}
    notes = []
    if multi_label:
        tune_info["tune"] = f"{_share(tune_fraction)} of the training part (seed 0)" if tune_fraction else "none (tune_fraction 0)"
        notes.append(f"thresholds tuned on {_share(tune_fraction)} of the training texts" if tune_fraction
                     else "thresholds not tuned (tune_fraction 0)")
    if _trains_by_epochs(model_stage):
        share = model_stage.params["dev_fraction"]
        if tune_fraction:
            tune_info["early_stopping"] = "the tune part"
        elif sentence_seed is not None and share > 0:
            tune_info["early_stopping"] = (f"{_share(share)} of the training sentences, whose trees give no training "
                                           f"phrases (the model's dev_fraction, seed {sentence_seed})")
            notes.append(f"early stopping on {_share(share)} of the training sentences (dev_fraction)")
        else:
            tune_info["early_stopping"] = _own_stopping(model_stage)
            notes.append(f"early stopping on {_share(share)} of the training texts (dev_fraction)" if share > 0
                         else "no early stopping (dev_fraction=0)")
    return tune_info, notes


def _own_stopping(model_stage) -> str:
    """The config's record of a model trained by epochs that early-stops on its own ``dev_fraction``."""
    share = model_stage.params["dev_fraction"]
    return (f"{_share(share)} of the training part (the model's dev_fraction, net_seed {model_stage.params['net_seed']})"
            if share > 0 else "none (dev_fraction=0)")


def _check_classes_are_classes(labels: list, data, label_column: str) -> None:
    """Refuse a label column whose values are nearly all different (scores, ids or texts): a classifier of
    hundreds of one-text classes is never what was meant."""
    if is_multi_label(labels):
        return
    distinct = len(set(labels))
    if distinct > 50 and distinct > 0.8 * len(labels):
        raise DataError(f"{data} column {label_column!r} has {distinct} different values in {len(labels)} rows: scores, "
                        "ids or texts, not classes; check --label-column and --text-column, or bin scores into classes "
                        "(to train on so many classes anyway, call sentiment.Pipeline().fit from Python)")


def _note_joined_labels(labels: list, separator: str, log: Callable[[str], None]) -> None:
    """A note when labels read as one per text hold ``separator`` ("joy;anger"): perhaps several labels of
    a text, joined (whose parts are all labels of other rows are refused by the reader)."""
    joined = sorted({y for y in labels if isinstance(y, str) and separator in y})
    if len(joined) == 1:
        log(f"note: the label {joined[0]!r} holds {separator!r} and is a class of its own; if it lists several "
            "labels of a text, add --multi-label")
    elif joined:
        log(f"note: {len(joined)} labels of the data hold {separator!r} (e.g. {joined[0]!r}) and are classes of their "
            "own; if they list several labels of a text, add --multi-label")


def _label_values(labels: list) -> set:
    """The distinct label values of one label per text, or of the lists of several labels per text."""
    return set(y for ys in labels for y in ys) if is_multi_label(labels) else set(labels)


def _polarity_names_or_numbers(task: str, labels: list, label_names: dict | None,
                               log: Callable[[str], None], multi_label: bool = False, trees: bool = False) -> dict | None:
    """The label names to fit with: integer labels 0/1 or 0..4 are polarity (negative … positive, said in
    the log) for the polarity task with one label per text, and stay numbers for another task or with
    several labels per text (two points of one polarity scale cannot both hold); given names are kept.
    The codes of SST ``trees`` (not made binary) are points of their 0-4 scale, also where the file lacks
    some of them: 0 and 1 alone are "very negative" and "negative", not "negative" and "positive"."""
    if label_names is not None:
        return label_names
    values = _label_values(labels)
    if trees and task == "polarity" and values != set(range(5)):
        scale = dict(enumerate(POLARITY_NAMES[5]))
        named = {v: scale[v] for v in sorted(values)}
        log("labels named as the trees' polarity scale: " + ", ".join(f"{v}={name}" for v, name in named.items())
            + " (--label-names names them otherwise)")
        return named
    names = polarity_names(sorted(values)) if all(type(v) is int for v in values) else None  # not bools
    if names is None:
        return None
    if task != "polarity" or multi_label:
        return {v: str(v) for v in values}
    named = ", ".join(f"{v}={name}" for v, name in zip(sorted(values), names))
    log(f"labels named as polarity: {named} (--label-names names them otherwise)")
    return None


def _check_label_names(label_names: dict, labels: list, source: str, every: bool = True) -> dict:
    """``--label-names`` against the labels of the file ``source``, returned with each value spelt as the file's
    labels are read (``1.0=pos`` or ``01=pos`` names the label 1 of a column of whole numbers, which pandas
    writes as 1.0 where the column has a gap): a DataError when it names none of them (a typo, or the names of
    another file), and with ``every`` when it leaves one unnamed. A value that this file lacks is fine (a small
    file may lack a class)."""
    values = {str(v) for v in _label_values(labels)}
    label_names = {_as_read(value, values): name for value, name in label_names.items()}
    keys = {str(k) for k in label_names}
    shown = ", ".join(sorted(values)[:10]) + (" ..." if len(values) > 10 else "")
    if every and (unnamed := sorted(values - keys)):
        raise DataError(f"--label-names gives no name for the label(s) {', '.join(unnamed[:10])} of {source}, whose "
                        f"labels are: {shown}; name every label")
    if not keys & values:
        raise DataError(f"--label-names names none of the labels of {source} (its labels: {shown}); check the values "
                        "before each '='")
    return label_names


def _as_read(value, values: set[str]):
    """A ``--label-names`` value as the data's labels spell it: a whole number written otherwise (``1.0``,
    ``01``) as the int, where the data have that int and not the value as written; JSON's ``true`` / ``false``
    as the booleans it reads as (``True`` / ``False``)."""
    if str(value) in values:
        return value
    if str(value).lower() in ("true", "false") and str(value).capitalize() in values:
        return str(value).capitalize()
    number = whole_number(value)
    return number if number is not None and str(number) in values else value


def _named_already(labels: list, label_names: dict) -> bool:
    """Whether every training label is one of the names that ``label_names`` gives (none a value it names):
    then ``--label-names`` names the values of another file (a dev file of codes beside named labels)."""
    keys, names = {str(k) for k in label_names}, {str(v) for v in label_names.values()}
    values = {str(v) for v in _label_values(labels)}
    return bool(values) and values <= names and not values & keys


def reads_trees_as_sst2(classes) -> bool:
    """Whether SST trees scored against (or beside) the two ``classes`` read as SST-2: two classes that are not
    two points of the trees' five-point scale other than negative and positive (a model trained on trees of
    codes 0 and 1 alone has classes "very negative" and "negative", which the codes name as they are)."""
    names = {str(c) for c in classes}
    return len(names) == 2 and not (names <= set(POLARITY_NAMES[5]) and names != set(POLARITY_NAMES[2]))


# SST's five points read as three classes (as aspect pre-training reads them): 0-1 negative, 2 neutral, 3-4 positive
_THREE_CLASSES = {0: "negative", 1: "negative", 2: "neutral", 3: "positive", 4: "positive"}


def _tree_code_names(names: set, binary: bool) -> dict | None:
    """The names of SST trees' codes (0-4, or 0/1 with ``binary``) among ``names`` (the training labels or a
    model's classes), so that trees are scored against named classes: with ``binary`` negative and positive
    (both needed); classes negative, neutral and positive read the codes in three; else each code whose point of
    the scale ("very negative" ... "very positive") is a class (a code whose point none is stays a code, which
    the classes then lack). None where no code is named."""
    names = {str(n) for n in names}
    if binary:
        return dict(enumerate(POLARITY_NAMES[2])) if set(POLARITY_NAMES[2]) <= names else None
    if names == set(_THREE_CLASSES.values()):
        return dict(_THREE_CLASSES)
    return {code: name for code, name in enumerate(POLARITY_NAMES[5]) if name in names} or None


def _check_dev_labels(pipe: Pipeline, labels: list, dev_labels: list, label_names: dict | None,
                      multi_label: bool, dev_source: str, names_given: bool = False) -> None:
    """Refuse dev labels that the training labels lack (after the pipeline's grouping), as fit does for the
    dev data it is given, so that a bad dev file fails before training, not after it; and, unless the user
    named the labels (``names_given``, or the dev part was carved from the training data, whose labels are the
    same values: a rare class may have no text there), codes 0 and 1 only beside more classes, as evaluate
    refuses them."""
    from .labels import targets_for
    from .pipeline import display_names

    labels, dev_labels = pipe._grouped(labels, fitting=True), pipe._grouped(dev_labels, fitting=True)
    classes = (check_label_sets if multi_label else check_labels)(labels, len(labels))[1]
    names = display_names(classes, label_names)
    if not names_given:
        _refuse_codes_of_two_for_many(dev_labels, classes.tolist(), names, f"--dev {dev_source}", "the training data have")
    targets_for(classes, names, dev_labels, multi_label)


def _refuse_codes_of_two_for_many(labels: list, classes: list, names, source: str, owner: str = "the model has") -> None:
    """Refuse a file whose labels are the codes 0 and 1 only, scored by a model of classes 0 .. k-1 with
    k > 2: it is almost surely a two-class file (SST-2 beside an SST-5 model), and read as codes its labels
    would be the model's first two classes, scored as if right."""
    values = _label_values(labels)
    if values != {0, 1} or not all(type(v) is int for v in values) or len(classes) <= 2:
        return
    if [str(c) for c in classes] != [str(code) for code in range(len(classes))]:
        return
    shown = [str(name) for name in (names if names is not None else classes)]
    every = ",".join(f"{code}={name}" for code, name in enumerate(shown))
    raise DataError(f"{source} has the labels 0 and 1 only, but {owner} {len(classes)} classes "
                    f"({', '.join(shown)}), and read as codes its labels would be {shown[0]!r} and {shown[1]!r}: "
                    "is it a two-class file? Use a two-class model; if its texts are of those two classes, say so "
                    f"with --label-names {every!r}")


def _as_in_file(ensemble, labels: list, unknown: list) -> str:
    """The ``unknown`` labels (after a member's grouping) as the file writes them: "surprise (ambiguous in
    the members' grouping)" where a grouping renamed them."""
    named = {}
    for row in labels:
        for label in row if isinstance(row, LABEL_SETS) else [row]:
            named.setdefault(str(ensemble._grouped([label])[0]), set()).add(str(label))
    shown = [f"{', '.join(sorted(named.get(u, {u})))} ({u} in the members' grouping)" if named.get(u, {u}) != {u} else u
             for u in map(str, unknown[:10])]
    return ", ".join(shown)


def _headline(report: dict) -> str:
    """``accuracy 0.871, macro-F1 0.869`` (with several labels: micro- and macro-F1)."""
    names = {"accuracy": "accuracy", "micro_f1": "micro-F1", "macro_f1": "macro-F1"}
    return ", ".join(f"{name} {report[key]:.3f}" for key, name in names.items() if report.get(key) is not None)


def describe_options(task: str = DEFAULT_TASK, vectorizer: str | None = None, model: str | None = None,
                     multi_label: bool = False) -> dict:
    """What ``fit --task`` trains with unless ``--set`` changes it: ``{"task", "multi_label", "vectorizer",
    "model", "options": {stage: {key: {"value", "default", "help"}}}, "available": {kind: [names]}}``, where
    ``value`` is the task's own setting where it has one, else the stage's ``default``, and ``help`` says in
    a line what the option does. For the aspect
    task, the single stage ``"aspect"`` holds the :class:`~sentiment.aspects.AspectPipeline` settings."""
    from .registry import available

    if task == "aspect":
        from .aspects import AspectPipeline, aspect_options

        refuse_flags({"--vectorizer": vectorizer, "--model": model, "--multi-label": multi_label},
                     "--task aspect (its stages are listed below its options)")
        return {"task": task, "multi_label": False, "vectorizer": None, "model": None,
                "options": {"aspect": {k: {"value": v, "default": v, "help": AspectPipeline.option_help[k]}
                                       for k, v in aspect_options().items()}},
                "available": {kind: available(kind) for kind in ("aspect_extractor", "aspect_polarity")}}
    get_task(task)
    pipe = Pipeline.for_task(task, vectorizer, model, multi_label=multi_label)  # what `fit --task` starts from
    task_values = {k: v for k, v in pipe.get_params().items() if k not in ("vectorizer", "model")}
    described = Pipeline.option_help_for(pipe.vectorizer, pipe.model)
    return {"task": task, "multi_label": multi_label, "vectorizer": pipe.vectorizer, "model": pipe.model,
            "options": {stage: {key: {"value": task_values.get(key, default), "default": default,
                                      "help": described[stage][key]}
                                for key, default in values.items() if _applies(key, multi_label)}
                        for stage, values in Pipeline.options_for(pipe.vectorizer, pipe.model).items()},
            "available": {kind: available(kind) for kind in ("vectorizer", "model")}}


def _shown_threshold(value) -> float:
    """A threshold as ``info`` shows it: to 6 decimals (an ensemble's mean of 0.4 and 0.45 is 0.42500000000000004)."""
    return round(float(value), 6)


def describe_model(model: str | Path | None = None, task: str | None = None) -> dict:
    """What a saved model is (default: the one shipped for ``task``), from its files: ``{"model", "kind",
    "sentiment_version", "reading_version", "settings", "labels", "label_values", "multi_label", "thresholds", "columns",
    "data", "dev_metrics", "info"}``; ``label_values`` gives the value a pipeline's ``predict`` returns for each
    label name, where they differ (None where they do not). ``reading_version`` is the text-reading version it was trained under (None: before it was
    recorded; an ensemble: its members' by name). ``settings`` holds what a pipeline was trained with (vectorizer and model names, its own
    settings: ``grouping`` and, with several labels per text, ``tune_fraction``, and every setting of the
    cleaner, vectorizer and model), an aspect model's settings (with categories, whether it learnt any and
    each category's threshold) or an ensemble's weights and its members' settings; ``data`` what it was
    trained on (an aspect model: ``{"train": file}``); ``thresholds`` (several
    labels per text) each label's threshold."""
    from .default_models import default_model_path

    pipe = load(model, task=task)  # checks every file
    return _description(pipe, Path(model) if model is not None else default_model_path(task or DEFAULT_TASK))


def _description(pipe, path: Path) -> dict:
    """:func:`describe_model` of the model ``pipe`` loaded from ``path`` (its config read again, not its arrays)."""
    from .aspects.data import POLARITIES

    config = read_config(path)
    kind = config.get("kind") or "pipeline"
    multi_label = bool(getattr(pipe, "multi_label_", False))
    info = config.get("info") if isinstance(config.get("info"), dict) else {}
    metrics = config.get("metrics") if isinstance(config.get("metrics"), dict) else {}
    dev_metrics = metrics.get("dev") if isinstance(metrics.get("dev"), dict) else None
    if not dev_metrics and isinstance(info.get("dev"), dict):  # an aspect model keeps its dev report in info
        dev_metrics = {k: v for k, v in info["dev"].items() if k in ASPECT_HEADLINE}
    return {"model": str(path), "kind": kind, "sentiment_version": config.get("sentiment_version"),
            "reading_version": pipe.reading_version_,  # an ensemble: its members', by folder
            "settings": _settings(kind, config, pipe, path),
            "labels": [] if kind == "vectorizer" else list(getattr(pipe, "label_names_", None) or POLARITIES),
            "label_values": _label_values_named(pipe),
            "multi_label": multi_label,
            "thresholds": dict(zip(pipe.label_names_, map(_shown_threshold, pipe.thresholds_))) if multi_label else None,
            "columns": config.get("columns"), "dev_metrics": dev_metrics or None,
            "data": config.get("data") or ({"train": info["data"]} if "data" in info else None),  # aspect models
            "info": {k: v for k, v in info.items() if k not in ("dev", "data")}}


def _label_values_named(pipe) -> dict | None:
    """The values a pipeline's ``predict`` gives (``classes_``) by the names it shows, where they differ: a model
    fitted on labels 1 and 5 named negative and positive (``--label-names``) predicts 1 and 5 in Python."""
    classes, names = getattr(pipe, "classes_", None), getattr(pipe, "label_names_", None)
    if classes is None or names is None or [str(c) for c in classes.tolist()] == [str(n) for n in names]:
        return None
    return {str(name): value for value, name in zip(classes.tolist(), names)}


def _settings(kind: str, config: dict, pipe, path: Path) -> dict:
    """The ``settings`` of :func:`describe_model`, by model kind."""
    if kind == "ensemble":
        return {"weights": config["weights"], "members": {
            name: _description(member, path / name)["settings"] for name, member in zip(config["members"], pipe.members)}}
    if kind == "aspect":
        from .aspects.categories import NONE as NO_CATEGORY

        settings = dict(config.get("pipeline", {}))
        if settings.get("prior") == "prior":  # the folder the model keeps its copy of the prior in
            seen = _what_the_prior_saw(pipe)
            settings["prior"] = f"{Path(path) / 'prior'} (the copy kept inside the model" + (
                f"; it learnt from {seen[0]}: dev figures on those sentences overstate)" if seen else ")")
        categories = getattr(pipe, "categories_", None)
        detector = getattr(categories, "detector_", None)
        if settings.get("categories"):
            settings["categories_learnt"] = categories is not None  # False: the training data had none
        if detector is not None:  # (not the detector's own label for no category)
            settings["category_thresholds"] = {name: _shown_threshold(threshold) for name, threshold in zip(
                detector.label_names_, detector.thresholds_) if name != NO_CATEGORY}
        return settings
    if kind == "vectorizer":
        return {"vectorizer": pipe.vectorizer, "features": pipe.n_features_, "cleaner_settings": config.get("cleaner", {}),
                "vectorizer_settings": _stage_settings(config["stages"]["vectorizer"])}
    options = config.get("pipeline", {}).get("options", {})
    pipeline = {key: options.get(key, default) for key, default in PIPELINE_OPTIONS.items()
                if _applies(key, getattr(pipe, "multi_label_", False))}
    task = config.get("pipeline", {}).get("task")  # what fit --task trained it for (its defaults, its label names)
    return {**({"task": task} if task else {}), "vectorizer": pipe.vectorizer_name, "model": pipe.model,
            "pipeline_settings": pipeline,
            "cleaner_settings": config.get("cleaner", {}),
            **{f"{stage}_settings": _stage_settings(config["stages"][stage]) for stage in ("vectorizer", "model")}}


def _stage_settings(stage: dict) -> dict:
    """A saved stage's settings as ``info`` shows them: those of a word2vec vectorizer that read its vectors
    from a file without the ones that would only have trained them (refused beside a file: their defaults
    changed nothing)."""
    params = stage["params"]
    if stage.get("name") == "word2vec" and params.get("vectors_path"):
        from .vectorizers.word2vec import TRAINING_ONLY

        return {key: value for key, value in params.items() if key not in TRAINING_ONLY}
    return params


def _applies(option: str, multi_label: bool) -> bool:
    """Whether a pipeline ``option`` applies to a model of one label per text or several (``multi_label``):
    tune_fraction (the share that tunes the thresholds) to several labels only, which fit checks."""
    return option != "tune_fraction" or multi_label


def _share(fraction: float) -> str:
    """A fraction as a percentage as given: 0.1 -> "10%", 0.125 -> "12.5%", 0.004 -> "0.4%" (not "0%")."""
    return f"{fraction * 100:.3g}%"


def _trains_by_epochs(model) -> bool:
    """Whether ``model`` (a model stage) trains by epochs and early-stops on dev data (mlp, lstm)."""
    return bool(getattr(model, "trains_by_epochs", False))


def semeval_sets(config: dict) -> list[str]:
    """The SemEval-2014 data sets that a model's config (as saved) says it learnt from: those of the shipped
    polarity model, an aspect model's default prior."""
    train = config.get("data", {}).get("train", {}) if isinstance(config.get("data"), dict) else None
    return [name for name in train if "SemEval" in name] if isinstance(train, dict) else []


def _what_the_prior_saw(pipe) -> list[str]:
    """:func:`semeval_sets` of the prior an aspect model keeps inside it (none for other models)."""
    return semeval_sets(getattr(getattr(pipe, "prior_", None), "config_", {}))


def _note_what_the_default_prior_saw(log) -> None:
    """A note when the shipped polarity model, the aspect models' default prior, learnt from SemEval-2014
    sentences: dev sentences among them would be scored with features that have seen their labels."""
    from .default_models import default_model_path

    try:
        seen = semeval_sets(read_config(default_model_path("polarity")))
    except (OSError, ValueError, ModelFileError):  # loading the prior says what is wrong with it
        return
    if seen:
        log(f"note: the default prior, the shipped polarity model, learnt from {seen[0]}: if the dev sentences "
            "come from SemEval-2014's training files, the dev polarity figures overstate (the prior has seen their "
            "sentences' labels); for honest ones give --set prior=DIR, a polarity model trained without them "
            "(python benchmarks/train_polarity_model.py --without-absa --out DIR), or --set prior=null")


def _fit_aspects(data, out, *, dev, options: dict, dev_fraction: float, seed: int, refit: bool, progress: bool,
                 log) -> tuple[Any, dict]:
    """``fit_file`` for ``task="aspect"``: an :class:`~sentiment.aspects.AspectPipeline` on SemEval XML or JSONL.

    Without ``dev``, the dev figures come from a ``dev_fraction`` of the sentences and the saved model is
    then (``refit``) fit again on all of them. The report holds the dev scores (see :func:`sentiment.aspects.evaluate_aspects`).
    """
    from .aspects import check_options, fit_aspects

    check_options(options)
    log(f"training the aspect extractor and polarity model on {data}; dev: "
        + (str(dev) if dev is not None else f"{_share(dev_fraction)} of the sentences (seed {seed})"
           + (", then refit on all" if refit else "")))
    pipe, report = fit_aspects(data, out, dev_path=dev, dev_fraction=dev_fraction, seed=seed, refit=refit,
                               progress=progress, log=log, settings=options)
    if options.get("prior", "default") == "default":
        _note_what_the_default_prior_saw(log)
    scores = report["dev"]
    if scores.get("n_aspects") and not scores.get("n_predicted"):
        network = " (the lstm tagger needs more than the classical one, extractor=classical)" if \
            pipe.get_params().get("extractor") == "lstm" else ""
        log(f"note: the model found none of the {scores['n_aspects']} dev aspects, so it will find none in new texts "
            f"either: too few training sentences?{network}")
    return pipe, {**scores, **{k: v for k, v in report.items() if k != "dev"}}


def model_columns(pipe: Pipeline) -> dict[str, str]:
    """The text and label columns and the label separator the model was trained with (defaults when unknown)."""
    columns = getattr(pipe, "config_", {}).get("columns", {})  # checked when loaded (persistence.check_columns)
    return {"text": columns.get("text", "text"), "label": columns.get("label", "label"),
            "separator": columns.get("separator", LABEL_SEPARATOR)}


def evaluate_file(data: str | Path, model: str | Path | None = None, *, text_column: str | None = None,
                  label_column: str | None = None, grouping: str | None = None,
                  task: str | None = None, label_names: dict | None = None, separator: str | None = None,
                  progress: bool = False, mistakes: bool = False) -> tuple[Pipeline, dict]:
    """Score a saved model (default: the one shipped for ``task``) on a labelled file; the columns and the
    label ``separator`` (several labels per text) default to the ones the model was trained with. ``grouping`` scores label groups;
    ``label_names`` maps the file's label values to the model's labels (``{0: "negative"}``). SST trees
    scored by a model of two classes are read as SST-2 (neutral dropped, 0-1 and 3-4 joined), as
    ``fit --binary`` trained it, unless they are two points of the trees' scale other than negative and
    positive (:func:`reads_trees_as_sst2`); their codes match a model's classes by their names (negative,
    positive, ...; :func:`_tree_code_names`).
    ``progress`` shows a progress bar while the model predicts; ``mistakes`` adds the texts labelled wrongly
    (not for an aspect model)."""
    pipe = load(model, task=task)
    check_classifier(pipe, model)
    if is_aspect_model(pipe):
        refuse_flags({"--text-column": text_column, "--label-column": label_column, "--grouping": grouping,
                      "--label-names": label_names, "--label-sep": separator}, "an aspect model", "leave it out (an aspect model reads SemEval XML or JSONL, whose fields are fixed)")
        from .aspects import evaluate_aspects

        return pipe, evaluate_aspects(data, pipe, progress=progress)
    # as predict refuses it: a grouping that groups nothing would be a silent no-op
    grouped_already = grouping is not None and _check_grouping(pipe, grouping, aspect_model=False, scoring=True)
    columns = model_columns(pipe)
    if separator is not None and not pipe.multi_label_:
        raise ConfigError("--label-sep splits several labels per text, and this model gives one; leave it out")
    trees = holds_sst_trees(data)
    if trees:
        refuse_flags({"--text-column": text_column, "--label-column": label_column}, "SST trees, which have no columns")
    # trees are SST-2 for a two-class model (0-1 negative, 3-4 positive, neutral dropped), unless it learnt two
    # points of the trees' own scale (codes 0 and 1 of trees: very negative, negative)
    binary = trees and (getattr(pipe, "config_", {}).get("data", {}).get("binary") is True
                        or reads_trees_as_sst2(getattr(pipe, "label_names_", None) or pipe.classes_.tolist()))
    joined_by = columns["separator"] if separator is None else separator
    try:
        texts, labels = read_labelled(data, text_column or columns["text"], label_column or columns["label"],
                                      separator=joined_by if pipe.multi_label_ else None, binary=binary,
                                      every_sentence=True)
    except SeparatorError as exc:  # its advice (--multi-label) is fit's
        raise DataError(f"{Path(data).name} joins its labels by {exc.found!r}, not by {joined_by!r}: pass --label-sep "
                        f"'{exc.found}'") from None
    given = label_names
    if trees and not label_names:  # e.g. classes named, not 0/1
        label_names = _tree_code_names(set(pipe.label_names_), binary)
    if label_names:
        if label_names is given:  # not the polarity names given to trees' codes above (a file may lack some)
            label_names = _check_label_names(label_names, labels, Path(data).name, every=False)
        labels = named_labels(labels, label_names)
    elif grouping is None:
        _refuse_codes_of_two_for_many(labels, list(pipe.classes_), getattr(pipe, "label_names_", None), str(data))
    if grouped_already:  # the gold labels may still be grouped ("love" scored as the model's "joy")
        _check_grouped_gold(pipe, grouping, labels, data)
    try:
        return pipe, evaluate(pipe, texts, labels, grouping, progress=progress, mistakes=mistakes)
    except UnknownLabelsError as exc:
        misnamed = {str(value): str(name) for value, name in (given or {}).items() if str(name) in exc.unknown}
        if not misnamed:
            raise
        raise DataError(f"--label-names gives the name(s) {', '.join(misnamed.values())}, which the model does not "
                        f"know: its labels are {', '.join(map(str, exc.known))}; give each of the file's values one "
                        "of them (--label-names VALUE=LABEL,...)") from None


def cleaner_of(options: dict, model=None, where: str = "the model") -> Cleaner:
    """The cleaning ``sentiment clean`` shows: ``options`` (cleaning options only; a ConfigError names the
    valid ones), or the cleaning of ``model`` (a loaded pipeline or text vectorizer; ``where`` names it in
    messages, e.g. its folder) as it was trained."""
    if model is None:
        return Cleaner(**options)
    if options:
        raise ConfigError(f"{where} cleans as the model was trained; --set changes a cleaning of your own: give --set "
                          "or the model, not both")
    cleaner = getattr(model, "cleaner_", None)
    if cleaner is None:
        kind = getattr(model, "kind", None) or type(model).__name__.lower()
        why = ("its members each clean in their own way: give a member's folder (member0, member1, ...)"
               if kind == "ensemble" else "it reads texts with a tokenizer of its own, which keeps character offsets"
               if kind == "aspect" else "it keeps no cleaning")
        raise ConfigError(f"{where} is {with_article(kind)} model, whose cleaning is not one to show: {why}")
    return cleaner


def check_classifier(pipe, path: str | Path | None) -> None:
    """Refuse a loaded text vectorizer where a model that labels texts is needed (predict, evaluate)."""
    if getattr(pipe, "kind", None) == "vectorizer":
        raise ConfigError(f"{path} holds a text vectorizer, which labels nothing; `sentiment vectorize DATA --model "
                          f"{path} --out FILE` gives its vectors, and `sentiment fit` trains a model that labels texts")


def training_data_notes(pipe, data: str | Path, shipped: str | None = None) -> list[str]:
    """Notes for ``evaluate`` where ``data`` may hold the model's training texts, whose figures flatter it: a
    file of a name the model says it was trained on, or, for the model shipped for the task ``shipped`` (which
    names the data sets it learnt from, not files), a file named as a training split."""
    name = Path(data).name
    if name in training_files(pipe):
        return [f"note: the model was trained on a file named {on_one_line(name)}: if it is this one, these are "
                "figures on training texts, which flatter it; score held-out texts"]
    if shipped is not None and "train" in name.lower():
        return [f"note: the shipped {shipped} model learnt from {training_sets(pipe)}: if {on_one_line(name)} is "
                "one of their training files, these are figures on training texts, which flatter it; score a dev split"]
    seen = _what_the_prior_saw(pipe)
    if seen:  # an aspect model fit with the default prior, the shipped polarity model
        return [f"note: the model's prior, a polarity model inside it, learnt from {seen[0]}: if {on_one_line(name)} "
                "holds sentences of SemEval-2014's training files, the polarity figures overstate (the prior has seen "
                "their labels); a model fit with --set prior=null or a prior trained without them scores them honestly"]
    return []


def training_sets(pipe) -> str:
    """What a shipped model's config or info says it learnt from, for a note."""
    data = getattr(pipe, "config_", {}).get("data") or getattr(pipe, "info_", {}).get("data")
    train = data.get("train") if isinstance(data, dict) else data
    return ", ".join(map(str, train)) if isinstance(train, dict) else str(train or "its training data")


def training_files(pipe) -> set[str]:
    """The names of the files a loaded model says it was trained on (a pipeline's config, an aspect model's
    info; an ensemble's --tune file and its members' training files)."""
    found = set()
    for data in (getattr(pipe, "config_", {}).get("data"), getattr(pipe, "info_", {}).get("data")):
        for name in (data.get("train"), data.get("tune")) if isinstance(data, dict) else (data,):
            if isinstance(name, str):  # an ensemble's thresholds were fitted on its --tune file
                found.add(name)
    for member in getattr(pipe, "members", None) or []:
        found |= training_files(member)
    return found


def ensemble_models(models: list[str | Path], out: str | Path, *, weights: list[float] | None = None,
                    tune: str | Path | None = None) -> tuple[Any, str, list[str]]:
    """Combine saved models into an ensemble saved at ``out``; with several labels per text, ``tune`` (a
    labelled file in the members' columns) sets its thresholds. Returns the ensemble, where its
    thresholds come from (empty for one label per text) and notes for the user (stderr's)."""
    from .ensemble import Ensemble

    check_model_target(out)
    if any(same_path(m, out) for m in models):
        raise ConfigError(f"--out {out} is one of the members, which the ensemble would replace; choose another path")
    for i, member in enumerate(models):  # by the file system, as --out: another spelling of a path is the same model
        if any(same_path(member, earlier) for earlier in models[:i]):
            raise ConfigError(f"{member} is given twice; give each model once (--weights gives one a larger share)")
    members = [load(m) for m in models]
    separators = {model_columns(m)["separator"] for m in members if getattr(m, "multi_label_", False)}
    if len(separators) > 1:  # the ensemble reads and writes tables with one of them
        raise ConfigError(f"the members join several labels differently in tables ({', '.join(map(repr, sorted(separators)))}); "
                          "combine models trained with one --label-sep")
    ensemble = Ensemble(members, weights)
    source, notes = "", []
    if ensemble.multi_label_:
        source = "the weighted mean of the members' thresholds"
        if tune is not None:
            columns = model_columns(ensemble)
            try:  # the errors' advice (--label-column, --label-names) is for other commands
                texts, labels = read_labelled(tune, columns["text"], columns["label"], separator=columns["separator"])
            except SeparatorError as exc:
                raise DataError(f"--tune {tune} joins its labels by {exc.found!r}; the members' are joined by "
                                f"{columns['separator']!r}: write them so") from None
            except MissingColumnsError as exc:
                raise DataError(f"--tune {tune} has no column {', '.join(map(repr, exc.missing))} (its columns: "
                                f"{', '.join(map(str, exc.present)) or 'none'}); it needs the members' columns "
                                f"{columns['text']!r} (texts) and {columns['label']!r} (labels joined by "
                                f"{columns['separator']!r})") from None
            try:
                ensemble.tune(texts, labels)
            except UnknownLabelsError as exc:
                raise DataError(f"--tune {tune}: label(s) {_as_in_file(ensemble, labels, exc.unknown)} were not seen "
                                "in training by the members; drop the rows with those labels") from None
            except UngroupedLabelError as exc:  # the grouping is a member's, not an option to leave out
                raise DataError(f"--tune {tune}: label {exc.label!r} is not in the {exc.grouping} grouping that a "
                                "member was trained with; fix the label or drop the rows with it") from None
            source = f"tuned on {Path(tune).name} ({len(texts)} texts)"
            ensemble.config_["data"] = {"tune": Path(tune).name, "n_tune": len(texts)}  # shown by info
            learnt = [str(m) for m, member in zip(models, members)
                      if getattr(member, "config_", {}).get("data", {}).get("train") == Path(tune).name]
            if learnt:  # a model's config keeps the name of its training file only
                notes.append(f"{', '.join(learnt)} learnt from a file of that name, and thresholds tuned on texts a "
                             "member learnt from fit those texts, not new ones: tune on held-out texts")
            counts = list(zip(ensemble.label_names_, ensemble.tune_support_))
            rare = sorted(name for name, n in counts if MIN_POSITIVES <= n < RELIABLE_POSITIVES)
            scarce = sorted(name for name, n in counts if n < MIN_POSITIVES)
            if rare:
                source += (f"; {len(rare)} label(s) with fewer than {RELIABLE_POSITIVES} texts there, whose thresholds "
                           f"are rough: {', '.join(rare)}")
            if scarce:
                source += (f"; {len(scarce)} label(s) with fewer than {MIN_POSITIVES} texts there (too few to tune) keep "
                           f"the members' mean threshold: {', '.join(scarce)}")
    elif tune is not None:
        raise ConfigError("--tune sets the thresholds of models with several labels per text; leave it out")
    ensemble.save(out)
    return ensemble, source, notes


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
        _check_grouping(pipe, grouping, aspect_model)
    if aspect_model:
        return
    sentence_flag = {True: "--by-sentence", False: "--whole-text"}.get(by_sentence)
    for flag, given in (("--aspect", aspects), (sentence_flag, by_sentence is not None)):
        if given:
            raise ConfigError(f"{flag} needs an aspect model: add --task aspect, or --model DIR of a model trained "
                              "with --task aspect")


def _check_grouping(pipe, grouping: str, aspect_model: bool, scoring: bool = False) -> bool:
    """Refuse --grouping for a model whose labels the grouping does not group (an aspect model's polarities,
    a polarity model's classes), or whose labels are its groups already, unless ``scoring`` (the gold labels
    of a file may still be grouped; returns whether they are its groups, for :func:`_check_grouped_gold`)."""
    from .groupings import group_names

    if aspect_model:
        raise ConfigError("--grouping groups the emotion labels of a model, and this is an aspect model; leave it out")
    try:
        groups = group_names(pipe.label_names_, grouping)
    except UngroupedLabelError as exc:
        raise ConfigError(f"--grouping {grouping} groups GoEmotions' emotion labels, and this model's label "
                          f"{exc.label!r} is not one of them; leave it out, or use a model of those labels "
                          "(--task emotion)") from None
    already = groups == list(pipe.label_names_) and getattr(pipe, "get_params", dict)().get("grouping") != grouping
    if already and not scoring:
        raise _already_grouped(grouping, groups)
    return already


def _already_grouped(grouping: str, labels, also: str = "") -> ConfigError:
    """The error for --grouping where the model's ``labels`` are its groups already (``also``: what else is)."""
    return ConfigError(f"--grouping {grouping} groups GoEmotions' emotion labels, and this model's labels "
                       f"({', '.join(labels)}) are its groups already{also}; leave it out")


def _check_grouped_gold(pipe, grouping: str, labels: list, data) -> None:
    """Refuse --grouping where the model's labels are its groups already (:func:`_check_grouping`) and so are
    the gold ``labels`` of ``data``: it would group nothing."""
    known = {str(label) for label in [*pipe.label_names_, *pipe.classes_.tolist()]}  # a name, or the value it names
    if {str(label) for label in _label_values(labels)} <= known:
        raise _already_grouped(grouping, pipe.label_names_, f", as are those of {Path(data).name}")


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
    check_predict_flags(pipe, top_if_none, aspects, by_sentence, grouping)
    if text_column is not None and is_aspect_model(pipe) and _is_xml(source):
        raise ConfigError("--text-column names a table's column, and SemEval XML has its texts in <text>; leave it out")
    by_sentence = by_sentence is not False
    columns = model_columns(pipe)
    text_column = text_column or columns["text"]
    if stdout_format not in OUTPUT_FORMATS:
        raise ConfigError(f"stdout_format must be one of {', '.join(OUTPUT_FORMATS)}, not {stdout_format!r}")
    to_stdout = str(target) == "-"
    if to_stdout:
        out_format = stdout_format
    else:
        target = Path(target)
        out_format = _output_format(target)
        check_output_file(target, "--output", ("." + out_format,))
        if same_path(target, source):
            raise DataError("--output is the input file; choose another output path")
    gold = columns["label"] if getattr(pipe, "multi_label_", False) else None  # a label-list column of the input
    layout = _input_columns(source, text_column, chunksize, is_aspect_model(pipe))
    names = _added_names(pipe, explain, top_if_none, grouping)
    prefix = "predicted_" if layout is not None and any(name in layout for name in names) else ""  # keep a gold label
    rows = unpredicted = 0
    # a table whose header row may come again where two files were joined (not JSON Lines, Parquet or XML)
    with_header = not _is_xml(source) and table_format(existing_file(source), trees=False) in ("csv", "tsv")
    unnamed = {}  # the columns of empty header cells, named back as they were in a table written out
    with _output_handle(None if to_stdout else target) as handle:
        for chunk in _all_columns(source, text_column, chunksize, progress, is_aspect_model(pipe),
                                  check_text=layout is None):
            if layout is None:  # a table with a header: its first chunk has every column
                layout = list(chunk.columns)
                prefix = "predicted_" if any(name in layout for name in names) else ""
                unnamed = blank_header_names(source, layout) if with_header else {}
            elif list(chunk.columns) != layout:  # JSON Lines rows without some keys: null there
                chunk = chunk.reindex(columns=layout)
            again = repeated_header_rows(chunk) if with_header else []
            if again:  # its cells would be predicted as a text and kept as data
                raise DataError(f"{source}: data row {rows + again[0] + 1} repeats the header row, as files joined with "
                                "their header rows do; drop that row")
            texts = chunk[text_column]
            blank = blank_cells(texts)
            if not skip_blank:
                _check_no_blank(blank, source, text_column, rows, skip_flag=True)
            taken = [prefix + name for name in names if prefix and prefix + name in chunk.columns]
            if taken:  # before any work on the chunk
                raise DataError(f"{source} already has the columns {', '.join(taken)}; rename them "
                                "(predictions would overwrite them)")
            # (as objects: a categorical column, Parquet's dictionary-encoded text, takes no new value "")
            values = text_values(texts.astype(object).mask(blank, ""), source, text_column, rows)  # rows count blank ones
            if explain:
                check_explainable(values, first=rows + 1, what=f"{source}: data row")
            kept = [value for value, empty in zip(values, blank) if not empty]
            added = (_prediction_columns(pipe, kept, top_if_none, aspects, by_sentence, columns["separator"],
                                         nested=out_format == "jsonl", explain=explain, grouping=grouping,
                                         progress=progress, found=found)
                     if kept else dict.fromkeys(names, []))
            if out_format != "jsonl":  # a label name a spreadsheet would run as a formula: plain text there
                added = {name: spreadsheet_safe(column) if name in ("label", "labels") else column
                         for name, column in added.items()}
            if blank.any():  # the skipped rows' cells stay empty
                added = {name: _with_gaps(column, blank) for name, column in added.items()}
                unpredicted += int(blank.sum())
            chunk = chunk.assign(**{prefix + name: column for name, column in added.items()})
            header = [unnamed.get(name, name) for name in chunk.columns] if rows == 0 else None
            _write_chunk(handle, chunk, out_format, header, gold, columns["separator"])
            rows += len(chunk)
    return rows, unpredicted


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
    from .groupings import group_names

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
    from .evaluation import in_batches

    if is_aspect_model(pipe):
        with warnings.catch_warnings():  # the terms no text holds: the CLI says so once, for all its batches
            warnings.simplefilter("ignore", UnfoundAspectWarning)
            results = pipe.annotate(texts, aspects=aspects or None, by_sentence=by_sentence)
        if aspects and found is not None:  # (for the note on the terms that no text holds)
            from .aspects.terms import terms_found

            found |= {term.strip() for term in terms_found(texts, aspects)}
        if explain:
            from .explanation import add_aspect_words

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
        from .groupings import grouped_annotations

        results = grouped_annotations(results, pipe.label_names_, grouping)
    return results


EXPLAINED_AT_ONCE = 20  # texts per step of the progress bar of explanations


LONG_TO_EXPLAIN = 1000  # words in a text above which --explain notes that it will take a while


def check_explainable(texts: list[str], first: int = 1, what: str = "text") -> list[int]:
    """The number of words (:func:`~sentiment.explanation.units`) of each text of more than
    :data:`LONG_TO_EXPLAIN` characters (0 for the others: a word has a character at least); a DataError naming
    the text (``what`` and its number, ``first`` for the first) that is longer than --explain takes."""
    from .explanation import units

    counts = [len(units(text)) if len(text) > LONG_TO_EXPLAIN else 0 for text in texts]
    for i, n in enumerate(counts):
        if n > MAX_EXPLAINED_WORDS:
            raise DataError(f"{what} {first + i} has {n:,} words, more than --explain takes "
                            f"({MAX_EXPLAINED_WORDS:,}: it predicts a text once per word, each time whole); explain a "
                            "part of it, or leave out --explain")
    return counts


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

        from .aspects import read_aspect_data

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
    from .data import read_table
    from .text_vectorizer import TextVectorizer

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
    _check_no_blank(blank_cells(frame[text_column]), data, text_column)
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
                        f"{file_name_for(target, 'vectors' + suffix)}")
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
    from .text_vectorizer import TextVectorizer

    loaded = load(model)
    if not isinstance(loaded, (TextVectorizer, Pipeline)):
        kind = getattr(loaded, "kind", None) or type(loaded).__name__.lower()  # aspect, ensemble
        members = " (a member's folder, member0, member1, ..., holds one)" if kind == "ensemble" else ""
        raise ConfigError(f"{model} holds {with_article(kind)} model, which has no single vectorizer; give a saved "
                          f"text vectorizer or a pipeline model{members}")
    vec = loaded if isinstance(loaded, TextVectorizer) else TextVectorizer.from_pipeline(loaded)
    return vec, model_columns(vec)["text"]


def _check_no_blank(blank: np.ndarray, source, column: str, before: int = 0, skip_flag: bool = False) -> None:
    """Refuse a table column with a missing or blank text (``blank``: :func:`~sentiment.data.blank_cells`), naming its data
    row (``before``: rows of earlier chunks); ``skip_flag``: say that predict's --skip-blank passes over it."""
    if blank.any():
        row = before + int(blank.argmax()) + 1
        skip = " (or give --skip-blank to write such rows unpredicted)" if skip_flag else ""
        raise DataError(f"{source}: data row {row} has no text in column {column!r}; drop or fill it{skip}")


def _with_gaps(column: list, blank: np.ndarray) -> list:
    """``column``'s values in the places of the rows not ``blank``, None in the others."""
    values = iter(column)
    return [None if empty else next(values) for empty in blank]
