"""A hashed-feature logistic regression that saves as plain arrays (safetensors), no pickle.

Features are strings (or ``(string, value)`` pairs) hashed into ``2**bits`` columns with MurmurHash3
(x86, 32 bits, seed 0: stable across runs and machines), exactly as scikit-learn's ``FeatureHasher``
(``input_type="pair"``, ``alternate_sign=False``) places them, so no vocabulary has to be stored; the model
is the coefficient matrix and the intercepts. The hashing (about 40 lines) is written here rather than
taken from scikit-learn because importing ``sklearn.feature_extraction`` costs a second or more (it imports
SciPy's statistics), which every ``sentiment predict --task aspect`` paid; a test checks the columns against
``FeatureHasher``. Probabilities are computed in numpy, identically after a save/load round trip.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from ..persistence import as_float32

_MASK = 0xFFFFFFFF


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 (x86, 32 bits) of ``data``, as a signed 32-bit integer (scikit-learn's
    ``murmurhash3_32(data, seed)``)."""
    h = seed & _MASK
    whole = len(data) // 4 * 4
    for (k,) in struct.iter_unpack("<I", data[:whole]):
        h ^= _mixed(k)
        h = ((h << 13) | (h >> 19)) & _MASK
        h = (h * 5 + 0xE6546B64) & _MASK
    if whole < len(data):
        h ^= _mixed(int.from_bytes(data[whole:], "little"))
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def _mixed(k: int) -> int:
    k = (k * 0xCC9E2D51) & _MASK
    k = ((k << 15) | (k >> 17)) & _MASK
    return (k * 0x1B873593) & _MASK


@lru_cache(maxsize=1 << 18)  # feature strings repeat: the frequent ones are hashed once per process
def feature_column(name: str, bits: int) -> int:
    """The column of the feature ``name`` among ``2**bits``: FeatureHasher's ``abs(hash) % 2**bits`` (its
    special case for the hash -2**31 gives 0 for a power of two, as this does)."""
    return abs(murmur3_32(name.encode("utf-8"))) % (1 << bits)


def hashed_matrix(features, bits: int) -> sp.csr_matrix:
    """Rows of features (strings, or ``(string, number)`` pairs) as a sparse matrix of ``2**bits`` columns; a
    feature's values add up, and a value of 0 is left out, as FeatureHasher does with such input (it also
    takes bytes, and string values, which these models never give)."""
    indices: list[int] = []
    values: list[float] = []
    indptr = [0]
    for row in features:
        for feature in row:
            name, value = (feature, 1.0) if isinstance(feature, str) else feature
            if value != 0:
                indices.append(feature_column(name, bits))
                values.append(value)
        indptr.append(len(indices))
    matrix = sp.csr_matrix((np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64),
                            np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, 1 << bits))
    matrix.sum_duplicates()
    return matrix


class HashedLogistic:
    """Multinomial (or binary) logistic regression over hashed string features."""

    def __init__(self, bits: int = 18, C: float = 1.0, class_weight=None, max_iter: int = 300, seed: int = 0):
        self.bits, self.C, self.class_weight, self.max_iter, self.seed = bits, C, class_weight, max_iter, seed
        self.coef_ = self.intercept_ = None
        self.classes_: list = []

    def matrix(self, features) -> sp.csr_matrix:
        X = hashed_matrix(features, self.bits)
        # A repeated feature counts at most 3 times; real values (a prior's log-odds) are capped at +-3 alike.
        X.data = np.clip(X.data, -3.0, 3.0)
        return X

    def fit(self, features, labels) -> "HashedLogistic":
        from sklearn.linear_model import LogisticRegression

        X = self.matrix(features)
        # Fitted on the columns that some row uses: a column no row uses has no gradient, so from its start at 0
        # it stays 0 under the L2 penalty, and the solver's steps over 2**bits weights would cost most of the
        # time (a few thousand columns of 262,144 in use on small data). The weights come out the same.
        used, columns = np.unique(X.indices, return_inverse=True)
        X = sp.csr_matrix((X.data, columns.ravel(), X.indptr), shape=(X.shape[0], max(1, len(used))))
        used = used if len(used) else np.array([0])  # no row has a feature: one empty column, the intercepts learn
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                   random_state=self.seed)
        model.fit(X, list(labels))
        self.classes_ = [c.item() if hasattr(c, "item") else c for c in model.classes_]
        self.coef_ = np.zeros((model.coef_.shape[0], 1 << self.bits), dtype=np.float32)
        self.coef_[:, used] = model.coef_
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

    def get_state(self) -> tuple[dict, dict]:
        state = {"bits": self.bits, "C": self.C, "classes": self.classes_}
        return state, {"coef": self.coef_, "intercept": self.intercept_}

    @classmethod
    def from_state(cls, state: dict, arrays: dict, *, allowed: Sequence[str] = (),
                   what: str = "") -> "HashedLogistic":
        """The model saved as ``state`` and ``arrays``; its classes must be among ``allowed`` (when given; ``what``
        names the model in the error)."""
        bits = state["bits"]
        if not isinstance(bits, int) or isinstance(bits, bool) or not 1 <= bits <= 30:  # before 2**bits is taken
            raise ValueError(f"the hash size bits={bits!r} is not a whole number from 1 to 30")
        model = cls(bits=bits, C=float(state["C"]))
        model.classes_ = list(state["classes"])
        model.coef_ = as_float32(arrays["coef"], "coefficients")
        model.intercept_ = as_float32(arrays["intercept"], "coefficients")
        rows = 1 if len(model.classes_) == 2 else len(model.classes_)
        if len(set(map(str, model.classes_))) != len(model.classes_) or len(model.classes_) < 2:
            raise ValueError(f"the classes {model.classes_!r} are not two or more distinct labels")
        if allowed and not set(map(str, model.classes_)) <= set(allowed):
            raise ValueError(f"the {what} classes {model.classes_!r} are not among {', '.join(allowed)}")
        if list(map(str, model.classes_)) != sorted(map(str, model.classes_)):  # fit's (scikit-learn's) order: each is
            # the label of its row of weights, and another order would swap the labels silently
            raise ValueError(f"the classes {model.classes_!r} are not in the sorted order that training gives them")
        if model.coef_.shape != (rows, 2**bits) or model.intercept_.shape != (rows,):
            raise ValueError("the coefficients do not match the hash size and the classes")
        return model
