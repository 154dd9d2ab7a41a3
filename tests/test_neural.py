"""The PyTorch models (mlp, lstm), their trainer and export, on tiny synthetic data (CPU; CUDA tests skip)."""

import copy
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.metrics import f1_score

torch = pytest.importorskip("torch")

import sentiment  # noqa: E402
from sentiment import ConfigError, DataError, IgnoredOptionWarning, ModelFileError, Pipeline  # noqa: E402
from sentiment.errors import NotFittedError  # noqa: E402
from sentiment.cleaning import Cleaner  # noqa: E402
from sentiment.export import export_model, input_names  # noqa: E402
from sentiment.explanation import left_out  # noqa: E402
from sentiment.models import hardware, trainer  # noqa: E402
from sentiment.models.neural import LSTMModel, MLPModel, plot_history  # noqa: E402
from sentiment.persistence import CONFIG  # noqa: E402
from sentiment.registry import REGISTRY, resolve  # noqa: E402
from conftest import symlink  # noqa: E402

torch.set_num_threads(1)  # tiny networks: threads only contend with each other on a shared CPU

POSITIVE = "good great fun lovely superb enjoyable brilliant".split()
NEGATIVE = "bad awful dull boring terrible poor weak".split()
NEUTRAL = "movie film plot actor scene story the a it was".split()
FAST = {"epochs": 4, "batch_size": 16, "lr": 3e-3}
SMALL_W2V = {"vector_size": 16, "w2v_epochs": 5, "min_count": 1}


def make_texts(n, seed):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        words = [*rng.choice(NEUTRAL, 5), *rng.choice(POSITIVE if label else NEGATIVE, 2)]
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.array(labels)


@pytest.fixture(scope="module")
def data():
    return (*make_texts(240, 0), *make_texts(60, 1))


@pytest.fixture(scope="module")
def tfidf_data(data):
    train_x, train_y, dev_x, dev_y = data
    cleaner, vectorizer = Cleaner(), resolve("vectorizer", "tfidf")()
    train = vectorizer.fit_transform(cleaner.tokens_of(train_x))
    return train, train_y, vectorizer.transform(cleaner.tokens_of(dev_x)), dev_y


@pytest.fixture(scope="module")
def mlp_pipe(data):
    train_x, train_y, dev_x, dev_y = data
    return Pipeline("tfidf", "mlp", hidden_sizes=[32], normalization="batch", **FAST).fit(
        train_x, train_y, dev=(dev_x, dev_y)
    )


@pytest.fixture(scope="module")
def lstm_pipe(data):
    train_x, train_y, dev_x, dev_y = data
    return Pipeline(model="lstm", hidden_size=16, **SMALL_W2V, **FAST).fit(train_x, train_y, dev=(dev_x, dev_y))


@pytest.fixture(scope="module")
def w2v_mlp_pipe(data):
    train_x, train_y, dev_x, dev_y = data
    return Pipeline("word2vec", "mlp", hidden_sizes=[16], **SMALL_W2V, **FAST).fit(train_x, train_y)


@pytest.fixture(scope="module")
def multi_label_mlp_pipe(data):
    train_x, train_y, _, _ = data
    labels = [[y, 9] if len(x) > 40 else [y] for x, y in zip(train_x, train_y)]  # several labels per text
    pipe = Pipeline("tfidf", "mlp", hidden_sizes=[16], **FAST).fit(train_x, labels)
    assert pipe.multi_label_ and len(pipe.classes_) == 3  # a sigmoid per label
    return pipe


# -- options and imports -------------------------------------------------------------------------
def test_options_go_to_exactly_one_stage():
    """Every registered model's options (not only the networks'): an option of the cleaner's, a vectorizer's or
    the pipeline's name given to a model would never reach it (the first stage that has a name takes it)."""
    from sentiment.pipeline import PIPELINE_OPTIONS

    others = set(Cleaner.option_names()) | set(PIPELINE_OPTIONS)
    for name in REGISTRY["vectorizer"]:
        others |= set(resolve("vectorizer", name).defaults)
    for name in REGISTRY["model"]:
        model = resolve("model", name)
        assert not set(model.defaults) & others, (name, set(model.defaults) & others)
    assert Pipeline.options_for("word2vec", "lstm")["model"]["lstm_pooling"] == "max"


def test_importing_the_package_does_not_import_torch():
    code = "import sentiment, sys; sentiment.Pipeline('tfidf', 'logreg'); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "model, options",
    [
        ("mlp", {"hidden_sizes": [0]}),
        ("mlp", {"normalization": "group"}),
        ("mlp", {"device": "tpu"}),
        ("lstm", {"lstm_pooling": "sum"}),
        ("lstm", {"freeze_embeddings": True, "init_embeddings": False}),
        ("lstm", {"max_df": 0.5}),
    ],
)
def test_bad_options_are_config_errors(model, options):
    option = next(iter(options))  # the error is about the option given, not another one
    with pytest.raises(ConfigError, match=rf"^{option}\b|has no option {option};"):
        resolve("model", model)(**options)
    with pytest.raises(ConfigError):
        Pipeline("word2vec", model, **options).fit(["good", "bad"], [1, 0])


def test_lstm_needs_sequences(data):
    with pytest.raises(ConfigError, match="word2vec"):
        Pipeline("tfidf", "lstm", **FAST).fit(data[0], data[1])


def test_a_pipeline_without_a_vectorizer_gets_the_one_its_model_reads(lstm_pipe):
    assert lstm_pipe.get_params()["vectorizer"] is None  # as given: clone builds the same pipeline
    assert lstm_pipe.vectorizer_name == lstm_pipe.vectorizer_.name == "word2vec"
    assert clone(lstm_pipe).vectorizer_name == "word2vec"
    assert [Pipeline(model=name).vectorizer_name for name in ("logreg", "mlp", "nbsvm")] == ["tfidf"] * 3
    assert Pipeline("count", "lstm").vectorizer_name == "count"  # named: kept, and refused by fit
    assert "vector_size" in Pipeline.options_for(model="lstm")["vectorizer"]


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_batch_normalization_needs_several_rows_a_batch():
    with pytest.raises(ConfigError, match="batch_size of 3 or more"):
        MLPModel(normalization="batch", batch_size=2)


def test_batch_normalization_refuses_one_training_row(tfidf_data):
    X, y, _, _ = tfidf_data
    with pytest.raises(DataError, match="^normalization='batch' cannot normalise one training row; give two or more"):
        MLPModel(normalization="batch", hidden_sizes=[4], **FAST).fit(X[:1], y[:1])
    from sentiment.errors import TuningWarning

    with pytest.warns(TuningWarning, match="too few training texts"):  # but two train
        assert MLPModel(normalization="batch", hidden_sizes=[4], **FAST).fit(X[:2], y[:2]).history_
    # held-out texts can leave one to train on too (texts of one class, fitted without a Pipeline)
    with pytest.raises(DataError, match="^dev_fraction=0.5 holds out all the training texts but one, which "
                       "normalization='batch' cannot normalise; give more texts, a smaller dev_fraction"):
        MLPModel(normalization="batch", hidden_sizes=[4], dev_fraction=0.5, **FAST).fit(X[:3], np.ones(3, dtype=int))


def test_asking_for_a_missing_gpu_is_a_config_error(tfidf_data, monkeypatch):
    X, y, _, _ = tfidf_data
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # also on a machine with a GPU
    with pytest.raises(ConfigError, match="CUDA"):
        MLPModel(device="cuda", **FAST).fit(X, y)


