"""The one training loop of the neural models, and the batches it reads.

The data go to the device once, before training: a sparse feature matrix as its CSR arrays, dense
features as one tensor, token sequences as padded batches of similar lengths (length buckets). An
epoch then only indexes tensors that are already on the device (feature rows are gathered there in a
new random order each epoch; sequence buckets are visited in a new random order), so the GPU never
waits on Python to build a batch.

Training: Adam, AdamW or SGD with momentum; weight decay on weight matrices only; an optional L1
penalty; a linear warm-up then cosine decay, or halving the learning rate when the dev metric
stalls ("plateau"); gradient clipping; optionally an exponential moving average of the weights
(:class:`WeightAverage`), which is then what is scored, kept and returned; bf16 autocast while training on a CUDA GPU of the Ampere generation or later (predictions in full precision); early stopping on the dev macro-F1 or
accuracy, restoring the best weights at the end. Runs are reproducible on the CPU for a given seed
(on CUDA some kernels are not deterministic). With several labels per text (targets a 0/1 matrix,
the sigmoid head), the dev metrics decide each label at the threshold that suits it best on the dev
data, as the pipeline tunes them after training: macro-F1 over the labels, and as accuracy the share
of texts whose labels are all right. (At a fixed 0.5, rare labels score 0 for the first epochs,
which would stop training before it starts.)
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import math
import threading
import time
import traceback
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Iterator, NamedTuple

import numpy as np
import scipy.sparse as sp
import torch
from tqdm.auto import tqdm

from ..errors import ConfigError, TrainingError
from ..multilabel import label_f1, tune_thresholds
from ..persistence import one_line
from .nets import HEADS, head_loss, head_probabilities, longest_first

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = ("plateau", "cosine", None)
STOP_METRICS = ("macro_f1", "accuracy")
EMPTY_DOCUMENT = 1  # an empty token sequence reads as one unknown word (id 1, as in Word2VecVectorizer.sequences)


# -- device and seeds ----------------------------------------------------------------------------
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
    device = torch.device(name)
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


# -- held-out rows and saved weights ------------------------------------------------------------
def hold_out_rows(n: int, fraction: float, rng, *, always_draw: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Train and held-out (dev) row indices, each sorted: a random ``round(n * fraction)`` rows held out.

    No held-out part (all rows train, none held out) when it would be empty or hold every row. The rows
    come from one ``rng.permutation(n)``, drawn only when there is a held-out part, or with
    ``always_draw`` in every case (as the aspect models do), so that ``rng``'s later draws stay the same.
    """
    n_dev = int(round(n * fraction))
    if not 1 <= n_dev < n:
        if always_draw:
            rng.permutation(n)
        return np.arange(n), np.arange(0)
    order = rng.permutation(n)
    return np.sort(order[n_dev:]), np.sort(order[:n_dev])


