"""Texts to vectors: the cleaning and one vectorizer, without a model, as a scikit-learn transformer.

>>> from sentiment import TextVectorizer
>>> vec = TextVectorizer("count", ngram_range=(1, 1)).fit(["A great film!", "not great"])
>>> vec.get_feature_names_out().tolist()
['!', 'a', 'film', 'great', 'not', 'not_great']
>>> vec.transform(["a great, great film"]).toarray().tolist()
[[0.0, 1.0, 1.0, 2.0, 0.0, 0.0]]

``count`` and ``tfidf`` give scipy CSR matrices (one column per n-gram), ``word2vec`` dense float32
document vectors. It plugs into scikit-learn (``make_pipeline(TextVectorizer("tfidf"), LogisticRegression())``,
``clone``, ``GridSearchCV`` over its options), saves and loads as every model of this package does (JSON
and safetensors, :mod:`sentiment.persistence`), and :meth:`TextVectorizer.from_pipeline` gives the vectors a
trained :class:`~sentiment.pipeline.Pipeline`'s model reads. ``sentiment vectorize`` is its command line.
"""

from __future__ import annotations

import numbers
import os
import sys
from datetime import datetime, timezone
from typing import Any, Sequence

import numpy as np

from .cleaning import NEGATION_MARK, READING_VERSION
from .checks import check_texts, check_training_texts
from .errors import ConfigError, DataError, ModelFileError, NotFittedError, with_article
from .options import (OptionAttributes, all_option_names, canonical_options, cleaner_options, saved_cleaner,
                      say_unsaved_changes, split_options, unknown_name_hint)
from .persistence import (INCONSISTENT_MODEL, VECTORIZER_KIND, check_columns, check_extra, config_header, inconsistent_model, jsonable, read_model,
                          saved_reading, warn_of_reading, write_model)
from .progress import FitProgress, clean_tokens
from .registry import available, resolve
from .tasks import DEFAULT_VECTORIZER

KIND = VECTORIZER_KIND  # config.json "kind" of a saved TextVectorizer
_OUTPUTS = ("default", "pandas")  # set_output(transform=...)