def test_a_gpu_number_beyond_the_machines_is_missing(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert hardware.resolve_device("cuda:0") == torch.device("cuda:0")
    with pytest.raises(ConfigError, match="1 CUDA GPU"):
        hardware.resolve_device("cuda:3")
    assert hardware.resolve_device("cuda:3", fallback=True) == torch.device("cuda")  # "auto" on that machine


# -- training --------------------------------------------------------------------------------------
def test_training_lowers_the_loss(tfidf_data):
    X, y, _, _ = tfidf_data
    model = MLPModel(hidden_sizes=[16], dev_fraction=0.0, **FAST).fit(X, y)
    losses = [r["train_loss"] for r in model.history_]
    assert len(losses) == FAST["epochs"] and losses[-1] < 0.8 * losses[0]
    assert model.history_[0]["dev_loss"] is None and model.n_features_ == X.shape[1]
    assert {"epoch", "train_loss", "dev_loss", "dev_accuracy", "dev_macro_f1", "seconds"} <= set(model.history_[0])


def _id_sequences(as_lists: bool) -> list:
    rng = np.random.default_rng(0)
    sequences = [rng.integers(2, 20, size=5) for _ in range(30)]
    return [[int(i) for i in s] for s in sequences] if as_lists else sequences


def test_an_lstm_fitted_on_its_own_takes_token_ids_as_lists_and_refuses_ids_it_never_saw():
    """Without a vectorizer the ids seen define the vocabulary; an id beyond it has no embedding row."""
    options = dict(init_embeddings=False, embedding_dim=4, hidden_size=4, epochs=1, batch_size=8)
    y = np.arange(30) % 2
    model = LSTMModel(**options).fit(_id_sequences(as_lists=True), y)
    assert model.n_features_ == max(max(s) for s in _id_sequences(as_lists=True)) + 1
    assert model.predict_proba([[2, 3], []]).shape == (2, 2)
    with pytest.raises(DataError, match=f"sequence 1 holds a token id outside 1 to {model.n_features_ - 1}"):
        model.predict_proba([[2, 3], [2, model.n_features_]])
    with pytest.raises(DataError, match="sequence 0 holds a token id outside"):
        model.predict_proba([np.array([-1, 2])])
    with pytest.raises(DataError, match=r"sequence 0 holds a token id outside 1 to .* \(0 pads the sequences\)"):
        model.predict_proba([np.array([0])])  # the padding's id: pooled over nothing it would give NaN


def test_a_failed_refit_leaves_a_model_fitted_on_its_own_as_it_was(tfidf_data):
    X, y, _, _ = tfidf_data
    model = MLPModel(hidden_sizes=[8], net_seed=0, **FAST).fit(X, y)
    expected, history = model.predict_proba(X[:3]), list(model.history_)
    bad = X.copy().astype(np.float64)
    bad[3, 0] = np.nan
    with pytest.raises(sentiment.TrainingError, match="diverged"):  # no weights to keep
        model.fit(bad, (np.arange(X.shape[0]) % 3))
    assert model.n_classes_ == len(np.unique(y)) and model.history_ == history
    np.testing.assert_array_equal(model.predict_proba(X[:3]), expected)


def test_a_model_fitted_on_its_own_refuses_inputs_it_cannot_read_in_one_line(tfidf_data):
    X, y, X_dev, y_dev = tfidf_data
    model = MLPModel(hidden_sizes=[8], net_seed=0, **FAST).fit(X, y)
    with pytest.raises(DataError, match=f"the input has {X.shape[1] + 1} columns, where this model was trained on "
                                        f"{X.shape[1]}; give the features of the vectorizer it was trained with"):
        model.predict_proba(sp.hstack([X, X[:, :1]]).tocsr())
    with pytest.raises(DataError, match="no rows to train on"):
        MLPModel(**FAST).fit(X[:0], y[:0])
    with pytest.raises(DataError, match=r"the dev labels are not codes of the \d+ training classes"):
        MLPModel(**FAST).fit(X, y, dev=(X_dev, np.asarray(y_dev) + 5))
    with pytest.raises(ConfigError, match="class_weight as a dict of labels goes with one label per text"):
        MLPModel(class_weight={"a": 5.0}, **FAST).fit(X, np.eye(2, dtype=np.float32)[np.asarray(y) % 2])


def test_a_model_fitted_on_its_own_takes_sample_weights_as_a_list_and_checks_its_class_weights(tfidf_data):
    X, y, _, _ = tfidf_data
    listed = MLPModel(hidden_sizes=[8], net_seed=0, **FAST).fit(X, y, sample_weight=[1.0] * len(y))  # with hold-out
    array = MLPModel(hidden_sizes=[8], net_seed=0, **FAST).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(listed.predict_proba(X), array.predict_proba(X))
    n_classes = len(np.unique(y))
    for model in (MLPModel(hidden_sizes=[8], **FAST), resolve("model", "logreg")()):
        with pytest.raises(ConfigError, match=f"gives {n_classes + 1} weights for {n_classes} class codes"):
            model.fit(X, y, class_weights=np.ones(n_classes + 1))


@pytest.mark.parametrize("batch_size", [1, 16])
def test_class_weights_weigh_the_loss_as_the_same_sample_weights_do(tfidf_data, batch_size):
    """A class's weight multiplies its rows' losses against the other batches' too (as in scikit-learn), not
    PyTorch's weighted mean within a batch, which a batch of one class divides out."""
    X, y, _, _ = tfidf_data
    y = np.asarray(y)
    weights = np.linspace(5.0, 1.0, len(np.unique(y)))
    params = dict(hidden_sizes=[8], net_seed=0, epochs=2, batch_size=batch_size, lr=3e-3, dev_fraction=0)
    by_class = MLPModel(**params).fit(X, y, class_weights=weights).predict_proba(X)
    by_row = MLPModel(**params).fit(X, y, sample_weight=weights[y]).predict_proba(X)
    plain = MLPModel(**params).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(by_class, by_row, atol=1e-5)
    assert np.abs(by_class - plain).max() > 1e-3


def test_a_failed_fit_leaves_a_fitted_model_as_it_was(tfidf_data, monkeypatch):
    X, y, dev_x, _ = tfidf_data
    model = MLPModel(hidden_sizes=[8], epochs=2, batch_size=16).fit(X, y)
    before, net = model.predict_proba(dev_x), model.net_

    def interrupted(net, *args, **kwargs):  # Ctrl-C in the middle of training, after the new net is made
        torch.nn.init.zeros_(next(net.parameters()))
        raise KeyboardInterrupt

    monkeypatch.setattr(trainer, "train", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, 1 - y)
    assert model.net_ is net and model.predict_proba(dev_x) == pytest.approx(before)


def test_early_stopping_options_without_anything_to_stop_on_are_said_to_change_nothing(tfidf_data):
    import warnings

    X, y, dev_x, dev_y = tfidf_data
    with pytest.warns(IgnoredOptionWarning, match=r"^patience and stop_metric change nothing with dev_fraction=0 and no "
                                                  r"dev data: .* trains all 2 epochs; leave them out, or give dev_fraction"):
        model = MLPModel(hidden_sizes=[4], epochs=2, dev_fraction=0, patience=1, stop_metric="accuracy").fit(X, y)
    assert len(model.history_) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", IgnoredOptionWarning)
        MLPModel(hidden_sizes=[4], epochs=2, dev_fraction=0, patience=1).fit(X, y, dev=(dev_x, dev_y))  # dev data: read
        MLPModel(hidden_sizes=[4], epochs=2, dev_fraction=0).fit(X, y)  # none given


def test_early_stopping_restores_the_best_weights(tfidf_data):
    X, y, dev_x, dev_y = tfidf_data
    noisy = dev_y.copy()
    noisy[::3] = 1 - noisy[::3]  # an imperfect dev set, so later epochs keep lowering the train loss only
    model = MLPModel(hidden_sizes=[16], epochs=30, patience=2, lr=1e-2, batch_size=16).fit(X, y, dev=(dev_x, noisy))
    history = model.history_
    assert len(history) < 30, "training should have stopped early"
    best = max(history, key=lambda r: r["dev_macro_f1"])
    assert best["epoch"] == model.best_epoch_ < history[-1]["epoch"]
    assert history[-1]["epoch"] == model.best_epoch_ + 2  # stopped after patience=2 epochs without a better one
    probabilities = model.predict_proba(dev_x)
    predicted = probabilities.argmax(axis=1)
    assert f1_score(noisy, predicted, average="macro") == pytest.approx(best["dev_macro_f1"])
    dev_loss = -np.mean(np.log(probabilities[np.arange(len(noisy)), noisy]))
    assert dev_loss == pytest.approx(best["dev_loss"], rel=1e-4)


def test_stopping_on_the_held_out_loss_keeps_the_epoch_of_the_lowest(tfidf_data, caplog):
    X, y, dev_x, dev_y = tfidf_data
    noisy = dev_y.copy()
    noisy[::3] = 1 - noisy[::3]  # the held-out loss falls, then rises as the network grows sure of the clean labels
    with caplog.at_level("INFO", logger="sentiment.training"):
        model = MLPModel(hidden_sizes=[16], epochs=30, patience=2, lr=1e-2, batch_size=16, stop_metric="loss").fit(
            X, y, dev=(dev_x, noisy))
    history = model.history_
    best = min(history, key=lambda r: r["dev_loss"])
    assert best["epoch"] == model.best_epoch_ == history[-1]["epoch"] - 2 and len(history) < 30
    assert max(history, key=lambda r: r["dev_macro_f1"])["dev_macro_f1"] >= best["dev_macro_f1"]
    probabilities = model.predict_proba(dev_x)  # the weights of that epoch, restored
    assert -np.mean(np.log(probabilities[np.arange(len(noisy)), noisy])) == pytest.approx(best["dev_loss"], rel=1e-4)
    assert f"held-out loss {history[0]['dev_loss']:.4f}" in caplog.records[0].getMessage()
    with pytest.raises(ConfigError, match="'macro_f1', 'accuracy' or 'loss'|macro_f1, accuracy(,| or) loss"):
        MLPModel(stop_metric="f1")


def test_a_best_score_that_later_epochs_match_at_a_lower_loss_is_said_with_stop_metric_loss(data):
    """Early stopping keeps the first epoch of its best score: where later ones match it (a perfect score, or all
    texts one class while the network still learns) with a held-out loss lower by NOTABLE_LOSS_FALL and by
    LEAST_NOTABLE_LOSS_FALL or more, a TuningWarning says so and names stop_metric="loss", which keeps a later
    epoch; else nothing is said."""
    from sentiment.errors import TuningWarning

    train_x, train_y, dev_x, dev_y = data
    said = (r'although the later epochs of that score had a lower held-out loss \(from 0\.\d+ to 0\.\d+ by epoch '
            r'\d\): .*; stop_metric="loss" keeps')
    with pytest.warns(TuningWarning, match=r"^early stopping kept epoch \d, the first whose held-out macro-F1 was "
                                           r"1\.0, which no later epoch could beat, " + said):
        perfect = Pipeline("tfidf", "mlp", hidden_sizes=[8], epochs=8, lr=1e-2).fit(train_x, train_y, dev=(dev_x, dev_y))
    with warnings.catch_warnings():
        warnings.simplefilter("error", TuningWarning)
        by_loss = Pipeline("tfidf", "mlp", hidden_sizes=[8], epochs=8, lr=1e-2, stop_metric="loss").fit(
            train_x, train_y, dev=(dev_x, dev_y))
    assert by_loss.model_.best_epoch_ > perfect.model_.best_epoch_
    assert by_loss.model_.history_[by_loss.model_.best_epoch_ - 1]["dev_loss"] < \
        perfect.model_.history_[perfect.model_.best_epoch_ - 1]["dev_loss"]
    model = copy.copy(perfect.model_)
    for scores, losses, note in (
            ([0.8, 0.9, 0.9, 0.85], [0.6, 0.5, 0.45, 0.4], "was 0.9, which later epochs matched but did not beat, "
             "although the later epochs of that score had a lower held-out loss (from 0.500 to 0.450 by epoch 3)"),
            ([0.8, 0.9, 0.9, 0.9], [0.6, 0.5, 0.45, 0.4], "(from 0.500 to 0.400 by epoch 4)"),
            ([0.8, 0.9, 0.85, 0.89], [0.6, 0.5, 0.45, 0.4], None),  # no later epoch matches the best
            ([0.8, 0.9, 0.9, 0.1], [0.6, 0.5, 0.7, 0.4], None),  # the match has a higher loss
            ([0.8, 0.9, 0.9, 0.9], [0.6, 0.5, 0.49, 0.48], None),  # 4% lower: too little to say
            ([0.8, 1.0, 1.0, 1.0], [0.6, 0.004, 0.001, 0.0002], None)):  # sure of every text already: "0.004 to 0.000"
        model.history_ = [{"epoch": i + 1, "dev_macro_f1": f1, "dev_accuracy": f1, "dev_loss": loss}
                          for i, (f1, loss) in enumerate(zip(scores, losses))]
        assert model.best_epoch_ == 2
        assert (model.tied_best_note("A") is None) if note is None else note in model.tied_best_note("A")


def test_min_epochs_keeps_no_earlier_weights_and_does_not_stop_before(tfidf_data):
    X, y, dev_x, dev_y = tfidf_data
    noisy = dev_y.copy()
    noisy[::3] = 1 - noisy[::3]
    free = MLPModel(hidden_sizes=[16], epochs=30, patience=2, lr=1e-2, batch_size=16).fit(X, y, dev=(dev_x, noisy))
    assert free.best_epoch_ < 6, "the setting should favour an early epoch for this test to mean anything"
    held = MLPModel(hidden_sizes=[16], epochs=30, patience=2, lr=1e-2, batch_size=16, min_epochs=6).fit(
        X, y, dev=(dev_x, noisy))
    history = held.history_
    judged = [r for r in history if r["epoch"] >= 6]
    best = max(judged, key=lambda r: r["dev_macro_f1"])
    assert held.best_epoch_ == best["epoch"] >= 6 and len(history) >= 6 + 1
    # the rate stays at lr until judging starts (the plateau schedule halves it on epochs that do not improve)
    # (record k shows the rate after epoch k - 1 ended: epochs 1 to 5 never halved it)
    assert [r["lr"] for r in history[:6]] == [pytest.approx(1e-2)] * 6
    predicted = held.predict_proba(dev_x).argmax(axis=1)
    assert f1_score(noisy, predicted, average="macro") == pytest.approx(best["dev_macro_f1"])
    with pytest.raises(ConfigError, match="min_epochs"):
        MLPModel(min_epochs=0)
    with pytest.raises(ConfigError, match="min_epochs=10 is more than epochs=4"):
        MLPModel(epochs=4, min_epochs=10)
    with pytest.raises(ConfigError, match="warmup_epochs=5 is more than epochs=2: the learning rate would never reach"):
        MLPModel(epochs=2, warmup_epochs=5)
    MLPModel(epochs=2, warmup_epochs=2)  # warming up over the whole run is allowed


def test_same_seed_same_model_and_balanced_weights(tfidf_data):
    X, y, dev_x, _ = tfidf_data
    first, second = (
        MLPModel(hidden_sizes=[8], class_weight="balanced", net_seed=3, **FAST).fit(X, y) for _ in range(2)
    )
    np.testing.assert_array_equal(first.predict_proba(dev_x), second.predict_proba(dev_x))
    assert trainer.balanced_weights(np.array([0, 0, 0, 1]), 3).tolist() == [4 / 9, 4 / 3, 0.0]


def test_fits_in_threads_give_the_models_of_fits_one_after_another(tfidf_data):
    """The seeded generators are the process's: two fits running at once must not draw from each other's."""
    import threading

    X, y, dev_x, _ = tfidf_data

    def fit(seed):
        return MLPModel(hidden_sizes=[16], dropout=0.5, net_seed=seed, **FAST).fit(X, y)

    alone = [fit(seed).predict_proba(dev_x) for seed in (0, 1)]
    together = [None, None]

    def work(seed):
        together[seed] = fit(seed).predict_proba(dev_x)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in (0, 1):
        np.testing.assert_array_equal(together[seed], alone[seed])


def test_dense_features_and_options(data):
    train_x, train_y, dev_x, _ = data
    pipe = Pipeline(
        "word2vec", "mlp", hidden_sizes=[16, 8], activation="gelu", normalization="layer", l1=1e-5,
        weight_decay=1e-4, optimizer="adamw", schedule="cosine", warmup_epochs=1, **SMALL_W2V, **FAST,
    ).fit(train_x, train_y)
    assert not pipe.model_.net_.config.sparse_input
    np.testing.assert_allclose(pipe.predict_proba(dev_x).sum(axis=1), 1.0)
    assert len(pipe.model_.history_) == FAST["epochs"]  # dev_fraction held out 10%: no early stop in 4 epochs


def _matrix_sizes(model) -> float:
    """The sum of the absolute weights of a network's matrices."""
    return sum(float(p.detach().abs().sum()) for p in model.net_.parameters() if p.dim() >= 2)


def test_l1_shrinks_the_weight_matrices(tfidf_data):
    X, y, _, _ = tfidf_data
    options = dict(hidden_sizes=[16], epochs=5, batch_size=16, lr=1e-2, dev_fraction=0.0)
    plain, sparse = MLPModel(**options).fit(X, y), MLPModel(**options, l1=1e-3).fit(X, y)
    assert _matrix_sizes(sparse) < 0.5 * _matrix_sizes(plain)


def test_gradient_clipping_bounds_each_step(tfidf_data):
    X, y, _, _ = tfidf_data
    options = dict(hidden_sizes=[16], epochs=4, batch_size=16, optimizer="sgd", lr=0.5, dev_fraction=0.0)
    free, clipped = (MLPModel(**options, clip_grad=clip).fit(X, y) for clip in (None, 1e-6))
    first = clipped.history_[0]["train_loss"]
    assert clipped.history_[-1]["train_loss"] == pytest.approx(first, abs=0.01)  # steps of norm 1e-6: no learning
    assert free.history_[-1]["train_loss"] < first - 0.1


def test_weight_decay_leaves_biases_and_norms_alone():
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3))
    for name in ("adam", "adamw", "sgd"):
        optimizer = trainer.make_optimizer(net, trainer.TrainConfig(optimizer=name, weight_decay=0.1),
                                           torch.device("cpu"))
        decay = {id(p): group["weight_decay"] for group in optimizer.param_groups for p in group["params"]}
        assert decay == {id(p): 0.1 if p.dim() >= 2 else 0.0 for p in net.parameters()}


