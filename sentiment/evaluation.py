"""Scoring a fitted pipeline on labelled texts: metrics, a text report and a plot.

One label per text: accuracy, macro-F1, per-class figures and a confusion matrix (plotted). Several
labels per text: macro- and micro-F1, the share of texts with exactly the right labels and per-label
figures (plotted as bars). Either can be scored on the groups of the labels (``grouping``).
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .checks import check_texts, label_list, path_of
from .errors import (ConfigError, DataError, MissingGlyphWarning, UnknownLabelsError, caller_stacklevel, counted,
                     on_one_line)
from .groupings import group_labels, group_names
from .labels import label_codes
from .multilabel import decide, f1_of_counts, label_counts, present_mean
from .persistence import atomic_file, how_to_unprotect


def in_batches(function: Callable[[list], Any], items: Sequence, *, progress: bool = False, desc: str = "scoring",
               unit: str = "text", size: int = 512) -> Any:
    """``function(items)``, computed ``size`` items at a time (so that memory stays that of a batch, however
    many items), under a progress bar when ``progress`` (the parts joined: arrays stacked, lists
    concatenated); for functions whose output row ``i`` depends on item ``i`` alone, as prediction does."""
    items = list(items)
    if len(items) <= size:
        return function(items)
    from tqdm.auto import tqdm

    parts = []
    with tqdm(total=len(items), desc=desc, unit=unit, dynamic_ncols=True, leave=False, disable=not progress) as bar:
        for start in range(0, len(items), size):
            parts.append(function(items[start:start + size]))
            bar.update(len(items[start:start + size]))
    return np.concatenate(parts) if isinstance(parts[0], np.ndarray) else [row for part in parts for row in part]


def evaluate(pipeline, texts: Sequence[str], labels: Sequence, grouping: str | None = None, *,
             progress: bool = False, mistakes: bool = False, probabilities: np.ndarray | None = None) -> dict:
    """Score ``pipeline`` on ``texts`` and their true ``labels``.

    One label per text: accuracy, macro-F1, per-class precision/recall/F1/support and the confusion
    matrix. Several labels per text (decided by the model's thresholds): macro-F1, micro-F1, the share
    of texts with exactly the right labels (``exact_match``) and per-label figures. ``grouping``
    (``"ekman"``, ``"sentiment"``) scores the groups of the labels: a text's predicted groups are the
    groups of its predicted labels. Returns a JSON-able dict with at least ``macro_f1`` and ``n``, and
    ``accuracy`` (one label per text) or ``micro_f1`` (several). ``progress`` shows a progress bar.
    ``mistakes`` adds ``"mistakes"``, the texts given a wrong label (see :func:`wrong_predictions`), which
    :func:`write_report` writes to ``mistakes.csv``. ``probabilities``: the pipeline's ``predict_proba`` of
    ``texts``, computed already (nothing is predicted then). An ensemble's report (probabilities not given)
    also holds ``members``: each member's headline figures on the same texts (:func:`member_figures`), from the
    predictions the ensemble averages (each member predicts the texts once), so that it shows whether
    combining them helps.
    """
    labels = label_list(labels)  # read once: an iterator would give the members' figures nothing
    texts, gold, truth = _gold_truth(pipeline, texts, labels, grouping)  # (before anything is predicted)
    each = None  # an ensemble's members' probabilities, for their own figures
    if probabilities is None and getattr(pipeline, "members", None):
        each = member_probabilities(pipeline, texts, progress)
        probabilities = pipeline._combined(each)
    elif probabilities is None:
        probabilities = in_batches(pipeline.predict_proba, texts, progress=progress)
    elif np.shape(probabilities) != (len(texts), len(pipeline.classes_)):
        raise ConfigError(f"probabilities of shape {np.shape(probabilities)} given for {len(texts)} texts and "
                          f"{len(pipeline.classes_)} labels; give the pipeline's predict_proba(texts)")
    names = list(pipeline.label_names_)
    if pipeline.multi_label_:
        predicted = decide(probabilities, pipeline.thresholds_)
    else:
        predicted = probabilities.argmax(axis=1)
    if grouping is not None:
        index, names = _groups_of(names, grouping)
        if pipeline.multi_label_:
            members = np.eye(len(names), dtype=np.uint8)[index]  # labels x groups
            predicted = predicted @ members > 0
            truth = truth @ members > 0 if truth is not None else _group_truth(gold, grouping, names, True)
        else:
            predicted = index[predicted]
            truth = index[truth] if truth is not None else _group_truth(gold, grouping, names, False)
            # a group's probability: its most probable label's, on which the predicted group was chosen
            probabilities = np.stack([probabilities[:, index == g].max(axis=1) for g in range(len(names))], axis=1)
    report = _multi_label_report(truth, predicted, names) if pipeline.multi_label_ else _report(truth, predicted, names)
    if grouping:
        report["grouping"] = grouping
    if mistakes:
        report["mistakes"] = wrong_predictions(texts, truth, predicted, names, probabilities)
    if each is not None:
        report["members"] = member_figures(pipeline, texts, labels, grouping, each)
    return report


def member_probabilities(ensemble, texts: list[str], progress: bool = False) -> list[np.ndarray]:
    """Each member's ``predict_proba`` of ``texts`` (its own columns), the texts read in batches under one
    progress bar for all of them."""
    joined = in_batches(lambda batch: np.hstack([member.predict_proba(batch) for member in ensemble.members]),
                        texts, progress=progress)
    return np.split(joined, np.cumsum([len(member.classes_) for member in ensemble.members])[:-1], axis=1)


def member_figures(ensemble, texts: list[str], labels: list, grouping: str | None,
                   probabilities: list[np.ndarray]) -> list[dict]:
    """Each member's headline figures on ``texts`` (its folder, the folder it was loaded from when the ensemble was
    made (``source``, None if unknown), its vectorizer and model, accuracy and macro-F1;
    with several labels per text macro- and micro-F1), the figures None for a member that cannot read the
    labels, and ``unscored`` then says why (a member that names them otherwise than the ensemble's first member, whose
    values the file gives, is scored on the names the members share: "negative" for the 0 of a member coded 0 / 1).
    ``probabilities``: the members' ``predict_proba`` of the texts (:func:`member_probabilities`)."""
    figures = []
    for folder, source, member, predicted in zip(ensemble._folders(), ensemble._sources(), ensemble.members,
                                                 probabilities):
        described = (f"{member.vectorizer_name} + {member.model}" if hasattr(member, "vectorizer_name")
                     else str(getattr(member, "kind", type(member).__name__)))
        keys = ("macro_f1", "micro_f1") if ensemble.multi_label_ else ("accuracy", "macro_f1")
        try:
            try:
                scored = evaluate(member, texts, labels, grouping, probabilities=predicted)
            except UnknownLabelsError:  # values of another member (0 / 1): by the names that the members share
                scored = evaluate(member, texts, ensemble._named(labels), grouping, probabilities=predicted)
            shown = {key: scored[key] for key in keys}
        except (UnknownLabelsError, DataError, ConfigError) as exc:  # e.g. a grouping that only the ensemble can score
            shown = {**dict.fromkeys(keys), "unscored": " ".join(str(exc).split())}  # why (the report shows its start)
        figures.append({"member": folder, "source": source, "model": described, **shown})
    return figures


