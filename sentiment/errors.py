"""One exception family. Every message says what went wrong *and* how to fix it.

The CLI prints ``str(error)`` on one line and exits non-zero; the library never prints or exits.
"""

import functools
import os
import sys


class SentimentError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigError(SentimentError, ValueError):
    """An unknown stage name or option, or an option value out of range."""


class DataError(SentimentError, ValueError):
    """Input texts, labels or data files that cannot be used as they are."""


class _Detailed:
    """An error whose constructor takes details beside the message (``_details`` names them): it pickles
    with them, so that one raised in a worker process (joblib, ``n_jobs``) arrives whole."""

    _details: tuple[str, ...] = ()

    def __reduce__(self):
        return type(self), (self.args[0] if self.args else "", *(getattr(self, name) for name in self._details))


class MissingColumnsError(_Detailed, DataError):
    """A table without the columns asked for: ``missing`` names them, ``present`` lists the table's own."""

    _details = ("missing", "present")

    def __init__(self, message: str, missing: list, present: list) -> None:
        super().__init__(message)
        self.missing, self.present = list(missing), list(present)


class SeparatorError(_Detailed, DataError):
    """Labels joined by another separator than the one given: ``found`` is the one they hold."""

    _details = ("found",)

    def __init__(self, message: str, found: str) -> None:
        super().__init__(message)
        self.found = found


class UnknownLabelsError(_Detailed, DataError):
    """Labels a model was not trained on: ``unknown`` lists them, ``known`` the model's own."""

    _details = ("unknown", "known")

    def __init__(self, message: str, unknown: list, known: list) -> None:
        super().__init__(message)
        self.unknown, self.known = list(unknown), list(known)


class UngroupedLabelError(_Detailed, DataError):
    """A label that a grouping (``Pipeline(grouping=...)``) does not know: ``label`` and ``grouping`` name them."""

    _details = ("label", "grouping")

    def __init__(self, message: str, label, grouping: str) -> None:
        super().__init__(message)
        self.label, self.grouping = label, grouping


class ModelFileError(SentimentError, OSError):
    """A model directory that is missing, corrupted, tampered with or not ours."""


class NotFittedError(SentimentError, ValueError, AttributeError):
    """A pipeline used before ``fit``: a ValueError and an AttributeError, as scikit-learn's own
    ``NotFittedError`` (``hasattr`` and scikit-learn's ``check_is_fitted`` keep working).

    Once scikit-learn's exceptions are imported (as they are wherever code catches
    ``sklearn.exceptions.NotFittedError``), it is raised as a subclass of that one too; importing them
    here would cost every ``sentiment predict`` about a second."""

    def __new__(cls, *args, **kwargs):
        if cls is NotFittedError and "sklearn.exceptions" in sys.modules:
            cls = _with_sklearn()
        return super().__new__(cls, *args, **kwargs)


@functools.cache
def _with_sklearn() -> type:
    """:class:`NotFittedError` that is also scikit-learn's ``NotFittedError``."""
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    return type("SklearnNotFittedError", (NotFittedError, SklearnNotFittedError),
                {"__module__": __name__, "__doc__": NotFittedError.__doc__})


def __getattr__(name: str):
    """``SklearnNotFittedError`` by name, so that such an error pickles (joblib's workers) and unpickles."""
    if name == "SklearnNotFittedError":
        return _with_sklearn()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TrainingError(SentimentError, ArithmeticError):
    """A training that diverged (its loss turned NaN or infinite): the inputs hold such values, or the learning
    rate is too high."""


class LabelSpellingWarning(UserWarning):
    """Labels that differ only in capitalisation or in spaces around them ("Positive", "positive ",
    "positive"): they are different classes, which is seldom what was meant."""


class AbsentLabelWarning(_Detailed, UserWarning):
    """A label that a setting names (a ``class_weight`` key) and no training text has: it is left out (a
    cross-validation fold may lack a rare class; a misspelt label is said); or labels given to ``score``
    none of which the model knows. ``absent`` lists such labels (one label per text), ``labels`` the
    model's label names."""

    _details = ("absent", "labels")

    def __init__(self, message: str, absent: list = (), labels: list = ()) -> None:
        super().__init__(message)
        self.absent, self.labels = list(absent), list(labels)


class TuningWarning(UserWarning):
    """What fit tunes on held-out texts that it could not, for too few texts to hold any out: label thresholds,
    which keep their default, or a network's early stopping, which then trains every epoch."""


class IgnoredOptionWarning(UserWarning):
    """An option given that the chosen stages never read (``sublinear_tf`` for nbsvm, which reads every feature as
    0 or 1; ``char_ngram_range`` for word n-grams): the fit runs as without it."""


class VectorCoverageWarning(UserWarning):
    """A vectors file (``vectors_path``) that has vectors for under half of the training texts' words (each time
    a word occurs counting): the texts are read from the few words it has, which the file's words written
    otherwise than the cleaned tokens (stemmed, another language, a tokenizer's own) usually explain."""


class MissingGlyphWarning(UserWarning):
    """Characters of a plot's text (a label or file name in Chinese, say) that no installed font can draw: they
    show as empty boxes in the image (install a font that has them, e.g. Noto Sans CJK)."""


class UnfoundAspectWarning(UserWarning):
    """Aspect terms given to score (``predict_aspects(texts, aspects=[...])``) that none of the texts holds: they
    get no polarity (terms match as whole words, in any case, outside web addresses and HTML tags)."""


