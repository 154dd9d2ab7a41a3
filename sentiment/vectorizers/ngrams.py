"""Bag-of-n-grams vectorizers: ``count`` and ``tfidf`` (word and/or character n-grams).

scikit-learn chooses the vocabulary at ``fit`` (document-frequency cut-offs, ``max_features``) and
computes the IDF weights. Transforming with the fixed vocabulary is a short numpy routine here
(``transform_csr``): it gives the same matrix as scikit-learn's (a test checks this) without importing
scikit-learn or scipy, which keeps ``sentiment predict`` fast to start. ``transform`` wraps the same
arrays in a scipy CSR matrix. Large batches of word n-grams are looked up by token ids
(:class:`WordNgramIndex`) instead of by n-gram strings, which is several times faster.
"""

from __future__ import annotations

import bisect
import itertools
from typing import NamedTuple

import numpy as np

from ..errors import ConfigError, DataError
from ..stage import Stage, python_number


class CSR(NamedTuple):
    """A row-compressed sparse matrix as plain numpy arrays (scipy's CSR layout, without scipy)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def to_scipy(self):
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


MAX_WORD_N, MAX_CHAR_N = 10, 30  # the longest n-grams: words, characters


def word_ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """All word n-grams of ``tokens`` with ``low <= n <= high``, joined by spaces."""
    grams = list(tokens) if low == 1 else []
    if low <= 2 <= high:
        grams += [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
    if low <= 3 <= high:
        grams += [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:])]
    for n in range(max(low, 4), min(high, len(tokens)) + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries (scikit-learn's ``char_wb``), each word padded by spaces."""
    grams: list[str] = []
    for token in tokens:
        word = f" {token} "
        if len(word) < low:  # as scikit-learn does: a word shorter than every n is one n-gram
            grams.append(word)
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
    return csr_of_counts(rows[known], columns[known], (len(docs), len(vocabulary)))


