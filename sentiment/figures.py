"""The Figure class of the package's plots (imported on first use: it imports matplotlib)."""

from __future__ import annotations

import io

from matplotlib.figure import Figure


class NotebookFigure(Figure):
    """A matplotlib Figure that a notebook shows inline as its PNG: IPython displays an object's ``_repr_png_``,
    where a bare Figure made without pyplot shows only once pyplot's inline backend is loaded. (Defined at
    module level, so that it pickles as a Figure does.)"""

    def savefig(self, fname, *args, **kwargs):
        """Matplotlib's ``savefig``, by default with the box grown to hold every label, title and legend
        (``bbox_inches="tight"``), as the package writes its own plots: the labels reach past the figure's edge."""
        kwargs.setdefault("bbox_inches", "tight")
        kwargs.setdefault("pad_inches", 0.1)
        return super().savefig(fname, *args, **kwargs)

    def _repr_png_(self) -> bytes:
        from .evaluation import _drawn

        buffer = io.BytesIO()
        _drawn(lambda: self.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.1))
        return buffer.getvalue()