def _gold_truth(pipeline, texts: Sequence[str], labels: list, grouping: str | None = None) -> tuple:
    """``(texts, gold, truth)`` for :func:`evaluate`: the checked texts, the gold ``labels`` (a list, as
    :func:`~sentiment.checks.label_list` gives it) grouped as the model groups them, and their codes (None
    where, scored in ``grouping``, the model never learnt some gold label, which then counts by its group:
    ``gold`` holds names). Refuses a model that labels nothing, and labels the model cannot score."""
    kind = getattr(pipeline, "kind", None)
    if kind == "aspect":
        raise ConfigError("evaluate scores a model that gives each text a label, and this is an aspect model; score it "
                          "with sentiment.aspects.evaluate_aspects(path, model) on SemEval XML or JSONL")
    if kind == "vectorizer":
        raise ConfigError("evaluate scores a model that gives each text a label, and this is a text vectorizer, which "
                          "labels nothing; evaluate a Pipeline (or an Ensemble)")
    texts = check_texts(texts)
    gold = pipeline._grouped(labels)
    try:
        return texts, gold, label_codes(pipeline, gold, texts)  # as score checks them
    except UnknownLabelsError:
        if grouping is None:
            raise
        # scored in groups: a gold label the model never learnt counts by its group, by its name (ids named as
        # fit named them: 19 is "nervousness")
        return texts, pipeline._named(gold), None


