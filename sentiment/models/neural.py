"""Neural models trained with PyTorch: ``mlp`` over bag-of-n-gram or document-vector features, and
``lstm`` over the token-id sequences of the ``word2vec`` vectorizer.

Both train with :mod:`sentiment.models.trainer` (mini-batches on the device, early stopping on dev
data, bf16 training on a CUDA GPU of the Ampere generation or later) and save their network as its config (JSON) plus its weights (float32 arrays),
so a model trained on a GPU loads on a machine without one. Without dev data, ``dev_fraction`` of
the training data is held out for early stopping (0 trains on everything for ``epochs`` epochs).
Given a 0/1 label matrix (several labels per text), a model gets the sigmoid head (one probability
per label, binary cross-entropy).

Option names differ from the cleaner's and the vectorizers' (``net_seed``, ``lstm_pooling``,
``normalization``), because the pipeline gives each flat option to exactly one stage.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch

from ..checks import check_sample_weight, short_repr
from ..devices import check_device_name
from ..errors import (ConfigError, DataError, TuningWarning, caller_stacklevel, counted, or_list, say_unread,
                      with_article)
from ..splits import FEW_TO_STOP_ON, held_none_advice
from ..stage import Stage, python_number, restored_on_failure
from . import hardware, nets, saved_nets, trainer

PREDICT_BATCH_SIZE = 512
NOTABLE_LOSS_FALL = 0.05  # a later epoch of the best score, kept first, whose held-out loss is 5% lower gets a note
LEAST_NOTABLE_LOSS_FALL = 0.01  # ... and lower by 0.01 or more: below, both epochs are near sure of every text

TRAINING_DEFAULTS = {
    "epochs": 20,
    "batch_size": 64,
    "lr": 1e-3,
    "optimizer": "adam",
    "weight_decay": 0.0,
    "schedule": "plateau",
    "warmup_epochs": 0,
    "clip_grad": 1.0,
    "patience": 3,
    "min_epochs": 1,
    "stop_metric": "macro_f1",
    "ema_epochs": 0.0,
    "class_weight": None,
    "dev_fraction": 0.1,
    "net_seed": 0,
    "device": "auto",
}
TRAINING_HELP = {
    "epochs": "most training epochs (early stopping may end sooner)",
    "batch_size": "texts per mini-batch",
    "lr": "learning rate",
    "optimizer": '"adam", "adamw" or "sgd" (momentum 0.9)',
    "weight_decay": "weight decay of the weight matrices (an L2 penalty with adam and sgd, decoupled with adamw)",
    "schedule": 'learning rate: "plateau" (halved after an epoch that did not improve), "cosine" (to 0) or null',
    "warmup_epochs": "epochs of linear learning-rate warm-up (early stopping waits for them)",
    "clip_grad": "largest gradient norm (null: no clipping)",
    "patience": "epochs without a better dev metric before training stops",
    "min_epochs": "epochs trained before early stopping may stop",
    "stop_metric": 'the dev metric that early stopping follows: "macro_f1", "accuracy" or "loss" (the held-out '
                   'loss, lower better: it keeps improving once the others stop telling epochs apart)',
    "ema_epochs": "keep a moving average of the weights, its time constant in epochs (0: off)",
    "class_weight": '"balanced", or a dict of labels to weights (null: all 1)',
    "dev_fraction": "share of the training texts held out for early stopping where fit gets no dev data (always in sentiment fit; with several labels per text, the part that tunes the thresholds is used instead)",
    "net_seed": "random seed of the network's weights and batches",
    "device": '"auto" (CUDA, then Apple MPS, then the CPU), "cpu", "cuda", "cuda:1", "mps"',
}


class NeuralModel(Stage):
    """Shared training, prediction and state of the PyTorch models."""

    kind = "model"
    supports_multi_label = True
    trains_by_epochs = True  # early-stops on dev data held out of the training data (fit's dev_fraction, or what fit_file or the tune part gives)

    # -- options ------------------------------------------------------------------------
    def check_params(self) -> None:
        self._number("dropout", 0.0, 0.95)
        self._number("epochs", 1, 100_000, integer=True)
        self._number("batch_size", 1, 1 << 20, integer=True)
        self._number("lr", 1e-8, 10.0)
        self._choice("optimizer", trainer.OPTIMIZERS)
        self._number("weight_decay", 0.0, 10.0)
        self._choice("schedule", trainer.SCHEDULES)
        self._number("warmup_epochs", 0, 10_000)
        if self.params["warmup_epochs"] > self.params["epochs"] and not self.from_saved:  # a rule newer than some models
            raise ConfigError(f"warmup_epochs={self.params['warmup_epochs']} is more than epochs={self.params['epochs']}: "
                              "the learning rate would never reach lr; lower warmup_epochs or raise epochs")
        self._number("clip_grad", 1e-6, none="no clipping")
        self._number("patience", 1, 10_000, integer=True)
        self._number("min_epochs", 1, 100_000, integer=True)
        if self.params["min_epochs"] > self.params["epochs"] and not self.from_saved:  # a rule newer than some models
            raise ConfigError(f"min_epochs={self.params['min_epochs']} is more than epochs={self.params['epochs']}: "
                              "early stopping would never judge; lower min_epochs or raise epochs")
        self._choice("stop_metric", trainer.STOP_METRICS)
        self._number("ema_epochs", 0.0, 10_000)
        self._class_weight()
        self._number("dev_fraction", 0.0, 0.9)
        self._number("net_seed", 0, 2**63 - 1, integer=True)  # what torch and numpy take
        check_device_name(self.params["device"])

    def _say_no_stopping(self) -> None:
        """An IgnoredOptionWarning naming the early-stopping options given, which change nothing where the network
        has no dev data to stop on (dev_fraction=0, and fit given none)."""
        given = [name for name in ("patience", "min_epochs", "stop_metric") if name in getattr(self, "given", ())]
        if given:
            say_unread(given, "with dev_fraction=0 and no dev data: the network has nothing to stop early on and trains "
                       f"all {counted(self.params['epochs'], 'epoch')}", ", or give dev_fraction (or dev data)")

    def _train_config(self) -> trainer.TrainConfig:
        p = self.params
        return trainer.TrainConfig(
            epochs=p["epochs"], lr=p["lr"], optimizer=p["optimizer"],
            weight_decay=p["weight_decay"], l1=p.get("l1", 0.0), schedule=p["schedule"],
            warmup_epochs=p["warmup_epochs"], clip_grad=p["clip_grad"], patience=p["patience"],
            min_epochs=p["min_epochs"], stop_metric=p["stop_metric"], class_weight=self._resolved_class_weight(),
            ema_epochs=p["ema_epochs"],
        )

    def _resolved_class_weight(self):
        """None, "balanced" or, for a ``class_weight`` dict, the tuple of weights per class code."""
        weight = self._class_weight_in_use()
        return tuple(weight.tolist()) if isinstance(weight, np.ndarray) else weight

    # -- training and prediction ------------------------------------------------------------
    def fit(self, X, y: np.ndarray, *, dev=None, vectorizer=None, labels=None, progress: bool = False,
            class_weights: np.ndarray | None = None, sample_weight: np.ndarray | None = None) -> "NeuralModel":
        """Train on ``X`` (features or token sequences) and codes ``y`` (or a 0/1 label matrix);
        ``dev = (X_dev, y_dev)`` for early stopping; ``labels``: the names of the codes (``init_from``
        reuses a saved model's output layer only for the same names); ``class_weights``: one weight per
        class code (a ``class_weight`` dict, as the pipeline resolves it); ``sample_weight``: one weight per
        row, in the training loss."""
        with restored_on_failure(self):  # a model fitted before stays as it was
            return self._fit(X, y, dev, vectorizer, labels, progress, class_weights, sample_weight)

    def _fit(self, X, y, dev, vectorizer, labels, progress, class_weights, sample_weight) -> "NeuralModel":
        device = hardware.resolve_device(self.params["device"])
        _check_codes(y, "the labels")
        y = trainer.targets_array(y)
        if not len(y):
            raise DataError("no rows to train on; give at least one text (row) and its label")
        if len(y) == 1 and self.params.get("normalization") == "batch":  # torch's own error is about channels
            raise DataError("normalization='batch' cannot normalise one training row; give two or more, or another "
                            "normalization")
        _check_rows(X, y, "")
        X = _as_rows(X)
        if sample_weight is not None:  # a Pipeline checks them too; a model fitted alone gets the same checks
            sample_weight = check_sample_weight(sample_weight, len(y))
        dev_y = None
        if dev is not None:
            _check_codes(dev[1], "the dev labels")
            dev_y = trainer.targets_array(dev[1])
            _check_rows(dev[0], dev_y, "dev ")
            if not len(dev[1]):
                raise DataError("the dev pair holds no rows; give dev=(X_dev, y_dev) with some, or dev=None")
        self._take_class_weights(class_weights, y)
        rng = np.random.default_rng(self.params["net_seed"])
        multi_label = y.ndim == 2
        self.n_classes_ = y.shape[1] if multi_label else int(y.max()) + 1
        if dev_y is not None:  # codes the output layer has (a Pipeline gives the dev labels the training codes)
            if (dev_y.ndim == 2) != multi_label or (dev_y.shape[1] != self.n_classes_ if multi_label else
                                                    len(dev_y) and not 0 <= dev_y.min() <= dev_y.max() < self.n_classes_):
                raise DataError(f"the dev labels are not codes of the {self.n_classes_} training classes "
                                f"(0 to {self.n_classes_ - 1}{', one column each' if multi_label else ''}); code them "
                                "as the training labels are")
        if dev is None and self.params["dev_fraction"] > 0:  # split by row, so that the weights follow
            rows, _, held = _hold_out(np.arange(len(y)), y, self.params["dev_fraction"], rng, sample_weight)
            if held is not None:
                dev = (_take(X, held[0]), held[1])
                X, y = _take(X, rows), y[rows]
                sample_weight = None if sample_weight is None else sample_weight[rows]
                if len(y) == 1 and self.params.get("normalization") == "batch":  # (texts of one class alone)
                    raise DataError(f"dev_fraction={python_number(self.params['dev_fraction'])} holds out all the "
                                    "training texts but one, which normalization='batch' cannot normalise; give more "
                                    "texts, a smaller dev_fraction, dev data, or another normalization")
                # one or two texts right or wrong decide which epoch is kept (of one epoch, that one)
                if len(held[1]) < FEW_TO_STOP_ON and self.params["epochs"] > 1:
                    warnings.warn(f"early stopping judges the epochs on {counted(len(held[1]), 'held-out text')}, too "
                                  "few to tell them apart (the epoch kept is chance); give more texts, dev data, a larger "
                                  "dev_fraction, or dev_fraction=0 to train every epoch", TuningWarning, stacklevel=caller_stacklevel())
            else:  # (patience and stop_metric then change nothing)
                share = self.params["dev_fraction"]
                warnings.warn(f"too few training texts ({len(y)}) to hold out dev_fraction={python_number(share)} of "
                              f"them for early stopping, so the network trains all {counted(self.params['epochs'], 'epoch')} "
                              f"and keeps the last weights; give {held_none_advice(len(y), round(len(y) * share), 'dev_fraction')}, "
                              "or dev data", TuningWarning, stacklevel=caller_stacklevel())
        elif dev is None:  # dev_fraction=0 and no dev data: nothing to stop on
            self._say_no_stopping()
        self.n_trained_ = len(y)  # the rows learnt from, the held-out ones left out
        with hardware.seeded(self.params["net_seed"], device), hardware.device_errors(device):
            self._output_copied = False  # set by an lstm's init_from that copies the saved output layer
            self.net_ = self._build_net(X, dev, vectorizer, "sigmoid" if multi_label else "softmax", labels)
            if multi_label and not self._output_copied:
                weights = trainer.loss_class_weights(self._resolved_class_weight(), y, self.n_classes_, torch.device("cpu"))
                nets.start_at_label_rates(self.net_, y, sample_weight,
                                          pos_weight=None if weights is None else weights.numpy())
            batches = self._batches(X, y, device, self.params["batch_size"], rng, sample_weight=sample_weight)
            dev_batches = None
            if dev is not None:
                dev_batches = self._batches(dev[0], dev[1], device, PREDICT_BATCH_SIZE)
            self.history_ = trainer.train(self.net_, batches, dev_batches, self._train_config(), device, progress)
        # what a pipeline's info_ (and `sentiment info`) says of the training: where, and how long
        self.fit_info_ = {"device": device.type, "epochs": len(self.history_), "best_epoch": self.best_epoch_}
        self.fitted = True
        note = self.tied_best_note('stop_metric="loss"') if dev is not None and len(dev[1]) >= FEW_TO_STOP_ON else None
        if note:  # (fewer held-out texts: the epoch kept is chance, as warned)
            warnings.warn(note, TuningWarning, stacklevel=caller_stacklevel())
        return self

    def tied_best_note(self, advice: str) -> str | None:
        """What to say where early stopping kept the first of several epochs of the best held-out macro-F1 (or
        accuracy) although a later one of them had a held-out loss lower by ``NOTABLE_LOSS_FALL`` of it and by
        ``LEAST_NOTABLE_LOSS_FALL`` or more: a perfect score that no later epoch could beat, or one that a network
        still learning matched for a few epochs (all texts one class), on easy or few texts; a later epoch's
        probabilities then fit the held-out labels better (``advice`` names stop_metric="loss"); else None."""
        metric = self.params["stop_metric"]
        if metric == "loss" or not self.history_ or self.history_[0]["dev_loss"] is None:
            return None
        kept = self.history_[self.best_epoch_ - 1]
        key = f"dev_{metric}"
        matches = [r for r in self.history_[kept["epoch"]:] if r[key] == kept[key]]
        lowest = min(matches, key=lambda r: r["dev_loss"], default=None)
        if lowest is None or kept["dev_loss"] - lowest["dev_loss"] < max(kept["dev_loss"] * NOTABLE_LOSS_FALL,
                                                                         LEAST_NOTABLE_LOSS_FALL):
            return None
        matched = "which no later epoch could beat" if kept[key] >= 1 else "which later epochs matched but did not beat"
        score = "1.0" if kept[key] >= 1 else format(kept[key], ".3g")
        return (f"early stopping kept epoch {kept['epoch']}, the first whose held-out {trainer.STOP_METRIC_NAMES[metric]} "
                f"was {score}, {matched}, although the later epochs of that score had a lower held-out loss (from "
                f"{kept['dev_loss']:.3f} to {lowest['dev_loss']:.3f} by epoch {lowest['epoch']}): a later epoch's "
                f"probabilities fit the held-out labels better; {advice} keeps the epoch of the lowest held-out loss")

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, one row per input row (rows sum to 1; with the sigmoid head, one
        independent probability per label)."""
        self.check_fitted()
        n = X.shape[0] if hasattr(X, "shape") else len(X)
        if n == 0:
            return np.zeros((0, self.n_classes_))
        device = hardware.resolve_device(self.params["device"], fallback=True)  # e.g. trained on a GPU, used on a laptop
        with hardware.device_errors(device, training=False):
            hardware.on_device(self.net_, device)
            probabilities, _ = trainer.predict(self.net_, self._batches(X, None, device, PREDICT_BATCH_SIZE), device)
        probabilities = probabilities.astype(np.float64)
        if self.multi_label_:
            return probabilities
        return probabilities / probabilities.sum(axis=1, keepdims=True)

    @property
    def multi_label_(self) -> bool:
        """Whether the network has the sigmoid head (trained on several labels per text)."""
        return self.net_.config.head == "sigmoid"

    @property
    def best_epoch_(self) -> int:
        """The epoch whose weights the model kept."""
        metric = self.params["stop_metric"]
        first = trainer.first_judged_epoch(self.params["min_epochs"], self.params["warmup_epochs"])
        judged = [r for r in self.history_ if r["epoch"] >= first]
        if judged and trainer.stop_score(judged[0], metric) is not None:
            return max(judged, key=lambda r: trainer.stop_score(r, metric))["epoch"]  # the first of equals, as train
        return len(self.history_)

    def history_figure(self, note: str | None = None):
        """:func:`history_figure` of this model's training, drawn as it was trained: exact match for several
        labels per text, the legend's notes on class weights and averaged weights, the epoch kept marked;
        ``note``: a line above the plots."""
        self.check_fitted()
        return history_figure(self.history_, multi_label=self.multi_label_,
                              weighted=self.params.get("class_weight") is not None,
                              averaged=bool(self.params.get("ema_epochs")), kept_epoch=self.best_epoch_, note=note)

    def _build_net(self, X, dev, vectorizer, head: str, labels=None):
        """The untrained network for inputs ``X`` (``labels``: the names of the classes, when known)."""
        raise NotImplementedError

    def _batches(self, X, y, device, batch_size, rng=None, sample_weight=None):
        """Batches of ``X`` (and ``y``, ``sample_weight``) made once, on ``device``; shuffled with ``rng``."""
        raise NotImplementedError

    def torch_inputs(self, X) -> tuple:
        """The network's input tensors (CPU) for all rows of ``X``, in order: what an exported model takes."""
        raise NotImplementedError

    # -- state --------------------------------------------------------------------------
    def get_state(self):
        state = {
            "net": asdict(self.net_.config),
            "n_classes": self.n_classes_,
            "n_features": self.n_features_,
            "history": self.history_,
        }
        return state, saved_nets.net_arrays(self.net_)

    def set_state(self, state, arrays):
        self.n_classes_ = int(state["n_classes"])
        self.n_features_ = int(state["n_features"])
        self.history_ = list(state["history"])
        net = saved_nets.build_net(self.net_class, self.config_class, state["net"], arrays)
        if net.config.n_classes != self.n_classes_:
            raise ValueError("the network's outputs do not match the number of classes")
        inputs = getattr(net.config, "n_features", None) or getattr(net.config, "n_tokens", None)
        if inputs != self.n_features_:  # an id or column past the network's inputs would fail only at predict
            raise ValueError(f"the network's inputs ({inputs}) do not match the features ({self.n_features_})")
        self.net_ = net


MAX_WIDTH = 8192  # the widest layer an option may ask for (a typo of more digits fails here, not in torch)


class MLPModel(NeuralModel):
    """A multilayer perceptron over count / tf-idf rows (kept sparse) or word2vec document vectors.

    Options: ``hidden_sizes`` (one width per hidden layer; empty for a linear model, where
    ``activation``, ``dropout`` and ``normalization`` have no hidden layer to act on), ``activation``
    (relu, gelu, tanh), ``dropout``, ``normalization`` (None, "batch", "layer"), ``l1`` and
    ``weight_decay`` penalties, and the training options shared with ``lstm``.
    """

    name = "mlp"
    input_kind = "features"
    net_class, config_class = nets.MLPNet, nets.MLPConfig
    defaults = {
        "hidden_sizes": (256,),
        "activation": "relu",
        "dropout": 0.5,
        "normalization": None,
        "l1": 0.0,
        **TRAINING_DEFAULTS,
    }
    option_help = {
        "hidden_sizes": "width of each hidden layer, e.g. [256] ([] for a linear model)",
        "activation": '"relu", "gelu" or "tanh"',
        "dropout": "dropout rate after each hidden layer",
        "normalization": 'null, "batch" or "layer" normalisation of each hidden layer',
        "l1": "L1 penalty on the weight matrices",
        **TRAINING_HELP,
    }

    def check_params(self) -> None:
        super().check_params()
        sizes = self.params["hidden_sizes"]
        if hasattr(sizes, "tolist") and not isinstance(sizes, (str, bytes)):  # numpy's (a grid over np.arange)
            sizes = sizes.tolist()
        if isinstance(sizes, (list, tuple)):
            sizes = [python_number(s) for s in sizes]
        if isinstance(sizes, int) and not isinstance(sizes, bool):  # one hidden layer: hidden_sizes=128
            sizes = (sizes,)
        if not isinstance(sizes, (list, tuple)) or not all(
            isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= MAX_WIDTH for s in sizes
        ):
            raise ConfigError(f"hidden_sizes must be a list of layer widths (whole numbers from 1 to {MAX_WIDTH}), "
                              f"not {short_repr(sizes)}")
        self.params["hidden_sizes"] = tuple(sizes)
        self._choice("activation", tuple(nets.ACTIVATIONS))
        self._choice("normalization", nets.NORMALIZATIONS)
        if self.params["normalization"] == "batch" and self.params["batch_size"] < 3:
            # batches are cut to nearly equal sizes, so 3 or more rows a batch never leaves one row alone
            raise ConfigError("normalization='batch' needs batch_size of 3 or more (it cannot normalise one row)")
        self._number("l1", 0.0, 10.0)

    def unread_options(self, vectorizer) -> list:
        """Without hidden layers (a linear model) no layer is there for activation, dropout or normalization."""
        unused = [name for name in ("activation", "dropout", "normalization") if name in self.given] \
            if not self.params["hidden_sizes"] else []
        return [(unused, "for an mlp without hidden layers (hidden_sizes=[]: a linear model)",
                 ", or give hidden_sizes")] if unused else []

    def _build_net(self, X, dev, vectorizer, head, labels=None):
        self.n_features_ = X.shape[1]
        p = self.params
        config = nets.MLPConfig(
            n_features=self.n_features_, n_classes=self.n_classes_, sparse_input=sp.issparse(X),
            hidden_sizes=p["hidden_sizes"], activation=p["activation"], dropout=p["dropout"],
            normalization=p["normalization"], head=head,
        )
        return nets.MLPNet(config)

    def _batches(self, X, y, device, batch_size, rng=None, sample_weight=None):
        if X.shape[1] != self.n_features_:  # torch would fail with an IndexError or a shape error
            raise DataError(f"the input has {X.shape[1]} columns, where this model was trained on {self.n_features_}; "
                            "give the features of the vectorizer it was trained with")
        return trainer.FeatureBatches(X, y, batch_size, device, sparse=self.net_.config.sparse_input, rng=rng,
                                      sample_weight=sample_weight)

    def torch_inputs(self, X) -> tuple:
        batches = self._batches(X, None, torch.device("cpu"), max(1, X.shape[0]))
        return next(iter(batches)).inputs


class LSTMModel(NeuralModel):
    """A (bi)LSTM over the token ids of the ``word2vec`` vectorizer, pooled over time.

    Options: ``init_embeddings`` (start from the vectorizer's word vectors, else random),
    ``freeze_embeddings``, ``embedding_dim`` (random embeddings only; None: 100), ``hidden_size``,
    ``layers``, ``bidirectional``, ``lstm_pooling`` (one of ``nets.POOLINGS``), ``dropout``, ``max_length``
    (tokens kept per text; None keeps all), and the training options shared with ``mlp``.

    ``init_from``: the directory of a saved ``lstm`` model to start from (transfer learning, e.g. a
    model trained on many reviews, fine-tuned on a small data set). Its LSTM and attention-pooling weights are
    copied, its embeddings word by word (words it lacks keep their ``init_embeddings`` start), and its output layer
    when both models have the same label names (matched by name; else a new one is trained). The network's shape options
    (``hidden_size``, ``layers``, ``bidirectional``, ``lstm_pooling``) must match the saved model's.
    """

    name = "lstm"
    input_kind = "sequences"
    net_class, config_class = nets.LSTMNet, nets.LSTMConfig
    defaults = {
        "init_embeddings": True,
        "freeze_embeddings": False,
        "embedding_dim": None,
        "hidden_size": 128,
        "layers": 1,
        "bidirectional": True,
        "lstm_pooling": "max",
        "dropout": 0.3,
        "max_length": 400,
        "init_from": None,
        **TRAINING_DEFAULTS,
        "epochs": 10,
        "batch_size": 32,
    }
    option_help = {
        "init_embeddings": "start the embeddings from the word2vec vectorizer's vectors (else random)",
        "freeze_embeddings": "keep the embeddings as they start",
        "embedding_dim": "size of random embeddings (null: 100; init_embeddings takes the vectors' size)",
        "hidden_size": "LSTM units per direction",
        "layers": "stacked LSTM layers",
        "bidirectional": "read the tokens in both directions",
        "lstm_pooling": "how the LSTM's outputs become one vector: " + or_list(f'"{name}"' for name in nets.POOLINGS),
        "dropout": "dropout rate of the embeddings, between LSTM layers and of the pooled vector",
        "max_length": "tokens kept per text (null: all)",
        "init_from": "a saved lstm model to start from (fine-tuning)",
        **TRAINING_HELP,
    }

    def check_params(self) -> None:
        super().check_params()
        for key in ("init_embeddings", "freeze_embeddings", "bidirectional"):
            self._choice(key, (True, False))
        self._number("embedding_dim", 1, 4096, integer=True, none="the word vectors' size, 100 for random embeddings")
        self._number("hidden_size", 1, MAX_WIDTH, integer=True)
        self._number("layers", 1, 16, integer=True)
        self._choice("lstm_pooling", nets.POOLINGS)
        self._number("max_length", 1, 10**7, integer=True, none="no limit")
        init_from = self.params["init_from"]
        if init_from is not None and not (isinstance(init_from, str) and init_from.strip()):
            raise ConfigError(f"init_from must be the directory of a saved lstm model, not {init_from!r}")
        if self.params["freeze_embeddings"] and not self.params["init_embeddings"]:
            raise ConfigError(
                "freeze_embeddings=True needs init_embeddings=True (frozen random embeddings learn nothing)"
            )

    def _build_net(self, X, dev, vectorizer, head, labels=None):
        p = self.params
        vectors = None
        if p["init_embeddings"]:
            if not hasattr(vectorizer, "embedding_matrix"):
                raise ConfigError("init_embeddings=True needs the word2vec vectorizer's word vectors; "
                                  "use vectorizer 'word2vec' or set init_embeddings=False")
            vectors = vectorizer.embedding_matrix()
            if p["embedding_dim"] not in (None, vectors.shape[1]):
                change = ("use vectors of that size" if getattr(vectorizer, "params", {}).get("vectors_path")
                          else "change vector_size")
                raise ConfigError(f"embedding_dim={p['embedding_dim']} differs from the word vectors' size "
                                  f"{vectors.shape[1]}; leave embedding_dim unset or {change}")
        if vectorizer is not None and hasattr(vectorizer, "n_tokens"):
            self.n_features_ = vectorizer.n_tokens
        else:  # sequences given without their vectorizer: the ids seen define the vocabulary
            seen = [s for s in (*X, *(dev[0] if dev else ())) if len(s)]
            self.n_features_ = int(max((np.max(s) for s in seen), default=1)) + 1  # lists of ids too
        config = nets.LSTMConfig(
            n_tokens=self.n_features_, n_classes=self.n_classes_,
            embedding_dim=vectors.shape[1] if vectors is not None else p["embedding_dim"] or 100,
            hidden_size=p["hidden_size"], layers=p["layers"], bidirectional=p["bidirectional"],
            pooling=p["lstm_pooling"], dropout=p["dropout"], head=head,
        )
        net = nets.LSTMNet(config)
        with torch.no_grad():
            if vectors is not None:
                net.embedding.weight.copy_(torch.from_numpy(vectors))
            if p["init_from"]:
                self._start_from(net, vectorizer, labels)
        net.embedding.weight.requires_grad_(not p["freeze_embeddings"])
        return net

    def unread_options(self, vectorizer) -> list:
        """The lstm reads the word sequence, not word2vec's pooled text vector (``pooling``); with random
        embeddings (``init_embeddings=False``), the word vectors' training options train vectors it never reads
        (``min_count`` still picks its vocabulary)."""
        from ..vectorizers.word2vec import TRAINING_ONLY

        given = getattr(vectorizer, "given", frozenset())
        unread = []
        if "pooling" in given:
            unread.append((["pooling"], f"for model {self.name!r}, which reads the words in order, not word2vec's text "
                           "vector", " (lstm_pooling pools the network's states)"))
        if self.params.get("init_embeddings") is False and not vectorizer.params.get("vectors_path"):
            training = [name for name in ("vector_size", *TRAINING_ONLY) if name in given and name != "min_count"]
            if training:  # the vectors train all the same (the fitted vectorizer keeps them), unread
                unread.append((training, f"for model {self.name!r} with init_embeddings=False, whose embeddings "
                               "start at random (only the words of the vectorizer count: min_count)",
                               " (embedding_dim sizes the embeddings)"))
        return unread

    def check_start(self) -> None:
        """Refuse an ``init_from`` that is not a saved lstm model, from its config alone: ``fit`` calls it
        (through :func:`sentiment.pipeline.check_stages`) before the slow cleaning and vectorizing."""
        from ..errors import ModelFileError
        from ..persistence import CONFIG, read_config

        path = self.params["init_from"]
        if path is None:
            return
        if not Path(path).is_dir():
            raise ConfigError(f"init_from={path} is not a directory; give the directory of a saved lstm model")
        config = read_config(path)
        kind = config.get("kind", "pipeline")
        stages = config.get("stages") if kind == "pipeline" else None
        model = stages.get("model") if isinstance(stages, dict) else None
        if kind == "pipeline" and not (isinstance(model, dict) and isinstance(model.get("params", {}), dict)):
            raise ModelFileError(f"{Path(path) / CONFIG} is damaged: it names no model with its settings; restore the "
                                 "model or train it again")  # (what Pipeline.load would refuse, said before the work)
        name = model.get("name") if kind == "pipeline" else kind
        if name != "lstm":
            raise ConfigError(f"init_from={path} holds {with_article(name) if isinstance(name, str) and name else 'another kind of'} "
                              "model; give a saved lstm model")
        saved = model.get("params", {})
        for key in ("hidden_size", "layers", "bidirectional", "lstm_pooling"):  # the network's shape, as saved
            if key in saved and saved[key] != self.params[key]:
                raise ConfigError(f"init_from={path} has {key}={saved[key]!r}, this model {self.params[key]!r}; "
                                  f"set {key}={saved[key]!r}")

    def _start_from(self, net: nets.LSTMNet, vectorizer, labels) -> None:
        """Copy the weights of the saved lstm model ``init_from`` into ``net`` (see the class docstring); its
        output rows too where ``labels`` (this fit's class names) are the saved model's."""
        from ..pipeline import Pipeline

        path = self.params["init_from"]
        self.check_start()
        source = Pipeline.load(path)
        old = source.model_.net_
        # the loaded network's own sizes, which check_start could not see: the word vectors' size, and the shape
        # options that an older model's params lack
        for key in ("embedding_dim", "hidden_size", "layers", "bidirectional", "pooling"):
            saved, here = getattr(old.config, key), getattr(net.config, key)
            if saved == here:
                continue
            if key == "embedding_dim" and self.params["init_embeddings"]:  # the size of the word vectors
                raise ConfigError(f"init_from={path} has word vectors of {saved} dimensions, this model's have {here}; "
                                  f"train them with vector_size={saved} (or give vectors of that size)")
            option = "lstm_pooling" if key == "pooling" else key
            raise ConfigError(f"init_from={path} has {key}={saved!r}, this model {here!r}; set {option}={saved!r}")
        weights = old.state_dict()
        net.load_state_dict({k: v for k, v in weights.items() if not k.startswith(("embedding.", "head."))},
                            strict=False)
        if labels is not None and sorted(labels) == sorted(source.label_names_) and old.config.head == net.config.head:
            rows = torch.tensor([source.label_names_.index(name) for name in labels])  # the saved row of each label
            net.head.weight.copy_(old.head.weight[rows])
            net.head.bias.copy_(old.head.bias[rows])
            self._output_copied = True  # (fit then keeps its biases)
        old_rows = source.vectorizer_.vocabulary_
        pairs = [(row, old_rows[word]) for word, row in vectorizer.vocabulary_.items() if word in old_rows]
        if pairs:
            first = vectorizer.FIRST_ID
            new, previous = torch.tensor([first + a for a, _ in pairs]), torch.tensor([first + b for _, b in pairs])
            net.embedding.weight[new] = old.embedding.weight[previous]
        net.embedding.weight[vectorizer.UNKNOWN] = old.embedding.weight[vectorizer.UNKNOWN]

    def _batches(self, X, y, device, batch_size, rng=None, sample_weight=None):
        outside = [i for i, s in enumerate(X) if len(s) and not 1 <= np.min(s) <= np.max(s) < self.n_features_]
        if outside:  # the embedding has no row for it (torch would fail with an IndexError), or it is 0, the padding's
            raise DataError(f"sequence {outside[0]} holds a token id outside 1 to {self.n_features_ - 1}, the ids this "
                            "model knows (0 pads the sequences); give the ids of the vectorizer it was trained with")
        return trainer.SequenceBatches(X, y, batch_size, device, max_length=self.params["max_length"], rng=rng,
                                       sample_weight=sample_weight)

    def torch_inputs(self, X) -> tuple:
        return trainer.pad_sequences(X, self.params["max_length"])


def _hold_out(X, y: np.ndarray, fraction: float, rng, weights: np.ndarray | None = None):
    """Split off a random ``fraction`` of the rows as dev data: ``(X_train, y_train, (X_dev, y_dev))``. As
    :func:`sentiment.splits.train_dev_split` keeps them, the held-out rows of a class (with several labels
    per text: a label) that no training row has go back to training, so that every class is learnt, and so
    does, with several labels per text, a held-out row without a label that every training row has; with
    ``weights`` (one per row), a training row of weight 0 does not count as having its class, and of the
    rows of a class that only such rows have, those that weigh something go back."""
    train_rows, dev_rows = trainer.hold_out_rows(len(y), fraction, rng)
    if len(dev_rows):
        back = _unlearnt(y[train_rows], y[dev_rows])
        if weights is not None:
            learnt = train_rows[weights[train_rows] > 0]
            back |= _unlearnt(y[learnt], y[dev_rows]) & (weights[dev_rows] > 0)
        if y.ndim == 2:  # a label on every training row (and not on every row) gets back a row without it
            on_every = y[np.concatenate([train_rows, dev_rows[back]])].all(axis=0) & ~y[dev_rows].all(axis=0)
            for label in np.flatnonzero(on_every):
                back[np.argmin(y[dev_rows, label])] = True
        train_rows, dev_rows = np.sort(np.concatenate([train_rows, dev_rows[back]])), dev_rows[~back]
    if not len(dev_rows):
        return X, y, None
    return _take(X, train_rows), y[train_rows], (_take(X, dev_rows), y[dev_rows])


def _unlearnt(train_y: np.ndarray, dev_y: np.ndarray) -> np.ndarray:
    """Which ``dev_y`` rows have a class (a label of a 0/1 matrix) that no row of ``train_y`` has."""
    if dev_y.ndim == 2:
        return dev_y[:, train_y.sum(axis=0) == 0].any(axis=1)
    return ~np.isin(dev_y, train_y)


def _as_rows(X):
    """``X`` as its rows can be taken (:func:`_take`): a sparse matrix of another format (COO, whose rows cannot be
    indexed) as CSR, as the batches read it; anything else as it is."""
    return sp.csr_matrix(X) if sp.issparse(X) and X.format != "csr" else X


def _take(X, rows: np.ndarray):
    """The ``rows`` of ``X``: a list (token sequences) or an array or sparse matrix (features)."""
    return [X[i] for i in rows] if isinstance(X, list) else X[rows]


def plot_history(history: list[dict], path, **options) -> Path:
    """Draw :func:`history_figure` (with its ``options``) to a PNG file."""
    from ..evaluation import save_png

    return save_png(history_figure(history, **options), path, dpi=110)


def history_figure(history: list[dict], *, multi_label: bool = False, weighted: bool = False,
                   averaged: bool = False, kept_epoch: int | None = None, note: str | None = None):
    """The train and dev loss, and the dev accuracy (``multi_label``: exact match, the share of texts with
    exactly the right labels) and macro-F1 per epoch, as a matplotlib Figure. The dev data are those the
    model early-stopped on (a held-out part of the training data unless it was given dev data); ``weighted``:
    the training loss weighs the classes (a ``class_weight``), the dev loss does not, so the two curves are
    not on one scale (the legend says so); ``averaged``: the dev curves score the moving average of the
    weights (``ema_epochs``), not the weights that the training loss was computed with (the legend says so);
    ``kept_epoch``: the epoch whose weights the model kept
    (``model.best_epoch_``), marked by a dashed line; ``note``: a line above the plots. A fitted model's
    :meth:`NeuralModel.history_figure` passes these as it was trained.

    >>> pipe.model_.history_figure()  # doctest: +SKIP
    """
    from matplotlib.ticker import FixedLocator, MaxNLocator

    from ..evaluation import new_figure

    if not history:
        raise DataError("the history holds no epochs; give a fitted network's history_ (or draw "
                        "pipe.model_.history_figure())")
    epochs = [r["epoch"] for r in history]
    fig = new_figure(figsize=(10, 4))
    loss_ax, metric_ax = fig.subplots(1, 2, sharex=True)  # the panel without dev data too spans the epochs
    loss_ax.plot(epochs, [r["train_loss"] for r in history], marker="o",
                 label="train (classes weighted)" if weighted else "train")
    has_dev = any(r["dev_loss"] is not None for r in history)
    if has_dev:
        # (named so, not "dev": sentiment fit's dev data only score the model, which stops on a part of its training data)
        loss_ax.plot(epochs, [r["dev_loss"] for r in history], marker="o",
                     label="early-stopping data, weights averaged" if averaged else "early-stopping data")
        which = " (weights averaged)" if averaged else ""
        metric_ax.plot(epochs, [r["dev_accuracy"] for r in history], marker="o",
                       label=("exact match" if multi_label else "accuracy") + which)
        metric_ax.plot(epochs, [r["dev_macro_f1"] for r in history], marker="o", label="macro-F1" + which)
        metric_ax.legend()
    else:
        metric_ax.text(0.5, 0.5, "no early-stopping data", ha="center", va="center", transform=metric_ax.transAxes)
        metric_ax.set_yticks([])  # (its 0 to 1 scale scored nothing)
    loss_ax.set(title="loss", xlabel="epoch", ylabel="binary cross-entropy, mean over labels" if multi_label
                else "cross-entropy")
    loss_ax.legend()
    metric_ax.set(title="metrics on the early-stopping data", xlabel="epoch", ylabel="score" if has_dev else "")
    # epochs are whole: each of a few marked (MaxNLocator gives fractions where the view holds one whole number)
    loss_ax.xaxis.set_major_locator(FixedLocator(epochs) if len(epochs) <= 12 else MaxNLocator(integer=True))
    if len(set(epochs)) == 1:
        loss_ax.set_xlim(epochs[0] - 0.5, epochs[0] + 0.5)
    for ax in (loss_ax, metric_ax) if has_dev else (loss_ax,):
        if kept_epoch is not None:
            ax.axvline(kept_epoch, color="grey", linestyle="--", linewidth=1, label=f"kept: epoch {kept_epoch}")
    if kept_epoch is not None:
        loss_ax.legend()
        if has_dev:
            metric_ax.legend()
    if note:
        from ..evaluation import literal_text

        fig.suptitle(literal_text(note), fontsize=9)
    return fig


def _check_rows(X, y: np.ndarray, what: str) -> None:
    """A DataError unless the features (or token sequences) ``X`` have a row per label of ``y``."""
    rows = X.shape[0] if hasattr(X, "shape") else len(X)
    if rows != len(y):
        raise DataError(f"the {what}features have {rows} rows and the {what}labels {len(y)}; give one label (row) per "
                        "text")


def _check_codes(y, what: str) -> None:
    """A DataError unless ``y`` holds class codes (whole numbers from 0) or a 0/1 label matrix: the losses would
    cut 0.5 to 0, and a negative code fails deep in torch."""
    values = np.asarray(y)
    if values.ndim == 2:
        if values.size and not np.isin(values, (0, 1)).all():
            raise DataError(f"{what} as a matrix (several labels per text) must hold 0 and 1 alone")
        return
    if values.size and (values.dtype.kind not in "biuf" or not np.all(np.mod(values, 1) == 0) or values.min() < 0):
        raise DataError(f"{what} must be class codes, whole numbers from 0 (a Pipeline codes named labels so); "
                        f"got {short_repr(values[:5].tolist())}")
