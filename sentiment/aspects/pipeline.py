"""``AspectPipeline``: aspect term extraction + aspect polarity, fit / predict / save / load.

Directory format (the same as every model of this package, see :mod:`sentiment.persistence`)::

    model/
      config.json                    "kind": "aspect", settings, labels, metrics, SHA-256 of every file
      extractor/state.json, arrays.safetensors
      polarity/state.json, arrays.safetensors
      prior/...                      (optional) the sentence-level polarity model whose scores of the
                                     aspect's clause and context windows are features of the polarity model

Loading verifies every checksum (the prior's files included) and reads JSON and safetensors only.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import ConfigError, DataError, ModelFileError, NotFittedError
from ..persistence import atomic_directory, checksum, read_model, share_permissions, write_config
from .data import POLARITIES, read_aspect_data, token_cleaner
from .extraction import ClassicalTagger
from .polarity import ClassicalPolarity, aspect_items

EXTRACTORS = ("classical",)
POLARITY_MODELS = ("classical",)


class AspectPipeline:
    """Extract aspect terms from texts and classify the sentiment toward each.

    Parameters
    ----------
    extractor : {"classical"}
        Per-token logistic regression over window features (BIO tags).
    polarity : {"classical"}
        Logistic regression over the aspect's context (clause, left/right windows, distance-weighted words).
    prior : "default", a model directory, or None
        A sentence-level polarity model (``sentiment.load``) whose scores of the aspect's clause and
        context windows become features of the polarity model; it is saved inside the aspect model.
    tagger_C, polarity_C : float
        Inverse regularisation strengths of the two logistic regressions.
    bits : int
        Hash size (``2**bits`` features) of both models.
    seed : int
    """

    kind = "aspect"  # what `sentiment.load` found in the directory (config.json "kind")

    def __init__(self, extractor: str = "classical", polarity: str = "classical", prior="default",
                 tagger_C: float = 1.0, polarity_C: float = 1.0, bits: int = 18, seed: int = 0,
                 keep_conflict: bool = False):
        if extractor not in EXTRACTORS:
            raise ConfigError(f"extractor={extractor!r} is not valid; choose one of: {', '.join(EXTRACTORS)}")
        if polarity not in POLARITY_MODELS:
            raise ConfigError(f"polarity={polarity!r} is not valid; choose one of: {', '.join(POLARITY_MODELS)}")
        if not (isinstance(bits, int) and 10 <= bits <= 24):
            raise ConfigError(f"bits must be an integer from 10 to 24, not {bits!r}")
        for name, value in (("tagger_C", tagger_C), ("polarity_C", polarity_C)):
            if not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"{name} must be a positive number, not {value!r}")
        self.params = {"extractor": extractor, "polarity": polarity, "prior": prior, "tagger_C": float(tagger_C),
                       "polarity_C": float(polarity_C), "bits": bits, "seed": seed, "keep_conflict": keep_conflict}
        self.cleaner = token_cleaner()
        self.extractor_ = self.polarity_ = self.prior_ = None
        self.info_: dict = {}

    # -- fitting -----------------------------------------------------------------------------
    def fit(self, sentences, dev=None) -> "AspectPipeline":
        """Fit on sentence dicts (see :mod:`sentiment.aspects.data`) or a data file path."""
        sentences = _as_sentences(sentences, self.params["keep_conflict"])
        items, labels = aspect_items(sentences)
        if not any(s["aspects"] for s in sentences):
            raise DataError("the training data hold no aspect terms; give sentences with aspects")
        if len(set(labels)) < 2:
            raise DataError("the training aspects need at least two different polarities; give more varied data")
        p = self.params
        self.prior_ = _load_prior(p["prior"])
        self.extractor_ = ClassicalTagger(C=p["tagger_C"], bits=p["bits"], seed=p["seed"], cleaner=self.cleaner)
        self.extractor_.fit(sentences)
        self.polarity_ = ClassicalPolarity(C=p["polarity_C"], bits=p["bits"], seed=p["seed"], cleaner=self.cleaner,
                                           prior=self._prior_scorer())
        self.polarity_.fit(items, labels)
        self.info_ = {"n_sentences": len(sentences), "n_aspects": len(items),
                      "polarity_counts": {c: labels.count(c) for c in POLARITIES}}
        if dev is not None:
            from .evaluation import evaluate_pipeline

            self.info_["dev"] = evaluate_pipeline(self, _as_sentences(dev, False))
        return self

    def _prior_scorer(self):
        if self.prior_ is None:
            return None
        column = list(self.prior_.classes_).index("positive")
        return lambda texts: self.prior_.predict_proba(texts)[:, column]

    def _check_fitted(self):
        if self.extractor_ is None:
            raise NotFittedError("this AspectPipeline is not fitted; call fit(...) or AspectPipeline.load(path)")

    # -- prediction ---------------------------------------------------------------------------
    def extract(self, texts: list[str]) -> list[list[dict]]:
        """Aspect term spans of each text: ``{"term", "from", "to", "extraction_score"}``."""
        self._check_fitted()
        return self.extractor_.extract(_check_texts(texts))

    def polarity_proba(self, items: list[tuple[str, int, int]]) -> np.ndarray:
        """Probabilities (negative, neutral, positive) of ``(text, from, to)`` aspects."""
        self._check_fitted()
        return self.polarity_.predict_proba(items)

    def predict_aspects(self, texts, aspects=None) -> list[list[dict]]:
        """Per text a list of ``{"term", "from", "to", "polarity", "score"}``.

        Without ``aspects`` the terms are extracted. With ``aspects`` (terms to score, the same list
        for every text, or one list per text) each term is located in the text (case-insensitive,
        whole words preferred; every occurrence is scored); a term that occurs in no text is a DataError.
        """
        self._check_fitted()
        single = isinstance(texts, str)
        texts = _check_texts([texts] if single else texts)
        if aspects is None:
            found = self.extractor_.extract(texts)
        else:
            found = locate_terms(texts, aspects)
        items = [(t, a["from"], a["to"]) for t, spans in zip(texts, found) for a in spans]
        probs = self.polarity_.predict_proba(items) if items else np.zeros((0, 3))
        k = 0
        results = []
        for spans in found:
            out = []
            for a in spans:
                best = int(probs[k].argmax())
                entry = {"term": a["term"], "from": a["from"], "to": a["to"], "polarity": POLARITIES[best],
                         "score": float(probs[k, best])}
                if "extraction_score" in a:
                    entry["extraction_score"] = a["extraction_score"]
                out.append(entry)
                k += 1
            results.append(out)
        return results

    def annotate(self, texts, aspects=None) -> list[dict]:
        """Per text: ``{"text", "aspects": [...]}`` with the aspects of :meth:`predict_aspects`."""
        from ..data import check_texts

        texts = check_texts(texts)
        return [{"text": text, "aspects": found} for text, found in zip(texts, self.predict_aspects(texts, aspects))]

    # -- persistence ---------------------------------------------------------------------------
    def save(self, path) -> Path:
        self._check_fitted()
        from safetensors.numpy import save_file

        stages = {"extractor": self.extractor_.get_state(), "polarity": self.polarity_.get_state()}
        with atomic_directory(path) as staging:
            files = {}
            for name, (state, arrays) in stages.items():
                folder = staging / name
                folder.mkdir()
                (folder / "state.json").write_text(json.dumps(state), encoding="utf-8")
                save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(folder / "arrays.safetensors"))
                share_permissions(folder / "arrays.safetensors")
                for file in ("state.json", "arrays.safetensors"):
                    files[f"{name}/{file}"] = checksum(folder / file)
            if self.prior_ is not None:
                self.prior_.save(staging / "prior")
                for file in sorted((staging / "prior").rglob("*")):
                    if file.is_file():
                        files[file.relative_to(staging).as_posix()] = checksum(file)
            params = dict(self.params)
            params["prior"] = "prior" if self.prior_ is not None else None
            config = {"kind": "aspect", "sentiment_version": __version__, "pipeline": params,
                      "cleaner": self.cleaner.to_dict(), "labels": list(POLARITIES), "info": self.info_}
            write_config(staging, config, files)
        return Path(path)

    @classmethod
    def load(cls, path) -> "AspectPipeline":
        config, stages = read_model(path)
        if config.get("kind") != "aspect":
            raise ModelFileError(
                f"{path} holds a {config.get('kind') or 'polarity'} model, not an aspect model; "
                "pass a directory written by AspectPipeline.save or `sentiment fit DATA --task aspect`"
            )
        missing = [s for s in ("extractor", "polarity") if s not in stages]
        if missing:
            raise ModelFileError(f"{path} is incomplete: stage {missing[0]!r} is missing; train the model again")
        params = dict(config["pipeline"])
        prior_dir = params.pop("prior", None)
        pipe = cls(**{k: v for k, v in params.items() if k in cls.__init__.__code__.co_varnames}, prior=None)
        pipe.params["prior"] = prior_dir
        if prior_dir:
            from ..pipeline import load as load_pipeline

            pipe.prior_ = load_pipeline(Path(path) / "prior")
        try:
            pipe.extractor_ = ClassicalTagger.from_state(*stages["extractor"], cleaner=pipe.cleaner)
            pipe.polarity_ = ClassicalPolarity.from_state(*stages["polarity"], cleaner=pipe.cleaner,
                                                          prior=pipe._prior_scorer())
        except (KeyError, ValueError, TypeError) as exc:
            raise ModelFileError(f"cannot read the aspect model in {path} ({exc}); train it again") from None
        pipe.info_ = config.get("info", {})
        return pipe


# -- helpers ---------------------------------------------------------------------------------------
def _as_sentences(data, keep_conflict: bool) -> list[dict]:
    if isinstance(data, (str, os.PathLike)):
        return read_aspect_data(data, keep_conflict)
    from .data import check_sentence

    data = list(data)
    if not data:
        raise DataError("no sentences given; pass sentence dicts or a SemEval XML / JSONL file")
    return [check_sentence(s, f"sentence {i}", keep_conflict) for i, s in enumerate(data)]


def _check_texts(texts) -> list[str]:
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise DataError(f"text {i} is a {type(t).__name__}, not a string; pass a list of strings")
    return texts


def _load_prior(prior):
    if prior is None:
        return None
    from ..pipeline import load as load_pipeline

    if prior == "default":
        from ..default_models import models_root

        prior = models_root() / "polarity"
    model = load_pipeline(prior)
    if "positive" not in list(getattr(model, "classes_", [])):
        raise ConfigError(f"the prior model {prior} has no 'positive' class; give a polarity model as prior")
    return model


def locate_terms(texts: list[str], aspects) -> list[list[dict]]:
    """Spans of the given terms in each text (case-insensitive; whole-word matches when there are any)."""
    if isinstance(aspects, str):
        aspects = [aspects]
    aspects = list(aspects)
    per_text = aspects if aspects and all(isinstance(a, (list, tuple)) for a in aspects) else [aspects] * len(texts)
    if len(per_text) != len(texts):
        raise DataError(f"{len(per_text)} aspect lists for {len(texts)} texts; give one list per text or one list for all")
    found_any: dict[str, bool] = {}
    results = []
    for text, terms in zip(texts, per_text):
        spans = []
        for term in terms:
            if not isinstance(term, str) or not term.strip():
                raise DataError(f"aspect {term!r} is not a non-empty string; pass the aspect terms as text")
            term = term.strip()
            pattern = re.escape(term)
            matches = list(re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)) or \
                list(re.finditer(pattern, text, re.IGNORECASE))
            found_any[term] = found_any.get(term, False) or bool(matches)
            spans.extend({"term": text[m.start():m.end()], "from": m.start(), "to": m.end()} for m in matches)
        spans.sort(key=lambda a: (a["from"], a["to"]))
        results.append(spans)
    missing = [t for t, ok in found_any.items() if not ok]
    if missing:
        raise DataError(f"aspect {missing[0]!r} does not occur in the text; pass a term as it is written in the text")
    return results
