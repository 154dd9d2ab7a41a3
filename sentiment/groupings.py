"""Coarser label sets for fine emotions (GoEmotions' groupings, Demszky et al. 2020)."""

from __future__ import annotations

from typing import Sequence

from .checks import LABEL_SETS, short_repr
from .errors import ConfigError, DataError, UngroupedLabelError

SENTIMENT = {
    "positive": ["admiration", "amusement", "approval", "caring", "desire", "excitement", "gratitude", "joy", "love",
                 "optimism", "pride", "relief"],
    "negative": ["anger", "annoyance", "disappointment", "disapproval", "disgust", "embarrassment", "fear", "grief",
                 "nervousness", "remorse", "sadness"],
    "ambiguous": ["confusion", "curiosity", "realization", "surprise"],
    "neutral": ["neutral"],
}

EKMAN = {
    "anger": ["anger", "annoyance", "disapproval"],
    "disgust": ["disgust"],
    "fear": ["fear", "nervousness"],
    "joy": ["joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride",
            "admiration", "desire", "caring"],
    "sadness": ["sadness", "disappointment", "embarrassment", "grief", "remorse"],
    "surprise": ["surprise", "realization", "confusion", "curiosity"],
    "neutral": ["neutral"],
}

GROUPINGS = {"sentiment": SENTIMENT, "ekman": EKMAN}


def group_of(grouping: dict[str, list[str]]) -> dict[str, str]:
    """Fine label -> group name.

    >>> group_of(EKMAN)["annoyance"]
    'anger'
    """
    return {fine: group for group, members in grouping.items() for fine in members}


def groupings_of(labels) -> list[tuple[str, dict[str, list[str]]]]:
    """The groupings (name, groups) that group every one of ``labels``: those a model of these fine labels
    can be scored in."""
    names = {str(label) for label in labels}
    return [(name, groups) for name, groups in GROUPINGS.items() if names <= set(group_of(groups))]


def resolve_grouping(name: str) -> dict[str, list[str]]:
    """The grouping called ``name`` (``"ekman"`` or ``"sentiment"``)."""
    if not isinstance(name, str) or name not in GROUPINGS:
        raise ConfigError(f"unknown grouping {name!r}; choose one of: {', '.join(GROUPINGS)}")
    return GROUPINGS[name]


def group_labels(labels: Sequence, name: str) -> list:
    """Map labels (single labels, or label lists for several labels per text) to their groups.

    A group name stays itself, so grouping labels twice changes nothing.

    >>> group_labels(["annoyance", ("anger", "annoyance", "fear"), "neutral"], "ekman")
    ['anger', ('anger', 'fear'), 'neutral']
    """
    grouping = resolve_grouping(name)
    lookup = {**{group: group for group in grouping}, **group_of(grouping)}

    def group(label):
        try:
            known = label in lookup
        except TypeError:  # a list or dict where a label should be: no label can be made of it
            raise DataError(f"label {short_repr(label)} is no name or number; give each text a label, or a list of "
                            "names or numbers") from None
        if not known:
            raise UngroupedLabelError(
                f"label {label!r} is not in the {name} grouping, which groups GoEmotions' {len(group_of(grouping))} emotion "
                f"labels ({', '.join(sorted(group_of(grouping))[:4])}, ...) into {', '.join(grouping)}; it is for models "
                "of those labels: fix the label (numbered labels: give their names, --label-names), or leave out a grouping "
                "you gave", label, name
            )
        return lookup[label]

    return [
        tuple(dict.fromkeys(map(group, label))) if isinstance(label, LABEL_SETS) else group(label) for label in labels
    ]


def group_names(labels: Sequence[str], name: str) -> list[str]:
    """The groups of the ``name`` grouping that ``labels`` (a model's label names) fall into, in the grouping's
    order; labels that are already the groups (a model trained with the grouping) keep their own order."""
    groups = group_labels(labels, name)
    if groups == list(labels):
        return list(labels)
    return [group for group in resolve_grouping(name) if group in groups]


def grouped_annotations(results: list[dict], label_names: Sequence[str], name: str) -> list[dict]:
    """A classifier's ``annotate`` dicts (:meth:`sentiment.Pipeline.annotate`) told in the groups of the ``name``
    grouping, as ``evaluate`` scores groups: a group's score is its most probable label's, a text's label
    the group of its label (several labels per text: the groups of its labels, each once, in their order).
    Other keys (``below_threshold``, ``known_features``, ``explanation``) are kept as they are."""
    of = dict(zip(label_names, group_labels(label_names, name)))
    order = group_names(label_names, name)
    grouped = []
    for result in results:
        scores = dict.fromkeys(order, 0.0)
        for label, score in result["scores"].items():
            scores[of[label]] = max(scores[of[label]], score)
        changed = {"scores": scores}
        if "labels" in result:
            changed["labels"] = list(dict.fromkeys(of[label] for label in result["labels"]))
        else:
            changed["label"] = of[result["label"]]
        grouped.append({**result, **changed})
    return grouped
