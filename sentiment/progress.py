"""The progress bar of a fit: the texts being cleaned, then the name of the stage being trained."""

from __future__ import annotations

from typing import Iterable

from .cleaning import Cleaner


def clean_tokens(cleaner: Cleaner, texts: list[str], bar: "FitProgress", batch: int = 2000) -> list[list[str]]:
    """The tokens of each text by ``cleaner``, ``batch`` texts at a time, the ``bar`` moved on after each batch."""
    docs: list[list[str]] = []
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        docs.extend(cleaner.tokens_of(chunk))
        bar.update(len(chunk))
    return docs


class FitProgress:
    """A tqdm bar over the texts being cleaned, plus one-line stage notes; silent when disabled."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.total = total
        self.bar = None

    def __enter__(self) -> "FitProgress":
        if self.enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.total, desc="cleaning", unit="text", dynamic_ncols=True, leave=False)
        return self

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def stage(self, description: str) -> None:
        """Name the stage that follows the cleaning; the bar then shows its name and the time since the cleaning
        began (as the stage starts), not the cleaning's count and rate (a network's own bar counts its epochs
        below it)."""
        if self.bar is not None:
            self.bar.bar_format = "{desc}{elapsed}"  # "training (mlp): 00:12"
            self.bar.set_description(description)
            self.bar.refresh()

    def __exit__(self, *exc: Iterable) -> None:
        if self.bar is not None:
            self.bar.close()
