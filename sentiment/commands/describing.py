"""``sentiment options`` and ``sentiment info``: the options of a task's stages and what a saved model holds."""

from __future__ import annotations

from pathlib import Path

from ..errors import refuse_flags
from ..persistence import read_config
from ..pipeline import PIPELINE_OPTIONS, Pipeline, load
from ..tasks import DEFAULT_TASK, get_task
from .models import what_the_prior_saw


ASPECT_HEADLINE = ("n", "extraction_f1", "polarity_accuracy", "polarity_macro_f1", "end_to_end_f1", "category_f1",
                   "category_polarity_accuracy")  # an aspect model's dev metrics that `info` shows


def describe_options(task: str = DEFAULT_TASK, vectorizer: str | None = None, model: str | None = None,
                     multi_label: bool = False) -> dict:
    """What ``fit --task`` trains with unless ``--set`` changes it: ``{"task", "multi_label", "vectorizer",
    "model", "options": {stage: {key: {"value", "default", "help"}}}, "available": {kind: [names]}}``, where
    ``value`` is the task's own setting where it has one, else the stage's ``default``, and ``help`` says in
    a line what the option does. For the aspect
    task, the single stage ``"aspect"`` holds the :class:`~sentiment.aspects.AspectPipeline` settings."""
    from ..registry import available

    if task == "aspect":
        from ..aspects import AspectPipeline, aspect_options

        refuse_flags({"--vectorizer": vectorizer, "--model": model, "--multi-label": multi_label},
                     "--task aspect (its stages are listed below its options)")
        return {"task": task, "multi_label": False, "vectorizer": None, "model": None,
                "options": {"aspect": {k: {"value": v, "default": v, "help": AspectPipeline.option_help[k]}
                                       for k, v in aspect_options().items()}},
                "available": {kind: available(kind) for kind in ("aspect_extractor", "aspect_polarity")}}
    get_task(task)
    pipe = Pipeline.for_task(task, vectorizer, model, multi_label=multi_label)  # what `fit --task` starts from
    task_values = {k: v for k, v in pipe.get_params().items() if k not in ("vectorizer", "model")}
    described = Pipeline.option_help_for(pipe.vectorizer, pipe.model)
    return {"task": task, "multi_label": multi_label, "vectorizer": pipe.vectorizer, "model": pipe.model,
            "options": {stage: {key: {"value": task_values.get(key, default), "default": default,
                                      "help": described[stage][key]}
                                for key, default in values.items() if _applies(key, multi_label)}
                        for stage, values in Pipeline.options_for(pipe.vectorizer, pipe.model).items()},
            "available": {kind: available(kind) for kind in ("vectorizer", "model")}}


def _shown_threshold(value) -> float:
    """A threshold as ``info`` shows it: to 6 decimals (an ensemble's mean of 0.4 and 0.45 is 0.42500000000000004)."""
    return round(float(value), 6)


def describe_model(model: str | Path | None = None, task: str | None = None) -> dict:
    """What a saved model is (default: the one shipped for ``task``), from its files: ``{"model", "kind",
    "sentiment_version", "reading_version", "settings", "labels", "label_values", "multi_label", "thresholds", "columns",
    "data", "dev_metrics", "info"}``; ``label_values`` gives the value a pipeline's ``predict`` returns for each
    label name, where they differ (None where they do not). ``reading_version`` is the text-reading version it was trained under (None: before it was
    recorded; an ensemble: its members' by name). ``settings`` holds what a pipeline was trained with (vectorizer and model names, its own
    settings: ``grouping`` and, with several labels per text, ``tune_fraction``, and every setting of the
    cleaner, vectorizer and model), an aspect model's settings (with categories, whether it learnt any and
    each category's threshold) or an ensemble's weights and its members' settings; ``data`` what it was
    trained on (an aspect model: ``{"train": file}``); ``thresholds`` (several
    labels per text) each label's threshold."""
    from ..default_models import default_model_path

    pipe = load(model, task=task)  # checks every file
    return _description(pipe, Path(model) if model is not None else default_model_path(task or DEFAULT_TASK))