@pytest.mark.parametrize("name", ["adam", "adamw", "sgd"])
def test_the_fused_cpu_step_is_the_plain_step(name):
    """On the CPU the optimizer is fused (one kernel per step, for speed) and moves the weights as the plain
    loop of the same optimizer does, to float precision."""
    torch.manual_seed(0)
    fused_net = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    plain_net, start = copy.deepcopy(fused_net), copy.deepcopy(fused_net)
    config = trainer.TrainConfig(optimizer=name, weight_decay=0.01, lr=0.01)
    fused = trainer.make_optimizer(fused_net, config, torch.device("cpu"))
    assert fused.defaults["fused"] is True
    plain = trainer.make_optimizer(plain_net, config, torch.device("mps"))  # (no kernels there: the plain loop)
    assert plain.defaults["fused"] is False
    x, y = torch.randn(32, 6), torch.randint(0, 3, (32,))
    for _ in range(20):
        for net, optimizer in ((fused_net, fused), (plain_net, plain)):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(net(x), y).backward()
            optimizer.step()
    for a, b in zip(fused_net.parameters(), plain_net.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    assert all((a - b).abs().max() > 1e-3 for a, b in zip(fused_net.parameters(), start.parameters()))  # it learnt


def test_learning_rate_schedules():
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=1.0)
    cosine = trainer.LRSchedule(optimizer, "cosine", warmup_steps=2, total_steps=6)
    rates = []
    for _ in range(6):
        cosine.step()
        rates.append(cosine.lr)
    # the warm-up's two steps, then the cosine from the full rate, its last step short of 0 (it was 0: a step lost)
    assert rates == pytest.approx([0.5, 1.0, 1.0, 0.5 * (1 + math.cos(math.pi / 4)), 0.5, 0.5 * (1 + math.cos(3 * math.pi / 4))])
    assert rates[-1] > 0
    plateau = trainer.LRSchedule(torch.optim.SGD([param], lr=1.0), "plateau", warmup_steps=0, total_steps=6)
    plateau.epoch_end(improved=False)
    plateau.step()
    assert plateau.lr == 0.5