class BackupKeptWarning(UserWarning):
    """A whole previous model that a save killed between its two renames set aside beside the model folder
    (``.NAME.xxxxxxxx.old``, hidden): a later save to that folder keeps it, for the user to delete or restore."""


class ReadingVersionWarning(UserWarning):
    """A model trained by a version of this package that read text differently (another ``reading_version``,
    or one from before it was recorded): its predictions may differ a little from those it gave then.
    Training it again on the same data makes them agree with the current reading."""


def refuse_flags(flags: dict[str, object], where: str, hint: str = "leave it out") -> None:
    """Raise a :class:`ConfigError` for the first of ``flags`` (flag → value) that is set: a flag that would be
    ignored ``where`` it was given (say "--task aspect") is refused rather than silently dropped."""
    given = next((flag for flag, value in flags.items() if value), None)
    if given is not None:
        raise ConfigError(f"{given} does not apply to {where}; {hint}")


def reencode_hint(encoding: str = "latin1", file: bool = True) -> str:
    """How to turn ``encoding`` text (a ``file``, or text piped in or given as arguments) into UTF-8 on this
    platform: iconv, or on Windows (no iconv) an editor."""
    if sys.platform == "win32":
        return ("e.g. open it in Notepad and save it with the UTF-8 encoding" if file
                else "e.g. save the text from an editor with the UTF-8 encoding first")
    return f"e.g. iconv -f {encoding} -t utf-8" + (" IN > OUT" if file else "")


def with_article(word: str) -> str:
    """``word`` with its indefinite article, for messages: "an aspect", "a pipeline", "an onnx", and for
    a name without vowels, read letter by letter, "an mlp", "an lstm"."""
    spelt = not any(vowel in word.lower() for vowel in "aeiouy")
    vowel_sounds = "aefhilmnorsx" if spelt else "aeiou"
    return f"{'an' if word[:1].lower() in vowel_sounds else 'a'} {word}"


def on_one_line(text) -> str:
    """``text`` (a label, term, name or text) for one line of a table or a tab-separated output line: its tabs
    and line breaks escaped (``\\t``, ``\\n``, ``\\r``), so that a multi-line text or a crafted label name makes
    no line of its own."""
    return str(text).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless one, for messages: "1 text", "2 texts", "3 label lists"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def did_you_mean(name: str, candidates, owners: dict[str, str] | None = None) -> str:
    """`` (did you mean 'hidden_sizes'?)`` for a mistyped ``name`` close to one of ``candidates``, else "";
    ``owners`` names where a candidate belongs when that is not where it was given (", an option of word2vec")."""
    import difflib

    candidates = [str(c) for c in candidates]
    same = [c for c in candidates if c.lower() == str(name).lower()]  # "c" for "C": too short for difflib
    # the start of one name ("ngram" for "ngram_range"), which difflib finds too far from the whole
    started = [c for c in candidates if len(str(name)) >= 3 and c.lower().startswith(str(name).lower())]
    close = same or (started if len(started) == 1 else []) or difflib.get_close_matches(str(name), candidates, n=1, cutoff=0.75)
    if not close:
        return ""
    owner = (owners or {}).get(close[0])
    return f" (did you mean {close[0]!r}{f', an option of {owner}' if owner else ''}?)"


def known_options(what: str):
    """Class decorator: a keyword argument the constructor does not take is a ConfigError naming the valid
    ones (not Python's TypeError); ``what`` names the object in the message. The signature stays the same
    for ``inspect`` (functools.wraps)."""
    import functools
    import inspect

    def decorate(cls):
        init = cls.__init__
        names = [name for name in inspect.signature(init).parameters if name != "self"]

        @functools.wraps(init)
        def checked_init(self, *args, **options):
            unknown = sorted(set(options) - set(names))
            if unknown:
                raise ConfigError(f"{unknown[0]!r} is not an option of {what}{did_you_mean(unknown[0], names)}; "
                                  f"choose from: {', '.join(names)}")
            init(self, *args, **options)

        cls.__init__ = checked_init
        return cls

    return decorate


def or_list(names) -> str:
    """``"a, b or c"``: names for a sentence."""
    return _joined(list(names), "or")


def and_list(names) -> str:
    """``"a, b and c"``: names for a sentence."""
    return _joined(list(names), "and")


def _joined(names: list[str], word: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def say_unread(names: list[str], why: str, otherwise: str = "") -> None:
    """An IgnoredOptionWarning that the options ``names`` (given) change nothing ``why``, pointing at the first
    caller outside this package (of ``fit``, or of the CLI's check)."""
    import warnings

    verb, pronoun = ("changes", "it") if len(names) == 1 else ("change", "them")
    warnings.warn(IgnoredOptionWarning(f"{and_list(names)} {verb} nothing {why}; leave {pronoun} out{otherwise}"),
                  stacklevel=caller_stacklevel())


def caller_stacklevel() -> int:
    """For a ``warnings.warn`` in the function that calls this one: the ``stacklevel`` of the first frame
    above it whose code is not this package's (1 is that function itself, 2 its caller ...), so that a
    warning points at the user's line whichever path of the package raised it."""
    import contextlib

    package, context_managers = os.path.dirname(os.path.abspath(__file__)), os.path.abspath(contextlib.__file__)
    frame, level = sys._getframe(2), 2
    while frame is not None and (os.path.abspath(frame.f_code.co_filename).startswith(package + os.sep)
                                 or os.path.abspath(frame.f_code.co_filename) == context_managers):  # a `with` of ours
        frame, level = frame.f_back, level + 1
    return level