def hold_out_groups(groups: list, fraction: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Train and held-out (dev) row indices, each sorted, that keep rows of one group on one side: each
    row names the groups it comes from (``groups[row]``, a sequence of ints, e.g. the sentence of an
    aspect, or both sentences of one made by joining two), a random ``round(n_groups * fraction)``
    groups are held out, a row trains when none of its groups is held out and is held out when all
    are; a row of both (a joined sentence) is left out, so nothing held out was seen in training.

    No held-out part (all rows train) when it would be empty or leave no row to train on. The groups
    come from one ``rng.permutation``, always drawn, so that ``rng``'s later draws stay the same.
    """
    ids = sorted({g for row in groups for g in row})
    order = rng.permutation(len(ids))
    n_dev = int(round(len(ids) * fraction))
    held = {ids[i] for i in order[:n_dev]}
    train = [r for r, row in enumerate(groups) if held.isdisjoint(row)]
    dev = [r for r, row in enumerate(groups) if row and held.issuperset(row)]  # a row of no group trains
    if not train or not dev:
        return np.arange(len(groups)), np.arange(0)
    return np.array(train), np.array(dev)


def net_arrays(net: torch.nn.Module, prefix: str = "") -> dict[str, np.ndarray]:
    """The network's weights (its ``state_dict``) as float32 numpy arrays on the CPU, named ``prefix + name``."""
    return {prefix + name: value.detach().float().cpu().numpy() for name, value in net.state_dict().items()}


def build_net(net_class, config_class, config: dict, arrays) -> torch.nn.Module:
    """The network of a saved ``config`` with its saved weights ``arrays``, checked before it is built: every
    size in the config must be a whole number from 0 to the largest dimension (or the count) of the arrays,
    so a crafted config cannot make loading build a huge network (:func:`sentiment.persistence.read_model`
    has checked that every weight is finite). Anything that does not fit is a ValueError (a damaged model,
    for the loaders)."""
    if not isinstance(config, dict):
        raise ValueError("the network's settings are not a JSON object")
    shapes = [np.shape(value) for value in arrays.values()]
    bound = max([len(shapes), *(dim for shape in shapes for dim in shape)], default=0)
    for key, value in config.items():
        for size in (value if isinstance(value, (list, tuple)) else [value]):
            if isinstance(size, int) and not isinstance(size, bool) and not 0 <= size <= bound:
                raise ValueError(f"the network's {key} ({size}) does not fit its saved weights")
    _check_setting_types(config_class, config)
    try:
        settings = config_class(**config)
        # on the meta device, nothing allocated or drawn at random, until the saved weights, checked against
        # its sizes, take its place (a crafted config cannot make loading allocate a huge network)
        with torch.device("meta"), _WithoutInitialisation():
            net = net_class(settings)
        sizes = {name: value.numel() for name, value in net.state_dict().items()}
        if sizes != {name: int(np.size(value)) for name, value in arrays.items()}:  # shapes: load_net_arrays
            raise ValueError("the saved weights do not fit the network its settings describe")
    except (TypeError, ZeroDivisionError, RuntimeError, IndexError) as exc:  # e.g. an unknown or a zero setting
        raise ValueError(f"the network's settings do not make a network ({exc})") from None
    return load_net_arrays(net, arrays)


class _WithoutInitialisation(torch.overrides.TorchFunctionMode):
    """Makes ``torch.nn.init`` functions return their tensor untouched while a network is built to take
    saved weights. On the meta device they would go through PyTorch's Python reference kernels, whose
    first use imports torch._dynamo: 1.4 s of every load of a PyTorch model."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if getattr(func, "__module__", None) == "torch.nn.init":
            return args[0] if args else kwargs["tensor"]
        return func(*args, **kwargs)


def _check_setting_types(config_class, config: dict) -> None:
    """Each saved setting of the type its dataclass field declares (a bool is no number, numbers are finite,
    dropout from 0 to below 1), so that a crafted value fails at load, not at the first prediction."""
    declared = {field.name: str(field.type) for field in dataclasses.fields(config_class)}
    for key, value in config.items():
        kind = declared.get(key)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ((kind == "int" and not (number and isinstance(value, int))) or (kind == "float" and not number)
                or (kind == "bool" and not isinstance(value, bool)) or (kind == "str" and not isinstance(value, str))):
            raise ValueError(f"the network's {key} is {value!r}, not of type {kind}")
        if kind == "float" and not (math.isfinite(value) and (0 <= value < 1 or "dropout" not in key)):
            raise ValueError(f"the network's {key} ({value!r}) is out of range")
        if key == "head" and value not in HEADS:
            raise ValueError(f"the network's head is {value!r}, not one of {', '.join(HEADS)}")


def load_net_arrays(net: torch.nn.Module, arrays) -> torch.nn.Module:
    """Load saved weights (name -> array, as :func:`net_arrays` gives) into ``net``; returns it in eval mode.

    Each value is copied into the tensor's own dtype (e.g. int64 counters). A network built on the meta
    device (sizes only) takes the weights as its tensors, on the CPU. Weights that do not fit the network
    are a ValueError.
    """
    own = net.state_dict()
    weights = {name: torch.tensor(np.asarray(value), dtype=own[name].dtype if name in own else None)
               for name, value in arrays.items()}
    try:
        net.load_state_dict(weights, assign=any(value.is_meta for value in own.values()))
    except RuntimeError as exc:
        raise ValueError(f"the saved weights do not fit the network: {exc}") from None
    if any(value.is_meta for value in itertools.chain(net.parameters(), net.buffers())):
        raise ValueError("the saved weights leave part of the network unset")
    return net.eval()


# -- batches ---------------------------------------------------------------------------------------
class Batch(NamedTuple):
    inputs: tuple  # the network's arguments
    targets: torch.Tensor | None  # class codes (or a 0/1 float matrix for several labels per text), on the device
    rows: np.ndarray  # the rows of the data set in this batch, in order
    weights: torch.Tensor | None = None  # the rows' sample weights (mean 1 over the data set), on the device


def row_weights(sample_weight, device: torch.device) -> torch.Tensor | None:
    """Sample weights scaled to a mean of 1 (see :func:`~sentiment.models.nets.head_loss`), on the device."""
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight, dtype=np.float64)
    return torch.as_tensor(weights / weights.mean(), dtype=torch.float32).to(device)


def targets_array(y) -> np.ndarray | None:
    """Class codes as int64, or a label matrix (several labels per text) as float32, as the losses take them."""
    if y is None:
        return None
    return np.asarray(y, dtype=np.float32 if np.ndim(y) == 2 else np.int64)


def _split(order: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Cut ``order`` into batches of at most ``batch_size`` rows, all of nearly the same size."""
    return np.array_split(order, max(1, math.ceil(len(order) / batch_size)))


class FeatureBatches:
    """Rows of a feature matrix, held on the device; shuffled every epoch when given a random generator.

    A sparse matrix stays sparse: a batch is the flat feature ids, the start offset of each row and the
    feature values (the inputs of ``nn.EmbeddingBag``), gathered on the device from the CSR arrays.
    """

    def __init__(self, X, y, batch_size: int, device: torch.device, *, sparse: bool, rng=None,
                 sample_weight=None) -> None:
        self.n, self.batch_size, self.device, self.sparse, self.rng = X.shape[0], batch_size, device, sparse, rng
        self.y = targets_array(y)
        self.targets = None if y is None else torch.as_tensor(self.y).to(device)
        self.weights = row_weights(sample_weight, device)
        if sparse:
            X = sp.csr_matrix(X)
            self.row_nnz = np.diff(X.indptr).astype(np.int64)
            self.indptr = torch.as_tensor(X.indptr.astype(np.int64)).to(device)
            self.row_nnz_device = torch.as_tensor(self.row_nnz).to(device)
            self.indices = torch.as_tensor(X.indices.astype(np.int64)).to(device)
            self.values = torch.as_tensor(X.data.astype(np.float32)).to(device)
        else:
            dense = X.toarray() if sp.issparse(X) else np.asarray(X)  # dense input has few columns (document vectors)
            self.features = torch.as_tensor(dense.astype(np.float32)).to(device)

    def __len__(self) -> int:
        return max(1, math.ceil(self.n / self.batch_size))

    def __iter__(self) -> Iterator[Batch]:
        order = self.rng.permutation(self.n) if self.rng is not None else np.arange(self.n)
        order_device = torch.as_tensor(order).to(self.device)
        start = 0
        for rows in _split(order, self.batch_size):
            rows_device = order_device[start : start + len(rows)]
            start += len(rows)
            targets = None if self.targets is None else self.targets[rows_device]
            weights = None if self.weights is None else self.weights[rows_device]
            yield Batch(self._inputs(rows, rows_device), targets, rows, weights)

    def _inputs(self, rows: np.ndarray, rows_device: torch.Tensor) -> tuple:
        if not self.sparse:
            return (self.features[rows_device],)
        counts = self.row_nnz_device[rows_device]
        offsets = torch.cumsum(counts, 0) - counts
        total = int(self.row_nnz[rows].sum())  # known on the host: no device sync
        shift = torch.repeat_interleave(self.indptr[rows_device] - offsets, counts, output_size=total)
        positions = shift + torch.arange(total, device=self.device)
        return self.indices[positions], offsets, self.values[positions]


def pad_sequences(sequences, max_length: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids padded with 0 to the longest (truncated) sequence, and the lengths (CPU tensors)."""
    cut = [np.asarray(s[:max_length] if max_length else s, dtype=np.int64) for s in sequences]
    cut = [s if len(s) else np.array([EMPTY_DOCUMENT], dtype=np.int64) for s in cut]
    lengths = np.array([len(s) for s in cut], dtype=np.int64)
    return pad_arrays(cut), torch.from_numpy(lengths)


def pad_arrays(arrays: list[np.ndarray]) -> torch.Tensor:
    """Integer arrays (one per row, of one or more axes) padded with 0 to the largest size on each axis, as one
    int64 CPU tensor of ``(rows, *sizes)``."""
    if not arrays:
        return torch.zeros((0, 1), dtype=torch.int64)
    shape = (len(arrays), *np.max([a.shape for a in arrays], axis=0).astype(int))
    out = np.zeros(shape, dtype=np.int64)
    for row, a in enumerate(arrays):
        out[(row, *(slice(0, s) for s in a.shape))] = a
    return torch.from_numpy(out)


class PreparedBatches:
    """Batches made once (``self.batches``, kept on the device), which come in a new random order every epoch
    when the batches were given a random generator ``self.rng``."""

    batches: list[Batch]
    rng: np.random.Generator | None

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self) -> Iterator[Batch]:
        order = self.rng.permutation(len(self.batches)) if self.rng is not None else range(len(self.batches))
        return (self.batches[i] for i in order)


def by_length(lengths: np.ndarray, batch_size: int, rng=None, longest_first: bool = False) -> list[np.ndarray]:
    """Row indices cut into batches of similar length (:func:`_split`); ties in length broken at random with
    ``rng``, else in row order. ``longest_first``: each batch's rows in decreasing length, as packing a
    batch for an LSTM without sorting it again needs (:func:`~sentiment.models.nets.longest_first`)."""
    ties = rng.random(len(lengths)) if rng is not None else np.arange(len(lengths))
    batches = [rows for rows in _split(np.lexsort((ties, lengths)), batch_size) if len(rows)]
    return [rows[::-1].copy() for rows in batches] if longest_first else batches  # copies: torch takes no negative strides


class SequenceBatches(PreparedBatches):
    """Token-id sequences in batches of similar length, padded once and stored on the device.

    With a random generator, ties in length are broken at random and the batches come in a new
    random order every epoch. Lengths stay on the CPU, where packing the sequences needs them.
    """

    def __init__(self, sequences, y, batch_size: int, device: torch.device, *, max_length=None, rng=None,
                 sample_weight=None) -> None:
        self.n, self.rng = len(sequences), rng
        self.y = targets_array(y)
        weights = row_weights(sample_weight, torch.device("cpu"))
        lengths = np.array([len(s) for s in sequences])
        if max_length:
            lengths = np.minimum(lengths, max_length)
        self.batches = []
        for rows in by_length(lengths, batch_size, rng, longest_first(device)):
            tokens, lengths_cpu = pad_sequences([sequences[i] for i in rows], max_length)
            targets = None if self.y is None else torch.as_tensor(self.y[rows]).to(device)
            batch_weights = None if weights is None else weights[torch.from_numpy(rows)].to(device)
            self.batches.append(Batch((tokens.to(device), lengths_cpu), targets, rows, batch_weights))


# -- training ------------------------------------------------------------------------------------
@dataclass
class TrainConfig:
    """How :func:`train` trains. The batch size is not here: the batches the caller gives
    (:class:`FeatureBatches`, :class:`SequenceBatches`, the aspect models' ``PaddedBatches``) are already cut."""

    epochs: int = 20
    lr: float = 1e-3
    optimizer: str = "adam"  # "adam", "adamw" or "sgd" (momentum 0.9)
    weight_decay: float = 0.0  # on weight matrices only, not on biases and norms
    l1: float = 0.0
    schedule: str | None = "plateau"  # "plateau", "cosine" or None (constant)
    warmup_epochs: float = 0.0
    clip_grad: float | None = 1.0  # max gradient norm
    patience: int = 3  # epochs without a better dev metric before stopping
    min_epochs: int = 1  # the first epoch whose weights may be kept; before it, no stopping and no plateau
    stop_metric: str = "macro_f1"  # or "accuracy"
    class_weight: str | tuple | None = None  # or "balanced", or one weight per class code
    ema_epochs: float = 0.0  # time constant, in epochs, of a moving average of the weights (WeightAverage); 0: none


class WeightAverage:
    """An exponential moving average of a network's weights over its training steps (as in Polyak
    averaging; Izmailov et al. 2018 on why averaged weights generalise better): ``self.net``, a copy of the
    network whose trainable parameters and floating-point buffers follow the trained ones, each step by
    ``max(1 - decay, 1 / step)`` of the way: the plain mean of the weights so far for the first
    ``horizon`` steps, then the moving average of time constant ``horizon`` steps. Frozen weights are left
    as they were copied, since they do not change.

    Not ``torch.optim.swa_utils.AveragedModel``: it reads its step count back from the device at every
    step (a GPU would wait for Python at each batch, what these batches are built to avoid), averages
    frozen weights too, and fails on integer buffers when told to average buffers.
    """

    def __init__(self, net: torch.nn.Module, horizon: float) -> None:
        self.net = copy.deepcopy(net).eval()
        self.decay = math.exp(-1.0 / max(horizon, 1e-9))
        self.steps = 0
        own = dict(itertools.chain(self.net.named_parameters(), self.net.named_buffers()))
        trained = [(name, p) for name, p in net.named_parameters() if p.requires_grad]
        buffers = list(net.named_buffers())
        self.pairs = [(own[name].detach(), t.detach())
                      for name, t in trained + [(name, b) for name, b in buffers if b.is_floating_point()]]
        self.copied = [(own[name].detach(), b.detach()) for name, b in buffers if not b.is_floating_point()]
        for param in self.net.parameters():
            param.requires_grad_(False)

    def update(self) -> None:
        """Move the average toward the network's weights after an optimizer step."""
        self.steps += 1
        weight = max(1.0 - self.decay, 1.0 / self.steps)
        for averaged, trained in self.pairs:
            averaged.lerp_(trained, weight)
        for averaged, trained in self.copied:  # e.g. a batch norm's count of batches
            averaged.copy_(trained)


class LRSchedule:
    """Per-step learning rates: linear warm-up, then cosine decay to zero, halving on a plateau, or constant."""

    def __init__(self, optimizer, kind: str | None, warmup_steps: int, total_steps: int) -> None:
        self.optimizer, self.kind, self.warmup, self.total = optimizer, kind, warmup_steps, total_steps
        self.steps, self.scale = 0, 1.0
        for group in optimizer.param_groups:
            group["initial_lr"] = group["lr"]

    def step(self) -> None:
        """Set the learning rate of the next optimizer step."""
        self.steps += 1
        factor = min(1.0, self.steps / self.warmup) if self.warmup else 1.0
        if self.kind == "cosine":
            progress = min(1.0, max(0.0, (self.steps - self.warmup) / max(1, self.total - self.warmup)))
            factor *= 0.5 * (1.0 + math.cos(math.pi * progress))
        factor *= self.scale
        for group in self.optimizer.param_groups:
            group["lr"] = group["initial_lr"] * factor

    def epoch_end(self, improved: bool) -> None:
        """Plateau: halve the learning rate after an epoch that did not improve."""
        if self.kind == "plateau" and self.steps >= self.warmup and not improved:
            self.scale *= 0.5

    @property
    def lr(self) -> float:
        return self.optimizer.param_groups[0]["lr"]


def make_optimizer(net: torch.nn.Module, config: TrainConfig, device: torch.device):
    """The optimizer over the trainable parameters; weight decay on matrices (dim >= 2) only."""
    params = [p for p in net.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": config.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    groups = [g for g in groups if g["params"]]
    if config.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=config.lr, momentum=0.9)
    optimizer = torch.optim.AdamW if config.optimizer == "adamw" else torch.optim.Adam
    return optimizer(groups, lr=config.lr, fused=device.type == "cuda")


def balanced_weights(y: np.ndarray, n_classes: int) -> np.ndarray:
    """scikit-learn's "balanced" class weights: n_samples / (n_classes * count); 0 for absent classes.

    For a label matrix (several labels per text), per label the weight of its positive examples
    relative to its negative ones, as balancing each label's binary problem gives: negatives / positives.
    """
    if y.ndim == 2:
        positives = y.sum(axis=0).astype(np.float64)
        return np.divide(len(y) - positives, positives, out=np.ones(n_classes), where=positives > 0)
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    return np.divide(len(y), n_classes * counts, out=np.zeros(n_classes), where=counts > 0)


def dev_scores(truth: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    """Accuracy and macro-F1 of ``probabilities`` against class codes, or against a label matrix (each
    label decided at its best threshold; accuracy: the share of texts with exactly the right labels)."""
    if truth.ndim == 2:
        predicted = probabilities >= tune_thresholds(truth, probabilities)
        return float(np.mean((predicted == truth.astype(bool)).all(axis=1))), float(label_f1(truth, predicted).mean())
    predicted = probabilities.argmax(axis=1)
    one_hot = np.eye(probabilities.shape[1], dtype=np.uint8)  # each class as a label, every class in the mean
    # (unlike evaluate, a class absent from the early-stopping texts counts as 0: the stopping rule stays as it was)
    return float(np.mean(predicted == truth)), float(label_f1(one_hot[truth], one_hot[predicted]).mean())


def net_loss(net: torch.nn.Module, logits, batch: Batch, class_weights: torch.Tensor | None = None,
             sample_weights: torch.Tensor | None = None):
    """The network's own ``loss(logits, targets, inputs, class_weights)`` when it has one (e.g. a CRF
    tagger, which reads its padding from the batch's inputs; it weighs every row alike), else its head's
    loss; ``sample_weights``: the batch's row weights."""
    own = getattr(net, "loss", None)
    if own is not None:
        return own(logits, batch.targets, batch.inputs, class_weights)
    return head_loss(net.config.head, logits, batch.targets, class_weights, sample_weights)


@torch.no_grad()
def predict(net: torch.nn.Module, batches, device: torch.device) -> tuple[np.ndarray, float | None]:
    """Probabilities for all rows of ``batches`` (in row order) and the mean loss when targets are known.
    Without autocast on every device (it is for training only): a GPU scores a text as a CPU does to
    float32 precision (TF32 kernels of recent GPUs aside), not to bf16's three digits."""
    net.eval()
    head = net.config.head
    outputs, rows, loss = [], [], torch.zeros((), device=device)
    for batch in batches:
        logits = net(*batch.inputs)
        outputs.append(head_probabilities(head, logits))
        rows.append(batch.rows)
        if batch.targets is not None:
            loss += net_loss(net, logits, batch) * len(batch.rows)
    probabilities = np.empty((batches.n, net.config.n_classes), dtype=np.float32)
    probabilities[np.concatenate(rows)] = torch.cat(outputs).cpu().numpy()
    return probabilities, (loss.item() / batches.n if batches.y is not None else None)


def train(net: torch.nn.Module, batches, dev, config: TrainConfig, device: torch.device,
          progress: bool = False) -> list[dict]:
    """Train ``net`` in place and return the history, one dict per epoch (a batch's ``weights``, when it has
    them, weigh its rows in the training loss).

    With ``dev`` batches, training stops after ``patience`` epochs without a better dev metric and
    the best epoch's weights are restored; without, it runs all epochs and keeps the last weights.
    With ``config.ema_epochs``, "the weights" are the moving average of :class:`WeightAverage` at the
    end of each epoch: it is scored on ``dev`` and kept (the training loss is the trained network's).
    Early stopping judges from epoch ``min_epochs`` on: the epochs before it always train on (the
    plateau schedule keeps its rate) and their weights are never the ones kept, for a small dev split
    that would otherwise stop a network at a lucky first epoch.
    """
    if isinstance(config.ema_epochs, bool) or not 0 <= config.ema_epochs < math.inf:  # NaN fails too
        raise ConfigError(f"ema_epochs must be a number of at least 0 (0: no average), not {config.ema_epochs!r}")
    net.to(device)
    n_classes = net.config.n_classes
    optimizer = make_optimizer(net, config, device)
    steps = len(batches)
    schedule = LRSchedule(optimizer, config.schedule, round(config.warmup_epochs * steps), config.epochs * steps)
    class_weights = None
    if config.class_weight == "balanced":
        class_weights = torch.as_tensor(balanced_weights(batches.y, n_classes), dtype=torch.float32).to(device)
    elif isinstance(config.class_weight, tuple):
        class_weights = torch.as_tensor(config.class_weight, dtype=torch.float32).to(device)
    penalized = [p for p in net.parameters() if p.requires_grad and p.dim() >= 2] if config.l1 else []
    trainable = [p for p in net.parameters() if p.requires_grad]
    average = WeightAverage(net, config.ema_epochs * steps) if config.ema_epochs else None
    scored = average.net if average is not None else net  # the weights that are scored and kept
    history: list[dict] = []
    best_score, best_state, stale = -math.inf, None, 0
    # a disabled bar is a no-op; the context closes it (and its line) however training ends
    with tqdm(total=config.epochs * steps, desc=f"training ({device_name(device)})", unit="batch",
              dynamic_ncols=True, leave=False, disable=not progress) as bar:
        for epoch in range(1, config.epochs + 1):
            start = time.perf_counter()
            net.train()
            total_loss = torch.zeros((), device=device)
            for batch in batches:
                with autocast(device):
                    logits = net(*batch.inputs)
                loss = net_loss(net, logits, batch, class_weights, batch.weights)
                total_loss += loss.detach() * len(batch.rows)
                if penalized:
                    loss = loss + config.l1 * sum(p.abs().sum() for p in penalized)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if config.clip_grad:
                    torch.nn.utils.clip_grad_norm_(trainable, config.clip_grad)
                schedule.step()
                optimizer.step()
                if average is not None:
                    average.update()
                bar.update()
            record = {"epoch": epoch, "train_loss": total_loss.item() / batches.n, "lr": schedule.lr,
                      "dev_loss": None, "dev_accuracy": None, "dev_macro_f1": None}
            if not math.isfinite(record["train_loss"]):  # the weights are NaN now: nothing later can mend them
                raise TrainingError(f"training diverged in epoch {epoch} (the loss is {record['train_loss']}): the "
                                    "inputs hold NaN or infinite values, or the learning rate is too high "
                                    f"(lr={config.lr:g}); check the data and word vectors, or lower lr")
            if dev is not None:
                probabilities, record["dev_loss"] = predict(scored, dev, device)
                record["dev_accuracy"], record["dev_macro_f1"] = dev_scores(dev.y, probabilities)
                score = record[f"dev_{config.stop_metric}"]
            else:
                score = -record["train_loss"]
            record["seconds"] = time.perf_counter() - start
            history.append(record)
            judged = epoch >= config.min_epochs
            improved = judged and score > best_score
            if improved:
                best_score, stale = score, 0
                if dev is not None:
                    best_state = {k: v.detach().clone() for k, v in scored.state_dict().items()}
            elif judged:
                stale += 1
            schedule.epoch_end(improved or not judged)
            shown = {"epoch": epoch, "loss": f"{record['train_loss']:.4f}"}
            if dev is not None:
                shown[f"dev_{config.stop_metric}"] = f"{score:.4f}"
            bar.set_postfix(shown)
            if dev is not None and stale >= config.patience:
                break
    if best_state is None and average is not None:  # no dev data: the last average
        best_state = average.net.state_dict()
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    return history
