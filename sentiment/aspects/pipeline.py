"""``AspectPipeline``: aspect term extraction + aspect polarity, fit / predict / save / load.

Directory format (the same as every model of this package, see :mod:`sentiment.persistence`)::

    model/
      config.json                    "kind": "aspect", settings, labels, metrics, SHA-256 of every file
      extractor/state.json, arrays.safetensors
      polarity/state.json, arrays.safetensors
      prior/...                      (optional) the sentence-level polarity model whose scores of the
                                     aspect's clause and context windows are features of the polarity model
      categories/detector/, categories/polarity_<i>/
                                     (when the training data had categories) the aspect categories and
                                     the polarity toward each: saved pipelines, which config.json's
                                     "categories" names

A PyTorch stage (``extractor="lstm"`` or ``"combined"``, ``polarity="lstm"`` or ``"mean"``,
:mod:`sentiment.aspects.neural`) saves its
vocabularies and network configs in ``state.json`` and its float32 weights in ``arrays.safetensors``;
torch is imported only when such a stage is fitted or loaded.

Loading verifies every checksum (the prior's files included) and reads JSON and safetensors only.
"""

from __future__ import annotations

import bisect
import inspect
import os
import warnings
from pathlib import Path

import numpy as np

from ..cleaning import READING_VERSION
from ..checks import check_flag, check_seed, check_texts
from ..devices import check_device_name
from ..errors import (ConfigError, DataError, ModelFileError, NotFittedError, SentimentError, UnfoundAspectWarning,
                      caller_stacklevel, did_you_mean, known_options, with_article)
from ..persistence import (CONFIG, INCONSISTENT_MODEL, PATH_OPTIONS, atomic_directory, checksum, config_header, inconsistent_model, read_model,
                           reading_answered_for, same_path, saved_params, saved_reading, warn_of_reading, write_config,
                           write_stages)
from ..pipeline import MAX_EXPLAINED_WORDS
from ..options import say_unsaved_changes
from ..registry import available, resolve
from ..stage import restored_on_failure
from ..tokens import token_cleaner, tokenize
from .augmentation import negated_sentences
from .data import POLARITIES, as_sentences, contrastive_sentences, encodable, read_polarity_texts, sentence_spans
from .categories import CategoryModel, has_categories
from .polarity import aspect_groups, aspect_items
from .terms import HOW_TERMS_MATCH, locate_terms, unfound_terms


