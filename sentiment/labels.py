"""Labels as the models' class codes: one label per text as class indices, several as a 0/1 matrix, a label
given by its value or its display name (an ensemble's, by any member's value), "1.0" and True as 1; what
training, scoring and evaluation share (:func:`label_codes`, :func:`targets_for`, :func:`codes_for`)."""

from __future__ import annotations

import shlex
from typing import Sequence

import numpy as np

from .checks import _FEW_TEXTS, check_labels_present, is_multi_label, label_sets, short_repr
from .data import whole_number
from .errors import DataError, UnknownLabelsError, counted


def label_codes(pipeline, labels: Sequence, texts: Sequence[str] | None = None, unseen: bool = False) -> np.ndarray:
    """Map labels to the pipeline's class indices (a 0/1 matrix with several labels per text); labels may
    be given as values or as display names, or as the values that the ``label_names`` given to its fit named
    (``label_ids_``). With ``texts``, one label (list) per text is checked.
    ``unseen``: see :func:`codes_for`."""
    labels = list(labels)
    if texts is not None and len(labels) != len(texts):
        raise DataError(f"{counted(len(texts), 'text')} but {counted(len(labels), 'label')}; give one label (or list of labels) per text")
    aliases = getattr(pipeline, "member_classes_", ())  # an ensemble: any member's label values
    return targets_for(pipeline.classes_, pipeline.label_names_, labels, pipeline.multi_label_, aliases, unseen=unseen,
                       ids=getattr(pipeline, "label_ids_", None))


def targets_for(classes: np.ndarray, names, labels: Sequence, multi_label: bool, aliases: Sequence = (),
                what: str = "label", unseen: bool = False, ids: dict | None = None) -> np.ndarray:
    """Class indices of ``labels`` (one per text), or with ``multi_label`` the 0/1 matrix (texts x classes,
    and a column per label not among them with ``unseen``) of label lists; ``aliases``: further lists of
    values, in the order of ``classes``, that name them; ``what`` names the labels in the message for a
    missing one (e.g. "dev label"); ``unseen`` and ``ids``: see :func:`codes_for`."""
    if is_multi_label(labels, what) != multi_label:
        if multi_label:
            raise DataError("the model gives several labels per text; give a list of labels per text "
                            "(in a file: labels joined by the separator the model was trained with)")
        raise DataError("the model gives one label per text, but the labels are lists; give one label per text")
    check_labels_present(labels, several=multi_label, what=what)
    if not multi_label:
        return codes_for(classes, names, labels, aliases, unseen, ids)
    sets = label_sets(labels, what)
    codes = codes_for(classes, names, [y for s in sets for y in s], aliases, unseen, ids)
    matrix = np.zeros((len(sets), max(len(classes), int(codes.max(initial=-1)) + 1)), dtype=np.uint8)
    matrix[np.repeat(np.arange(len(sets)), [len(s) for s in sets]), codes] = 1
    return matrix


