"""The contract every pipeline stage (vectorizer or model) follows.

A stage is built from JSON-able ``params``; after ``fit`` its learned state is a JSON-able dict plus
a dict of numpy arrays. :mod:`sentiment.persistence` writes both the same way for every stage, and
``from_state`` rebuilds the stage from them, so no stage ever needs pickle.

The two stages of an aspect model (``aspect_extractor``, ``aspect_polarity`` in :mod:`sentiment.registry`)
keep the same state contract but not this class: their options are the
:class:`~sentiment.aspects.AspectPipeline`'s settings (checked there), each is built by its class's
``configured(settings, cleaner=..., clusters=...)`` (a tagger) or ``configured(settings, cleaner=...,
prior=...)`` (a polarity model), its ``get_state()`` names it (``{"name": ...}``) beside its state, and
``from_state(state, arrays, cleaner=...)`` (a polarity model also ``prior=...``) takes the parts it shares
with the aspect pipeline: the token cleaner and the polarity prior.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar, Iterator

import numpy as np

from .checks import WEIGHT_RANGE, outside_weight_range
from .errors import ConfigError, NotFittedError


class Stage:
    """Base of vectorizers and models.

    A subclass sets ``kind`` (``"vectorizer"`` or ``"model"``), ``name`` (its key in :mod:`sentiment.registry`),
    ``defaults`` (every option with its default: the only options ``__init__`` takes) and ``option_help`` (a
    line per option), checks its options in :meth:`check_params`, and gives its learned state by
    :meth:`get_state` and takes it back by :meth:`set_state`.
    Vectorizers: ``fit_transform(docs)``, ``transform(docs)`` (docs are token lists), ``n_features``,
    ``dense`` (whether ``transform`` gives a numpy array rather than a sparse matrix) and ``nonnegative`` (false
    where values may be negative: the models of ``needs_nonnegative`` then refuse it before training).
    Models: ``fit(X, y, *, dev=None, vectorizer=None, labels=None, progress=False)`` with ``y`` integer
    codes ``0..k-1``, ``labels`` the names of those codes (when known) and ``dev`` an optional
    ``(X_dev, y_dev)`` for early stopping, ``sample_weight`` (one per row) and, for those with a
    ``class_weight`` option, ``class_weights`` (one per code, from a dict of labels); ``predict_proba(X)``;
    ``n_classes_`` and ``n_features_`` once fitted. A model whose ``input_kind`` is ``"sequences"``
    receives token-id arrays from ``vectorizer.sequences(docs)`` instead of a feature matrix. A model
    that ``supports_multi_label`` also takes ``y`` as a 0/1 matrix (texts x labels, several labels per
    text); fitted that way, its ``multi_label_`` is true and ``predict_proba`` gives each label its own
    probability.
    """

    kind: ClassVar[str]
    input_kind: ClassVar[str] = "features"
    supports_multi_label: ClassVar[bool] = False
    name: ClassVar[str]
    defaults: ClassVar[dict[str, Any]] = {}
    option_help: ClassVar[dict[str, str]] = {}  # one line per option of defaults: what `sentiment options` says of it
    given: frozenset = frozenset()  # the options asked for (set by __init__; a stage pickled before it: none)

    def __init__(self, **params: Any) -> None:
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            raise ConfigError(
                f"{self.kind} {self.name!r} has no option {', '.join(unknown)}; "
                f"its options are: {', '.join(sorted(self.defaults)) or 'none'}"
            )
        self.params = {**self.defaults, **params}
        self.given = frozenset(params)  # the options asked for, beside the defaults
        self.check_params()
        self.fitted = False

    def check_params(self) -> None:
        """Validate (and normalise, e.g. list -> tuple) ``self.params``; raise ConfigError."""

    def unread_options(self, vectorizer: "Stage") -> list[tuple[list[str], str, str]]:
        """A model's options, and the given ``vectorizer``'s, that change nothing beside each other (what
        :func:`~sentiment.pipeline.check_stages` says, by :func:`~sentiment.errors.say_unread`): per case
        ``(names given, why, what to do otherwise)``. None by default."""
        return []

    # -- learned state ------------------------------------------------------------------
    def get_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        raise NotImplementedError

    def set_state(self, state: dict, arrays: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    @classmethod
    def from_state(cls, params: dict, state: dict, arrays: dict[str, np.ndarray]) -> "Stage":
        """The stage saved with ``params``, ``state`` and ``arrays``. Settings are read as they were trained: a
        true/false option saved as 1 or 0 (which earlier versions took) is True or False, and rules that relate
        options to each other (``from_saved`` in :meth:`check_params`) are not applied again."""
        stage = cls.__new__(cls)
        stage.from_saved = True
        stage.__init__(**{key: saved_value(value, cls.defaults.get(key)) for key, value in params.items()})
        stage.set_state(state, arrays)
        stage.fitted = True
        return stage

    from_saved = False  # built from a saved model (see from_state)
    _class_weights = None  # the weight of each class code that a class_weight dict gives one fit

    def _take_class_weights(self, class_weights, y) -> None:
        """Keep the ``class_weights`` a fit is given (one per class code, from a ``class_weight`` dict; one label
        per text, ``y`` codes) for :meth:`_class_weight_in_use`. A ``class_weight`` dict names labels, which a
        :class:`~sentiment.Pipeline` turns into those weights: a stage fitted on its own without them is refused
        rather than trained unweighted."""
        if class_weights is None and isinstance(self.params.get("class_weight"), dict):
            if np.ndim(y) == 2:  # as a Pipeline says it
                raise ConfigError("class_weight as a dict of labels goes with one label per text; with several labels "
                                  "per text use class_weight='balanced'")
            raise ConfigError("class_weight as a dict names labels, which a Pipeline maps to the model's class codes; "
                              "fit the model through a Pipeline, or give fit(class_weights=...) one weight per class "
                              "code, or class_weight='balanced'")
        self._class_weights = None if class_weights is None or np.ndim(y) == 2 else np.asarray(class_weights, dtype=float)
        if self._class_weights is not None and self._class_weights.shape != (int(np.max(y)) + 1,):
            raise ConfigError(f"fit(class_weights=...) gives {self._class_weights.size} weights for {int(np.max(y)) + 1} "
                              "class codes; give one weight per class code, in code order")

    def _class_weight_in_use(self):
        """How the fit weighs the classes: None, "balanced", or the weights per class code (an array) of a
        ``class_weight`` dict."""
        if self._class_weights is not None:
            return self._class_weights
        weight = self.params.get("class_weight")
        return None if isinstance(weight, dict) else weight

    def check_fitted(self) -> None:
        if not self.fitted:
            raise NotFittedError(f"this {self.kind} is not fitted yet; call fit first")

    # -- helpers for check_params ---------------------------------------------------------
    def _range(self, key: str, most: int) -> None:
        """A ``(min, max)`` pair of whole numbers with ``1 <= min <= max <= most``."""
        value = self.params[key]
        if isinstance(value, (tuple, list, np.ndarray)):
            value = [python_number(v) for v in value]
        if (
            not isinstance(value, (tuple, list))
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= most for v in value)
            or value[0] > value[1]
        ):
            raise ConfigError(f"{key} must be two whole numbers (min, max) with 1 <= min <= max <= {most}, not {value!r}; "
                              f"e.g. (1, 2), on the command line --set {key}=1,2")
        self.params[key] = tuple(value)

    def _number(self, key: str, low: float, high: float = float("inf"), integer: bool = False,
                none: str | None = None) -> None:
        """Check a numeric option from ``low`` to ``high``; ``none`` (what None means, e.g. "no limit") lets it
        be None too."""
        value = python_number(self.params[key])  # numpy numbers too (GridSearchCV over np.arange / np.logspace)
        if none and _none_text(value):
            self.params[key] = value = None
        if value is None and none:
            return
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or not (low <= value <= high):
            kind = "a whole number" if integer else "a number"
            bound = f"of at least {low}" if high == float("inf") else f"between {low} and {high}"
            raise ConfigError(f"{key} must be {kind} {bound}{f' (or None: {none})' if none else ''}, not {value!r}")
        self.params[key] = value

    def _class_weight(self) -> None:
        """``class_weight``: None, "balanced" or a dict of labels (values or display names) to positive weights,
        which the pipeline turns into one weight per class code (the ``class_weights`` argument of ``fit``)."""
        value = self.params["class_weight"]
        if isinstance(value, str) and value.strip().startswith("{"):  # a dict the command line could not read
            raise ConfigError(f"class_weight {value} is not a JSON object; write it as JSON, the labels in double "
                              """quotes: --set 'class_weight={"negative": 3}'""")
        if not isinstance(value, dict):
            self._choice("class_weight", (None, "balanced"))
            return
        weights = {key: python_number(weight) for key, weight in value.items()}
        low, high = WEIGHT_RANGE  # as sample weights, but a class weighs something
        if not weights or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and w != 0
                                  and not outside_weight_range([w])[0] for w in weights.values()):
            raise ConfigError(f"class_weight must be None, 'balanced' or a dict of labels to weights from {low:g} to "
                              f"{high:g} (e.g. {{'negative': 3, 'positive': 1}}), not {value!r}")
        self.params["class_weight"] = {key: float(w) for key, w in weights.items()}

    def _choice(self, key: str, choices: tuple) -> None:
        """Check an option among ``choices``; where None is one, the text "none" (any case, as a command line
        writes it) is None."""
        value = self.params[key]
        if None in choices and _none_text(value):
            self.params[key] = value = None
        if isinstance(value, np.bool_):
            self.params[key] = value = bool(value)
        if not any(value == choice and isinstance(value, bool) == isinstance(choice, bool) for choice in choices):
            if set(choices) == {True, False}:  # 1 == True, but an option of true or false takes those alone
                raise ConfigError(f"{key} must be true or false, not {value!r}")
            raise ConfigError(f"{key}={value!r} is not valid; choose one of: {', '.join(map(str, choices))}")


@contextlib.contextmanager
def restored_on_failure(obj: Any) -> Iterator[None]:
    """Put ``obj``'s attributes back as they were when the block fails (an error, Ctrl-C): a model fitted
    before a failed fit stays that model, not half of a new one."""
    before = dict(vars(obj))
    try:
        yield
    except BaseException:
        vars(obj).clear()
        vars(obj).update(before)
        raise


def saved_value(value: Any, default: Any) -> Any:
    """A saved option's value as the option takes it now: a list as a tuple where the default is a tuple (JSON
    has no tuples), and 1 / 0 as True / False where the default is true or false (as earlier versions took them)."""
    if isinstance(value, list) and isinstance(default, tuple):
        return tuple(value)
    if isinstance(default, bool) and type(value) is int and value in (0, 1):
        return bool(value)
    return value


def _none_text(value: Any) -> bool:
    """Whether ``value`` is None written as text ("none", "None", any case), as a command line writes it."""
    return isinstance(value, str) and value.strip().lower() == "none"


def python_number(value: Any) -> Any:
    """A numpy integer or float as the Python number (JSON-able, and an ``int`` where one is required)."""
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value
