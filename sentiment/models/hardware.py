"""Where the networks run: the device (``"auto"``: CUDA, then Apple MPS, then the CPU), its random generators,
bf16 mixed precision, moving a network there, and the errors of a device (a missing MPS kernel, memory) said
as what to do."""

from __future__ import annotations

import functools
import itertools
import threading
import traceback
from contextlib import contextmanager, nullcontext
from typing import Iterator

import torch

from ..errors import ConfigError
from ..persistence import one_line


def resolve_device(name: str, fallback: bool = False) -> torch.device:
    """``"auto"``: CUDA if present, then Apple MPS (where this torch build runs the networks there: see
    :func:`_mps_runs_the_nets`), then the CPU; or the named device, if it is there.

    A named device that is missing is a ConfigError, or with ``fallback`` (prediction with a model
    trained elsewhere) the ``"auto"`` choice.
    """
    mps = getattr(torch.backends, "mps", None)
    mps_ok = mps is not None and mps.is_available()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if mps_ok and _mps_runs_the_nets() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:  # a name that check_device_name did not see (a model file's): "cuda:01"
        raise ConfigError(f"device must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', not {name!r}") from None
    missing = None
    if device.type == "cuda" and not torch.cuda.is_available():
        missing = "this machine has no CUDA GPU usable by torch"
    elif device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        missing = f"this machine has {torch.cuda.device_count()} CUDA GPU(s), numbered from 0"
    elif device.type == "mps" and not mps_ok:
        missing = "Apple MPS is not available here"
    if missing and fallback:
        return resolve_device("auto")
    if missing:
        raise ConfigError(f"device={name!r}, but {missing}; use device='auto' or 'cpu'")
    return device


@functools.cache
def _mps_runs_the_nets() -> bool:
    """Whether this torch build runs on Apple MPS what the networks need and some builds lack there (the
    mlp's embedding bag over sparse rows had no MPS kernel in many, and older builds refused an int64
    cumsum, which gathering sparse rows uses: :class:`FeatureBatches`): tried once, forward and backward, so
    that ``"auto"`` picks the CPU rather than a device that fails mid-fit. One answer for every network
    (the LSTMs, which need no embedding bag, go to the CPU with the mlp) and for the whole process (a
    failure of the moment, such as memory, is kept too); ``device="mps"`` asks for MPS whatever it says."""
    try:
        weight = torch.ones((3, 2), device="mps", requires_grad=True)
        bag = torch.nn.functional.embedding_bag(torch.tensor([0, 2], device="mps"), weight,
                                                torch.tensor([0], device="mps"), mode="sum",
                                                per_sample_weights=torch.ones(2, device="mps"))
        bag.sum().backward()
        counts = torch.tensor([2, 1], device="mps")
        torch.repeat_interleave(torch.cumsum(counts, 0) - counts, counts, output_size=3)
        return True
    except (NotImplementedError, RuntimeError):
        return False


