"""The benchmark scripts' own readers of the shared datasets, on tiny files made here (the datasets
themselves stay outside the repository)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import datasets  # noqa: E402
import train_polarity_model  # noqa: E402


def test_the_polarity_models_goemotions_part_keeps_one_sided_comments(tmp_path, monkeypatch):
    (tmp_path / "goemotions").mkdir()
    (tmp_path / "goemotions" / "train.csv").write_text(
        "text,labels\n"
        "so happy,joy\n"
        "love it,love\n"
        "thanks and love it,joy;love\n"  # all positive (its parts are labels of other rows too)
        "furious and sad,anger;sadness\n"  # all negative
        "happy but scared,joy;fear\n"  # mixed: left out
        "whatever,neutral\n"  # neutral: left out
    )
    monkeypatch.setattr(datasets, "ROOT", tmp_path)
    assert train_polarity_model.goemotions("train") == (["so happy", "love it", "thanks and love it", "furious and sad"],
                                                          [1, 1, 1, 0])


def test_the_aspect_vectors_read_the_aspect_models_words():
    import aspects

    from sentiment.tokens import token_cleaner, tokenize

    cleaner = token_cleaner()
    text = "The hard-drive isn't fast, see http://example.com/a b &amp; $20!"
    words = aspects.vector_words(text, cleaner)
    assert words == [t.text for t in tokenize(text, cleaner)]
    assert all(isinstance(w, str) and w and " " not in w for w in words)
