"""Options of the estimators: flat keyword arguments, each owned by one stage (the cleaner, the vectorizer, the
model, or the estimator itself).

:class:`OptionAttributes` reads and sets them as attributes (``pipe.C = 4.0``), :func:`split_options` gives
each to the stage that has it, :func:`unknown_name_hint` says what an unknown name may have meant, and
:func:`saved_cleaner` / :func:`canonical_options` read a saved model's options back as they were given.
Used by :class:`~sentiment.pipeline.Pipeline` and :class:`~sentiment.text_vectorizer.TextVectorizer`.
"""

from __future__ import annotations

import warnings
from typing import Any, Iterable, Sequence

import numpy as np

from .cleaning import Cleaner
from .errors import ConfigError, IgnoredOptionWarning, NotFittedError, and_list, caller_stacklevel, did_you_mean
from .persistence import jsonable
from .registry import available, resolve
from .stage import saved_value


class OptionAttributes:
    """Options as attributes, as for scikit-learn estimators: ``est.C`` reads an option given (or, not given,
    the chosen stage's default), ``est.C = 4.0`` is ``est.set_params(C=4.0)`` and ``del est.C`` puts the
    stage's default back. For an estimator that keeps its options in ``_options`` and lists them with
    ``options_for(*stage names)``; ``_NAMED`` are its own constructor arguments (the stage names), learned
    state ends in ``_`` (``_FITTED``: reading one of those before ``fit`` has set ``_FITTED_MARK`` is a
    NotFittedError, an AttributeError)."""

    _NAMED: tuple[str, ...] = ()
    _FITTED: frozenset = frozenset()
    _FITTED_MARK = ""
    _HOW_TO_FIT = "call fit"

    def __getattr__(self, name: str) -> Any:
        options = self.__dict__.get("_options", {})
        if name in options:
            return options[name]
        if "_options" in self.__dict__ and not name.startswith("_") and not name.endswith("_"):
            try:  # an option not given: the chosen stages' default
                stages = self.options_for(*(self.__dict__[n] for n in self._NAMED)).values()
            except (ConfigError, KeyError, TypeError):  # an unknown stage name: no defaults to give
                stages = ()
            for defaults in stages:
                if name in defaults:
                    return defaults[name]
        if name in self._FITTED and self._FITTED_MARK not in self.__dict__:
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet, so it has no {name}; {self._HOW_TO_FIT}")
        prop = getattr(type(self), name, None)
        if isinstance(prop, property):  # a property that has none here ("decision_function"): its own reason
            return prop.fget(self)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        # `pipe.C = 4.0` must reach fit and get_params.
        if name in self._NAMED or name.startswith("_") or name.endswith("_") or "_options" not in self.__dict__:
            object.__setattr__(self, name, value)
        else:
            self.set_params(**{name: value})

    def __delattr__(self, name: str) -> None:
        options = self.__dict__.get("_options", {})
        if name in options and name not in self.__dict__:  # back to the stage's default (a new dict, as set_params)
            self._options = {key: value for key, value in options.items() if key != name}
        else:
            object.__delattr__(self, name)


def split_options(options: dict, known: dict[str, dict], stages: str) -> dict[str, dict]:
    """``options`` split by the stage that has each (``known``: stage -> its options, as ``options_for`` gives
    them), their values as Python's own (:func:`python_value`); a name none has is a ConfigError naming the
    ``stages`` (e.g. "vectorizer 'tfidf'") and the valid options."""
    split: dict[str, dict] = {stage: {} for stage in known}
    for key, value in options.items():
        owner = next((stage for stage, names in known.items() if key in names), None)
        if owner is None:
            valid = sorted(set().union(*known.values()))
            hint = unknown_name_hint(key, valid, [kind for kind in ("vectorizer", "model") if kind in known])
            raise ConfigError(f"unknown option {key!r} for {stages}{hint}; valid options: {', '.join(valid)}")
        split[owner][key] = python_value(value)
    return split


def say_unsaved_changes(now: dict, fitted: dict | None) -> None:
    """An IgnoredOptionWarning naming the options (of ``now``, the settings) that ``set_params`` changed since
    ``fit`` (``fitted``: the settings then; None: not known): what is saved is what fit trained, with the earlier
    values (as ``predict`` reads it), not a model of the new ones."""
    if fitted is None:
        return
    missing = object()
    changed = sorted(name for name in {*now, *fitted} if name not in ("vectorizer", "model") and
                     not _same_setting(jsonable(now.get(name, missing)), jsonable(fitted.get(name, missing))))
    changed = [name for name in ("vectorizer", "model") if now.get(name) != fitted.get(name)] + changed
    if changed:
        verbs = "was changed since fit and is" if len(changed) == 1 else "were changed since fit and are"
        warnings.warn(IgnoredOptionWarning(f"{and_list(changed)} {verbs} not saved: the saved model is the one fit trained, with the "
                                           "earlier values; fit again to train with the new ones"),
                      stacklevel=caller_stacklevel())


