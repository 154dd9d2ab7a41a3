"""The tasks the package knows, in one place: their names, their shipped models and their default configurations.

Everything that lists tasks (``fit_file``, :meth:`~sentiment.pipeline.Pipeline.for_task`, the shipped
models of :mod:`sentiment.default_models` and the CLI's ``--task`` choices and help texts) reads them here,
so adding a task means adding one :class:`Task` to :data:`TASKS`.

This module imports nothing heavy: the CLI reads it to build its help.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .errors import ConfigError, or_list

DEFAULT_VECTORIZER = "tfidf"
DEFAULT_MODEL = "nbsvm"

# (vectorizer, model, options) of a pipeline
Configuration = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class Task:
    """One task.

    ``model_folder``: the folder of its shipped model below :func:`~sentiment.default_models.models_root`.
    ``configurations``: the classical configuration the benchmarks chose for one label per text (``"single"``)
    and, where it differs, for several (``"multi"``); empty for a task that is not a text classifier
    (``aspect``), which :meth:`~sentiment.pipeline.Pipeline.for_task` then does not offer.
    ``shipped``: what its shipped model does, for the CLI's help (empty: the name says it).
    """

    name: str
    model_folder: str
    configurations: Mapping[str, Configuration] = field(default_factory=dict)
    shipped: str = ""


# The classical configurations the benchmarks chose (strong on every set, not each set's best row):
# see benchmarks/results/classical.md and emotion.md.
_ALL = (
    Task("polarity", "polarity", {"single": (DEFAULT_VECTORIZER, DEFAULT_MODEL, {})}),
    Task("emotion", "emotion", {
        "single": ("tfidf", "nbsvm", {"negation": False}),  # CARER
        "multi": ("tfidf", "logreg", {"analyzer": "word+char", "char_ngram_range": (2, 5), "min_df": 2, "C": 1.0,
                                      "class_weight": "balanced"}),  # GoEmotions: negation marking helps here
    }, shipped="several emotions per text"),
    Task("aspect", "aspect", shipped="aspect terms and the polarity toward each"),
)

TASKS: Mapping[str, Task] = MappingProxyType({task.name: task for task in _ALL})
TASK_NAMES: tuple[str, ...] = tuple(TASKS)
DEFAULT_TASK = "polarity"
# Per text-classifier task its configurations; Pipeline.for_task offers these tasks.
CONFIGURATIONS: Mapping[str, Mapping[str, Configuration]] = MappingProxyType(
    {name: task.configurations for name, task in TASKS.items() if task.configurations})


def get_task(name: str) -> Task:
    """The task called ``name``; any other name is the one ConfigError that lists the tasks."""
    if not isinstance(name, str) or name not in TASKS:  # a list is no name (and no key: a TypeError)
        raise ConfigError(f"unknown task {name!r}; choose {or_list(TASK_NAMES)}")
    return TASKS[name]
