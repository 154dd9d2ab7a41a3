"""The pipeline: cleaning -> vectorizer -> model, as one scikit-learn-compatible estimator.

>>> from sentiment import Pipeline
>>> pipe = Pipeline(vectorizer="tfidf", model="logreg", C=10.0)
>>> pipe = pipe.fit(["great fun", "loved it", "awful", "not good at all"], ["pos", "pos", "neg", "neg"])
>>> pipe.predict(["great", "awful"]).tolist()
['pos', 'neg']

Options are flat keyword arguments; each belongs to the cleaner (see :class:`~sentiment.cleaning.Cleaner`),
the chosen vectorizer, the chosen model or the pipeline itself (``grouping``), and
``Pipeline.options_for(vectorizer, model)`` lists them.

Several labels per text (multi-label, e.g. emotions): give each text a list of labels. Each label then
gets its own probability and decision threshold:

>>> texts = ["so happy", "scared and sad", "sad day", "happy and scared", "a happy day", "so scared"]
>>> labels = [["joy"], ["fear", "sadness"], ["sadness"], ["joy", "fear"], ["joy"], ["fear"]]
>>> Pipeline(C=10.0).fit(texts, labels).predict(["happy", "sad and scared"])
[['joy'], ['fear', 'sadness']]

The class follows scikit-learn's estimator contract (``get_params``/``set_params``, learned state ending
in ``_``), so ``clone``, ``cross_val_score`` and ``GridSearchCV`` work, without importing scikit-learn
when only predicting.
"""

from __future__ import annotations

import importlib
import os
import time
import warnings
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

import numpy as np

from .checks import (LABEL_SETS, check_flag, check_fraction, check_label_sets, check_labels, check_sample_weight,
                     check_texts, check_training_texts, holds_lone_surrogate, is_multi_label, label_array, label_list,
                     label_spelling_note)
from .cleaning import CLEANER_OPTION_HELP, READING_VERSION, Cleaner
from .data import joined_label
from .errors import (AbsentLabelWarning, ConfigError, DataError, LabelSpellingWarning, ModelFileError,
                     NotFittedError, TuningWarning, UnknownLabelsError, caller_stacklevel, counted, say_unread,
                     with_article)
from .groupings import GROUPINGS, group_labels, group_of, resolve_grouping
from .multilabel import (DEFAULT_THRESHOLD, MIN_POSITIVES, checked_thresholds, chosen_labels, decide, macro_f1,
                         tune_thresholds)
from .options import (OptionAttributes, all_option_names, canonical_options, cleaner_options, saved_cleaner,
                      say_unsaved_changes, split_options, unknown_name_hint)
from .persistence import (INCONSISTENT_MODEL, check_columns, check_extra, config_header, inconsistent_model, jsonable, read_config, read_model,
                          saved_reading, warn_of_reading, write_model)
from .progress import FitProgress, clean_tokens
from .registry import available, resolve
from .splits import weighted_split
from .tasks import DEFAULT_MODEL, DEFAULT_TASK, DEFAULT_VECTORIZER, TASKS, get_task

# The pipeline's own options (the per-task configurations are in sentiment/tasks.py).
# grouping: "ekman" or "sentiment": learn (and score) the groups of fine labels; tune_fraction: with several
# labels per text and no dev data, the share of the training texts held out to tune the label thresholds
PIPELINE_OPTIONS = {"grouping": None, "tune_fraction": 0.1}
PIPELINE_OPTION_HELP = {
    "grouping": 'learn GoEmotions\' emotion groups: "ekman" or "sentiment" (null: the labels as given)',
    "tune_fraction": "several labels per text, no dev data: share held out to tune the thresholds (0: all 0.5)",
}
# What fit learns; reading one of these from an unfitted pipeline is a NotFittedError (an AttributeError).
FITTED_ATTRIBUTES = frozenset({"classes_", "label_names_", "label_ids_", "multi_label_", "thresholds_", "cleaner_", "vectorizer_",
                               "model_", "info_", "config_", "reading_version_"})

SCORE_DECIMALS = 6  # how the annotations of every task round their scores
MAX_EXPLAINED_WORDS = 5000  # the longest text explain takes by default: 5,001 predictions of it take minutes

POLARITY_NAMES = {
    2: ["negative", "positive"],
    5: ["very negative", "negative", "neutral", "positive", "very positive"],
}