def wrong_predictions(texts: list[str], truth: np.ndarray, predicted: np.ndarray, names: list[str],
                      probabilities: np.ndarray) -> list[dict]:
    """The texts given a wrong label. One label per text (class indices): ``{"text", "label", "predicted",
    "score", "label_score"}``, the scores being the probabilities of the predicted and of the true label (of
    label groups: of each group's most probable label), the most confident mistakes first. Several labels per text (0/1 matrices): ``{"text", "labels", "predicted",
    "missed", "extra"}`` (lists of label names), the texts with the most wrong labels first."""
    if truth.ndim == 2:
        truth, predicted = truth.astype(bool), predicted.astype(bool)

        def named(flags: np.ndarray) -> list[str]:
            return [names[j] for j in np.flatnonzero(flags)]

        rows = [{"text": texts[i], "labels": named(truth[i]), "predicted": named(predicted[i]),
                 "missed": named(truth[i] & ~predicted[i]), "extra": named(predicted[i] & ~truth[i])}
                for i in np.flatnonzero((truth != predicted).any(axis=1))]
        return sorted(rows, key=lambda r: -(len(r["missed"]) + len(r["extra"])))
    rows = [{"text": texts[i], "label": names[truth[i]], "predicted": names[predicted[i]],
             "score": round(float(probabilities[i, predicted[i]]), 6),
             "label_score": round(float(probabilities[i, truth[i]]), 6)} for i in np.flatnonzero(truth != predicted)]
    return sorted(rows, key=lambda r: -r["score"])


def _group_truth(labels: list, grouping: str, groups: list[str], multi_label: bool) -> np.ndarray:
    """Gold ``labels`` given by name (some of which the model never learnt: GoEmotions' "love" beside a model of
    "joy") as indices into ``groups`` (the groups of the model's labels), or with ``multi_label`` a 0/1 matrix
    (texts x groups); a label of a group that none of the model's labels is in cannot be scored: a DataError."""
    grouped = group_labels(labels, grouping)  # a label of no group: an UngroupedLabelError, which names it
    found = {g for row in grouped for g in (row if isinstance(row, tuple) else (row,))}
    missing = sorted(str(g) for g in found - set(groups))
    if missing:
        raise UnknownLabelsError(f"label(s) of the {grouping} group(s) {', '.join(missing)} were not seen in training, nor "
                                 f"any label of those groups (the model's groups: {', '.join(groups)}); drop the rows "
                                 "of those labels", missing, groups)
    if not multi_label:
        return np.array([groups.index(g) for g in grouped], dtype=np.int64)
    matrix = np.zeros((len(grouped), len(groups)), dtype=bool)
    for i, row in enumerate(grouped):
        matrix[i, [groups.index(g) for g in row]] = True
    return matrix


def _groups_of(names: list[str], grouping: str) -> tuple[np.ndarray, list[str]]:
    """The group index of every label name, and the group names (:func:`~sentiment.groupings.group_names`)."""
    order = group_names(names, grouping)
    return np.array([order.index(g) for g in group_labels(names, grouping)], dtype=np.int64), order


def _report(truth: np.ndarray, predicted: np.ndarray, names: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    indices = list(range(len(names)))
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=indices, zero_division=0)
    present = np.isin(indices, np.union1d(truth, predicted))
    macro, n_present = present_mean(f1, present)
    return {
        "n": int(len(truth)),
        "multi_label": False,  # the key every report has, so a script can branch on it
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": macro,
        **_macro_note(n_present),
        "per_class": _per_class(names, precision, recall, f1, support, present),
        "labels": names,
        "confusion_matrix": confusion_matrix(truth, predicted, labels=indices).tolist(),
    }


