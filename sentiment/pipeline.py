"""The pipeline: cleaning -> vectorizer -> model, as one scikit-learn-compatible estimator.

>>> from sentiment import Pipeline
>>> pipe = Pipeline(vectorizer="tfidf", model="logreg", C=10.0)
>>> pipe = pipe.fit(["great fun", "loved it", "awful", "not good at all"], ["pos", "pos", "neg", "neg"])
>>> pipe.predict(["great", "awful"]).tolist()
['pos', 'neg']

Options are flat keyword arguments; each belongs to the cleaner (see :class:`~sentiment.cleaning.Cleaner`),
the chosen vectorizer or the chosen model, and ``Pipeline.options_for(vectorizer, model)`` lists them.
The class follows scikit-learn's estimator contract (``get_params``/``set_params``, learned state ending
in ``_``), so ``clone``, ``cross_val_score`` and ``GridSearchCV`` work, without importing scikit-learn
when only predicting.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

import numpy as np

from . import __version__
from .cleaning import Cleaner
from .data import check_labels, check_texts
from .errors import ConfigError, ModelFileError, NotFittedError
from .persistence import read_model, write_model
from .registry import resolve

DEFAULT_VECTORIZER = "tfidf"
DEFAULT_MODEL = "nbsvm"

POLARITY_NAMES = {
    2: ["negative", "positive"],
    5: ["very negative", "negative", "neutral", "positive", "very positive"],
}


class Pipeline:
    """Clean texts, vectorize them and classify them; one estimator chosen by names.

    Parameters
    ----------
    vectorizer : str
        ``"count"``, ``"tfidf"`` or ``"word2vec"`` (see ``sentiment.available("vectorizer")``).
    model : str
        ``"logreg"``, ``"linearsvm"``, ``"nb"``, ``"complement_nb"`` or ``"nbsvm"``.
    **options
        Settings of the cleaner, the vectorizer and the model, e.g. ``ngram_range=(1, 3)``, ``C=4.0``,
        ``negation=False``. An option that none of the three stages has is an error.
    """

    def __init__(self, vectorizer: str = DEFAULT_VECTORIZER, model: str = DEFAULT_MODEL, **options: Any) -> None:
        self.vectorizer = vectorizer
        self.model = model
        self._options = dict(options)
        self._split_options()  # fail early on unknown names (fastText-style), like a TypeError would

    # -- scikit-learn estimator protocol ----------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"vectorizer": self.vectorizer, "model": self.model, **self._options}

    def set_params(self, **params: Any) -> "Pipeline":
        for key, value in params.items():
            if key in ("vectorizer", "model"):
                setattr(self, key, value)
            else:
                self._options[key] = value
        return self

    def __getattr__(self, name: str) -> Any:
        options = self.__dict__.get("_options", {})
        if name in options:
            return options[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"Pipeline({args})"

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(one_d_array=True, two_d_array=False, string=True),
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    @staticmethod
    def options_for(vectorizer: str = DEFAULT_VECTORIZER, model: str = DEFAULT_MODEL) -> dict[str, dict[str, Any]]:
        """The options (with defaults) of the cleaner and of the named vectorizer and model."""
        cleaner = {name: getattr(Cleaner(), name) for name in Cleaner.option_names()}
        return {
            "cleaner": cleaner,
            "vectorizer": dict(resolve("vectorizer", vectorizer).defaults),
            "model": dict(resolve("model", model).defaults),
        }

    def _split_options(self) -> tuple[dict, dict, dict]:
        known = self.options_for(self.vectorizer, self.model)
        split: dict[str, dict] = {stage: {} for stage in known}
        for key, value in self._options.items():
            owner = next((stage for stage, names in known.items() if key in names), None)
            if owner is None:
                valid = sorted(set().union(*known.values()))
                raise ConfigError(
                    f"unknown option {key!r} for vectorizer {self.vectorizer!r} and model {self.model!r}; "
                    f"valid options: {', '.join(valid)}"
                )
            split[owner][key] = value
        return split["cleaner"], split["vectorizer"], split["model"]

    # -- training -------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence, *, dev: tuple[Sequence[str], Sequence] | None = None,
            label_names: dict | None = None, progress: bool = False):
        """Learn the vocabulary, features and model from ``texts`` and their ``labels``.

        ``dev`` is an optional ``(texts, labels)`` pair that models trained by epochs use for early
        stopping. ``label_names`` maps label values to display names (``{0: "negative", 1: "positive"}``);
        without it, integer labels 0/1 and 0..4 are named as binary and 5-way polarity.
        """
        texts = check_texts(texts)
        codes, classes = check_labels(labels, len(texts))
        cleaner_options, vectorizer_options, model_options = self._split_options()
        cleaner = Cleaner(**cleaner_options)
        vectorizer = resolve("vectorizer", self.vectorizer)(**vectorizer_options)
        model = resolve("model", self.model)(**model_options)
        with _Progress(progress, len(texts)) as bar:
            docs = _tokens(cleaner, texts, bar)
            bar.stage(f"vectorizing ({self.vectorizer})")
            features = vectorizer.fit_transform(docs)
            if model.input_kind == "sequences":
                features = _sequences(vectorizer, docs, self.model)
            dev_data = None
            if dev is not None:
                from .evaluation import codes_for

                dev_texts = check_texts(dev[0])
                dev_docs = cleaner.tokens_of(dev_texts)
                dev_features = (
                    _sequences(vectorizer, dev_docs, self.model) if model.input_kind == "sequences"
                    else vectorizer.transform(dev_docs)
                )
                dev_data = (dev_features, codes_for(classes, None, dev[1]))
            bar.stage(f"training ({self.model})")
            model.fit(features, codes, dev=dev_data, vectorizer=vectorizer, progress=progress)
        self.cleaner_, self.vectorizer_, self.model_ = cleaner, vectorizer, model
        self.classes_ = classes
        self.label_names_ = _label_names(classes, label_names)
        self.info_ = {"trained_on": len(texts), "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        return self

    # -- prediction -----------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in the order of ``classes_``."""
        self._check_fitted()
        texts = check_texts(texts)
        docs = self.cleaner_.tokens_of(texts)
        if self.model_.input_kind == "sequences":
            return self.model_.predict_proba(_sequences(self.vectorizer_, docs, self.model))
        if getattr(self.model_, "reads_csr", False) and hasattr(self.vectorizer_, "transform_csr"):
            return self.model_.predict_proba(self.vectorizer_.transform_csr(docs))  # no scipy import
        return self.model_.predict_proba(self.vectorizer_.transform(docs))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The most probable label of each text."""
        self._check_fitted()
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def annotate(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Per text: ``{"text", "label", "scores": {label name: probability}}``, labels by their names.

        >>> pipe.annotate(["great"])[0]["label"]  # doctest: +SKIP
        'positive'
        """
        texts = check_texts(texts)
        return annotations(texts, self.predict_proba(texts), self.label_names_)

    def score(self, texts: Sequence[str], labels: Sequence) -> float:
        """Accuracy on ``texts`` (scikit-learn's default score for classifiers)."""
        self._check_fitted()
        return float(np.mean(self.predict(texts) == np.asarray(labels, dtype=self.classes_.dtype)))

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("this Pipeline is not fitted yet; call fit(texts, labels) or load a saved model")

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike, *, extra: dict | None = None) -> "os.PathLike":
        """Write the fitted pipeline to the directory ``path`` (atomically; see :mod:`sentiment.persistence`).

        ``extra`` is stored in the config as it is (JSON-able), e.g. the data columns and dev metrics.
        """
        self._check_fitted()
        config = {
            "sentiment_version": __version__,
            "pipeline": {"vectorizer": self.vectorizer, "model": self.model, "options": _jsonable(self._options)},
            "cleaner": self.cleaner_.to_dict(),
            "stages": {
                "vectorizer": {"name": self.vectorizer_.name, "params": _jsonable(self.vectorizer_.params)},
                "model": {"name": self.model_.name, "params": _jsonable(self.model_.params)},
            },
            "labels": {"classes": _jsonable(self.classes_.tolist()), "names": self.label_names_},
            "info": self.info_,
            **(extra or {}),
        }
        stages = {"vectorizer": self.vectorizer_.get_state(), "model": self.model_.get_state()}
        return write_model(path, config, stages)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Pipeline":
        """Rebuild a pipeline saved with :meth:`save`."""
        config, states = read_model(path)
        if config.get("kind") == "ensemble":
            raise ModelFileError(f"{path} holds an ensemble; load it with sentiment.load")
        try:
            pipeline_config = config["pipeline"]
            pipe = cls(pipeline_config["vectorizer"], pipeline_config["model"], **pipeline_config["options"])
            pipe.cleaner_ = Cleaner(**config["cleaner"])
            built = {}
            for stage in ("vectorizer", "model"):
                spec = config["stages"][stage]
                state, arrays = states[stage]
                built[stage] = resolve(stage, spec["name"]).from_state(_tuples(spec["params"]), state, arrays)
            pipe.vectorizer_, pipe.model_ = built["vectorizer"], built["model"]
            expected = pipe.vectorizer_.n_tokens if pipe.model_.input_kind == "sequences" else pipe.vectorizer_.n_features
            if pipe.model_.n_features_ != expected:
                raise ValueError("the model and the vectorizer disagree on the number of features")
            pipe.classes_ = np.asarray(config["labels"]["classes"])
            pipe.label_names_ = [str(n) for n in config["labels"]["names"]]
            if not (len(pipe.classes_) == len(pipe.label_names_) == pipe.model_.n_classes_):
                raise ValueError("the label list does not match the model")
            pipe.info_ = dict(config.get("info", {}))
            pipe.config_ = config
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelFileError(f"{path} is not a consistent sentiment model ({exc}); train it again") from None
        return pipe


