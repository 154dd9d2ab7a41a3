"""Aspect-based sentiment analysis (SemEval-2014 Task 4): which aspects a text speaks of, and how.

The task: "The camera struggles in artificial light, but the battery lasts for days" should come back
as ``camera: negative``, ``battery: positive`` (the shipped ``models/aspect`` finds both terms and gets
both right, the battery narrowly: see the README's "The default models").

Python API
----------
>>> from sentiment.aspects import AspectPipeline
>>> pipe = AspectPipeline().fit("Restaurants_Train_v2.xml")          # doctest: +SKIP
>>> pipe.predict_aspects(["The food was great but the service slow"])  # doctest: +SKIP
[[{'term': 'food', 'from': 4, 'to': 8, 'polarity': 'positive', 'score': 0.93, ...},
  {'term': 'service', 'from': 27, 'to': 34, 'polarity': 'negative', 'score': 0.81, ...}]]
>>> pipe.predict_aspects(["..."], aspects=["battery"])                 # doctest: +SKIP

Modules: :mod:`.data` (readers, sentence spans, BIO tags; tokens with character offsets come from :mod:`sentiment.tokens`), :mod:`.extraction`
(BIO tagger), :mod:`.polarity` (aspect polarity), :mod:`.pipeline` (``AspectPipeline``, save/load),
:mod:`.evaluation` (scores).

Command line
------------
``sentiment fit DATA --task aspect [--dev FILE] [--out DIR] [--set extractor=lstm ...]``
    :func:`fit_aspects`; DATA is a SemEval-2014 XML or JSONL file. Without ``--dev`` a part of the
    sentences is scored and the model is then refit on all of them.
``sentiment predict --task aspect "text" ... [--aspect TERM ...] [--model DIR] [--json]``
    ``AspectPipeline.annotate``: per text its aspects with character span, polarity and score
    (the default model ``models/aspect`` without ``--model``).
``sentiment evaluate DATA --model DIR [--json]`` (any directory whose config says ``"kind": "aspect"``)
    :func:`evaluate_aspects`: ``extraction_precision/recall/f1``, ``polarity_accuracy``,
    ``polarity_macro_f1``, ``end_to_end_f1``, ``n`` (sentences), ``n_aspects``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ConfigError, DataError
from ..tokens import tokenize
from .data import POLARITIES, conflict_note, markup_note, read_aspect_data, split_sentences, unpolarised_note
from .pipeline import AspectPipeline, check_trainable


def default_aspect_model_path() -> Path:
    """``models/aspect`` in a checkout (``sentiment/_models/aspect`` when installed)."""
    from ..default_models import default_model_path

    return default_model_path("aspect")


def load_aspect_model(path=None) -> AspectPipeline:
    return AspectPipeline.load(path if path is not None else default_aspect_model_path())


def aspect_options() -> dict:
    """The :class:`AspectPipeline` settings that ``fit --set`` takes, with their defaults (``--seed`` sets the seed)."""
    import inspect

    return {name: parameter.default for name, parameter in inspect.signature(AspectPipeline).parameters.items()
            if name != "seed"}


def check_options(options: dict) -> None:
    """Raise a ConfigError for an option that :class:`AspectPipeline` does not have (``--set``: the seed is
    ``--seed``)."""
    from .pipeline import check_option_names

    if "seed" in options:
        raise ConfigError("the aspect model's seed is not a --set option: give it as --seed N (in Python: "
                          "fit_aspects(..., seed=N))")
    check_option_names(options, list(aspect_options()))


def fit_aspects(data_path, out=None, *, dev_path=None, dev_fraction: float = 0.1, refit: bool = True,
                seed: int = 0, progress: bool = False, log=lambda message: None, settings: dict | None = None,
                **options) -> tuple[AspectPipeline, dict]:
    """Fit an :class:`AspectPipeline` on ``data_path``; score it on ``dev_path`` or a ``dev_fraction`` of the
    sentences (then, with ``refit``, fit again on all of them); save to ``out``. ``log`` gets a line at
    each step (the CLI prints them).

    ``options`` are :class:`AspectPipeline` parameters (``tagger_C``, ``polarity_C``, ``prior``, ...);
    ``settings`` gives them as a dict, as it must for the pipeline's own ``dev_fraction`` (the share of
    the training sentences its networks hold out for early stopping), which the keyword here is not.
    Returns the pipeline and a report (dev scores, counts, the output path).
    """
    from ..persistence import check_model_target, same_path
    from ..splits import dev_overlap_notes
    from .pipeline import check_prior_kept

    options = {**(settings or {}), **options}
    check_options(options)
    checked = AspectPipeline(seed=seed, **options)  # bad values fail before reading
    checked.check_fit_options()
    keep_conflict = checked.params["keep_conflict"]
    if out is not None:
        check_model_target(out)  # fail before training, not after
        check_prior_kept(out, checked.params["prior"])
    sentences = read_aspect_data(data_path, keep_conflict)
    if dev_path is not None:
        train, dev = sentences, read_aspect_data(dev_path, keep_conflict)
    else:
        train, dev = split_sentences(sentences, dev_fraction, seed)
    files = [(data_path, sentences)] + ([(dev_path, dev)] if dev_path is not None else [])  # (a split's dev: in sentences)
    for note in (markup_note(sentences, "the taggers cannot learn them"),
                 markup_note(dev, "they count as missed in the dev scores") if dev_path is not None else None,
                 None if keep_conflict else conflict_note(files), unpolarised_note(sentences)):
        if note:
            log(note)
    if dev_path is not None and same_path(dev_path, data_path):
        log("note: the dev file is the training file, so the dev figures are figures on training data")
    else:
        for note in dev_overlap_notes([s["text"] for s in train], [s["text"] for s in dev], split=dev_path is None,
                                      unit="sentence"):
            log(note)
    return train_and_score(train, dev, data=str(data_path), refit_on=sentences if dev_path is None and refit else None,
                           out=out, seed=seed, progress=progress, log=log,
                           refit_note=" (--no-refit keeps the model just scored)", dev_is_split=dev_path is None,
                           dev_data=None if dev_path is None else str(dev_path), **options)


def train_and_score(train: list[dict], dev: list[dict], *, data: str, refit_on: list[dict] | None = None, out=None,
                    seed: int = 0, progress: bool = False, log=lambda message: None, refit_note: str = "",
                    dev_is_split: bool = False, dev_data: str | None = None, **options) -> tuple[AspectPipeline, dict]:
    """Fit an :class:`AspectPipeline` on the ``train`` sentences and score it on ``dev``; with ``refit_on``
    (usually train and dev together), fit it again on those; save to ``out``. ``data`` names the data in
    the report; ``log`` gets a line at each step (``refit_note`` ends the refit's); ``dev_is_split``: the
    dev sentences were held out of the data (errors then advise another split); ``dev_data`` names a dev file in
    the log. Returns the pipeline and the report (dev scores, counts, the output path)."""
    from .categories import has_categories
    from .evaluation import category_names, check_known_categories, check_scorable, evaluate_pipeline

    pipe = AspectPipeline(seed=seed, **options)
    learns_categories = pipe.params["categories"]
    for sentences in (train,) if refit_on is None else (train, refit_on):  # before the training, which may take long
        check_trainable(sentences, categories=learns_categories, seed=seed,
                        held_out=dev if dev_is_split and sentences is train else None)
    scored = learns_categories and has_categories(train)  # whether the model will predict categories
    if dev_is_split:
        check_scorable(dev, "the dev sentences held out of the data", categories=scored,
                       advice="give a dev file (--dev), a larger dev fraction (--dev-fraction) or another --seed")
    else:
        check_scorable(dev, "the dev sentences", categories=scored)
    if scored:  # a dev category that no training sentence has is refused by the scoring: said before the training
        only_dev = sorted(category_names(dev) - category_names(train))
        if dev_is_split and only_dev:
            one = len(only_dev) == 1
            raise DataError(f"only the dev sentences held out of the data have the categor{'y' if one else 'ies'} "
                            f"{', '.join(map(repr, only_dev[:4]))}, so the model trained on the others would not know "
                            f"{'it' if one else 'them'}; give a dev file (--dev), a smaller dev fraction (--dev-fraction) "
                            "or another --seed")
        check_known_categories(dev, category_names(train), "the dev sentences")
    held = (f" held out of {Path(data).name} (seed {seed})" if dev_is_split
            else f" of {Path(dev_data).name}" if dev_data is not None else "")
    log(f"training the aspect extractor and polarity model on {len(train)} sentences "
        f"({sum(len(s['aspects']) for s in train)} aspects); dev: {len(dev)} sentences{held}")
    pipe.fit(train, progress=progress)
    report = {"task": "aspect", "data": data, "n_train": len(train), "n_dev": len(dev),
              "dev": evaluate_pipeline(pipe, dev)}
    if refit_on is not None:
        shown = {k: "n/a" if report["dev"].get(k) is None else f"{report['dev'][k]:.3f}"
                 for k in ("extraction_f1", "polarity_accuracy")}
        log(f"dev extraction F1 {shown['extraction_f1']}, polarity accuracy {shown['polarity_accuracy']}; "
            f"training again on all {len(refit_on)} sentences{refit_note}")
        pipe = AspectPipeline(seed=seed, **options).fit(refit_on, progress=progress)
        report["n_train"] = len(refit_on)  # the sentences the saved model learnt from, as a polarity model's report says
    report["refit_on_all"] = refit_on is not None
    pipe.info_["dev"] = report["dev"]
    pipe.info_["data"] = Path(data).name  # the file's name: a shared model does not say where it lay
    pipe.info_["refit_on_all"] = report["refit_on_all"]  # the dev figures then come from a model trained on less
    if out is not None:
        pipe.save(out)
        report["model"] = str(out)
    return pipe, report


def predict_aspect_texts(model_path, texts, aspects=None, *, by_sentence: bool = True) -> list[list[dict]]:
    """Aspects of ``texts`` with the model in ``model_path`` (None: the default aspect model); see
    :meth:`AspectPipeline.predict_aspects`."""
    return load_aspect_model(model_path).predict_aspects(texts, aspects=aspects, by_sentence=by_sentence)


def evaluate_aspects(data_path, model=None, *, progress: bool = False) -> dict:
    """Scores of ``model`` (an AspectPipeline, a model directory, or None: the default) on a SemEval XML
    or JSONL file (its path is the report's ``data``) or on sentence dicts; ``progress`` shows a progress bar per step. Conflict aspects are read as the model was
    trained: dropped, unless it was fit with ``keep_conflict``."""
    from ..persistence import holds_model
    from .evaluation import evaluate_pipeline

    swapped = hasattr(data_path, "predict_aspects") or (  # evaluate(model, texts, labels) puts the model first
        isinstance(data_path, (str, os.PathLike)) and holds_model(data_path))
    if swapped:
        raise ConfigError("evaluate_aspects takes the data first and then the model: evaluate_aspects(path, model)")
    pipe = load_aspect_model(model) if model is None or isinstance(model, (str, os.PathLike)) else model
    report = evaluate_pipeline(pipe, data_path, progress=progress)
    if isinstance(data_path, (str, os.PathLike)):  # sentence dicts are no name to keep (nor a copy of the data)
        report["data"] = str(data_path)
    return report


__all__ = ["AspectPipeline", "POLARITIES", "aspect_options", "check_options", "default_aspect_model_path", "evaluate_aspects", "fit_aspects",
           "load_aspect_model", "predict_aspect_texts", "read_aspect_data", "split_sentences", "tokenize",
           "train_and_score"]
