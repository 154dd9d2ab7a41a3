"""Word2Vec document vectors: gensim word vectors, averaged over a document's tokens.

The word vectors are trained on the training texts (gensim's ``Word2Vec``) or loaded from a user's
vectors file (word2vec text or binary format, or GloVe text without a header line: :mod:`.vectors_file`). A
document is the mean of its words' vectors, or the IDF-weighted mean (``pooling="tfidf"``), standardised with
the training mean and deviation of each dimension (a document without a known word is the mean: all zeros).
Only the vectors of words seen in the training texts are kept in the saved model.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..errors import ConfigError, DataError
from ..stage import Stage
from .ngrams import count_matrix, normalize_rows
from .vectors_file import check_source, load_vectors


TRAINING_ONLY = ("vector_size", "window", "min_count", "w2v_epochs", "skipgram", "workers")  # not for a vectors file


class Word2VecVectorizer(Stage):
    kind = "vectorizer"
    name = "word2vec"
    nonnegative = False  # standardised document vectors: models that need non-negative features cannot use them
    dense = True  # transform gives a dense array
    defaults = {
        "vector_size": 100,
        "window": 5,
        "min_count": 2,
        "w2v_epochs": 10,
        "skipgram": True,
        "pooling": "tfidf",
        "vectors_path": None,
        "vectors_format": "auto",
        "seed": 0,
        "workers": 1,
    }

    def check_params(self) -> None:
        self._number("vector_size", 1, 2048, integer=True)
        self._number("window", 1, 100, integer=True)
        self._number("min_count", 1, integer=True)
        self._number("w2v_epochs", 1, 1000, integer=True)
        self._choice("skipgram", (True, False))
        self._choice("pooling", ("mean", "tfidf"))
        self._choice("vectors_format", ("auto", "word2vec", "word2vec-binary", "glove"))
        self._number("seed", 0, 2**32 - 1, integer=True)
        self._number("workers", 1, 64, integer=True)
        path = self.params["vectors_path"]
        if path is not None:
            self.params["vectors_path"] = str(path)

    def check_source(self) -> None:
        """Refuse a ``vectors_path`` that cannot be read (missing, a directory without a model) before any work;
        the pipelines call it when they build their stages to fit (not when they load a fitted model, which
        keeps its vectors and needs the file no more)."""
        if self.params["vectors_path"]:
            check_source(self.params["vectors_path"], self.params["vectors_format"])

    @property
    def n_features(self) -> int:
        return self.vectors_.shape[1]

    def fit(self, docs: list[list[str]]) -> "Word2VecVectorizer":
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: list[list[str]]) -> np.ndarray:
        counts = Counter(t for tokens in docs for t in tokens)
        if self.params["vectors_path"]:
            unused = [f"{k}={self.params[k]!r}" for k in TRAINING_ONLY if self.params[k] != self.defaults[k]]
            if unused:  # they would be ignored without a word: the file's vectors are taken as they are
                raise ConfigError(f"{', '.join(unused)} set(s) how word vectors are trained, but vectors_path loads them "
                                  "from a file (whose size they keep); leave those options out, or vectors_path")
            keyed = load_vectors(self.params["vectors_path"], self.params["vectors_format"])
        else:
            keyed = self._train(docs, counts)
        words = sorted(w for w in counts if w in keyed.key_to_index)
        if not words:
            if self.params["vectors_path"]:
                sample = ", ".join(repr(w) for w in keyed.index_to_key[:3])
                raise DataError(f"no word of the training texts is in the vectors file {self.params['vectors_path']} "
                                f"(its words: {sample}, ...); the texts are cleaned first (lowercased by default: "
                                "lowercase=False keeps the case), so use vectors of words written as the cleaned tokens")
            raise DataError("no word of the training texts has a word vector; train on more text or lower min_count")
        self.words_ = words
        self.vocabulary_ = {w: i for i, w in enumerate(words)}
        self.vectors_ = np.stack([keyed[w] for w in words]).astype(np.float32)
        doc_freq = Counter(t for tokens in docs for t in set(tokens) if t in self.vocabulary_)
        df = np.array([doc_freq[w] for w in words], dtype=np.float64)
        self.idf_ = np.log((1 + len(docs)) / (1 + df)) + 1.0
        pooled, known = self._pool(docs)
        # Standardised features suit the linear models (their regularisation assumes comparable scales); the
        # statistics are those of the documents with a known word (at least one has, or the check above fails)
        self.mean_ = pooled[known].mean(axis=0)
        self.scale_ = np.maximum(pooled[known].std(axis=0), 1e-6)
        self.fitted = True
        return self._standardised(pooled, known)

    def _train(self, docs, counts: Counter):
        from gensim.models import Word2Vec

        if not any(n >= self.params["min_count"] for n in counts.values()):
            raise DataError(f"no word occurs min_count={self.params['min_count']} times in the training texts; "
                            "lower min_count or train on more text")
        model = Word2Vec(
            sentences=docs,
            vector_size=self.params["vector_size"],
            window=self.params["window"],
            min_count=self.params["min_count"],
            sg=int(self.params["skipgram"]),
            epochs=self.params["w2v_epochs"],
            seed=self.params["seed"],
            workers=self.params["workers"],  # 1 makes training reproducible
        )
        return model.wv

    def transform(self, docs: list[list[str]]) -> np.ndarray:
        self.check_fitted()
        return self._standardised(*self._pool(docs))

    def n_known(self, docs: list[list[str]]) -> np.ndarray:
        """How many of each document's distinct words have a vector."""
        self.check_fitted()
        return np.diff(count_matrix(docs, self.vocabulary_, list).indptr)

    def _pool(self, docs: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Mean (or IDF-weighted mean) of each document's word vectors (zeros for a document with none), and
        whether each document has a word with a vector."""
        counts = count_matrix(docs, self.vocabulary_, list)
        known = np.diff(counts.indptr) > 0
        if self.params["pooling"] == "tfidf":
            counts.data[:] *= self.idf_[counts.indices]
        weights = normalize_rows(counts, "l1").to_scipy()
        return np.asarray(weights @ self.vectors_, dtype=np.float32), known

    def _standardised(self, pooled: np.ndarray, known: np.ndarray) -> np.ndarray:
        """Pooled vectors standardised by the training statistics; a document without a known word gets the
        training mean, all zeros: no evidence either way (a zero pooled vector, standardised, lies far from
        every training document, and models grew confident about such texts)."""
        standardised = (pooled - self.mean_) / self.scale_
        standardised[~known] = 0.0
        return standardised

    # -- token ids, for sequence models (LSTM) ----------------------------------------------
    PAD, UNKNOWN = 0, 1

    def sequences(self, docs: list[list[str]]) -> list[np.ndarray]:
        """Token ids per document: 0 pads, 1 is an unknown word, words are 2 + their row in ``vectors_``."""
        self.check_fitted()
        get = self.vocabulary_.get
        return [np.fromiter((get(t, -1) + 2 for t in tokens), dtype=np.int64, count=len(tokens)) for tokens in docs]

    def embedding_matrix(self) -> np.ndarray:
        """Initial embeddings matching :meth:`sequences`: a zero row (padding), a zero row (unknown), the word vectors."""
        self.check_fitted()
        return np.vstack([np.zeros((2, self.vectors_.shape[1]), dtype=np.float32), self.vectors_])

    @property
    def n_tokens(self) -> int:
        return len(self.words_) + 2

    def get_state(self):
        return {"words": self.words_}, {"vectors": self.vectors_, "idf": self.idf_, "mean": self.mean_, "scale": self.scale_}

    def set_state(self, state, arrays):
        self.words_ = list(state["words"])
        self.vocabulary_ = {w: i for i, w in enumerate(self.words_)}
        self.vectors_ = np.asarray(arrays["vectors"], dtype=np.float32)
        self.idf_ = np.asarray(arrays["idf"], dtype=np.float64)
        self.mean_ = np.asarray(arrays["mean"], dtype=np.float32)
        self.scale_ = np.asarray(arrays["scale"], dtype=np.float32)
        if self.mean_.shape != (self.vectors_.shape[1],) or self.scale_.shape != self.mean_.shape:
            raise ValueError("word2vec scaling arrays do not match the vector size")
        if self.vectors_.shape[0] != len(self.words_) or self.idf_.shape != (len(self.words_),):
            raise ValueError("word vectors and vocabulary differ in length")
