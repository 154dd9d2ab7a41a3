"""Aspect-based sentiment analysis (SemEval-2014 Task 4): which aspects a text speaks of, and how.

"The camera struggles in artificial light, but the battery lasts for days" ->
``camera: negative``, ``battery: positive``.

Python API
----------
>>> from sentiment.aspects import AspectPipeline
>>> pipe = AspectPipeline().fit("Restaurants_Train_v2.xml")          # doctest: +SKIP
>>> pipe.predict_aspects(["The food was great but the service slow"])  # doctest: +SKIP
[[{'term': 'food', 'from': 4, 'to': 8, 'polarity': 'positive', 'score': 0.93, ...},
  {'term': 'service', 'from': 27, 'to': 34, 'polarity': 'negative', 'score': 0.81, ...}]]
>>> pipe.predict_aspects(["..."], aspects=["battery"])                 # doctest: +SKIP

Modules: :mod:`.data` (readers, tokens with character offsets, BIO tags), :mod:`.extraction`
(BIO tagger), :mod:`.polarity` (aspect polarity), :mod:`.pipeline` (``AspectPipeline``, save/load),
:mod:`.evaluation` (scores).

CLI wiring (what ``sentiment.cli`` / ``sentiment.commands`` should call)
-----------------------------------------------------------------------
``sentiment fit DATA --task aspect [--out DIR] [--dev FILE]``
    ``pipeline, report = fit_aspects(DATA, out=DIR, dev_path=FILE)``; DATA is a SemEval-2014 XML
    (train or gold test schema) or JSONL file. Without ``--dev`` a 15% dev split (seed 0) is scored
    and then the model is refit on all of DATA (``refit=True``). Print ``report`` (``--json``: as JSON).
``sentiment predict --task aspect "text" ... [--aspect TERM ...] [--model DIR] [--json]``
    ``predict_aspect_texts(DIR or None, texts, aspects=TERMS or None)``: per text a list of
    ``{"term", "from", "to", "polarity", "score"}``; ``None`` loads the default model ``models/aspect``.
    Plain output: one line per aspect, e.g. ``camera\tnegative\t0.87``.
``sentiment evaluate DATA --model DIR [--json]`` (``--task aspect``, or a model whose config.json has ``"kind": "aspect"``)
    ``evaluate_aspects(DATA, DIR)`` -> dict with ``extraction_precision/recall/f1``,
    ``polarity_accuracy``, ``polarity_macro_f1``, ``end_to_end_f1``, ``n`` (sentences), ``n_aspects``.
"""

from __future__ import annotations

from pathlib import Path

from .data import POLARITIES, read_aspect_data, split_sentences, tokenize
from .pipeline import AspectPipeline

DEFAULT_MODEL = "aspect"


def default_aspect_model_path() -> Path:
    """``models/aspect`` in a checkout (``sentiment/_models/aspect`` when installed)."""
    from ..default_models import models_root
    from ..errors import ModelFileError

    path = models_root() / DEFAULT_MODEL
    if not (path / "config.json").is_file():
        raise ModelFileError(
            f"the default aspect model is missing from {path}; run `python benchmarks/train_aspect_model.py` "
            "or pass --model DIR"
        )
    return path


def load_aspect_model(path=None) -> AspectPipeline:
    return AspectPipeline.load(path if path is not None else default_aspect_model_path())


def fit_aspects(data_path, out=None, *, dev_path=None, dev_fraction: float = 0.15, refit: bool = True,
                seed: int = 0, **options) -> tuple[AspectPipeline, dict]:
    """Fit an :class:`AspectPipeline` on ``data_path``; score it on ``dev_path`` or a dev split; save to ``out``.

    ``options`` are :class:`AspectPipeline` parameters (``tagger_C``, ``polarity_C``, ``prior``, ...).
    Returns the pipeline and a report (dev scores, counts, the output path).
    """
    from .evaluation import evaluate_pipeline

    keep_conflict = bool(options.get("keep_conflict", False))
    sentences = read_aspect_data(data_path, keep_conflict)
    if dev_path is not None:
        train, dev = sentences, read_aspect_data(dev_path)
    else:
        train, dev = split_sentences(sentences, dev_fraction, seed)
    pipe = AspectPipeline(seed=seed, **options).fit(train)
    report = {"task": "aspect", "data": str(data_path), "n_train": len(train), "n_dev": len(dev),
              "dev": evaluate_pipeline(pipe, dev)}
    if dev_path is None and refit:
        pipe = AspectPipeline(seed=seed, **options).fit(sentences)
        report["refit_on_all"] = True
    pipe.info_["dev"] = report["dev"]
    if out is not None:
        pipe.save(out)
        report["model"] = str(out)
    return pipe, report


def predict_aspect_texts(model_path, texts, aspects=None) -> list[list[dict]]:
    """Aspects of ``texts`` with the model in ``model_path`` (None: the default aspect model)."""
    return load_aspect_model(model_path).predict_aspects(texts, aspects=aspects)


def evaluate_aspects(data_path, model_path=None) -> dict:
    """Scores of the model in ``model_path`` (None: the default) on a SemEval XML or JSONL file."""
    from .evaluation import evaluate_pipeline

    sentences = read_aspect_data(data_path)
    report = evaluate_pipeline(load_aspect_model(model_path), sentences)
    report["data"] = str(data_path)
    return report


__all__ = ["AspectPipeline", "POLARITIES", "default_aspect_model_path", "evaluate_aspects", "fit_aspects",
           "load_aspect_model", "predict_aspect_texts", "read_aspect_data", "split_sentences", "tokenize"]
