"""Ensembles: the (weighted) mean of the class probabilities of several fitted pipelines.

>>> from sentiment import Ensemble, load
>>> ensemble = Ensemble([load("nbsvm-model"), load("lstm-model")])  # doctest: +SKIP
>>> ensemble.save("ensemble-model")                                  # doctest: +SKIP

The members must share their label names (in the same order). An ensemble saves as a model directory whose members are
complete model directories (``member0/``, ``member1/`` …); ``sentiment.load`` reads either kind, and
the CLI's ``predict`` and ``evaluate`` take either.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from .data import check_texts
from .errors import ConfigError, ModelFileError
from .persistence import CONFIG, atomic_directory, checksum, read_model, write_config


class Ensemble:
    """Average the probabilities of fitted ``members`` (pipelines or ensembles), optionally weighted."""

    def __init__(self, members: Sequence, weights: Sequence[float] | None = None) -> None:
        members = list(members)
        if len(members) < 2:
            raise ConfigError("an ensemble needs at least two fitted models")
        first = members[0]
        for member in members:
            member._check_fitted()
            if member.multi_label_:
                raise ConfigError("an ensemble averages models that give one label per text; "
                                  "models with several labels per text cannot be combined")
            if member.label_names_ != first.label_names_:  # names, so 0/1 and "negative"/"positive" models combine
                raise ConfigError(
                    f"ensemble members must share their labels: {first.label_names_} vs {member.label_names_}"
                )
        weights = [1.0] * len(members) if weights is None else [float(w) for w in weights]
        if len(weights) != len(members) or min(weights) < 0 or sum(weights) <= 0:
            raise ConfigError("give one non-negative weight per member, not all zero")
        self.members = members
        self.weights = weights
        self.classes_ = first.classes_
        self.label_names_ = list(first.label_names_)
        self.multi_label_ = False
        self.config_ = {"columns": getattr(first, "config_", {}).get("columns", {"text": "text", "label": "label"})}

    def _check_fitted(self) -> None:
        """Members are checked when the ensemble is made."""

    def _grouped(self, labels: Sequence) -> Sequence:
        """``labels`` mapped to the groups the members learned (see ``Pipeline(grouping=...)``)."""
        return self.members[0]._grouped(labels)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        texts = check_texts(texts)
        total = sum(w * m.predict_proba(texts) for w, m in zip(self.weights, self.members))
        return total / sum(self.weights)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def annotate(self, texts: Sequence[str], *, top_if_none: bool = False) -> list[dict]:
        """As :meth:`Pipeline.annotate` (``top_if_none`` changes nothing: every text gets one label)."""
        from .pipeline import annotations

        texts = check_texts(texts)
        return annotations(texts, self.predict_proba(texts), self.label_names_)

    def score(self, texts: Sequence[str], labels: Sequence) -> float:
        return float(np.mean(self.predict(texts) == np.asarray(labels, dtype=self.classes_.dtype)))

    def save(self, path: str | os.PathLike) -> Path:
        """Write the ensemble and its members to the directory ``path``, atomically."""
        names = [f"member{i}" for i in range(len(self.members))]
        with atomic_directory(path) as staging:
            for name, member in zip(names, self.members):
                member.save(staging / name)
            files = {f"{name}/{CONFIG}": checksum(staging / name / CONFIG) for name in names}
            config = {"kind": "ensemble", "members": names, "weights": self.weights,
                      "columns": self.config_["columns"], "labels": {"names": self.label_names_}}
            write_config(staging, config, files)
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Ensemble":
        from .pipeline import load

        config, _ = read_model(path)
        try:
            members = [load(Path(path) / name) for name in config["members"]]
            return cls(members, config["weights"])
        except (KeyError, TypeError, ConfigError) as exc:
            raise ModelFileError(f"{path} is not a consistent ensemble ({exc}); build it again") from None