class TextVectorizer(OptionAttributes):
    """Clean texts and turn them into vectors; one transformer chosen by the vectorizer's name.

    Parameters
    ----------
    vectorizer : str
        ``"count"``, ``"tfidf"`` or ``"word2vec"`` (``sentiment.available("vectorizer")``).
    **options
        Settings of the cleaner and of the vectorizer, e.g. ``ngram_range=(1, 2)``, ``min_df=2``,
        ``negation=False``, ``vector_size=50``; ``TextVectorizer.options_for(vectorizer)`` lists them. A
        name neither has is an error at once; values are checked by ``fit``, as scikit-learn estimators
        do (so a grid search scores a bad value as a failed fit).

    Learned state ends in ``_`` and exists once fitted: ``cleaner_``, ``vectorizer_`` (the stage, which
    reads token lists), ``reading_version_``, ``info_`` and ``config_`` (a loaded one's saved config).
    Options are also attributes: ``vec.min_df = 2`` is ``vec.set_params(min_df=2)``.
    """

    kind = KIND
    _NAMED = ("vectorizer",)
    _FITTED = frozenset({"cleaner_", "vectorizer_", "reading_version_", "info_", "config_", "n_features_"})
    _FITTED_MARK = "vectorizer_"
    _HOW_TO_FIT = "call fit(texts) or load a saved one"

    def __init__(self, vectorizer: str = DEFAULT_VECTORIZER, **options: Any) -> None:
        _check_names(vectorizer, options)
        self.vectorizer = vectorizer
        self._options = dict(options)

    # -- scikit-learn estimator protocol ----------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """``vectorizer`` and every option given (``deep`` changes nothing: there are no sub-estimators)."""
        return {"vectorizer": self.vectorizer, **self._options}

    def set_params(self, **params: Any) -> "TextVectorizer":
        """Set ``vectorizer`` or options (scikit-learn's ``set_params``); returns the vectorizer. As for
        :class:`~sentiment.pipeline.Pipeline`, a name that neither the cleaner nor any vectorizer has is an
        error here and changes nothing; values, and options of another vectorizer than the chosen one (so that
        a grid can switch vectorizers), are refused by ``fit``."""
        vectorizer = params.pop("vectorizer", self.vectorizer)
        _check_names(vectorizer, params, strict=False)
        self.vectorizer = vectorizer
        self._options = {**self._options, **params}  # a new dict: a copy.copy of the vectorizer keeps its own
        return self

    def __repr__(self) -> str:
        return f"TextVectorizer({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"

    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False), transformer_tags=TransformerTags(),
                    input_tags=InputTags(one_d_array=True, two_d_array=False, string=True))

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "vectorizer_")

    @staticmethod
    def options_for(vectorizer: str = DEFAULT_VECTORIZER) -> dict[str, dict[str, Any]]:
        """The options (with defaults) of the cleaner and of the named vectorizer."""
        return {"cleaner": cleaner_options(), "vectorizer": dict(resolve("vectorizer", vectorizer).defaults)}

    def build_stages(self) -> tuple:
        """The unfitted cleaner and vectorizer stage that ``fit`` trains, built from the options: an unknown
        vectorizer, an option it lacks or a bad value is a ConfigError, a ``vectors_path`` that is not there a
        DataError (``sentiment vectorize`` calls it before reading the data)."""
        if not isinstance(self.vectorizer, str) or self.vectorizer not in available("vectorizer"):
            raise ConfigError(f"unknown vectorizer {self.vectorizer!r}; choose one of: {', '.join(available('vectorizer'))}")
        split = split_options(self._options, self.options_for(self.vectorizer), f"vectorizer {self.vectorizer!r}")
        vectorizer = resolve("vectorizer", self.vectorizer)(**split["vectorizer"])
        if hasattr(vectorizer, "check_source"):  # word2vec: vectors_path
            vectorizer.check_source()
        from .pipeline import check_vectorizer_options, checked_cleaner

        check_vectorizer_options(vectorizer)  # as a Pipeline's fit says it: ngram_range beside analyzer='char'
        return checked_cleaner(split["cleaner"]), vectorizer

    # -- fitting and transforming -------------------------------------------------------------
    def fit(self, texts: Sequence[str], y: Any = None, *, progress: bool = False) -> "TextVectorizer":
        """Learn the vocabulary (and IDF weights, or word vectors) from ``texts``; ``y`` is ignored.
        Returns the vectorizer."""
        self.fit_transform(texts, progress=progress)
        return self

    def fit_transform(self, texts: Sequence[str], y: Any = None, *, progress: bool = False):
        """:meth:`fit`, then the vectors of ``texts`` (cleaned once)."""
        index = _index_of(texts)
        texts = check_training_texts(texts)
        cleaner, vectorizer = self.build_stages()
        pandas = self._pandas_output(vectorizer)
        with FitProgress(progress, len(texts)) as bar:
            docs = clean_tokens(cleaner, texts, bar)
            bar.stage(f"vectorizing ({self.vectorizer})")
            vectors = vectorizer.fit_transform(docs)
        self.cleaner_, self.vectorizer_ = cleaner, vectorizer
        self._fitted_params = self.get_params()  # what save writes, whatever set_params changes after fit
        self.reading_version_ = READING_VERSION
        self.info_ = {"trained_on": len(texts), "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self.config_ = {}
        return self._output(vectors, pandas, index)

    def transform(self, texts: Sequence[str]):
        """The vectors of ``texts``: a scipy CSR matrix (count, tfidf) or a float32 array (word2vec), one row
        per text, one column per name of :meth:`get_feature_names_out` (after ``set_output(transform="pandas")``,
        a DataFrame of word2vec's vectors)."""
        self._check_fitted()
        pandas, index = self._pandas_output(self.vectorizer_), _index_of(texts)
        texts = check_texts(texts, empty=True)  # no texts: no rows, as scikit-learn's vectorizers give
        return self._output(self.vectorizer_.transform(self.cleaner_.tokens_of(texts)), pandas, index)

    def set_output(self, *, transform: str | None = None) -> "TextVectorizer":
        """scikit-learn's output setting: ``"pandas"`` makes ``transform`` and ``fit_transform`` return a
        DataFrame (columns :meth:`get_feature_names_out`, the index of a pandas Series of texts), ``"default"``
        the arrays described there, ``None`` changes nothing. A DataFrame needs dense vectors (word2vec): with
        count or tfidf, whose vectors are sparse, fit and transform then refuse to start (a ConfigError), as
        scikit-learn refuses pandas output of sparse data.
        Returns the vectorizer; ``make_pipeline(...).set_output(transform="pandas")`` calls it. Unset, scikit-learn's
        global ``set_config(transform_output="pandas")`` gives word2vec's vectors as a DataFrame too."""
        if transform is None:
            return self
        if transform not in _OUTPUTS:
            raise ConfigError(f"set_output takes transform='default' or 'pandas' (or None), not {transform!r}")
        self._sklearn_output_config = {**getattr(self, "_sklearn_output_config", {}), "transform": transform}
        return self

    def _own_output(self) -> str | None:
        """The ``transform`` output that :meth:`set_output` chose, None where it was not called."""
        return getattr(self, "_sklearn_output_config", {}).get("transform")

    def _output(self, vectors, pandas: bool, index):
        """A vectorizer stage's output as users get it (:func:`_as_output`), as a DataFrame when ``pandas``."""
        vectors = _as_output(vectors)
        if not pandas:
            return vectors
        import pandas as pd

        return pd.DataFrame(vectors, columns=self.get_feature_names_out(), index=index)

    def _pandas_output(self, vectorizer) -> bool:
        """Whether :meth:`set_output` asked for DataFrames; a ConfigError if ``vectorizer``'s are sparse. Unset,
        scikit-learn's global ``transform_output`` decides for dense vectors; sparse ones stay sparse then, as
        scikit-learn's own text vectorizers do."""
        own = self._own_output()
        if own is None:
            if "sklearn" not in sys.modules:  # nothing can have set scikit-learn's option (importing it costs a second)
                return False
            from sklearn import get_config

            return get_config()["transform_output"] == "pandas" and vectorizer.dense
        if own != "pandas":
            return False
        if not vectorizer.dense:
            raise ConfigError(f"pandas output needs dense vectors, and vectorizer {self.vectorizer!r} gives a sparse matrix; "
                              "use vectorizer='word2vec', or set_output(transform='default')")
        return True

    def known_features(self, texts: Sequence[str]) -> np.ndarray:
        """How many features of each text (distinct n-grams, or words with a vector) the vocabulary holds;
        0: its vector says nothing about it (all zeros: for word2vec, the standardised training mean)."""
        self._check_fitted()
        return self.vectorizer_.n_known(self.cleaner_.tokens_of(check_texts(texts, empty=True)))  # [] as transform

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The name of each column: the n-gram (``"not_good"``, ``"great film"``; a character n-gram of
        ``analyzer="word+char"`` starts with ``"c:"``), or ``word2vec0``, ``word2vec1`` … for the dimensions
        of word2vec's document vectors (unnamed outputs numbered after a prefix, as scikit-learn numbers them,
        the prefix here the vectorizer's name)."""
        self._check_fitted()
        names = getattr(self.vectorizer_, "feature_names", None)
        if names is None:
            names = [f"{self.vectorizer_.name}{i}" for i in range(self.vectorizer_.n_features)]
        return np.asarray(names, dtype=object)

    def similar_words(self, word: str, top: int = 10) -> list[tuple[str, float]]:
        """word2vec: the ``top`` words whose vectors are nearest ``word``'s (cosine similarity), most similar
        first. ``word`` is a token as the cleaning writes it (lowercase by default; ``"not_good"`` in a
        negation's scope), looked up as given, else lowercased.

        >>> vec.similar_words("great", top=3)  # doctest: +SKIP
        [('wonderful', 0.83), ('excellent', 0.81), ('superb', 0.79)]
        """
        self._check_fitted()
        vectors = getattr(self.vectorizer_, "vectors_", None)
        if vectors is None:
            raise ConfigError(f"similar_words compares word vectors, which vectorizer {self.vectorizer!r} has none of; "
                              "use vectorizer='word2vec'")
        if not isinstance(word, str):
            raise ConfigError(f"similar_words takes one word (a string), not {type(word).__name__}")
        if not isinstance(top, numbers.Integral) or isinstance(top, bool) or top < 1:
            raise ConfigError(f"top must be a whole number of words, at least 1, not {top!r}")
        top = int(top)
        vocabulary = self.vectorizer_.vocabulary_
        row = vocabulary.get(word, vocabulary.get(str(word).lower()))
        if row is None:
            raise DataError(f"{word!r} has no word vector (it is not among the {len(vocabulary):,} words kept from the "
                            "training texts, or not as the cleaning writes it: lowercase, not_ in a negation's scope)")
        norms = np.linalg.norm(vectors, axis=1)
        similarity = vectors @ vectors[row] / np.maximum(norms * norms[row], 1e-12)
        similarity[row] = -np.inf  # not the word itself
        words = self.vectorizer_.words_
        if getattr(self.vectorizer_, "negation_backoff_", False):  # "not_good" holds a copy of "good"'s vector
            copies = [i for i, w in enumerate(words) if w.startswith(NEGATION_MARK) and w[len(NEGATION_MARK):] in vocabulary]
            similarity[copies] = -np.inf
            base = vocabulary.get(words[row].removeprefix(NEGATION_MARK))
            if base is not None:  # the word's own copy, or the word it copies
                similarity[base] = -np.inf
        shown = int(np.isfinite(similarity).sum())
        nearest = np.argsort(-similarity, kind="stable")[: min(top, shown)]
        return [(words[i], round(float(similarity[i]), 4)) for i in nearest]

    @property
    def n_features_(self) -> int:
        """The number of columns the vectors have."""
        self._check_fitted()
        return self.vectorizer_.n_features

    def _check_fitted(self) -> None:
        if not hasattr(self, "vectorizer_"):
            raise NotFittedError("this TextVectorizer is not fitted yet; call fit(texts) or load a saved one")

    @classmethod
    def from_pipeline(cls, pipeline) -> "TextVectorizer":
        """The fitted cleaning and vectorizer of a trained :class:`~sentiment.pipeline.Pipeline` (shared, not
        copied), with the settings it was fitted with: its ``transform`` gives the vectors the pipeline's model
        reads (an lstm model reads the token ids of the same vocabulary instead, so it gives the document
        vectors of its word2vec vectorizer)."""
        from .pipeline import Pipeline

        if not isinstance(pipeline, Pipeline):
            raise ConfigError(f"from_pipeline takes a trained Pipeline, not {type(pipeline).__name__}; an ensemble "
                              "or aspect model has no single vectorizer")
        pipeline._check_fitted()
        fitted = getattr(pipeline, "_fitted_params", None) or pipeline.get_params()
        known = set().union(*cls.options_for(pipeline.vectorizer_.name).values())
        vec = cls(pipeline.vectorizer_.name, **{k: v for k, v in fitted.items() if k in known})
        vec.cleaner_, vec.vectorizer_ = pipeline.cleaner_, pipeline.vectorizer_
        vec._fitted_params = vec.get_params()
        vec.reading_version_ = getattr(pipeline, "reading_version_", None)
        info = getattr(pipeline, "info_", {})  # the vectorizer's own fit, not the model's (held-out texts, epochs)
        vec.info_ = {key: value for key, value in (("trained_on", info.get("vectorized_on", info.get("trained_on"))),
                                                   ("created", info.get("created"))) if value is not None}
        columns = getattr(pipeline, "config_", {}).get("columns", {})  # the text column that vectorize --model reads
        vec.config_ = {"columns": {"text": columns["text"]}} if "text" in columns else {}
        return vec

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike, *, extra: dict | None = None) -> "os.PathLike":
        """Write the fitted vectorizer to the directory ``path`` (atomically, JSON and safetensors, as every
        model of this package); :meth:`load` or ``sentiment.load(path)`` reads it back. ``extra`` (JSON-able)
        is stored in the config as it is, e.g. ``{"columns": {"text": "review"}}``, the text column that
        ``sentiment vectorize --model`` then reads by default; a loaded vectorizer saved again keeps its
        columns and data. A :meth:`set_output` choice is saved too, as pickling keeps it. Returns ``path``."""
        return write_model(path, *self.saved_form(extra))

    def saved_form(self, extra: dict | None = None) -> tuple[dict, dict]:
        """What :meth:`save` writes: the config and the stages' ``(state, arrays)``, for
        :func:`~sentiment.persistence.write_model` (or, into a staging folder of one's own,
        ``write_model_files``)."""
        self._check_fitted()
        check_extra(extra)
        if self._own_output() == "pandas" and not self.vectorizer_.dense:  # a saved one no command could use
            raise ConfigError(f"pandas output needs dense vectors, and vectorizer {self.vectorizer!r} gives a sparse "
                              "matrix; set_output(transform='default') before saving it")
        say_unsaved_changes(self.get_params(), self._fitted_params)
        kept = {k: v for k, v in getattr(self, "config_", {}).items() if k in ("columns", "data")}
        fitted = dict(self._fitted_params)
        reading = getattr(self, "reading_version_", None)
        config = {
            **config_header(KIND, reading),
            "vectorizer": {"name": fitted.pop("vectorizer"), "options": jsonable(fitted)},
            "cleaner": self.cleaner_.to_dict(),
            "stages": {"vectorizer": {"name": self.vectorizer_.name, "params": jsonable(self.vectorizer_.params),
                                      **({"output": output} if (output := self._own_output()) else {})}},
            "info": self.info_,
            **kept,
            **jsonable(extra or {}),
        }
        return config, {"vectorizer": self.vectorizer_.get_state()}

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TextVectorizer":
        """Rebuild a vectorizer saved with :meth:`save`."""
        config, states = read_model(path)
        if config.get("kind") != KIND:
            raise ModelFileError(f"{path} holds {with_article(config.get('kind') or 'pipeline')} model, not a text "
                                 "vectorizer; load it with sentiment.load(path) (TextVectorizer.from_pipeline(pipe) "
                                 "gives a pipeline's vectorizer)")
        check_columns(config, path)
        try:
            spec, saved = config["stages"]["vectorizer"], config["vectorizer"]
            vec = cls(saved["name"], **canonical_options(saved["options"], cls.options_for(saved["name"])))
            vec.cleaner_ = saved_cleaner(config["cleaner"], vec)
            state, arrays = states["vectorizer"]
            vec.vectorizer_ = resolve("vectorizer", spec["name"]).from_state(spec["params"], state, arrays)
            if vec.vectorizer_.name != vec.vectorizer:
                raise ValueError("its settings and its vectorizer disagree on the vectorizer's name")
            vec._fitted_params = vec.get_params()
            vec.reading_version_ = saved_reading(config)
            vec.info_ = dict(config.get("info", {}))
            vec.config_ = config
            if spec.get("output") is not None:  # set_output's choice
                vec.set_output(transform=spec["output"])
        except INCONSISTENT_MODEL as exc:  # a ConfigError is a ValueError
            raise inconsistent_model(path, "sentiment vectorizer", exc, config, "fit it again") from None
        warn_of_reading(vec.reading_version_, path, vec.cleaner_, cleaner_only=True)
        return vec


