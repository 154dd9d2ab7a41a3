"""Pipeline's checks of what it is given: stages that do not fit together are refused before any work."""

from __future__ import annotations

import pytest

from sentiment import ConfigError, Pipeline


# -- stages that do not fit together -------------------------------------------------------------
@pytest.mark.parametrize("vectorizer, model, options, pattern", [
    ("tfidf", "lstm", {}, "reads token sequences; use it with vectorizer 'word2vec'"),
    ("count", "lstm", {"init_embeddings": False}, "reads token sequences"),
    ("word2vec", "nb", {}, "model 'nb' needs non-negative features .*vectorizer 'word2vec'"),
    ("word2vec", "complement_nb", {}, "needs non-negative features"),
    ("word2vec", "nbsvm", {}, "needs non-negative features"),
    ("tfidf", "mlp", {"device": "cuda"}, "device='cuda', but this machine has no CUDA GPU"),
    ("word2vec", "lstm", {"device": "cuda:0"}, "no CUDA GPU"),
])
def test_pipeline_fit_refuses_before_cleaning(binary, no_cleaning, vectorizer, model, options, pattern):
    with pytest.raises(ConfigError, match=pattern):
        Pipeline(vectorizer, model, **options).fit(binary.train_texts, binary.train_labels)


def test_compatible_stages_still_fit(binary):
    pipe = Pipeline("tfidf", "mlp", device="cpu", epochs=1, hidden_sizes=[4]).fit(binary.train_texts, binary.train_labels)
    assert pipe.predict(binary.dev_texts[:2]).shape == (2,)