class Classifier:
    """What a fitted classifier of texts offers: probabilities, labels, annotations and a score.

    Shared by :class:`Pipeline` and :class:`~sentiment.ensemble.Ensemble`, which provide ``_evidence``
    (the probabilities and known-feature counts behind ``predict_proba`` and ``known_features``),
    ``classes_``, ``label_names_``, ``multi_label_``, ``thresholds_`` (several labels per text),
    ``_grouped``, ``_name_map`` and ``_check_fitted``.
    """

    def _named(self, labels: Sequence) -> list:
        """``labels`` (or label sets) with each value the fitted model can name by its name (``_name_map``), as
        ``evaluate`` groups gold labels the model never learnt (an id given a name at fit: 19 is "nervousness")."""
        return named_labels(label_list(labels), self._name_map())

    def predict(self, texts: Sequence[str], *, top_if_none: bool = False) -> np.ndarray | list[list]:
        """The most probable label of each text.

        With several labels per text: per text, the list of labels whose probability reaches their
        threshold, most probable first; ``top_if_none`` gives the most probable label to a text where none does.
        """
        self._check_fitted()
        check_flag(top_if_none, "top_if_none", "the most probable label where none passes its threshold")
        probabilities = self.predict_proba(texts)
        if not self.multi_label_:
            return self.classes_[probabilities.argmax(axis=1)]
        chosen = decide(probabilities, self.thresholds_, top_if_none)
        return [self.classes_[row].tolist() for row in chosen_labels(probabilities, chosen)]

    def annotate(self, texts: Sequence[str], *, top_if_none: bool = False,
                 known_features: bool = False) -> list[dict[str, Any]]:
        """Per text: ``{"text", "label", "scores": {label name: probability}}``, labels by their names.

        With several labels per text: ``{"text", "labels": [names, most probable first], "scores"}``
        (``top_if_none`` as in :meth:`predict`, and then ``"below_threshold"``: whether the label was given
        although none passes its threshold). ``known_features=True`` adds ``"known_features"``, what
        :meth:`known_features` counts (0: the label is a guess without evidence), from the same cleaning.

        >>> pipe.annotate(["great"])[0]["label"]  # doctest: +SKIP
        'positive'
        """
        texts = check_texts(texts)
        check_flag(top_if_none, "top_if_none", "the most probable label where none passes its threshold")
        check_flag(known_features, "known_features", "each text's count of words the model knows")
        probabilities, known = self._finite(*self._evidence(texts, known_features))
        chosen = decide(probabilities, self.thresholds_, top_if_none) if self.multi_label_ else None
        results = annotations(texts, probabilities, self.label_names_, chosen)
        if chosen is not None and top_if_none:
            for result, none_passed in zip(results, ~decide(probabilities, self.thresholds_).any(axis=1)):
                result["below_threshold"] = bool(none_passed)
        if known is not None:
            for result, n in zip(results, known):
                result["known_features"] = int(n)
        return results

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in the order of ``classes_`` (rows sum to 1).

        With several labels per text, each column is that label's own score (rows need not sum to 1),
        to compare with its threshold in ``thresholds_``."""
        return self._finite(*self._evidence(check_texts(texts)))[0]

    def predict_log_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The natural log of :meth:`predict_proba` (scikit-learn's ``predict_log_proba``; a probability of 0
        gives ``-inf``)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(texts))

    def known_features(self, texts: Sequence[str]) -> np.ndarray:
        """How many features of each text (distinct n-grams, or words with a vector) the fitted vectorizer
        knows; where none, the prediction is the model's guess without evidence (e.g. a text in another
        language)."""
        return self._evidence(check_texts(texts), known=True, proba=False)[1]

    def explain(self, texts: Sequence[str], *, label=None, top: int | None = 10,
                max_words: int | None = MAX_EXPLAINED_WORDS) -> list[dict[str, Any]]:
        """Which words move each text's prediction: per text ``{"text", "label", "score", "words"}``, the
        ``top`` words (every one with ``None``) as ``{"word", "from", "to", "weight", "count"}``, where the
        weight is how far the log-odds of ``label`` (a value or display name; default: the predicted label,
        with several labels per text the most probable one that passes its threshold, else the most
        probable) fall when the word is left out, with its ``count`` copies (below 0: it speaks against the
        label). Any model, by occlusion: a text of n distinct words costs n + 1 predictions, so a text of
        more than ``max_words`` words is refused (``None``: no limit; :func:`sentiment.explanation.explain`).

        >>> pipe.explain(["Dull and far too long."])[0]["words"][0]  # doctest: +SKIP
        {'word': 'Dull', 'from': 0, 'to': 4, 'weight': 5.32, 'count': 1}
        """
        from .explanation import explain

        return explain(self, texts, label=label, top=top, max_words=max_words)

    def __sklearn_tags__(self):
        """scikit-learn's tags: a classifier of texts (scorers, ``is_classifier``, ``check_is_fitted`` read them)."""
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(one_d_array=True, two_d_array=False, string=True),
            requires_fit=True,
        )

    def _evidence(self, texts: list[str], known: bool = False, proba: bool = True) -> tuple:
        """``(probabilities or None, known feature counts or None)`` of checked ``texts``, cleaned once."""
        raise NotImplementedError

    @staticmethod
    def _finite(probabilities: np.ndarray, known) -> tuple:
        """``(probabilities, known)`` as :meth:`_evidence` gives them, refusing scores that are not numbers
        (weights edited by hand past float32's range), which would print as NaN and break JSON output."""
        bad = ~np.isfinite(probabilities).all(axis=1)
        if bad.any():
            raise ModelFileError(f"the model gives text {int(bad.argmax())} scores that are not numbers (NaN); its "
                                 "weights are damaged: restore the model or train it again")
        return probabilities, known

    def score(self, texts: Sequence[str], labels: Sequence, sample_weight: Sequence[float] | None = None) -> float:
        """Accuracy on ``texts`` (scikit-learn's default score for classifiers); with several labels per
        text, the macro-F1 over the labels true or predicted for some text (as ``evaluate`` gives it).
        A label the model never saw counts as one it never predicts (wrong, as in scikit-learn's scores;
        a cross-validation fold may hold one that its training part lacks); when the model knows none of
        the labels (0/1 given to a model of "neg"/"pos"), an AbsentLabelWarning says so. ``sample_weight``: one weight
        per text, in the accuracy or in the counts behind the F1."""
        from .labels import label_codes

        self._check_fitted()
        texts = check_texts(texts)
        truth = label_codes(self, self._grouped(label_list(labels)), texts, unseen=True)  # values or display names
        n_known = len(self.classes_)
        if len(texts) and not (truth[:, :n_known].any() if self.multi_label_ else (truth < n_known).any()):
            given = sorted({str(y) for y in np.ravel(label_list(labels)).tolist()}) if not self.multi_label_ else []
            warnings.warn(AbsentLabelWarning(
                f"none of the labels is one the model knows ({', '.join(map(str, self.label_names_))}), so every "
                "text counts as wrong: name the labels as the model does (its values or display names), unless this "
                "is a cross-validation fold of a class that its training part lacks", given, self.label_names_),
                stacklevel=caller_stacklevel())
        weights = None if sample_weight is None else check_sample_weight(sample_weight, len(texts), scoring=True)
        probabilities = self.predict_proba(texts)
        if self.multi_label_:
            predicted = decide(probabilities, self.thresholds_)
            predicted = np.pad(predicted, ((0, 0), (0, truth.shape[1] - predicted.shape[1])))  # unseen labels
            return macro_f1(truth, predicted, weights)[0]
        return float(np.average(probabilities.argmax(axis=1) == truth, weights=weights))

    # -- scikit-learn's metadata routing (sklearn.set_config(enable_metadata_routing=True)) ----------------
    def set_fit_request(self, *, sample_weight: bool | str | None = None) -> "Classifier":
        """Whether ``fit`` asks for ``sample_weight`` where scikit-learn routes metadata (a search or
        ``cross_validate(params=...)`` with metadata routing on): True, False, None (the default: an error
        if one is passed) or the name it is passed by. scikit-learn is read only here, so that ``import
        sentiment`` stays light. Returns the estimator."""
        return self._request("fit", sample_weight)

    def set_score_request(self, *, sample_weight: bool | str | None = None) -> "Classifier":
        """As :meth:`set_fit_request`, for ``score``."""
        return self._request("score", sample_weight)

    def _request(self, method: str, sample_weight) -> "Classifier":
        if not (sample_weight is None or isinstance(sample_weight, (bool, str))):
            raise ConfigError(f"sample_weight of set_{method}_request must be True, False, None or a name, "
                              f"not {sample_weight!r}")
        self._metadata_requests = {**self.__dict__.get("_metadata_requests", {}), method: sample_weight}
        return self

    def get_metadata_routing(self):
        """scikit-learn's ``MetadataRequest`` of this estimator: ``sample_weight`` for ``fit`` and ``score``, as
        :meth:`set_fit_request` and :meth:`set_score_request` set it."""
        from sklearn.utils.metadata_routing import MetadataRequest

        request = MetadataRequest(owner=type(self).__name__)
        asked = self.__dict__.get("_metadata_requests", {})
        for method in ("fit", "score"):
            getattr(request, method).add_request(param="sample_weight", alias=asked.get(method))
        return request