@known_options("the aspect model")
class AspectPipeline:
    """Extract aspect terms from texts and classify the sentiment toward each.

    Parameters
    ----------
    extractor : {"classical", "lstm", "combined"}
        ``classical``: per-token logistic regression over window features (BIO tags); ``lstm``: a BiLSTM-CRF
        tagger over word embeddings (initialised from word vectors), a character CNN, capitalisation and
        word clusters; ``combined``: both, decoded together (the network's tag scores plus the classical
        tagger's log-probabilities, one Viterbi path).
    polarity : {"classical", "lstm", "mean"}
        ``classical``: logistic regression over the aspect's context (clause, left/right windows,
        distance-weighted words); ``lstm``: a BiLSTM with relative-position embeddings and attention
        conditioned on the aspect (plus the prior's scores when there is a prior); ``mean``: both,
        their probabilities averaged.
    prior : "default", a model directory, or None
        A sentence-level polarity model (``sentiment.load``) whose scores of the aspect's clause and
        context windows become features of the polarity model; it is saved inside the aspect model.
    tagger_C, polarity_C : float
        Inverse regularisation strengths of the two logistic regressions.
    bits : int
        Hash size (``2**bits`` features) of both models.
    seed : int
    keep_conflict : bool
        Keep the aspects labelled ``conflict`` in the data read (training, dev, evaluation): the tagger
        learns them as aspect terms, and extraction is scored on them; the polarity models learn and are
        scored on positive, negative and neutral only. By default those aspects are dropped, and the taggers
        leave the tokens of their terms out of training (neither a term nor no term:
        :func:`~sentiment.aspects.data.tag_targets`).
    vectors_path : str or None
        Word vectors (word2vec text or binary, GloVe text) that initialise the ``lstm`` models' embeddings;
        None trains gensim Word2Vec on the training sentences. A saved model keeps only the file's name
        (``info`` shows it), so a loaded one reads None here, as for ``pretrain``: give the file again to
        train the same recipe (a refit never reads another file of that name from the working folder).
    tagger_epochs, polarity_epochs : int
        Most epochs of the ``lstm`` models (early stopping on ``dev_fraction`` of the training sentences,
        best weights kept).
    hidden_size, dropout : int, float
        LSTM units per direction and dropout of both ``lstm`` models.
    crf, char_features : bool
        The ``lstm`` tagger's CRF layer (else a softmax per token) and character CNN.
    n_nets : int
        Networks per ``lstm`` model (other seeds and held-out parts), their scores averaged.
    extra_words : int
        Vocabulary of the ``lstm`` models beyond the training words: the vectors' most frequent words.
    freeze_embeddings : bool or None
        Whether the ``lstm`` models keep the word vectors fixed; None: the tagger fine-tunes them, the
        polarity model keeps them fixed (what suits the SemEval data sets best).
    dev_fraction : float
        Share of the training sentences (whole sentences: each sentence's aspects stay together) the
        ``lstm`` models hold out for early stopping (0: train all epochs).
    ema_epochs : float
        The ``lstm`` models keep a moving average of their weights, its time constant in epochs (0: the
        weights as trained; see the trainer's ``ema_epochs``).
    device : str
        Where the ``lstm`` models train and predict: "auto" (CUDA, then MPS, then the CPU), "cpu", "cuda", ...
    pretrain : str or None
        With ``polarity="lstm"`` or ``"mean"``: a file of whole texts with a polarity each, SST trees (every labelled
        phrase, 0-1 negative, 2 neutral, 3-4 positive) or a labelled table of negative / neutral /
        positive texts. The polarity network first learns them for ``pretrain_epochs`` epochs (each text
        its own aspect), then keeps its encoder and learns the aspects: it carries sentiment words the
        aspect data lack (``benchmarks/aspects.py``; the README's "Status" has the figures: on laptops alone
        it lifted the dev polarity accuracy in every run, on both domains and on restaurants by about a
        seed's spread).
    pretrain_epochs : int
        Epochs of that pre-training.
    categories : bool
        Also learn the sentences' aspect categories and the polarity toward each
        (:mod:`sentiment.aspects.categories`) when the training data have categories.
    contrast : float
        Synthetic two-opinion sentences added to the polarity model's training data, as a share of the
        sentences whose aspects share one polarity (:func:`~sentiment.aspects.data.contrastive_sentences`:
        "<one opinion>, but <another>", each aspect keeping its polarity). SemEval sentences mostly
        hold one opinion, so without them the polarity models lean on the whole sentence and give both
        aspects of "The camera struggles in low light, but the battery lasts" one polarity. The tagger
        and the categories learn the real sentences only; the ``lstm`` network's early-stopping
        hold-out is drawn by sentence, and a two-opinion sentence trains only when neither of its
        sentences is held out.
    negated : float
        Share (0 to 1) of the sentences whose aspect is the subject of a plain "is/are/was/were" that the polarity
        models also learn negated, the polarity turned over (:func:`~sentiment.aspects.augmentation.negated_sentences`:
        "The pizza was cold", negative -> "The pizza was not cold" or "wasn't cold", positive). SemEval seldom
        denies a complaint, so without them "not" beside a complaint word reads as one more complaint. Like
        ``contrast``, for the polarity models alone, and a copy trains only when its sentence is not held out.
        0 by default: 0.5 raised the dev polarity accuracy of ``polarity="mean"`` on each of four seeds and is the
        shipped model's, but cost the classical model alone half a point (``benchmarks/aspect_negation.py``).
    clusters : int or None
        Words of the Brown cluster table (:mod:`sentiment.aspects.clusters`, from spacy-lookups-data)
        whose cluster prefixes the tagger reads: a word class for words the training sentences lack.
        The model keeps its copy of the table; 0: none. None (the default): 100,000 for the
        ``classical`` tagger (prefixes of the word and its neighbours; dev extraction F1 +1.0 / +1.1
        on restaurants / laptops, both domains) and 0 for the ``lstm`` tagger (no gain there).
    """

    kind = "aspect"  # what `sentiment.load` found in the directory (config.json "kind")
    option_help = {  # what `sentiment options --task aspect` says of each option (the docstring above says more)
        "extractor": 'term tagger: "classical", "lstm" (BiLSTM-CRF) or "combined" (both, decoded together)',
        "polarity": 'polarity model: "classical", "lstm" (attention on the aspect) or "mean" (both, averaged)',
        "prior": 'a sentence polarity model whose scores are features: "default" (the shipped one), a directory, null',
        "tagger_C": "inverse regularisation strength of the classical tagger",
        "polarity_C": "inverse regularisation strength of the classical polarity model",
        "bits": "hash size of the classical models (2**bits features)",
        "keep_conflict": "keep the aspects labelled conflict (as terms to find; no polarity is learnt for them)",
        "vectors_path": "word vectors that start the lstm models' embeddings (null: Word2Vec on the training texts)",
        "tagger_epochs": "most epochs of the lstm tagger",
        "polarity_epochs": "most epochs of the lstm polarity model",
        "hidden_size": "LSTM units per direction of both lstm models",
        "dropout": "dropout rate of both lstm models",
        "crf": "the lstm tagger's CRF layer (else a softmax per token)",
        "char_features": "the lstm tagger's character CNN",
        "n_nets": "networks per lstm model, their scores averaged",
        "extra_words": "words of the vectors kept beyond the training words (the most frequent)",
        "freeze_embeddings": "keep the lstm models' word vectors fixed (null: the tagger tunes them, polarity not)",
        "dev_fraction": "share of the training sentences the lstm models hold out for early stopping",
        "device": '"auto" (CUDA, then Apple MPS, then the CPU), "cpu", "cuda", "cuda:1", "mps"',
        "pretrain": "texts of known polarity (SST trees or a text,label table) the lstm polarity model learns first",
        "pretrain_epochs": "epochs of that pre-training",
        "categories": "also learn the sentences' categories and their polarity, where the data have them",
        "contrast": "two-opinion sentences added to the polarity training, per one-opinion sentence",
        "negated": "share of the sentences the polarity models also learn negated, the polarity turned over",
        "clusters": "words of the Brown cluster table the tagger reads (null: 100,000 classical, 0 lstm)",
        "ema_epochs": "the lstm models keep a moving average of their weights, its time constant in epochs (0: off)",
    }

    def __init__(self, extractor: str = "classical", polarity: str = "classical", prior="default",
                 tagger_C: float = 1.0, polarity_C: float = 1.0, bits: int = 18, seed: int = 0,
                 keep_conflict: bool = False, vectors_path=None, tagger_epochs: int = 30, polarity_epochs: int = 20,
                 hidden_size: int = 128, dropout: float = 0.5, crf: bool = True, char_features: bool = True,
                 n_nets: int = 1, extra_words: int = 0, freeze_embeddings=None, dev_fraction: float = 0.1,
                 device: str = "auto", pretrain=None, pretrain_epochs: int = 2, categories: bool = True,
                 contrast: float = 0.5, clusters: int | None = None, ema_epochs: float = 0.0,
                 negated: float = 0.0):
        # locals() as the first statement holds the arguments alone (keep it first, and no super() here,
        # which would add __class__)
        self.params = _checked_settings({name: value.item() if isinstance(value, (np.integer, np.floating, np.bool_))
                                         else value for name, value in locals().items() if name != "self"})
        self.cleaner = token_cleaner()
        self.extractor_ = self.polarity_ = self.prior_ = self.categories_ = None
        self.info_: dict = {}

    def get_params(self, deep: bool = True) -> dict:
        """The settings (the constructor's arguments), as scikit-learn's ``get_params`` gives them."""
        return dict(self.params)

    def set_params(self, **params) -> "AspectPipeline":
        """Change settings (scikit-learn's ``set_params``), checked as the constructor checks them; returns the
        pipeline. A fitted pipeline keeps what it learnt, and saves the settings it learnt with, until it is
        fitted again."""
        check_option_names(params, list(self.params))
        self.params = type(self)(**{**self.params, **params}).params
        return self

    def __repr__(self) -> str:
        defaults = {name: p.default for name, p in inspect.signature(type(self)).parameters.items()}
        changed = ", ".join(f"{k}={v!r}" for k, v in self.params.items() if v != defaults.get(k))
        fitted = "" if self.extractor_ is None else " (fitted)"
        return f"AspectPipeline({changed}){fitted}"

    # -- fitting -----------------------------------------------------------------------------
    def check_fit_options(self) -> tuple[type, type, bool]:
        """Refuse settings that only training can tell are at odds (checked before any data are read; a
        loaded model keeps what it was saved with). Returns the extractor and polarity classes and whether one
        of them reads the word vectors."""
        p = self.params
        extractor, polarity = resolve("aspect_extractor", p["extractor"]), resolve("aspect_polarity", p["polarity"])
        reads_vectors = extractor.reads_word_vectors or polarity.reads_word_vectors
        _prior_path(p["prior"])  # a prior that names no directory fails before the data are read
        for option, default, why in (("vectors_path", None, "read the word vectors"), ("device", "auto", "run on it")):
            if p[option] != default and not reads_vectors:  # (a classical model's would be kept, unused)
                raise ConfigError(f"{option} goes with extractor='lstm' or 'combined', or polarity='lstm' or 'mean' (the "
                                  f"PyTorch models {why}): add --set extractor=lstm or --set polarity=mean, or leave "
                                  f"{option} out")
        if reads_vectors:  # the networks' device is there (not found out after the word vectors have trained)
            from ..models.hardware import resolve_device

            resolve_device(p["device"])
        return extractor, polarity, reads_vectors

    def fit(self, sentences, dev=None, *, progress: bool = False) -> "AspectPipeline":
        """Fit on sentence dicts (see :mod:`sentiment.aspects.data`) or a data file path; ``dev`` (the same
        kinds) only scores the fitted model, into ``info_["dev"]`` (:func:`~sentiment.aspects.evaluation.
        evaluate_pipeline`), and is read before training; ``progress`` shows a progress bar per epoch of the
        ``lstm`` models."""
        p = self.params
        extractor, polarity, reads_vectors = self.check_fit_options()
        sentences = as_sentences(sentences, p["keep_conflict"])
        dev = as_sentences(dev, p["keep_conflict"], "dev") if dev is not None else None  # read before training
        check_trainable(sentences, categories=p["categories"], seed=p["seed"])  # before any stage trains
        if dev is not None:
            from .evaluation import category_names, check_known_categories, check_scorable

            check_scorable(dev, "the dev sentences", categories=p["categories"] and has_categories(sentences))
            if p["categories"] and has_categories(sentences):
                check_known_categories(dev, category_names(sentences), "the dev sentences")
        items, labels = aspect_items(sentences)
        # every stage is fitted into a local and kept only when all are: a failed fit leaves the pipeline as it was
        prior = _load_prior(p["prior"])
        pretrain = read_polarity_texts(p["pretrain"]) if p["pretrain"] else None  # read first: fail before training
        keyed = self._word_vectors(sentences) if reads_vectors else None
        clusters = p["clusters"] if p["clusters"] is not None else extractor.default_clusters
        extractor = extractor.configured(p, cleaner=self.cleaner, clusters=clusters)
        extractor.fit(sentences, keyed=keyed, progress=progress)
        polarity_sentences = sentences  # with contrast, the polarity models also learn two-opinion sentences
        if p["contrast"]:
            polarity_sentences = sentences + contrastive_sentences(sentences, p["contrast"], p["seed"])
        if p["negated"]:  # ... and with negated, negated copies ("sources" index the real sentences, first in the list)
            polarity_sentences = polarity_sentences + negated_sentences(sentences, p["negated"], p["seed"])
        polarity = polarity.configured(p, cleaner=self.cleaner, prior=prior_scorer(prior))
        polarity.fit(*aspect_items(polarity_sentences), keyed=keyed, progress=progress, pretrain=pretrain,
                     groups=aspect_groups(polarity_sentences))
        categories = None
        if p["categories"] and has_categories(sentences):
            categories = CategoryModel(seed=p["seed"]).fit(sentences)
        with restored_on_failure(self):  # a failure while scoring dev leaves the pipeline as it was
            self.prior_, self.extractor_, self.polarity_, self.categories_ = prior, extractor, polarity, categories
            self.reading_version_ = READING_VERSION
            self._fitted_params = dict(self.params)  # what save writes, whatever set_params changes after fit
            self.info_ = {"n_sentences": len(sentences), "n_aspects": len(items),
                          "polarity_counts": {c: labels.count(c) for c in POLARITIES}}
            if dev is not None:
                from .evaluation import evaluate_pipeline

                self.info_["dev"] = evaluate_pipeline(self, dev)
        return self

    def _word_vectors(self, sentences):
        """The ``lstm`` models' word vectors: ``vectors_path``, or Word2Vec trained on the sentences."""
        from ..tokens import tokenize
        from .neural import train_word_vectors

        if self.params["vectors_path"]:
            from ..vectorizers.vectors_file import load_vectors

            return load_vectors(self.params["vectors_path"])
        return train_word_vectors([[t.text for t in tokenize(s["text"], self.cleaner)] for s in sentences],
                                  seed=self.params["seed"])

    def _prior_scorer(self):
        return prior_scorer(self.prior_)

    def __sklearn_is_fitted__(self) -> bool:
        return self.extractor_ is not None

    def __sklearn_tags__(self):
        """scikit-learn's tags (``check_is_fitted`` reads them): an estimator of texts whose output,
        aspects with spans, is neither a class nor a number, so no scorer or search of scikit-learn's scores it."""
        from sklearn.utils import InputTags, Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False),
                    input_tags=InputTags(one_d_array=True, two_d_array=False, string=True))

    def _check_fitted(self):
        if self.extractor_ is None:
            raise NotFittedError("this AspectPipeline is not fitted; call fit(...) or AspectPipeline.load(path)")

    # -- prediction ---------------------------------------------------------------------------
    def extract(self, texts: list[str], *, by_sentence: bool = True) -> list[list[dict]]:
        """Aspect term spans of each text: ``{"term", "from", "to", "extraction_score"}``, found in each
        sentence on its own (the taggers learnt from single sentences; so the terms of one sentence do not
        depend on its neighbours) unless ``by_sentence`` is False; offsets are into the whole text."""
        self._check_fitted()
        texts = check_texts(texts)
        return self._extract(texts, _sentence_spans(by_sentence))

    def _extract(self, texts: list[str], sentences: "_Sentences | None") -> list[list[dict]]:
        read = encodable(texts)
        if sentences is None:
            found = self.extractor_.extract(read)
        else:
            spans = [sentences[text] or [(0, len(text))] for text in read]
            pieces = iter(self.extractor_.extract([text[a:b] for text, cuts in zip(read, spans) for a, b in cuts]))
            found = [[{**term, "from": term["from"] + a, "to": term["to"] + a} for a, _ in cuts for term in next(pieces)]
                     for cuts in spans]
        if any(r is not t for r, t in zip(read, texts)):  # each term as the text writes it
            found = [[{**term, "term": text[term["from"]:term["to"]]} for term in terms] for text, terms in zip(texts, found)]
        return found

    def polarity_proba(self, items: list[tuple[str, int, int]], *, by_sentence: bool = True) -> np.ndarray:
        """Probabilities (negative, neutral, positive) of ``(text, from, to)`` aspects, each read within
        its sentence unless ``by_sentence`` is False (see :meth:`predict_aspects`)."""
        self._check_fitted()
        items = _checked_items(items)
        return self._polarity_proba(items, _sentence_spans(by_sentence))

    def _polarity_proba(self, items: list[tuple[str, int, int]], sentences: "_Sentences | None") -> np.ndarray:
        """The polarity probabilities of ``items``, each read within its sentence (``sentences``) or its whole
        text (None). An item that comes again (after the cut to its sentence: an explanation's texts that
        leave out a word of another sentence) is predicted once."""
        if not items:
            return np.zeros((0, len(POLARITIES)))
        items = [tuple(item) for item in items] if sentences is None else _within_sentences(items, sentences)
        items = _within_reach(items)
        distinct = list(dict.fromkeys(items))  # (tuples: an item may come as a list)
        texts = encodable([text for text, _, _ in distinct])
        pairs = [(text, a, b) for text, (_, a, b) in zip(texts, distinct)]
        probabilities = np.vstack([self.polarity_.predict_proba(chunk) for chunk in _polarity_chunks(pairs)])
        if len(distinct) == len(items):
            return probabilities
        row = {item: i for i, item in enumerate(distinct)}
        return probabilities[[row[item] for item in items]]

    def predict_aspects(self, texts, aspects=None, *, by_sentence: bool = True) -> list[list[dict]]:
        """Per text a list of ``{"term", "from", "to", "polarity", "score", "extraction_score"}`` (``score``: the
        polarity's probability; ``extraction_score``: the tagger's mean confidence in an extracted term's tags, 0
        to 1, see :func:`~sentiment.aspects.extraction.tagged_spans`, and None for a term given in ``aspects``).

        Without ``aspects`` the terms are extracted. With ``aspects`` (terms to score, the same list
        for every text, or one list per text) each term is located in the text (case-insensitive,
        as whole words, or within a run of a script written without spaces; every occurrence is scored; a
        text without them gets an empty list).
        ``by_sentence`` (the default): the terms are found in each sentence on its own and the polarity
        toward each aspect is read from its own sentence (see :func:`~sentiment.aspects.data.sentence_spans`),
        as the models learnt both from single sentences, so one sentence does not change what is found in
        another or colour its aspects' polarity in a whole review; spans stay offsets in the whole text.
        ``by_sentence=False`` tags and reads every aspect within the whole text.
        """
        self._check_fitted()
        texts = check_texts(texts)  # an empty text has no aspects
        sentences = _sentence_spans(by_sentence)  # each text split into sentences once
        held: set[str] = set()  # the named terms that some text holds
        held_in: list[set[str]] = []  # ... that each text holds
        found = (self._extract(texts, sentences) if aspects is None else
                 locate_terms(texts, aspects, held, held_in))
        if aspects is not None and not isinstance(aspects, str) and all(isinstance(a, str) for a in aspects):
            _warn_of_unfound(list(aspects), held)  # (one list for every text: a term none of them holds)
        elif aspects is not None and not isinstance(aspects, str):  # a list per text: a term its text lacks
            _warn_of_unfound_in(list(aspects), held_in)
        items = [(t, a["from"], a["to"]) for t, spans in zip(texts, found) for a in spans]
        probs = self._polarity_proba(items, sentences)
        k = 0
        results = []
        for spans in found:
            out = []
            for a in spans:
                best = int(probs[k].argmax())
                out.append({"term": a["term"], "from": a["from"], "to": a["to"], "polarity": POLARITIES[best],
                            "score": float(probs[k, best]), "extraction_score": a.get("extraction_score")})
                k += 1
            results.append(out)
        return results

    def predict_categories(self, texts) -> list[list[dict]]:
        """Per text its aspect categories ``{"category", "polarity", "score", "category_score"}``; empty lists
        when the model was trained without categories (see :mod:`sentiment.aspects.categories`)."""
        self._check_fitted()
        texts = check_texts(texts)
        return self.categories_.predict(encodable(texts)) if self.categories_ is not None else [[] for _ in texts]

    def annotate(self, texts, aspects=None, *, by_sentence: bool = True) -> list[dict]:
        """Per text: ``{"text", "aspects": [...], "categories": [...]}`` with the aspects of
        :meth:`predict_aspects` (and its ``aspects`` and ``by_sentence``) and the categories of
        :meth:`predict_categories` (none where the model learnt none: the keys stay the same for every model);
        scores rounded to 6 decimals, as :meth:`sentiment.Pipeline.annotate` gives them."""
        texts = check_texts(texts)  # an empty text has no aspects, as in predict_aspects
        found = self.predict_aspects(texts, aspects, by_sentence=by_sentence)
        return [{"text": text, "aspects": rounded_scores(aspects_of), "categories": rounded_scores(categories)}
                for text, aspects_of, categories in zip(texts, found, self.predict_categories(texts))]

    def explain(self, texts, aspects=None, *, by_sentence: bool = True, top: int | None = 10,
                max_words: int | None = MAX_EXPLAINED_WORDS) -> list[dict]:
        """Per text ``{"text", "aspects"}``: the aspects of :meth:`predict_aspects` (its ``aspects`` and
        ``by_sentence``), each with ``"words"``, the ``top`` words outside its term that move the polarity
        toward it most: how far the polarity's log-odds fall when the word is left out (below 0: the word
        speaks against it; see :func:`sentiment.explanation.explain_aspects`). A text of more than
        ``max_words`` words is refused (``None``: no limit)."""
        from ..explanation import explain_aspects

        self._check_fitted()
        return explain_aspects(self, texts, aspects, by_sentence=by_sentence, top=top, max_words=max_words)

    # -- persistence ---------------------------------------------------------------------------
    def save(self, path) -> Path:
        self._check_fitted()
        # (a loaded model's file names are kept, its settings cleared: no change of the user's)
        fitted = vars(self).get("_fitted_params")
        say_unsaved_changes(self.params, fitted and {**fitted, **{name: None for name in PATH_OPTIONS
                                                                    if self.params.get(name) is None}})
        check_prior_kept(path, vars(self).get("_fitted_params", self.params)["prior"])
        stages = {"extractor": self.extractor_.get_state(), "polarity": self.polarity_.get_state()}
        with atomic_directory(path) as staging:
            files = write_stages(staging, stages)
            if self.prior_ is not None:
                self.prior_.save(staging / "prior")
                files.update(_checksums(staging, "prior"))
            category_state = None
            if self.categories_ is not None:
                category_state = self.categories_.save(staging / "categories")
                files.update(_checksums(staging, "categories"))
            params = saved_params(vars(self).get("_fitted_params", self.params))  # what it learnt with (not set_params')
            params["prior"] = "prior" if self.prior_ is not None else None
            reading = getattr(self, "reading_version_", None)
            config = {**config_header("aspect", reading), "pipeline": params,
                      "cleaner": self.cleaner.to_dict(), "labels": list(POLARITIES), "info": self.info_,
                      "categories": category_state}
            write_config(staging, config, files)
        return Path(path)

    @classmethod
    def load(cls, path) -> "AspectPipeline":
        """The aspect model saved in the directory ``path``; a ModelFileError for anything that is not one."""
        config, stages = read_model(path)
        try:
            with reading_answered_for():  # its prior and category models: it learnt from what they gave then
                pipe = cls._from_saved(path, config, stages)
            pipe.reading_version_ = saved_reading(config)
        except ModelFileError:
            raise
        except (SentimentError, RecursionError, *INCONSISTENT_MODEL) as exc:
            raise inconsistent_model(path, "aspect model", exc, config) from None
        prior = getattr(pipe, "prior_", None)  # a polarity model of the user's, which may keep web addresses
        warn_of_reading(pipe.reading_version_, path, [pipe.cleaner, *_cleaners_of(prior)])
        return pipe

    @classmethod
    def _from_saved(cls, path, config: dict, stages: dict) -> "AspectPipeline":
        if config.get("kind") != "aspect":
            raise ModelFileError(
                f"{path} holds {with_article(config.get('kind') or 'polarity')} model, not an aspect model; "
                "pass a directory written by AspectPipeline.save or `sentiment fit DATA --task aspect`"
            )
        missing = [s for s in ("extractor", "polarity") if s not in stages]
        if missing:
            raise ModelFileError(f"{path} is incomplete: stage {missing[0]!r} is missing; train the model again")
        params = {"contrast": 0.0, "clusters": 0, "negated": 0.0, **config["pipeline"]}  # models saved before these had none
        prior_dir = params.pop("prior", None)
        if config.get("labels", list(POLARITIES)) != list(POLARITIES):
            raise ValueError(f"its labels are {config['labels']!r}; an aspect model's polarities are "
                             f"{', '.join(POLARITIES)}, in that order")
        known = inspect.signature(cls).parameters  # a newer model's extra keys are left out
        pipe = cls(**{k: v for k, v in params.items() if k in known}, prior=None)
        pipe.params["prior"] = str(Path(os.path.realpath(path)) / "prior") if prior_dir else None  # a refit or clone reads it
        if isinstance(config.get("cleaner"), dict):  # the token cleaner it was trained with, should the defaults change
            pipe.cleaner = token_cleaner(**config["cleaner"])
        if prior_dir and f"prior/{CONFIG}" not in config["files"]:  # read_model verified the listed files only
            raise ModelFileError(f"{path} does not list its prior model among its checked files; the model is "
                                 "damaged, train it again")
        if prior_dir:
            from ..pipeline import load as load_pipeline

            pipe.prior_ = load_pipeline(Path(path) / "prior")
            if "positive" not in list(getattr(pipe.prior_, "label_names_", [])):  # as fit takes a prior (_load_prior)
                kind = getattr(pipe.prior_, "kind", None) or "polarity"
                raise ValueError(f"its prior is {with_article(kind)} model without a 'positive' class, not a sentence "
                                 "polarity model")
        pipe.extractor_ = stage_class("extractor", stages["extractor"][0]).from_state(*stages["extractor"],
                                                                                  cleaner=pipe.cleaner)
        pipe.polarity_ = stage_class("polarity", stages["polarity"][0]).from_state(
            *stages["polarity"], cleaner=pipe.cleaner, prior=pipe._prior_scorer())
        for stage in ("extractor", "polarity"):  # an edited config.json would name settings the stages never had
            if pipe.params[stage] != (saved := stages[stage][0]["name"]):
                raise ValueError(f"its settings name the {stage} {pipe.params[stage]!r}, its saved {stage} is {saved!r}")
        if config.get("categories"):
            listed = {name.split("/")[1] for name in config["files"]
                      if name.startswith("categories/") and name.endswith(f"/{CONFIG}") and name.count("/") == 2}
            pipe.categories_ = CategoryModel.load(Path(path) / "categories", config["categories"], listed)
        pipe.info_ = config.get("info", {})
        if not isinstance(pipe.info_, dict):
            raise ValueError(f"its info is {type(pipe.info_).__name__}, not an object")
        pipe._fitted_params = dict(pipe.params)  # saved again, it keeps the names of the files it learnt from
        for name in PATH_OPTIONS:  # only a name was kept (no folder): a refit must not read another file of that name
            pipe.params[name] = None
        return pipe


