"""The one training loop of the neural models, and the batches it reads.

The data go to the device once, before training: a sparse feature matrix as its CSR arrays, dense
features as one tensor, token sequences as padded batches of similar lengths (length buckets). An
epoch then only indexes tensors that are already on the device (feature rows are gathered there in a
new random order each epoch; sequence buckets are visited in a new random order), so the GPU never
waits on Python to build a batch.

Training: Adam, AdamW or SGD with momentum; weight decay on weight matrices only; an optional L1
penalty; a linear warm-up then cosine decay, or halving the learning rate when the dev metric
stalls ("plateau"); gradient clipping; optionally an exponential moving average of the weights
(:class:`WeightAverage`), which is then what is scored, kept and returned; bf16 autocast while training
on a CUDA GPU of the Ampere generation or later (predictions in full precision); early stopping on the dev
macro-F1 or accuracy, restoring the best weights at the end. Runs are reproducible on the CPU for a given seed
(on CUDA some kernels are not deterministic). With several labels per text (targets a 0/1 matrix,
the sigmoid head), the dev metrics decide each label at the threshold that suits it best on the dev
data, as the pipeline tunes them after training: macro-F1 over the labels, and as accuracy the share
of texts whose labels are all right. (At a fixed 0.5, rare labels score 0 for the first epochs,
which would stop training before it starts.)

The device, its seeds and precision are :mod:`sentiment.models.hardware`'s; a network to and from its saved
arrays, :mod:`sentiment.models.saved_nets`'s.
"""

from __future__ import annotations

import copy
import itertools
import logging
import math
import time
from dataclasses import dataclass
from typing import Iterator, NamedTuple

import numpy as np
import scipy.sparse as sp
import torch
from tqdm.auto import tqdm

from ..errors import ConfigError, TrainingError
from ..multilabel import label_f1, tune_thresholds
from . import hardware
from .nets import NO_TARGET, head_loss, head_probabilities, longest_first

# One INFO record per epoch (loss, dev metric, seconds), for logs where no progress bar is drawn: the CLI shows
# them on a stderr that is no terminal; in Python, logging.basicConfig(level=logging.INFO) shows them.
log = logging.getLogger("sentiment.training")

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = ("plateau", "cosine", None)
STOP_METRICS = ("macro_f1", "accuracy", "loss")  # higher is better but for the (held-out) loss
STOP_METRIC_NAMES = {"macro_f1": "macro-F1", "accuracy": "accuracy", "loss": "loss"}  # in the epoch lines
EMPTY_DOCUMENT = 1  # an empty token sequence reads as one unknown word (id 1, as in Word2VecVectorizer.sequences)


# -- held-out rows -------------------------------------------------------------------------------------
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
    stop_metric: str = "macro_f1"  # or "accuracy", or "loss" (the held-out loss: lower is better)
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


def stop_score(record: dict, stop_metric: str) -> float | None:
    """How good an epoch's ``record`` is by ``stop_metric``, higher better: its dev macro-F1 or accuracy, or its dev
    loss negated (None without dev data)."""
    if stop_metric == "loss":
        return None if record["dev_loss"] is None else -record["dev_loss"]
    return record[f"dev_{stop_metric}"]


def first_judged_epoch(min_epochs: int, warmup_epochs: float) -> int:
    """The first epoch whose weights early stopping judges (and may keep): ``min_epochs``, or the last epoch of
    the warm-up if that is later."""
    return max(min_epochs, math.ceil(warmup_epochs))


