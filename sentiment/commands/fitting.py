"""Train a model from a file (``fit_file``): read its labels, carve a dev part, fit, score and save, and
say what a user should know of the run (the notes it logs)."""

from __future__ import annotations

import math
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..checks import (LABEL_SETS, check_fraction, check_label_sets, check_labels, check_seed, is_multi_label,
                      label_spelling_note)
from ..data import (LABEL_SEPARATOR, column_list, holds_sst_trees, label_list_of, read_labelled, read_table,
                    read_weights)
from ..errors import (AbsentLabelWarning, ConfigError, DataError, LabelSpellingWarning, MissingColumnsError,
                      ModelFileError, SeparatorError, TuningWarning, UnknownLabelsError, VectorCoverageWarning, counted,
                      on_one_line, refuse_flags)
from ..evaluation import evaluate
from ..labels import label_codes
from ..multilabel import MIN_POSITIVES
from ..persistence import check_model_target, read_config, same_path
from ..pipeline import POLARITY_NAMES, Pipeline, label_ids_of, named_labels, polarity_names
from ..splits import FEW_TO_STOP_ON, dev_overlap_notes, held_none_advice, weighted_split
from ..sst import sst_phrase_split
from ..tasks import DEFAULT_TASK, get_task
from .gold import check_label_names, label_values, reads_trees_as_sst2, refuse_codes_of_two_for_many, tree_code_names
from .models import semeval_sets