class Pipeline(OptionAttributes, Classifier):
    """Clean texts, vectorize them and classify them; one estimator chosen by names.

    Parameters
    ----------
    vectorizer : str or None
        ``"count"``, ``"tfidf"`` or ``"word2vec"`` (see ``sentiment.available("vectorizer")``); None (the
        default): the one the model reads, ``"word2vec"`` for the token sequences of ``"lstm"``, else
        ``"tfidf"``.
    model : str
        ``"logreg"``, ``"linearsvm"``, ``"nb"``, ``"complement_nb"``, ``"nbsvm"``, or the PyTorch models
        ``"mlp"`` and ``"lstm"`` (the latter with ``vectorizer="word2vec"``; see ``sentiment.available("model")``).
    **options
        Settings of the cleaner, the vectorizer and the model, e.g. ``ngram_range=(1, 3)``, ``C=4.0``,
        ``negation=False``, and of the pipeline: ``grouping="ekman"`` or ``"sentiment"`` maps fine emotion
        labels to their groups (:mod:`sentiment.groupings`) before training and scoring; with several
        labels per text and no dev data, ``tune_fraction`` (default 0.1; 0: none, every threshold 0.5)
        of the training texts is held out to tune the labels' thresholds. An option that none of the
        stages has is an error.

    Options are also attributes, as for scikit-learn estimators: ``pipe.C`` is the value given (else the
    chosen stage's default), ``pipe.C = 4.0`` is ``pipe.set_params(C=4.0)``. Learned state ends in ``_`` (``classes_``, ``label_names_``,
    ``label_ids_``: the ``label_names`` given to fit, or None; ``multi_label_``, ``thresholds_``, ``cleaner_``,
    ``vectorizer_``, ``model_``, ``reading_version_``: the
    text-reading version it was trained under, None for a model saved before it was recorded; ``info_``:
    how many texts it learnt from and when; ``config_``: a loaded model's saved config, else empty) and
    exists once fitted.
    """

    _NAMED, _FITTED, _FITTED_MARK = ("vectorizer", "model"), FITTED_ATTRIBUTES, "model_"
    _HOW_TO_FIT = "call fit(texts, labels) or load a saved model"

    def __init__(self, vectorizer: str | None = None, model: str = DEFAULT_MODEL, **options: Any) -> None:
        self.vectorizer = vectorizer
        self.model = model
        self._options = dict(options)
        self._split_options()  # fail early on unknown names (fastText-style), like a TypeError would

    @property
    def tune_fraction(self) -> float:
        """The share of the texts held out to tune the label thresholds when several labels per text are
        fitted without dev data (the ``tune_fraction`` option, else its default)."""
        return self._options.get("tune_fraction", PIPELINE_OPTIONS["tune_fraction"])

    # -- scikit-learn estimator protocol ----------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's arguments: ``vectorizer``, ``model`` and every option given (scikit-learn's
        ``get_params``; ``deep`` is accepted and changes nothing, a pipeline holds no sub-estimators)."""
        return {"vectorizer": self.vectorizer, "model": self.model, **self._options}

    def set_params(self, **params: Any) -> "Pipeline":
        """Set ``vectorizer``, ``model`` or options (scikit-learn's ``set_params``); returns the pipeline.

        As in scikit-learn, a parameter name that no stage has (an option of no cleaner, vectorizer or
        model) is an error here (a ConfigError, which is a ValueError) and changes nothing, while values
        are checked by ``fit``: an unknown ``model`` name, or an option of another stage than the chosen
        ones (``C`` with ``model="nb"``, so that a grid can switch stages), is refused there (and by
        ``clone``, which builds a new pipeline as the constructor does). ``del pipe.C`` removes an option.
        """
        vectorizer = params.get("vectorizer", self.vectorizer)
        model = params.get("model", self.model)
        options = {k: v for k, v in params.items() if k not in ("vectorizer", "model")}
        try:
            known = set().union(*self.options_for(vectorizer, model).values())
        except ConfigError:  # an unknown stage name: fit says so
            known = set()
        unknown = sorted(set(options) - known)
        if unknown:
            everywhere = all_option_names(own=PIPELINE_OPTIONS)
            unknown = [name for name in unknown if name not in everywhere]
            if unknown:
                raise ConfigError(f"unknown option {unknown[0]!r}: no cleaner, vectorizer or model has it"
                                  f"{unknown_name_hint(unknown[0], everywhere)}; Pipeline.options_for(vectorizer, "
                                  "model) lists the options of each stage")
        object.__setattr__(self, "vectorizer", vectorizer)
        object.__setattr__(self, "model", model)
        self._options = {**self._options, **options}  # a new dict: a copy.copy of the pipeline keeps its own
        return self

    def __sklearn_clone__(self) -> "Pipeline":
        """scikit-learn's ``clone``: a new, unfitted pipeline with copies of the parameters, which (built by
        :meth:`for_task` for one label per text) still refuses lists of labels, as this one does."""
        import copy

        clone = type(self)(**copy.deepcopy(self.get_params()))
        for setting in ("_one_label_task", "_several_labels_task", "_metadata_requests"):
            if setting in self.__dict__:
                setattr(clone, setting, self.__dict__[setting])
        return clone

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"Pipeline({args})"

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    @property
    def vectorizer_name(self) -> str:
        """The vectorizer this pipeline uses: ``vectorizer``, or when that is None the one ``model`` reads
        (:func:`vectorizer_for`)."""
        return vectorizer_for(self.model) if self.vectorizer is None else self.vectorizer

    @staticmethod
    def options_for(vectorizer: str | None = None, model: str = DEFAULT_MODEL) -> dict[str, dict[str, Any]]:
        """The options (with defaults) of the cleaner, of the named vectorizer (None: the one ``model``
        reads) and model, and of the pipeline. Of any two stages: whether they work together (not tfidf + lstm,
        nor word2vec + nb) is checked where a pipeline of them is built (:meth:`build_stages`, ``fit``), so that
        scikit-learn's ``set_params`` may pass through such a pair."""
        vectorizer_stage, model_stage = Pipeline._stages(vectorizer, model)
        return {"cleaner": cleaner_options(), "vectorizer": dict(vectorizer_stage.defaults),
                "model": dict(model_stage.defaults), "pipeline": dict(PIPELINE_OPTIONS)}

    @staticmethod
    def option_help_for(vectorizer: str | None = None, model: str = DEFAULT_MODEL) -> dict[str, dict[str, str]]:
        """One line on each option of :meth:`options_for` (what ``sentiment options`` prints beside it)."""
        vectorizer_stage, model_stage = Pipeline._stages(vectorizer, model)
        return {"cleaner": dict(CLEANER_OPTION_HELP), "vectorizer": dict(vectorizer_stage.option_help),
                "model": dict(model_stage.option_help), "pipeline": dict(PIPELINE_OPTION_HELP)}

    @staticmethod
    def _stages(vectorizer: str | None, model: str) -> tuple[type, type]:
        """The vectorizer class (None: the one ``model`` reads) and the model class named."""
        return resolve("vectorizer", vectorizer_for(model) if vectorizer is None else vectorizer), resolve("model", model)

    @classmethod
    def for_task(cls, task: str, vectorizer: str | None = None, model: str | None = None, *,
                 multi_label: bool = False, **options: Any) -> "Pipeline":
        """A pipeline with the best configuration of ``task`` (``"polarity"``, ``"emotion"``) in the benchmarks,
        for one label per text or (``multi_label``) several.

        ``vectorizer``, ``model`` and ``options`` override it; the task's own options that the chosen
        stages do not have are left out. A model of token sequences (``lstm``) without a ``vectorizer``
        gets the one that gives them (``word2vec``), and a ``vectorizer`` whose values the task's model
        cannot read (``word2vec`` beside ``nbsvm``, which needs counts) without a ``model`` gets ``logreg``,
        the best classical model over word2vec in the benchmarks; stages given that cannot work together
        (``word2vec`` with ``model="nbsvm"``) are refused here, as ``fit`` would refuse them.

        >>> Pipeline.for_task("emotion", C=4.0).get_params()
        {'vectorizer': 'tfidf', 'model': 'nbsvm', 'negation': False, 'C': 4.0}
        """
        configurations = get_task(task).configurations
        if not configurations:
            raise ConfigError(f"the {task} task is not a text classifier; build it with its own class "
                              "(aspect: sentiment.aspects.AspectPipeline)")
        task_vectorizer, task_model, task_options = configurations.get("multi" if multi_label else "single",
                                                                       configurations["single"])
        if model is None and vectorizer is not None and not reads(task_model, vectorizer):
            model = DENSE_MODEL
        model = task_model if model is None else model  # ("" is refused as unknown, as a vectorizer "" is)
        if vectorizer is None:  # the task's, unless the model reads what only another gives (lstm: word2vec)
            natural = vectorizer_for(model)
            vectorizer = task_vectorizer if natural == DEFAULT_VECTORIZER else natural
        known = set().union(*cls.options_for(vectorizer, model).values())
        pipe = cls(vectorizer, model, **{**{k: v for k, v in task_options.items() if k in known}, **options})
        pipe.build_stages()  # e.g. word2vec given beside the task's nbsvm: said now, not when fit starts
        pipe._take_task(task, multi_label)
        return pipe

    def _take_task(self, task: str, multi_label: bool) -> None:
        """Take ``task``'s setting for one label per text or (``multi_label``) several: fit then refuses the
        other kind of labels (and so do clones and the saved model), and names integer labels as polarity
        for the polarity task only."""
        if not multi_label and "multi" in get_task(task).configurations:  # one label per text where several can be
            self._one_label_task = task
        if multi_label:  # labels one per text are refused
            self._several_labels_task = task

    @property
    def _task(self) -> str | None:
        """The task whose setting this pipeline has (:meth:`for_task`), or None."""
        return self.__dict__.get("_one_label_task") or self.__dict__.get("_several_labels_task")

    def _split_options(self) -> tuple[dict, dict, dict]:
        """The options of the cleaner, the vectorizer and the model (a ConfigError for a name none of them
        has; the values are checked by :meth:`build_stages`, as scikit-learn checks them in ``fit``, not in
        the constructor that ``clone`` calls)."""
        split = split_options(self._options, self.options_for(self.vectorizer, self.model),
                              f"vectorizer {self.vectorizer_name!r} and model {self.model!r}")
        return split["cleaner"], split["vectorizer"], split["model"]

    def build_stages(self) -> tuple:
        """The unfitted cleaner, vectorizer and model that ``fit`` trains, built from the options and checked to
        go together (:func:`check_stages`: e.g. tfidf + lstm, or device='cuda' without a GPU): a bad name or
        value fails here, cheaply (``sentiment fit`` calls it before reading the data)."""
        cleaner_options, vectorizer_options, model_options = self._split_options()
        if self._options.get("grouping") is not None:
            resolve_grouping(self._options["grouping"])
        check_fraction(self.tune_fraction, "tune_fraction (--tune-fraction)", zero=True)
        cleaner = checked_cleaner(cleaner_options)
        vectorizer = resolve("vectorizer", self.vectorizer_name)(**vectorizer_options)
        model = resolve("model", self.model)(**model_options)
        check_stages(vectorizer, model)
        return cleaner, vectorizer, model

    # -- training -------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence, *, dev: tuple[Sequence[str], Sequence] | None = None,
            label_names: dict | None = None, progress: bool = False, sample_weight: Sequence[float] | None = None):
        """Learn the vocabulary, features and model from ``texts`` and their ``labels``.

        ``labels`` holds one label per text, or one list (tuple, set) of labels per text for several
        labels per text: then every label gets its own probability, and its decision threshold is tuned
        on ``dev``, or without dev data on the ``tune_fraction`` of the texts held out from training
        (seed 0; see :mod:`sentiment.multilabel`).
        ``dev`` is an optional ``(texts, labels)`` pair that models trained by epochs also use for early
        stopping; a classical model of one label per text learns nothing from it (checked, then unused: score
        the fitted pipeline with :func:`~sentiment.evaluation.evaluate`, which an early-stopped network's
        dev figures would flatter). ``label_names`` maps label values to display names (``{0: "negative", 1: "positive"}``);
        without it, integer labels 0/1 and 0..4 are named as binary and 5-way polarity (but for a pipeline of
        :meth:`for_task` of another task than polarity, e.g. emotion ids: they stay numbers, as in the CLI).
        ``texts`` and ``labels`` may be lists, 1-D numpy arrays or pandas Series. ``sample_weight``: one weight
        per text (0, or from 1e-6 to 1e6), as scikit-learn's estimators take it: how much each text counts in the training
        loss (the thresholds' tuning and early stopping count every text once). Returns the pipeline.
        """
        texts = check_training_texts(texts)
        weights = None if sample_weight is None else check_sample_weight(sample_weight, len(texts))
        cleaner, vectorizer, model = self.build_stages()  # a bad option fails before the data are read
        label_ids = label_ids_of(label_names)
        if label_names is not None and self._options.get("grouping"):  # the grouping groups names: ids named first
            labels, dev = self._named_for_grouping(labels, dev, label_names, label_ids)
            label_names = None
        labels, multi_label = self._labels_to_learn(labels)
        if multi_label:
            self._check_learns_several(model)
        dev = _dev_pair(dev)
        n_tune = 0
        if multi_label and dev is None and self.tune_fraction:  # the thresholds are tuned on texts held out here
            texts, labels, weights, dev = self._hold_out_tune_part(texts, labels, weights)
            n_tune = 0 if dev is None else len(dev[0])
        targets, classes, names = self._targets_and_names(labels, len(texts), multi_label, label_names)
        # unknown dev labels fail before the (slow) cleaning, not after
        dev_targets = None if dev is None else self._dev_targets(dev[1], classes, names, multi_label, label_ids)
        weighting = _weighting(model, weights, targets, classes, names, multi_label, self._options.get("grouping"))
        with FitProgress(progress, len(texts)) as bar:
            docs = clean_tokens(cleaner, texts, bar)
            bar.stage(f"vectorizing ({self.vectorizer_name})")
            features = _training_features(vectorizer, model, docs)
            dev_data = None
            if dev is not None and (multi_label or getattr(model, "trains_by_epochs", False)):  # else unused:
                dev_data = (_model_input(vectorizer, model, cleaner.tokens_of(dev[0])), dev_targets)  # not cleaned
            bar.stage(f"training ({self.model})")
            model.fit(features, targets, dev=dev_data, vectorizer=vectorizer, labels=names, progress=progress, **weighting)
        thresholds, untuned = _label_thresholds(model, names, dev_data) if multi_label else (None, [])
        self._set_fitted((cleaner, vectorizer, model), multi_label, thresholds, classes, names, label_ids)
        given_dev = len(dev[0]) if dev_data is not None and getattr(model, "trains_by_epochs", False) else 0
        self.info_ = _fit_info(model, len(texts), n_tune, given_dev)
        if untuned:
            self.info_["untuned_labels"] = untuned
        return self

    def _named_for_grouping(self, labels: Sequence, dev, label_names: dict, label_ids: dict | None) -> tuple:
        """``(labels, dev)`` with each label (and dev label) that ``label_names`` names replaced by its name: the
        ``grouping`` groups names, so ids are named before it reads them."""
        labels = label_list(labels)
        classes = (check_label_sets if is_multi_label(labels) else check_labels)(labels, len(labels))[1]
        named = set(label_ids.values()) if label_ids else set()
        display_names(np.array([c for c in classes.tolist() if str(c) not in named], dtype=object),
                      label_names)  # (a name missing, given twice, empty: refused as without a grouping; a label
        labels = named_labels(labels, label_names)  # given by its name, as the CLI gives them, is named)
        if dev is not None:
            dev_texts, dev_labels = _dev_pair(dev)
            dev = (dev_texts, named_labels(dev_labels, label_names))
        return labels, dev

    def _labels_to_learn(self, labels: Sequence) -> tuple[Sequence, bool]:
        """``labels`` as fit learns them (a list, mapped to the ``grouping``'s groups), and whether they are
        several per text; labels that cannot be learnt (joined by ';', one group on every text, lists for a
        one-label task's setting) are refused."""
        labels = label_list(labels)
        joined = None if is_multi_label(labels) else joined_label(labels)
        if joined is not None:
            raise DataError(f"label {joined[0]} ({joined[1]!r}) joins labels of other texts by ';': for several labels "
                            "per text give each text a list of labels (e.g. labels.str.split(';')); if it is one "
                            "label of its own, rename it without ';'")
        labels = self._grouped(labels, fitting=True)
        multi_label = is_multi_label(labels)
        if self._options.get("grouping"):
            _check_groups_differ(labels, self._options["grouping"], multi_label)
        task = self.__dict__.get("_one_label_task")
        if multi_label and task:
            raise ConfigError(f"the labels are lists (several per text), and this pipeline has the {task} task's setting "
                              f"for one label per text; build it with Pipeline.for_task({task!r}, multi_label=True)")
        task = self.__dict__.get("_several_labels_task")
        if not multi_label and task:
            raise DataError(f"the labels are one per text, and this pipeline has the {task} task's setting for several "
                            "labels per text: give each text a list of labels (e.g. labels.str.split(';')), or build it "
                            f"with Pipeline.for_task({task!r}) for one label per text")
        return labels, multi_label

    def _check_learns_several(self, model) -> None:
        """Several labels per text: refused (naming the models that can) when ``model`` cannot learn them."""
        if not model.supports_multi_label:
            able = [name for name in available("model") if resolve("model", name).supports_multi_label]
            raise ConfigError(f"model {self.model!r} cannot learn several labels per text; use one of: {', '.join(able)}")

    def _hold_out_tune_part(self, texts: list[str], labels: list, weights) -> tuple:
        """Several labels per text without dev data: ``(texts, labels, weights, dev)``, the ``tune_fraction``
        of the texts that tunes the label thresholds held out as ``dev``; dev None (with a TuningWarning) when
        the texts are too few to hold any out."""
        check_label_sets(labels, len(texts))  # bad labels fail as they would without the split
        try:
            texts, labels, weights, *dev = weighted_split(texts, labels, weights, self.tune_fraction, part="tune",
                                                        fraction_name="tune_fraction", dev_name="dev=(texts, labels)")
            return texts, labels, weights, tuple(dev)
        except DataError:  # too few texts to hold any out (every one has a label of its own)
            warnings.warn("too few texts to hold out a part for tuning the label thresholds: they stay at "
                          f"{DEFAULT_THRESHOLD}; give more texts or dev=(texts, labels)", TuningWarning,
                          stacklevel=caller_stacklevel())
            return texts, labels, weights, None

    def _targets_and_names(self, labels: Sequence, n_texts: int, multi_label: bool, label_names: dict | None) -> tuple:
        """``(targets, classes, names)`` of the checked ``labels``: what the model learns, the label values, and their
        display names; labels that differ only in spelling get a LabelSpellingWarning."""
        targets, classes = (check_label_sets if multi_label else check_labels)(labels, n_texts)
        spelling = label_spelling_note(classes)
        if spelling:
            warnings.warn(spelling, LabelSpellingWarning, stacklevel=caller_stacklevel())
        # ids 0/1 or 0..4 name polarity for one label per text; several points of one scale per text are ids
        names = display_names(classes, label_names, polarity=self._task in (None, "polarity") and not multi_label)
        return targets, classes, names

    def _dev_targets(self, dev_labels: list, classes: np.ndarray, names: list[str], multi_label: bool,
                     label_ids: dict | None):
        """The targets of ``dev_labels`` (grouped as the training labels) in the training labels' order; a dev
        label that is none of them is refused in fit's words."""
        from .labels import targets_for

        try:
            return targets_for(classes, names, self._grouped(dev_labels, fitting=True), multi_label,
                               what="dev label", ids=label_ids)
        except UnknownLabelsError as exc:  # (its message is evaluate's: "evaluate a model trained with them")
            raise UnknownLabelsError(
                f"dev label(s) {', '.join(map(str, exc.unknown[:10]))} are none of the training labels "
                f"({', '.join(map(str, exc.known))}); fix them, or leave those texts out of dev", exc.unknown,
                exc.known) from None

    def _set_fitted(self, stages: tuple, multi_label: bool, thresholds: np.ndarray | None, classes: np.ndarray,
                    names: list[str], label_ids: dict | None) -> None:
        """Keep what fit learnt: the fitted ``(cleaner, vectorizer, model)``, the parameters they were fitted with,
        and the labels (``thresholds``: each label's, for several labels per text, else None)."""
        self.cleaner_, self.vectorizer_, self.model_ = stages
        # what save writes, whatever set_params changes after fit (a vectorizer left to the model stays None, so
        # that the loaded pipeline's get_params are these, and a clone of it given another model takes that one's)
        self._fitted_params = self.get_params()
        self.config_ = {}  # a loaded pipeline fitted again forgets the saved config
        self.multi_label_ = multi_label
        self.thresholds_ = thresholds
        self.classes_ = class_array(classes)
        self.label_names_ = names
        self.label_ids_ = label_ids
        self.reading_version_ = READING_VERSION

    # -- prediction -----------------------------------------------------------------------
    def _evidence(self, texts: list[str], known: bool = False, proba: bool = True) -> tuple:
        self._check_fitted()
        docs = self.cleaner_.tokens_of(texts)
        if not proba:
            return None, self.vectorizer_.n_known(docs) if known else None
        features, csr = self._features(docs)
        counts = None if not known else np.diff(csr.indptr) if csr is not None else self.vectorizer_.n_known(docs)
        return self.model_.predict_proba(features), counts  # n-grams: a text's known features are its row's entries

    def _features(self, docs: list[list[str]]) -> tuple:
        """What the model reads of cleaned ``docs`` and, for n-grams, their rows as plain CSR arrays (else None)."""
        if hasattr(self.vectorizer_, "transform_csr") and self.model_.input_kind != "sequences":
            csr = self.vectorizer_.transform_csr(docs)
            return (csr if getattr(self.model_, "reads_csr", False) else csr.to_scipy()), csr  # no scipy import if not needed
        return _model_input(self.vectorizer_, self.model_, docs), None

    @property
    def decision_function(self):
        """The linear models' scores of texts (``X @ coef.T + intercept``, before any link or calibration: logreg,
        linearsvm, nbsvm; nb and complement_nb, the classes' joint log-likelihoods), as scikit-learn's
        ``decision_function``: one per text for two classes (for ``classes_[1]``; naive Bayes: the difference
        of the two), else one column per class in the order of ``classes_``. The networks have none (an
        AttributeError, so that ``hasattr`` tells): their scores are probabilities, :meth:`predict_proba`."""
        try:
            model = self.__dict__.get("model_") or resolve("model", self.model)
        except ConfigError:  # a model name set_params left unchecked (fit says what is wrong)
            model = None
        if not hasattr(model, "decision_function"):
            raise AttributeError(f"model {self.model!r} has no decision_function (its scores are probabilities: "
                                 "predict_proba)")
        return self._decision_function

    def _decision_function(self, texts: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        scores = self.model_.decision_function(self._features(self.cleaner_.tokens_of(check_texts(texts)))[0])
        if self.multi_label_ or len(self.classes_) > 2:
            return scores
        return scores[:, 0] if scores.shape[1] == 1 else scores[:, 1] - scores[:, 0]

    # scikit-learn tells the kind of scores by the method's name (e.g. to flip them for pos_label=classes_[0])
    _decision_function.__name__ = "decision_function"
    _decision_function.__qualname__ = "Pipeline.decision_function"

    def _grouped(self, labels: Sequence, fitting: bool = False) -> Sequence:
        """``labels`` mapped to the groups of the grouping the model learnt, if any: a fitted pipeline's own,
        whatever ``set_params`` changed since (as its saved copy keeps it), or while ``fitting`` (and before a
        fit) the ``grouping`` option's."""
        fitted = getattr(self, "_fitted_params", None) if hasattr(self, "model_") and not fitting else None
        grouping = (fitted if fitted is not None else self._options).get("grouping")
        if not grouping or isinstance(labels, (str, bytes)):
            return labels
        ids = getattr(self, "label_ids_", None) if fitted is not None else None  # as fit named them first
        return group_labels(named_labels(labels, ids) if ids else labels, grouping)

    def _name_map(self) -> dict:
        """Label value (as text) -> name: the ``label_names`` given to fit (those of labels it never learnt
        too), else its classes' display names."""
        return getattr(self, "label_ids_", None) or dict(zip(map(str, self.classes_.tolist()), self.label_names_))

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("this Pipeline is not fitted yet; call fit(texts, labels) or load a saved model")

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike, *, extra: dict | None = None) -> "os.PathLike":
        """Write the fitted pipeline to the directory ``path`` (atomically; see :mod:`sentiment.persistence`).

        ``extra`` is stored in the config as it is (JSON-able), e.g. the data columns and dev metrics; a
        loaded pipeline saved again keeps what it was trained on (columns, data, dev metrics). Its keys
        cannot be those the config holds anyway (``pipeline``, ``labels``, ``files`` …). Returns ``path``.
        """
        self._check_fitted()
        check_extra(extra)
        say_unsaved_changes(self.get_params(), getattr(self, "_fitted_params", None))
        kept = {k: v for k, v in getattr(self, "config_", {}).items() if k in ("columns", "data", "metrics")}
        fitted = dict(getattr(self, "_fitted_params", None)  # else a pipeline pickled before it existed: its stages
                      or {**self._options, "vectorizer": self.vectorizer_.name, "model": self.model_.name})
        reading = getattr(self, "reading_version_", None)  # None: loaded from a model saved before it was kept
        config = {
            **config_header(reading=reading),
            "pipeline": {"vectorizer": fitted.pop("vectorizer"), "model": fitted.pop("model"),
                         "options": jsonable(fitted), **({"task": self._task} if self._task else {})},
            "cleaner": self.cleaner_.to_dict(),
            "stages": {
                "vectorizer": {"name": self.vectorizer_.name, "params": jsonable(self.vectorizer_.params)},
                "model": {"name": self.model_.name, "params": jsonable(self.model_.params)},
            },
            "labels": {"classes": jsonable(self.classes_.tolist()), "names": self.label_names_,
                       "multi_label": self.multi_label_,
                       **({"ids": self.label_ids_} if getattr(self, "label_ids_", None) else {})},
            "info": self.info_,
            **kept,
            **jsonable(extra or {}),
        }
        stages = {"vectorizer": self.vectorizer_.get_state(), "model": self.model_.get_state()}
        if self.multi_label_:  # (thresholds_ set by hand: refused before the folder is touched, as load would)
            thresholds = checked_thresholds(self.thresholds_, len(self.label_names_), "thresholds_")
            stages["thresholds"] = ({"labels": self.label_names_}, {"thresholds": thresholds})
        return write_model(path, config, stages)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Pipeline":
        """Rebuild a pipeline saved with :meth:`save`."""
        config, states = read_model(path)
        if config.get("kind") is not None and config["kind"] in KINDS:  # a model of another kind: load() takes it
            uses = ("sentiment vectorize --model takes it" if config["kind"] == "vectorizer"
                    else "the CLI's predict and evaluate take it as it is")
            raise ModelFileError(f"{path} holds {with_article(config['kind'])} model; load it with sentiment.load(path) "
                                 f"({uses})")
        _check_kind(config, path)
        check_columns(config, path)
        try:
            pipeline_config = config["pipeline"]
            pipe = cls(pipeline_config["vectorizer"], pipeline_config["model"],
                       **canonical_options(pipeline_config["options"],
                                           cls.options_for(pipeline_config["vectorizer"], pipeline_config["model"])))
            pipe.cleaner_ = saved_cleaner(config["cleaner"], pipe)
            pipe._fitted_params = pipe.get_params()
            built = {}
            for stage in ("vectorizer", "model"):
                spec = config["stages"][stage]
                named = pipe.vectorizer_name if stage == "vectorizer" else pipe.model  # a vectorizer None: the model's
                if spec["name"] != named:  # info and get_params would name the other
                    raise ValueError(f"its {stage} is {spec['name']!r} in one place, {named!r} in another")
                state, arrays = states[stage]
                built[stage] = resolve(stage, spec["name"]).from_state(spec["params"], state, arrays)
            pipe.vectorizer_, pipe.model_ = built["vectorizer"], built["model"]
            expected = pipe.vectorizer_.n_tokens if pipe.model_.input_kind == "sequences" else pipe.vectorizer_.n_features
            if pipe.model_.n_features_ != expected:
                raise ValueError("the model and the vectorizer disagree on the number of features")
            if not isinstance(config.get("labels"), dict) or not {"classes", "names"} <= set(config["labels"]):
                raise ValueError('its "labels" entry is not an object with "classes" and "names"')
            classes, names = config["labels"]["classes"], config["labels"]["names"]
            if not all(isinstance(values, list) and len({str(v) for v in values}) == len(values)
                       and all(isinstance(v, (str, int, float)) and v == v for v in values)  # no None, NaN, list
                       for values in (classes, names)):
                raise ValueError("its labels are not lists of distinct values")
            pipe.classes_ = class_array(classes)
            if len(set(pipe.classes_.tolist())) != len(classes):  # 1 and 1.0, or 1 and true: one label as read
                raise ValueError("its labels are not lists of distinct values")
            pipe.label_names_ = [str(n) for n in names]
            if not all(name.strip() for name in pipe.label_names_):  # as fit gives them: never empty
                raise ValueError("a label name is empty")
            pipe.label_ids_ = config["labels"].get("ids")
            if pipe.label_ids_ is not None and not (isinstance(pipe.label_ids_, dict) and pipe.label_ids_ and all(
                    isinstance(name, str) and name.strip() for name in pipe.label_ids_.values())):
                raise ValueError('its label "ids" are not an object of label -> name')
            if pipe._options.get("grouping") not in (None, *GROUPINGS):
                raise ValueError(f"its grouping {pipe._options['grouping']!r} is none this package knows")
            weights = pipe._options.get("class_weight")
            if isinstance(weights, dict):  # JSON keys are text: back to the classes they name (class_weight={0: 3})
                by_text = {str(c): c for c in pipe.classes_.tolist()}
                weights = {by_text.get(key, key): value for key, value in weights.items()}
                pipe._options["class_weight"] = pipe._fitted_params["class_weight"] = weights
            if not (len(pipe.classes_) == len(pipe.label_names_) == pipe.model_.n_classes_):
                raise ValueError("the label list does not match the model")
            pipe.multi_label_ = config["labels"].get("multi_label", False)
            if not isinstance(pipe.multi_label_, bool):
                raise ValueError(f"its multi_label {pipe.multi_label_!r} is neither true nor false")
            if getattr(pipe.model_, "multi_label_", False) != pipe.multi_label_:
                raise ValueError("the model and the label list disagree on several labels per text")
            pipe.thresholds_ = _thresholds(states["thresholds"], len(pipe.label_names_)) if pipe.multi_label_ else None
            pipe.info_ = dict(config.get("info", {}))
            pipe.reading_version_ = saved_reading(config)
            pipe.config_ = config
            if pipeline_config.get("task") in TASKS:  # a refit or clone keeps the task's setting
                pipe._take_task(pipeline_config["task"], pipe.multi_label_)
        except INCONSISTENT_MODEL as exc:
            raise inconsistent_model(path, "sentiment model", exc, config) from None
        warn_of_reading(pipe.reading_version_, path, pipe.cleaner_, cleaner_only=True)
        pipe.loaded_from_ = os.path.abspath(path)  # an ensemble of it is not saved over it (Ensemble.save)
        return pipe