class LRSchedule:
    """Per-step learning rates: linear warm-up, then cosine decay to zero, halving on a plateau, or constant."""

    def __init__(self, optimizer, kind: str | None, warmup_steps: int, total_steps: int) -> None:
        self.optimizer, self.kind, self.warmup, self.total = optimizer, kind, warmup_steps, total_steps
        self.steps, self.scale = 0, 1.0
        for group in optimizer.param_groups:
            group["initial_lr"] = group["lr"]

    def step(self) -> None:
        """Set the learning rate of the next optimizer step: the warm-up's k-th step (from 1) takes k / warm-up
        steps of it; the cosine starts at the full rate on the first step after the warm-up and ends one step
        short of zero on the last (whose rate would otherwise be 0: a step lost)."""
        index = self.steps  # of the coming step, from 0
        self.steps += 1
        factor = min(1.0, self.steps / self.warmup) if self.warmup else 1.0
        if self.kind == "cosine":
            progress = min(1.0, max(0.0, (index - self.warmup) / max(1, self.total - self.warmup)))
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
    """The optimizer over the trainable parameters; weight decay on matrices (dim >= 2) only.

    Fused (one kernel per step for all its arithmetic) on CUDA and on the CPU, where the step over a large
    first layer (an mlp's 100,000 n-grams x 256, an embedding table) otherwise reads and writes each of its
    arrays several times: an mlp epoch of IMDB on one CPU thread took 311 s with the plain loop, 93 s fused
    (7 December 2026; README, "Training speed"). Not on Apple's MPS, which lacks the kernels in older builds."""
    params = [p for p in net.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": config.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    groups = [g for g in groups if g["params"]]
    fused = device.type in ("cuda", "cpu")
    if config.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=config.lr, momentum=0.9, fused=fused)
    optimizer = torch.optim.AdamW if config.optimizer == "adamw" else torch.optim.Adam
    return optimizer(groups, lr=config.lr, fused=fused)


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


def loss_class_weights(class_weight, y: np.ndarray, n_classes: int, device: torch.device) -> torch.Tensor | None:
    """The class weights that the losses take (:func:`~sentiment.models.nets.head_loss`), on the device, from
    ``class_weight`` (None, "balanced" or a tuple of one weight per class) and the training targets ``y``: with
    one label per text scaled so that their mean over the rows (of known class) is 1, so that they weigh
    the rows' losses as sample weights do and leave the loss's scale, and so the step sizes, as they were."""
    if class_weight is None:
        return None
    weights = balanced_weights(y, n_classes) if class_weight == "balanced" else np.asarray(class_weight, dtype=np.float64)
    if y.ndim == 1:
        known = y[y != NO_TARGET]
        mean = weights[known].mean() if len(known) else 0.0
        weights = weights / mean if mean > 0 else weights
    return torch.as_tensor(weights, dtype=torch.float32).to(device)