def _same_setting(a: Any, b: Any) -> bool:
    """Whether two settings (as :func:`~sentiment.persistence.jsonable` gives them) are one value: numbers by
    value (``2`` and ``2.0``, as the stages read them), a bool only as that bool, lists and dicts item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or (a != a and b != b)  # NaN: the same setting
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same_setting, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_setting(a[key], b[key]) for key in a)
    return type(a) is type(b) and a == b


def python_value(value: Any) -> Any:
    """Numpy scalars and arrays (and pandas Series) in an option value as Python's own (np.True_ -> True,
    an array -> a list), as a grid built with numpy gives them; the stages check Python types."""
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy arrays, pandas Series
        return python_value(value.tolist())
    if isinstance(value, tuple):  # a named tuple too
        return tuple(python_value(v) for v in value)
    if isinstance(value, list):
        return [python_value(v) for v in value]
    return value


# scikit-learn's names of what the stages call otherwise: a hint when one is given
SYNONYMS = {"random_state": " (the seeds are seed for word2vec and net_seed for mlp and lstm; every run is "
                            "reproducible with their defaults)"}


# options of other stages that are also flags of `sentiment fit`, which is what one given to --set may have meant
FIT_FLAGS = {"dev_fraction": " (the share of the data held out to score the model is `sentiment fit --dev-fraction`, "
                             "in Python sentiment.splits.train_dev_split; the option dev_fraction is the "
                             "early-stopping share of mlp and lstm)",
             "seed": " (the seed of the dev split is `sentiment fit --seed`; the option seed is word2vec's, net_seed "
                     "that of mlp and lstm)"}


def unknown_name_hint(key: str, valid, kinds: Sequence[str] = (), owners: dict[str, str] | None = None) -> str:
    """What to say of an option ``key`` that is not among the ``valid`` names: the close name it may be a typo
    of (``owners``: see :func:`~sentiment.errors.did_you_mean`), else the registered stages of ``kinds`` that
    have it, else what scikit-learn's name stands for here (:data:`SYNONYMS`); "" when none applies. A name
    that is also a flag of ``sentiment fit`` (:data:`FIT_FLAGS`) says so first, and one that another stage has
    comes before a valid name it only starts (tfidf's ``norm`` given with count is no ``normalize_unicode``)."""
    import difflib

    typo = did_you_mean(key, valid, owners)
    if typo and not difflib.get_close_matches(key.lower(), [str(v).lower() for v in valid], n=1, cutoff=0.75):
        # only the start of a valid name: another stage's own option of that very name is likelier
        return FIT_FLAGS.get(key) or _elsewhere(key, kinds) or typo
    return FIT_FLAGS.get(key) or typo or _elsewhere(key, kinds) or SYNONYMS.get(key, "")


def _elsewhere(key: str, kinds: Sequence[str]) -> str:
    """`` (an option of model 'lstm' or 'mlp': choose one of them)`` when registered stages of ``kinds``
    other than the chosen ones have the option ``key``, else ""."""
    found = []
    for kind in kinds:
        names = [name for name in available(kind) if key in resolve(kind, name).defaults]
        if names:
            found.append((kind, names))
    if not found:
        return ""
    which = " and ".join(f"{kind} " + " or ".join(map(repr, names)) for kind, names in found)
    one = len(found) == 1 and len(found[0][1]) == 1
    return f" (an option of {which}: choose {'it' if one else 'one of them'})"


def all_option_names(kinds: tuple[str, ...] = ("vectorizer", "model"),
                      own: Iterable[str] = ()) -> set[str]:
    """Every option of the cleaner, of every registered stage of ``kinds`` and ``own`` (the estimator's own
    options; by default every vectorizer and model: imports them all)."""
    names = set(Cleaner.option_names()) | set(own)
    for kind in kinds:
        for name in available(kind):
            names |= set(resolve(kind, name).defaults)
    return names


def cleaner_options() -> dict[str, Any]:
    """The cleaner's options with their defaults (the ``"cleaner"`` part of ``options_for``)."""
    return {name: getattr(Cleaner(), name) for name in Cleaner.option_names()}


def saved_cleaner(config_cleaner: dict, estimator) -> Cleaner:
    """The Cleaner of a saved model's config, for a loaded ``estimator`` (a Pipeline or TextVectorizer built from
    its saved options): a cleaning setting whose default has changed since the model was saved (negation_scope)
    becomes an explicit option of ``estimator``, so that get_params, clone and a refit keep the cleaning the model
    was trained with (but a scope for a model of negation=False, which it changes nothing for); options that
    contradict the cleaner are a ValueError."""
    cleaner = Cleaner.from_dict(config_cleaner)
    defaults, saved = Cleaner().to_dict(), cleaner.to_dict()
    options = estimator._options
    differing = sorted(k for k in saved if k in options and jsonable(options[k]) != jsonable(saved[k]))
    if differing:
        raise ValueError(f"its options and its cleaner disagree on {differing[0]}")
    unread = {"negation_scope"} if not saved.get("negation", True) else set()  # no scope without negation marks
    estimator.set_params(**{key: value for key, value in saved.items()
                            if value != defaults.get(key) and key not in options and key not in unread})
    return cleaner


def canonical_options(options: dict, stage_defaults: dict[str, dict]) -> dict:
    """Saved options with their tuples back (JSON gives lists): a list where the stage's default (in
    ``stage_defaults``, as ``options_for`` gives them) is a tuple (``ngram_range``, ``hidden_sizes``) becomes a
    tuple, so a loaded model's ``get_params`` is the saved one's; and a true/false option that earlier
    versions saved as 1 or 0 is True or False (as :meth:`~sentiment.stage.Stage.from_state` reads it)."""
    defaults = {k: v for stage in stage_defaults.values() for k, v in stage.items()}
    return {k: saved_value(v, defaults.get(k)) for k, v in options.items()}
