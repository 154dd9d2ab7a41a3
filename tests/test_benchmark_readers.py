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


def test_the_training_speed_files_hold_what_the_networks_train_on(tmp_path):
    """training_speed.py's files (made where the data are, trained on where a GPU is) train the row's
    networks: token ids travel through flat / unflat unchanged, held-out rows only stop the training, the
    lstm starts from the saved vectors and the mlp gets the tf-idf rows sparse."""
    import numpy as np
    import scipy.sparse as sp
    import training_speed

    rng = np.random.default_rng(0)
    sequences = [rng.integers(2, 50, size=n) for n in [3, 1, 7, 0, 5] * 8]
    ids, offsets = training_speed.flat(sequences)
    assert ids.dtype == np.uint16 and all(np.array_equal(a, b) for a, b in zip(training_speed.unflat(ids, offsets), sequences))
    held_out = np.arange(40) >= 30  # as the phrase sets' held-out sentences
    labels = {"train_y": np.arange(40) % 2, "held_out": held_out, "dev_y": np.arange(40) % 2,
              "classes": np.array(["negative", "positive"])}
    vectors = rng.normal(size=(50, 8)).astype(np.float16)
    np.savez(tmp_path / "imdb.npz", **labels, train_ids=ids, train_offsets=offsets, dev_ids=ids, dev_offsets=offsets,
             embeddings=vectors)
    tfidf = sp.csr_matrix(rng.random((40, 30)) * (rng.random((40, 30)) < 0.2))
    parts = {f"{part}_{key}": getattr(tfidf, key) for part in ("train", "dev") for key in ("indices", "indptr", "shape")}
    np.savez(tmp_path / "imdb-mlp.npz", **labels, **parts, train_data=tfidf.data.astype(np.float16),
             dev_data=tfidf.data.astype(np.float16))

    lstm, row = training_speed.run_one("imdb", tmp_path, "cpu", epochs=1, batch_size=8)
    assert (row["dataset"], row["model"], row["texts given to fit"]) == ("imdb", "lstm word2vec emb. (IMDB+SST text), batch 8", 30)
    assert lstm.n_trained_ == 30 and lstm.net_.embedding.weight.shape == (50, 8)  # the held-out rows stop it only
    mlp, row = training_speed.run_one("imdb-mlp", tmp_path, "cpu", epochs=1)
    assert row["model"] == "mlp" and mlp.n_trained_ == 30 and mlp.net_.config.sparse_input


def test_a_list_option_that_does_not_read_is_a_usage_error_before_anything_runs(tmp_path, monkeypatch, capsys):
    """--seeds of label_rates_start.py, --threads and --config of solver_threads.py: a usage error that names
    the option (exit 2), not a traceback after the data are read or a child process fails."""
    import label_rates_start
    import pytest
    import solver_threads

    monkeypatch.setattr(datasets, "ROOT", tmp_path)  # nothing is read: the arguments stop the run first
    for module, argv, said in ((label_rates_start, ["--seeds", "0,a"], "--seeds"),
                               (solver_threads, ["--threads", "1,x"], "--threads"),
                               (solver_threads, ["--config", "tfidf"], "no row of classical.py"),
                               (solver_threads, ["--config", "tfidf:svm"], "no row of classical.py")):
        monkeypatch.setattr(sys, "argv", [f"{module.__name__}.py", *argv])
        with pytest.raises(SystemExit) as stopped:
            module.main()
        assert stopped.value.code == 2
        assert said in capsys.readouterr().err
