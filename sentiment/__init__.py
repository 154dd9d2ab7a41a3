"""sentiment: text cleaning, vectorization and sentiment classification.

>>> import sentiment
>>> sentiment.load().annotate(["I loved every minute of it"])[0]["label"]
'positive'
"""

__version__ = "0.1.0"

from .cleaning import Cleaner, clean  # noqa: E402
from .ensemble import Ensemble  # noqa: E402
from .errors import (AbsentLabelWarning, ConfigError, DataError, IgnoredOptionWarning, LabelSpellingWarning,  # noqa: E402
                     MissingGlyphWarning, ModelFileError, NotFittedError, ReadingVersionWarning, SentimentError,
                     TrainingError, TuningWarning, UnfoundAspectWarning, VectorCoverageWarning)
from .pipeline import Pipeline, load  # noqa: E402
from .registry import available  # noqa: E402
from .text_vectorizer import TextVectorizer  # noqa: E402


def __getattr__(name: str):
    """``sentiment.aspects`` without its own import (loaded on first use: it is not needed for polarity)."""
    if name == "aspects":
        import importlib

        return importlib.import_module(".aspects", __name__)
    raise AttributeError(f"module 'sentiment' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"aspects"})  # tab completion offers the lazily loaded subpackage too


__all__ = [
    "Pipeline",
    "Ensemble",
    "TextVectorizer",
    "load",
    "available",
    "clean",
    "Cleaner",
    "aspects",
    "SentimentError",
    "ConfigError",
    "DataError",
    "ModelFileError",
    "NotFittedError",
    "TrainingError",
    "TuningWarning",
    "LabelSpellingWarning",
    "AbsentLabelWarning",
    "ReadingVersionWarning",
    "IgnoredOptionWarning",
    "MissingGlyphWarning",
    "UnfoundAspectWarning",
    "VectorCoverageWarning",
    "__version__",
]