def load(path: str | os.PathLike | None = None):
    """Load a saved pipeline or ensemble; without ``path``, the default English polarity model.

    >>> from sentiment import load
    >>> load().annotate(["What a wonderful film!"])[0]["label"]
    'positive'
    """
    from .default_models import default_model_path

    path = default_model_path() if path is None else path
    config, _ = read_model(path)
    if config.get("kind") == "ensemble":
        from .ensemble import Ensemble

        return Ensemble.load(path)
    return Pipeline.load(path)


def annotations(texts: list[str], probabilities: np.ndarray, names: list[str]) -> list[dict[str, Any]]:
    """``{"text", "label", "scores"}`` per text, from class probabilities and label names."""
    return [
        {
            "text": text,
            "label": names[int(row.argmax())],
            "scores": {name: round(float(p), 6) for name, p in zip(names, row)},
        }
        for text, row in zip(texts, probabilities)
    ]


# -- helpers ---------------------------------------------------------------------------------
def _sequences(vectorizer, docs, model_name: str):
    if not hasattr(vectorizer, "sequences"):
        raise ConfigError(f"model {model_name!r} reads token sequences; use it with vectorizer 'word2vec'")
    return vectorizer.sequences(docs)


def _tokens(cleaner: Cleaner, texts: list[str], bar: "_Progress", batch: int = 2000) -> list[list[str]]:
    docs: list[list[str]] = []
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        docs.extend(cleaner.tokens_of(chunk))
        bar.update(len(chunk))
    return docs


def _label_names(classes: np.ndarray, names: dict | None) -> list[str]:
    if names:
        missing = [c for c in classes.tolist() if c not in names and str(c) not in names]
        if missing:
            raise ConfigError(f"label_names gives no name for the label(s) {missing}; name every label")
        return [str(names.get(c, names.get(str(c)))) for c in classes.tolist()]
    values = classes.tolist()
    if values == list(range(len(values))) and len(values) in POLARITY_NAMES:
        return list(POLARITY_NAMES[len(values)])
    return [str(v) for v in values]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _tuples(params: dict) -> dict:
    """JSON turns tuples into lists; ranges such as ngram_range are tuples again here."""
    return {k: tuple(v) if k.endswith("_range") and isinstance(v, list) else v for k, v in params.items()}


class _Progress:
    """A tqdm bar over the texts being cleaned, plus one-line stage notes; silent when disabled."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.total = total
        self.bar = None

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.total, desc="cleaning", unit="text", dynamic_ncols=True, leave=False)
        return self

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def stage(self, description: str) -> None:
        if self.bar is not None:
            self.bar.set_description(description)
            self.bar.refresh()

    def __exit__(self, *exc: Iterable) -> None:
        if self.bar is not None:
            self.bar.close()