def _multi_label_report(truth: np.ndarray, predicted: np.ndarray, names: list[str]) -> dict:
    tp, fp, fn = label_counts(truth, predicted)
    precision = np.divide(tp, tp + fp, out=np.zeros(len(tp)), where=(tp + fp) > 0)
    recall = np.divide(tp, tp + fn, out=np.zeros(len(tp)), where=(tp + fn) > 0)
    f1 = f1_of_counts(tp, fp, fn)
    errors = 2 * tp.sum() + fp.sum() + fn.sum()
    present = (tp + fp + fn) > 0
    macro, n_present = present_mean(f1, present)
    return {
        "n": int(len(truth)),
        "multi_label": True,
        "macro_f1": macro,
        **_macro_note(n_present),
        "micro_f1": float(2 * tp.sum() / errors) if errors else 0.0,
        "exact_match": float(np.mean((truth.astype(bool) == predicted.astype(bool)).all(axis=1))),
        "per_class": _per_class(names, precision, recall, f1, tp + fn, present),
        "labels": names,
    }


def _per_class(names: list[str], precision, recall, f1, support, present) -> dict:
    """Each label's ``{"precision", "recall", "f1", "support"}``; None for the three scores of a label that neither
    the data nor the predictions hold (``present`` false), which macro-F1 leaves out too (an aspect report's
    ``polarity_per_class_f1`` likewise)."""
    return {name: {"precision": float(p) if held else None, "recall": float(r) if held else None,
                   "f1": float(f) if held else None, "support": int(s)}
            for name, p, r, f, s, held in zip(names, precision, recall, f1, support, present)}


def _macro_note(n_present: int) -> dict:
    """``{"macro_f1_labels": k}``: macro-F1 averages the ``k`` labels that the data or the predictions hold (of
    the model's labels; the key is in every report, for scripts, and the plain one says it where ``k`` is fewer
    than the labels)."""
    return {"macro_f1_labels": n_present}


def _member_lines(report: dict, pad: int) -> list[str]:
    """An ensemble's members' figures (``report["members"]``), a line each, under its own."""
    lines = []
    for i, member in enumerate(report.get("members") or []):
        scores = [(name, member[key]) for name, key in (("accuracy", "accuracy"), ("macro-F1", "macro_f1"),
                                                        ("micro-F1", "micro_f1")) if key in member]
        shown = ", ".join(f"{name} {value:.4f}" if value is not None else f"{name} —" for name, value in scores)
        source = f"{on_one_line(member['source'])}: " if member.get("source") else ""
        why = f" (not scored: {on_one_line(member['unscored'].split('; ')[0])})" if member.get("unscored") else ""
        lines.append(f"{'members' if i == 0 else '':<{pad}}{on_one_line(member['member'])} "
                     f"({source}{on_one_line(member['model'])}): {shown}{why}")
    return lines


def format_report(report: dict) -> str:
    """A plain-text report: headline metrics, per-class table and (one label per text) confusion matrix."""
    if report.get("task") == "aspect":
        from .aspects.evaluation import format_aspect_report

        return format_aspect_report(report)
    labels = report["labels"]
    names = [on_one_line(name) for name in labels]  # shown with tabs and line breaks escaped: one line a row
    width = max(12, *(columns(n) for n in names))
    over = macro_over(report.get("macro_f1_labels"), len(names), which=" that occur in the data or the predictions")
    if report.get("multi_label"):
        figures = [("macro-F1", f"{report['macro_f1']:.4f}{over}"), ("micro-F1", f"{report['micro_f1']:.4f}"),
                   ("exact match", f"{report['exact_match']:.4f}")]
    else:
        figures = [("accuracy", f"{report['accuracy']:.4f}"), ("macro-F1", f"{report['macro_f1']:.4f}{over}")]
    figures = [("n", str(report["n"])), *figures, *([("grouping", report["grouping"])] if report.get("grouping") else [])]
    pad = max(11, *(len(name) + 1 for name, _ in figures))  # the figures in one column
    lines = [*(f"{name:<{pad}}{value}" for name, value in figures), *_member_lines(report, pad), "",
             f"{'class':<{width}}  precision  recall     f1  support"]
    for label, name in zip(labels, names):
        row = report["per_class"][label]
        scores = (f"{row['precision']:9.4f}  {row['recall']:6.4f}  {row['f1']:.4f}" if row["f1"] is not None
                  else f"{'—':>9}  {'—':>6}  {'—':>6}")  # neither in the data nor predicted: no scores
        lines.append(f"{padded(name, width)}  {scores}  {row['support']:7d}")
    if report.get("multi_label"):
        return "\n".join(lines)
    lines += ["", "confusion matrix (rows: true, columns: predicted)"]
    cell = max(7, *(columns(n) for n in names), *(len(str(v)) for row in report["confusion_matrix"] for v in row))
    lines.append(" " * width + "".join(padded(n, cell + 1, right=True) for n in names))
    for name, row in zip(names, report["confusion_matrix"]):
        lines.append(padded(name, width) + "".join(f"{v:>{cell + 1}}" for v in row))
    return "\n".join(lines)


