"""Export the network of a fitted neural pipeline (``mlp`` or ``lstm``) to TorchScript or ONNX.

The exported file holds the torch network followed by its head (a softmax, or one sigmoid per label
for a model with several labels per text): it maps the network's input tensors to class
probabilities (columns in the order of ``pipeline.classes_``; with several labels per text, each label's own,
and ``predict`` gives those that reach their tuned ``pipeline.thresholds_``, not 0.5). Cleaning and
vectorizing stay in Python: turn texts into those tensors with
``pipeline.model_.torch_inputs(features)``, where ``features`` is what the vectorizer gives
(``pipeline.vectorizer_.transform(pipeline.cleaner_.tokens_of(texts))``, or for ``lstm``
``pipeline.vectorizer_.sequences(...)``). The inputs are:

- ``mlp`` over count/tf-idf (sparse): ``indices`` (int64, the flat feature ids of all rows),
  ``offsets`` (int64, where each row starts in ``indices``), ``weights`` (float32, the feature values);
- ``mlp`` over word2vec: ``features`` (float32, rows x features);
- ``lstm``: ``tokens`` (int64, rows x time, padded with 0) and ``lengths`` (int64, tokens per row).

>>> export_model(pipe, "model.onnx", "onnx")  # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

from .checks import path_of
from .errors import ConfigError, or_list, with_article
from .persistence import atomic_file, check_output_file, file_name_for

FORMATS = ("torchscript", "onnx")
SUFFIXES = {"torchscript": (".pt", ".pth", ".ts"), "onnx": (".onnx",)}  # of the file written, first: the usual one
# an ONNX file is one protobuf message, of 2 GB at most; larger weights go to files of their own beside it, named
# after the tensors, which would not be written atomically (nor kept from other files of those names)
ONNX_WEIGHTS_LIMIT = 2**31 - 2**26  # bytes, leaving room for the graph


def input_names(model) -> list[str]:
    """The names of the exported network's inputs, in order."""
    if model.name == "lstm":
        return ["tokens", "lengths"]
    return ["indices", "offsets", "weights"] if model.net_.config.sparse_input else ["features"]


def export_format(path: str | os.PathLike) -> str | None:
    """The export format that the suffix of ``path`` names ("torchscript", "onnx"), or None."""
    return next((name for name, suffixes in SUFFIXES.items() if Path(path).suffix.lower() in suffixes), None)


