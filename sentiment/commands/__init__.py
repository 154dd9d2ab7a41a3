"""The library functions behind the CLI commands: train from a file, predict a file, evaluate a file, and the
rest. They return data and never print, so they serve Python users as well as :mod:`sentiment.cli`.

One module per command: :mod:`.fitting` (``fit``), :mod:`.predicting` (``predict``), :mod:`.evaluating`
(``evaluate``), :mod:`.ensembling` (``ensemble``), :mod:`.vectorizing` (``vectorize``), :mod:`.describing`
(``options``, ``info``); :mod:`.gold` checks labels read from files (fit and evaluate) and a model's labels
against ``--grouping`` (evaluate and predict); :mod:`.models` asks a loaded model what the commands need to
know of it (``clean`` shows its cleaning: :func:`cleaner_of`). This package offers the functions the CLI and
Python users call; the rest stay in their modules.
"""

from .describing import describe_model, describe_options
from .ensembling import ensemble_models
from .evaluating import evaluate_file, training_data_notes
from .fitting import fit_file
from .models import check_classifier, cleaner_of, is_aspect_model
from .predicting import (CHUNK_ROWS, EXPLAINED_CHUNK_ROWS, LONG_TO_EXPLAIN, annotate_texts, check_explainable,
                         check_predict_flags, check_top_if_none, predict_file)
from .vectorizing import vectorize_file

__all__ = [
    "CHUNK_ROWS", "EXPLAINED_CHUNK_ROWS", "LONG_TO_EXPLAIN", "annotate_texts", "check_classifier", "check_explainable",
    "check_predict_flags", "check_top_if_none", "cleaner_of", "describe_model", "describe_options", "ensemble_models",
    "evaluate_file", "fit_file", "is_aspect_model", "predict_file", "training_data_notes", "vectorize_file",
]