def test_early_stopping_waits_for_the_warm_up_to_end():
    assert trainer.first_judged_epoch(1, 0) == 1 and trainer.first_judged_epoch(1, 5.5) == 6
    assert trainer.first_judged_epoch(4, 2) == 4
    torch.manual_seed(0)
    net = torch.nn.Linear(3, 2)
    net.config = type("C", (), {"head": "softmax", "n_classes": 2})()
    X = torch.randn(40, 3)
    y = (X[:, 0] > 0).long().numpy()
    batches = trainer.FeatureBatches(X.numpy(), y, 8, torch.device("cpu"), sparse=False, rng=np.random.default_rng(0))
    dev = trainer.FeatureBatches(X.numpy()[:10], 1 - y[:10], 8, torch.device("cpu"), sparse=False)  # only worsens
    config = trainer.TrainConfig(epochs=10, lr=1e-2, patience=1, warmup_epochs=6, schedule="cosine")
    history = trainer.train(net, batches, dev, config, torch.device("cpu"))
    assert len(history) >= 7  # not stopped at epoch 2, half-way up the warm-up
    assert max(r["lr"] for r in history) == pytest.approx(1e-2, rel=0.05)


def test_a_class_weight_dict_without_a_pipeline_is_refused_not_ignored(tfidf_data):
    X, y = tfidf_data[0], tfidf_data[1]
    with pytest.raises(ConfigError, match="class_weight as a dict names labels, which a Pipeline maps"):
        MLPModel(hidden_sizes=[8], epochs=1, class_weight={0: 20.0}).fit(X, y)
    from sentiment.models.classical import LogisticRegressionModel

    with pytest.raises(ConfigError, match="class_weight as a dict names labels"):
        LogisticRegressionModel(class_weight={0: 20.0}).fit(X, y)


# -- sparse input ------------------------------------------------------------------------------------
def test_sparse_batches_gather_the_right_rows(tfidf_data):
    X = tfidf_data[0]
    batches = trainer.FeatureBatches(X, None, 7, torch.device("cpu"), sparse=True, rng=np.random.default_rng(0))
    seen = []
    for batch in batches:
        indices, offsets, weights = batch.inputs
        bag = torch.nn.EmbeddingBag(X.shape[1], X.shape[1], mode="sum")
        bag.weight.data = torch.eye(X.shape[1])
        rebuilt = bag(indices, offsets, per_sample_weights=weights).detach().numpy()
        np.testing.assert_allclose(rebuilt, X[batch.rows].toarray(), atol=1e-6)
        seen.extend(batch.rows.tolist())
    assert sorted(seen) == list(range(X.shape[0])) and seen != sorted(seen)


def test_sparse_input_is_never_densified(data, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a sparse matrix was densified")

    for cls in (sp.csr_matrix, sp.csr_array, sp.coo_matrix):
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)
    train_x, train_y, dev_x, dev_y = data
    pipe = Pipeline("tfidf", "mlp", hidden_sizes=[8], **FAST).fit(train_x, train_y, dev=(dev_x, dev_y))
    assert pipe.predict_proba(dev_x).shape == (len(dev_x), 2)


def test_a_weight_average_is_the_mean_of_the_steps_so_far_then_a_moving_average():
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2))
    net[0].bias.requires_grad_(False)  # frozen: never averaged
    frozen_before = net[0].bias.detach().clone()
    average = trainer.WeightAverage(net, horizon=3.0)
    seen = []
    for step in range(1, 9):
        with torch.no_grad():
            net[0].weight.fill_(float(step))
            net[0].bias.fill_(100.0)  # changed behind the optimizer's back: the average keeps the copy
        net[1].running_mean.fill_(float(step))
        net[1].num_batches_tracked.fill_(step)
        average.update()
        seen.append(float(step))
        kept = average.net[0].weight.detach()
        if step <= 3:  # 1 / step is above 1 - exp(-1/3): the plain mean of the steps so far
            expected = np.mean(seen)
        else:  # then each step moves it 1 - exp(-1/3) of the way
            expected = expected + (1 - math.exp(-1 / 3)) * (step - expected)
        assert float(kept[0, 0]) == pytest.approx(expected)
        assert float(average.net[1].running_mean[0]) == pytest.approx(expected)  # float buffers too
        assert int(average.net[1].num_batches_tracked) == step  # counts are copied
    torch.testing.assert_close(average.net[0].bias, frozen_before)
    assert not any(p.requires_grad for p in average.net.parameters())


def test_ema_leaves_training_as_it_was_and_keeps_the_averaged_weights(tfidf_data):
    X, y, _, _ = tfidf_data
    plain = MLPModel(hidden_sizes=[16], dev_fraction=0.0, **FAST).fit(X, y)
    averaged = MLPModel(hidden_sizes=[16], dev_fraction=0.0, ema_epochs=1.0, **FAST).fit(X, y)
    # the same steps: the average only watches them
    assert [r["train_loss"] for r in averaged.history_] == [r["train_loss"] for r in plain.history_]
    # ... but the model keeps other weights than the last step's: the average of the last epoch or so
    assert not np.allclose(averaged.predict_proba(X), plain.predict_proba(X))
    assert np.mean(averaged.predict_proba(X).argmax(axis=1) == y) > 0.9


def test_ema_scores_and_keeps_the_average_on_dev_data(tfidf_data):
    X, y, dev_x, dev_y = tfidf_data
    noisy = dev_y.copy()
    noisy[::3] = 1 - noisy[::3]
    model = MLPModel(hidden_sizes=[16], epochs=30, patience=2, lr=1e-2, batch_size=16, ema_epochs=0.5).fit(
        X, y, dev=(dev_x, noisy))
    best = max(model.history_, key=lambda r: r["dev_macro_f1"])
    assert best["epoch"] == model.best_epoch_
    probabilities = model.predict_proba(dev_x)
    # the weights kept are the ones scored: the average at the end of the best epoch
    assert f1_score(noisy, probabilities.argmax(axis=1), average="macro") == pytest.approx(best["dev_macro_f1"])
    dev_loss = -np.mean(np.log(probabilities[np.arange(len(noisy)), noisy]))
    assert dev_loss == pytest.approx(best["dev_loss"], rel=1e-4)
    with pytest.raises(ConfigError, match="ema_epochs must be a number between 0.0 and 10000"):
        MLPModel(ema_epochs=-1)


def test_ema_leaves_frozen_embeddings_as_they_were(data):
    train_x, train_y, _, _ = data
    runs = {ema: Pipeline("word2vec", "lstm", hidden_size=8, freeze_embeddings=True, ema_epochs=ema,
                          **SMALL_W2V, **FAST).fit(train_x, train_y) for ema in (0.0, 0.5)}
    averaged, plain = runs[0.5].model_.net_, runs[0.0].model_.net_
    np.testing.assert_array_equal(averaged.embedding.weight.detach().cpu().numpy(),
                                  runs[0.5].vectorizer_.embedding_matrix())
    assert not torch.equal(averaged.lstm.weight_hh_l0, plain.lstm.weight_hh_l0)  # the trained weights were averaged


# -- LSTM ------------------------------------------------------------------------------------------
def test_lstm_learns_and_keeps_frozen_embeddings(data, lstm_pipe):
    train_x, train_y, dev_x, dev_y = data
    assert lstm_pipe.score(dev_x, dev_y) > 0.8
    assert lstm_pipe.model_.n_features_ == lstm_pipe.vectorizer_.n_tokens
    frozen = Pipeline("word2vec", "lstm", hidden_size=8, freeze_embeddings=True, lstm_pooling="attention",
                      **SMALL_W2V, **FAST).fit(train_x, train_y)
    np.testing.assert_array_equal(
        frozen.model_.net_.embedding.weight.detach().cpu().numpy(), frozen.vectorizer_.embedding_matrix()
    )


@pytest.mark.parametrize("pooling", ["mean", "attention"])
def test_lstm_random_embeddings_and_pooling(data, pooling):
    train_x, train_y, dev_x, _ = data
    pipe = Pipeline("word2vec", "lstm", init_embeddings=False, embedding_dim=8, hidden_size=8, layers=2,
                    bidirectional=False, lstm_pooling=pooling, max_length=5, **SMALL_W2V, **FAST)
    with pytest.warns(IgnoredOptionWarning, match="vector_size and w2v_epochs change nothing"):  # (small, to be quick)
        pipe.fit(train_x, train_y)
    probabilities = pipe.predict_proba(dev_x + ["zzz qqq"])  # unknown words only
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert pipe.model_.net_.config.embedding_dim == 8


def test_an_lstm_explains_its_predictions_also_of_one_word(lstm_pipe):
    text = "The plot was superb"
    result = lstm_pipe.explain([text], top=None)[0]
    probabilities = lstm_pipe.predict_proba([text])[0]
    column = int(probabilities.argmax())
    assert result["label"] == lstm_pipe.label_names_[column]
    strongest = result["words"][0]
    without = lstm_pipe.predict_proba([left_out(text, (strongest["from"], strongest["to"]))])[0, column]
    p, q = float(probabilities[column]), float(without)
    assert strongest["weight"] == pytest.approx(np.log(p / (1 - p)) - np.log(q / (1 - q)), abs=1e-3)
    assert strongest["word"] == "superb"
    one = lstm_pipe.explain(["superb"])[0]  # its one variant is a blank text
    assert [w["word"] for w in one["words"]] == ["superb"]