def csr_of_counts(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> CSR:
    """A CSR matrix counting each (row, column) pair, in any order; each row's columns come out sorted."""
    width = max(shape[1], 1)
    keys = np.sort(rows * width + columns, kind="stable")  # timsort: quick on runs of rows already in order
    starts = np.flatnonzero(np.diff(keys, prepend=-1))  # where each distinct key starts
    counts = np.diff(starts, append=len(keys))
    keys = keys[starts]
    indptr = np.searchsorted(keys // width, np.arange(shape[0] + 1))
    return CSR(counts.astype(np.float64), keys % width, indptr, shape)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: ``np.unique``, which (numpy 2.4) takes 10-20 times as long for int64."""
    values = np.sort(values)
    return values[np.diff(values, prepend=values[:1] - 1) != 0]


class WordNgramIndex:
    """Vocabulary look-up of word n-grams by token ids, for large batches: numpy finds the columns of
    every n-gram of every document at once, without building the n-gram strings.

    Each token gets the id of its piece (a word of some vocabulary term, split at spaces). An n-gram is
    a node of a trie over the terms' pieces: the node of ``(t1 .. tn)`` is found by binary search for
    ``node(t1 .. tn-1) * n_pieces + piece(tn)`` among the (sorted) keys of level n, and each node knows
    the column of its term, if it is one. For tokens without spaces (the regex tokenizer's) an n-gram
    string ``"t1 .. tn"`` equals a term exactly when the term splits into those pieces, so the result
    is the same as looking up the joined strings; :meth:`lookup` gives up (None) on tokens with spaces.
    """

    def __init__(self, terms: list[str], low: int, high: int) -> None:
        sizes = np.fromiter(map(str.count, terms, itertools.repeat(" ")), dtype=np.int64, count=len(terms)) + 1
        self.low, self.high = low, min(high, int(sizes.max(initial=low)))  # no term is longer than the longest
        pieces = " ".join(terms).split(" ")  # the pieces of all terms, one after the other
        self.piece_ids = dict(zip(dict.fromkeys(pieces), itertools.count()))
        self.n_pieces = len(self.piece_ids)
        flat = np.fromiter(map(self.piece_ids.__getitem__, pieces), dtype=np.int64, count=len(pieces))
        first = np.cumsum(sizes) - sizes  # where each term's pieces start in ``flat``
        columns = np.arange(len(terms), dtype=np.int64)
        self.keys: list[np.ndarray] = []  # per level n >= 2: the sorted node keys
        self.columns: list[np.ndarray] = []  # per level n >= 1: the column of each node, -1 if not a term
        node = flat[first]
        for n in range(1, self.high + 1):
            longer = sizes >= n  # terms with an n-th piece; their prefix of length n is a node of level n
            if n > 1:
                keys = node[longer[sizes >= n - 1]] * self.n_pieces + flat[first[longer] + n - 1]
                self.keys.append(_distinct(keys))
                node = np.searchsorted(self.keys[-1], keys)
            level_columns = np.full(self.n_pieces if n == 1 else len(self.keys[-1]), -1, dtype=np.int64)
            exact = sizes[longer] == n
            level_columns[node[exact]] = columns[longer][exact]
            self.columns.append(level_columns)

    def lookup(self, docs: list[list[str]]) -> tuple[np.ndarray, np.ndarray] | None:
        """``(rows, columns)`` of every known n-gram occurrence in ``docs`` (None if a token has a space)."""
        tokens = list(itertools.chain.from_iterable(docs))
        if " " in "".join(tokens):
            return None
        ids = np.fromiter(map(self.piece_ids.get, tokens, itertools.repeat(-1)), dtype=np.int64, count=len(tokens))
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        room = np.cumsum(lengths)[rows] - np.arange(len(tokens))  # tokens from each position to its document's end
        found_rows, found_columns = [], []
        node = ids  # node[i]: the node of the n-gram starting at token i, -1 if none
        for n in range(1, self.high + 1):
            if n > 1:
                node, ids = node[:-1], ids[1:]  # n-grams starting at i extend those of length n-1 by token i+n-1
                valid = (node >= 0) & (ids >= 0) & (room[: len(node)] >= n)
                keys = node[valid] * self.n_pieces + ids[valid]
                level = self.keys[n - 2]
                order = np.argsort(keys)  # searching for sorted keys is kinder to the cache: faster, sort included
                at = np.empty_like(keys)
                at[order] = np.minimum(np.searchsorted(level, keys[order]), len(level) - 1)
                node = np.full(len(node), -1, dtype=np.int64)
                node[valid] = np.where(level[at] == keys, at, -1) if len(level) else -1
            if n >= self.low:
                known = np.flatnonzero(node >= 0)
                columns = self.columns[n - 1][node[known]]
                found_rows.append(rows[known][columns >= 0])
                found_columns.append(columns[columns >= 0])
        return np.concatenate(found_rows), np.concatenate(found_columns)


class SortedTerms:
    """Term -> column by binary search in the sorted list of terms: for a few documents, quicker than building
    the dict of all terms first (as ``sentiment predict "text"`` would, once per process)."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, term: str, default: int | None = None) -> int | None:
        at = bisect.bisect_left(self.terms, term)
        return at if at < len(self.terms) and self.terms[at] == term else default


FEW_DOCS = 100  # up to this many documents are looked up in SortedTerms until vocabulary_ exists
INDEX_MIN_DOCS = 5000  # a batch this large pays for building the WordNgramIndex of a 200,000-term vocabulary


class CountVectorizer(Stage):
    """Counts of word n-grams (``analyzer="word"``), character n-grams (``"char"``) or both (``"word+char"``)."""

    kind = "vectorizer"
    name = "count"
    nonnegative = True  # counts and tf-idf weights: any model can read them
    dense = False  # transform gives a sparse matrix
    # With analyzer="word+char", character n-grams are named with this prefix, so the word "good" and the
    # character n-gram "good" are two columns. Models saved before it (no "char_prefix" in their state)
    # share one column for both and keep doing so: set_state reads the prefix from the state.
    CHAR_PREFIX = "c:"
    _char_prefix = CHAR_PREFIX
    _vocabulary: dict[str, int] | None = None
    _index: WordNgramIndex | None = None
    defaults = {
        "analyzer": "word",
        "ngram_range": (1, 2),
        "char_ngram_range": (2, 5),
        "min_df": 1,
        "max_df": 1.0,
        "max_features": None,
        "binary": False,
    }
    option_help = {
        "analyzer": '"word" n-grams, "char" n-grams inside each word, or both ("word+char")',
        "ngram_range": "smallest and largest word n-gram, e.g. [1, 2]",
        "char_ngram_range": "smallest and largest character n-gram (analyzer char or word+char)",
        "min_df": "drop n-grams of fewer texts than this (a count, or a share of the texts below 1)",
        "max_df": "drop n-grams of more texts than this (a share up to 1.0, or a count from 2)",
        "max_features": "keep this many of the most frequent n-grams, the alphabetically first among equals (null: all)",
        "binary": "an n-gram counts once per text",
    }

    def check_params(self) -> None:
        self._choice("analyzer", ("word", "char", "word+char"))
        self._range("ngram_range", MAX_WORD_N)  # a bound, since a text's n-grams grow with n (a crafted model's too)
        self._range("char_ngram_range", MAX_CHAR_N)
        min_df = python_number(self.params["min_df"])
        if isinstance(min_df, float) and 0.0 < min_df < 1.0:
            self.params["min_df"] = min_df  # a share of the texts, as scikit-learn reads a float
        elif isinstance(min_df, bool) or not isinstance(min_df, int) or min_df < 1:
            raise ConfigError(f"min_df must be a whole number of texts (at least 1) or a share of the texts between 0 "
                              f"and 1 (e.g. 0.001), not {min_df!r}")
        else:
            self.params["min_df"] = min_df  # a numpy integer as Python's (a grid over np.arange)
        max_df = python_number(self.params["max_df"])
        if isinstance(max_df, int) and not isinstance(max_df, bool) and max_df >= 2:
            self.params["max_df"] = max_df  # a number of texts, as scikit-learn reads an int
        elif isinstance(max_df, (int, float)) and not isinstance(max_df, bool) and 0.0 < max_df <= 1.0:
            self.params["max_df"] = float(max_df)  # a share; an int 1 is all texts here (for scikit-learn: one text)
        else:  # 0 keeps no term at all (scikit-learn fails on it when fitting)
            raise ConfigError(f"max_df must be a share of the texts above 0 and at most 1.0 (e.g. 0.9), or a whole "
                              f"number of texts (at least 2), not {max_df!r}")
        min_df, max_df = self.params["min_df"], self.params["max_df"]
        if isinstance(min_df, int) and isinstance(max_df, int) and min_df > max_df and not self.from_saved:
            raise ConfigError(f"min_df={min_df} keeps the terms of at least {min_df} texts and max_df={max_df} those of "
                              f"at most {max_df}: no term is both; lower min_df or raise max_df")
        self._number("max_features", 1, integer=True, none="no limit")
        self._choice("binary", (True, False))

    # -- features -----------------------------------------------------------------------
    def features(self, tokens: list[str]) -> list[str]:
        analyzer = self.params["analyzer"]
        if analyzer == "word":
            return word_ngrams(tokens, *self.params["ngram_range"])
        if analyzer == "char":
            return char_ngrams(tokens, *self.params["char_ngram_range"])
        chars = char_ngrams(tokens, *self.params["char_ngram_range"])
        prefix = self._char_prefix
        return word_ngrams(tokens, *self.params["ngram_range"]) + ([prefix + gram for gram in chars] if prefix else chars)

    @property
    def n_features(self) -> int:
        return len(self.terms_)

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Term -> column, built on first use (for a large vocabulary, most of the time loading a model takes)."""
        if self._vocabulary is None:
            self._vocabulary = dict(zip(self.terms_, range(len(self.terms_))))
        return self._vocabulary

    @property
    def feature_names(self) -> list[str]:
        return self.terms_

    def fit(self, docs: list[list[str]]) -> "CountVectorizer":
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: list[list[str]]):
        from sklearn.feature_extraction.text import CountVectorizer as SkCountVectorizer

        sk = SkCountVectorizer(  # max_features is applied below: scikit-learn's cut breaks ties unstably
            analyzer=self.features,
            min_df=self.params["min_df"],
            max_df=self.params["max_df"],
            binary=self.params["binary"],
            dtype=np.float64,
        )
        self._char_prefix = self.CHAR_PREFIX  # a new fit (also of a loaded model) keeps word and char n-grams apart
        check_some_words(docs)
        try:
            counts = sk.fit_transform(docs).tocsr()
        except ValueError as exc:  # min_df above max_df, or no term left
            min_df, max_df, n = self.params["min_df"], self.params["max_df"], len(docs)
            least, most = ((limit if isinstance(limit, int) else limit * n) for limit in (min_df, max_df))  # as scikit-learn counts
            if most < least:
                raise DataError(f"min_df={min_df} keeps the terms of at least {least:g} texts, and max_df={max_df} "
                                f"those of at most {most:g} of the {n} texts; lower min_df (or give a share of the "
                                "texts, e.g. 0.01) or raise max_df") from None
            kept = f"min_df={min_df}, max_df={max_df}"
            raise DataError(f"no vocabulary on {n} texts with {kept} ({exc}); lower min_df or raise max_df") from None
        terms = sk.get_feature_names_out()
        counts, terms = _most_frequent(counts, terms, self.params["max_features"])
        self._set_terms([str(t) for t in terms])
        self._fit_weights(counts)
        self.fitted = True
        return self._weigh(counts)

    def n_known(self, docs: list[list[str]]) -> np.ndarray:
        """How many of each document's features (distinct n-grams) the vocabulary holds."""
        return np.diff(self.transform_csr(docs).indptr)

    def transform(self, docs: list[list[str]]):
        """Features of ``docs`` as a scipy CSR matrix."""
        return self.transform_csr(docs).to_scipy()

    def transform_csr(self, docs: list[list[str]]) -> CSR:
        """Features of ``docs`` as plain :class:`CSR` arrays (numpy only)."""
        self.check_fitted()
        index = self._word_index(len(docs))
        found = index.lookup(docs) if index is not None else None
        if found is not None:
            counts = csr_of_counts(*found, (len(docs), len(self.terms_)))
        elif self._vocabulary is None and len(docs) <= FEW_DOCS:  # the terms are sorted (fit and set_state see to it)
            counts = count_matrix(docs, SortedTerms(self.terms_), self.features)  # spares building vocabulary_
        else:
            counts = count_matrix(docs, self.vocabulary_, self.features)
        return self._weigh(counts)

    def _word_index(self, n_docs: int) -> WordNgramIndex | None:
        """The vocabulary's :class:`WordNgramIndex` (word n-grams only), built once, by the first batch of at
        least ``INDEX_MIN_DOCS`` documents: it takes about as long as looking up the n-grams of a few
        thousand documents by their strings, so later batches of any size use it too."""
        if self._index is None and n_docs >= INDEX_MIN_DOCS and self.params["analyzer"] == "word":
            self._index = WordNgramIndex(self.terms_, *self.params["ngram_range"])
        return self._index

    def _fit_weights(self, counts) -> None:
        pass

    def _weigh(self, counts):
        """Weigh counts in place; ``counts`` is a :class:`CSR` or a scipy CSR matrix."""
        if self.params["binary"]:
            counts.data[:] = 1.0
        return counts

    # -- state --------------------------------------------------------------------------
    def get_state(self):
        state = {"terms": self.terms_}
        if self.params["analyzer"] == "word+char":
            state["char_prefix"] = self._char_prefix
        return state, {}

    def set_state(self, state, arrays):
        prefix = state.get("char_prefix", "")  # saved before the prefix existed: word and char n-grams share columns
        if not isinstance(prefix, str):
            raise ValueError(f"char_prefix must be a string, not {prefix!r}")
        self._char_prefix = prefix
        terms = list(state["terms"])
        if not all(isinstance(term, str) for term in terms) or any(a >= b for a, b in zip(terms, terms[1:])):
            raise ValueError("the vocabulary is not a sorted list of distinct strings")  # looked up by bisection
        self._set_terms(terms)

    def _set_terms(self, terms: list[str]) -> None:
        self.terms_ = terms
        self._vocabulary = self._index = None


def _most_frequent(counts, terms: np.ndarray, limit: int | None) -> tuple:
    """The columns of ``counts`` (and their ``terms``, sorted) of the ``limit`` most frequent terms (None: all), as
    scikit-learn's ``max_features`` ranks them (total counts; with ``binary``, the texts that hold them), the
    alphabetically first among equals: the same vocabulary on every machine (scikit-learn's cut sorts with an
    unstable argsort, whose ties fell otherwise on a CPU with AVX-512 than on one without)."""
    if limit is None or counts.shape[1] <= limit:
        return counts, terms
    totals = np.asarray(counts.sum(axis=0)).ravel()
    kept = np.sort(np.argsort(-totals, kind="stable")[:limit])  # the columns are in the terms' order
    return counts[:, kept], terms[kept]


MAX_IDF = 100.0  # a smoothed idf, ln((1 + n) / (1 + df)) + 1, of a billion texts is 21.7


def smoothed_idf(counts) -> np.ndarray:
    """The smoothed idf of each column of a document-term count matrix (``CSR`` or scipy), ln((1 + n) / (1 + df))
    + 1, as scikit-learn's ``TfidfTransformer(smooth_idf=True)`` computes it: tfidf's weights and word2vec's
    tf-idf pooling."""
    from sklearn.feature_extraction.text import TfidfTransformer

    if isinstance(counts, CSR):
        counts = counts.to_scipy()
    return TfidfTransformer(smooth_idf=True).fit(counts).idf_.astype(np.float64)


def check_saved_idf(idf: np.ndarray) -> None:
    """A ValueError for saved idf weights (tfidf's, word2vec's tf-idf pooling) that no data give: a smoothed idf
    lies between 1 and ln(1 + n) + 1 (a crafted 1e308 overflowed, and every text got the same scores)."""
    if idf.size and not (idf.min() >= 1.0 and idf.max() <= MAX_IDF):
        raise ValueError(f"its idf values are not all between 1 and {MAX_IDF:.0f}, as ln((1 + n) / (1 + df)) + 1 of "
                         "any data are")


class TfidfVectorizer(CountVectorizer):
    """Counts reweighted by inverse document frequency (smoothed) and normalised per document (``norm``: "l2",
    the default, "l1" or None).

    ``sublinear_tf`` (on by default, unlike scikit-learn's) replaces a count c by 1 + log(c), which helps on
    long texts.
    """

    name = "tfidf"
    defaults = {**CountVectorizer.defaults, "sublinear_tf": True, "norm": "l2"}
    option_help = {**CountVectorizer.option_help, "sublinear_tf": "1 + log(count) instead of the count",
                   "norm": 'scale each text\'s row to unit length: "l2", "l1" or null (none)'}

    def check_params(self) -> None:
        super().check_params()
        self._choice("sublinear_tf", (True, False))
        self._choice("norm", ("l2", "l1", None))

    def _fit_weights(self, counts):
        self.idf_ = smoothed_idf(counts)

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
        check_saved_idf(self.idf_)


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


def check_some_words(docs) -> None:
    """A DataError where the cleaning left no word in any of the training texts ``docs`` (token lists, or
    strings of tokens): what every vectorizer says, before it says that none of its words is frequent enough."""
    if not any(docs):
        raise DataError(f"the cleaning left no words in any of the {len(docs)} training texts; check the cleaning "
                        "options (emoji, urls, mentions and stopwords can remove every word of short texts)")