def dev_scores(truth: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    """Accuracy and macro-F1 of ``probabilities`` against class codes (rows whose code is ``NO_TARGET`` left
    out), or against a label matrix (each label decided at its best threshold; accuracy: the share of texts
    with exactly the right labels)."""
    if truth.ndim == 2:
        predicted = probabilities >= tune_thresholds(truth, probabilities)
        return float(np.mean((predicted == truth.astype(bool)).all(axis=1))), float(label_f1(truth, predicted).mean())
    known = truth != NO_TARGET
    truth, probabilities = truth[known], probabilities[known]
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


def train_epoch(net: torch.nn.Module, batches, optimizer, schedule: LRSchedule, config: TrainConfig,
                class_weights: torch.Tensor | None, average: WeightAverage | None, device: torch.device, bar) -> float:
    """One epoch of :func:`train`: a step on each of ``batches`` in the order they come (the forward pass under
    autocast, the loss plus the L1 penalty, gradients clipped, the step's learning rate set, the optimizer's step,
    the average moved on), each counted on the progress ``bar``; returns the mean training loss over the rows
    (without the penalty)."""
    penalized = [p for p in net.parameters() if p.requires_grad and p.dim() >= 2] if config.l1 else []
    trainable = [p for p in net.parameters() if p.requires_grad]
    net.train()
    total_loss = torch.zeros((), device=device)
    for batch in batches:
        with hardware.autocast(device):
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
    return total_loss.item() / batches.n


def dev_metrics(net: torch.nn.Module, dev, device: torch.device) -> dict:
    """The ``dev_loss``, ``dev_accuracy`` and ``dev_macro_f1`` of ``net`` on the ``dev`` batches, as an epoch's
    record of :func:`train` holds them (each None without dev data)."""
    if dev is None:
        return {"dev_loss": None, "dev_accuracy": None, "dev_macro_f1": None}
    probabilities, loss = predict(net, dev, device)
    accuracy, macro_f1 = dev_scores(dev.y, probabilities)
    return {"dev_loss": loss, "dev_accuracy": accuracy, "dev_macro_f1": macro_f1}


def report_epoch(record: dict, config: TrainConfig, where: str, bar) -> None:
    """Show an epoch's ``record`` of :func:`train` (its dev metric, when there are dev data) on the progress ``bar``
    and in the epoch's log line."""
    dev_score = record[f"dev_{config.stop_metric}"]  # None without dev data
    shown, held_out = {"epoch": record["epoch"], "loss": f"{record['train_loss']:.4f}"}, ""
    if dev_score is not None:
        shown[f"dev_{config.stop_metric}"] = f"{dev_score:.4f}"
        held_out = f", held-out {STOP_METRIC_NAMES[config.stop_metric]} {dev_score:.4f}"
    bar.set_postfix(shown)
    log.info("epoch %d/%d (%s): loss %.4f%s; %.1f s", record["epoch"], config.epochs, where,
             record["train_loss"], held_out, record["seconds"])


def train(net: torch.nn.Module, batches, dev, config: TrainConfig, device: torch.device,
          progress: bool = False) -> list[dict]:
    """Train ``net`` in place and return the history, one dict per epoch (a batch's ``weights``, when it has
    them, weigh its rows in the training loss).

    With ``dev`` batches, training stops after ``patience`` epochs without a better dev metric and
    the best epoch's weights are restored; without, it runs all epochs and keeps the last weights.
    With ``config.ema_epochs``, "the weights" are the moving average of :class:`WeightAverage` at the
    end of each epoch: it is scored on ``dev`` and kept (the training loss is the trained network's).
    Early stopping judges from epoch ``min_epochs`` on, and not before the warm-up has ended
    (:func:`first_judged_epoch`): the epochs before it always train on (the plateau schedule keeps its
    rate) and their weights are never the ones kept, for a small dev split that would otherwise stop a
    network at a lucky first epoch, or before its learning rate ever reached ``lr``.
    """
    if isinstance(config.ema_epochs, bool) or not 0 <= config.ema_epochs < math.inf:  # NaN fails too
        raise ConfigError(f"ema_epochs must be a number of at least 0 (0: no average), not {config.ema_epochs!r}")
    net.to(device)
    optimizer = make_optimizer(net, config, device)
    steps = len(batches)
    schedule = LRSchedule(optimizer, config.schedule, round(config.warmup_epochs * steps), config.epochs * steps)
    class_weights = loss_class_weights(config.class_weight, batches.y, net.config.n_classes, device)
    average = WeightAverage(net, config.ema_epochs * steps) if config.ema_epochs else None
    scored = average.net if average is not None else net  # the weights that are scored and kept
    history: list[dict] = []
    best_score, best_state, stale = -math.inf, None, 0
    where = hardware.device_name(device)  # named in the progress bar and in each epoch's line
    # a disabled bar is a no-op; the context closes it (and its line) however training ends
    with tqdm(total=config.epochs * steps, desc=f"training ({where})", unit="batch",
              dynamic_ncols=True, leave=False, disable=not progress) as bar:
        for epoch in range(1, config.epochs + 1):
            start = time.perf_counter()
            train_loss = train_epoch(net, batches, optimizer, schedule, config, class_weights, average, device, bar)
            if not math.isfinite(train_loss):  # the weights are NaN now: nothing later can mend them
                raise TrainingError(f"training diverged in epoch {epoch} (the loss is {train_loss}): the "
                                    "inputs hold NaN or infinite values, or the learning rate is too high "
                                    f"(lr={config.lr:g}); check the data and word vectors, or lower lr")
            record = {"epoch": epoch, "train_loss": train_loss, "lr": schedule.lr, **dev_metrics(scored, dev, device)}
            score = stop_score(record, config.stop_metric) if dev is not None else -train_loss
            record["seconds"] = time.perf_counter() - start
            history.append(record)
            judged = epoch >= first_judged_epoch(config.min_epochs, config.warmup_epochs)
            improved = judged and score > best_score
            if improved:
                best_score, stale = score, 0
                if dev is not None:
                    best_state = {k: v.detach().clone() for k, v in scored.state_dict().items()}
            elif judged:
                stale += 1
            schedule.epoch_end(improved or not judged)
            report_epoch(record, config, where, bar)
            if dev is not None and stale >= config.patience:
                break
    if best_state is None and average is not None:  # no dev data: the last average
        best_state = average.net.state_dict()
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    return history
