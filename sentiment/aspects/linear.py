"""A hashed-feature logistic regression that saves as plain arrays (safetensors), no pickle.

Features are strings (or ``(string, value)`` pairs) hashed into ``2**bits`` columns with
scikit-learn's ``FeatureHasher`` (MurmurHash3, stable across runs and machines), so no vocabulary
has to be stored; the model is the coefficient matrix and the intercepts. Probabilities are computed
in numpy, identically after a save/load round trip.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp

from ..persistence import as_float32


def hasher(bits: int):
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=2**bits, input_type="pair", alternate_sign=False)


def as_pairs(features):
    """Feature lists (strings or (string, value) pairs) -> lists of pairs for FeatureHasher."""
    return ([(f, 1.0) if isinstance(f, str) else f for f in row] for row in features)


class HashedLogistic:
    """Multinomial (or binary) logistic regression over hashed string features."""

    def __init__(self, bits: int = 18, C: float = 1.0, class_weight=None, max_iter: int = 300, seed: int = 0):
        self.bits, self.C, self.class_weight, self.max_iter, self.seed = bits, C, class_weight, max_iter, seed
        self.coef_ = self.intercept_ = None
        self.classes_: list = []

    def matrix(self, features) -> sp.csr_matrix:
        X = hasher(self.bits).transform(as_pairs(features)).tocsr()
        # A repeated feature counts at most 3 times; real values (a prior's log-odds) are capped at +-3 alike.
        X.data = np.clip(X.data, -3.0, 3.0)
        return X

    def fit(self, features, labels) -> "HashedLogistic":
        from sklearn.linear_model import LogisticRegression

        X = self.matrix(features)
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                   random_state=self.seed)
        model.fit(X, list(labels))
        self.classes_ = [c.item() if hasattr(c, "item") else c for c in model.classes_]
        self.coef_ = model.coef_.astype(np.float32)
        self.intercept_ = model.intercept_.astype(np.float32)
        return self

    def predict_proba(self, features) -> np.ndarray:
        X = self.matrix(features)
        scores = np.asarray(X @ self.coef_.T, dtype=np.float64) + self.intercept_
        if scores.shape[1] == 1:  # binary: sklearn keeps one row of weights, for classes_[1]
            p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1 - p, p], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, features) -> list:
        return [self.classes_[i] for i in self.predict_proba(features).argmax(axis=1)]

    def get_state(self, prefix: str = "") -> tuple[dict, dict]:
        state = {"bits": self.bits, "C": self.C, "classes": self.classes_}
        return state, {f"{prefix}coef": self.coef_, f"{prefix}intercept": self.intercept_}

    @classmethod
    def from_state(cls, state: dict, arrays: dict, prefix: str = "", *, allowed: Sequence[str] = (),
                   what: str = "") -> "HashedLogistic":
        """The model saved as ``state`` and ``arrays``; its classes must be among ``allowed`` (when given; ``what``
        names the model in the error)."""
        bits = state["bits"]
        if not isinstance(bits, int) or isinstance(bits, bool) or not 1 <= bits <= 30:  # before 2**bits is taken
            raise ValueError(f"the hash size bits={bits!r} is not a whole number from 1 to 30")
        model = cls(bits=bits, C=float(state["C"]))
        model.classes_ = list(state["classes"])
        model.coef_ = as_float32(arrays[f"{prefix}coef"], "coefficients")
        model.intercept_ = as_float32(arrays[f"{prefix}intercept"], "coefficients")
        rows = 1 if len(model.classes_) == 2 else len(model.classes_)
        if len(set(map(str, model.classes_))) != len(model.classes_) or len(model.classes_) < 2:
            raise ValueError(f"the classes {model.classes_!r} are not two or more distinct labels")
        if allowed and not set(map(str, model.classes_)) <= set(allowed):
            raise ValueError(f"the {what} classes {model.classes_!r} are not among {', '.join(allowed)}")
        if model.coef_.shape != (rows, 2**bits) or model.intercept_.shape != (rows,):
            raise ValueError("the coefficients do not match the hash size and the classes")
        return model