def test_lstm_starts_from_a_saved_lstm(data, lstm_pipe, mlp_pipe, tmp_path):
    train_x, train_y, dev_x, _ = data
    source = lstm_pipe.save(tmp_path / "source")
    # A learning rate of 1e-8 leaves the copied weights as they are: the new model predicts like the saved one.
    still = dict(hidden_size=16, init_from=str(source), **SMALL_W2V, epochs=1, lr=1e-8, dev_fraction=0)
    started = Pipeline("word2vec", "lstm", **still).fit(train_x[:120], train_y[:120])
    np.testing.assert_allclose(started.predict_proba(dev_x), lstm_pipe.predict_proba(dev_x), atol=1e-4)
    three = np.array(train_y[:120]) + np.arange(120) % 3 // 2  # other classes: a new output layer
    fresh_head = Pipeline("word2vec", "lstm", **still).fit(train_x[:120], three)
    assert fresh_head.predict_proba(dev_x).shape == (len(dev_x), 3)
    np.testing.assert_allclose(fresh_head.model_.net_.lstm.weight_hh_l0.detach().cpu().numpy(),
                               lstm_pipe.model_.net_.lstm.weight_hh_l0.detach().cpu().numpy(), atol=1e-5)
    # The output layer is matched by label name: codes in another order keep their meaning.
    names = np.array(["negative", "positive"])
    reordered = Pipeline("word2vec", "lstm", **still).fit(train_x[:120], 1 - np.array(train_y[:120]),
                                                          label_names={0: "positive", 1: "negative"})
    assert [r["label"] for r in reordered.annotate(dev_x)] == list(names[lstm_pipe.predict_proba(dev_x).argmax(axis=1)])
    with pytest.raises(ConfigError, match="set hidden_size=16"):
        Pipeline("word2vec", "lstm", **{**still, "hidden_size": 8}).fit(train_x[:60], train_y[:60])
    with pytest.raises(ConfigError, match="has word vectors of 16 dimensions, this model's have 8; train them with "
                                          "vector_size=16"):
        Pipeline("word2vec", "lstm", **{**still, "vector_size": 8}).fit(train_x[:60], train_y[:60])


def test_a_bad_init_from_fails_before_the_texts_are_cleaned(data, mlp_pipe, lstm_pipe, tmp_path, monkeypatch):
    train_x, train_y, _, _ = data
    lstm = lstm_pipe.save(tmp_path / "lstm")  # hidden_size=16
    monkeypatch.setattr(sentiment.Cleaner, "tokens_of", lambda self, texts: pytest.fail("the texts were cleaned"))
    for init_from, options, pattern in [
            (tmp_path / "nope", {}, "is not a directory"), (tmp_path, {}, "no config.json"),
            (mlp_pipe.save(tmp_path / "mlp"), {}, "holds an mlp model; give a saved lstm model"),
            (lstm, {"hidden_size": 8}, "has hidden_size=16, this model 8; set hidden_size=16"),
            (lstm, {"hidden_size": 16, "lstm_pooling": "mean"}, "has lstm_pooling='max', this model 'mean'")]:
        with pytest.raises((ConfigError, sentiment.ModelFileError), match=pattern):
            Pipeline("word2vec", "lstm", init_from=str(init_from), **SMALL_W2V, **options).fit(train_x[:60], train_y[:60])


@pytest.mark.parametrize("packed_as_given", [False, True])  # True: as batches come on a GPU, longest first
def test_an_lstms_padding_changes_no_texts_logits(monkeypatch, packed_as_given):
    """Every pooling reads a text's own states alone: its logits in a padded batch (beside an empty text and
    longer ones) are those of the text alone, both directions and every layer packed by its length."""
    from sentiment.models import nets

    monkeypatch.setattr(nets, "longest_first", lambda device: packed_as_given)
    sequences = [[5, 6, 7, 8, 9, 3], [3, 4, 5], [7], []]
    torch.manual_seed(0)
    for pooling in nets.POOLINGS:
        net = nets.LSTMNet(nets.LSTMConfig(n_tokens=10, n_classes=3, embedding_dim=4, hidden_size=3, layers=2,
                                           pooling=pooling)).eval()
        with torch.no_grad():
            together = net(*trainer.pad_sequences(sequences))
            for row, sequence in enumerate(sequences):
                torch.testing.assert_close(together[row], net(*trainer.pad_sequences([sequence]))[0])


@pytest.mark.parametrize("edit, pattern", [
    (lambda c: c.update(stages=[]), "config.json is damaged: it names no model with its settings; restore the model"),
    (lambda c: c["stages"]["model"].update(params=["hidden_size"]), "config.json is damaged: it names no model"),
    (lambda c: c.update(kind=["lstm"]), "holds another kind of model; give a saved lstm model"),
])
def test_a_damaged_init_from_config_is_a_one_line_error(data, lstm_pipe, tmp_path, edit, pattern):
    """Its config is read before the work, alone: a damaged one was an AttributeError or a TypeError."""
    from conftest import edit_config

    train_x, train_y, _, _ = data
    edit_config(lstm_pipe.save(tmp_path / "lstm"), edit)
    with pytest.raises((ConfigError, sentiment.ModelFileError), match=pattern):
        Pipeline("word2vec", "lstm", init_from=str(tmp_path / "lstm"), **SMALL_W2V).fit(train_x[:60], train_y[:60])


def test_sequence_batches_bucket_by_length():
    sequences = [np.arange(2, 2 + n) for n in (5, 1, 3, 0, 4, 2)]
    batches = trainer.SequenceBatches(sequences, np.zeros(6, dtype=int), 2, torch.device("cpu"), max_length=4)
    widths = [batch.inputs[0].shape[1] for batch in batches]
    assert widths == [1, 3, 4]  # the empty sequence reads as one unknown token; 5 tokens cut to 4
    assert sorted(r for batch in batches for r in batch.rows) == list(range(6))


# -- saving, loading, exporting --------------------------------------------------------------------
@pytest.mark.parametrize("fixture", ["mlp_pipe", "lstm_pipe"])
def test_save_load_round_trip(fixture, data, tmp_path, request):
    pipe = request.getfixturevalue(fixture)
    pipe.save(tmp_path / "model")
    loaded = Pipeline.load(tmp_path / "model")
    np.testing.assert_allclose(loaded.predict_proba(data[2]), pipe.predict_proba(data[2]), rtol=0, atol=1e-6)
    assert loaded.model_.history_ == pipe.model_.history_