def load(path: str | os.PathLike | None = None, *, task: str | None = None):
    """Load a saved pipeline, ensemble, aspect model or text vectorizer (whichever the directory holds); without ``path``,
    the default English model of ``task`` (``"polarity"``, the default, ``"emotion"`` or ``"aspect"``).

    >>> from sentiment import load
    >>> load().annotate(["What a wonderful film!"])[0]["label"]
    'positive'
    """
    from .default_models import default_model_path

    if path is not None and task is not None:
        raise ConfigError(f"give a model path or a task (which picks a shipped model), not both: path={str(path)!r}, "
                          f"task={task!r}")
    path = default_model_path(task or DEFAULT_TASK) if path is None else path
    # a save by another process swaps the folder as a whole, and a load that overlaps it reads files of both
    # (a checksum that does not match) or of neither (between the swap's two renames): read it again then
    for wait in (*RELOAD_WAITS_S, None):
        seen = _folder_identity(path)
        try:
            model = _load_once(path)
            break
        except (ModelFileError, FileNotFoundError):
            now = _folder_identity(path)
            if now == seen:  # not replaced while it was read: what the error says is so
                raise
            if wait is None:
                raise ModelFileError(f"{path} was replaced again and again while it was read (another process saving "
                                     "over it); load it once that is done") from None
            time.sleep(wait)
    if task is not None and isinstance(model, Pipeline) and model._task is None:  # a shipped model saved without it
        model._take_task(task, model.multi_label_)
    return model