def columns(text: str) -> int:
    """The columns ``text`` takes in a terminal: two for a wide character (Chinese, Japanese, most emoji), none
    for a combining mark or an invisible one, one for the rest."""
    import unicodedata

    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def padded(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal :func:`columns` (on the left when ``right``: aligned right)."""
    space = " " * max(0, width - columns(text))
    return space + text if right else text + space


REPORT_FILES = ("metrics.json", "confusion_matrix.png", "label_scores.png", "training_history.png", "mistakes.csv")


def holds_report(folder: Path) -> bool:
    """Whether ``folder`` holds a report that :func:`write_report` wrote: a ``metrics.json`` of a JSON object with
    the scored texts' count ``n`` and a score, as every report's has (a file of that name of other content is not
    one, and its neighbours at the report's names are no report's files)."""
    path = folder / "metrics.json"
    try:  # (a named pipe would be waited on; a report's metrics are a few kilobytes)
        if not path.is_file() or path.stat().st_size > 10_000_000:
            return False
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable, not JSON or not UTF-8, nested thousands deep
        return False
    return isinstance(metrics, dict) and isinstance(metrics.get("n"), int) and any(
        key in metrics for key in ("accuracy", "macro_f1", "extraction_f1", "polarity_accuracy"))


def check_report_folder(folder: Path, inputs: Sequence[Path] = ()) -> bool:
    """A ConfigError when ``folder``, or the nearest folder above it that exists, is a file, when one of the
    ``inputs`` (the data files read) is a file that a report in ``folder`` would replace, when a file there that
    the report would replace is write-protected, or when ``folder`` holds files at the report's names but no
    earlier report (:func:`holds_report`): the user's own. Returns whether it holds an earlier report."""
    for path in inputs:
        target = Path(os.path.realpath(path))  # a link's target is what the report would replace
        if target.name in REPORT_FILES and target.parent == Path(os.path.realpath(folder)):
            raise ConfigError(f"{path} is a file that the report writes in {folder}; give --report another folder, "
                              "or move the file out of it")
    for place in (folder, *folder.parents):
        if os.path.lexists(place) and not place.exists():  # no folder can be made there
            raise ConfigError(f"{place} is a symbolic link that leads to no folder (nowhere, or round in a loop); "
                              "give the report a path without it")
        if place.exists():
            if not place.is_dir():
                raise ConfigError(f"{place} is a file; give a directory for the report")
            break
    for name in REPORT_FILES:
        if (folder / name).is_dir():
            raise ConfigError(f"{folder / name} is a directory where the report writes a file; move it, or give "
                              "--report another folder")
    for path in (folder, *(folder / name for name in REPORT_FILES)):  # its owner made it read-only: kept, as a
        if path.is_symlink() and path != folder:  # model is (root, too, could replace it); a link is replaced, not
            continue  # written through
        if path.exists() and not path.stat().st_mode & stat.S_IWUSR:
            raise ConfigError(f"{path} is write-protected; make it writable ({how_to_unprotect(path)}) to write the "
                              "report there, or give --report another folder")
    earlier = holds_report(folder)
    others = [name for name in REPORT_FILES if (folder / name).is_file() and not (folder / name).is_symlink()] \
        if not earlier else []
    if others:  # files of the user's own at a report's names: neither replaced nor removed (a link is replaced, and
        # what it points to left as it is)
        raise ConfigError(f"{folder} holds {', '.join(others)}, which no report of sentiment wrote, and a report would "
                          "replace; give --report another folder, or move them out of it")
    return earlier


def write_report(report: dict, folder: str | Path, title: str, model=None, history_note: str | None = None) -> list[Path]:
    """Write ``report`` to ``folder``: ``metrics.json``, then ``confusion_matrix.png`` (several labels per
    text: ``label_scores.png``; none for an aspect report without gold polarities), for a ``model`` trained by epochs ``training_history.png`` (its training
    curves, the kept epoch marked, ``history_note`` above them), and for a report
    with ``"mistakes"`` (``evaluate(..., mistakes=True)``) ``mistakes.csv``, the texts given a wrong label
    (the metrics leave them out). The files are renamed into place one after another once all are written (a
    failure while writing leaves an earlier report as it was); those of an earlier report (:func:`holds_report`)
    that this one does not write are then removed, so the folder does not mix two runs; files at the report's
    names in a folder without one are refused (:func:`check_report_folder`). Returns the paths written."""
    import contextlib
    import json

    folder = path_of(folder, "the report's folder")
    earlier = check_report_folder(folder)  # a report was written here before: its other files are stale
    metrics = {key: value for key, value in report.items() if key != "mistakes"}
    writers = {"metrics.json": lambda path: Path(path).write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n",
                                                                  encoding="utf-8")}
    if "mistakes" in report:
        columns = MISTAKE_COLUMNS["several" if report.get("multi_label") else "one"]
        writers["mistakes.csv"] = lambda path: write_mistakes(report["mistakes"], path, columns)
    grouped = f" ({report['grouping']} groups)" if report.get("grouping") else ""  # what the labels are
    if report.get("multi_label"):
        writers["label_scores.png"] = lambda path: plot_label_scores(report, path, title=f"Per-label scores{grouped}: {title}")
    elif report.get("task") != "aspect" or report.get("n_polarity"):  # (no matrix of noughts: no gold polarity)
        writers["confusion_matrix.png"] = lambda path: plot_confusion_matrix(report, path,
                                                                             title=f"Confusion matrix{grouped}: {title}")
    if getattr(getattr(model, "model_", None), "history_", None):  # mlp, lstm; not an aspect pipeline
        writers["training_history.png"] = lambda path: save_png(model.model_.history_figure(note=history_note), path,
                                                                dpi=110)
    with contextlib.ExitStack() as renames:  # each file is renamed into place only once all are written
        for name, write in writers.items():
            # a link in the folder is replaced, not written through: the report replaces none of the files of yours
            # (the data scored, a model's) that a link at one of its names may point to
            write(renames.enter_context(atomic_file(folder / name, through_link=False)))
    for name in REPORT_FILES if earlier else ():  # not files of yours in a folder that held no report
        if name not in writers:
            (folder / name).unlink(missing_ok=True)
    return [folder / name for name in writers]


