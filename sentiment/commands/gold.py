"""Labels read from a file (training, dev or scored data): their names against the task's and the model's,
SST tree codes, and label groupings."""

from __future__ import annotations

from pathlib import Path

from ..checks import is_multi_label
from ..data import whole_number
from ..errors import ConfigError, DataError, UngroupedLabelError
from ..pipeline import POLARITY_NAMES


def label_values(labels: list) -> set:
    """The distinct label values of one label per text, or of the lists of several labels per text."""
    return set(y for ys in labels for y in ys) if is_multi_label(labels) else set(labels)


def check_label_names(label_names: dict, labels: list, source: str, every: bool = True) -> dict:
    """``--label-names`` against the labels of the file ``source``, returned with each value spelt as the file's
    labels are read (``1.0=pos`` or ``01=pos`` names the label 1 of a column of whole numbers, which pandas
    writes as 1.0 where the column has a gap): a DataError when it names none of them (a typo, or the names of
    another file), and with ``every`` when it leaves one unnamed. A value that this file lacks is fine (a small
    file may lack a class)."""
    values = {str(v) for v in label_values(labels)}
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


def reads_trees_as_sst2(classes) -> bool:
    """Whether SST trees scored against (or beside) the two ``classes`` read as SST-2: two classes that are not
    two points of the trees' five-point scale other than negative and positive (a model trained on trees of
    codes 0 and 1 alone has classes "very negative" and "negative", which the codes name as they are)."""
    names = {str(c) for c in classes}
    return len(names) == 2 and not (names <= set(POLARITY_NAMES[5]) and names != set(POLARITY_NAMES[2]))


# SST's five points read as three classes (as aspect pre-training reads them): 0-1 negative, 2 neutral, 3-4 positive
_THREE_CLASSES = {0: "negative", 1: "negative", 2: "neutral", 3: "positive", 4: "positive"}


def tree_code_names(names: set, binary: bool) -> dict | None:
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


def polarity_code_names(labels: list, pipe) -> dict | None:
    """``{code: name}`` for whole-number gold ``labels`` scored by a polarity model whose labels are the names
    of a polarity scale (negative, positive; or very negative ... very positive) and which knows no such code:
    the codes read as points of that scale, as fit names them (0/1 negative and positive, 0-4 the five points).
    None otherwise (labels that are names, or codes the model learnt: ``_name_map``), and for 0 and 1 alone
    beside a five-point model, which is almost surely a file of two classes (as :func:`refuse_codes_of_two_for_many`
    refuses it beside a model of the codes)."""
    names = sorted(map(str, pipe.label_names_))
    scale = POLARITY_NAMES.get(len(names))
    values = label_values(labels)
    if scale is None or names != sorted(scale) or not values or not all(type(v) is int for v in values):
        return None
    if not values <= set(range(len(scale))) or {str(v) for v in values} & set(pipe._name_map()):
        return None
    if len(scale) > 2 and values == {0, 1}:  # almost surely a two-class file (SST-2 beside a five-point model)
        return None
    return {code: scale[code] for code in sorted(values)}


def read_as_polarity(codes: dict) -> str:
    """What a note says of codes that :func:`polarity_code_names` named: "labels read as polarity: 0=negative, …"."""
    return "labels read as polarity: " + ", ".join(f"{code}={name}" for code, name in codes.items())


def refuse_codes_of_two_for_many(labels: list, classes: list, names, source: str, owner: str = "the model has") -> None:
    """Refuse a file whose labels are the codes 0 and 1 only, scored by a model of classes 0 .. k-1 with
    k > 2: it is almost surely a two-class file (SST-2 beside an SST-5 model), and read as codes its labels
    would be the model's first two classes, scored as if right."""
    values = label_values(labels)
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


def check_grouping(pipe, grouping: str, aspect_model: bool, scoring: bool = False) -> bool:
    """Refuse --grouping for a model whose labels the grouping does not group (an aspect model's polarities,
    a polarity model's classes), or whose labels are its groups already, unless ``scoring`` (the gold labels
    of a file may still be grouped; returns whether they are its groups, for :func:`check_grouped_gold`)."""
    from ..groupings import group_names

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


def check_grouped_gold(pipe, grouping: str, labels: list, data) -> None:
    """Refuse --grouping where the model's labels are its groups already (:func:`check_grouping`) and so are
    the gold ``labels`` of ``data``: it would group nothing."""
    known = {str(label) for label in [*pipe.label_names_, *pipe.classes_.tolist()]}  # a name, or the value it names
    if {str(label) for label in label_values(labels)} <= known:
        raise _already_grouped(grouping, pipe.label_names_, f", as are those of {Path(data).name}")


def groups_as_labels_note(pipe, labels: list, data) -> str | None:
    """A note where the gold ``labels`` of ``data``, scored without --grouping, may be the groups of a grouping
    of the model's fine labels: three or more distinct labels, each a group's name that is also a fine label
    (Ekman's anger, fear, joy, ... are GoEmotions labels too), scored as the fine label alone. None otherwise."""
    from ..groupings import groupings_of

    values = {str(value) for value in label_values(labels)}
    known = {str(label) for label in pipe.label_names_}
    for name, groups in groupings_of(known):
        if len(values) >= 3 and values <= set(groups) and known - set(groups):
            example = max(sorted(values), key=lambda group: len(groups[group]) > 1)  # a group of several labels
            return (f"note: every label of {Path(data).name} ({', '.join(sorted(values))}) is also a group of the {name} "
                    f"grouping, scored here as the fine label alone; if the file's {example!r} stands for the group "
                    f"({', '.join(groups[example])}), score the model in the groups with --grouping {name}")
    return None