# -- helpers ---------------------------------------------------------------------------------------
def _checked_settings(p: dict) -> dict:
    """The constructor's settings ``p`` (numpy numbers and bools as Python's: a grid of ``np.arange`` values),
    checked, as :attr:`AspectPipeline.params` holds them; a ConfigError names the first that is wrong."""
    for stage in ("extractor", "polarity"):
        if p[stage] not in available(f"aspect_{stage}"):
            raise ConfigError(f"{stage}={p[stage]!r} is not valid; choose one of: "
                              f"{', '.join(available(f'aspect_{stage}'))}")
    if not (isinstance(p["bits"], int) and 10 <= p["bits"] <= 24):
        raise ConfigError(f"bits must be an integer from 10 to 24, not {p['bits']!r}")
    for name in ("tagger_C", "polarity_C"):
        if isinstance(p[name], bool) or not isinstance(p[name], (int, float)) or not 0 < p[name] < float("inf"):
            raise ConfigError(f"{name} must be a positive number, not {p[name]!r}")
    check_seed(p["seed"])
    if p["prior"] is not None and (not isinstance(p["prior"], (str, os.PathLike)) or not str(p["prior"]).strip()):
        raise ConfigError(f"prior must be 'default', a model directory or None (--set prior=null), not {p['prior']!r}")
    for name, low in (("tagger_epochs", 1), ("polarity_epochs", 1), ("hidden_size", 1), ("n_nets", 1),
                      ("extra_words", 0), ("pretrain_epochs", 1), ("clusters", 0)):
        value = 0 if name == "clusters" and p[name] is None else p[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ConfigError(f"{name} must be a whole number >= {low}, not {value!r}")
    if not isinstance(p["dev_fraction"], (int, float)) or not 0 <= p["dev_fraction"] < 1:
        raise ConfigError(f"dev_fraction must be a number from 0 to below 1, not {p['dev_fraction']!r}")
    if not isinstance(p["contrast"], (int, float)) or isinstance(p["contrast"], bool) or not 0 <= p["contrast"] <= 10:
        raise ConfigError(f"contrast must be a number from 0 to 10, not {p['contrast']!r}")
    if not isinstance(p["negated"], (int, float)) or isinstance(p["negated"], bool) or not 0 <= p["negated"] <= 1:
        raise ConfigError(f"negated must be a number from 0 to 1, not {p['negated']!r}")
    if isinstance(p["ema_epochs"], bool) or not isinstance(p["ema_epochs"], (int, float)) or not 0 <= p["ema_epochs"] <= 10_000:
        raise ConfigError(f"ema_epochs must be a number from 0 to 10000, not {p['ema_epochs']!r}")
    if not isinstance(p["dropout"], (int, float)) or not 0 <= p["dropout"] < 1:
        raise ConfigError(f"dropout must be a number from 0 to below 1, not {p['dropout']!r}")
    for name in ("crf", "char_features", "freeze_embeddings", "categories", "keep_conflict"):
        if not isinstance(p[name], bool) and not (name == "freeze_embeddings" and p[name] is None):
            raise ConfigError(f"{name} must be true or false, not {p[name]!r}")
    if p["pretrain"] is not None and p["polarity"] == "classical":
        raise ConfigError("pretrain goes with polarity='lstm' or 'mean' (the network pre-trains on the texts); "
                          "add polarity=lstm or polarity=mean, or leave pretrain out")
    check_device_name(p["device"])
    floats = {name: float(p[name]) for name in ("tagger_C", "polarity_C", "dropout", "dev_fraction", "contrast",
                                                "ema_epochs", "negated")}
    paths = {name: None if p[name] is None else str(p[name]) for name in ("vectors_path", "pretrain")}
    return {**p, **floats, **paths}


# The aspects whose polarity features are built and predicted at once: at most POLARITY_CHUNK, and texts of
# at most POLARITY_CHUNK_CHARS characters together (each aspect is read over its whole sentence, so hundreds
# of aspects in one long unpunctuated text would otherwise take gigabytes), so that memory stays bounded.
POLARITY_CHUNK = 2048
POLARITY_CHUNK_CHARS = 400_000


def _polarity_chunks(pairs: list[tuple[str, int, int]]):
    """``pairs`` (text, from, to) in consecutive chunks within both bounds (one pair at least in each)."""
    start, chars = 0, 0
    for i, (text, _, _) in enumerate(pairs):
        if i > start and (i - start == POLARITY_CHUNK or chars + len(text) > POLARITY_CHUNK_CHARS):
            yield pairs[start:i]
            start, chars = i, 0
        chars += len(text)
    if start < len(pairs):
        yield pairs[start:]


def _warn_of_unfound_in(per_text: list, held_in: list[set[str]]) -> None:
    """One :class:`~sentiment.errors.UnfoundAspectWarning` naming the terms of ``per_text`` (a list of terms per
    text) that their own text does not hold (``held_in``: the terms each text holds), the first few shown."""
    missing = [f"{term!r} (text {i})" for i, (terms, held) in enumerate(zip(per_text, held_in))
               for term in unfound_terms(list(terms), held)]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        one = len(missing) == 1
        warnings.warn(f"{shown} {'does' if one else 'do'} not occur in the text given with {'it' if one else 'them'}, "
                      f"so {'it has' if one else 'they have'} no polarity ({HOW_TERMS_MATCH})", UnfoundAspectWarning,
                      stacklevel=caller_stacklevel())


def _warn_of_unfound(terms: list[str], held: set[str]) -> None:
    """An :class:`~sentiment.errors.UnfoundAspectWarning` for each of ``terms`` that no text holds (not in
    ``held``, the terms :func:`~sentiment.aspects.terms.locate_terms` found)."""
    for term in unfound_terms(terms, held):
        warnings.warn(f"{term!r} occurs in none of the texts, so it has no polarity ({HOW_TERMS_MATCH})",
                      UnfoundAspectWarning, stacklevel=caller_stacklevel())


def _sentence_spans(by_sentence) -> "_Sentences | None":
    """A fresh :class:`_Sentences` when aspects are read by sentence, None when within the whole text."""
    check_flag(by_sentence, "by_sentence", "each sentence on its own", "the whole text")
    return _Sentences() if by_sentence else None


class _Sentences(dict):
    """Text -> its sentence spans (:func:`~sentiment.aspects.data.sentence_spans`), each text split once."""

    def __missing__(self, text: str) -> list[tuple[int, int]]:
        self[text] = spans = sentence_spans(text)
        return spans


def _within_sentences(items: list[tuple[str, int, int]], sentences: _Sentences) -> list[tuple[str, int, int]]:
    """Each aspect ``(text, from, to)`` as ``(sentence, from, to)``: the sentences of ``text``
    (``sentences[text]``) that it starts and ends in (one, unless a term crosses a sentence end), with
    offsets into them. An aspect's sentence is found by bisection."""
    starts = {text: [a for a, _ in sentences[text]] for text in {text for text, _, _ in items}}
    out = []
    for text, start, end in items:
        spans, firsts = sentences[text], starts[text]
        if not spans:  # a text of white space only: nothing to cut
            out.append((text, start, end))
            continue
        first = min(spans[max(bisect.bisect_right(firsts, start) - 1, 0)][0], start)
        last = max(spans[max(bisect.bisect_right(firsts, end - 1) - 1, 0)][1], end)  # a span may end between two
        out.append((text[first:last], start - first, end - first))
    return out


POLARITY_REACH = 200  # tokens on each side of an aspect that its polarity is read from (more than any training
# sentence holds: SemEval's longest has 82, a contrast sentence of two of them fewer than 170)


def _within_reach(items: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Each aspect ``(text, from, to)`` whose text runs more than :data:`POLARITY_REACH` tokens beyond it
    (a long text without sentence ends) as the part of the text within that reach, with offsets into it; the
    others as they are. Its polarity is read from that part alone, so the time of a text of many aspects grows
    with their number, not with their number times the text's length (every feature of the classical model and
    its prior read the whole sentence, and the prior scored it once per aspect)."""
    spans: dict[str, tuple[list, list[int]]] = {}  # each long text's tokens and their starts, found once
    out = []
    for text, start, end in items:
        if len(text) <= 2 * POLARITY_REACH + 1:  # (a token has a character at least: too few to cut)
            out.append((text, start, end))
            continue
        if text not in spans:
            tokens = tokenize(text)
            spans[text] = tokens, [t.start for t in tokens]
        tokens, starts = spans[text]
        first = max(bisect.bisect_right(starts, start) - 1, 0)  # the token the aspect starts in
        last = bisect.bisect_left(starts, end)  # one past the last token it reaches into
        lo, hi = max(0, first - POLARITY_REACH), min(len(tokens), last + POLARITY_REACH)
        a = min(tokens[lo].start, start) if lo > 0 else 0
        b = max(tokens[hi - 1].end, end) if hi < len(tokens) else len(text)
        out.append((text[a:b], start - a, end - a))
    return out


def rounded_scores(found: list[dict]) -> list[dict]:
    """``found`` with its scores (``score``, ``extraction_score``, ``category_score``) rounded as every task's
    annotations are (:data:`sentiment.pipeline.SCORE_DECIMALS`)."""
    from ..pipeline import SCORE_DECIMALS

    return [{k: round(v, SCORE_DECIMALS) if k.endswith("score") and v is not None else v for k, v in entry.items()}
            for entry in found]


def _checksums(root: Path, folder: str) -> dict[str, str]:
    """The checksum of every file below ``root / folder`` (a model saved inside this one), by relative path."""
    return {file.relative_to(root).as_posix(): checksum(file)
            for file in sorted((root / folder).rglob("*")) if file.is_file()}


def check_option_names(options, known: list[str]) -> None:
    """A ConfigError for the first of ``options`` that is not among the ``known`` settings of the aspect model."""
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ConfigError(f"{unknown[0]!r} is not an option of the aspect model{did_you_mean(unknown[0], known)}; "
                          f"choose from: {', '.join(known)}")


def stage_class(stage: str, state: dict):
    """The class that reads a saved ``"extractor"`` / ``"polarity"`` stage: the registry's
    ``aspect_<stage>`` entry named in its state (a ConfigError, which is a ValueError, for an unknown name)."""
    return resolve(f"aspect_{stage}", state.get("name", "classical"))


def check_trainable(sentences: list[dict], *, categories: bool = False, seed: int = 0,
                    held_out: list[dict] | None = None) -> None:
    """A DataError for training sentences that an :class:`AspectPipeline` cannot learn from: without any aspect
    term (those labelled conflict were dropped), with aspects of one polarity, or with ``categories`` (the
    pipeline learns them where the data have them) categories too uniform or too few to learn (the checks of
    :meth:`CategoryModel.fit`, made before any stage trains). ``held_out``: the dev sentences split off the
    same data, which the error then blames where the data as a whole would do."""
    def split_took(check) -> bool:  # the data as a whole pass where the training part fails
        return held_out is not None and check(sentences + held_out)

    def has_terms(data) -> bool:
        return any(s["aspects"] for s in data)

    def has_polarities(data) -> bool:
        return len(set(aspect_items(data)[1])) >= 2

    split_advice = "give a dev file (--dev), a smaller dev fraction (--dev-fraction) or another --seed"
    if not has_terms(sentences):
        if split_took(has_terms):
            raise DataError("the training sentences left once the dev sentences are held out have no aspect terms; "
                            + split_advice)
        raise DataError("the training data hold no aspect terms; give sentences with aspects (those labelled "
                        "conflict are dropped unless keep_conflict=True: --set keep_conflict=true)")
    if not has_polarities(sentences):
        if split_took(has_polarities):
            raise DataError("the training sentences left once the dev sentences are held out have aspects of one "
                            f"polarity only, where the data have more; {split_advice}")
        if not any(a.get("polarity") is not None for s in sentences for a in s["aspects"]):
            raise DataError("the training aspects have no polarity (data for finding terms alone), so the polarity "
                            "model has nothing to learn from; give aspects with their polarities")
        raise DataError("the training aspects need at least two different polarities; give more varied data")
    if categories and has_categories(sentences):
        CategoryModel.check_trainable(sentences, seed)


def _checked_items(items) -> list[tuple[str, int, int]]:
    """``(text, from, to)`` aspects as a list; a DataError for one that is not a span of its text."""
    if isinstance(items, (str, dict)) or not hasattr(items, "__iter__"):
        raise DataError("give a list of (text, from, to) aspects, e.g. [('Great screen.', 6, 12)]")
    items = list(items)
    for i, item in enumerate(items):
        if not (isinstance(item, (tuple, list)) and len(item) == 3):
            raise DataError(f"aspect {i} is {item!r}; give each aspect as (text, from, to), e.g. ('Great screen.', 6, 12)")
        text, start, end = item
        if not isinstance(text, str):
            raise DataError(f"the text of aspect {i} is not a string (its type: {type(text).__name__})")
        if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in (start, end)):
            raise DataError(f"aspect {i}: from and to must be whole numbers (character offsets), not {start!r} and {end!r}")
        if not 0 <= start < end <= len(text):
            raise DataError(f"aspect {i} spans {start}-{end}, which is not a span of its text ({len(text)} characters); "
                            "give 0 <= from < to <= the text's length")
    return items


class _PositiveProbability:
    """Texts -> the probability of ``column`` ("positive") of a sentence-polarity model (a class, not a
    closure, so that a pipeline holding it can be pickled)."""

    def __init__(self, model, column: int):
        self.model, self.column = model, column

    def __call__(self, texts) -> np.ndarray:
        return self.model.predict_proba(texts)[:, self.column]


def prior_scorer(model):
    """The polarity features' prior: texts -> the positive probability of the sentence-polarity ``model``
    (None without one). It holds the model itself, so a later change of a pipeline's prior_ leaves it be."""
    if model is None:
        return None
    return _PositiveProbability(model, list(model.label_names_).index("positive"))  # 1 for labels 0/1


def check_prior_kept(out, prior) -> None:
    """A ConfigError where saving an aspect model to ``out`` would replace the polarity model it reads as its
    ``prior`` (a directory, "default" or None)."""
    if prior is None:
        return
    if prior == "default":
        from ..default_models import default_model_path

        prior = default_model_path("polarity")
    if same_path(prior, out):
        raise ConfigError(f"{out} is the folder of the prior polarity model, which saving the aspect model there would "
                          "replace; save the aspect model to another folder")


def _cleaners_of(model) -> list:
    """The Cleaners a loaded polarity model reads text with (an ensemble: its members'; None: none)."""
    if model is None:
        return []
    if hasattr(model, "members"):
        return [cleaner for member in model.members for cleaner in _cleaners_of(member)]
    return [model.cleaner_] if getattr(model, "cleaner_", None) is not None else []


def _prior_path(prior):
    """The directory of the ``prior`` setting ("default": the shipped polarity model; None: None), a
    ConfigError where it names no directory."""
    if prior is None:
        return None
    if prior == "default":
        from ..default_models import default_model_path

        return default_model_path("polarity")
    if not Path(prior).is_dir():
        raise ConfigError(f"prior={str(prior)!r} is not a model directory; give the directory of a trained polarity "
                          "model, 'default' (the shipped one) or None (no prior)")
    return prior


def _load_prior(prior):
    prior = _prior_path(prior)
    if prior is None:
        return None
    from ..pipeline import load as load_pipeline

    model = load_pipeline(prior)
    if getattr(model, "kind", None) == "aspect":
        raise ConfigError(f"the prior {prior} is an aspect model; give a sentence polarity model (e.g. 'default')")
    if "positive" not in list(getattr(model, "label_names_", [])):
        raise ConfigError(f"the prior model {prior} has no class named 'positive'; give a polarity model as prior")
    return model