# The columns of mistakes.csv: one label per text, several labels per text.
MISTAKE_COLUMNS = {"one": ["text", "label", "predicted", "score", "label_score"],
                   "several": ["text", "labels", "predicted", "missed", "extra"]}


def write_mistakes(mistakes: list[dict], path: str | Path, columns: list[str] | None = None) -> Path:
    """Write the texts given a wrong label (:func:`wrong_predictions`) as a CSV table, label lists joined by
    ";"; ``columns`` (default: the first row's keys) name them, so a file without a row still has its header.
    (Read it back with ``pandas.read_csv(path, keep_default_na=False)``, or a text such as "NA" becomes NaN.)"""
    import pandas as pd

    from .checks import spreadsheet_safe
    from .data import LABEL_SEPARATOR, csv_quoting

    columns = columns or (list(mistakes[0]) if mistakes else MISTAKE_COLUMNS["one"])
    frame = pd.DataFrame(mistakes, columns=columns)
    for column in columns:
        frame[column] = frame[column].map(lambda v: LABEL_SEPARATOR.join(v) if isinstance(v, list) else v)
    for column in set(columns) & {"label", "labels", "predicted", "missed", "extra"}:  # the model's label names:
        frame[column] = spreadsheet_safe(frame[column].tolist())  # never run as formulas by a spreadsheet
    with atomic_file(path) as partial:
        frame.to_csv(partial, index=False, quoting=csv_quoting(frame))
    return Path(path)


def plot_confusion_matrix(report: dict, path: str | Path, title: str = "Confusion matrix") -> Path:
    """Save the confusion matrix (row-normalised colours, counts in the cells, each row's total beside it) as a PNG."""
    return save_png(confusion_figure(report, title), path)


