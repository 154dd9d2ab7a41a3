"""Word2Vec document vectors: gensim word vectors, averaged over a document's tokens.

The word vectors are trained on the training texts (gensim's ``Word2Vec``) or loaded from a user's
vectors file (word2vec text or binary format, or GloVe text without a header line: :mod:`.vectors_file`). A
document is the mean of its words' vectors, or the IDF-weighted mean (``pooling="tfidf"``), standardised with
the training mean and deviation of each dimension (a document without a known word is the mean: all zeros).

The model keeps the vectors of the words seen in the training texts, or with a vectors file and
``file_words="all"`` every word of the file, so that words the training texts lack keep their vectors
when the model predicts (a bigger model file: a file's whole vocabulary). A word that the file holds only
capitalised ("Paris", "GOOD") serves the cleaner's lowercased token (the first such word in the file;
with ``file_words="all"`` and lowercased texts every capitalised word is kept so, under its lowercase),
and a file with vectors for under half of the training texts' words is noted (``VectorCoverageWarning``).
A vectors file made outside this package has no words marked by the cleaning's negation step
(``not_good``): where the file knows none of them, each takes the vector of the word itself (the
negation before it still counts), rather than dropping out of the text.
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np

from ..cleaning import NEGATION_MARK as NEGATED, lowercased
from ..errors import ConfigError, DataError, VectorCoverageWarning, caller_stacklevel
from ..persistence import saved_vocabulary
from ..stage import Stage
from .ngrams import check_saved_idf, check_some_words, count_matrix, normalize_rows, smoothed_idf
from .vectors_file import MAX_VECTOR_SIZE, check_source, first_words, load_vectors, vector_size


# how word vectors are trained, which a vectors file's vectors are not (vector_size, which a file's must equal
# where it is given, is checked apart: see check_source)
TRAINING_ONLY = ("window", "min_count", "w2v_epochs", "skipgram", "workers", "seed")
MIN_SCALE = 1e-6  # a dimension that varies less over the training documents is centred, not scaled
MIN_COVERAGE = 0.5  # a vectors file with vectors for fewer of the training texts' words (occurrences) is noted


# What a vectors file whose words no training text has should hold instead.
_CLEANED_TOKENS = ("the texts are cleaned first (lowercased by default: lowercase=False keeps the case), so use vectors "
                   "of words written as the cleaned tokens")


class Word2VecVectorizer(Stage):
    kind = "vectorizer"
    name = "word2vec"
    nonnegative = False  # standardised document vectors: models that need non-negative features cannot use them
    dense = True  # transform gives a dense array
    negation_backoff_ = False  # set by fit and set_state; a stage pickled before it existed has none
    defaults = {
        "vector_size": 100,
        "window": 5,
        "min_count": 2,
        "w2v_epochs": 10,
        "skipgram": True,
        "pooling": "tfidf",
        "vectors_path": None,
        "vectors_format": "auto",
        "file_words": "training",
        "seed": 0,
        "workers": 1,
    }
    option_help = {
        "vector_size": "dimensions of the word vectors (with vectors_path: the file's, if given)",
        "window": "context words on each side of a word (training the vectors)",
        "min_count": "words fewer times in the training texts get no vector (training the vectors)",
        "w2v_epochs": "passes over the training texts (training the vectors)",
        "skipgram": "skip-gram (true) or CBOW (false) (training the vectors)",
        "pooling": 'a text\'s vector: the IDF-weighted ("tfidf") or plain ("mean") mean of its word vectors (no lstm)',
        "vectors_path": "load the vectors from this file (word2vec, GloVe) or saved model instead of training them",
        "vectors_format": 'the file\'s format: "auto", "word2vec", "word2vec-binary" or "glove"',
        "file_words": 'keep the vectors of the training texts\' words ("training") or of every word of the file ("all")',
        "seed": "random seed of the vectors' training",
        "workers": "threads training the vectors (1: the same vectors every run)",
    }

    def check_params(self) -> None:
        # trained here: at most 2048; a vectors file's own size (recorded once fitted) as large as it reads
        self._number("vector_size", 1, 2048 if not self.params["vectors_path"] else MAX_VECTOR_SIZE, integer=True)
        self._number("window", 1, 100, integer=True)
        self._number("min_count", 1, integer=True)
        self._number("w2v_epochs", 1, 1000, integer=True)
        self._choice("skipgram", (True, False))
        self._choice("pooling", ("mean", "tfidf"))
        self._choice("vectors_format", ("auto", "word2vec", "word2vec-binary", "glove"))
        self._choice("file_words", ("training", "all"))
        self._number("seed", 0, 2**32 - 1, integer=True)
        self._number("workers", 1, 64, integer=True)
        path = self.params["vectors_path"]
        if path is not None:
            self.params["vectors_path"] = path = str(path)
            if not path.strip() and not self.from_saved:  # an unset shell variable: trained here, silently (a model
                # saved so, before this check, trained its own vectors and loads as it was)
                raise ConfigError("vectors_path is empty; give a word2vec or GloVe file (or a saved model's directory), "
                                  "or leave vectors_path out to train the vectors on the texts")
        if not self.from_saved:  # rules between options (a saved model keeps what it was trained with)
            self._check_source_options()

    def _check_source_options(self) -> None:
        """Refuse options that the source of the vectors (trained here, or a vectors file) would ignore."""
        if self.params["vectors_path"] is None:
            ignored = [f"{k}={self.params[k]!r}" for k in ("vectors_format", "file_words")
                       if self.params[k] != self.defaults[k]]
            if ignored:
                raise ConfigError(f"{', '.join(ignored)} go(es) with a vectors file; set vectors_path too, "
                                  "or leave them out")
            return
        unused = [f"{k}={self.params[k]!r}" for k in TRAINING_ONLY if k in self.given]
        if unused:  # they would be ignored without a word: the file's vectors are taken as they are
            raise ConfigError(f"{', '.join(unused)} set(s) how word vectors are trained, but vectors_path loads them "
                              "from a file (whose size they keep); leave those options out, or vectors_path")

    def check_source(self) -> None:
        """Refuse a ``vectors_path`` that cannot be read (missing, a directory without a model) and a
        ``vector_size`` other than its vectors' before any work; the pipelines call it when they build their
        stages to fit (not when they load a fitted model, which keeps its vectors and needs the file no more)."""
        path = self.params["vectors_path"]
        if path is None:
            return
        check_source(path, self.params["vectors_format"])
        if "vector_size" in self.given:
            self._check_size(vector_size(path, self.params["vectors_format"]))

    def _check_size(self, size: int) -> None:
        if self.params["vector_size"] != size:
            raise ConfigError(f"vector_size={self.params['vector_size']} differs from the size of the vectors in "
                              f"{self.params['vectors_path']}, {size}; leave vector_size out (a vectors file keeps its "
                              "own size)")

    @property
    def n_features(self) -> int:
        return self.vectors_.shape[1]

    def fit(self, docs: list[list[str]]) -> "Word2VecVectorizer":
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: list[list[str]]) -> np.ndarray:
        check_some_words(docs)
        counts = Counter(t for tokens in docs for t in tokens)
        self.negation_backoff_ = False
        if self.params["vectors_path"] is not None:
            words, vectors = self._file_vectors(counts)
        else:
            keyed = self._train(docs, counts)
            words = sorted(w for w in counts if w in keyed.key_to_index)
            if not words:
                raise DataError("no word of the training texts has a word vector; train on more text or lower min_count")
            vectors = np.stack([keyed[w] for w in words])
        self.words_ = words
        self.vocabulary_ = {w: i for i, w in enumerate(words)}
        self.vectors_ = np.asarray(vectors, dtype=np.float32)
        if self.params["vectors_path"] is not None:
            self._say_coverage(counts)
        doc_counts = count_matrix(docs, self.vocabulary_, list)
        self.idf_ = smoothed_idf(doc_counts)
        # the same counts pool the vectors, unless the negation marks back off to their words there
        pooled, known = self._pool(docs, None if self.negation_backoff_ else doc_counts)
        if not known.any():  # file_words="all": the file's words, none of them in a training text
            raise DataError(f"no training text has a word of the vectors file {self.params['vectors_path']}; "
                            + _CLEANED_TOKENS)
        # Standardised features suit the linear models (their regularisation assumes comparable scales); the
        # statistics are those of the documents with a known word (at least one has: checked above).
        # A dimension that hardly varies (one text, a constant column of a vectors file) is centred only, as
        # scikit-learn's StandardScaler does: divided by its tiny deviation it would blow up to 1e5.
        # (in float64: the squares of a vectors file's large values, 1e20, overflow float32)
        self.mean_ = pooled[known].mean(axis=0, dtype=np.float64).astype(np.float32)
        std = pooled[known].std(axis=0, dtype=np.float64)
        self.scale_ = np.where(std < MIN_SCALE, 1.0, std).astype(np.float32)
        self.fitted = True
        return self._standardised(pooled, known)

    def _file_vectors(self, counts: Counter) -> tuple[list[str], np.ndarray]:
        """The words to keep and their vectors, from ``vectors_path``: those of the training texts (``counts``)
        or (``file_words="all"``) every word of the file; where the file knows none of the training texts'
        negation-marked words, those take their word's vector."""
        path = self.params["vectors_path"]
        marked = {w: w[len(NEGATED):] for w in counts if w.startswith(NEGATED) and len(w) > len(NEGATED)}
        wanted = None if self.params["file_words"] == "all" else set(counts) | set(marked.values())
        keyed = load_vectors(path, self.params["vectors_format"], keep=wanted)
        size = keyed.vector_size
        if "vector_size" in self.given:  # (check_source has said so already where a pipeline called it)
            self._check_size(size)
        self.params["vector_size"] = size  # what the fitted stage has (sentiment info shows it), not the default
        index = keyed.key_to_index
        # a word that the file holds only capitalised ("Paris", "GOOD") serves the cleaner's lowercased token: the
        # first such word in the file (the most frequent, in the usual files sorted so); lowercased as the cleaner
        # does ("İzmir" serves "izmir", not "i̇zmir" with a combining dot, which no cleaned text holds)
        lowered = {}
        for word in keyed.index_to_key:
            lowered.setdefault(lowercased(word), word)

        def found(word: str) -> str | None:
            return word if word in index else lowered.get(word)

        # vectors made from text cleaned without the negation marks (any vectors file from elsewhere) know none
        # of the marked words: each takes its word's vector; vectors made with them keep their own (a rare marked
        # word missing there is left out, as a rare word is)
        unmarked = not any(found(w) for w in marked)
        self.negation_backoff_ = unmarked  # also for marked words first met when predicting
        backed = {w: found(base) for w, base in marked.items() if unmarked and found(base)}
        source = {w: backed.get(w) or found(w) for w in counts}  # the file's word whose vector each word takes
        source = {w: origin for w, origin in source.items() if origin is not None}
        if self.params["file_words"] == "all":
            if all(w == w.lower() for w in counts):  # lowercased texts: a capitalised word is its lowercase's, as above
                source.update((w, found(w)) for w in lowered if w not in source)
            else:  # the cleaner keeps the case (lowercase=False): every word as the file writes it
                source.update((w, w) for w in index if w not in source)
        words = sorted(source)
        if not words:
            sample = ", ".join(repr(w) for w in first_words(path, self.params["vectors_format"]))
            raise DataError(f"no word of the training texts is in the vectors file {path} (its words: {sample}, ...); "
                            + _CLEANED_TOKENS)
        rows = np.fromiter((index[source[w]] for w in words), dtype=np.int64, count=len(words))
        return words, keyed.vectors[rows]

    def _say_coverage(self, counts: Counter) -> None:
        """A VectorCoverageWarning where the vectors file has vectors for under ``MIN_COVERAGE`` of the training
        texts' words (``counts``; each time a word occurs counts), naming the most frequent words without one."""
        missing = Counter({w: n for w, n in counts.items() if w not in self.vocabulary_})
        share = 1 - missing.total() / counts.total()
        if 0 < share < MIN_COVERAGE:  # (none: an error says so)
            frequent = ", ".join(repr(w) for w, _ in missing.most_common(5))
            how_many = "under 1%" if share < 0.01 else f"only {int(share * 100)}%"  # (not "only 0%": it has some)
            warnings.warn(VectorCoverageWarning(
                f"the vectors file {self.params['vectors_path']} has vectors for {how_many} of the training texts' "
                f"words (the most frequent without one: {frequent}), and a text's vector is made of "
                f"those it has; {_CLEANED_TOKENS}"), stacklevel=caller_stacklevel())

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
        return np.diff(count_matrix(self._backed_off(docs), self.vocabulary_, list).indptr)

    def _backed_off(self, docs: list[list[str]]) -> list[list[str]]:
        """``docs`` with each negation-marked word that has no vector read as its word, where the vectors knew
        none of the marked words (``negation_backoff_``); else as they are."""
        if not self.negation_backoff_:
            return docs
        vocabulary, cut = self.vocabulary_, len(NEGATED)
        return [[t[cut:] if t not in vocabulary and t.startswith(NEGATED) else t for t in tokens] for tokens in docs]

    def _pool(self, docs: list[list[str]], counts=None) -> tuple[np.ndarray, np.ndarray]:
        """Mean (or IDF-weighted mean) of each document's word vectors (zeros for a document with none), and
        whether each document has a word with a vector; ``counts``: the documents' word counts where the caller
        has them already (reweighted in place)."""
        if counts is None:
            counts = count_matrix(self._backed_off(docs), self.vocabulary_, list)
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
    PAD, UNKNOWN, FIRST_ID = 0, 1, 2  # padding, an unknown word, then the words in the order of vectors_

    def sequences(self, docs: list[list[str]]) -> list[np.ndarray]:
        """Token ids per document: 0 pads, 1 is an unknown word, a word is ``FIRST_ID`` + its row in ``vectors_``."""
        self.check_fitted()
        get, missing = self.vocabulary_.get, self.UNKNOWN - self.FIRST_ID  # missing: the "row" of the unknown id
        return [np.fromiter((get(t, missing) + self.FIRST_ID for t in tokens), dtype=np.int64, count=len(tokens))
                for tokens in self._backed_off(docs)]

    def embedding_matrix(self) -> np.ndarray:
        """Initial embeddings matching :meth:`sequences`: a zero row (padding), a zero row (unknown), the word vectors."""
        self.check_fitted()
        return np.vstack([np.zeros((self.FIRST_ID, self.vectors_.shape[1]), dtype=np.float32), self.vectors_])

    @property
    def n_tokens(self) -> int:
        return self.FIRST_ID + len(self.words_)

    def get_state(self):
        backoff = {"negation_backoff": True} if self.negation_backoff_ else {}
        return ({"words": self.words_, **backoff},
                {"vectors": self.vectors_, "idf": self.idf_, "mean": self.mean_, "scale": self.scale_})

    def set_state(self, state, arrays):
        self.negation_backoff_ = state.get("negation_backoff", False) is True  # absent: saved before it existed
        self.words_ = saved_vocabulary(state["words"], "word vectors' vocabulary")
        self.vocabulary_ = {w: i for i, w in enumerate(self.words_)}
        self.vectors_ = np.asarray(arrays["vectors"], dtype=np.float32)
        self.idf_ = np.asarray(arrays["idf"], dtype=np.float64)
        self.mean_ = np.asarray(arrays["mean"], dtype=np.float32)
        self.scale_ = np.asarray(arrays["scale"], dtype=np.float32)
        if self.mean_.shape != (self.vectors_.shape[1],) or self.scale_.shape != self.mean_.shape:
            raise ValueError("word2vec scaling arrays do not match the vector size")
        if (self.scale_ < np.float32(MIN_SCALE)).any():  # fit never gives one (1.0 instead): features would be infinite
            raise ValueError(f"a word2vec scale is below {MIN_SCALE} (zero or negative)")
        if self.vectors_.shape[0] != len(self.words_) or self.idf_.shape != (len(self.words_),):
            raise ValueError("word vectors and vocabulary differ in length")
        check_saved_idf(self.idf_)
        if self.params["vectors_path"]:  # the file's size (one saved before 4 December 2026 kept the default 100)
            self.params["vector_size"] = self.vectors_.shape[1]
        elif self.vectors_.shape[1] != self.params["vector_size"]:  # trained here: as many values as it was told
            raise ValueError(f"the word vectors have {self.vectors_.shape[1]} values each, not vector_size="
                             f"{self.params['vector_size']}")