RELOAD_WAITS_S = (0.05, 0.2, 0.5, 1.0)  # before each new try of a load that a concurrent save overlapped


def _load_once(path):
    config = read_config(path)  # the kind only: the loader of that kind reads and verifies the files
    _check_kind(config, path)
    module, name = LOADERS[config.get("kind")].split(":")
    return getattr(importlib.import_module(module, __package__), name).load(path)


def _folder_identity(path) -> tuple[int, int] | None:
    """The device and inode of the folder at ``path`` (through links), which a save replaces; None where
    there is none."""
    try:
        status = os.stat(path)
    except (OSError, ValueError, TypeError):  # (a path that is no path: load says so)
        return None
    return status.st_dev, status.st_ino


# config.json "kind" -> the class whose load reads it (imported when needed: aspects need PyTorch); None (no
# "kind") is a Pipeline, "vectorizer" a TextVectorizer, which labels nothing
LOADERS = {None: ".pipeline:Pipeline", "ensemble": ".ensemble:Ensemble", "aspect": ".aspects.pipeline:AspectPipeline",
           "vectorizer": ".text_vectorizer:TextVectorizer"}
KINDS = tuple(LOADERS)


def _check_kind(config: dict, path) -> None:
    if config.get("kind") not in KINDS:
        raise ModelFileError(f"{path} holds a model of kind {config.get('kind')!r}, which this version of sentiment "
                             "does not know; install a newer version of this package (pip install -U . in its source "
                             "folder) or train the model again")