def confusion_figure(report: dict, title: str = "Confusion matrix"):
    """The confusion matrix of ``report`` as a matplotlib Figure, titled with the report's own figures."""
    if "confusion_matrix" not in report:
        raise ConfigError("a report of several labels per text has no confusion matrix: draw "
                          "label_scores_figure(report)" if report.get("multi_label") else
                          "this report has no confusion matrix; give one that evaluate() made")
    matrix = np.asarray(report["confusion_matrix"], dtype=float)
    names, title = [literal_text(_tick_text(name)) for name in report["labels"]], literal_text(title)
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    size = min(2.0 + 0.7 * len(names), MAX_FIGURE_INCHES)  # 150 classes would draw a 0.7-gigabyte image
    fig = new_figure(figsize=(size + 1, size))
    ax = fig.subplots()
    image = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    flat = len(names) <= 5 and max(map(len, names), default=0) <= 9  # short names of a few classes fit side by side
    ax.set_xticks(range(len(names)), names, rotation=0 if flat else 45, ha="center" if flat else "right")
    # each true class with its total: the colours are shares of it, and a class the data lack (a row of 0s, white)
    # is told from one never predicted right
    ax.set_yticks(range(len(names)), [f"{name} ({int(total)})" for name, total in zip(names, matrix.sum(axis=1))])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true (total in brackets)")
    ax.set_title(f"{title}\n{_headline_figures(report, int(matrix.sum()))}")
    # the counts in a type that fits the cells: many classes (the figure's size capped) made them narrower than
    # three digits of 10 points, each count spilling over its neighbours; too narrow for 4 points, none is written
    cell_points = (size - 2.0) / len(names) * 72
    digits = len(str(int(matrix.max()))) if matrix.size else 1
    fontsize = min(10.0, cell_points / (0.65 * digits + 0.6))
    for i in range(len(names)) if fontsize >= 4 else ():
        for j in range(len(names)):
            ax.text(j, i, int(matrix[i, j]), ha="center", va="center", fontsize=fontsize,
                    color="white" if rates[i, j] > 0.5 else "black")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of the true class")
    return fig


MAX_FIGURE_INCHES = 40
MAX_TICK_CHARACTERS = 60  # of a label's name on a plot's axis: a longer one ends in "…" (metrics.json has it whole)


def _tick_text(name) -> str:
    """``name`` as text, cut to ``MAX_TICK_CHARACTERS`` characters with an ellipsis."""
    name = str(name)
    return name if len(name) <= MAX_TICK_CHARACTERS else name[:MAX_TICK_CHARACTERS - 1] + "…"


def _headline_figures(report: dict, n: int) -> str:
    """Accuracy, macro-F1 and n as the report states them, as a plot subtitle: the figure and metrics.json never
    disagree (an aspect report's are its polarity figures on the ``n`` gold aspects, where its own n counts
    sentences)."""
    def shown(accuracy, macro_f1, over: str) -> list[str]:
        figures = [("accuracy", accuracy, ""), ("macro-F1", macro_f1, over)]
        return [f"{name} {value:.3f}{note}" for name, value, note in figures if value is not None]

    if "polarity_accuracy" in report:
        present = report.get("polarity_macro_f1_labels")  # the polarities it averages, a list
        over = macro_over(len(present) if present else None, len(report.get("labels", ())), "polarity", "polarities")
        figures = ", ".join(shown(report["polarity_accuracy"], report.get("polarity_macro_f1"), over))
        return f"polarity on {counted(n, 'gold aspect')}" + (f": {figures}" if figures else "")
    over = macro_over(report.get("macro_f1_labels"), len(report.get("labels", ())))
    return ", ".join(shown(report.get("accuracy"), report.get("macro_f1"), over) + [f"n={n}"])


def macro_over(k: int | None, n_labels: int, noun: str = "label", nouns: str = "labels", *, which: str = "") -> str:
    """The note on a macro-F1 that averages ``k`` of the ``n_labels`` labels (those the data or the predictions
    hold), in the words of every report and plot: a picture or a table of all the labels would otherwise pass
    for its average; empty where it averages them all. ``which``: what the plain reports add (which labels)."""
    return (f" (over {k} of {n_labels} {noun if n_labels == 1 else nouns}{which})"
            if k is not None and k < n_labels else "")


