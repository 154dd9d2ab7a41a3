"""``python -m sentiment``: the ``sentiment`` command."""

from .cli import main

main()
