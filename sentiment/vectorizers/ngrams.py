"""Bag-of-n-grams vectorizers: ``count`` and ``tfidf`` (word and/or character n-grams).

scikit-learn chooses the vocabulary at ``fit`` (document-frequency cut-offs, ``max_features``) and
computes the IDF weights. Transforming with the fixed vocabulary is a short numpy routine here
(``transform_csr``): it gives the same matrix as scikit-learn's (a test checks this) without importing
scikit-learn or scipy, which keeps ``sentiment predict`` fast to start. ``transform`` wraps the same
arrays in a scipy CSR matrix.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from ..stage import Stage


class CSR(NamedTuple):
    """A row-compressed sparse matrix as plain numpy arrays (scipy's CSR layout, without scipy)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def to_scipy(self):
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


def word_ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """All word n-grams of ``tokens`` with ``low <= n <= high``, joined by spaces."""
    grams = list(tokens) if low == 1 else []
    if low <= 2 <= high:
        grams += [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
    if low <= 3 <= high:
        grams += [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:])]
    for n in range(max(low, 4), high + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries (scikit-learn's ``char_wb``), each word padded by spaces."""
    grams: list[str] = []
    for token in tokens:
        word = f" {token} "
        for n in range(low, min(high, len(word)) + 1):
            grams += [word[i : i + n] for i in range(len(word) - n + 1)]
    return grams


def count_matrix(docs: list[list[str]], vocabulary: dict[str, int], features) -> CSR:
    """Counts of each vocabulary feature per document, rows sorted by column (unknown features skipped)."""
    ids: list[int] = []
    lengths = np.empty(len(docs), dtype=np.int64)
    get, unknown = vocabulary.get, itertools.repeat(-1)
    for row, tokens in enumerate(docs):
        grams = features(tokens)
        lengths[row] = len(grams)
        ids += map(get, grams, unknown)
    columns = np.fromiter(ids, dtype=np.int64, count=len(ids))
    rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    known = columns >= 0
    width = max(len(vocabulary), 1)
    keys, counts = np.unique(rows[known] * width + columns[known], return_counts=True)
    indptr = np.searchsorted(keys // width, np.arange(len(docs) + 1))
    return CSR(counts.astype(np.float64), keys % width, indptr, (len(docs), len(vocabulary)))


class CountVectorizer(Stage):
    """Counts of word n-grams (``analyzer="word"``), character n-grams (``"char"``) or both (``"word+char"``)."""

    kind = "vectorizer"
    name = "count"
    defaults = {
        "analyzer": "word",
        "ngram_range": (1, 2),
        "char_ngram_range": (2, 5),
        "min_df": 1,
        "max_df": 1.0,
        "max_features": None,
        "binary": False,
    }

    def check_params(self) -> None:
        self._choice("analyzer", ("word", "char", "word+char"))
        self._range("ngram_range")
        self._range("char_ngram_range")
        self._number("min_df", 1, integer=True)
        self._number("max_df", 0.0, 1.0)
        if self.params["max_features"] is not None:
            self._number("max_features", 1, integer=True)
        if not isinstance(self.params["binary"], bool):
            self._choice("binary", (True, False))

    # -- features -----------------------------------------------------------------------
    def features(self, tokens: list[str]) -> list[str]:
        analyzer = self.params["analyzer"]
        if analyzer == "word":
            return word_ngrams(tokens, *self.params["ngram_range"])
        if analyzer == "char":
            return char_ngrams(tokens, *self.params["char_ngram_range"])
        return word_ngrams(tokens, *self.params["ngram_range"]) + char_ngrams(tokens, *self.params["char_ngram_range"])

    @property
    def n_features(self) -> int:
        return len(self.vocabulary_)

    @property
    def feature_names(self) -> list[str]:
        return self.terms_

    def fit(self, docs: list[list[str]]) -> "CountVectorizer":
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: list[list[str]]):
        from sklearn.feature_extraction.text import CountVectorizer as SkCountVectorizer

        sk = SkCountVectorizer(
            analyzer=self.features,
            min_df=self.params["min_df"],
            max_df=self.params["max_df"],
            max_features=self.params["max_features"],
            dtype=np.float64,
        )
        counts = sk.fit_transform(docs).tocsr()
        self.terms_ = [str(t) for t in sk.get_feature_names_out()]
        self.vocabulary_ = {t: i for i, t in enumerate(self.terms_)}
        self._fit_weights(counts)
        self.fitted = True
        return self._weigh(counts)

    def transform(self, docs: list[list[str]]):
        """Features of ``docs`` as a scipy CSR matrix."""
        return self.transform_csr(docs).to_scipy()

    def transform_csr(self, docs: list[list[str]]) -> CSR:
        """Features of ``docs`` as plain :class:`CSR` arrays (numpy only)."""
        self.check_fitted()
        return self._weigh(count_matrix(docs, self.vocabulary_, self.features))

    def _fit_weights(self, counts) -> None:
        pass

    def _weigh(self, counts):
        """Weigh counts in place; ``counts`` is a :class:`CSR` or a scipy CSR matrix."""
        if self.params["binary"]:
            counts.data[:] = 1.0
        return counts

    # -- state --------------------------------------------------------------------------
    def get_state(self):
        return {"terms": self.terms_}, {}

    def set_state(self, state, arrays):
        self.terms_ = list(state["terms"])
        self.vocabulary_ = {t: i for i, t in enumerate(self.terms_)}


class TfidfVectorizer(CountVectorizer):
    """Counts reweighted by inverse document frequency (smoothed) and L2-normalised per document.

    ``sublinear_tf`` replaces a count c by 1 + log(c), which helps on long texts.
    """

    name = "tfidf"
    defaults = {**CountVectorizer.defaults, "sublinear_tf": True, "norm": "l2"}

    def check_params(self) -> None:
        super().check_params()
        self._choice("sublinear_tf", (True, False))
        self._choice("norm", ("l2", "l1", None))

    def _fit_weights(self, counts):
        from sklearn.feature_extraction.text import TfidfTransformer

        self.idf_ = TfidfTransformer(smooth_idf=True).fit(counts).idf_.astype(np.float64)

    def _weigh(self, counts):
        counts = super()._weigh(counts)
        if self.params["sublinear_tf"]:
            np.log(counts.data, out=counts.data)
            counts.data[:] += 1.0
        counts.data[:] *= self.idf_[counts.indices]
        return normalize_rows(counts, self.params["norm"])

    def get_state(self):
        state, arrays = super().get_state()
        return state, {**arrays, "idf": self.idf_}

    def set_state(self, state, arrays):
        super().set_state(state, arrays)
        self.idf_ = np.asarray(arrays["idf"], dtype=np.float64)
        if self.idf_.shape != (len(self.terms_),):
            raise ValueError(f"idf has shape {self.idf_.shape} but the vocabulary has {len(self.terms_)} terms")


def normalize_rows(matrix, norm: str | None):
    """Scale each row of a CSR matrix (ours or scipy's), in place, to unit L1 or L2 norm (empty rows stay empty)."""
    if norm is None:
        return matrix
    values = matrix.data * matrix.data if norm == "l2" else np.abs(matrix.data)
    per_row = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), per_row)
    lengths = np.bincount(rows, weights=values, minlength=matrix.shape[0])
    if norm == "l2":
        lengths = np.sqrt(lengths)
    lengths[lengths == 0] = 1.0
    matrix.data[:] /= np.repeat(lengths, per_row)
    return matrix
