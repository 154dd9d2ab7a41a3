"""Ensembles: the (weighted) mean of the class probabilities of several fitted pipelines.

>>> from sentiment import Ensemble, load
>>> ensemble = Ensemble([load("nbsvm-model"), load("lstm-model")])  # doctest: +SKIP
>>> ensemble.save("ensemble-model")                                  # doctest: +SKIP

The members must share their label names (matched by name, in any order); the ensemble predicts the label values of
the first member (``[0, 1]`` or ``["negative", "positive"]`` when one member learnt 0/1 named so and
another the names), accepts any member's values as gold labels, and keeps the first member's column
names as its own. An ensemble saves as a model directory whose members are
complete model directories (``member0/``, ``member1/`` …); ``sentiment.load`` reads either kind, and
the CLI's ``predict`` and ``evaluate`` take either.

The weights can be chosen on labelled held-out texts with :meth:`Ensemble.tune` (``sentiment ensemble …
--tune FILE``): the mix with the best accuracy there, in steps of a tenth (coarser for more than four
members).

Members with several labels per text (e.g. emotions) combine too. A label is then chosen when the mean
probability reaches the ensemble's own threshold for it: the weighted mean of the members' thresholds,
or, better, thresholds tuned on labelled held-out texts with :meth:`Ensemble.tune`, which then tunes
those instead of the weights:

>>> ensemble = Ensemble([load("logreg-emotions"), load("lstm-emotions")]).tune(texts, labels)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Set
from pathlib import Path
from typing import Sequence

import numpy as np

from .checks import LABEL_SETS, check_texts, is_multi_label, label_list
from .errors import (ConfigError, ModelFileError, NotFittedError, UngroupedLabelError, UnknownLabelsError,
                     with_article)
from .multilabel import checked_thresholds, tune_thresholds
from .persistence import (CONFIG, INCONSISTENT_MODEL, atomic_directory, check_columns, checksum, config_header, inconsistent_model,
                          read_model, same_path, write_config)
from .pipeline import Classifier


# What making it of fitted members (or fit) sets; reading one from an ensemble of untrained members is a NotFittedError.
FITTED_ATTRIBUTES = frozenset({"classes_", "label_names_", "label_ids_", "multi_label_", "thresholds_", "config_",
                               "member_classes_", "reading_version_"})


class Ensemble(Classifier):
    """Average the probabilities of ``members`` (pipelines or ensembles, fitted), optionally weighted.

    ``weights``: one per member, None (the default) for equal ones; kept as given (None stays None, as
    scikit-learn keeps a parameter), so that ``set_params(members=...)`` may change how many members there are.
    With several labels per text, ``thresholds`` (one per label) decide the labels; by default the
    weighted mean of the members' thresholds (see :meth:`tune`).

    Members that are all untrained (``Ensemble([Pipeline(), Pipeline(model="nb")])``, as scikit-learn's
    ``VotingClassifier`` takes them) are settings: :meth:`fit` trains them, and until then the ensemble
    is not fitted (their labels, and so ``thresholds``' length, are known once they are trained).
    """

    def __init__(self, members: Sequence, weights: Sequence[float] | None = None,
                 thresholds: Sequence[float] | None = None) -> None:
        if isinstance(members, (str, bytes, os.PathLike, Mapping)) or not hasattr(members, "__iter__"):
            raise ConfigError(f"members must be a list of models (fitted, e.g. [load('a'), load('b')], or untrained "
                              "settings that fit trains, e.g. [Pipeline(), Pipeline(model='nb')]), "
                              f"not {type(members).__name__}")
        members = list(members)
        if len(members) < 2:
            raise ConfigError(f"an ensemble needs at least two models, not {len(members)}; give two or more (on "
                              "the command line, two or more model directories)")
        first = members[0]
        for member in members:
            if isinstance(member, (str, bytes, os.PathLike)):
                raise ConfigError(f"give loaded models (sentiment.load({str(member)!r})), not their paths")
            if not isinstance(member, Classifier):
                kind = str(getattr(member, "kind", type(member).__name__))
                raise ConfigError(f"an ensemble combines polarity or emotion models; {with_article(kind)} "
                                  "model cannot be a member")
        untrained = [i for i, member in enumerate(members) if not member.__sklearn_is_fitted__()]
        if untrained and len(untrained) < len(members):
            raise NotFittedError(f"member {untrained[0]} of the ensemble is not fitted, and others are; fit it too, or "
                                 "give untrained members only (fit(texts, labels) then trains them all)")
        weights = None if weights is None else _checked_weights(weights, len(members))
        if untrained:  # settings for fit to train: nothing learnt is set
            self.members, self.weights = members, weights
            self.thresholds = None if thresholds is None else checked_thresholds(thresholds).tolist()
            return
        for member in members:
            if member.multi_label_ != first.multi_label_:
                raise ConfigError("ensemble members must all give one label per text, or all several labels per text; "
                                  "combine models of one kind")
            if sorted(member.label_names_) != sorted(first.label_names_):  # names, in any order: 0/1 and
                # "negative"/"positive" models combine, and so do models whose labels sort otherwise (codes, names)
                raise ConfigError(
                    f"ensemble members must share their labels, and one has {', '.join(map(str, first.label_names_))}, "
                    f"another {', '.join(map(str, member.label_names_))}; combine models trained on the same labels "
                    "(sentiment info MODEL shows a model's)")
        if thresholds is not None and not first.multi_label_:
            raise ConfigError("thresholds apply to models with several labels per text only")
        checked = None if thresholds is None else checked_thresholds(thresholds, len(first.label_names_))
        # every argument checked: only now is anything set (set_params and fit build a new ensemble anyway)
        self.members = members
        self.weights = weights
        self.thresholds = None if checked is None else checked.tolist()
        self.classes_ = first.classes_
        self.label_names_ = list(first.label_names_)
        self.label_ids_ = _merged_ids(members)
        self.multi_label_ = first.multi_label_
        self.thresholds_ = None
        if self.multi_label_:
            mean = sum(share * np.asarray(m.thresholds_)[order]
                       for share, m, order in zip(_shares(self._weights), members, self._column_orders))
            self.thresholds_ = mean if checked is None else checked
        self.config_ = {"columns": getattr(first, "config_", {}).get("columns", {"text": "text", "label": "label"})}

    @property
    def _weights(self) -> list[float]:
        """The weight of each member in use: ``weights``, or equal ones where that is None."""
        return [1.0] * len(self.members) if self.weights is None else self.weights

    @property
    def _column_orders(self) -> list[list[int]]:
        """Per member, its columns (probabilities, thresholds, label values) in the order of ``label_names_``."""
        return [[member.label_names_.index(name) for name in self.label_names_] for member in self.members]

    @property
    def member_classes_(self) -> list[list]:
        """Every member's label values (0/1 of one, "neg"/"pos" of another, a nested ensemble's members'
        too), in the order of ``classes_``, so that labels match whichever are given."""
        return [np.asarray(values, dtype=object)[order].tolist() for member, order in zip(self.members, self._column_orders)
                for values in [member.classes_.tolist(), *getattr(member, "member_classes_", [])]]

    def tune(self, texts: Sequence[str], labels: Sequence) -> "Ensemble":
        """Tune the ensemble on labelled held-out ``texts`` (texts no member learnt from). With one label per
        text, set ``weights`` to the mix with the best accuracy on them, of the members' shares in steps of
        a tenth (coarser for more than four members: :func:`_weight_grid`), equal shares and the weights
        given; of those that tie, the one nearest equal shares, then the one that gives the earlier members
        more. The weights are a parameter (as ``set_params(weights=...)`` sets them): ``clone`` and
        :meth:`fit` keep them, so tune again after a fit. With several labels per text, set each label's
        threshold to the one with the best F1 on them instead (learnt state, which a fit recomputes; see
        :func:`sentiment.multilabel.tune_thresholds`); a label fewer than
        :data:`~sentiment.multilabel.MIN_POSITIVES` of the texts have keeps its threshold (the one given to
        the constructor, else the members' mean, unless tuned before). ``tune_support_`` holds how many
        of the texts have each label (in the order of ``label_names_``). Returns the ensemble."""
        from .labels import label_codes

        self._check_fitted()
        texts = check_texts(texts)
        try:
            truth = label_codes(self, self._grouped(label_list(labels)), texts)
        except UnknownLabelsError as exc:  # its advice is evaluate's
            raise UnknownLabelsError(f"label(s) {', '.join(exc.unknown[:10])} were not seen in training by the members, "
                                     f"which know: {', '.join(exc.known)}; tune on texts of their labels only",
                                     exc.unknown, exc.known) from None
        counts = truth.sum(axis=0) if self.multi_label_ else np.bincount(truth, minlength=len(self.classes_))
        self.tune_support_ = counts.tolist()
        self.config_.pop("data", None)  # the file an earlier tuning read (the CLI names the new one)
        if self.multi_label_:
            self.thresholds_ = tune_thresholds(truth, self.predict_proba(texts), default=np.asarray(self.thresholds_))
            return self
        probabilities = self._in_order([member.predict_proba(texts) for member in self.members])
        n = len(self.members)
        mixes = [*_weight_grid(n), [1 / n] * n, _shares(self._weights)]  # never worse than equal or given weights

        def merit(shares: list[float]) -> tuple:
            accuracy = np.mean(sum(s * p for s, p in zip(shares, probabilities)).argmax(axis=1) == truth)
            return accuracy, -sum((s - 1 / n) ** 2 for s in shares), tuple(shares)

        self.weights = [float(s) for s in max(mixes, key=merit)]
        return self

    def _check_fitted(self) -> None:
        """Members are checked when the ensemble is made: fitted, or all untrained until :meth:`fit`."""
        if not self.__sklearn_is_fitted__():
            raise NotFittedError("this Ensemble's members are not trained yet; call fit(texts, labels), or make it of "
                                 "fitted models")

    def __getattr__(self, name: str):
        """Learnt state (``classes_``, ``label_names_`` …) read from an ensemble of untrained members: a
        NotFittedError that says to fit it (an AttributeError, so ``hasattr`` is False), as a Pipeline's."""
        if name in FITTED_ATTRIBUTES:
            self._check_fitted()
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def _name_map(self) -> dict:
        """Label value (as text) -> name, as its members name them (the names given to their fits)."""
        return {value: names[0] for value, names in _merged_names(m._name_map() for m in self.members).items()}

    def _grouped(self, labels: Sequence) -> Sequence:
        """``labels`` mapped to the groups a member learned from finer labels (see ``Pipeline(grouping=...)``),
        so that it and a member trained on the groups themselves combine in either order; a label that is
        already the ensemble's (any member's value or name: the 0 / 1 of a polarity member beside the
        "negative" / "positive" of a grouped emotion model) stays as it is."""
        own = {str(v) for values in self.member_classes_ for v in values} | {str(n) for n in self.label_names_}
        for member in self.members:
            try:
                grouped = member._grouped(labels)
            except UngroupedLabelError:  # raised again below for a label that is no one's
                grouped = [_grouped_unless_own(member, label, own) for label in labels]
            if grouped is not labels:
                return grouped
        return labels

    def _evidence(self, texts: list[str], known: bool = False, proba: bool = True) -> tuple:
        """The weighted mean of the members' probabilities (columns in the order of ``classes_``) and, per
        text, the most features any member of a weight above 0 knows (one of weight 0 has no say)."""
        self._check_fitted()
        evidence = [member._evidence(texts, known, proba) for member in self.members]
        mean = self._combined([p for p, _ in evidence]) if proba else None
        counted = [counts for (_, counts), weight in zip(evidence, self._weights) if weight > 0]
        return mean, np.max(counted, axis=0) if known else None

    def _combined(self, member_probabilities: list[np.ndarray]) -> np.ndarray:
        """The ensemble's probabilities from its members' (each member's columns in its own order, as its
        ``predict_proba`` gives them): their mean under ``weights``, columns in the order of ``classes_``."""
        return sum(share * p for share, p in zip(_shares(self._weights), self._in_order(member_probabilities)))

    def _in_order(self, member_probabilities: list[np.ndarray]) -> list[np.ndarray]:
        """Each member's probabilities (its own columns) with their columns in the order of ``classes_``."""
        return [p[:, order] for p, order in zip(member_probabilities, self._column_orders)]

    def fit(self, texts: Sequence[str], labels: Sequence, sample_weight=None, **fit_params) -> "Ensemble":
        """Train a fresh copy of every member (its settings, as scikit-learn's ``clone`` gives them) on
        ``texts`` and ``labels`` (``sample_weight`` and ``fit_params``, e.g. ``dev``, go to each member's
        ``fit``; ``sample_weight`` is named, so that scikit-learn's tools that look for it, such as
        ``CalibratedClassifierCV``, pass it); the members given are left as they were, and ``members`` then
        holds the new copies (an ensemble's members are its fitted state as well as its parameter: unlike
        scikit-learn's ``VotingClassifier``, which keeps them apart as ``estimators`` and ``estimators_``). So
        ``cross_val_score(ensemble, texts, labels)`` scores the combination of these settings. Returns the
        ensemble."""
        labels = label_list(labels)  # read once: a generator would give the next member nothing
        if self.thresholds is not None and not is_multi_label(labels):  # before any member trains
            raise ConfigError("thresholds apply to models with several labels per text only, and these labels give one "
                              "per text; leave thresholds out")
        if sample_weight is not None:
            fit_params["sample_weight"] = sample_weight
        fresh = [member.__sklearn_clone__().fit(texts, labels, **fit_params) for member in self.members]
        return self._become(type(self)(fresh, self.weights, self.thresholds))

    # -- scikit-learn's estimator protocol: an ensemble of fitted members is fitted when made ----------------

    def get_params(self, deep: bool = True) -> dict:
        """``members``, ``weights`` and ``thresholds`` as given (scikit-learn's ``get_params``; ``deep`` changes
        nothing: the members are models, fitted or settings that :meth:`fit` trains whole, not parameters to search
        one by one). Thresholds that :meth:`tune` set are learnt, as a fit's results are, and not among them."""
        return {"members": self.members, "weights": self.weights, "thresholds": self.thresholds}

    def set_params(self, **params) -> "Ensemble":
        """Change ``members``, ``weights`` or ``thresholds``, checked as the constructor checks them (a value
        refused changes nothing); thresholds tuned before (:meth:`tune`) are dropped with the old settings."""
        unknown = sorted(set(params) - {"members", "weights", "thresholds"})
        if unknown:
            raise ConfigError(f"unknown parameter {unknown[0]!r} of an Ensemble; it has members, weights and thresholds")
        return self._become(type(self)(**{**self.get_params(), **params}))

    def _become(self, other: "Ensemble") -> "Ensemble":
        """Take the whole state of ``other`` (a new ensemble): nothing learnt by the old one or read at its
        load (``name_`` attributes: ``tune_support_``, ``loaded_folders_``) is left to go stale, while attributes that others
        keep on it stay (scikit-learn's searches set one for the length of a fit)."""
        for name in [name for name in vars(self) if name.endswith("_")]:
            del vars(self)[name]
        vars(self).update(vars(other))
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return "classes_" in vars(self)

    def __sklearn_clone__(self) -> "Ensemble":
        """scikit-learn's ``clone``: a new ensemble of the same members (fitted ones stay fitted: cloning them
        would unfit them; untrained ones, settings, are cloned, as scikit-learn clones the estimators of a
        ``VotingClassifier``, so that changing one of the copy's leaves this one's as it is), asking for the
        metadata this one asks for (:meth:`set_fit_request`)."""
        params = self.get_params()
        if not self.__sklearn_is_fitted__():
            params["members"] = [member.__sklearn_clone__() for member in self.members]
        clone = type(self)(**params)
        if "_metadata_requests" in self.__dict__:
            clone._metadata_requests = dict(self._metadata_requests)
        return clone

    def __repr__(self) -> str:
        weights = "" if len(set(self._weights)) == 1 else f", weights={self.weights}"
        return f"Ensemble([{', '.join(map(repr, self.members))}]{weights})"

    @property
    def reading_version_(self) -> dict:
        """Each member's text-reading version (see :class:`~sentiment.pipeline.Pipeline`), by the name of its
        folder (:meth:`_folders`); a nested ensemble's as a dict of its own."""
        return {name: member.reading_version_ for name, member in zip(self._folders(), self.members)}

    def _folders(self) -> list[str]:
        """The members' folder names: those of the directory it was loaded from, else those save writes."""
        loaded = self.__dict__.get("loaded_folders_")
        return loaded if loaded and len(loaded) == len(self.members) else [f"member{i}" for i in range(len(self.members))]

    def _sources(self) -> list[str | None]:
        """What each member was loaded from, by its folder's name (``ge-model``), so that its figures and
        settings can be told apart from the others' (all ``member0``, ``member1`` ... once saved): those the
        ensemble was loaded with, else each member's own folder (None for one made in Python)."""
        loaded = self.__dict__.get("member_sources_")
        if loaded is not None and len(loaded) == len(self.members):
            return loaded
        return [Path(m.__dict__["loaded_from_"]).name if m.__dict__.get("loaded_from_") else None for m in self.members]

    def save(self, path: str | os.PathLike) -> Path:
        """Write the ensemble and its members to the directory ``path``, atomically; not over the folder a member
        (or a member's member) was loaded from, which it would replace. The config keeps the name of the folder
        each member was loaded from (``member_sources``; not its whole path, which would tell where it lay)."""
        self._check_fitted()
        for member in _all_members(self):
            loaded = member.__dict__.get("loaded_from_")
            if loaded is not None and same_path(loaded, path):
                raise ConfigError(f"{path} holds a member of the ensemble (loaded from there), which saving would "
                                  "replace; choose another path")
        names = [f"member{i}" for i in range(len(self.members))]
        # (thresholds_ set by hand: refused before the folder is touched, as load would refuse them)
        thresholds = checked_thresholds(self.thresholds_, len(self.label_names_), "thresholds_") if self.multi_label_ else None
        with atomic_directory(path) as staging:
            for name, member in zip(names, self.members):
                member.save(staging / name)
            files = {f"{name}/{CONFIG}": checksum(staging / name / CONFIG) for name in names}
            config = {**config_header("ensemble"), "members": names, "member_sources": self._sources(),
                      "weights": self._weights,
                      "columns": self.config_["columns"],
                      **({"data": self.config_["data"]} if "data" in self.config_ else {}),  # the file --tune read
                      "labels": {"names": self.label_names_, "multi_label": self.multi_label_},
                      **({"thresholds": thresholds.tolist()} if self.multi_label_ else {}),  # in use
                      **({"thresholds_given": self.thresholds} if self.thresholds is not None else {})}  # the setting
            write_config(staging, config, files)
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Ensemble":
        """Rebuild an ensemble saved with :meth:`save` (``sentiment.load`` reads it too)."""
        from .pipeline import load

        config, _ = read_model(path)
        if config.get("kind") != "ensemble":
            kind = str(config.get("kind") or "pipeline")
            raise ModelFileError(f"{path} holds {with_article(kind)} model, not an ensemble; "
                                 "load it with sentiment.load(path)")
        check_columns(config, path)
        missing = [key for key in ("members", "weights") if key not in config]
        if missing:
            raise ModelFileError(f"{path} is not a consistent ensemble (its {CONFIG} has no {missing[0]!r} entry); "
                                 "build it again")
        try:
            names = _member_names(config)
            members = [load(Path(path) / name) for name in names]
            ensemble = cls(members, config["weights"], config.get("thresholds_given"))
            if config.get("thresholds") is not None:  # those in use: the setting, or tuned since (learnt state)
                if not ensemble.multi_label_:
                    raise ValueError("thresholds apply to models with several labels per text only")
                ensemble.thresholds_ = checked_thresholds(config["thresholds"], len(ensemble.label_names_))
            labels = config.get("labels", {})  # none in an older ensemble: the members' names hold
            saved = labels.get("names", ensemble.label_names_) if isinstance(labels, dict) else labels
            if not isinstance(saved, list) or [str(n) for n in saved] != ensemble.label_names_:  # the members' rule
                raise ValueError(f"its label list {saved!r} is not its members' ({ensemble.label_names_})")
            if "columns" in config:  # checked above: a dict of non-empty strings
                ensemble.config_["columns"] = dict(config["columns"])
            if isinstance(config.get("data"), dict):  # the file that tuned its weights or thresholds
                ensemble.config_["data"] = dict(config["data"])
            ensemble.loaded_folders_ = list(names)  # its members' folders, as `info` names them
            sources = config.get("member_sources")  # none in an older ensemble; one not of names is left unread
            ensemble.member_sources_ = (list(sources) if isinstance(sources, list) and len(sources) == len(names)
                                        and all(s is None or isinstance(s, str) for s in sources) else [None] * len(names))
            ensemble.loaded_from_ = os.path.abspath(path)  # an ensemble of it is not saved over it (save)
            return ensemble
        except RecursionError:  # ensembles of ensembles hundreds deep (a RuntimeError: caught first)
            raise ModelFileError(f"{path} nests ensembles too deep to load; build it again") from None
        except INCONSISTENT_MODEL as exc:  # a ConfigError is a ValueError
            raise inconsistent_model(path, "ensemble", exc, config, "build it again") from None


def _all_members(ensemble: "Ensemble") -> list:
    """The members of ``ensemble``, and those of the ensembles among them, at any depth."""
    found = []
    for member in ensemble.members:
        found.append(member)
        if isinstance(member, Ensemble):
            found += _all_members(member)
    return found


def _member_names(config: dict) -> list[str]:
    """The member folders a saved ensemble names: distinct plain folder names, each verified by a checksum.

    A name such as ``../other`` or an absolute path would make loading read a model outside the directory
    (or the ensemble itself, endlessly)."""
    names, files = config["members"], config["files"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        raise ValueError("the member list is not a list of distinct folder names")
    for name in names:
        if Path(name).name != name or name in ("", ".", "..") or f"{name}/{CONFIG}" not in files:
            raise ValueError(f"member {name!r} is not a folder of the ensemble listed with its checksum")
    return names


def _merged_ids(members) -> dict | None:
    """The ``label_names`` given to the members' fits (value -> name; a value that members name differently ->
    the list of their names, which :func:`~sentiment.labels.codes_for` refuses where a label uses it), by which
    gold labels name classes; None where no member was given any."""
    merged = _merged_names(getattr(member, "label_ids_", None) or {} for member in members)
    return {value: names[0] if len(names) == 1 else names for value, names in merged.items()} or None


def _merged_names(name_maps) -> dict[str, list]:
    """Label value -> every name that the ``name_maps`` (value -> a name, or a list of names) give it, each
    once, in the order the maps give them (the first member's first)."""
    merged: dict = {}
    for name_map in name_maps:
        for value, name in name_map.items():
            names = merged.setdefault(value, [])
            for one in name if isinstance(name, list) else [name]:
                if one not in names:
                    names.append(one)
    return merged


def _weight_grid(n_members: int, most: int = 1000) -> list[list[float]]:
    """Every mix of ``n_members`` shares that are multiples of 1/steps and sum to 1, with as many steps (10,
    5, 4, 2, 1) as keep the mixes at ``most`` or fewer: 11 mixes for two members, 286 for four, 126 for
    five (in fifths)."""
    from math import comb

    steps = next((k for k in (10, 5, 4, 2) if comb(k + n_members - 1, n_members - 1) <= most), 1)

    def mixes(n: int, left: int):
        if n == 1:
            yield [left]
            return
        for first in range(left + 1):
            for rest in mixes(n - 1, left - first):
                yield [first, *rest]

    return [[round(part / steps, 10) for part in mix] for mix in mixes(n_members, steps)]


def _shares(weights: list[float]) -> list[float]:
    """Each weight's share of their sum: divided before the probabilities are weighed, so that weights as small
    as 5e-324 (which pass the checks) lose no precision in the products."""
    total = sum(weights)
    return [w / total for w in weights]


def _grouped_unless_own(member, label, own: set):
    """One text's ``label`` (or label set) in ``member``'s groups, but for the labels in ``own``."""
    if isinstance(label, LABEL_SETS):
        return tuple(dict.fromkeys(_grouped_unless_own(member, one, own) for one in label))
    return label if str(label) in own else member._grouped([label])[0]


def _checked_weights(weights, n_members: int) -> list[float]:
    advice = f"give one finite, non-negative weight per member ({n_members})"
    if isinstance(weights, (str, bytes)):  # "21" would read as the weights 2 and 1
        raise ConfigError(f"weights must be a list of numbers (e.g. [2, 1]), not the text {weights!r}; {advice}")
    if isinstance(weights, (Mapping, Set)):  # a dict's keys, or a set's own order, are not the members' weights
        raise ConfigError(f"weights must be a list in the order of the members (e.g. [2, 1]), not a "
                          f"{type(weights).__name__}; {advice}")
    try:
        values = [float(w) for w in weights]
    except (TypeError, ValueError):
        raise ConfigError(f"weights must be numbers; {advice}, not all zero") from None
    if len(values) != n_members:
        raise ConfigError(f"the weights list gives {len(values)} weight(s) for {n_members} models; {advice}, not all zero")
    if not all(np.isfinite(values)) or min(values) < 0 or sum(values) <= 0:
        raise ConfigError(f"weights must be finite numbers >= 0, not all 0; {advice}")
    if not np.isfinite(sum(values)):  # each finite, their sum not: the mean would be 0/0
        raise ConfigError(f"the weights {values} add up to more than a number can hold; scale them down (only their "
                          "ratios matter)")
    return [abs(value) for value in values]  # -0 (which passes >= 0) kept as 0, not saved and shown as -0.0
