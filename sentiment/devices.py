"""Device names the neural models and the aspect pipeline's options accept, checked without importing torch. :func:`sentiment.models.hardware.resolve_device` turns a name
into a torch device."""

from __future__ import annotations

import re

from .errors import ConfigError

DEVICE_PATTERN = re.compile(r"auto|cpu|mps|cuda(:(0|[1-9]\d{0,3}))?")  # as torch reads an index: no "cuda:01"


def check_device_name(device) -> None:
    """A ConfigError unless ``device`` is "auto", "cpu", "mps", "cuda" or "cuda:N"."""
    if not isinstance(device, str) or not DEVICE_PATTERN.fullmatch(device):
        raise ConfigError(f"device must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', not {device!r}")