def _description(pipe, path: Path) -> dict:
    """:func:`describe_model` of the model ``pipe`` loaded from ``path`` (its config read again, not its arrays)."""
    from ..aspects.data import POLARITIES

    config = read_config(path)
    kind = config.get("kind") or "pipeline"
    multi_label = bool(getattr(pipe, "multi_label_", False))
    info = config.get("info") if isinstance(config.get("info"), dict) else {}
    metrics = config.get("metrics") if isinstance(config.get("metrics"), dict) else {}
    dev_metrics = metrics.get("dev") if isinstance(metrics.get("dev"), dict) else None
    if not dev_metrics and isinstance(info.get("dev"), dict):  # an aspect model keeps its dev report in info
        dev_metrics = {k: v for k, v in info["dev"].items() if k in ASPECT_HEADLINE}
    return {"model": str(path), "kind": kind, "sentiment_version": config.get("sentiment_version"),
            "reading_version": pipe.reading_version_,  # an ensemble: its members', by folder
            "settings": _settings(kind, config, pipe, path),
            "labels": [] if kind == "vectorizer" else list(getattr(pipe, "label_names_", None) or POLARITIES),
            "label_values": _label_values_named(pipe),
            "multi_label": multi_label,
            "thresholds": dict(zip(pipe.label_names_, map(_shown_threshold, pipe.thresholds_))) if multi_label else None,
            "columns": config.get("columns"), "dev_metrics": dev_metrics or None,
            "data": config.get("data") or ({"train": info["data"]} if "data" in info else None),  # aspect models
            "info": {k: v for k, v in info.items() if k not in ("dev", "data")}}


def _label_values_named(pipe) -> dict | None:
    """The values a pipeline's ``predict`` gives (``classes_``) by the names it shows, where they differ: a model
    fitted on labels 1 and 5 named negative and positive (``--label-names``) predicts 1 and 5 in Python."""
    classes, names = getattr(pipe, "classes_", None), getattr(pipe, "label_names_", None)
    if classes is None or names is None or [str(c) for c in classes.tolist()] == [str(n) for n in names]:
        return None
    return {str(name): value for value, name in zip(classes.tolist(), names)}


def _settings(kind: str, config: dict, pipe, path: Path) -> dict:
    """The ``settings`` of :func:`describe_model`, by model kind."""
    if kind == "ensemble":
        sources = {name: source for name, source in zip(config["members"], pipe._sources()) if source is not None}
        return {"weights": config["weights"], **({"member_sources": sources} if sources else {}), "members": {
            name: _description(member, path / name)["settings"] for name, member in zip(config["members"], pipe.members)}}
    if kind == "aspect":
        from ..aspects.categories import NONE as NO_CATEGORY

        settings = dict(config.get("pipeline", {}))
        if settings.get("prior") == "prior":  # the folder the model keeps its copy of the prior in
            seen = what_the_prior_saw(pipe)
            settings["prior"] = f"{Path(path) / 'prior'} (the copy kept inside the model" + (
                f"; it learnt from {seen[0]}: dev figures on those sentences overstate)" if seen else ")")
        categories = getattr(pipe, "categories_", None)
        detector = getattr(categories, "detector_", None)
        if settings.get("categories"):
            settings["categories_learnt"] = categories is not None  # False: the training data had none
        if detector is not None:  # (not the detector's own label for no category)
            settings["category_thresholds"] = {name: _shown_threshold(threshold) for name, threshold in zip(
                detector.label_names_, detector.thresholds_) if name != NO_CATEGORY}
        return settings
    if kind == "vectorizer":
        return {"vectorizer": pipe.vectorizer, "features": pipe.n_features_, "cleaner_settings": config.get("cleaner", {}),
                "vectorizer_settings": _stage_settings(config["stages"]["vectorizer"])}
    options = config.get("pipeline", {}).get("options", {})
    pipeline = {key: options.get(key, default) for key, default in PIPELINE_OPTIONS.items()
                if _applies(key, getattr(pipe, "multi_label_", False))}
    task = config.get("pipeline", {}).get("task")  # what fit --task trained it for (its defaults, its label names)
    return {**({"task": task} if task else {}), "vectorizer": pipe.vectorizer_name, "model": pipe.model,
            "pipeline_settings": pipeline,
            "cleaner_settings": config.get("cleaner", {}),
            **{f"{stage}_settings": _stage_settings(config["stages"][stage]) for stage in ("vectorizer", "model")}}


def _stage_settings(stage: dict) -> dict:
    """A saved stage's settings as ``info`` shows them: those of a word2vec vectorizer that read its vectors
    from a file without the ones that would only have trained them (refused beside a file: their defaults
    changed nothing)."""
    params = stage["params"]
    if stage.get("name") == "word2vec" and params.get("vectors_path"):
        from ..vectorizers.word2vec import TRAINING_ONLY

        return {key: value for key, value in params.items() if key not in TRAINING_ONLY}
    return params


def _applies(option: str, multi_label: bool) -> bool:
    """Whether a pipeline ``option`` applies to a model of one label per text or several (``multi_label``):
    tune_fraction (the share that tunes the thresholds) to several labels only, which fit checks."""
    return option != "tune_fraction" or multi_label
