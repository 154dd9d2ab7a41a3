"""Named, lazily imported parts: ``kind -> name -> "module:attribute"``.

Looking a name up imports only the module that implements it, so predicting with a
scikit-learn-style linear model never imports torch, gensim or spaCy.

A new vectorizer or model is one line here, its key the class's ``name`` (a saved model names its stages
by it, and loading looks that name up here); the CLI's choices and help, ``sentiment options`` and the
tests of every classical model read this table (README: "Adding a stage").
"""

from __future__ import annotations

import importlib

from .errors import ConfigError, with_article

REGISTRY: dict[str, dict[str, str]] = {
    "vectorizer": {
        "count": "sentiment.vectorizers.ngrams:CountVectorizer",
        "tfidf": "sentiment.vectorizers.ngrams:TfidfVectorizer",
        "word2vec": "sentiment.vectorizers.word2vec:Word2VecVectorizer",
    },
    "model": {
        "logreg": "sentiment.models.classical:LogisticRegressionModel",
        "linearsvm": "sentiment.models.classical:LinearSVMModel",
        "nb": "sentiment.models.classical:MultinomialNBModel",
        "complement_nb": "sentiment.models.classical:ComplementNBModel",
        "nbsvm": "sentiment.models.classical:NBSVMModel",
        "mlp": "sentiment.models.neural:MLPModel",
        "lstm": "sentiment.models.neural:LSTMModel",
    },
    # the two stages of an AspectPipeline (sentiment.aspects), built from its settings by each class's
    # configured(...) and named in a saved model by their state
    "aspect_extractor": {
        "classical": "sentiment.aspects.extraction:ClassicalTagger",
        "lstm": "sentiment.aspects.neural:BiLSTMTagger",
        "combined": "sentiment.aspects.neural:CombinedTagger",
    },
    "aspect_polarity": {
        "classical": "sentiment.aspects.polarity:ClassicalPolarity",
        "lstm": "sentiment.aspects.neural:AttentionPolarity",
        "mean": "sentiment.aspects.polarity:MeanPolarity",
    },
}


def available(kind: str | None = None) -> dict[str, list[str]] | list[str]:
    """Registered names, for one kind (``"vectorizer"``, ``"model"``, ``"aspect_extractor"``,
    ``"aspect_polarity"``) or for all.

    >>> "tfidf" in available("vectorizer")
    True
    """
    if kind is None:
        return {k: sorted(v) for k, v in REGISTRY.items()}
    _check_kind(kind)
    return sorted(REGISTRY[kind])


def resolve(kind: str, name: str):
    """Return the class registered as ``name`` for ``kind``, importing it on first use."""
    _check_kind(kind)
    names = REGISTRY[kind]
    if not isinstance(name, str) or name not in names:
        elsewhere = [other for other, known in REGISTRY.items() if other != kind and isinstance(name, str) and name in known]
        hint = f" ({name!r} is {with_article(elsewhere[0].replace('_', ' '))}: give it as {elsewhere[0]}={name!r})" if elsewhere else ""
        raise ConfigError(f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(names))}{hint}")
    module_name, attribute = names[name].split(":")
    return getattr(importlib.import_module(module_name), attribute)


def _check_kind(kind: str) -> None:
    if not isinstance(kind, str) or kind not in REGISTRY:
        raise ConfigError(f"unknown kind {kind!r}; choose one of: {', '.join(REGISTRY)}")