HEADLINE = ("n", "accuracy", "macro_f1", "macro_f1_labels", "micro_f1", "exact_match")  # the dev metrics kept in a model's config


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
    class has two texts or more, random with several labels per text), save to ``out``. A ``dev_fraction`` of 0
    (not for aspect models) trains once on all of ``data`` and scores nothing: the report is then
    ``{"n": 0, "n_train", "notes": []}``.

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
    the dev report, with ``n_train`` (how many texts the saved model learnt from, as without dev figures),
    ``refit_on_all`` (whether the saved model was trained again on all of ``data`` after
    the dev figures) and, with ``mistakes``, the dev texts that the scored model labels wrongly (see
    :func:`~sentiment.evaluation.evaluate`), and ``notes``: lines about the dev figures, for the caller to show
    after them (classes the scored model gave no dev text, :func:`never_predicted_note`). ``weight_column``:
    a column of ``data`` with each text's weight in training (``sample_weight``; the dev figures count every
    text once).
    """
    options = options or {}
    _check_arguments(task, seed, out, dev, dev_fraction)
    if task == "aspect":
        refuse_flags({"--vectorizer": vectorizer, "--model": model, "--phrases": phrases, "--binary": binary,
                      "--multi-label": multi_label, "--label-names": label_names, "--weight-column": weight_column,
                      "--text-column": text_column != "text", "--label-column": label_column != "label"},
                     "--task aspect (SemEval XML or JSONL with text and aspects)",
                     "leave it out, and set the aspect model's options with --set")
        return _fit_aspects(data, out, dev=dev, options=options, dev_fraction=dev_fraction, seed=seed,
                            refit=refit, progress=progress, log=log)
    pipe, model_stage = _pipeline_to_fit(task, vectorizer, model, multi_label, options)
    trees = _check_tree_flags(data, dev, text_column, label_column, weight_column)
    read = _read_training(data, pipe, task, trees=trees, text_column=text_column, label_column=label_column,
                          separator=separator, multi_label=multi_label, phrases=phrases, binary=binary,
                          weight_column=weight_column, label_names=label_names, named_for_dev=dev is not None, log=log)
    scored = dev is not None or dev_fraction > 0  # else trained once on all of DATA, with no dev figures
    if scored:
        _read_or_carve_dev(read, data, dev, trees=trees, text_column=text_column, label_column=label_column,
                           label_sep=separator if multi_label else None, binary=binary, phrases=phrases,
                           dev_fraction=dev_fraction, seed=seed, log=log)
    stop_share = _hold_out_sentences_to_stop_on(read, data, dev, phrases=phrases, multi_label=multi_label,
                                                 model_stage=model_stage, seed=seed, binary=binary, log=log)
    _note_spelling_and_overlap(read, data, dev, phrases=phrases, text_column=text_column, label_column=label_column,
                               binary=binary, log=log)
    trainer = _plan_training(pipe, model_stage, read, names_of_ids=label_names, multi_label=multi_label,
                             options=options, stop_seed=seed if stop_share else None, progress=progress, log=log)
    n_train, report, unpredicted = _train_and_score(trainer, read, scored=scored, carved=dev is None,
                                                    weight_column=weight_column, mistakes=mistakes)
    refitted = dev is None and refit and scored
    if refitted:  # the dev figures are in; the saved model learns from the dev texts too
        n_train = _refit_on_all(trainer, read, report, data, stop_share=stop_share, seed=seed, binary=binary)
    if multi_label:
        _note_untuned(pipe, log)
    columns = {"text": text_column, "label": label_column, **({"separator": separator} if multi_label else {})}
    _save_model(pipe, out, read, report, data=data, columns=columns, n_train=n_train, tune_info=trainer.tune_info,
                refitted=refitted, phrases=phrases, binary=binary, weight_column=weight_column)
    if not scored:
        return pipe, {"n": 0, "n_train": n_train, "notes": []}  # (refit_on_all: there was no first training)
    return pipe, {**report, "n_train": n_train, "refit_on_all": refitted, "notes": [unpredicted] if unpredicted else []}


@dataclass
class _FitData:
    """The texts and labels of one fit: the training part (``labels`` as the model learns them, ``weights`` None
    or one a text), with ``label_names`` to fit with, ``grouped_names`` (names given beside a grouping: the labels
    are named by them already) and ``names_given`` (whether the user named the labels); the dev part, named
    ``dev_source`` in the log and the config (none with --dev-fraction 0); the held-out sentences that a model
    trained by epochs early-stops on (``stop_dev``: texts and labels, or None); and ``everything``, all of the
    data as read (texts, labels, weights), which a refit learns from."""

    texts: list[str]
    labels: list
    weights: Any
    label_names: dict | None
    grouped_names: dict | None
    names_given: bool
    everything: tuple
    dev_texts: list[str] = field(default_factory=list)
    dev_labels: list = field(default_factory=list)
    dev_source: str | None = None
    stop_dev: tuple | None = None


@dataclass
class _Trainer:
    """Fits ``pipe`` for fit_file, on the training part and then (refit) on all the data, with the label names
    read (the model keeps them), recording in ``tune_info`` what each fit tuned on (``notes``: what is tuned, for
    the training line); the notes on a fit are logged once per command (``said``), not once per fit."""

    pipe: Pipeline
    model_stage: Any  # an unfitted copy of the pipeline's model: what it trains by and tunes
    label_names: dict | None  # the names read (of the labels, or beside a grouping): the model keeps them
    names_of_ids: dict | None  # --label-names as given
    multi_label: bool
    tune_fraction: float
    tune_info: dict
    notes: list[str]
    progress: bool
    log: Callable[[str], None]
    said: set = field(default_factory=set)
    planned: dict = field(init=False)  # tune_info as planned, before any fit

    def __post_init__(self) -> None:
        self.planned = dict(self.tune_info)

    def train(self, texts: list[str], labels: list, weights, stop_dev=None) -> int:
        """Fit ``pipe`` on ``texts`` (weighted by ``weights``, or None; early-stopping on ``stop_dev``, a pair of
        texts and labels, or None); returns how many texts the model itself learnt from."""
        pipe = self.pipe
        _fit_saying_why(pipe, texts, labels, weights, stop_dev, label_names=self.label_names,
                        progress=self.progress, log=self.log, said=self.said)
        if self.names_of_ids and pipe.label_ids_ is None:  # names of the dev file's values alone: kept all the same,
            pipe.label_ids_ = label_ids_of(self.names_of_ids)  # so that evaluate reads such a file as fit did
        # recorded after each fit: a refit on all the data may hold out what the first could not
        self.tune_info.update(self.planned)
        if self.multi_label:
            _record_tuning(pipe, self.model_stage, self.tune_info, self.planned, self.tune_fraction, len(texts),
                           self.said, self.log)
        _record_stopping(pipe, self.model_stage, self.tune_info, len(texts), self.said, self.log)
        return pipe.info_["trained_on"]


def _check_arguments(task: str, seed: int, out, dev, dev_fraction: float) -> None:
    """Refuse an unknown task, a bad seed, a save path below a file and a bad dev fraction, before any work."""
    get_task(task)  # an unknown name fails here
    check_seed(seed, "the seed (--seed)")
    check_model_target(out)  # a save path below a file (--out train.csv/model) fails before any work
    if task == "aspect" and dev_fraction == 0 and dev is None:  # the aspect models' fit scores on held-out sentences
        raise ConfigError("--dev-fraction 0 holds out no dev sentences, and an aspect model's fit always scores one "
                          "on some; give a dev file (--dev FILE) or a dev fraction above 0")
    check_fraction(dev_fraction, "the dev fraction (--dev-fraction)", zero=task != "aspect")  # before reading


def _pipeline_to_fit(task: str, vectorizer: str | None, model: str | None, multi_label: bool,
                     options: dict) -> tuple[Pipeline, Any]:
    """The pipeline to fit (see :meth:`Pipeline.for_task`, which checks the ``options``) and an unfitted copy of
    its model stage: what it trains by and tunes."""
    if not multi_label and "tune_fraction" in options:
        raise ConfigError("tune_fraction goes with --multi-label (several labels per text); leave it out")
    pipe = Pipeline.for_task(task, vectorizer, model, multi_label=multi_label, **options)
    return pipe, pipe.build_stages()[2]


def _check_tree_flags(data, dev, text_column: str, label_column: str, weight_column: str | None) -> bool:
    """Whether ``data`` holds SST trees, refusing the flags that name columns where the files of the fit have none."""
    trees = holds_sst_trees(data)  # (each call reads the file's first line)
    if trees and (dev is None or holds_sst_trees(dev)):  # columns no file of the fit has
        refuse_flags({"--text-column": text_column != "text", "--label-column": label_column != "label"},
                     "SST trees, which have no columns")
    if weight_column is not None and trees:
        raise DataError("--weight-column goes with a table of texts; SST trees have no columns")
    return trees


def _read_or_carve_dev(read: _FitData, data, dev, *, trees: bool, text_column: str, label_column: str,
                       label_sep: str | None, binary: bool, phrases: bool, dev_fraction: float, seed: int, log) -> None:
    """Set ``read``'s dev part: the texts and labels of the ``dev`` file (:func:`_read_dev`), named as the training
    labels are, or else a ``dev_fraction`` of the training part, held out of it (:func:`_carve_dev`)."""
    if dev is not None:
        read.dev_texts, read.dev_labels, read.label_names = _read_dev(
            dev, data, trees, read.labels, text_column, label_column, label_sep, binary, read.label_names, log)
        if read.grouped_names:
            read.dev_labels = named_labels(read.dev_labels, read.grouped_names)
        read.dev_source = Path(dev).name
        return
    read.texts, read.labels, read.weights, read.dev_texts, read.dev_labels = _carve_dev(
        data, read.texts, read.labels, read.weights, phrases=phrases, binary=binary, dev_fraction=dev_fraction,
        seed=seed)
    read.dev_source = f"{_share(dev_fraction)} of {Path(data).name}{' (sentences)' if phrases else ''} (seed {seed})"


def _hold_out_sentences_to_stop_on(read: _FitData, data, dev, *, phrases: bool, multi_label: bool, model_stage,
                                   seed: int, binary: bool, log) -> float:
    """With SST phrases and a model trained by epochs: the training phrases of ``read`` less those of the sentences
    held out to stop on (``read.stop_dev``; a carved dev part's are not among them). Returns their share of the
    sentences (:func:`_sentence_stopping_share`), 0 where none are held out."""
    stop_share = _sentence_stopping_share(phrases, multi_label, model_stage)
    if stop_share:
        split = _stopping_split(data, stop_share, seed, binary, exclude=read.dev_texts if dev is None else (), log=log)
        if split is None:
            return 0
        read.texts, read.labels, read.stop_dev = split
    return stop_share


def _note_spelling_and_overlap(read: _FitData, data, dev, *, phrases: bool, text_column: str, label_column: str,
                               binary: bool, log) -> None:
    """Warn of labels spelt two ways (before training: Pipeline.fit's own warning, after it, is left out; the CLI
    writes it as a note) and note dev texts that are training texts too (:func:`_overlap_notes`)."""
    overlap = _overlap_notes(data, dev, read.texts, read.dev_texts, phrases=phrases, text_column=text_column,
                             label_column=label_column, binary=binary)
    spelling = label_spelling_note(label_values(read.everything[1]))
    if spelling:  # stacklevel: the line that called fit_file
        warnings.warn(spelling, LabelSpellingWarning, stacklevel=3)
    for note in overlap:
        log(note)


def _plan_training(pipe: Pipeline, model_stage, read: _FitData, *, names_of_ids: dict | None, multi_label: bool,
                   options: dict, stop_seed: int | None, progress: bool, log) -> _Trainer:
    """The trainer of ``pipe``, with what it tunes on a part of the training data (:func:`_what_is_tuned`; early
    stopping on whole sentences drawn with ``stop_seed`` where it is given)."""
    # The dev data only score the model: what is tuned (the early stopping of models trained by epochs and,
    # with several labels, the thresholds) is tuned on a part of the training data, so fit never sees them.
    tune_fraction = pipe.tune_fraction if multi_label else 0
    tune_info, notes = _what_is_tuned(tune_fraction, model_stage, multi_label, stop_seed)
    if tune_fraction and _trains_by_epochs(model_stage) and "dev_fraction" in options:
        log(f"note: with several labels per text, {pipe.model} early-stops on the part held out to tune the "
            f"thresholds ({_share(tune_fraction)}, --tune-fraction), so --set dev_fraction is not used (unless the "
            "texts are too few to hold that part out)")
    return _Trainer(pipe, model_stage, label_names=read.grouped_names or read.label_names, names_of_ids=names_of_ids,
                    multi_label=multi_label, tune_fraction=tune_fraction, tune_info=tune_info, notes=notes,
                    progress=progress, log=log)


def _train_and_score(trainer: _Trainer, read: _FitData, *, scored: bool, carved: bool, weight_column: str | None,
                     mistakes: bool) -> tuple[int, dict | None, str | None]:
    """Train on the training part, saying so, and score on the dev part where there is one: ``(how many texts
    the model learnt from, the dev report or None, the note on classes it gave no dev text or None)``. Dev
    labels that the training labels lack are refused before training: a part ``carved`` from the data has only
    training labels, as they are; a --dev file may not."""
    pipe = trainer.pipe
    try:
        if scored:
            _check_dev_labels(pipe, read.labels, read.dev_labels, read.label_names, trainer.multi_label,
                              read.dev_source, read.names_given or carved)
        weighted = f" weighted by column {weight_column!r}" if weight_column is not None else ""
        held = (f"dev: {read.dev_source} ({counted(len(read.dev_texts), 'text')})" if scored
                else "no dev part (--dev-fraction 0)")
        trainer.log(f"training {pipe.vectorizer_name} + {pipe.model} on {counted(len(read.texts), 'text')}{weighted}; "
                    f"{held}" + "".join(f"; {note}" for note in trainer.notes))
        n_train = trainer.train(read.texts, read.labels, read.weights, read.stop_dev)
        report = evaluate(pipe, read.dev_texts, read.dev_labels, mistakes=mistakes) if scored else None
    except UnknownLabelsError as exc:
        raise DataError(f"--dev {read.dev_source}: label(s) {', '.join(exc.unknown[:10])} do not occur in the "
                        f"training data, whose labels are: {', '.join(exc.known)}; drop those rows, or check "
                        "--label-column and --label-names") from None
    if not scored:
        return n_train, None, None
    return n_train, report, never_predicted_note(report, trainer.model_stage, _class_counts(pipe, read.labels, report))


def _refit_on_all(trainer: _Trainer, read: _FitData, report: dict, data, *, stop_share: float, seed: int,
                  binary: bool) -> int:
    """Train again on all of ``data`` once the dev figures are in (with SST phrases, less the sentences of all the
    trees held out to stop on), saying so; returns how many texts the model learnt from."""
    everything = read.everything
    split = _stopping_split(data, stop_share, seed, binary, log=trainer.log) if stop_share else None
    if split is not None:  # again, sentences of all the trees held out to stop on
        everything = split[0], split[1], None, split[2]
    tune_fraction = trainer.tune_fraction
    held = (f", besides the {len(split[2][0])} sentences held out to stop on, whose trees give no training phrases"
            if split is not None else f", {_share(tune_fraction)} of them held out to tune the label thresholds"
            if tune_fraction else "")
    trainer.log(f"dev {_headline(report)}; training again on all the data ({len(everything[0])} texts{held}; "
                "--no-refit keeps the model just scored)")
    return trainer.train(*everything)  # the dev texts are among them


def _save_model(pipe: Pipeline, out, read: _FitData, report: dict | None, *, data, columns: dict, n_train: int,
                tune_info: dict, refitted: bool, phrases: bool, binary: bool, weight_column: str | None) -> None:
    """Save ``pipe`` to ``out``, its config recording the ``columns`` read, the data it learnt from and was scored on
    (and what was tuned on which part) and the dev metrics (none without a dev ``report``)."""
    scored = report is not None
    trained = {"train": Path(data).name, "n_train": n_train, "dev": read.dev_source, "n_dev": len(read.dev_texts),
               **tune_info, "phrases": phrases, "binary": binary, **({"refit_on_all": refitted} if scored else {}),
               **({"weight_column": weight_column} if weight_column is not None else {})}
    pipe.save(out, extra={"columns": columns, "data": trained,
                          **({"metrics": {"dev": _headline_kept(report)}} if scored else {})})


def _record_tuning(pipe: Pipeline, model_stage, tune_info: dict, planned: dict, tune_fraction: float, n_texts: int,
                   said: set, log) -> None:
    """After a multi-label fit of ``pipe`` (``model_stage``: an unfitted copy of its model) on ``n_texts``: record
    in ``tune_info`` how many texts tuned the thresholds (none: the model's own early stopping instead of the
    ``planned`` one), and note a tune part too small to hold out, once per command (``said``: the refit on all
    the data may hold none out either; the labels left untuned are noted of the model saved, :func:`_note_untuned`)."""
    tune_info["n_tune"] = pipe.info_.get("tuned_on", 0)
    if tune_fraction and not tune_info["n_tune"]:
        tune_info["tune"] = "none (too few texts to hold out)"
        if "early_stopping" in planned:  # the model held out its own dev_fraction instead
            tune_info["early_stopping"] = _own_stopping(model_stage)
        if "no tuning" in said:
            return
        said.add("no tuning")
        held = math.ceil(n_texts * tune_fraction)  # as scikit-learn's split rounds it
        log(f"note: too few texts to hold out {_share(tune_fraction)} for tuning the label thresholds: they stay at 0.5; "
            f"give {held_none_advice(n_texts, held, '--tune-fraction')}")


def _note_untuned(pipe: Pipeline, log) -> None:
    """A note on the labels that the fitted (and saved) ``pipe`` left at 0.5: too few of the held-out texts that
    tuned its thresholds have them (``info_["untuned_labels"]``; a refit on all the data tunes on another part)."""
    untuned, n_tune = pipe.info_.get("untuned_labels", []), pipe.info_.get("tuned_on", 0)
    if untuned and n_tune:
        log(f"note: {len(untuned)} of the {len(pipe.label_names_)} labels are on fewer than {MIN_POSITIVES} of "
            f"the {n_tune} texts held out to tune the thresholds, and keep 0.5 (untuned): "
            f"{', '.join(map(str, untuned[:12]))}{' ...' if len(untuned) > 12 else ''}; more texts or a larger "
            "--tune-fraction tunes them")


def _record_stopping(pipe: Pipeline, model_stage, tune_info: dict, n_texts: int, said: set, log) -> None:
    """After a fit of ``pipe`` on ``n_texts`` whose model (``model_stage``: an unfitted copy) was to early-stop but
    held nothing out: record so in ``tune_info`` and note it; where it held out too few texts to tell the epochs
    apart, note that, and where it kept the first of epochs of equal held-out scores, the others of lower loss
    (:meth:`~sentiment.models.neural.NeuralModel.tied_best_note`), that (each once per command: ``said``)."""
    if str(tune_info.get("early_stopping", "none")).startswith("none"):
        return
    held = pipe.info_.get("early_stopping_on")
    if held:
        if held < FEW_TO_STOP_ON:
            if model_stage.params["epochs"] > 1 and "few to stop on" not in said:
                said.add("few to stop on")
                log(f"note: {pipe.model} early-stops on {counted(held, 'held-out text')}, too few to tell its epochs "
                    "apart (the epoch kept is chance); give more texts, a larger --set dev_fraction, or --set "
                    "dev_fraction=0 to train every epoch")
            return
        tied = pipe.model_.tied_best_note("--set stop_metric=loss")
        if tied and "tied best" not in said:
            said.add("tied best")
            log(f"note: {pipe.model}'s {tied}")
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
                   label_names: dict | None, named_for_dev: bool, log) -> _FitData:
    """fit_file's training data, all of them training texts yet (no dev part), with ``label_names`` checked
    against the labels (unless ``named_for_dev``, a --dev file's, and they name values the dev file alone has)
    or, not given, the polarity names of integer labels; ``grouped_names``: the names given beside the
    pipeline's grouping, which groups names, so the labels are named by them first (and ``label_names`` is then
    None); ``names_given``: whether the user named the labels."""
    label_sep = separator if multi_label else None
    texts, labels = read_labelled(data, text_column, label_column, phrases=phrases, separator=label_sep, binary=binary)
    weights = None if weight_column is None else read_weights(data, weight_column)
    if label_names and not (named_for_dev and _named_already(labels, label_names)):  # else: checked on the dev file
        label_names = check_label_names(label_names, labels, Path(data).name)
    names_given = bool(label_names)
    label_names = _polarity_names_or_numbers(task, labels, label_names, log, multi_label,
                                             trees=trees and not binary)
    grouped_names = None
    if label_names and pipe.get_params().get("grouping"):
        labels, grouped_names, label_names = named_labels(labels, label_names), label_names, None
    _check_classes_are_classes(labels, data, label_column)
    if not multi_label:
        _note_joined_labels(labels, separator, log)
    else:
        _note_one_label_each(labels, data, label_column, separator, log)
    return _FitData(texts, labels, weights, label_names, grouped_names, names_given,
                    everything=(texts, labels, weights))


def _carve_dev(data, texts: list[str], labels: list, weights, *, phrases: bool, binary: bool, dev_fraction: float,
               seed: int) -> tuple:
    """``(texts, labels, weights, dev_texts, dev_labels)``: a ``dev_fraction`` of the training data held out
    (stratified where it can be, see :func:`~sentiment.splits.weighted_split`); with SST ``phrases``, whole
    sentences whose trees then give no training phrases (and no weights: trees have no columns)."""
    flags = {"fraction_name": "--dev-fraction", "dev_name": "--dev FILE"}  # what errors advise
    if phrases:
        train_texts, train_labels, dev_texts, dev_labels = sst_phrase_split(data, dev_fraction, seed, binary=binary,
                                                                            **flags)
        return train_texts, train_labels, None, dev_texts, dev_labels
    return weighted_split(texts, labels, weights, dev_fraction, seed, **flags)


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
    a note (once per command: ``said``, as a vectors file's coverage note is, which the refit on all the data gives
    again in other figures); the spelling and tuning warnings are the command's own, other warnings pass as they
    came."""
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
        if issubclass(warning.category, VectorCoverageWarning):
            if "coverage" in said:
                continue
            said.add("coverage")
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
    dev_binary = dev_trees and (binary or (not data_trees and reads_trees_as_sst2(label_values(labels))))
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
            if label_values(dev_labels) <= label_values(labels):  # so split, they are the training labels
                log(f"note: --dev {Path(dev).name} joins its labels by {exc.found!r}, not by {label_sep!r}: read so")
            else:  # one label a row, holding the other mark ("anecdotes/miscellaneous"): as --label-sep reads it
                dev_texts, dev_labels = read_labelled(dev, text_column, label_column, separator=label_sep,
                                                      binary=dev_binary, every_sentence=True, guess_separator=False)
    except MissingColumnsError as exc:  # --text-column / --label-column name the columns of both files
        raise DataError(f"--dev {Path(dev).name} has no column {', '.join(map(repr, exc.missing))}; its columns are: "
                        f"{column_list(exc.present)}; the --text-column and --label-column of the training file name "
                        "the dev file's too: rename its columns to match") from None
    named = tree_code_names({str(v) for v in label_values(labels)}, dev_binary) if dev_trees and not label_names else None
    if named:  # trees' codes beside named labels, as evaluate reads them
        dev_labels = named_labels(dev_labels, named)
    if label_names and _named_already(labels, label_names):  # the names map the dev file's values alone
        label_names = check_label_names(label_names, dev_labels, Path(dev).name, every=False)
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


def _note_one_label_each(labels: list, data, label_column: str, separator: str, log: Callable[[str], None]) -> None:
    """A note when ``--multi-label`` data give every text exactly one label: each label is then learnt as a
    yes or no of its own (a text may get none or several), which one class per text would not do. Its advice
    fits the cells: lists of one label (``["joy"]``) are read as lists without --multi-label too, and refused."""
    if len(labels) < 2 or any(len(y) != 1 for y in labels):
        return
    cells = read_table(data, [label_column])[label_column].tolist()
    listed = any(isinstance(label_list_of(cell), (*LABEL_SETS, np.ndarray)) for cell in cells)
    advice = ("to pick one label per text, give each row its label alone, not in a list, and leave --multi-label out"
              if listed else "leave --multi-label out to pick one label per text, or give --label-sep if the labels "
              f"are joined by another mark than {separator!r}")
    log(f"note: every text of {Path(data).name} has exactly one label, yet --multi-label learns each label as a yes "
        f"or no of its own (a text may get none or several); {advice}")


def _polarity_names_or_numbers(task: str, labels: list, label_names: dict | None,
                               log: Callable[[str], None], multi_label: bool = False, trees: bool = False) -> dict | None:
    """The label names to fit with: integer labels 0/1 or 0..4 are polarity (negative … positive, said in
    the log) for the polarity task with one label per text, and stay numbers for another task or with
    several labels per text (two points of one polarity scale cannot both hold); given names are kept.
    The codes of SST ``trees`` (not made binary) are points of their 0-4 scale, also where the file lacks
    some of them: 0 and 1 alone are "very negative" and "negative", not "negative" and "positive"."""
    if label_names is not None:
        return label_names
    values = label_values(labels)
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


def _named_already(labels: list, label_names: dict) -> bool:
    """Whether every training label is one of the names that ``label_names`` gives (none a value it names):
    then ``--label-names`` names the values of another file (a dev file of codes beside named labels)."""
    keys, names = {str(k) for k in label_names}, {str(v) for v in label_names.values()}
    values = {str(v) for v in label_values(labels)}
    return bool(values) and values <= names and not values & keys


def _check_dev_labels(pipe: Pipeline, labels: list, dev_labels: list, label_names: dict | None,
                      multi_label: bool, dev_source: str, names_given: bool = False) -> None:
    """Refuse dev labels that the training labels lack (after the pipeline's grouping), as fit does for the
    dev data it is given, so that a bad dev file fails before training, not after it; and, unless the user
    named the labels (``names_given``, or the dev part was carved from the training data, whose labels are the
    same values: a rare class may have no text there), codes 0 and 1 only beside more classes, as evaluate
    refuses them."""
    from ..labels import targets_for
    from ..pipeline import display_names

    labels, dev_labels = pipe._grouped(labels, fitting=True), pipe._grouped(dev_labels, fitting=True)
    classes = (check_label_sets if multi_label else check_labels)(labels, len(labels))[1]
    names = display_names(classes, label_names)
    if not names_given:
        refuse_codes_of_two_for_many(dev_labels, classes.tolist(), names, f"--dev {dev_source}", "the training data have")
    targets_for(classes, names, dev_labels, multi_label)


def _headline(report: dict) -> str:
    """``accuracy 0.871, macro-F1 0.869`` (with several labels: micro- and macro-F1)."""
    names = {"accuracy": "accuracy", "micro_f1": "micro-F1", "macro_f1": "macro-F1"}
    return ", ".join(f"{name} {report[key]:.3f}" for key, name in names.items() if report.get(key) is not None)


def _share(fraction: float) -> str:
    """A fraction as a percentage as given: 0.1 -> "10%", 0.125 -> "12.5%", 0.004 -> "0.4%" (not "0%")."""
    return f"{fraction * 100:.3g}%"


def _trains_by_epochs(model) -> bool:
    """Whether ``model`` (a model stage) trains by epochs and early-stops on dev data (mlp, lstm)."""
    return bool(getattr(model, "trains_by_epochs", False))


def _note_what_the_default_prior_saw(log) -> None:
    """A note when the shipped polarity model, the aspect models' default prior, learnt from SemEval-2014
    sentences: dev sentences among them would be scored with features that have seen their labels."""
    from ..default_models import default_model_path

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
    from ..aspects import check_options, fit_aspects

    check_options(options)  # (fit_aspects says what it trains on once the data are read and checked)
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