def device_name(device: torch.device) -> str:
    """A readable name: the GPU's model, "Apple MPS" or "CPU"."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return "Apple MPS" if device.type == "mps" else "CPU"


_SEEDED = threading.RLock()  # one seeded block at a time: they share the process's generators


@contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """Run the block with the generators it draws from, the CPU's (network initialisation, dropout) and
    ``device``'s (dropout on a GPU), seeded by ``seed``, and give the caller's states back afterwards:
    fitting a model leaves the global random state alone. (Shuffling and held-out draws use their own numpy
    generators.) Those generators are the process's, so blocks in other threads wait for this one to end:
    fits started in several threads run one after another, each as it would alone."""
    with _SEEDED:
        if device.type in ("cuda", "mps"):
            index = device.index if device.index is not None else (
                torch.cuda.current_device() if device.type == "cuda" else 0)
            forked = torch.random.fork_rng(devices=[index], device_type=device.type)
        else:
            forked = torch.random.fork_rng(devices=[])
        with forked:
            torch.random.default_generator.manual_seed(seed)  # not torch.manual_seed, which seeds every device
            if device.type == "cuda":
                with torch.cuda.device(index):
                    torch.cuda.manual_seed(seed)
            elif device.type == "mps":
                torch.mps.manual_seed(seed)
            yield


def autocast(device: torch.device):
    """bf16 mixed precision on a CUDA GPU that computes in bf16 (compute capability 8.0, Ampere, and later);
    full precision elsewhere (older GPUs would emulate bf16 slowly, or refuse it)."""
    if device.type == "cuda" and torch.cuda.get_device_capability(device)[0] >= 8:
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


@contextmanager
def device_errors(device: torch.device, training: bool = True, advice: str | None = None) -> Iterator[None]:
    """Turn an operation that this torch build lacks on Apple MPS (NotImplementedError), and a network or
    batch too large for the device's memory (while ``training``, or while predicting), into a ConfigError
    that says what to do (``advice``: the training advice of a model with other options); other errors
    pass as they are."""
    try:
        yield
    except NotImplementedError as exc:  # a RuntimeError too: caught first
        if device.type != "mps":
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "an operation"
        _forget_frames(exc, device)
        raise ConfigError(f"this torch build cannot run the model on Apple MPS ({first}); upgrade torch, set "
                          "PYTORCH_ENABLE_MPS_FALLBACK=1 to run the missing operations on the CPU, or set "
                          "device='cpu'") from None
    except (MemoryError, RuntimeError) as exc:  # torch.OutOfMemoryError (a GPU's) is a RuntimeError too
        if not isinstance(exc, MemoryError) and not _out_of_memory(exc):
            raise
        detail = f" ({one_line(exc)})" if str(exc).strip() else ""
        if not training:
            advice = ("predict fewer or shorter texts at a time (with predict --input: a smaller --batch-size), or "
                      "on a device with more memory")
        elif advice is None:
            advice = ("use smaller hidden sizes (hidden_sizes, hidden_size), a smaller batch_size, shorter texts "
                      "(an lstm's max_length) or fewer features (max_features)")
        _forget_frames(exc, device)
        raise ConfigError(f"the network or a batch does not fit in the memory of the {device.type} device{detail}; "
                          f"{advice}") from None


def _forget_frames(error: BaseException, device: torch.device) -> None:
    """Clear the variables of the finished frames that ``error`` passed through (the training loop's batches,
    optimizer state, activations): the one-line error keeps it as its context, and a notebook keeps the
    last error, so their GPU memory would never come back. The device's cached blocks are released too."""
    traceback.clear_frames(error.__traceback__)  # frames still running (the caller's) keep theirs
    if device.type == "cuda":
        torch.cuda.empty_cache()


_MOVES = threading.Lock()  # one network moved at a time (on_device)


def on_device(net: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """``net`` on ``device``, moved only when some of it is elsewhere: a move rebuilds an LSTM's flat weights,
    which a prediction running in another thread may be reading (torch then fails with a ValueError), so a
    model that stays where it predicts can predict from several threads at once. Moves are made one at a
    time, and no thread that comes through here sees a network half moved (its first tensors there, the
    rest not yet); a forward pass already running elsewhere is not stopped by it."""
    def elsewhere(tensor: torch.Tensor) -> bool:
        return tensor.device.type != device.type or (device.index is not None and tensor.device.index != device.index)

    with _MOVES:
        if any(map(elsewhere, itertools.chain(net.parameters(), net.buffers()))):
            net.to(device)
    return net


def _out_of_memory(exc: RuntimeError) -> bool:
    """Whether torch's RuntimeError says that memory could not be allocated (CPU or GPU), or that a tensor's
    size is past what can be addressed (torch 2.11 says so of an LSTM of hidden_size 10**11, where 2.13
    fails to allocate it)."""
    text = str(exc).lower()
    return isinstance(exc, getattr(torch, "OutOfMemoryError", ())) or "out of memory" in text \
        or "can't allocate memory" in text or "failed to allocate" in text \
        or "storage size calculation overflowed" in text
