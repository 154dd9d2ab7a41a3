"""Brown word clusters: coarse word classes learnt from a large corpus, for the aspect taggers.

spaCy's English lookup tables (the ``spacy-lookups-data`` package, already needed for lemmas) hold a
Brown cluster for each of a million words. Brown clustering merges words bottom-up into a binary tree,
so a cluster is a path of bits from the root and a *prefix* of the path is a coarser class: at 4-6 bits
the classes are close to parts of speech (battery, camera, pizza and keyboard share their first 10
bits; "struggles" and "lasts" share the verb classes), further down they are topics. The SemEval-2014
aspect extraction systems leaned on such clusters; here they tell the taggers what kind of word an
unseen word is ("flickers", "struggles"), which the training sentences cannot.

spaCy stores a path reversed, as an integer, so the path's first ``k`` bits are the integer's ``k``
lowest bits. A model keeps its own copy of the table (the most frequent lower-case words), so it
predicts the same way whatever spacy-lookups-data is installed, and loads without reading the package.

>>> table = WordClusters({"battery": 0b10001111001, "pizza": 0b10001111001, "lasts": 0b1000110101010},
...                      prefixes=(4, 20))
>>> table.ids("battery") == table.ids("pizza"), table.ids("battery") == table.ids("lasts")
(True, False)
>>> table.ids("unheard-of")  # no cluster: one id per prefix that means "unknown"
[1, 1]
>>> table.features("battery")
['c4=9', 'c20=1145']
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

import numpy as np

from ..errors import ConfigError

PREFIXES = (4, 6, 10, 20)  # path prefix lengths used as features (20 bits: the whole path)
PAD, UNKNOWN = 0, 1  # ids of padding and of a word without a cluster


def _package_table(name: str) -> dict:
    try:
        path = resources.files("spacy_lookups_data") / "data" / f"en_{name}.json.gz"
        with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
            return json.load(f)
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ConfigError("word clusters need the package spacy-lookups-data: pip install spacy-lookups-data "
                          "(or fit with clusters=0)") from exc


@lru_cache(maxsize=2)
def lexeme_clusters(n_words: int = 100_000) -> dict[str, int]:
    """The Brown clusters of the ``n_words`` most frequent lower-case words of spaCy's English tables
    (read once per process; do not change the returned dict)."""
    clusters, probs = _package_table("lexeme_cluster"), _package_table("lexeme_prob")
    words = [w for w in clusters if w == w.lower()]
    words.sort(key=lambda w: (-probs.get(w, -100.0), w))
    return {w: int(clusters[w]) for w in words[:n_words]}


CACHE_SIZE = 200_000  # word forms whose ids WordClusters.ids keeps at most


class WordClusters:
    """Word -> Brown cluster, with the cluster's path prefixes as ids (for embeddings) or strings (for
    the classical tagger). Ids of all prefixes share one range: 0 padding, 1 no cluster, then each
    prefix length's values in order."""

    def __init__(self, table: dict[str, int], prefixes=PREFIXES) -> None:
        self.table, self.prefixes = dict(table), tuple(int(k) for k in prefixes)
        values = np.array(sorted(set(self.table.values())), dtype=np.int64)
        self._index, start = [], 2
        for k in self.prefixes:
            distinct = sorted(set((values & ((1 << k) - 1)).tolist()))
            self._index.append({v: i for i, v in enumerate(distinct, start)})
            start += len(distinct)
        self.n_ids = start
        self._cache: dict[str, list[int]] = {}

    def cluster(self, *forms: str) -> int | None:
        """The cluster of the first of a word's ``forms`` (e.g. normalised, raw) that has one, lower-cased."""
        for form in forms:
            c = self.table.get(form.lower())
            if c is not None:
                return c
        return None

    def ids(self, *forms: str) -> list[int]:
        """One id per prefix length (all ``UNKNOWN`` for a word without a cluster)."""
        found = self._cache.get(forms)
        if found is None:
            c = self.cluster(*forms)
            found = [UNKNOWN] * len(self.prefixes) if c is None else [
                index[c & ((1 << k) - 1)] for k, index in zip(self.prefixes, self._index)]
            if len(self._cache) >= CACHE_SIZE:  # a long-running process sees ever new words: start again
                self._cache.clear()
            self._cache[forms] = found
        return found

    def features(self, *forms: str, name: str = "c") -> list[str]:
        """The prefixes as feature strings, e.g. ``["c4=9", ...]`` (``["c=none"]`` without a cluster)."""
        c = self.cluster(*forms)
        if c is None:
            return [f"{name}=none"]
        return [f"{name}{k}={c & ((1 << k) - 1)}" for k in self.prefixes]

    def get_state(self) -> dict:
        return {"prefixes": list(self.prefixes), "words": list(self.table), "clusters": list(self.table.values())}

    @classmethod
    def from_state(cls, state: dict) -> "WordClusters":
        if len(state["words"]) != len(state["clusters"]):
            raise ValueError("the saved word clusters do not have one cluster per word")
        prefixes, clusters = list(state["prefixes"]), list(state["clusters"])
        if not all(type(k) is int and 1 <= k <= 63 for k in prefixes):  # bits of a cluster path
            raise ValueError(f"the saved cluster prefixes are not lengths from 1 to 63 bits ({prefixes[:3]!r})")
        if not all(type(c) is int and 0 <= c < 2**63 for c in clusters):
            raise ValueError("the saved word clusters are not whole numbers from 0 to 2**63")
        return cls(dict(zip(state["words"], clusters)), prefixes)
