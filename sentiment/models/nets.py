"""The PyTorch networks of the neural models, each built from a small config dataclass.

A network maps its inputs to one logit per output of its head: ``head="softmax"`` picks one label out
of ``n_classes`` (cross-entropy loss); ``head="sigmoid"`` gives every label its own probability, for
several labels per text (binary cross-entropy on a 0/1 target matrix). Another head (e.g. aspects) is a
new value of ``head`` in :data:`HEADS`, :func:`head_loss` and :func:`head_probabilities`, with no
change to the networks' bodies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HEADS = ("softmax", "sigmoid")
ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}
NORMALIZATIONS = (None, "batch", "layer")
POOLINGS = ("max", "mean", "attention")
NO_TARGET = -100  # a class code that is not known (e.g. a token whose tag the data leave out): no loss, no score
# (PyTorch's cross_entropy ignores it by default)


def head_loss(head: str, logits: torch.Tensor, targets: torch.Tensor, class_weights: torch.Tensor | None = None,
              sample_weights: torch.Tensor | None = None):
    """The training loss of ``head`` (mean over the batch), computed in float32.

    ``class_weights``: softmax, one weight per class, multiplying the loss of each row of that class as a
    sample weight would (as scikit-learn's ``class_weight`` does), scaled by the trainer so that their mean
    over the training rows is 1; not PyTorch's weighted mean within the batch, which a batch of one class
    (length buckets make them) divides out. Sigmoid: per label the weight of its positive examples.
    ``sample_weights``: the batch's row weights, scaled so that their mean over all the training rows is 1
    (as the batches hold them: :func:`~sentiment.models.trainer.row_weights`). Either way each row's loss is
    multiplied by its weight and the batch's loss divided by what the unweighted loss divides by, so that
    weights all alike give the unweighted loss and a row's weight counts against the rows of other batches too.
    """
    if head == "softmax":
        if class_weights is None and sample_weights is None:
            return F.cross_entropy(logits.float(), targets)
        per_row = F.cross_entropy(logits.float(), targets, weight=class_weights, reduction="none")
        if sample_weights is not None:
            per_row = per_row * sample_weights
        return per_row.sum() / (targets != NO_TARGET).sum().clamp_min(1)
    if head != "sigmoid":  # (a head added to HEADS needs its branch here, as in head_probabilities)
        raise ValueError(f"unknown head {head!r}")
    if sample_weights is None:
        return F.binary_cross_entropy_with_logits(logits.float(), targets, pos_weight=class_weights)
    per_row = F.binary_cross_entropy_with_logits(logits.float(), targets, pos_weight=class_weights,
                                                 reduction="none").mean(dim=1)
    return (per_row * sample_weights).sum() / len(targets)


def longest_first(device: torch.device) -> bool:
    """Whether batches for ``device`` come longest first (``trainer.by_length``) and :func:`run_lstm` packs
    them as they come: on a GPU, where sorting a batch by length and sorting the states back makes the host
    wait for the device twice a batch (an order copied to it, another copied back). On the CPU, where sorting
    costs no such wait, the rows keep their order and are sorted while packing, as they always were, so a
    CPU run trains exactly as before (the same dropout masks on the same rows)."""
    return device.type != "cpu"


def packs_as_given(x: torch.Tensor, lengths: torch.Tensor) -> bool:
    """Whether :func:`run_lstm` packs the batch ``x`` as it comes, not sorted by length: on a device whose
    batches come longest first (:func:`longest_first`), when its rows do; a traced export must take
    batches in any order."""
    return (longest_first(x.device) and lengths.device.type == "cpu" and not torch.jit.is_tracing()
            and bool((lengths[:-1] >= lengths[1:]).all()))


def run_lstm(lstm: nn.LSTM, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """The states of a batch-first ``lstm`` over ``x`` (batch, time, features), packed by ``lengths`` (CPU
    int64) and padded back to ``x``'s length with zeros. In float32 even under autocast: autocast runs a
    cuDNN LSTM in float16 whatever dtype it was given (bf16 here), without the loss scaling float16 needs,
    so small gradients could vanish."""
    if torch.is_autocast_enabled(x.device.type):
        with torch.autocast(x.device.type, enabled=False):
            return run_lstm(lstm, x.float(), lengths)
    lengths = torch.as_tensor(lengths)  # also a list, as packing takes it
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=packs_as_given(x, lengths))
    states, _ = nn.utils.rnn.pad_packed_sequence(lstm(packed)[0], batch_first=True, total_length=x.shape[1])
    return states


def max_pool(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The largest value of each feature over the time steps that ``mask`` (batch, time, 1) marks real."""
    return states.masked_fill(~mask, float("-inf")).max(dim=1).values


def attend(scores: torch.Tensor, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The states (batch, time, features) weighted by a softmax of ``scores`` (batch, time, 1) over the
    time steps that ``mask`` marks real."""
    return (torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1) * states).sum(dim=1)


def head_probabilities(head: str, logits: torch.Tensor) -> torch.Tensor:
    """Probabilities from logits: a softmax over the classes, or one sigmoid per label."""
    if head == "softmax":
        return torch.softmax(logits.float(), dim=-1)
    if head == "sigmoid":
        return torch.sigmoid(logits.float())
    raise ValueError(f"unknown head {head!r}")


def _check_head(config) -> None:
    _check_choice("head", config.head, HEADS)


def _check_choice(name: str, value, choices) -> None:
    """A ValueError (a saved network's setting this version does not know) unless ``value`` is a choice."""
    if not any(value is choice or (isinstance(value, str) and value == choice) for choice in choices):
        raise ValueError(f"unknown {name} {value!r}; this version knows: {', '.join(map(str, choices))}")


class Probabilities(nn.Module):
    """A network followed by its head's probabilities: what an exported model computes."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return head_probabilities(self.net.config.head, self.net(*inputs))


# -- MLP -----------------------------------------------------------------------------------------
@dataclass
class MLPConfig:
    n_features: int
    n_classes: int
    sparse_input: bool = True
    hidden_sizes: tuple[int, ...] = (256,)
    activation: str = "relu"
    dropout: float = 0.5
    normalization: str | None = None  # None, "batch" or "layer"
    head: str = "softmax"

    def __post_init__(self) -> None:
        self.hidden_sizes = tuple(self.hidden_sizes)
        _check_head(self)
        _check_choice("activation", self.activation, ACTIVATIONS)
        _check_choice("normalization", self.normalization, NORMALIZATIONS)


class MLPNet(nn.Module):
    """A feed-forward network over a bag of features.

    Sparse input (``sparse_input=True``, count or tf-idf rows): the first layer is an ``EmbeddingBag`` in
    "sum" mode, which multiplies a sparse row by a weight matrix without densifying it; a batch comes
    as the flat feature ids, each row's start offset and the feature values. Dense input (document
    vectors): the first layer is an ordinary ``Linear``. Then, per hidden layer: normalization,
    activation, dropout and the next linear layer; the last one gives the logits.
    """

    def __init__(self, config: MLPConfig) -> None:
        super().__init__()
        self.config = config
        widths = [*config.hidden_sizes, config.n_classes]
        if config.sparse_input:
            self.input = nn.EmbeddingBag(config.n_features, widths[0], mode="sum")
            bound = config.n_features ** -0.5  # as for the nn.Linear it stands for
            nn.init.uniform_(self.input.weight, -bound, bound)
            self.input_bias = nn.Parameter(torch.zeros(widths[0]))
        else:
            self.input = nn.Linear(config.n_features, widths[0])
        blocks: list[nn.Module] = []
        for width, next_width in zip(widths, widths[1:]):
            if config.normalization == "batch":
                blocks.append(nn.BatchNorm1d(width))
            elif config.normalization == "layer":
                blocks.append(nn.LayerNorm(width))
            blocks += [ACTIVATIONS[config.activation](), nn.Dropout(config.dropout), nn.Linear(width, next_width)]
        self.body = nn.Sequential(*blocks)

    @property
    def output_bias(self) -> nn.Parameter:
        """The bias of the logits: the last layer's, or without hidden layers (``hidden_sizes=[]``) the input
        layer's, which gives them."""
        if len(self.body):
            return self.body[-1].bias
        return self.input_bias if self.config.sparse_input else self.input.bias

    def forward(self, x: torch.Tensor, offsets: torch.Tensor | None = None, weights: torch.Tensor | None = None):
        """Logits. Sparse: ``x`` the flat feature ids, ``offsets`` the row starts, ``weights`` the values."""
        if self.config.sparse_input:
            hidden = self.input(x, offsets, per_sample_weights=weights) + self.input_bias
        else:
            hidden = self.input(x)
        return self.body(hidden)


def start_at_label_rates(net: nn.Module, y: np.ndarray, sample_weight: np.ndarray | None = None,
                         pos_weight: np.ndarray | None = None) -> None:
    """Set the output biases of a sigmoid head (several labels per text) to the log-odds of each label's share
    ``p`` of the training rows ``y`` (rows x labels, 0/1; weighted by ``sample_weight``), so that the untrained
    network starts at the labels' base rates, not near 0.5 for every label: else its first epochs only learn
    how rare each label is, and early stopping judges that phase (the default mlp on 2,000 GoEmotions comments
    kept such an epoch: about ten labels a comment, macro-F1 0.05; started at the rates, 1.3 to 1.6 labels and
    0.16 to 0.17: ``benchmarks/label_rates_start.py``). With ``pos_weight`` (the loss's weight ``w`` of each
    label's positive rows, as ``class_weight`` gives it) the start is the weighted loss's best constant,
    ``log(w * p / (1 - p))``: 0.5 for "balanced" weights."""
    share = np.clip(np.average(y, axis=0, weights=sample_weight), 1e-4, 1 - 1e-4)
    odds = share / (1 - share) * (1.0 if pos_weight is None else np.asarray(pos_weight, dtype=np.float64))
    bias = net.output_bias
    with torch.no_grad():
        bias.copy_(torch.as_tensor(np.log(np.clip(odds, 1e-8, None)), dtype=bias.dtype))


# -- LSTM ----------------------------------------------------------------------------------------
@dataclass
class LSTMConfig:
    n_tokens: int
    n_classes: int
    embedding_dim: int = 100
    hidden_size: int = 128
    layers: int = 1
    bidirectional: bool = True
    pooling: str = "max"  # one of POOLINGS
    dropout: float = 0.3
    head: str = "softmax"

    def __post_init__(self) -> None:
        _check_head(self)
        _check_choice("pooling", self.pooling, POOLINGS)


class LSTMNet(nn.Module):
    """A (bi)LSTM over token ids, pooled over time, then a linear layer to the logits.

    Token id 0 is padding. Sequences are packed, so padding never enters the LSTM; pooling only
    looks at real positions. Dropout is applied to the embeddings, between LSTM layers and before
    the last layer.
    """

    def __init__(self, config: LSTMConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.n_tokens, config.embedding_dim, padding_idx=0)
        self.dropout = nn.Dropout(config.dropout)
        self.lstm = nn.LSTM(
            config.embedding_dim,
            config.hidden_size,
            num_layers=config.layers,
            bidirectional=config.bidirectional,
            batch_first=True,
            dropout=config.dropout if config.layers > 1 else 0.0,
        )
        width = config.hidden_size * (2 if config.bidirectional else 1)
        if config.pooling == "attention":
            self.attention = nn.Sequential(nn.Linear(width, width), nn.Tanh(), nn.Linear(width, 1, bias=False))
        self.head = nn.Linear(width, config.n_classes)

    @property
    def output_bias(self) -> nn.Parameter:
        """The bias of the logits (the last layer's)."""
        return self.head.bias

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Logits. ``tokens``: (batch, time) ids padded with 0, at least one non-zero id per row;
        ``lengths``: (batch,) the number of non-zero ids per row, int64 on the CPU (as packing needs)."""
        states = run_lstm(self.lstm, self.dropout(self.embedding(tokens)), lengths)
        mask = (tokens != 0).unsqueeze(-1)
        if self.config.pooling == "max":
            pooled = max_pool(states, mask)
        elif self.config.pooling == "mean":
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1)
        elif self.config.pooling == "attention":
            pooled = attend(self.attention(states), states, mask)
        else:  # (LSTMConfig checks it: a pooling added to POOLINGS needs its branch here)
            raise ValueError(f"no pooling {self.config.pooling!r} in LSTMNet.forward")
        return self.head(self.dropout(pooled))
