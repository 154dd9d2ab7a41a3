"""What the commands ask of a loaded model: its kind, its columns, its cleaning, the data its prior learnt from."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..cleaning import Cleaner
from ..data import LABEL_SEPARATOR
from ..errors import ConfigError, MissingColumnsError, and_list, with_article
from ..pipeline import Pipeline


def is_aspect_model(model) -> bool:
    """Whether ``model`` (a loaded or fitted model of any kind) is an aspect model."""
    return getattr(model, "kind", None) == "aspect"


def semeval_sets(config: dict) -> list[str]:
    """The SemEval-2014 data sets that a model's config (as saved) says it learnt from: those of the shipped
    polarity model, an aspect model's default prior."""
    train = config.get("data", {}).get("train", {}) if isinstance(config.get("data"), dict) else None
    return [name for name in train if "SemEval" in name] if isinstance(train, dict) else []


def what_the_prior_saw(pipe) -> list[str]:
    """:func:`semeval_sets` of the prior an aspect model keeps inside it (none for other models)."""
    return semeval_sets(getattr(getattr(pipe, "prior_", None), "config_", {}))


def model_columns(pipe: Pipeline) -> dict[str, str]:
    """The text and label columns and the label separator the model was trained with (defaults when unknown)."""
    columns = getattr(pipe, "config_", {}).get("columns", {})  # checked when loaded (persistence.check_columns)
    return {"text": columns.get("text", "text"), "label": columns.get("label", "label"),
            "separator": columns.get("separator", LABEL_SEPARATOR)}


@contextlib.contextmanager
def model_columns_named(columns: dict[str, str], given: dict[str, str | None]):
    """A file's missing columns said to be the model's where they came from it: a MissingColumnsError raised
    inside gets, for each missing column that ``given`` (``{"text": --text-column, "label": ...}``, None where
    not given) left to the model's ``columns`` and that is not the default name (``text``, ``label``), that the
    model was trained with it, so that a name the user never typed is explained."""
    try:
        yield
    except MissingColumnsError as exc:
        remembered = [repr(columns[key]) for key, value in given.items()
                      if value is None and columns[key] in exc.missing and columns[key] != key]  # not the default
        if remembered:
            exc.args = (f"{exc.args[0]} ({and_list(remembered)}: the model's, from its training)", *exc.args[1:])
        raise


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