def annotations(texts: list[str], probabilities: np.ndarray, names: list[str],
                chosen: np.ndarray | None = None) -> list[dict[str, Any]]:
    """``{"text", "label", "scores"}`` per text, from class probabilities and label names; given the
    ``chosen`` labels (several labels per text), ``{"text", "labels", "scores"}``."""
    scores = [{name: round(float(p), SCORE_DECIMALS) for name, p in zip(names, row)} for row in probabilities]
    if chosen is not None:
        return [
            {"text": text, "labels": [names[j] for j in picked], "scores": row_scores}
            for text, picked, row_scores in zip(texts, chosen_labels(probabilities, chosen), scores)
        ]
    return [
        {"text": text, "label": names[int(row.argmax())], "scores": row_scores}
        for text, row, row_scores in zip(texts, probabilities, scores)
    ]


# -- helpers ---------------------------------------------------------------------------------


def _check_groups_differ(grouped: list, grouping: str, multi_label: bool) -> None:
    """Refuse labels that the ``grouping`` maps to one group on every text (anger, disgust and sadness are all
    "negative"): there is nothing to learn, and the labels given do not name that group."""
    if multi_label:
        common = set.intersection(*(set(group) for group in grouped)) if grouped else set()
    else:
        common = set(grouped) if len(set(grouped)) == 1 else set()
    if common:
        raise DataError(f"the {grouping} grouping gives every text the group {sorted(map(str, common))[0]!r}, so there "
                        "is nothing to learn about it; train on texts of other groups too, or leave out the grouping")


