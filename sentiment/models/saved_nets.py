"""A network's weights as named arrays and back: how a saved model's network is checked and built again
from its settings (JSON) and weights (safetensors) without running code or allocating what a crafted file asks."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import torch

from .nets import HEADS


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
    _check_setting_types(config_class, config)  # first: a dropout of -1 is out of range, whatever the weights
    shapes = [np.shape(value) for value in arrays.values()]
    bound = max([len(shapes), *(dim for shape in shapes for dim in shape)], default=0)
    for key, value in config.items():
        for size in (value if isinstance(value, (list, tuple)) else [value]):
            if isinstance(size, int) and not isinstance(size, bool) and not 0 <= size <= bound:
                raise ValueError(f"the network's {key} ({size}) does not fit its saved weights")
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
