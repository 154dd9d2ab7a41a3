"""Where the models shipped with the package live.

In a source checkout they are in the top-level ``models/`` folder; an installed package carries the
same folder as ``sentiment/_models`` (see ``pyproject.toml``).
"""

from __future__ import annotations

from pathlib import Path

from .errors import ModelFileError
from .tasks import DEFAULT_TASK, get_task


def models_root() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_models", here.parent / "models"):
        if candidate.is_dir():
            return candidate
    raise ModelFileError("the default models are not installed; reinstall sentiment or pass --model DIR")


def default_model_path(task: str = DEFAULT_TASK) -> Path:
    path = models_root() / get_task(task).model_folder
    if not (path / "config.json").is_file():
        raise ModelFileError(f"the default {task} model is missing from {path}; reinstall sentiment, train it with "
                             f"benchmarks/train_{task}_model.py, or pass --model DIR")
    return path