def _check_weighted_classes(weights: np.ndarray, targets: np.ndarray, names: list[str]) -> None:
    """Refuse sample weights under which a class (with several labels per text: a label's texts) weighs
    nothing: nothing would be learnt about it, and the model would still give it (naive Bayes its log of 0)."""
    if targets.ndim == 1:
        totals = np.bincount(targets, weights=weights, minlength=len(names))
    else:
        totals = weights @ targets
        without = weights @ (1 - targets)  # each label's negative examples count too
        lacking = np.flatnonzero(without <= 0)
        if len(lacking):
            raise DataError(f"the texts without label {names[lacking[0]]!r} all have sample_weight 0, so nothing "
                            "would be learnt about it; give some of them a positive weight")
    empty = np.flatnonzero(totals <= 0)
    if len(empty):
        raise DataError(f"the texts of {'label' if targets.ndim == 2 else 'class'} {names[empty[0]]!r} all have "
                        "sample_weight 0, so nothing would be learnt about it; give some of them a positive weight, "
                        "or leave its texts out")


def _class_weights(weights: dict, classes: np.ndarray, names: list[str], multi_label: bool,
                   grouping: str | None = None) -> np.ndarray:
    """A ``class_weight`` dict (labels as values or display names) as one weight per class, 1 where unnamed. A
    label no training text has is left out with a warning, as a cross-validation fold may lack a rare class
    (scikit-learn leaves it out silently; a typo is said); under a ``grouping``, a label that it puts in a
    group is refused (the classes are the groups)."""
    from .labels import codes_for

    if multi_label:
        raise ConfigError("class_weight as a dict of labels goes with one label per text; with several labels per "
                          "text use class_weight='balanced'")
    codes = codes_for(classes, names, list(weights), unseen=True)  # a label of no class: an index past them
    absent = [key for key, code in zip(weights, codes) if code >= len(classes)]
    member_of = group_of(resolve_grouping(grouping)) if grouping else {}
    grouped = [key for key in absent if isinstance(key, str) and member_of.get(key, key) != key]  # not a group
    if grouped:
        raise ConfigError(f"class_weight names {grouped[0]!r}, which the {grouping} grouping puts in its group "
                          f"{member_of[grouped[0]]!r}; the model learns the groups, so weigh those: "
                          f"{', '.join(map(str, names))}")
    if absent:
        warnings.warn(AbsentLabelWarning(f"class_weight names {', '.join(map(repr, absent))}, which no training text "
                                         f"has as its label, so it weighs nothing here; the labels are: "
                                         f"{', '.join(map(str, names))}", absent, names),
                      stacklevel=caller_stacklevel())
    known = codes[codes < len(classes)]
    if len(set(known.tolist())) < len(known):
        raise ConfigError("class_weight names one class twice (by its value and by its display name); name it once")
    per_class = np.ones(len(classes))
    per_class[known] = [weight for weight, code in zip(weights.values(), codes) if code < len(classes)]
    return per_class


def _weighting(model, weights, targets: np.ndarray, classes: np.ndarray, names: list[str], multi_label: bool,
               grouping: str | None = None) -> dict:
    """What ``model.fit`` takes to weigh the training loss: ``class_weights`` for a ``class_weight`` dict of
    labels (of the ``grouping``'s groups, where there is one) and the checked ``sample_weight``, as given."""
    weighting = {}
    if isinstance(model.params.get("class_weight"), dict):
        weighting["class_weights"] = _class_weights(model.params["class_weight"], classes, names, multi_label,
                                                    grouping)
    if weights is not None:
        _check_weighted_classes(weights, targets, names)
        weighting["sample_weight"] = weights
    return weighting


def _training_features(vectorizer, model, docs: list[list[str]]):
    """What ``model`` trains on, from cleaned ``docs``: the ``vectorizer`` learns their words (and features), then gives
    their token ids (lstm) or their vectors."""
    if model.input_kind == "sequences":  # token ids (lstm), of the words the vectorizer learns
        return vectorizer.fit(docs).sequences(docs)
    return vectorizer.fit_transform(docs)


def _label_thresholds(model, names: list[str], dev_data: tuple | None) -> tuple[np.ndarray, list[str]]:
    """Several labels per text: each label's decision threshold, tuned on ``dev_data`` (features, targets) when
    there are dev (or tune) texts, else ``DEFAULT_THRESHOLD``; and the labels too rare there to tune, which keep
    ``DEFAULT_THRESHOLD``."""
    if dev_data is None:
        return np.full(len(names), DEFAULT_THRESHOLD), []
    thresholds = tune_thresholds(dev_data[1], model.predict_proba(dev_data[0]))
    return thresholds, [name for name, n in zip(names, np.asarray(dev_data[1]).sum(axis=0)) if n < MIN_POSITIVES]


def _fit_info(model, n_texts: int, n_tune: int, n_dev: int = 0) -> dict:
    """``info_`` of a fit on ``n_texts`` texts (``n_tune`` more held out to tune the thresholds; ``n_dev``: the dev
    texts given, on which a model trained by epochs stopped): with ``vectorized_on``, the texts the cleaning and
    vectorizer learnt from, where the model held some of them out."""
    trained_on = getattr(model, "n_trained_", n_texts)  # a model trained by epochs holds some out to stop
    stopping_on = n_dev or n_texts - trained_on
    return {"trained_on": trained_on, **({"early_stopping_on": stopping_on} if stopping_on else {}),
            **({"vectorized_on": n_texts} if n_texts != trained_on else {}),  # the vectorizer learnt from them all
            **({"tuned_on": n_tune} if n_tune else {}),
            **getattr(model, "fit_info_", {}),  # a network's device, epochs run and best epoch
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}


DENSE_MODEL = "logreg"  # for_task's model over a vectorizer that the task's own model cannot read


def vectorizer_for(model: Any) -> str:
    """The vectorizer a pipeline of ``model`` gets when none is named: one that gives token sequences
    (``word2vec``) for a model that reads them (``lstm``), else ``tfidf``; an unknown model name gets
    ``tfidf`` too, and is refused where the model is built."""
    try:
        sequences = resolve("model", model).input_kind == "sequences"
    except ConfigError:
        return DEFAULT_VECTORIZER
    if not sequences:
        return DEFAULT_VECTORIZER
    return next(name for name in available("vectorizer") if hasattr(resolve("vectorizer", name), "sequences"))