def codes_for(classes: np.ndarray, names, labels: Sequence, aliases: Sequence = (), unseen: bool = False,
              ids: dict | None = None) -> np.ndarray:
    """Class indices of ``labels`` given the ``classes`` (values), their display ``names`` and other
    ``aliases`` (lists of values in the order of ``classes``); last, ``ids`` (value -> name: the
    ``label_names`` given to the model's fit; an ensemble's value that its members name differently -> the
    list of their names) name a class by a value that none of those is; a value that they make name two
    classes is refused, as one of ``aliases`` is. A label that none
    of them names is an UnknownLabelsError, or with ``unseen`` one more index past the classes (a class the
    model never predicts, as scikit-learn's scores count it)."""
    by_name: dict = {}  # display name -> class
    for i, name in enumerate(names or []):
        by_name.setdefault(str(name), i)
    lookup = {str(c): i for i, c in enumerate(classes.tolist())}  # a class value first, then a display name
    for name, i in by_name.items():
        lookup.setdefault(name, i)
    ambiguous = set()  # a value that one member gives one class and another member another (1/2 beside 0/1)
    for values in aliases:
        for i, value in enumerate(values):
            if lookup.setdefault(str(value), i) != i:
                ambiguous.add(str(value))
    given = {str(y) for y in labels}
    unclear = sorted(given & ambiguous)
    for i, c in enumerate(classes.tolist()):  # classes "0.0", "1.0" of models trained before such labels were ints
        if _number_of(c) is not None:
            lookup.setdefault(str(_number_of(c)), i)
    # an id's name is a display name first (a value written "1.0" names the label 1 too, as fit read it)
    for value, named in (ids or {}).items():
        codes = {by_name.get(str(name), lookup.get(str(name))) for name in (named if isinstance(named, list) else [named])}
        codes.discard(None)
        for key in (str(value), str(_number_of(value))) if _number_of(value) is not None else (str(value),):
            if len(codes) == 1 and lookup.setdefault(key, next(iter(codes))) == next(iter(codes)):
                continue
            # the members of an ensemble read it as different classes (a single model's class value or name wins)
            if codes and key in given and (aliases or isinstance(named, list)):
                unclear = sorted({*unclear, key})
    if unclear:
        raise DataError(f"label(s) {', '.join(unclear[:10])} name different classes in different members of the "
                        f"ensemble; give the labels by their names ({', '.join(map(str, names or []))})")
    for y in labels:  # a label written as a whole float (1.0) or a bool matches the class 1, and the reverse
        if str(y) not in lookup and _number_of(y) is not None and str(_number_of(y)) in lookup:
            lookup[str(y)] = lookup[str(_number_of(y))]
    unknown = sorted({str(y) for y in labels if str(y) not in lookup})
    if unknown and unseen:
        lookup.update({label: len(classes) + k for k, label in enumerate(unknown)})
    elif unknown:
        known = [str(name) for name in (names or classes.tolist())]
        # labels none of which the model knows may be its own under other names ("bad", "good" for 0, 1); beside
        # labels it knows, they are others (GoEmotions' "relief" for a model that never saw it)
        renamed = (f", or, where they are the model's under other names, name them as it does (--label-names "
                   f"{_in_message(unknown[0])}={known[0]},...; in Python relabel them)"
                   if len(unknown) == len({str(y) for y in labels}) else "")
        texts_as_labels = len(unknown) == len(labels) >= _FEW_TEXTS  # a label of its own per text: texts, or ids
        if texts_as_labels:
            renamed = "; every text has a label of its own: these look like texts or ids, not labels"
        most = 3 if texts_as_labels else 10
        shown = ", ".join(map(_in_message, unknown[:most])) + (", ..." if len(unknown) > most else "")
        raise UnknownLabelsError(
            f"label(s) {shown} were not seen in training; the model knows: "
            f"{', '.join(known)}. Check the label column (--label-column), drop the rows of those labels, or evaluate a "
            f"model trained with them{_spelling_hint(unknown, known) or _groups_hint(unknown, known) or renamed}",
            unknown, known)
    return np.array([lookup[str(y)] for y in labels], dtype=np.int64)


def _in_message(label: str) -> str:
    """A label for a message, cut short in the middle where long (a text taken for a label)."""
    return short_repr(label)[1:-1] if len(label) > 40 else label


def _spelling_hint(unknown: list[str], known: list[str]) -> str:
    """Where every ``unknown`` label is one of the model's ``known`` ones in other capitals or with spaces around
    it ("Positive", "NEGATIVE "), the --label-names that reads them as the model's: the general hint would pair
    the first unknown label with the model's first label, whatever it is ("Positive=negative"). Where --label-names
    cannot say it (two spellings of one label, "Positive" and "POSITIVE"; a comma or "=" in a label), to write them
    as the model does."""
    spelt = {name.strip().casefold(): name for name in known}
    if not all(label.strip().casefold() in spelt for label in unknown) or len(unknown) > 20:
        return ""
    names = {label: spelt[label.strip().casefold()] for label in unknown}
    if len(set(names.values())) < len(names) or any("," in label + name or "=" in label
                                                    for label, name in names.items()):
        # --label-names gives each name one label, and reads a comma as the next pair and the first "=" as the cut
        return (", or, as they are the model's labels spelt otherwise, write them as it does in the file (in Python "
                "relabel them)")
    mapping = ",".join(f"{label}={name}" for label, name in names.items())
    quoted = shlex.quote(mapping) if "'" in mapping else f"'{mapping}'"
    return (f", or, as they are the model's labels spelt otherwise, name them as it does (--label-names {quoted}; "
            "in Python relabel them)")


def _groups_hint(unknown: list[str], known: list[str]) -> str:
    """Where the ``unknown`` gold labels are groups of a grouping of the model's ``known`` labels (a file
    labelled "positive" / "negative" scored by a GoEmotions model), how to score the model in those groups."""
    from .groupings import groupings_of

    for name, groups in groupings_of(known):
        if set(unknown) <= set(groups):
            return (f"; they are groups of the {name} grouping of the model's labels: score it in them with "
                    f"--grouping {name} (in Python, grouping={name!r})")
    return ""


def _number_of(label) -> int | None:
    """The whole number a label stands for: ``1`` for ``"1.0"`` (:func:`~sentiment.data.whole_number`) and for
    ``True`` (as scikit-learn compares ``True`` with ``1``), also written ``"True"`` (as a model's file and
    pandas' CSV write a class of JSON's ``true``), else None."""
    if isinstance(label, (bool, np.bool_)):
        return int(label)
    if label in ("True", "False"):
        return int(label == "True")
    return whole_number(label)