def plot_label_scores(report: dict, path: str | Path, title: str = "Per-label scores") -> Path:
    """Save :func:`label_scores_figure` as a PNG."""
    return save_png(label_scores_figure(report, title), path)


def label_scores_figure(report: dict, title: str = "Per-label scores"):
    """The precision, recall and F1 of every label of a report of several labels per text, as horizontal bars
    in a matplotlib Figure."""
    if not report.get("multi_label"):
        raise ConfigError("per-label scores are drawn for several labels per text; this report gives one label per "
                          "text: draw confusion_figure(report)")
    names, title = report["labels"], literal_text(title)
    rows = [report["per_class"][name] for name in names]
    positions = np.arange(len(names))
    fig = new_figure(figsize=(8, min(1.5 + 0.35 * len(names), MAX_FIGURE_INCHES)))
    ax = fig.subplots()
    for offset, metric, shown in zip((-0.27, 0.0, 0.27), ("precision", "recall", "f1"), ("precision", "recall", "F1")):
        ax.barh(positions + offset, [np.nan if row[metric] is None else row[metric] for row in rows], height=0.27,
                label=shown)  # (no bar for a label neither the data nor the predictions hold)
    for position, row in zip(positions, rows):  # a row without bars says why: not scored, or scored 0 three times
        if row["f1"] is None:
            ax.text(0.01, position, "not scored: in neither the data nor the predictions", va="center", fontsize=8,
                    color="dimgrey", style="italic")
        elif not (row["precision"] or row["recall"] or row["f1"]):
            ax.text(0.01, position, "precision, recall and F1 all 0", va="center", fontsize=8, color="dimgrey")
    ax.set_yticks(positions, [f"{literal_text(_tick_text(name))} ({row['support']})" for name, row in zip(names, rows)])
    ax.set_ylim(len(names) - 0.5, -0.5)  # every row whole, the first on top (a last row without bars was cut in half)
    ax.set_xlim(0, 1)
    ax.set_xlabel("score (support in brackets)")
    over = macro_over(report.get("macro_f1_labels"), len(names))
    ax.set_title(f"{title}\nmacro-F1 {report['macro_f1']:.3f}{over}, micro-F1 {report['micro_f1']:.3f}, n={report['n']}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the bars, covering none
    return fig


def literal_text(text) -> str:
    """``text`` as a plot shows it as written: matplotlib reads what stands between two "$" as a formula (a file
    "deals_$5_to_$10.csv" failed to draw, "$5-$10" lost its dollars), so each "$" is escaped."""
    return str(text).replace("$", r"\$")


def new_figure(**options):
    """A matplotlib ``Figure`` (``options``: its own, e.g. ``figsize``) made without pyplot, so no global state
    and no window, that a notebook shows inline as its PNG (:class:`~sentiment.figures.NotebookFigure`)."""
    from .figures import NotebookFigure

    return NotebookFigure(**options)


def save_png(fig, path: str | Path, dpi: int = 120) -> Path:
    """Lay out ``fig`` (a matplotlib Figure, no pyplot state) and write it to ``path`` as a PNG through a
    temporary file: an interrupted run leaves no half image."""
    import warnings

    with warnings.catch_warnings():  # text wider than the figure: tight_layout gives up (and warns), the box below fits
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()
    with atomic_file(path) as partial:  # the image grows to hold every label, title and caption whole
        _drawn(lambda: fig.savefig(partial, dpi=dpi, format="png", bbox_inches="tight", pad_inches=0.1))
    return Path(path)


def _drawn(draw) -> None:
    """Run ``draw`` (a figure's savefig), saying the characters no installed font has in one
    :class:`MissingGlyphWarning` (matplotlib warns once per character, with its own source line)."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    missing = []
    for warning in caught:
        found = re.search(r"Glyph (\d+) \(.*\) missing from font", str(warning.message))
        if found and issubclass(warning.category, UserWarning):
            missing.append(chr(int(found.group(1))))
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if missing:
        shown = " ".join(list(dict.fromkeys(missing))[:10])
        warnings.warn(MissingGlyphWarning(f"the installed fonts cannot draw some characters of the plot ({shown}), "
                                          "which show as empty boxes; install a font that has them (e.g. Noto Sans "
                                          "CJK) to see them"), stacklevel=caller_stacklevel())