def _check_names(vectorizer: str, options: dict, strict: bool = True) -> None:
    """Refuse an option name that the cleaner and ``vectorizer`` lack (``strict``), or, where it may switch
    vectorizers (``set_params``) or names none (fit then says so), one that no vectorizer has."""
    try:
        known = set().union(*TextVectorizer.options_for(vectorizer).values())
    except ConfigError:  # an unknown vectorizer name: fit says so
        known = set()
    unknown = sorted(set(options) - known)
    candidates = known  # for "did you mean": the chosen vectorizer's options, or any that a switch may bring
    if unknown and (not strict or not known):
        candidates = everywhere = all_option_names(("vectorizer",), own=())
        unknown = [name for name in unknown if name not in everywhere]
    if unknown:
        owners = {name: " or ".join(v for v in available("vectorizer") if name in resolve("vectorizer", v).defaults)
                  for name in candidates - known}  # another vectorizer's option: say whose
        close = unknown_name_hint(unknown[0], candidates, ["vectorizer"] if known else [], owners)
        valid = f"valid options: {', '.join(sorted(known))} (" if known else ""
        raise ConfigError(f"unknown option {unknown[0]!r} for vectorizer {vectorizer!r}{close}; {valid}"
                          "TextVectorizer.options_for(vectorizer) or `sentiment options --vectorizer NAME` "
                          f"lists them by part{')' if known else ''}")


def _index_of(texts):
    """The index of a pandas Series of texts (for a DataFrame of their vectors), else None."""
    index = getattr(texts, "index", None)
    return None if callable(index) else index  # a list's .index is a method


def _as_output(vectors):
    """A vectorizer stage's output as users get it: n-gram counts or weights as a scipy CSR matrix of float64,
    document vectors as a float32 array."""
    if isinstance(vectors, np.ndarray):
        return np.asarray(vectors, dtype=np.float32)
    return vectors.tocsr() if hasattr(vectors, "tocsr") else vectors.to_scipy()