def test_predicting_with_a_saved_network_needs_neither_sklearn_nor_gensim(lstm_pipe, data, tmp_path):
    path = lstm_pipe.save(tmp_path / "model")
    code = (
        f"import sys, sentiment; sentiment.load({str(path)!r}).predict({data[2][:3]!r}); "
        "assert not {'sklearn', 'gensim'} & set(sys.modules), 'heavy import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _rehash(folder):
    """Recompute the checksums in config.json, as someone who edits a model on purpose would."""
    config = json.loads((folder / CONFIG).read_text())
    for relative in config["files"]:
        config["files"][relative] = hashlib.sha256((folder / relative).read_bytes()).hexdigest()
    (folder / CONFIG).write_text(json.dumps(config))


def test_weights_that_do_not_fit_the_network_give_a_one_line_error(binary, tmp_path):
    pytest.importorskip("torch")
    from safetensors.numpy import load_file, save_file

    pipe = Pipeline("tfidf", "mlp", epochs=1, hidden_sizes=(4,), device="cpu")
    pipe.fit(binary.train_texts[:30], binary.train_labels[:30])
    path = pipe.save(tmp_path / "mlp")
    assert sentiment.load(path).get_params() == pipe.get_params()
    arrays = load_file(str(path / "model" / "arrays.safetensors"))
    arrays = {name: (value[..., :1].copy() if value.ndim else value) for name, value in arrays.items()}
    save_file(arrays, str(path / "model" / "arrays.safetensors"))
    _rehash(path)
    with pytest.raises(ModelFileError, match="not a consistent sentiment model") as info:
        sentiment.load(path)
    assert "\n" not in str(info.value) and len(str(info.value)) < 500


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.load
@pytest.mark.parametrize("fixture", ["mlp_pipe", "lstm_pipe", "w2v_mlp_pipe", "multi_label_mlp_pipe"])
@pytest.mark.parametrize("fmt", ["torchscript", "onnx"])
def test_export_gives_the_same_probabilities(fixture, fmt, data, tmp_path, request):
    pipe = request.getfixturevalue(fixture)
    texts = data[2][:23] + ["zzz"]
    docs = pipe.cleaner_.tokens_of(texts)
    features = pipe.vectorizer_.sequences(docs) if pipe.model == "lstm" else pipe.vectorizer_.transform(docs)
    inputs = pipe.model_.torch_inputs(features)
    if fmt == "onnx":
        pytest.importorskip("onnx")
        ort = pytest.importorskip("onnxruntime")
        path = export_model(pipe, tmp_path / "model.onnx", "onnx")
        session = ort.InferenceSession(str(path))
        names = input_names(pipe.model_)
        output = session.run(None, {n: t.numpy() for n, t in zip(names, inputs)})[0]
    else:
        path = export_model(pipe, tmp_path / "model.pt", "torchscript")
        output = torch.jit.load(str(path))(*inputs).numpy()
    on_gpu = next(pipe.model_.net_.parameters()).is_cuda  # the exported model runs on the CPU
    # a GPU's cuDNN LSTM (TF32) and the CPU's kernels part in the fifth digit
    np.testing.assert_allclose(output, pipe.predict_proba(texts), atol=1e-3 if on_gpu else 1e-5)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.load
def test_export_takes_its_format_from_the_suffix(mlp_pipe, data, tmp_path):
    from typer.testing import CliRunner

    from sentiment.cli import app

    mlp_pipe.save(tmp_path / "m")
    result = CliRunner().invoke(app, ["export", str(tmp_path / "m"), "--out", str(tmp_path / "m.pt")])
    assert result.exit_code == 0, result.output
    inputs = mlp_pipe.model_.torch_inputs(mlp_pipe.vectorizer_.transform(mlp_pipe.cleaner_.tokens_of(data[2][:5])))
    np.testing.assert_allclose(torch.jit.load(str(tmp_path / "m.pt"))(*inputs).numpy(),
                               mlp_pipe.predict_proba(data[2][:5]), atol=1e-5)
    result = CliRunner().invoke(app, ["export", str(tmp_path / "m"), "--out", str(tmp_path / "n.ts"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"model": str(tmp_path / "m"), "out": str(tmp_path / "n.ts"), "format": "torchscript"}
    with pytest.raises(ConfigError, match=r"the suffix names no export format; give a .pt file .*, e.g. m.pt$"):
        export_model(mlp_pipe, tmp_path / "m.bin")
    for name, example in ((".onnx", "model.onnx"), (".PT", "model.pt")):  # a suffix alone is no file name
        with pytest.raises(ConfigError, match=rf"is a suffix without a name; .*e\.g\. {re.escape(example)}$"):
            export_model(mlp_pipe, tmp_path / name)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.load
def test_export_from_python_reads_the_format_and_the_model_as_the_cli_does(mlp_pipe, data, tmp_path):
    path = export_model(mlp_pipe, tmp_path / "m.pt", " TorchScript ")
    inputs = mlp_pipe.model_.torch_inputs(mlp_pipe.vectorizer_.transform(mlp_pipe.cleaner_.tokens_of(data[2][:3])))
    np.testing.assert_allclose(torch.jit.load(str(path))(*inputs).numpy(), mlp_pipe.predict_proba(data[2][:3]),
                               atol=1e-5)
    with pytest.raises(ConfigError, match=r"give a loaded model \(sentiment.load\("):
        export_model(str(tmp_path / "saved"), tmp_path / "x.pt")
    with pytest.raises(NotFittedError):  # not "a Pipeline model does not export"
        export_model(Pipeline("tfidf", "mlp"), tmp_path / "x.pt")
    for path in (None, 123):
        with pytest.raises(ConfigError, match="give the exported model's file as a path"):
            export_model(mlp_pipe, path)
    with pytest.raises(ConfigError, match="fmt must be one of 'torchscript', 'onnx' or None, not list"):
        export_model(mlp_pipe, tmp_path, ["onnx"])


def test_export_does_not_write_through_a_link_to_a_file_of_another_kind(mlp_pipe, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    symlink(tmp_path / "link.pt", notes)
    with pytest.raises(ConfigError, match="--out .*link.pt is a link to .*notes.txt, which is not a .pt, .pth "
                                          "or .ts file"):
        export_model(mlp_pipe, tmp_path / "link.pt")
    assert notes.read_text() == "my notes"


@pytest.mark.parametrize("debug", [False, True])
def test_native_warnings_of_a_failed_onnx_export_show_only_when_debugging(capfd, monkeypatch, debug):
    from sentiment.export import _native_stderr_held

    if debug:
        monkeypatch.setenv("SENTIMENT_DEBUG", "1")
    else:
        monkeypatch.delenv("SENTIMENT_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="disk full"), _native_stderr_held():
        os.write(2, b"[W shape_type_inference.cpp] cannot infer the shape\n")
        raise RuntimeError("disk full")
    assert ("shape_type_inference" in capfd.readouterr().err) is debug


def test_a_failed_torchscript_write_is_an_error_that_leaves_no_file(mlp_pipe, tmp_path, monkeypatch):
    def full(self, data):
        raise OSError(28, "No space left on device")

    (tmp_path / "old.pt").write_bytes(b"an earlier export")
    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError, match="No space left"):
        export_model(mlp_pipe, tmp_path / "m.pt")
    with pytest.raises(OSError, match="No space left"):
        export_model(mlp_pipe, tmp_path / "old.pt")  # over an earlier file: kept as it was
    assert [p.name for p in tmp_path.iterdir()] == ["old.pt"] and (tmp_path / "old.pt").read_bytes() == b"an earlier export"


def test_weights_too_large_for_an_onnx_file_are_refused_before_writing(mlp_pipe, tmp_path, monkeypatch):
    from sentiment import export

    size = sum(p.numel() * p.element_size() for p in mlp_pipe.model_.net_.state_dict().values())
    monkeypatch.setattr(export, "ONNX_WEIGHTS_LIMIT", size - 1)  # as a network of 2 GB would be
    with pytest.raises(ConfigError, match=r"the network's weights take 0\.0 GB, more than an ONNX file holds \(2 GB\); "
                                          r"export it as TorchScript \(--format torchscript, a \.pt file\)"):
        export_model(mlp_pipe, tmp_path / "m.onnx")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(export, "ONNX_WEIGHTS_LIMIT", size)
    pytest.importorskip("onnx")
    assert export_model(mlp_pipe, tmp_path / "m.onnx").stat().st_size > size  # the weights and the graph


def test_export_refuses_linear_models(data, tmp_path):
    pipe = Pipeline("tfidf", "logreg").fit(data[0], data[1])
    with pytest.raises(ConfigError, match="mlp, lstm"):
        export_model(pipe, tmp_path / "model.pt")


def test_exported_file_has_normal_permissions(binary, tmp_path):
    pytest.importorskip("torch")
    from sentiment.export import export_model

    pipe = Pipeline("tfidf", "mlp", hidden_sizes=[8], epochs=1, batch_size=32).fit(
        binary.train_texts[:60], binary.train_labels[:60])
    old = os.umask(0o022)
    try:
        path = export_model(pipe, tmp_path / "model.pt", "torchscript")
        normal = tmp_path / "normal"
        normal.write_bytes(b"")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == normal.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_info_says_where_and_how_long_a_network_trained(mlp_pipe, tmp_path):
    model = mlp_pipe.model_
    expected = {"device": "cpu" if not torch.cuda.is_available() else "cuda", "epochs": len(model.history_),
                "best_epoch": model.best_epoch_}
    assert {key: mlp_pipe.info_[key] for key in expected} == expected
    mlp_pipe.save(tmp_path / "m")
    assert {key: Pipeline.load(tmp_path / "m").info_[key] for key in expected} == expected
    assert "epochs" not in Pipeline("tfidf", "logreg").fit(["good", "bad"] * 3, [1, 0] * 3).info_


def test_plot_history(mlp_pipe, tmp_path):
    path = plot_history(mlp_pipe.model_.history_, tmp_path / "history.png")
    assert path.read_bytes().startswith(b"\x89PNG")
    from sentiment.models.neural import history_figure

    loss_ax, _ = history_figure(mlp_pipe.model_.history_, weighted=True).axes
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["train (classes weighted)", "early-stopping data"]
    loss_ax, metric_ax = history_figure(mlp_pipe.model_.history_, averaged=True).axes
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["train", "early-stopping data, weights averaged"]
    assert [t.get_text() for t in metric_ax.get_legend().get_texts()] == [
        "accuracy (weights averaged)", "macro-F1 (weights averaged)"]  # (not "dev": fit's dev data score the model)
    assert metric_ax.get_title() == "metrics on the early-stopping data"
    assert (loss_ax.get_ylabel(), metric_ax.get_ylabel()) == ("cross-entropy", "score")
    assert history_figure(mlp_pipe.model_.history_, multi_label=True).axes[0].get_ylabel() == (
        "binary cross-entropy, mean over labels")
    assert all(float(tick).is_integer() for tick in loss_ax.get_xticks())  # whole epochs only
    kept = mlp_pipe.model_.best_epoch_
    fig = history_figure(mlp_pipe.model_.history_, kept_epoch=kept, note="trained again on all")
    assert all(f"kept: epoch {kept}" in [t.get_text() for t in ax.get_legend().get_texts()] for ax in fig.axes)
    assert fig._suptitle.get_text() == "trained again on all"
    # one epoch: its tick is 1 (not 0.95, 1.0, 1.05); no dev data: that panel spans the epochs, unmarked
    one = history_figure([{"epoch": 1, "train_loss": 0.7, "dev_loss": 0.6, "dev_accuracy": 0.5, "dev_macro_f1": 0.5}])
    assert list(one.axes[0].get_xticks()) == [1]
    rows = [{"epoch": e, "train_loss": 0.7, "dev_loss": None, "dev_accuracy": None, "dev_macro_f1": None} for e in (1, 2, 3)]
    loss_ax, metric_ax = history_figure(rows, kept_epoch=3).axes
    assert list(metric_ax.get_xticks()) == [1, 2, 3] and metric_ax.get_xlim() == loss_ax.get_xlim()
    assert not metric_ax.lines and len(loss_ax.lines) == 2  # the train curve and the kept epoch's line
    assert not len(metric_ax.get_yticks()) and not metric_ax.get_ylabel()  # no scale for scores there are none of


def test_the_report_marks_any_class_weights_and_the_kept_epoch(mlp_pipe, data, tmp_path, monkeypatch):
    from sentiment import evaluation
    from sentiment.models import neural

    drawn = {}
    draw = neural.history_figure
    monkeypatch.setattr(neural, "history_figure", lambda history, **options: drawn.update(options) or draw(history, **options))
    mlp_pipe.model_.params["class_weight"] = {"pos": 5.0}  # a dict weighs the loss too, not only "balanced"
    try:
        evaluation.write_report(evaluation.evaluate(mlp_pipe, data[2], data[3]), tmp_path / "r", "dev", model=mlp_pipe,
                                history_note="note")
    finally:
        mlp_pipe.model_.params["class_weight"] = None
    assert drawn == {"weighted": True, "averaged": False, "kept_epoch": mlp_pipe.model_.best_epoch_,
                     "multi_label": False, "note": "note"}
    mlp_pipe.model_.params["ema_epochs"] = 0.5  # the dev curves are then the average's
    try:
        evaluation.write_report(evaluation.evaluate(mlp_pipe, data[2], data[3]), tmp_path / "r", "dev", model=mlp_pipe)
    finally:
        mlp_pipe.model_.params["ema_epochs"] = 0.0
    assert drawn["averaged"] is True and drawn["weighted"] is False
    assert (tmp_path / "r" / "training_history.png").read_bytes().startswith(b"\x89PNG")


def test_a_models_history_figure_is_drawn_as_it_was_trained(mlp_pipe, data):
    """pipe.model_.history_figure() needs no flags: the legend says what the model's settings did."""
    plain = mlp_pipe.model_.history_figure(note="n")
    legend = [t.get_text() for t in plain.axes[1].get_legend().get_texts()]
    assert legend[:2] == ["accuracy", "macro-F1"] and f"kept: epoch {mlp_pipe.model_.best_epoch_}" in legend
    assert plain._suptitle.get_text() == "n"
    several = [[str(y)] + (["extra"] if i % 3 == 0 else []) for i, y in enumerate(data[1])]
    multi = Pipeline("tfidf", "mlp", hidden_sizes=[8], ema_epochs=0.5, **FAST).fit(data[0], several)
    loss_ax, metric_ax = multi.model_.history_figure().axes
    assert [t.get_text() for t in metric_ax.get_legend().get_texts()][0] == "exact match (weights averaged)"
    assert "weights averaged" in loss_ax.get_legend().get_texts()[1].get_text()
    from sentiment.models.neural import history_figure

    with pytest.raises(DataError, match="the history holds no epochs"):
        history_figure([])


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_a_model_for_a_missing_gpu_predicts_on_the_cpu(mlp_pipe, data, tmp_path):
    mlp_pipe.save(tmp_path / "model")
    loaded = Pipeline.load(tmp_path / "model")
    loaded.model_.params["device"] = "cuda"  # as if trained with device="cuda"
    np.testing.assert_allclose(loaded.predict_proba(data[2]), mlp_pipe.predict_proba(data[2]), rtol=0, atol=1e-6)


# -- CUDA ------------------------------------------------------------------------------------------
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("vectorizer, model", [("tfidf", "mlp"), ("word2vec", "lstm")])
def test_gpu_training_loads_on_the_cpu(vectorizer, model, data, tmp_path):
    train_x, train_y, dev_x, dev_y = data
    options = SMALL_W2V if vectorizer == "word2vec" else {}
    pipe = Pipeline(vectorizer, model, device="cuda", **options, **FAST).fit(train_x, train_y, dev=(dev_x, dev_y))
    assert next(pipe.model_.net_.parameters()).is_cuda
    pipe.save(tmp_path / "model")
    loaded = Pipeline.load(tmp_path / "model")
    loaded.model_.params["device"] = "cpu"
    cpu = loaded.predict_proba(dev_x)
    assert not next(loaded.model_.net_.parameters()).is_cuda
    np.testing.assert_allclose(cpu, pipe.predict_proba(dev_x), atol=5e-3)  # no bf16 at prediction; cuDNN may use TF32
    assert math.isclose(cpu.sum(axis=1).mean(), 1.0)


def test_a_diverging_training_stops_with_an_error_not_a_nan_model():
    features = np.random.default_rng(0).random((40, 5)).astype(np.float32)
    features[3, 2] = np.nan  # one NaN input makes the loss, then every weight, NaN
    with pytest.raises(sentiment.TrainingError, match="training diverged in epoch 1 \\(the loss is nan\\): the inputs hold "
                                                     "NaN or infinite values, or the learning rate is too high"):
        MLPModel(epochs=2).fit(features, np.array([0, 1] * 20), labels=["a", "b"])


def _numpy_state() -> tuple:
    """numpy's global generator: its key and its position in the key (a draw may move only the position)."""
    _, key, position, *_ = np.random.get_state()
    return tuple(key.tolist()), position


def test_fitting_leaves_the_callers_random_generators_alone(binary):
    import random

    Pipeline(model="mlp", epochs=1).fit(binary.train_texts[:20], binary.train_labels[:20])  # imports done before the check
    random.seed(3), np.random.seed(3), torch.manual_seed(3)
    before = random.getstate(), _numpy_state(), torch.get_rng_state().clone()
    first = Pipeline(model="mlp", epochs=2, net_seed=1).fit(binary.train_texts, binary.train_labels)
    assert random.getstate() == before[0]
    assert _numpy_state() == before[1] and torch.equal(torch.get_rng_state(), before[2])
    again = Pipeline(model="mlp", epochs=2, net_seed=1).fit(binary.train_texts, binary.train_labels)  # the seed still decides
    np.testing.assert_array_equal(first.predict_proba(binary.dev_texts), again.predict_proba(binary.dev_texts))


def test_prediction_runs_without_autocast(fitted, binary, monkeypatch):
    pipe = fitted("tfidf", "mlp")
    expected = pipe.predict_proba(binary.dev_texts)

    def no_autocast(device):
        raise AssertionError("predictions must not run under autocast")

    monkeypatch.setattr(hardware, "autocast", no_autocast)
    np.testing.assert_array_equal(pipe.predict_proba(binary.dev_texts), expected)


def test_seeded_touches_only_the_generators_of_the_training_device(monkeypatch, binary):
    def refuse(*args):
        raise AssertionError("a generator of another device was seeded")

    monkeypatch.setattr(torch.cuda, "manual_seed_all", refuse)
    monkeypatch.setattr(torch.cuda, "manual_seed", refuse)
    monkeypatch.setattr(torch.mps, "manual_seed", refuse)
    with hardware.seeded(3, torch.device("cpu")):
        first = torch.rand(3)
    with hardware.seeded(3, torch.device("cpu")):
        assert torch.equal(torch.rand(3), first)
    Pipeline(model="mlp", epochs=1, device="cpu").fit(binary.train_texts[:40], binary.train_labels[:40])


def test_a_network_is_moved_only_when_it_is_elsewhere(monkeypatch):
    """Moving rebuilds an LSTM's flat weights, which a prediction in another thread may be reading."""
    net = torch.nn.LSTM(4, 3)
    moved = []
    monkeypatch.setattr(net, "to", lambda *args, **kwargs: moved.append(args))
    assert hardware.on_device(net, torch.device("cpu")) is net and moved == []
    hardware.on_device(net, torch.device("meta"))
    assert moved == [(torch.device("meta"),)]


def test_no_thread_sees_a_network_half_moved(monkeypatch):
    """A second thread that comes while the first is moving the network waits for the move to end,
    rather than taking a network whose first tensors are there and the rest not yet. The move goes on only
    once the second thread waits (no timing: the lock of moves notes a thread that has to wait for it)."""
    import threading

    class NotingLock:
        def __init__(self):
            self.lock, self.waited = threading.Lock(), threading.Event()

        def __enter__(self):
            if not self.lock.acquire(blocking=False):
                self.waited.set()
                self.lock.acquire()

        def __exit__(self, *exc):
            self.lock.release()

    moves_lock = NotingLock()
    monkeypatch.setattr(hardware, "_MOVES", moves_lock)
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 2))
    moves, seen, begun = [], [], threading.Event()

    def slow_to(device):  # tensor by tensor, as a move to a GPU takes its time
        moves.append(device)
        for module in net:
            for name, parameter in list(module.named_parameters(recurse=False)):
                setattr(module, name, torch.nn.Parameter(parameter.detach().to(device)))
                if not begun.is_set():  # the network is half moved now: go on once the other thread waits
                    begun.set()
                    moves_lock.waited.wait(timeout=10)
        return net

    monkeypatch.setattr(net, "to", slow_to)

    def predict(second):
        if second:  # comes once the first thread's move has begun
            assert begun.wait(timeout=10)
        hardware.on_device(net, torch.device("meta"))
        seen.append({parameter.device.type for parameter in net.parameters()})

    threads = [threading.Thread(target=predict, args=(second,)) for second in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert moves_lock.waited.is_set() and seen == [{"meta"}, {"meta"}] and moves == [torch.device("meta")]


def test_an_lstm_predicts_from_several_threads_at_once(binary):
    from concurrent.futures import ThreadPoolExecutor

    pipe = Pipeline("word2vec", "lstm", epochs=1, hidden_size=8, vector_size=8, w2v_epochs=1).fit(
        binary.train_texts, binary.train_labels)
    texts = binary.dev_texts[:20]
    expected = pipe.predict_proba(texts)
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: pipe.predict_proba(texts), range(120)))
    assert all(np.allclose(result, expected) for result in results)


@pytest.mark.parametrize("change, message", [
    (lambda X, y: dict(y=y[:30]), r"^the features have 40 rows and the labels 30; give one label \(row\) per text$"),
    (lambda X, y: dict(dev=(X[:10], y[:5])), r"^the dev features have 10 rows and the dev labels 5"),
    (lambda X, y: dict(dev=(X[:0], y[:0])), r"^the dev pair holds no rows"),
    (lambda X, y: dict(y=y - 1), r"^the labels must be class codes, whole numbers from 0 .*got \[-1, 0, -1, 0, -1\]$"),
    (lambda X, y: dict(y=y + 0.5), r"^the labels must be class codes, whole numbers from 0"),
    (lambda X, y: dict(sample_weight=np.where(y == 0, 2.0, -1.0)), r"^sample_weight 1 is -1.0; weights must be 0 or"),
    (lambda X, y: dict(sample_weight=np.zeros(40)), r"^every sample_weight is 0, so nothing would be learnt"),
    (lambda X, y: dict(sample_weight=np.ones(10)), r"^got 40 texts but 10 sample weights"),
])
def test_a_network_fitted_alone_checks_its_inputs_as_a_pipeline_does(change, message):
    """Rows of X without a label were dropped, negative weights trained away from their labels, codes 0.5
    were cut to 0; the rest failed deep in torch (IndexError, ZeroDivisionError)."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 5)).astype("float32"), np.arange(40) % 2
    given = {"y": y, **change(X, y)}
    model = MLPModel(epochs=1)
    with pytest.raises(DataError, match=message):
        model.fit(X, given.pop("y"), **given)
    assert not model.fitted


def test_a_network_fitted_alone_takes_true_and_false_as_class_codes():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 4)).astype("float32"), np.array([True, False] * 10)
    model = MLPModel(epochs=1).fit(X, y)
    assert model.n_classes_ == 2
    # False and True are codes 0 and 1: the network those codes train, not one of the classes swapped
    np.testing.assert_array_equal(model.predict_proba(X), MLPModel(epochs=1).fit(X, y.astype(int)).predict_proba(X))


def test_a_network_fitted_alone_takes_any_sparse_format(tfidf_data):
    X, y, dev_x, _ = tfidf_data
    fitted = [MLPModel(hidden_sizes=[8], net_seed=0, **FAST).fit(fmt(X), y).predict_proba(dev_x)
              for fmt in (sp.csr_matrix, sp.coo_matrix, sp.csc_matrix)]  # COO cannot be indexed by rows
    np.testing.assert_allclose(fitted[1], fitted[0], atol=1e-6)  # (sums of a row's features in another order)
    np.testing.assert_allclose(fitted[2], fitted[0], atol=1e-6)


def test_hidden_sizes_take_numpy_numbers_as_the_other_options_do():
    for sizes, kept in ((np.int64(8), (8,)), ((np.int64(8),), (8,)), (np.array([8, 4]), (8, 4))):
        assert MLPModel(hidden_sizes=sizes).params["hidden_sizes"] == kept
    with pytest.raises(ConfigError, match="hidden_sizes must be a list of layer widths"):
        MLPModel(hidden_sizes=[8.5])
    for wide in ([8193], [16, 2 ** 64]):  # before any data are read, not torch's overflow inside fit
        with pytest.raises(ConfigError, match=r"hidden_sizes must be a list of layer widths \(whole numbers from 1 to 8192\)"):
            MLPModel(hidden_sizes=wide)



def test_a_sigmoid_head_starts_at_each_labels_share_of_the_training_texts(data):
    """Several labels per text: the untrained network gives each label its share of the training texts (not 0.5
    for all), so that early stopping does not judge epochs that only learn how rare each label is."""
    from sentiment.models import nets

    y = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0], [1, 0, 0]], dtype=np.float32)
    for net in (nets.MLPNet(nets.MLPConfig(n_features=5, n_classes=3, hidden_sizes=(4,), head="sigmoid")),
                nets.MLPNet(nets.MLPConfig(n_features=5, n_classes=3, hidden_sizes=(), head="sigmoid")),  # linear
                nets.MLPNet(nets.MLPConfig(n_features=5, n_classes=3, hidden_sizes=(), head="sigmoid", sparse_input=False)),
                nets.LSTMNet(nets.LSTMConfig(n_tokens=5, n_classes=3, embedding_dim=4, hidden_size=4, head="sigmoid"))):
        nets.start_at_label_rates(net, y)
        assert torch.sigmoid(net.output_bias).tolist() == pytest.approx([0.75, 0.25, 1e-4], abs=1e-6)
        nets.start_at_label_rates(net, y, sample_weight=np.array([1, 3, 1, 1]))  # weighted shares
        assert torch.sigmoid(net.output_bias).tolist() == pytest.approx([5 / 6, 0.5, 1e-4], abs=1e-6)
        nets.start_at_label_rates(net, y, pos_weight=np.array([1 / 3, 3.0, 1.0]))  # "balanced": the weighted
        assert torch.sigmoid(net.output_bias).tolist()[:2] == pytest.approx([0.5, 0.5], abs=1e-6)  # loss's best: 0.5
    train_x, train_y, _, _ = data
    labels = [[y, 9] if i % 4 == 0 else [y] for i, y in enumerate(train_y)]  # label 9 on a quarter of the texts
    for hidden in ([16], []):  # a linear network too: its input layer's bias gives the logits
        still = Pipeline("tfidf", "mlp", hidden_sizes=hidden, lr=1e-8, epochs=1, dev_fraction=0).fit(train_x, labels)
        mean = still.predict_proba(train_x).mean(axis=0)  # a network that has not learnt: the shares themselves
        assert mean[list(still.classes_).index(9)] == pytest.approx(0.25, abs=0.05)
    balanced = Pipeline("tfidf", "mlp", hidden_sizes=[16], lr=1e-8, epochs=1, dev_fraction=0, class_weight="balanced")
    assert balanced.fit(train_x, labels).predict_proba(train_x).mean(axis=0)[list(still.classes_).index(9)] \
        == pytest.approx(0.5, abs=0.05)  # the weighted loss's best constant


def test_a_fine_tuned_lstm_keeps_the_output_it_copies_and_starts_a_new_one_at_the_label_shares(data, tmp_path):
    """init_from copies the saved output layer where the labels are the saved model's (its biases are kept); a
    new output layer (other labels) starts at the label shares, as a fresh network's does."""
    train_x, train_y, _, _ = data
    labels = [[y, 9] if i % 4 == 0 else [y] for i, y in enumerate(train_y)]
    still = dict(hidden_size=16, **SMALL_W2V, epochs=1, lr=1e-8, dev_fraction=0)
    source = Pipeline("word2vec", "lstm", **{**still, "lr": 3e-3, "epochs": 3}).fit(train_x, labels)
    source.save(tmp_path / "source")
    copied = Pipeline("word2vec", "lstm", init_from=str(tmp_path / "source"), **still).fit(train_x, labels)
    np.testing.assert_allclose(copied.model_.net_.head.bias.detach().cpu().numpy(),
                               source.model_.net_.head.bias.detach().cpu().numpy(), atol=1e-5)
    others = [[y, 7] if i % 4 == 1 else [y] for i, y in enumerate(train_y)]  # other labels: another output layer
    new = Pipeline("word2vec", "lstm", init_from=str(tmp_path / "source"), **still).fit(train_x, others)
    assert torch.sigmoid(new.model_.net_.head.bias).tolist()[list(new.classes_).index(7)] == pytest.approx(0.25, abs=0.01)


def test_early_stopping_on_a_handful_of_held_out_texts_is_said_to_be_chance(data):
    """Early stopping on fewer than FEW_TO_STOP_ON held-out texts decides its epoch by one or two of them: a
    TuningWarning says so (and what to do); on enough texts, none."""
    from sentiment.errors import TuningWarning
    from sentiment.splits import FEW_TO_STOP_ON

    train_x, train_y, _, _ = data
    with pytest.warns(TuningWarning, match=r"early stopping judges the epochs on 4 held-out texts, too few .*"
                                           r"dev_fraction=0 to train every epoch"):
        Pipeline("tfidf", "mlp", hidden_sizes=[8], epochs=2).fit(train_x[:40], train_y[:40])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "early stopping judges", TuningWarning)
        Pipeline("tfidf", "mlp", hidden_sizes=[8], epochs=1).fit(train_x[:40], train_y[:40])  # one epoch: no choice
        fitted = Pipeline("tfidf", "mlp", hidden_sizes=[8], epochs=2).fit(train_x, train_y)
    assert fitted.info_["early_stopping_on"] >= FEW_TO_STOP_ON
