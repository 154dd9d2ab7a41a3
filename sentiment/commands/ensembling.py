"""Join saved models into an ensemble model folder: ``ensemble_models``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..checks import LABEL_SETS
from ..data import read_labelled
from ..errors import (ConfigError, DataError, MissingColumnsError, SeparatorError, UngroupedLabelError,
                      UnknownLabelsError)
from ..multilabel import MIN_POSITIVES
from ..persistence import check_model_target, same_path
from ..pipeline import load, named_labels
from .gold import polarity_code_names, read_as_polarity
from .models import model_columns


RELIABLE_POSITIVES = 10  # texts of a label in a --tune file below which its tuned threshold is a rough guess


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


def ensemble_models(models: list[str | Path], out: str | Path, *, weights: list[float] | None = None,
                    tune: str | Path | None = None, text_column: str | None = None, label_column: str | None = None,
                    separator: str | None = None) -> tuple[Any, str, list[str]]:
    """Combine saved models into an ensemble saved at ``out``. ``tune`` (a labelled file, texts none of the
    members learnt from, in the members' columns and label separator unless ``text_column``, ``label_column``,
    ``separator`` name its own) chooses its weights (one label per text) or sets its
    thresholds (several labels per text): :meth:`~sentiment.Ensemble.tune`. Returns the ensemble, where its
    weights (one label per text) or thresholds come from (empty: as given) and notes for the user
    (stderr's)."""
    from ..ensemble import Ensemble

    given = {"--text-column": text_column, "--label-column": label_column, "--label-sep": separator}
    flag = next((flag for flag, value in given.items() if value is not None), None)
    if tune is None and flag:
        raise ConfigError(f"{flag} reads the --tune file; give --tune FILE too, or leave {flag} out")
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
    if tune is not None and weights is not None and not ensemble.multi_label_:
        raise ConfigError("--tune chooses the weights of models with one label per text; give --weights or --tune, "
                          "not both")
    if separator is not None and not ensemble.multi_label_:  # as evaluate refuses it
        raise ConfigError("--label-sep splits several labels per text, and these models give one; leave it out")
    source, notes = ("the weighted mean of the members' thresholds" if ensemble.multi_label_ else ""), []
    if tune is not None:
        texts, labels = _read_tune_file(ensemble, tune, text_column, label_column, separator)
        codes = None if ensemble.multi_label_ else polarity_code_names(labels, ensemble)
        if codes:  # 0/1 beside members of negative/positive: read as fit names them, as evaluate reads them
            labels = named_labels(labels, codes)
            notes.append(f"the --tune file's {read_as_polarity(codes)}")
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
        tuned = "thresholds" if ensemble.multi_label_ else "weights"
        if learnt:  # a model's config keeps the name of its training file only
            notes.append(f"{', '.join(learnt)} learnt from a file of that name, and {tuned} tuned on texts a "
                         "member learnt from fit those texts, not new ones: tune on held-out texts")
        counts = list(zip(ensemble.label_names_, ensemble.tune_support_))
        if not ensemble.multi_label_:
            few = sorted(f"{name} ({n})" for name, n in counts if n < RELIABLE_POSITIVES)
            if few:  # a file of one class (or nearly) rewards the member that says that class most
                notes.append(f"the tune file has fewer than {RELIABLE_POSITIVES} texts of {', '.join(few)}, so the "
                             "weights chosen on it are rough: tune on held-out texts of every label")
        else:
            rare = sorted(name for name, n in counts if MIN_POSITIVES <= n < RELIABLE_POSITIVES)
            scarce = sorted(name for name, n in counts if n < MIN_POSITIVES)
            if rare:
                source += (f"; {len(rare)} label(s) with fewer than {RELIABLE_POSITIVES} texts there, whose thresholds "
                           f"are rough: {', '.join(rare)}")
            if scarce:
                source += (f"; {len(scarce)} label(s) with fewer than {MIN_POSITIVES} texts there (too few to tune) keep "
                           f"the members' mean threshold: {', '.join(scarce)}")
    ensemble.save(out)
    return ensemble, source, notes


def _read_tune_file(ensemble, tune: str | Path, text_column: str | None, label_column: str | None,
                    separator: str | None) -> tuple[list, list]:
    """The texts and labels of the --tune file, in the members' columns and label separator where not given."""
    columns = model_columns(ensemble)
    text_column, label_column = text_column or columns["text"], label_column or columns["label"]
    separator = (separator or columns["separator"]) if ensemble.multi_label_ else None
    try:  # the errors' advice (--label-names) is for other commands
        return read_labelled(tune, text_column, label_column, separator=separator)
    except SeparatorError as exc:
        raise DataError(f"--tune {tune} joins its labels by {exc.found!r}, not by {separator!r}: pass --label-sep "
                        f"'{exc.found}'") from None
    except MissingColumnsError as exc:
        joined = f" joined by {separator!r}" if ensemble.multi_label_ else ""
        raise DataError(f"--tune {tune} has no column {', '.join(map(repr, exc.missing))} (its columns: "
                        f"{', '.join(map(str, exc.present)) or 'none'}); it needs a text column ({text_column!r}) and a "
                        f"label column ({label_column!r}{joined}): name the file's with --text-column and "
                        "--label-column") from None