def export_model(pipeline, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write the network of ``pipeline`` (a fitted ``mlp`` or ``lstm`` pipeline) to ``path`` in ``fmt``.

    ``fmt``: ``"torchscript"`` (a traced module; load with ``torch.jit.load``) or ``"onnx"`` (needs the
    ``onnx`` package; run it with ``onnxruntime``); None: the one ``path``'s suffix names. ``path`` ends
    in the format's suffix (``.pt``, ``.pth`` or ``.ts``; ``.onnx``), so that no file of another kind is
    overwritten. Returns the path written.
    """
    if isinstance(pipeline, (str, bytes, os.PathLike)):
        raise ConfigError(f"give a loaded model (sentiment.load({str(pipeline)!r})), not its path")
    if isinstance(fmt, str):
        fmt = fmt.strip().lower()
    elif fmt is not None:
        raise ConfigError(f"fmt must be one of {', '.join(map(repr, SUFFIXES))} or None, not {type(fmt).__name__}")
    target = path_of(path, "the exported model's file")
    if target.is_dir():
        example_name = "model" + (SUFFIXES[fmt][0] if fmt in SUFFIXES else ".pt")
        raise ConfigError(f"{target} is a directory; give the output (--out) a file name, e.g. "
                          f"{file_name_for(target, example_name)}")
    named = target.name.lower()
    if not target.suffix and any(named == s for suffixes in SUFFIXES.values() for s in suffixes):  # ".onnx": no stem
        raise ConfigError(f"{target} is a suffix without a name; give the output (--out) a file name, e.g. "
                          f"{target.with_name('model' + named).name}")
    if fmt is None:
        fmt = export_format(target)
        if fmt is None:
            raise ConfigError(f"{target}: the suffix names no export format; give a .pt file (torchscript) "
                              f"or a .onnx file (onnx), e.g. {target.with_suffix('.pt').name}")
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    suffixes = SUFFIXES[fmt]
    if target.suffix.lower() not in suffixes:
        raise ConfigError(f"{target}: {with_article(fmt)} export is written to a {or_list(suffixes)} file (so that "
                          f"no other file is overwritten by mistake); give e.g. {target.with_suffix(suffixes[0]).name}")
    check_output_file(target, "--out", suffixes)
    if hasattr(pipeline, "members"):
        raise ConfigError("an ensemble does not export as one network; export each member model on its own")
    if hasattr(pipeline, "_check_fitted"):
        pipeline._check_fitted()
    if not hasattr(pipeline, "model_"):
        kind = getattr(pipeline, "kind", type(pipeline).__name__)
        raise ConfigError(f"{with_article(kind)} model does not export; only a single mlp or lstm model does")
    model = pipeline.model_
    if not hasattr(model, "net_"):
        raise ConfigError(
            f"model {model.name!r} has no torch network to export; only the neural models (mlp, lstm) export"
        )
    from dataclasses import asdict

    from .models import saved_nets
    from .models.nets import Probabilities

    # a CPU copy built from the weights' CPU arrays: a net on a nearly full GPU is not copied there first
    on_cpu = saved_nets.build_net(model.net_class, model.config_class, asdict(model.net_.config), saved_nets.net_arrays(model.net_))
    wrapped = Probabilities(on_cpu).eval().requires_grad_(False)
    example = model.torch_inputs(_example_rows(model))
    names = input_names(model)
    if fmt == "onnx":
        size = sum(p.numel() * p.element_size() for p in on_cpu.state_dict().values())
        if size > ONNX_WEIGHTS_LIMIT:
            raise ConfigError(f"the network's weights take {size / 2**30:.1f} GB, more than an ONNX file holds (2 GB); "
                              "export it as TorchScript (--format torchscript, a .pt file), or train a smaller one")
        try:
            import onnx  # noqa: F401
        except ImportError:
            raise ConfigError('ONNX export needs the onnx package: pip install onnx onnxruntime (the "onnx" extra of this '
                              'package, e.g. pip install ".[onnx]" in its source folder)') from None
    with atomic_file(target) as partial:  # a failed export leaves an earlier file as it was
        _write(wrapped, example, names, fmt, partial)
    return target


def _write(wrapped, example, names: list[str], fmt: str, path: str) -> None:
    import torch

    if fmt == "torchscript":
        buffer = io.BytesIO()  # torch's own file writer aborts the process when a write fails (disk full)
        with warnings.catch_warnings():  # trace warns about shape checks that hold for every input, and
            warnings.simplefilter("ignore")  # TorchScript is deprecated in favour of torch.export, which
            torch.jit.save(torch.jit.trace(wrapped, example), buffer)  # cannot trace packed sequences
        Path(path).write_bytes(buffer.getvalue())
        return
    axes = {
        "indices": {0: "n_values"}, "weights": {0: "n_values"}, "offsets": {0: "batch"},
        "features": {0: "batch"}, "tokens": {0: "batch", 1: "time"}, "lengths": {0: "batch"},
    }
    with warnings.catch_warnings(), _native_stderr_held():  # the TorchScript-based exporter: torch.export cannot
        warnings.simplefilter("ignore")  # trace packed sequences
        torch.onnx.export(
            wrapped, example, path, input_names=names, output_names=["probabilities"],
            dynamic_axes={**{n: axes[n] for n in names}, "probabilities": {0: "batch"}}, dynamo=False,
        )


@contextmanager
def _native_stderr_held():
    """Hold back what C++ code writes to the standard error stream (the ONNX exporter warns that it cannot
    infer the shapes of packed sequences, although the exported lstm gives the model's outputs): dropped,
    so that a failure, too, ends in its one-line error; written out when it fails with SENTIMENT_DEBUG set."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            if os.environ.get("SENTIMENT_DEBUG"):
                held.seek(0)
                os.write(2, held.read())
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _example_rows(model):
    """Two rows of input of different sizes, to trace the network with."""
    import numpy as np
    import scipy.sparse as sp

    if model.name == "lstm":
        top = model.n_features_ - 1
        return [np.array([2, 3, 4], dtype=np.int64).clip(max=top), np.array([2], dtype=np.int64).clip(max=top)]
    if model.net_.config.sparse_input:
        last = model.n_features_ - 1
        return sp.csr_matrix(([1.0, 0.5, 0.5], ([0, 0, 1], [0, last, 0])), shape=(2, model.n_features_))
    return np.zeros((2, model.n_features_), dtype=np.float32)