def reads(model: str, vectorizer: str) -> bool:
    """Whether the registered ``model`` can read what ``vectorizer`` gives (one that needs non-negative
    features cannot read word2vec's standardised vectors)."""
    return not (getattr(resolve("model", model), "needs_nonnegative", False)
                and not getattr(resolve("vectorizer", vectorizer), "nonnegative", True))


def class_array(classes) -> np.ndarray:
    """The classes as ``classes_`` holds them: text labels in an object array (as scikit-learn keeps them), so
    that an array of predictions takes any label, not only those as long as the longest class ("very positive"
    cut to "very pos"); numbers as numbers, whole numbers whole (:func:`~sentiment.checks.label_array`)."""
    values = label_array(classes)
    return values.astype(object) if values.dtype.kind in "US" else values


def _dev_pair(dev: Any) -> tuple | None:
    """``dev`` checked to be ``None`` or a ``(texts, labels)`` pair of equal length."""
    if dev is None:
        return None
    if isinstance(dev, (str, bytes)) or not isinstance(dev, (tuple, list)) or len(dev) != 2:
        raise DataError("dev must be a (texts, labels) pair, e.g. dev=(dev_texts, dev_labels)")
    texts, labels = check_texts(dev[0], what="dev text"), label_list(dev[1])
    if len(texts) != len(labels):
        raise DataError(f"dev has {counted(len(texts), 'text')} but {counted(len(labels), 'label')}; give one label per dev text")
    return texts, labels


def checked_cleaner(options: dict) -> Cleaner:
    """The Cleaner of the given ``options``, saying (:func:`say_unread`) which it does not read: ``negation_scope``
    with ``negation=False``."""
    cleaner = Cleaner(**options)
    if "negation_scope" in options and not cleaner.negation:
        say_unread(["negation_scope"], "with negation=False (no word is marked negated)", ", or set negation=True")
    return cleaner


def check_vectorizer_options(vectorizer) -> None:
    """Say (:func:`say_unread`) which given options of an unfitted vectorizer stage its analyzer does not read:
    ``ngram_range`` with ``analyzer='char'``, ``char_ngram_range`` with ``'word'``."""
    given = getattr(vectorizer, "given", frozenset())
    unread = {"char": ["ngram_range"], "word": ["char_ngram_range"]}.get(vectorizer.params.get("analyzer"), [])
    unread = [name for name in unread if name in given]
    if unread:
        say_unread(unread[:1], f"with analyzer={vectorizer.params['analyzer']!r}", ", or set analyzer='word+char'")


def check_stages(vectorizer, model) -> None:
    """Refuse a vectorizer and a model (unfitted stages) that cannot work together, or a model's device that
    is not there, cheaply: ``fit`` calls it before cleaning the texts, and the CLI before reading the data.

    A model that reads token sequences (lstm) needs a vectorizer that gives them (word2vec); one that needs
    non-negative features (nb, complement_nb, nbsvm) cannot read word2vec's standardised document vectors;
    ``device`` (mlp, lstm) must name a device this machine has (see ``hardware.resolve_device``); an lstm's
    ``init_from`` must be a saved lstm model; word2vec's ``vectors_path`` must be there.
    """
    if model.input_kind == "sequences" and not hasattr(vectorizer, "sequences"):
        raise _sequences_error(model.name)
    check_vectorizer_options(vectorizer)
    for names, why, otherwise in model.unread_options(vectorizer):
        say_unread(names, why, otherwise)
    if not reads(model.name, vectorizer.name):
        from .models.classical import nonnegative_error

        raise nonnegative_error(model.name, vectorizer.name)
    device = model.params.get("device")
    if isinstance(device, str) and device != "auto":  # only the neural models have a device; auto always works
        from .models import hardware

        hardware.resolve_device(device)
    if hasattr(model, "check_start"):  # lstm: the saved model init_from names
        model.check_start()
    if hasattr(vectorizer, "check_source"):  # word2vec: the vectors file or model directory vectors_path names
        vectorizer.check_source()


def _sequences_error(model_name: str) -> ConfigError:
    return ConfigError(f"model {model_name!r} reads token sequences; use it with vectorizer 'word2vec', or leave the "
                       "vectorizer out (a pipeline then gets the one its model reads)")


def _model_input(vectorizer, model, docs: list[list[str]]):
    """What a fitted ``vectorizer`` hands ``model`` for cleaned ``docs``: token ids for a model of sequences
    (lstm), else the vectors."""
    return vectorizer.sequences(docs) if model.input_kind == "sequences" else vectorizer.transform(docs)


def display_names(classes: np.ndarray, names: dict | None = None, polarity: bool = True) -> list[str]:
    """The display name of each class: from ``names`` (value -> name), else (with ``polarity``) 0/1 and 0..4
    as binary and 5-way polarity, else the values as text."""
    if names is not None and not isinstance(names, Mapping):
        raise ConfigError(f"label_names must be a dict of label -> display name (e.g. {{0: 'negative', 1: 'positive'}}), "
                          f"not {with_article(type(names).__name__)}")
    if names:
        missing = [c for c in classes.tolist() if c not in names and str(c) not in names]
        if missing:
            raise ConfigError(f"label_names gives no name for the label(s) {missing}; name every label")
        given = [names[c] if c in names else names[str(c)] for c in classes.tolist()]
        shown: dict[str, Any] = {}
        for label, name in zip(classes.tolist(), given):
            if name is None or not str(name).strip():
                raise ConfigError(f"label_names gives the label {label!r} an empty name ({name!r}); give every label "
                                  "a name that is not empty")
            if holds_lone_surrogate(str(name)):
                raise ConfigError(f"label_names gives the label {label!r} a name with a lone surrogate ({name!r}: an "
                                  "undecodable byte read as text), which a model file cannot hold; give it a name of "
                                  "valid Unicode")
            if str(name) in shown:
                raise ConfigError(f"label_names gives the labels {shown[str(name)]!r} and {label!r} the same name "
                                  f"{str(name)!r}; give each label its own name")
            shown[str(name)] = label
        return [str(name) for name in given]
    values = classes.tolist()
    return (polarity_names(values) if polarity else None) or [str(v) for v in values]


def label_ids_of(label_names) -> dict[str, str] | None:
    """The ``label_names`` given to fit as the model keeps them (label value as text -> name), or None."""
    if not label_names or not isinstance(label_names, Mapping):  # (not a dict: display_names says what is wrong)
        return None
    return {str(value): str(name) for value, name in label_names.items() if name is not None and str(name).strip()}


def named_labels(labels: list, label_names: dict) -> list:
    """``labels`` (or label sets) with each value that ``label_names`` names replaced by its name (0 and "0" alike)."""
    names = {str(value): name for value, name in label_names.items()}

    def rename(label):
        return names.get(str(label), label)

    return [type(y)(map(rename, y)) if isinstance(y, LABEL_SETS) else rename(y) for y in labels]


def polarity_names(values: list) -> list[str] | None:
    """The polarity names of sorted label values 0/1 (negative, positive) or 0..4 (very negative … very
    positive); None for other values (False / True too: a yes/no label need not be a polarity)."""
    if not any(isinstance(v, (bool, np.bool_)) for v in values) and values == list(range(len(values))) \
            and len(values) in POLARITY_NAMES:
        return list(POLARITY_NAMES[len(values)])
    return None


def _thresholds(stage: tuple[dict, dict], n_labels: int) -> np.ndarray:
    """The saved decision thresholds, checked against the number of labels: one per label, in their order
    (the label names they were saved with may have been renamed in the config since, which is taken as
    written)."""
    _, arrays = stage
    thresholds = np.asarray(arrays["thresholds"], dtype=np.float64)
    if thresholds.shape != (n_labels,) or not np.all((thresholds >= 0) & (thresholds <= 1)):
        raise ValueError("the decision thresholds do not fit the labels (one threshold in [0, 1] per label)")
    return thresholds
