"""Score a model on a labelled file: ``evaluate_file``, and notes where the file may hold its training texts."""

from __future__ import annotations

from pathlib import Path

from ..data import holds_sst_trees, read_labelled
from ..errors import ConfigError, DataError, SeparatorError, UnknownLabelsError, on_one_line, refuse_flags
from ..evaluation import evaluate
from ..pipeline import Pipeline, load, named_labels
from .gold import (check_grouped_gold, check_grouping, check_label_names, groups_as_labels_note, polarity_code_names,
                   read_as_polarity, reads_trees_as_sst2, refuse_codes_of_two_for_many, tree_code_names)
from .models import check_classifier, is_aspect_model, model_columns, model_columns_named, what_the_prior_saw


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
    positive, ...; :func:`tree_code_names`); so do whole-number labels of a table scored by a model whose labels
    are polarity names (0/1 negative and positive, as fit reads them: :func:`polarity_code_names`), which the
    report's ``notes`` then say (lines for the caller to show; absent where there are none).
    ``progress`` shows a progress bar while the model predicts; ``mistakes`` adds the texts labelled wrongly
    (not for an aspect model). An ensemble's report also holds ``members``: each member's headline figures on
    the same texts (:func:`~sentiment.evaluation.member_figures`), so that it shows whether combining them helps."""
    pipe = load(model, task=task)
    check_classifier(pipe, model)
    if is_aspect_model(pipe):
        refuse_flags({"--text-column": text_column, "--label-column": label_column, "--grouping": grouping,
                      "--label-names": label_names, "--label-sep": separator}, "an aspect model", "leave it out (an aspect model reads SemEval XML or JSONL, whose fields are fixed)")
        from ..aspects import evaluate_aspects

        return pipe, evaluate_aspects(data, pipe, progress=progress)
    # as predict refuses it: a grouping that groups nothing would be a silent no-op
    grouped_already = grouping is not None and check_grouping(pipe, grouping, aspect_model=False, scoring=True)
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
        with model_columns_named(columns, {"text": text_column, "label": label_column}):
            texts, labels = read_labelled(data, text_column or columns["text"], label_column or columns["label"],
                                          separator=joined_by if pipe.multi_label_ else None, binary=binary,
                                          every_sentence=True)
    except SeparatorError as exc:  # its advice (--multi-label) is fit's
        raise DataError(f"{Path(data).name} joins its labels by {exc.found!r}, not by {joined_by!r}: pass --label-sep "
                        f"'{exc.found}'") from None
    given, notes = label_names, []
    if trees and not label_names:  # e.g. classes named, not 0/1
        label_names = tree_code_names(set(pipe.label_names_), binary)
    elif not label_names and not pipe.multi_label_:  # 0/1 beside a model of negative/positive: named as fit names them
        label_names = polarity_code_names(labels, pipe)
        if label_names:
            notes.append(f"note: {read_as_polarity(label_names)} (--label-names reads them otherwise)")
    if label_names:
        if label_names is given:  # not the polarity names given to trees' codes above (a file may lack some)
            label_names = check_label_names(label_names, labels, Path(data).name, every=False)
        labels = named_labels(labels, label_names)
    elif grouping is None:
        refuse_codes_of_two_for_many(labels, list(pipe.classes_), getattr(pipe, "label_names_", None), str(data))
        if note := groups_as_labels_note(pipe, labels, data):
            notes.append(note)
    if grouped_already:  # the gold labels may still be grouped ("love" scored as the model's "joy")
        check_grouped_gold(pipe, grouping, labels, data)
    try:
        report = evaluate(pipe, texts, labels, grouping, progress=progress, mistakes=mistakes)
        return pipe, {**report, "notes": notes} if notes else report
    except UnknownLabelsError as exc:
        misnamed = {str(value): str(name) for value, name in (given or {}).items() if str(name) in exc.unknown}
        if not misnamed:
            raise
        raise DataError(f"--label-names gives the name(s) {', '.join(misnamed.values())}, which the model does not "
                        f"know: its labels are {', '.join(map(str, exc.known))}; give each of the file's values one "
                        "of them (--label-names VALUE=LABEL,...)") from None


def training_data_notes(pipe, data: str | Path, shipped: str | None = None) -> list[str]:
    """Notes for ``evaluate`` where ``data`` may hold the model's training texts, whose figures flatter it: a
    file of a name the model says it was trained on, or, for the model shipped for the task ``shipped`` (which
    names the data sets it learnt from, not files: the public data sets a user is likely to score it on), any
    file, more firmly where it is named as a training split."""
    name = Path(data).name
    if name in training_files(pipe):
        return [f"note: the model was trained on a file named {on_one_line(name)}: if it is this one, these are "
                "figures on training texts, which flatter it; score held-out texts"]
    if shipped is not None:
        if "train" in name.lower():
            return [f"note: the shipped {shipped} model learnt from {training_sets(pipe)}: if {on_one_line(name)} is "
                    "one of their training files, these are figures on training texts, which flatter it; score a dev "
                    "split"]
        return [f"note: the shipped {shipped} model learnt from {training_sets(pipe)}: texts of those training splits "
                f"in {on_one_line(name)} are scored as texts it has seen, which flatters it (sentiment info shows its "
                "figures on held-out splits)"]
    seen = what_the_prior_saw(pipe)
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
            if isinstance(name, str):  # an ensemble's weights or thresholds were tuned on its --tune file
                found.add(name)
    for member in getattr(pipe, "members", None) or []:
        found |= training_files(member)
    return found
